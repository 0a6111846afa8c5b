"""The RPW import stores exactly the rows it stored before it was made fast: the World Bank's 2025 Q3
sample, then a hand-built workbook with the quirks (text numbers, placeholders, both date forms, the
pre-2016 sheet, rows to quarantine), through `passerelle import-rpw`, on both databases.

``RECORDED`` was written by ``recorded_tables`` with the import as of commit 5cfc628 (before the
import read only the sheet's RPW columns and sent the stage to SQLite in key order); the same file
serves SQLite and PostgreSQL, since every value is compared in one canonical text."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from sqlalchemy import Engine, Table

from app.cli import main
from app.models import CollectorRun, CorridorStat, CurrentCorridor, CurrentOffer, Quarantine, Quote
from tests.scrapers.test_rpw import quirky_rows, quirky_workbook, service

SAMPLE = Path(__file__).resolve().parents[2] / "app" / "data" / "rpw" / "rpw_2025q3_sample.xlsx"
RECORDED = Path(__file__).resolve().parents[1] / "fixtures" / "rpw" / "import_rows.json"
# when a row was written is not what it holds
UNRECORDED = {"id", "created_at", "computed_at", "refreshed_at", "started_at", "finished_at", "snapshot_ids"}
TABLES: list[Any] = [Quote, CorridorStat, CurrentOffer, CurrentCorridor, Quarantine, CollectorRun]



def canonical(value: Any) -> Any:
    """One text for a value whichever database read it back (SQLite: naive UTC times, Decimals via floats)."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime):
        return (value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value).isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return value if value is None or isinstance(value, bool | int | str) else str(value)


def recorded_tables(engine: Engine) -> dict[str, list[list[Any]]]:
    """Every row the imports left in the tables they write, in a stable order, as canonical values."""
    tables: dict[str, list[list[Any]]] = {}
    with engine.connect() as conn:
        for model in TABLES:
            table: Table = model.__table__
            columns = [c for c in table.columns if c.name not in UNRECORDED]
            rows = [[canonical(v) for v in row] for row in conn.execute(table.select().with_only_columns(*columns))]
            tables[table.name] = [[c.name for c in columns], *sorted(rows, key=json.dumps)]
    return tables


def import_both(cli: CliRunner, tmp_path: Path) -> None:
    quirky = tmp_path / "quirky.xlsx"
    old = [service(id="9", period="2015_4Q", date="12/Nov/2015"), service(id="10", period="1Q 2015", date="..")]
    quirky.write_bytes(quirky_workbook(old_rows=old))
    for path in (SAMPLE, quirky):
        result = cli.invoke(main, ["import-rpw", str(path)])
        assert result.exit_code == 0, result.output


def test_the_import_stores_the_rows_it_stored_before(cli, engine, tmp_path):  # type: ignore[no-untyped-def]
    import_both(cli, tmp_path)
    stored = recorded_tables(engine)
    recorded = json.loads(RECORDED.read_text())
    assert len(quirky_rows()) == 4 and len(stored["quote"]) > 234, "both files were imported"
    for name, rows in recorded.items():
        assert stored[name][0] == rows[0], name
        assert len(stored[name]) == len(rows), name
        for ours, theirs in zip(stored[name][1:], rows[1:], strict=True):
            assert ours == theirs, name
