"""``{% scheme_name scheme_id scheme_version %}``: an evaluation scheme as a person reads it — its
title and standard, the version beside — with the scheme's id kept as the title attribute."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from greencert.evaluation import load_shipped_schemes

register = template.Library()


@register.simple_tag
def scheme_name(scheme_id: str, version: str) -> SafeString | str:
    if not scheme_id:
        return ""
    found = next(
        (s for s in load_shipped_schemes().versions(scheme_id) if s.version == version), None
    )
    code = f"{scheme_id}@{version}"
    if found is None:
        return format_html('<span class="code">{}</span>', code)
    language = get_language() or "zh-hans"
    return format_html(
        '<span title="{}">{} · {} {}</span>',
        code,
        found.title.get("en" if language.startswith("en") else "zh"),
        _("version"),
        version,
    )
