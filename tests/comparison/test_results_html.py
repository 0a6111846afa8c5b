"""The results fragment written in Python (app.comparison.results) is the HTML partials/_results.html wrote: the
template, kept beside this test as the reference, renders every case beside it (both databases)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from jinja2 import Environment
from sqlalchemy import Engine
from sqlmodel import Session

from app.comparison import offers
from app.comparison.indicators import list_corridors
from app.comparison.invest import Fundable, suggestions
from app.comparison.pages import FIELD_OF, Published, asked, render_results
from app.comparison.prepared import Prepared, prepare
from app.comparison.ranking import first_offers
from app.comparison.results import all_offers_url, below_zero
from app.comparison.rows import offer_rows
from app.errors import DomainError
from app.i18n import current_locale
from app.page_cache import CSRF_INPUT_MARK
from app.settings import Settings
from app.templating import make_environment
from providers.registry import Provider
from tests.comparison.test_current_offers import loaded  # noqa: F401 - the demo, Wise and staff loads

# partials/_results.html before the fragment moved to Python, kept as the reference
TEMPLATE = (Path(__file__).parent / "results_template.html").read_text(encoding="utf-8")
ODD = "<b>Ndèye & \"Aïssatou\" l'aînée</b>"


def reference(env: Environment, settings: Settings, form: dict[str, str], find: Callable[[Any], Prepared]) -> str:
    """What the template rendered (render_results as it was, word for word)."""
    context: dict[str, Any] = {"form": form, "payouts": offers.PAYOUTS, "sorts": offers.SORTS, "error": None,
                               "comparison": None, "published": (), "figures": None, "csrf_input": CSRF_INPUT_MARK}
    try:
        wanted = asked(form)
        data = find(wanted.corridor)
        comparison = offers.answer(data.services, wanted, settings)
        figures = comparison.figures
        context.update(comparison=comparison, figures=figures, published=tuple(Published(
            s.source, s.period, s.services, s.average_total_cost_pct, s.smart_pct, s.min_total_cost_pct)
            for s in data.published),
                       projects=suggestions(data.projects, figures.saving_per_year, comparison.currency)
                       if figures and figures.saving > 0 else [])
    except DomainError as exc:
        context["error"] = exc
    error: DomainError | None = context["error"]
    field = FIELD_OF.get(error.field, error.field) if error and error.field else None
    return env.from_string(TEMPLATE).render({**context, "error_field": field})


def _odd(data: Prepared) -> Prepared:
    """The corridor with a name and project titles that need escaping."""
    odd = Provider(slug="odd-one", name=ODD, kind="fintech", website=None)
    services = tuple(dataclasses.replace(s, observed=tuple(dataclasses.replace(o, provider=odd) for o in s.observed))
                     if n % 3 == 0 else s for n, s in enumerate(data.services))
    projects = (Fundable("odd-slug", ODD, Decimal("5000"), "EUR"), Fundable("mil", "Moulin à mil", Decimal("300000"),
                                                                             "XOF"))
    return dataclasses.replace(data, services=services, projects=projects)


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_the_fragment_is_the_templates_html(loaded: Engine, settings: Settings, locale: str) -> None:  # noqa: F811
    env = make_environment()
    env.globals.update(offer_rows=offer_rows, first_offers=first_offers, below_zero=below_zero,
                       all_offers_url=all_offers_url)
    with Session(loaded) as session:
        corridors = [s.corridor for s in list_corridors(session)]
    prepared = {c.code: prepare(loaded, c) for c in corridors}
    prepared["FR-SN"] = _odd(prepared["FR-SN"])
    token = current_locale.set(locale)
    cases = set()
    try:
        for code in [*(c.code for c in corridors), "FR-XX", "FR-FR"]:  # and a country we do not know, no corridor
            source, destination = code.split("-")
            for amount, mode, payout, sort, currency in [
                    ("200", "send", "", "value", ""), ("1234.56", "send", "mobile_wallet", "received", ""),
                    ("0.01", "send", "", "speed", ""), ("999999", "send", "cash", "value", ""),
                    ("1 234,56", "send", "bank_account", "value", ""), ("131000", "receive", "", "value", ""),
                    ("abc", "send", "", "value", ""), ("200", "send", "weird", "value", ""),
                    ("200", "send", "", "nope", ""), ("200", "send", "", "value", "GBP"),
                    ("<b>&", "send", "", "value", ""), ("10000000", "receive", "", "value", ""),
                    ("200", "send", "", "speed", "all"), ("131000", "receive", "", "received", "all"),
                    ("1 234,56", "send", "", "value", "all")]:
                every = "1" if currency == "all" else ""  # every offer asked for, not a currency
                form = {"from": source, "to": destination, "amount": amount, "currency": "" if every else currency,
                        "payout": payout, "payin": "", "sort": sort, "mode": mode, "all": every}

                def find(wanted: Any) -> Prepared:
                    return prepared[wanted.code]

                want = reference(env, settings, form, find)
                got, status, field, summary = render_results(settings, form, env, find)
                assert got == want, (code, form)
                cases.add((status, field, "best-line" in got, "stale" in got, "invest" in got, "indicative" in got,
                           "&lt;b&gt;Ndèye &amp; &#34;Aïssatou&#34; l&#39;aînée&lt;/b&gt;" in got,
                           "more-offers" in got, "below-zero-note" in got))
    finally:
        current_locale.reset(token)
    statuses = {c[0] for c in cases}
    assert {200, 400, 404} <= statuses, cases
    for flag in range(2, 9):  # each part of the fragment was shown, and was not
        assert {c[flag] for c in cases if c[0] == 200} == {True, False}, (flag, cases)
