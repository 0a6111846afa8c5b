"""Words for the comparison's codes, in the reader's language."""

from __future__ import annotations

from app.i18n import _


def payout_label(code: str) -> str:
    return {"cash": _("Cash pick-up"), "bank_account": _("Bank account"), "mobile_wallet": _("Mobile wallet"),
            "other": _("Other")}.get(code, code)


def payin_label(code: str) -> str:
    return {"cash": _("Cash"), "bank_account": _("Bank transfer"), "debit_card": _("Debit card"),
            "credit_card": _("Credit card"), "card": _("Card"), "mobile_money": _("Mobile money"),
            "other": _("Other")}.get(code, code.replace("_", " "))


def speed_label(code: str) -> str:
    return {"under_1h": _("Less than one hour"), "same_day": _("Same day"), "next_day": _("Next day"),
            "2_days": _("2 days"), "3_5_days": _("3 to 5 days"), "6_days_plus": _("6 days or more"),
            "unknown": _("Not stated")}.get(code, code)


def kind_label(code: str) -> str:
    return {"bank": _("Bank"), "money_transfer_operator": _("Money transfer operator"),
            "mobile_operator": _("Mobile operator"), "post_office": _("Post office"), "fintech": _("Fintech"),
            "unreviewed": _("Not yet reviewed")}.get(code, code)


def source_label(code: str) -> str:
    return {"rpw": _("World Bank RPW"), "wise": _("Wise comparison"), "staff": _("Passerelle staff survey"),
            "passerelle": _("Passerelle"), "wb_history": _("World Bank series")}.get(code, code)


def sort_label(code: str) -> str:
    return {"received": _("Amount received"), "cost": _("Total cost"), "speed": _("Speed")}.get(code, code)


LABELS = {"payout_label": payout_label, "payin_label": payin_label, "speed_label": speed_label,
          "kind_label": kind_label, "source_label": source_label, "sort_label": sort_label}
