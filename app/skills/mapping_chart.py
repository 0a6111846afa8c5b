"""Server-drawn SVG of the diaspora mapping: one bar per origin → residence pair, the people in its cells shown.

Drawn from the published view only (`mapping.Mapping`, withheld cells left out), so the chart can disclose
nothing the table does not. Each label sits above its bar (on two lines when the names are long) so that bars
keep the whole width on a phone; the text is large in the chart's units (18 of 480: about 12 CSS px on a
360 px screen, as the history chart), and room is kept at the right for the longest number.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from app.comparison.chart import text_width
from app.i18n import _, fmt_number
from app.reference import country_name
from app.skills.mapping import Mapping

WIDTH, FONT, BAR, GAP, PAD = 480, 18, 16, 12, 6
LINE = FONT + 4
MOST_BARS = 15
COLOUR, INK = "#0b5d4b", "#1d252c"


def bar_chart(view: Mapping) -> Markup:
    rows = [row for row in view.rows if row.total][:MOST_BARS]
    if not rows:
        return Markup("")
    top = max(row.total for row in rows)
    values = [fmt_number(row.total, 0) + (" +" if row.withheld else "") for row in rows]
    longest = max(BAR * 2, *(text_width(v) for v in values)) + 8
    title = _("People in the cells shown, by country of origin and of residence")
    parts, y = [], PAD
    for row, value in zip(rows, values, strict=True):
        origin, residence = country_name(row.origin), country_name(row.residence)
        label = f"{origin} → {residence}"
        lines = [label] if text_width(label) <= WIDTH - 2 * PAD else [f"{origin} →", residence]
        for line in lines:
            y += LINE
            parts.append(f'<text x="{PAD}" y="{y - 4}" fill="{INK}">{escape(line)}</text>')
        width = max(2.0, (WIDTH - 2 * PAD - longest) * row.total / top)
        parts.append(f'<rect x="{PAD}" y="{y}" width="{width:.1f}" height="{BAR}" fill="{COLOUR}"/>'
                     f'<text x="{PAD + width + 6:.1f}" y="{y + BAR - 2}" fill="{INK}">{escape(value)}</text>')
        y += BAR + GAP
    head = (f'<svg viewBox="0 0 {WIDTH} {y + PAD - GAP}" role="img" aria-labelledby="mapping-chart-title" '
            f'class="chart" font-size="{FONT}" xmlns="http://www.w3.org/2000/svg">'
            f'<title id="mapping-chart-title">{escape(title)}</title>')
    return Markup(head + "".join(parts) + "</svg>")  # noqa: S704 - every piece of text went through escape()
