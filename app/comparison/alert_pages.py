"""Rate alert pages: subscribe from the comparison, confirm from the mail, unsubscribe from any mail."""

from __future__ import annotations

from typing import Annotated, Any

import anyio.to_thread
from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from sqlmodel import Session

from app import mail_limits
from app.comparison import alerts
from app.errors import DomainError, FormError
from app.flash import flash
from app.i18n import _
from app.limits import FORM_READS_LENGTHS, check_form
from app.mail_limits import Verdict
from app.numbers import parse_id
from app.settings import Settings

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


class AlertPages(Controller):
    path = "/alerts"

    @post("/", opt=FORM_READS_LENGTHS)
    async def subscribe(self, request: Request[Any, Any, Any], data: Form, db: Session,
                        settings: Settings) -> Redirect:
        data = {**data, **{name: data.get(name, "").strip() for name in ("from", "to", "kind")}}  # choices
        back = f"/?from={data.get('from', '')}&to={data.get('to', '')}&amount={data.get('amount', '')}"
        done = _("Almost done: open the link we have sent to %(email)s to start the alert.",
                 email=data.get("email", ""))
        # A mistyped address is answered as such before any limit: only mail we would send is counted.
        if not alerts.EMAIL_RE.match(alerts.normalise_email(data.get("email", ""))):
            raise FormError("alert_form", {"email": _("Please enter a valid e-mail address.")}, form=data,
                            context={"back": back})
        # So is any other refused field (a threshold of '1,5 %', an amount of 'abc'): it costs no mail.
        try:
            check_form(data, ("threshold", "email"), ("from", "to", "kind"))
            await anyio.to_thread.run_sync(lambda: alerts.check(
                db, settings, email=data.get("email", ""), source=data.get("from", ""),
                destination=data.get("to", ""), amount=data.get("amount", ""), kind=data.get("kind", ""),
                threshold=data.get("threshold", "")))
        except DomainError as exc:
            await anyio.to_thread.run_sync(db.rollback)
            raise FormError.of(exc, "alert_form", form=data, context={"back": back}) from exc
        verdict = await mail_limits.check_request(request, settings, "alert", data.get("email", ""))
        if verdict is Verdict.refuse:
            message = _("Too many messages were asked for from your connection. Please try again in an hour.")
            raise FormError("alert_form", {"form": message}, form=data, context={"back": back}, status=429)
        if verdict is Verdict.quiet:  # that address had its share of confirmation mails: the usual answer
            flash(request, done, "success")
            return Redirect(back)

        def work() -> None:
            alerts.subscribe(db, settings, email=data.get("email", ""), source=data.get("from", ""),
                             destination=data.get("to", ""), amount=data.get("amount", ""),
                             kind=data.get("kind", ""), threshold=data.get("threshold", ""))
            db.commit()

        try:
            await anyio.to_thread.run_sync(work)
        except DomainError as exc:
            await anyio.to_thread.run_sync(db.rollback)
            raise FormError.of(exc, "alert_form", form=data, context={"back": back}) from exc
        flash(request, done, "success")
        return Redirect(back)

    @get("/confirm", sync_to_thread=True)
    def confirm(self, db: Session, token: str = "") -> Template:
        try:
            alert = alerts.confirm(db, token)
            db.commit()
        except DomainError as exc:
            return Template("pages/error.html", status_code=400,
                            context={"status": 400, "title": _("Link not valid"), "message": exc.message})
        return Template("pages/alert_done.html", context={"alert": alert, "confirmed": True})

    @get("/unsubscribe", sync_to_thread=False)
    def unsubscribe_page(self, alert: int = 0, key: str = "") -> Template:
        return Template("pages/alert_unsubscribe.html", context={"alert_id": alert, "key": key})

    @post("/unsubscribe", sync_to_thread=True)
    def unsubscribe(self, data: Form, db: Session, settings: Settings) -> Template:
        try:
            alert = alerts.unsubscribe(db, settings, parse_id(data.get("alert")) or 0, data.get("key", ""))
            db.commit()
        except (DomainError, ValueError):
            return Template("pages/error.html", status_code=400, context={
                "status": 400, "title": _("Link not valid"), "message": _("This link is invalid or has expired.")})
        return Template("pages/alert_done.html", context={"alert": alert, "confirmed": False})
