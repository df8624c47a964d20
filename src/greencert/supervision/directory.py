"""执法检查人员名录库: the inspector directory a plan's inspector pool is drawn from.

Regulators add the inspectors of their region and keep each one's affiliation and declared
conflicts of interest up to date; the draw never sends an inspector to an object whose parties
(holder, certification body) their affiliation or a declared conflict names. A committed plan
has frozen its pool, so a change here reaches only plans committed afterwards.
"""

from __future__ import annotations

from django.db import transaction

from greencert.core.actors import Actor
from greencert.core.errors import ValidationFailed
from greencert.parties.models import CertificationBody, Enterprise
from greencert.regions.models import Region
from greencert.supervision.models import Inspector
from greencert.supervision.permissions import require_region, require_regulator


def _party_codes(field: str, codes: list[str]) -> list[str]:
    """Credit codes of registered enterprises or approval numbers of registered bodies."""
    wanted = sorted({c.strip().upper() for c in codes if c.strip()})
    known = set(
        Enterprise.objects.filter(credit_code__in=wanted).values_list("credit_code", flat=True)
    )
    known |= set(
        CertificationBody.objects.filter(approval_number__in=wanted).values_list(
            "approval_number", flat=True
        )
    )
    unknown = [c for c in wanted if c not in known]
    if unknown:
        raise ValidationFailed(
            field=field,
            value=", ".join(unknown),
            expected_zh="已登记企业的统一社会信用代码或认证机构的批准号",
            expected_en="the credit code of a registered enterprise or the approval number of a body",
        )
    return wanted


def _name(name: str) -> str:
    if not name.strip():
        raise ValidationFailed(
            field="name", value=name, expected_zh="须填写姓名", expected_en="a name is required"
        )
    return name.strip()


@transaction.atomic
def add_inspector(
    actor: Actor,
    *,
    code: str,
    name: str,
    region: Region,
    affiliation: str = "",
    conflicts: list[str] | None = None,
) -> Inspector:
    """Add an inspector of ``region`` to the directory, with their declared conflicts."""
    doing = ("登记检查人员", "adding an inspector")
    require_regulator(actor, doing)
    require_region(actor, region, doing)
    code = code.strip().upper()
    if not code or Inspector.objects.filter(code=code).exists():
        raise ValidationFailed(
            field="code",
            value=code,
            expected_zh="未被使用的人员编号",
            expected_en="an unused inspector code",
        )
    affiliations = _party_codes("affiliation", [affiliation])
    return Inspector.objects.create(
        code=code,
        name=_name(name),
        region=region,
        affiliation=affiliations[0] if affiliations else "",
        conflicts=_party_codes("conflicts", conflicts or []),
    )


@transaction.atomic
def edit_inspector(
    actor: Actor,
    inspector: Inspector,
    *,
    name: str,
    region: Region,
    affiliation: str,
    conflicts: list[str],
    active: bool,
) -> Inspector:
    """Change an inspector's details or conflicts; the regulator must act for both regions."""
    doing = ("修改检查人员信息", "editing an inspector")
    require_regulator(actor, doing)
    locked = Inspector.objects.select_for_update().select_related("region").get(pk=inspector.pk)
    require_region(actor, locked.region, doing)
    require_region(actor, region, doing)
    affiliations = _party_codes("affiliation", [affiliation])
    locked.name = _name(name)
    locked.region = region
    locked.affiliation = affiliations[0] if affiliations else ""
    locked.conflicts = _party_codes("conflicts", conflicts)
    locked.active = active
    locked.save(update_fields=["name", "region", "affiliation", "conflicts", "active"])
    return locked
