"""Batch inserts write what saving each instance writes, and a row already present under a unique
value is left as it is."""

from __future__ import annotations

import pytest

from greencert.core.bulk import insert_new, insert_unless_present, insert_values
from greencert.parties.models import Enterprise
from greencert.regions.models import Region

pytestmark = pytest.mark.django_db


def enterprise(code: str, name: str) -> Enterprise:
    return Enterprise(credit_code=code, name=name, region=Region.objects.get(code="330500"))


def test_inserted_instances_get_their_keys_and_read_back_as_saved() -> None:
    batch = [enterprise(f"9133050000000{n:05d}", f"企业{n}") for n in range(300)]
    insert_new(batch)
    assert all(e.pk for e in batch) and not batch[0]._state.adding
    again = Enterprise.objects.get(pk=batch[299].pk)
    assert (again.credit_code, again.name, again.region_id) == (
        "913305000000000299",
        "企业299",
        "330500",
    )
    assert again.created_at is not None


def test_values_by_attribute_name_take_the_defaults_of_the_fields_left_out() -> None:
    keys = insert_values(
        Enterprise, [{"credit_code": "91330500MA2B3C4D5B", "name": "甲", "region_id": "330500"}]
    )
    saved = Enterprise.objects.get(pk=keys[0])
    assert (saved.address, saved.check_override_reason, saved.check_override_by_id) == (
        "",
        "",
        None,
    )


def test_a_row_whose_unique_value_is_taken_is_left_out_and_the_others_inserted() -> None:
    Enterprise.objects.create(credit_code="91330500MA2B3C4D5B", name="原名", region_id="330500")
    taken, free = enterprise("91330500MA2B3C4D5B", "新名"), enterprise("91330500MA2B3C4D6X", "乙")
    assert insert_unless_present([taken, free], "credit_code") == [free]
    assert taken.pk is None and free.pk is not None
    assert Enterprise.objects.get(credit_code="91330500MA2B3C4D5B").name == "原名"
