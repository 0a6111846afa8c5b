"""Wise comparison API v4 (``GET https://api.wise.com/v4/comparisons/``): a pure parser.

One row per quote kept, columns:

- ``provider_alias``, ``provider_name``, ``provider_type`` (str): as Wise names the provider
  (resolve the alias with ``providers.resolve("wise", alias)``);
- ``send_currency``, ``receive_currency`` (str), ``source_country`` (str|null),
  ``target_country`` (str|null: the quote's own, or the requested one for a quote valid for every
  country of the currency);
- ``amount`` (Decimal): what is converted; ``fee`` (Decimal): charged on top, in the send currency;
  ``rate`` (Decimal): receive units per send unit; ``markup_pct`` (Decimal|null): Wise's markup
  over mid-market, in %;
- ``wise_received_amount`` (Decimal|null): Wise's ``receivedAmount``, kept only for reference:
  Wise takes the fee out of the amount ((amount - fee) × rate), whereas Passerelle, like the
  World Bank, puts it on top (the sender pays amount + fee, the family gets amount × rate);
- ``observed_at`` (Datetime UTC): ``dateCollected``;
- ``delivery_min``, ``delivery_max`` (Duration|null), ``speed`` (str|null, see ``Speed.from_duration``);
- ``payin``, ``payout``: always "bank_account", the only channel Wise compares.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import polars as pl

from basics.vocabulary import Payout, Speed
from scrapers.errors import ParseError
from scrapers.reference_rates import RATE_DTYPE

BANK_ACCOUNT = Payout.bank_account.value  # the only channel Wise compares, pay-in and payout alike
MONEY_DTYPE = pl.Decimal(38, 8)
SCHEMA: dict[str, pl.DataType] = {
    "provider_alias": pl.String(),
    "provider_name": pl.String(),
    "provider_type": pl.String(),
    "send_currency": pl.String(),
    "receive_currency": pl.String(),
    "source_country": pl.String(),
    "target_country": pl.String(),
    "amount": MONEY_DTYPE,
    "fee": MONEY_DTYPE,
    "rate": RATE_DTYPE,
    "markup_pct": RATE_DTYPE,
    "wise_received_amount": MONEY_DTYPE,
    "observed_at": pl.Datetime("us", "UTC"),
    "delivery_min": pl.Duration("us"),
    "delivery_max": pl.Duration("us"),
    "speed": pl.String(),
    "payin": pl.String(),
    "payout": pl.String(),
}

_NUMBER = r"(\d+(?:[.,]\d+)?)"
_DURATION = re.compile(
    rf"P(?:{_NUMBER}W)?(?:{_NUMBER}D)?(?:T(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?"
)
_MICROSECONDS = (604_800_000_000, 86_400_000_000, 3_600_000_000, 60_000_000, 1_000_000)


def parse_iso8601_duration(text: str) -> timedelta:
    """``PT2H``, ``P1D``, ``PT20H36M3.5S``, ``P2DT3H``, ``P1W`` → timedelta (to the microsecond).

    Years and months have no fixed length and are refused, like anything else that is not
    ``PnWnDTnHnMnS``; raises ValueError.
    """
    match = _DURATION.fullmatch(text.strip())
    parts = match.groups() if match else ()
    if not any(parts) or text.strip().endswith("T"):
        raise ValueError(f"{text!r} is not an ISO 8601 duration of the form PnWnDTnHnMnS")
    micro = sum(
        (Decimal(part.replace(",", ".")) * unit for part, unit in zip(parts, _MICROSECONDS, strict=True)
         if part),
        Decimal(0),
    )
    return timedelta(microseconds=int(micro.to_integral_value(ROUND_HALF_EVEN)))


def _speed(longest: timedelta | None) -> str | None:
    speed = Speed.from_duration(longest)
    return None if speed is None else speed.value


def _load(data: bytes) -> dict[str, Any]:
    head = data[:512].lstrip()
    if not head:
        raise ParseError("an empty answer where Wise JSON was expected")
    if head.startswith(b"<"):
        raise ParseError("an HTML page where Wise JSON was expected")
    try:
        document = json.loads(data, parse_float=Decimal)
    except UnicodeDecodeError as exc:
        raise ParseError(f"Wise answer is not UTF-8: {exc}") from None
    except json.JSONDecodeError as exc:
        raise ParseError(f"Wise JSON is truncated or invalid at line {exc.lineno} column {exc.colno}: "
                         f"{exc.msg}") from None
    if not isinstance(document, dict):
        raise ParseError(f"Wise JSON should be an object, not {type(document).__name__}")
    if "errors" in document and "providers" not in document:
        raise ParseError(f"Wise answered with errors: {document['errors']!r}")
    return document


def _required(obj: Mapping[str, Any], name: str, where: str) -> Any:
    if name not in obj:
        raise ParseError(f"{where}: missing required field {name!r}")
    if obj[name] is None:
        raise ParseError(f"{where}: required field {name!r} is null")
    return obj[name]


def _text(obj: Mapping[str, Any], name: str, where: str) -> str:
    value = _required(obj, name, where)
    if not isinstance(value, str) or not value.strip():
        raise ParseError(f"{where}: field {name!r} should be a non-empty string, not {value!r}")
    return value.strip()


def _decimal(value: Any, name: str, where: str, places: int) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise ParseError(f"{where}: field {name!r} should be a number, not {value!r}")
    number = Decimal(value)
    if not number.is_finite() or number != number.quantize(Decimal(1).scaleb(-places)):
        raise ParseError(f"{where}: field {name!r} = {value} has more than {places} decimal places")
    return number


def _duration(value: Any, name: str, where: str) -> timedelta | None:
    if value is None:
        return None
    try:
        return parse_iso8601_duration(str(value))
    except ValueError as exc:
        raise ParseError(f"{where}: {name}: {exc}") from None


def _timestamp(value: Any, where: str) -> datetime:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise ParseError(f"{where}: dateCollected {value!r} is not an ISO 8601 timestamp") from None
    # Wise's timestamps are UTC ("Z"); one without an offset is read the same way.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _quote_row(quote: Any, where: str) -> dict[str, Any]:
    if not isinstance(quote, dict):
        raise ParseError(f"{where}: should be an object")
    rate = _decimal(_required(quote, "rate", where), "rate", where, 18)
    if rate is None or rate <= 0:
        raise ParseError(f"{where}: rate {rate} should be positive")
    estimation = quote.get("deliveryEstimation") or {}
    durations = (estimation.get("duration") or {}) if isinstance(estimation, dict) else {}
    if not isinstance(durations, dict):
        raise ParseError(f"{where}: deliveryEstimation.duration should be an object")
    delivery_min = _duration(durations.get("min"), "deliveryEstimation.duration.min", where)
    delivery_max = _duration(durations.get("max"), "deliveryEstimation.duration.max", where)
    return {
        "source_country": quote.get("sourceCountry"),
        "target_country": quote.get("targetCountry"),
        "fee": _decimal(_required(quote, "fee", where), "fee", where, 8),
        "rate": rate,
        "markup_pct": _decimal(quote.get("markup"), "markup", where, 18),
        "wise_received_amount": _decimal(quote.get("receivedAmount"), "receivedAmount", where, 8),
        "observed_at": _timestamp(_required(quote, "dateCollected", where), where),
        "delivery_min": delivery_min,
        "delivery_max": delivery_max,
        "speed": _speed(delivery_max if delivery_max is not None else delivery_min),
    }


def _kept(rows: list[dict[str, Any]], target_country: str | None) -> list[dict[str, Any]]:
    """A provider's quotes for ``target_country`` or for none; a specific quote beats a generic one."""
    if target_country is None:
        return rows
    wanted = target_country.upper()
    specific = [row for row in rows if (row["target_country"] or "").upper() == wanted]
    generic = [{**row, "target_country": wanted} for row in rows if not row["target_country"]]
    return specific or generic


