"""The one place where text from a request becomes a number: money, amounts, counts, pages, ids and days.

Every parser is bounded before any arithmetic (length, digits, places, range), reads only ASCII digits
(`str.isdigit()` accepts "²", which `int()` refuses) and answers a translated `BadInput` naming the field;
ids that could never have been issued are `None` (the caller's 404), never an overflow in the database.

What a tired person types is accepted:
- spaces of any kind, apostrophes and, in the cases below, dots or commas group thousands:
  `1 234,56`, `1234.56`, `1.234,56`, `1,234.56`, `12'500`, `10 000`;
- a lone `,` or `.` is the decimal mark (`12,5` is twelve and a half), except where the field allows
  fewer than three decimals and exactly three digits follow it: then it groups thousands
  (`1.500` FCFA or `1,500` € are fifteen hundred, as people write them);
- the field's currency before or after the number (`200 €`, `€200`, `5 000 FCFA`, `50 EUR`); any other
  currency is refused rather than silently converted;
- `+` and a trailing decimal mark (`200.`).

Refused, with the field's message: exponents (`1e3`, `1E+20`), `NaN`, `Infinity`, non-ASCII digits,
more than 48 characters, more digits than the bounds allow, more decimals than the field has places,
groups that are not of three digits (`12 34`), and anything outside [minimum, maximum].
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from litestar.types import ASGIApp, Receive, Scope, Send

from app.errors import BadInput, NotFound
from app.i18n import _, fmt_number
from app.models.base import MAX_ID

MAX_TEXT = 48  # longer than any number a person types, short enough to refuse "0.000…0001" outright
MAX_PAGE = 10_000

EARLIEST_DAY, LATEST_DAY = date(2000, 1, 1), date(2100, 12, 31)  # any day a form of this app can mean
_DMY = re.compile(r"([0-9]{1,2})[/.\-]([0-9]{1,2})[/.\-]([0-9]{4})")  # 01/03/2027, 1.3.2027, 01-03-2027: day first
_YMD = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")  # 2027-03-01, as a date field sends it
_GROUPING = " \u00a0\u202f\u2009'\u2019"  # spaces, no-break and thin spaces, apostrophes
_SHAPE = re.compile(r"[0-9][0-9., ]*|[.,][0-9]+")  # ASCII digits only: "²" and "٣" are not numbers here
_FRACTION = re.compile(r"[0-9]*")
_GROUPS = re.compile(r"[1-9][0-9]{0,2}(?:,[0-9]{3})*")
_MARKERS: dict[str, tuple[str, ...]] = {
    "EUR": ("€", "eur", "euro", "euros"),
    "XOF": ("fcfa", "f cfa", "cfa", "f", "xof"),
    "XAF": ("fcfa", "f cfa", "cfa", "f", "xaf"),
    "USD": ("$", "us$", "usd"),
    "GBP": ("£", "gbp"),
    "CAD": ("$", "ca$", "cad"),
    "CHF": ("chf", "fr."),
}


def _markers(currency: str | None) -> tuple[str, ...]:
    if not currency:
        return ()
    found = (*_MARKERS.get(currency.upper(), ()), currency.lower())
    return tuple(sorted(set(found), key=len, reverse=True))  # "f cfa" before "cfa" before "f"


def _without_currency(text: str, currency: str | None) -> str:
    lowered = text.lower()
    for marker in _markers(currency):
        if lowered.endswith(marker) and len(lowered) > len(marker):
            return text[: -len(marker)].strip()
        if lowered.startswith(marker) and len(lowered) > len(marker):
            return text[len(marker):].strip()
    return text


def _digits(text: str, places: int) -> tuple[str, str] | None:
    """(whole digits, fraction digits) of a plain number with optional grouping, or None if it is not one."""
    for mark in _GROUPING:
        text = text.replace(mark, " ")
    if not _SHAPE.fullmatch(text):
        return None
    dots, commas = text.count("."), text.count(",")
    if dots and commas:
        decimal_mark = "." if text.rfind(".") > text.rfind(",") else ","
    elif dots + commas == 1:
        decimal_mark = "." if dots else ","
        before, _sep, after = text.partition(decimal_mark)
        if places < 3 and len(after) == 3 and before.strip()[:1] in "123456789":
            decimal_mark = ""  # "1.500" FCFA, "1,500" €: thousands, since the field has no third decimal
    else:
        decimal_mark = ""  # none, or several of one kind: they group thousands
    if decimal_mark and text.count(decimal_mark) > 1:
        return None
    whole, _sep, fraction = text.partition(decimal_mark) if decimal_mark else (text, "", "")
    grouped = re.sub(r"[., ]", ",", whole.strip())
    if "," in grouped and not _GROUPS.fullmatch(grouped):
        return None
    if not _FRACTION.fullmatch(fraction) or not (grouped or fraction):
        return None
    return grouped.replace(",", ""), fraction


def _shown(bound: Decimal) -> str:
    exponent = bound.normalize().as_tuple().exponent
    return fmt_number(bound, max(0, -exponent) if isinstance(exponent, int) else 0)


def parse_decimal(raw: object, *, field: str, places: int, minimum: Decimal, maximum: Decimal,
                  currency: str | None = None, invalid: str | None = None,
                  out_of_bounds: str | None = None, too_small: str | None = None,
                  too_large: str | None = None) -> Decimal:
    """A decimal within [minimum, maximum] with at most `places` decimals, exactly as typed (never an exponent).

    `invalid` replaces the generic "please enter a number" message (e.g. with an example fitting the field),
    `out_of_bounds` the "at least"/"at most" ones (e.g. "a campaign lasts between 1 and 60 days"), `too_small`
    the "at least" one alone (e.g. "the minimum pledge for this project is 20 €"), `too_large` the "at most" one alone.
    """
    text = "" if raw is None else str(raw).strip()
    example = "200" if places else "50"
    not_a_number = invalid or (_("Please enter a number, for example %(example)s.", example=example) if places
                               else _("Please enter a whole number, for example %(example)s.", example=example))
    if not text or len(text) > MAX_TEXT:
        raise BadInput(not_a_number, field=field)
    text = _without_currency(text, currency)
    negative = text[:1] in ("-", "\u2212")
    if text[:1] in ("-", "\u2212", "+"):
        text = text[1:].strip()
    parts = _digits(text, places)
    if parts is None:
        raise BadInput(not_a_number, field=field)
    whole, fraction = parts[0].lstrip("0"), parts[1]
    if len(fraction.rstrip("0")) > places:
        raise BadInput(not_a_number if places == 0 else _("Please use at most one digit after the decimal mark.")
                       if places == 1 else _("Please use at most %(places)s digits after the decimal mark.",
                                             places=places), field=field)
    value = Decimal(f"{'-' if negative else ''}{whole or '0'}.{fraction or '0'}") if fraction \
        else Decimal(f"{'-' if negative else ''}{whole or '0'}")
    if value < minimum:
        if value <= 0 < minimum and places and out_of_bounds is None:
            raise BadInput(_("The amount must be more than zero."), field=field)
        raise BadInput(too_small or out_of_bounds or _("Please enter at least %(minimum)s.",
                                                       minimum=_shown(minimum)), field=field)
    if value > maximum:
        raise BadInput(too_large or out_of_bounds or _("Please enter at most %(maximum)s.", maximum=_shown(maximum)),
                       field=field)
    return value


def parse_int(raw: object, *, field: str, minimum: int, maximum: int, invalid: str | None = None,
              out_of_bounds: str | None = None) -> int:
    """A whole number within [minimum, maximum] (`1 200` is accepted; `²`, `1.5` and `1e3` are not)."""
    return int(parse_decimal(raw, field=field, places=0, minimum=Decimal(minimum), maximum=Decimal(maximum),
                             invalid=invalid, out_of_bounds=out_of_bounds))


def parse_page(raw: object, *, field: str = "page", maximum: int = MAX_PAGE) -> int:
    """A page number: absent or empty is the first page."""
    if raw is None or str(raw).strip() == "":
        return 1
    return parse_int(raw, field=field, minimum=1, maximum=maximum,
                     invalid=_("Please give a page number, for example 2."))


def parse_id(raw: object) -> int | None:
    """The id a link or form carries, or None when it cannot name a row (the caller answers 404)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if 0 < raw <= MAX_ID else None
    text = "" if raw is None else str(raw).strip()
    if not text.isascii() or not text.isdecimal() or len(text) > len(str(MAX_ID)):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


