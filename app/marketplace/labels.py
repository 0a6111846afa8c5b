"""Human words for stored codes (states, sectors, funding models), translated at display time."""

from __future__ import annotations

from app.i18n import N_, _

LISTING_STATES = {
    "draft": N_("Draft"), "submitted": N_("Submitted for review"), "changes_requested": N_("Changes requested"),
    "rejected": N_("Rejected"), "approved": N_("Approved"), "published": N_("Open for pledges"), "funded": N_("Funded"),
    "expired": N_("Closed without reaching its goal"), "disbursing": N_("Funds being disbursed"),
    "completed": N_("Completed"), "suspended": N_("Suspended"),
}
PLEDGE_STATES = {
    "awaiting_payment": N_("Awaiting payment"), "card_saved": N_("Card saved, charged if the goal is met"),
    "paid": N_("Paid"), "payment_failed": N_("Payment failed — action needed"), "cancelled": N_("Cancelled"),
    "released": N_("Released, nothing charged"), "refund_due": N_("Refund due"), "refunded": N_("Refunded"),
}
SECTORS = {
    "agriculture": N_("Agriculture"), "agro_processing": N_("Agro-processing"), "fisheries": N_("Fisheries"),
    "livestock": N_("Livestock"), "manufacturing": N_("Manufacturing"), "renewable_energy": N_("Renewable energy"),
    "ict": N_("Information and communication technology"), "health": N_("Health"), "education": N_("Education"),
    "tourism": N_("Tourism"), "transport": N_("Transport"),
}
FUNDING_MODELS = {
    "all_or_nothing": N_("All or nothing: pledges are collected only if the goal is reached"),
    "keep_it_all": N_("Keep it all: the project keeps whatever is raised"),
}
SHORT_MODELS = {"all_or_nothing": N_("All or nothing"), "keep_it_all": N_("Keep it all")}
DOCUMENT_KINDS = {
    "registration": N_("Registration certificate"), "budget": N_("Budget"),
    "identity": N_("Identity document of a promoter"), "financials": N_("Financial statements"),
    "business_plan": N_("Business plan"), "photo": N_("Photo (shown publicly)"), "other": N_("Other document"),
}


def _lookup(table: dict[str, str]):  # type: ignore[no-untyped-def]
    def label(code: str | None) -> str:
        return _(table[code]) if code in table else (code or "")
    return label


LABEL_FILTERS = {
    "listing_state": _lookup(LISTING_STATES), "pledge_state": _lookup(PLEDGE_STATES),
    "sector": _lookup(SECTORS), "funding_model": _lookup(FUNDING_MODELS),
    "funding_model_short": _lookup(SHORT_MODELS), "document_kind": _lookup(DOCUMENT_KINDS),
}
