"""The unified green mark (绿色产品标识) as SVG and as a print-resolution PNG.

The official artwork is unconfirmed (domain.md §4), so the emblem is our own: a green disc with
a white leaf and 绿色产品 / 中国绿色产品认证. As the 2019 rules require, the certification
body's name and logo (every body's, for a product certified by several) sit **to the right** of
the mark, with the certificate number; the QR code (see ``qr``) sits at the far right.

One layout, two renderers: ``layout`` returns drawing primitives in millimetres, and
``to_svg`` / ``to_png`` draw exactly those, so the two formats cannot drift apart.
"""

from __future__ import annotations

import base64
import contextlib
import io
import math
import subprocess
from dataclasses import dataclass, field
from functools import lru_cache
from xml.sax.saxutils import escape, quoteattr

from PIL import Image, ImageDraw, ImageFont

from greencert.marks.qr import make_symbol, modules

GREEN = "#1f8a3b"
INK = "#1d2b22"
WHITE = "#ffffff"
WIDTH_MM, HEIGHT_MM = 104.0, 32.0
PRINT_DPI = 600
FONT_FAMILY = "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif"
EMBLEM_TITLE = "绿色产品"
EMBLEM_SUBTITLE = "中国绿色产品认证"


@dataclass(frozen=True)
class Logo:
    data: bytes
    mime: str


@dataclass(frozen=True)
class BodyPanel:
    """One certification body shown right of the mark."""

    name: str
    logo: Logo | None = None


@dataclass(frozen=True)
class MarkContent:
    qr_text: str
    bodies: tuple[BodyPanel, ...]
    lines: tuple[str, ...] = field(default_factory=tuple)


# Drawing primitives, in millimetres.
@dataclass(frozen=True)
class Disc:
    cx: float
    cy: float
    r: float
    fill: str


@dataclass(frozen=True)
class Polygon:
    points: tuple[tuple[float, float], ...]
    fill: str


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # baseline
    text: str
    size: float
    fill: str = INK
    anchor: str = "start"  # or "middle"
    bold: bool = False


@dataclass(frozen=True)
class Modules:
    x: float
    y: float
    size: float  # the whole symbol including the quiet zone
    matrix: tuple[tuple[bool, ...], ...]
    quiet: int = 4


@dataclass(frozen=True)
class Picture:
    x: float
    y: float
    width: float
    height: float
    logo: Logo


Shape = Disc | Polygon | Text | Modules | Picture


def _rotate(points: list[tuple[float, float]], cx: float, cy: float, degrees: float) -> tuple:
    a = math.radians(degrees)
    cos, sin = math.cos(a), math.sin(a)
    return tuple(
        (
            round(cx + (x - cx) * cos - (y - cy) * sin, 3),
            round(cy + (x - cx) * sin + (y - cy) * cos, 3),
        )
        for x, y in points
    )


def emblem(cx: float = 16.0, cy: float = 16.0) -> list[Shape]:
    """Green disc, white inner disc, green leaf with a white midrib, and the two inscriptions."""
    top, bottom, steps = cy - 12.6, cy + 2.2, 24
    outline_left, outline_right, rib = [], [], []
    for i in range(steps + 1):
        t = i / steps
        y = top + t * (bottom - top)
        half = 5.0 * math.sin(math.pi * t) ** 0.85
        outline_left.append((cx - half, y))
        outline_right.append((cx + half, y))
    rib_half = 0.28
    rib = [(cx - rib_half, top + 2.0), (cx + rib_half, top + 2.0), (cx + rib_half, bottom + 1.6)]
    rib.append((cx - rib_half, bottom + 1.6))
    leaf = _rotate(outline_left + outline_right[::-1], cx, (top + bottom) / 2, 28)
    midrib = _rotate(rib, cx, (top + bottom) / 2, 28)
    return [
        Disc(cx, cy, 15.0, GREEN),
        Disc(cx, cy, 13.4, WHITE),
        Polygon(leaf, GREEN),
        Polygon(midrib, WHITE),
        Text(cx, cy + 7.6, EMBLEM_TITLE, 4.4, GREEN, "middle", bold=True),
        Text(cx, cy + 10.6, EMBLEM_SUBTITLE, 1.9, GREEN, "middle"),
    ]


