"""Four provincial nodes as processes on loopback, each with its own database, keys and server:
certificates issued on every node verify on every other, with the node that is authoritative;
a node that is down does not stop the others, its certificates still verify elsewhere as of the
last checkpoint applied, and it is caught up once it is back."""

from __future__ import annotations

import json
import re
import socket
import sqlite3
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest
from django.conf import settings

from greencert.exchange.replication.federation import BIN, Node, numbers_of, prepare

pytestmark = [
    pytest.mark.slow,
    pytest.mark.starts_first,
    # The nodes keep their own embedded databases whatever engine the suite runs on: once is enough.
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
        reason="the four nodes run on their own SQLite databases; run in the SQLite pass",
    ),
]


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def read(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read().decode()


def answer(node: Node, number: str) -> dict:
    status, text = read(f"{node.url}/api/v1/certificates/{number}")
    assert status == 200
    return json.loads(text)


@pytest.fixture(scope="module")
def federation(tmp_path_factory):
    nodes = prepare(tmp_path_factory.mktemp("federation"), free_ports(4), certificates=2)
    try:
        for node in nodes:
            node.start()
        yield nodes
    finally:
        for node in nodes:
            node.stop()


def test_four_nodes_replicate_and_survive_a_node_going_down(federation):
    own = {node.id: numbers_of(node) for node in federation}
    assert all(len(numbers) == 2 for numbers in own.values())
    # Each node submits its checkpoint to the other three's witnesses: every checkpoint is
    # cosigned by three nodes (witnessed). Replication applies entries only under such a one.
    for node in federation:
        node.run("log", "witness-submit")
    for node in federation:
        round_ = node.replicate()
        assert round_.returncode == 0, round_.stdout + round_.stderr

    # Every node answers for every other node's certificates, naming the authoritative node.
    for node in federation:
        for other in federation:
            if other is node:
                continue
            valid, suspended = (answer(node, number) for number in own[other.id])
            for found in (valid, suspended):
                assert found["authority"]["node"] == other.id
                assert found["authority"]["checkpoint_size"] == 3  # issued ×2, suspended ×1
            assert (valid["status"]["code"], suspended["status"]["code"]) == ("01", "02")
            # Details come from the signed credential, checked over HTTP; a suspended
            # certificate has none, and verifies by its status from the log alone.
            assert valid["details_verified"] is True and valid["holder"]["name"]
            assert suspended["details_verified"] is False
            _, page = read(f"{node.url}/verify/{own[other.id][0]}?lang=en")
            assert f"Authoritative node: {other.name_en}, as of checkpoint 3" in page

    for node in federation:
        _, note_text = read(f"{node.url}/log/checkpoint")
        cosignatures = [
            line
            for line in note_text.splitlines()
            if line.startswith("\u2014 ") and "/witness " in line
        ]
        assert len(cosignatures) == 3, note_text
    _, page = read(f"{federation[0].url}/verify/{own['yrd-sh'][0]}?lang=en")
    assert "witnessed" in page and "not yet witnessed" not in page

    shanghai, jiangsu = federation[0], federation[1]
    # Jiangsu goes down: Shanghai's round fails for it alone, and still answers for it.
    jiangsu.stop()
    down = shanghai.replicate()
    assert down.returncode != 0
    assert "yrd-js: FAILED" in down.stdout and "yrd-zj: applied 0" in down.stdout
    assert answer(shanghai, own["yrd-js"][0])["authority"]["checkpoint_size"] == 3

    # Jiangsu issues while down (its own database), comes back, and Shanghai catches up.
    jiangsu.run("federation_seed", "--province", "320000", "--certificates", "1")
    jiangsu.run("log", "catch-up")
    jiangsu.start()
    jiangsu.run("log", "witness-submit")
    back = shanghai.replicate()
    assert back.returncode == 0, back.stdout + back.stderr
    new = numbers_of(jiangsu)[-1]
    assert new not in own["yrd-js"]
    caught_up = answer(shanghai, new)
    assert caught_up["status"]["code"] == "01"
    assert caught_up["authority"]["checkpoint_size"] == 4


# What each node's regulators and users do, run as ``greencert shell -c`` on that node.
LIST_AT_SHANGHAI = """
from django.contrib.auth import get_user_model
from greencert.core.actors import Actor
from greencert.parties.models import Enterprise, Role, RoleAssignment
from greencert.regions.models import Region
from greencert.supervision.actions import list_on_blacklist
user = get_user_model().objects.create_user("sh-regulator", password="not-used")
RoleAssignment.objects.create(user=user, role=Role.REGULATOR, region=Region.objects.get(code="310000"))
enterprise, _ = Enterprise.objects.get_or_create(
    credit_code="{code}", defaults={{"name": "{name}", "region": Region.objects.get(code="330000")}}
)
list_on_blacklist(Actor.for_user(user), enterprise=enterprise, basis_code="SCL-2022", facts="伪造检验报告")
"""

APPLY_AT_ZHEJIANG = """
from django.contrib.auth import get_user_model
from greencert.catalog.models import Category
from greencert.core.actors import Actor
from greencert.core.errors import PermissionRefused
from greencert.certification.workflow.actions import submit_application
from greencert.parties.models import CertificationBody, Enterprise, Role, RoleAssignment
from greencert.regions.models import Region
enterprise = Enterprise.objects.get(credit_code="{code}")
user = get_user_model().objects.create_user("zj-holder", password="not-used")
RoleAssignment.objects.create(user=user, role=Role.ENTERPRISE, enterprise=enterprise)
try:
    submit_application(
        Actor.for_user(user), enterprise=enterprise, body=CertificationBody.objects.first(),
        category=Category.objects.get(code="coatings"), certification_unit="水性外墙涂料",
        site_region=enterprise.region, products=[{{"name": "水性外墙涂料", "models": ["X-1"]}}],
        production_site="杭州",
    )
    print("accepted")
except PermissionRefused as refusal:
    print("refused", refusal.code)
"""

FILE_AT_JIANGSU = """
from greencert.supervision.complaints import file_complaint
complaint = file_complaint(
    certificate_number="{number}", description="超市货架上的涂料标志二维码扫出来是别的企业",
    contact="13800138000",
)
print(complaint.tracking_code, complaint.state)
"""

REGULATOR_AT_ANHUI = """
from django.contrib.auth import get_user_model
from greencert.parties.models import Role, RoleAssignment
from greencert.regions.models import Region
from greencert.supervision.models import Complaint
user = get_user_model().objects.create_user("ah-regulator", password="ah-regulator-pw-2026")
RoleAssignment.objects.create(user=user, role=Role.REGULATOR, region=Region.objects.get(code="340000"))
print(Complaint.objects.get(referred_code="{code}").tracking_code)
"""

RECOGNISE_AT_SHANGHAI = """
import datetime as dt
from django.contrib.auth import get_user_model
from greencert.catalog.models import Category
from greencert.certification.models import Certificate
from greencert.core.actors import Actor
from greencert.governance.models import AgreementParty, RecognitionAgreement
from greencert.governance.recognition import recognise_certificate
from greencert.parties.models import Role, RoleAssignment
from greencert.regions.models import Region
agreement = RecognitionAgreement.objects.create(
    code="YRD-HR-2026-01", title_zh="长三角涂料认证结果互认协议",
    title_en="YRD mutual recognition of coatings certification", kind="inter_provincial",
    starts_on=dt.date(2025, 1, 1),
)
agreement.categories.set([Category.objects.get(code="coatings")])
PARTIES = (
    ("310000", "上海市市场监督管理局", "Shanghai AMR"),
    ("320000", "江苏省市场监督管理局", "Jiangsu AMR"),
)
for code, zh, en in PARTIES:
    province = Region.objects.get(code=code)
    AgreementParty.objects.create(agreement=agreement, name_zh=zh, name_en=en, region=province)
user = get_user_model().objects.create_user("js-regulator", password="not-used")
RoleAssignment.objects.create(user=user, role=Role.REGULATOR, region=Region.objects.get(code="320000"))
recognise_certificate(Actor.for_user(user), agreement, Certificate.objects.get(number="{number}"))
"""


def logged_in(node: Node, username: str, password: str) -> urllib.request.OpenerDirector:
    """An HTTP client holding a session of ``username`` on ``node``, logged in by its form."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    form = opener.open(f"{node.url}/login/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    assert token, form[:500]
    data = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)}
    ).encode()
    opener.open(f"{node.url}/login/", data=data, timeout=10)
    return opener


def test_a_listing_a_complaint_and_a_recognition_cross_the_borders(federation):
    shanghai, jiangsu, zhejiang, anhui = federation
    own = {node.id: numbers_of(node) for node in federation}

    # Shanghai's regulator lists the holder of a Zhejiang certificate: at Zhejiang's node, the
    # holder may no longer apply, its certificate there is flagged, the blacklist says Shanghai.
    zj_number = own["yrd-zj"][0]
    holder = answer(zhejiang, zj_number)["holder"]
    shanghai.run(
        "shell",
        "--no-imports",
        "-c",
        LIST_AT_SHANGHAI.format(code=holder["id"], name=holder["name"]),
    )
    round_ = zhejiang.replicate()
    assert "yrd-sh: applied 0" in round_.stdout and "1 border record" in round_.stdout, (
        round_.stdout + round_.stderr
    )
    refused = zhejiang.run(
        "shell", "--no-imports", "-c", APPLY_AT_ZHEJIANG.format(code=holder["id"])
    )
    assert refused.split() == ["refused", "blacklisted"]
    flags = answer(zhejiang, zj_number)["blacklist"]
    assert [flag["region"] for flag in flags] == ["310000"]
    _, page = read(f"{zhejiang.url}/supervision/blacklist/?lang=en")
    assert holder["id"] in page and "Shanghai" in page

    # A complaint filed at Jiangsu's node about an Anhui certificate is forwarded to Anhui's
    # node, where it waits in its regulators' office; Jiangsu's node says where it went.
    ah_number = own["yrd-ah"][0]
    code, state = jiangsu.run(
        "shell", "--no-imports", "-c", FILE_AT_JIANGSU.format(number=ah_number)
    ).split()
    assert state == "forwarded"
    round_ = jiangsu.replicate()
    assert "1 complaint delivered" in round_.stdout, round_.stdout + round_.stderr
    _, text = read(f"{jiangsu.url}/api/v1/supervision/complaints/{code}")
    assert json.loads(text)["forwarded_to"]["province_en"] == "Anhui"
    assert json.loads(text)["forwarded_to"]["delivered"] is True
    there = anhui.run("shell", "--no-imports", "-c", REGULATOR_AT_ANHUI.format(code=code)).strip()
    office = logged_in(anhui, "ah-regulator", "ah-regulator-pw-2026")
    page = office.open(f"{anhui.url}/supervision/office/", timeout=10).read().decode()
    assert there in page and "13800138000" not in page

    # Shanghai's node records Jiangsu's recognition of a Shanghai certificate; once witnessed,
    # Jiangsu's node shows it on its answer and verify page for that certificate.
    sh_number = own["yrd-sh"][0]
    shanghai.run("shell", "--no-imports", "-c", RECOGNISE_AT_SHANGHAI.format(number=sh_number))
    shanghai.run("log", "catch-up")
    shanghai.run("log", "witness-submit")
    round_ = jiangsu.replicate()
    assert "yrd-sh: applied 1" in round_.stdout, round_.stdout + round_.stderr
    recognitions = answer(jiangsu, sh_number)["recognitions"]
    assert [(r["agreement"], r["recognised_by"]["name_en"]) for r in recognitions] == [
        ("YRD-HR-2026-01", "Jiangsu AMR")
    ]
    _, page = read(f"{jiangsu.url}/verify/{sh_number}?lang=en")
    assert "YRD mutual recognition of coatings certification" in page

    # Every node's new events logged and witnessed before the next test follows them.
    for node in federation:
        node.run("log", "catch-up")
    for node in federation:
        submitted = node.run("log", "witness-submit")
        assert "not cosigned" not in submitted, f"{node.id}: {submitted}"


def audit(node: Node, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            str(BIN / "greencert"),
            "log",
            "audit",
            f"{node.url}/log",
            "--vkey",
            node.log_vkey,
            *extra,
        ],
        env=node.environment(),
        capture_output=True,
        text=True,
        check=False,
    )


def tamper(node: Node, sql: list[str]) -> None:
    """What a database superuser can do behind the application's back: drop the append-only
    triggers and run ``sql`` on the node's database (the node is stopped meanwhile)."""
    node.stop()
    database = sqlite3.connect(node.home / "greencert.sqlite3")
    for (name,) in database.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"):
        database.execute(f'DROP TRIGGER "{name}"')
    for statement in sql:
        database.execute(statement)
    database.commit()
    database.close()
    node.start()


def test_a_history_rewritten_behind_the_applications_back_is_refused_and_raises_the_alert(
    federation,
):
    shanghai, anhui = federation[0], federation[3]
    for node in federation:
        assert node.replicate().returncode == 0
    saved = anhui.home / "saved-checkpoint"
    assert audit(anhui, "--save", str(saved)).returncode == 0

    # An event is rewritten in Anhui's database: its log no longer matches its entries.
    tamper(
        anhui, ["UPDATE certification_certificateevent SET status_after = '03' WHERE sequence = 1"]
    )
    rewritten = audit(anhui)
    assert rewritten.returncode != 0 and "FAILED" in rewritten.stdout

    # The tamperer rebuilds the log to match: a new checkpoint of the same size, another tree.
    tamper(
        anhui,
        [
            "DELETE FROM exchange_logcosignature",
            "DELETE FROM exchange_loghash",
            "DELETE FROM exchange_logcheckpoint",
        ],
    )
    anhui.run("log", "catch-up")
    assert audit(anhui).returncode == 0  # consistent with itself …
    assert audit(anhui, "--since", str(saved)).returncode != 0  # … but not with what was seen

    # The other nodes refuse it, keep both signed checkpoints and raise the regulators' alert.
    refused = shanghai.replicate()
    assert refused.returncode != 0 and "inconsistent" in refused.stdout + refused.stderr
    anhui.run("log", "witness-submit")
    _, text = read(f"{shanghai.url}/api/v1/witness/peers")
    peer = next(p for p in json.loads(text)["peers"] if p["id"] == "yrd-ah")
    alerts = peer["alerts"]
    assert alerts and {a["kind"] for a in alerts} <= {"split_view", "rewritten"}
    assert all(a["held_note"] != a["offered_note"] for a in alerts)
