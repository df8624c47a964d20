"""Who may do what to a certificate: one table of every role × action, in the actor's own or
another organisation, in the certificate's region or another.

The certificate is a coatings certificate of ``body`` held by ``holder``, its site in 湖州
(Zhejiang). ``Y`` means the action goes through, ``-`` that it is refused with a
PermissionRefused and leaves no trace. Each cell is its own test, so any change of who may do
what fails the cell that changed; the table itself must name every role and action once.

Actions: ``issue`` (in the certificate's body's name), ``change``, ``surveil`` (surveillance
passed), ``suspend``, ``restore``, ``revoke``, ``cancel``, ``renew`` (a new certificate of the
body succeeding this one), ``expire``, ``adopt`` (采信, the adoption API's action), ``flag`` (list
the holder on the blacklist, which flags its certificates), ``order`` (a regulator's order to
suspend), ``carry`` (the suspension that carries an open order out), ``withdraw`` (the order),
``link`` (cite another certified product as an upstream material, 产业链上下游), ``recognise``
(互认 under an agreement whose parties are Zhejiang's and Jiangsu's regulators), ``due_revoke``
(the revocation that carries out the one due after the suspension ran out) and ``due_suspend``
(the suspension that carries out the one due after annual surveillance was overdue).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from greencert.certification.actions import (
    cancel_certificate,
    change_certificate,
    expire_certificate,
    issue_certificate,
    record_surveillance_passed,
    restore_certificate,
    revoke_certificate,
    suspend_certificate,
)
from greencert.certification.due_rules import surveillance_overdue, suspensions_run_out
from greencert.certification.links import link_upstream
from greencert.certification.models import Certificate, CertificateEvent, DueAction
from greencert.core.actors import Actor
from greencert.core.errors import PermissionRefused
from greencert.core.tests.fixtures import COATINGS_UNIT, LONG_AGO, in_days, region
from greencert.exchange.actions import create_client, record_adoption
from greencert.governance.recognition import recognise_certificate
from greencert.governance.testing import recognition_agreement
from greencert.parties.factory import EnterpriseFactory, LaboratoryFactory
from greencert.parties.models import Role
from greencert.supervision.actions import list_on_blacklist
from greencert.supervision.models import RegulatoryOrder
from greencert.supervision.orders import issue_order, withdraw_order

MATRIX = """
role               issue change surveil suspend restore revoke cancel renew expire adopt flag order carry withdraw link recognise due_revoke due_suspend
enterprise:own       -     -      -       -       -       -      -      -     -      -     -    -     -      -     -     -     -           -
enterprise:other     -     -      -       -       -       -      -      -     -      -     -    -     -      -     -     -     -           -
body_staff:own       Y     Y      Y       Y       Y       Y      Y      Y     -      -     -    -     Y      -     Y     -     Y           Y
body_staff:other     -     -      -       -       -       -      -      -     -      -     -    -     -      -     -     -     -           -
lab_staff            -     -      -       -       -       -      -      -     -      -     -    -     -      -     -     -     -           -
regulator:own        -     -      -       -       -       -      -      -     -      -     Y    Y     -      Y     -     Y     -           -
regulator:other      -     -      -       -       -       -      -      -     -      -     Y    -     -      -     -     -     -           -
secretariat          -     -      -       -       -       -      -      -     -      -     -    -     -      -     -     -     -           -
superuser            -     -      -       -       -       -      -      -     -      -     -    -     -      -     -     -     -           -
anonymous            -     -      -       -       -       -      -      -     -      -     -    -     -      -     -     -     -           -
certify:own          Y     Y      Y       Y       Y       Y      Y      Y     Y      -     -    -     Y      -     Y     -     Y           Y
certify:other        -     -      -       -       -       -      -      -     -      -     -    -     -      -     -     -     -           -
adoption             -     -      -       -       -       -      -      -     -      Y     -    -     -      -     -     -     -           -
system               -     -      -       -       -       -      -      -     Y      -     -    -     -      -     -     -     -           -
"""


def _table() -> tuple[list[str], dict[str, dict[str, bool]]]:
    header, *rows = [line.split() for line in MATRIX.strip().splitlines()]
    actions = header[1:]
    table = {}
    for row in rows:
        assert len(row) == len(header), f"row {row[0]} has {len(row) - 1} cells"
        table[row[0]] = {a: cell == "Y" for a, cell in zip(actions, row[1:], strict=True)}
    return actions, table


ACTIONS, TABLE = _table()
CELLS = [(role, action) for role in TABLE for action in ACTIONS]


@dataclass
class Scene:
    """Everything a cell acts on, and the body's staff who prepare it."""

    actor: Actor
    staff: Actor
    regulator: Actor
    certificate: Certificate
    make: Callable[..., Certificate]


