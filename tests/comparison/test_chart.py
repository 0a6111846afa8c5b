"""The corridor history chart: labels inside the viewBox, time on the x axis, a legend for every line."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from app.comparison.chart import FONT, HEIGHT, WIDTH, history_chart, period_time, text_width
from app.comparison.indicators import HistoryPoint
from app.i18n import current_locale

NS = {"s": "http://www.w3.org/2000/svg"}
# The World Bank's survey calendar: half-years in 2011-12, quarters to 2020Q3, then nothing until 2025Q3.
PERIODS = ["2011Q1", "2011Q3", "2012Q1", "2012Q3"] + [f"{y}Q{q}" for y in range(2013, 2020) for q in range(1, 5)] \
    + ["2020Q1", "2020Q2", "2020Q3", "2025Q3"]


def _points(top: str = "12.4") -> list[HistoryPoint]:
    values = [Decimal(top) - Decimal(i) / 5 for i in range(len(PERIODS))]
    return [HistoryPoint(p, v, 10, "wb_history") for p, v in zip(PERIODS, values, strict=True)]


def _svg(chart) -> ET.Element:  # type: ignore[no-untyped-def]
    return ET.fromstring(str(chart.svg))  # noqa: S314 - our own SVG


def _left_edge(text: ET.Element) -> float:
    width = text_width(text.text or "")
    x = float(text.get("x"))  # type: ignore[arg-type]
    return {"end": x - width, "middle": x - width / 2}.get(text.get("text-anchor", "start"), x)


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_every_label_lies_inside_the_viewbox(locale):
    token = current_locale.set(locale)
    try:
        svg = _svg(history_chart(_points()))
    finally:
        current_locale.reset(token)
    assert svg.get("viewBox") == f"0 0 {WIDTH} {HEIGHT}"
    y_labels = [t for t in svg.iter("{http://www.w3.org/2000/svg}text") if t.get("class") == "y-label"]
    assert [t.text for t in y_labels][-1] == ("10\u00a0%" if locale == "fr" else "10%")  # never clipped to "0 %"
    for text in svg.iter("{http://www.w3.org/2000/svg}text"):
        left, width = _left_edge(text), text_width(text.text or "")
        assert 0 <= left and left + width <= WIDTH, (text.text, left)
        assert FONT <= float(text.get("y")) <= HEIGHT, text.text  # type: ignore[arg-type]


def test_x_positions_follow_dates_and_gaps_stay_gaps():
    svg = _svg(history_chart(_points()))
    average = svg.findall("s:g", NS)[-1]
    xs = [float(c.get("cx")) for c in average.findall("s:circle", NS)]  # type: ignore[arg-type]
    times = [period_time(p) for p in PERIODS]
    assert len(xs) == len(PERIODS)
    per_year = (xs[-1] - xs[0]) / (times[-1] - times[0])
    for x, t in zip(xs, times, strict=True):
        assert x == pytest.approx(xs[0] + (t - times[0]) * per_year, abs=0.15)
    # Half a year between 2011Q1 and 2011Q3 is twice a quarter's width; five years stay five years.
    assert xs[1] - xs[0] == pytest.approx(per_year / 2, abs=0.2)
    assert xs[10] - xs[9] == pytest.approx(per_year / 4, abs=0.2)
    assert xs[-1] - xs[-2] == pytest.approx(5 * per_year, abs=0.2)
    # The line stops at 2020Q3: 2025Q3 is a point of its own, not joined across the years without surveys.
    polylines = average.findall("s:polyline", NS)
    assert len(polylines) == 1 and len(polylines[0].get("points", "").split()) == len(PERIODS) - 1


def test_every_line_is_named_in_the_legend():
    lines = {"Ria": [("2025Q3", Decimal("4.10"))], "Wise": [("2025Q3", Decimal("1.20")), ("2025Q4", Decimal("1.1"))]}
    chart = history_chart(_points("4"), lines)
    assert [s.name for s in chart.series] == ["Moyenne du couloir", "Ria", "Wise"]
    groups = _svg(chart).findall("s:g", NS)
    assert sorted(g.find("s:title", NS).text for g in groups) == ["Moyenne du couloir", "Ria", "Wise"]  # type: ignore[union-attr]
    assert len({(s.colour, s.dash, s.marker) for s in chart.series}) == 3


def test_no_history_no_chart():
    assert str(history_chart([]).svg) == "" and history_chart([]).series == []


def test_corridor_page_names_the_lines_and_the_countries(client, rpw_loaded):
    page = client.get("/corridors/FR-SN?providers=true", headers={"Accept-Language": "en"}).text
    legend = page.split('<ul class="legend"')[1].split("</ul>")[0]
    assert "Corridor average" in legend and "Western Union" in legend
    assert "<h1>France → Senegal</h1>" in page
