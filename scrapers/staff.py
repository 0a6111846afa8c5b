"""Staff observations (mystery shopping): a CSV of priced transfers in, raw quotes out.

Columns (header row required, any order, `,` or `;` separated, UTF-8; a decimal comma is accepted):

| column | required | meaning |
|---|---|---|
| provider | yes | the operator's name as seen at the counter or in the app |
| source_country | yes | sending country, ISO alpha-2 or alpha-3 (FR, FRA) |
| destination_country | yes | receiving country (SN, SEN) |
| send_currency | no | defaults to the sending country's currency |
| receive_currency | no | defaults to the receiving country's currency |
| amount | yes | amount sent, before the fee, in the send currency |
| fee | yes | fee charged on top, in the send currency (0 if none) |
| rate | if transparent | receive units per send unit the provider applied |
| payin | no | how the sender pays: cash, bank account, debit card, credit card, mobile money |
| payout | no | how the family is paid: cash, bank account, mobile wallet |
| speed | no | less than one hour, same day, next day, 2 days, 3-5 days, 6 days or more |
| transparent | no | yes/no (oui/non): did the provider show its rate? default yes |
| observed_at | yes | when: 2026-11-20 or 2026-11-20T14:30 (UTC unless an offset is given) |
| note | no | free text |

``parse_observations`` never drops a row: a value it cannot read is named in ``problem``.
"""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import polars as pl

from basics.vocabulary import Payin, Payout, Speed
from scrapers.base import RAW_QUOTE
from scrapers.errors import ParseError

COLUMNS = ("provider", "source_country", "destination_country", "send_currency", "receive_currency", "amount",
           "fee", "rate", "payin", "payout", "speed", "transparent", "observed_at", "note")
REQUIRED = ("provider", "source_country", "destination_country", "amount", "fee", "observed_at")
_YES = {"yes", "y", "oui", "o", "true", "1"}
_NO = {"no", "n", "non", "false", "0"}


def _number(text: str, column: str, problems: list[str]) -> Decimal | None:
    if not text:
        return None
    cleaned = text.replace("\u00a0", "").replace(" ", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        problems.append(f"{column} is not a number: {text!r}")
        return None
    if not value.is_finite():
        problems.append(f"{column} is not a number: {text!r}")
        return None
    return value


def _moment(text: str, problems: list[str]) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace(" ", "T", 1) if len(text) > 10 else text)
    except ValueError:
        problems.append(f"observed_at is not a date (YYYY-MM-DD[THH:MM]): {text!r}")
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _speed(text: str, problems: list[str]) -> str | None:
    if not text:
        return None
    found = Speed.from_text(text)
    if found is Speed.unknown:
        problems.append(f"speed is not one of the RPW speeds: {text!r}")
        return None
    return found.value


def _transparent(text: str, problems: list[str]) -> bool | None:
    lowered = text.strip().lower()
    if not lowered:
        return True
    if lowered in _YES or lowered in _NO:
        return lowered in _YES
    problems.append(f"transparent is not yes/no: {text!r}")
    return None


def observation_row(values: dict[str, str], line: int) -> dict[str, Any]:
    """One observation (CSV row or staff form) -> a raw quote row with its problems named."""
    values = {key: (values.get(key) or "").strip() for key in COLUMNS}
    problems = [f"{column} is missing" for column in REQUIRED if not values[column]]
    rate = _number(values["rate"], "rate", problems)
    transparent = _transparent(values["transparent"], problems)
    if transparent and rate is None and values["rate"] == "":
        problems.append("rate is missing (required when the provider showed its rate)")
    row = {
        "provider_name": values["provider"] or None,
        "source_country": values["source_country"] or None,
        "destination_country": values["destination_country"] or None,
        "send_currency": values["send_currency"].upper() or None,
        "receive_currency": values["receive_currency"].upper() or None,
        "amount": _number(values["amount"], "amount", problems),
        "fee": _number(values["fee"], "fee", problems),
        "rate": rate,
        "payin": Payin.codes(values["payin"]) if values["payin"] else None,
        "payout": Payout.from_text(values["payout"]).value if values["payout"] else None,
        "speed": _speed(values["speed"], problems),
        "transparent": transparent,
        "observed_at": _moment(values["observed_at"], problems),
        "note": values["note"] or None,
        "source_row": line,
    }
    # The same observation entered twice is one quote: the key is everything that describes it.
    identity = "|".join(values[c].lower() for c in COLUMNS if c != "note")
    row["natural_key"] = hashlib.sha256(identity.encode()).hexdigest()[:32]
    row["problem"] = "; ".join(problems) or None
    return row


def parse_observations(data: bytes) -> pl.DataFrame:
    """Parse a staff CSV (see module doc) into ``RAW_QUOTE`` rows, in file order."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(f"the file is not UTF-8 text: {exc}") from None
    first = text.split("\n", 1)[0]
    reader = csv.DictReader(io.StringIO(text), delimiter=";" if first.count(";") > first.count(",") else ",")
    headers = {(h or "").strip().lower() for h in reader.fieldnames or []}
    if missing := [c for c in REQUIRED if c not in headers]:
        raise ParseError(f"the header row lacks column(s) {', '.join(missing)}")
    rows = [
        observation_row({(k or "").strip().lower(): v or "" for k, v in record.items() if isinstance(v, str)}, line)
        for line, record in enumerate(reader, start=2)
        if any((v or "").strip() for v in record.values() if isinstance(v, str))
    ]
    if not rows:
        raise ParseError("the file holds a header but no observation")
    return pl.DataFrame(rows, schema={**RAW_QUOTE}).select(list(RAW_QUOTE))
