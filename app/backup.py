"""Backups a small programme office can run: `passerelle backup PATH` and `passerelle restore PATH`.

SQLite: the online backup API copies a consistent snapshot while the app keeps serving, and restore
copies a backup file back page by page. PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean`
(Debian's postgresql-client of the server's major version). The database URL comes from settings;
a password in it is handed to pg_dump through PGPASSWORD, never on its command line.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from urllib.parse import unquote

from sqlalchemy.engine import make_url

SQLITE_HEADER = b"SQLite format 3\x00"
PGDUMP_HEADER = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that could not be made; the message says why, for a person."""


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def _postgres(url: str) -> tuple[list[str], dict[str, str]]:
    """libpq connection arguments and environment for pg_dump/pg_restore, and the schema if one is set."""
    parsed = make_url(url)
    args = ["--host", parsed.host or "127.0.0.1", "--port", str(parsed.port or 5432),
            "--username", parsed.username or "postgres", "--dbname", parsed.database or "postgres", "--no-password"]
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    options = unquote(str(parsed.query.get("options", "")))
    if "search_path=" in options:  # a database shared by schema (as the tests do): that schema only
        schema = options.split("search_path=", 1)[1].split()[0].split(",")[0]
        args += ["--schema", schema]
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed: apt-get install postgresql-client (the server's major version)")
    return path


def _run(command: list[str], env: dict[str, str]) -> None:
    # The command is ours (pg_dump/pg_restore found on PATH, arguments from settings), never a shell.
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=3600, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()[-2000:]}")


def backup(url: str, target: Path) -> Path:
    """Write a backup of the database at `url` to `target` (a file; its folder is created)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("sqlite"):
        source_path = _sqlite_path(url)
        if not source_path.exists():
            raise BackupError(f"no database at {source_path}")
        partial = target.with_name(target.name + ".partial")
        partial.unlink(missing_ok=True)
        with sqlite3.connect(source_path) as source, sqlite3.connect(partial) as copy:
            source.backup(copy)  # a consistent snapshot, even while the app writes
        source.close()
        copy.close()
        partial.replace(target)
        return target
    if url.startswith("postgresql"):
        args, env = _postgres(url)
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", str(target), *args], env)
        return target
    raise BackupError(f"backups of {make_url(url).get_backend_name()} databases are not supported")


def restore(url: str, source: Path) -> None:
    """Replace the database at `url` with the backup `source`. Stop the web and scheduler first."""
    if not source.is_file():
        raise BackupError(f"no backup file at {source}")
    header = source.open("rb").read(16)
    if url.startswith("sqlite"):
        if header != SQLITE_HEADER:
            raise BackupError(f"{source} is not an SQLite backup")
        target_path = _sqlite_path(url)
        target_path.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(source) as backup_file, sqlite3.connect(target_path) as live:
            backup_file.backup(live)  # page by page, under the database's own lock
        backup_file.close()
        live.close()
        return
    if url.startswith("postgresql"):
        if not header.startswith(PGDUMP_HEADER):
            raise BackupError(f"{source} is not a pg_dump custom-format backup")
        args, env = _postgres(url)
        _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
              "--exit-on-error", *args, str(source)], env)
        return
    raise BackupError(f"restores of {make_url(url).get_backend_name()} databases are not supported")
