"""Programme staff and missions: every offer and invitation (/staff/missions), putting an offer to the host,
declining for them, and inviting a member from the match list (POST /staff/needs/{id}/invite)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import Parameter
from litestar.response import Redirect, Template
from sqlmodel import Session, col, func, select

from app.accounts.guards import staff_only
from app.errors import DomainError, FormError, NotFound
from app.flash import flash
from app.i18n import _
from app.limits import FORM_READS_LENGTHS, check_form
from app.marketplace.web import Form, page, signed_in
from app.models import User
from app.models.skills import Mission, Need, SkillProfile
from app.numbers import parse_id, parse_page
from app.settings import Settings
from app.skills import contacts, missions
from app.skills.mission_view import describe_need, profile_facts

STATES = ("offered", "invited", "accepted", "scheduled", "completed", "declined", "withdrawn", "all")
PER_PAGE = 50
# The texts each staff form of a mission shows (a longer text of another is answered for the whole form).
STAFF_SHOWN = {"broker": (), "decline": ("reason",)}


def staff_context(db: Session, mission: Mission) -> dict[str, Any]:
    need = db.get(Need, mission.need_id)
    profile = db.get(SkillProfile, mission.profile_id)
    assert need is not None and profile is not None
    return dict(mission=mission, need=need, about=describe_need(db, need), member=db.get(User, mission.member_id),
                profile=profile_facts(profile), profile_id=profile.id, events=missions.events(db, mission),
                member_contact=contacts.of_member(db, mission), host_contacts=contacts.of_host(db, mission, need),
                form={}, errors={})


class StaffMissionController(Controller):
    path = "/staff/missions"
    guards = [staff_only]

    @get("/", sync_to_thread=True)
    def index(self, db: Session, wanted: Annotated[str, Parameter(query="state")] = "offered",
              page_number: Annotated[str, Parameter(query="page")] = "") -> Template:
        state = wanted if wanted in STATES else "offered"
        number = parse_page(page_number)
        query = (select(Mission, Need, User).join(Need, col(Need.id) == col(Mission.need_id))
                 .join(User, col(User.id) == col(Mission.member_id)))
        if state != "all":
            query = query.where(Mission.state == state)
        if state == "offered":  # the desk's queue: offers staff have not put to the host yet come first
            query = query.order_by(col(Mission.brokered_at).is_not(None), col(Mission.id))
        else:
            query = query.order_by(col(Mission.id).desc())
        rows = db.exec(query.offset((number - 1) * PER_PAGE).limit(PER_PAGE + 1)).all()
        counts = dict(db.exec(select(Mission.state, func.count()).group_by(col(Mission.state))).all())
        return page("staff_missions", rows=rows[:PER_PAGE], more=len(rows) > PER_PAGE, number=number, state=state,
                    states=STATES, counts=counts)

    @get("/{mission_id:int}", sync_to_thread=True)
    def show(self, mission_id: int, db: Session) -> Template:
        return page("staff_mission", **staff_context(db, _mission(db, mission_id)))

    @post("/{mission_id:int}/{action:str}", sync_to_thread=True, opt=FORM_READS_LENGTHS)
    def act(self, request: Request[Any, Any, Any], mission_id: int, action: str, data: Form, db: Session,
            user: User | None, settings: Settings) -> Redirect:
        me = signed_in(user)
        mission = _mission(db, mission_id)
        db.info["site_url"] = settings.site_url
        try:
            check_form(data, STAFF_SHOWN.get(action, ()))
            if action == "broker":
                missions.broker(db, mission, me, data.get("note", ""))
                done = _("The offer is with the host now.")
            elif action == "decline":
                missions.decline(db, mission, me, data.get("reason", ""))
                done = _("The offer is declined; the member is told.")
            else:
                raise NotFound(_("There is no such action."))
        except DomainError as exc:
            db.rollback()
            raise FormError.of(exc, "staff_mission", form=data | {"_action": action},
                               context=staff_context(db, _mission(db, mission_id))) from exc
        db.commit()
        flash(request, done, "success")
        return Redirect(f"/staff/missions/{mission_id}")


class StaffInviteController(Controller):
    path = "/staff/needs"
    guards = [staff_only]

    @post("/{need_id:int}/invite", sync_to_thread=True)
    def invite(self, request: Request[Any, Any, Any], need_id: int, data: Form, db: Session, user: User | None,
               settings: Settings) -> Redirect:
        """From the match list: the profile's member is invited; back to the list with the outcome said."""
        need = db.get(Need, need_id)
        if need is None:
            raise NotFound(_("We could not find this need."))
        profile_id = parse_id(data.get("profile_id", ""))
        profile = db.get(SkillProfile, profile_id) if profile_id is not None else None
        if profile is None:
            raise NotFound(_("We could not find this skill profile."))
        db.info["site_url"] = settings.site_url
        try:
            mission = missions.invite(db, need, profile, signed_in(user), data.get("note", ""))
        except DomainError as exc:
            db.rollback()
            flash(request, exc.message, "error")
            return Redirect(f"/staff/needs/{need_id}/matches")
        db.commit()
        flash(request, _("The member is invited; they will answer on their missions page."), "success")
        return Redirect(f"/staff/missions/{mission.id}")


def _mission(db: Session, mission_id: int) -> Mission:
    mission = db.get(Mission, mission_id)
    if mission is None:
        raise NotFound(_("We could not find this offer."))
    return mission

