"""Host institutions' pages: registration (/register/host), the host space (/my/host) and the public host page
(/skills/hosts/{id}, approved hosts only)."""

from __future__ import annotations

from typing import Any

import anyio.to_thread
from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from sqlmodel import Session

from app import mail_limits
from app.accounts import service
from app.accounts.guards import requires_role
from app.errors import DomainError, FormError, NotFound
from app.flash import flash
from app.i18n import _, current_locale
from app.limits import FORM_READS_LENGTHS
from app.mail_limits import Verdict
from app.marketplace.listings import country_choices
from app.marketplace.web import Form, page, signed_in
from app.models import HostState, Role, User
from app.settings import Settings
from app.skills import hosts, needs

host_only = requires_role(Role.host)


def _choices() -> dict[str, Any]:
    return {"countries": country_choices(), "kinds": [(code, hosts.kind_label(code)) for code in hosts.KINDS]}


class HostRegistrationController(Controller):
    @get("/register/host", sync_to_thread=False)
    def register_page(self) -> Template:
        return page("host_register", form={"kind": "hospital"}, errors={}, **_choices())

    @post("/register/host", opt=FORM_READS_LENGTHS)
    async def register(self, request: Request[Any, Any, Any], data: Form, db: Session, settings: Settings) -> Redirect:
        form = hosts.read_form(data, hosts.REGISTRATION)
        try:
            service.check_registration(data.get("email", ""), data.get("password", ""), Role.member.value)
        except DomainError as exc:
            form.errors.setdefault(exc.field or "form", exc.message)
        if form.errors:
            raise FormError("host_register", form.errors, form=data, context=_choices())
        email = service.normalise_email(data.get("email", ""))
        verdict = await mail_limits.check_request(request, settings, "register", email)
        if verdict is Verdict.refuse:
            raise FormError("host_register", {"form": _("Too many messages were asked for from your connection. "
                                                         "Please try again in an hour.")},
                            form=data, context=_choices(), status=429)
        locale = current_locale.get()

        def work() -> None:
            hosts.register(db, data, locale, settings.site_url, send=verdict is Verdict.send)
            db.commit()

        try:
            await anyio.to_thread.run_sync(work)
        except DomainError as exc:
            await anyio.to_thread.run_sync(db.rollback)
            raise FormError.of(exc, "host_register", form=data, context=_choices()) from exc
        # The same answer whether the address was new or had an account (see app.accounts.service.register).
        flash(request, _("Thank you. We have sent a message to %(email)s: open it to confirm the address. You can "
                         "log in and prepare your needs while programme staff vet your institution.", email=email),
              "success")
        return Redirect("/login")


class HostSpaceController(Controller):
    path = "/my/host"
    guards = [host_only]

    @get("/", sync_to_thread=True)
    def show(self, db: Session, user: User | None) -> Template:
        host = self._host(db, signed_in(user))
        return page("my_host", host=host, form=_values(host), errors={},
                    needs=needs.for_poster(db, signed_in(user)), **_choices())

    @post("/", sync_to_thread=True, opt=FORM_READS_LENGTHS)
    def update(self, request: Request[Any, Any, Any], data: Form, db: Session, user: User | None) -> Redirect:
        me = signed_in(user)
        host = hosts.lock(db, self._host(db, me).id or 0)
        form = hosts.read_form(data)
        if host.state != HostState.pending.value:
            form.errors["form"] = _("Your institution is vetted: to change its details, write to programme staff.")
        if form.errors:  # nothing was changed: the request's session ends without a commit
            raise FormError("my_host", form.errors, form=data,
                            context={"host": host, "needs": needs.for_poster(db, me), **_choices()})
        hosts.apply_form(host, form)
        db.add(host)
        db.commit()
        flash(request, _("The details of your institution are saved."), "success")
        return Redirect("/my/host")

    @staticmethod
    def _host(db: Session, user: User) -> Any:
        host = hosts.of_user(db, user)
        if host is None:
            raise NotFound(_("We could not find your institution."))
        return host


def _values(host: Any) -> dict[str, str]:
    return {name: str(getattr(host, name) or "") for name in (*hosts.TEXTS, "kind", "country")}


class PublicHostController(Controller):
    @get("/skills/hosts/{host_id:int}", sync_to_thread=True)
    def show(self, host_id: int, db: Session) -> Template:
        host = hosts.public(db, host_id)
        return page("host", host=host, needs=needs.published_for_host(db, host_id),
                    days=needs.days_given(db, host_id=host_id))
