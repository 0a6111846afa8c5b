"""Account pages: register, log in/out, verify e-mail, reset password, my account and its data."""

from __future__ import annotations

import json
from typing import Annotated, Any
from urllib.parse import urlsplit

import anyio.to_thread
from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from litestar.response import Redirect, Response, Template
from sqlmodel import Session

from app import limits, mail_limits
from app.accounts import data_rights, service
from app.accounts.guards import requires_login
from app.accounts.ratelimit import LoginThrottle
from app.errors import BadInput, DomainError, FormError
from app.flash import flash
from app.i18n import _, current_locale
from app.limits import FORM_READS_LENGTHS
from app.mail_limits import Verdict
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

    @post("/register", opt=FORM_READS_LENGTHS)
    async def register(self, request: Request[Any, Any, Any], data: Form, db: Session,
                       settings: Settings) -> Redirect:
        data = {**data, "role": data.get("role", "member").strip()}  # a radio's value, as stray spaces leave it
        email = data.get("email", "")
        try:
            limits.check_form(data, ("display_name", "email", "password"), ("role",))
            service.check_registration(email, data.get("password", ""), data.get("role", "member"))
        except DomainError as exc:
            raise _refused("register", data, exc) from exc
        verdict = await mail_limits.check_request(request, settings, "register", service.normalise_email(email))
        if verdict is Verdict.refuse:
            raise _refused("register", data, _too_many(), status=429)
        locale = current_locale.get()

        def work() -> None:
            service.register(db, email, data.get("password", ""), data.get("role", "member"),
                             data.get("display_name", ""), locale, settings.site_url,
                             send=verdict is Verdict.send)
            db.commit()

        try:
            await anyio.to_thread.run_sync(work)
        except DomainError as exc:
            await anyio.to_thread.run_sync(db.rollback)
            raise _refused("register", data, exc) from exc
        # The same answer whether the address was new or had an account: see service.register.
        flash(request, _("Thank you. We have sent a message to %(email)s: open it to continue. "
                         "If your account is new, you can already log in.",
                         email=service.normalise_email(email)), "success")
        return Redirect("/login")

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

    @post("/login", opt=FORM_READS_LENGTHS)
    async def login(self, request: Request[Any, Any, Any], data: Form, db: Session,
                    settings: Settings) -> Redirect:
        email, password = data.get("email", ""), data.get("password", "")
        target = safe_next(data.get("next"))
        try:
            limits.check_form(data, ("email", "password"))
        except DomainError as exc:
            raise _refused("login", data, exc, next=target) from exc
        throttle = LoginThrottle(request.app.stores.get("ratelimit"), settings.login_max_failures,
                                 settings.login_window_seconds)
        if not await throttle.attempt(email, _client(request)):
            error = DomainError(_("Too many failed attempts. Please wait 15 minutes or reset your password."))
            raise _refused("login", data, error, status=429, next=target)
        user = await anyio.to_thread.run_sync(service.authenticate, db, email, password)
        await anyio.to_thread.run_sync(db.commit)  # a rehashed password is kept
        if user is None:
            raise _refused("login", data, DomainError(_("Wrong e-mail address or password.")), next=target)
        await throttle.succeeded(email, _client(request))
        request.clear_session()
        request.set_session({"uid": user.id, "epoch": user.session_epoch})
        return Redirect(target)

    @post("/logout", sync_to_thread=False)
    def logout(self, request: Request[Any, Any, Any]) -> Redirect:
        request.clear_session()
        return Redirect("/")

    @get("/password/forgot", sync_to_thread=False)
    def forgot_page(self) -> Template:
        return _form_page("password_forgot", {})

    @post("/password/forgot", opt=FORM_READS_LENGTHS)
    async def forgot(self, request: Request[Any, Any, Any], data: Form, db: Session,
                     settings: Settings) -> Redirect:
        try:
            limits.check_form(data, ("email",))
        except DomainError as exc:
            raise _refused("password_forgot", data, exc) from exc
        email = data.get("email", "")
        # Counted on the address typed, account or not, so that a refusal tells nothing either.
        verdict = await mail_limits.check_request(request, settings, "reset", service.normalise_email(email))
        if verdict is Verdict.refuse:
            raise _refused("password_forgot", data, _too_many(), status=429)
        if verdict is Verdict.send:
            def work() -> None:
                service.request_reset(db, email, settings.site_url)
                db.commit()

            await anyio.to_thread.run_sync(work)
        flash(request, _("If an account exists for this address, a reset link is on its way."))
        return Redirect("/login")

    @get("/password/reset", sync_to_thread=False)
    def reset_page(self, token: str = "") -> Template:
        return _form_page("password_reset", {"token": token})

    @post("/password/reset", sync_to_thread=True, opt=FORM_READS_LENGTHS)
    def reset(self, request: Request[Any, Any, Any], data: Form, db: Session) -> Redirect:
        try:
            limits.check_form(data, ("password",))
            service.reset_password(db, data.get("token", ""), data.get("password", ""))
            db.commit()
        except DomainError as exc:
            db.rollback()
            raise _refused("password_reset", data, exc) from exc
        flash(request, _("Your password is changed, and every session that was open is signed out. "
                         "You can log in now."), "success")
        return Redirect("/login")

    @get("/account", guards=[requires_login], sync_to_thread=True)
    def account(self, request: Request[Any, Any, Any], user: User, db: Session,
                settings: Settings) -> Template:
        return Template("pages/account.html", context={"account": user, "errors": {}, "form": {}})

    @post("/account/verify-again", guards=[requires_login])
    async def verify_again(self, request: Request[Any, Any, Any], user: User, db: Session,
                           settings: Settings) -> Redirect:
        if user.email_verified_at is None:
            verdict = await mail_limits.check_request(request, settings, "register", user.email)
            if verdict is Verdict.refuse:
                raise _refused("account", {}, _too_many(), status=429, account=user)
            if verdict is Verdict.send:
                def work() -> None:
                    service.send_verification(db, user, settings.site_url)
                    db.commit()

                await anyio.to_thread.run_sync(work)
            flash(request, _("We have sent a new confirmation link to %(email)s.", email=user.email))
        return Redirect("/account")

    @post("/account/password", guards=[requires_login], sync_to_thread=True, opt=FORM_READS_LENGTHS)
    def change_password(self, request: Request[Any, Any, Any], data: Form, user: User, db: Session) -> Redirect:
        account = db.get(User, user.id)
        assert account is not None
        try:
            limits.check_form(data, ("current_password", "new_password"))
            epoch = service.change_password(db, account, data.get("current_password", ""),
                                            data.get("new_password", ""))
            db.commit()
        except DomainError as exc:
            db.rollback()
            if exc.field == "password":
                exc.field = "new_password"
            raise _refused("account", {}, exc, account=user) from exc
        # This session goes on in the new epoch; every other one has ended.
        request.session["epoch"] = epoch
        flash(request, _("Your password is changed. Your other sessions are signed out."), "success")
        return Redirect("/account")

    @post("/account/sign-out-everywhere", guards=[requires_login], sync_to_thread=True)
    def sign_out_everywhere(self, request: Request[Any, Any, Any], user: User, db: Session) -> Redirect:
        account = db.get(User, user.id)
        assert account is not None
        service.end_sessions(db, account)
        db.commit()
        request.set_session({})  # a fresh, anonymous session that only carries the message below
        flash(request, _("You are signed out on every device."), "success")
        return Redirect("/login")

    @post("/account/export", guards=[requires_login], sync_to_thread=True, opt=FORM_READS_LENGTHS)
    def export(self, request: Request[Any, Any, Any], data: Form, user: User, db: Session) -> Response[bytes]:
        try:
            limits.check_form(data, ("export_password",))
            data_rights.check_password(user, data.get("export_password", ""))
        except DomainError as exc:
            exc.field = "export_password"
            raise _refused("account", {}, exc, account=user) from exc
        body = json.dumps(data_rights.export(db, user), ensure_ascii=False, indent=2).encode()
        return Response(body, status_code=200, media_type="application/json", headers={
            "Content-Disposition": 'attachment; filename="passerelle-my-data.json"',
            "Cache-Control": "no-store"})

    @post("/account/delete", guards=[requires_login], sync_to_thread=True, opt=FORM_READS_LENGTHS)
    def delete(self, request: Request[Any, Any, Any], data: Form, user: User, db: Session) -> Redirect:
        account = db.get(User, user.id)
        assert account is not None
        try:
            limits.check_form(data, ("delete_password",), ("confirm",))
            if data.get("confirm", "").strip() != "yes":  # a checkbox's value, as stray spaces leave it
                raise BadInput(_("Tick the box to confirm that you want to delete your account."),
                               field="confirm")
            data_rights.erase(db, account, data.get("delete_password", ""))
            db.commit()
        except DomainError as exc:
            db.rollback()
            exc.field = {"password": "delete_password"}.get(exc.field or "", exc.field)
            raise _refused("account", {}, exc, account=user) from exc
        request.set_session({})
        flash(request, _("Your account is deleted. Your pledges stay counted, without your name."), "success")
        return Redirect("/")


def _too_many() -> DomainError:
    return DomainError(_("Too many messages were asked for from your connection. Please try again in an hour."))
