"""European Central Bank euro reference rates: the daily XML and the history CSV.

Both parsers return the EUR-based part of the rates frame (see ``scrapers.reference_rates``):
``date`` (Date), ``currency`` (str), ``per_eur`` (Decimal, units of currency per 1 EUR),
``source`` ("ecb"), sorted by date then currency.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from decimal import Decimal, InvalidOperation
from xml.etree import ElementTree

import polars as pl

from scrapers.errors import ParseError
from scrapers.reference_rates import RATE_DTYPE

SOURCE = "ecb"
SCHEMA = pl.Schema({"date": pl.Date(), "currency": pl.String(), "per_eur": RATE_DTYPE, "source": pl.String()})
_CURRENCY = re.compile(r"[A-Z]{3}")
# defusedxml is not a dependency: refusing any DTD shuts out entity expansion and external entities.
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _refuse_html(data: bytes, expected: str) -> None:
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        raise ParseError(f"an HTML page where the ECB {expected} was expected")


def _rate(text: str | None, where: str) -> Decimal:
    try:
        value = Decimal((text or "").strip())
    except InvalidOperation:
        raise ParseError(f"{where}: rate {text!r} is not a number") from None
    if not value.is_finite() or value <= 0:
        raise ParseError(f"{where}: rate {text!r} is not a positive number")
    return value


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_daily_xml(data: bytes) -> pl.DataFrame:
    """Parse ``eurofxref-daily.xml`` (or the 90-day / history XML: every ``Cube time=`` is read)."""
    _refuse_html(data, "XML")
    if _DTD.search(data):
        raise ParseError("refusing XML with a DOCTYPE or ENTITY declaration")
    try:
        root = ElementTree.fromstring(data)  # noqa: S314 - DTDs refused above
    except ElementTree.ParseError as exc:
        raise ParseError(f"ECB XML is malformed or truncated: {exc}") from None
    rows: list[tuple[date, str, Decimal]] = []
    for cube in root.iter():
        if _local(cube.tag) != "Cube" or "time" not in cube.attrib:
            continue
        try:
            day = date.fromisoformat(cube.attrib["time"])
        except ValueError:
            raise ParseError(f"Cube time={cube.attrib['time']!r} is not a YYYY-MM-DD date") from None
        for child in cube:
            currency = child.get("currency", "")
            if not _CURRENCY.fullmatch(currency):
                raise ParseError(f"{day}: Cube currency={currency!r} is not an ISO 4217 code")
            rows.append((day, currency, _rate(child.get("rate"), f"{day} {currency}")))
    if not rows:
        raise ParseError("ECB XML has no Cube time=… holding rates")
    return _frame(rows)


def _frame(rows: list[tuple[date, str, Decimal]]) -> pl.DataFrame:
    days, currencies, rates = zip(*rows, strict=True)
    return pl.DataFrame(
        {"date": days, "currency": currencies, "per_eur": rates, "source": [SOURCE] * len(rows)},
        schema=SCHEMA,
    ).sort("date", "currency")


def _unzip(data: bytes) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = [name for name in archive.namelist() if name.lower().endswith(".csv")]
            if len(names) != 1:
                raise ParseError(f"ECB history zip should hold one CSV, holds {names}")
            return archive.read(names[0])
    except zipfile.BadZipFile as exc:
        raise ParseError(f"ECB history zip is damaged or truncated: {exc}") from None


def parse_history_csv(data: bytes) -> pl.DataFrame:
    """Parse ``eurofxref-hist.csv`` (``Date,USD,JPY,…``, ``N/A`` gaps), or the ``.zip`` holding it."""
    if data.startswith(b"PK\x03\x04"):
        data = _unzip(data)
    _refuse_html(data, "CSV")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(f"ECB CSV is not UTF-8: {exc}") from None
    lines = text.splitlines()
    if not lines or lines[0].split(",")[0].strip() != "Date":
        raise ParseError("ECB CSV should start with a 'Date,…' header")
    width = lines[0].count(",")
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() and line.count(",") != width:
            raise ParseError(f"ECB CSV line {number} has {line.count(',') + 1} fields, the header "
                             f"{width + 1}: truncated or malformed")
    table = pl.read_csv(io.StringIO(text), infer_schema_length=0)
    table = table.select([name for name in table.columns if name.strip()])  # the trailing comma's column
    for name in table.columns[1:]:
        if not _CURRENCY.fullmatch(name.strip()):
            raise ParseError(f"ECB CSV column {name!r} is not an ISO 4217 code")
    long = (
        table.unpivot(index="Date", variable_name="currency", value_name="text")
        .with_columns(pl.col("currency").str.strip_chars(), pl.col("text").str.strip_chars())
        .filter(pl.col("text").is_not_null() & ~pl.col("text").is_in(["", "N/A"]))
        .with_columns(
            pl.col("Date").str.strip_chars().str.to_date("%Y-%m-%d", strict=False).alias("date"),
            pl.col("text").cast(RATE_DTYPE, strict=False).alias("per_eur"),
        )
    )
    bad = long.filter(pl.col("date").is_null() | pl.col("per_eur").is_null() | (pl.col("per_eur") <= 0))
    if bad.height:
        first = bad.row(0, named=True)
        raise ParseError(f"ECB CSV row {first['Date']!r} {first['currency']}: {first['text']!r} "
                         f"is not a date with a positive rate")
    if not long.height:
        raise ParseError("ECB CSV holds no rates")
    return (long.select("date", "currency", "per_eur", pl.lit(SOURCE).alias("source"))
            .cast(SCHEMA).sort("date", "currency"))
