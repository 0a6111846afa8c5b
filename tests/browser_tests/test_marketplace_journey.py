"""In real Chromium: a promoter submits a listing with a document, staff ask for a change, the promoter
resubmits, a second staff member approves and publishes, a member pledges by transfer, staff mark it
received, the progress bar moves, and the member finds the pledge and its receipt."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.support import make_user

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
TITLE = "Moulin à mil du GIE Jappo"


def _log_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill("correct horse battery")
    page.get_by_role("button", name="Se connecter").click()


def test_from_listing_to_receipt(page_factory, live_server, _migrated):
    from app.db import get_engine

    engine = get_engine(_migrated["sqlite"])
    for email, role in (("awa@example.org", "promoter"), ("moussa@example.org", "staff"),
                        ("fatou@example.org", "staff"), ("kofi@example.org", "member")):
        make_user(engine, email, role=role)

    promoter = page_factory()
    _log_in(promoter, "awa@example.org")
    promoter.get_by_role("link", name="Mes projets").click()
    promoter.get_by_role("link", name="Proposer un nouveau projet").click()
    promoter.get_by_label("Titre", exact=True).fill(TITLE)
    promoter.get_by_label("Résumé", exact=True).fill("Un moulin pour quarante agricultrices de Kaffrine.")
    promoter.get_by_label("Histoire", exact=True).fill("Aujourd'hui le mil est pilé à la main.")
    promoter.get_by_label("Pays", exact=True).select_option("SN")
    promoter.get_by_label("Ville ou village").fill("Kaffrine")
    promoter.get_by_label("Secteur", exact=True).select_option("agro_processing")
    promoter.get_by_label("Nom de l'organisation").fill("GIE Jappo")
    promoter.get_by_label("Objectif de financement").fill("1000")
    promoter.get_by_label("Promesse minimale").fill("10")
    promoter.get_by_label("Durée de la campagne en jours (60 au plus)").fill("30")
    promoter.get_by_label("Utilisation des fonds").fill("Moulin ; 700\nAbri ; 300")
    promoter.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(promoter.locator("#listing-state")).to_have_text("Brouillon")
    promoter.get_by_label("Type de document").select_option("registration")
    promoter.get_by_label("Fichier (PDF, JPEG ou PNG, 10 Mo au plus)").set_input_files(
        {"name": "statuts.pdf", "mimeType": "application/pdf", "buffer": PDF})
    promoter.get_by_role("button", name="Envoyer le document").click()
    expect(promoter.get_by_role("link", name="statuts.pdf")).to_be_visible()
    promoter.get_by_role("button", name="Soumettre pour examen").click()
    expect(promoter.locator("#listing-state")).to_have_text("Soumis pour examen")
    listing_page = promoter.url

    first_staff = page_factory()
    _log_in(first_staff, "moussa@example.org")
    first_staff.goto("/staff/listings")
    first_staff.get_by_role("link", name=TITLE).click()
    first_staff.get_by_label("Commentaires pour le porteur de projet").fill("Ajoutez les statuts signés.")
    first_staff.get_by_role("button", name="Demander des modifications").click()
    expect(first_staff.locator("#listing-state")).to_have_text("Modifications demandées")

    promoter.goto(listing_page)
    expect(promoter.get_by_text("Ajoutez les statuts signés.")).to_be_visible()
    promoter.get_by_role("button", name="Soumettre à nouveau").click()
    expect(promoter.locator("#listing-state")).to_have_text("Soumis pour examen")

    second_staff = page_factory()
    _log_in(second_staff, "fatou@example.org")
    second_staff.goto("/staff/listings")
    second_staff.get_by_role("link", name=TITLE).click()
    review_page = second_staff.url
    for select in second_staff.locator("select[name^='status_']").all():
        select.select_option("pass")
    second_staff.get_by_role("button", name="Enregistrer la liste de contrôle").click()
    second_staff.get_by_role("button", name="Approuver").click()
    expect(second_staff.locator("#listing-state")).to_have_text("Approuvé")
    second_staff.get_by_role("button", name="Publier").click()
    expect(second_staff.locator("#listing-state")).to_have_text("Ouvert aux promesses")

    member = page_factory()
    _log_in(member, "kofi@example.org")
    member.get_by_role("link", name="Projets", exact=True).click()
    member.get_by_role("link", name=TITLE).click()
    project_page = member.url
    expect(member.locator("progress")).to_have_attribute("value", re.compile(r"^0(\.0+)?$"))
    member.get_by_label("Montant promis (EUR)").fill("150")
    expect(member.get_by_text("une promesse de paiement", exact=False)).to_be_visible()
    member.get_by_role("button", name="Promettre").click()
    expect(member.get_by_role("heading", name="Reçu de promesse de don")).to_be_visible()
    reference = member.locator("#pledge-reference").inner_text()
    expect(member.locator("#pledge-state")).to_have_text("Paiement attendu")

    second_staff.goto(review_page)
    second_staff.get_by_role("button", name=f"Marquer {reference} comme reçu").click()
    expect(second_staff.get_by_text(f"Le paiement {reference} est marqué comme reçu.")).to_be_visible()

    member.goto(project_page)
    expect(member.locator("progress")).to_have_attribute("value", re.compile(r"^15(\.0+)?$"))
    member.get_by_role("link", name="Mes promesses de don").click()
    expect(member.get_by_text(reference)).to_be_visible()
    member.get_by_role("link", name=f"Reçu pour {reference}").click()
    expect(member.locator("#pledge-state")).to_have_text(re.compile("^Payé"))
    expect(member.locator("#pledge-reference")).to_have_text(reference)