def text_width(text: str, size: float) -> float:
    """An estimate both renderers share: CJK characters are square, Latin ones ~0.6 wide."""
    return sum(size * (1.0 if ord(ch) > 0x2E80 else 0.6) for ch in text)


def wrap(text: str, size: float, width: float, max_lines: int = 2) -> list[str]:
    lines, line = [], ""
    for ch in text:
        if line and text_width(line + ch, size) > width:
            lines.append(line)
            line = ""
        line += ch
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], lines[max_lines - 1][:-1] + "…"]
    return lines


def layout(content: MarkContent) -> list[Shape]:
    shapes: list[Shape] = emblem()
    left, width = 33.5, 37.0
    logo_h = 6.0
    rows: list[tuple[str, object]] = []
    for body in content.bodies:
        if body.logo is not None:
            rows.append(("logo", body.logo))
        rows.extend(("name", line) for line in wrap(body.name, 2.6, width))
    rows.extend(("line", line) for line in content.lines)
    needed = sum(logo_h + 0.6 if kind == "logo" else 3.4 for kind, _ in rows)
    scale = min(1.0, (HEIGHT_MM - 4.0) / needed) if needed else 1.0
    y = (HEIGHT_MM - needed * scale) / 2
    for kind, value in rows:
        if kind == "logo":
            assert isinstance(value, Logo)
            shapes.append(Picture(left, y, width, logo_h * scale, value))
            y += (logo_h + 0.6) * scale
        else:
            y += 3.4 * scale
            bold = kind == "name"
            shapes.append(Text(left, y - 0.8 * scale, str(value), 2.6 * scale, INK, bold=bold))
    symbol = make_symbol(content.qr_text)
    matrix = tuple(tuple(row) for row in modules(symbol))
    shapes.append(Modules(WIDTH_MM - 31.0, 1.0, 30.0, matrix))
    return shapes


# --- SVG ---------------------------------------------------------------------------------


def _svg_shape(shape: Shape) -> str:
    if isinstance(shape, Disc):
        return f'<circle cx="{shape.cx}" cy="{shape.cy}" r="{shape.r}" fill="{shape.fill}"/>'
    if isinstance(shape, Polygon):
        points = " ".join(f"{x},{y}" for x, y in shape.points)
        return f'<polygon points="{points}" fill="{shape.fill}"/>'
    if isinstance(shape, Text):
        weight = ' font-weight="bold"' if shape.bold else ""
        return (
            f'<text x="{shape.x}" y="{shape.y}" font-size="{shape.size}" fill="{shape.fill}" '
            f'text-anchor="{shape.anchor}"{weight}>{escape(shape.text)}</text>'
        )
    if isinstance(shape, Modules):
        count = len(shape.matrix) + 2 * shape.quiet
        unit = shape.size / count
        path = "".join(
            f"M{c + shape.quiet} {r + shape.quiet}h1v1h-1z"
            for r, row in enumerate(shape.matrix)
            for c, dark in enumerate(row)
            if dark
        )
        return (
            f'<g transform="translate({shape.x} {shape.y}) scale({unit:.5f})">'
            f'<rect width="{count}" height="{count}" fill="{WHITE}"/>'
            f'<path d="{path}" fill="#000000" shape-rendering="crispEdges"/></g>'
        )
    encoded = base64.b64encode(shape.logo.data).decode("ascii")
    href = quoteattr(f"data:{shape.logo.mime};base64,{encoded}")
    return (
        f'<image x="{shape.x}" y="{shape.y}" width="{shape.width}" height="{shape.height}" '
        f'preserveAspectRatio="xMinYMid meet" href={href}/>'
    )


