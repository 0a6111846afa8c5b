"""What every operation of the JSON API (`/api/v1/…`) shares: how its parameters are checked, how decimals
and times are written, and the answers the OpenAPI schema documents.

The API is for programs, so a parameter is held to the shape its schema states (`pattern`, `enum`,
`maxLength`): what the schema allows is answered (200, or 404 when it names nothing we have), what it
does not allow is a 400 naming the field, in the caller's language. The forms of the site stay lenient
(``app.numbers`` reads what a tired person types); the API checks the shape first, then uses the same parsers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, overload

from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter

from app.errors import BadInput
from app.i18n import _

COUNTRY = r"^[A-Za-z]{2,3}$"
CORRIDOR = r"^[A-Za-z]{2,3}-[A-Za-z]{2,3}$"
CURRENCY = r"^[A-Za-z]{3}$"
PERIOD = r"^[0-9]{4}(?:[Qq][1-4]|_[1-4][Qq])$"
# Amounts from 0.01 to the maximum, at most two decimals, no leading zero, no exponent: exactly the numbers
# the comparison prices (``app.comparison.offers.parse_amount`` checks the same bounds).
AMOUNT = r"^(?:[1-9][0-9]{0,5}(?:\.[0-9]{1,2})?|0\.(?:0[1-9]|[1-9][0-9]?)|1000000(?:\.00?)?)$"
RECEIVE = r"^(?:[1-9][0-9]{0,8}(?:\.[0-9]{1,2})?|0\.(?:0[1-9]|[1-9][0-9]?)|1000000000(?:\.00?)?)$"


@dataclass
class ErrorBody:
    """Every refusal of the API: the HTTP status, a message in the caller's language, the parameter at fault."""

    status: int
    error: str
    field: str | None = None


_DESCRIPTIONS = {
    302: "Redirect to the CSV twin of this table (`format=csv`)",
    400: "A parameter does not have the shape its schema states; `field` names it, `error` says why",
    404: "Well formed, but naming nothing we have (a corridor, a period, a project)",
    500: "Our fault: try again in a moment",
}


def answers(*statuses: int) -> dict[int, ResponseSpec]:
    """The documented answers of an operation besides its 200: the error body for each status given."""
    specs = {status: ResponseSpec(data_container=ErrorBody, description=_DESCRIPTIONS[status],
                                  generate_examples=False) for status in (*statuses, 500) if status != 302}
    if 302 in statuses:
        specs[302] = ResponseSpec(data_container=None, description=_DESCRIPTIONS[302], generate_examples=False)
    return specs


def pattern(regex: str, description: str, **kwargs: Any) -> Any:
    """A query or path parameter documented with its shape (checked by `check`, not by Litestar)."""
    return Parameter(description=description, schema_extra={"pattern": regex}, **kwargs)


def one_of(values: Iterable[str], description: str, **kwargs: Any) -> Any:
    return Parameter(description=description, schema_extra={"enum": list(values)}, **kwargs)


def check(value: str | None, regex: str, field: str, message: str) -> str | None:
    """`value` when present and of the documented shape (the whole of it), else a 400 naming `field`."""
    if value is None:
        return None
    if re.fullmatch(regex.strip("^$"), value) is None:
        raise BadInput(message, field=field)
    return value


def check_choice(value: str | None, values: Iterable[str], field: str) -> str | None:
    if value is None or value in values:
        return value
    raise BadInput(_("%(field)s must be one of: %(values)s.", field=field, values=", ".join(values)), field=field)


def check_length(value: str | None, most: int, field: str) -> str | None:
    if value is not None and len(value) > most:
        raise BadInput(_("%(field)s is limited to %(most)s characters.", field=field, most=most), field=field)
    return value


def plain(value: Decimal | None, places: Decimal | None = None) -> str | None:
    """A decimal as a JSON string without exponent ("200", "2.41"), at `places` when given."""
    if value is None:
        return None
    return str(value.quantize(places)) if places is not None else format(value.normalize(), "f")


@overload
def aware(moment: datetime) -> datetime: ...
@overload
def aware(moment: None) -> None: ...
def aware(moment: datetime | None) -> datetime | None:
    """A timestamp with its offset: SQLite hands back the UTC times it stored without one."""
    if moment is None:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
