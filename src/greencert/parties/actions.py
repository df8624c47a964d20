"""Actions on parties. Each checks who is acting and writes everything or nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from greencert.core.actors import Actor
from greencert.core.bulk import insert_unless_present
from greencert.core.errors import PermissionRefused, ValidationFailed
from greencert.parties.models import CertificationBody, Enterprise
from greencert.parties.permissions import can_manage_parties
from greencert.parties.validators import (
    clean_credit_code,
    require_approval_number,
    require_valid_credit_code,
)
from greencert.regions.models import Region


def _require_manager(actor: Actor, field: str, value: Any) -> None:
    if not can_manage_parties(actor):
        raise PermissionRefused(
            field=field,
            value=value,
            expected_zh="仅监管人员、联盟秘书处或平台运维可登记主体",
            expected_en="only a regulator, the alliance secretariat or the node operator may register parties",
        )


def _region(code: str) -> Region:
    try:
        return Region.objects.get(code=code)
    except Region.DoesNotExist:
        raise ValidationFailed(
            field="region",
            value=code,
            expected_zh="长三角 GB/T 2260 行政区划代码（如 320500）",
            expected_en="a GB/T 2260 code of a YRD region, e.g. 320500",
        ) from None


@transaction.atomic
def register_enterprise(
    actor: Actor,
    *,
    credit_code: str,
    name: str,
    region_code: str,
    address: str = "",
    override_reason: str = "",
) -> Enterprise:
    """Register an enterprise. A code failing the GB 32100 check needs ``override_reason``."""
    _require_manager(actor, "credit_code", credit_code)
    code, problem = clean_credit_code(credit_code)
    if not name.strip():
        raise ValidationFailed(
            field="name", value=name, expected_zh="企业名称不能为空", expected_en="a non-empty name"
        )
    if problem:
        structural = problem.kind != "check"
        if structural or not override_reason.strip():
            raise ValidationFailed(
                field="credit_code",
                value=credit_code,
                expected_zh=f"统一社会信用代码（GB 32100-2015）{problem.zh}"
                + ("" if structural else "；如确为登记机关核发的真实代码，请填写例外理由"),
                expected_en=f"a unified social credit code (GB 32100-2015): {problem.en}"
                + (
                    ""
                    if structural
                    else "; if it is a genuine registered code, give an override reason"
                ),
                code="invalid_credit_code",
            )
    if actor.user is None and problem:
        raise PermissionRefused(
            field="override_reason",
            value=override_reason,
            expected_zh="校验码例外须由具名人员批准",
            expected_en="a check-character override must be made by a named person",
        )
    return Enterprise.objects.create(
        credit_code=code,
        name=name.strip(),
        region=_region(region_code),
        address=address,
        check_override_reason=override_reason.strip() if problem else "",
        check_override_by=actor.user if problem else None,
        check_override_at=timezone.now() if problem else None,
    )


@transaction.atomic
def register_certification_body(
    actor: Actor,
    *,
    approval_number: str,
    name: str,
    region_code: str,
    category_codes: list[str],
    alliance_member: bool = False,
    short_name: str = "",
) -> CertificationBody:
    _require_manager(actor, "approval_number", approval_number)
    # The catalog sits above parties in the layering, so its model is looked up, not imported.
    category_model = apps.get_model("catalog", "Category")
    number = require_approval_number(approval_number)
    categories = list(category_model.objects.filter(code__in=category_codes))
    unknown = sorted(set(category_codes) - {c.code for c in categories})
    if unknown:
        raise ValidationFailed(
            field="categories",
            value=",".join(unknown),
            expected_zh="认证目录中的类别代码",
            expected_en="category codes of the catalog",
        )
    body = CertificationBody.objects.create(
        approval_number=number,
        name=name,
        short_name=short_name,
        region=_region(region_code),
        alliance_member=alliance_member,
    )
    body.categories.set(categories)
    return body


@dataclass(frozen=True)
class HolderDetails:
    """What a body sends about a certificate's holder: its credit code, and for an enterprise
    not registered yet, its name, region and address."""

    credit_code: str
    name: str
    region: Region
    address: str = ""


def holder_for_certificate(
    actor: Actor, *, credit_code: str, name: str, region: Region, address: str = ""
) -> Enterprise:
    """The enterprise a body names as a certificate's holder: the registered one with this credit
    code, or a new one registered from what the body sent, once the code passes its check
    character (GB 32100-2015). Bodies register no code that fails it; a regulator does, with a
    recorded reason. The caller checks that ``actor`` may issue for the body."""
    code = require_valid_credit_code(credit_code, field="holder_credit_code")
    details = HolderDetails(code, name, region, address)
    return holders_for_certificates(actor, [details])[code]


def holders_for_certificates(
    actor: Actor, holders: Sequence[HolderDetails]
) -> dict[str, Enterprise]:
    """``holder_for_certificate`` for many holders at once, by credit code: one query finds the
    registered ones, one insert registers the rest (the first details given for a code count)."""
    wanted: dict[str, HolderDetails] = {}
    for details in holders:
        code = require_valid_credit_code(details.credit_code, field="holder_credit_code")
        wanted.setdefault(code, details)
    found = {e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=list(wanted))}
    new = [code for code in wanted if code not in found]
    for code in new:
        if not wanted[code].name.strip():
            raise ValidationFailed(
                field="holder_name",
                value=wanted[code].name,
                expected_zh=f"未登记企业 {code} 的名称（首次出现的持证人须给出名称）",
                expected_en=f"the name of enterprise {code}, which is not registered yet",
            )
    if new:
        registered = insert_unless_present(
            [
                Enterprise(
                    credit_code=code,
                    name=wanted[code].name.strip(),
                    region=wanted[code].region,
                    address=wanted[code].address.strip(),
                )
                for code in new
            ],
            "credit_code",
        )
        found.update((e.credit_code, e) for e in registered)
        # Another issue may have registered one of them meanwhile: it is matched, not doubled.
        meanwhile = [code for code in new if code not in found]
        if meanwhile:
            found.update(
                (e.credit_code, e) for e in Enterprise.objects.filter(credit_code__in=meanwhile)
            )
    return found
