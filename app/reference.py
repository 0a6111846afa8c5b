"""Countries and currencies from pycountry (names) and Babel (which currency a territory uses)."""

from __future__ import annotations

import gettext
import unicodedata
from functools import lru_cache

import pycountry
from babel.numbers import get_currency_precision, get_territory_currencies
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.models import Country, Currency

# Countries whose local currency Babel lists but which are paid out in another one in practice
# (DR Congo is commonly paid in USD) keep the official currency here; payout currency is per quote.


@lru_cache(maxsize=1)
def _french() -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"], fallback=True)


def country_names(alpha2: str) -> tuple[str, str]:
    country = pycountry.countries.get(alpha_2=alpha2)
    if country is None:
        raise LookupError(alpha2)
    english = getattr(country, "common_name", None) or country.name
    return english, _french().gettext(country.name)


@lru_cache(maxsize=512)
def _names(alpha2: str) -> tuple[str, str]:
    try:
        return country_names(alpha2)
    except LookupError:
        return alpha2, alpha2


def reading_order(name: str) -> str:
    """The key that sorts names as a reader looks them up: accents and case aside ("États-Unis" after
    "Espagne", before "France"), the same in every list of countries or languages."""
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).casefold()


def country_name(alpha2: str, locale: str | None = None) -> str:
    """The country's name as a person reads it, in the request's language ('SN' -> 'Sénégal')."""
    from app.i18n import current_locale

    english, french = _names(alpha2.upper())
    return french if (locale or current_locale.get()) == "fr" else english


def corridor_name(code: str, locale: str | None = None) -> str:
    """'FR-SN' -> 'France → Sénégal'; codes stay for URLs and the API."""
    source, _sep, destination = code.partition("-")
    return f"{country_name(source, locale)} → {country_name(destination, locale)}"


def seed_reference(engine: Engine) -> int:
    """Insert any missing country or currency; returns how many rows were added (idempotent)."""
    added = 0
    with Session(engine) as session:
        known_currencies = set(session.exec(select(Currency.code)).all())
        for cur in pycountry.currencies:
            if cur.alpha_3 not in known_currencies:
                session.add(Currency(code=cur.alpha_3, name=cur.name,
                                     minor_units=get_currency_precision(cur.alpha_3)))
                known_currencies.add(cur.alpha_3)
                added += 1
        session.flush()
        known_countries = set(session.exec(select(Country.alpha2)).all())
        for country in pycountry.countries:
            if country.alpha_2 in known_countries:
                continue
            english, french = country_names(country.alpha_2)
            currencies = [c for c in get_territory_currencies(country.alpha_2) if c in known_currencies]
            session.add(Country(alpha2=country.alpha_2, alpha3=country.alpha_3, name_en=english,
                                name_fr=french, currency=currencies[0] if currencies else None))
            added += 1
        session.commit()
    return added
