"""The report's charts as pictures: one layout, drawn twice.

`layout` turns a `Chart` into a few shapes (rectangles, lines, text). `to_svg` writes them
as SVG for the HTML export (no dependency, crisp at any size, its text readable by screen
readers and search); `to_png` paints them with Pillow for the .docx export, where Word
needs a bitmap. Pillow is imported only there, so nothing else pays for it.

Colours are the Okabe-Ito palette, told apart by people with the common colour-vision
deficiencies; every bar also carries its number in text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape
from typing import Sequence

# Okabe-Ito
BLUE, ORANGE, SKY, GREEN, YELLOW, VERMILLION, PURPLE, GREY = (
    "#0072B2", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#D55E00", "#CC79A7", "#999999",
)
INK, MUTED, GRID = "#222222", "#555555", "#DDDDDD"
FONT = "Arial, Helvetica, sans-serif"


@dataclass(frozen=True)
class Chart:
    kind: str  # "columns": grouped vertical bars | "stacked": horizontal bars split into parts
    title: str
    categories: Sequence[str]
    series: Sequence[tuple[str, Sequence[float]]]  # (name, one value per category)
    colours: Sequence[str]
    description: str = ""  # what the chart shows, in words (alt text)
    empty_text: str = "nothing to show"


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str


@dataclass(frozen=True)
class Label:
    x: float
    y: float  # baseline
    text: str
    size: float = 12
    anchor: str = "start"  # start | middle | end
    fill: str = INK
    bold: bool = False


@dataclass
class Drawing:
    width: int
    height: int
    shapes: list = field(default_factory=list)


def _nice_max(value: float) -> tuple[float, float]:
    """An axis top at or above `value` and a tick step that reads well (1, 2, 5 x 10^n)."""
    if value <= 0:
        return 1, 1
    raw = value / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(step, 1)
    return step * math.ceil(value / step), step


def _number(value: float) -> str:
    return f"{value:g}"


def _legend(d: Drawing, chart: Chart, y: float) -> None:
    x = 20.0
    for (name, _), colour in zip(chart.series, chart.colours):
        d.shapes.append(Rect(x, y - 10, 12, 12, colour))
        d.shapes.append(Label(x + 17, y, name, 12, fill=INK))
        x += 17 + 7.2 * len(name) + 22


def layout(chart: Chart) -> Drawing:
    return _columns(chart) if chart.kind == "columns" else _stacked(chart)


def _columns(chart: Chart) -> Drawing:
    d = Drawing(760, 340)
    d.shapes.append(Label(20, 24, chart.title, 16, bold=True))
    left, right, top, bottom = 52.0, 16.0, 44.0, 290.0
    values = [v for _, vs in chart.series for v in vs]
    top_value, step = _nice_max(max(values, default=0))
    plot_w, plot_h = d.width - left - right, bottom - top
    tick = 0.0
    while tick <= top_value + 1e-9:
        y = bottom - plot_h * tick / top_value
        d.shapes.append(Line(left, y, d.width - right, y, GRID))
        d.shapes.append(Label(left - 6, y + 4, _number(tick), 11, "end", MUTED))
        tick += step
    n_cat, n_ser = len(chart.categories), max(len(chart.series), 1)
    group = plot_w / max(n_cat, 1)
    bar = group * 0.8 / n_ser
    for i, category in enumerate(chart.categories):
        gx = left + i * group + group * 0.1
        for j, ((_, vs), colour) in enumerate(zip(chart.series, chart.colours)):
            value = vs[i]
            h = plot_h * value / top_value
            x = gx + j * bar
            if value:
                d.shapes.append(Rect(x, bottom - h, bar - 1, h, colour))
                if bar >= 9:
                    d.shapes.append(Label(x + bar / 2, bottom - h - 3, _number(value), 10 if bar >= 14 else 8, "middle", INK))
        d.shapes.append(Label(left + i * group + group / 2, bottom + 16, category, 12, "middle", INK))
    d.shapes.append(Line(left, bottom, d.width - right, bottom, INK))
    if not values or max(values) == 0:
        d.shapes.append(Label(left + plot_w / 2, top + plot_h / 2, chart.empty_text, 14, "middle", MUTED))
    _legend(d, chart, 326)
    return d


def _stacked(chart: Chart) -> Drawing:
    rows = len(chart.categories)
    row_h, top = 46.0, 44.0
    d = Drawing(760, int(top + rows * row_h + 40))
    d.shapes.append(Label(20, 24, chart.title, 16, bold=True))
    left, right = 120.0, 20.0
    width = d.width - left - right
    for i, category in enumerate(chart.categories):
        y = top + i * row_h
        total = sum(vs[i] for _, vs in chart.series)
        d.shapes.append(Label(left - 8, y + 21, category, 12, "end", INK, bold=True))
        if not total:
            d.shapes.append(Rect(left, y + 4, width, 26, "#F2F2F2"))
            d.shapes.append(Label(left + 8, y + 22, chart.empty_text, 12, "start", MUTED))
            continue
        x = left
        for (name, vs), colour in zip(chart.series, chart.colours):
            value = vs[i]
            if not value:
                continue
            w = width * value / total
            d.shapes.append(Rect(x, y + 4, w, 26, colour))
            share = round(value * 100 / total)
            text = f"{_number(value)} ({share}%)"
            if w >= 7.2 * len(text) + 8:
                dark = colour in (YELLOW, ORANGE, SKY)
                d.shapes.append(Label(x + w / 2, y + 22, text, 12, "middle", INK if dark else "#FFFFFF", bold=True))
            elif w >= 7.2 * len(_number(value)) + 4:
                dark = colour in (YELLOW, ORANGE, SKY)
                d.shapes.append(Label(x + w / 2, y + 22, _number(value), 12, "middle", INK if dark else "#FFFFFF", bold=True))
            x += w
        d.shapes.append(Label(left + width, y + 43, f"{_number(total)} in all", 10, "end", MUTED))
    _legend(d, chart, d.height - 12)
    return d


# --- SVG --------------------------------------------------------------------------------------


def to_text(chart: Chart, width: int = 40) -> list[str]:
    """The chart as lines of monospaced bars and numbers, for Markdown and plain text."""
    from chc_tui.report import pct_text

    lines = [chart.title]
    if chart.kind == "columns":
        top = max((v for _, vs in chart.series for v in vs), default=0) or 1
        for i, category in enumerate(chart.categories):
            for name, vs in chart.series:
                bar = "█" * round(width * vs[i] / top)
                lines.append(f"{category:<4} {name[:14]:<14} {bar} {vs[i]:g}")
    else:
        for i, category in enumerate(chart.categories):
            total = sum(vs[i] for _, vs in chart.series)
            parts = ", ".join(f"{name} {vs[i]:g} ({pct_text(int(vs[i]), int(total))})" for name, vs in chart.series)
            lines.append(f"{category}: {parts}" if total else f"{category}: {chart.empty_text}")
    return lines


def to_svg(chart: Chart) -> str:
    d = layout(chart)
    desc = escape(chart.description or chart.title)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {d.width} {d.height}" '
        f'width="{d.width}" height="{d.height}" aria-label="{escape(chart.title)}" '
        f'style="max-width:100%;height:auto" font-family="{FONT}">',
        f"<title>{escape(chart.title)}</title>",
        f"<desc>{desc}</desc>",
        f'<rect x="0" y="0" width="{d.width}" height="{d.height}" fill="#FFFFFF"/>',
    ]
    for s in d.shapes:
        if isinstance(s, Rect):
            out.append(f'<rect x="{s.x:.1f}" y="{s.y:.1f}" width="{max(s.w, 0):.1f}" height="{max(s.h, 0):.1f}" fill="{s.fill}"/>')
        elif isinstance(s, Line):
            out.append(f'<line x1="{s.x1:.1f}" y1="{s.y1:.1f}" x2="{s.x2:.1f}" y2="{s.y2:.1f}" stroke="{s.stroke}" stroke-width="1"/>')
        else:
            weight = ' font-weight="bold"' if s.bold else ""
            out.append(
                f'<text x="{s.x:.1f}" y="{s.y:.1f}" font-size="{s.size:g}" text-anchor="{s.anchor}" '
                f'fill="{s.fill}"{weight}>{escape(s.text)}</text>'
            )
    out.append("</svg>")
    return "\n".join(out)


# --- PNG (Pillow) ---------------------------------------------------------------------------------


def to_png(chart: Chart, scale: float = 2.0) -> bytes:
    """The chart as PNG bytes, `scale` times the layout's size (2: sharp when printed)."""
    import io

    from PIL import Image, ImageDraw, ImageFont

    d = layout(chart)
    image = Image.new("RGB", (int(d.width * scale), int(d.height * scale)), "#FFFFFF")
    draw = ImageDraw.Draw(image)
    fonts: dict[tuple[float, bool], object] = {}

    def font(size: float, bold: bool):
        key = (size, bold)
        if key not in fonts:
            try:
                fonts[key] = ImageFont.load_default(size=size * scale)
            except TypeError:  # Pillow without FreeType: a fixed bitmap font
                fonts[key] = ImageFont.load_default()
        return fonts[key]

    for s in d.shapes:
        if isinstance(s, Rect):
            if s.w > 0 and s.h > 0:
                draw.rectangle(
                    [s.x * scale, s.y * scale, (s.x + s.w) * scale - 1, (s.y + s.h) * scale - 1], fill=s.fill
                )
        elif isinstance(s, Line):
            draw.line([s.x1 * scale, s.y1 * scale, s.x2 * scale, s.y2 * scale], fill=s.stroke, width=max(1, int(scale)))
        else:
            f = font(s.size, s.bold)
            anchor = {"start": "ls", "middle": "ms", "end": "rs"}[s.anchor]
            xy = (s.x * scale, s.y * scale)
            try:
                draw.text(xy, s.text, fill=s.fill, font=f, anchor=anchor,
                          stroke_width=1 if s.bold and scale >= 2 else 0, stroke_fill=s.fill)
            except (ValueError, TypeError):  # a bitmap font takes no anchor: place it by hand
                left, top, right, bottom = draw.textbbox((0, 0), s.text, font=f)
                w = right - left
                x = xy[0] - (w / 2 if s.anchor == "middle" else w if s.anchor == "end" else 0)
                draw.text((x, xy[1] - bottom), s.text, fill=s.fill, font=f)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
