"""Example projects for `passerelle demo load`: published through the real vetting workflow, marked as examples."""

from __future__ import annotations

import secrets
from decimal import Decimal

from sqlmodel import Session, select

from app.accounts.service import create_user
from app.demo import demo_loader
from app.marketplace import checklist, documents, listings, pledges, vetting
from app.models import ChecklistStatus, Listing, PledgeMethod, User
from app.settings import Settings, get_settings

# A one-page PDF standing in for the registration certificate each example was vetted with.
EXAMPLE_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\n"
               b"trailer<</Root 1 0 R>>\n%%EOF\n")

EXAMPLES: list[dict[str, str]] = [
    {"title": "Décortiqueuse et moulin à mil du GIE Jappo, Kaffrine", "country": "SN", "town": "Kaffrine",
     "sector": "agro_processing", "goal": "18000", "currency": "EUR", "min_pledge": "20",
     "funding_model": "all_or_nothing", "campaign_days": "45", "expected_jobs": "9",
     "org_name": "GIE Jappo", "org_legal_form": "GIE", "org_registration": "SN-KAF-2019-B-112",
     "summary": "Forty women of Kaffrine want to hull and grind their millet locally instead of selling it raw.",
     "story": "The GIE Jappo gathers forty women farmers around Kaffrine. Today they pound millet by hand or sell "
              "the grain raw to traders from Kaolack.\n\nA huller and a mill in a small shelter would let them sell "
              "flour and arraw to the town's bakeries and schools, and free four hours a day for each member.",
     "impact": "40 member households\nAbout 60 tonnes of millet processed locally each year",
     "budget": "Huller and mill with diesel-electric motor ; 11200\nShelter and concrete floor ; 4300\n"
               "Training and first stock of bags ; 2500",
     "milestones": "; Machines ordered ; 11200\n; Shelter built ; 4300\n; First flour sold ; 2500"},
    {"title": "Chambre froide solaire pour les mareyeuses de Kayar", "country": "SN", "town": "Kayar",
     "sector": "fisheries", "goal": "24000", "currency": "EUR", "min_pledge": "25",
     "funding_model": "all_or_nothing", "campaign_days": "60", "expected_jobs": "14",
     "org_name": "Union des femmes transformatrices de Kayar", "org_legal_form": "Association",
     "org_registration": "SN-THS-2016-A-0457",
     "summary": "A solar-powered cold room so that the morning catch no longer spoils before it is sold.",
     "story": "Kayar lands tonnes of sardinella every morning. Without cold storage, the women who buy and resell "
              "the fish must sell at any price before noon.\n\nA 20 m³ solar cold room keeps the fish for three "
              "days and lets them sell in Thiès and Dakar at fair prices.",
     "impact": "120 fish traders served\nLosses after landing cut by half",
     "budget": "Insulated cold room 20 m³ ; 13500\nSolar panels and batteries ; 8000\nInstallation ; 2500",
     "milestones": "; Cold room delivered ; 13500\n; Solar system commissioned ; 10500"},
    {"title": "Périmètre maraîcher irrigué au solaire, Ségou", "country": "ML", "town": "Ségou",
     "sector": "agriculture", "goal": "9800000", "currency": "XOF", "min_pledge": "10000",
     "funding_model": "keep_it_all", "campaign_days": "40", "expected_jobs": "25",
     "org_name": "Coopérative Benkadi de Ségou", "org_legal_form": "Société coopérative",
     "org_registration": "MA-SEG-2018-0093",
     "summary": "Two hectares of vegetables watered by a solar pump, through the dry season.",
     "story": "The Benkadi cooperative grows onions and tomatoes near the Niger river, but only during the rains. "
              "A solar pump and drip lines would give a second harvest between February and May.\n\nEvery franc "
              "raised is used: the drip lines are installed first, the pump as soon as the money allows.",
     "impact": "25 seasonal jobs\nA second harvest on 2 hectares",
     "budget": "Solar pump and panels ; 5200000\nDrip irrigation lines ; 3100000\nFencing ; 1500000",
     "milestones": ""},
    {"title": "Unité de transformation du karité, Sikasso", "country": "ML", "town": "Sikasso",
     "sector": "agro_processing", "goal": "12000", "currency": "EUR", "min_pledge": "15",
     "funding_model": "all_or_nothing", "campaign_days": "50", "expected_jobs": "12",
     "org_name": "Coopérative Yiriwa", "org_legal_form": "Société coopérative", "org_registration": "MA-SIK-2020-0211",
     "summary": "A press and improved cookers to turn shea nuts into butter sold to cosmetics buyers.",
     "story": "Women in the villages around Sikasso collect shea nuts and sell them unprocessed. A motorised press "
              "and improved cookers triple what a kilogram of nuts earns, and need far less firewood.",
     "impact": "80 women collectors\nFirewood use cut by 40 %",
     "budget": "Motorised press ; 7400\nImproved cookers ; 2600\nPackaging and certification ; 2000",
     "milestones": ""},
    {"title": "Mini-réseau solaire pour le centre de santé de Bafia", "country": "CM", "town": "Bafia",
     "sector": "health", "goal": "15000000", "currency": "XAF", "min_pledge": "10000",
     "funding_model": "keep_it_all", "campaign_days": "45", "expected_jobs": "3",
     "org_name": "Comité de gestion du CSI de Bafia", "org_legal_form": "Association",
     "org_registration": "CM-CE-2015-1187",
     "summary": "Reliable power for the maternity ward, the vaccine fridge and night-time deliveries.",
     "story": "The integrated health centre of Bafia loses power several hours a day. Deliveries at night happen "
              "by torchlight and vaccines are at risk.\n\nA 12 kWp solar mini-grid with batteries keeps the "
              "maternity ward, the laboratory and the vaccine fridge running day and night.",
     "impact": "About 900 births a year\nVaccine cold chain secured",
     "budget": "Solar panels 12 kWp ; 7800000\nBatteries and inverter ; 5700000\nWiring and installation ; 1500000",
     "milestones": ""},
    {"title": "Fumoirs améliorés pour les pêcheuses de Limbé", "country": "CM", "town": "Limbé",
     "sector": "fisheries", "goal": "6500", "currency": "EUR", "min_pledge": "10",
     "funding_model": "all_or_nothing", "campaign_days": "30", "expected_jobs": "20",
     "org_name": "Limbe Women Fish Smokers CIG", "org_legal_form": "Common Initiative Group",
     "org_registration": "CM-SW-CIG-2017-0342",
     "summary": "Improved smoking ovens: better fish, less smoke in the women's lungs, half the wood.",
     "story": "Fish smoking in Limbé is done over open fires that fill the sheds with smoke. Improved ovens halve "
              "the wood needed and produce fish that keeps longer and sells better.",
     "impact": "20 women smokers\nWood use halved",
     "budget": "Ten improved ovens ; 5200\nShed ventilation ; 1300", "milestones": ""},
]


