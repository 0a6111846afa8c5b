"""Benchmark: importing a full-scale RPW workbook against polars merely reading it.

    python bench/rpw_import.py [--rows 204000] [--repeat 3]

Builds (once, cached under var/bench/) a workbook laid out like the World Bank's sheet
`Dataset (from Q2 2016)` with the real quirks, then runs each measurement in a fresh child process,
so that peak RSS (ru_maxrss) counts polars' Rust allocations too:
  (a) polars alone reads the sheet;
  (b) the import: ``STEPS["import"]``, the real `passerelle import-rpw` path (parse, validate, normalise,
      load into a fresh SQLite database, corridor statistics).
The two alternate, each repeated; the best time of each is compared (the machine is shared, so the
slowest runs measure the neighbours). Goal (issue 12): (b)/(a) <= 2, peak RSS <= 1.5 GiB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHEET = "Dataset (from Q2 2016)"
HEADERS = [
    "id", "period", "source_code", "source_name", "source_region", "source_income", "source_lending",
    "source_G8G20", "destination_code", "destination_name", "destination_region", "destination_income",
    "destination_lending", "destination_G8G20", "firm", "firm_type", "payment instrument", "access point",
    "speed actual", "cc1 lcu amount", "cc1 denomination amount", "cc1 lcu code", "cc1 lcu fee",
    "cc1 lcu fx rate", "cc1 fx margin", "cc1 total cost %", "cc2 lcu amount", "cc2 denomination amount",
    "cc2 lcu code", "cc2 lcu fee", "cc2 lcu fx rate", "cc2 fx margin", "cc2 total cost %",
    "inter lcu bank fx", "transparent", "Standard Note", "note2", "receiving network coverage",
    "pickup location", "pickup method", "date", "corridor",
]
HELPERS = 5
# sending country -> (name, currency, USD 200 and USD 500 in local currency, units of USD per unit)
SOURCES = {
    "FRA": ("France", "EUR", 140, 345, 1.08), "DEU": ("Germany", "EUR", 140, 345, 1.08),
    "ITA": ("Italy", "EUR", 140, 345, 1.08), "ESP": ("Spain", "EUR", 140, 345, 1.08),
    "BEL": ("Belgium", "EUR", 140, 345, 1.08), "USA": ("United States", "USD", 200, 500, 1.0),
    "GBR": ("United Kingdom", "GBP", 120, 300, 1.27), "CAN": ("Canada", "CAD", 270, 680, 0.74),
    "SAU": ("Saudi Arabia", "SAR", 750, 1875, 0.27), "ARE": ("United Arab Emirates", "AED", 735, 1835, 0.27),
    "ZAF": ("South Africa", "ZAR", 3000, 7500, 0.055), "JPN": ("Japan", "JPY", 28000, 70000, 0.0068),
}
DESTINATIONS = {
    "SEN": ("Senegal", "XOF", 600), "MLI": ("Mali", "XOF", 600), "CIV": ("Côte d'Ivoire", "XOF", 600),
    "CMR": ("Cameroon", "XAF", 600), "TGO": ("Togo", "XOF", 600), "MAR": ("Morocco", "MAD", 9.9),
    "NGA": ("Nigeria", "NGN", 1500), "GHA": ("Ghana", "GHS", 15), "COD": ("Congo, Dem. Rep.", "USD", 1),
    "IND": ("India", "INR", 83), "PHL": ("Philippines", "PHP", 56), "MEX": ("Mexico", "MXN", 17),
    "VNM": ("Viet Nam", "VND", 24500), "KEN": ("Kenya", "KES", 130), "GIN": ("Guinea", "GNF", 8600),
}
FIRMS = [("Western Union", "Money Transfer Operator"), ("MoneyGram", "Money Transfer Operator"),
         ("Ria", "Money Transfer Operator"), ("Remitly", "Money Transfer Operator"),
         ("Wise", "Money Transfer Operator"), ("Transferwise", "Money Transfer Operator"),
         ("TapTap Send", "Money Transfer Operator"), ("Taptap Send", "Money Transfer Operator"),
         ("WorldRemit", "Money Transfer Operator"), ("La Banque Postale via Western Union",
                                                    "Bank / Money Transfer Operator"),
         ("Banque Populaire", "Bank"), ("Orange Money", "Mobile operator"), ("Post Office", "Post office")]
SPEEDS = ["Less than one hour", "less than one hour", "Same day", "Next day", "2 days", "3-5 days",
          "6 days or more"]
PAYINS = ["Cash", "Bank account transfer", "Debit card", "Credit card", "Mobile money", "Cash, Debit card"]
PAYOUTS = ["Cash", "Bank account", "Mobile wallet", "Own/partner Bank account"]
FEES = [0, 0.99, 1.99, 2.99, 3.99, 4.9, 5.99, 7, 9.5, 15, 25, 41.7]


def quarters() -> list[tuple[int, int]]:
    every = [(y, q) for y in range(2016, 2026) for q in range(1, 5) if (2016, 2) <= (y, q) <= (2025, 3)]
    return [yq for yq in every if yq != (2025, 2)]  # no collection round in 2025 Q2


Service = tuple[str, str, str, str, str, str | None, str, str]  # src, dst, firm, type, pay-in, access, speed, payout
SERVICES_PER_CORRIDOR = 30  # as surveyed: the same services of a corridor, quarter after quarter


def catalogue(rng: random.Random) -> list[Service]:
    """Every corridor's services, corridor by corridor (RPW surveys the same services every quarter)."""
    services: list[Service] = []
    for src in SOURCES:
        for dst in DESTINATIONS:
            for _ in range(SERVICES_PER_CORRIDOR):
                firm, firm_type = rng.choice(FIRMS)
                services.append((src, dst, firm, firm_type, rng.choice(PAYINS),
                                 rng.choice(["Agent", "Internet/On-line", "Mobile phone", None]), rng.choice(SPEEDS),
                                 rng.choice(PAYOUTS)))
    return services


