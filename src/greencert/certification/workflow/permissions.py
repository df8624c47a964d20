"""Who may act on an application: the role a transition names, held in the application's scope.

Scopes: an enterprise user acts for one enterprise; body staff for one certification body, and only
in categories the body is authorised for; laboratory staff for the laboratory a sample was sent to;
a regulator for a province or city (the site's region). The alliance secretariat and the node's
operator (a superuser) act on no application (``parties.permissions``).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from greencert.certification.models import Application, Certificate
from greencert.certification.workflow.machine import Transition
from greencert.core.actors import Actor
from greencert.core.errors import PermissionRefused
from greencert.parties.models import Role
from greencert.parties.permissions import body_ids_of, regulated_region_codes, roles_of
from greencert.regions.models import Region

ROLE_LABELS = {
    "enterprise": ("申请企业的用户", "a user of the applying enterprise"),
    "body_staff": ("受理该申请的认证机构人员", "staff of the certification body handling it"),
    "lab_staff": ("承担检验的实验室人员", "staff of the laboratory testing the sample"),
    "regulator": ("所在地监管人员", "a regulator of the site's region"),
    "alliance_admin": ("联盟秘书处", "the alliance secretariat"),
}


def enterprise_ids_of(actor: Actor) -> set[int]:
    return {
        r.enterprise_id for r in roles_of(actor) if r.role == Role.ENTERPRISE and r.enterprise_id
    }


def laboratory_ids_of(actor: Actor) -> set[int]:
    return {
        r.laboratory_id for r in roles_of(actor) if r.role == Role.LAB_STAFF and r.laboratory_id
    }


def region_in_scope(actor: Actor, region: Region) -> bool:
    return bool(
        regulated_region_codes(actor) & {region.code, region.city_code, region.province_code}
    )


def roles_in_scope(actor: Actor, application: Application) -> set[str]:
    """The roles the actor holds for this application."""
    roles: set[str] = set()
    if actor.user is None:
        return roles
    if application.enterprise_id in enterprise_ids_of(actor):
        roles.add("enterprise")
    if application.body_id in body_ids_of(actor):
        roles.add("body_staff")
    labs = laboratory_ids_of(actor)
    if labs and any(sample.laboratory_id in labs for sample in application.samples.all()):
        roles.add("lab_staff")
    if region_in_scope(actor, application.site_region):
        roles.add("regulator")
    return roles


def can_view(actor: Actor, application: Application) -> bool:
    """Parties of the application and its regulators see it (documents included)."""
    return bool(roles_in_scope(actor, application))


def visible_applications(actor: Actor) -> QuerySet[Application]:
    queryset = Application.objects.all()
    if actor.user is None:
        return queryset.none()
    scope = Q(enterprise_id__in=enterprise_ids_of(actor)) | Q(body_id__in=body_ids_of(actor))
    labs = laboratory_ids_of(actor)
    if labs:
        scope |= Q(samples__laboratory_id__in=labs)
    codes = regulated_region_codes(actor)
    if codes:
        scope |= (
            Q(site_region__code__in=codes)
            | Q(site_region__city_code__in=codes)
            | Q(site_region__province_code__in=codes)
        )
    return queryset.filter(scope).distinct()


def body_authorised(application: Application) -> bool:
    return application.body.categories.filter(pk=application.category_id).exists()


def require_transition(actor: Actor, application: Application, transition: Transition) -> None:
    """Refuse unless the actor holds the transition's role for this application."""
    who = actor.label
    if transition.role not in roles_in_scope(actor, application):
        zh, en = ROLE_LABELS[transition.role]
        raise PermissionRefused(
            field="actor",
            value=who,
            expected_zh=f"「{transition.label.zh}」须由{zh}进行",
            expected_en=f"{transition.label.en} must be done by {en}",
        )
    if transition.role == "body_staff" and not body_authorised(application):
        raise PermissionRefused(
            field="category",
            value=application.category.code,
            expected_zh=f"{application.body} 未获批「{application.category.name_zh}」认证类别",
            expected_en=f"{application.body} is not authorised for {application.category.name_en}",
        )
    if transition.name in {"approved", "rejected"} and actor.user == application.reviewer:
        raise PermissionRefused(
            field="actor",
            value=who,
            expected_zh="批准人员不得为本申请的评价人员（评价与批准须由不同人员进行）",
            expected_en="the decision-maker must not be the person who evaluated this application",
            code="own_review",
        )


def can_order_surveillance(actor: Actor, certificate: Certificate) -> bool:
    """Unannounced surveillance: the issuing body, the site's regulators."""
    if actor.user is None:
        return False
    if certificate.body_id in body_ids_of(actor):
        return True
    return bool(
        regulated_region_codes(actor)
        & {certificate.site_region_id, certificate.city_code, certificate.province_code}
    )


def can_record_surveillance(actor: Actor, certificate: Certificate) -> bool:
    return actor.user is not None and certificate.body_id in body_ids_of(actor)


def can_view_certificate(actor: Actor, certificate: Certificate) -> bool:
    if actor.user is None:
        return False
    return (
        certificate.body_id in body_ids_of(actor)
        or certificate.holder_id in enterprise_ids_of(actor)
        or can_order_surveillance(actor, certificate)
    )
