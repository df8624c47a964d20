"""The base of every filter schema (Django Ninja ``FilterSchema``) read from a query string."""

from __future__ import annotations

from typing import Any

from ninja import FilterSchema
from pydantic import ValidationInfo, field_validator


class QueryFilters(FilterSchema):
    """An empty parameter filters nothing: it is what a form's "any" choice sends."""

    # Field validators, not a model validator: Ninja hands model validators its own wrapper of
    # the data, not the mapping.
    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_absent(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields[info.field_name or ""]
        if value == "" and field.default is None:
            return None
        return value
