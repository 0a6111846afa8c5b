"""Words for the comparison's codes, in the reader's language (msgids marked with N_ for extraction)."""

from __future__ import annotations

from collections.abc import Callable

from app.i18n import N_, _

PAYOUT = {"cash": N_("Cash pick-up"), "bank_account": N_("Bank account"), "mobile_wallet": N_("Mobile wallet"),
          "other": N_("Other")}
PAYIN = {"cash": N_("Cash"), "bank_account": N_("Bank transfer"), "debit_card": N_("Debit card"),
         "credit_card": N_("Credit card"), "card": N_("Card"), "mobile_money": N_("Mobile money"),
         "other": N_("Other")}
SPEED = {"under_1h": N_("Less than one hour"), "same_day": N_("Same day"), "next_day": N_("Next day"),
         "2_days": N_("2 days"), "3_5_days": N_("3 to 5 days"), "6_days_plus": N_("6 days or more"),
         "unknown": N_("Not stated")}
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
SORT = {"received": N_("Amount received"), "cost": N_("Total cost"), "speed": N_("Speed")}


def _labeller(words: dict[str, str]) -> Callable[[str], str]:
    def label(code: str) -> str:
        message = words.get(code)
        return _(message) if message else code.replace("_", " ")
    return label


payout_label, payin_label, speed_label = _labeller(PAYOUT), _labeller(PAYIN), _labeller(SPEED)
kind_label, source_label, sort_label = _labeller(KIND), _labeller(SOURCE), _labeller(SORT)
run_status_label, trigger_label = _labeller(RUN_STATUS), _labeller(TRIGGER)

LABELS = {"payout_label": payout_label, "payin_label": payin_label, "speed_label": speed_label,
          "kind_label": kind_label, "source_label": source_label, "sort_label": sort_label,
          "run_status_label": run_status_label, "trigger_label": trigger_label}
