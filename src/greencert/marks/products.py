"""One product (holder + model) and every valid certificate covering it: the combined QR's page.

The 2019 mark rules have the platform merge all green certificates of one product, matched by
enterprise and model, into one QR code. Models match case-insensitively ("lb-1" is "LB-1").
"""

from __future__ import annotations

from greencert.certification import lifecycle
from greencert.certification.models import Certificate


def normalise_model(model: str) -> str:
    return " ".join(model.split()).upper()


def certificates_for_product(
    credit_code: str, model: str, *, valid_only: bool = True
) -> list[Certificate]:
    wanted = normalise_model(model)
    qs = Certificate.objects.filter(holder__credit_code=credit_code.strip().upper())
    if valid_only:
        qs = qs.filter(status=lifecycle.Status.VALID)
    found = []
    for cert in qs.select_related("holder", "body", "category").order_by("id"):
        models = {normalise_model(m) for p in cert.products for m in p.get("models", [])}
        if wanted in models:
            found.append(cert)
    return found
