"""The office upload page (/office/import/): a body's staff upload a CSV or XLSX file of
certificates or changes, see every bad row of the check, download the error report, then import
all rows or only the valid ones. Long checks and imports run as background jobs; the page follows
their progress through a small JSON answer."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from greencert.certification import tasks
from greencert.certification.forms import is_english
from greencert.certification.imports import runs
from greencert.certification.imports.columns import KINDS
from greencert.certification.imports.template_files import FORMATS, template_file, template_name
from greencert.certification.models import ImportRun
from greencert.core.actors import Actor
from greencert.parties.models import CertificationBody
from greencert.parties.permissions import body_ids_of

# Files up to this size are checked while the page waits; larger ones by a background job.
CHECK_IN_REQUEST_BYTES = 256 * 1024
# Imports of up to this many rows are written while the page waits.
IMPORT_IN_REQUEST_ROWS = 1000
SHOWN_ON_PAGE = 200
# The multipart form's own bytes beside the file.
FORM_OVERHEAD = 64 * 1024


def max_upload_bytes() -> int:
    return int(getattr(settings, "GREENCERT_IMPORT_MAX_BYTES", 50 * 1024 * 1024))


def _bodies(request: HttpRequest) -> list[CertificationBody]:
    """The bodies the user is staff of (imports are theirs alone)."""
    actor = Actor.for_user(request.user)
    return list(CertificationBody.objects.filter(pk__in=body_ids_of(actor)).order_by("pk"))


class UploadForm(forms.Form):
    body = forms.ChoiceField(label=gettext_lazy("Certification body"))
    kind = forms.ChoiceField(
        label=gettext_lazy("What the file holds"),
        widget=forms.RadioSelect,
        choices=[
            ("certificates", gettext_lazy("Certificates")),
            ("changes", gettext_lazy("Changes to certificates")),
        ],
        initial="certificates",
    )
    file = forms.FileField(label=gettext_lazy("File (CSV or XLSX)"))

    def __init__(self, *args: Any, bodies: list[CertificationBody], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        body = self.fields["body"]
        assert isinstance(body, forms.ChoiceField)
        body.choices = [(b.approval_number, f"{b.name} ({b.approval_number})") for b in bodies]
        self.only_body = bodies[0].approval_number if len(bodies) == 1 else ""
        if self.only_body:
            body.initial, body.required = self.only_body, False
            body.widget = forms.HiddenInput()

    def clean_body(self) -> str:
        return str(self.cleaned_data.get("body") or self.only_body)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = upload.name or ""
        if not name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(
                _("“%(value)s” is not accepted — expected: a .csv or .xlsx file") % {"value": name}
            )
        limit = max_upload_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                _(
                    "“%(value)s” (%(size)s MB) is not accepted — expected: a file of at most "
                    "%(limit)s MB; split it into several files"
                )
                % {
                    "value": name,
                    "size": f"{upload.size / 1024 / 1024:.1f}",
                    "limit": f"{limit / 1024 / 1024:.0f}",
                }
            )
        return upload


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    """The upload form, the template downloads and the user's recent imports."""
    bodies = _bodies(request)
    if not bodies:
        return render(request, "certification/import_not_staff.html", status=403)
    if int(request.META.get("CONTENT_LENGTH") or 0) > max_upload_bytes() + FORM_OVERHEAD:
        # Refused before Django reads the upload to disk.
        form = UploadForm(bodies=bodies)
        form.add_error(
            None,
            _("The file is not accepted — expected: a file of at most %(limit)s MB")
            % {"limit": f"{max_upload_bytes() / 1024 / 1024:.0f}"},
        )
        return _upload_page(request, form, bodies, status=413)
    form = UploadForm(request.POST or None, request.FILES or None, bodies=bodies)
    if request.method == "POST" and form.is_valid():
        body = next(b for b in bodies if b.approval_number == form.cleaned_data["body"])
        upload = form.cleaned_data["file"]
        data = upload.read()
        run = runs.start_run(
            kind=form.cleaned_data["kind"],
            body=body,
            actor=Actor.for_user(request.user),
            name=upload.name,
            data=data,
            keep_file=True,
        )
        if len(data) <= CHECK_IN_REQUEST_BYTES:
            runs.check_run(run.pk)
        else:
            tasks.check_import(str(run.pk))
        return redirect("office:import_run", run_id=run.pk)
    return _upload_page(request, form, bodies, status=400 if form.is_bound else 200)


