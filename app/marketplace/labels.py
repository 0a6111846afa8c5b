"""Human words for stored codes (states, sectors, funding models), translated at display time."""

from __future__ import annotations

from app.i18n import _

LISTING_STATES = {
    "draft": "Draft", "submitted": "Submitted for review", "changes_requested": "Changes requested",
    "rejected": "Rejected", "approved": "Approved", "published": "Open for pledges", "funded": "Funded",
    "expired": "Closed without reaching its goal", "disbursing": "Funds being disbursed",
    "completed": "Completed", "suspended": "Suspended",
}
PLEDGE_STATES = {
    "awaiting_payment": "Awaiting payment", "card_saved": "Card saved, charged if the goal is met",
    "paid": "Paid", "payment_failed": "Payment failed — action needed", "cancelled": "Cancelled",
    "released": "Released, nothing charged", "refund_due": "Refund due", "refunded": "Refunded",
}
SECTORS = {
    "agriculture": "Agriculture", "agro_processing": "Agro-processing", "fisheries": "Fisheries",
    "livestock": "Livestock", "manufacturing": "Manufacturing", "renewable_energy": "Renewable energy",
    "ict": "Information and communication technology", "health": "Health", "education": "Education",
    "tourism": "Tourism", "transport": "Transport",
}
FUNDING_MODELS = {
    "all_or_nothing": "All or nothing: pledges are collected only if the goal is reached",
    "keep_it_all": "Keep it all: the project keeps whatever is raised",
}
SHORT_MODELS = {"all_or_nothing": "All or nothing", "keep_it_all": "Keep it all"}
DOCUMENT_KINDS = {
    "registration": "Registration certificate", "budget": "Budget", "identity": "Identity document of a promoter",
    "financials": "Financial statements", "business_plan": "Business plan", "photo": "Photo (shown publicly)",
    "other": "Other document",
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
