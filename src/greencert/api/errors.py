"""Request validation errors in zh-hans and en, naming the field, the value and what was expected."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest

from greencert.core.errors import invalid_input

# Names of the operation parameters that group query or body fields; a client never types them.
PARAMETER_GROUPS = {"query", "body", "path", "filters", "payload", "ninja_pagination"}
# Ninja locates an error as (where, parameter, field…): only those first two may name a group,
# for a field may itself be called ``body`` or ``query``.
GROUP_PARTS = 2
ABSENT = object()


def _in_body(request: HttpRequest, path: list[str]) -> Any:
    """The value the JSON body holds at ``path``, or ABSENT."""
    try:
        value: Any = json.loads(request.body)
    except ValueError:
        return ABSENT
    for part in path:
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return ABSENT
    return value


def _typed_value(
    request: HttpRequest, where: str, location: list[str], error: dict[str, Any]
) -> Any:
    if "input" in error:
        return error["input"]
    if where == "body" and location:
        found = _in_body(request, location)
        return None if found is ABSENT else found
    if where == "path" and location:
        match = request.resolver_match
        return match.kwargs.get(location[-1]) if match else None
    if location and location[-1] in request.GET:
        return request.GET[location[-1]]
    return None


def describe(request: HttpRequest, error: dict[str, Any]) -> dict[str, Any]:
    raw_loc = [str(part) for part in error.get("loc", [])]
    head, tail = raw_loc[:GROUP_PARTS], raw_loc[GROUP_PARTS:]
    location = [part for part in head if part not in PARAMETER_GROUPS] + tail
    field = ".".join(location) or "request"
    where = raw_loc[0] if raw_loc else ""
    return invalid_input(field, _typed_value(request, where, location, error), error).as_dict()
