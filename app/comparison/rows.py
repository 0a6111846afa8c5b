"""The offers table's rows, written with plain string operations: a table of fifty offers is most of the
compare page, and a new amount re-renders it at every question.

What does not depend on the amount (a provider's link, the pay-in and payout words, an observation's rate
block, its source and date, its fee, the markup between the numbers) is joined once per observation and
language (``_fixed``, from the memoised macros of ``partials/_offer_parts.html``: ``part``); a row then
costs its few amounts, written by the fast formatters of ``app.i18n`` (the same text as the ``money`` and
``pct`` filters). Every value that is not a fixed word or a number is escaped; formatted amounts need no
escaping (checked once per currency pair and language, escaped otherwise), so the messages they go into
are escaped once per language. The markup is the one the ``partials/_results.html`` table had row by row
(``tests/comparison/results_template.html`` keeps that template: a test renders it beside ``app.comparison.results``).
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
# Beside a total cost below zero: a mark the one footnote under the table explains (app.comparison.results)
BELOW_ZERO_MARK = '<a class="mark" href="#below-zero-note" aria-label="{label}">*</a>'


def offer_rows(offers: list[Offer], top: Offer | None, send_currency: str, receive_currency: str,
               part: Part) -> Markup:
    """The ``<tr>`` of every offer (and the group headings before indicative and unknown amounts)."""
    locale = current_locale.get()
    words = _words(locale)
    money_in = _memoised(money_formatter(send_currency))  # the amount asked recurs from row to row
    money_out, pct = money_formatter(receive_currency), pct_formatter()
    if not _plain(send_currency, receive_currency, locale):  # amounts go into markup as they are written
        money_in, money_out = _escaped(money_in), _escaped(money_out)
    plus_fee, after_cash_out, below_zero = words.plus_fee, words.after_cash_out, words.below_zero
    out: list[str] = []
    shown_indicative = shown_unknown = False
    for o in offers:
        value, gets, paid, cost, indicative = o.value, o.family_gets, o.total_paid, o.total_cost_pct, o.indicative
        if value is None and not shown_unknown:
            shown_unknown = True
            out.append(_group(_("Amount received unknown (rate not disclosed or no reference rate): listed last")))
        elif value is not None and indicative and not shown_indicative:
            shown_indicative = True
            out.append(_group(_("Indicative prices: observed for amounts far from yours (outside half to twice), "
                                "listed after the others") if out else
                              _("Indicative prices only: no service was observed near your amount (half to twice)")))
        row = _fixed(o, part, words, send_currency, money_in)
        is_top = o is top
        paying = (f"<strong>{money_in(paid)}</strong><small>"
                  f"{plus_fee % {'amount': money_in(o.amount), 'fee': row.fee}}</small>"
                  if paid is not None else "—")
        fee_pct = o.fee_pct
        in_money = (f"<dt>{words.in_money}</dt><dd>{money_in(cost * o.amount / 100)}</dd>"
                    if cost is not None else "")
        wallet = ""
        if o.received_amount is not None and o.cash_out:
            wallet = f"<dt>{words.credited}</dt><dd>{money_out(o.received_amount)}" + "".join([
                "<small>{}</small>".format(after_cash_out % {"wallet": _name(w.wallet), "fee": money_out(w.fee),
                                                             "net": money_out(w.net)})
                for w in o.cash_out]) + "</dd>"
        out.append(
            f'<tr class="offer{" best" if is_top else ""}{" indicative" if indicative else ""}">'
            f'{row.head}{words.best_badge if is_top else ""}{words.indicative_badge if indicative else ""}'
            f'{row.received}{f"<strong>{money_out(gets)}</strong>" if gets is not None else "—"}'
            f'{words.paid}{paying}'
            f'{words.cost}{"—" if cost is None else pct(cost) if cost >= 0 else below_zero % pct(cost)}'
            f'{row.details}{row.fee}{f" ({pct(fee_pct)})" if fee_pct is not None else ""}'
            f'{row.rate}{in_money}{wallet}{row.observed}'
            f'{row.based if o.based_on_amount != o.amount else ""}{row.tail}')
    return Markup("".join(out))  # noqa: S704 - every value above is escaped or a formatted number


class _Words(NamedTuple):
    """The table's fixed words and markup in one language, escaped."""

    receives_attr: str
    paid: str  # from the end of the amount received to the start of what is paid
    cost: str  # from the end of what is paid to the start of the total cost
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
    plus_fee: str  # escaped, filled with formatted numbers (which need no escaping)
    priced_from: str
    after_cash_out: str
    below_zero: str  # a total cost below zero (``%`` the number) and its mark, one item of the phone's grid


