"""The short checklist staff fill in before publishing a need (its own items on the listings' ChecklistItem
table, the same statuses, and the same rule: every item passed, or waived with a note)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from app.i18n import N_, _
from app.limits import text_limit
from app.marketplace.checklist import blocking_items, snapshot
from app.models import ChecklistItem, ChecklistStatus, Need, User
from app.models.base import utcnow

NOTE_MAX = text_limit("note_")
# Codes are stable (stored and chained into the audit trail); labels are translated at display.
ITEMS: dict[str, str] = {
    "poster_verified": N_("The poster is a vetted host or the promoter of the project"),
    "genuine_need": N_("The need is real and described fairly"),
    "occupation_matches": N_("Occupation, skills and languages match the work"),
    "conditions_safe": N_("Working conditions are safe and lawful"),
    "provisions_confirmed": N_("What the host provides is confirmed"),
    "no_personal_data": N_("No personal data in the public text"),
}
__all__ = ["ITEMS", "blocking_items", "items_for", "label", "save", "snapshot"]


def label(code: str) -> str:
    return _(ITEMS[code])


def items_for(session: Session, need: Need) -> list[ChecklistItem]:
    """The need's checklist in the fixed order, creating missing items as pending."""
    existing = {item.code: item for item in session.exec(
        select(ChecklistItem).where(ChecklistItem.need_id == need.id).order_by(col(ChecklistItem.id)))}
    for code in ITEMS:
        if code not in existing:
            assert need.id is not None
            existing[code] = ChecklistItem(need_id=need.id, code=code)
            session.add(existing[code])
    session.flush()
    return [existing[code] for code in ITEMS]


def save(session: Session, need: Need, staff: User, data: dict[str, str]) -> dict[str, str]:
    """Apply the checklist form; the errors (by field) if a waiver lacks its note, nothing saved then."""
    statuses = {s.value for s in ChecklistStatus}
    errors: dict[str, str] = {}
    for item in items_for(session, need):
        status = data.get(f"status_{item.code}", item.status)
        if status in statuses:
            item.status = status
        item.note = data.get(f"note_{item.code}", item.note).strip()[:NOTE_MAX]
        if item.status == ChecklistStatus.waived.value and not item.note:
            errors[f"note_{item.code}"] = _("A waived item needs a note saying why: %(item)s.", item=label(item.code))
        item.updated_by, item.updated_at = staff.id, utcnow()
        session.add(item)
    return errors
