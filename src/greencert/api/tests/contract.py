"""Real responses checked against the committed OpenAPI document (``api/openapi.json``).

As in Zulip's ``validate_against_openapi_schema``: the status must be one the operation lists,
the body must validate against the schema listed for it, and an object may carry no field its
schema leaves out (``additionalProperties`` is closed wherever the document does not open it).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

DOCUMENT = Path(__file__).resolve().parent.parent / "openapi.json"
REGENERATE = "make openapi"
IN_REPOSITORY = "src/greencert/api/openapi.json"


@cache
def published() -> dict[str, Any]:
    return json.loads(DOCUMENT.read_text(encoding="utf-8"))


def _closed(schema: Any) -> Any:
    if isinstance(schema, list):
        return [_closed(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    closed = {key: _closed(value) for key, value in schema.items()}
    if "properties" in closed and "additionalProperties" not in closed:
        closed["additionalProperties"] = False
    return closed


@cache
def _registry() -> Registry:
    resource = Resource.from_contents(_closed(published()), default_specification=DRAFT202012)
    return Registry().with_resource("openapi.json", resource)


def _pointer(*parts: str) -> str:
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


def assert_documented(response: Any, method: str, path: str) -> Any:
    """Fails naming every difference between ``response`` and what the committed document says
    ``method path`` answers; returns the decoded body."""
    method = method.lower()
    operation = published()["paths"][path][method]
    status = str(response.status_code)
    assert status in operation["responses"], (
        f"{method.upper()} {path} answered {status}, which the document does not list "
        f"({', '.join(sorted(operation['responses']))}): {response.content[:300]!r}"
    )
    content = operation["responses"][status].get("content")
    if content is None:
        assert not response.content, f"{method.upper()} {path} {status} documents no body"
        return None
    assert response["Content-Type"].split(";")[0] == "application/json"
    body = json.loads(response.content)
    where = _pointer("paths", path, method, "responses", status, "content", "application/json")
    validator = Draft202012Validator(
        {"$ref": f"openapi.json#/{where}/schema"},
        registry=_registry(),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    errors = sorted(validator.iter_errors(body), key=lambda e: list(map(str, e.absolute_path)))
    assert not errors, f"{method.upper()} {path} {status} differs from the document:\n" + "\n".join(
        f"  at /{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:20]
    )
    return body
