"""Example host institutions and needs for `passerelle demo load`: registered, vetted and published through
the real workflows (a hospital in Kaolack, a cooperative in Limbé, and a need of an example project).

A need is written once, in its poster's words, as a listing is: the examples are in French, the language the
site opens in, like the example projects (app.marketplace.demo)."""

from __future__ import annotations

import secrets

from sqlmodel import Session, select

from app.accounts.service import create_user
from app.demo import demo_loader
from app.models import ChecklistStatus, Host, Listing, Need, Role, User
from app.skills import hosts, need_checklist, need_vetting, needs

HOSTS: list[dict[str, str]] = [
    {"email": "hopital.kaolack@passerelle.invalid", "name": "Centre hospitalier régional El Hadji Ibrahima Niass",
     "kind": "hospital", "country": "SN", "town": "Kaolack", "registration": "SN-MSAS-EPS2-0031",
     "description": "L'hôpital régional de Kaolack soigne les habitants de la région du Sine-Saloum : urgences, "
                    "maternité, chirurgie et pédiatrie.\n\nIl accueille des professionnels de santé de la diaspora "
                    "pour former ses équipes, quelques semaines sur place ou à distance."},
    {"email": "cooperative.limbe@passerelle.invalid", "name": "Limbe Fishermen's Cooperative Society",
     "kind": "cooperative", "country": "CM", "town": "Limbé", "registration": "CM-SW-COOP-2012-0087",
     "description": "La coopérative des pêcheurs de Limbé réunit 140 pêcheurs et mareyeuses. Elle vend le poisson "
                    "de ses membres, entretient leurs pirogues et tient leur épargne."},
]
NEEDS: list[tuple[str, dict[str, str]]] = [
    ("hopital.kaolack@passerelle.invalid", {
        "title": "Anesthésiste pour former l'équipe du bloc opératoire (3 semaines)", "occupation": "2212",
        "description": "Le bloc opératoire réalise 2 500 interventions par an avec deux médecins anesthésistes. Nous "
                       "cherchons un ou une anesthésiste pour former nos infirmiers anesthésistes à l'anesthésie "
                       "pédiatrique et locorégionale.\n\nLogement dans la résidence de l'hôpital, repas pris en "
                       "charge.",
        "skills": "anesthésie pédiatrique\nanesthésie locorégionale\nformation", "languages": "fr wo",
        "country": "SN", "town": "Kaolack", "sector": "health", "mode": "on_site", "days_wanted": "21",
        "provides_lodging": "1", "provides_meals": "1", "provides_local_transport": "1"}),
    ("hopital.kaolack@passerelle.invalid", {
        "title": "Sage-femme pour des sessions de formation à distance", "occupation": "2222",
        "description": "Cinq sessions en visioconférence avec les sages-femmes de la maternité : urgences "
                       "obstétricales, suivi des grossesses à risque.",
        "skills": "urgences obstétricales\nformation à distance", "languages": "fr",
        "country": "SN", "town": "Kaolack", "sector": "health", "mode": "remote", "days_wanted": "5"}),
    ("cooperative.limbe@passerelle.invalid", {
        "title": "Comptable pour mettre en place la comptabilité de la coopérative (5 jours, à distance)",
        "occupation": "2411",
        "description": "La coopérative tient ses comptes à la main. Nous cherchons un ou une comptable pour installer "
                       "un logiciel de comptabilité simple, former notre trésorière et préparer les comptes de fin "
                       "d'année pour l'assemblée générale. Les réunions peuvent se tenir en français ou en anglais.",
        "skills": "comptabilité\ncomptabilité coopérative\nformation", "languages": "fr en",
        "country": "CM", "town": "Limbé", "sector": "fisheries", "mode": "remote", "days_wanted": "5"}),
]
LISTING_NEED = ("Chambre froide solaire pour les mareyeuses de Kayar", {
    "title": "Frigoriste pour la mise en service de la chambre froide", "occupation": "7127",
    "description": "Aider l'union à choisir, recevoir et mettre en service sa chambre froide solaire, puis former "
                   "deux membres à son entretien.",
    "skills": "froid commercial\nénergie solaire\nmaintenance", "languages": "fr wo", "country": "SN",
    "town": "Kayar", "sector": "fisheries", "mode": "either", "days_wanted": "10", "provides_lodging": "1"})


def _account(session: Session, email: str, role: str, name: str) -> User:
    user = session.exec(select(User).where(User.email == email)).first()
    if user is None:
        # Nobody logs in as these accounts: the password is random and never shown.
        user = create_user(session, email, secrets.token_urlsafe(24), role=role, display_name=name, verified=True)
    return user


def _publish(session: Session, need: Need, poster: User, staff: User) -> None:
    need_vetting.submit(session, need, poster)
    for item in need_checklist.items_for(session, need):
        item.status, item.note = ChecklistStatus.passed.value, "Example need: demo data."
        session.add(item)
    need_vetting.publish(session, need, staff)


@demo_loader("skills-needs")
def load(session: Session) -> str:
    if session.exec(select(Host)).first() is not None:
        return "example host institutions already present"
    staff = _account(session, "equipe.exemple@passerelle.invalid", Role.staff.value, "Équipe programme (exemple)")
    by_email: dict[str, tuple[User, Host]] = {}
    for example in HOSTS:
        user = _account(session, example["email"], Role.host.value, example["name"])
        details = hosts.read_form(example)
        assert not details.errors, details.errors
        assert user.id is not None
        host = Host(user_id=user.id, name="", country="SN")
        hosts.apply_form(host, details)
        session.add(host)
        session.flush()
        hosts.approve(session, host, staff)
        by_email[example["email"]] = (user, host)
    count = 0
    for email, values in NEEDS:
        user, host = by_email[email]
        form = needs.read_form(values)
        assert not form.errors, form.errors
        assert user.id is not None
        need = needs.apply_form(session, Need(title="", occupation="", country="SN", posted_by=user.id,
                                              host_id=host.id), form)
        _publish(session, need, user, staff)
        count += 1
    title, values = LISTING_NEED
    listing = session.exec(select(Listing).where(Listing.title == title)).first()
    promoter = session.get(User, listing.promoter_id) if listing else None
    if listing is not None and promoter is not None and promoter.id is not None:
        form = needs.read_form(values | {"listing_id": str(listing.id)}, [listing])
        assert not form.errors, form.errors
        need = needs.apply_form(session, Need(title="", occupation="", country="SN", posted_by=promoter.id), form)
        _publish(session, need, promoter, staff)
        count += 1
    return f"{len(HOSTS)} example host institutions approved, {count} needs published"
