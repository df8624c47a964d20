"""``/open-data/``: the latest export of the public register, its files and their checksums."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from greencert.portal.opendata import directory, manifest


def open_data_page(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/open_data.html", {"manifest": manifest()})


def open_data_file(request: HttpRequest, name: str) -> FileResponse:
    current = manifest()
    names = {f["name"] for f in current["files"]} if current else set()
    names |= {f"{n}.sha256" for n in names}
    if name not in names:
        raise Http404(name)
    path = directory() / name
    if not path.exists():
        raise Http404(name)
    return FileResponse(path.open("rb"), as_attachment=True, filename=name)
