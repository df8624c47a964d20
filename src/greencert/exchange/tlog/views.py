"""``/log/``: the node's transparency log as C2SP tlog-tiles serves it. Full tiles and entry
bundles never change, so caches may keep them for a year; the checkpoint and partial tiles are
replaced as the log grows and are cached for a second at most. The checkpoint carries the
peer witnesses' verified cosignatures after the log's own signature."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from greencert.exchange.tlog import storage
from greencert.exchange.tlog.tiles import WIDTH, encode_bundle, parse_index, parse_width
from greencert.exchange.witness.submit import cosigned_note

IMMUTABLE = "public, max-age=31536000, immutable"
SHORT_LIVED = "public, max-age=1"
OCTETS = "application/octet-stream"
TEXT = "text/plain; charset=utf-8"


def _answer(body: bytes, content_type: str, cache: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Cache-Control"] = cache
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _not_found(message: str) -> HttpResponse:
    response = HttpResponse(f"{message}\n", status=404, content_type=TEXT)
    response["Cache-Control"] = SHORT_LIVED
    return response


def _published_size() -> int:
    checkpoint = storage.latest_checkpoint()
    return checkpoint.size if checkpoint else 0


@require_GET
def checkpoint(request: HttpRequest) -> HttpResponse:
    latest = storage.latest_checkpoint()
    if latest is None:  # a new node: sign the tree it has, even if empty
        storage.catch_up()
        latest = storage.latest_checkpoint()
    assert latest is not None
    return _answer(cosigned_note(latest).encode(), TEXT, SHORT_LIVED)


@require_GET
def vkey(request: HttpRequest) -> HttpResponse:
    return _answer(f"{storage.verifier_key()}\n".encode(), TEXT, SHORT_LIVED)


def _position(index: str, width: str | None) -> tuple[int, int] | None:
    try:
        return parse_index(index), parse_width(width)
    except ValueError:
        return None


@require_GET
def hash_tile(
    request: HttpRequest, level: str, index: str, width: str | None = None
) -> HttpResponse:
    position = _position(index, width)
    if position is None:
        return _not_found("not a tile path")
    n, w = position
    # Hashes at this level that the published checkpoint covers.
    available = _published_size() >> (8 * int(level))
    if n * WIDTH + w > available:
        return _not_found("the published checkpoint does not cover this tile")
    data = storage.tile_hashes(int(level), n, w)
    return _answer(data, OCTETS, IMMUTABLE if w == WIDTH else SHORT_LIVED)


@require_GET
def entry_bundle(request: HttpRequest, index: str, width: str | None = None) -> HttpResponse:
    position = _position(index, width)
    if position is None:
        return _not_found("not an entry bundle path")
    n, w = position
    if n * WIDTH + w > _published_size():
        return _not_found("the published checkpoint does not cover this entry bundle")
    data = encode_bundle(storage.entries(n * WIDTH, w))
    return _answer(data, OCTETS, IMMUTABLE if w == WIDTH else SHORT_LIVED)
