"""The grades (等级) a search can filter by: the grade bands and tiers of the shipped schemes.

A certificate records its grade as the evaluation gave it (the band's id, ``grade-1``) or, when
a body imported it, as the words it printed (``1级``, ``五钻``). A grade is therefore matched by
its id and by its names in both languages, and shown in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from greencert.evaluation.registry import load_shipped_schemes


@dataclass(frozen=True, slots=True)
class Grade:
    id: str
    name_zh: str
    name_en: str
    # The scale the grade belongs to, in words (能效等级, 钻级, 绿色产品等级).
    scale_zh: str
    scale_en: str

    def name(self, language: str) -> str:
        return self.name_en if language.startswith("en") else self.name_zh

    def scale(self, language: str) -> str:
        return self.scale_en if language.startswith("en") else self.scale_zh

    @property
    def spellings(self) -> tuple[str, ...]:
        """Every way a certificate may record this grade."""
        return tuple(dict.fromkeys((self.id, self.name_zh, self.name_en)))


@lru_cache(maxsize=1)
def scheme_grades() -> tuple[Grade, ...]:
    """Each grade band and tier of the shipped schemes once, by scale, best first."""
    found: dict[str, Grade] = {}
    for scheme in load_shipped_schemes():
        if scheme.grading is not None:
            scale = scheme.grading.name
            for band in sorted(scheme.grading.bands, key=lambda b: b.rank):
                found.setdefault(
                    band.id,
                    Grade(
                        band.id,
                        band.name.zh,
                        band.name.en,
                        scale.zh if scale else "等级",
                        scale.en if scale else "Grade",
                    ),
                )
        for tier in sorted(scheme.tiers, key=lambda t: -t.rank):
            found.setdefault(
                tier.id, Grade(tier.id, tier.name.zh, tier.name.en, "评价等级", "Tier")
            )
    return tuple(found.values())


def find_grade(value: str) -> Grade | None:
    """The scheme grade ``value`` names by id or by either name, or None."""
    wanted = value.strip()
    for grade in scheme_grades():
        if wanted in grade.spellings:
            return grade
    return None


def grade_words(value: str, language: str) -> str:
    """A certificate's recorded grade in the reader's words (as recorded if no scheme knows it)."""
    grade = find_grade(value) if value else None
    return grade.name(language) if grade else value
