"""The border endpoints: this node's signed border feed (public) and the receipt of complaints
other nodes forward here (node to node, signed)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from greencert.core.errors import UserFacingError
from greencert.exchange.borders import feed
from greencert.exchange.borders.referrals import MAX_BYTES, ReferralRefused, open_referral
from greencert.supervision.complaints import receive_referral


@require_GET
def border_feed(request: HttpRequest) -> HttpResponse:
    """``GET /borders/feed?after=N``: the records after the N-th, oldest first."""
    after = request.GET.get("after", "0")
    if not after.isdigit() or len(after) > 18:
        return JsonResponse(
            {
                "field": "after",
                "value": after[:40],
                "expected_zh": "非负整数：已读取的记录数",
                "expected_en": "a non-negative whole number: the records already read",
            },
            status=400,
        )
    return JsonResponse(feed.page(int(after)), json_dumps_params={"ensure_ascii": False})


@csrf_exempt  # another node's push carries no session; the note's signature is its proof
@require_POST
def receive_complaint(request: HttpRequest) -> HttpResponse:
    """``POST /borders/complaints``: a complaint a peer forwards here, as a signed note."""
    if len(request.body) > MAX_BYTES:
        return JsonResponse({"error": "the referral is larger than 16 KB"}, status=413)
    try:
        peer, body = open_referral(request.body.decode("utf-8"))
        _complaint, new = receive_referral(
            from_node=peer.id,
            tracking_code=str(body["tracking_code"])[:20],
            certificate_number=str(body.get("certificate_number", "")),
            province_code=str(body.get("province_code", "")),
            description=str(body["description"]),
            contact=str(body.get("contact", "")),
            received_at=dt.datetime.fromisoformat(str(body["received_at"]).replace("Z", "+00:00")),
        )
    except (UnicodeDecodeError, ReferralRefused) as error:
        return JsonResponse({"error": str(error)}, status=403)
    except (KeyError, ValueError, UserFacingError) as error:
        return JsonResponse(
            {"error": f"the referral is malformed: {type(error).__name__}"}, status=400
        )
    return JsonResponse({"received": True, "new": new}, status=201 if new else 200)