def id_bounds_middleware(app: ASGIApp) -> ASGIApp:
    """An `{x:int}` in a path that no row can have (beyond MAX_ID, negative) is a 404 before any handler runs.

    Routing has parsed the path parameters by then, so this covers every route, present and future.
    """

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        for value in (scope.get("path_params") or {}).values():
            if isinstance(value, int) and not isinstance(value, bool) and not 0 <= value <= MAX_ID:
                raise NotFound(_("We could not find this page. It may have moved, or the address may be mistyped."))
        await app(scope, receive, send)

    return middleware


def parse_date(raw: object, *, field: str, earliest: date = EARLIEST_DAY, latest: date = LATEST_DAY,
               invalid: str | None = None) -> date:
    """A day as a date field sends it (2027-03-01) or as people write it, day first (01/03/2027, 1.3.2027),
    within [earliest, latest]; anything else (31/02, 2027-13-45, a year 99999) is the field's `BadInput`."""
    text = "" if raw is None else str(raw).strip()
    message = invalid or _("Please give a date such as 2027-03-01.")
    found = _YMD.fullmatch(text) if len(text) <= 10 else None
    dmy = _DMY.fullmatch(text) if found is None and len(text) <= 10 else None
    try:
        if found is not None:
            day = date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
        elif dmy is not None:
            day = date(int(dmy.group(3)), int(dmy.group(2)), int(dmy.group(1)))
        else:
            raise BadInput(message, field=field)
    except ValueError:
        raise BadInput(message, field=field) from None
    if not earliest <= day <= latest:
        raise BadInput(_("Please give a date between %(earliest)s and %(latest)s.", earliest=earliest.isoformat(),
                         latest=latest.isoformat()), field=field)
    return day
