"""A need for expertise: reading its form (every error beside its field), who may post and edit it, and the
queries pages share (a poster's needs, a listing's or a host's published needs, days given)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, func, select

from app.errors import BadInput, Conflict, Forbidden, NotFound
from app.i18n import N_, _
from app.limits import length_errors
from app.marketplace.listings import COUNTRIES
from app.marketplace.search import PUBLIC_STATES
from app.models import Host, HostProvides, HostState, Listing, Need, NeedState, Role, Sector, User, WorkMode
from app.models.base import utcnow
from app.numbers import parse_date, parse_int
from app.skills.need_words import PROVIDES
from basics import languages as iso639
from basics import occupations

TEXTS = ("title", "description", "town")
# The form's typed fields, and its choices (their reader strips them and refuses any other value).
TYPED = (*TEXTS, "skills", "languages", "days_wanted", "starts_on", "ends_on")
CHOICES = ("listing_id", "occupation", "country", "sector", "mode", "provides_")
MAX_DAYS = 365
EDITABLE = frozenset({NeedState.draft.value, NeedState.changes_requested.value})
# What a need is worth showing on its host's or project's page: published, or done with days given.
SHOWN = (NeedState.published.value,)
STATES = {
    "draft": N_("Draft"), "submitted": N_("Submitted for review"), "changes_requested": N_("Changes requested"),
    "rejected": N_("Rejected"), "published": N_("Published"), "filled": N_("Filled"), "closed": N_("Closed"),
    "suspended": N_("Suspended"),
}
_TAG = re.compile(r"\s+")


def state_label(code: str | None) -> str:
    return _(STATES[code]) if code in STATES else (code or "")


def provides_labels(codes: str) -> list[str]:
    return [_(PROVIDES[c]) for c in codes.split() if c in PROVIDES]


@dataclass
class NeedForm:
    values: dict[str, object] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def normalise_skills(text: str) -> str:
    """Free tags, one per line or comma separated: trimmed, lower case, single spaces, each once."""
    seen: list[str] = []
    for raw in re.split(r"[\n,;]", text):
        tag = _TAG.sub(" ", raw).strip().lower()
        if tag and tag not in seen:
            seen.append(tag[:60])
    return "\n".join(seen)


def normalise_languages(text: str) -> tuple[str, list[str]]:
    """ISO 639-1 codes, space or comma separated: the known ones in order, and the unknown ones."""
    codes = iso639.parse(text)
    return " ".join(c for c in codes if iso639.is_code(c)), [c for c in codes if not iso639.is_code(c)]


def occupation_choices(locale: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The 436 ISCO-08 unit groups under their major group, for a select that works without JavaScript."""
    return [(major.label(locale), [(unit.code, f"{unit.code} — {unit.label(locale)}")
                                   for unit in occupations.units(major.code)])
            for major in occupations.children("")]


def _date(raw: str, name: str, form: NeedForm) -> date | None:
    if not raw.strip():
        return None
    try:
        return parse_date(raw, field=name)
    except BadInput as error:
        form.errors[name] = error.message
        return None


def read_form(data: dict[str, str], listings: list[Listing] | None = None) -> NeedForm:
    """The need's typed values; `listings`: a promoter's own listings, one of which the need must name."""
    form = NeedForm()
    get = lambda name: (data.get(name) or "").strip()  # noqa: E731
    for name in TEXTS:
        form.values[name] = get(name)
    if not form.values["title"]:
        form.errors["title"] = _("Please give the need a title, for example “Anaesthetist for two weeks”.")
    if not form.values["description"]:
        form.errors["description"] = _("Please describe the work: what, for whom, and what the person will find.")
    if listings is not None:
        chosen = next((x for x in listings if str(x.id) == get("listing_id")), None)
        if chosen is None:
            form.errors["listing_id"] = _("Please choose one of your projects.")
        form.values["listing_id"] = chosen.id if chosen else None
    occupation = get("occupation")
    if not occupations.is_unit(occupation):
        form.errors["occupation"] = _("Please choose the occupation wanted.")
    skills = normalise_skills(data.get("skills") or "")
    languages, unknown = normalise_languages(get("languages"))
    if unknown:
        form.errors["languages"] = _("Unknown language code: %(codes)s. Use two-letter codes such as fr, en, wo.",
                                     codes=", ".join(unknown))
    country = get("country").upper()
    if country not in COUNTRIES:
        form.errors["country"] = _("Please choose the country where the work is needed.")
    sector = get("sector")
    if sector and sector not in Sector.__members__:
        form.errors["sector"] = _("Please choose a sector.")
    mode = get("mode") or WorkMode.on_site.value
    if mode not in {m.value for m in WorkMode}:
        form.errors["mode"] = _("Please say whether the work is remote, on site or either.")
        mode = WorkMode.on_site.value
    message = _("Please give the number of days wanted: a whole number from 1 to 365.")
    try:
        form.values["days_wanted"] = parse_int(get("days_wanted"), field="days_wanted", minimum=1, maximum=MAX_DAYS,
                                               invalid=message, out_of_bounds=message)
    except BadInput:
        form.errors["days_wanted"] = message
    starts, ends = _date(get("starts_on"), "starts_on", form), _date(get("ends_on"), "ends_on", form)
    if starts and ends and ends < starts:
        form.errors["ends_on"] = _("The period cannot end before it starts.")
    provides = " ".join(p.value for p in HostProvides if data.get(f"provides_{p.value}"))
    form.values.update(occupation=occupation, skills=skills, languages=languages, country=country, sector=sector,
                       mode=mode, starts_on=starts, ends_on=ends, provides=provides)
    form.errors.update(length_errors(data, TYPED, CHOICES))
    return form


