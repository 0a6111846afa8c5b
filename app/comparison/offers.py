"""What a sender sees: every service on a corridor, priced for the sender's question and ranked.

Data access (``latest_services``) is kept apart from pricing (``app.comparison.pricing``), ranking
(``app.comparison.ranking``) and the panel's figures (``app.comparison.panel``), so the source of
current offers can change without touching how they are priced.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from app.comparison.current import CURRENT_OFFERS, Offered
from app.comparison.panel import TableFigures, table_figures
from app.comparison.pricing import Ask, Mode, Observed, Offer, nearest, once, price, priced_amount
from app.comparison.ranking import ALIASES, CARDS, DEFAULT_SORT, SORTS, best, group, rank
from app.errors import BadInput, NotFound
from app.i18n import _
from app.numbers import parse_decimal
from app.reference import country_name
from app.settings import Settings
from basics.corridors import Corridor, alpha2, country_currency, payout_currency
from basics.vocabulary import Payin, Payout

MAX_AMOUNT = Decimal("1000000")
CENT = Decimal("0.01")
MAX_RECEIVE = Decimal("1000000000")  # 1 billion: the largest sums in GNF or NGN a person sends home
PAYOUTS = tuple(p.value for p in Payout if p is not Payout.other)

__all__ = ["PAYOUTS", "SORTS", "Ask", "Comparison", "Mode", "Offer", "compare", "parse_amount"]


@dataclass
class Comparison:
    corridor: Corridor
    ask: Ask
    currency: str  # the sending currency
    payout: str | None
    payin: str | None
    sort: str
    offers: list[Offer] = field(default_factory=list)

    @property
    def amount(self) -> Decimal:
        """The amount sent (send mode), or asked to arrive (receive mode)."""
        return self.ask.amount

    @once
    def best(self) -> Offer | None:
        """The best value (read once: the offers are ranked when the comparison is made)."""
        if self.sort == DEFAULT_SORT:  # ranked by the very key the best is the least of, firm offers first
            first = self.offers[0] if self.offers else None
            return first if first is not None and group(first) == 0 else None
        return best(self.offers)

    @property
    def figures(self) -> TableFigures | None:
        """The panel's figures of this very table, with the savings at the sender's amount."""
        # asked what should arrive: the savings are at what the top offer needs sent (the best, else the first)
        top = self.best or (self.offers[0] if self.offers else None)
        at = self.ask.amount if self.ask.mode is Mode.send else (top.amount if top else None)
        return table_figures(self.offers, at) if at is not None else None

    @property
    def bases(self) -> list[tuple[str, str, list[Decimal]]]:
        """What the prices are based on, once per table: (source, period, observed amounts)."""
        found: dict[tuple[str, str], set[Decimal]] = defaultdict(set)
        for offer in self.offers:
            found[(offer.source, offer.period)].add(offer.based_on_amount.normalize())
        return [(source, period, sorted(amounts)) for (source, period), amounts in sorted(found.items())]

    @property
    def all_stale(self) -> bool:
        return bool(self.offers) and all(o.stale for o in self.offers)


def parse_amount(raw: object, name: str = "amount", currency: str | None = None,
                 most: Decimal = MAX_AMOUNT, invalid: str | None = None) -> Decimal:
    """The amount a sender types (cents at most, up to ``most``), through the one number parser."""
    return parse_decimal(raw, field=name, places=2, minimum=CENT, maximum=most, currency=currency,
                         invalid=invalid or _("The amount must be a number, such as 200."))


def resolve_corridor(source: str, destination: str) -> Corridor:
    a, b = alpha2(source), alpha2(destination)
    if a is None:
        raise BadInput(_("Unknown sending country: %(code)s.", code=source), field="from")
    if b is None:
        raise BadInput(_("Unknown receiving country: %(code)s.", code=destination), field="to")
    send, receive = country_currency(a), payout_currency(b)
    if not send or not receive or a == b:
        raise NotFound(_("We do not compare transfers from %(a)s to %(b)s.", a=country_name(a), b=country_name(b)),
                       field="to")
    return Corridor(a, b, send, receive)


def latest_services(session: Session, corridor: Corridor) -> list[Offered]:
    """Each service's quotes from its latest observation round (RPW quarter or collection day), one per
    amount: the current offers the data path computed at each load, read once per version of the corridor."""
    return list(CURRENT_OFFERS.of(session, corridor.code))


def _freshness(settings: Settings, source: str) -> timedelta:
    return timedelta(hours=getattr(settings, f"{source}_fresh_hours", 24 * 120))


@dataclass(frozen=True, slots=True)
class Service:
    """One service of a corridor (source, provider, pay-in, payout, speed) and its current observations."""

    source: str
    payin: str
    payout: str
    observed: tuple[Observed, ...]
    # The observed amounts above zero, ascending, and the first observation at each: the observation nearest (by
    # ratio) an amount sent is one of the two around it, found by bisection instead of two divisions an observation.
    amounts: tuple[Decimal, ...] = field(init=False, repr=False, compare=False)
    firsts: tuple[tuple[int, Observed], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        first: dict[Decimal, tuple[int, Observed]] = {}
        for place, observed in enumerate(self.observed):
            if observed.quote.amount > 0:
                first.setdefault(observed.quote.amount, (place, observed))
        amounts = sorted(first)
        object.__setattr__(self, "amounts", tuple(amounts))
        object.__setattr__(self, "firsts", tuple(first[a] for a in amounts))

    def nearest(self, ask: Ask) -> Observed:
        """``pricing.nearest`` of the observations: the nearest by ratio, the first of equally near ones."""
        if ask.mode is not Mode.send or not self.amounts:
            return nearest(self.observed, ask)
        wanted, amounts, firsts = ask.amount, self.amounts, self.firsts
        above = bisect_left(amounts, wanted)  # amounts[above] is the least at or above the amount sent
        if above == len(amounts):
            return firsts[-1][1]
        if above == 0:
            return firsts[0][1]
        # up/wanted against wanted/down, without dividing: exact for amounts in cents
        (down_at, down), (up_at, up) = firsts[above - 1], firsts[above]
        product, square = amounts[above] * amounts[above - 1], wanted * wanted
        if product == square:
            return up if up_at < down_at else down
        return up if product < square else down


def services_of(quotes: Sequence[Offered]) -> tuple[Service, ...]:
    """The corridor's current offers grouped by service, with what pricing needs worked out once: nothing
    here depends on the amount asked, so it is computed once per version of the corridor."""
    grouped: dict[tuple[str, ...], list[Observed]] = defaultdict(list)
    for quote in quotes:
        grouped[(quote.source, quote.provider_slug, quote.provider_name, quote.payin, quote.payout,
                  quote.speed)].append(Observed.of(quote))
    return tuple(Service(key[0], key[3], key[4], tuple(found)) for key, found in grouped.items())


@dataclass(frozen=True, slots=True)
class Question:
    """A sender's question, checked: the corridor, what is asked, the filters and the order."""

    corridor: Corridor
    ask: Ask
    currency: str
    payout: str | None
    payin: str | None
    sort: str


