"""``greencert seed_workflow``: demo applications at every stage of the workflow.

Run after ``greencert seed`` and ``greencert demo_setup``: the applications belong to the demo
accounts (enterprise, body-reviewer, body-decider, lab) and are made through the workflow actions,
so they look exactly like ones made on the pages. Deterministic: the same stages, categories and
sites every time; it does nothing if demo applications already exist.

Each application has a timeline of its own, ending in the last few days: submitted, accepted two
days later, inspected and sampled in one visit, tested, evaluated and decided within the rules'
time limits, on working days. The steps' records carry those times; the inspection, sampling and
test report their dates. A certificate is issued today, through the action, like any other.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from greencert.catalog.models import Category
from greencert.certification.models import (
    Application,
    ApplicationDocument,
    ApplicationStep,
    Certificate,
    Inspection,
    Sample,
    TestReport,
)
from greencert.certification.workflow import evaluations
from greencert.certification.workflow.testing import PATHS, Cast, advance, submit
from greencert.core.actors import Actor
from greencert.core.jobs import tasks_run_inline
from greencert.core.workdays import add_working_days
from greencert.parties.models import RoleAssignment

# Calendar days from the step before to each step: the body accepts within two days, inspects and
# samples in one visit about twelve days later, the laboratory reports in about two weeks, and the
# decision and issue follow within the rules' time limits (certification/data/workflow.yaml).
GAPS = {
    "return": 3,
    "withdraw": 4,
    "accept": 2,
    "inspection_passed": 12,
    "inspection_conditional": 12,
    "inspection_failed": 12,
    "sampled": 0,
    "test_reported": 15,
    "evaluated": 2,
    "approved": 3,
    "issued": 2,
}

# (state, site region): both demo regulators (Jiangsu, Huzhou) see applications in their scope.
STAGES = [
    ("submitted", "330500"),
    ("returned", "320500"),
    ("accepted", "330500"),
    ("corrective_actions", "320500"),
    ("inspected", "330500"),
    ("sampled", "320500"),
    ("tested", "330500"),
    ("evaluated", "320500"),
    ("approved", "330500"),
    ("approved", "320500"),  # backdated below: shown overdue for issue
    ("certified", "330500"),
    ("rejected", "320500"),
    ("withdrawn", "330500"),
]


def _actor(username: str) -> Actor:
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"demo user {username!r} is missing: run `greencert demo_setup` first")
    if not user.email:
        user.email = f"{username}@demo.greencert.invalid"  # so the console backend shows mail
        user.save(update_fields=["email"])
    return Actor.for_user(user)


def _scope(username: str, role: str) -> RoleAssignment:
    assignment = (
        RoleAssignment.objects.filter(user__username=username, role=role)
        .select_related("enterprise", "body", "laboratory")
        .first()
    )
    if assignment is None:
        raise CommandError(f"demo user {username!r} has no {role} role: run demo_setup first")
    return assignment


def _category_and_unit(cast: Cast) -> tuple[Category, str]:
    """A category the body is authorised for whose unit the scheme in force recognises: one the
    enterprise already holds certificates in (its trade), else the body's first."""
    today = timezone.localdate()
    held = Certificate.objects.filter(holder=cast.enterprise).values("category")
    authorised = cast.body.categories.order_by("code")
    for category in [*authorised.filter(pk__in=held), *authorised.exclude(pk__in=held)]:
        for scheme in evaluations.schemes_for(category, today):
            for unit in category.certification_units or []:
                if evaluations.unit_guess(scheme, unit):
                    return category, unit
    raise CommandError(f"{cast.body} is authorised for no category with a scheme in force")


