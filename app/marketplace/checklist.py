"""The due-diligence checklists staff fill in before approving: one shape (stable codes, the ChecklistItem table,
passed or waived-with-a-note) for a listing's items here and a need's in app.skills.need_checklist."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session, col, select

from app.i18n import N_, _
from app.limits import text_limit, too_long
from app.models import ChecklistItem, ChecklistStatus, User
from app.models.base import utcnow

NOTE_MAX = text_limit("note_")  # the one table of lengths (the server refuses longer ones first)


class Checklist:
    """The items of one kind of record (stored against ``ChecklistItem.<owner>``), in a fixed order."""

    def __init__(self, items: dict[str, str], owner: str) -> None:
        self.ITEMS = items  # code -> untranslated label; codes are stored and chained into the audit trail
        self.owner = owner

    def label(self, code: str) -> str:
        return _(self.ITEMS[code])

    def items_for(self, session: Session, record: Any) -> list[ChecklistItem]:
        """The record's checklist in the fixed order, creating missing items as pending."""
        column = getattr(ChecklistItem, self.owner)
        existing = {item.code: item for item in session.exec(
            select(ChecklistItem).where(column == record.id).order_by(col(ChecklistItem.id)))}
        for code in self.ITEMS:
            if code not in existing:
                assert record.id is not None
                existing[code] = ChecklistItem(code=code, **{self.owner: record.id})
                session.add(existing[code])
        session.flush()
        return [existing[code] for code in self.ITEMS]

    def save(self, session: Session, record: Any, staff: User, data: dict[str, str]) -> dict[str, str]:
        """Apply the checklist form; the errors (by field) if a waiver lacks its note or a note is over its
        length, nothing saved then."""
        statuses = {s.value for s in ChecklistStatus}
        errors: dict[str, str] = {}
        for item in self.items_for(session, record):
            status = data.get(f"status_{item.code}", item.status).strip()
            if status in statuses:
                item.status = status
            note = data.get(f"note_{item.code}", item.note).strip()
            longer = too_long(f"note_{item.code}", note)
            item.note = note[:NOTE_MAX]
            if longer is not None:  # beside its field, the note kept as typed (nothing is saved then)
                errors[f"note_{item.code}"] = longer.message
            elif item.status == ChecklistStatus.waived.value and not item.note:
                errors[f"note_{item.code}"] = _("A waived item needs a note saying why: %(item)s.",
                                                item=self.label(item.code))
            item.updated_by, item.updated_at = staff.id, utcnow()
            session.add(item)
        return errors


def snapshot(items: list[ChecklistItem]) -> str:
    """Canonical JSON of the checklist, kept in each audit row."""
    return json.dumps([{"code": i.code, "status": i.status, "note": i.note} for i in items],
                      sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def blocking_items(items: list[ChecklistItem]) -> list[ChecklistItem]:
    """Items that stop an approval: anything not passed, and waivers without a note."""
    return [i for i in items if not (i.status == ChecklistStatus.passed.value or
                                     (i.status == ChecklistStatus.waived.value and i.note.strip()))]


LISTING = Checklist({
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
}, "listing_id")
ITEMS, label, items_for, save = LISTING.ITEMS, LISTING.label, LISTING.items_for, LISTING.save
