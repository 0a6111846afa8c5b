"""card_01 moves Stripe's two columns from `pledge` to billing's `pledge_card` without losing a value, and
back on downgrade, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from alembic import command
from sqlalchemy import inspect, text

from app.db import make_engine
from app.schema import alembic_config, upgrade
from tests.app.test_migrations import empty_url  # noqa: F401 - the fixture (both databases)


def _filler(column: dict[str, Any]) -> object:
    kind = column["type"]
    if isinstance(kind, sa.Boolean):
        return False
    if isinstance(kind, sa.DateTime):
        return dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    if isinstance(kind, sa.Date):
        return dt.date(2026, 12, 1)
    if isinstance(kind, (sa.Integer, sa.Numeric, sa.Float)):
        return 1
    return "x"


def _insert(conn: sa.Connection, table: str, **given: object) -> int:
    """One row with every required column filled (foreign keys to an existing row), returning its id."""
    inspector = inspect(conn)
    refs = {fk["constrained_columns"][0]: (fk["referred_table"], fk["referred_columns"][0])
            for fk in inspector.get_foreign_keys(table)}
    values: dict[str, object] = {}
    for column in inspector.get_columns(table):
        name = column["name"]
        if name in given or name == "id" or column["nullable"] or column.get("default") is not None:
            continue
        if name in refs:
            other, key = refs[name]
            values[name] = conn.execute(text(f'SELECT "{key}" FROM "{other}" LIMIT 1')).scalar_one()
        else:
            values[name] = _filler(column)
    values |= given
    names = ", ".join(f'"{n}"' for n in values)
    marks = ", ".join(f":{n}" for n in values)
    conn.execute(text(f'INSERT INTO "{table}" ({names}) VALUES ({marks})'), values)
    return int(conn.execute(text(f'SELECT max(id) FROM "{table}"')).scalar_one())


def test_card_01_carries_the_stripe_ids_across_and_back(empty_url):  # noqa: F811
    config = alembic_config(empty_url)
    upgrade(empty_url)  # seeds the reference data (countries, currencies) the rows point at
    command.downgrade(config, "pay_01")
    engine = make_engine(empty_url)
    with engine.begin() as conn:
        _insert(conn, "user", email="kofi@example.org")
        _insert(conn, "listing", slug="moulin", country="SN", currency="EUR")
        card = _insert(conn, "pledge", reference="P-CARD-01", method="stripe_card",
                       stripe_customer_id="cus_1", stripe_payment_method_id="pm_1")
        transfer = _insert(conn, "pledge", reference="P-BANK-02", method="bank_transfer")
    command.upgrade(config, "card_01")
    with engine.connect() as conn:
        assert "stripe_customer_id" not in {c["name"] for c in inspect(conn).get_columns("pledge")}
        rows = conn.execute(text("SELECT pledge_id, customer_id, payment_method_id FROM pledge_card")).all()
        assert [tuple(r) for r in rows] == [(card, "cus_1", "pm_1")], "only the card pledge has a row"
    command.downgrade(config, "pay_01")
    with engine.connect() as conn:
        back = conn.execute(text("SELECT id, stripe_customer_id, stripe_payment_method_id FROM pledge "
                                 "ORDER BY id")).all()
        assert [tuple(r) for r in back] == [(card, "cus_1", "pm_1"), (transfer, None, None)]
    engine.dispose()
