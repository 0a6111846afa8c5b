"""Builders for mission tests: people, a host with a published need, a promoter's need, skill profiles.

Rows are written directly (app.models.skills): the needs and profiles services are built in parallel."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session, select

from app.models import Listing, OutboxMessage, User
from app.models.skills import Host, Need, SkillProfile
from tests.support import make_user


def person(session: Session, engine, email: str, role: str = "member", name: str = "",  # type: ignore[no-untyped-def]
           locale: str = "fr") -> User:
    make_user(engine, email, role)
    user = session.exec(select(User).where(User.email == email)).one()
    user.display_name, user.locale = name, locale
    session.add(user)
    session.commit()
    return user


def host_with_need(session: Session, user: User, name: str = "Hôpital régional de Kaolack",
                   title: str = "Anaesthetist for the surgical unit", state: str = "published") -> tuple[Host, Need]:
    assert user.id is not None
    host = Host(user_id=user.id, name=name, kind="hospital", country="SN", town="Kaolack", phone="+221 33 941 10 10",
                state="approved")
    session.add(host)
    session.flush()
    need = Need(title=title, description="Train the team on regional anaesthesia.", occupation="2212",
                skills="anaesthesia\nregional anaesthesia", languages="fr wo", country="SN", town="Kaolack",
                mode="on_site", days_wanted=15, host_id=host.id, posted_by=user.id, state=state)
    session.add(need)
    session.commit()
    return host, need


def promoter_need(session: Session, promoter: User) -> Need:
    assert promoter.id is not None
    listing = Listing(promoter_id=promoter.id, slug="coop-limbe", title="Coopérative de pêche de Limbé", country="CM",
                      sector="fisheries", goal=Decimal(5000), min_pledge=Decimal(10), org_name="Limbe Fishers")
    session.add(listing)
    session.flush()
    need = Need(title="Accountant for the cooperative's books", occupation="2411", country="CM", town="Limbé",
                mode="remote", days_wanted=5, listing_id=listing.id, posted_by=promoter.id, state="published")
    session.add(need)
    session.commit()
    return need


def profile(session: Session, member: User, active: bool = True) -> SkillProfile:
    assert member.id is not None
    found = SkillProfile(user_id=member.id, occupation="2212", job_title="Médecin anesthésiste",
                         skills="anaesthesia\nintensive care", languages="fr wo en", origin_country="SN",
                         residence_country="FR", mode="either", days_per_year=20,
                         qualifications="DES anesthésie-réanimation", summary="Anaesthetist in Lyon since 2012.",
                         active=active)
    session.add(found)
    session.commit()
    return found


def mails_to(session: Session, address: str) -> list[OutboxMessage]:
    session.expire_all()
    return list(session.exec(select(OutboxMessage).where(OutboxMessage.to_address == address)
                             .order_by(OutboxMessage.id)).all())  # type: ignore[arg-type]


@dataclass
class Cast:
    host_user: User
    host: Host
    need: Need
    member: User
    profile: SkillProfile
    staff: User
    other_host: User
    other_need: Need
    promoter: User
    promoter_need: Need
    other_member: User
    other_profile: SkillProfile


def cast(session: Session, engine) -> Cast:  # type: ignore[no-untyped-def]
    """Everyone of a mission story: a hospital and its need, an anaesthetist, staff, and the bystanders."""
    host_user = person(session, engine, "direction@hopital-kaolack.sn", "host", "Dr Ndiaye", "fr")
    host, need = host_with_need(session, host_user)
    other_host = person(session, engine, "contact@coop-ziguinchor.sn", "host", "Mme Badji")
    _other, other_need = host_with_need(session, other_host, "Coopérative de Ziguinchor", "Agronomist")
    promoter = person(session, engine, "awa@example.org", "promoter", "Awa")
    member = person(session, engine, "aissatou@example.org", "member", "Aïssatou Sow", "en")
    other_member = person(session, engine, "kofi@example.org", "member", "Kofi")
    return Cast(host_user=host_user, host=host, need=need, member=member, profile=profile(session, member),
                staff=person(session, engine, "moussa@example.org", "staff", "Moussa"), other_host=other_host,
                other_need=other_need, promoter=promoter, promoter_need=promoter_need(session, promoter),
                other_member=other_member, other_profile=profile(session, other_member))
