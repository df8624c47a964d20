"""What the institutions' views share: running an action for a form, and labels by language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from greencert.certification.forms import StepForm, is_english
from greencert.certification.lifecycle.codes import Label
from greencert.core.errors import UserFacingError


def language() -> str:
    return "en" if is_english() else "zh"


def text(label: Label | None) -> str:
    return "" if label is None else label.get(language())


def run(
    request: HttpRequest,
    form: StepForm,
    act: Callable[[dict[str, Any]], object],
    *,
    done: str,
    then: Callable[[], str],
) -> HttpResponse | int:
    """Run ``act`` on a valid form: a redirect to ``then()`` once it succeeded, else the status
    to show the form again with (400, or the action's error status beside its field)."""
    if not form.is_valid():
        return 400
    try:
        act(form.cleaned_data)
    except UserFacingError as error:
        form.add_action_error(error)
        return error.http_status
    messages.success(request, done)
    return redirect(then())
