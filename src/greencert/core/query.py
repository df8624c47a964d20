"""Query strings read through an API schema by a page that takes the same parameters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

import pydantic

from greencert.core.errors import invalid_input

SchemaT = TypeVar("SchemaT", bound=pydantic.BaseModel)


def read_query(schema: type[SchemaT], params: Mapping[str, str]) -> SchemaT:
    """``schema`` filled from ``params`` (other parameters are ignored); a value the schema refuses
    raises ValidationFailed naming it, worded as the API words it."""
    data = {name: params[name] for name in schema.model_fields if name in params}
    try:
        return schema.model_validate(data)
    except pydantic.ValidationError as refused:
        error = refused.errors()[0]
        field = ".".join(str(part) for part in error["loc"]) or "request"
        raise invalid_input(field, data.get(field, error.get("input")), error) from None
