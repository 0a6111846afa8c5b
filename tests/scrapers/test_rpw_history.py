"""DataBank corridor averages 2011-2020: the real export, and a small one with the same quirks."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from scrapers.errors import ParseError
from scrapers.rpw_history import country_iso3, parse_corridor_averages

EXPORT = Path(__file__).resolve().parents[2] / "app/data/rpw/rpw_corridor_averages_2011q1_2020q3.csv"
HEADER = ("\ufeffSending Countries Name,Sending Countries Code,Series Name,Series Code,"
          "Receiving Countries  Name,Receiving Countries  Code,2012Q3 [YR2012Q3],2013Q1 [YR2013Q1]\n")
SERIES = "Average Total Cost to remit in corridor,ATCR.CORR"
FOOTER = ",,,,,,,\n,,,,,,,\nData from database: Remittance Prices Worldwide (Corridors),,,,,,,\n" \
         "Last Updated: 12/07/2020,,,,,,,\n"


@pytest.fixture(scope="module")
def export() -> bytes:
    return EXPORT.read_bytes()


def test_the_real_export_gives_every_corridor_with_data(export: bytes) -> None:
    history = parse_corridor_averages(export)
    assert history.unmapped_names == []
    averages = history.averages
    assert averages["corridor"].n_unique() == 377
    assert averages.schema["average_total_cost_pct"] == pl.Decimal(20, 6)
    periods = set(averages["period"])
    assert {"2011Q1", "2011Q3", "2012Q3", "2013Q2", "2020Q3"} <= periods
    assert not {"2011Q2", "2012Q4"} & periods  # semi-annual before 2013
    fra_sen = averages.filter((pl.col("corridor") == "FRASEN") & (pl.col("period") == "2020Q3"))
    assert fra_sen.item(0, "average_total_cost_pct") == Decimal("4.2389")  # 4.23894739151001 in float32
    assert averages.filter(pl.col("corridor") == "FRACIV").height > 0  # "Ivory Coast"


def test_names_map_to_the_same_codes_databank_gives_except_kosovo(export: bytes) -> None:
    raw = pl.read_csv(export, infer_schema=False).filter(pl.col("Series Code") == "ATCR.CORR")
    pairs = set(raw.select(raw.columns[0], raw.columns[1]).rows()) | set(raw.select(raw.columns[4],
                                                                                  raw.columns[5]).rows())
    mismatched = {(name, code, country_iso3(name)) for name, code in pairs if country_iso3(name) != code}
    assert mismatched == {("Kosovo", "KSV", "XKX")}


def test_footer_bom_and_placeholders_are_handled_and_unknown_names_reported() -> None:
    body = (f"France,FRA,{SERIES},Ivory Coast,CIV,..,7.5\n"
            f"Atlantis,ATL,{SERIES},Senegal,SEN,9.25,8\n"
            f"France,FRA,{SERIES},Senegal,SEN,..,..\n")
    history = parse_corridor_averages((HEADER + body + FOOTER).encode())
    assert history.unmapped_names == ["Atlantis"]
    assert history.averages.rows() == [("FRACIV", "FRA", "CIV", "2013Q1", Decimal("7.5"))]


def test_a_value_that_is_not_a_number_is_an_error() -> None:
    with pytest.raises(ParseError, match="neither numbers"):
        parse_corridor_averages((HEADER + f"France,FRA,{SERIES},Senegal,SEN,n.a.,8\n").encode())


def test_a_file_without_the_series_is_refused() -> None:
    with pytest.raises(ParseError, match="ATCR.CORR"):
        parse_corridor_averages((HEADER + FOOTER).encode())
