"""The one vocabulary of a transfer's channels and speed: how the sender pays, how the family is paid, how fast.

Every source words these differently (RPW's "Own/partner Bank account", a staff sheet's "Wave",
Wise's durations); each enum's ``from_text`` reads the sources' wording, and accepts its own codes, so
parsers emit these values and everything above passes them through. Words shown to people live in
``app.comparison.labels``, keyed by these members.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import timedelta
from enum import StrEnum
from typing import TypeVar

E = TypeVar("E", bound=StrEnum)


def _words(raw: str | None) -> list[str]:
    return [w for w in re.split(r"[\s/,;()_-]+", (raw or "").lower()) if w]


def _read(kind: type[E], raw: str | None, keywords: Sequence[tuple[str, E]], default: E, *,
          one: bool = False, phrase: Callable[[str], str] | None = None) -> E:
    """The one reading of a source's wording: the enum's own code as it is; else its keywords, in the table's
    order (the first found, or with ``one`` the member only when every keyword found names the same one);
    with ``phrase`` the whole normalised text is the keyword. ``default`` when nothing matches."""
    text = (raw or "").strip().lower()
    if text in kind._value2member_map_:
        return kind(text)
    if phrase is not None:
        return dict(keywords).get(phrase(text), default)
    words = set(_words(text))
    found = [member for word, member in keywords if word in words]
    if one:
        return found[0] if len(set(found)) == 1 else default
    return found[0] if found else default


class Payin(StrEnum):
    """How the sender pays (RPW "payment instrument")."""

    cash = "cash"
    bank_account = "bank_account"
    debit_card = "debit_card"
    credit_card = "credit_card"
    card = "card"  # debit or credit: the comparison folds two otherwise identical offers into one
    mobile_money = "mobile_money"
    other = "other"

    @classmethod
    def from_text(cls, raw: str | None) -> Payin:
        """One instrument: 'Bank account transfer' -> bank_account, 'Debit card' -> debit_card; else other."""
        return _read(cls, raw, _PAYIN_WORDS, cls.other)

    @classmethod
    def codes(cls, raw: str | None) -> str:
        """RPW joins instruments with commas ('Cash, Debit card'): their codes, sorted and joined the same way."""
        parts = {cls.from_text(part) for part in (raw or "").split(",") if part.strip()}
        return ",".join(sorted(parts)) or cls.other


class Payout(StrEnum):
    """How the family is paid (RPW "pickup method")."""

    cash = "cash"
    bank_account = "bank_account"
    mobile_wallet = "mobile_wallet"
    other = "other"

    @classmethod
    def from_text(cls, raw: str | None) -> Payout:
        """'Cash' -> cash, 'Own/partner Bank account' -> bank_account, 'Mobile wallet' -> mobile_wallet;
        a mix ('Cash, Bank account') or anything else -> other."""
        return _read(cls, raw, _PAYOUT_WORDS, cls.other, one=True)


_PAYIN_WORDS = (("cash", Payin.cash), ("debit", Payin.debit_card), ("credit", Payin.credit_card),
                ("card", Payin.card), ("mobile", Payin.mobile_money), ("wallet", Payin.mobile_money),
                ("bank", Payin.bank_account), ("account", Payin.bank_account))
_PAYOUT_WORDS = (("cash", Payout.cash), ("bank", Payout.bank_account), ("account", Payout.bank_account),
                 ("wallet", Payout.mobile_wallet), ("mobile", Payout.mobile_wallet))


# RPW speed classes count calendar days, which a duration cannot know: a transfer that may take up
# to N × 24 hours is counted as arriving N - 1 days after it was sent.
_LIMITS = ((timedelta(hours=1), "under_1h"), (timedelta(hours=24), "same_day"), (timedelta(hours=48), "next_day"),
           (timedelta(hours=72), "2_days"), (timedelta(hours=144), "3_5_days"))
_SPEED_WORDS = {"less than one hour": "under_1h", "less than 1 hour": "under_1h", "same day": "same_day",
                "next day": "next_day", "2 days": "2_days", "3-5 days": "3_5_days", "6 days or more": "6_days_plus"}


class Speed(StrEnum):
    """How fast the money arrives (RPW "speed actual"), fastest first."""

    under_1h = "under_1h"
    same_day = "same_day"
    next_day = "next_day"
    two_days = "2_days"
    three_to_five_days = "3_5_days"
    six_days_plus = "6_days_plus"
    unknown = "unknown"

    @classmethod
    def from_text(cls, raw: str | None) -> Speed:
        """RPW wording in any case and dash ('3 - 5 days', 'Next Day') or a code; else unknown."""
        return _read(cls, raw, [(words, cls(code)) for words, code in _SPEED_WORDS.items()], cls.unknown,
                     phrase=lambda text: " ".join(re.sub(r"\s*[-–]\s*", "-", text).split()))

    @classmethod
    def from_duration(cls, longest: timedelta | None) -> Speed | None:
        """The class of the longest a transfer may take: ≤ 1 h under_1h, ≤ 24 h same_day, ≤ 48 h next_day,
        ≤ 72 h 2_days, ≤ 144 h 3_5_days, longer 6_days_plus; None if unknown."""
        if longest is None:
            return None
        return cls(next((name for limit, name in _LIMITS if longest <= limit), "6_days_plus"))

    @property
    def rank(self) -> int:
        """0 for the fastest; unknown last."""
        return list(Speed).index(self)

    @property
    def within_5_days(self) -> bool:
        """Whether it counts as "5 days or less" for the World Bank's SmaRT."""
        return self not in (Speed.six_days_plus, Speed.unknown)


SPEED_WORDS = dict(_SPEED_WORDS)  # RPW wording -> code, for vectorised mapping of a whole sheet
WITHIN_5_DAYS = frozenset(s.value for s in Speed if s.within_5_days)
