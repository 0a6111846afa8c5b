"""French and English: Babel catalogues compiled in memory at start-up, the request's locale, formats."""

from __future__ import annotations

import gettext
from collections.abc import Callable
from contextvars import ContextVar
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache
from io import BytesIO
from typing import NamedTuple

from babel.dates import format_date
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, get_currency_precision

from app.settings import PROJECT_ROOT

LOCALES = ("fr", "en")
DEFAULT_LOCALE = "fr"
LOCALE_DIR = PROJECT_ROOT / "app" / "locales"
current_locale: ContextVar[str] = ContextVar("current_locale", default=DEFAULT_LOCALE)
# Francs CFA are written "FCFA" by the people who use them, in both languages.
CFA = {"XOF", "XAF"}


def catalog(locale: str) -> Catalog:
    """Every `*.po` file of the locale merged into one catalogue (one file per part of the app keeps edits apart)."""
    merged = Catalog(locale=locale)
    for po_path in sorted((LOCALE_DIR / locale / "LC_MESSAGES").glob("*.po")):
        with po_path.open("rb") as po:
            for message in read_po(po, locale=locale):
                if message.id and message.id not in merged:
                    merged[message.id] = message
    return merged


@lru_cache(maxsize=len(LOCALES))
def translations(locale: str) -> gettext.NullTranslations:
    merged = catalog(locale)
    if not len(merged):
        return gettext.NullTranslations()
    buffer = BytesIO()
    write_mo(buffer, merged)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def _(message: str, **values: object) -> str:
    text = translations(current_locale.get()).gettext(message)
    return text % values if values else text


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "translate later"
    """Marks a message for the catalogue where it is defined; `_()` translates it where it is shown."""
    return message


def ngettext(singular: str, plural: str, n: int, **values: object) -> str:
    text = translations(current_locale.get()).ngettext(singular, plural, n)
    return text % ({"num": n} | values)


def negotiate(accept_language: str | None) -> str:
    """Pick fr or en from an Accept-Language header, by quality; French when nothing matches."""
    if not accept_language:
        return DEFAULT_LOCALE
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        language = tag.strip().lower().split("-")[0]
        if language in LOCALES and quality > 0:
            ranked.append((-quality, position, language))
    return sorted(ranked)[0][2] if ranked else DEFAULT_LOCALE


def _babel_locale(locale: str) -> str:
    return "fr_FR" if locale == "fr" else "en_GB" if locale == "en-GB" else "en_US"


# Babel formats a number in about 0.1 ms, and a page of offers needs hundreds. The shape of a format (what
# comes before the digits, the group and decimal separators, the places, what comes after) is learnt once
# from Babel's own rendering of a probe, then applied with string operations: the same text (a test
# compares them). Negative values have their own shape; a negative that rounds to zero and non-finite
# values go to Babel.
PROBE_WHOLE = 1234567


class _Shape(NamedTuple):
    prefix: str
    group: str
    decimal: str
    places: int
    suffix: str

    def apply(self, value: Decimal) -> str:
        """``value`` (not negative) in this shape."""
        return f"{self.prefix}{self.writer()(value)}{self.suffix}"

    def writer(self) -> Callable[[Decimal], str]:
        """The digits of a value that is not negative, grouped and with this shape's separators (no prefix or
        suffix): Python's own grouping of the value rounded half-even, the separators swapped."""
        return _digits_writer(self.places, self.group, self.decimal)


@lru_cache(maxsize=64)
def _digits_writer(places: int, group: str, decimal: str) -> Callable[[Decimal], str]:
    exponent = Decimal(1).scaleb(-places)
    if places > 6:  # str() of such a rounded zero has an exponent ("0E-7"): Python's own grouping
        table = str.maketrans({",": group, ".": decimal})
        return lambda value: format(value.quantize(exponent, rounding=ROUND_HALF_EVEN).copy_abs(), ",f").translate(
            table)
    # str() of a value rounded to at most 6 places is its plain digits (quicker than format(..., ",f")); the
    # integer part grouped by threes here, the sign dropped (a -0 rounds to "0": the shape's digits carry none)
    cut = -places - 1

    def write(value: Decimal) -> str:
        text = str(value.quantize(exponent, ROUND_HALF_EVEN))
        if text[0] == "-":
            text = text[1:]
        whole, fraction = (text[:cut], text[cut + 1:]) if places else (text, "")
        size = len(whole)
        if size > 3:
            if size <= 6:
                whole = f"{whole[:-3]}{group}{whole[-3:]}"
            elif size <= 9:
                whole = f"{whole[:-6]}{group}{whole[-6:-3]}{group}{whole[-3:]}"
            else:
                head = size % 3 or 3
                whole = group.join([whole[:head], *(whole[i:i + 3] for i in range(head, size, 3))])
        return f"{whole}{decimal}{fraction}" if places else whole

    return write


