"""The `passerelle` command: database, users, demo data, serving, collectors, scheduler."""

from __future__ import annotations

import sys

import click

from app.settings import get_settings


@click.group()
def main() -> None:
    """Passerelle: remittance price comparison and a marketplace of vetted projects."""


@main.group()
def db() -> None:
    """Database schema (Alembic)."""


@db.command("upgrade")
@click.argument("revision", default="heads")
def db_upgrade(revision: str) -> None:
    """Migrate up to REVISION (default: every head) and seed reference data."""
    from app.schema import upgrade

    upgrade(revision=revision)
    click.echo(f"database at {revision}")


@db.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Migrate down to REVISION (e.g. base, or a revision id)."""
    from app.schema import downgrade

    downgrade(revision)
    click.echo(f"database at {revision}")


@main.group()
def users() -> None:
    """User accounts."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--password", required=True, help="At least 10 characters.")
@click.option("--role", type=click.Choice(["member", "promoter", "staff", "admin"]), default="member")
@click.option("--name", "display_name", default="")
def users_create(email: str, password: str, role: str, display_name: str) -> None:
    """Create a verified account with ROLE (the way to make staff and admins)."""
    from app.accounts.service import create_user
    from app.db import session_scope
    from app.errors import DomainError

    try:
        with session_scope() as session:
            user = create_user(session, email, password, role=role, display_name=display_name,
                               verified=True)
            click.echo(f"created {role} {user.email}")
    except DomainError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(2)


@main.group()
def demo() -> None:
    """Bundled demo data."""


@demo.command("load")
@click.option("--if-empty", is_flag=True, help="Only when the database holds no demo data yet.")
def demo_load(if_empty: bool) -> None:
    """Load the bundled real data (prices, rates, history, example projects)."""
    from app.demo import load_demo

    click.echo(load_demo(only_if_empty=if_empty))


@main.command("run")
@click.option("--host", default=None)
@click.option("--port", type=int, default=None)
@click.option("--workers", type=int, default=1)
def run(host: str | None, port: int | None, workers: int) -> None:
    """Serve the web application (with the scheduler inside when SCHEDULER_ENABLED and one worker)."""
    import uvicorn

    settings = get_settings()
    uvicorn.run("app.asgi:app", host=host or settings.host, port=port or settings.port,
                workers=workers, proxy_headers=True, log_level="info")


@main.command("scheduler")
def scheduler() -> None:
    """Run the scheduler alone (for several web workers or hosts); stops cleanly on SIGTERM or Ctrl-C."""
    import logging
    import signal
    import threading

    from app.db import get_engine
    from app.scheduler import CollectorScheduler

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    settings = get_settings()
    runner = CollectorScheduler(settings, get_engine(settings.database_url))
    runner.start()
    click.echo("scheduler started; it runs jobs while it holds the runner lock")
    while not stop.wait(1):  # a timed wait lets the signal handler run promptly
        pass
    runner.stop()
    click.echo("scheduler stopped")


def _attach_domain_commands() -> None:
    from app.comparison.alerts import register_hooks
    from app.comparison.commands import COMMANDS
    from app.marketplace.commands import audit, campaigns

    register_hooks()  # collectors run from the command (import-rpw, collect, scheduler) check alerts too

    main.add_command(audit)
    main.add_command(campaigns)
    for command in COMMANDS:
        main.add_command(command)


_attach_domain_commands()

if __name__ == "__main__":
    main()