def service_row(rng: random.Random, ident: int, year: int, quarter: int, service: Service) -> list[object]:
    src, dst, firm, firm_type, payin, access, speed, payout = service
    src_name, ccy, low, high, usd = SOURCES[src]
    dst_name, dst_ccy, per_usd = DESTINATIONS[dst]
    transparent = rng.choices(["Yes", "yes", "no"], [90, 5, 5])[0]
    margin = 0.0 if transparent == "no" else round(rng.gauss(1.5, 1.6), 2)
    inter = round(usd * per_usd, 4)
    as_text = year < 2018  # some early quarters store every number as text
    tiers: list[object] = []
    for amount, usd_amount in ((low, 200), (high, 500)):
        fee = round(rng.choice(FEES) * amount / 140, 2)
        rate: object = round(inter * (1 - margin / 100), 4) if rng.random() > 0.1 else ".."
        total = round(fee / amount * 100 + margin, 2)
        values = [amount, usd_amount, ccy, fee, rate, margin, total]
        tiers += [str(v) if as_text and isinstance(v, float | int) else v for v in values]
    day = datetime(year, 3 * quarter - 2, 1) + timedelta(days=rng.randrange(80))
    return [
        ident, f"{year}_{quarter}Q", src, src_name, "..", "High income", "..", "G8/G20", dst, dst_name,
        "Sub-Saharan Africa", "Lower middle income", "IDA", "..", firm, firm_type, payin, access, speed, *tiers,
        inter, transparent, None, None, None, None, payout,
        day.strftime("%d/%b/%Y") if as_text else day, src + dst,
        # helper columns: unlabelled working values, as in the release
        year, quarter, f"{src}{dst}{year}{quarter}", 1, None,
    ]


