"""/api/v1/compare writes its answer from pieces encoded once per offer (app.comparison.api.compare_json): the body is
byte for byte the one Litestar's serialiser gives the CompareOut, whatever the amount, mode, sort, filter or clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from litestar.serialization import encode_json

from app.comparison.api import _compare_out, compare_json
from app.comparison.offers import Comparison, answer, latest_services, question, services_of
from app.demo import load_demo

QUESTIONS = [  # (from, to, amount, receive, payout, payin, sort)
    *[("FR", "SN", amount, None, None, None, "value")
      for amount in ("0.01", "1", "99.99", "100.5", "200", "333.33", "1000", "12345.67", "1000000")],
    ("FR", "SN", None, "65595.7", None, None, "value"), ("FR", "SN", None, "999999999", None, None, "received"),
    ("FR", "SN", "250", None, "mobile_wallet", None, "speed"), ("FR", "SN", "250", None, None, "debit_card", "value"),
    ("FR", "SN", "250", None, "cash", None, "received"), ("IT", "SN", "0.5", None, None, None, "value"),
    ("US", "NG", "200", None, None, None, "speed"),
    ("DE", "GH", None, "5000", None, None, "speed"), ("FR", "MA", "777.77", None, None, None, "value"),
    ("BE", "CD", None, "150", None, None, "value"),
]


def _body(found: Comparison, known: dict[tuple[Any, ...], Any]) -> bytes:
    body = compare_json(found, known)
    assert body == encode_json(_compare_out(found))
    return body


@pytest.mark.parametrize("now", [None, datetime(2025, 9, 30, tzinfo=UTC)])  # stale offers, and fresh ones
def test_the_answer_is_the_serialisers_for_every_question(session, settings, engine, now) -> None:  # type: ignore[no-untyped-def]
    load_demo(engine=engine)
    known: dict[tuple[Any, ...], Any] = {}  # shared by every question: pieces are reused across amounts and sorts
    offers = 0
    for source, to, amount, receive, payout, payin, sort in QUESTIONS:
        asked = question(source, to, amount, None, payout, payin, sort, receive)
        found = answer(services_of(latest_services(session, asked.corridor)), asked, settings, now)
        _body(found, known)
        offers += len(found.offers)
    assert offers > 100 and known
    assert len(known) < offers  # the fixed pieces of an offer were written once, then reused


def test_missing_figures_and_text_to_escape(session, settings, engine) -> None:  # type: ignore[no-untyped-def]
    load_demo(engine=engine)
    asked = question("FR", "SN", "200")
    found = answer(services_of(latest_services(session, asked.corridor)), asked, settings)
    first = found.offers[0]
    odd = [replace(first, fee=None, fee_pct=None, rate=None, mid_rate=None, fx_margin_pct=None, total_cost_pct=None,
                   received_amount=None),
           replace(first, source='say "hi" \\u0000 \x00 é', speed="</script>", payin="card",
                   amount=Decimal("1E+2"), fee=Decimal("0"), based_on_amount=Decimal("1.50E+3"), stale=False),
           replace(first, provider=replace(first.provider, name='Quote " and \\'))]
    known: dict[tuple[Any, ...], Any] = {}
    _body(replace(found, offers=odd), known)
    _body(replace(found, offers=[]), known)
    assert b'"total_paid":null' in compare_json(replace(found, offers=odd[:1]), known)
