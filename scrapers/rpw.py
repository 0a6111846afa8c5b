"""World Bank Remittance Prices Worldwide (RPW): workbook or CSV bytes in, raw observations out.

Contract of every ``parse_rpw*`` function: one row per service per amount tier (``tier`` 1 is the
USD 200 price point ``cc1``, 2 is USD 500 ``cc2``), with the columns of ``OUTPUT_SCHEMA`` in that
order. Numbers are ``Decimal`` (never float). A row whose values cannot be trusted is returned
anyway with a human-readable ``problem`` (several joined by ``"; "``) so the caller can quarantine
it; ``problem`` is null on good rows. Firm-name variants are not resolved here.

Raises ``scrapers.errors.ParseError`` for a file that is not an RPW dataset at all (not a workbook,
no dataset sheet, a required header missing, no rows): that is a broken download, not a bad row.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import fastexcel
import polars as pl

from basics.vocabulary import SPEED_WORDS, Speed
from scrapers.errors import ParseError

NEW_SHEET = "Dataset (from Q2 2016)"
OLD_SHEET = "Dataset (up to Q1 2016)"
MONEY = pl.Decimal(20, 6)
TIER_USD = {1: 200, 2: 500}
PLACEHOLDERS = ["", ".", "..", "...", "-", "n/a", "N/A", "na", "NA"]

OUTPUT_SCHEMA: dict[str, pl.DataType] = {
    "period": pl.String(),
    "rpw_id": pl.String(),
    "source_country": pl.String(),
    "destination_country": pl.String(),
    "corridor": pl.String(),
    "firm": pl.String(),
    "firm_type": pl.String(),
    "payin": pl.String(),
    "access_point": pl.String(),
    "speed": pl.String(),
    "payout": pl.String(),
    "tier": pl.Int8(),
    "amount": MONEY,
    "amount_usd": pl.Int32(),
    "currency": pl.String(),
    "fee": MONEY,
    "rate": MONEY,
    "fx_margin_pct": MONEY,
    "total_cost_pct": MONEY,
    "inter_rate": MONEY,
    "transparent": pl.Boolean(),
    "observed_on": pl.Date(),
    "note": pl.String(),
    "problem": pl.String(),
}

# Output field -> header(s) carrying it, post-2016 name first, then the pre-2016 sheet's name.
SERVICE_HEADERS: dict[str, tuple[str, ...]] = {
    "rpw_id": ("id",),
    "period": ("period",),
    "source_country": ("source_code",),
    "destination_country": ("destination_code",),
    "corridor": ("corridor",),
    "firm": ("firm",),
    "firm_type": ("firm_type",),
    "payin": ("payment instrument", "product"),
    "access_point": ("access point", "sending location"),
    "speed": ("speed actual",),
    "payout": ("pickup method", "pick-up method"),
    "note1": ("standard note", "note1"),
    "note2": ("note2",),
    "transparent_raw": ("transparent",),
    "inter_rate_raw": ("inter lcu bank fx",),
    "date_raw": ("date",),
}
TIER_HEADERS = {
    "amount_raw": "lcu amount",
    "denomination_raw": "denomination amount",
    "currency": "lcu code",
    "fee_raw": "lcu fee",
    "rate_raw": "lcu fx rate",
    "margin_raw": "fx margin",
    "total_raw": "total cost %",
}
REQUIRED = ("id", "period", "source_code", "destination_code", "firm", "transparent")
# every header (as ``_key`` writes it) the contract reads from either layout
READ = frozenset({*(h for names in SERVICE_HEADERS.values() for h in names),
                  *(f"cc{t} {h}" for t in TIER_USD for h in TIER_HEADERS.values())})
REQUIRED_TIER = ("lcu amount", "total cost %")



def speed_class_expr(raw: pl.Expr) -> pl.Expr:
    """Vectorised ``Speed.from_text`` over a column of RPW wording (a missing speed is "unknown" too)."""
    key = raw.str.to_lowercase().str.replace_all(r"\s*[-–]\s*", "-")
    key = key.str.replace_all(r"\s+", " ").str.strip_chars()
    codes = {**SPEED_WORDS, **{s.value: s.value for s in Speed}}
    return key.replace_strict(codes, default=Speed.unknown.value, return_dtype=pl.String)


def _key(header: str) -> str:
    return " ".join(str(header).split()).lower()


def _text(expr: pl.Expr) -> pl.Expr:
    cleaned = expr.cast(pl.String).str.strip_chars()
    # listing the case variants is much cheaper than lower-casing every cell of a 200,000-row sheet
    return pl.when(cleaned.is_in(PLACEHOLDERS)).then(None).otherwise(cleaned)


def _nonempty(joined: pl.Expr) -> pl.Expr:
    # concat_str(ignore_nulls=True) of all-null parts gives "", which means "nothing"
    return pl.when(joined != "").then(joined)


def _decimal(raw: str, label: str, *, required: bool = False) -> tuple[pl.Expr, pl.Expr]:
    """Cast a cleaned text column to MONEY; also return the problem it raises (null when fine)."""
    value = pl.col(raw).cast(MONEY, strict=False)
    bad = pl.format(label + " is not a number: '{}'", raw)
    problem: pl.Expr = pl.when(pl.col(raw).is_not_null() & value.is_null()).then(bad)
    if required:
        problem = pl.when(pl.col(raw).is_null()).then(pl.lit(label + " is missing")).otherwise(problem)
    return value, problem


def _period(raw: pl.Expr) -> pl.Expr:
    """'2025_3Q' (RPW), '2025Q3' or 'Q3 2025' -> '2025Q3'; null if unrecognised."""
    forms = [(r"(?i)^(\d{4})[\s_-]*([1-4])Q$", 1, 2), (r"(?i)^(\d{4})[\s_-]*Q([1-4])$", 1, 2),
             (r"(?i)^Q([1-4])[\s_-]*(\d{4})$", 2, 1)]
    return pl.coalesce(
        pl.concat_str(raw.str.extract(pattern, y), pl.lit("Q"), raw.str.extract(pattern, q))
        for pattern, y, q in forms
    )


def _date(raw: pl.Expr) -> pl.Expr:
    """Excel dates (text '2025-08-20 00:00:00'), '24/Jan/2011' text, or a bare Excel serial number."""
    serial = raw.cast(pl.Float64, strict=False).floor()
    # 20000..80000 is 1954..2119: a number outside it in the date column is not a date
    from_serial = pl.when(serial.is_between(20000, 80000)).then(
        pl.lit(date(1899, 12, 30)) + pl.duration(days=serial.cast(pl.Int64))
    )
    return pl.coalesce(
        raw.str.extract(r"^(\d{4}-\d{2}-\d{2})").str.to_date("%Y-%m-%d", strict=False),
        raw.str.to_date("%d/%b/%Y", strict=False),
        raw.str.to_date("%d-%b-%Y", strict=False),
        from_serial,
    )


def _columns(sheet: pl.DataFrame) -> pl.LazyFrame:
    """Pick the RPW columns by header (either layout; helper columns ignored) as cleaned text."""
    headers: dict[str, str] = {}
    for column in sheet.columns:
        headers.setdefault(_key(column), column)
    wanted = [*REQUIRED, *(f"cc{t} {h}" for t in TIER_USD for h in REQUIRED_TIER)]
    if missing := [h for h in wanted if h not in headers]:
        raise ParseError(f"not an RPW dataset: missing column(s) {', '.join(missing)}")

    def pick(*names: str) -> pl.Expr:
        found = next((headers[n] for n in names if n in headers), None)
        return _text(pl.col(found)) if found else pl.lit(None, pl.String)

    return sheet.lazy().select(
        *(pick(*names).alias(field) for field, names in SERVICE_HEADERS.items()),
        *(pick(f"cc{t} {h}").alias(f"{field}{t}") for t in TIER_USD for field, h in TIER_HEADERS.items()),
    ).with_row_index("row")


def _services(columns: pl.LazyFrame) -> pl.LazyFrame:
    """The per-service fields, parsed once before the frame is doubled into tiers."""
    inter = pl.col("inter_rate_raw").cast(MONEY, strict=False)
    lowered = pl.col("transparent_raw").str.to_lowercase()
    transparent = pl.when(lowered.is_in(["yes", "y", "true", "1"])).then(True).when(
        lowered.is_in(["no", "n", "false", "0"])).then(False)
    period = _period(pl.col("period"))
    observed_on = _date(pl.col("date_raw"))
    problems = [
        pl.when(pl.col("inter_rate_raw").is_not_null() & inter.is_null())
        .then(pl.format("inter lcu bank fx is not a number: '{}'", "inter_rate_raw")),
        pl.when(period.is_null()).then(pl.format("period is not recognised: '{}'", "period")),
        pl.when(transparent.is_null()).then(pl.format("transparent is not yes/no: '{}'", "transparent_raw")),
        pl.when(pl.col("date_raw").is_not_null() & observed_on.is_null())
        .then(pl.format("date is not a date: '{}'", "date_raw")),
        *(pl.when(pl.col(c).is_null()).then(pl.lit(f"{c} is missing"))
          for c in ("rpw_id", "source_country", "destination_country", "firm")),
    ]
    return columns.with_columns(
        period.alias("period"),
        pl.col("rpw_id").str.replace(r"\.0+$", ""),  # an id typed as a number reads back as '3300001.0'
        pl.col("source_country").str.to_uppercase(),
        pl.col("destination_country").str.to_uppercase(),
        pl.coalesce("corridor", pl.concat_str("source_country", "destination_country")).str.to_uppercase(),
        inter.alias("inter_rate"),
        transparent.alias("transparent"),
        observed_on.alias("observed_on"),
        _nonempty(pl.concat_str("note1", "note2", separator=" | ", ignore_nulls=True)).alias("note"),
        _nonempty(pl.concat_str(problems, separator="; ", ignore_nulls=True)).alias("service_problem"),
    )


def _tier(services: pl.LazyFrame, tier: int) -> pl.LazyFrame:
    """One amount tier of every service, numbers cast and checked."""
    def raw(field: str) -> str:
        return f"{field}{tier}"

    amount, amount_problem = _decimal(raw("amount_raw"), f"cc{tier} lcu amount", required=True)
    usd_given, usd_problem = _decimal(raw("denomination_raw"), f"cc{tier} denomination amount")
    fee, fee_problem = _decimal(raw("fee_raw"), f"cc{tier} lcu fee")
    rate, rate_problem = _decimal(raw("rate_raw"), f"cc{tier} lcu fx rate")
    margin, margin_problem = _decimal(raw("margin_raw"), f"cc{tier} fx margin")
    total, total_problem = _decimal(raw("total_raw"), f"cc{tier} total cost %", required=True)
    usd = pl.coalesce(usd_given, pl.lit(TIER_USD[tier]).cast(MONEY))
    fractional = pl.format(f"cc{tier} denomination amount is not whole: '{{}}'", usd)
    problems = [
        pl.col("service_problem"), amount_problem, usd_problem, fee_problem, rate_problem, margin_problem,
        total_problem, pl.when(usd.round(0) != usd).then(fractional),
    ]
    return services.select(
        "row", "period", "rpw_id", "source_country", "destination_country", "corridor", "firm", "firm_type",
        "payin", "access_point", "speed", "payout",
        pl.lit(tier).alias("tier"),
        amount.alias("amount"),
        usd.round(0).cast(pl.Int32, strict=False).alias("amount_usd"),
        pl.col(raw("currency")).alias("currency"),
        fee.alias("fee"), rate.alias("rate"), margin.alias("fx_margin_pct"), total.alias("total_cost_pct"),
        "inter_rate", "transparent", "observed_on", "note",
        _nonempty(pl.concat_str(problems, separator="; ", ignore_nulls=True)).alias("problem"),
    )


def observations(sheet: pl.DataFrame) -> pl.DataFrame:
    """One RPW sheet read as text (either layout) -> the long contract frame (see module doc)."""
    services = _services(_columns(sheet)).cache()
    tiers = pl.concat([_tier(services, tier) for tier in TIER_USD]).drop("row").cast(pl.Schema(OUTPUT_SCHEMA)).collect()
    # each service's tiers side by side, in sheet order: the tier blocks interleaved by position, not sorted
    step = pl.int_range(tiers.height, dtype=pl.Int64)
    return tiers.select(pl.all().gather(step // len(TIER_USD) + step % len(TIER_USD) * (tiers.height // len(TIER_USD))))


def _checked(frames: list[pl.DataFrame]) -> pl.DataFrame:
    result = pl.concat(frames) if frames else pl.DataFrame(schema=OUTPUT_SCHEMA)
    if result.is_empty():
        raise ParseError("RPW dataset has no rows")
    return result


def parse_rpw_xlsx(data: bytes | Path) -> pl.DataFrame:
    """RPW workbook (bytes, or a path to spare a copy of a 50 MB file) -> contract frame of both sheets."""
    source = data if isinstance(data, bytes) else str(data)
    try:
        book = fastexcel.read_excel(source)  # opened once: opening parses the workbook's shared strings
        present = set(book.sheet_names)
    except fastexcel.FastExcelError as error:
        raise ParseError(f"not a readable xlsx workbook: {error}") from error
    sheets = [name for name in (NEW_SHEET, OLD_SHEET) if name in present]
    if not sheets:
        raise ParseError(f"not an RPW workbook: no sheet named {NEW_SHEET!r} or {OLD_SHEET!r}")
    read = [frame for name in sheets if (frame := _read_sheet(book, name)) is not None]
    return _checked([observations(frame) for frame in read])


def _read_sheet(book: fastexcel.ExcelReader, name: str) -> pl.DataFrame | None:
    """One dataset sheet (None if it has no columns at all), only the columns the contract reads (a third
    of the release's are helpers), everything as text: quarters differ in what is a number, a date or a
    string. Rows empty in all of them are dropped, as ``pl.read_excel`` drops empty rows."""
    try:
        sheet = book.load_sheet(name, use_columns=lambda column: _key(column.name) in READ, dtypes="string")
    except fastexcel.FastExcelError as error:
        raise ParseError(f"sheet {name!r} cannot be read: {error}") from error
    if not sheet.available_columns():
        return None
    frame = pl.DataFrame(sheet)
    return frame.filter(~pl.all_horizontal(pl.all().is_null())) if frame.width else frame


def parse_rpw_csv(data: bytes) -> pl.DataFrame:
    """A CSV export of an RPW dataset sheet (either layout) -> contract frame."""
    frame = pl.read_csv(io.BytesIO(data), infer_schema=False, encoding="utf8-lossy", raise_if_empty=False,
                        truncate_ragged_lines=True)
    return _checked([observations(frame)] if frame.width else [])


def parse_rpw(path: Path | str) -> pl.DataFrame:
    """Parse an RPW file, choosing the format by its suffix (.xlsx/.xlsm/.xls or .csv)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm", ".xls"}:
        return parse_rpw_xlsx(path)
    if suffix == ".csv":
        return parse_rpw_csv(path.read_bytes())
    raise ValueError(f"unsupported RPW file type: {path.name}")
