"""The programme's money pages: receiving accounts (admins, /admin/accounts) and matching statements to
pledges (staff, /staff/payments)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.response import Redirect, Template
from sqlmodel import Session, col, select

from app.accounts.guards import admin_only, staff_only
from app.billing import audit, methods, receiving, statements
from app.errors import DomainError, FormError, NotFound
from app.flash import flash
from app.i18n import _, ngettext
from app.marketplace.web import Form, Upload, page, signed_in
from app.models import Listing, Pledge, PledgeState, ReceivingAccount, StatementLine, User
from app.reference import country_name, reading_order
from app.settings import Settings


def accounts_context(db: Session) -> dict[str, Any]:
    accounts = list(db.exec(select(ReceivingAccount).order_by(col(ReceivingAccount.active).desc(),
                                                              col(ReceivingAccount.id))))
    countries = sorted(((code, country_name(code)) for code in receiving.PHONE_PLANS),
                       key=lambda pair: reading_order(pair[1]))
    currencies = [(code, f"{code} — {_(receiving.CURRENCY_NAMES[code])}") for code in receiving.BANK_CURRENCIES]
    return dict(accounts=accounts, operators=receiving.OPERATOR_LABELS, country_options=countries,
                currency_options=currencies, trail=audit.latest(db, 30, accounts_only=True), actions=audit.ACTIONS)


class ReceivingAccountController(Controller):
    path = "/admin/accounts"
    guards = [admin_only]

    @get("/", sync_to_thread=True)
    def index(self, db: Session) -> Template:
        return page("admin_accounts", errors={}, form={}, **accounts_context(db))

    @post("/", sync_to_thread=True)
    def add(self, request: Request[Any, Any, Any], data: Form, db: Session, user: User | None) -> Redirect:
        account, errors = receiving.read_form(data)
        if account is None:
            raise FormError("admin_accounts", errors, form=data, context=accounts_context(db))
        db.add(account)
        db.flush()
        audit.record(db, signed_in(user), "account_added", account_id=account.id, kind=account.kind,
                     holder=account.holder, iban=account.iban, bic=account.bic, operator=account.operator,
                     country=account.country, number=account.number, currency=account.currency)
        db.commit()
        flash(request, _("The account is added: members see it on their receipts from now on."), "success")
        return Redirect("/admin/accounts")

    @post("/{account_id:int}/{action:str}", sync_to_thread=True)
    def switch(self, request: Request[Any, Any, Any], account_id: int, action: str, db: Session,
               user: User | None) -> Redirect:
        account = db.get(ReceivingAccount, account_id)
        if account is None or action not in ("deactivate", "activate"):
            raise NotFound(_("We could not find this account."))
        account.active = action == "activate"
        db.add(account)
        audit.record(db, signed_in(user), f"account_{action}d", account_id=account.id)
        db.commit()
        flash(request, _("The account is shown to members again.") if account.active
              else _("The account is no longer shown to members."), "success")
        return Redirect("/admin/accounts")


def payments_context(db: Session) -> dict[str, Any]:
    waiting = statements.waiting(db)
    awaiting = db.exec(select(Pledge, Listing, User).join(Listing, col(Listing.id) == col(Pledge.listing_id))
                       .join(User, col(User.id) == col(Pledge.member_id))
                       .where(Pledge.state == PledgeState.awaiting_payment.value,
                              col(Pledge.method).in_([m.identifier for m in methods.REGISTRY.values() if m.manual]))
                       .order_by(col(Pledge.id)).limit(200)).all()
    accounts = receiving.active(db)
    return dict(waiting=waiting, decided=statements.recent(db, 30), awaiting=awaiting, accounts=accounts,
                reasons=statements.REASONS, trail=audit.latest(db, 50), actions=audit.ACTIONS,
                pledges_by_id={p.id: p for p in db.exec(select(Pledge).where(col(Pledge.id).in_(
                    [line.pledge_id for line in waiting + statements.recent(db, 30) if line.pledge_id])))})


class StatementController(Controller):
    path = "/staff/payments"
    guards = [staff_only]

    @get("/", sync_to_thread=True)
    def index(self, db: Session) -> Template:
        return page("staff_payments", errors={}, form={}, upload_errors=[], **payments_context(db))

    @post("/statements", sync_to_thread=True)
    def upload(self, request: Request[Any, Any, Any], data: Upload, db: Session, user: User | None,
               settings: Settings) -> Redirect:
        me = signed_in(user)
        form = {k: v for k, v in data.items() if isinstance(v, str)}
        file = data.get("statement")
        account = next((a for a in receiving.active(db) if str(a.id) == form.get("account")), None)
        errors: list[str] = []
        if account is None:
            errors.append(_("Please choose the account this statement is of."))
        chosen = isinstance(file, UploadFile) and bool(file.filename)
        if not chosen:
            errors.append(_("Choose a CSV file to upload."))
        content = file.file.read(statements.MAX_BYTES + 1) if isinstance(file, UploadFile) else b""
        parsed = statements.parse(content, account.currency) if account and chosen else None
        if parsed is not None:
            errors.extend(parsed.errors)
        if errors or parsed is None or account is None:
            raise FormError("staff_payments", {"statement": errors[0]}, form=form,
                            context=payments_context(db) | {"upload_errors": errors})
        summary = statements.store(db, parsed, account, me, settings.site_url)
        db.commit()
        flash(request, "; ".join([
            ngettext("%(num)s new line", "%(num)s new lines", summary.new),
            ngettext("%(num)s matched and marked received", "%(num)s matched and marked received", summary.matched),
            ngettext("%(num)s already uploaded", "%(num)s already uploaded", summary.already),
            ngettext("%(num)s debit skipped", "%(num)s debits skipped", summary.debits)]), "success")
        return Redirect("/staff/payments#waiting")

    @post("/lines/{line_id:int}/{action:str}", sync_to_thread=True)
    def decide(self, request: Request[Any, Any, Any], line_id: int, action: str, data: Form, db: Session,
               user: User | None, settings: Settings) -> Redirect:
        me = signed_in(user)
        if action not in ("assign", "ignore") or db.get(StatementLine, line_id) is None:
            raise NotFound(_("We could not find this statement line."))
        try:
            if action == "assign":
                pledge = statements.assign(db, line_id, data.get("pledge_reference", ""), data.get("note", ""), me,
                                           settings.site_url)
                message = _("Payment %(reference)s is marked as received.", reference=pledge.reference)
            else:
                statements.ignore(db, line_id, data.get("note", ""), me)
                message = _("The line is set aside as not a pledge's payment.")
        except DomainError as exc:
            db.rollback()
            failed = FormError.of(exc, "staff_payments", form=data | {"_line": str(line_id)},
                                  context=payments_context(db) | {"upload_errors": []})
            raise failed from exc
        db.commit()
        flash(request, message, "success")
        return Redirect("/staff/payments#waiting")
