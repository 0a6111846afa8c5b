"""`passerelle audit verify` and `passerelle campaigns close`."""

from __future__ import annotations

import sys

import click


@click.group()
def audit() -> None:
    """The vetting audit trail."""


@audit.command("verify")
def audit_verify() -> None:
    """Recompute every hash chain (listings, needs, hosts); exit 1 and list the problems if any was tampered with."""
    from app.db import session_scope
    from app.marketplace.audit import verify

    with session_scope() as session:
        problems = verify(session)
    for problem in problems:
        row = f", audit row {problem.entry_id}" if problem.entry_id else ""
        where = f"{problem.subject} {problem.subject_id}{row}"
        click.echo(f"TAMPERED {where}: {problem.message}", err=True)
    if problems:
        sys.exit(1)
    click.echo("audit trail intact")


@click.group()
def campaigns() -> None:
    """Marketplace campaigns."""


@campaigns.command("close")
def campaigns_close() -> None:
    """Close campaigns past their deadline, then charge or release their pledges (safe to repeat)."""
    from app.db import session_scope
    from app.marketplace.campaigns import close_due_campaigns

    with session_scope() as session:
        click.echo(str(close_due_campaigns(session)))
