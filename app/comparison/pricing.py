"""Pricing one observed service for the sender's question, by the World Bank's convention.

The sender asks either "I send A" or "my family should receive Y". A service is priced from one of
its observations (the one nearest the amount asked), keeping that observation's fee and rate: the
family receives A × r, the sender pays A + F. Where the source gave a fee and an FX margin but no
rate (World Bank rows to MAD, NGN, GHS…), the rate is derived from the reference rate of the
observation day: r = r* × (1 − margin / 100). A provider that hides its rate has no known amount
received. An offer priced from an observation outside ½×–2× of the amount it is priced for is
*indicative*: a fixed fee observed on 10,000 says little about 200.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_CEILING, Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Any

from app.comparison.current import Offered
from app.comparison.recipient_fees import CASH_OUT, Tariff, tariffs_for
from app.models.base import aware
from app.models.current import CurrentOffer
from app.models.quotes import Quote
from basics.corridors import Corridor
from basics.vocabulary import Payout
from providers import UNREVIEWED, Provider, UnknownProvider, get_provider

CENT = Decimal("0.01")
# An observation at an amount outside [asked / 2, asked × 2] prices the asked amount only indicatively.
INDICATIVE_RATIO = Decimal(2)
Observation = Quote | CurrentOffer | Offered  # the same columns: a quote, or the current offer computed from it


class once:  # noqa: N801 - used as a decorator, like functools.cached_property
    """``functools.cached_property`` without its lock (Python 3.11 takes one per first read): offers are built and
    read by one request; the value lands in the instance's ``__dict__``, read directly afterwards."""

    def __init__(self, func: Callable[[Any], Any]) -> None:
        self.func, self.name, self.__doc__ = func, func.__name__, func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.func(instance)
        return value


class Mode(StrEnum):
    send = "send"  # "I send 200 €": the amount before the fee
    receive = "receive"  # "my family should receive 100 000 FCFA"


@dataclass(frozen=True)
class Ask:
    """What the sender asks: an amount in the sending currency (send) or the receiving one (receive)."""

    mode: Mode
    amount: Decimal


@dataclass(frozen=True)
class CashOut:
    wallet: str
    fee: Decimal
    net: Decimal


@dataclass(frozen=True)
class Offer:
    provider: Provider
    source: str
    payin: str
    payout: str
    speed: str
    transparent: bool
    amount: Decimal  # sent, before the fee, in the sending currency
    fee: Decimal | None
    fee_pct: Decimal | None
    rate: Decimal | None
    rate_derived: bool  # the rate comes from the reference rate and the published margin
    mid_rate: Decimal | None
    fx_margin_pct: Decimal | None
    total_cost_pct: Decimal | None
    received_amount: Decimal | None  # amount × rate
    observed_at: datetime
    period: str
    stale: bool
    based_on_amount: Decimal
    indicative: bool
    cash_out: tuple[CashOut, ...] = ()

    @once
    def total_paid(self) -> Decimal | None:
        """What leaves the sender's pocket: the amount plus the fee."""
        return None if self.fee is None else self.amount + self.fee

    @once
    def family_gets(self) -> Decimal | None:
        """The amount received, after the cash-out fee when there is exactly one known."""
        if len(self.cash_out) == 1:
            return self.cash_out[0].net
        return self.received_amount

    @once
    def value(self) -> Decimal | None:
        """Best value: what the family gets per unit the sender pays (receiving units per sending unit)."""
        paid, gets = self.total_paid, self.family_gets
        return None if paid is None or gets is None or paid <= 0 else gets / paid


def provider_of(slug: str, name: str = "") -> Provider:
    """The catalogue's provider of ``slug``; for a name no provider claims yet (slug ``unreviewed``), that name as
    the source wrote it, so that several unmapped firms of a corridor are not all "Unreviewed provider"."""
    try:
        provider = get_provider(slug)
    except UnknownProvider:
        provider = UNREVIEWED
    if provider is UNREVIEWED and (name := name.strip()):
        return _unreviewed(name)
    return provider


@lru_cache(maxsize=4096)
def _unreviewed(name: str) -> Provider:
    """A firm staff have not mapped to the catalogue yet, under its source's name (kind ``unreviewed``)."""
    return Provider(slug=UNREVIEWED.slug, name=name, kind=UNREVIEWED.kind, website=None)


def applied_rate(quote: Observation) -> tuple[Decimal | None, bool]:
    """The rate the provider applied, and whether it had to be derived from r* and the margin."""
    if quote.rate is not None:
        return quote.rate, False
    margin = quote.fx_margin_pct if quote.fx_margin_pct is not None else quote.wb_fx_margin_pct
    if quote.transparent and quote.mid_rate is not None and margin is not None:
        return quote.mid_rate * (1 - margin / 100), True
    return None, False


@dataclass(frozen=True, slots=True)
class Observed:
    """What pricing needs of one observation that does not depend on the amount asked, worked out once
    (when a corridor's current offers are read) instead of at every request."""

    quote: Observation
    rate: Decimal | None
    derived: bool
    margin: Decimal | None  # the FX margin %: from the rate and r* when both are known, else as published
    provider: Provider
    observed_at: datetime | None

    @classmethod
    def of(cls, quote: Observation) -> Observed:
        rate, derived = applied_rate(quote)
        margin = quote.fx_margin_pct if quote.fx_margin_pct is not None else quote.wb_fx_margin_pct
        if rate is not None and quote.mid_rate and not derived:
            margin = (1 - rate / quote.mid_rate) * 100
        provider = provider_of(quote.provider_slug, quote.provider_name)
        return cls(quote, rate, derived, margin, provider, aware(quote.observed_at))


