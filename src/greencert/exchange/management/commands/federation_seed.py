"""``greencert federation_seed --province 320000 [--certificates N]``: a certification body of
the province, holders and N certificates issued through the issuing action, so that a node of a
demonstration federation has certificates of its own province for the other nodes to replicate.
The second of every three is then suspended, the third revoked."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from greencert.catalog.models import Category
from greencert.certification.actions import (
    issue_certificate,
    revoke_certificate,
    suspend_certificate,
)
from greencert.certification.models import Certificate
from greencert.core.actors import Actor
from greencert.exchange.actions import create_client
from greencert.exchange.models import ApiClient
from greencert.parties.factory import (
    CertificationBodyFactory,
    EnterpriseFactory,
    credit_code,
    enterprise_name,
    short_place,
)
from greencert.regions.models import Region

UNIT = "水性外墙涂料"


class Command(BaseCommand):
    help = "Issue demonstration certificates of one province on this node."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--province", required=True, help="six-digit province code")
        parser.add_argument("--certificates", type=int, default=3)

    def handle(self, *args: Any, **options: Any) -> None:
        province = options["province"]
        sites = Region.objects.filter(province_code=province).exclude(code=province)
        site = sites.order_by("code").first()
        if site is None:
            raise CommandError(
                f"--province {province!r}: 应为长三角省级行政区划代码 / expected the code of a YRD "
                "province (310000, 320000, 330000 or 340000)"
            )
        coatings = Category.objects.get(code="coatings")
        client = ApiClient.objects.filter(name=f"demo-{province}").first()
        if client is None:
            body = CertificationBodyFactory.create(categories=[coatings], region=site)
            client, _token = create_client(
                Actor.for_system("console"), name=f"demo-{province}", scopes=["certify"], body=body
            )
        assert client.body is not None
        body, actor = client.body, Actor.for_client(client)
        today = timezone.localdate()
        first = Certificate.objects.count()
        for index in range(options["certificates"]):
            rng = random.Random(f"{province}-{first + index}")
            holder = EnterpriseFactory.create(
                region=site,
                credit_code=credit_code(rng, site.code),
                name=enterprise_name(rng, short_place(site.name_zh), "涂料"),
            )
            certificate = issue_certificate(
                actor,
                body=body,
                holder=holder,
                category=coatings,
                certification_unit=UNIT,
                site_region=site,
                products=[{"name": UNIT, "models": [f"DEMO-{province[:2]}-{index + 1}"]}],
                production_site=f"{site.name_zh}绿色路 {index + 1} 号",
            )
            if index % 3 == 1:
                suspend_certificate(
                    actor, certificate, reason_code="S01", until=today + dt.timedelta(days=90)
                )
            elif index % 3 == 2:
                revoke_certificate(actor, certificate, reason_code="R01")
            self.stdout.write(certificate.number)
