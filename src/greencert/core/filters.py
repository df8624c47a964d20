"""The base of every filter schema (Django Ninja ``FilterSchema``) read from a query string."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ninja import FilterSchema
from pydantic import model_validator


class QueryFilters(FilterSchema):
    """An empty parameter filters nothing: it is what a form's "any" choice sends."""

    @model_validator(mode="before")
    @classmethod
    def _blank_is_absent(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            return {name: value for name, value in data.items() if value != ""}
        return data
