"""``greencert demo_setup``: demo accounts for each role, then the URLs and logins to use."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from greencert.certification.lifecycle import Status
from greencert.certification.models import Certificate
from greencert.core.actors import Actor
from greencert.parties.demo import DEMO_PASSWORD, demo_user
from greencert.parties.models import CertificationBody, Enterprise, Laboratory, RoleAssignment
from greencert.portal.demo_import import demo_body_token, import_demo_file, write_demo_file
from greencert.regions.models import Region


class Command(BaseCommand):
    help = "Create the demo accounts (one per role) if missing and print how to use the demo."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)

    @transaction.atomic
    def _accounts(self) -> list[tuple[str, str]]:
        accounts: list[tuple[str, str]] = []

        def ensure(username: str, description: str, superuser: bool = False) -> Any:
            user = demo_user(username, is_superuser=superuser)
            accounts.append((username, description))
            return user

        ensure(
            "admin",
            "平台运维 / node operator (superuser; certifies and supervises nothing)",
            superuser=True,
        )
        body = CertificationBody.objects.order_by("approval_number").first()
        enterprise = Enterprise.objects.filter(certificates__isnull=False).order_by("id").first()
        if body:
            for name in ("body-reviewer", "body-decider"):
                user = ensure(name, f"认证机构人员 / body staff · {body.short_name or body.name}")
                RoleAssignment.objects.get_or_create(user=user, role="body_staff", body=body)
        if enterprise:
            user = ensure("enterprise", f"企业用户 / enterprise user · {enterprise.name}")
            RoleAssignment.objects.get_or_create(
                user=user, role="enterprise", enterprise=enterprise
            )
        lab, _ = Laboratory.objects.get_or_create(
            cma_number="201919123456",
            defaults={
                "name": "长三角绿色产品检验检测中心",
                "region": Region.objects.get(code="320500"),
            },
        )
        user = ensure("lab", f"实验室人员 / laboratory staff · {lab.name}")
        RoleAssignment.objects.get_or_create(user=user, role="lab_staff", laboratory=lab)
        for username, code in (("regulator-js", "320000"), ("regulator-huzhou", "330500")):
            region = Region.objects.get(code=code)
            user = ensure(username, f"监管人员 / regulator · {region.name_zh}")
            RoleAssignment.objects.get_or_create(user=user, role="regulator", region=region)
        return accounts

    def handle(self, *args: Any, **options: Any) -> None:
        accounts = self._accounts()
        base = f"http://127.0.0.1:{options['port']}"
        sample = (
            Certificate.objects.filter(status=Status.VALID)
            .order_by("id")
            .values_list("number", flat=True)
        )
        number = sample.first() or "GC3220250000001X"
        self.stdout.write(self.style.SUCCESS("\ngreencert demo — 长三角绿色认证一体化平台"))
        self.stdout.write(f"  Portal 门户        {base}/")
        self.stdout.write(f"  Verify 证书查验    {base}/verify/{number}")
        self.stdout.write(f"  Search 检索        {base}/search?q=涂料")
        self.stdout.write(f"  Catalog 目录       {base}/catalog/")
        self.stdout.write(f"  Schemes 评价方案   {base}/schemes/")
        self.stdout.write(f"  Statistics 统计    {base}/statistics/")
        self.stdout.write(f"  Open data 开放数据 {base}/open-data/")
        self.stdout.write(f"  Mark 标识          {base}/certificates/{number}/mark.svg")
        self.stdout.write(f"  Workflow 认证实施  {base}/office/")
        self.stdout.write(f"  API docs 接口文档  {base}/api/v1/docs")
        self.stdout.write(f"  OpenAPI            {base}/api/v1/openapi.json")
        self.stdout.write(f"  Log in 登录        {base}/login/")
        self.stdout.write(f"  Back office 后台   {base}/admin/")
        self.stdout.write(f"  Health             {base}/healthz")
        self.stdout.write(f"\n  Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, description in accounts:
            self.stdout.write(f"    {username:<18} {description}")
        self._body_system(base)
        self.stdout.write("")

    def _body_system(self, base: str) -> None:
        """A body's own system feeding the registry: its import file, then its API token."""
        body = CertificationBody.objects.order_by("approval_number").first()
        staff = get_user_model().objects.filter(username="body-decider").first()
        if body is None or staff is None:
            return
        path = settings.VAR_DIR / "demo-import-certificates.csv"
        if not path.exists():
            write_demo_file(body, path)
        outcome = import_demo_file(body, path, Actor.for_user(staff))
        token = demo_body_token(body)
        self.stdout.write(f"\n  Body system 机构系统 · {body} ({body.approval_number}):")
        self.stdout.write(f"    import file 导入文件  {path}")
        self.stdout.write(
            f"    imported 导入结果     {outcome.summary_zh()} / {outcome.summary_en()}"
        )
        self.stdout.write(f"    upload 上传页面       {base}/office/import/ (login body-decider)")
        self.stdout.write(f"    API token (certify, shown once 仅显示一次): {token}")
        self.stdout.write(
            f"    try 试用: curl -H 'Authorization: Bearer {token}' "
            f"'{base}/api/v1/certificates?body={body.approval_number}&limit=3'"
        )
        self.stdout.write(
            f"    template 导入模板     greencert import template certificates "
            f"--body {body.approval_number} --format xlsx -o template.xlsx"
        )
        self.stdout.write(f"    write API 写入接口    {base}/api/v1/docs#/certificates")
