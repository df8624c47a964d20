"""Search grams for Chinese and mixed text (engineering.md §3).

A document is indexed as its NFKC, lower-cased text cut into CJK unigrams and bigrams, with Latin
and digit words kept whole. A query is cut the same way (bigrams only for CJK runs of two or more
characters), every gram must match, and each run must then appear in the document's text as a
substring, so "环保涂料" does not match a text holding only "环保" and "涂料" apart.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
RUNS = re.compile(rf"(?P<cjk>[{CJK}]+)|(?P<word>[^\W_{CJK}]+)")
# Certificate numbers (the registry's and the bodies' own), credit codes and approval numbers: one
# run of letters, digits, hyphens, slashes and brackets holding at least four digits, read as
# people copy numbers from paper (full-width characters, spaces between groups).
KEY_LIKE = re.compile(r"^[0-9A-Z()/-]{4,40}$")


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def runs(text: str) -> list[tuple[str, str]]:
    """(kind, run) pairs of normalised ``text``: kind is ``cjk`` or ``word``."""
    return [(m.lastgroup or "word", m.group()) for m in RUNS.finditer(normalise(text))]


def document_grams(text: str) -> str:
    """The space-separated grams a document is indexed under, each once."""
    seen: dict[str, None] = {}
    for kind, run in runs(text):
        if kind == "word":
            seen[run] = None
            continue
        for i, char in enumerate(run):
            seen[char] = None
            if i + 1 < len(run):
                seen[run[i : i + 2]] = None
    return " ".join(seen)


@dataclass(frozen=True)
class ParsedQuery:
    """What a typed query asks for: grams that must all match and runs to recheck as substrings."""

    typed: str
    grams: tuple[str, ...]
    substrings: tuple[str, ...]
    key: str  # an upper-cased number or code to match exactly or by prefix, or ""

    @property
    def empty(self) -> bool:
        return not self.grams and not self.key


def parse_query(typed: str) -> ParsedQuery:
    grams: dict[str, None] = {}
    substrings: dict[str, None] = {}
    for kind, run in runs(typed):
        substrings[run] = None
        if kind == "word" or len(run) == 1:
            grams[run] = None
        else:
            for i in range(len(run) - 1):
                grams[run[i : i + 2]] = None
    compact = "".join(unicodedata.normalize("NFKC", typed).upper().split())
    digits = sum(ch.isdigit() for ch in compact)
    key = compact if KEY_LIKE.match(compact) and digits >= 4 else ""
    return ParsedQuery(typed, tuple(grams), tuple(substrings), key)


def fts5_expression(query: ParsedQuery) -> str:
    """SQLite FTS5: every gram as a quoted string, AND-ed."""
    return " AND ".join(f'"{gram}"' for gram in query.grams)


def tsquery_expression(query: ParsedQuery) -> str:
    """PostgreSQL ``to_tsquery('simple', …)``: every gram quoted, AND-ed."""
    return " & ".join(f"'{gram}'" for gram in query.grams)
