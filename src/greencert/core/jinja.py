"""The Jinja2 environment of the pages read most: the verify page a mark's QR code opens.

A phone scanning a product waits for that page, and procurement platforms and inspectors open
thousands of them; Django's template language spent two thirds of the page's time. Its content
is written for Jinja2 (``<app>/jinja2/``), inside the site's frame of Django templates
(``portal/base.html``), with the same translations, addresses and date formats:

- ``_()`` and ``{% trans %}`` read Django's message catalogs (``gettext``/``ngettext``);
  ``make messages`` extracts them with the rest (``core.management.commands.makemessages``);
- ``url(name, *args)`` is Django's ``reverse``, each pattern reversed once per process;
- ``day`` and ``minute`` write dates as the Django templates did with
  ``date:"Y-m-d"`` and ``date:"Y-m-d H:i"``, in the site's time zone; ``timestamp`` for ``<time>``;
- ``floatformat`` and ``capfirst`` are Django's own filters.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.template.defaultfilters import capfirst, floatformat
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils import timezone, translation
from django.utils.translation import get_language, gettext, ngettext
from jinja2 import ChainableUndefined, Environment, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

# Arguments that reverse() writes unchanged, and the stand-ins a pattern is reversed with once.
_PLAIN_ARGUMENT = re.compile(r"[A-Za-z0-9_.-]+")
_STAND_IN = "~{}~"  # no plain argument holds a tilde, and reverse() leaves it as it is


@lru_cache(maxsize=512)
def _pattern(
    name: str, fixed: tuple[str | None, ...], prefix: str, urlconf: str | None
) -> str | None:
    """The address of ``name`` with stand-ins for the arguments ``fixed`` leaves None, or None
    when a stand-in does not fit the pattern (an argument restricted to a few values)."""
    args = [_STAND_IN.format(i) if a is None else a for i, a in enumerate(fixed)]
    try:
        return reverse(name, args=args, urlconf=urlconf)
    except NoReverseMatch:
        return None


def url(name: str, *args: Any) -> str:
    """``reverse(name, args=args)``, each pattern reversed once per process and filled in: with a
    stand-in for every argument, or for the first only (an identifier followed by a format)."""
    texts = [str(a) for a in args]
    if all(_PLAIN_ARGUMENT.fullmatch(t) for t in texts):
        prefix, urlconf = get_script_prefix(), get_urlconf()
        for fixed in ((None,) * len(texts), (None, *texts[1:])):
            pattern = _pattern(name, fixed, prefix, urlconf)
            if pattern is not None:
                for i, text in enumerate(texts):
                    pattern = pattern.replace(_STAND_IN.format(i), text, 1)
                return pattern
    return reverse(name, args=texts)


def _local(value: Any) -> dt.date | dt.datetime | None:
    if isinstance(value, dt.datetime):
        # The site's zone: no request activates another (settings.TIME_ZONE, Beijing time).
        zone = timezone.get_default_timezone()
        return value.astimezone(zone) if timezone.is_aware(value) else value
    return value if isinstance(value, dt.date) else None


def day(value: Any) -> str:
    """``date:"Y-m-d"``: ``2026-03-01``; nothing for what is not a date."""
    local = _local(value)
    return "" if local is None else f"{local.year:04d}-{local.month:02d}-{local.day:02d}"


def minute(value: Any) -> str:
    """``date:"Y-m-d H:i"``: ``2026-03-01 09:30``, in the site's time zone."""
    local = _local(value)
    if not isinstance(local, dt.datetime):
        return ""  # as Django's: a date has no time of day
    return f"{day(local)} {local.hour:02d}:{local.minute:02d}"


def timestamp(value: Any) -> str:
    """A machine-readable time (``<time datetime>``): ISO 8601 to the second with its offset in
    the site's time zone, ``2026-03-01T09:30:00+08:00``."""
    local = _local(value)
    if isinstance(local, dt.datetime):
        local = local.replace(microsecond=0)
    return "" if local is None else local.isoformat()


# Each message in each language, translated once per process: Django's catalogs do not change
# while it runs, and a lookup here costs a dictionary read instead of Django's per-call search
# for the active translation.
_TRANSLATED: dict[tuple[str, str], str] = {}
_FORMATTED: dict[tuple[str, str, bool], str] = {}


def _language(context: Context) -> str:
    return str(context.get("LANGUAGE_CODE") or get_language() or settings.LANGUAGE_CODE)


@pass_context
def _gettext(context: Context, message: str, **variables: Any) -> str:
    """Jinja's new-style ``gettext`` (``{% trans %}``, ``_()``): the translation in the page's
    language (``LANGUAGE_CODE``), marked safe under autoescape, its variables escaped into it."""
    language = _language(context)
    autoescape = context.eval_ctx.autoescape
    if not variables:  # most messages: formatted once per language (``%%`` written ``%``)
        formatted = _FORMATTED.get((language, message, autoescape))
        if formatted is None:
            formatted = _FORMATTED[(language, message, autoescape)] = _format(
                _translated(language, message), autoescape, variables
            )
        return formatted
    return _format(_translated(language, message), autoescape, variables)


def _translated(language: str, message: str) -> str:
    text = _TRANSLATED.get((language, message))
    if text is None:
        with translation.override(language):
            text = _TRANSLATED[(language, message)] = gettext(message)
    return text


def _format(text: str, autoescape: bool, variables: dict[str, Any]) -> str:
    """Jinja's new-style formatting: marked safe under autoescape, the variables escaped into it."""
    return (Markup(text) if autoescape else text) % variables


@pass_context
def _ngettext(context: Context, singular: str, plural: str, number: int, **variables: Any) -> str:
    """New-style ``ngettext``: as ``_gettext``, with ``num`` among the variables by default."""
    with translation.override(_language(context)):
        text = ngettext(singular, plural, number)
    variables.setdefault("num", number)
    return _format(text, context.eval_ctx.autoescape, variables)


def environment(**options: Any) -> Environment:
    options["undefined"] = ChainableUndefined  # a missing value renders empty, as in Django's
    env = Environment(extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(gettext=_gettext, _=_gettext, ngettext=_ngettext, url=url)
    env.filters.update(
        day=day, minute=minute, timestamp=timestamp, floatformat=floatformat, capfirst=capfirst
    )
    return env
