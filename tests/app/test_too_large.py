"""A file larger than a form accepts (refused before the form is read: 413) is answered in the reader's language,
with a link back to the form it came from; never the raw 'Request Entity Too Large'."""

from __future__ import annotations

import pytest

from tests.marketplace.helpers import draft, person
from tests.support import csrf_from, login


@pytest.mark.parametrize(("lang", "title", "back"), [("fr", "Fichier trop volumineux", "Retour au formulaire"),
                                                    ("en", "File too large", "Back to the form")])
def test_a_document_over_the_request_limit_says_so_and_links_back(client, session, engine, settings, lang, title,
                                                                  back):  # type: ignore[no-untyped-def]
    promoter = person(session, engine, "awa@example.org", "promoter")
    listing = draft(session, settings, promoter, title="Atelier de couture")
    login(client, "awa@example.org")
    page = f"/my/listings/{listing.id}"
    client.get(f"/lang/{lang}?next=/")
    token = csrf_from(client.get(page, headers={"Accept-Language": lang}).text)
    r = client.post(f"{page}/documents", data={"kind": "budget", "_csrf_token": token},
                    headers={"Accept-Language": lang, "Referer": f"http://testserver.local{page}"},
                    files={"document": ("budget.pdf", b"%PDF-1.4\n" + b"0" * (13 * 1024 * 1024), "application/pdf")})
    assert r.status_code == 413
    assert title in r.text and "Entity" not in r.text
    assert f'<a href="{page}">{back}</a>' in r.text
    # a Referer from elsewhere gives no link back
    r = client.post(f"{page}/documents", data={"kind": "budget", "_csrf_token": token},
                    headers={"Accept-Language": lang, "Referer": "http://elsewhere.example/phish"},
                    files={"document": ("budget.pdf", b"%PDF-1.4\n" + b"0" * (13 * 1024 * 1024), "application/pdf")})
    assert r.status_code == 413 and back not in r.text and "elsewhere" not in r.text
