"""Site-wide pages: home, language switch, health check, the staff desk and the admin outbox."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import Parameter
from litestar.response import File, Redirect, Response, Template
from sqlalchemy import and_, func, text
from sqlmodel import Session, col, select

from app.accounts.controller import safe_next
from app.accounts.guards import admin_only, staff_only
from app.assets import STATIC_DIR
from app.flash import flash
from app.i18n import LOCALES, _
from app.mail import retry_now
from app.middleware import LANG_COOKIE
from app.models import OutboxMessage
from app.settings import Settings


class SiteController(Controller):
    @get("/lang/{code:str}", sync_to_thread=False)
    def switch_language(self, code: str, settings: Settings,
                        next_: Annotated[str | None, Parameter(query="next")] = None) -> Redirect:
        response = Redirect(safe_next(next_))
        if code in LOCALES:
            response.set_cookie(LANG_COOKIE, code, max_age=365 * 24 * 3600, httponly=True,
                                samesite="lax", secure=settings.production)
        return response

    @get("/robots.txt", sync_to_thread=False, include_in_schema=False, media_type="text/plain")
    def robots(self) -> str:
        return "User-agent: *\nDisallow: /staff/\nDisallow: /admin/\nDisallow: /my/\n"

    @get("/favicon.ico", sync_to_thread=False, include_in_schema=False)
    def favicon(self) -> File:
        """Browsers ask for it on their own; pages link the SVG under a hashed URL."""
        return File(STATIC_DIR / "favicon.ico", media_type="image/x-icon", content_disposition_type="inline")

    @get("/healthz", sync_to_thread=True, include_in_schema=False)
    def healthz(self, request: Request[Any, Any, Any]) -> Response[dict[str, str]]:
        try:
            with request.app.state.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception as exc:  # noqa: BLE001 - any failure means "unreachable"
            return Response({"status": "error", "database": f"unreachable: {type(exc).__name__}"},
                            status_code=503)
        return Response({"status": "ok", "database": "ok"})

    @get("/staff/", guards=[staff_only], sync_to_thread=False)
    def staff_desk(self) -> Template:
        return Template("pages/staff_desk.html")

    @get("/admin/outbox", guards=[admin_only], sync_to_thread=True)
    def outbox(self, request: Request[Any, Any, Any], db: Session, settings: Settings,
               show: str = "all") -> Template:
        """Every message, newest first; `show=dead` lists the dead letters, `show=waiting` what is queued."""
        box = OutboxMessage
        states = {
            "sent": col(box.sent_at).is_not(None),
            "dead": col(box.failed_at).is_not(None),
            "waiting": and_(col(box.sent_at).is_(None), col(box.failed_at).is_(None)),
        }
        counts = {name: db.exec(select(func.count()).select_from(box).where(clause)).one()
                  for name, clause in states.items()}
        query = select(box).order_by(col(box.id).desc()).limit(100)
        if show in states:
            query = query.where(states[show])
        messages = db.exec(query).all()
        return Template("pages/outbox.html", context={
            "messages": messages, "counts": counts, "show": show if show in states else "all",
            "smtp": bool(settings.smtp_host)})

    @post("/admin/outbox/{message_id:int}/retry", guards=[admin_only], sync_to_thread=True)
    def outbox_retry(self, request: Request[Any, Any, Any], db: Session, message_id: int) -> Redirect:
        if retry_now(db, message_id):
            db.commit()
            flash(request, _("The message is queued again."), "success")
        return Redirect("/admin/outbox?show=dead")
