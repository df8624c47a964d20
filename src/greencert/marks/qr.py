"""What the mark's QR code says, and the QR symbol itself.

Choice: **version 3, error correction Q (25 % of codewords recoverable), alphanumeric mode**.

The QR carries a short, all-uppercase URL such as ``HTTP://127.0.0.1:8000/V/GC3320250000001K``
(40 characters; a public host such as ``HTTPS://GC.EXAMPLE.GOV.CN/V/…`` stays under 47). Scheme and
host are case-insensitive (RFC 3986 §3.1, §3.2.2), certificate numbers are uppercase letters and
digits, and ``/V/`` is our own short path, so the whole URL fits QR *alphanumeric* mode (5.5 bits
per character instead of 8). That gives a 29×29-module symbol at level Q; the same URL in byte
mode with ``/verify/…?s=1`` would need version 5 (37×37). Fewer, larger modules matter on a mark
printed at ~30 mm on packaging: at 30 mm a module is ~0.8 mm, within what phone cameras read
reliably, and level Q survives scuffs and the ink spread of low-grade print. H would push the
symbol to version 4 for the same data; M saves nothing visible at this length.

``/V/<number>`` counts the scan (``actions.record_scan``) and redirects to ``/verify/<number>``,
so typed look-ups are not counted as scans. A product carrying several certificates gets one
combined QR, ``/P/<holder credit code>/<model>`` (the 2019 mark rules: the platform merges all
certificates of one product into one code). No signature goes into the QR (engineering.md
pitfall 9): the page it opens is the authority, and the signed credential is one click away.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import segno

from greencert.marks.identity import public_url

ERROR_LEVEL = "q"


def _qr_base() -> str:
    """The public URL with scheme and host uppercased (they are case-insensitive)."""
    parts = urlsplit(public_url())
    return f"{parts.scheme.upper()}://{parts.netloc.upper()}{parts.path}"


def certificate_qr_url(number: str) -> str:
    """The URL a certificate's mark QR code carries: it counts the scan and opens the verify page."""
    return f"{_qr_base()}/V/{number}"


def product_qr_url(credit_code: str, model: str) -> str:
    """The combined QR of one product (holder + model) certified by one or more bodies.

    Models are matched case-insensitively, so the model can be uppercased and stay in
    alphanumeric mode; percent-escapes use uppercase hex, which that mode also covers.
    """
    return f"{_qr_base()}/P/{credit_code.upper()}/{quote(model.upper(), safe='-.')}"


def make_symbol(text: str) -> segno.QRCode:
    # boost_error only ever raises the level when the data still fits the same version.
    return segno.make_qr(text, error=ERROR_LEVEL, boost_error=True)


def modules(symbol: segno.QRCode) -> list[list[bool]]:
    """The dark modules, row by row, without the quiet zone."""
    return [[bool(cell) for cell in row] for row in symbol.matrix]
