"""Every message of the portal (and of every page) has a zh_Hans and an en translation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"
ENTRY = re.compile(r"\n\n(?=(?:#.*\n)*msgid )")


def entries(language: str) -> list[str]:
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    return [
        e for e in ENTRY.split(text) if re.search(r'^msgid "(.+)"', e, re.M) or 'msgid ""\n"' in e
    ]


def msgstrs(entry: str) -> list[str]:
    """The joined text of each msgstr (or msgstr[n]) of an entry."""
    found = []
    for match in re.finditer(r'^msgstr(?:\[\d+\])? ((?:".*"\n?)+)', entry + "\n", re.M):
        found.append("".join(re.findall(r'"(.*)"', match.group(1))))
    return found


@pytest.mark.parametrize("language", ["zh_Hans", "en"])
def test_the_catalogue_has_no_untranslated_message(language):
    untranslated = [e for e in entries(language) if not all(msgstrs(e))]
    assert untranslated == []


@pytest.mark.parametrize("language", ["zh_Hans", "en"])
def test_the_catalogue_has_no_fuzzy_message(language):
    assert [e for e in entries(language) if re.search(r"^#,.*\bfuzzy\b", e, re.M)] == []


def msgid(entry: str) -> str:
    match = re.search(r'^msgid ((?:".*"\n?)+)', entry + "\n", re.M)
    return "".join(re.findall(r'"(.*)"', match.group(1))) if match else ""


def test_the_catalogue_knows_every_portal_template_message():
    templates = Path(__file__).resolve().parents[1] / "templates" / "portal"
    known = {msgid(e) for e in entries("zh_Hans")}
    for template in templates.glob("*.html"):
        for message in re.findall(r'{% translate "([^"]+)" %}', template.read_text()):
            assert message in known, (template.name, message)