def _upload_page(
    request: HttpRequest, form: UploadForm, bodies: list[CertificationBody], status: int
) -> HttpResponse:
    recent = ImportRun.objects.filter(body__in=bodies).select_related("body")[:10]
    return render(
        request,
        "certification/import.html",
        {"form": form, "recent": recent, "limit_mb": f"{max_upload_bytes() / 1024 / 1024:.0f}"},
        status=status,
    )


def _run(request: HttpRequest, run_id: Any) -> ImportRun:
    """The run, if the user is staff of its body; to anyone else it does not exist."""
    run = get_object_or_404(ImportRun.objects.select_related("body", "user"), pk=run_id)
    if run.body_id not in body_ids_of(Actor.for_user(request.user)):
        raise Http404
    return run


def _problems(run: ImportRun) -> list[dict[str, Any]]:
    english = is_english()
    return [
        {
            "row": p["row"],
            "column": f"{p['letter']} {p['column']}".strip(),
            "value": p["value"],
            "expected": p["expected_en"] if english else p["expected_zh"],
        }
        for p in run.problems[:SHOWN_ON_PAGE]
    ]


@login_required
def run_detail(request: HttpRequest, run_id: Any) -> HttpResponse:
    run = _run(request, run_id)
    outcome = run.outcome or {}
    return render(
        request,
        "certification/import_run.html",
        {
            "run": run,
            "outcome": outcome,
            "problems": _problems(run),
            "more_problems": max(0, run.problem_count - SHOWN_ON_PAGE),
            "working": run.state
            in {ImportRun.State.UPLOADED, ImportRun.State.CHECKING, ImportRun.State.IMPORTING},
            "may_import": run.state == ImportRun.State.CHECKED
            and not outcome.get("header_problems")
            and run.valid > 0,
            "kind_label": _("Certificates") if run.kind == "certificates" else _("Changes"),
        },
    )


@login_required
def run_status(request: HttpRequest, run_id: Any) -> JsonResponse:
    """What the page polls while a job runs."""
    run = _run(request, run_id)
    return JsonResponse(
        {
            "state": run.state,
            "rows_done": run.rows_done,
            "rows_expected": run.rows_expected,
            "imported": run.imported,
            "already_present": run.already_present,
            "refused": run.refused,
        },
        headers={"Cache-Control": "no-store"},
    )


@login_required
@require_POST
def run_import(request: HttpRequest, run_id: Any) -> HttpResponse:
    """Import a checked file: every row, or (``valid_only``) the valid rows only."""
    run = _run(request, run_id)
    valid_only = request.POST.get("valid_only") == "1"
    if run.problem_count and not valid_only:
        messages.error(
            request,
            _(
                "Some rows were refused: import the valid rows only, or fix the file and upload it again."
            ),
        )
        return redirect("office:import_run", run_id=run.pk)
    if runs.claim_for_import(run, valid_only=valid_only):
        if run.valid <= IMPORT_IN_REQUEST_ROWS:
            runs.apply_run(run.pk)
        else:
            tasks.apply_import(str(run.pk))
    return redirect("office:import_run", run_id=run.pk)


@login_required
def error_report(request: HttpRequest, run_id: Any) -> FileResponse:
    run = _run(request, run_id)
    if not run.error_report:
        raise Http404
    response = FileResponse(
        run.error_report.open("rb"),
        as_attachment=True,
        filename=f"{run.file_name.rsplit('.', 1)[0]}-errors.xlsx",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def template_download(request: HttpRequest, kind: str, file_format: str) -> HttpResponse:
    bodies = _bodies(request)
    if kind not in KINDS or file_format not in FORMATS:
        raise Http404
    content_type = (
        "text/csv; charset=utf-8"
        if file_format == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(
        template_file(kind, file_format, bodies[0] if bodies else None),  # type: ignore[arg-type]
        content_type=content_type,
    )
    response["Content-Disposition"] = f'attachment; filename="{template_name(kind, file_format)}"'  # type: ignore[arg-type]
    return response
