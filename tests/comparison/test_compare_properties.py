"""Properties of every comparison over the demo data (Hypothesis: corridors × amounts × payouts × ways to ask):
the panel describes the table (cheapest, average, savings at this amount), the ranking follows what the family
gets per unit paid, and each offer's figures hold together (received = amount × rate, total = fee % + margin %,
the total cost in money is what the sender loses against the mid-market rate)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from app.comparison.offers import PAYOUTS, Comparison, compare
from app.comparison.ranking import group

TINY = Decimal("1e-9")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The demo data (`passerelle demo load`) in a SQLite file of the module's own, and its corridors."""
    from app.db import get_engine
    from app.demo import load_demo
    from app.models.current import CurrentCorridor
    from app.schema import upgrade
    from app.settings import Settings

    url = f"sqlite:///{tmp_path_factory.mktemp('properties') / 'demo.sqlite3'}"
    upgrade(url)
    engine = get_engine(url)
    load_demo(engine=engine)
    with Session(engine) as session:
        corridors = sorted(session.exec(select(CurrentCorridor.corridor)).all())
    assert len(corridors) >= 20  # the 23 corridors of RPW 2025Q3 and Wise's GB -> ES
    yield {"engine": engine, "settings": Settings(database_url=url, scheduler_enabled=False, passerelle_env="test"),
           "corridors": corridors}


def _asked(data: st.DataObject, demo: dict[str, Any]) -> Comparison:
    corridor = data.draw(st.sampled_from(demo["corridors"]), label="corridor")
    payout = data.draw(st.sampled_from([None, *PAYOUTS]), label="payout")
    receive = data.draw(st.booleans(), label="receive")
    source, destination = corridor.split("-")
    with Session(demo["engine"]) as session:
        if receive:  # up to about 3 000 € in any receiving currency's units
            amount = data.draw(st.decimals(min_value=1, max_value=2_000_000, places=0), label="receive amount")
            return compare(session, demo["settings"], source, destination, receive=str(amount), payout=payout)
        amount = data.draw(st.decimals(min_value=Decimal("0.01"), max_value=20_000, places=2), label="amount")
        return compare(session, demo["settings"], source, destination, str(amount), payout=payout)


def _close(a: Decimal, b: Decimal, tolerance: Decimal = TINY) -> bool:
    return abs(a - b) <= tolerance * max(Decimal(1), abs(a), abs(b))


PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@PROPERTY
@given(data=st.data())
def test_the_panel_describes_the_table_on_screen(demo, data):  # type: ignore[no-untyped-def]
    comparison = _asked(data, demo)
    offers, figures = comparison.offers, comparison.figures
    priced = [o for o in offers if o.transparent and o.total_cost_pct is not None]
    firm = [o for o in priced if not o.indicative]
    counted = firm or priced  # indicative prices count only when nothing else is priced
    if not counted:
        assert figures is None
        return
    assert figures is not None and figures.offers == len(offers) and figures.counted == len(counted)
    costs = [o.total_cost_pct for o in counted if o.total_cost_pct is not None]
    assert figures.cheapest_pct == min(costs)
    assert _close(figures.average_pct, sum(costs, Decimal(0)) / len(costs))
    # the savings are (average - cheapest) at this very amount: the amount sent, or what the best needs sent
    top = comparison.best or offers[0]
    at = comparison.amount if comparison.ask.mode == "send" else top.amount
    assert figures.amount == at
    assert _close(figures.saving, at * (figures.average_pct - figures.cheapest_pct) / 100)
    assert _close(figures.saving_per_year, 12 * figures.saving)


@PROPERTY
@given(data=st.data())
def test_ranking_follows_what_the_family_gets_per_unit_paid(demo, data):  # type: ignore[no-untyped-def]
    offers = _asked(data, demo).offers
    groups = [group(o) for o in offers]
    assert groups == sorted(groups), "firm prices, then indicative ones, then unknown amounts"
    for earlier, later in zip(offers, offers[1:], strict=False):
        if group(earlier) == group(later) < 2:
            assert earlier.value is not None and later.value is not None
            assert earlier.value >= later.value, (earlier.provider.name, later.provider.name)
            # equivalently: a higher value never costs a higher total for the same amount sent
            if earlier.amount == later.amount and earlier.total_paid and later.total_paid:
                assert earlier.family_gets / earlier.total_paid >= later.family_gets / later.total_paid  # type: ignore[operator]


@PROPERTY
@given(data=st.data())
def test_each_offer_with_a_rate_holds_together(demo, data):  # type: ignore[no-untyped-def]
    comparison = _asked(data, demo)
    for o in comparison.offers:
        if o.rate is None:
            assert o.received_amount is None and o.family_gets is None and o.value is None
            continue
        assert o.received_amount == o.amount * o.rate
        if o.fee is not None:
            assert o.total_paid == o.amount + o.fee and _close(o.fee_pct, o.fee / o.amount * 100)  # type: ignore[arg-type]
        if o.total_cost_pct is not None:
            assert o.total_cost_pct == o.fee_pct + o.fx_margin_pct  # type: ignore[operator]
        if o.mid_rate and o.fee is not None and o.total_cost_pct is not None:
            # the total cost in money: the fee plus what the rate keeps back against the mid-market rate
            lost = o.fee + o.amount - o.received_amount / o.mid_rate
            assert _close(o.total_cost_pct * o.amount / 100, lost, Decimal("1e-6")), o
        if comparison.ask.mode == "receive" and o.family_gets is not None and not o.cash_out:
            assert o.family_gets >= comparison.amount  # the family gets at least what was asked
