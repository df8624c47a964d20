"""产业链上下游: a certificate cites certified upstream materials or components.

The certifying body of the downstream certificate (its staff, or its own system) adds and removes
the links; each is an ``upstream_linked`` / ``upstream_unlinked`` event on the downstream
certificate, which leaves its status as it is. When an upstream certificate leaves force
(suspended, revoked, cancelled, expired: by any path, since every path appends to the log), the
holders and bodies of the certificates citing it are told once the change has committed; nothing
is done to their certificates.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

import yaml
from django.db import connections, router, transaction
from django.db.models import Q, Sum

from greencert.certification import actions, lifecycle, notifications
from greencert.certification.audits import DATA_FILE, programme_label, same_audit_of
from greencert.certification.lifecycle import EventType, Label, Status
from greencert.certification.lookup import explain, find_certificate
from greencert.certification.models import Certificate, SupplyChainLink
from greencert.core.actors import Actor
from greencert.core.errors import PermissionRefused, TransitionRefused, ValidationFailed
from greencert.parties.permissions import body_ids_of

# Statuses an upstream certificate must have to be cited.
CITABLE = (Status.VALID,)
# Upstream statuses its downstream certificates' holders and bodies are told about.
NOTICE_STATUSES = {Status.SUSPENDED, Status.REVOKED, Status.CANCELLED, Status.EXPIRED}
FULL_SHARE = Decimal(100)


@cache
def roles() -> dict[str, Label]:
    data = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))["supply_chain_roles"]
    return {code: Label(spec["zh"], spec["en"]) for code, spec in data.items()}


def role_label(code: str) -> Label:
    return roles().get(code, Label(code, code))


def can_link(actor: Actor, certificate: Certificate) -> bool:
    """The body that issued the downstream certificate: its staff or its own system."""
    if actor.client is not None:
        return actor.client.has_scope("certify") and actor.client.body_id == certificate.body_id
    return certificate.body_id in body_ids_of(actor)


def _require_can_link(actor: Actor, certificate: Certificate) -> None:
    if not can_link(actor, certificate):
        raise PermissionRefused(
            field="certificate",
            value=certificate.number,
            expected_zh=f"{actor.label} 无权为该证书关联上游证书（须为颁证机构 "
            f"{certificate.body} 的人员或其系统）",
            expected_en=f"{actor.label} may not link upstream certificates to this certificate "
            f"(only staff or the system of its issuing body, {certificate.body})",
        )


def _find_upstream(typed: str) -> Certificate:
    lookup = find_certificate(typed.strip())
    if lookup.certificate is None:
        zh, en = explain(lookup)
        raise ValidationFailed(
            field="upstream",
            value=typed,
            expected_zh=f"已登记的上游证书编号（平台编号或机构编号）：{zh}",
            expected_en=f"the registry or body number of a registered upstream certificate: {en}",
            code="unknown_certificate" if lookup.verdict != "several" else "several",
        )
    return lookup.certificate


def _clean_share(share: Decimal | str | float | None) -> Decimal | None:
    if share is None or share == "":
        return None
    try:
        value = Decimal(str(share)).quantize(Decimal("0.01"))
    except InvalidOperation:
        value = Decimal(-1)
    if not Decimal(0) < value <= FULL_SHARE:
        raise ValidationFailed(
            field="share",
            value=str(share),
            expected_zh="大于 0、不超过 100 的百分比（可不填）",
            expected_en="a percentage above 0 and at most 100 (or none)",
        )
    return value


def _require_role(role: str) -> str:
    if role not in roles():
        raise ValidationFailed(
            field="role",
            value=role,
            expected_zh="用途之一：" + "、".join(f"{c}（{r.zh}）" for c, r in roles().items()),
            expected_en="one of the roles: "
            + ", ".join(f"{c} ({r.en})" for c, r in roles().items()),
        )
    return role


def _reaches(start: Certificate, target: Certificate) -> bool:
    """Whether ``target`` is upstream of ``start`` already (or is ``start``): following the links
    upstream from ``start``, one query per level."""
    seen = {start.pk}
    frontier = {start.pk}
    while frontier:
        if target.pk in frontier:
            return True
        upstream = set(
            SupplyChainLink.objects.filter(downstream_id__in=frontier).values_list(
                "upstream_id", flat=True
            )
        )
        frontier = upstream - seen
        seen |= upstream
    return False


@transaction.atomic
def link_upstream(
    actor: Actor,
    downstream: Certificate,
    upstream_number: str,
    *,
    role: str,
    share: Decimal | str | float | None = None,
) -> SupplyChainLink:
    """关联上游证书: ``downstream`` cites the certificate with ``upstream_number`` (either number)
    as its ``role`` (data/links.yaml), with its share of the product in percent where known."""
    _require_can_link(actor, downstream)
    role = _require_role(role)
    share_value = _clean_share(share)
    upstream = _find_upstream(upstream_number)
    if upstream.pk == downstream.pk:
        raise ValidationFailed(
            field="upstream",
            value=upstream_number,
            expected_zh="另一张证书的编号；证书不能引用自身作为上游",
            expected_en="the number of another certificate; a certificate cannot cite itself",
            code="self_link",
        )
    if upstream.status not in CITABLE:
        current = lifecycle.status_label(upstream.status)
        raise TransitionRefused(
            field="upstream",
            value=upstream.number,
            expected_zh=f"有效的上游证书（{upstream.number} 当前为「{current.zh}」）",
            expected_en=f"a valid upstream certificate ({upstream.number} is {current.en})",
            code="upstream_not_valid",
        )
    if SupplyChainLink.objects.filter(downstream=downstream, upstream=upstream).exists():
        raise ValidationFailed(
            field="upstream",
            value=upstream.number,
            expected_zh=f"尚未关联的上游证书（{upstream.number} 已关联）",
            expected_en=f"an upstream certificate not cited yet ({upstream.number} already is)",
            code="already_linked",
        )
    if _reaches(upstream, downstream):
        raise ValidationFailed(
            field="upstream",
            value=upstream.number,
            expected_zh=f"不在 {downstream.number} 下游的证书（{upstream.number} "
            "已直接或间接引用本证书，关联将形成循环）",
            expected_en=f"a certificate not downstream of {downstream.number} "
            f"({upstream.number} already cites it, directly or through others: a cycle)",
            code="cycle",
        )
    if share_value is not None:
        cited = SupplyChainLink.objects.filter(downstream=downstream).aggregate(s=Sum("share"))
        total = (cited["s"] or Decimal(0)) + share_value
        if total > FULL_SHARE:
            raise ValidationFailed(
                field="share",
                value=str(share_value),
                expected_zh=f"与已关联上游合计不超过 100%（已有 {cited['s']}%）",
                expected_en=f"a share that keeps the cited upstream at 100% or less "
                f"({cited['s']}% already)",
            )
    # The event first: it refuses a downstream certificate no longer in force.
    downstream = actions._transition(
        actor,
        downstream,
        EventType.UPSTREAM_LINKED,
        reason_code="L01",
        payload={
            "upstream": upstream.number,
            "role": role,
            "share": str(share_value) if share_value is not None else None,
        },
        authorised=True,
    )
    link = SupplyChainLink.objects.create(
        downstream=downstream,
        upstream=upstream,
        role=role,
        share=share_value,
        linked_sequence=downstream.last_event_sequence,
    )
    # The link row follows its event: both ends' public documents show it from now on.
    _refresh_documents([downstream.pk, upstream.pk])
    return link


@transaction.atomic
def unlink_upstream(
    actor: Actor, downstream: Certificate, upstream_number: str, *, reason_code: str = "L02"
) -> Certificate:
    """解除上游证书关联: ``downstream`` no longer cites the certificate with ``upstream_number``."""
    _require_can_link(actor, downstream)
    upstream = _find_upstream(upstream_number)
    link = SupplyChainLink.objects.filter(downstream=downstream, upstream=upstream).first()
    if link is None:
        raise ValidationFailed(
            field="upstream",
            value=upstream_number,
            expected_zh=f"{downstream.number} 已关联的上游证书编号",
            expected_en=f"the number of an upstream certificate {downstream.number} cites",
            code="not_linked",
        )
    downstream = actions._transition(
        actor,
        downstream,
        EventType.UPSTREAM_UNLINKED,
        reason_code=reason_code,
        payload={"upstream": upstream.number, "role": link.role},
        authorised=True,
    )
    link.delete()
    _refresh_documents([downstream.pk, upstream.pk])
    return downstream


def _refresh_documents(ids: list[int]) -> None:
    # Imported here: the public document is built from this module's sections.
    from greencert.certification.public_document import refresh_documents

    refresh_documents(ids)


def notify_downstream(event: Any) -> None:
    """Projection: tell the holders and bodies of the certificates citing a certificate that has
    just left force, once the change commits (``notifications`` queues the mail on commit)."""
    if event.status_after not in NOTICE_STATUSES or event.status_after == event.status_before:
        return
    links = list(
        SupplyChainLink.objects.filter(upstream_id=event.certificate_id).select_related(
            "downstream", "upstream"
        )
    )
    if not links:
        return
    status = lifecycle.status_label(event.status_after)
    for link in links:
        notifications.upstream_status(link.downstream, link.upstream.number, status.zh, status.en)


def rebuild_nothing() -> int:
    """Notices are not replayed: a rebuild of the read models sends no mail."""
    return 0


@dataclass(frozen=True)
class LinkRow:
    """One link as a page or the API shows it: the other certificate and its current status."""

    number: str
    holder: str
    category_zh: str
    category_en: str
    status: str
    role: str
    share: Decimal | None

    @property
    def flagged(self) -> bool:
        """The other certificate no longer stands: suspended, revoked, cancelled or expired."""
        return self.status != Status.VALID

    def as_dict(self) -> dict[str, Any]:
        status = lifecycle.status_label(self.status)
        role = role_label(self.role)
        return {
            "number": self.number,
            "holder": self.holder,
            "category": {"name_zh": self.category_zh, "name_en": self.category_en},
            "status": {"code": self.status, "label_zh": status.zh, "label_en": status.en},
            "role": {"code": self.role, "label_zh": role.zh, "label_en": role.en},
            "share": float(self.share) if self.share is not None else None,
            "flagged": self.flagged,
        }


def _has_links(certificate_id: int) -> bool:
    """Whether the certificate cites or is cited by another: fixed SQL, since most certificates
    have no links and compiling the query below costs more than this whole probe."""
    table = SupplyChainLink._meta.db_table
    with connections[router.db_for_read(SupplyChainLink)].cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {table} WHERE downstream_id = %s OR upstream_id = %s LIMIT 1",
            [certificate_id, certificate_id],
        )
        return cursor.fetchone() is not None


def chain_of(certificate: Certificate) -> dict[str, list[LinkRow]]:
    """The certificates ``certificate`` cites (``upstream``) and those citing it (``downstream``),
    each with its current status: one query for both directions, after a probe."""
    chain: dict[str, list[LinkRow]] = {"upstream": [], "downstream": []}
    if not _has_links(certificate.pk):
        return chain
    rows = (
        SupplyChainLink.objects.filter(Q(downstream=certificate) | Q(upstream=certificate))
        .select_related("upstream__holder", "upstream__category")
        .select_related("downstream__holder", "downstream__category")
        .order_by("id")
    )
    for link in rows:
        side = "upstream" if link.downstream_id == certificate.pk else "downstream"
        other = link.upstream if side == "upstream" else link.downstream
        chain[side].append(
            LinkRow(
                number=other.number,
                holder=other.holder.name,
                category_zh=other.category.name_zh,
                category_en=other.category.name_en,
                status=other.status,
                role=link.role,
                share=link.share,
            )
        )
    return chain


def verify_sections(certificate: Certificate, language: str) -> dict[str, Any]:
    """The verify page's context for the certificates of the same audit and the supply chain:
    at most two queries (none for the audit of a certificate that shares none)."""
    chain = chain_of(certificate)
    programme = programme_label(certificate.programme)
    return {
        "programme_label": programme.get(language),
        "same_audit": [
            row
            | {
                "programme_label": programme_label(row["programme"]).get(language),
                "status_label": lifecycle.status_label(row["status"]).get(language),
            }
            for row in same_audit_of(certificate)
        ],
        "supply_chain": {
            side: [
                {
                    "number": row.number,
                    "holder": row.holder,
                    "category": row.category_en if language.startswith("en") else row.category_zh,
                    "status": row.status,
                    "status_label": lifecycle.status_label(row.status).get(language),
                    "role_label": role_label(row.role).get(language),
                    "share": row.share,
                    "flagged": row.flagged,
                }
                for row in rows
            ]
            for side, rows in chain.items()
        },
    }


def verify_sections_from_document(document: dict[str, Any], language: str) -> dict[str, Any]:
    """``verify_sections`` from a certificate's public document (``api_sections`` in it), which
    holds the other certificates' statuses as of their last events: no query."""

    def label(labelled: dict[str, str]) -> str:
        return Label(labelled["label_zh"], labelled["label_en"]).get(language)

    english = language.startswith("en")
    return {
        "programme_label": label(document["programme"]),
        "same_audit": [
            {
                "number": row["number"],
                "programme": row["programme"]["code"],
                "status": row["status"]["code"],
                "programme_label": label(row["programme"]),
                "status_label": label(row["status"]),
            }
            for row in document["same_audit"]
        ],
        "supply_chain": {
            side: [
                {
                    "number": row["number"],
                    "holder": row["holder"],
                    "category": row["category"]["name_en" if english else "name_zh"],
                    "status": row["status"]["code"],
                    "status_label": label(row["status"]),
                    "role_label": label(row["role"]),
                    # The document has the share as a number; the tables as a decimal.
                    "share": Decimal(str(row["share"])) if row["share"] is not None else None,
                    "flagged": row["flagged"],
                }
                for row in document[side]
            ]
            for side in ("upstream", "downstream")
        },
    }


def api_sections(
    certificate: Certificate,
    *,
    chain: dict[str, list[LinkRow]] | None = None,
    same_audit: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """The certificate detail's ``programme``, ``same_audit``, ``upstream`` and ``downstream``;
    ``chain`` and ``same_audit``, where given, as already read for many certificates at once."""

    def labelled(label: Label, code: str) -> dict[str, str]:
        return {"code": code, "label_zh": label.zh, "label_en": label.en}

    if chain is None:
        chain = chain_of(certificate)
    if same_audit is None:
        same_audit = same_audit_of(certificate)
    return {
        "programme": labelled(programme_label(certificate.programme), certificate.programme),
        "same_audit": [
            {
                "number": row["number"],
                "programme": labelled(programme_label(row["programme"]), row["programme"]),
                "status": labelled(lifecycle.status_label(row["status"]), row["status"]),
            }
            for row in same_audit
        ],
        "upstream": [row.as_dict() for row in chain["upstream"]],
        "downstream": [row.as_dict() for row in chain["downstream"]],
    }
