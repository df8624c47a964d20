"""The demo's import: a file of certificates one demo body issued in its own system, written in
the import template's columns, imported as its staff would, and a token for its system's API."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from pathlib import Path

from django.utils import timezone

from greencert.catalog.models import Category
from greencert.certification.body_numbers import rule_for
from greencert.certification.demo_industries import industry
from greencert.certification.imports.columns import columns
from greencert.certification.imports.outcome import Outcome
from greencert.certification.imports.run import import_file
from greencert.certification.imports.table import read_path
from greencert.certification.seed import working_day
from greencert.core.actors import Actor
from greencert.core.checkchars import uscc_check_char
from greencert.exchange import actions as exchange_actions
from greencert.exchange.models import ApiClient
from greencert.exchange.tokens import new_token
from greencert.parties.factory import short_place
from greencert.parties.models import CertificationBody
from greencert.regions.models import Region

ROWS = 12
# Serials far above what the demo's seed hands out in a year, so the file never meets them.
FIRST_SERIAL = 900_001
CLIENT_NAME = "demo-body-system"
SITES = ["330500", "320500", "310115", "340100", "330100", "320200"]
MODEL_PREFIXES = ["LY", "QH", "QL", "BC", "CH", "ST"]
NAMES = [
    "绿源",
    "清禾",
    "青峦",
    "碧川",
    "澄湖",
    "松涛",
    "云杉",
    "禾田",
    "湖光",
    "晴岚",
    "白鹭",
    "翠屏",
]


def _credit_code(serial: int, region: str) -> str:
    """A unified social credit code with its GB 32100 check character (企业法人, 91)."""
    first17 = f"91{region}MA{serial:08d}"[:17]
    return first17 + uscc_check_char(first17)


def write_demo_file(body: CertificationBody, path: Path, today: dt.date | None = None) -> int:
    """Write the demo file for ``body`` (CSV, UTF-8 with BOM); returns the number of rows."""
    today = today or timezone.localdate()
    rng = random.Random(2021)
    categories = [
        c for c in body.categories.filter(kind="product").order_by("code") if c.certification_units
    ][:3]
    if not categories:
        return 0
    rule = rule_for(body.approval_number)
    regions = {r.code: r for r in Region.objects.filter(code__in=SITES)}
    sites = [code for code in SITES if code in regions]
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow([c.header for c in columns("certificates")])
    for i in range(ROWS):
        category: Category = categories[i % len(categories)]
        unit = category.certification_units[i % len(category.certification_units)]
        site = sites[i % len(sites)]
        issued = working_day(today - dt.timedelta(days=20 + 25 * i))
        name = NAMES[i % len(NAMES)]
        # Named after the trade of its certificate, as a holder is (陶瓷有限公司 for tiles).
        trade = industry(category.code).endings[0]
        address = f"{regions[site].name_zh}{name}路 {rng.randint(1, 300)} 号"
        values = {
            "body_number": rule.compose(body.approval_number, issued.year, FIRST_SERIAL + i),
            "holder_credit_code": _credit_code(FIRST_SERIAL + i, site),
            "holder_name": f"{short_place(regions[site].name_zh)}{name}{trade}",
            "holder_region": site,
            "holder_address": address,
            "category": category.code,
            "certification_unit": unit,
            "site_region": site,
            "production_site": address,
            "products": f"{unit}: {MODEL_PREFIXES[i % len(MODEL_PREFIXES)]}-{100 + i}; "
            f"{MODEL_PREFIXES[i % len(MODEL_PREFIXES)]}-{200 + i}",
            "issue_date": issued.isoformat(),
        }
        writer.writerow([values.get(c.field, "") for c in columns("certificates")])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\ufeff" + out.getvalue()).encode("utf-8"))
    return ROWS


def import_demo_file(body: CertificationBody, path: Path, staff: Actor) -> Outcome:
    """Import the file as the body's staff; a second run finds every row already present."""
    return import_file("certificates", read_path(path), body, staff)


def demo_body_token(body: CertificationBody) -> str:
    """A new token for the body's system (client ``demo-body-system``, scope certify)."""
    console = Actor.for_system("demo")
    client = ApiClient.objects.filter(name=CLIENT_NAME).first()
    if client is None:
        _client, token = exchange_actions.create_client(
            console,
            name=CLIENT_NAME,
            display_name=f"{body} 认证系统 / certification system",
            scopes=["certify", "verify"],
            body=body,
        )
        return token
    return new_token(client)
