"""Moving an application to any state through the real actions: shared by the tests and by
``greencert seed_workflow`` so the demo data has exactly the shape the pages produce."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils import timezone

from greencert.catalog.models import Category
from greencert.certification.demo_industries import sample_quantity
from greencert.certification.models import Application, Nonconformity
from greencert.certification.workflow import actions, evaluations
from greencert.certification.workflow.machine import workflow
from greencert.core.actors import Actor
from greencert.evaluation import example_submission, load_shipped_schemes
from greencert.parties.models import CertificationBody, Enterprise, Laboratory
from greencert.regions.models import Region

# The steps from `submitted` to each state (each step names a function below).
PATHS: dict[str, list[str]] = {
    "submitted": [],
    "returned": ["return"],
    "withdrawn": ["withdraw"],
    "accepted": ["accept"],
    "rejected": ["accept", "inspection_failed"],
    "corrective_actions": ["accept", "inspection_conditional"],
    "inspected": ["accept", "inspection_passed"],
    "sampled": ["accept", "inspection_passed", "sampled"],
    "tested": ["accept", "inspection_passed", "sampled", "test_reported"],
    "evaluated": ["accept", "inspection_passed", "sampled", "test_reported", "evaluated"],
    "approved": [
        "accept", "inspection_passed", "sampled", "test_reported", "evaluated", "approved",
    ],
    "certified": [
        "accept", "inspection_passed", "sampled", "test_reported", "evaluated", "approved",
        "issued",
    ],
}  # fmt: skip

# A demo document: a PDF header and a comment, as large as a small scan must be at least.
PDF = b"%PDF-1.4\n% greencert demo document\n" + b"%" + b" " * 1100 + b"\n%%EOF\n"


def pdf(name: str = "self-evaluation.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def required_documents(category: Category) -> list[tuple[str, UploadedFile]]:
    """One demo file for each document the category's applications must carry."""
    return [
        (kind, pdf(f"{kind.replace('_', '-')}.pdf"))
        for kind in workflow().required_for(category.kind)
    ]


@dataclass
class Cast:
    """The people of one application: the enterprise's user, two body staff, a lab's staff."""

    enterprise: Enterprise
    body: CertificationBody
    laboratory: Laboratory
    applicant: Actor
    reviewer: Actor
    decider: Actor
    tester: Actor


def passing_values(application: Application) -> dict[str, str]:
    """Values that meet every requirement of the scheme the sample is tested against."""
    sample = application.samples.order_by("-id").first()
    if sample is None:
        return {}
    scheme = load_shipped_schemes().get(sample.scheme_id, sample.scheme_version)
    example = example_submission(scheme)["values"]
    assert isinstance(example, dict)
    return {
        key: str(value["value"] if isinstance(value, dict) else value)
        for key, value in example.items()
    }


def submit(
    cast: Cast,
    category: Category,
    *,
    unit: str,
    site: str = "330500",
    product: str = "LH-200",
    key: str | None = None,
) -> Application:
    site_region = Region.objects.get(code=site)
    service = category.kind == "service"
    return actions.submit_application(
        cast.applicant,
        enterprise=cast.enterprise,
        body=cast.body,
        category=category,
        certification_unit=unit,
        site_region=site_region,
        products=[] if service else [{"name": unit, "models": [product]}],
        service_site=f"{site_region.name_zh}绿色路 8 号" if service else "",
        production_site="" if service else f"{site_region.name_zh}绿色路 1 号",
        documents=required_documents(category),
        idempotency_key=key,
    )


def step(
    cast: Cast,
    application: Application,
    name: str,
    actor: Actor | None = None,
    on: dt.date | None = None,
) -> Application:
    """Make one transition with sensible data, as the right person (or as ``actor``); an
    inspection, a sampling or a test report is dated ``on`` (today by default)."""
    today = timezone.localdate()
    on = on or today
    body = actor or cast.reviewer
    enterprise = actor or cast.applicant
    if name in {"return", "withdraw"}:
        who = body if name == "return" else enterprise
        fn = actions.return_application if name == "return" else actions.withdraw_application
        return fn(who, application, note="自评价表缺少签章 / self-evaluation form unsigned")
    if name == "resubmit":
        return actions.resubmit_application(enterprise, application)
    if name == "accept":
        return actions.accept_application(body, application)
    if name.startswith("inspection_"):
        outcome = {"passed": "pass", "conditional": "conditional", "failed": "fail"}[
            name.removeprefix("inspection_")
        ]
        return actions.record_inspection(
            body,
            application,
            outcome=outcome,
            inspected_on=on,
            inspectors="张工, 李工",
            man_days=Decimal("2.0"),
            findings="现场检查未发现重大问题" if outcome != "fail" else "关键原材料无法追溯",
            nonconformities=["原材料进货检验记录不全"] if outcome == "conditional" else [],
        )
    if name == "corrective_actions_verified":
        for nc in Nonconformity.objects.filter(
            inspection__application=application, closed_at__isnull=True
        ):
            actions.close_nonconformity(body, nc, closure_note="补充记录已核实")
        return actions.verify_corrective_actions(body, application)
    if name == "sampled":
        scheme = evaluations.schemes_for(application.category, today)[0]
        return actions.record_sampling(
            body,
            application,
            laboratory=cast.laboratory,
            sample_code=f"YP-{application.reference}",
            product_model=(application.products or [{"models": ["—"]}])[0]["models"][0],
            quantity=sample_quantity(application.category.code, application.certification_unit),
            sampled_on=on,
            sampled_at_site=application.production_site or application.service_site,
            scheme_key=scheme.key,
        )
    if name == "test_reported":
        return actions.enter_test_report(
            actor or cast.tester,
            application,
            report_number=f"BG-{application.reference}",
            issued_on=on,
            values=passing_values(application),
            conclusion="所检项目符合要求",
        )
    if name == "evaluated":
        return actions.evaluate_application(body, application)
    if name in {"approved", "rejected"}:
        return actions.decide_application(
            actor or cast.decider, application, approve=name == "approved", note="同意 / agreed"
        )
    if name == "issued":
        return actions.issue_application_certificate(actor or cast.decider, application)
    raise ValueError(name)


def advance(
    cast: Cast, application: Application, state: str, on: list[dt.date] | None = None
) -> Application:
    """Take the application to ``state``; ``on`` dates each step of ``PATHS[state]``."""
    for i, name in enumerate(PATHS[state]):
        application = step(cast, application, name, on=on[i] if on else None)
    assert application.state == state, (application.state, state)
    return application


def application_in(cast: Cast, category: Category, state: str, *, unit: str) -> Application:
    return advance(cast, submit(cast, category, unit=unit), state)


def days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)