def parse_comparison(data: bytes, *, target_country: str | None) -> pl.DataFrame:
    """Parse one comparison answer; keep only quotes for ``target_country`` (alpha-2) or for none.

    XOF is the currency of eight countries: a France→Senegal collector passes ``"SN"`` so quotes
    for Mali or Côte d'Ivoire never pass as Senegal's. Every quote is validated, kept or not, so
    a change of format shows up whatever the corridor. Raises :class:`ParseError`.
    """
    document = _load(data)
    top = "Wise JSON"
    send_currency = _text(document, "sourceCurrency", top)
    receive_currency = _text(document, "targetCurrency", top)
    amount_type = _text(document, "amountType", top)
    if amount_type != "SEND":
        raise ParseError(f"{top}: amountType {amount_type!r}; collectors ask with sendAmount (SEND)")
    amount = _decimal(_required(document, "amount", top), "amount", top, 8)
    providers = _required(document, "providers", top)
    if not isinstance(providers, list):
        raise ParseError(f"{top}: field 'providers' should be a list")
    rows: list[dict[str, Any]] = []
    for index, provider in enumerate(providers):
        where = f"providers[{index}]"
        if not isinstance(provider, dict):
            raise ParseError(f"{where}: should be an object")
        alias = _text(provider, "alias", where)
        where = f"provider {alias!r}"
        identity = {
            "provider_alias": alias,
            "provider_name": _text(provider, "name", where),
            "provider_type": _text(provider, "type", where),
            "send_currency": send_currency,
            "receive_currency": receive_currency,
            "amount": amount,
            "payin": BANK_ACCOUNT,
            "payout": BANK_ACCOUNT,
        }
        quotes = _required(provider, "quotes", where)
        if not isinstance(quotes, list):
            raise ParseError(f"{where}: field 'quotes' should be a list")
        parsed = [_quote_row(quote, f"{where} quotes[{number}]") for number, quote in enumerate(quotes)]
        for row in _kept(parsed, target_country):
            row["source_country"] = row["source_country"] or document.get("sourceCountry")
            rows.append({**identity, **row})
    if not rows:
        wanted = f" for target country {target_country}" if target_country else ""
        raise ParseError(f"Wise JSON holds no quote{wanted}")
    return pl.DataFrame(rows, schema=SCHEMA)
