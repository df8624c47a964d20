"""``POST /witness/add-checkpoint`` (C2SP tlog-witness) and the regulators' witness page at
``/log/witness/``: each peer's checkpoint as this node last cosigned it, and the evidence of any
inconsistent checkpoint a peer offered."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from greencert.core.actors import Actor
from greencert.exchange.witness import status, witness
from greencert.supervision.permissions import is_regulator


@csrf_exempt  # a log's submission carries no session; the checkpoint's signature is its proof
@require_POST
def add_checkpoint(request: HttpRequest) -> HttpResponse:
    answer = witness.add_checkpoint(request.body)
    response = HttpResponse(answer.body, status=answer.status, content_type=answer.content_type)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def office(request: HttpRequest) -> HttpResponse:
    if not is_regulator(Actor.for_user(request.user)):
        raise PermissionDenied
    language = get_language() or "zh-hans"
    context = {
        "peers": status.peer_states(language),
        "own": status.own_state(),
        "alerts": status.alerts(language),
    }
    return render(request, "exchange/witness.html", context)
