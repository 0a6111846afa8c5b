"""The host's (or promoter's) side of offers to their own need, under /my/needs/{id}/offers: the only place
a host reads a member's profile, and only for an offer staff put to them."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from sqlmodel import Session, col, select

from app.accounts.guards import requires_login
from app.errors import DomainError, FormError, NotFound
from app.flash import flash
from app.i18n import _
from app.limits import FORM_READS_LENGTHS, check_form
from app.marketplace.web import Form, page, signed_in
from app.models import User
from app.models.skills import Mission, MissionState, Need, SkillProfile
from app.numbers import parse_date, parse_int
from app.settings import Settings
from app.skills import contacts, missions
from app.skills.mission_view import describe_need, profile_facts

# The profile stays visible while the offer stands or the mission it became; not after a withdrawal.
PROFILE_SHOWN = frozenset({MissionState.offered.value, *missions.AGREED})
# The fields each of the host's forms shows (a longer text of another is answered for the whole form).
HOST_SHOWN = {"decline": ("reason",), "schedule": ("starts_on", "ends_on"), "complete": ("days",)}


def own_need(db: Session, need_id: int, user: User | None) -> Need:
    """The need, if this person answers for it; anybody else gets the same 404 as for a need that does not exist."""
    need = db.get(Need, need_id)
    if need is None or not missions.is_poster(db, need, user):
        raise NotFound(_("We could not find this need among yours."))
    return need


def offer_to_me(db: Session, need_id: int, mission_id: int, user: User | None) -> tuple[Need, Mission]:
    need = own_need(db, need_id, user)
    mission = db.get(Mission, mission_id)
    if mission is None or mission.need_id != need.id or not missions.host_sees(mission):
        raise NotFound(_("We could not find this offer to your need."))
    return need, mission


def host_context(db: Session, need: Need, mission: Mission) -> dict[str, Any]:
    profile = db.get(SkillProfile, mission.profile_id) if mission.state in PROFILE_SHOWN else None
    return dict(need=need, mission=mission, about=describe_need(db, need),
                profile=profile_facts(profile) if profile is not None else None,
                member_contact=contacts.of_member(db, mission), events=missions.events(db, mission),
                form={}, errors={})


class HostOfferController(Controller):
    path = "/my/needs"
    guards = [requires_login]

    @get("/{need_id:int}/offers", sync_to_thread=True)
    def index(self, need_id: int, db: Session, user: User | None) -> Template:
        need = own_need(db, need_id, user)
        offers = [m for m in db.exec(select(Mission).where(Mission.need_id == need.id)
                                     .order_by(col(Mission.id).desc())).all() if missions.host_sees(m)]
        return page("need_offers", need=need, offers=offers, about=describe_need(db, need))

    @get("/{need_id:int}/offers/{mission_id:int}", sync_to_thread=True)
    def show(self, need_id: int, mission_id: int, db: Session, user: User | None) -> Template:
        return page("host_offer", **host_context(db, *offer_to_me(db, need_id, mission_id, user)))

    @post("/{need_id:int}/offers/{mission_id:int}/{action:str}", sync_to_thread=True, opt=FORM_READS_LENGTHS)
    def act(self, request: Request[Any, Any, Any], need_id: int, mission_id: int, action: str, data: Form,
            db: Session, user: User | None, settings: Settings) -> Redirect:
        me = signed_in(user)
        need, mission = offer_to_me(db, need_id, mission_id, user)
        db.info["site_url"] = settings.site_url
        try:
            check_form(data, HOST_SHOWN.get(action, ()))
            done = self._do(db, mission, me, action, data)
        except DomainError as exc:
            db.rollback()
            raise FormError.of(exc, "host_offer", form=data | {"_action": action},
                               context=host_context(db, *offer_to_me(db, need_id, mission_id, user))) from exc
        db.commit()
        flash(request, done, "success")
        return Redirect(f"/my/needs/{need.id}/offers/{mission.id}")

    @staticmethod
    def _do(db: Session, mission: Mission, me: User, action: str, data: dict[str, str]) -> str:
        if action == "accept":
            missions.host_accept(db, mission, me, data.get("note", ""))
            return _("You accepted the offer: you can now see each other's contact details.")
        if action == "decline":
            missions.decline(db, mission, me, data.get("reason", ""))
            return _("You declined the offer. The member is told, politely.")
        if action == "schedule":
            starts = parse_date(data.get("starts_on", ""), field="starts_on")
            ends = parse_date(data.get("ends_on", ""), field="ends_on")
            missions.schedule(db, mission, me, starts, ends)
            return _("The dates are saved; the member is told.")
        if action == "complete":
            days = parse_int(data.get("days", ""), field="days", minimum=1, maximum=missions.MAX_DAYS,
                             invalid=_("Please give the number of days delivered, for example 5."))
            missions.complete(db, mission, me, days)
            return _("Thank you: the days are confirmed and the member's certificate is issued.")
        raise NotFound(_("There is no such action."))
