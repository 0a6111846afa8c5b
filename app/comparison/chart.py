"""Server-side SVG of a corridor's average total cost over time: no script, readable without colour.

Time runs along the x axis (a quarter sits at its start date, so half-yearly surveys and the years
without data keep their real width, and a line breaks where no survey was made for more than half a
year). The viewBox is small and the text large in its units, so that on a 360 px phone, where the
chart is about 328 CSS px wide, no label is smaller than 12 px; the y labels' column is as wide as
the longest label, so none is clipped.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape
from sqlalchemy import func
from sqlmodel import Session, select

from app.comparison.indicators import HistoryPoint
from app.i18n import _, current_locale, fmt_number
from app.models.quotes import Quote
from basics.corridors import Corridor
from providers import UNREVIEWED, UnknownProvider, get_provider

WIDTH, HEIGHT, PAD_R, PAD_T, PAD_B = 480, 300, 10, 12, 34
FONT = 18  # user units: 18 × 328/480 ≈ 12.3 CSS px on a phone, 18 px at the chart's widest (30rem)
# Glyph widths in em, a little above DejaVu Sans and Liberation Sans (what phones and Debian draw with).
EM_WIDTHS = {"%": 1.0, " ": 0.34, "\u00a0": 0.34, "\u202f": 0.25, ",": 0.34, ".": 0.34}
DIGIT_EM, OTHER_EM = 0.66, 0.7
LONGEST_STEP_YEARS = 0.5  # consecutive surveys further apart than this are not joined by a line
AVERAGE_COLOUR = "#0b5d4b"
# Colours with at least 3:1 contrast on white; after eight lines the dash pattern changes as well.
PALETTE = ["#7a3e00", "#1d4ed8", "#6d28d9", "#a3161b", "#0f766e", "#4a5560", "#a21caf", "#1e3a8a"]
DASHES = ["", "7 4", "2 3"]
MARKERS = ["circle", "square", "diamond"]


@dataclass(frozen=True)
class Series:
    """One line of the chart, as the legend names and draws it."""
    name: str
    points: list[tuple[str, Decimal]]
    colour: str
    dash: str
    marker: str
    width: float


@dataclass(frozen=True)
class Chart:
    svg: Markup
    series: list[Series]


def period_time(period: str) -> float:
    """'2011Q3' -> 2011.5: a quarter at its first day, in years."""
    year, _sep, quarter = period.partition("Q")
    return int(year) + (int(quarter) - 1) / 4


def provider_lines(session: Session, corridor: Corridor) -> dict[str, list[tuple[str, Decimal]]]:
    """Each provider's mean total cost per quarter at the USD 200 price point (transparent services)."""
    rows = session.exec(
        select(Quote.provider_slug, Quote.period, func.avg(Quote.total_cost_pct))
        .where(Quote.corridor == corridor.code, Quote.amount_usd == 200, Quote.transparent == True,  # noqa: E712
               Quote.provider_slug != UNREVIEWED.slug)  # firms not mapped yet: in the corridor's mean, not a line
        .group_by(Quote.provider_slug, Quote.period)).all()
    lines: dict[str, list[tuple[str, Decimal]]] = defaultdict(list)
    for slug, period, value in rows:
        if value is None:
            continue
        try:
            name = get_provider(slug).name
        except UnknownProvider:
            name = slug
        lines[name].append((period, Decimal(str(value)).quantize(Decimal("0.01"))))
    return {name: sorted(points) for name, points in sorted(lines.items())}


def text_width(text: str) -> float:
    """A generous estimate of the text's width in the chart's units."""
    return sum(EM_WIDTHS.get(c, DIGIT_EM if c.isdigit() else OTHER_EM) for c in text) * FONT


def tick_label(value: int) -> str:
    number = fmt_number(value, 0)
    return f"{number}\u00a0%" if current_locale.get() == "fr" else f"{number}%"


def _y_step(top: float) -> int:
    return next(step for step in (1, 2, 5, 10, 20, 50, 100) if top / step <= 6)