@lru_cache(maxsize=16)
def _words(locale: str) -> _Words:  # noqa: ARG001 - the key: ``_`` reads the language from the context
    # Messages stay outside f-strings: Babel's extractor skips an f-string's inner calls.
    best_text, indicative_text = escape(_("Best value")), escape(_("Indicative"))
    below_zero_text = escape(_("rate better than mid-market"))
    hidden_text, excluded_text = escape(_("rate not disclosed")), escape(_("excluded from averages"))
    receives, pay, cost, speed = (str(escape(x)) for x in (_("Your family receives"), _("You pay"), _("Total cost"),
                                                           _("Speed")))
    return _Words(receives, f'</td><td class="num paid" data-label="{pay}">',
                  f'</td><td class="num cost" data-label="{cost}">', speed,
                  f'<span class="badge best">{best_text}</span>',
                  f'<span class="badge indicative">{indicative_text}</span>',
                  f'<small class="warn">{hidden_text}</small>', f'<small>{excluded_text}</small>',
                  str(escape(_("Fee"))), str(escape(_("Total cost in money"))), str(escape(_("Observed"))),
                  str(escape(_("Credited to the wallet"))), str(escape(_("Details"))),
                  str(escape(_("%(amount)s + %(fee)s fee"))), str(escape(_("priced from the quote for %(amount)s"))),
                  str(escape(_("after %(wallet)s cash-out fee of %(fee)s: %(net)s"))),
                  '<span class="below-zero">%s' + BELOW_ZERO_MARK.format(label=below_zero_text.replace("%", "%%"))
                  + "</span>")


class _Row(NamedTuple):
    """An offer's row as far as it does not depend on the amount asked: the markup between the numbers."""

    head: str  # up to the badges
    received: str  # from the badges to the amount received
    details: str  # from the total cost to the fee
    fee: str  # the fee, formatted
    rate: str  # from the fee's percentage to the total cost in money
    observed: str  # the observation, up to the amount it was quoted for
    based: str  # "priced from the quote for …", shown when that amount is not the one priced
    tail: str


_FIXED: dict[tuple[Any, ...], _Row] = {}
FIXED_KEPT = 20_000


def _fixed(o: Offer, part: Part, words: _Words, currency: str, money: Callable[[Decimal | None], str]) -> _Row:
    """The parts of an offer's row that do not depend on the amount, worked out once per observation and language."""
    key = (current_locale.get(), currency, o.provider.slug, o.provider.name, o.provider.kind, o.payin, o.payout,
           o.speed, o.transparent, o.fee, o.based_on_amount, o.rate, o.mid_rate, o.fx_margin_pct, o.rate_derived,
           o.source, o.period, o.observed_at)
    found = _FIXED.get(key)
    if found is None:
        if len(_FIXED) >= FIXED_KEPT:
            _FIXED.clear()
        when: Any = o.period if o.source == "rpw" else o.observed_at.date()
        hidden, excluded = ("", "") if o.transparent else (words.hidden, words.excluded)
        name = escape(o.provider.name)
        found = _FIXED[key] = _Row(
            f'<th scope="row">{part("service_link", o.provider.slug, o.provider.name)}',
            f'{part("service_small", o.payin, o.payout)}</th>'
            f'<td class="num received" data-label="{words.receives_attr}">',
            f'{hidden}</td><td class="speed" data-label="{words.speed_attr}">{part("speed", o.speed)}</td>'
            f'<td class="more"><details><summary>{words.details}<span class="visually-hidden"> — {name}</span>'
            f'</summary><dl><dt>{words.fee_label}</dt><dd>',
            money(o.fee) if o.fee is not None else "—",
            f'</dd>{part("rate", o.rate, o.mid_rate, o.fx_margin_pct, o.rate_derived)}',
            f'<dt>{words.observed_label}</dt><dd>{part("observed", o.source, when)}',
            f"<small>{words.priced_from % {'amount': money(o.based_on_amount)}}</small>",
            f'{excluded}</dd>{part("kind", o.provider.kind)}</dl></details></td></tr>\n')
    return found


@lru_cache(maxsize=64)
def _plain(send_currency: str, receive_currency: str, locale: str) -> bool:
    """Amounts in these currencies are written with no character markup would escape (digits, spaces, signs)."""
    probes = [Decimal(v) for v in ("1234567.891", "0", "-1234.5", "-0.001")]
    return all(str(escape(write(v))) == write(v) for write in (money_formatter(send_currency, locale),
                                                               money_formatter(receive_currency, locale))
               for v in probes)


def _escaped(write: Callable[[Decimal | None], str]) -> Callable[[Decimal | None], str]:
    return lambda value: str(escape(write(value)))


@lru_cache(maxsize=256)
def _name(wallet: str) -> str:
    return str(escape(wallet))


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
