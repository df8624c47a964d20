"""This node's public identity: its ``did:web`` identifier and the URLs it publishes under.

``did:web`` (W3C CCG did-method-web) turns the host of ``GREENCERT_PUBLIC_URL`` into the DID:
``http://127.0.0.1:8000`` → ``did:web:127.0.0.1%3A8000``; its DID document is served at
``/.well-known/did.json``. Key ids are ``<did>#<JWK thumbprint>`` (RFC 7638), so one id never
names two keys; keys made before that keep their ``<did>#key-<n>`` ids.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from django.conf import settings


def public_url() -> str:
    return str(settings.GREENCERT_PUBLIC_URL).rstrip("/")


def absolute(path: str) -> str:
    return public_url() + path


def node_id() -> str:
    return str(settings.GREENCERT_NODE_ID)


def node_did() -> str:
    return did_for_url(public_url())


def did_for_url(url: str) -> str:
    """The ``did:web`` identifier of the node serving at ``url``."""
    parts = urlsplit(url.rstrip("/"))
    did = "did:web:" + quote(parts.netloc.lower(), safe="")
    for segment in parts.path.strip("/").split("/"):
        if segment:
            did += ":" + quote(segment, safe="")
    return did


def key_id(thumbprint: str) -> str:
    return f"{node_did()}#{thumbprint}"
