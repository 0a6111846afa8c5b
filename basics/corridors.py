"""Corridors ("FR-SN"): country codes, the currency each end uses, the quarter of a date."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from typing import NamedTuple

import pycountry
from babel.numbers import get_territory_currencies


class Corridor(NamedTuple):
    """A sending and a receiving country (ISO alpha-2) and the currencies sent and paid out."""

    source_country: str
    destination_country: str
    send_currency: str
    receive_currency: str

    @property
    def code(self) -> str:
        return f"{self.source_country}-{self.destination_country}"


@lru_cache(maxsize=1024)
def alpha2(code: str | None) -> str | None:
    """ISO 3166 alpha-2 for an alpha-2 or alpha-3 code (current or withdrawn) in any case; None otherwise."""
    code = (code or "").strip().upper()
    if code == "XKX" or code == "XK":  # Kosovo: user-assigned code, used by the World Bank
        return "XK"
    for register in (pycountry.countries, pycountry.historic_countries):  # historic: Netherlands Antilles in RPW 2011
        found = (register.get(alpha_2=code) if len(code) == 2
                 else register.get(alpha_3=code) if len(code) == 3 else None)
        if found is not None:
            return str(found.alpha_2)
    return None


@lru_cache(maxsize=512)
def country_currency(country: str | None) -> str | None:
    """The currency a country uses today (Babel's territory data); None when unknown."""
    code = alpha2(country)
    if code is None:
        return None
    currencies = get_territory_currencies(code, datetime.now(UTC).date(), tender=True)
    return currencies[0] if currencies else None


# Countries whose remittances are paid out in another currency than their own (the RPW prices them so).
PAID_OUT_IN = {"CD": "USD"}


def payout_currency(country: str | None) -> str | None:
    """The currency a family in `country` receives: DR Congo's transfers are paid in US dollars."""
    code = alpha2(country)
    return PAID_OUT_IN.get(code or "") or country_currency(code)


def parse_corridor(text: str) -> Corridor:
    """'FR-SN' (or 'FRA-SEN', 'fr-sn'), optionally with currencies 'FR-CD:EUR-USD'; ValueError if bad.

    Without currencies each country's own is used; the suffix is for corridors paid out in another
    currency (DR Congo is commonly paid in USD).
    """
    countries, _sep, currencies = text.strip().partition(":")
    parts = countries.split("-")
    if len(parts) != 2:
        raise ValueError(f"corridor {text!r} should look like FR-SN")
    source, destination = alpha2(parts[0]), alpha2(parts[1])
    if source is None or destination is None or source == destination:
        raise ValueError(f"corridor {text!r} needs two different ISO 3166 country codes")
    send, _sep, receive = currencies.upper().partition("-")
    send = send or country_currency(source) or ""
    receive = receive or payout_currency(destination) or ""
    if not (len(send) == 3 and len(receive) == 3):
        raise ValueError(f"corridor {text!r}: say its currencies, e.g. {countries}:EUR-XOF")
    return Corridor(source, destination, send, receive)


def quarter(moment: date | datetime) -> str:
    """The RPW period of a day: 2025-08-20 -> '2025Q3'."""
    return f"{moment.year}Q{(moment.month - 1) // 3 + 1}"
