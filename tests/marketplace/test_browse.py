"""Browsing published projects (filters, sorting, pages, htmx swap), the project API, documents and photos."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlmodel import select

from app.marketplace import documents, pledges
from app.models import ListingDocument, PledgeMethod
from tests.marketplace.helpers import PDF, PNG, draft, person, published
from tests.support import csrf_from, login


@pytest.fixture
def catalogue(session, engine, settings):  # type: ignore[no-untyped-def]
    promoter = person(session, engine, "awa@example.org", "promoter")
    staff = person(session, engine, "moussa@example.org", "staff")
    member = person(session, engine, "kofi@example.org")
    mill = published(session, settings, promoter, staff)
    boat = published(session, settings, promoter, staff, title="Pirogue frigorifique de Kayar", country="SN",
                     sector="fisheries", funding_model="keep_it_all", campaign_days="10")
    solar = published(session, settings, promoter, staff, title="Mini-réseau solaire de Bafia", country="CM",
                      sector="renewable_energy", town="Bafia", campaign_days="50")
    draft(session, settings, promoter, title="Projet pas encore publié")
    pledge = pledges.create(session, solar, member, Decimal("400"), PledgeMethod.manual)
    pledges.mark_received(session, pledge, staff)
    session.commit()
    return {"mill": mill, "boat": boat, "solar": solar, "promoter": promoter}


def _titles(html: str, *titles: str) -> list[str]:
    return [t for t in titles if t in html]


ALL = ("Moulin à mil", "Pirogue frigorifique", "Mini-réseau solaire", "Projet pas encore")


def test_filters_sort_and_search(client, catalogue):
    assert _titles(client.get("/projects").text, *ALL) == list(ALL[:3])
    assert _titles(client.get("/projects?country=CM").text, *ALL) == ["Mini-réseau solaire"]
    assert _titles(client.get("/projects?sector=fisheries").text, *ALL) == ["Pirogue frigorifique"]
    assert _titles(client.get("/projects?model=keep_it_all").text, *ALL) == ["Pirogue frigorifique"]
    assert _titles(client.get("/projects?q=bafia").text, *ALL) == ["Mini-réseau solaire"]
    assert _titles(client.get("/projects?status=funded").text, *ALL) == []
    closing = client.get("/projects?sort=closing").text
    assert closing.index("Pirogue") < closing.index("Moulin") < closing.index("Mini-réseau")
    funded = client.get("/projects?sort=funded").text
    assert funded.index("Mini-réseau") < funded.index("Moulin")
    # With a filter the query plan changes (see search.browse): the order must not.
    filtered = client.get("/projects?country=SN&sort=closing").text
    assert filtered.index("Pirogue") < filtered.index("Moulin")
    # Nonsense values fall back to defaults rather than failing.
    assert client.get("/projects?country=ZZZ&sort=drop&page=x").status_code == 200


def test_htmx_gets_only_the_results_and_plain_links_keep_working(client, catalogue):
    full = client.get("/projects?country=SN")
    assert "<form" in full.text and 'hx-push-url="true"' in full.text
    swap = client.get("/projects?country=SN", headers={"HX-Request": "true", "HX-Target": "results"})
    assert "<html" not in swap.text and "<form" not in swap.text
    assert _titles(swap.text, *ALL) == ["Moulin à mil", "Pirogue frigorifique"]


def test_pagination_links_carry_the_filters(client, session, engine, settings, catalogue):
    staff = person(session, engine, "fatou@example.org", "staff")
    for n in range(13):
        published(session, settings, catalogue["promoter"], staff, title=f"Poulailler {n}", country="ML")
    page1 = client.get("/projects?country=ML").text
    assert "/projects?country=ML&amp;page=2" in page1 and 'hx-get="/projects?country=ML&amp;page=2"' in page1
    page2 = client.get("/projects?country=ML&page=2").text
    assert page2.count('class="card"') == 1


def test_project_page_shows_progress_and_equivalent(client, catalogue):
    html = client.get(f"/projects/{catalogue['solar'].slug}").text
    value = re.search(r'<progress max="100" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    assert Decimal(value) == Decimal("40")
    assert "FCFA" in html  # the goal in CFA francs beside the euros
    assert client.get("/projects/no-such-project").status_code == 404


def test_api_lists_published_projects_with_progress(client, catalogue):
    body = client.get("/api/v1/projects?sort=funded").json()
    assert body["total"] == 3
    first = body["items"][0]
    assert first["slug"] == catalogue["solar"].slug
    assert Decimal(first["secured_total"]) == Decimal("400") and Decimal(first["funded_pct"]) == Decimal("40")
    detail = client.get(f"/api/v1/projects/{catalogue['mill'].slug}").json()
    assert detail["budget"][0]["label"] == "Mill" and detail["state"] == "published"
    schema = client.get("/schema/openapi.json").json()
    assert "/api/v1/projects" in schema["paths"] and "/api/v1/projects/{slug}" in schema["paths"]


def test_documents_are_checked_by_content_and_private(client, session, engine, settings, catalogue):
    mill, promoter = catalogue["mill"], catalogue["promoter"]
    from app.errors import BadInput

    with pytest.raises(BadInput):
        documents.store(session, settings, mill, promoter, "budget", "budget.pdf", b"GIF89a fake pdf")
    with pytest.raises(BadInput):
        documents.store(session, settings, mill, promoter, "budget", "big.pdf",
                        PDF + b"0" * documents.MAX_BYTES)
    with pytest.raises(BadInput):
        documents.store(session, settings, mill, promoter, "photo", "photo.pdf", PDF)
    photo = documents.store(session, settings, mill, promoter, "photo", "mill.png", PNG)
    session.commit()
    stored = documents.path_of(settings, photo)
    assert stored.exists() and settings.upload_dir in stored.parents
    assert client.get(f"/projects/{mill.slug}/photos/{photo.id}").headers["content-type"] == "image/png"
    private = session.exec(select(ListingDocument).where(ListingDocument.listing_id == mill.id,
                                                         ListingDocument.kind == "registration")).first()
    assert private is not None
    assert client.get(f"/projects/{mill.slug}/photos/{private.id}").status_code == 404
    assert client.get(f"/static/../var/uploads/{private.stored_name}").status_code == 404
    login(client, "awa@example.org")
    assert client.get(f"/documents/{private.id}").content == PDF


def test_upload_through_the_page_rejects_a_disguised_file(client, session, engine, settings, catalogue):
    promoter = catalogue["promoter"]
    listing = draft(session, settings, promoter, title="Atelier de couture")
    login(client, "awa@example.org")
    page = f"/my/listings/{listing.id}"
    token = csrf_from(client.get(page).text)
    r = client.post(f"{page}/documents", data={"kind": "budget", "_csrf_token": token},
                    files={"document": ("budget.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")})
    assert r.status_code == 400 and "PDF, JPEG" in r.text.replace("PDF, JPEG et PNG", "PDF, JPEG")
    assert 'aria-invalid="true"' in r.text


def test_cached_page_carries_each_visitors_own_token_and_never_another_persons_header(client, app, catalogue):
    from litestar.testing import TestClient

    def token(html: str) -> str:
        return re.search(r'"x-csrftoken": "([^"]+)"', html).group(1)  # type: ignore[union-attr]

    first = client.get("/projects").text
    with TestClient(app, base_url="http://testserver.local") as other:
        second = other.get("/projects").text
        assert token(second) != token(first) and "\x00" not in second
        # A second visit is served from the cache with the same visitor's token.
        assert token(other.get("/projects").text) == token(second)
    login(client, "awa@example.org")
    signed_in = client.get("/projects").text
    assert 'action="/logout"' in signed_in and "Mes projets" in signed_in
