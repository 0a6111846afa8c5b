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
     "summary": "Quarante agricultrices de Kaffrine veulent décortiquer et moudre leur mil sur place au lieu "
                "de le vendre brut.",
     "story": "Le GIE Jappo réunit quarante agricultrices autour de Kaffrine. Aujourd'hui, elles pilent le mil à la "
              "main ou vendent le grain brut aux commerçants de Kaolack.\n\nUne décortiqueuse et un moulin sous un "
              "petit abri leur permettraient de vendre farine et araw aux boulangeries et aux écoles de la ville, et "
              "libéreraient quatre heures par jour pour chaque membre.",
     "impact": "40 ménages membres\nEnviron 60 tonnes de mil transformées sur place chaque année",
     "budget": "Décortiqueuse et moulin à moteur ; 11200\nAbri et dalle en béton ; 4300\n"
               "Formation et premier stock de sacs ; 2500",
     "milestones": "; Machines commandées ; 11200\n; Abri construit ; 4300\n; Première farine vendue ; 2500"},
    {"title": "Chambre froide solaire pour les mareyeuses de Kayar", "country": "SN", "town": "Kayar",
     "sector": "fisheries", "goal": "24000", "currency": "EUR", "min_pledge": "25",
     "funding_model": "all_or_nothing", "campaign_days": "60", "expected_jobs": "14",
     "org_name": "Union des femmes transformatrices de Kayar", "org_legal_form": "Association",
     "org_registration": "SN-THS-2016-A-0457",
     "summary": "Une chambre froide solaire pour que la pêche du matin ne se gâte plus avant d'être vendue.",
     "story": "Chaque matin, des tonnes de sardinelles sont débarquées à Kayar. Sans froid, les mareyeuses qui "
              "achètent et revendent le poisson doivent vendre à tout prix avant midi.\n\nUne chambre froide "
              "solaire de 20 m³ garde le poisson trois jours et leur permet de vendre à Thiès et à Dakar à un "
              "prix juste.",
     "impact": "120 mareyeuses servies\nPertes après débarquement réduites de moitié",
     "budget": "Chambre froide isolée de 20 m³ ; 13500\nPanneaux solaires et batteries ; 8000\nInstallation ; 2500",
     "milestones": "; Chambre froide livrée ; 13500\n; Installation solaire mise en service ; 10500"},
    {"title": "Périmètre maraîcher irrigué au solaire, Ségou", "country": "ML", "town": "Ségou",
     "sector": "agriculture", "goal": "9800000", "currency": "XOF", "min_pledge": "10000",
     "funding_model": "keep_it_all", "campaign_days": "40", "expected_jobs": "25",
     "org_name": "Coopérative Benkadi de Ségou", "org_legal_form": "Société coopérative",
     "org_registration": "MA-SEG-2018-0093",
     "summary": "Deux hectares de légumes irrigués par une pompe solaire, même en saison sèche.",
     "story": "La coopérative Benkadi cultive oignons et tomates près du fleuve Niger, mais seulement pendant "
              "l'hivernage. Une pompe solaire et un goutte-à-goutte donneraient une seconde récolte entre février "
              "et mai.\n\nChaque franc collecté est utilisé : le goutte-à-goutte d'abord, la pompe dès que "
              "l'argent le permet.",
     "impact": "25 emplois saisonniers\nUne seconde récolte sur 2 hectares",
     "budget": "Pompe et panneaux solaires ; 5200000\nLignes de goutte-à-goutte ; 3100000\nClôture ; 1500000",
     "milestones": ""},
    {"title": "Unité de transformation du karité, Sikasso", "country": "ML", "town": "Sikasso",
     "sector": "agro_processing", "goal": "12000", "currency": "EUR", "min_pledge": "15",
     "funding_model": "all_or_nothing", "campaign_days": "50", "expected_jobs": "12",
     "org_name": "Coopérative Yiriwa", "org_legal_form": "Société coopérative", "org_registration": "MA-SIK-2020-0211",
     "summary": "Une presse et des foyers améliorés pour transformer les amandes de karité en beurre vendu "
                "aux fabricants de cosmétiques.",
     "story": "Dans les villages autour de Sikasso, les femmes ramassent les amandes de karité et les vendent sans "
              "les transformer. Une presse motorisée et des foyers améliorés triplent ce que rapporte un kilo "
              "d'amandes, avec bien moins de bois de chauffe.",
     "impact": "80 collectrices\nBois de chauffe réduit de 40 %",
     "budget": "Presse motorisée ; 7400\nFoyers améliorés ; 2600\nEmballage et certification ; 2000",
     "milestones": ""},
    {"title": "Mini-réseau solaire pour le centre de santé de Bafia", "country": "CM", "town": "Bafia",
     "sector": "health", "goal": "15000000", "currency": "XAF", "min_pledge": "10000",
     "funding_model": "keep_it_all", "campaign_days": "45", "expected_jobs": "3",
     "org_name": "Comité de gestion du CSI de Bafia", "org_legal_form": "Association",
     "org_registration": "CM-CE-2015-1187",
     "summary": "Une électricité fiable pour la maternité, le réfrigérateur à vaccins et les accouchements de nuit.",
     "story": "Le centre de santé intégré de Bafia perd le courant plusieurs heures par jour. Les accouchements de "
              "nuit se font à la lampe torche et les vaccins sont menacés.\n\nUn mini-réseau solaire de 12 kWc "
              "avec batteries fait tourner la maternité, le laboratoire et le réfrigérateur à vaccins jour et "
              "nuit.",
     "impact": "Environ 900 naissances par an\nChaîne du froid des vaccins assurée",
     "budget": "Panneaux solaires 12 kWc ; 7800000\nBatteries et onduleur ; 5700000\nCâblage et installation ; 1500000",
     "milestones": ""},
    {"title": "Fumoirs améliorés pour les pêcheuses de Limbé", "country": "CM", "town": "Limbé",
     "sector": "fisheries", "goal": "6500", "currency": "EUR", "min_pledge": "10",
     "funding_model": "all_or_nothing", "campaign_days": "30", "expected_jobs": "20",
     "org_name": "Limbe Women Fish Smokers CIG", "org_legal_form": "Common Initiative Group",
     "org_registration": "CM-SW-CIG-2017-0342",
     "summary": "Des fours de fumage améliorés : un meilleur poisson, moins de fumée respirée, moitié moins de bois.",
     "story": "À Limbé, le poisson est fumé sur des feux ouverts qui enfument les hangars. Des fours améliorés "
              "divisent par deux le bois nécessaire et donnent un poisson qui se conserve et se vend mieux.",
     "impact": "20 fumeuses de poisson\nConsommation de bois divisée par deux",
     "budget": "Dix fours améliorés ; 5200\nAération du hangar ; 1300", "milestones": ""},
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
                                                       sector="agriculture", goal=Decimal(0), min_pledge=Decimal(0)),
                                      form)
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
        # Marked last: an example project takes no pledge but these, which show what progress looks like.
        listing.is_example = True
        session.add(listing)
        session.flush()
    return f"{len(EXAMPLES)} example projects published"


@demo_loader("marketplace")
def load(session: Session) -> str:
    return load_examples(session, get_settings())
