"""The data path's reasons for refusing a row reach staff in their language."""

from __future__ import annotations

import pytest

from app.comparison.reasons import translate_reason
from app.i18n import current_locale

SAMPLES = {
    "negative fee -2": "les frais de -2 sont négatifs",
    "fee is missing": "fee manque",
    "amount is not a number: 'abc'": "amount n'est pas un nombre : 'abc'",
    "receiving country 'XX' is not an ISO 3166 code": "le pays de réception « XX » n'est pas un code ISO 3166",
    "rate 0.65 is off by 1009x from the mid-market rate 655.957: inverted or wrong units":
        "le taux 0.65 s'écarte d'un facteur 1009 du taux moyen du marché 655.957 : inversé, ou dans la mauvaise unité",
    "FX margin 61.2 % is above 50 %": "la marge de change de 61.2 % dépasse 50 %",
    "the header row lacks column(s) fee, amount": "il manque à la ligne d'en-tête la ou les colonnes fee, amount",
}


@pytest.fixture
def french():  # type: ignore[no-untyped-def]
    token = current_locale.set("fr")
    yield
    current_locale.reset(token)


@pytest.mark.usefixtures("french")
def test_reasons_in_french():
    for english, french in SAMPLES.items():
        assert translate_reason(english) == french
    assert translate_reason("negative fee -2; currency is unknown") == \
        "les frais de -2 sont négatifs; la devise est inconnue"


def test_an_unknown_reason_is_shown_as_it_is():
    assert translate_reason("something new happened") == "something new happened"
