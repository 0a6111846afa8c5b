"""Idempotent bulk upsert of a polars frame, fast enough for a 400,000-row RPW workbook.

The frame goes into a temporary staging table (COPY of the CSV polars writes on PostgreSQL, ``executemany``
on SQLite); one ``INSERT … SELECT … ON CONFLICT`` then merges it, changing an existing row only where a value
differs. (Upserting each row straight into the table on SQLite is slower: with foreign keys on, every
statement pays their checks, 3.4 s against 3.0 s for a full workbook.)
Values cross as literals the database reads back exactly — text, or (SQLite) integers of the column's
smallest unit — so a Decimal never becomes a Python float on the way.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

import polars as pl
from sqlalchemy import Connection, Table

Progress = Callable[[int, int], None]
STAGE = "_passerelle_stage"
CHUNK = 50_000
_WORD = re.compile(r"[a-z][a-z0-9_]*")
SQLITE_CACHE_KIB = 256 * 1024
FINEST = 9  # decimal places a value may have to cross to SQLite as an integer


def _sqlite_integers(frame: pl.DataFrame) -> dict[str, int]:
    """Decimal columns that can cross to SQLite as integers of 10^-scale units, and their scale.

    Binding an integer costs half what a text does. SQLite keeps these columns as binary floats anyway,
    and n / 10^scale is the float nearest the decimal, exactly as parsing its text would give, as long
    as n is exact in a float (below 2^53). A column of a finer scale (a rate's 18 places) whose values all
    have at most ``FINEST`` places crosses in units of 10^-FINEST."""
    scales = {}
    for name, dtype in frame.schema.items():
        if not isinstance(dtype, pl.Decimal) or dtype.scale is None:
            continue
        column = frame.get_column(name)
        scale = dtype.scale
        if scale > FINEST:
            if not column.round(FINEST).eq_missing(column).all():
                continue
            scale = FINEST
        biggest = column.abs().max()
        if biggest is None or biggest * 10**scale < 2**53:  # type: ignore[operator]
            scales[name] = scale
    return scales


def _as_literals(frame: pl.DataFrame, dialect: str, integers: Mapping[str, int]) -> pl.DataFrame:
    """Every column as the literal the database reads back as the same value: text, or an integer."""
    columns = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if name in integers:
            columns.append((column * 10 ** integers[name]).cast(pl.Int64).alias(name))
            continue
        if dtype.is_integer() or dtype == pl.Boolean:
            columns.append(column.cast(pl.Int64) if dialect == "sqlite" else column.cast(pl.String))
            continue
        if isinstance(dtype, pl.Datetime):
            utc = column.dt.convert_time_zone("UTC") if dtype.time_zone else column
            # SQLite stores what SQLAlchemy would write for a DateTime: naive UTC with microseconds
            column = utc.dt.strftime("%Y-%m-%d %H:%M:%S.%6f" if dialect == "sqlite" else "%Y-%m-%dT%H:%M:%S.%6f+00:00")
        columns.append(column.cast(pl.String).alias(name))
    return frame.select(columns)


def _copy_into_stage(conn: Connection, frame: pl.DataFrame, names: Sequence[str], progress: Progress | None,
                     stage: str = STAGE) -> None:
    quoted = ", ".join(f'"{n}"' for n in names)
    if conn.dialect.name == "postgresql":
        # the frame (all text) as CSV written by polars, which COPY reads (an empty field is NULL, a quoted
        # one an empty string): no Python object per value
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f"COPY {stage} ({quoted}) FROM STDIN (FORMAT csv)") as copy:
            for offset in range(0, frame.height, CHUNK):
                copy.write(frame.slice(offset, CHUNK).write_csv(include_header=False, quote_style="necessary"))
                if progress:
                    progress(min(offset + CHUNK, frame.height), frame.height)
        return
    marks = ", ".join("?" for _ in names)
    for offset in range(0, frame.height, CHUNK):
        conn.exec_driver_sql(f"INSERT INTO {stage} ({quoted}) VALUES ({marks})",  # noqa: S608 - our column names
                             frame.slice(offset, CHUNK).rows())
        if progress:
            progress(min(offset + CHUNK, frame.height), frame.height)


def _literal(value: str | int) -> str:
    if isinstance(value, int) or _WORD.fullmatch(value):
        return f"'{value}'" if isinstance(value, str) else str(value)
    raise ValueError(f"not a safe constant: {value!r}")


def bulk_upsert(conn: Connection, table: Table, frame: pl.DataFrame, keys: Sequence[str], *,
                constants: Mapping[str, str | int] | None = None, not_compared: Sequence[str] = (),
                progress: Progress | None = None, pairs: tuple[str, str, str] | None = None,
                factored: Sequence[str] = (), copy_new: bool = False) -> int:
    """Insert ``frame`` into ``table``; rows whose ``keys`` exist are updated only where a value differs
    (columns in ``not_compared`` follow a change but never cause one). ``constants`` (ids, an int or a
    word) fill columns that are the same on every row without passing them once per row. Returns how
    many rows were inserted or changed (the merge's row count, on SQLite and PostgreSQL alike).
    ``pairs`` (a key column and two endings) stages rows paired on that key once per pair on SQLite, and
    then ``factored`` (columns of few distinct combinations, a service's) once per combination.
    ``copy_new`` (PostgreSQL; for a table only one load writes at a time, per key constant) copies the rows
    whose keys are not stored yet straight into the table, and merges only the others (``_copy_new_rows``)."""
    if frame.is_empty():
        return 0
    dialect = conn.dialect.name
    constants = dict(constants or {})
    staged = list(frame.columns)
    names = staged + list(constants)
    quoted = ", ".join(f'"{n}"' for n in names)
    integers = _sqlite_integers(frame) if dialect == "sqlite" else {}
    selected = ", ".join([*(f'CAST("{n}" AS REAL) / 1e{integers[n]}' if n in integers else f'"{n}"' for n in staged),
                          *(_literal(v) for v in constants.values())])
    if dialect == "sqlite":
        # the stage lives in memory, and index pages stay cached while 400,000 rows go in: the defaults
        # (a temporary file, an 8 MB cache) triple the time of a full workbook import
        conn.exec_driver_sql("PRAGMA temp_store = MEMORY")
        conn.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {STAGE}")
    # identifiers below come from our own table metadata, values only ever travel as parameters or COPY data
    stage_columns = ", ".join(f'"{n}"' for n in staged)
    conn.exec_driver_sql(f'CREATE TEMPORARY TABLE {STAGE} AS SELECT {stage_columns} FROM "{table.name}" '  # noqa: S608
                         "WHERE 1 = 0")
    order_by = [k for k in keys if k not in constants]
    literals = _as_literals(frame, dialect, integers)
    if dialect == "sqlite" and order_by:
        # staged in key order (polars and SQLite both compare text bytewise, nulls first), read back in
        # rowid order: SQLite then merges without sorting 400,000 rows in a temporary b-tree
        literals = literals.sort(order_by, maintain_order=True)
    merged_pairs = 0
    if dialect == "postgresql" and copy_new and order_by:
        literals, merged_pairs = _copy_new_rows(conn, table, literals, keys, constants, progress)
        if literals.is_empty():
            conn.exec_driver_sql(f"DROP TABLE {STAGE}")
            return merged_pairs
    if dialect == "sqlite" and pairs is not None:
        literals, merged_pairs = _merge_pairs(conn, table, literals, names, keys, constants, integers, pairs,
                                              not_compared, progress, factored)
    if not literals.is_empty():
        _copy_into_stage(conn, literals, staged, progress)
    values = [n for n in names if n not in keys]
    distinct = "IS DISTINCT FROM" if dialect == "postgresql" else "IS NOT"
    changed = " OR ".join(f'"{table.name}"."{n}" {distinct} excluded."{n}"'
                          for n in values if n not in not_compared) or "true"
    assignments = ", ".join(f'"{n}" = excluded."{n}"' for n in values)
    conflict = ", ".join(f'"{k}"' for k in keys)
    action = f"DO UPDATE SET {assignments} WHERE {changed}" if values else "DO NOTHING"
    # "WHERE true" tells SQLite's parser the ON CONFLICT belongs to the INSERT, not to a join; rows go in
    # key order so two loads touching the same keys (ECB daily and history) lock them in the same order
    # and wait for each other instead of deadlocking
    order = "rowid" if dialect == "sqlite" else ", ".join(f'"{k}"' for k in order_by) or "1"
    merged = conn.exec_driver_sql(f'INSERT INTO "{table.name}" ({quoted}) SELECT {selected} FROM {STAGE} '  # noqa: S608
                                  f"WHERE true ORDER BY {order} ON CONFLICT ({conflict}) {action}").rowcount
    conn.exec_driver_sql(f"DROP TABLE {STAGE}")
    if dialect == "sqlite":
        conn.exec_driver_sql("PRAGMA cache_size = -2000")  # SQLite's default, for the pooled connection
    return int(merged) + merged_pairs


KEYS = "_passerelle_keys"


def _copy_new_rows(conn: Connection, table: Table, literals: pl.DataFrame, all_keys: Sequence[str],
                   constants: Mapping[str, str | int], progress: Progress | None) -> tuple[pl.DataFrame, int]:
    """PostgreSQL: rows whose keys are not in the table yet go in by COPY, in key order, without the staged
    merge's speculative insertion (a full RPW workbook into an empty table: the merge's server CPU 5.4 s, the
    COPY's about half). Only the keys cross first, to find those stored. Returns the rows left to merge and
    how many were copied. A row of the same key written meanwhile by another transaction fails the load
    (a unique violation) instead of being merged: callers use it where loads of one source never overlap."""
    keys = [k for k in all_keys if k not in constants]
    quoted = ", ".join(f'"{k}"' for k in keys)
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {KEYS}")
    conn.exec_driver_sql(f'CREATE TEMPORARY TABLE {KEYS} AS SELECT {quoted} FROM "{table.name}" WHERE 1 = 0')  # noqa: S608
    _copy_into_stage(conn, literals.select(keys), keys, None, KEYS)
    fixed = " AND ".join([*(f'stored."{k}" = {KEYS}."{k}"' for k in keys),
                          *(f'stored."{n}" = {_literal(constants[n])}' for n in all_keys if n in constants)])
    picked = ", ".join(f'{KEYS}."{k}"' for k in keys)
    stored = conn.exec_driver_sql(f'SELECT {picked} FROM {KEYS} JOIN "{table.name}" AS stored ON {fixed}').all()  # noqa: S608
    conn.exec_driver_sql(f"DROP TABLE {KEYS}")
    found = pl.DataFrame([tuple(row) for row in stored], schema={k: literals.schema[k] for k in keys}, orient="row")
    known = literals.join(found, on=list(keys), how="semi", nulls_equal=True) if found.height else literals.clear()
    new = literals.join(found, on=list(keys), how="anti", nulls_equal=True) if found.height else literals
    if new.is_empty():
        return known, 0
    # key order: the indexes are written in order, and two loads lock keys in the same order (as the merge)
    new = new.sort(list(keys), maintain_order=True).with_columns(
        pl.lit(str(value)).alias(name) for name, value in constants.items())
    _copy_into_stage(conn, new, new.columns, progress, f'"{table.name}"')
    return known, new.height


PAIRED = "_passerelle_pairs"
COMBINATIONS = "_passerelle_combinations"
FEW = 4  # factored columns are staged apart when their combinations are at most a quarter of the pairs


def _suffix(value: str) -> str:
    if re.fullmatch(r"[:a-z0-9_]+", value):
        return f"'{value}'"
    raise ValueError(f"not a safe suffix: {value!r}")


def _action(table: Table, names: Sequence[str], keys: Sequence[str], not_compared: Sequence[str]) -> str:
    values = [n for n in names if n not in keys]
    changed = " OR ".join(f'"{table.name}"."{n}" IS NOT excluded."{n}"'
                          for n in values if n not in not_compared) or "true"
    assignments = ", ".join(f'"{n}" = excluded."{n}"' for n in values)
    conflict = ", ".join(f'"{k}"' for k in keys)
    return f"ON CONFLICT ({conflict}) DO UPDATE SET {assignments} WHERE {changed}" if values else \
        f"ON CONFLICT ({conflict}) DO NOTHING"


def _merge_pairs(conn: Connection, table: Table, literals: pl.DataFrame, names: Sequence[str], keys: Sequence[str],
                 constants: Mapping[str, str | int], integers: Mapping[str, int], pairs: tuple[str, str, str],
                 not_compared: Sequence[str], progress: Progress | None,
                 factored: Sequence[str] = ()) -> tuple[pl.DataFrame, int]:
    """SQLite: rows that come in pairs — ``key`` the same but for its ending, ``first`` or ``second`` (an RPW
    service's two amount tiers) — cross as one staged row, the columns equal in every pair once, the others
    twice; the merge makes the two rows again by a join with a two-row table. Two thirds of the bound values for the
    same rows: a full RPW workbook's quotes load in 3.8-4.2 CPU-s instead of 4.6-4.7 (load under 1).
    A column the same on every first row and the same on every second (an RPW tier's dollar amount) crosses
    as a literal; the ``factored`` columns shared by a pair (an RPW service: provider, corridor, currencies,
    pay-in, payout, speed) cross once per distinct combination, in a table the merge reads by rowid, and
    each staged pair names its combination by number.
    Returns the rows left unpaired (for the ordinary stage) and how many rows the merge inserted or changed."""
    key, first, second = pairs
    # in key order, a pair's two rows are neighbours (the endings sort right after the same base): a row
    # ending in ``first`` pairs with the next one when that ends in ``second`` after the same base
    keyed = pl.col(key)
    base = keyed.str.slice(0, keyed.str.len_bytes() - len(first))
    starts = literals.select(
        keyed.str.ends_with(first) & keyed.shift(-1).str.ends_with(second)
        & (base == base.shift(-1)).fill_null(False)).to_series().fill_null(False)
    if not starts.any():
        return literals, 0
    ends = starts.shift(1, fill_value=False)
    a_rows = literals.filter(starts)
    b_rows = literals.filter(ends)
    columns = [c for c in literals.columns if c != key]
    shared = [c for c in columns if a_rows.get_column(c).eq_missing(b_rows.get_column(c)).all()]
    sided = {c: (a_rows.get_column(c)[0], b_rows.get_column(c)[0]) for c in columns if c not in shared
             and literals.schema[c] == pl.Int64 and all(rows.get_column(c).n_unique() == 1
                                                         and rows.get_column(c).null_count() == 0
                                                         for rows in (a_rows, b_rows))}
    varying = [c for c in columns if c not in shared and c not in sided]
    wide = a_rows.select(base.alias("_base"), *shared, *(pl.col(c).alias(f"a_{c}") for c in varying)).hstack(
        [b_rows.get_column(c).alias(f"b_{c}") for c in varying])
    del a_rows, b_rows
    apart = [c for c in factored if c in shared]
    combinations = wide.select(apart).unique(maintain_order=True) if apart else pl.DataFrame()
    if apart and combinations.height * FEW <= wide.height:
        combinations = combinations.with_row_index("_combination", offset=1).with_columns(
            pl.col("_combination").cast(pl.Int64))
        wide = wide.join(combinations, on=apart, how="left", nulls_equal=True, maintain_order="left").drop(apart)
        shared = [c for c in shared if c not in apart]
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {COMBINATIONS}")
        conn.exec_driver_sql(f"CREATE TEMPORARY TABLE {COMBINATIONS} AS SELECT "  # noqa: S608
                             + ", ".join(f'"{c}"' for c in apart) + f' FROM "{table.name}" WHERE 1 = 0')
        _copy_into_stage(conn, combinations.select("_combination", *apart), ["rowid", *apart], None, COMBINATIONS)
    else:
        apart = []
    stage_columns = ", ".join([f'"{key}" AS "_base"', *(f'"{c}"' for c in shared),
                               *(f'"{c}" AS "a_{c}"' for c in varying), *(f'"{c}" AS "b_{c}"' for c in varying),
                               *(['CAST(NULL AS INTEGER) AS "_combination"'] if apart else [])])
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {PAIRED}")
    conn.exec_driver_sql(f'CREATE TEMPORARY TABLE {PAIRED} AS SELECT {stage_columns} FROM "{table.name}" '  # noqa: S608
                         "WHERE 1 = 0")
    _copy_into_stage(conn, wide, wide.columns,
                     (lambda done, total: progress(2 * done, literals.height)) if progress else None, PAIRED)

    def value(n: str) -> str:
        if n == key:
            return f'"_base" || CASE t WHEN 1 THEN {_suffix(first)} ELSE {_suffix(second)} END'
        if n in sided:
            raw = "CASE t WHEN 1 THEN {} ELSE {} END".format(*(int(v) for v in sided[n]))
        elif n in apart:
            raw = f'{COMBINATIONS}."{n}"'
        else:
            raw = f'"{n}"' if n in shared else f'CASE t WHEN 1 THEN "a_{n}" ELSE "b_{n}" END'
        return f"CAST({raw} AS REAL) / 1e{integers[n]}" if n in integers else raw

    staged = [n for n in names if n not in constants]
    selected = ", ".join([*(value(n) for n in staged), *(_literal(v) for v in constants.values())])
    quoted = ", ".join(f'"{n}"' for n in names)
    merged = conn.exec_driver_sql(
        f'INSERT INTO "{table.name}" ({quoted}) SELECT {selected} FROM {PAIRED} '  # noqa: S608
        "JOIN (SELECT 1 AS t UNION ALL SELECT 2) "
        + (f'JOIN {COMBINATIONS} ON {COMBINATIONS}.rowid = {PAIRED}."_combination" ' if apart else "")
        + f"WHERE true ORDER BY {PAIRED}.rowid, t {_action(table, names, keys, not_compared)}").rowcount
    conn.exec_driver_sql(f"DROP TABLE {PAIRED}")
    if apart:
        conn.exec_driver_sql(f"DROP TABLE {COMBINATIONS}")
    rest = literals.filter(~(starts | ends))
    return rest, int(merged)
