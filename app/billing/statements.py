"""Bank and mobile-money statements staff upload, matched against the pledges they pay.

`parse` reads the CSV (pure: bytes in, rows or line-numbered errors out); `store` keeps each credit line once
(its fingerprint: uploading a statement again adds nothing); `settle` marks a line's pledge received when the
line is exact (a valid reference, the amount due in the line's currency), else leaves it for a decision:
`assign` to a pledge (a note is required when the amount differs) or `ignore`. Every change of a line is a
compare-and-set on its state, and the pledge moves through `outcomes.report` (itself a compare-and-set),
so two people, or one person twice, never mark the same money received twice.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.billing import audit, methods, references
from app.billing.outcomes import Outcome, report
from app.billing.receiving import due_in
from app.errors import BadInput, Conflict, NotFound
from app.i18n import N_, _
from app.models import LineState, Pledge, PledgeState, ReceivingAccount, StatementLine, User
from app.models.base import utcnow
from app.numbers import parse_decimal
from basics.minor_units import places

MAX_BYTES = 2_000_000
MAX_ROWS = 5_000
MAX_ERRORS = 20
TEXT = 140
# The column names banks and operators print, in English and French (compared without case or accents).
COLUMNS = {
    "date": ("date", "booking date", "value date", "date operation", "date d'operation", "date de valeur"),
    "amount": ("amount", "credit", "montant", "montant credit"),
    "reference": ("reference", "ref", "description", "libelle", "motif", "communication"),
    "payer": ("payer", "name", "sender", "payeur", "emetteur", "donneur d'ordre", "nom", "expediteur"),
    "currency": ("currency", "devise"),
}
REQUIRED = ("date", "amount", "reference", "payer")
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y")
_ACCENTS = str.maketrans("éèêëàâîïôöûüç’", "eeeeaaiioouuc'")


@dataclass(frozen=True)
class Row:
    line: int
    booked_on: date
    amount: Decimal
    currency: str
    reference: str
    payer: str


@dataclass
class Parsed:
    rows: list[Row] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    debits: int = 0  # money going out: not for matching, counted so staff know why lines are missing


def _name(header: str) -> str:
    return " ".join(header.strip().lower().translate(_ACCENTS).replace("_", " ").split())


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")  # spreadsheets on Windows save Latin-1


def _read_date(text: str) -> date | None:
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), pattern).replace(tzinfo=UTC).date()
        except ValueError:
            continue
    return None


def parse(content: bytes, currency: str) -> Parsed:
    """The credit lines of a statement in `currency` (or a `currency` column), or every error, each with its line."""
    result = Parsed()
    if not content.strip():
        result.errors.append(_("The file is empty."))
        return result
    if len(content) > MAX_BYTES:
        result.errors.append(_("The file is too large: at most %(mb)s MB.", mb=MAX_BYTES // 1_000_000))
        return result
    if b"\x00" in content[:4096]:
        result.errors.append(_("This is not a CSV file (a spreadsheet? Save it as CSV first)."))
        return result
    text = _decode(content)
    first = text.splitlines()[0] if text.splitlines() else ""
    delimiter = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = [_name(cell) for cell in next(reader)]
    except (StopIteration, csv.Error):
        result.errors.append(_("The file has no header line."))
        return result
    where = {key: next((i for i, name in enumerate(header) if name in names), None) for key, names in COLUMNS.items()}
    missing = [key for key in REQUIRED if where[key] is None]
    if missing:
        result.errors.append(_("The first line must name the columns date, amount, reference and payer; missing: "
                               "%(missing)s.", missing=", ".join(missing)))
        return result
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if number - 1 > MAX_ROWS:
                result.errors.append(_("The file has more than %(n)s lines; please upload it in parts.", n=MAX_ROWS))
                break
            _row(result, number, cells, where, currency)
            if len(result.errors) >= MAX_ERRORS:
                result.errors.append(_("… and maybe more: the first %(n)s errors are shown.", n=MAX_ERRORS))
                break
    except csv.Error as exc:
        result.errors.append(_("Line %(line)s: the file is not valid CSV (%(why)s).", line=reader.line_num, why=exc))
    return result


def _row(result: Parsed, number: int, cells: list[str], where: dict[str, int | None], currency: str) -> None:
    def cell(key: str) -> str:
        index = where[key]
        return cells[index].strip() if index is not None and index < len(cells) else ""

    line_currency = (cell("currency") or currency).upper()
    errors = []
    booked_on = _read_date(cell("date"))
    if booked_on is None:
        errors.append(_("the date “%(value)s” is not a date (2026-12-01 or 01/12/2026)", value=cell("date")[:40]))
    raw_amount = cell("amount").replace("\u2212", "-")
    if raw_amount.startswith("-"):
        result.debits += 1
        return
    if line_currency not in ("EUR", "XOF", "XAF"):
        errors.append(_("the currency “%(value)s” is not one the programme receives", value=line_currency[:10]))
        amount = Decimal(0)
    else:
        try:
            amount = parse_decimal(raw_amount, field="amount", places=0 if places(line_currency) == 1 else 2,
                                   minimum=places(line_currency), maximum=Decimal(10) ** 12, currency=line_currency)
        except BadInput as exc:
            errors.append(_("the amount “%(value)s”: %(why)s", value=raw_amount[:40], why=exc.message))
            amount = Decimal(0)
    if len(cell("reference")) > TEXT:
        errors.append(_("the reference is longer than %(n)s characters", n=TEXT))
    if len(cell("payer")) > TEXT:
        errors.append(_("the payer is longer than %(n)s characters", n=TEXT))
    if errors:
        result.errors.append(_("Line %(line)s: %(errors)s.", line=number, errors="; ".join(errors)))
    elif booked_on is not None:
        result.rows.append(Row(number, booked_on, amount, line_currency, cell("reference"), cell("payer")))


def _fingerprint(account_id: int | None, row: Row, rank: int) -> str:
    key = "|".join(str(part) for part in (account_id, row.booked_on.isoformat(), row.amount.normalize(), row.currency,
                                           " ".join(row.reference.split()).upper(), " ".join(row.payer.split()).upper(),
                                           rank))
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass
class Summary:
    new: int = 0
    already: int = 0
    matched: int = 0
    debits: int = 0
    lines: list[StatementLine] = field(default_factory=list)


def store(session: Session, parsed: Parsed, account: ReceivingAccount | None, staff: User,
          site_url: str = "") -> Summary:
    """Keep the statement's new lines and settle each; lines already uploaded are counted, not added."""
    summary = Summary(debits=parsed.debits)
    account_id = account.id if account else None
    ranks: Counter[tuple[object, ...]] = Counter()
    for row in parsed.rows:
        key = (row.booked_on, row.amount, row.currency, row.reference, row.payer)
        ranks[key] += 1
        fingerprint = _fingerprint(account_id, row, ranks[key])
        if session.exec(select(StatementLine.id).where(StatementLine.fingerprint == fingerprint)).first():
            summary.already += 1
            continue
        line = StatementLine(account_id=account_id, booked_on=row.booked_on, amount=row.amount,
                             currency=row.currency, reference=row.reference, payer=row.payer,
                             fingerprint=fingerprint, uploaded_by=staff.id)
        session.add(line)
        session.flush()
        summary.new += 1
        summary.lines.append(line)
        if settle(session, line, staff, site_url):
            summary.matched += 1
    audit.record(session, staff, "statement_uploaded", account_id=account_id, new=summary.new,
                 already=summary.already, matched=summary.matched, debits=summary.debits)
    return summary


