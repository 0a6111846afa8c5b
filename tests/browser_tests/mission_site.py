"""The missions part of the page-walking demo site: a clinic's host account with two needs, the demo member's
offers in every kind of state, a second member whose offer the host accepted, and a completed mission."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, select

from app.models import User
from app.models.skills import Host, Need, SkillProfile
from tests.support import make_user

HOST = "direction@clinique-ziguinchor.example.org"
SECOND_MEMBER = "ibou.comptable@example.org"


def build_missions(engine: Engine, session: Session, member_email: str, staff_email: str, public_need: int,
                   password: str) -> dict[str, str]:
    """Missions brought to their states through the services; returns the ids the page paths use."""
    from app.skills import missions

    make_user(engine, HOST, role="host", password=password)
    make_user(engine, SECOND_MEMBER, password=password)
    people = {u.email: u for u in session.exec(select(User).where(
        User.email.in_([HOST, SECOND_MEMBER, member_email, staff_email]))).all()}  # type: ignore[attr-defined]
    host_user, member, second, staff = (people[HOST], people[member_email], people[SECOND_MEMBER],
                                        people[staff_email])
    host_user.display_name, member.display_name, second.display_name = ("Dr Fatou Diatta", "Aminata Diallo",
                                                                          "Ibou Ndour")
    session.add_all([host_user, member, second])
    assert host_user.id is not None
    clinic = Host(user_id=host_user.id, name="Clinique Saint-Joseph de Ziguinchor", kind="health_centre",
                  country="SN", town="Ziguinchor", phone="+221 33 991 12 34", state="approved")
    session.add(clinic)
    session.flush()
    needs = [Need(title=title, description="Former l'équipe.", occupation=occupation, country="SN", town="Ziguinchor",
                  sector="health", mode=mode, days_wanted=days, host_id=clinic.id, posted_by=host_user.id,
                  state="published")
             for title, occupation, mode, days in (("Sage-femme formatrice pour la maternité", "2222", "on_site", 10),
                                                   ("Comptable pour les comptes de la clinique", "2411", "remote", 5))]
    session.add_all(needs)
    profiles = [SkillProfile(user_id=who.id, occupation=occupation, job_title=job, skills=skills,  # type: ignore[arg-type]
                             languages="fr en", origin_country="SN", residence_country=residence, mode="either",
                             days_per_year=days, qualifications=qualifications, summary=summary)
                for who, occupation, job, skills, residence, days, qualifications, summary in (
                    (member, "2222", "Sage-femme", "obstétrique\nformation", "FR", 15,
                     "Diplôme d'État de sage-femme (2011)", "Sage-femme à Lyon depuis douze ans."),
                    (second, "2411", "Expert-comptable", "comptabilité\naudit", "BE", 10,
                     "Expert-comptable, Bruxelles", "Vingt ans de comptes d'associations."))]
    session.add_all(profiles)
    session.commit()
    midwife, accounts = needs
    done = missions.offer(session, midwife, member, profiles[0], "Disponible en mars.")
    missions.broker(session, done, staff)
    missions.host_accept(session, done, host_user)
    missions.schedule(session, done, host_user, date.today() - timedelta(days=12), date.today() - timedelta(days=3))
    missions.complete(session, done, host_user, 10)
    offer = missions.offer(session, accounts, member, profiles[0], "Je peux aussi aider pour la comptabilité.")
    missions.broker(session, offer, staff)
    agreed = missions.offer(session, accounts, second, profiles[1], "Cinq jours à distance en avril.")
    missions.broker(session, agreed, staff)
    missions.host_accept(session, agreed, host_user)
    public = session.get(Need, public_need)
    assert public is not None
    invited = missions.invite(session, public, profiles[0], staff)
    session.commit()
    return {"mission_done": str(done.id), "mission_offer": str(offer.id), "mission_agreed": str(agreed.id),
            "mission_invited": str(invited.id), "need_midwife": str(midwife.id), "need_accounts": str(accounts.id),
            "certificate": done.certificate_code or ""}
