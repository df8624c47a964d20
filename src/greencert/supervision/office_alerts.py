"""Alerts that apps above supervision raise on the regulators' office page. Supervision cannot
import them, so each registers a source here: given the regulator, it returns the alerts to show
(translated text and the page that explains them)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from greencert.core.actors import Actor


@dataclass(frozen=True)
class OfficeAlert:
    text: str
    url: str


AlertSource = Callable[[Actor], list[OfficeAlert]]
_sources: dict[str, AlertSource] = {}


def register_office_alerts(name: str, source: AlertSource) -> None:
    _sources[name] = source


def office_alerts(actor: Actor) -> list[OfficeAlert]:
    return [alert for source in _sources.values() for alert in source(actor)]
