"""A staff CSV of mystery-shopping observations: every row comes out, unreadable values named."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from scrapers.errors import ParseError
from scrapers.staff import parse_observations


def test_french_spreadsheet_export_is_read() -> None:
    data = ("provider;source_country;destination_country;amount;fee;rate;payout;speed;transparent;observed_at\n"
            "Wave;FR;SN;200;0;655,957;mobile wallet;same day;oui;2026-11-20 14:30\n").encode("utf-8-sig")
    row = parse_observations(data).row(0, named=True)
    assert (row["provider_name"], row["amount"], row["rate"]) == ("Wave", Decimal("200"), Decimal("655.957"))
    assert row["transparent"] is True and row["speed"] == "same_day" and row["problem"] is None
    assert row["observed_at"] == datetime(2026, 11, 20, 14, 30, tzinfo=UTC) and row["source_row"] == 2


def test_bad_values_are_named_and_the_row_kept() -> None:
    data = (b"provider,source_country,destination_country,amount,fee,observed_at,transparent,speed\n"
            b"Ria,FR,SN,deux cents,,2026-13-40,peut-etre,sometimes\n")
    [row] = parse_observations(data).to_dicts()
    assert row["problem"] == ("fee is missing; transparent is not yes/no: 'peut-etre'; amount is not a number: "
                              "'deux cents'; speed is not one of the RPW speeds: 'sometimes'; observed_at is not a "
                              "date (YYYY-MM-DD[THH:MM]): '2026-13-40'")


def test_the_same_observation_has_the_same_identity() -> None:
    line = b"Ria,FR,SN,200,2,650,2026-11-20\n"
    header = b"provider,source_country,destination_country,amount,fee,rate,observed_at\n"
    first, again = parse_observations(header + line + line)["natural_key"].to_list()
    other = parse_observations(header + line.replace(b",2,", b",3,"))["natural_key"][0]
    assert first == again != other


@pytest.mark.parametrize(("data", "message"), [
    (b"provider,amount\nRia,200\n", r"lacks column\(s\) source_country"),
    (b"provider,source_country,destination_country,amount,fee,observed_at\n", "no observation"),
    (b"\xff\xfe not text", "not UTF-8"),
])
def test_a_file_that_is_not_an_observation_sheet_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_observations(data)
