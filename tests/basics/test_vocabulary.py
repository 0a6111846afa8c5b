"""One vocabulary: every source's wording of pay-in, payout and speed reads to the same codes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from basics.vocabulary import WITHIN_5_DAYS, Payin, Payout, Speed


@pytest.mark.parametrize(("raw", "expected"), [
    ("Cash", "cash"), ("Bank account", "bank_account"), ("Own/partner Bank account", "bank_account"),
    ("Mobile wallet", "mobile_wallet"), ("Cash, Bank account", "other"), ("Home delivery", "other"),
    (None, "other"), ("bank_account", "bank_account"), ("mobile_wallet", "mobile_wallet"),
])
def test_payouts(raw: str | None, expected: str) -> None:
    assert Payout.from_text(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("Bank account transfer", "bank_account"), ("Debit card", "debit_card"), ("Credit card", "credit_card"),
    ("Mobile money", "mobile_money"), ("Carrier pigeon", "other"), (None, "other"), ("debit_card", "debit_card"),
])
def test_payins(raw: str | None, expected: str) -> None:
    assert Payin.from_text(raw) == expected


def test_payin_combinations_keep_every_instrument() -> None:
    assert Payin.codes("Cash, Debit card") == "cash,debit_card"
    assert Payin.codes(None) == Payin.codes("") == "other"


@pytest.mark.parametrize(("raw", "expected"), [
    ("Less than one hour", "under_1h"), ("less than one hour", "under_1h"), ("Same day", "same_day"),
    ("Next Day", "next_day"), ("2 days", "2_days"), ("3-5 days", "3_5_days"), ("3 - 5 days", "3_5_days"),
    ("3–5 days", "3_5_days"), ("6 days or more", "6_days_plus"), ("6 DAYS OR MORE", "6_days_plus"),
    ("by pigeon", "unknown"), ("3_5_days", "3_5_days"), (None, "unknown"),
])
def test_speed_wording(raw: str | None, expected: str) -> None:
    assert Speed.from_text(raw) == expected


@pytest.mark.parametrize(("duration", "speed"), [
    (None, None), (timedelta(0), "under_1h"), (timedelta(hours=1), "under_1h"),
    (timedelta(hours=1, seconds=1), "same_day"), (timedelta(hours=24), "same_day"),
    (timedelta(hours=24, minutes=1), "next_day"), (timedelta(hours=48), "next_day"), (timedelta(hours=72), "2_days"),
    (timedelta(days=5), "3_5_days"), (timedelta(days=6), "3_5_days"), (timedelta(days=6, seconds=1), "6_days_plus"),
])
def test_speed_of_a_duration(duration: timedelta | None, speed: str | None) -> None:
    assert Speed.from_duration(duration) == speed


def test_speeds_are_ordered_and_smart_counts_five_days_or_less() -> None:
    assert [s.rank for s in Speed] == list(range(len(Speed)))
    assert Speed.three_to_five_days.within_5_days and not Speed.six_days_plus.within_5_days
    assert not Speed.unknown.within_5_days
    assert WITHIN_5_DAYS == {"under_1h", "same_day", "next_day", "2_days", "3_5_days"}
