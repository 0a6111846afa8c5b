"""One demo site for the page-walking browser tests: the bundled data, a member with a pledge, a promoter.

The pages every visitor or member can reach are listed in PAGES; add a page there and the layout and
axe-core tests walk it in French and English, on a desktop and on a phone.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, select

from app.settings import Settings
from tests.browser_tests.mission_site import HOST, build_missions  # noqa: F401 - HOST is the page walk's host account

PASSWORD = "correct horse battery"
MEMBER, PROMOTER = "aminata@example.org", "ousmane.promoteur@example.org"
STAFF, ADMIN = "mariama.staff@example.org", "ibrahima.admin@example.org"
PENDING_HOST = "direction@hopital-ziguinchor.example.org"  # a host institution's account, its institution pending
LOCALES = ["fr-FR", "en-GB"]
VIEWPORTS = {"desktop": (1280, 800), "phone": (360, 740)}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@dataclass(frozen=True)
class SitePage:
    name: str
    path: str  # may hold {slug}, {pledge}, {listing}
    who: str | None = None  # None: anyone; "member", "promoter", "host", "staff" or "admin": signed in as one
    status: int = 200
    # A form sent wrong, to check the page as it answers: (CSS selector, value) pairs, then its submit button.
    fill: tuple[tuple[str, str], ...] = ()
    submit: str = "main form button[type=submit]"


PAGES = [
    SitePage("compare", "/"),
    SitePage("compare-amount-wallet", "/?from=FR&to=SN&amount=1234.56&payout=mobile_wallet"),
    SitePage("compare-error", "/?from=FR&to=SN&amount=-3", status=400),
    SitePage("corridor", "/corridors/FR-SN"),
    SitePage("corridor-providers", "/corridors/FR-SN?providers=true"),
    SitePage("provider", "/providers/western-union"),
    SitePage("methodology", "/methodology"),
    SitePage("projects", "/projects"),
    SitePage("project", "/projects/{slug}"),
    SitePage("register", "/register"),
    SitePage("register-refused", "/register", status=400,
             fill=(("input[name=email]", "not-an-address"), ("input[name=password]", "short"))),
    SitePage("login", "/login"),
    SitePage("login-refused", "/login", status=400,
             fill=(("input[name=email]", MEMBER), ("input[name=password]", "not the password"))),
    SitePage("alert-refused", "/", status=400, submit="form.alert-form button[type=submit]",
             fill=(("form.alert-form input[name=email]", "nobody"),)),
    SitePage("alert-confirm-bad", "/alerts/confirm?token=nothing", status=400),
    SitePage("verify-bad", "/verify?token=nothing", status=400),
    SitePage("password-forgot", "/password/forgot"),
    SitePage("password-reset", "/password/reset?token=not-a-real-token"),
    SitePage("alert-unsubscribe", "/alerts/unsubscribe?alert=1&key=nothing"),
    SitePage("not-found", "/no-such-page", status=404),
    SitePage("account", "/account", who="member"),
    SitePage("my-pledges", "/my/pledges", who="member"),
    SitePage("my-pledge", "/my/pledges/{pledge}", who="member"),
    SitePage("my-pledge-pay", "/my/pledges/{pledge}/pay", who="member"),
    SitePage("project-signed-in", "/projects/{slug}", who="member"),
    SitePage("project-pledge-refused", "/projects/{slug}", who="member", status=400,
             submit="form[action$='/pledge#pledge'] button[type=submit]",
             fill=(("form[action$='/pledge#pledge'] input[name=amount]", "-1"),)),
    SitePage("my-listings", "/my/listings", who="promoter"),
    SitePage("my-listing-new", "/my/listings/new", who="promoter"),
    SitePage("my-listing", "/my/listings/{listing}", who="promoter"),
    SitePage("my-listing-edit", "/my/listings/{listing}/edit", who="promoter"),
    SitePage("my-listing-refused", "/my/listings/new", who="promoter", status=400,
             fill=(("input[name=title]", "x"), ("input[name=goal]", "-5"))),
    SitePage("staff-payments", "/staff/payments", who="staff"),
    SitePage("staff-listing", "/staff/listings/{published}", who="staff"),  # pledges, audit trail, long addresses
    SitePage("skills", "/skills"),
    SitePage("skills-filtered", "/skills?country=SN&occupation=2&remote=1"),
    SitePage("skills-need", "/skills/needs/{need}"),
    SitePage("skills-need-signed-in", "/skills/needs/{need}", who="member"),
    SitePage("skills-need-missing", "/skills/needs/999999", status=404),
    SitePage("staff-skills-mapping", "/staff/skills/mapping", who="staff"),
    SitePage("register-host", "/register/host"),
    SitePage("register-host-refused", "/register/host", status=400,
             fill=(("input[name=email]", "direction@"), ("input[name=name]", ""),
                   ("input[name=website]", "hopital.sn"))),
    SitePage("host-public", "/skills/hosts/{approved_host}"),
    SitePage("host-missing", "/skills/hosts/{host}", status=404),  # pending: not public
    SitePage("project-expertise", "/projects/{expertise_slug}"),
    SitePage("my-host", "/my/host", who="host"),
    SitePage("my-needs", "/my/needs", who="host"),
    SitePage("my-need-new", "/my/needs/new", who="host"),
    SitePage("my-need-refused", "/my/needs/new", who="host", status=400,
             fill=(("input[name=title]", "Infirmier"), ("input[name=days_wanted]", "0"),
                   ("input[name=languages]", "fr zz"))),
    SitePage("my-need", "/my/needs/{draft_need}", who="host"),
    SitePage("my-need-edit", "/my/needs/{draft_need}/edit", who="host"),
    SitePage("my-needs-promoter", "/my/needs", who="promoter"),
    SitePage("my-need-new-promoter", "/my/needs/new", who="promoter"),
    SitePage("staff-skills", "/staff/skills", who="staff"),
    SitePage("staff-hosts", "/staff/hosts", who="staff"),
    SitePage("staff-host", "/staff/hosts/{host}", who="staff"),
    SitePage("staff-need", "/staff/needs/{submitted_need}", who="staff"),
    SitePage("staff-need-refused", "/staff/needs/{submitted_need}", who="staff", status=400,
             submit="form[action$='/reject#decision'] button[type=submit]",
             fill=(("#f-reason-reject", " "),)),
    SitePage("staff-skills-mapping-filtered", "/staff/skills/mapping?origin=SN&group=2", who="staff"),
    SitePage("my-skills", "/my/skills", who="member"),
    SitePage("my-skills-refused", "/my/skills", who="member", status=400, submit="main form button[value=save]",
             fill=(("input[name=days_per_year]", "999"), ("input[name=skill_1]", "anaesthesia"))),
    SitePage("staff-matches", "/staff/needs/{need}/matches", who="staff"),
    SitePage("staff-matches-search", "/staff/needs/{need}/matches?q=anesth", who="staff"),
    SitePage("staff-profile", "/staff/profiles/{profile}", who="staff"),
    SitePage("my-missions", "/my/missions", who="member"),
    SitePage("my-mission-offered", "/my/missions/{mission_offer}", who="member"),
    SitePage("my-mission-invited", "/my/missions/{mission_invited}", who="member"),
    SitePage("my-mission-completed", "/my/missions/{mission_done}", who="member"),
    SitePage("my-mission-certificate", "/my/missions/{mission_done}/certificate", who="member"),
    SitePage("certificate-check", "/skills/certificates/{certificate}"),
    SitePage("certificate-check-form", "/skills/certificates"),
    SitePage("certificate-check-unknown", "/skills/certificates/AAAA-BBBB-CCCC", status=404),
    SitePage("host-offers", "/my/needs/{need_accounts}/offers", who="host"),
    SitePage("host-offer", "/my/needs/{need_accounts}/offers/{mission_offer}", who="host"),
    SitePage("host-offer-agreed", "/my/needs/{need_accounts}/offers/{mission_agreed}", who="host"),
    SitePage("host-offer-days-refused", "/my/needs/{need_accounts}/offers/{mission_agreed}", who="host", status=400,
             submit="#complete button[type=submit]", fill=(("#complete input[name=days]", "cinq"),)),
    SitePage("host-offer-completed", "/my/needs/{need_midwife}/offers/{mission_done}", who="host"),
    SitePage("staff-missions", "/staff/missions", who="staff"),
    SitePage("staff-mission", "/staff/missions/{mission_offer}", who="staff"),
    SitePage("admin-accounts", "/admin/accounts", who="admin"),
    SitePage("admin-accounts-refused", "/admin/accounts", who="admin", status=400,
             submit="#add-bank button[type=submit]",
             fill=(("#add-bank input[name=holder]", "Programme"), ("#add-bank input[name=iban]", "FR76 3000 6000 01"))),
]


def build(engine: Engine, settings: Settings) -> dict[str, str]:
    """Load the demo data and the people the pages need; returns the ids the paths use."""
    from app.demo import load_demo
    from app.marketplace import pledges
    from app.models import PledgeMethod, ReceivingAccount, StatementLine, User
    from tests.marketplace.helpers import draft, published
    from tests.support import make_user

    load_demo(engine=engine)
    make_user(engine, MEMBER, password=PASSWORD)
    make_user(engine, PROMOTER, role="promoter", password=PASSWORD)
    make_user(engine, STAFF, role="staff", password=PASSWORD)
    make_user(engine, ADMIN, role="admin", password=PASSWORD)
    with Session(engine, expire_on_commit=False) as session:
        member = session.exec(select(User).where(User.email == MEMBER)).one()
        promoter = session.exec(select(User).where(User.email == PROMOTER)).one()
        staff = session.exec(select(User).where(User.email == STAFF)).one()
        # The programme's receiving accounts: a euro IBAN and a CFA wallet (receipts show both kinds).
        session.add(ReceivingAccount(kind="bank", holder="Programme Passerelle", iban="FR7630006000011234567890189",
                                     bic="AGRIFRPP", currency="EUR"))
        session.add(ReceivingAccount(kind="mobile_money", holder="Passerelle Sénégal", operator="orange_money",
                                     country="SN", number="+221770000000", currency="XOF"))
        # Example projects take no pledges: a real one, vetted and published through the services.
        listing = published(session, settings, promoter, staff, title="Pompe solaire de Ndiaffate")
        pledge = pledges.create(session, listing, member, max(listing.min_pledge, Decimal(25)), PledgeMethod.manual,
                                settings=settings)
        session.commit()
        # A statement line that waits for a decision (a reference with a typo), for the staff page.
        session.add(StatementLine(booked_on=pledge.created_at.date(), amount=pledge.amount, currency=pledge.currency,
                                  reference=f"VIR {pledge.reference[:-1]}0" if not pledge.reference.endswith("0")
                                  else f"VIR {pledge.reference[:-1]}1", payer="A. DIALLO",
                                  fingerprint="site", reason="bad_check_digits"))
        session.commit()
        own = draft(session, settings, promoter)
        need = _skills(session)
        from app.models import SkillProfile

        profile = session.exec(select(SkillProfile).order_by(SkillProfile.id)).first()  # type: ignore[arg-type]
        assert profile is not None, "the demo loader 'skills-profiles' made no profile"
        return {"slug": listing.slug, "published": str(listing.id), "pledge": str(pledge.id), "listing": str(own.id),
                "need": str(need),
                "profile": str(profile.id), **build_missions(engine, session, MEMBER, STAFF, need, PASSWORD),
                **_needs(session, engine, promoter, listing.id)}


def _skills(session: Session) -> int:
    """A published need of a vetted hospital, and enough skill profiles for the mapping to show cells."""
    from tests.skills.public_data import host, need, profile

    kaolack = host(session)
    found = need(session, kaolack)
    need(session, host(session, name="Coopérative des pêcheurs de Limbé", country="CM", town="Limbé",
                       kind="cooperative"), title="Comptable pour cinq jours à distance", occupation="2411",
         sector="fisheries", mode="remote", days=5)
    for (origin, residence, occupation), n in {("SN", "FR", "2212"): 7, ("SN", "FR", "3221"): 2,
                                               ("ML", "IT", "2221"): 6, ("CM", "BE", "2411"): 5,
                                               ("CI", "FR", "7411"): 8, ("SN", "IT", "2212"): 3,
                                               ("CF", "CD", "2211"): 5}.items():  # long names: two lines
        for _i in range(n):
            profile(session, origin, residence, occupation)
    session.commit()
    assert found.id is not None
    return found.id


def _needs(session: Session, engine: Engine, promoter, listing_id: int | None) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A host whose institution waits for vetting, with a submitted need; a draft need of the page walk's host;
    a promoter's draft need;
    the demo's approved hospital and the example project that asks for expertise."""
    from app.models import Host, Listing, Need, User
    from app.skills import need_vetting
    from tests.skills.helpers import host_account, need_draft

    pending, host = host_account(session, engine, PENDING_HOST, name="Hôpital de la Paix, Ziguinchor",
                                 town="Ziguinchor", phone="+221 33 991 00 00")
    submitted = need_draft(session, pending, host, title="Pédiatre pour former les internes", occupation="2212")
    need_vetting.submit(session, submitted, pending)
    # The page walk's host account (the missions' clinic) has a draft need of its own.
    clinic_user = session.exec(select(User).where(User.email == HOST)).one()
    clinic = session.exec(select(Host).where(Host.user_id == clinic_user.id)).one()
    draft_need = need_draft(session, clinic_user, clinic, title="Infirmière ou infirmier de bloc, deux semaines",
                            occupation="2221", days_wanted="14")
    need_draft(session, promoter, listing_id=listing_id, title="Électricien solaire pour la pompe", occupation="7411")
    session.commit()
    kaolack = session.exec(select(Host).where(Host.name.startswith("Centre hospitalier"))).first()  # type: ignore[attr-defined]
    kayar = session.exec(select(Listing).join(Need, Need.listing_id == Listing.id)  # type: ignore[arg-type]
                         .where(Need.state == "published")).first()
    assert kaolack is not None and kayar is not None, "the skills demo data did not load"
    return {"host": str(host.id), "draft_need": str(draft_need.id), "submitted_need": str(submitted.id),
            "approved_host": str(kaolack.id), "expertise_slug": kayar.slug}