def history_chart(points: list[HistoryPoint], lines: dict[str, list[tuple[str, Decimal]]] | None = None) -> Chart:
    series = [Series(_("Corridor average"), [(p.period, p.average_total_cost_pct) for p in points],
                     AVERAGE_COLOUR, "", "circle", 3)]
    for i, (name, line) in enumerate((lines or {}).items()):
        series.append(Series(name, line, PALETTE[i % len(PALETTE)], DASHES[(i // len(PALETTE)) % len(DASHES)],
                             MARKERS[i % len(MARKERS)], 1.5))
    times = [period_time(p) for s in series for p, _v in s.points]
    if not times:
        return Chart(Markup(""), [])
    values = [float(v) for s in series for _p, v in s.points]
    top = max(6.0, *values) * 1.1
    step = _y_step(top)
    ticks = list(range(0, int(top) + 1, step))
    labels = [tick_label(t) for t in ticks]
    pad_l = math.ceil(max(text_width(label) for label in labels)) + 10
    plot_w, plot_h = WIDTH - pad_l - PAD_R, HEIGHT - PAD_T - PAD_B
    # Half a year of room after the last survey, so that its points are not drawn on the frame.
    start, end = math.floor(min(times)), max(times) + 0.5

    def x(period: str) -> float:
        return pad_l + (period_time(period) - start) / (end - start) * plot_w

    def y(value: Decimal | float) -> float:
        return PAD_T + plot_h - float(value) / top * plot_h

    title = _("Average total cost of sending USD 200, by quarter")
    parts = [f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="chart-title" class="chart" '
             f'font-size="{FONT}" xmlns="http://www.w3.org/2000/svg"><title id="chart-title">{escape(title)}</title>']
    for tick, label in zip(ticks, labels, strict=True):
        parts.append(f'<line x1="{pad_l}" x2="{WIDTH - PAD_R}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="#d5dbe0"/>'
                     f'<text class="y-label" x="{pad_l - 6}" y="{y(tick) + FONT * 0.35:.1f}" text-anchor="end" '
                     f'fill="#4a5560">{escape(label)}</text>')
    year_step = max(1, math.ceil((end - start) / (plot_w / (text_width("2000") * 1.5))))
    for year in range(start, math.floor(end) + 1, year_step):
        at = pad_l + (year - start) / (end - start) * plot_w
        half = text_width(str(year)) / 2
        anchor = "start" if at - half < 0 else "end" if at + half > WIDTH - PAD_R else "middle"
        parts.append(f'<line x1="{at:.1f}" x2="{at:.1f}" y1="{PAD_T + plot_h}" y2="{PAD_T + plot_h + 5}" '
                     f'stroke="#4a5560"/><text class="x-label" x="{at:.1f}" y="{HEIGHT - 8}" '
                     f'text-anchor="{anchor}" fill="#4a5560">{year}</text>')
    parts.append(f'<line x1="{pad_l}" x2="{WIDTH - PAD_R}" y1="{PAD_T + plot_h}" y2="{PAD_T + plot_h}" '
                 f'stroke="#4a5560"/>')
    levels = ((3, "#0f6b2f", _("3 % SDG target")), (5, "#8a5300", _("5 % ceiling")))
    for level, colour, _label in levels:
        parts.append(f'<line x1="{pad_l}" x2="{WIDTH - PAD_R}" y1="{y(level):.1f}" y2="{y(level):.1f}" '
                     f'stroke="{colour}" stroke-dasharray="6 4"/>')
    for s in reversed(series):  # the corridor average last, on top
        parts.append(_draw(s, [(period_time(p), x(p), y(v)) for p, v in s.points]))
    # The two levels' names over the lines, each on a white halo so that a line running through stays readable.
    for level, colour, label in levels:
        parts.append(f'<text x="{WIDTH - PAD_R - 4}" y="{y(level) - 5:.1f}" text-anchor="end" fill="{colour}" '
                     f'stroke="#fff" stroke-width="5" stroke-linejoin="round" paint-order="stroke">'
                     f'{escape(label)}</text>')
    parts.append("</svg>")
    return Chart(Markup("".join(parts)), series)  # noqa: S704 - every piece of text above went through escape()


def _draw(s: Series, points: list[tuple[float, float, float]]) -> str:
    """Polylines for each run of surveys no more than half a year apart, and a marker on every point."""
    runs: list[list[tuple[float, float]]] = []
    previous: float | None = None
    for when, a, b in points:
        if previous is None or when - previous > LONGEST_STEP_YEARS:
            runs.append([])
        runs[-1].append((a, b))
        previous = when
    dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
    lines = "".join(f'<polyline points="{" ".join(f"{a:.1f},{b:.1f}" for a, b in run)}" fill="none" '
                    f'stroke="{s.colour}" stroke-width="{s.width}"{dash}/>' for run in runs if len(run) > 1)
    marks = "".join(marker(s.marker, a, b, s.width + 1.5, s.colour) for run in runs for a, b in run)
    return f'<g><title>{escape(s.name)}</title>{lines}{marks}</g>'


def marker(shape: str, a: float, b: float, r: float, colour: str) -> str:
    if shape == "square":
        return f'<rect x="{a - r:.1f}" y="{b - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}" fill="{colour}"/>'
    if shape == "diamond":
        return (f'<polygon points="{a:.1f},{b - r * 1.3:.1f} {a + r * 1.3:.1f},{b:.1f} {a:.1f},{b + r * 1.3:.1f} '
                f'{a - r * 1.3:.1f},{b:.1f}" fill="{colour}"/>')
    return f'<circle cx="{a:.1f}" cy="{b:.1f}" r="{r:.1f}" fill="{colour}"/>'


def swatch(s: Series) -> Markup:
    """The legend's small picture of a line: its colour, dash and marker."""
    dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
    return Markup(  # noqa: S704 - numbers and our own colour codes only
        f'<svg class="swatch" viewBox="0 0 32 12" aria-hidden="true" focusable="false"><line x1="1" x2="31" y1="6" '
        f'y2="6" stroke="{s.colour}" stroke-width="{s.width}"{dash}/>{marker(s.marker, 16, 6, 3.5, s.colour)}</svg>')
