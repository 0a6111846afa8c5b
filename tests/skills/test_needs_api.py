"""GET /api/v1/needs and /api/v1/needs/{id}: published needs only, the API's conventions, no personal data."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from app.models import Host, SkillProfile, User
from tests.skills.public_data import host, need, profile


@pytest.fixture
def needs(session):  # type: ignore[no-untyped-def]
    kaolack = host(session)
    limbe = host(session, name="Coopérative des pêcheurs de Limbé", country="CM", town="Limbé", kind="cooperative")
    found = {
        "anaesthetist": need(session, kaolack, age_days=2),
        "accountant": need(session, limbe, title="Comptable à distance", occupation="2411", sector="fisheries",
                           mode="remote", days=5, age_days=1),
        "draft": need(session, kaolack, title="Brouillon", state="draft"),
        "suspended": need(session, kaolack, title="Suspendu", state="suspended"),
    }
    # Members with skill profiles: nothing of theirs may reach the API.
    profile(session, "SN", "FR", "2212", name="Mamadou Sarr")
    session.commit()
    return found


def test_lists_published_needs_with_plain_values(client, needs):
    body = client.get("/api/v1/needs").json()
    assert body["total"] == 2 and body["page"] == 1 and body["pages"] == 1
    first, second = body["items"]
    assert first["title"] == "Comptable à distance" and second["title"] == "Anesthésiste pour trois semaines"
    assert second["skills"] == ["anesthésie", "réanimation"] and second["languages"] == ["fr", "wo"]
    assert second["provides"] == ["lodging", "transport"] and second["starts_on"] == "2027-02-01"
    assert second["organisation"] == {"kind": "host", "name": "Hôpital régional de Kaolack", "country": "SN",
                                      "town": "Kaolack", "url": f"/skills/hosts/{needs['anaesthetist'].host_id}"}
    assert second["url"] == f"/skills/needs/{needs['anaesthetist'].id}"
    assert second["published_at"].endswith(("+00:00", "Z"))


def test_filters_as_the_page_has_them(client, needs):
    def titles(query: str) -> list[str]:
        return [x["title"] for x in client.get(f"/api/v1/needs?{query}").json()["items"]]

    assert titles("country=cm") == ["Comptable à distance"]
    assert titles("sector=health") == ["Anesthésiste pour trois semaines"]
    assert titles("occupation=2") == ["Comptable à distance", "Anesthésiste pour trois semaines"]
    assert titles("occupation=2411") == ["Comptable à distance"]
    assert titles("remote=true") == ["Comptable à distance"]
    assert titles("remote=false") == ["Comptable à distance", "Anesthésiste pour trois semaines"]
    assert titles("page=3") == ["Comptable à distance", "Anesthésiste pour trois semaines"]  # the last page


def test_one_need_and_404_for_the_rest(client, needs):
    body = client.get(f"/api/v1/needs/{needs['anaesthetist'].id}").json()
    assert body["description"].startswith("Former l'équipe") and body["days_wanted"] == 15
    for hidden in ("draft", "suspended"):
        r = client.get(f"/api/v1/needs/{needs[hidden].id}", headers={"accept-language": "en"})
        assert r.status_code == 404 and r.json()["status"] == 404 and "need" in r.json()["error"]
    assert client.get("/api/v1/needs/2147483647").status_code == 404


def test_refusals_name_the_field_in_the_callers_language(client, needs):
    r = client.get("/api/v1/needs?occupation=22", headers={"accept-language": "fr"})
    assert r.status_code == 400 and r.json()["field"] == "occupation"
    assert "grand groupe" in r.json()["error"]
    r = client.get("/api/v1/needs?country=SEN", headers={"accept-language": "en"})
    assert r.json() == {"status": 400, "field": "country", "error": "The country is two letters, such as SN."}
    assert client.get("/api/v1/needs?remote=yes").json()["field"] == "remote"
    assert client.get("/api/v1/needs?sector=oil").json()["field"] == "sector"
    assert client.get("/api/v1/needs?page=0").json()["field"] == "page"
    assert client.get("/api/v1/needs/0").status_code == 400


def test_no_personal_data_in_any_answer(client, session, needs):
    texts = [client.get("/api/v1/needs").text] + [client.get(f"/api/v1/needs/{n.id}").text for n in needs.values()]
    people = session.exec(select(User)).all()
    assert people
    for text in texts:
        for user in people:
            assert user.email not in text
            if user.display_name:
                assert user.display_name not in text
        for institution in session.exec(select(Host)).all():
            assert institution.phone not in text and institution.website not in text
        for found in session.exec(select(SkillProfile)).all():
            assert found.summary not in text and found.job_title not in text
        body = json.loads(text)
        items = body.get("items", [body])
        for item in items:
            assert not {"posted_by", "email", "user_id", "phone", "host_id", "member", "profile"} & set(item)


def test_the_schema_documents_both_operations(client):
    schema = client.get("/schema/openapi.json").json()
    assert {"/api/v1/needs", "/api/v1/needs/{need_id}"} <= set(schema["paths"])
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/needs"]["get"]["parameters"]}
    assert parameters["occupation"]["schema"]["pattern"] == "^[0-9](?:[0-9]{3})?$"
    assert set(parameters["remote"]["schema"]["enum"]) == {"true", "false"}
    properties = schema["components"]["schemas"]["NeedSummary"]["properties"]
    assert "email" not in json.dumps(properties) and "posted_by" not in properties
