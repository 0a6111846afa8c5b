"""Server-side SVG of a corridor's average total cost over time: no script, readable without colour."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from markupsafe import Markup, escape
from sqlalchemy import func
from sqlmodel import Session, select

from app.comparison.indicators import HistoryPoint
from app.i18n import _, fmt_pct
from app.models.quotes import Quote
from basics.corridors import Corridor
from providers import UnknownProvider, get_provider

WIDTH, HEIGHT, PAD_L, PAD_R, PAD_T, PAD_B = 640, 300, 44, 12, 12, 36
PALETTE = ["#7a3e00", "#1d4ed8", "#6d28d9", "#a3161b", "#0f766e", "#4a5560"]


def provider_lines(session: Session, corridor: Corridor) -> dict[str, list[tuple[str, Decimal]]]:
    """Each provider's mean total cost per quarter at the USD 200 price point (transparent services)."""
    rows = session.exec(
        select(Quote.provider_slug, Quote.period, func.avg(Quote.total_cost_pct))
        .where(Quote.corridor == corridor.code, Quote.amount_usd == 200, Quote.transparent == True)  # noqa: E712
        .group_by(Quote.provider_slug, Quote.period)).all()
    lines: dict[str, list[tuple[str, Decimal]]] = defaultdict(list)
    for slug, period, value in rows:
        if value is None:
            continue
        try:
            name = get_provider(slug).name
        except UnknownProvider:
            name = slug
        lines[name].append((period, Decimal(str(value))))
    return {name: sorted(points) for name, points in sorted(lines.items())}


def history_svg(points: list[HistoryPoint], lines: dict[str, list[tuple[str, Decimal]]] | None = None) -> Markup:
    lines = lines or {}
    periods = sorted({p.period for p in points} | {p for series in lines.values() for p, _v in series})
    if not periods:
        return Markup("")
    values = [p.average_total_cost_pct for p in points] + [v for s in lines.values() for _p, v in s]
    top = max([Decimal(6), *values]) * Decimal("1.1")
    plot_w, plot_h = WIDTH - PAD_L - PAD_R, HEIGHT - PAD_T - PAD_B

    def x(period: str) -> float:
        return PAD_L + (periods.index(period) / max(len(periods) - 1, 1)) * plot_w

    def y(value: Decimal) -> float:
        return PAD_T + plot_h - float(value / top) * plot_h

    title = _("Average total cost of sending USD 200, by quarter")
    parts = [f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="chart-title" '
             f'class="chart" xmlns="http://www.w3.org/2000/svg"><title id="chart-title">{escape(title)}</title>']
    for level, colour, label in ((Decimal(3), "#0f6b2f", _("3 % SDG target")),
                                 (Decimal(5), "#8a5300", _("5 % ceiling"))):
        parts.append(f'<line x1="{PAD_L}" x2="{WIDTH - PAD_R}" y1="{y(level):.1f}" y2="{y(level):.1f}" '
                     f'stroke="{colour}" stroke-dasharray="6 4"/>'
                     f'<text x="{WIDTH - PAD_R - 4}" y="{y(level) - 4:.1f}" text-anchor="end" font-size="11" '
                     f'fill="{colour}">{escape(label)}</text>')
    step = max(1, len(periods) // 8)
    for period in periods[::step]:
        parts.append(f'<text x="{x(period):.1f}" y="{HEIGHT - 12}" text-anchor="middle" font-size="11" '
                     f'fill="#4a5560">{escape(period)}</text>')
    for tick in range(0, int(top) + 1, 5 if top > 15 else 2):
        parts.append(f'<text x="{PAD_L - 6}" y="{y(Decimal(tick)) + 4:.1f}" text-anchor="end" font-size="11" '
                     f'fill="#4a5560">{escape(fmt_pct(Decimal(tick)))}</text>')
    for i, (name, series) in enumerate(lines.items()):
        parts.append(_polyline([(x(p), y(v)) for p, v in series], PALETTE[i % len(PALETTE)], 1.5, name))
    parts.append(_polyline([(x(p.period), y(p.average_total_cost_pct)) for p in points], "#0b5d4b", 3,
                           _("Corridor average")))
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every piece of text above went through escape()


def _polyline(xy: list[tuple[float, float]], colour: str, width: float, label: str) -> str:
    coords = " ".join(f"{a:.1f},{b:.1f}" for a, b in xy)
    dots = "".join(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="{width + 0.5}" fill="{colour}"/>' for a, b in xy)
    return (f'<g><title>{escape(label)}</title><polyline points="{coords}" fill="none" stroke="{colour}" '
            f'stroke-width="{width}"/>{dots}</g>')
