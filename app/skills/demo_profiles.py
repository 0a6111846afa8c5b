"""Example skill profiles for `passerelle demo load` (loader "skills-profiles"): members of the diaspora in Europe
and North America, saved through the real write path (so the full-text index has them)."""

from __future__ import annotations

import secrets

from sqlmodel import Session, select

from app.accounts.service import create_user
from app.demo import demo_loader
from app.models import SkillProfile, User
from app.skills import profiles, tags

# (e-mail, name, occupation, job title, skills, languages, origin, residence, mode, days, qualifications, summary)
EXAMPLES: list[tuple[str, str, str, str, list[str], str, str, str, str, int, str, str]] = [
    ("aminata.diallo@example.org", "Aminata Diallo", "2212", "Médecin anesthésiste-réanimatrice",
     ["anaesthesia", "emergency care", "obstetrics", "teaching"], "fr wo en", "SN", "FR", "on_site", 21,
     "Diplôme d'études spécialisées en anesthésie-réanimation (Lyon)",
     "Anesthésiste au CHU de Lyon, je peux passer trois semaines par an dans un hôpital régional au Sénégal."),
    ("jean-paul.mbarga@example.org", "Jean-Paul Mbarga", "2411", "Expert-comptable",
     ["accounting", "audit", "cooperative management", "microfinance"], "fr en", "CM", "BE", "remote", 5,
     "Expert-comptable diplômé (IRE, Bruxelles)",
     "I keep the books of small cooperatives and train their treasurers, remotely, a few days a year."),
    ("fatoumata.keita@example.org", "Fatoumata Keïta", "2221", "Infirmière de bloc opératoire",
     ["nursing", "surgery", "public health"], "fr bm en", "ML", "IT", "either", 14,
     "Diploma di laurea in infermieristica (Milano)", "Infirmière à Milan, originaire de Ségou."),
    ("koffi.mensah@example.org", "Koffi Mensah", "2512", "Software engineer",
     ["software development", "mobile money", "data analysis"], "en fr", "GH", "DE", "remote", 10,
     "MSc Computer Science (TU Berlin)", "I build payment systems and can help a cooperative go digital."),
    ("mariama.ba@example.org", "Mariama Bâ", "2132", "Agronome",
     ["agronomy", "irrigation", "soil science", "training of trainers"], "fr wo ff", "SN", "CA", "on_site", 15,
     "Ingénieure agronome (Université Laval)", "Spécialiste de l'irrigation goutte-à-goutte au solaire."),
]


def load_examples(session: Session) -> str:
    added = 0
    for (email, name, occupation, job, skills, spoken, origin, residence, mode, days, quals,
         summary) in EXAMPLES:
        user = session.exec(select(User).where(User.email == email)).first()
        if user is None:
            user = create_user(session, email, secrets.token_urlsafe(24), role="member", verified=True)
            user.display_name = name
            session.add(user)
            session.flush()
        assert user.id is not None
        if profiles.of_member(session, user) is not None:
            continue
        profiles.save(session, SkillProfile(user_id=user.id, occupation=occupation, job_title=job,
                                            skills=tags.stored(skills), languages=spoken, origin_country=origin,
                                            residence_country=residence, mode=mode, days_per_year=days,
                                            qualifications=quals, summary=summary))
        added += 1
    return f"{added} skill profiles"


@demo_loader("skills-profiles")
def load(session: Session) -> str:
    return load_examples(session)
