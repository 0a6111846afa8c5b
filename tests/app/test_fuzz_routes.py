"""Issue 10, done-when 3: a fuzz test over EVERY route of the app finds no 5xx.

The routes are walked from `app.routes` (a route added tomorrow is fuzzed too), served on loopback with the
demo data and rows owned by the people below (listings, a pledge; a host's need, a listing's need, profiles,
an offer and an invitation). Hypothesis picks a person (anonymous, member, promoter, host, staff, admin, each
signed in with a valid CSRF token), a route and method, path parameters (real ids and slugs,
ids beyond 64 bits, "²", long or hostile text), a query string and a form of odd values (names taken from
the templates' form fields); every answer must be below 500, within a per-request timeout.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar.routes import HTTPRoute
from sqlmodel import Session, select

from app.demo import load_demo
from app.main import create_app
from app.models import Host, Listing, ListingDocument, Mission, Need, PledgeMethod, SkillProfile
from app.settings import Settings
from app.skills import missions
from tests.browser import serve
from tests.marketplace.helpers import person, published
from tests.skills.helpers import host_account, published_need
from tests.skills.mission_helpers import profile
from tests.support import csrf_from, login

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "300"))
SEARCH = os.environ.get("FUZZ_SEARCH") == "1"  # a fresh random search instead of the reproducible one
REQUEST_TIMEOUT = 20.0  # seconds: a request that takes longer has stalled, and fails the test
ROLES = ("anonymous", "member", "promoter", "host", "staff", "admin")
# Left out: they end the person's own session or account, so the rest of the run would be anonymous;
# and the staff's "run this collector now", which reaches the sources over the network. Each has tests of its own.
SKIPPED = {("POST", "/logout"), ("POST", "/account/delete"), ("POST", "/account/sign-out-everywhere"),
           ("POST", "/account/password"), ("POST", "/staff/sources/{source:str}/run")}
PARAM = re.compile(r"\{(\w+):(\w+)\}")
ODD = ["", " ", "0", "-1", "1", "2", "²", "³", "٣", "1e308", "1E+20", "NaN", "Infinity", "9" * 40,
       "9223372036854775808", "-9223372036854775809", "0." + "0" * 3000 + "1", "1e-999999", "abc", "true",
       "<script>alert(1)</script>", "' OR 1=1 --", "\x00", "é", "1 234,56", "12,5", "2026-13-45", "2026-02-30",
       "../../etc/passwd", "%00", "x" * 5000, "FR-SN", "FR", "SN", "EUR", "XOF", "approve", "reject", "all",
       "dead", "csv", "2025Q3", "received", "bank_transfer", "mobile_money", "stripe", "https://evil.example/",
       "//evil.example", "\u202egnp.exe"]
QUERY_NAMES = ["occupation", "origin", "residence", "group", "remote", "state",
               "page", "amount", "from", "to", "receive", "currency", "payout", "payin", "sort", "q", "status",
               "country", "sector", "model", "next", "show", "token", "code", "period", "amount_usd", "format",
               "email", "lang", "snapshot", "milestone_id", "mode"]


def _form_names() -> list[str]:
    names = {m for path in (ROOT / "templates").rglob("*.html")
             for m in re.findall(r'name="([a-zA-Z_][\w\[\]]*)"', path.read_text())}
    return sorted(names - {"_csrf_token"})


@pytest.fixture
def site(db_url: str, engine, session: Session, tmp_path: Path) -> Iterator[dict[str, Any]]:
    settings_ = Settings(database_url=db_url, scheduler_enabled=False, passerelle_env="test",
                         upload_dir=tmp_path / "uploads")
    load_demo(engine=engine)
    people = {role: person(session, engine, f"{role}@example.org", role) for role in ROLES[1:] if role != "host"}
    people["host"], host = host_account(session, engine, "host@example.org", "approved", people["staff"])
    live = published(session, settings_, people["promoter"], people["staff"], title="Ruches de Sikasso")
    from app.marketplace import pledges

    pledge = pledges.create(session, live, people["member"], Decimal("40"), PledgeMethod.bank_transfer,
                            settings=settings_)
    session.commit()
    # the skills side: a published need of the host, one of the promoter's listing, the member's profile and offer,
    # an invitation of the admin's profile (ids of every kind are then real ones for some person, not for others)
    need = published_need(session, people["host"], people["staff"], host)
    published_need(session, people["promoter"], people["staff"], listing_id=live.id,
                   title="Comptable pour la coopérative")
    offer = missions.offer(session, need, people["member"], profile(session, people["member"]), "Disponible en mars.")
    missions.invite(session, need, profile(session, people["admin"]), people["staff"])
    session.commit()
    ids = {v for model in (Listing, ListingDocument, Need, Host, SkillProfile, Mission)
           for v in session.exec(select(model.id)).all() if v} | {pledge.id or 1, offer.id or 1}  # type: ignore[attr-defined]
    slugs = list(session.exec(select(Listing.slug)).all())
    app = create_app(settings_)
    with serve(app) as base_url:
        app.state.settings = settings_.model_copy(update={"site_url": base_url})
        clients: dict[str, tuple[httpx.Client, str]] = {}
        for role in ROLES:
            client = httpx.Client(base_url=base_url, timeout=REQUEST_TIMEOUT, follow_redirects=False)
            if role != "anonymous":
                answer = login(client, f"{role}@example.org")
                assert answer.status_code in (302, 303), (role, answer.status_code)
            clients[role] = (client, csrf_from(client.get("/login").text)
                             if role == "anonymous" else _token(client))
        routes = sorted({(method, route.path) for route in app.routes if isinstance(route, HTTPRoute)
                         for method in route.methods if method in ("GET", "POST")} - SKIPPED)
        yield {"clients": clients, "routes": routes, "ids": sorted(ids), "slugs": slugs}
        for client, _csrf in clients.values():
            client.close()


def _token(client: httpx.Client) -> str:
    # Any page with a form carries the token of this person's CSRF cookie; the account page has several.
    return csrf_from(client.get("/account").text)


def _values(ids: list[int], slugs: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(ODD), st.text(max_size=24), st.sampled_from([str(i) for i in ids]),
                     st.sampled_from(slugs), st.integers(-(2**70), 2**70).map(str))


def _fill(path: str, draw: st.DrawFn, values: st.SearchStrategy[str], ids: list[int]) -> str:
    def one(match: re.Match[str]) -> str:
        kind = match.group(2)
        if kind == "int":
            edges = [0, 1, 2**31 - 1, 2**31, 2**63 - 1, 2**63]
            return str(draw(st.one_of(st.integers(-(2**70), 2**70), st.sampled_from(edges), st.sampled_from(ids))))
        return quote(draw(values), safe="")
    return PARAM.sub(one, path)


def test_no_route_answers_a_5xx_to_anyone(site: dict[str, Any]) -> None:
    routes, clients = site["routes"], site["clients"]
    assert len(routes) > 50, "the walk found the app's routes"
    values = _values(site["ids"], site["slugs"])
    fields = _form_names()
    failures: list[str] = []
    seen: dict[int, int] = {}

    @st.composite
    def requests(draw: st.DrawFn) -> dict[str, Any]:
        method, path = draw(st.sampled_from(routes))
        query = draw(st.dictionaries(st.sampled_from(QUERY_NAMES), values, max_size=4))
        form = draw(st.dictionaries(st.sampled_from(fields), values, max_size=8)) if method == "POST" else {}
        upload = method == "POST" and draw(st.booleans()) and draw(st.booleans())
        return {"role": draw(st.sampled_from(ROLES)), "method": method, "url": _fill(path, draw, values, site["ids"]),
                "query": query, "form": form, "upload": upload, "route": path}

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=not SEARCH,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(requests())
    def fuzz(request: dict[str, Any]) -> None:
        client, token = clients[request["role"]]
        form = {**request["form"], "_csrf_token": token} if request["method"] == "POST" else None
        files = {"file": ("poly.pdf", b"%PDF-1.4\n<html><script>", "application/pdf")} if request["upload"] else None
        try:
            answer = client.request(request["method"], request["url"], params=request["query"], data=form,
                                    files=files, headers={"x-csrftoken": token})
        except httpx.TimeoutException:
            failures.append(f"timeout: {request}")
            print("timed out:", request)
            raise
        seen[answer.status_code] = seen.get(answer.status_code, 0) + 1
        if answer.status_code >= 500:
            failures.append(f"{answer.status_code}: {request}")
        assert answer.status_code < 500, (answer.status_code, request, answer.text[:300])

    fuzz()
    assert not failures
    print("statuses seen:", dict(sorted(seen.items())))
    assert {200, 302} <= set(seen) and len(set(seen)) >= 4, seen  # handlers were reached, not only refusals
