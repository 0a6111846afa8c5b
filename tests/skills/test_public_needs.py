"""/skills: published needs only, filtered by country, sector, occupation and remote, paged; htmx swaps
#results; a need's page is public only when published."""

from __future__ import annotations

import re

import pytest

from app.skills.browse import PAGE_SIZE, NeedQuery
from tests.skills.public_data import host, need


@pytest.fixture
def needs(session):  # type: ignore[no-untyped-def]
    kaolack = host(session)
    limbe = host(session, name="Coopérative des pêcheurs de Limbé", country="CM", town="Limbé", kind="cooperative")
    found = {
        "anaesthetist": need(session, kaolack, age_days=3),
        "accountant": need(session, limbe, title="Comptable pour cinq jours à distance", occupation="2411",
                           sector="fisheries", mode="remote", days=5, age_days=1),
        "teacher": need(session, kaolack, title="Formatrice de sages-femmes", occupation="2222", mode="either",
                        age_days=2),
        "electrician": need(session, limbe, title="Électricien solaire", occupation="7411", sector="renewable_energy",
                            age_days=4),
        "draft": need(session, kaolack, title="Brouillon jamais publié", state="draft"),
        "submitted": need(session, kaolack, title="Besoin en cours de vérification", state="submitted"),
        "closed": need(session, limbe, title="Besoin clos", state="closed"),
    }
    session.commit()
    return found


TITLES = ("Comptable pour cinq", "Formatrice de sages", "Anesthésiste pour", "Électricien solaire",
          "Brouillon jamais", "Besoin en cours", "Besoin clos")


def _titles(html: str) -> list[str]:
    """The titles found, in the order the page shows them."""
    return [t for _i, t in sorted((html.index(t), t) for t in TITLES if t in html)]


def test_only_published_needs_newest_first(client, needs):
    r = client.get("/skills")
    assert r.status_code == 200
    assert _titles(r.text) == list(TITLES[:4])
    assert "4 besoins trouvés" in r.text  # French by default
    assert "Coopérative des pêcheurs de Limbé" in r.text and "Dr Awa Ndiaye" not in r.text
    assert "2212 Médecins spécialistes" in r.text  # CITP-08 labels in French


def test_each_filter_narrows_the_list(client, needs):
    assert _titles(client.get("/skills?country=CM").text) == ["Comptable pour cinq", "Électricien solaire"]
    assert _titles(client.get("/skills?country=sn").text) == ["Formatrice de sages", "Anesthésiste pour"]
    assert _titles(client.get("/skills?sector=fisheries").text) == ["Comptable pour cinq"]
    assert _titles(client.get("/skills?occupation=2").text) == list(TITLES[:3])  # major group 2: professionals
    assert _titles(client.get("/skills?occupation=2212").text) == ["Anesthésiste pour"]
    assert _titles(client.get("/skills?occupation=7").text) == ["Électricien solaire"]
    assert _titles(client.get("/skills?occupation=9").text) == []
    assert _titles(client.get("/skills?remote=1").text) == ["Comptable pour cinq", "Formatrice de sages"]
    assert _titles(client.get("/skills?remote=1&country=SN&occupation=22").text) == ["Formatrice de sages"]
    # Nonsense falls back to the defaults rather than failing.
    for nonsense in ("country=ZZZ", "page=x", "occupation=abc", "sector=drop", "page=99999999999"):
        assert client.get(f"/skills?{nonsense}").status_code == 200, nonsense


def test_the_form_works_without_javascript_and_keeps_its_values(client, needs):
    html = client.get("/skills?country=CM&remote=1&occupation=2411").text
    form = html[html.index('<form method="get" action="/skills"'):]
    form = form[:form.index("</form>")]
    assert re.search(r'<option value="CM"\s+selected', form)
    assert re.search(r'<option value="2411"\s+selected', form)
    assert 'name="remote" value="1" checked' in form
    assert 'type="submit"' in form and 'hx-target="#results"' in form


