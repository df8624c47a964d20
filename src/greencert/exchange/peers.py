"""The other provincial nodes this node shares its log with: who they are, where they serve and
the keys that sign their checkpoints and cosignatures.

Deployment data, not code: ``GREENCERT_PEERS_FILE`` names a YAML file (empty: no peers, a single
node). Each entry::

    - id: yrd-js                      # the peer's GREENCERT_NODE_ID
      province_code: "320000"         # the province it is authoritative for (GB/T 2260)
      name: {zh: 江苏省节点, en: Jiangsu node}
      url: http://127.0.0.1:8002      # its GREENCERT_PUBLIC_URL
      log_vkey: 127.0.0.1:8002/log+1a2b3c4d+AQ…   # signed-note verifier key of its log (/log/vkey)
      witness_vkey: yrd-js+…          # verifier key of its witness cosignatures (optional)

Keys are pinned here: a checkpoint or cosignature is trusted only under the key this file names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")
_PROVINCE = re.compile(r"^\d{2}0000$")
_URL = re.compile(r"^https?://[^\s/]+(/[^\s]*)?$")


class PeersFileError(ValueError):
    """The peers file is not what this module expects; the message names the entry and field."""


@dataclass(frozen=True, slots=True)
class Peer:
    id: str
    province_code: str
    name_zh: str
    name_en: str
    url: str
    log_vkey: str
    witness_vkey: str = ""

    @property
    def log_origin(self) -> str:
        """The origin line of the peer's checkpoints: the first field of its verifier key."""
        return self.log_vkey.split("+", 1)[0]

    def name(self, language: str = "zh-hans") -> str:
        return self.name_en if language.startswith("en") else self.name_zh


def _error(
    index: int, field: str, value: Any, expected_zh: str, expected_en: str
) -> PeersFileError:
    return PeersFileError(
        f"节点清单第 {index + 1} 项字段 {field} 的值 {value!r} 不符合要求——应为{expected_zh} / "
        f"peers file entry {index + 1}: field {field} is {value!r}; expected {expected_en}"
    )


def _peer(index: int, entry: Any) -> Peer:
    if not isinstance(entry, dict):
        raise _error(index, "(entry)", entry, "一个映射", "a mapping")

    def text(
        field: str, pattern: re.Pattern[str] | None, zh: str, en: str, *, required: bool = True
    ) -> str:
        value = entry.get(field, "")
        if (
            not isinstance(value, str)
            or (required and not value)
            or (value and pattern is not None and not pattern.match(value))
        ):
            raise _error(index, field, value, zh, en)
        return value

    name = entry.get("name")
    if not isinstance(name, dict) or not name.get("zh") or not name.get("en"):
        raise _error(index, "name", name, "含 zh 和 en 的名称", "a name with zh and en")
    vkey = re.compile(r"^[^+\s]+\+[0-9a-f]{8}\+[A-Za-z0-9+/=]+$")
    return Peer(
        id=text(
            "id",
            _ID,
            "小写字母、数字和连字符组成的节点标识",
            "a node id of lower-case letters, digits and hyphens",
        ),
        province_code=text(
            "province_code", _PROVINCE, "六位省级行政区划代码", "a six-digit province code"
        ),
        name_zh=str(name["zh"]),
        name_en=str(name["en"]),
        url=text("url", _URL, "http:// 或 https:// 地址", "an http:// or https:// URL").rstrip("/"),
        log_vkey=text(
            "log_vkey",
            vkey,
            "签名注记验证密钥（名称+哈希+密钥）",
            "a signed-note verifier key (name+hash+key)",
        ),
        witness_vkey=text(
            "witness_vkey",
            vkey,
            "签名注记验证密钥（名称+哈希+密钥）",
            "a signed-note verifier key (name+hash+key)",
            required=False,
        ),
    )


def parse(text: str) -> tuple[Peer, ...]:
    """The peers listed in a peers file's text; raises ``PeersFileError`` naming what is wrong."""
    data = yaml.safe_load(text) or []
    if not isinstance(data, list):
        raise PeersFileError("节点清单应为列表 / the peers file must be a list of entries")
    found = tuple(_peer(i, entry) for i, entry in enumerate(data))
    seen: set[str] = set()
    for i, peer in enumerate(found):
        if peer.id in seen:
            raise _error(i, "id", peer.id, "不重复的节点标识", "a node id not listed before")
        seen.add(peer.id)
    return found


@lru_cache(maxsize=1)
def _load(path: str) -> tuple[Peer, ...]:
    if not path:
        return ()
    return parse(Path(path).read_text(encoding="utf-8"))


def peers() -> tuple[Peer, ...]:
    """The peers of this node, other than itself, from ``GREENCERT_PEERS_FILE``."""
    own = str(settings.GREENCERT_NODE_ID)
    return tuple(p for p in _load(str(settings.GREENCERT_PEERS_FILE)) if p.id != own)


def peer(peer_id: str) -> Peer | None:
    return next((p for p in peers() if p.id == peer_id), None)


def by_origin(origin: str) -> Peer | None:
    """The peer whose log has this origin line, if any."""
    return next((p for p in peers() if p.log_origin == origin), None)


def clear_cache() -> None:
    _load.cache_clear()
