"""The listing lifecycle: who may move a listing where, the checklist gate, two approvals, the audit chain."""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlmodel import select

from app.errors import BadInput, Conflict, Forbidden
from app.marketplace import audit, vetting
from app.models import AuditEntry, ChecklistStatus, ListingState
from tests.marketplace.helpers import draft, pass_checklist, person, published


@pytest.fixture
def people(session, engine):  # type: ignore[no-untyped-def]
    return {
        "promoter": person(session, engine, "awa@example.org", "promoter"),
        "staff": person(session, engine, "moussa@example.org", "staff"),
        "staff2": person(session, engine, "fatou@example.org", "staff"),
    }


def test_full_lifecycle_writes_one_chained_row_per_transition(session, settings, people):
    listing = draft(session, settings, people["promoter"])
    vetting.submit(session, listing, people["promoter"])
    vetting.request_changes(session, listing, people["staff"], "Please add the cooperative's statutes.")
    vetting.submit(session, listing, people["promoter"])
    pass_checklist(session, listing)
    assert vetting.approve(session, listing, people["staff"], settings)
    vetting.publish(session, listing, people["staff"])
    session.commit()
    entries = session.exec(select(AuditEntry).where(AuditEntry.listing_id == listing.id)
                           .order_by(AuditEntry.id)).all()  # type: ignore[arg-type]
    assert [(e.from_state, e.to_state) for e in entries] == [
        ("draft", "submitted"), ("submitted", "changes_requested"), ("changes_requested", "submitted"),
        ("submitted", "approved"), ("approved", "published")]
    assert entries[1].reason == "Please add the cooperative's statutes."
    assert all(b.prev_hash == a.hash for a, b in zip(entries, entries[1:], strict=False))
    assert '"status":"pass"' in entries[3].checklist and '"status":"pending"' in entries[0].checklist
    assert listing.deadline is not None and listing.published_at is not None
    assert (listing.deadline - listing.published_at).days == 30
    assert audit.verify(session) == []


def test_transitions_outside_the_lifecycle_are_refused(session, settings, people):
    listing = draft(session, settings, people["promoter"])
    with pytest.raises(Conflict):
        vetting.publish(session, listing, people["staff"])
    session.rollback()
    with pytest.raises(Conflict):
        vetting.transition(session, listing, people["staff"], ListingState.funded)


def test_reasons_are_required_for_reject_suspend_and_changes(session, settings, people):
    listing = draft(session, settings, people["promoter"])
    vetting.submit(session, listing, people["promoter"])
    for action in (vetting.reject, vetting.request_changes):
        with pytest.raises(BadInput) as exc:
            action(session, listing, people["staff"], "  ")
        assert exc.value.field == "reason"
    vetting.reject(session, listing, people["staff"], "Not a productive-sector project.")
    assert listing.state == "rejected"


def test_approval_needs_every_item_passed_or_waived_with_a_note(session, settings, people):
    listing = draft(session, settings, people["promoter"])
    vetting.submit(session, listing, people["promoter"])
    pass_checklist(session, listing)
    from app.marketplace.checklist import items_for

    items = items_for(session, listing)
    items[7].status = ChecklistStatus.waived.value  # site visit waived without a note
    with pytest.raises(BadInput, match="Site visit|Visite"):
        vetting.approve(session, listing, people["staff"], settings)
    items[7].note = "Visited by the Kaolack programme office in 2026."
    items[2].status = ChecklistStatus.failed.value
    with pytest.raises(BadInput):
        vetting.approve(session, listing, people["staff"], settings)
    items[2].status = ChecklistStatus.passed.value
    assert vetting.approve(session, listing, people["staff"], settings)


def test_staff_cannot_approve_their_own_listing_and_promoters_cannot_approve(session, settings, people):
    own = draft(session, settings, people["staff"])
    vetting.submit(session, own, people["staff"])
    pass_checklist(session, own)
    with pytest.raises(Forbidden):
        vetting.approve(session, own, people["staff"], settings)
    with pytest.raises(Forbidden):
        vetting.approve(session, own, people["promoter"], settings)
    assert vetting.approve(session, own, people["staff2"], settings)


def test_large_goals_need_a_second_different_staff_member(session, settings, people):
    settings.second_approval_above = Decimal("5000")
    # 10,000,000 XOF is about 15,245 EUR at the peg: above the threshold.
    listing = draft(session, settings, people["promoter"], goal="10000000", currency="XOF", min_pledge="5000",
                    budget="Cold room ; 10000000", milestones="")
    vetting.submit(session, listing, people["promoter"])
    pass_checklist(session, listing)
    assert vetting.approve(session, listing, people["staff"], settings) is False
    assert listing.state == "submitted"
    with pytest.raises(Conflict):
        vetting.approve(session, listing, people["staff"], settings)
    assert vetting.approve(session, listing, people["staff2"], settings) is True
    assert listing.state == "approved"


def test_submit_needs_a_document_and_the_owner(session, settings, people):
    listing = draft(session, settings, people["promoter"])
    with pytest.raises(Forbidden):
        vetting.submit(session, listing, people["staff"])
    from app.models import ListingDocument

    for document in session.exec(select(ListingDocument)).all():
        session.delete(document)
    session.flush()
    with pytest.raises(BadInput):
        vetting.submit(session, listing, people["promoter"])


def test_verify_detects_edits_deletions_and_state_changed_behind_the_trail(session, settings, people):
    listing = published(session, settings, people["promoter"], people["staff"])
    assert audit.verify(session) == []
    session.execute(text("UPDATE audit_entry SET reason = 'nothing to see' WHERE to_state = 'approved'"))
    session.commit()
    problems = audit.verify(session)
    assert any("edited" in p.message for p in problems)
    session.execute(text("UPDATE audit_entry SET reason = '' WHERE to_state = 'approved'"))
    session.execute(text("UPDATE listing SET state = 'funded' WHERE id = :id"), {"id": listing.id})
    session.commit()
    assert any("outside the workflow" in p.message for p in audit.verify(session))


def _cli(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"DATABASE_URL": db_url}
    return subprocess.run([sys.executable, "-m", "app.cli", *args], env=env, capture_output=True, text=True,
                          timeout=60, check=False)


def test_audit_verify_command_exits_non_zero_on_an_edited_row(session, settings, people, db_url):
    published(session, settings, people["promoter"], people["staff"])
    ok = _cli(db_url, "audit", "verify")
    assert ok.returncode == 0, ok.stderr
    assert "intact" in ok.stdout
    session.execute(text("UPDATE audit_entry SET actor_id = :a WHERE to_state = 'approved'"),
                    {"a": people["staff2"].id})
    session.commit()
    tampered = _cli(db_url, "audit", "verify")
    assert tampered.returncode == 1
    assert "TAMPERED" in tampered.stderr and "edited" in tampered.stderr