def _weekday_on_or_before(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def timeline(state: str, last: dt.date) -> list[dt.date]:
    """The day of the submission and of each step on the way to ``state``, in order, the last
    step on ``last`` and the others on working days before it."""
    names = PATHS[state]
    days = [last]
    for name in reversed(names):
        days.append(_weekday_on_or_before(days[-1] - dt.timedelta(days=GAPS[name])))
    days.reverse()
    return days


def _record_times(application: Application, days: list[dt.date]) -> None:
    """Demo only: the application's records carry the times of its timeline (office hours, never
    after now). Application steps are workflow records, not certificate events: the event log is
    untouched, and a certificate issued today keeps its time."""
    now, today = timezone.now(), timezone.localdate()
    steps = list(ApplicationStep.objects.filter(application=application).order_by("id"))
    if len(steps) != len(days):
        raise CommandError(f"{application.reference}: {len(steps)} steps, {len(days)} days")
    start = dt.time(9, 0)
    moments = []
    for i, day in enumerate(days):
        at = timezone.make_aware(dt.datetime.combine(day, start) + dt.timedelta(minutes=25 * i))
        moments.append(now if day >= today else at)
    for step, at in zip(steps, moments, strict=True):
        ApplicationStep.objects.filter(pk=step.pk).update(recorded_at=at)
    when = {step.transition: at for step, at in zip(steps, moments, strict=True)}
    inspected = next((at for name, at in when.items() if name.startswith("inspection_")), None)
    Application.objects.filter(pk=application.pk).update(
        created_at=moments[0],
        state_changed_at=moments[-1],
        accepted_at=when.get("accept"),
        evaluated_at=when.get("evaluated"),
        approved_at=when.get("approved"),
    )
    ApplicationDocument.objects.filter(application=application).update(uploaded_at=moments[0])
    if inspected:
        Inspection.objects.filter(application=application).update(recorded_at=inspected)
    if "sampled" in when:
        Sample.objects.filter(application=application).update(recorded_at=when["sampled"])
    if "test_reported" in when:
        TestReport.objects.filter(sample__application=application).update(
            entered_at=when["test_reported"]
        )


class Command(BaseCommand):
    help = "Create demo applications at every stage of the certification workflow."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="add another set anyway")

    def handle(self, *args: Any, **options: Any) -> None:
        # Demo data mails no one: the steps' notifications are sent here and now, to the dummy
        # backend, instead of waiting in the queue for the worker's real one.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
            tasks_run_inline(),
        ):
            self._seed(options)

    @transaction.atomic
    def _seed(self, options: dict[str, Any]) -> None:
        enterprise = _scope("enterprise", "enterprise")
        body = _scope("body-reviewer", "body_staff")
        lab = _scope("lab", "lab_staff")
        assert enterprise.enterprise and body.body and lab.laboratory
        if (
            Application.objects.filter(enterprise=enterprise.enterprise).exists()
            and not options["force"]
        ):
            self.stdout.write("demo applications exist already; nothing to do (use --force)")
            return
        cast = Cast(
            enterprise=enterprise.enterprise,
            body=body.body,
            laboratory=lab.laboratory,
            applicant=_actor("enterprise"),
            reviewer=_actor("body-reviewer"),
            decider=_actor("body-decider"),
            tester=_actor("lab"),
        )
        for name in ("regulator-js", "regulator-huzhou"):
            _actor(name)
        category, unit = _category_and_unit(cast)
        assert set(PATHS) == {state for state, _site in STAGES}
        today = timezone.localdate()
        # The tenth application was approved more than five working days ago and is still
        # waiting for its certificate: it shows overdue.
        overdue_by = (add_working_days(today, 5) - today).days + 3
        letters = "".join(ch for ch in cast.enterprise.credit_code[10:17] if ch.isalpha())[:2]
        made = []
        for index, (state, site) in enumerate(STAGES):
            if state == "certified":
                last = today  # the certificate is issued now, through the action
            elif index == 9:
                last = _weekday_on_or_before(today - dt.timedelta(days=overdue_by))
            else:
                last = _weekday_on_or_before(today - dt.timedelta(days=1 + index % 3))
            days = timeline(state, last)
            application = submit(
                cast, category, unit=unit, site=site, product=f"{letters or 'DM'}-{200 + index}"
            )
            application = advance(cast, application, state, on=days[1:])
            _record_times(application, days)
            made.append(application)
        for application in made:
            self.stdout.write(f"  {application.reference}  {application.state}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(made)} demo applications ({category.code} · {unit}) — /office/"
            )
        )
