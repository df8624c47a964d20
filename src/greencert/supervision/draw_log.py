"""The log check of a v2 draw: the published tree head must be the head of the event log over
exactly the events recorded before the stated time T.

Events come from the local database, an exported file of change-feed events, or a node's change
feed (``GET /api/v1/changes``); each is hashed as it was published, so a reader with nothing but
the public feed reaches the same head.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from greencert.certification.lifecycle.tree_head import feed_events, head_of

FEED_PAGE = 1000


def local_events(last: int) -> Iterator[dict[str, Any]]:
    return feed_events(1, last)


def file_events(path: Path) -> Iterator[dict[str, Any]]:
    """Events from a JSON array, a change-feed page ({"events": [...]}) or JSON lines."""
    text = path.read_text(encoding="utf-8")
    stripped = text.lstrip()
    if stripped.startswith("[") or stripped.startswith('{"events"'):
        data = json.loads(text)
        yield from data["events"] if isinstance(data, dict) else data
        return
    for line in text.splitlines():
        if line.strip():
            yield json.loads(line)


def feed_events_from(url: str, last: int, token: str = "") -> Iterator[dict[str, Any]]:
    """Events 1..``last`` read page by page from a node's change feed at ``url``."""
    after = 0
    while after < last:
        query = urllib.parse.urlencode({"after": after, "limit": min(FEED_PAGE, last - after)})
        request = urllib.request.Request(f"{url}{'&' if '?' in url else '?'}{query}")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        with urllib.request.urlopen(request, timeout=60) as response:
            page = json.loads(response.read().decode("utf-8"))
        yield from page["events"]
        if page["next_after"] <= after:
            return  # the feed holds no more events
        after = page["next_after"]


def _recorded(event: dict[str, Any]) -> dt.datetime:
    return dt.datetime.fromisoformat(str(event["recorded_at"]).replace("Z", "+00:00"))


def check_log(document: dict[str, Any], events: Iterable[dict[str, Any]]) -> list[str]:
    """Problems with the published tree head against ``events`` (sequence order from 1; at least
    the first ``size + 1`` when the log holds more)."""
    head = document.get("log_tree_head") or {}
    not_before = document.get("draw_not_before")
    if not head or not not_before:
        return ["log: the draw publishes no tree head or no stated time"]
    size, published_root = int(head["size"]), head["root_hash"]
    cutoff = dt.datetime.fromisoformat(str(not_before).replace("Z", "+00:00"))
    taken: list[dict[str, Any]] = []
    following: dict[str, Any] | None = None
    for event in events:
        if len(taken) < size:
            taken.append(event)
        else:
            following = event
            break
    problems = []
    if len(taken) < size:
        return [f"log: the log holds {len(taken)} events, the draw cites a tree of {size}"]
    late = [e["sequence"] for e in taken if _recorded(e) >= cutoff]
    if late:
        problems.append(
            f"log: event {late[0]} was recorded at or after {not_before} but is in the cited tree"
        )
    if following is not None and _recorded(following) < cutoff:
        problems.append(
            f"log: event {following['sequence']} was recorded before {not_before} but is not in "
            f"the cited tree of {size}"
        )
    try:
        computed = head_of(taken)
    except ValueError as exc:
        return [*problems, f"log: {exc}"]
    if computed.root_hash != published_root:
        problems.append(
            f"log: the tree head of events 1–{size} is {computed.root_hash}, the draw cites "
            f"{published_root} (the log differs from the one the draw used)"
        )
    return problems
