"""CSRF exemptions are anchored: only the Stripe webhook path itself goes without a token (finding 8)."""

from __future__ import annotations

from tests.support import login, make_user


def test_api_in_the_middle_of_a_staff_path_is_not_exempt(client, engine):
    make_user(engine, "staff@example.org", "staff")
    assert login(client, "staff@example.org").status_code in (302, 303)
    response = client.post("/staff/sources/api/run", follow_redirects=False)
    assert response.status_code == 403


def test_the_json_api_answers_gets_without_a_token_and_the_webhook_posts_without_one(client):
    assert client.get("/api/v1/corridors").status_code == 200
    # No Stripe keys here: the webhook answers itself (404), the CSRF middleware did not stop it first.
    response = client.post("/billing/stripe/webhook", content=b"{}", headers={"Content-Type": "application/json"})
    assert response.status_code == 404 and response.json() == {"error": "card payments are not configured"}
