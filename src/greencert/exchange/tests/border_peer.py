"""Jiangsu's node as a follower of its border feed sees it: records signed with the key the peers
file pins for its log, served through a fake transport, with ways to serve them wrongly."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from greencert.core.canonical import canonical_json
from greencert.exchange.borders.feed import EMPTY_HEAD, feed_name, head_of, record_text
from greencert.exchange.tests.replica_peer import ORIGIN, URL, FakePeer
from greencert.exchange.tlog import note


@dataclass
class BorderPeer(FakePeer):
    bodies: list[dict[str, Any]] = field(default_factory=list)
    # Signed records by sequence served instead of the ones the peer would sign.
    replaced: dict[int, str] = field(default_factory=dict)

    def lists(self, entry: int, credit_code: str, name: str, **fields: Any) -> dict[str, Any]:
        body = {
            "kind": "blacklist_listed",
            "entry": entry,
            "subject": "enterprise",
            "subject_id": credit_code,
            "subject_name": name,
            "subject_region": "330500",
            "basis_code": "SCL-2022",
            "facts": "伪造检验报告（江苏省市场监管局查实）",
            "categories": [],
            "starts_on": dt.date.today().isoformat(),
            "ends_on": (dt.date.today() + dt.timedelta(days=365)).isoformat(),
            "region": "320000",
            "listed_at": "2026-01-05T10:00:00+08:00",
        } | fields
        self.bodies.append(body)
        return body

    def removes(self, entry: int, kind: str = "decision") -> dict[str, Any]:
        body = {
            "kind": "blacklist_removed",
            "entry": entry,
            "removal": kind,
            "removed_on": dt.date.today().isoformat(),
            "reason": "整改到位",
        }
        self.bodies.append(body)
        return body

    def signed_records(self, key: Any = None) -> list[str]:
        previous, out = EMPTY_HEAD, []
        for sequence, body in enumerate(self.bodies, start=1):
            text = record_text(feed_name(ORIGIN), sequence, previous, body)
            out.append(note.sign_note(text, ORIGIN, key or self.key))
            previous = head_of(text)
        return out

    def serve(self, path: str) -> bytes:
        parts = urlsplit(path)
        if parts.path != "/borders/feed":
            return super().serve(path)
        after = int(parse_qs(parts.query).get("after", ["0"])[0])
        signed = self.signed_records()
        records = [
            {"sequence": n, "note": self.replaced.get(n, text)}
            for n, text in enumerate(signed, start=1)
            if n > after
        ]
        return canonical_json({"feed": feed_name(ORIGIN), "size": len(signed), "records": records})


def feed_of(text: bytes) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(text)
    return parsed


__all__ = ["URL", "BorderPeer", "feed_of"]
