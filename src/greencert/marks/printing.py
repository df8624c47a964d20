"""PDFs with WeasyPrint from HTML templates: the printable certificate, the mark, the receipt.

Chinese text is set in Noto CJK (Debian fonts-noto-cjk) and stays extractable; WeasyPrint
subsets the fonts with HarfBuzz when libharfbuzz-subset0 is installed (0.15 s instead of 10 s per
page, engineering.md pitfall 2).
"""

from __future__ import annotations

import base64
from typing import Any

import segno
from django.template.loader import render_to_string

from greencert.marks import artwork


def svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def qr_data_uri(text: str) -> str:
    return str(segno.make_qr(text, error="m").svg_data_uri(scale=4, border=2))


def emblem_data_uri() -> str:
    shapes = "\n".join(artwork._svg_shape(s) for s in artwork.emblem())
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="32mm" height="32mm" viewBox="0 0 32 32" '
        f'font-family="{artwork.FONT_FAMILY}">{shapes}</svg>'
    )
    return svg_data_uri(svg)


def render_pdf(
    template: str, context: dict[str, Any], attachments: dict[str, str] | None = None
) -> bytes:
    # WeasyPrint (with its font and PDF libraries) takes longer to import than the rest of the
    # application: only the processes that print pay for it.
    import weasyprint

    html = render_to_string(template, context)
    files = [
        weasyprint.Attachment(string=content, name=name)
        for name, content in (attachments or {}).items()
    ]
    return bytes(weasyprint.HTML(string=html).write_pdf(attachments=files))
