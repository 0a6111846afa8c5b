"""Issue 10, finding 12: the OpenAPI schema is the JSON API — its paths, its statuses, its error body, its formats."""

from __future__ import annotations

import json
from datetime import datetime

from app.demo import load_demo


def _schema(client) -> dict:  # type: ignore[no-untyped-def]
    return client.get("/schema/openapi.json").json()


def test_the_schema_lists_the_json_api_and_nothing_else(client) -> None:  # type: ignore[no-untyped-def]
    paths = set(_schema(client)["paths"])
    assert paths == {"/api/v1/corridors", "/api/v1/corridors/{code}/stats", "/api/v1/corridors/{code}/history",
                     "/api/v1/compare", "/api/v1/projects", "/api/v1/projects/{slug}",
                     "/api/v1/needs", "/api/v1/needs/{need_id}"}


def test_every_operation_documents_the_error_body_it_sends(client) -> None:  # type: ignore[no-untyped-def]
    schema = _schema(client)
    text = json.dumps(schema)
    assert "status_code" not in text and '"detail"' not in text, "Litestar's default error body is not ours"
    error = schema["components"]["schemas"]["ErrorBody"]
    assert set(error["properties"]) == {"status", "error", "field"} and set(error["required"]) == {"status", "error"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "201" not in responses, (method, path)
            assert {"200", "400", "500"} <= set(responses), (path, sorted(responses))
            if "{" in path or path == "/api/v1/compare":
                assert "404" in responses, path
            for status in ("400", "404", "500"):
                if status in responses:
                    ref = responses[status]["content"]["application/json"]["schema"]["$ref"]
                    assert ref.endswith("/ErrorBody"), (path, status)


def test_times_carry_their_offset_and_decimals_are_plain(client, engine) -> None:  # type: ignore[no-untyped-def]
    load_demo(engine=engine)
    schema = _schema(client)["components"]["schemas"]
    assert "date-time" in json.dumps(schema["ProjectSummary"]["properties"]["published_at"])
    projects = client.get("/api/v1/projects?status=all").json()["items"]
    assert projects
    for project in projects:
        if project["published_at"]:
            assert datetime.fromisoformat(project["published_at"]).utcoffset() is not None, project["published_at"]
        for key in ("goal", "secured_total", "funded_pct"):
            assert isinstance(project[key], str) and "E" not in project[key] and "e" not in project[key], project
    detail = client.get(f"/api/v1/projects/{projects[0]['slug']}").json()
    assert all("E" not in item["amount"] for item in detail["budget"]) and "E" not in detail["min_pledge"]
    offers = client.get("/api/v1/compare?from=FR&to=SN&amount=200").json()["offers"]
    assert offers and all(datetime.fromisoformat(o["observed_at"]).utcoffset() is not None for o in offers)


def test_litestar_refusals_are_translated_and_name_the_field(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/api/v1/projects?page=deux", headers={"accept-language": "fr"})
    assert r.status_code == 400 and r.json() == {"status": 400, "field": "page",
                                                 "error": "page doit être un nombre entier, par exemple 2."}
    r = client.get("/api/v1/projects?page=0", headers={"accept-language": "en"})
    assert r.json() == {"status": 400, "field": "page", "error": "page must be at least 1."}
    r = client.get("/api/v1/compare?to=SN", headers={"accept-language": "fr"})
    assert r.json() == {"status": 400, "field": "from", "error": "from est obligatoire."}


def test_an_undeclared_method_is_405_with_allow(client) -> None:  # type: ignore[no-untyped-def]
    r = client.request("TRACE", "/api/v1/corridors")
    assert r.status_code == 405 and "GET" in r.headers["allow"]
