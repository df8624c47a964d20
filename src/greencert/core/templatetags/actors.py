"""``{{ step.actor_label|actor_name }}``: who acted, as a person reads it. Events and steps keep
the stable label (``user:li``, ``client:…``, ``system:…``); pages show the person's name, the API
client's name, or "the platform" for its own scheduled work."""

from __future__ import annotations

from django import template
from django.contrib.auth import get_user_model
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


def _person(username: str) -> str:
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        return username
    return str(user.get_full_name() or user.get_username())


@register.filter
def actor_name(label: str) -> SafeString:
    kind, _sep, name = (label or "").partition(":")
    if kind == "user":
        shown = _person(name)
    elif kind == "client":
        shown = name
    elif kind == "system":
        shown = _("the platform (automatic)")
    else:
        shown = _("anonymous")
    return format_html('<span class="actor" title="{}">{}</span>', label, shown)
