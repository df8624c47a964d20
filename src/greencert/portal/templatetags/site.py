"""The site's header and footer, the same on every public page: rendered once per language and
node identity and kept in the process, instead of resolving their dozen addresses and twenty
translations on every page (a third of a verify page's rendering before they were kept).

A page asked with a query string renders them afresh: the language switch keeps its parameters.
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

_KEPT: dict[tuple[str, ...], SafeString] = {}


def _part(name: str, context: template.Context) -> SafeString:
    request = context.get("request")
    key = (
        name,
        get_language() or "",
        get_script_prefix(),
        str(context.get("site_operator", "")),
        str(context.get("site_contact", "")),
        str(context.get("site_icp_record", "")),
        str(settings.STATIC_URL),
        str(settings.ROOT_URLCONF),
    )
    kept = None if request is None or request.GET else _KEPT.get(key)
    if kept is not None:
        return kept
    engine = context.template.engine  # type: ignore[union-attr]  # a tag renders in a template
    rendered = mark_safe(engine.get_template(name).render(context))
    if request is not None and not request.GET:
        _KEPT[key] = rendered
    return rendered


@register.simple_tag(takes_context=True)
def site_header(context: template.Context) -> SafeString:
    return _part("portal/_site_header.html", context)


@register.simple_tag(takes_context=True)
def site_footer(context: template.Context) -> SafeString:
    return _part("portal/_site_footer.html", context)
