"""Each certificate as a W3C Verifiable Credential 2.0 (可验证凭证), signed as a ``vc+jwt``.

The subject follows the UN Transparency Protocol's Digital Conformity Credential (UNTP DCC): a
``ConformityAttestation`` by a third-party certification body, issued to the holder (identified by
its 统一社会信用代码), with the scheme, the standard and the evaluation fingerprint. Status comes
from two BitstringStatusListEntry items (revocation, suspension); the JOSE enveloping proof is an
Ed25519 compact JWS (``alg: EdDSA``, ``kid``, ``typ: vc+jwt``) made with joserfc. Its
``evidence`` carries the node's transparency-log checkpoint and the inclusion proof of the
certificate's latest event (``marks.log_evidence``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from greencert.certification.lifecycle.history import end_of_day, latest_sequence
from greencert.certification.models import Certificate
from greencert.certification.presenters import verify_url
from greencert.certification.recognitions import recognitions_of
from greencert.marks import keys, log_evidence, statuslist
from greencert.marks.availability import require_valid
from greencert.marks.identity import absolute, node_did, node_id
from greencert.marks.offline_checks import CREDENTIAL_TYPE

CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://test.uncefact.org/vocabulary/untp/dcc/0.5.0/",
]
MEDIA_TYPE = "application/vc+jwt"


def start_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def credential_claims(cert: Certificate) -> dict[str, Any]:
    """The unsigned credential of a certificate as it stands now."""
    standard = cert.standard
    assessment: dict[str, Any] = {
        "type": ["ConformityAssessment"],
        "assessedProduct": [
            {
                "type": ["Product"],
                "name": p.get("name", ""),
                "modelNumber": list(p.get("models", [])),
            }
            for p in cert.products
        ],
        "certificationUnit": cert.certification_unit,
        "compliance": True,
        "conformityTopic": "environment",
    }
    if standard is not None:
        assessment["referenceStandard"] = {
            "type": ["Standard"],
            "id": f"urn:std:{standard.code}",
            "name": standard.title_zh,
            "issueDate": standard.published_on,
        }
    if cert.scheme_id:
        assessment["assessmentCriteria"] = [
            {
                "type": ["Criterion"],
                "id": f"urn:greencert:scheme:{cert.scheme_id}:{cert.scheme_version}",
                "name": cert.scheme_id,
                "version": cert.scheme_version,
            }
        ]
    if cert.evaluation_fingerprint:
        assessment["evidenceFingerprint"] = cert.evaluation_fingerprint
    if cert.production_site or cert.service_site:
        assessment["assessedFacility"] = [
            {"type": ["Facility"], "name": cert.production_site or cert.service_site}
        ]
    holder, body = cert.holder, cert.body
    claims: dict[str, Any] = {
        "@context": CONTEXTS,
        "id": absolute(reverse("api-v1:certificate_credential", args=[cert.number])),
        "type": ["VerifiableCredential", "DigitalConformityCredential"],
        "name": f"绿色产品认证证书 Green product certificate {cert.number}",
        "issuer": {
            "type": ["CredentialIssuer"],
            "id": node_did(),
            "name": f"长三角绿色认证一体化平台 YRD Green Certification Platform ({node_id()})",
        },
        "validFrom": start_of_day(cert.issue_date),
        "validUntil": end_of_day(cert.expiry_date),
        "credentialSubject": {
            "type": ["ConformityAttestation"],
            "id": verify_url(cert.number),
            "name": cert.number,
            "assessorLevel": "3rdParty",
            "assessmentLevel": "authority-benchmark",
            "attestationType": "certification",
            "issuedToParty": {
                "type": ["Entity"],
                "id": f"urn:uscc:{holder.credit_code}",
                "name": holder.name,
                "registeredId": holder.credit_code,
                "idScheme": {"id": "urn:uscc", "name": "统一社会信用代码 (GB 32100-2015)"},
            },
            "authorisation": [
                {
                    "type": ["Endorsement"],
                    "name": body.name,
                    "identifier": body.approval_number,
                    "issuingAuthority": {"name": "国家认证认可监督管理委员会 CNCA"},
                    "trustmark": {"name": "绿色产品标识 China green product mark"},
                }
            ],
            "scope": {
                "type": ["ConformityAssessmentScheme"],
                "id": f"urn:greencert:category:{cert.category.code}",
                "name": cert.category.name_zh,
                "schemeId": cert.scheme_id,
                "schemeVersion": cert.scheme_version,
            },
            "assessment": [assessment],
            "certificate": {
                "number": cert.number,
                # 机构证书编号: the number on the body's own paper certificate. Credentials
                # issued before it was carried lack it and verify as they did.
                "bodyNumber": cert.body_number,
                "bodyNumberScheme": {
                    "id": f"urn:cnca:{body.approval_number}",
                    "name": f"{body.name} 机构证书编号 (certificate numbers of the issuing body)",
                },
                "initialIssueDate": cert.initial_issue_date,
                "issueDate": cert.issue_date,
                "expiryDate": cert.expiry_date,
                "certificationMode": cert.certification_mode,
                "grade": cert.grade,
            },
        },
        "credentialStatus": statuslist.status_entries(cert.pk),
    }
    # 互认: the recognitions in force. Credentials issued before they were carried lack the key
    # and verify as they did.
    recognitions = [r for r in recognitions_of(cert) if r["ended"] is None]
    if recognitions:
        claims["credentialSubject"]["recognitions"] = [recognition_claim(r) for r in recognitions]
    # The log's proof of the latest event. Credentials issued before it was carried lack the key
    # and verify as they did.
    proof = log_evidence.evidence_for(latest_sequence(cert.pk))
    if proof is not None:
        claims["evidence"] = [proof]
    return claims


def recognition_claim(recognition: dict[str, Any]) -> dict[str, Any]:
    """A recognition as the credential states it: the agreement and who recognises the certificate."""
    party = recognition["recognised_by"]
    return {
        "type": ["RecognitionAgreement"],
        "id": f"urn:greencert:recognition:{recognition['agreement']}",
        "name": recognition["title_zh"],
        "nameEn": recognition["title_en"],
        "kind": recognition["kind"],
        "recognisedBy": {"name": party.get("name_zh", ""), "nameEn": party.get("name_en", "")},
        "scope": recognition["scope"],
        "since": recognition["since"],
    }


def issue_credential(cert: Certificate) -> str:
    """The signed credential of a valid certificate (raises ``CertificateNotValid`` otherwise)."""
    require_valid(cert)
    return keys.sign(credential_claims(cert), typ=CREDENTIAL_TYPE)