def build_workbook(rows: int, path: Path) -> None:
    import xlsxwriter  # only the generator needs it

    rng = random.Random(2025)
    periods = quarters()
    services = catalogue(rng)
    per_quarter = -(-rows // len(periods))
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent) as scratch:
        partial = Path(scratch) / path.name
        book = xlsxwriter.Workbook(str(partial), {"constant_memory": True, "strings_to_numbers": False})
        sheet = book.add_worksheet(SHEET)
        day_format = book.add_format({"num_format": "dd/mm/yyyy"})
        sheet.write_row(0, 0, HEADERS)
        date_col = HEADERS.index("date")
        for index in range(rows):
            year, quarter = periods[index * len(periods) // rows]
            # each quarter surveys the catalogue in order: every corridor's services about once a quarter
            row = service_row(rng, 3_000_000 + index, year, quarter, services[(index % per_quarter) % len(services)])
            for col, value in enumerate(row):
                if isinstance(value, datetime) and col == date_col:
                    sheet.write_datetime(index + 1, col, value, day_format)
                elif value is not None:
                    sheet.write(index + 1, col, value)
        book.close()
        os.replace(partial, path)  # the cache only ever holds complete workbooks


def workbook(rows: int) -> Path:
    """The full-scale workbook, built once and cached under var/bench/ (v2: stable services per corridor)."""
    path = ROOT / "var" / "bench" / f"rpw_{rows}_v2.xlsx"
    if not path.exists():
        started = time.perf_counter()
        build_workbook(rows, path)
        print(f"built {path.relative_to(ROOT)} in {time.perf_counter() - started:.0f} s")
    return path


def read_with_polars(path: Path) -> int:
    import polars as pl

    return pl.read_excel(path, sheet_name=SHEET, engine="calamine").height


def parse_and_summarise(path: Path) -> int:
    from scrapers.rpw import parse_rpw
    from scrapers.statistics import corridor_statistics

    quotes = parse_rpw(path)
    corridor_statistics(quotes)
    return quotes.height


def idle(path: Path) -> int:
    import scrapers.statistics  # noqa: F401  (what every process pays before any work)

    return 0


def database_url(path: Path) -> str:
    return os.environ.get("BENCH_POSTGRES_URL") or f"sqlite:///{path.with_suffix('.sqlite3')}"


def fresh_database(path: Path) -> None:
    """Untimed: an empty, migrated database (SQLite beside the workbook, or the PostgreSQL database of
    --postgres emptied), as `make run` would have."""
    import app.comparison.alerts  # noqa: F401 - checked after each load; imported once by any running process
    from app.schema import upgrade

    url = database_url(path)
    if url.startswith("postgresql"):
        from sqlalchemy import create_engine

        engine = create_engine(url)
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
        engine.dispose()
    else:
        target = path.with_suffix(".sqlite3")
        for leftover in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
            leftover.unlink(missing_ok=True)
    upgrade(url)


BACKENDS: set[int] = set()  # the PostgreSQL server processes serving this process's connections


def watch_backends() -> None:
    from sqlalchemy import Engine, event

    @event.listens_for(Engine, "connect")
    def remember(dbapi_connection: object, record: object) -> None:
        if type(dbapi_connection).__module__.startswith("psycopg"):
            with dbapi_connection.cursor() as cursor:  # type: ignore[attr-defined]
                cursor.execute("SELECT pg_backend_pid()")
                BACKENDS.add(cursor.fetchone()[0])


def backend_cpu() -> float:
    """CPU seconds the PostgreSQL backends of this process have used (they run on this machine)."""
    ticks = 0
    for pid in BACKENDS:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def import_into_database(path: Path) -> int:
    """What `passerelle import-rpw PATH` does: read, parse, validate, normalise, load, corridor statistics."""
    from app.db import make_engine
    from app.settings import Settings
    from scrapers.pipeline import ingest

    url = database_url(path)
    report = ingest("rpw", path.read_bytes(), url=path.resolve().as_uri(), engine=make_engine(url),
                    settings=Settings(database_url=url), trigger="bench")
    if report.status.value != "ok":
        raise SystemExit(f"import {report.status.value}: {report.error}")
    return report.published


# The import step is the real one (STEPS["import"]); "parse" is the parser alone, for comparison.
STEPS: dict[str, Callable[[Path], int]] = {
    "polars": read_with_polars, "import": import_into_database, "parse": parse_and_summarise, "idle": idle}
SETUP: dict[str, Callable[[Path], None]] = {"import": fresh_database}


def measure_here(step: str, path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    import polars  # noqa: F401  (import cost is not part of either measurement)

    if step in SETUP:
        SETUP[step](path)
    watch_backends()
    started, cpu, server = time.perf_counter(), own_cpu(), backend_cpu()
    rows = STEPS[step](path)
    seconds = time.perf_counter() - started
    cpu, server = own_cpu() - cpu, backend_cpu() - server  # backends opened during the step started at 0
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps({"step": step, "rows": rows, "seconds": seconds, "cpu": cpu + server, "server_cpu": server,
                      "peak_mib": peak_kib / 1024, "load": os.getloadavg()[0]}))


def measure(step: str, path: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--measure", step, str(path)], check=True,
                         capture_output=True, text=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=204_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres", metavar="URL", help="import into this PostgreSQL database (emptied first)")
    parser.add_argument("--measure", nargs=2, metavar=("STEP", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure_here(args.measure[0], Path(args.measure[1]))
        return
    if args.postgres:
        os.environ["BENCH_POSTGRES_URL"] = args.postgres
    path = workbook(args.rows)
    print(f"workbook: {path.stat().st_size / 2**20:.1f} MiB, {args.rows} services")
    runs: dict[str, list[dict[str, float]]] = {"polars": [], "import": []}
    for _ in range(args.repeat):
        for step, results in runs.items():
            results.append(measure(step, path))
    for step, results in runs.items():
        times = ", ".join(f"{r['seconds']:.2f}" for r in results)
        cpus = ", ".join(f"{r['cpu']:.2f}" for r in results)
        server = f" of which PostgreSQL {min(r['server_cpu'] for r in results):.2f}" if args.postgres else ""
        print(f"{step:>7}: wall best {min(r['seconds'] for r in results):6.2f} s ({times})   CPU best "
              f"{min(r['cpu'] for r in results):6.2f} s ({cpus}){server}   peak RSS "
              f"{max(r['peak_mib'] for r in results):5.0f} MiB   {results[0]['rows']:.0f} rows out   load "
              + "/".join(f"{r['load']:.1f}" for r in results))
    best = {step: min(r["seconds"] for r in results) for step, results in runs.items()}
    best_cpu = {step: min(r["cpu"] for r in results) for step, results in runs.items()}
    print(f"   idle: peak RSS {measure('idle', path)['peak_mib']:.0f} MiB (interpreter, polars and our modules)")
    print(f"ratio import/polars: wall {best['import'] / best['polars']:.2f}, CPU "
          f"{best_cpu['import'] / best_cpu['polars']:.2f} (goal <= 2)")


if __name__ == "__main__":
    main()
