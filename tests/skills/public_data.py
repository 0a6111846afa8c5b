"""Needs and skill profiles written straight into the tables, for the public pages, the API and the mapping."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import count

from sqlmodel import Session

from app.models import Host, Need, SkillProfile, User
from app.models.base import utcnow

_serial = count(1)


def person(session: Session, email: str | None = None, role: str = "member", name: str = "") -> User:
    user = User(email=email or f"person{next(_serial)}@example.org", role=role, display_name=name,
                password_hash="not-a-hash")
    session.add(user)
    session.flush()
    return user


def host(session: Session, name: str = "Hôpital régional de Kaolack", country: str = "SN", town: str = "Kaolack",
         kind: str = "hospital", state: str = "approved") -> Host:
    owner = person(session, role="host", name="Dr Awa Ndiaye, directrice")
    found = Host(user_id=owner.id, name=name, kind=kind, country=country, town=town, state=state,
                 phone="+221 77 000 00 00", website="https://hopital-kaolack.example.org")
    session.add(found)
    session.flush()
    return found


def need(session: Session, at: Host, *, title: str = "Anesthésiste pour trois semaines", state: str = "published",
         occupation: str = "2212", country: str | None = None, sector: str = "health", mode: str = "on_site",
         days: int = 15, age_days: int = 0) -> Need:
    found = Need(title=title, description="Former l'équipe du bloc.\n\nDeux salles d'opération.",
                 occupation=occupation, skills="anesthésie\nréanimation", languages="fr wo",
                 country=country or at.country, town=at.town, sector=sector, mode=mode, days_wanted=days,
                 starts_on=date(2027, 2, 1), ends_on=date(2027, 2, 21), provides="lodging transport",
                 host_id=at.id, posted_by=at.user_id, state=state,
                 published_at=utcnow() - timedelta(days=age_days) if state == "published" else None)
    session.add(found)
    session.flush()
    return found


def profile(session: Session, origin: str, residence: str, occupation: str, *, active: bool = True,
            name: str = "") -> SkillProfile:
    member = person(session, name=name or f"Membre {next(_serial)}")
    found = SkillProfile(user_id=member.id, occupation=occupation, origin_country=origin,
                         residence_country=residence, active=active, job_title="anesthésiste",
                         summary="Dix ans au bloc", skills="anesthésie")
    session.add(found)
    return found