def _observed(quote: Observation | Observed) -> Observed:
    return quote if isinstance(quote, Observed) else Observed.of(quote)


def amount_to_send(quote: Observation | Observed, ask: Ask) -> Decimal | None:
    """The amount (before the fee) this service needs to answer the question; None when unknowable."""
    if ask.mode is Mode.send:
        return ask.amount
    rate = _observed(quote).rate
    if not rate or rate <= 0:
        return None
    # rounded up to the cent: the family gets at least what was asked
    return (ask.amount / rate).quantize(CENT, rounding=ROUND_CEILING)


_FAR = Decimal("1e30")


def nearest(quotes: Sequence[Observation | Observed], ask: Ask) -> Observed:
    """The observation of one service whose amount is nearest (by ratio) to the amount it is priced for (the
    first of those as near)."""
    if ask.mode is Mode.send:  # one amount for every observation: the same distances, in a plain loop
        wanted, found, least = ask.amount, None, _FAR
        for quote in quotes:
            observed = quote if type(quote) is Observed else _observed(quote)
            amount = observed.quote.amount
            if amount <= 0:
                ratio = _FAR
            else:
                ratio = amount / wanted
                if ratio < 1:
                    ratio = 1 / ratio
            if found is None or ratio < least:
                found, least = observed, ratio
        if found is None:
            raise ValueError("nearest() of no observation")
        return found

    def distance(observed: Observed) -> Decimal:
        wanted = amount_to_send(observed, ask)
        amount = observed.quote.amount
        if wanted is None or amount <= 0:
            return _FAR
        ratio = amount / wanted
        return ratio if ratio >= 1 else 1 / ratio
    return min((_observed(q) for q in quotes), key=distance)


def priced_amount(facts: Observed, ask: Ask) -> Decimal:
    """The amount sent (before the fee) an offer from ``facts`` is priced at."""
    if ask.mode is Mode.send:
        return ask.amount
    amount = amount_to_send(facts, ask)
    # "receive Y" from a service whose rate is unknown: priced at the observed amount
    return facts.quote.amount if amount is None else amount


def price(quote: Observation | Observed, ask: Ask, corridor: Corridor, now: datetime, freshness: timedelta,
          payin: str | None = None) -> Offer:
    """One service priced for the question (see module doc); amounts unrounded, rounding is display's.
    ``payin``: the offer's pay-in when it is not the observation's (two card services folded into one)."""
    facts = quote if type(quote) is Observed else _observed(quote)
    quote, rate = facts.quote, facts.rate
    amount = priced_amount(facts, ask)
    margin = facts.margin
    fee_pct = None if quote.fee is None else quote.fee / amount * 100
    total = None if fee_pct is None or margin is None else fee_pct + margin
    received = None if rate is None else amount * rate
    provider = facts.provider
    observed = facts.observed_at or now
    cash: tuple[CashOut, ...] = ()
    if quote.payout == Payout.mobile_wallet and received is not None and corridor.receive_currency == "XOF":
        cash = _cash_out(provider, corridor.destination_country, received)
    low, high = amount / INDICATIVE_RATIO, amount * INDICATIVE_RATIO
    paid = None if quote.fee is None else amount + quote.fee
    gets = cash[0].net if len(cash) == 1 else received
    # Every field set in one step, with what every offer is ranked and shown by (as the ``once`` properties would
    # work it out): a frozen dataclass's __init__ sets its 22 fields one by one through object.__setattr__, which
    # cost more than the rest of the pricing (tests/comparison/test_fast_pricing.py: the same Offer as __init__ makes).
    offer = object.__new__(Offer)
    offer.__dict__.update(
        provider=provider, source=quote.source, payin=payin or quote.payin, payout=quote.payout, speed=quote.speed,
        transparent=quote.transparent, amount=amount, fee=quote.fee, fee_pct=fee_pct, rate=rate,
        rate_derived=facts.derived, mid_rate=quote.mid_rate, fx_margin_pct=margin, total_cost_pct=total,
        received_amount=received, observed_at=observed, period=quote.period, stale=now - observed > freshness,
        based_on_amount=quote.amount, indicative=not low <= quote.amount <= high, cash_out=cash,
        total_paid=paid, family_gets=gets, value=None if paid is None or gets is None or paid <= 0 else gets / paid)
    return offer


def _cash_out(provider: Provider, country: str, received: Decimal) -> tuple[CashOut, ...]:
    """What the family pays to turn the wallet balance into cash; the sender's own wallet when known."""
    found = []
    for name, tariff in _withdrawals(provider.slug, country):
        fee = tariff.fee(received)
        found.append(CashOut(wallet=name, fee=fee, net=received - fee))
    return tuple(found)


@lru_cache(maxsize=1024)
def _withdrawals(provider_slug: str, country: str) -> tuple[tuple[str, Tariff], ...]:
    """The wallets whose cash-out fee applies to a transfer by ``provider_slug`` (its own when it is one, else
    every wallet of the country), with their withdrawal tariff; the tariff files are read once per process."""
    wallets = sorted({slug for slug, _operation in tariffs_for(country)})
    slugs = [provider_slug] if provider_slug in wallets else wallets
    return tuple((get_provider(slug).name, tariff) for slug in slugs
                 if (tariff := tariffs_for(country).get((slug, CASH_OUT))) is not None)
