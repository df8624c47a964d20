"""Back-office forms that apply the same checks as the actions."""

from __future__ import annotations

from typing import Any

from django import forms

from greencert.core.errors import ValidationFailed
from greencert.parties.models import CertificationBody, Enterprise
from greencert.parties.validators import clean_credit_code, require_approval_number


class EnterpriseForm(forms.ModelForm):
    """A credit code must pass GB 32100; a genuine code that fails the check needs a reason."""

    class Meta:
        model = Enterprise
        fields = ["credit_code", "name", "name_en", "region", "address", "check_override_reason"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        raw = data.get("credit_code") or ""
        code, problem = clean_credit_code(raw)
        data["credit_code"] = code
        reason = (data.get("check_override_reason") or "").strip()
        if problem is None:
            data["check_override_reason"] = ""
        elif problem.kind != "check":
            self.add_error("credit_code", f"{problem.zh} / {problem.en}")
        elif not reason:
            self.add_error(
                "credit_code",
                f"{problem.zh}；如确为登记机关核发的真实代码，请填写例外理由 / {problem.en}; "
                "if it is a genuine registered code, give an override reason",
            )
        return data


class CertificationBodyForm(forms.ModelForm):
    class Meta:
        model = CertificationBody
        fields = [
            "approval_number",
            "name",
            "name_en",
            "short_name",
            "region",
            "alliance_member",
            "categories",
            "logo",
            "active",
        ]

    def clean_approval_number(self) -> str:
        try:
            return require_approval_number(self.cleaned_data["approval_number"])
        except ValidationFailed as exc:
            raise forms.ValidationError(f"{exc.message_zh} / {exc.message_en}") from exc
