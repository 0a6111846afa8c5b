"""`passerelle demo load` publishes example projects in Senegal, Mali and Cameroon, marked as examples."""

from __future__ import annotations

from sqlmodel import select

from app.marketplace import audit
from app.marketplace.demo import load_examples
from app.models import Listing


def test_examples_are_published_marked_and_vetted(session, settings, client):
    assert "6 example projects" in load_examples(session, settings)
    session.commit()
    assert load_examples(session, settings) == "example projects already present"
    examples = session.exec(select(Listing)).all()
    assert {x.country for x in examples} == {"SN", "ML", "CM"}
    assert all(x.is_example and x.state == "published" and x.secured_total > 0 for x in examples)
    assert audit.verify(session) == []
    page = client.get("/projects", headers={"Accept-Language": "en"}).text
    assert page.count("Example project (demo data)") == 6
    detail = client.get(f"/projects/{examples[0].slug}", headers={"Accept-Language": "en"}).text
    assert "example project" in detail.lower()
