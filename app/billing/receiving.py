"""The programme's receiving accounts: what admins may enter, and what a member must send to each.

A bank account is an IBAN (ISO 13616: its length for the country, MOD 97 check digits), a BIC (ISO 9362)
and a holder; a mobile-money wallet is an operator, a country and a number, kept in international form
(`+221770000000`), whose currency is the country's (an Orange Money wallet in Senegal holds CFA francs).
A pledge is shown only the accounts it can be paid into exactly: the same currency, or one fixed to it
by treaty (a euro pledge sent to a CFA wallet is the exact CFA amount at 655.957, never "send euros").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlmodel import Session, col, select

from app.i18n import N_, _
from app.models import AccountKind, MobileOperator, Pledge, ReceivingAccount
from basics.corridors import alpha2, country_currency
from basics.minor_units import places
from basics.pegs import convert_at_peg

# IBAN lengths of the countries members send from and the programme banks in (ISO 13616 registry; the
# UEMOA and CEMAC countries as their banks print them).
IBAN_LENGTHS = {
    "AT": 20, "BE": 16, "CH": 21, "DE": 22, "DK": 18, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GR": 27,
    "IE": 22, "IT": 27, "LU": 20, "MC": 27, "NL": 18, "NO": 15, "PL": 28, "PT": 25, "SE": 24,
    "MA": 28, "MR": 27, "TN": 24,
    "BF": 28, "BJ": 28, "CI": 28, "GW": 25, "ML": 28, "NE": 28, "SN": 28, "TG": 28,
    "CF": 27, "CG": 27, "CM": 27, "GA": 27, "GQ": 27, "TD": 27,
}
# Calling code and the length of a national mobile number, per country the programme pays out in.
PHONE_PLANS = {
    "SN": ("221", 9), "ML": ("223", 8), "CI": ("225", 10), "BF": ("226", 8), "NE": ("227", 8),
    "TG": ("228", 8), "BJ": ("229", 10), "GN": ("224", 9), "GM": ("220", 7), "GW": ("245", 9),
    "MR": ("222", 8), "CM": ("237", 9), "GA": ("241", 8), "CG": ("242", 9), "CD": ("243", 9),
    "TD": ("235", 8), "CF": ("236", 8), "GH": ("233", 9), "NG": ("234", 10), "CV": ("238", 7),
    "MA": ("212", 9),
}
OPERATOR_LABELS = {
    MobileOperator.orange_money.value: "Orange Money", MobileOperator.wave.value: "Wave",
    MobileOperator.mtn_momo.value: "MTN MoMo", MobileOperator.moov_money.value: "Moov Money",
    MobileOperator.free_money.value: "Free Money", MobileOperator.airtel_money.value: "Airtel Money",
}
BANK_CURRENCIES = ("EUR", "XOF", "XAF")
CURRENCY_NAMES = {"EUR": N_("euro"), "XOF": N_("CFA franc (BCEAO)"), "XAF": N_("CFA franc (BEAC)")}
_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")
_IBAN_START = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]*")  # an IBAN's shape, of any length
_BIC = re.compile(r"[A-Z]{4}([A-Z]{2})[A-Z0-9]{2}(?:[A-Z0-9]{3})?")
_SEPARATORS = re.compile(r"[\s.\-()/]")


def compact(text: str) -> str:
    return _SEPARATORS.sub("", text).upper()


def grouped(iban: str) -> str:
    """An IBAN in groups of four, as printed on bank documents and easiest to copy by hand."""
    return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))


def iban_error(raw: str) -> str | None:
    """Why `raw` is not an IBAN, or None: the shape first, then the country, then the length (the most useful
    thing to tell someone who left a group out), then the check digits."""
    iban = compact(raw)
    if not _IBAN_START.fullmatch(iban):
        return _("An IBAN starts with two letters and two digits, followed by up to 30 letters and digits.")
    if alpha2(iban[:2]) is None:
        return _("An IBAN starts with the code of its country (FR, SN, …).")
    expected = IBAN_LENGTHS.get(iban[:2])
    if expected is not None and len(iban) != expected:
        return _("This IBAN has %(length)s characters; IBANs of this country have %(expected)s.",
                 length=len(iban), expected=expected)
    if not _IBAN.fullmatch(iban):
        return _("This IBAN has %(length)s characters; an IBAN has between 15 and 34.", length=len(iban))
    rearranged = iban[4:] + iban[:4]
    if int("".join(str(int(char, 36)) for char in rearranged)) % 97 != 1:
        return _("This IBAN's check digits are wrong: a character is probably mistyped.")
    return None


def bic_error(raw: str) -> str | None:
    bic = compact(raw)
    match = _BIC.fullmatch(bic)
    if not match or alpha2(match.group(1)) is None:
        return _("A BIC has 8 or 11 letters and digits: bank (4 letters), country (2 letters), place, branch.")
    return None


def phone_number(raw: str, country: str) -> str | None:
    """The number in international form (+221…) if it is a mobile number of `country`, else None."""
    plan = PHONE_PLANS.get(country)
    if plan is None:
        return None
    code, length = plan
    digits = _SEPARATORS.sub("", raw)
    if digits.startswith("+"):
        digits = digits[1:]
    elif digits.startswith("00"):
        digits = digits[2:]
    elif len(digits) == length or (len(digits) == length + 1 and digits.startswith("0")):
        digits = code + digits[-length:]  # typed the national way
    if not digits.isascii() or not digits.isdigit() or not digits.startswith(code) or len(digits) != len(code) + length:
        return None
    return "+" + digits


@dataclass(frozen=True)
class Due:
    """One account a pledge can be paid into, and the exact amount to send there."""

    account: ReceivingAccount
    amount: Decimal
    currency: str

    @property
    def operator_label(self) -> str:
        return OPERATOR_LABELS.get(self.account.operator, self.account.operator)


def due_in(amount: Decimal, currency: str, target: str) -> Decimal | None:
    """`amount` of `currency` in `target` when one is exactly the other (same currency, or a treaty peg),
    rounded to the target's smallest unit; None when only a market rate could say."""
    converted = convert_at_peg(amount, currency, target) if currency != target else amount
    if converted is None:
        return None
    return converted.quantize(places(target), rounding=ROUND_HALF_UP)


