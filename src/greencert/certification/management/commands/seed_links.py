"""``greencert seed_links``: demo certificates sharing one audit, and a supply chain with a flag.

Run after ``greencert seed``, ``demo_setup`` and ``seed_workflow``. Through the actions, as the
bodies' staff:
- one audit, two certificates: the demo enterprise's national and YRD regional certificates;
- a furniture (or textile) certificate citing two upstream material certificates of other
  holders, one of which its own body then suspends, so the downstream verify page flags it.
Idempotent: a second run changes nothing and prints the same addresses.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Count
from django.test.utils import override_settings
from django.utils import timezone

from greencert.catalog.models import Category
from greencert.certification import links
from greencert.certification.actions import Issue, issue_certificates, suspend_certificate
from greencert.certification.audits import programme_label
from greencert.certification.lifecycle import Status
from greencert.certification.links import role_label
from greencert.certification.models import Audit, Certificate, SupplyChainLink
from greencert.core.actors import Actor
from greencert.core.jobs import tasks_run_inline
from greencert.parties.demo import demo_account, demo_user
from greencert.parties.models import CertificationBody, Enterprise, RoleAssignment
from greencert.regions.models import Region

# Downstream category -> the upstream categories it cites, with role and share (percent).
CHAINS: dict[str, list[tuple[str, str, str | None]]] = {
    "furniture": [("wood-panels", "raw_material", "60"), ("coatings", "auxiliary", "5")],
    "textiles": [("textiles", "raw_material", "80"), ("paper", "packaging", None)],
}


def _staff(body: CertificationBody, username: str) -> Actor:
    """A body staff account of ``body``: the demo body's decider, or a demo account made for it."""
    existing = RoleAssignment.objects.filter(role="body_staff", body=body).select_related("user")
    assignment = existing.order_by("user__username").first()
    if assignment is not None:
        return Actor.for_user(assignment.user)
    demo_user(username, email=f"{username}@demo.greencert.invalid")
    return demo_account(username, "body_staff", body=body)


def _valid(**filters: Any) -> Any:
    return Certificate.objects.filter(status=Status.VALID, **filters).order_by("id")


class Command(BaseCommand):
    help = "Demo certificates sharing one audit and a supply chain with a suspended upstream."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: Any, **options: Any) -> None:
        # Demo data mails no one: the notices it causes go to Django's dummy mail backend.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
            tasks_run_inline(),
        ):
            pair, chain = self._seed()
        base = f"http://127.0.0.1:{options['port']}"
        self.stdout.write("links demo: one audit, several certificates; a supply chain")
        for certificate in pair:
            name = programme_label(certificate.programme)
            self.stdout.write(f"  {name.zh} {name.en}  {base}/verify/{certificate.number}")
        for role, certificate in chain:
            self.stdout.write(f"  {base}/verify/{certificate.number}  ({role})")

    @transaction.atomic
    def _seed(self) -> tuple[list[Certificate], list[tuple[str, Certificate]]]:
        pair = self._pair()
        return pair, self._chain()

    def _pair(self) -> list[Certificate]:
        shared = (
            Audit.objects.annotate(n=Count("certificates"))
            .filter(n__gte=2, certificates__programme="yrd")
            .order_by("id")
            .first()
        )
        if shared is not None:
            return list(shared.certificates.order_by("id"))
        enterprise = (
            RoleAssignment.objects.filter(user__username="enterprise", role="enterprise")
            .select_related("enterprise")
            .first()
        )
        if enterprise is None or enterprise.enterprise is None:
            raise CommandError(
                "demo user 'enterprise' is missing: run `greencert demo_setup` first"
            )
        holder: Enterprise = enterprise.enterprise
        pilot = Category.objects.filter(pilot_zone=True, kind="product").order_by("code")
        body = (
            CertificationBody.objects.filter(
                active=True, alliance_member=True, categories__in=pilot
            )
            .order_by("approval_number")
            .distinct()
            .first()
        )
        if body is None:
            raise CommandError("no alliance body is authorised for a pilot-zone category")
        category = pilot.filter(pk__in=body.categories.values("pk")).first()
        assert category is not None
        actor = _staff(body, "body-alliance")
        audit = Audit.objects.create(body=body, holder=holder)
        common: dict[str, Any] = {
            "holder": holder,
            "category": category,
            "certification_unit": (category.certification_units or [category.name_zh])[0],
            "site_region": Region.objects.get(code="330500"),
            "production_site": "湖州市吴兴区绿色路 1 号",
            "products": [{"name": category.name_zh, "models": ["LH-2026"]}],
            "audit": audit,
        }
        (national,) = issue_certificates(actor, body, [Issue(programme="national", **common)])
        (regional,) = issue_certificates(
            actor, body, [Issue(programme="yrd", same_audit_as=national.number, **common)]
        )
        return [national, regional]

    def _chain(self) -> list[tuple[str, Certificate]]:
        existing = SupplyChainLink.objects.select_related("downstream").order_by("id").first()
        downstream = existing.downstream if existing is not None else self._link()
        rows = [("下游 downstream", downstream)]
        rows += [
            (
                f"上游 upstream · {role_label(link.role).zh} {role_label(link.role).en}",
                link.upstream,
            )
            for link in downstream.upstream_links.select_related("upstream").order_by("id")
        ]
        return rows

    def _link(self) -> Certificate:
        for code, upstream_specs in CHAINS.items():
            downstream = _valid(category__code=code).select_related("body").first()
            if downstream is None:
                continue
            upstreams: list[tuple[Certificate, str, str | None]] = []
            for upstream_code, role, share in upstream_specs:
                found = (
                    _valid(category__code=upstream_code)
                    .exclude(holder=downstream.holder_id)
                    .exclude(pk__in=[u.pk for u, _r, _s in upstreams])
                    .select_related("body")
                    .first()
                )
                if found is not None:
                    upstreams.append((found, role, share))
            if len(upstreams) < 2:
                continue
            actor = _staff(downstream.body, "body-maker")
            for upstream, role, share in upstreams:
                links.link_upstream(actor, downstream, upstream.number, role=role, share=share)
            supplied = upstreams[-1][0]
            suspend_certificate(
                _staff(supplied.body, "body-supplier"),
                supplied,
                reason_code="S03",
                until=timezone.localdate() + dt.timedelta(days=60),
                note="监督发现可纠正的不符合（演示）/ correctable nonconformity (demo)",
            )
            return downstream
        raise CommandError("the registry holds no furniture or textile chain to link: run seed")
