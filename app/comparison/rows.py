"""The offers table's rows, written with plain string operations: a table of fifty offers is most of the
compare page, and a new amount re-renders it at every question.

What does not depend on the amount (a provider's link, the pay-in and payout words, an observation's rate
block, its source and date) comes from the memoised macros of ``partials/_offer_parts.html`` (``part``);
the amounts are written by the fast formatters of ``app.i18n`` (the same text as the ``money`` and ``pct``
filters). Every value that is not a fixed word or a number is escaped. The markup is the one the
``_results.html`` table had row by row; tests read it (``tests/comparison/test_compare_pages.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache
from typing import Any, NamedTuple

from markupsafe import Markup, escape

from app.comparison.pricing import Offer
from app.i18n import _, current_locale, money_formatter, pct_formatter

Part = Callable[..., Markup]


def offer_rows(offers: list[Offer], top: Offer | None, send_currency: str, receive_currency: str,
               part: Part) -> Markup:
    """The ``<tr>`` of every offer (and the group headings before indicative and unknown amounts)."""
    money_in, money_out, pct = money_formatter(send_currency), money_formatter(receive_currency), pct_formatter()
    words = _words(current_locale.get())
    plus_fee, priced_from = words.plus_fee, words.priced_from
    out: list[str] = []
    shown_indicative = shown_unknown = False
    money_in = _memoised(money_in)  # the amount asked and the fees recur from row to row
    for o in offers:
        value, gets, paid, fee, cost = o.value, o.family_gets, o.total_paid, o.fee, o.total_cost_pct
        if value is None and not shown_unknown:
            shown_unknown = True
            out.append(_group(_("Amount received unknown (rate not disclosed or no reference rate): listed last")))
        elif value is not None and o.indicative and not shown_indicative:
            shown_indicative = True
            out.append(_group(_("Indicative prices: observed for amounts far from yours (outside half to twice), "
                                "listed after the others")))
        is_top = o is top
        name = escape(o.provider.name)
        received = f"<strong>{money_out(gets)}</strong>" if gets is not None else "—"
        paying = (f"<strong>{money_in(paid)}</strong><small>"
                  f"{escape(plus_fee % {'amount': money_in(o.amount), 'fee': money_in(fee)})}</small>"
                  if paid is not None else "—")
        fee_text = (money_in(fee) if fee is not None else "—") + (
            f" ({pct(o.fee_pct)})" if o.fee_pct is not None else "")
        in_money_row = (f"<dt>{words.in_money}</dt><dd>{money_in(cost * o.amount / 100)}</dd>"
                        if cost is not None else "")
        wallet = ""
        if o.received_amount is not None and o.cash_out:
            wallet = f"<dt>{words.credited}</dt><dd>{money_out(o.received_amount)}" + "".join(
                "<small>{}</small>".format(escape(_("after %(wallet)s cash-out fee of %(fee)s: %(net)s",
                                                    wallet=w.wallet, fee=money_out(w.fee), net=money_out(w.net))))
                for w in o.cash_out) + "</dd>"
        based = (f"<small>{escape(priced_from % {'amount': money_in(o.based_on_amount)})}</small>"
                 if o.based_on_amount != o.amount else "")
        link, small, speed, rate, observed, kind = _fixed(o, part)
        out.append(
            f'<tr class="offer{" best" if is_top else ""}{" indicative" if o.indicative else ""}">'
            f'<th scope="row">{link}'
            f'{words.best_badge if is_top else ""}{words.indicative_badge if o.indicative else ""}'
            f'{small}</th>'
            f'<td class="num received" data-label="{words.receives_attr}">{received}</td>'
            f'<td class="num paid" data-label="{words.pay_attr}">{paying}</td>'
            f'<td class="num cost" data-label="{words.cost_attr}">{pct(cost) if cost is not None else "—"}'
            f'{words.below_zero if cost is not None and cost < 0 else ""}'
            f'{words.hidden if not o.transparent else ""}</td>'
            f'<td class="speed" data-label="{words.speed_attr}">{speed}</td>'
            f'<td class="more"><details><summary>{words.details}'
            f'<span class="visually-hidden"> — {name}</span></summary>'
            f'<dl><dt>{words.fee_label}</dt><dd>{fee_text}</dd>'
            f'{rate}{in_money_row}{wallet}'
            f'<dt>{words.observed_label}</dt><dd>{observed}{based}'
            f'{words.excluded if not o.transparent else ""}</dd>{kind}</dl></details></td></tr>\n')
    return Markup("".join(out))  # noqa: S704 - every value above is escaped or a formatted number


class _Words(NamedTuple):
    """The table's fixed words in one language, escaped where they go into markup."""

    receives_attr: str
    pay_attr: str
    cost_attr: str
    speed_attr: str
    best_badge: str
    indicative_badge: str
    hidden: str
    excluded: str
    fee_label: str
    in_money: str
    observed_label: str
    credited: str
    details: str
    plus_fee: str
    priced_from: str
    below_zero: str


