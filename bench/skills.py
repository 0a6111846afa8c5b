"""Skills for home at scale: the staff's match page and /skills with filters vs a trivial endpoint of the same
app, one uvicorn worker, 16 connections, side by side in one run, on SQLite and PostgreSQL.

Builds 50,000 skill profiles (with their full-text rows, through app.skills.fulltext) and 2,000 needs of 200
approved host institutions, once per backend (var/bench/skills.sqlite3; database passerelle_bench_skills), then
prints req/s, p50, p99 and the ratio to the trivial endpoint. Goal: p99 <= 50 ms and >= 0.3 x trivial.
The staff match page is cached (app.skills.match_cache): the "staff matches" rows ask one address again and again,
cache hits; the "miss" rows send a different need (and search word) with every request, in turn through more
addresses than the cache holds (MISS_TARGETS, bench/loadgen.py's @FILE), so every answer is built afresh, as the
first request after a profile is saved is.
Usage: python bench/skills.py [--backends sqlite,postgres] [--seconds 4] [--rounds 3] [--only matches,/skills]
       [--rebuild] [--port 8200] [--name skills]
(--port: the SQLite server's port, PostgreSQL's the next; --name: the SQLite file var/bench/NAME.sqlite3 and the
database passerelle_bench_NAME, so two streams can each measure on their own ports and data.)
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scale import PG_ADMIN, postgres_database  # noqa: E402
from bench.server import load, serve  # noqa: E402

PROFILES, NEEDS, HOSTS = 50_000, 2_000, 200
PORTS = {"sqlite": 8200, "postgres": 8201}  # the skills stream's own (8200-8249; bench/scale.py has 8160-8199)
TRIVIAL = "/robots.txt"
STAFF_EMAIL, STAFF_PASSWORD = "staff@bench.invalid", "bench staff password 42"
# Where the diaspora's skills lie (major group -> share); a few unit groups are much commoner than the rest.
MAJOR_SHARES = {"2": 40, "3": 20, "1": 10, "4": 8, "5": 8, "7": 6, "6": 4, "8": 2, "9": 2}
POPULAR = {"2221": 1500, "2211": 1200, "2411": 1200, "2512": 1000, "2330": 800}
SKILLS = ["anaesthesia", "surgery", "nursing", "midwifery", "public health", "accounting", "audit", "teaching",
          "agronomy", "irrigation", "software development", "data analysis", "logistics", "solar energy",
          "project management", "microfinance", "laboratory", "pharmacy", "construction", "marketing"]
LANGS = ["fr", "en", "wo", "ff", "bm", "ln", "ar", "pt", "ha", "yo"]
ORIGINS = ["SN", "ML", "CI", "CM", "GN", "BF", "CD", "TG", "BJ", "NE"]
RESIDENCES = ["FR", "BE", "IT", "ES", "DE", "CA", "US", "GB", "CH"]
MISS_TARGETS = 1_500  # distinct addresses per miss row, far more than the match cache's 256 entries


def _occupations(rng: random.Random) -> list[str]:
    from basics import occupations

    by_major = {m: [u.code for u in occupations.units(m)] for m in MAJOR_SHARES}
    codes = [code for code, n in POPULAR.items() for _ in range(n)]
    weights = list(MAJOR_SHARES.values())
    while len(codes) < PROFILES:
        major = rng.choices(list(MAJOR_SHARES), weights)[0]
        codes.append(rng.choice(by_major[major]))
    rng.shuffle(codes)
    return codes


def build(url: str) -> str:
    """The bench database: reference data, a staff account, hosts, needs, members and profiles (idempotent)."""
    from sqlalchemy import func, insert, select, text
    from sqlmodel import Session

    from app.accounts.service import create_user
    from app.db import make_engine
    from app.models import Host, Need, SkillProfile, User
    from app.schema import upgrade
    from app.skills import fulltext

    upgrade(url)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            have = conn.execute(select(func.count()).select_from(SkillProfile)).scalar() or 0
            if have >= PROFILES:
                return f"{have} profiles already there"
        started = time.perf_counter()
        rng = random.Random(11)
        now = datetime.now(UTC)
        with Session(engine) as session:
            create_user(session, STAFF_EMAIL, STAFF_PASSWORD, role="staff", verified=True)
            session.commit()
        with engine.begin() as conn:
            base = conn.execute(select(func.max(User.id))).scalar() or 0  # type: ignore[arg-type]
            conn.execute(insert(User), [{"email": f"host{i}@bench.invalid", "display_name": f"Host {i}",
                                         "locale": "fr", "password_hash": "x", "role": "host", "created_at": now}
                                        for i in range(HOSTS)])
            conn.execute(insert(Host), [{"user_id": base + 1 + i, "name": f"Hôpital régional {i}", "kind": "hospital",
                                         "country": ORIGINS[i % len(ORIGINS)], "town": f"Ville {i}", "description": "",
                                         "website": "", "phone": "", "registration": "", "state": "approved",
                                         "reason": "", "audit_head": "", "created_at": now, "updated_at": now}
                                        for i in range(HOSTS)])
            first_host = conn.execute(select(func.min(Host.id))).scalar() or 1  # type: ignore[arg-type]
            needs = []
            for i in range(NEEDS):
                host = i % HOSTS
                published = now - timedelta(days=rng.uniform(0, 90))
                needs.append({"title": f"Besoin {i}: appui d'un spécialiste", "description": "Description. " * 20,
                              "occupation": rng.choice(list(POPULAR) + ["2212", "2132", "3212", "1342"]),
                              "skills": "\n".join(rng.sample(SKILLS, 3)), "languages": "fr " + rng.choice(LANGS[1:]),
                              "country": ORIGINS[host % len(ORIGINS)], "town": f"Ville {host}",
                              "sector": rng.choice(["health", "agriculture", "education", ""]),
                              "mode": rng.choice(["on_site", "remote", "either"]),
                              "days_wanted": rng.choice((5, 10, 21)),
                              "provides": "lodging", "host_id": first_host + host, "posted_by": base + 1 + host,
                              "state": "published" if i % 10 else "submitted", "submission_round": 1,
                              "audit_head": "", "days_given": 0, "created_at": published, "updated_at": published,
                              "submitted_at": published, "published_at": published if i % 10 else None})
            conn.execute(insert(Need), needs)
            members = base + HOSTS
            for start in range(0, PROFILES, 10_000):
                conn.execute(insert(User), [{"email": f"member{i}@bench.invalid", "display_name": f"Membre {i}",
                                             "locale": "fr", "password_hash": "x", "role": "member",
                                             "created_at": now} for i in range(start, start + 10_000)])
            codes = _occupations(rng)
            rows = [{"user_id": members + 1 + i, "occupation": codes[i], "job_title": f"Métier {codes[i]}",
                     "skills": "\n".join(rng.sample(SKILLS, rng.randint(1, 5))),
                     "languages": " ".join(["fr"] + rng.sample(LANGS[1:], rng.randint(0, 2))),
                     "origin_country": rng.choice(ORIGINS), "residence_country": rng.choice(RESIDENCES),
                     "mode": rng.choice(["on_site", "remote", "either"]),
                     "days_per_year": rng.choice((2, 5, 10, 15, 30)),
                     "qualifications": f"Diplôme d'État, certificat C{rng.randrange(100)}",
                     "summary": "Disponible pour des missions courtes. " * 2,
                     "active": rng.random() > 0.1, "created_at": now, "updated_at": now} for i in range(PROFILES)]
            for start in range(0, PROFILES, 10_000):
                conn.execute(insert(SkillProfile), rows[start:start + 10_000])
        with Session(engine) as session:  # the write path's own indexing, in batches
            indexed = fulltext.rebuild(session)
            session.commit()
        # PostgreSQL: VACUUM as autovacuum would after a bulk load (this server may run without it): the visibility
        # map that index-only scans need, and the full-text GIN index's pending list merged (otherwise every
        # search reads thousands of pending entries one by one)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))
        return f"built {PROFILES} profiles ({indexed} indexed), {NEEDS} needs in {time.perf_counter() - started:.0f} s"
    finally:
        engine.dispose()


def _url(backend: str, name: str = "skills") -> str:
    if backend == "sqlite":
        folder = ROOT / "var" / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{folder / f'{name}.sqlite3'}"
    from sqlalchemy.engine import make_url

    return make_url(PG_ADMIN).set(database=f"passerelle_bench_{name}").render_as_string(hide_password=False)


def _drop(backend: str, url: str) -> None:
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{url.removeprefix('sqlite:///')}{suffix}").unlink(missing_ok=True)
        return
    from sqlalchemy import create_engine, text

    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[-1]}" WITH (FORCE)'))
    admin.dispose()


def _staff_cookie(port: int) -> str:
    import httpx

    with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
        page = client.get("/login")
        token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
        assert token, "no CSRF token on /login"
        answer = client.post("/login", data={"email": STAFF_EMAIL, "password": STAFF_PASSWORD,
                                             "_csrf_token": token.group(1)})
        assert answer.status_code in (200, 302, 303), answer.status_code
        return "; ".join(f"{name}={value}" for name, value in client.cookies.items())


def _paths(url: str) -> dict[str, tuple[str, bool]]:
    """name -> (path, signed in as staff): the busiest need's matches, with and without a search."""
    from sqlalchemy import func, select

    from app.db import make_engine
    from app.models import Need

    engine = make_engine(url)
    with engine.connect() as conn:
        need = conn.execute(select(Need.id).where(Need.occupation == "2221", Need.state == "published")
                            .order_by(Need.id).limit(1)).scalar()
        total = conn.execute(select(func.count()).select_from(Need)).scalar()
        published = list(conn.execute(select(Need.id).where(Need.state == "published").order_by(Need.id)).scalars())
    engine.dispose()
    assert need and total == NEEDS and len(published) >= MISS_TARGETS
    rng = random.Random(3)
    rotated = rng.sample(published, MISS_TARGETS)
    broad = ["public+health", "nursing", "surgery", "teaching", "accounting", "agronomy", "logistics", "pharmacy"]
    misses = {"miss (need rotated)": [f"/staff/needs/{n}/matches" for n in rotated],
              "miss, page 3": [f"/staff/needs/{n}/matches?page=3" for n in rotated],
              "miss, narrow search": [f"/staff/needs/{n}/matches?q=C{i % 100}" for i, n in enumerate(rotated)],
              "miss, broad search": [f"/staff/needs/{n}/matches?q={broad[i % len(broad)]}"
                                     for i, n in enumerate(rotated)]}
    folder = ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    listed = {}
    for name, targets in misses.items():
        path = folder / f"skills_{url.split(':')[0].split('+')[0]}_{re.sub(r'[^a-z0-9]+', '_', name).strip('_')}.txt"
        path.write_text("\n".join(targets) + "\n", encoding="utf-8")
        listed[f"staff matches, {name}"] = (f"@{path}", True)
    return {"trivial": (TRIVIAL, False), "trivial, signed in as staff": (TRIVIAL, True),
            "staff matches (2221 nurses)": (f"/staff/needs/{need}/matches", True),
            "staff matches, page 3": (f"/staff/needs/{need}/matches?page=3", True),
            "staff matches, narrow search": (f"/staff/needs/{need}/matches?q=C42", True),
            "staff matches, broad search": (f"/staff/needs/{need}/matches?q=public+health", True),
            **listed,
            "/skills, filtered": ("/skills?country=SN&occupation=2&remote=1", False),
            "/skills, filtered, page 2": ("/skills?sector=health&page=2", False)}


