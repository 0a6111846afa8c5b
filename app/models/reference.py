"""Reference tables seeded from pycountry/Babel: countries and currencies."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class Currency(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=3)
    name: str = Field(max_length=120)
    minor_units: int = 2


class Country(SQLModel, table=True):
    alpha2: str = Field(primary_key=True, max_length=2)
    alpha3: str = Field(unique=True, index=True, max_length=3)
    name_en: str = Field(max_length=120)
    name_fr: str = Field(max_length=120)
    currency: str | None = Field(default=None, foreign_key="currency.code", max_length=3)

    def name(self, locale: str) -> str:
        return self.name_fr if locale == "fr" else self.name_en
