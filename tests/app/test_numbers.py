"""The one number parser: what a tired person types is read right, what an attacker sends is a 400 naming the field."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.errors import BadInput
from app.i18n import current_locale
from app.numbers import MAX_ID, parse_date, parse_decimal, parse_id, parse_int, parse_page

MONEY = {"places": 2, "minimum": Decimal("0.01"), "maximum": Decimal("1000000"), "currency": "EUR"}


def money(raw: object, **overrides: object) -> Decimal:
    return parse_decimal(raw, field="amount", **(MONEY | overrides))  # type: ignore[arg-type]


@pytest.mark.parametrize(("typed", "read"), [
    ("200", "200"), ("1234.56", "1234.56"), ("1234,56", "1234.56"), ("1 234,56", "1234.56"),
    ("1\u202f234,56", "1234.56"), ("1\u00a0234,56", "1234.56"), ("1.234,56", "1234.56"), ("1,234.56", "1234.56"),
    ("200 €", "200"), ("€200", "200"), ("200€", "200"), ("50 EUR", "50"), ("  12,5 ", "12.5"), ("+7", "7"),
    ("1,500", "1500"), ("1.500", "1500"), ("12.345", "12345"),
    ("12'500", "12500"), ("10 000", "10000"), ("200.", "200"), (",5", "0.5"),
    ("1 000 000", "1000000"), ("0012", "12"), ("12.50", "12.50"),
])
def test_what_a_tired_person_types_is_read_right(typed: str, read: str) -> None:
    value = money(typed)
    assert value == Decimal(read) and "E" not in str(value)


def test_cfa_francs_are_written_with_their_own_marks() -> None:
    for typed in ("5 000 FCFA", "5.000 F", "5000 F CFA", "XOF 5000"):
        assert parse_decimal(typed, field="goal", places=0, minimum=Decimal(1), maximum=Decimal(10**9),
                             currency="XOF") == 5000


def test_a_third_decimal_is_a_decimal_where_the_field_has_places_for_it() -> None:
    assert parse_decimal("655,957", field="rate", places=6, minimum=Decimal(0), maximum=Decimal(10**6)) == \
        Decimal("655.957")


@pytest.mark.parametrize("hostile", [
    "1e-999999", "0." + "0" * 3000 + "1", "²", "³", "1²", "٣", "1e308", "9" * 40, "NaN", "nan", "Infinity", "-inf",
    "1E+20", "2E+2", "", "   ", "abc", "12 34", "1,2,3", "1.2.3,4,5", "0x10", "1_000", "--5", "200 $", "200 USD", "€",
    "1..2", "1,,2", "12.3.4", "\x00", "1\n2",
])
def test_hostile_input_is_a_400_naming_the_field(hostile: str) -> None:
    with pytest.raises(BadInput) as refused:
        money(hostile)
    assert refused.value.field == "amount" and refused.value.status_code == 400


@pytest.mark.parametrize(("typed", "says"), [
    ("0", "more than zero"), ("-5", "more than zero"), ("1000000.01", "at most 1,000,000."),
    ("12.3456", "at most 2 digits"), ("0.001", "at most 2 digits"),
])
def test_bounds_say_what_is_wrong(typed: str, says: str) -> None:
    token = current_locale.set("en")
    try:
        with pytest.raises(BadInput) as refused:
            money(typed)
    finally:
        current_locale.reset(token)
    assert says in refused.value.message


def test_messages_are_in_french_by_default() -> None:
    with pytest.raises(BadInput) as refused:
        money("2000000")
    assert "au plus" in refused.value.message


def test_whole_numbers() -> None:
    assert parse_int("1 200", field="jobs", minimum=0, maximum=100_000) == 1200
    for hostile in ("³", "1.5", "1e3", "100001", "-1", "9" * 40):
        with pytest.raises(BadInput):
            parse_int(hostile, field="jobs", minimum=0, maximum=100_000)


def test_pages() -> None:
    assert parse_page(None) == 1 and parse_page("") == 1 and parse_page("3") == 3
    for hostile in ("²", "0", "-1", "10001", "9" * 40, "1.5"):
        with pytest.raises(BadInput) as refused:
            parse_page(hostile)
        assert refused.value.field == "page"


def test_ids_that_cannot_name_a_row_are_none() -> None:
    assert parse_id("42") == 42 and parse_id(MAX_ID) == MAX_ID and parse_id(str(MAX_ID)) == MAX_ID
    for hostile in ("9223372036854775808", 2**63, "²", "abc", "", None, "0", 0, -1, "-1", "1.0", True, "٣", "9" * 40):
        assert parse_id(hostile) is None


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text_is_a_number_in_bounds_or_a_400(text: str) -> None:
    try:
        value = money(text)
    except BadInput:
        return
    assert Decimal("0.01") <= value <= Decimal("1000000") and value.is_finite()


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1000000"), places=2))
def test_every_amount_in_bounds_reads_back(value: Decimal) -> None:
    assert money(f"{value:f}") == value
    assert money(f"{value:,.2f}") == value
    assert money(f"{value:,.2f}".replace(",", " ").replace(".", ",")) == value


@pytest.mark.parametrize(("raw", "day"), [
    ("2027-03-01", date(2027, 3, 1)), (" 2027-3-1 ", date(2027, 3, 1)), ("01/03/2027", date(2027, 3, 1)),
    ("1.3.2027", date(2027, 3, 1)), ("01-03-2027", date(2027, 3, 1)), ("29/02/2028", date(2028, 2, 29)),
])
def test_days_are_read_as_a_date_field_sends_them_or_day_first(raw, day):
    assert parse_date(raw, field="starts_on") == day


@pytest.mark.parametrize("raw", ["", " ", "2027-02-30", "30/02/2027", "2026-13-45", "2027-03-01T10:00", "20270301",
                                 "2027-W09-1", "03/2027", "٢٠٢٧-٠٣-٠١", "²027-03-01", "99999-01-01", "x" * 5000,
                                 "2027-03-01\x00", None])
def test_what_is_not_a_day_is_the_fields_error(raw):
    with pytest.raises(BadInput) as refused:
        parse_date(raw, field="starts_on")
    assert refused.value.field == "starts_on"


def test_a_day_out_of_bounds_is_told_the_bounds():
    with pytest.raises(BadInput) as refused:
        parse_date("1900-01-01", field="paid_on")
    assert "2000-01-01" in refused.value.message and "2100-12-31" in refused.value.message
    with pytest.raises(BadInput):
        parse_date("2027-03-02", field="paid_on", latest=date(2027, 3, 1))
    assert parse_date("2027-03-01", field="paid_on", latest=date(2027, 3, 1)) == date(2027, 3, 1)
