"""``find_certificate`` by the issuing body's own number (机构证书编号): found, several, malformed."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from greencert.certification.lookup import explain, find_certificate, http_status
from greencert.certification.models import Certificate

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(issue: Callable[..., Certificate]) -> Certificate:
    return issue(body_number="SH-2026-GP-0042")


@pytest.mark.parametrize(
    "typed",
    [
        "SH-2026-GP-0042",
        "sh-2026-gp-0042",  # lower case
        "ＳＨ－２０２６－ＧＰ－００４２",  # full-width, as typed with a Chinese input method
        " SH-2026-GP- 0042 ",  # spaces around and inside
        "sh-2026-gp-\u30000042",  # an ideographic space
    ],
)
def test_a_body_number_finds_its_certificate_however_it_is_typed(certificate, typed):
    lookup = find_certificate(typed)
    assert lookup.verdict == "found"
    assert lookup.certificate == certificate
    assert lookup.matched_by == "body_number"
    assert lookup.normalised == "SH-2026-GP-0042"


def test_a_registry_number_still_finds_its_certificate_by_the_registry_number(certificate):
    lookup = find_certificate(certificate.number.lower())
    assert (lookup.verdict, lookup.certificate, lookup.matched_by) == (
        "found",
        certificate,
        "number",
    )


def test_hyphens_are_part_of_a_body_number(certificate):
    assert find_certificate("SH2026GP0042").verdict == "malformed"


def test_a_body_number_two_bodies_use_finds_both_labelled_by_their_body(sharing_a_body_number):
    lookup = find_certificate("sh-2026-gp-0001")
    assert lookup.verdict == "several"
    assert lookup.certificate is None
    assert lookup.matches == sharing_a_body_number
    assert lookup.candidates == [c.number for c in sharing_a_body_number]
    assert http_status(lookup) == 300
    zh, en = explain(lookup)
    for certificate in sharing_a_body_number:
        for message in (zh, en):
            assert certificate.number in message
            assert certificate.body.name in message
            assert certificate.body.approval_number in message
    assert "SH-2026-GP-0001" in zh and "SH-2026-GP-0001" in en


def test_text_that_is_neither_number_is_malformed_and_says_both_were_tried(certificate):
    lookup = find_certificate("SH-2026-GP-9999")
    assert lookup.verdict == "malformed"
    assert http_status(lookup) == 400
    zh, en = explain(lookup)
    assert "机构证书编号" in zh and "16 位" in zh
    assert "body's own certificate number" in en and "16 characters" in en


def test_a_mistyped_registry_number_stays_mistyped_even_if_a_body_used_it(issue):
    real = issue()
    typo = real.number[:10] + ("7" if real.number[10] != "7" else "8") + real.number[11:]
    issue(body_number=typo)  # a body whose own number happens to look like the typo
    lookup = find_certificate(typo)
    assert lookup.verdict == "mistyped"
    assert lookup.candidates == [real.number]


def test_text_longer_than_any_body_number_is_not_looked_up(certificate, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert find_certificate("SH" + "-0042" * 20).verdict == "malformed"


def test_a_body_number_lookup_is_one_query_that_reads_every_related_object(
    sharing_a_body_number, django_assert_num_queries
):
    with django_assert_num_queries(1):
        lookup = find_certificate("SH-2026-GP-0001")
        names = [
            (c.holder.name, c.body.name, c.category.code, c.site_region.name_zh)
            for c in lookup.matches
        ]
    assert len(names) == 2


def test_a_registry_number_lookup_is_still_one_query(certificate, django_assert_num_queries):
    with django_assert_num_queries(1):
        lookup = find_certificate(certificate.number)
        assert lookup.certificate is not None
        assert lookup.certificate.body.name


def test_the_body_number_lookup_uses_the_body_number_index(sharing_a_body_number):
    from django.db import connection

    from greencert.certification.public_read import BODY_NUMBER_SQL

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {BODY_NUMBER_SQL}", ["SH-2026-GP-0001"])
        else:
            # Two rows in a test table: forbid the sequential scan a planner might prefer.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {BODY_NUMBER_SQL}", ["SH-2026-GP-0001"])
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "cert_body_number_idx" in plan, plan
