"""The due-diligence checklist staff fill in for every listing before approving it."""

from __future__ import annotations

import json

from sqlmodel import Session, col, select

from app.i18n import N_, _
from app.limits import text_limit
from app.models import ChecklistItem, ChecklistStatus, Listing, User
from app.models.base import utcnow

NOTE_MAX = text_limit("note_")  # the one table of lengths (the server refuses longer ones first)

# Codes are stable (they are stored and chained into the audit trail); labels are translated at display.
ITEMS: dict[str, str] = {
    "legal_registration": N_("Legal registration"),
    "identity_sanctions": N_("Identity and sanctions screening of promoters"),
    "organisational_documents": N_("Organisational documents"),
    "budget_use_of_funds": N_("Budget and use of funds"),
    "track_record": N_("Track record or financial statements"),
    "business_plan": N_("Business plan and sustainability"),
    "local_endorsement": N_("Local partner or programme office endorsement"),
    "site_visit": N_("Site visit"),
    "fair_presentation": N_("Fair and clear presentation"),
    "impact_reporting": N_("Impact and reporting commitment"),
    "payout_details": N_("Payout details verified"),
}


def label(code: str) -> str:
    return _(ITEMS[code])


def items_for(session: Session, listing: Listing) -> list[ChecklistItem]:
    """The listing's checklist in the fixed order, creating missing items as pending."""
    existing = {item.code: item for item in session.exec(
        select(ChecklistItem).where(ChecklistItem.listing_id == listing.id).order_by(col(ChecklistItem.id)))}
    for code in ITEMS:
        if code not in existing:
            assert listing.id is not None
            existing[code] = ChecklistItem(listing_id=listing.id, code=code)
            session.add(existing[code])
    session.flush()
    return [existing[code] for code in ITEMS]


def snapshot(items: list[ChecklistItem]) -> str:
    """Canonical JSON of the checklist, kept in each audit row."""
    return json.dumps([{"code": i.code, "status": i.status, "note": i.note} for i in items],
                      sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def blocking_items(items: list[ChecklistItem]) -> list[ChecklistItem]:
    """Items that stop an approval: anything not passed, and waivers without a note."""
    return [i for i in items if not (i.status == ChecklistStatus.passed.value or
                                     (i.status == ChecklistStatus.waived.value and i.note.strip()))]


def save(session: Session, listing: Listing, staff: User, data: dict[str, str]) -> dict[str, str]:
    """Apply the checklist form; the errors (by field) if a waiver lacks its note, nothing saved then."""
    statuses = {s.value for s in ChecklistStatus}
    errors: dict[str, str] = {}
    for item in items_for(session, listing):
        status = data.get(f"status_{item.code}", item.status)
        if status in statuses:
            item.status = status
        item.note = data.get(f"note_{item.code}", item.note).strip()[:NOTE_MAX]
        if item.status == ChecklistStatus.waived.value and not item.note:
            errors[f"note_{item.code}"] = _("A waived item needs a note saying why: %(item)s.", item=label(item.code))
        item.updated_by, item.updated_at = staff.id, utcnow()
        session.add(item)
    return errors