def _pledge_for(session: Session, text: str) -> tuple[Pledge | None, str]:
    """The pledge a statement's reference names, or why none: a reason code."""
    found = references.find(text)
    if not found:
        return None, "bad_check_digits" if references.looks_like_one(text) else "no_reference"
    pledges = [p for p in (session.exec(select(Pledge).where(Pledge.reference == r)).first() for r in found) if p]
    if not pledges:
        return None, "unknown_reference"
    if len(pledges) > 1:
        return None, "several_references"
    return pledges[0], ""


def settle(session: Session, line: StatementLine, staff: User, site_url: str = "") -> bool:
    """Mark the line's pledge received if the line is exact; else record why it waits for a decision."""
    pledge, reason = _pledge_for(session, line.reference)
    if pledge is not None:
        method = methods.get(pledge.method)
        if not method.manual:
            reason = "card_pledge"
        elif pledge.state != PledgeState.awaiting_payment.value:
            reason = "not_awaiting"
        elif method.confirm(session, pledge, line.amount, line.currency) != Outcome.paid:
            reason = "amount_differs"
        elif report(session, pledge, Outcome.paid, site_url):
            _claim(session, line, pledge, staff, "")
            audit.record(session, staff, "line_matched", pledge_id=pledge.id, line_id=line.id, automatic=True,
                         amount=line.amount, currency=line.currency, reference=pledge.reference)
            return True
        else:
            reason = "not_awaiting"  # another actor moved it a moment ago
    line.reason = reason
    line.pledge_id = pledge.id if pledge else None
    session.add(line)
    return False