def measure(backend: str, args: argparse.Namespace) -> list[str]:
    import httpx

    url = _url(backend, args.name)
    if args.rebuild:
        _drop(backend, url)
    if backend == "postgres":
        postgres_database(url)
    print(f"[{backend}] {build(url)}", flush=True)
    paths = {name: path for name, path in _paths(url).items()
             if name.startswith("trivial") or not args.only or any(word in name for word in args.only.split(","))}
    results: dict[str, list[dict[str, float]]] = {name: [] for name in paths}
    sent: dict[str, int] = {}  # requests sent so far, per endpoint
    with serve(url, port=args.port + PORTS[backend] - PORTS["sqlite"] if args.port else PORTS[backend],
               timeout=120) as port:
        cookie = _staff_cookie(port)
        for name, (path, signed) in paths.items():
            targets = Path(path[1:]).read_text(encoding="utf-8").split() if path.startswith("@") else [path]
            for target in targets[:1] + targets[-1:]:
                answer = httpx.get(f"http://127.0.0.1:{port}{target}", headers={"Cookie": cookie if signed else ""})
                assert answer.status_code == 200, (name, target, answer.status_code)
                if "matches" in target:
                    assert answer.text.count('class="match"') == 20, f"{name}: not a full page of matches"
            warm = load(port, path, args.connections, 1, cookie=cookie if signed else "")  # warm-up
            sent[name] = int(warm["requests"])
        for _ in range(args.rounds):  # interleaved, so every endpoint sees the same machine
            for name, (path, signed) in paths.items():
                # a miss row goes on through its addresses where it stopped: none asked twice in 1 500 requests
                results[name].append(load(port, path, args.connections, args.seconds, start=sent[name],
                                          cookie=cookie if signed else ""))
                sent[name] += int(results[name][-1]["requests"])
    best = {name: max(runs, key=lambda r: r["rps"]) for name, runs in results.items()}
    trivial = best["trivial"]["rps"]
    lines = [f"[{backend}] {'endpoint':38s} {'req/s':>8s} {'p50 ms':>8s} {'p99 ms':>8s} {'ratio':>6s}"]
    for name, r in best.items():
        ratio = r["rps"] / trivial
        verdict = "" if name.startswith("trivial") else \
            ("  ok" if r["p99_ms"] <= 50 and ratio >= 0.3 else "  MISSES the goal (p99 <= 50 ms, ratio >= 0.3)")
        lines.append(f"[{backend}] {name:38s} {r['rps']:8.0f} {r['p50_ms']:8.1f} {r['p99_ms']:8.1f} {ratio:6.2f}"
                     f"{verdict}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--seconds", type=float, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--port", type=int, default=0, help="the SQLite server's port (PostgreSQL's: the next)")
    parser.add_argument("--name", default="skills", help="var/bench/NAME.sqlite3, database passerelle_bench_NAME")
    parser.add_argument("--only", default="", help="measure only the endpoints whose names contain one of these"
                                                    " comma-separated words (and the trivial ones)")
    args = parser.parse_args()
    report: list[Any] = []
    for backend in args.backends.split(","):
        lines = measure(backend.strip(), args)
        print("\n".join(lines), flush=True)  # each backend as soon as it is measured
        report += lines
    print(f"one worker, {args.connections} connections, best of {args.rounds} rounds of {args.seconds:.0f} s; "
          "ratio = req/s / trivial req/s (anonymous)")
    print("\n".join(report))


if __name__ == "__main__":
    main()
