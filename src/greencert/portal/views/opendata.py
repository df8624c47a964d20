"""``/open-data/``: the latest export of the public register, its files and their checksums, the
field dictionary, the licence, and the exports of earlier days still kept."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language

from greencert.portal.opendata import directory, earlier_exports, field_dictionary, manifest

# What a kept export file is called: register-<date>.csv|jsonl and its checksum file.
EXPORT_FILE = re.compile(r"^register-\d{4}-\d{2}-\d{2}\.(?:csv|jsonl)(?:\.sha256)?$")


def open_data_page(request: HttpRequest) -> HttpResponse:
    current = manifest()
    generated = None
    if current and current.get("generated_at"):
        generated = timezone.localtime(dt.datetime.fromisoformat(current["generated_at"]))
    english = (get_language() or "zh-hans").startswith("en")
    return render(
        request,
        "portal/open_data.html",
        {
            "manifest": current,
            "generated": generated,
            "fields": field_dictionary(),
            "english": english,
            "earlier": earlier_exports(current["date"] if current else None),
            "licence_name": settings.GREENCERT_OPEN_DATA_LICENCE_NAME,
            "licence_url": settings.GREENCERT_OPEN_DATA_LICENCE_URL,
        },
    )


def open_data_file(request: HttpRequest, name: str) -> FileResponse:
    if not EXPORT_FILE.match(name):
        raise Http404(name)
    path = directory() / name
    if not path.exists():
        raise Http404(name)
    return FileResponse(path.open("rb"), as_attachment=True, filename=name)
