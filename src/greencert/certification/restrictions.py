"""What joint supervision may forbid or flag about certification, answered from above.

The blacklist (联合惩戒) binds certification: a listed enterprise may not apply or be certified, a
listed body may not issue, and their certificates carry a flag wherever they are shown. The
blacklist lives in ``supervision``, a layer above ``certification``; it registers its answers here
at start-up (``SupervisionConfig.ready``), so certification asks without importing it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Restrictions:
    # Raises PermissionRefused when the enterprise or body may not do what ``doing`` names.
    refuse: Callable[..., None]
    # The same for many (enterprise, category) pairs of one body at once (one query): the
    # refusal of each refused pair, by its index.
    refusals: Callable[..., dict[int, Any]]
    # Which of these certificate ids carry a flag today (one query).
    flagged_ids: Callable[[Iterable[int]], set[int]]
    # The listings behind one certificate's flag, as the public sees them.
    flags: Callable[[Any], list[dict[str, Any]]]


_registered: list[Restrictions] = []


def register_restrictions(restrictions: Restrictions) -> None:
    _registered[:] = [restrictions]


def _current() -> Restrictions:
    if not _registered:
        raise RuntimeError("no restrictions registered: is greencert.supervision installed?")
    return _registered[0]


def refuse_if_restricted(
    *, enterprise: Any = None, body: Any = None, category: str | None, doing: tuple[str, str]
) -> None:
    _current().refuse(enterprise=enterprise, body=body, category=category, doing=doing)


def restriction_refusals(
    *, subjects: Sequence[tuple[Any, str | None]], body: Any, doing: tuple[str, str]
) -> dict[int, Any]:
    """What ``refuse_if_restricted`` would raise for each (enterprise, category) pair issued by
    ``body``, by the pair's index; pairs that may go ahead are absent."""
    if not subjects:
        return {}
    return _current().refusals(subjects=subjects, body=body, doing=doing)


def flagged_certificate_ids(certificate_ids: Iterable[int]) -> set[int]:
    return _current().flagged_ids(certificate_ids)


def flags_for(certificate: Any) -> list[dict[str, Any]]:
    return _current().flags(certificate)
