"""Request validation errors in zh-hans and en, naming the field, the value and what was expected."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from greencert.core.errors import invalid_input

# Names of the operation parameters that group query or body fields; a client never types them.
PARAMETER_GROUPS = {"query", "body", "path", "filters", "payload", "ninja_pagination"}


def _typed_value(request: HttpRequest, location: list[str], error: dict[str, Any]) -> Any:
    if "input" in error:
        return error["input"]
    if location and location[-1] in request.GET:
        return request.GET[location[-1]]
    return None


def describe(request: HttpRequest, error: dict[str, Any]) -> dict[str, Any]:
    raw_loc = [str(part) for part in error.get("loc", [])]
    location = [part for part in raw_loc if part not in PARAMETER_GROUPS]
    field = ".".join(location) or "request"
    return invalid_input(field, _typed_value(request, location, error), error).as_dict()
