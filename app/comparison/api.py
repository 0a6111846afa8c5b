"""The open-data API: corridors, their statistics and history, and the comparison, as JSON and CSV."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode

import anyio.to_thread
from litestar import Controller, MediaType, Request, Response, get
from litestar.params import Parameter
from litestar.response import Redirect
from litestar.serialization import encode_json
from sqlalchemy import Engine
from sqlmodel import Session

from app.comparison import offers
from app.comparison.cache import ComparisonCache
from app.comparison.indicators import (
    STATISTICS_SOURCES,
    history,
    list_corridors,
    parse_amount_usd,
    parse_corridor_code,
    parse_period,
    period_stats,
)
from app.comparison.offers import (
    PAYOUTS,
    Comparison,
    Offer,
    Question,
    answer,
    question,
    resolve_corridor,
    services_of,
)
from app.comparison.ranking import ALIASES, DEFAULT_SORT, SORTS
from app.compressed import Piece, respond
from app.errors import BadInput, NotFound
from app.i18n import _
from app.open_data import (
    AMOUNT,
    CORRIDOR,
    COUNTRY,
    CURRENCY,
    PERIOD,
    RECEIVE,
    answers,
    aware,
    check,
    check_choice,
    one_of,
    pattern,
    plain,
)
from app.settings import Settings
from basics.vocabulary import Payin

TWO = Decimal("0.01")
PAYINS = tuple(p.value for p in Payin if p is not Payin.other)
FORMATS = ("json", "csv")
AMOUNTS_USD = ("200", "500")
T = TypeVar("T")


def dec(value: Decimal | None, places: Decimal | None = TWO) -> str | None:
    """Decimals travel as JSON strings, never floats: '2.41' (never an exponent: "200", not "2E+2")."""
    return plain(value, places)


@dataclass
class CorridorOut:
    corridor: str
    source_country: str
    destination_country: str
    source_currency: str
    destination_currency: str
    latest_period: str | None
    services: int


@dataclass
class StatsOut:
    corridor: str
    period: str
    amount_usd: int
    services: int | None
    average_total_cost_pct: str | None
    median_total_cost_pct: str | None
    min_total_cost_pct: str | None
    smart_pct: str | None
    share_under_3_pct: str | None
    source: str


@dataclass
class HistoryOut:
    period: str
    average_total_cost_pct: str | None
    services: int | None
    source: str


@dataclass
class ProviderOut:
    slug: str
    name: str
    kind: str


@dataclass
class OfferOut:
    provider: ProviderOut
    payin: str
    payout: str
    speed: str
    fee: str | None
    fee_pct: str | None
    rate: str | None
    mid_rate: str | None
    fx_margin_pct: str | None
    total_cost_pct: str | None
    received_amount: str | None
    observed_at: datetime
    source: str
    stale: bool
    amount: str  # sent, before the fee (in "receive" mode: what this service needs)
    total_paid: str | None  # amount + fee, what the sender pays in all
    indicative: bool  # priced from an observation outside ½×–2× of ``amount``: not a firm price
    based_on_amount: str  # the observed amount the fee and rate come from
    rate_derived: bool  # the rate is the reference rate of the day less the published FX margin


@dataclass
class CompareOut:
    corridor: str
    amount: str  # the amount asked: sent (mode "send") or to arrive, in the receiving currency (mode "receive")
    currency: str
    mode: str
    sort: str
    offers: list[OfferOut]


def _corridors(db: Session) -> list[CorridorOut]:
    return [CorridorOut(s.corridor.code, s.corridor.source_country, s.corridor.destination_country,
                        s.corridor.send_currency, s.corridor.receive_currency, s.latest_period, s.services)
            for s in list_corridors(db)]


def _corridors_of(engine: Engine) -> list[CorridorOut]:
    with Session(engine) as db:
        return _corridors(db)


def _stats(db: Session, code: str, period: str | None, amount_usd: str, source: str | None = None) -> StatsOut:
    corridor = parse_corridor_code(code)
    stat = period_stats(db, corridor, parse_amount_usd(amount_usd), parse_period(period), source or None)
    return StatsOut(corridor.code, stat.period, stat.amount_usd, stat.services, dec(stat.average_total_cost_pct),
                    dec(stat.median_total_cost_pct), dec(stat.min_total_cost_pct), dec(stat.smart_pct),
                    dec(stat.share_under_3_pct), stat.source)


def _history(db: Session, code: str, amount_usd: str) -> list[HistoryOut]:
    corridor = parse_corridor_code(code)
    return [HistoryOut(p.period, dec(p.average_total_cost_pct), p.services, p.source)
            for p in history(db, corridor, parse_amount_usd(amount_usd))]


def _question(source: str | None, to: str | None, amount: str | None, currency: str | None, payout: str | None,
              payin: str | None, receive: str | None = None, sort: str | None = None) -> Question:
    if not source:
        raise BadInput(_("Say the sending country, e.g. from=FR."), field="from")
    if not to:
        raise BadInput(_("Say the receiving country, e.g. to=SN."), field="to")
    return question(source, to, amount, currency, payout or None, payin or None, sort or DEFAULT_SORT,
                    receive=receive or None)


def _compare_out(found: Comparison) -> CompareOut:
    offers = [OfferOut(ProviderOut(o.provider.slug, o.provider.name, o.provider.kind), o.payin, o.payout, o.speed,
                       dec(o.fee), dec(o.fee_pct), dec(o.rate, None), dec(o.mid_rate, None), dec(o.fx_margin_pct),
                       dec(o.total_cost_pct), dec(o.received_amount), aware(o.observed_at), o.source, o.stale,
                       dec(o.amount) or "", dec(o.total_paid), o.indicative, dec(o.based_on_amount, None) or "",
                       o.rate_derived)
              for o in found.offers]
    return CompareOut(found.corridor.code, dec(found.amount, None) or "", found.currency, found.ask.mode.value,
                      found.sort, offers)


# The answer of /api/v1/compare written from pieces: what an offer's JSON holds besides the amount-dependent figures
# (provider, fee, rates, observed_at, source, based_on_amount…) is encoded once per distinct offer and data version,
# split around the fields a new amount or the clock changes (VARYING, in OfferOut's order); a request writes those
# fields alone. The pieces come from Litestar's own encoder, so the body is the one `encode_json(_compare_out(found))`
# gives (tests/api/test_compare_json.py compares the two).
VARYING = ("fee_pct", "total_cost_pct", "received_amount", "stale", "amount", "total_paid", "indicative")
_SLOT = re.compile(rb'"\\u0000[0-9]"')  # a slot's placeholder as encoded: "\u00000" … "\u00006"
_PIECES_KEPT = 4096  # distinct offers remembered per corridor and data version (a bound, never reached in practice)
Pieces = tuple[bytes, ...]  # len(VARYING) + 1 fixed pieces, a varying field's value between each two


def _offer_pieces(o: Offer) -> Pieces:
    """The fixed JSON of an offer, around placeholders for the VARYING fields (their values never hold one)."""
    out = OfferOut(ProviderOut(o.provider.slug, o.provider.name, o.provider.kind), o.payin, o.payout, o.speed,
                   dec(o.fee), "", dec(o.rate, None), dec(o.mid_rate, None), dec(o.fx_margin_pct), "", "",
                   aware(o.observed_at), o.source, False, "", "", False, dec(o.based_on_amount, None) or "",
                   o.rate_derived)
    for number, name in enumerate(VARYING):
        setattr(out, name, f"\x00{number}")
    pieces = tuple(_SLOT.split(encode_json(out)))
    if len(pieces) != len(VARYING) + 1:  # cannot be (fixed fields cannot encode to a placeholder): fail loudly
        raise AssertionError(f"offer JSON pieces: {len(pieces)}")
    return pieces


def _two(value: Decimal | None) -> bytes:
    """``dec(value)`` as JSON: null, or the plain decimal quoted (digits, a point, a sign: nothing to escape)."""
    return b"null" if value is None else b'"' + str(value.quantize(TWO)).encode() + b'"'


def compare_json(found: Comparison, known: dict[tuple[Any, ...], Pieces]) -> bytes:
    """``encode_json(_compare_out(found))``, with each distinct offer's fixed pieces looked up in (or added to)
    ``known``."""
    head = encode_json(CompareOut(found.corridor.code, dec(found.amount, None) or "", found.currency,
                                  found.ask.mode.value, found.sort, []))
    if len(known) > _PIECES_KEPT:
        known.clear()
    amounts: dict[Decimal, bytes] = {}  # the amount sent: the same for every offer in mode "send"
    parts = [head[:-2]]  # up to the offers' "[", without the empty list's "]}"
    for o in found.offers:
        key = (o.provider.slug, o.provider.name, o.source, o.payin, o.payout, o.speed, o.fee, o.rate, o.rate_derived,
               o.mid_rate, o.fx_margin_pct, o.observed_at, o.based_on_amount)
        pieces = known.get(key)
        if pieces is None:
            pieces = known[key] = _offer_pieces(o)
        amount = amounts.get(o.amount)
        if amount is None:
            amount = amounts[o.amount] = _two(o.amount)
        p0, p1, p2, p3, p4, p5, p6, p7 = pieces
        parts += (b"" if len(parts) == 1 else b",", p0, _two(o.fee_pct), p1, _two(o.total_cost_pct), p2,
                  _two(o.received_amount), p3, b"true" if o.stale else b"false", p4, amount, p5, _two(o.total_paid),
                  p6, b"true" if o.indicative else b"false", p7)
    parts.append(b"]}")
    return b"".join(parts)


def _compare(db: Session, settings: Settings, source: str | None, to: str | None, amount: str | None,
             currency: str | None, payout: str | None, payin: str | None, receive: str | None = None,
             sort: str | None = None) -> CompareOut:
    asked = _question(source, to, amount, currency, payout, payin, receive, sort)
    return _compare_out(answer(services_of(offers.latest_services(db, asked.corridor)), asked, settings))


def csv_response(rows: list[Any], filename: str) -> Response[str]:
    buffer = io.StringIO()
    if rows:
        flat = [_flatten(asdict(row)) for row in rows]
        writer = csv.DictWriter(buffer, fieldnames=list(flat[0]))
        writer.writeheader()
        writer.writerows(flat)
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _flatten(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, dict):
            out.update(_flatten(value, f"{prefix}{key}_"))
        else:
            out[f"{prefix}{key}"] = "" if value is None else value
    return out


COUNTRY_HELP = "ISO 3166 country, alpha-2 or alpha-3, any case (FR, FRA, fr)"
From = Annotated[str, pattern(COUNTRY, "Sending country: " + COUNTRY_HELP, query="from")]
To = Annotated[str, pattern(COUNTRY, "Receiving country: " + COUNTRY_HELP)]
Amount = Annotated[str | None, pattern(AMOUNT, "Amount sent, before the fee, in the sending currency: 0.01 to "
                                       "1000000, at most two decimals (default 200 when receive is not given)",
                                       required=False)]
Receive = Annotated[str | None, pattern(RECEIVE, "What the family should receive, in the receiving currency "
                                        "(instead of amount): 0.01 to 1000000000, at most two decimals",
                                        required=False)]
Currency = Annotated[str | None, pattern(CURRENCY, "The sending currency (ISO 4217), if you want it checked: "
                                         "another one is a 404", required=False)]
PayoutBy = Annotated[str | None, one_of(PAYOUTS, "Only offers paid out this way", required=False)]
PayinBy = Annotated[str | None, one_of(PAYINS, "Only offers paid in this way", required=False)]
SortBy = Annotated[str | None, one_of((*SORTS, *ALIASES), "value (default: what the family gets per unit paid), "
                                      "received or speed", required=False)]
Fmt = Annotated[str | None, one_of(FORMATS, "csv: redirect to the CSV twin of the same table", query="format",
                                   required=False)]
Code = Annotated[str, pattern(CORRIDOR, "Two countries, alpha-2 or alpha-3: FR-SN, FRA-SEN")]
Period = Annotated[str | None, pattern(PERIOD, "Quarter, 2025Q3 or the World Bank's 2025_3Q (default: the latest)",
                                       required=False)]
AmountUsd = Annotated[str, one_of(AMOUNTS_USD, "The World Bank's two amounts, in US dollars")]
StatsSource = Annotated[str | None, one_of(STATISTICS_SOURCES, "Whose statistics: rpw, the World Bank's (default), "
                                           "or passerelle, our own collection's", required=False)]


def csv_twin(request: Request[Any, Any, Any]) -> Redirect | None:
    """`?format=csv` answers with the CSV twin of the same table; `format=json` (or none) with JSON."""
    wanted = check_choice(request.query_params.get("format"), FORMATS, "format")
    if wanted != "csv":
        return None
    query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "format"])
    return Redirect(f"{request.url.path}.csv" + (f"?{query}" if query else ""))


def _code(code: str) -> str:
    return check(code, CORRIDOR, "code", _("Write the corridor as two country codes, like FR-SN.")) or code


def _period(period: str | None) -> str | None:
    return check(period, PERIOD, "period", _("The period must look like 2025Q3."))


def _amount_usd(amount_usd: str) -> str:
    return check_choice(amount_usd, AMOUNTS_USD, "amount_usd") or amount_usd


def or_csv_twin(request: Request[Any, Any, Any], make: Callable[[], T]) -> T:
    """The table `make` builds, or (`format=csv`) the redirect to its CSV twin, once the parameters are checked."""
    twin = csv_twin(request)
    return make() if twin is None else twin  # type: ignore[return-value]  # Litestar sends a Response as it is


class OpenDataAPI(Controller):
    path = "/api/v1"
    tags = ["open data"]

    @get("/corridors", summary="Corridors with prices", responses=answers(302, 400))
    async def corridors(self, request: Request[Any, Any, Any], format_: Fmt = None) -> list[CorridorOut]:
        # async: from the comparison's cache (one list per data version), no thread hop nor query
        twin = csv_twin(request)
        if twin is not None:
            return twin  # type: ignore[return-value]  # Litestar sends a Response as it is
        cache: ComparisonCache = request.app.state.comparison_cache
        await cache.check()
        found: Piece | None = cache.get(("api", "corridors"))
        if found is None:  # serialised and compressed once per data version
            generation = cache.generation
            listed = await anyio.to_thread.run_sync(_corridors_of, cache.engine)
            found = cache.put(("api", "corridors"), Piece.of(encode_json(listed)), generation)
        return respond(request, [found], MediaType.JSON)  # type: ignore[return-value]  # sent as it is

    @get("/corridors/{code:str}/stats", sync_to_thread=True, summary="A corridor's statistics for a quarter",
         responses=answers(302, 400, 404))
    def stats(self, request: Request[Any, Any, Any], db: Session, code: Code, period: Period = None,
              amount_usd: AmountUsd = "200", source: StatsSource = None, format_: Fmt = None) -> StatsOut:
        code, period, amount_usd = _code(code), _period(period), _amount_usd(amount_usd)
        check_choice(source, STATISTICS_SOURCES, "source")
        return or_csv_twin(request, lambda: _stats(db, code, period, amount_usd, source))

    @get("/corridors/{code:str}/history", sync_to_thread=True, summary="A corridor's average cost over time",
         responses=answers(302, 400, 404))
    def history(self, request: Request[Any, Any, Any], db: Session, code: Code, amount_usd: AmountUsd = "200",
                format_: Fmt = None) -> list[HistoryOut]:
        code, amount_usd = _code(code), _amount_usd(amount_usd)
        return or_csv_twin(request, lambda: _history(db, code, amount_usd))

    @get("/compare", summary="Offers for an amount sent (amount=) or to arrive (receive=), "
         "best value first as on the compare page", responses=answers(302, 400, 404))
    async def compare(self, request: Request[Any, Any, Any], settings: Settings, source: From, to: To,
                amount: Amount = None,
                currency: Currency = None, payout: PayoutBy = None, payin: PayinBy = None,
                receive: Receive = None, sort: SortBy = None, format_: Fmt = None) -> CompareOut:
        source, to = (check(source, COUNTRY, "from", _("Say the sending country, e.g. from=FR.")) or source,
                      check(to, COUNTRY, "to", _("Say the receiving country, e.g. to=SN.")) or to)
        amount = check(amount, AMOUNT, "amount", _("The amount must be a number, such as 200."))
        receive = check(receive, RECEIVE, "receive", _("The amount must be a number, such as 200."))
        currency = check(currency, CURRENCY, "currency", _("The currency is three letters, such as EUR."))
        check_choice(payout, PAYOUTS, "payout")
        check_choice(payin, PAYINS, "payin")
        check_choice(sort, (*SORTS, *ALIASES), "sort")
        try:
            corridor = resolve_corridor(source, to)
        except BadInput as exc:  # a well-formed code naming no country: nothing to compare, as for FR-JP
            raise NotFound(exc.message, field=exc.field) from None
        if currency and currency.upper() != corridor.send_currency:
            raise NotFound(_("We have prices from %(a)s to %(b)s in %(cur)s only.", a=corridor.source_country,
                             b=corridor.destination_country, cur=corridor.send_currency), field="currency")
        amount = amount if amount or receive else "200"
        twin = csv_twin(request)
        if twin is not None:
            return twin  # type: ignore[return-value]  # Litestar sends a Response as it is
        # async: priced in the event loop from the corridor's prepared data (read in a worker thread once per
        # data version), so a new amount costs no query
        asked = _question(source, to, amount, currency, payout, payin, receive, sort)
        cache: ComparisonCache = request.app.state.comparison_cache
        await cache.check()
        found = answer((await cache.prepared(asked.corridor)).services, asked, settings)
        known: dict[tuple[Any, ...], Pieces] | None = cache.get(("api", "offer pieces", asked.corridor.code))
        if known is None:
            known = cache.put(("api", "offer pieces", asked.corridor.code), {}, cache.generation)
        # the body Litestar's serialiser gives the CompareOut, written from pieces; compressed with the other
        # cached answers' path
        return respond(request, [compare_json(found, known)], MediaType.JSON)  # type: ignore[return-value]


class OpenDataCSV(Controller):
    """The same tables as CSV, at the JSON address plus `.csv` (or with `?format=csv`, see csv_twin)."""

    path = "/api/v1"
    include_in_schema = False

    @get("/corridors.csv", sync_to_thread=True)
    def corridors(self, db: Session) -> Response[str]:
        return csv_response(_corridors(db), "corridors.csv")

    @get("/corridors/{code:str}/stats.csv", sync_to_thread=True)
    def stats(self, db: Session, code: str, period: str | None = None, amount_usd: str = "200",
              source: str | None = None) -> Response[str]:
        return csv_response([_stats(db, code, period, amount_usd, source)], f"{code}-stats.csv")

    @get("/corridors/{code:str}/history.csv", sync_to_thread=True)
    def history(self, db: Session, code: str, amount_usd: str = "200") -> Response[str]:
        return csv_response(_history(db, code, amount_usd), f"{code}-history.csv")

    @get("/compare.csv", sync_to_thread=True)
    def compare(self, db: Session, settings: Settings,
                source: Annotated[str | None, Parameter(query="from")] = None, to: str | None = None,
                amount: str | None = None, currency: str | None = None, payout: str | None = None,
                payin: str | None = None, receive: str | None = None, sort: str | None = None) -> Response[str]:
        found = _compare(db, settings, source, to, amount, currency, payout, payin, receive, sort)
        return csv_response(found.offers, f"compare-{found.corridor}.csv")