@pytest.fixture
def actors(
    make_actor: Callable[..., Actor],
    holder: Any,
    body: Any,
    other_body: Any,
    django_user_model: Any,
) -> dict[str, Callable[[], Actor]]:
    """Each role of the table, built only when its row runs."""

    def client(name: str, scopes: list[str], **options: Any) -> Actor:
        created, _token = create_client(
            Actor.for_system("console"), name=name, scopes=scopes, **options
        )
        return Actor.for_client(created)

    return {
        "enterprise:own": lambda: make_actor("e-own", Role.ENTERPRISE, enterprise=holder),
        "enterprise:other": lambda: make_actor(
            "e-other", Role.ENTERPRISE, enterprise=EnterpriseFactory()
        ),
        "body_staff:own": lambda: make_actor("b-own", Role.BODY_STAFF, body=body),
        "body_staff:other": lambda: make_actor("b-other", Role.BODY_STAFF, body=other_body),
        "lab_staff": lambda: make_actor("lab", Role.LAB_STAFF, laboratory=LaboratoryFactory()),
        "regulator:own": lambda: make_actor("r-own", Role.REGULATOR, region=region("330000")),
        "regulator:other": lambda: make_actor("r-other", Role.REGULATOR, region=region("310000")),
        "secretariat": lambda: make_actor("secretariat", Role.ALLIANCE_ADMIN),
        "superuser": lambda: Actor.for_user(
            django_user_model.objects.create_superuser("root", "root@example.cn", "pw-not-used")
        ),
        "anonymous": lambda: Actor.for_user(AnonymousUser()),
        "certify:own": lambda: client("body-own-system", ["certify"], body=body),
        "certify:other": lambda: client("body-other-system", ["certify"], body=other_body),
        "adoption": lambda: client("buyer", ["verify", "adoption"]),
        "system": lambda: Actor.for_system("expiry"),
    }


def _open_order(scene: Scene) -> Any:
    return issue_order(
        scene.regulator,
        scene.certificate,
        kind="suspend",
        reason="监督抽查不合格",
        basis_code="CCM-2015-A10",
        deadline=in_days(10),
    )


def _suspended(scene: Scene) -> Any:
    return suspend_certificate(scene.staff, scene.certificate, reason_code="S01", until=in_days(30))


def _issue(scene: Scene, _prepared: Any) -> Any:
    certificate = scene.certificate
    return issue_certificate(
        scene.actor,
        body=certificate.body,
        holder=certificate.holder,
        category=certificate.category,
        certification_unit=COATINGS_UNIT,
        site_region=certificate.site_region,
    )


def _renew(scene: Scene, _prepared: Any) -> Any:
    certificate = scene.certificate
    return issue_certificate(
        scene.actor,
        body=certificate.body,
        holder=certificate.holder,
        category=certificate.category,
        certification_unit=COATINGS_UNIT,
        site_region=certificate.site_region,
        reason_code="I02",
        renewed_from=certificate,
    )


def _adopt(scene: Scene, _prepared: Any) -> Any:
    return record_adoption(
        scene.actor,
        scene.certificate,
        kind="procurement",
        reference="ZC-2026-001",
        adopted_on=timezone.localdate(),
        amount_band="lt-1m",
    )


def _flag(scene: Scene, _prepared: Any) -> Any:
    return list_on_blacklist(
        scene.actor,
        enterprise=scene.certificate.holder,
        basis_code="SCL-2022",
        facts="伪造检验报告",
        ends_on=timezone.localdate() + dt.timedelta(days=365),
    )


def _order(scene: Scene, _prepared: Any) -> Any:
    return issue_order(
        scene.actor,
        scene.certificate,
        kind="suspend",
        reason="监督抽查不合格",
        basis_code="CCM-2015-A10",
        deadline=in_days(10),
    )


def _nothing(scene: Scene) -> Any:
    return None


def _upstream(scene: Scene) -> Any:
    return scene.make()


def _link(scene: Scene, upstream: Certificate) -> Any:
    return link_upstream(scene.actor, scene.certificate, upstream.number, role="raw_material")


def _agreement(scene: Scene) -> Any:
    return recognition_agreement([scene.certificate.category], ("330000", "320000"))


SITE_INSPECTION = {"inspected_on": LONG_AGO, "report_number": "JC-2026-01", "inspectors": "王检"}


def _revocation_due(scene: Scene) -> Any:
    """The suspension ran out: the day after its last day, a revocation is due."""
    _suspended(scene)
    suspensions_run_out(in_days(31))
    return scene.certificate.due_actions.get(kind="revoke")