def _account(session: Session, email: str, role: str, name: str) -> User:
    user = session.exec(select(User).where(User.email == email)).first()
    if user is None:
        # Nobody logs in as these accounts: the password is random and never shown.
        user = create_user(session, email, secrets.token_urlsafe(24), role=role, display_name=name, verified=True)
    return user


def load_examples(session: Session, settings: Settings) -> str:
    if session.exec(select(Listing).where(Listing.is_example)).first() is not None:
        return "example projects already present"
    promoter = _account(session, "promoteur.exemple@passerelle.invalid", "promoter", "Promoteur (exemple)")
    staff = _account(session, "equipe.exemple@passerelle.invalid", "staff", "Équipe programme (exemple)")
    backer = _account(session, "donateur.exemple@passerelle.invalid", "member", "Membre de la diaspora (exemple)")
    for number, example in enumerate(EXAMPLES):
        form = listings.read_form(example)
        assert not form.errors, form.errors
        assert promoter.id is not None
        listing = listings.apply_form(session, Listing(promoter_id=promoter.id, slug="", title="", country="SN",
                                                       sector="agriculture", goal=Decimal(0), min_pledge=Decimal(0),
                                                       is_example=True), form)
        documents.store(session, settings, listing, promoter, "registration", "registration-example.pdf", EXAMPLE_PDF)
        vetting.submit(session, listing, promoter)
        for item in checklist.items_for(session, listing):
            item.status, item.note = ChecklistStatus.passed.value, "Example project: demo data."
        vetting.approve(session, listing, staff, settings)
        if listing.state != "approved":  # a large goal: a second member of the example team approves
            vetting.approve(session, listing, _account(session, "equipe2.exemple@passerelle.invalid", "staff",
                                                       "Équipe programme (exemple)"), settings)
        vetting.publish(session, listing, staff)
        # A little progress, so the bars show what a campaign looks like.
        for share in (Decimal("0.12"), Decimal("0.07"))[: 1 + number % 2]:
            amount = max(listing.min_pledge, (listing.goal * share).quantize(Decimal(1)))
            pledge = pledges.create(session, listing, backer, amount, PledgeMethod.manual)
            pledges.mark_received(session, pledge, staff)
    return f"{len(EXAMPLES)} example projects published"


@demo_loader("marketplace")
def load(session: Session) -> str:
    return load_examples(session, get_settings())
