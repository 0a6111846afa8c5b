"""Account pages: register, log in/out, verify e-mail, reset password, my account."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlsplit

import anyio.to_thread
from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from litestar.response import Redirect, Template
from sqlmodel import Session

from app.accounts import service
from app.accounts.guards import requires_login
from app.accounts.ratelimit import LoginThrottle
from app.errors import DomainError, FormError
from app.flash import flash
from app.i18n import _, current_locale
from app.models import User
from app.settings import Settings

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


def safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect would let phishers borrow our name."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _client(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


def _form_page(name: str, form: dict[str, str], **extra: Any) -> Template:
    return Template(f"pages/{name}.html", context={"form": form, "errors": {}, **extra})


def _refused(name: str, form: dict[str, str], error: DomainError, status: int = 400, **extra: Any) -> FormError:
    """The form `name` again with the error beside its field; passwords are never sent back."""
    refusal = FormError.of(error, name, form=form, context=extra)
    refusal.status_code = status
    return refusal


class AccountController(Controller):
    @get("/register", sync_to_thread=False)
    def register_page(self) -> Template:
        return _form_page("register", {"role": "member"})

    @post("/register", sync_to_thread=True)
    def register(self, request: Request[Any, Any, Any], data: Form, db: Session,
                 settings: Settings) -> Redirect:
        try:
            user = service.register(db, data.get("email", ""), data.get("password", ""),
                                    data.get("role", "member"), data.get("display_name", ""),
                                    current_locale.get(), settings.site_url)
            db.commit()
        except DomainError as exc:
            db.rollback()
            raise _refused("register", data, exc) from exc
        flash(request, _("Welcome! We have sent a confirmation link to %(email)s.", email=user.email))
        request.set_session({"uid": user.id})
        return Redirect("/account")

    @get("/verify", sync_to_thread=True)
    def verify(self, request: Request[Any, Any, Any], db: Session, token: str = "") -> Redirect | Template:
        try:
            service.verify_email(db, token)
            db.commit()
        except DomainError as exc:
            db.rollback()
            return Template("pages/error.html", status_code=400,
                            context={"status": 400, "title": _("Link not valid"), "message": exc.message})
        flash(request, _("Thank you: your e-mail address is confirmed."), "success")
        return Redirect("/account" if request.session.get("uid") else "/login")

    @get("/login", sync_to_thread=False)
    def login_page(self, next_: Annotated[str, Parameter(query="next")] = "/") -> Template:
        return _form_page("login", {}, next=safe_next(next_))

    @post("/login")
    async def login(self, request: Request[Any, Any, Any], data: Form, db: Session,
                    settings: Settings) -> Redirect:
        email, password = data.get("email", ""), data.get("password", "")
        target = safe_next(data.get("next"))
        throttle = LoginThrottle(request.app.stores.get("ratelimit"), settings.login_max_failures,
                                 settings.login_window_seconds)
        if await throttle.blocked(email, _client(request)):
            error = DomainError(_("Too many failed attempts. Please wait 15 minutes or reset your password."))
            raise _refused("login", data, error, status=429, next=target)
        user = await anyio.to_thread.run_sync(service.authenticate, db, email, password)
        await anyio.to_thread.run_sync(db.commit)  # a rehashed password is kept
        if user is None:
            await throttle.failed(email, _client(request))
            raise _refused("login", data, DomainError(_("Wrong e-mail address or password.")), next=target)
        await throttle.succeeded(email, _client(request))
        request.clear_session()
        request.set_session({"uid": user.id})
        return Redirect(target)

    @post("/logout", sync_to_thread=False)
    def logout(self, request: Request[Any, Any, Any]) -> Redirect:
        request.clear_session()
        return Redirect("/")

    @get("/password/forgot", sync_to_thread=False)
    def forgot_page(self) -> Template:
        return _form_page("password_forgot", {})

    @post("/password/forgot", sync_to_thread=True)
    def forgot(self, request: Request[Any, Any, Any], data: Form, db: Session, settings: Settings) -> Redirect:
        service.request_reset(db, data.get("email", ""), settings.site_url)
        db.commit()
        flash(request, _("If an account exists for this address, a reset link is on its way."))
        return Redirect("/login")

    @get("/password/reset", sync_to_thread=False)
    def reset_page(self, token: str = "") -> Template:
        return _form_page("password_reset", {"token": token})

    @post("/password/reset", sync_to_thread=True)
    def reset(self, request: Request[Any, Any, Any], data: Form, db: Session) -> Redirect:
        try:
            service.reset_password(db, data.get("token", ""), data.get("password", ""))
            db.commit()
        except DomainError as exc:
            db.rollback()
            raise _refused("password_reset", data, exc) from exc
        flash(request, _("Your password is changed. You can log in now."), "success")
        return Redirect("/login")

    @get("/account", guards=[requires_login], sync_to_thread=True)
    def account(self, request: Request[Any, Any, Any], user: User, db: Session,
                settings: Settings) -> Template:
        return Template("pages/account.html", context={"account": user})

    @post("/account/verify-again", guards=[requires_login], sync_to_thread=True)
    def verify_again(self, request: Request[Any, Any, Any], user: User, db: Session,
                     settings: Settings) -> Redirect:
        if user.email_verified_at is None:
            service.send_verification(db, user, settings.site_url)
            db.commit()
            flash(request, _("We have sent a new confirmation link to %(email)s.", email=user.email))
        return Redirect("/account")