def _learn(rendered: str, places: int, sign: int = 1) -> _Shape | None:
    """The shape of ``rendered`` = the probe ±1234567.(places digits); None when it is not that simple."""
    fraction = "123456789"[:places]
    first, last = rendered.find("1"), max(rendered.rfind(d) for d in "0123456789")
    core = rendered[first:last + 1] if first >= 0 else ""
    digits = "".join(c for c in core if c.isdigit())
    if digits != f"{PROBE_WHOLE}{fraction}" or len(core) < 9:
        return None
    group, decimal = core[1], (core[-places - 1] if places else "")
    shape = _Shape(rendered[:first], group, decimal, places, rendered[last + 1:])
    return shape if shape.apply(Decimal(f"{PROBE_WHOLE}.{fraction}" if places else PROBE_WHOLE)) == rendered \
        else None


def _probe(places: int, sign: int) -> Decimal:
    return sign * (Decimal(f"{PROBE_WHOLE}.{'123456789'[:places]}") if places else Decimal(PROBE_WHOLE))


@lru_cache(maxsize=128)
def _number_shape(places: int, locale: str, sign: int = 1) -> _Shape | None:
    pattern = f"#,##0.{'0' * places}" if places else "#,##0"
    return _learn(format_decimal(_probe(places, sign), format=pattern, locale=locale), places, sign)


@lru_cache(maxsize=512)
def _money_shape(currency: str, locale: str, sign: int = 1) -> _Shape | None:
    places = get_currency_precision(currency)
    return _learn(format_currency(_probe(places, sign), currency, locale=locale), places, sign)


def _fast(value: Decimal, shape: Callable[[int], _Shape | None]) -> str | None:
    if not value.is_finite():
        return None
    if value >= 0:
        found = shape(1)
        return found.apply(value) if found is not None else None
    found = shape(-1)
    text = found.apply(-value) if found is not None else None
    # a negative that rounds to zero is Babel's to write
    return text if text is not None and any(c in "123456789" for c in text) else None


def fmt_date(value: date | datetime | None, locale: str | None = None) -> str:
    """'20 novembre 2026' / '20 November 2026': a day in words, for what people keep (certificates, missions)."""
    if value is None:
        return ""
    day = value.date() if isinstance(value, datetime) else value
    return format_date(day, "d MMMM y", locale=_babel_locale(locale or current_locale.get()))


def fmt_number(value: Decimal | int | None, digits: int = 2, locale: str | None = None) -> str:
    if value is None:
        return "—"
    babel_locale = _babel_locale(locale or current_locale.get())
    number = Decimal(value)
    return _fast(number, lambda sign: _number_shape(digits, babel_locale, sign)) or format_decimal(
        number, format=f"#,##0.{'0' * digits}" if digits else "#,##0", locale=babel_locale)


def fmt_money(amount: Decimal | int | None, currency: str, locale: str | None = None) -> str:
    """`1 234,56 €` in French, `€1,234.56` in English, `65 596 FCFA` for the CFA francs."""
    if amount is None:
        return "—"
    loc = locale or current_locale.get()
    if currency in CFA:
        return f"{fmt_number(amount, 0, loc)}\u00a0FCFA"
    value = Decimal(amount)
    return _fast(value, lambda sign: _money_shape(currency, _babel_locale(loc), sign)) or format_currency(
        value, currency, locale=_babel_locale(loc))


def fmt_pct(value: Decimal | None, locale: str | None = None) -> str:
    if value is None:
        return "—"
    return f"{fmt_number(value, 2, locale)}\u00a0%" if (locale or current_locale.get()) == "fr" \
        else f"{fmt_number(value, 2, locale)}%"


def money_formatter(currency: str, locale: str | None = None) -> Callable[[Decimal | None], str]:
    """``fmt_money`` for one currency and language, as a function for long tables: the shape is looked up
    once, and each amount costs a rounding and a few string operations (the same text as ``fmt_money``)."""
    loc = locale or current_locale.get()
    if currency in CFA:
        shape, suffix = _number_shape(0, _babel_locale(loc), 1), "\u00a0FCFA"
    else:
        shape, suffix = _money_shape(currency, _babel_locale(loc), 1), ""
    if shape is None:
        return lambda amount: fmt_money(amount, currency, loc)
    prefix, digits, end = shape.prefix, shape.writer(), shape.suffix + suffix

    def write(amount: Decimal | None) -> str:
        if amount is None or not amount.is_finite() or amount < 0:
            return fmt_money(amount, currency, loc)
        return f"{prefix}{digits(amount)}{end}"

    return write


def pct_formatter(locale: str | None = None) -> Callable[[Decimal | None], str]:
    """``fmt_pct`` for one language, as a function for long tables (the same text)."""
    loc = locale or current_locale.get()
    shape = _number_shape(2, _babel_locale(loc), 1)
    if shape is None:
        return lambda value: fmt_pct(value, loc)
    sign = "\u00a0%" if loc == "fr" else "%"
    prefix, digits, end = shape.prefix, shape.writer(), shape.suffix + sign

    def write(value: Decimal | None) -> str:
        if value is None or not value.is_finite() or value < 0:
            return fmt_pct(value, loc)
        return f"{prefix}{digits(value)}{end}"

    return write
