"""In real Chromium: register, confirm the e-mail through the outbox, log in, switch language, log out."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.support import make_user


def test_register_verify_login_language_logout(page_factory, live_server, _migrated):
    from app.db import get_engine

    engine = get_engine(_migrated["sqlite"])
    make_user(engine, "admin@example.org", role="admin")
    member = page_factory()

    member.goto("/register")
    member.get_by_label("Votre nom").fill("Awa Diop")
    member.get_by_label("Adresse e-mail").fill("awa@example.org")
    member.get_by_label("Mot de passe").fill("un mot de passe long")
    member.get_by_role("button", name="Créer mon compte").click()
    # The same answer as for an address that has an account: a message is on its way; then log in.
    expect(member.get_by_text("Nous avons envoyé un message à awa@example.org")).to_be_visible()
    member.get_by_label("Adresse e-mail").fill("awa@example.org")
    member.get_by_label("Mot de passe").fill("un mot de passe long")
    member.get_by_role("button", name="Se connecter").click()
    member.goto("/account")
    expect(member.get_by_text("Pas encore")).to_be_visible()

    # The confirmation mail, read where an admin reads mail in development: the outbox page.
    admin = page_factory()
    admin.goto("/login")
    admin.get_by_label("Adresse e-mail").fill("admin@example.org")
    admin.get_by_label("Mot de passe").fill("correct horse battery")
    admin.get_by_role("button", name="Se connecter").click()
    admin.goto("/admin/outbox")
    mail = admin.locator("article.mail", has_text="awa@example.org").first
    link = re.search(r"http://\S+/verify\?token=\S+", mail.inner_text())
    assert link, mail.inner_text()

    member.goto(link.group(0))
    expect(member.get_by_text("votre adresse e-mail est confirmée")).to_be_visible()
    member.get_by_role("button", name="Se déconnecter").click()
    expect(member.get_by_role("link", name="Se connecter")).to_be_visible()

    member.get_by_role("link", name="Se connecter").click()
    member.get_by_label("Adresse e-mail").fill("awa@example.org")
    member.get_by_label("Mot de passe").fill("un mot de passe long")
    member.get_by_role("button", name="Se connecter").click()
    member.goto("/account")
    expect(member.get_by_text("Membre de la diaspora")).to_be_visible()

    member.get_by_role("link", name="English").click()
    expect(member.get_by_role("heading", name="My account", exact=True)).to_be_visible()
    assert member.url.endswith("/account")
    member.get_by_role("link", name="Français").click()
    expect(member.get_by_role("heading", name="Mon compte", exact=True)).to_be_visible()

    # A member is refused the staff desk; an anonymous visitor is sent to log in.
    response = member.goto("/staff/")
    assert response is not None and response.status == 403
    expect(member.get_by_role("heading", name="Accès refusé")).to_be_visible()
    member.get_by_role("button", name="Se déconnecter").click()
    member.goto("/staff/")
    assert "/login?next=/staff" in member.url
    expect(member.get_by_role("heading", name="Se connecter")).to_be_visible()