def apply_form(session: Session, need: Need, form: NeedForm) -> Need:
    for name, value in form.values.items():
        setattr(need, name, value)
    need.updated_at = utcnow()
    session.add(need)
    session.flush()
    return need


def form_values(need: Need) -> dict[str, str]:
    """The stored need as the form shows it."""
    values = {name: str(getattr(need, name) or "") for name in
              ("title", "description", "town", "occupation", "skills", "languages", "country", "sector", "mode",
               "days_wanted", "starts_on", "ends_on")}
    values["listing_id"] = str(need.listing_id or "")
    values.update({f"provides_{code}": "1" for code in need.provides.split()})
    return values


def may_post(session: Session, user: User) -> Host | None:
    """A host account posts for its institution; a promoter for one of their listings (None: the promoter)."""
    if user.role == Role.host.value:
        host = session.exec(select(Host).where(Host.user_id == user.id)).first()
        if host is None:
            raise NotFound(_("We could not find your institution."))
        return host
    return None


def may_draft(host: Host | None) -> bool:
    """A suspended institution keeps its needs in view, but writes, edits and submits none."""
    return host is None or host.state != HostState.suspended.value


def require_may_draft(host: Host | None) -> None:
    if not may_draft(host):
        raise Forbidden(_("Your institution is suspended: its needs are not public and no new need can be "
                          "published. To know why, or to ask for it to be reinstated, write to programme staff."))


def promoter_listings(session: Session, user: User) -> list[Listing]:
    return list(session.exec(select(Listing).where(Listing.promoter_id == user.id).order_by(col(Listing.id))))


def owned(session: Session, need_id: int, user: User) -> Need:
    """The need if this user posted it; anyone else's is not found (its existence is not confirmed)."""
    need = session.get(Need, need_id)
    if need is None or need.posted_by != user.id:
        raise NotFound(_("We could not find this need."))
    return need


def require_editable(need: Need) -> None:
    if need.state not in EDITABLE:
        raise Conflict(_("This need is under review or published: it can no longer be edited."))


def for_poster(session: Session, user: User) -> list[Need]:
    return list(session.exec(select(Need).where(Need.posted_by == user.id).order_by(col(Need.id).desc())))


def published(session: Session, need_id: int) -> Need | None:
    """A published need (the only ones the public sees), or None."""
    need = session.get(Need, need_id)
    return need if need is not None and need.state == NeedState.published.value else None


def published_for_listing(session: Session, listing_id: int) -> list[Need]:
    return list(session.exec(select(Need).where(Need.listing_id == listing_id, Need.state == NeedState.published.value)
                             .order_by(col(Need.published_at).desc(), col(Need.id))))


def published_for_host(session: Session, host_id: int) -> list[Need]:
    return list(session.exec(select(Need).where(Need.host_id == host_id, Need.state == NeedState.published.value)
                             .order_by(col(Need.published_at).desc(), col(Need.id))))


def days_given(session: Session, *, listing_id: int | None = None, host_id: int | None = None) -> int:
    """Days of expertise given to a project or a host: the sum of its needs' denormalised counters."""
    query = select(func.coalesce(func.sum(Need.days_given), 0))
    query = query.where(Need.listing_id == listing_id) if listing_id is not None else query.where(
        Need.host_id == host_id)
    return int(session.exec(query).one())


def listing_is_public(listing: Listing | None) -> bool:
    return listing is not None and listing.state in PUBLIC_STATES
