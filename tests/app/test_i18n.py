"""French and English: the switch, Accept-Language, French by default, locale formats, error pages."""

from __future__ import annotations

from decimal import Decimal

from app.i18n import fmt_money, negotiate


def test_french_by_default_and_english_from_accept_language(client):
    assert '<html lang="fr">' in client.get("/").text
    assert "Comparer" in client.get("/").text
    r = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert '<html lang="en">' in r.text and "Compare" in r.text


def test_switch_wins_over_accept_language_and_returns_to_the_page(client):
    r = client.get("/lang/en?next=/login", headers={"Accept-Language": "fr"}, follow_redirects=False)
    assert r.headers["location"] == "/login"
    assert '<html lang="en">' in client.get("/login", headers={"Accept-Language": "fr"}).text
    client.get("/lang/fr?next=https://evil.example/")
    assert '<html lang="fr">' in client.get("/", headers={"Accept-Language": "en"}).text


def test_negotiation():
    assert negotiate(None) == "fr"
    assert negotiate("de-DE,de;q=0.9") == "fr"
    assert negotiate("de, en;q=0.7, fr;q=0.5") == "en"
    assert negotiate("en;q=0, fr") == "fr"


def test_money_formats_follow_the_locale():
    nnbsp, nbsp = "\u202f", "\u00a0"
    assert fmt_money(Decimal("1234.56"), "EUR", "fr") == f"1{nnbsp}234,56{nbsp}€"
    assert fmt_money(Decimal("1234.56"), "EUR", "en") == "€1,234.56"
    assert fmt_money(Decimal("65596"), "XOF", "fr") == f"65{nnbsp}596{nbsp}FCFA"
    assert fmt_money(Decimal("65596"), "XAF", "en") == f"65,596{nbsp}FCFA"


def test_error_pages_in_both_languages(client):
    fr = client.get("/no-such-page")
    assert fr.status_code == 404 and "Page introuvable" in fr.text
    en = client.get("/no-such-page", headers={"Accept-Language": "en"})
    assert en.status_code == 404 and "Page not found" in en.text
    assert "We could not find this page" in en.text and "introuvable" not in en.text.lower()
    assert "Nous n" in fr.text or "introuvable" in fr.text
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api.json()["status"] == 404


def test_every_template_string_has_a_french_translation():
    from app.i18n import catalog
    from tests.messages import msgid, template_messages

    french = catalog("fr")

    def translated(message) -> bool:  # type: ignore[no-untyped-def]
        entry = french.get(msgid(message))
        if entry is None:
            return False
        if isinstance(message, str):
            return isinstance(entry.string, str) and bool(entry.string)
        # A plural message needs a plural entry with every French form (nplurals of the catalogue).
        return (entry.pluralizable and entry.id == message and len(entry.string) == french.num_plurals
                and all(entry.string))

    missing = [m for m in template_messages() if not translated(m)]
    assert not missing, f"untranslated: {missing[:10]}"


def test_plural_forms_in_both_languages():
    from app.i18n import current_locale, ngettext

    rows = ("Save the %(num)s valid row", "Save the %(num)s valid rows")
    for locale, one, many in (("fr", "Enregistrer la 1 ligne valide", "Enregistrer les 3 lignes valides"),
                              ("en", "Save the 1 valid row", "Save the 3 valid rows")):
        token = current_locale.set(locale)
        try:
            assert ngettext(*rows, 1) == one and ngettext(*rows, 3) == many
        finally:
            current_locale.reset(token)


def test_the_extractor_sees_plural_messages():
    from tests.messages import template_messages

    assert ("Save the %(num)s valid row", "Save the %(num)s valid rows") in template_messages()