def question(source: str, destination: str, amount: object | None = None, currency: str | None = None,
             payout: str | None = None, payin: str | None = None, sort: str = DEFAULT_SORT,
             receive: object | None = None) -> Question:
    """The sender's question, or a BadInput/NotFound naming what is wrong with it."""
    corridor = resolve_corridor(source, destination)
    if receive is not None and str(receive).strip():
        ask = Ask(Mode.receive, parse_amount(receive, "receive", corridor.receive_currency, MAX_RECEIVE))
    elif amount is None:
        raise BadInput(_("Say the amount, e.g. amount=200."), field="amount")
    else:
        ask = Ask(Mode.send, parse_amount(amount, currency=corridor.send_currency))
    currency = (currency or corridor.send_currency).upper()
    if currency != corridor.send_currency:
        raise BadInput(_("For this corridor the amount is in %(cur)s.", cur=corridor.send_currency),
                       field="currency")
    if payout and payout not in PAYOUTS:
        raise BadInput(_("Unknown payout method."), field="payout")
    sort = ALIASES.get(sort, sort)
    if sort not in SORTS:
        raise BadInput(_("Unknown sort order."), field="sort")
    return Question(corridor, ask, currency, payout, payin, sort)


def answer(services: Sequence[Service], asked: Question, settings: Settings, now: datetime | None = None) -> Comparison:
    """Every service of the corridor priced for the question and ranked (plain Decimal arithmetic over
    observations prepared once per version of the corridor)."""
    if not services:
        raise NotFound(_("We have no prices for transfers from %(a)s to %(b)s yet: choose another destination.",
                         a=country_name(asked.corridor.source_country),
                         b=country_name(asked.corridor.destination_country)), field="to")
    now = now or datetime.now(UTC)
    payout, payin, ask, corridor = asked.payout, asked.payin, asked.ask, asked.corridor
    freshness: dict[str, timedelta] = {}
    # Card services are folded (as ``fold_cards`` folds offers) before they are priced: what the fold compares
    # is known from the observation chosen, so two card services that fold cost one pricing.
    chosen: list[list[Any]] = []  # [observation, pay-in, freshness]
    cards: dict[tuple[Any, ...], int] = {}
    for service in services:
        if payout and service.payout != payout or payin and service.payin != payin:
            continue
        fresh = freshness.get(service.source)
        if fresh is None:
            fresh = freshness[service.source] = _freshness(settings, service.source)
        facts = service.nearest(ask)
        if service.payin in CARDS:
            quote = facts.quote
            key = (facts.provider.slug, facts.provider.name, quote.source, quote.payout, quote.speed,
                   quote.transparent, quote.fee, facts.rate, facts.margin, quote.amount, facts.observed_at or now,
                   priced_amount(facts, ask))
            index = cards.get(key)
            if index is not None:
                if chosen[index][1] != service.payin:
                    chosen[index][1] = Payin.card.value
                continue
            cards[key] = len(chosen)
        chosen.append([facts, service.payin, fresh])
    offers = [price(facts, ask, corridor, now, fresh, paid_in) for facts, paid_in, fresh in chosen]
    return Comparison(corridor=corridor, ask=ask, currency=asked.currency, payout=payout, payin=payin,
                      sort=asked.sort, offers=rank(offers, asked.sort))


def compare(session: Session, settings: Settings, source: str, destination: str, amount: object | None = None,
            currency: str | None = None, payout: str | None = None, payin: str | None = None,
            sort: str = DEFAULT_SORT, now: datetime | None = None, receive: object | None = None) -> Comparison:
    """Every service of the corridor priced for ``amount`` sent, or for ``receive`` to arrive, and ranked."""
    asked = question(source, destination, amount, currency, payout, payin, sort, receive)
    return answer(services_of(latest_services(session, asked.corridor)), asked, settings, now)
