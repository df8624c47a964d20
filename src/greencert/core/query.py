"""Query strings read through an API schema by a page that takes the same parameters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

import pydantic

from greencert.core.errors import invalid_input

SchemaT = TypeVar("SchemaT", bound=pydantic.BaseModel)


def read_query(schema: type[SchemaT], params: Mapping[str, str]) -> SchemaT:
    """``schema`` filled from ``params``; other parameters, and empty ones (a form's blank field),
    are left out. A value the schema refuses raises ValidationFailed naming it, worded as the
    API words it."""
    data = {name: params[name] for name in schema.model_fields if params.get(name, "") != ""}
    try:
        return schema.model_validate(data)
    except pydantic.ValidationError as refused:
        error = refused.errors()[0]
        field = ".".join(str(part) for part in error["loc"]) or "request"
        raise invalid_input(field, data.get(field, error.get("input")), error) from None
