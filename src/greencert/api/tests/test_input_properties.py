"""No input a client can type yields a server error: every parser answers or refuses with a
user-facing error, and every endpoint reading numbers, codes, dates, cursors or search text answers
below 500 (hypothesis generates the inputs, weighted towards the edges: huge and ancient dates,
control and CJK characters, near-valid numbers)."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import quote

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from greencert.certification.imports.cells import read_date, read_integer, read_products
from greencert.certification.imports.table import read_table
from greencert.certification.numbers import check_number
from greencert.core.actors import Actor
from greencert.core.checkchars import mod37_2_is_valid, normalise_code, uscc_problem
from greencert.core.errors import UserFacingError
from greencert.exchange.actions import create_client
from greencert.exchange.webhook_targets import BadTarget, parse_target
from greencert.portal.grams import fts5_expression, parse_query, tsquery_expression

PURE = settings(max_examples=300, deadline=None)
HTTP = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text as people and programs type it: CJK, full-width forms, control characters, surrogates
# excluded (they cannot travel in UTF-8).
text = st.text(st.characters(exclude_categories=["Cs"]), max_size=60)
near_number = st.from_regex(r"\AGC[0-9A-Z*OI -]{10,16}\Z") | st.from_regex(r"\A[0-9A-Z]{6,20}\Z")
iso_day = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)).map(
    dt.date.isoformat
)
date_like = iso_day | st.from_regex(r"\A-?\d{1,6}-\d{1,3}-\d{1,3}\Z") | text


# -- parsers ---------------------------------------------------------------------------------------


@PURE
@given(text | near_number)
def test_a_typed_certificate_number_is_read_as_malformed_mistyped_or_well_formed(raw):
    assert check_number(raw).verdict in {"malformed", "mistyped", "well_formed"}


@PURE
@given(text | near_number)
def test_check_characters_and_credit_codes_read_any_text(raw):
    code = normalise_code(raw)
    assert isinstance(mod37_2_is_valid(code), bool)
    problem = uscc_problem(code)
    assert problem is None or problem.kind in {"length", "charset", "region", "check"}


@PURE
@given(text)
def test_a_search_query_becomes_a_quoted_expression_for_either_engine(typed):
    query = parse_query(typed)
    for gram in query.grams:
        assert f'"{gram}"' in fts5_expression(query) or '"' in gram
        assert f"'{gram}'" in tsquery_expression(query) or "'" in gram


@PURE
@given(date_like | st.integers() | st.floats(allow_nan=True) | st.none())
def test_an_import_date_cell_is_a_date_or_an_error_naming_the_field(value):
    try:
        day = read_date(value, "issue_date")
    except UserFacingError as error:
        assert error.field == "issue_date"
    else:
        assert day is None or isinstance(day, dt.date)


@PURE
@given(text | st.integers() | st.floats(allow_nan=True))
def test_import_integer_and_product_cells_are_read_or_refused(value):
    for reader in (read_integer, read_products):
        try:
            reader(value, "cell")
        except UserFacingError as error:
            assert error.field == "cell"


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300) | text.map(str.encode), st.sampled_from(["rows.csv", "rows.xlsx"]))
def test_an_import_file_is_read_or_refused_as_unreadable(data, name):
    try:
        table = read_table(data, name)
    except UserFacingError:
        return
    for number, cells in table.rows():
        assert number >= 2
        assert isinstance(cells, list)


@PURE
@given(
    st.sampled_from(["http", "https", "ftp", "HTTP", ""]),
    text
    | st.ip_addresses().map(str)
    | st.integers(min_value=0, max_value=2**33).map(str)
    | st.from_regex(
        r"\A(0x[0-9a-f]{1,9}|0[0-7]{1,12}|\d{1,4})(\.(0x[0-9a-f]{1,3}|\d{1,4})){0,4}\Z"
    ),
    st.integers(min_value=0, max_value=70000) | st.none(),
)
def test_a_webhook_url_is_a_target_or_a_bad_target(scheme, host, port):
    url = f"{scheme}://{host}" + (f":{port}" if port is not None else "") + "/hooks"
    try:
        target = parse_target(url)
    except BadTarget as refused:
        assert refused.problem_en
    else:
        assert target.scheme in {"http", "https"}


# -- endpoints -------------------------------------------------------------------------------------


@pytest.fixture
def api(db, issued_certificate):
    """A client holding every scope, and a certificate to be found."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    _, token = create_client(
        Actor.for_system("console"),
        name="prober",
        scopes=["verify", "feed", "webhooks", "adoption"],
        rate_limit_per_minute=1_000_000,
    )
    yield Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def below_500(response) -> None:
    assert response.status_code < 500, response.content[:300]


@HTTP
@given(number=text | near_number, at=date_like)
def test_a_certificate_by_any_number_on_any_date_answers_below_500(api, number, at):
    below_500(api.get(f"/api/v1/certificates/{quote(number, safe='')}", {"at": at}))


@HTTP
@given(code=text | near_number, at=date_like)
def test_a_credit_grade_for_any_code_on_any_date_answers_below_500(api, code, at):
    below_500(api.get(f"/api/v1/supervision/credit/{quote(code, safe='')}", {"at": at}))


@HTTP
@given(numbers=st.lists(text | near_number, max_size=5), at=date_like | st.none())
def test_batch_verification_of_anything_answers_below_500(api, numbers, at):
    body = json.dumps({"numbers": numbers, "holders": numbers, "at": at})
    below_500(api.post("/api/v1/verify", body, content_type="application/json"))


@HTTP
@given(cursor=text | st.binary(max_size=40).map(lambda b: b.hex()), limit=text)
def test_any_cursor_or_limit_answers_below_500(api, cursor, limit):
    below_500(api.get("/api/v1/certificates", {"cursor": cursor, "limit": limit}))
    below_500(api.get("/api/v1/changes", {"after": cursor, "limit": limit}))


@HTTP
@given(typed=text | near_number, issued_from=date_like)
def test_any_search_answers_below_500(api, typed, issued_from):
    below_500(api.get("/search", {"q": typed, "issued_from": issued_from}))
    below_500(api.get("/api/v1/certificates", {"q": typed, "issued_from": issued_from}))


@HTTP
@given(number=text | near_number)
def test_the_verify_page_of_any_number_answers_below_500(api, number):
    if "\x00" in number:
        number = number.replace("\x00", "")
    below_500(api.get(f"/verify/{quote(number, safe='')}"))
