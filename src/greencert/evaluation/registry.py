"""The shipped schemes (已发布评价方案) by id and version, and which version is in force on a date."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .errors import Problem, SchemeError
from .model import Scheme
from .scheme import load_scheme


class SchemeRegistry:
    """Scheme versions keyed by ``id@version``; versions of one id must not overlap in time."""

    def __init__(self, schemes: Iterable[Scheme]) -> None:
        self._schemes: dict[str, Scheme] = {}
        problems: list[Problem] = []
        for scheme in sorted(schemes, key=lambda s: (s.id, s.effective_from)):
            if scheme.key in self._schemes:
                problems.append(
                    Problem(
                        scheme.key,
                        "方案版本重复",
                        "scheme version listed twice; expected each id@version once",
                    )
                )
            self._schemes[scheme.key] = scheme
        for scheme in self._schemes.values():
            successor = scheme.superseded_by
            if successor is not None and successor not in self._schemes:
                problems.append(
                    Problem(
                        f"{scheme.key}: superseded_by",
                        f"替代方案 {successor} 不存在",
                        f"superseding scheme {successor} is not registered; expected a known id@version",
                    )
                )
        for first, second in zip(self.all(), self.all()[1:], strict=False):
            if first.id == second.id and (
                first.effective_until is None or first.effective_until >= second.effective_from
            ):
                problems.append(
                    Problem(
                        f"{second.key}: effective_from",
                        f"与 {first.key} 的有效期重叠",
                        f"validity overlaps {first.key}; expected {first.key} to end before {second.effective_from}",
                    )
                )
        if problems:
            raise SchemeError("registry", problems)

    def __iter__(self) -> Iterator[Scheme]:
        return iter(self._schemes.values())

    def __len__(self) -> int:
        return len(self._schemes)

    def all(self) -> list[Scheme]:
        """Every version, ordered by id then effective date."""
        return list(self._schemes.values())

    def ids(self) -> list[str]:
        return sorted({scheme.id for scheme in self})

    def versions(self, scheme_id: str) -> list[Scheme]:
        return [scheme for scheme in self if scheme.id == scheme_id]

    def get(
        self, scheme_id: str, version: str | None = None, on: datetime.date | None = None
    ) -> Scheme:
        """One version; without ``version`` the one in force ``on`` that day (default today)."""
        if version is not None:
            found = self._schemes.get(f"{scheme_id}@{version}")
            if found is None:
                raise self._unknown(f"{scheme_id}@{version}")
            return found
        in_force = self.in_force(scheme_id, on or datetime.date.today())
        if in_force is None:
            raise self._unknown(scheme_id, on)
        return in_force

    def resolve(self, reference: str, on: datetime.date | None = None) -> Scheme:
        """``ID`` or ``ID@VERSION`` as written on a command line or in an API request."""
        scheme_id, _, version = reference.partition("@")
        return self.get(scheme_id, version or None, on)

    def in_force(self, scheme_id: str, day: datetime.date) -> Scheme | None:
        for scheme in self.versions(scheme_id):
            if scheme.in_force_on(day):
                return scheme
        return None

    def _unknown(self, reference: str, on: datetime.date | None = None) -> SchemeError:
        known = ", ".join(self._schemes)
        if on is not None or "@" not in reference:
            day = on or datetime.date.today()
            return SchemeError(
                "registry",
                [
                    Problem(
                        reference,
                        f"{day} 没有生效的此方案版本；已有：{known}",
                        f"no version of this scheme is in force on {day}; known: {known}",
                    )
                ],
            )
        return SchemeError(
            "registry",
            [
                Problem(
                    reference,
                    f"未知方案；应为以下之一：{known}",
                    f"unknown scheme; expected one of {known}",
                )
            ],
        )


def shipped_scheme_paths() -> list[Path]:
    folder = Path(str(resources.files(__package__).joinpath("schemes")))
    return sorted(folder.glob("*.yaml"))


@lru_cache(maxsize=1)
def load_shipped_schemes() -> SchemeRegistry:
    """Every scheme file under ``schemes/``, validated and compiled once per process."""
    return SchemeRegistry(load_scheme(path) for path in shipped_scheme_paths())