def _claim(session: Session, line: StatementLine, pledge: Pledge | None, staff: User, note: str,
           to: LineState = LineState.matched) -> None:
    """Decide the line once: a compare-and-set from `unmatched`; a second decision gets a Conflict."""
    now = utcnow()
    done = session.execute(update(StatementLine).where(col(StatementLine.id) == line.id,
                                                       col(StatementLine.state) == LineState.unmatched.value)
                           .values(state=to.value, pledge_id=pledge.id if pledge else line.pledge_id,
                                   decided_by=staff.id, decided_at=now, note=note))
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(_("This line was already decided a moment ago. Please reload the page."))
    session.refresh(line)


def _locked_line(session: Session, line_id: int) -> StatementLine:
    line = session.get(StatementLine, line_id, populate_existing=True)
    if line is None:
        raise NotFound(_("We could not find this statement line."))
    if line.state != LineState.unmatched.value:
        raise Conflict(_("This line was already decided a moment ago. Please reload the page."))
    return line


def assign(session: Session, line_id: int, reference: str, note: str, staff: User, site_url: str = "") -> Pledge:
    """Staff say which pledge an unmatched line pays; it is marked received (a note if the amount differs)."""
    line = _locked_line(session, line_id)
    found = references.find(reference)
    if not found:
        raise BadInput(_("This is not a valid pledge reference (for example P-K7Q3XM9-42): check each "
                         "character."), field="pledge_reference")
    pledge = session.exec(select(Pledge).where(Pledge.reference == found[0])).first()
    if pledge is None:
        raise BadInput(_("No pledge has the reference %(reference)s.", reference=found[0]), field="pledge_reference")
    method = methods.get(pledge.method)
    if not method.manual:
        raise Conflict(_("Card payments are confirmed by Stripe, not by hand."), field="pledge_reference")
    due = due_in(pledge.amount, pledge.currency, line.currency)
    exact = method.confirm(session, pledge, line.amount, line.currency) == Outcome.paid
    note = note.strip()
    if not exact and not note:
        raise BadInput(_("The line is not the amount due (%(due)s %(currency)s): say in a note why it pays this "
                         "pledge.", due=due if due is not None else "?", currency=line.currency), field="note")
    _claim(session, line, pledge, staff, note)
    if not report(session, pledge, Outcome.paid, site_url):
        raise Conflict(_("Pledge %(reference)s is not waiting for a payment (it is already received, cancelled "
                         "or released).", reference=pledge.reference), field="pledge_reference")
    audit.record(session, staff, "line_matched", pledge_id=pledge.id, line_id=line.id, automatic=False,
                 amount=line.amount, currency=line.currency, reference=pledge.reference, note=note)
    return pledge


def ignore(session: Session, line_id: int, note: str, staff: User) -> StatementLine:
    """Staff say an unmatched line is not the money of a pledge."""
    line = _locked_line(session, line_id)
    _claim(session, line, None, staff, note.strip(), to=LineState.ignored)
    audit.record(session, staff, "line_ignored", line_id=line.id, amount=line.amount, currency=line.currency,
                 note=note.strip())
    return line


def waiting(session: Session, limit: int = 200) -> list[StatementLine]:
    return list(session.exec(select(StatementLine).where(StatementLine.state == LineState.unmatched.value)
                             .order_by(col(StatementLine.booked_on), col(StatementLine.id)).limit(limit)))


def recent(session: Session, limit: int = 50) -> list[StatementLine]:
    return list(session.exec(select(StatementLine).where(StatementLine.state != LineState.unmatched.value)
                             .order_by(col(StatementLine.decided_at).desc(), col(StatementLine.id).desc())
                             .limit(limit)))


# Why a line waits for a decision, as the staff page says it.
REASONS = {
    "no_reference": N_("No pledge reference in the line."),
    "bad_check_digits": N_("A reference with wrong check digits: probably mistyped."),
    "unknown_reference": N_("No pledge has this reference."),
    "several_references": N_("The line names several pledges."),
    "card_pledge": N_("This pledge is paid by card, through Stripe."),
    "not_awaiting": N_("This pledge is not waiting for a payment (already received, cancelled or released)."),
    "amount_differs": N_("The amount is not the amount due."),
}