def active(session: Session, kind: str | None = None) -> list[ReceivingAccount]:
    """The programme's active receiving accounts (of one kind), in the order admins added them."""
    query = select(ReceivingAccount).where(col(ReceivingAccount.active).is_(True))
    if kind:
        query = query.where(ReceivingAccount.kind == kind)
    return list(session.exec(query.order_by(col(ReceivingAccount.id))))


def accepting(session: Session, kind: str, currency: str) -> list[ReceivingAccount]:
    """The active accounts of `kind` that money of `currency` can be sent to exactly."""
    return [a for a in active(session, kind) if due_in(Decimal(1), currency, a.currency) is not None]


def dues(session: Session, pledge: Pledge, kind: str | None) -> list[Due]:
    """The accounts of `kind` this pledge can be paid into, each with the exact amount to send."""
    found = []
    for account in active(session, kind) if kind else []:
        amount = due_in(pledge.amount, pledge.currency, account.currency)
        if amount is not None:
            found.append(Due(account, amount, account.currency))
    return found


def wallet_currency(country: str) -> str:
    return country_currency(country) or ""


KINDS = (AccountKind.bank.value, AccountKind.mobile_money.value)


def read_form(data: dict[str, str]) -> tuple[ReceivingAccount | None, dict[str, str]]:
    """A new account from the admin's form, or the errors beside each field."""
    kind = data.get("kind", "")
    holder = " ".join(data.get("holder", "").split())
    errors: dict[str, str] = {}
    if kind not in KINDS:
        return None, {"kind": _("Please choose a bank account or a mobile-money wallet.")}
    if not holder:
        errors["holder"] = _("Please enter the account holder's name, as the bank or operator knows it.")
    if kind == AccountKind.bank.value:
        iban, bic, currency = compact(data.get("iban", "")), compact(data.get("bic", "")), data.get("currency", "")
        if message := iban_error(iban):
            errors["iban"] = message
        if bic and (message := bic_error(bic)):
            errors["bic"] = message
        if currency not in BANK_CURRENCIES:
            errors["currency"] = _("Please choose the account's currency.")
        account = ReceivingAccount(kind=kind, holder=holder, iban=iban, bic=bic, currency=currency)
    else:
        operator, country = data.get("operator", ""), data.get("country", "").upper()
        if operator not in OPERATOR_LABELS:
            errors["operator"] = _("Please choose the mobile-money operator.")
        if country not in PHONE_PLANS:
            errors["country"] = _("Please choose the wallet's country.")
            number = None
        else:
            number = phone_number(data.get("number", ""), country)
            if number is None:
                errors["number"] = _("This is not a mobile number of that country: for example +221 77 123 45 67.")
        account = ReceivingAccount(kind=kind, holder=holder, operator=operator, country=country, number=number or "",
                                   currency=wallet_currency(country) if country in PHONE_PLANS else "")
    return (None, errors) if errors else (account, {})
