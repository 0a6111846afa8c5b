"""The comparison's results fragment (what htmx swaps into #results and the compare page includes) written in
Python, not in Jinja.

Around the offers' rows (``app.comparison.rows``) the fragment has a title, the best offer's line, what the prices
are based on, the corridor panel with the table's figures, the projects the savings could fund and the alert form:
some forty translations, filters and escapes that Jinja took about half a millisecond to render at every new amount.
This writes the very HTML the template wrote (``tests/comparison/test_results_html.py`` renders the template beside
it): each value escaped as autoescaping does, the fixed words translated and escaped once per language, and the
amount-independent blocks (the table's head, the published statistics, the alert form, the how-to-read line) still
the memoised macros of ``partials/_offer_parts.html`` (``part``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any, NamedTuple
from urllib.parse import urlencode

from markupsafe import escape

from app.comparison.invest import Suggestion
from app.comparison.labels import source_label
from app.comparison.offers import Comparison, Mode
from app.comparison.panel import TableFigures
from app.comparison.ranking import first_offers
from app.comparison.rows import BELOW_ZERO_MARK, offer_rows
from app.errors import DomainError
from app.i18n import _, current_locale, fmt_money, fmt_pct, ngettext
from app.reference import corridor_name, country_name

Part = Callable[..., Any]
ALERT_AMOUNT_MARK = "\x00alert-amount\x00"  # where the alert form's memoised part takes the amount asked


def _e(value: object) -> str:
    return str(escape(value))


class _Words(NamedTuple):
    """The fragment's fixed text in one language, escaped."""

    best_value: str
    no_match: str
    each_service: str
    stale: str
    this_corridor: str
    above_head: str  # the panel's figures are those of the table, shown whole
    figures_head: str
    folded_head: str  # … or of every offer, when the table shows its first ones
    average: str
    cheapest: str
    below_zero: str  # the mark beside a total cost below zero, which the footnote explains
    below_zero_note: str
    smart: str
    indicative: str
    invest_head: str


@lru_cache(maxsize=16)
def _words(locale: str) -> _Words:  # noqa: ARG001 - the key: ``_`` reads the language from the context
    # Messages stay outside f-strings: Babel's extractor skips an f-string's inner calls.
    texts = [_e(text) for text in (
        _("Best value:"), _("No service matches this payout method yet."),
        _("each service is priced from its observation nearest your amount, keeping its fee and rate."),
        _("These observations are old: shown for reference, check the provider's price before you send."),
        _("This corridor:"), _("The offers above, for your amount"), _("Services in this table"),
        _("Average total cost"), _("Cheapest"), _("rate better than mid-market"),
        _("SmaRT-style (3 cheapest within 5 days)"), _("Only indicative prices are available for this amount."),
        _("Put the savings to work"), _("Services"), _("A total cost below zero: the rate was better than mid-market"))]
    (best, no_match, each, stale, corridor, above, services, average, cheapest, below, smart, indicative, invest,
     every, note) = texts
    return _Words(
        best, f"<p>{no_match}</p>", f"  {each}\n", f'<strong class="stale">{stale}</strong>', corridor,
        f"  <h3>{above}</h3>\n", f'  <dl class="figures">\n    <div><dt>{services}</dt><dd>',
        f'  <dl class="figures">\n    <div><dt>{every}</dt><dd>',
        f"</dd></div>\n    <div><dt>{average}</dt><dd>", f"</dd></div>\n    <div><dt>{cheapest}</dt><dd>",
        BELOW_ZERO_MARK.format(label=below),
        f'<p class="footnote" id="below-zero-note"><small><span aria-hidden="true">*</span> '
        f'<a href="/methodology#below-zero">{note}</a></small></p>\n',
        f"</dd></div>\n    <div><dt>{smart}</dt><dd>", f" {indicative}",
        f'<section class="invest" aria-labelledby="invest-title">\n  <h2 id="invest-title">{invest}</h2>\n  <ul>')


def all_offers_url(form: Mapping[str, str]) -> str:
    """The address of this very question with every offer shown (the form's fields as its GET sends them)."""
    query = {name: form[name] for name in ("from", "to", "amount", "currency", "payout", "payin", "sort")
             if form.get(name)}
    if form.get("mode") == Mode.receive:
        query["mode"] = Mode.receive.value
    return "/?" + urlencode({**query, "all": "1"})


def below_zero(offers: Sequence[Any]) -> bool:
    """Some offer's total cost is below zero (its row carries the mark the footnote explains)."""
    return any(o.total_cost_pct is not None and o.total_cost_pct < 0 for o in offers)


def error_html(error: DomainError, error_field: str | None) -> str:
    """The fragment of a question we cannot answer: its message, beside the field it is about."""
    field = f' id="c-{_e(error_field)}-error" data-error-field="{_e(error_field)}"' if error_field else ""
    return f'  <p class="error" role="alert"{field}>{_e(error.message)}</p>\n'


