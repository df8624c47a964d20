"""JSON answers as the platform writes them: UTF-8 with Chinese left readable, dates as ISO text."""

from __future__ import annotations

from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse


def json_response(data: Any, status: int = 200, *, indent: int | None = None) -> JsonResponse:
    params: dict[str, Any] = {"ensure_ascii": False}
    if indent is not None:
        params["indent"] = indent
    return JsonResponse(
        data, status=status, encoder=DjangoJSONEncoder, safe=False, json_dumps_params=params
    )