@lru_cache(maxsize=16)
def _words(locale: str) -> _Words:  # noqa: ARG001 - the key: ``_`` reads the language from the context
    # Messages stay outside f-strings: Babel's extractor skips an f-string's inner calls.
    best_text, indicative_text = escape(_("Best value")), escape(_("Indicative"))
    below_zero_text = escape(_("below zero: a rate better than mid-market"))
    hidden_text, excluded_text = escape(_("rate not disclosed")), escape(_("excluded from averages"))
    receives, pay, cost, speed = (str(escape(x)) for x in (_("Your family receives"), _("You pay"), _("Total cost"),
                                                           _("Speed")))
    return _Words(receives, pay, cost, speed,
                  f'<span class="badge best">{best_text}</span>',
                  f'<span class="badge indicative">{indicative_text}</span>',
                  f'<small class="warn">{hidden_text}</small>', f'<small>{excluded_text}</small>',
                  str(escape(_("Fee"))), str(escape(_("Total cost in money"))), str(escape(_("Observed"))),
                  str(escape(_("Credited to the wallet"))), str(escape(_("Details"))),
                  _("%(amount)s + %(fee)s fee"), _("priced from the quote for %(amount)s"),
                  f'<small><a href="/methodology#below-zero">{below_zero_text}</a></small>')


_FIXED: dict[tuple[Any, ...], tuple[Markup, ...]] = {}
FIXED_KEPT = 20_000


def _fixed(o: Offer, part: Part) -> tuple[Markup, ...]:
    """The parts of an offer's row that do not depend on the amount, looked up once per row (per language)."""
    key = (current_locale.get(), o.provider.slug, o.provider.name, o.provider.kind, o.payin, o.payout, o.speed,
           o.rate, o.mid_rate, o.fx_margin_pct, o.rate_derived, o.source, o.period, o.observed_at)
    found = _FIXED.get(key)
    if found is None:
        if len(_FIXED) >= FIXED_KEPT:
            _FIXED.clear()
        when: Any = o.period if o.source == "rpw" else o.observed_at.date()
        found = _FIXED[key] = (part("service_link", o.provider.slug, o.provider.name),
                               part("service_small", o.payin, o.payout), part("speed", o.speed),
                               part("rate", o.rate, o.mid_rate, o.fx_margin_pct, o.rate_derived),
                               part("observed", o.source, when), part("kind", o.provider.kind))
    return found


def _memoised(write: Callable[[Decimal | None], str]) -> Callable[[Decimal | None], str]:
    seen: dict[Decimal | None, str] = {}

    def memo(value: Decimal | None) -> str:
        found = seen.get(value)
        if found is None:
            found = seen[value] = write(value)
        return found

    return memo


def _group(words: str) -> str:
    return f'<tr class="group"><th colspan="6" scope="rowgroup">{escape(words)}</th></tr>\n'
