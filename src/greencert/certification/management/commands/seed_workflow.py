"""``greencert seed_workflow``: demo applications at every stage of the workflow.

Run after ``greencert seed`` and ``greencert demo_setup``: the applications belong to the demo
accounts (enterprise, body-reviewer, body-decider, lab) and are made through the workflow actions,
so they look exactly like ones made on the pages. Deterministic: the same stages, categories and
sites every time; it does nothing if demo applications already exist.
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
from greencert.certification.models import Application, ApplicationStep
from greencert.certification.workflow import evaluations
from greencert.certification.workflow.deadlines import add_working_days
from greencert.certification.workflow.testing import PATHS, Cast, advance, submit
from greencert.core.actors import Actor
from greencert.core.jobs import tasks_run_inline
from greencert.parties.models import RoleAssignment

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
    """A category the body is authorised for whose unit the scheme in force recognises."""
    today = timezone.localdate()
    for category in cast.body.categories.order_by("code"):
        for scheme in evaluations.schemes_for(category, today):
            for unit in category.certification_units or []:
                if evaluations.unit_guess(scheme, unit):
                    return category, unit
    raise CommandError(f"{cast.body} is authorised for no category with a scheme in force")


def _backdate(application: Application, days: int) -> None:
    """Demo only: move an application's timeline into the past so its time limit shows overdue.
    Application steps are workflow records, not certificate events; the event log is untouched."""
    when = timezone.now() - dt.timedelta(days=days)
    ApplicationStep.objects.filter(application=application).update(recorded_at=when)
    Application.objects.filter(pk=application.pk).update(
        state_changed_at=when, approved_at=when, accepted_at=when
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
        made = []
        for index, (state, site) in enumerate(STAGES):
            application = submit(cast, category, unit=unit, site=site, product=f"LH-{200 + index}")
            application = advance(cast, application, state)
            made.append(application)
        overdue = made[9]
        _backdate(
            overdue,
            days=(add_working_days(timezone.localdate(), 5) - timezone.localdate()).days + 3,
        )
        for application in made:
            self.stdout.write(f"  {application.reference}  {application.state}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(made)} demo applications ({category.code} · {unit}) — /office/"
            )
        )
