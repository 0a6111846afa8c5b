"""The need lifecycle and the vetting of hosts: who may move what where, the checklist gate, the host gate,
staff never vetting their own, races decided by compare-and-set, and the audit chains that detect tampering."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from app.errors import BadInput, Conflict, DomainError, Forbidden
from app.marketplace import audit
from app.models import AuditEntry, ChecklistStatus, Need, NeedState
from app.skills import hosts, need_checklist, need_vetting
from tests.marketplace.helpers import draft, person
from tests.marketplace.helpers import pass_checklist as pass_listing_checklist
from tests.skills.helpers import host_account, need_draft, pass_checklist, published_need


@pytest.fixture
def people(session, engine):  # type: ignore[no-untyped-def]
    return {"staff": person(session, engine, "moussa@example.org", "staff"),
            "staff2": person(session, engine, "fatou@example.org", "staff"),
            "promoter": person(session, engine, "awa@example.org", "promoter")}


def test_a_need_goes_through_its_lifecycle_with_one_chained_row_per_move(session, engine, people):
    user, host = host_account(session, engine, "hopital@example.org", "approved", people["staff"])
    need = need_draft(session, user, host)
    need_vetting.submit(session, need, user)
    need_vetting.request_changes(session, need, people["staff"], "Say what the host provides.")
    need_vetting.submit(session, need, user)
    pass_checklist(session, need)
    need_vetting.publish(session, need, people["staff"])
    need_vetting.finish(session, need, user, NeedState.filled)
    session.commit()
    entries = session.exec(select(AuditEntry).where(AuditEntry.need_id == need.id)
                           .order_by(AuditEntry.id)).all()  # type: ignore[arg-type]
    assert [(e.from_state, e.to_state) for e in entries] == [
        ("draft", "submitted"), ("submitted", "changes_requested"), ("changes_requested", "submitted"),
        ("submitted", "published"), ("published", "filled")]
    assert entries[1].reason == "Say what the host provides."
    assert all(b.prev_hash == a.hash for a, b in zip(entries, entries[1:], strict=False))
    assert '"status":"pass"' in entries[3].checklist
    assert need.submission_round == 2 and need.published_at is not None
    assert audit.verify(session) == []


def test_moves_outside_the_lifecycle_are_refused(session, engine, people):
    user, host = host_account(session, engine, "hopital@example.org", "approved", people["staff"])
    need = need_draft(session, user, host)
    with pytest.raises(Conflict):
        need_vetting.publish(session, need, people["staff"])
    with pytest.raises(Conflict):
        need_vetting.finish(session, need, user, NeedState.closed)
    with pytest.raises(Conflict):
        need_vetting.transition(session, need, people["staff"], NeedState.suspended, "x")


def test_only_staff_vet_and_reasons_are_required(session, engine, people):
    user, host = host_account(session, engine, "hopital@example.org", "approved", people["staff"])
    need = need_draft(session, user, host)
    need_vetting.submit(session, need, user)
    with pytest.raises(Forbidden):
        need_vetting.publish(session, need, user)
    with pytest.raises(Forbidden):
        need_vetting.reject(session, need, people["promoter"], "no")
    for action in (need_vetting.reject, need_vetting.request_changes):
        with pytest.raises(BadInput) as refused:
            action(session, need, people["staff"], "   ")
        assert refused.value.field == "reason"
    with pytest.raises(Forbidden):
        need_vetting.submit(session, need_draft(session, user, host), people["promoter"])


def test_publishing_needs_every_checklist_item_passed_or_waived_with_a_note(session, engine, people):
    user, host = host_account(session, engine, "hopital@example.org", "approved", people["staff"])
    need = need_draft(session, user, host)
    need_vetting.submit(session, need, user)
    with pytest.raises(BadInput) as refused:
        need_vetting.publish(session, need, people["staff"])
    assert refused.value.field == "checklist"
    pass_checklist(session, need)
    items = need_checklist.items_for(session, need)
    assert len(items) == len(need_checklist.ITEMS) < 10  # a short checklist of its own items
    errors = need_checklist.save(session, need, people["staff"], {f"status_{items[2].code}": "waived"})
    assert list(errors) == [f"note_{items[2].code}"]
    items[2].status, items[2].note = ChecklistStatus.waived.value, "Checked by phone with the director."
    need_vetting.publish(session, need, people["staff"])
    assert need.state == "published"


def test_a_need_is_published_only_when_its_host_is_approved(session, engine, people):
    user, host = host_account(session, engine, "hopital@example.org")
    need = need_draft(session, user, host)
    need_vetting.submit(session, need, user)
    pass_checklist(session, need)
    with pytest.raises(BadInput) as refused:
        need_vetting.publish(session, need, people["staff"])
    assert refused.value.field == "host"
    hosts.reject(session, host, people["staff"], "Not a registered institution.")
    with pytest.raises(BadInput):
        need_vetting.publish(session, need, people["staff"])
    session.rollback()


def test_suspending_a_host_suspends_its_published_needs_and_reinstating_it_does_not_republish(session, engine, people):
    user, host = host_account(session, engine, "hopital@example.org", "approved", people["staff"])
    need = published_need(session, user, people["staff"], host)
    hosts.suspend(session, host, people["staff"], "Licence withdrawn by the ministry.")
    session.commit()
    session.refresh(need)
    assert host.state == "suspended" and need.state == "suspended"
    hosts.reinstate(session, host, people["staff"])
    session.commit()
    session.refresh(need)
    assert host.state == "approved" and need.state == "suspended"
    assert audit.verify(session) == []


def test_host_transitions_follow_the_lifecycle(session, engine, people):
    _user, host = host_account(session, engine, "hopital@example.org")
    with pytest.raises(Conflict):
        hosts.suspend(session, host, people["staff"], "x")
    with pytest.raises(BadInput):
        hosts.reject(session, host, people["staff"], " ")
    hosts.approve(session, host, people["staff"])
    with pytest.raises(Conflict):
        hosts.approve(session, host, people["staff"])
    session.commit()
    trail = session.exec(select(AuditEntry).where(AuditEntry.host_id == host.id)).all()
    assert [(e.from_state, e.to_state) for e in trail] == [("pending", "approved")]


def test_staff_cannot_vet_a_need_they_posted_or_whose_project_is_theirs(session, engine, settings, people):
    admin = person(session, engine, "admin@example.org", "admin")
    listing = draft(session, settings, admin)  # an admin who is also the promoter of a project
    from app.marketplace import vetting

    vetting.submit(session, listing, admin)
    pass_listing_checklist(session, listing)
    vetting.approve(session, listing, people["staff"], settings)
    vetting.publish(session, listing, people["staff"])
    session.commit()
    need = need_draft(session, admin, listing_id=listing.id)
    need_vetting.submit(session, need, admin)
    pass_checklist(session, need)
    with pytest.raises(Forbidden):
        need_vetting.publish(session, need, admin)
    need_vetting.publish(session, need, people["staff"])
    assert need.state == "published"


def test_a_promoters_need_is_published_only_when_its_project_is_public(session, engine, settings, people):
    listing = draft(session, settings, people["promoter"])
    need = need_draft(session, people["promoter"], listing_id=listing.id)
    need_vetting.submit(session, need, people["promoter"])
    pass_checklist(session, need)
    with pytest.raises(BadInput) as refused:
        need_vetting.publish(session, need, people["staff"])
    assert refused.value.field == "listing"


def test_two_staff_deciding_at_once_give_one_move(session, engine, people):
    user, host = host_account(session, engine, "hopital@example.org", "approved", people["staff"])
    need = need_draft(session, user, host)
    need_vetting.submit(session, need, user)
    pass_checklist(session, need)
    session.commit()
    assert need.id is not None
    barrier, outcomes = threading.Barrier(2), []

    def decide(staff_id: int, publish: bool) -> None:
        with Session(engine) as s:
            staff = s.get(type(people["staff"]), staff_id)
            barrier.wait()
            try:
                locked = need_vetting.lock(s, need.id or 0)
                if publish:
                    need_vetting.publish(s, locked, staff)  # type: ignore[arg-type]
                else:
                    need_vetting.reject(s, locked, staff, "Duplicate of another need.")  # type: ignore[arg-type]
                s.commit()
                outcomes.append("ok")
            except DomainError:
                s.rollback()
                outcomes.append("refused")

    threads = [threading.Thread(target=decide, args=(people["staff"].id, True)),
               threading.Thread(target=decide, args=(people["staff2"].id, False))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["ok", "refused"]
    session.expire_all()
    fresh = session.get(Need, need.id)
    assert fresh is not None and fresh.state in ("published", "rejected")
    rows = session.exec(select(AuditEntry).where(AuditEntry.need_id == need.id)).all()
    assert len(rows) == 2  # submitted, then exactly one decision
    assert audit.verify(session) == []


@pytest.mark.parametrize("tamper", ["edit", "delete", "state"])
def test_tampering_with_a_need_or_host_chain_is_detected(session, engine, people, tamper):
    user, host = host_account(session, engine, "hopital@example.org", "approved", people["staff"])
    need = published_need(session, user, people["staff"], host)
    assert audit.verify(session) == []
    first = session.exec(select(AuditEntry).where(AuditEntry.need_id == need.id)
                         .order_by(AuditEntry.id)).first()  # type: ignore[arg-type]
    assert first is not None
    with engine.begin() as conn:
        if tamper == "edit":
            conn.execute(text("UPDATE audit_entry SET reason = 'looked fine' WHERE id = :id"), {"id": first.id})
        elif tamper == "delete":
            conn.execute(text("DELETE FROM audit_entry WHERE id = :id"), {"id": first.id})
        else:
            conn.execute(text("UPDATE host_institution SET state = 'pending' WHERE id = :id"), {"id": host.id})
    problems = audit.verify(session)
    assert problems, "the tampering went unnoticed"
    expected = ("host", host.id) if tamper == "state" else ("need", need.id)
    assert all((p.subject, p.subject_id) == expected for p in problems)
    assert all(p.listing_id is None for p in problems)


def test_the_audit_verify_command_reports_a_tampered_need(session, engine, people, db_url):
    user, host = host_account(session, engine, "hopital@example.org", "approved", people["staff"])
    need = published_need(session, user, people["staff"], host)
    env = os.environ | {"DATABASE_URL": db_url}
    command = [sys.executable, "-m", "app.cli", "audit", "verify"]
    intact = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert intact.returncode == 0, intact.stderr
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_entry SET to_state = 'rejected' WHERE need_id = :id AND to_state = "
                          "'published'"), {"id": need.id})
    tampered = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert tampered.returncode == 1
    assert f"TAMPERED need {need.id}" in tampered.stderr and "edited" in tampered.stderr
