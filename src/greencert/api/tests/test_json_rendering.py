"""API answers are written by orjson, reading as Django's own encoder would write them."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.test import RequestFactory

from greencert.api.api import JSONRenderer


def render(data):
    return JSONRenderer().render(RequestFactory().get("/"), data, response_status=200)


def test_dates_times_and_decimals_read_as_django_writes_them():
    data = {
        "at": dt.datetime(2026, 6, 1, 10, 0, 0, 123456, tzinfo=dt.UTC),
        "day": dt.date(2026, 6, 1),
        "share": Decimal("0.25"),
    }

    assert json.loads(render(data)) == json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    assert json.loads(render(data))["at"] == "2026-06-01T10:00:00.123Z"


def test_chinese_is_written_as_utf8_not_escaped():
    assert render({"name": "有效"}) == '{"name":"有效"}'.encode()


def test_an_integer_beyond_64_bits_is_still_written():
    assert json.loads(render({"value": 2**70})) == {"value": 2**70}
