"""What a sender sees: every service on a corridor, priced for the sender's own amount.

Each service (provider × pay-in × payout × speed × source) is priced from its latest observation at
the amount nearest to the one asked, keeping that observation's fee and rate: the family receives
amount × rate, the sender pays amount + fee (the World Bank's convention, whatever the source).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlmodel import Session

from app.comparison.current import CURRENT_OFFERS, Offered
from app.comparison.recipient_fees import cash_out_fee, tariffs_for
from app.errors import BadInput, NotFound
from app.i18n import _
from app.models.base import aware
from app.numbers import parse_decimal
from app.settings import Settings
from basics.corridors import Corridor, alpha2, country_currency
from providers import Provider, UnknownProvider, get_provider

MAX_AMOUNT = Decimal("1000000")
PAYOUTS = ("cash", "bank_account", "mobile_wallet")
SORTS = ("received", "cost", "speed")
SPEED_ORDER = {"under_1h": 0, "same_day": 1, "next_day": 2, "2_days": 3, "3_5_days": 4, "6_days_plus": 5}
CENT = Decimal("0.01")


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
    fee: Decimal | None
    fee_pct: Decimal | None
    rate: Decimal | None
    mid_rate: Decimal | None
    fx_margin_pct: Decimal | None
    total_cost_pct: Decimal | None
    received_amount: Decimal | None
    observed_at: datetime
    period: str
    stale: bool
    based_on_amount: Decimal
    cash_out: tuple[CashOut, ...] = ()


@dataclass
class Comparison:
    corridor: Corridor
    amount: Decimal  # in the sending currency
    currency: str
    payout: str | None
    payin: str | None
    sort: str
    offers: list[Offer] = field(default_factory=list)

    @property
    def best(self) -> Offer | None:
        priced = [o for o in self.offers if o.received_amount is not None]
        return max(priced, key=lambda o: o.received_amount or 0) if priced else None


def parse_amount(raw: object, name: str = "amount", currency: str | None = None) -> Decimal:
    """The amount a sender types (cents at most, up to MAX_AMOUNT), through the one number parser."""
    return parse_decimal(raw, field=name, places=2, minimum=CENT, maximum=MAX_AMOUNT, currency=currency,
                         invalid=_("The amount must be a number, such as 200."))


def resolve_corridor(source: str, destination: str) -> Corridor:
    a, b = alpha2(source), alpha2(destination)
    if a is None:
        raise BadInput(_("Unknown sending country: %(code)s.", code=source), field="from")
    if b is None:
        raise BadInput(_("Unknown receiving country: %(code)s.", code=destination), field="to")
    send, receive = country_currency(a), country_currency(b)
    if not send or not receive or a == b:
        raise NotFound(_("We do not compare transfers from %(a)s to %(b)s.", a=a, b=b))
    return Corridor(a, b, send, receive)


def latest_services(session: Session, corridor: Corridor) -> list[Offered]:
    """Each service's quotes from its latest observation round (RPW quarter or collection day), one per
    amount, newest first (then in a fixed order): the current offers the data path computed at each load."""
    return list(CURRENT_OFFERS.of(session, corridor.code))


def _freshness(settings: Settings, source: str) -> timedelta:
    return timedelta(hours=getattr(settings, f"{source}_fresh_hours", 24 * 120))


def price(quote: Offered, amount: Decimal, corridor: Corridor, now: datetime, settings: Settings) -> Offer:
    rate = quote.rate
    if rate is None and quote.mid_rate is not None and quote.fx_margin_pct is not None:
        rate = quote.mid_rate * (1 - quote.fx_margin_pct / 100)
    margin = quote.fx_margin_pct
    if rate is not None and quote.mid_rate:
        margin = (1 - rate / quote.mid_rate) * 100
    fee_pct = None if quote.fee is None else quote.fee / amount * 100
    total = None if fee_pct is None or margin is None else fee_pct + margin
    received = None if rate is None else amount * rate
    try:
        provider = get_provider(quote.provider_slug)
    except UnknownProvider:
        provider = get_provider("unreviewed")
    observed = aware(quote.observed_at) or now
    cash: tuple[CashOut, ...] = ()
    if quote.payout == "mobile_wallet" and received is not None and corridor.receive_currency == "XOF":
        cash = _cash_out(provider, corridor.destination_country, received)
    return Offer(provider=provider, source=quote.source, payin=quote.payin, payout=quote.payout,
                 speed=quote.speed, transparent=quote.transparent, fee=quote.fee,
                 fee_pct=fee_pct, rate=rate, mid_rate=quote.mid_rate, fx_margin_pct=margin,
                 total_cost_pct=total, received_amount=received, observed_at=observed, period=quote.period,
                 stale=now - observed > _freshness(settings, quote.source), based_on_amount=quote.amount,
                 cash_out=cash)


def _cash_out(provider: Provider, country: str, received: Decimal) -> tuple[CashOut, ...]:
    """What the family pays to turn the wallet balance into cash; the sender's own wallet when known."""
    wallets = sorted({slug for slug, _operation in tariffs_for(country)})
    slugs = [provider.slug] if provider.slug in wallets else wallets
    found = []
    for slug in slugs:
        fee = cash_out_fee(slug, country, received)
        if fee is not None:
            found.append(CashOut(wallet=get_provider(slug).name, fee=fee, net=received - fee))
    return tuple(found)


def compare(session: Session, settings: Settings, source: str, destination: str, amount: object,
            currency: str | None = None, payout: str | None = None, payin: str | None = None,
            sort: str = "received", now: datetime | None = None) -> Comparison:
    corridor = resolve_corridor(source, destination)
    value = parse_amount(amount, currency=corridor.send_currency)
    currency = (currency or corridor.send_currency).upper()
    if currency != corridor.send_currency:
        raise BadInput(_("For this corridor the amount is in %(cur)s.", cur=corridor.send_currency),
                       field="currency")
    if payout and payout not in PAYOUTS:
        raise BadInput(_("Unknown payout method."), field="payout")
    if sort not in SORTS:
        raise BadInput(_("Unknown sort order."), field="sort")
    quotes = latest_services(session, corridor)
    if not quotes:
        raise NotFound(_("We have no prices for transfers from %(a)s to %(b)s yet.",
                         a=corridor.source_country, b=corridor.destination_country))
    now = now or datetime.now(UTC)
    chosen: dict[tuple[str, ...], Offered] = {}
    for quote in quotes:
        if payout and quote.payout != payout or payin and quote.payin != payin:
            continue
        key = (quote.source, quote.provider_slug, quote.provider_name, quote.payin, quote.payout, quote.speed)
        best = chosen.get(key)
        if best is None or abs(quote.amount - value) < abs(best.amount - value):
            chosen[key] = quote
    offers = [price(q, value, corridor, now, settings) for q in chosen.values()]
    offers.sort(key=_sort_key(sort))
    return Comparison(corridor=corridor, amount=value, currency=currency, payout=payout, payin=payin,
                      sort=sort, offers=offers)


def _sort_key(sort: str):  # type: ignore[no-untyped-def]
    big = Decimal("1e30")
    if sort == "cost":
        return lambda o: (o.total_cost_pct is None, o.total_cost_pct if o.total_cost_pct is not None else big)
    if sort == "speed":
        return lambda o: (SPEED_ORDER.get(o.speed, 9), -(o.received_amount or 0))
    return lambda o: (o.received_amount is None, -(o.received_amount or 0))
