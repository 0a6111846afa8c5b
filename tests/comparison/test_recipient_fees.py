"""Cash-out fees on the receiving side, from the operators' published tariffs (Senegal)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.comparison.recipient_fees import cash_out_fee, parse_tariffs, tariffs_for


def test_wave_withdrawals_are_free() -> None:
    assert cash_out_fee("wave", "SN", Decimal(131_000)) == Decimal(0)


@pytest.mark.parametrize(("amount", "fee"), [
    (Decimal(0), Decimal(0)),
    (Decimal(100_000), Decimal(1_000)),
    (Decimal(12_345), Decimal(123)),
    (Decimal(12_350), Decimal(124)),  # 123.5 rounds up: XOF has no centimes
    (Decimal(500_000), Decimal(5_000)),
    (Decimal(2_000_000), Decimal(5_000)),  # capped
])
def test_orange_money_withdrawal_is_one_percent_capped_at_5000(amount: Decimal, fee: Decimal) -> None:
    assert cash_out_fee("orange-money", "sn", amount) == fee


def test_unknown_tariffs_are_none_not_free() -> None:
    assert cash_out_fee("ria", "SN", Decimal(1000)) is None
    assert cash_out_fee("wave", "ML", Decimal(1000)) is None


def test_every_operation_of_the_file_is_loaded_with_its_verification_date() -> None:
    tariffs = tariffs_for("SN")
    assert len(tariffs) == 8
    assert tariffs[("orange-money", "transfer_with_code")].percent == Decimal("0.01")
    assert {tariff.verified for tariff in tariffs.values()} == {"2026-08"}


def test_a_negative_amount_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        cash_out_fee("orange-money", "SN", Decimal(-1))


@pytest.mark.parametrize(("line", "message"), [
    ("Unknown Pay,withdrawal,0,0.01,,2026-08", "not in the provider catalogue"),
    ("Wave,withdrawal,0,one percent,,2026-08", "not a number"),
    ("Wave,withdrawal,-5,0,,2026-08", "non-negative"),
])
def test_a_bad_tariff_line_is_refused(line: str, message: str) -> None:
    data = f"operator,operation,fixed_fee_xof,percent_fee,cap_xof,verified\n{line}\n".encode()
    with pytest.raises(ValueError, match=message):
        parse_tariffs(data)
