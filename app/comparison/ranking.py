"""Ordering the offers: best value first, indicative prices after the others, unknown amounts last.

Best value is what the family gets per unit the sender pays, so a higher fee or a worse rate can never
rank a service higher. Whatever the sort, an offer whose price is only indicative comes after every
offer priced from a nearby observation, and an offer whose amount received is unknown comes last.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from decimal import Decimal
from typing import Any

from app.comparison.pricing import Offer
from basics.vocabulary import Payin, Speed

SORTS = ("value", "received", "speed")
DEFAULT_SORT = "value"
ALIASES = {"cost": "value"}  # the sort's name in earlier links
# A long comparison shows its first offers and a link to all of them (a phone's page stays short): folded only
# when that hides a few, a link to one or two more rows is not worth its line.
SHOWN_FIRST = 10
FOLD_ABOVE = SHOWN_FIRST + 2
CARDS = frozenset({Payin.debit_card.value, Payin.credit_card.value})
_BIG = Decimal("1e30")
_ZERO = Decimal(0)


def group(offer: Offer) -> int:
    """0 priced from a nearby observation, 1 indicative, 2 amount received unknown."""
    if offer.value is None:
        return 2
    return 1 if offer.indicative else 0


def _speed_rank(offer: Offer) -> int:
    try:
        return Speed(offer.speed).rank
    except ValueError:
        return Speed.unknown.rank


def sort_key(sort: str) -> Callable[[Offer], tuple[Any, ...]]:
    """The key of an offer in the ``sort`` order: its group first, then the sort's own figures (best value,
    then the lowest total cost, then the name, as ties)."""
    if sort == "received":
        def received(o: Offer) -> tuple[Any, ...]:
            value, cost = o.value, o.total_cost_pct
            return (2 if value is None else 1 if o.indicative else 0, -(o.family_gets or _ZERO), -(value or _ZERO),
                    _BIG if cost is None else cost, o.provider.name)
        return received
    if sort == "speed":
        def speed(o: Offer) -> tuple[Any, ...]:
            value, cost = o.value, o.total_cost_pct
            return (2 if value is None else 1 if o.indicative else 0, _speed_rank(o), -(value or _ZERO),
                    _BIG if cost is None else cost, o.provider.name)
        return speed

    def best_value(o: Offer) -> tuple[Any, ...]:
        value, cost = o.value, o.total_cost_pct
        return (2 if value is None else 1 if o.indicative else 0, -(value or _ZERO), _BIG if cost is None else cost,
                o.provider.name)
    return best_value


def rank(offers: Iterable[Offer], sort: str = DEFAULT_SORT) -> list[Offer]:
    return sorted(offers, key=sort_key(sort))


def best(offers: Iterable[Offer]) -> Offer | None:
    """The best value among offers priced from a nearby observation; an indicative price is never the best."""
    firm = [o for o in offers if group(o) == 0]
    return min(firm, key=sort_key(DEFAULT_SORT)) if firm else None


def first_offers(offers: list[Offer], top: Offer | None) -> list[Offer]:
    """The rows a folded table shows: its first ``SHOWN_FIRST`` offers in the order asked, and the best value
    after them when that order put it further down (the best line names it); every offer when few."""
    if len(offers) <= FOLD_ABOVE:
        return offers
    shown = offers[:SHOWN_FIRST]
    if top is not None and all(o is not top for o in shown):
        shown.append(top)
    return shown


def fold_cards(offers: Iterable[Offer]) -> list[Offer]:
    """Offers that differ only by the card the sender pays with become one "debit or credit card" offer."""
    kept: list[Offer] = []
    seen: dict[tuple[Any, ...], int] = {}
    for offer in offers:
        if offer.payin not in CARDS:
            kept.append(offer)
            continue
        key = (offer.provider.slug, offer.provider.name, offer.source, offer.payout, offer.speed, offer.transparent,
               offer.fee, offer.rate, offer.fx_margin_pct, offer.based_on_amount, offer.observed_at, offer.amount)
        if key in seen:
            index = seen[key]
            if kept[index].payin != offer.payin:
                kept[index] = replace(kept[index], payin=Payin.card.value)
            continue
        seen[key] = len(kept)
        kept.append(offer)
    return kept
