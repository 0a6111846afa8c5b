"""The comparison's fast path gives what the plain computation gives: the same offers, in the same order, with the
same best, for every amount (edges included: the observed amounts, their halves and doubles, a cent either side,
the smallest and largest amount one may ask), on the demo data with live collections on top (both databases);
and the fast number formats write what Babel writes.

The plain computation is written here as it was before the fast path: each service priced from its nearest
observation (the least distance, the first of equal ones), card offers folded after pricing, then ranked."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

import pytest
from babel.numbers import format_currency, format_decimal
from sqlalchemy import Engine
from sqlmodel import Session

from app.comparison import offers, pricing
from app.comparison.indicators import list_corridors
from app.comparison.pricing import Ask, Mode, Observed, Offer, nearest, price
from app.comparison.ranking import best, fold_cards, rank
from app.comparison.recipient_fees import cash_out_fee, tariffs_for
from app.i18n import fmt_money, fmt_pct, money_formatter, pct_formatter
from app.settings import Settings
from tests.comparison.test_current_offers import NOW, loaded  # noqa: F401 - the demo, Wise and staff loads


def plain_nearest(observed: tuple[Observed, ...], ask: Ask) -> Observed:
    def distance(o: Observed) -> Decimal:
        wanted, amount = pricing.amount_to_send(o, ask), o.quote.amount
        if wanted is None or amount <= 0:
            return Decimal("1e30")
        ratio = amount / wanted
        return ratio if ratio >= 1 else 1 / ratio
    return min(observed, key=distance)


def plain_answer(services: tuple[offers.Service, ...], asked: offers.Question, settings: Settings) -> list[Any]:
    priced = [price(plain_nearest(s.observed, asked.ask), asked.ask, asked.corridor, NOW,
                    offers._freshness(settings, s.source))
              for s in services if not (asked.payout and s.payout != asked.payout)]
    return rank(fold_cards(priced), asked.sort)


def edge_amounts(services: tuple[offers.Service, ...], rng: random.Random) -> list[Decimal]:
    cent = Decimal("0.01")
    observed = {o.quote.amount for s in services for o in s.observed}
    edges = {Decimal("0.01"), Decimal("0.02"), Decimal("1"), Decimal("999999.99"), offers.MAX_AMOUNT}
    for amount in observed:
        for at in (amount, amount / 2, amount * 2):
            at = at.quantize(cent)
            edges |= {at - cent, at, at + cent}
    edges |= {Decimal(rng.randrange(1, 10**8)) / 100 for _ in range(60)}
    return sorted(a for a in edges if cent <= a <= offers.MAX_AMOUNT)


def test_the_fast_path_prices_as_the_plain_computation(loaded: Engine, settings: Settings) -> None:  # noqa: F811
    rng = random.Random(12)
    with Session(loaded) as session:
        corridors = [s.corridor for s in list_corridors(session)]
        prepared = {c.code: offers.services_of(offers.latest_services(session, c)) for c in corridors}
    assert any(o.quote.payin in ("debit_card", "credit_card") for s in prepared["FR-SN"] for o in s.observed)
    cases = folded = 0
    for corridor in corridors:
        services = prepared[corridor.code]
        if not services:
            continue
        receive = [Decimal(rng.randrange(1, 10**9)) for _ in range(8)] + [Decimal(1), offers.MAX_RECEIVE]
        asks = [("send", a) for a in edge_amounts(services, rng)] + [("receive", a) for a in receive]
        for mode, amount in asks:
            for payout in (None, *offers.PAYOUTS):
                for sort in offers.SORTS:
                    asked = offers.question(corridor.source_country, corridor.destination_country,
                                            None if mode == "receive" else str(amount), payout=payout, sort=sort,
                                            receive=str(amount) if mode == "receive" else None)
                    fast = offers.answer(services, asked, settings, NOW)
                    plain = plain_answer(services, asked, settings)
                    assert fast.offers == plain, (corridor.code, mode, amount, payout, sort)
                    assert fast.best is best(plain) or fast.best == best(plain), (corridor.code, amount, sort)
                    for name in ("total_paid", "family_gets", "value"):  # worked out when priced, as defined
                        definition = getattr(Offer, name).func
                        assert [getattr(o, name) for o in fast.offers] == [definition(o) for o in fast.offers]
                    cases += 1
                    folded += any(o.payin == "card" for o in fast.offers)
    assert cases > 2000 and folded > 100, (cases, folded)


def test_nearest_keeps_the_first_of_equally_near_observations(loaded: Engine) -> None:  # noqa: F811
    with Session(loaded) as session:
        quote = offers.latest_services(session, offers.resolve_corridor("FR", "SN"))[0]
    from dataclasses import replace

    def at(amount: str) -> Observed:
        return Observed.of(replace(quote, amount=Decimal(amount)))

    for amounts, asked in ((("100", "400"), "200"), (("400", "100"), "200"), (("0", "100", "100"), "50"),
                           (("0", "-1"), "10"), (("500", "200", "200.00"), "300"), (("1000",), "0.01")):
        observed = tuple(at(a) for a in amounts)
        ask = Ask(Mode.send, Decimal(asked))
        assert nearest(observed, ask) is plain_nearest(observed, ask), (amounts, asked)
        # a service's own (by bisection over its observed amounts)
        assert offers.Service("wise", "bank_account", "cash", observed).nearest(ask) is plain_nearest(observed, ask)
    for amounts in (("100", "400", "200", "0"), ("400", "100"), ("100", "400"), ("50", "50.00", "5000", "-3")):
        observed = tuple(at(a) for a in amounts)
        service = offers.Service("wise", "bank_account", "cash", observed)
        for asked in ("0.01", "49.99", "50", "70.71", "70.72", "141.42", "200", "282.84", "1000000", "2500", "500"):
            ask = Ask(Mode.send, Decimal(asked))
            assert service.nearest(ask) is plain_nearest(observed, ask), (amounts, asked)


def test_a_priced_offer_is_the_one_its_dataclass_init_makes(loaded: Engine, settings: Settings) -> None:  # noqa: F811
    """price() fills an Offer's __dict__ in one step: the same fields (defaults included) as Offer(...), equal and
    hashed alike, frozen, and the once-properties' values as they would work them out."""
    from dataclasses import FrozenInstanceError, fields, replace

    with Session(loaded) as session:
        services = offers.services_of(offers.latest_services(session, offers.resolve_corridor("FR", "SN")))
    seen = 0
    for ask in (Ask(Mode.send, Decimal("0.01")), Ask(Mode.send, Decimal("200")), Ask(Mode.receive, Decimal("65595"))):
        asked = offers.Question(offers.resolve_corridor("FR", "SN"), ask, "EUR", None, None, "value")
        for offer in offers.answer(services, asked, settings, NOW).offers:
            made = Offer(**{f.name: getattr(offer, f.name) for f in fields(Offer)})
            assert offer == made and hash(offer) == hash(made) and replace(offer) == made
            for name in ("total_paid", "family_gets", "value"):
                assert offer.__dict__[name] == getattr(made, name)
            assert offer.__dict__ == made.__dict__
            with pytest.raises(FrozenInstanceError):
                offer.fee = None  # type: ignore[misc]
            seen += 1
    assert seen > 10


