"""Every role × every step: only the party the step belongs to, in its scope, may make it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from greencert.catalog.models import Category
from greencert.certification.models import Application
from greencert.certification.workflow import actions
from greencert.certification.workflow.machine import workflow
from greencert.certification.workflow.testing import Cast, pdf, step, submit
from greencert.core.actors import Actor
from greencert.core.errors import PermissionRefused, ValidationFailed
from greencert.core.tests.fixtures import COATINGS_UNIT

FLOW = workflow()
CAST_MEMBERS = ["applicant", "reviewer", "decider", "tester"]
OUTSIDERS = [
    "other_enterprise",
    "other_body_staff",
    "other_lab_staff",
    "regulator_zhejiang",
    "regulator_jiangsu",
    "alliance_admin",
    "no_role",
]
PEOPLE = CAST_MEMBERS + OUTSIDERS
# The state from which each transition is tried: its first allowed state.
TRIED_FROM = {name: t.from_states[0] for name, t in FLOW.transitions.items() if t.from_states}


def permitted(transition: str, person: str) -> bool:
    role = FLOW.transitions[transition].role
    if role == "enterprise":
        return person == "applicant"
    if role == "lab_staff":
        return person == "tester"
    if transition in {"approved", "rejected"}:
        return person == "decider"  # the reviewer evaluated it: no one decides on their own review
    return person in {"reviewer", "decider"}


def who(cast: Cast, outsiders: dict[str, Actor], person: str) -> Actor:
    if person in CAST_MEMBERS:
        actor: Actor = getattr(cast, person)
        return actor
    return outsiders[person]


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("transition", sorted(TRIED_FROM))
def test_only_the_steps_party_may_make_it(
    application_in: Callable[[str], Application],
    cast: Cast,
    outsiders: dict[str, Actor],
    transition: str,
    person: str,
) -> None:
    application = application_in(TRIED_FROM[transition])
    actor = who(cast, outsiders, person)
    if permitted(transition, person):
        moved = step(cast, application, transition, actor)
        assert moved.state == FLOW.transitions[transition].to_state
        return
    with pytest.raises(PermissionRefused) as refused:
        step(cast, application, transition, actor)
    assert refused.value.message_zh and refused.value.message_en
    application.refresh_from_db()
    assert application.state == TRIED_FROM[transition]


@pytest.mark.parametrize("person", PEOPLE)
def test_only_the_enterprises_user_may_apply_for_it(
    cast: Cast, outsiders: dict[str, Actor], coatings: Category, person: str
) -> None:
    actor = who(cast, outsiders, person)
    applying = Cast(**{**cast.__dict__, "applicant": actor})
    if person == "applicant":
        assert submit(applying, coatings, unit=COATINGS_UNIT).state == "submitted"
        return
    with pytest.raises(PermissionRefused):
        submit(applying, coatings, unit=COATINGS_UNIT)
    assert not Application.objects.exists()


@pytest.mark.parametrize("person", PEOPLE)
def test_only_the_enterprises_user_may_add_documents(
    application_in: Callable[[str], Application],
    cast: Cast,
    outsiders: dict[str, Actor],
    person: str,
) -> None:
    application = application_in("submitted")
    actor = who(cast, outsiders, person)
    if person == "applicant":
        before = application.documents.count()
        actions.add_document(actor, application, "licence", pdf("licence.pdf"))
        assert application.documents.count() == before + 1
        return
    with pytest.raises(PermissionRefused):
        actions.add_document(actor, application, "licence", pdf("licence.pdf"))


def test_a_body_may_not_act_on_a_category_it_is_no_longer_authorised_for(
    application_in: Callable[[str], Application], cast: Cast, coatings: Category
) -> None:
    application = application_in("submitted")
    cast.body.categories.remove(coatings)
    with pytest.raises(PermissionRefused) as refused:
        step(cast, application, "accept")
    assert refused.value.field == "category"


def test_an_application_to_a_body_not_authorised_for_the_category_is_refused(
    cast: Cast, furniture: Category
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        submit(cast, furniture, unit="实木家具")
    assert refused.value.field == "body"


def test_the_reviewer_may_not_decide_on_their_own_review(
    application_in: Callable[[str], Application], cast: Cast
) -> None:
    application = application_in("evaluated")
    assert application.reviewer == cast.reviewer.user
    with pytest.raises(PermissionRefused) as refused:
        actions.decide_application(cast.reviewer, application, approve=True)
    assert refused.value.code == "own_review"


def test_a_document_of_the_wrong_type_is_refused(
    application_in: Callable[[str], Application], cast: Cast
) -> None:
    application = application_in("submitted")
    exe = SimpleUploadedFile("form.pdf", b"MZ\x90\x00 not a pdf")
    with pytest.raises(ValidationFailed) as refused:
        actions.add_document(cast.applicant, application, "licence", exe)
    assert refused.value.field == "file"
    assert ".pdf" in refused.value.message_en
