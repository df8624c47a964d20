"""Fixtures of the workflow tests: the cast of one application — the enterprise's user, a
reviewer and a decision-maker of the body, the lab's staff — applications brought to any state,
and the people who are not parties to it. (The fixtures every app shares are in
``greencert/conftest.py``.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail

from greencert.catalog.models import Category
from greencert.certification.models import Application
from greencert.certification.workflow.testing import Cast, advance, submit
from greencert.core.actors import Actor
from greencert.core.tests.fixtures import COATINGS_UNIT, region
from greencert.parties.factory import EnterpriseFactory, LaboratoryFactory
from greencert.parties.models import CertificationBody, Enterprise, Laboratory, Role


@pytest.fixture
def laboratory(db: None) -> Laboratory:
    lab: Laboratory = LaboratoryFactory.create()
    return lab


@pytest.fixture
def cast(
    make_actor: Callable[..., Actor],
    holder: Enterprise,
    body: CertificationBody,
    laboratory: Laboratory,
) -> Cast:
    def person(name: str, role: str, **scope: Any) -> Actor:
        actor = make_actor(name, role, **scope)
        actor.user.email = f"{name}@example.test"
        actor.user.save()
        return actor

    return Cast(
        enterprise=holder,
        body=body,
        laboratory=laboratory,
        applicant=person("applicant", Role.ENTERPRISE, enterprise=holder),
        reviewer=person("reviewer", Role.BODY_STAFF, body=body),
        decider=person("decider", Role.BODY_STAFF, body=body),
        tester=person("tester", Role.LAB_STAFF, laboratory=laboratory),
    )


@pytest.fixture
def application_in(cast: Cast, coatings: Category) -> Callable[[str], Application]:
    """A coatings application brought to a state through the actions."""

    def make(state: str) -> Application:
        application = advance(cast, submit(cast, coatings, unit=COATINGS_UNIT), state)
        mail.outbox.clear()
        return application

    return make


@pytest.fixture
def outsiders(make_actor: Callable[..., Actor], other_body: CertificationBody) -> dict[str, Actor]:
    """People with a role, none of them a party to the cast's application."""
    other_enterprise = EnterpriseFactory()
    other_lab = LaboratoryFactory()
    return {
        "other_enterprise": make_actor("o-ent", Role.ENTERPRISE, enterprise=other_enterprise),
        "other_body_staff": make_actor("o-body", Role.BODY_STAFF, body=other_body),
        "other_lab_staff": make_actor("o-lab", Role.LAB_STAFF, laboratory=other_lab),
        "regulator_zhejiang": make_actor("zj", Role.REGULATOR, region=region("330000")),
        "regulator_jiangsu": make_actor("js", Role.REGULATOR, region=region("320000")),
        "alliance_admin": make_actor("alliance-x", Role.ALLIANCE_ADMIN),
        "no_role": make_actor("nobody"),
    }