def test_the_cash_out_fees_are_the_tariffs(loaded: Engine) -> None:  # noqa: F811
    wallets = sorted({slug for slug, _operation in tariffs_for("SN")})
    for slug in (*wallets, "ria", "wise"):
        provider = pricing.provider_of(slug)
        for received in (Decimal(0), Decimal("0.4"), Decimal(1000), Decimal("131190.5"), Decimal(10**7)):
            found = {(c.wallet, c.fee, c.net) for c in pricing._cash_out(provider, "SN", received)}
            mine = [slug] if slug in wallets else wallets
            expected = {(pricing.provider_of(w).name, fee, received - fee) for w in mine
                        if (fee := cash_out_fee(w, "SN", received)) is not None}
            assert found == expected and found, (slug, received)


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_the_fast_number_formats_are_babels(locale: str) -> None:
    rng = random.Random(3)
    babel = {"fr": "fr_FR", "en": "en_US"}[locale]
    values = [Decimal(v) for v in ("0", "-0", "-0.00", "0.005", "0.015", "0.125", "0.135", "2.5", "3.5", "999.995",
                                   "1000", "1234567.891", "1E+3", "1.000", "999999.995")]
    values += [Decimal(rng.randrange(0, 10**12)) / Decimal(10) ** rng.randrange(0, 7) for _ in range(400)]
    for currency in ("EUR", "XOF", "USD", "GBP", "MAD"):
        write = money_formatter(currency, locale)
        for value in values:
            expected = (f"{format_decimal(value, format='#,##0', locale=babel)}\u00a0FCFA" if currency == "XOF"
                        else format_currency(value, currency, locale=babel))
            if value.is_signed():  # Babel writes "-0,00 €" for -0; the app shows no sign on a zero
                expected = expected.replace("-", "").replace("\u2212", "")
            assert write(value) == fmt_money(value, currency, locale) == expected, (currency, value)
    sign = "\u00a0%" if locale == "fr" else "%"
    pct = pct_formatter(locale)
    for value in values:
        expected = f"{format_decimal(value, format='#,##0.00', locale=babel)}{sign}"
        if value.is_signed():
            expected = expected.replace("-", "").replace("\u2212", "")
        assert pct(value) == fmt_pct(value, locale) == expected, value
