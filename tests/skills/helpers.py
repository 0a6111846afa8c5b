"""Builders for skills tests: host institutions and needs brought to a state through the real services."""

from __future__ import annotations

from sqlmodel import Session, select

from app.models import ChecklistStatus, Host, Need, User
from app.skills import hosts, need_checklist, need_vetting, needs
from tests.marketplace.helpers import person

HOST_FORM = {"name": "Centre hospitalier régional de Kaolack", "kind": "hospital", "country": "SN",
             "town": "Kaolack", "description": "The regional hospital.", "registration": "SN-MSAS-0031"}
NEED_FORM = {"title": "Anaesthetist to train the theatre team", "description": "Three weeks on site.",
             "occupation": "2212", "skills": "Paediatric anaesthesia, training", "languages": "fr wo",
             "country": "SN", "town": "Kaolack", "sector": "health", "mode": "on_site", "days_wanted": "21",
             "provides_lodging": "1"}


def host_account(session: Session, engine, email: str, state: str = "pending",  # type: ignore[no-untyped-def]
                 staff: User | None = None, **overrides: str) -> tuple[User, Host]:
    user = person(session, engine, email, "host")
    form = hosts.read_form(HOST_FORM | overrides)
    assert not form.errors, form.errors
    assert user.id is not None
    host = Host(user_id=user.id, name="", country="SN")
    hosts.apply_form(host, form)
    session.add(host)
    session.commit()
    if state != "pending":
        assert staff is not None
        hosts.approve(session, host, staff)
        if state == "suspended":
            hosts.suspend(session, host, staff, "Registration expired.")
        session.commit()
    return user, host


def need_draft(session: Session, poster: User, host: Host | None = None, listing_id: int | None = None,
               **overrides: str) -> Need:
    form = needs.read_form(NEED_FORM | overrides)
    assert not form.errors, form.errors
    assert poster.id is not None
    need = needs.apply_form(session, Need(title="", occupation="", country="SN", posted_by=poster.id,
                                          host_id=host.id if host else None, listing_id=listing_id), form)
    session.commit()
    return need


def pass_checklist(session: Session, need: Need) -> None:
    for item in need_checklist.items_for(session, need):
        item.status = ChecklistStatus.passed.value
        session.add(item)
    session.flush()


def published_need(session: Session, poster: User, staff: User, host: Host | None = None,
                   listing_id: int | None = None, **overrides: str) -> Need:
    need = need_draft(session, poster, host, listing_id, **overrides)
    need_vetting.submit(session, need, poster)
    pass_checklist(session, need)
    need_vetting.publish(session, need, staff)
    session.commit()
    return need


def user_by_email(session: Session, email: str) -> User:
    return session.exec(select(User).where(User.email == email)).one()
