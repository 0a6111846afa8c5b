"""The `passerelle` command: database, users, demo data, serving, collectors, scheduler."""

from __future__ import annotations

import sys
from pathlib import Path

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


@main.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path) -> None:
    """Write a backup of the database (DATABASE_URL) to PATH, while the app keeps running."""
    from app.backup import BackupError, backup

    try:
        backup(get_settings().database_url, path)
    except BackupError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    click.echo(f"backup written to {path} ({path.stat().st_size} bytes)")


@main.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(path: Path, yes: bool) -> None:
    """Replace the database (DATABASE_URL) with the backup at PATH. Stop the web and scheduler first."""
    from app.backup import BackupError, restore

    if not yes:
        click.confirm("This replaces every row of the database with the backup. Go on?", abort=True)
    try:
        restore(get_settings().database_url, path)
    except BackupError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    click.echo(f"database restored from {path}")


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
@click.option("--host", default=None, help="Default: HOST (127.0.0.1).")
@click.option("--port", type=int, default=None, help="The first worker's port; default: PORT (8000).")
@click.option("--workers", type=int, default=None,
              help="Web processes on consecutive ports from --port; default: WEB_WORKERS (1).")
def run(host: str | None, port: int | None, workers: int | None) -> None:
    """Serve the web application: one process, or N on consecutive ports for nginx to balance.

    Each worker runs the scheduler inside when SCHEDULER_ENABLED (one runner across processes, by
    the database lock); with several workers, prefer SCHEDULER_ENABLED=false and `passerelle scheduler`.
    """
    from app.workers import serve_one, supervise, worker_ports

    settings = get_settings()
    try:
        ports = worker_ports(port or settings.port, workers or settings.web_workers)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    if len(ports) == 1:
        serve_one(host or settings.host, ports[0], settings.forwarded_allow_ips, settings.web_access_log)
    else:
        sys.exit(supervise(host or settings.host, ports))


@main.command("nginx-site")
@click.option("--workers", type=int, default=None, help="Default: WEB_WORKERS.")
@click.option("--port", type=int, default=None, help="The first worker's port; default: PORT.")
@click.option("--listen", default="80", show_default=True, help="nginx's listen address (port, or host:port).")
@click.option("--server-name", default="_", show_default=True)
@click.option("--static-root", type=click.Path(file_okay=False), default=None,
              help="The app's static folder as the nginx host sees it; default: this checkout's.")
@click.option("--access-log", default="/var/log/nginx/passerelle.access.log", show_default=True)
def nginx_site(workers: int | None, port: int | None, listen: str, server_name: str, static_root: str | None,
               access_log: str) -> None:
    """Print the nginx site (upstreams, static files, forwarded headers) for this many workers."""
    from pathlib import Path

    from app.nginx import SiteOptions, render_site
    from app.settings import PROJECT_ROOT
    from app.workers import worker_ports

    settings = get_settings()
    options = SiteOptions(ports=worker_ports(port or settings.port, workers or settings.web_workers),
                          listen=listen, server_name=server_name,
                          static_root=Path(static_root) if static_root else PROJECT_ROOT / "app" / "static",
                          access_log=access_log)
    click.echo(render_site(options), nl=False)


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