def to_svg(content: MarkContent, title: str = "") -> str:
    body = "\n".join(_svg_shape(s) for s in layout(content))
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'width="{WIDTH_MM:g}mm" height="{HEIGHT_MM:g}mm" viewBox="0 0 {WIDTH_MM:g} {HEIGHT_MM:g}" '
        f'font-family="{FONT_FAMILY}" role="img">\n'
        f"<title>{escape(title or EMBLEM_TITLE)}</title>\n"
        f'<rect width="{WIDTH_MM:g}" height="{HEIGHT_MM:g}" fill="{WHITE}"/>\n{body}\n</svg>\n'
    )


# --- PNG ---------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _font_file(bold: bool) -> tuple[str, int] | None:
    pattern = "Noto Sans CJK SC:style=Bold" if bold else "Noto Sans CJK SC"
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{file}|%{index}", pattern],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout
        path, index = found.split("|")
        return path, int(index or 0)
    except (OSError, subprocess.SubprocessError, ValueError):
        return None


@lru_cache(maxsize=64)
def _font(px: int, bold: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    found = _font_file(bold)
    if found:
        # A font file fontconfig names but FreeType cannot open falls back to Pillow's own.
        with contextlib.suppress(OSError):
            return ImageFont.truetype(found[0], px, index=found[1])
    return ImageFont.load_default(px)


def to_png(content: MarkContent, dpi: int = PRINT_DPI) -> bytes:
    scale = dpi / 25.4
    image = Image.new("RGB", (round(WIDTH_MM * scale), round(HEIGHT_MM * scale)), WHITE)
    draw = ImageDraw.Draw(image)
    for shape in layout(content):
        if isinstance(shape, Disc):
            box = [(shape.cx - shape.r) * scale, (shape.cy - shape.r) * scale]
            box += [(shape.cx + shape.r) * scale, (shape.cy + shape.r) * scale]
            draw.ellipse(box, fill=shape.fill)
        elif isinstance(shape, Polygon):
            draw.polygon([(x * scale, y * scale) for x, y in shape.points], fill=shape.fill)
        elif isinstance(shape, Text):
            font = _font(max(1, round(shape.size * scale)), shape.bold)
            anchor = "ms" if shape.anchor == "middle" else "ls"
            draw.text(
                (shape.x * scale, shape.y * scale),
                shape.text,
                fill=shape.fill,
                font=font,
                anchor=anchor,
            )
        elif isinstance(shape, Modules):
            count = len(shape.matrix) + 2 * shape.quiet
            unit = int(shape.size * scale // count)  # whole pixels: every module the same size
            x0 = round(shape.x * scale + (shape.size * scale - unit * count) / 2)
            y0 = round(shape.y * scale + (shape.size * scale - unit * count) / 2)
            for r, row in enumerate(shape.matrix):
                for c, dark in enumerate(row):
                    if dark:
                        x, y = x0 + (c + shape.quiet) * unit, y0 + (r + shape.quiet) * unit
                        draw.rectangle([x, y, x + unit - 1, y + unit - 1], fill="#000000")
        else:
            _paste_logo(image, shape, scale)
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(dpi, dpi), compress_level=3)
    return out.getvalue()


def _paste_logo(image: Image.Image, shape: Picture, scale: float) -> None:
    try:
        logo = Image.open(io.BytesIO(shape.logo.data)).convert("RGBA")
    except (OSError, ValueError):  # an SVG logo appears in the SVG and PDF marks only
        return
    box_w, box_h = round(shape.width * scale), round(shape.height * scale)
    ratio = min(box_w / logo.width, box_h / logo.height)
    logo = logo.resize((max(1, round(logo.width * ratio)), max(1, round(logo.height * ratio))))
    top = round(shape.y * scale + (box_h - logo.height) / 2)
    image.paste(logo, (round(shape.x * scale), top), logo)
