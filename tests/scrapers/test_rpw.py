"""RPW workbook and CSV parsing: the real 2025 Q3 sample, and a hand-built workbook with the quirks."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import xlsxwriter

from scrapers.errors import ParseError
from scrapers.rpw import (
    OUTPUT_SCHEMA,
    parse_rpw,
    parse_rpw_csv,
    parse_rpw_xlsx,
    speed_class_expr,
)

SAMPLE = Path(__file__).resolve().parents[2] / "app/data/rpw/rpw_2025q3_sample.xlsx"

NEW_HEADERS = [
    "id", "period", "source_code", "source_name", "source_region", "source_income", "source_lending",
    "source_G8G20", "destination_code", "destination_name", "destination_region", "destination_income",
    "destination_lending", "destination_G8G20", "firm", "firm_type", "payment instrument", "access point",
    "speed actual", "cc1 lcu amount", "cc1 denomination amount", "cc1 lcu code", "cc1 lcu fee",
    "cc1 lcu fx rate", "cc1 fx margin", "cc1 total cost %", "cc2 lcu amount", "cc2 denomination amount",
    "cc2 lcu code", "cc2 lcu fee", "cc2 lcu fx rate", "cc2 fx margin", "cc2 total cost %",
    "inter lcu bank fx", "transparent", "Standard Note", "note2", "receiving network coverage",
    "pickup location", "pickup method", "date", "corridor",
]
# the pre-2016 layout: product / sending location / note1 / coverage / pick-up method
OLD_HEADERS = [
    *NEW_HEADERS[:16], "product", "speed actual", *NEW_HEADERS[19:35], "note1", "note2",
    "sending location", "coverage", "pick-up method", "date", "corridor",
]


def service(**values: Any) -> dict[str, Any]:
    """A France -> Senegal service with every field filled as the World Bank writes it as text."""
    row: dict[str, Any] = {h: ".." for h in NEW_HEADERS + OLD_HEADERS}
    row.update({
        "id": "1", "period": "2025_3Q", "source_code": "FRA", "destination_code": "SEN", "firm": " Ria ",
        "firm_type": "Money Transfer Operator", "payment instrument": "Cash", "access point": "Agent",
        "speed actual": "Less than one hour", "cc1 lcu amount": "140", "cc1 denomination amount": "200",
        "cc1 lcu code": "EUR", "cc1 lcu fee": "7", "cc1 lcu fx rate": "653.7", "cc1 fx margin": "0.35",
        "cc1 total cost %": "5.35", "cc2 lcu amount": "345", "cc2 denomination amount": "500",
        "cc2 lcu code": "EUR", "cc2 lcu fee": "11", "cc2 lcu fx rate": "653.7", "cc2 fx margin": "0.35",
        "cc2 total cost %": "3.54", "inter lcu bank fx": "655.957", "transparent": "Yes",
        "Standard Note": None, "note2": None, "pickup method": "Cash", "date": "24/Jan/2011",
        "corridor": "FRASEN",
    })
    row.update(values)
    return row


def quirky_rows() -> list[dict[str, Any]]:
    return [
        service(id="101"),  # everything as text, `..` placeholders, a '24/Jan/2011' text date
        service(id="102", transparent="yes", **{"cc1 total cost %": 4.42, "cc1 lcu fee": 5.99,
                                                "cc1 lcu fx rate": "..", "date": datetime(2025, 8, 20)}),
        service(id="103", transparent="no", **{"cc1 total cost %": "abc", "cc2 lcu fee": "1,5"}),
        service(id="104", **{"date": 45889, "speed actual": "6 days or more", "pickup method": None}),
    ]


def write_sheet(book: xlsxwriter.Workbook, name: str, headers: list[str], rows: list[dict[str, Any]],
                helpers: int = 0) -> None:
    sheet = book.add_worksheet(name)
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, headers)  # helper columns get no header, as in the real release
    for r, row in enumerate(rows, start=1):
        for c, header in enumerate(headers):
            value = row[header]
            if isinstance(value, datetime):
                sheet.write_datetime(r, c, value, day)
            elif value is not None:
                sheet.write(r, c, value)
        for h in range(helpers):
            sheet.write(r, len(headers) + h, f"helper {h}")


def quirky_workbook(old_rows: list[dict[str, Any]] | None = None) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    book.add_worksheet("Terms of Use").write(0, 0, "CC BY 4.0")
    write_sheet(book, "Dataset (from Q2 2016)", NEW_HEADERS, quirky_rows(), helpers=5)
    if old_rows is not None:
        write_sheet(book, "Dataset (up to Q1 2016)", OLD_HEADERS, old_rows)
    book.close()
    return buffer.getvalue()


def by_id(frame: pl.DataFrame, rpw_id: str, tier: int = 1) -> dict[str, Any]:
    return frame.filter((pl.col("rpw_id") == rpw_id) & (pl.col("tier") == tier)).row(0, named=True)


def test_the_real_sample_gives_two_tiers_per_service_and_no_problem() -> None:
    quotes = parse_rpw(SAMPLE)
    assert quotes.schema == pl.Schema(OUTPUT_SCHEMA)
    assert quotes.height == 2 * 117
    assert quotes["problem"].null_count() == quotes.height
    assert set(quotes["corridor"]) == {"FRASEN", "FRAMLI", "FRACIV", "FRACMR", "FRATGO", "FRAMAR"}
    assert set(quotes["period"]) == {"2025Q3"}
    assert quotes.group_by("tier").agg(pl.col("amount_usd").unique()).sort("tier").rows() == [
        (1, [200]), (2, [500])]
    ria = by_id(quotes, "3300001")
    assert ria["firm"] == "Ria" and ria["payout"] == "Cash" and ria["transparent"] is True
    assert (ria["amount"], ria["fee"], ria["rate"]) == (Decimal(140), Decimal("6.4"), Decimal("647.6919"))
    assert (ria["fx_margin_pct"], ria["total_cost_pct"]) == (Decimal("1.26"), Decimal("5.83"))
    assert ria["inter_rate"] == Decimal("655.957") and ria["observed_on"] == date(2025, 8, 20)
    assert by_id(quotes, "3300001", tier=2)["total_cost_pct"] == Decimal("4.45")
    assert by_id(quotes, "3300003")["rate"] is None  # Wise XOF->MAD: no exact reference rate


def test_a_quirky_workbook_reads_text_numbers_placeholders_and_both_date_forms() -> None:
    quotes = parse_rpw_xlsx(quirky_workbook())
    assert quotes.height == 8
    text = by_id(quotes, "101")
    assert text["firm"] == "Ria"  # whitespace stripped
    assert text["total_cost_pct"] == Decimal("5.35") and text["fee"] == Decimal(7)
    assert text["observed_on"] == date(2011, 1, 24) and text["access_point"] == "Agent"
    assert text["problem"] is None and text["note"] is None
    real = by_id(quotes, "102")
    assert real["transparent"] is True and real["rate"] is None and real["fee"] == Decimal("5.99")
    assert real["total_cost_pct"] == Decimal("4.42") and real["observed_on"] == date(2025, 8, 20)
    serial = by_id(quotes, "104")
    assert serial["observed_on"] == date(2025, 8, 20) and serial["payout"] is None
    assert not any(c.startswith("helper") or "UNNAMED" in c for c in quotes.columns)


def test_unparseable_numbers_are_returned_with_the_reason_not_dropped() -> None:
    quotes = parse_rpw_xlsx(quirky_workbook())
    bad = by_id(quotes, "103")
    assert bad["transparent"] is False and bad["total_cost_pct"] is None
    assert bad["problem"] == "cc1 total cost % is not a number: 'abc'"
    assert by_id(quotes, "103", tier=2)["problem"] == "cc2 lcu fee is not a number: '1,5'"
    assert quotes.filter(pl.col("problem").is_not_null()).height == 2


def test_the_old_sheet_maps_onto_the_same_columns() -> None:
    old = service(id="7", period="2011_1Q", product="Cash to cash", **{
        "sending location": "Bank branch", "note1": "promotion", "note2": "rate at 10:00",
        "pick-up method": "Cash", "coverage": "national", "transparent": "yes"})
    quotes = parse_rpw_xlsx(quirky_workbook(old_rows=[old]))
    assert quotes.height == 10
    row = by_id(quotes, "7")
    assert (row["period"], row["payin"], row["access_point"], row["payout"]) == (
        "2011Q1", "Cash to cash", "Bank branch", "Cash")
    assert row["note"] == "promotion | rate at 10:00" and row["problem"] is None


def test_a_csv_export_parses_like_the_workbook() -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, NEW_HEADERS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows([service(id="101"), service(id="103", **{"cc1 total cost %": "abc"}),
                      service(id="105", **{"cc2 total cost %": ".."})])
    from_csv = parse_rpw_csv(buffer.getvalue().encode())
    from_xlsx = parse_rpw_xlsx(quirky_workbook()).filter(pl.col("rpw_id") == "101")
    assert from_csv.filter(pl.col("rpw_id") == "101").equals(from_xlsx)
    assert by_id(from_csv, "103")["problem"] == "cc1 total cost % is not a number: 'abc'"
    assert by_id(from_csv, "105", tier=2)["problem"] == "cc2 total cost % is missing"
    assert by_id(from_csv, "105", tier=1)["problem"] is None


def test_parse_rpw_chooses_the_format_by_suffix(tmp_path: Path) -> None:
    (tmp_path / "q.xlsx").write_bytes(quirky_workbook())
    assert parse_rpw(tmp_path / "q.xlsx").height == 8
    with pytest.raises(ValueError, match="unsupported"):
        parse_rpw(tmp_path / "q.ods")


def test_files_that_are_not_rpw_datasets_are_refused() -> None:
    with pytest.raises(ParseError, match="not a readable xlsx"):
        parse_rpw_xlsx(b"<html>maintenance</html>")
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.add_worksheet("Sheet1").write(0, 0, "id")
    book.close()
    with pytest.raises(ParseError, match="no sheet named"):
        parse_rpw_xlsx(buffer.getvalue())
    with pytest.raises(ParseError, match="missing column"):
        parse_rpw_csv(b"id,period,firm\n1,2025_3Q,Ria\n")
    with pytest.raises(ParseError, match="no rows"):
        parse_rpw_csv((",".join(NEW_HEADERS) + "\n").encode())


@pytest.mark.parametrize(("raw", "expected"), [
    ("Less than one hour", "under_1h"), ("3 - 5 days", "3_5_days"), ("6 DAYS OR MORE", "6_days_plus"),
    ("by pigeon", "unknown"), (None, "unknown"),
])
def test_speed_wording_of_a_whole_sheet(raw: str | None, expected: str) -> None:
    assert pl.select(speed_class_expr(pl.lit(raw, pl.String))).item() == expected
