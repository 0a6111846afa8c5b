"""French and English: Babel catalogues compiled in memory at start-up, the request's locale, formats."""

from __future__ import annotations

import gettext
from contextvars import ContextVar
from decimal import Decimal
from functools import lru_cache
from io import BytesIO

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal

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


def fmt_number(value: Decimal | int | None, digits: int = 2, locale: str | None = None) -> str:
    if value is None:
        return "—"
    return format_decimal(Decimal(value), format=f"#,##0.{'0' * digits}" if digits else "#,##0",
                          locale=_babel_locale(locale or current_locale.get()))


def fmt_money(amount: Decimal | int | None, currency: str, locale: str | None = None) -> str:
    """`1 234,56 €` in French, `€1,234.56` in English, `65 596 FCFA` for the CFA francs."""
    if amount is None:
        return "—"
    loc = locale or current_locale.get()
    if currency in CFA:
        return f"{fmt_number(amount, 0, loc)}\u00a0FCFA"
    return format_currency(Decimal(amount), currency, locale=_babel_locale(loc))


def fmt_pct(value: Decimal | None, locale: str | None = None) -> str:
    if value is None:
        return "—"
    return f"{fmt_number(value, 2, locale)}\u00a0%" if (locale or current_locale.get()) == "fr" \
        else f"{fmt_number(value, 2, locale)}%"