def _suspension_due(scene: Scene) -> Any:
    """The first annual surveillance was not passed within the grace period."""
    surveillance_overdue(in_days(366 + 60))
    return scene.certificate.due_actions.get(kind="suspend")


def _recognise(scene: Scene, agreement: Any) -> Any:
    return recognise_certificate(scene.actor, agreement, scene.certificate)


# Each action: what the scene needs first (done by the body's staff or a regulator of the
# certificate's province), then the action the cell's actor tries.
Prepare = Callable[[Scene], Any]
Act = Callable[[Scene, Any], Any]
PERFORM: dict[str, tuple[Prepare, Act]] = {
    "issue": (_nothing, _issue),
    "change": (
        _nothing,
        lambda s, _p: change_certificate(
            s.actor,
            s.certificate,
            reason_code="M03",
            changes={"production_site": "湖州市新厂区"},
            inspection=SITE_INSPECTION,
        ),
    ),
    "surveil": (_nothing, lambda s, _p: record_surveillance_passed(s.actor, s.certificate)),
    "suspend": (
        _nothing,
        lambda s, _p: suspend_certificate(
            s.actor, s.certificate, reason_code="S01", until=in_days(30)
        ),
    ),
    "restore": (
        _suspended,
        lambda s, _p: restore_certificate(s.actor, s.certificate, reason_code="T01"),
    ),
    "revoke": (
        _nothing,
        lambda s, _p: revoke_certificate(s.actor, s.certificate, reason_code="R02"),
    ),
    "cancel": (
        _nothing,
        lambda s, _p: cancel_certificate(s.actor, s.certificate, reason_code="C04"),
    ),
    "renew": (_nothing, _renew),
    "expire": (
        lambda s: s.make(issue_date=LONG_AGO),
        lambda s, old: expire_certificate(s.actor, old),
    ),
    "adopt": (_nothing, _adopt),
    "flag": (_nothing, _flag),
    "order": (_nothing, _order),
    "carry": (
        _open_order,
        lambda s, order: suspend_certificate(
            s.actor, s.certificate, reason_code="S08", until=in_days(30), order=order.number
        ),
    ),
    "withdraw": (_open_order, lambda s, order: withdraw_order(s.actor, order, reason="复查后撤回")),
    "link": (_upstream, _link),
    "recognise": (_agreement, _recognise),
    "due_revoke": (
        _revocation_due,
        lambda s, due: revoke_certificate(
            s.actor, s.certificate, reason_code="R01", due=due.number
        ),
    ),
    "due_suspend": (
        _suspension_due,
        lambda s, due: suspend_certificate(
            s.actor, s.certificate, reason_code="S09", until=in_days(30), due=due.number
        ),
    ),
}


def test_the_table_names_every_role_and_every_action_once():
    assert sorted(ACTIONS) == sorted(PERFORM)
    assert len(set(ACTIONS)) == len(ACTIONS)
    assert set(TABLE) == {
        "enterprise:own",
        "enterprise:other",
        "body_staff:own",
        "body_staff:other",
        "lab_staff",
        "regulator:own",
        "regulator:other",
        "secretariat",
        "superuser",
        "anonymous",
        "certify:own",
        "certify:other",
        "adoption",
        "system",
    }


@pytest.mark.parametrize(("role", "action"), CELLS, ids=[f"{r}-{a}" for r, a in CELLS])
def test_cell(role, action, actors, issue, body_staff, make_actor):
    """One cell of MATRIX: ``Y`` goes through, ``-`` is refused and leaves the log as it was."""
    # A regulator of the certificate's province prepares the orders the last two actions need.
    preparer = make_actor("r-prep", Role.REGULATOR, region=region("330000"))
    scene = Scene(
        actor=actors[role](),
        staff=body_staff,
        regulator=preparer,
        certificate=issue(),
        make=issue,
    )
    prepare, act = PERFORM[action]
    prepared = prepare(scene)
    events = CertificateEvent.objects.count()
    if TABLE[role][action]:
        act(scene, prepared)
        assert CertificateEvent.objects.count() > events
        if action.startswith("due_"):
            assert DueAction.objects.get(pk=prepared.pk).state == "carried_out"
        return
    orders = list(RegulatoryOrder.objects.values_list("number", "state"))
    dues = list(DueAction.objects.values_list("number", "state"))
    with pytest.raises(PermissionRefused):
        act(scene, prepared)
    assert CertificateEvent.objects.count() == events
    assert list(RegulatoryOrder.objects.values_list("number", "state")) == orders
    assert list(DueAction.objects.values_list("number", "state")) == dues