def test_htmx_gets_only_the_results(client, needs):
    swap = client.get("/skills?country=CM", headers={"hx-request": "true", "hx-target": "results"})
    assert swap.status_code == 200 and "<html" not in swap.text and "<form" not in swap.text
    assert _titles(swap.text) == ["Comptable pour cinq", "Électricien solaire"]


def test_pages_of_twelve_with_plain_links(client, session):
    kaolack = host(session)
    for n in range(PAGE_SIZE + 3):
        need(session, kaolack, title=f"Besoin numéro {n:02d}", age_days=n)
    session.commit()
    first = client.get("/skills", headers={"accept-language": "en"}).text
    assert "Besoin numéro 00" in first and "Besoin numéro 11" in first and "Besoin numéro 12" not in first
    assert "Page 1 of 2" in first and 'href="/skills?page=2"' in first
    second = client.get("/skills?page=2").text
    assert "Besoin numéro 12" in second and "Besoin numéro 14" in second and "Besoin numéro 00" not in second
    assert 'href="/skills?page=1"' in second or 'href="/skills?"' in second
    assert "Besoin numéro 14" in client.get("/skills?page=7").text  # past the end: the last page


def test_the_cached_page_for_visitors_follows_the_data(client, session, needs):
    assert "Électricien solaire" in client.get("/skills").text
    needs["electrician"].state = "filled"
    from app.models.base import utcnow

    needs["electrician"].updated_at = utcnow()
    session.add(needs["electrician"])
    session.commit()
    client.app.state.need_cache.clear()  # the version is rechecked every second; do not wait for it
    assert "Électricien solaire" not in client.get("/skills").text


def test_a_need_page_is_public_only_when_published(client, needs):
    page = client.get(f"/skills/needs/{needs['anaesthetist'].id}", headers={"accept-language": "en"})
    assert page.status_code == 200
    assert "Anesthésiste pour trois semaines" in page.text and "Hôpital régional de Kaolack" in page.text
    assert "Former l&#39;équipe du bloc." in page.text and "anesthésie" in page.text
    assert "Lodging" in page.text and "On site" in page.text
    assert "Specialist medical practitioners" in page.text and "French, Wolof" in page.text
    assert "1 February 2027" in page.text
    assert "+221 77" not in page.text and "Dr Awa Ndiaye" not in page.text
    for hidden in ("draft", "submitted", "closed"):
        r = client.get(f"/skills/needs/{needs[hidden].id}")
        assert r.status_code == 404, hidden
        assert needs[hidden].title not in r.text
    assert client.get("/skills/needs/999999").status_code == 404
    assert client.get("/skills/needs/99999999999").status_code == 404


@pytest.mark.parametrize("query", [NeedQuery(), NeedQuery(country="SN", occupation="2", remote=True),
                                   NeedQuery(sector="health", page=2), NeedQuery(occupation="2212"),
                                   NeedQuery(occupation="9", country="CM")], ids=str)
def test_every_filter_is_served_by_an_index(session, needs, query):
    """No filter reads the whole need table: SQLite's plan searches an index; PostgreSQL, told not to scan
    sequentially (its planner scans a table this small anyway), finds an index for every query."""
    from sqlalchemy import func, select, text

    from app.models import Need
    from app.skills.browse import NEWEST, _conditions

    statements = [select(Need).where(*_conditions(query)).order_by(*NEWEST).limit(PAGE_SIZE),
                  select(func.count()).select_from(Need).where(*_conditions(query))]
    bind = session.get_bind()
    for statement in statements:
        sql = str(statement.compile(bind, compile_kwargs={"literal_binds": True}))
        if bind.dialect.name == "sqlite":
            plan = " | ".join(str(row[-1]) for row in session.execute(text("EXPLAIN QUERY PLAN " + sql)))
            assert "SCAN need" not in plan and "INDEX" in plan, plan
        else:
            session.execute(text("SET LOCAL enable_seqscan = off"))
            plan = " | ".join(str(row[0]) for row in session.execute(text("EXPLAIN " + sql)))
            assert "Seq Scan" not in plan, plan
            session.rollback()
