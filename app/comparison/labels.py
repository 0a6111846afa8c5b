"""Words for the comparison's codes, in the reader's language (msgids marked with N_ for extraction).

The one place that words the vocabulary of ``basics.vocabulary`` (pay-in, payout, speed) for people;
templates, mails and pages all translate through it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from app.i18n import N_, _
from basics.vocabulary import Payin, Payout, Speed

PAYOUT = {Payout.cash: N_("Cash pick-up"), Payout.bank_account: N_("Bank account"),
          Payout.mobile_wallet: N_("Mobile wallet"), Payout.other: N_("Other")}
PAYIN = {Payin.cash: N_("Cash"), Payin.bank_account: N_("Bank transfer"), Payin.debit_card: N_("Debit card"),
         Payin.credit_card: N_("Credit card"), Payin.card: N_("Debit or credit card"),
         Payin.mobile_money: N_("Mobile money"), Payin.other: N_("Other")}
SPEED = {Speed.under_1h: N_("Less than one hour"), Speed.same_day: N_("Same day"), Speed.next_day: N_("Next day"),
         Speed.two_days: N_("2 days"), Speed.three_to_five_days: N_("3 to 5 days"),
         Speed.six_days_plus: N_("6 days or more"), Speed.unknown: N_("Not stated")}
KIND = {"bank": N_("Bank"), "money_transfer_operator": N_("Money transfer operator"),
        "mobile_operator": N_("Mobile operator"), "post_office": N_("Post office"), "fintech": N_("Fintech"),
        "unreviewed": N_("Not yet reviewed")}
SOURCE = {"rpw": N_("World Bank RPW"), "wise": N_("Wise comparison"), "staff": N_("Passerelle staff survey"),
          "passerelle": N_("Passerelle"), "wb_history": N_("World Bank series"),
          "rpw_history": N_("World Bank corridor averages"), "ecb": N_("ECB reference rates"),
          "ecb_history": N_("ECB reference rates, history"), "imf": N_("IMF exchange rates")}
RUN_STATUS = {"running": N_("running"), "ok": N_("succeeded"), "partial": N_("partly published"),
              "failed": N_("failed")}
TRIGGER = {"schedule": N_("on schedule"), "manual": N_("by hand"), "cli": N_("from the command line"),
           "staff": N_("by staff"), "demo": N_("demo data")}
SORT = {"value": N_("Best value"), "received": N_("Amount received"), "speed": N_("Speed")}


def _labeller(words: Mapping[Any, str]) -> Callable[[str], str]:
    def label(code: str) -> str:
        # a pay-in combination ("cash,debit_card") reads as its parts
        if "," in code:
            return ", ".join(label(part) for part in code.split(","))
        message = words.get(code)  # StrEnum members hash and compare as their code
        return _(message) if message else code.replace("_", " ")
    return label


payout_label, payin_label, speed_label = _labeller(PAYOUT), _labeller(PAYIN), _labeller(SPEED)
kind_label, source_label, sort_label = _labeller(KIND), _labeller(SOURCE), _labeller(SORT)
run_status_label, trigger_label = _labeller(RUN_STATUS), _labeller(TRIGGER)

# What a person may choose in a form: the vocabulary without its catch-alls.
CHOOSABLE: dict[str, tuple[list[str], Callable[[str], str]]] = {
    "payin": ([p.value for p in Payin if p not in (Payin.card, Payin.other)], payin_label),
    "payout": ([p.value for p in Payout if p is not Payout.other], payout_label),
    "speed": ([s.value for s in Speed if s is not Speed.unknown], speed_label),
}


def choices(kind: str) -> list[tuple[str, str]]:
    """(code, words) pairs for a select: choices("payout")."""
    codes, label = CHOOSABLE[kind]
    return [(code, label(code)) for code in codes]


LABELS = {"choices": choices, "payout_label": payout_label, "payin_label": payin_label, "speed_label": speed_label,
          "kind_label": kind_label, "source_label": source_label, "sort_label": sort_label,
          "run_status_label": run_status_label, "trigger_label": trigger_label}
