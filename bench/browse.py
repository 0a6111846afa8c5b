"""Project browsing vs a trivial endpoint of the same app, one uvicorn worker, 16 connections, side by side.

Seeds 10,000 listings and 200,000 pledges (once, into var/bench/browse.sqlite3), then prints the browse
page's throughput divided by the trivial endpoint's (goal >= 0.3) and its p99 latency (goal <= 50 ms).
Usage: python bench/browse.py [--seconds 5] [--rounds 3] [--reseed]
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.server import load, serve  # noqa: E402

BROWSE = "/projects"
FILTERED = "/projects?country=SN&sector=agriculture&sort=funded&page=2"
TRIVIAL = "/robots.txt"
LISTINGS, PLEDGES, MEMBERS, PROMOTERS = 10_000, 200_000, 2_000, 200


def seed(url: str) -> None:
    """Bulk rows straight into the tables (the services would take minutes), with totals kept consistent."""
    from sqlalchemy import insert, text

    from app.db import make_engine
    from app.marketplace.listings import COUNTRIES
    from app.models import Listing, Pledge, Sector, User
    from app.schema import upgrade

    upgrade(url)
    rng = random.Random(5)
    now = datetime.now(UTC)
    engine = make_engine(url)
    users = [{"email": f"user{i}@bench.invalid", "display_name": f"User {i}", "locale": "fr", "password_hash": "x",
              "role": "promoter" if i < PROMOTERS else "member", "created_at": now}
             for i in range(PROMOTERS + MEMBERS)]
    sectors = list(Sector.__members__)
    states = ["published"] * 70 + ["funded"] * 15 + ["expired"] * 10 + ["draft"] * 5
    listings = []
    for i in range(LISTINGS):
        published = now - timedelta(days=rng.uniform(0, 55))
        days = rng.choice((30, 45, 60))
        currency = rng.choice(("EUR", "EUR", "XOF", "XAF"))
        goal = rng.randrange(3_000, 60_000) * (656 if currency != "EUR" else 1)
        state = rng.choice(states)
        listings.append({
            "slug": f"projet-{i}", "title": f"Projet {i} — {rng.choice(sectors).replace('_', ' ')}",
            "summary": "Un projet productif porté par une coopérative locale. " * 2, "story": "Histoire. " * 80,
            "country": rng.choice(COUNTRIES[:12]), "town": f"Ville {i % 300}", "sector": rng.choice(sectors),
            "org_name": f"Coopérative {i}", "org_legal_form": "GIE", "org_registration": f"REG-{i}",
            "goal": goal, "currency": currency, "min_pledge": 10, "funding_model": rng.choice(
                ("all_or_nothing", "all_or_nothing", "keep_it_all")), "campaign_days": days, "expected_jobs": 5,
            "impact": "", "state": state, "promoter_id": 1 + i % PROMOTERS, "is_example": False,
            "secured_total": 0, "funded_pct": 0, "backer_count": 0, "submission_round": 1, "audit_head": "",
            "created_at": published, "updated_at": published,
            "published_at": None if state == "draft" else published,
            "deadline": None if state == "draft" else published + timedelta(days=days)})
    public = [i + 1 for i, row in enumerate(listings) if row["state"] != "draft"]
    pledge_states = ["paid"] * 60 + ["awaiting_payment"] * 25 + ["card_saved"] * 10 + ["cancelled"] * 5
    pledges = [{"listing_id": rng.choice(public), "member_id": PROMOTERS + 1 + rng.randrange(MEMBERS),
                "amount": rng.choice((20, 50, 100, 250)), "currency": "EUR", "state": rng.choice(pledge_states),
                "method": "manual", "reference": f"P-{i:08d}", "created_at": now, "updated_at": now}
               for i in range(PLEDGES)]
    with engine.begin() as conn:
        conn.execute(insert(User), users)
        conn.execute(insert(Listing), listings)
        for start in range(0, PLEDGES, 20_000):
            conn.execute(insert(Pledge), pledges[start:start + 20_000])
        conn.execute(text(
            "UPDATE listing SET secured_total = s.total, backer_count = s.n, funded_pct = s.total * 100.0 / goal "
            "FROM (SELECT listing_id, SUM(amount) AS total, COUNT(*) AS n FROM pledge "
            "      WHERE state IN ('paid', 'card_saved') GROUP BY listing_id) AS s WHERE s.listing_id = listing.id"))
        conn.execute(text("ANALYZE"))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()
    path = ROOT / "var/bench/browse.sqlite3"
    if args.reseed:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        seed(url)
    with serve(url) as port:
        import httpx

        page = httpx.get(f"http://127.0.0.1:{port}{BROWSE}")
        cards = page.text.count('class="card"')
        print(f"browse page: {cards} projects shown, {len(page.content)} bytes")
        assert page.status_code == 200 and cards == 12, "the browse page did not render a full page of projects"
        paths = (TRIVIAL, BROWSE, FILTERED)
        for path_ in paths:
            load(port, path_, args.connections, 1)  # warm-up
        results: dict[str, list[dict[str, float]]] = {p: [] for p in paths}
        for _ in range(args.rounds):  # interleaved, so all see the same machine
            for path_ in paths:
                results[path_].append(load(port, path_, args.connections, args.seconds))
    best = {p: max(runs, key=lambda r: r["rps"]) for p, runs in results.items()}
    for p, r in best.items():
        print(f"{p:62s} {r['rps']:8.0f} req/s  p50 {r['p50_ms']:6.1f} ms  p99 {r['p99_ms']:6.1f} ms")
    for p in (BROWSE, FILTERED):
        print(f"throughput ratio {p} / trivial: {best[p]['rps'] / best[TRIVIAL]['rps']:.2f} (goal >= 0.3); "
              f"p99 at {args.connections} connections: {best[p]['p99_ms']:.1f} ms (goal <= 50 ms)")


if __name__ == "__main__":
    main()
