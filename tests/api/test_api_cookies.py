"""The JSON API sets no cookie: it has no form to protect, so it is outside the CSRF middleware (app.main.CSRF_EXEMPT),
which would otherwise sign and set a csrftoken cookie on every answer (an open-data answer with a Set-Cookie is also
one a shared cache will not keep). The exemption is safe because every /api/v1 operation is a read."""

from __future__ import annotations

from app.demo import load_demo


def test_api_answers_set_no_cookie_and_pages_still_do(client, engine) -> None:  # type: ignore[no-untyped-def]
    load_demo(engine=engine)
    for path in ("/api/v1/corridors", "/api/v1/compare?from=FR&to=SN&amount=200",
                 "/api/v1/compare?from=FR&to=SN&amount=abc", "/api/v1/corridors/FR-SN/stats", "/api/v1/projects",
                 "/api/v1/needs", "/api/v1/compare.csv?from=FR&to=SN&amount=200"):
        response = client.get(path)
        assert response.status_code in (200, 400), (path, response.status_code)
        assert "set-cookie" not in response.headers, path
    assert "csrftoken=" in client.get("/").headers.get("set-cookie", "")


def test_every_api_operation_is_a_read(app) -> None:  # type: ignore[no-untyped-def]
    api = [route for route in app.routes if route.path.startswith("/api/")]
    assert len(api) >= 8
    for route in api:  # a write under /api/v1 would need the CSRF check back (take it out of CSRF_EXEMPT)
        assert set(route.methods) <= {"GET", "HEAD", "OPTIONS"}, (route.path, route.methods)
