"""Host institutions: registration (an account of role `host` and its pending Host), the details form, and the
staff vetting of hosts (pending -> approved | rejected, approved <-> suspended), one audit row per move."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.accounts import service
from app.errors import BadInput, Conflict, Forbidden, NotFound
from app.i18n import N_, _
from app.limits import length_errors
from app.marketplace import audit
from app.marketplace.listings import COUNTRIES
from app.models import AuditEntry, Host, HostKind, Need, NeedState, Role, User
from app.models import HostState as H
from app.models.base import utcnow
from app.skills import need_vetting
from app.skills.need_words import HOST_KINDS as KINDS

STATES = {"pending": N_("Waiting for vetting"), "approved": N_("Approved"), "rejected": N_("Rejected"),
          "suspended": N_("Suspended")}
TRANSITIONS: dict[H, frozenset[H]] = {
    H.pending: frozenset({H.approved, H.rejected}),
    H.approved: frozenset({H.suspended}),
    H.suspended: frozenset({H.approved}),
}
TEXTS = ("name", "town", "description", "website", "phone", "registration")
# The registration form's own fields besides the institution's (the account's contact person).
REGISTRATION = (*TEXTS, "display_name", "email", "password")


def kind_label(code: str | None) -> str:
    return _(KINDS[code]) if code in KINDS else (code or "")


def state_label(code: str | None) -> str:
    return _(STATES[code]) if code in STATES else (code or "")


@dataclass
class HostForm:
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def read_form(data: dict[str, str], shown: tuple[str, ...] = TEXTS) -> HostForm:
    """The institution's details, or the message beside each wrong field; `shown`: the form's text fields."""
    form = HostForm()
    get = lambda name: (data.get(name) or "").strip()  # noqa: E731
    for name in TEXTS:
        form.values[name] = get(name)
    if not form.values["name"]:
        form.errors["name"] = _("Please give the institution's name.")
    kind = get("kind")
    if kind not in {k.value for k in HostKind}:
        form.errors["kind"] = _("Please choose what kind of institution it is.")
    country = get("country").upper()
    if country not in COUNTRIES:
        form.errors["country"] = _("Please choose the country where the institution is.")
    if not form.values["town"]:
        form.errors["town"] = _("Please give the town where the institution is.")
    website = form.values["website"]
    if website and not website.startswith(("https://", "http://")):
        form.errors["website"] = _("Please give the full address of the website, starting with https://")
    form.values.update(kind=kind, country=country)
    form.errors.update(length_errors(data, shown, ("kind", "country")))
    return form


def apply_form(host: Host, form: HostForm) -> None:
    for name, value in form.values.items():
        setattr(host, name, value)
    host.updated_at = utcnow()


def register(session: Session, data: dict[str, str], locale: str, site_url: str, *, send: bool = True) -> Host | None:
    """A new host account, its pending institution and the confirmation mail; None when the address had an
    account already (its owner gets a mail instead: the caller answers both the same way)."""
    form = read_form(data, REGISTRATION)
    service.check_registration(data.get("email", ""), data.get("password", ""), Role.member.value)
    if form.errors:
        raise BadInput(next(iter(form.errors.values())), field=next(iter(form.errors)))
    user = service.register(session, data.get("email", ""), data.get("password", ""), Role.host.value,
                            data.get("display_name", ""), locale, site_url, send=send,
                            roles=(Role.host.value,))
    if user is None:
        return None
    assert user.id is not None
    host = Host(user_id=user.id, name="", country="SN")
    apply_form(host, form)
    session.add(host)
    session.flush()
    return host


def of_user(session: Session, user: User) -> Host | None:
    return session.exec(select(Host).where(Host.user_id == user.id)).first()


def lock(session: Session, host_id: int) -> Host:
    """The host row, locked for the transaction (see app.marketplace.vetting.lock for SQLite)."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(update(Host).where(col(Host.id) == host_id).values(id=col(Host.id)))
    host = session.exec(select(Host).where(Host.id == host_id).with_for_update()
                        .execution_options(populate_existing=True)).first()
    if host is None:
        raise NotFound(_("We could not find this institution."))
    return host


def transition(session: Session, host: Host, staff: User, to: H, reason: str = "") -> AuditEntry:
    """Move the (locked) host to `to`, compare-and-set on its state, and chain the audit row."""
    if not staff.is_staff:
        raise Forbidden(_("Only programme staff can do this."))
    if host.user_id == staff.id:
        raise Forbidden(_("You cannot vet your own institution."))
    current = H(host.state)
    if to not in TRANSITIONS.get(current, frozenset()):
        raise Conflict(_("An institution in state “%(state)s” cannot move to “%(to)s”.",
                         state=state_label(current.value), to=state_label(to.value)))
    if to in (H.rejected, H.suspended) and not reason.strip():
        raise BadInput(_("Please give a reason: the institution will read it."), field="reason")
    moved = session.execute(update(Host).where(col(Host.id) == host.id, col(Host.state) == current.value)
                            .values(state=to.value))
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(_("Someone else changed this page a moment ago. Please reload the page."))
    entry = audit.append(session, host, staff.id, current.value, to.value, reason.strip(), "[]")
    host.state, host.vetted_by, host.vetted_at, host.updated_at = to.value, staff.id, utcnow(), utcnow()
    if reason.strip():
        host.reason = reason.strip()
    session.add(host)
    session.flush()
    if to is H.suspended:
        _suspend_needs(session, host, staff, reason)
    return entry


def _suspend_needs(session: Session, host: Host, staff: User, reason: str) -> None:
    """A suspended host's published needs are suspended with it: only an approved host's needs are public."""
    for need in session.exec(select(Need).where(Need.host_id == host.id, Need.state == NeedState.published.value)):
        assert need.id is not None
        need_vetting.transition(session, need_vetting.lock(session, need.id), staff, NeedState.suspended,
                                reason or _("The institution is suspended."))


def approve(session: Session, host: Host, staff: User, note: str = "") -> AuditEntry:
    return transition(session, host, staff, H.approved, note)


def reject(session: Session, host: Host, staff: User, reason: str) -> AuditEntry:
    return transition(session, host, staff, H.rejected, reason)


def suspend(session: Session, host: Host, staff: User, reason: str) -> AuditEntry:
    return transition(session, host, staff, H.suspended, reason)


def reinstate(session: Session, host: Host, staff: User, note: str = "") -> AuditEntry:
    return transition(session, host, staff, H.approved, note)


def public(session: Session, host_id: int) -> Host:
    """An approved host, for its public page; any other is not found."""
    host = session.get(Host, host_id)
    if host is None or host.state != H.approved.value:
        raise NotFound(_("We could not find this institution."))
    return host