def results_html(c: Comparison, figures: TableFigures | None, published: Sequence[Any],
                 projects: Sequence[Suggestion], form: Mapping[str, str], csrf_input: str, part: Part) -> str:
    """The fragment of an answered question (``published``: the panel's statistics, ``projects``: what the yearly
    saving funds, ``csrf_input``: the alert form's token input, a mark in cached fragments). A long table shows
    its first offers and a link to all of them, unless ``form["all"]`` asks for every one."""
    words = _words(current_locale.get())
    corridor = c.corridor
    cur_in, cur_out = corridor.send_currency, corridor.receive_currency
    receiving = c.ask.mode == Mode.receive
    asked = fmt_money(c.amount, cur_out if receiving else cur_in)
    top, offers = c.best, c.offers
    origin, destination = country_name(corridor.source_country), country_name(corridor.destination_country)
    title = (_("Offers for %(amount)s to arrive", amount=asked) if receiving
             else _("Offers for %(amount)s", amount=asked))
    between = _("%(origin)s → %(destination)s", origin=origin, destination=destination)
    count = ngettext("%(num)d offer", "%(num)d offers", len(offers))
    out = [f'<h2 id="offers-title">{_e(title)}  <small class="count">{_e(between)} · {_e(count)}</small></h2>\n']
    if top:
        paid_gets = _("you pay %(paid)s → your family receives %(gets)s", paid=fmt_money(top.total_paid, cur_in),
                      gets=fmt_money(top.family_gets, cur_out))
        out.append(f'<p class="best-line">{words.best_value} <strong>{_e(top.provider.name)}</strong> — '
                   f"{_e(paid_gets)}</p>\n")
    shown = offers if form.get("all") == "1" else first_offers(offers, top)
    marked = below_zero(shown) or (figures is not None and figures.cheapest_pct < 0)
    if not offers:
        out.append(words.no_match)
    else:
        out += [part("offers_head", c.sort), "\n  <tbody>\n  ", offer_rows(shown, top, cur_in, cur_out, part),
                "\n  </tbody>\n</table>\n"]
        if len(shown) < len(offers):
            url = _e(all_offers_url(form))
            every = ngettext("Show all %(num)d offers", "Show all %(num)d offers", len(offers))
            out.append(f'<p class="more-offers"><a href="{url}" hx-get="{url}" hx-target="#results" '
                       f'hx-push-url="true" hx-indicator="#results">{_e(every)}</a></p>\n')
        out += [words.below_zero_note if marked else "", '<p class="basis"><small>']
        for source, period, amounts in c.bases:
            based = _("Prices from %(source)s, %(period)s, observed for %(amounts)s;", source=source_label(source),
                      period=period, amounts=" / ".join([fmt_money(a, cur_in) for a in amounts]))
            out += [_e(based), " "]
        out += [words.each_service, words.stale if c.all_stale else "", "</small></p>\n"]
    out.append(f'<section class="panel" aria-labelledby="panel-title">\n  <h2 id="panel-title">{words.this_corridor} '
               f'<a href="/corridors/{_e(corridor.code)}">{_e(corridor_name(corridor.code))}</a></h2>\n')
    if figures:
        cheapest, smart = figures.cheapest_pct, figures.smart_pct
        counted = ngettext("Computed over %(num)d transparent offer with a known cost.",
                           "Computed over %(num)d transparent offers with a known cost.", figures.counted)
        if len(shown) < len(offers):
            head = ngettext("All %(num)d offers, for your amount", "All %(num)d offers, for your amount",
                            figures.offers)
            out += [f"  <h3>{_e(head)}</h3>\n", words.folded_head]
        else:
            out += [words.above_head, words.figures_head]
        out += [str(figures.offers), words.average, _e(fmt_pct(figures.average_pct)),
                words.cheapest, _e(fmt_pct(cheapest)),
                words.below_zero if cheapest is not None and cheapest < 0 else "", words.smart,
                _e(fmt_pct(smart)) if smart is not None else "—",
                f"</dd></div>\n  </dl>\n  <p><small>{_e(counted)}",
                words.indicative if figures.indicative else "", "</small></p>\n"]
        saving = figures.saving
        if saving > 0:
            saves = _("Choosing the cheapest instead of the average of these offers saves %(one)s on a transfer of "
                      "%(amount)s, %(year)s a year if you send it every month.", one=fmt_money(saving, cur_in),
                      amount=fmt_money(figures.amount, cur_in), year=fmt_money(figures.saving_per_year, cur_in))
            out.append(f'  <p class="saving">{_e(saves)}</p>\n')
    out += [part("published", published), "</section>\n"]
    if projects:
        out.append(words.invest_head)
        for p in projects:
            share = _("Your %(saving)s a year is %(share)s of", saving=fmt_money(figures.saving_per_year, c.currency)
                      if figures else "", share=fmt_pct(p.share_pct))
            goal = _("goal %(goal)s", goal=fmt_money(p.goal, p.currency))
            out.append(f'    <li>{_e(share)}\n      <a href="/projects/{_e(p.slug)}">{_e(p.title)}</a> '
                       f"({_e(goal)})</li>\n")
        out.append("</ul>\n</section>\n")
    out += [part("alert_form", form["from"], form["to"], csrf_input).replace(ALERT_AMOUNT_MARK, form["amount"]),
            part("how_to_read"), "\n"]
    return "".join(out)
