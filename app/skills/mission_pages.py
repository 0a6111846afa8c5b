"""The member's side of missions: the offer form of a need, /my/missions, and the certificate (with its
public check page)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, MediaType, Request, get, post
from litestar.response import Redirect, Template
from sqlmodel import Session, col, select

from app.accounts.guards import requires_login
from app.errors import DomainError, FormError, NotFound
from app.flash import flash
from app.i18n import _
from app.limits import FORM_READS_LENGTHS, check_form
from app.marketplace.web import Form, page, signed_in
from app.models import User
from app.models.skills import Mission, Need, NeedState, SkillProfile
from app.settings import Settings
from app.skills import contacts, missions
from app.skills.mission_view import describe_need

# The texts each of the member's mission forms shows (a longer text of another is answered for the whole form).
MEMBER_SHOWN = {"accept": ("message",), "withdraw": ("reason",)}


def offer_box(request: Request[Any, Any, Any], need: Need) -> dict[str, Any]:
    """What the need page's offer partial shows this visitor (a Jinja global: the page's handler belongs to
    another module and need not know about offers)."""
    user: User | None = request.scope.get("state", {}).get("user")
    if need.state != NeedState.published.value:
        return {"kind": "closed"}
    if user is None:
        return {"kind": "anonymous"}
    with Session(request.app.state.engine) as db:
        if missions.is_poster(db, need, user):
            return {"kind": "poster"}
        profile = db.exec(select(SkillProfile).where(SkillProfile.user_id == user.id)).first()
        if profile is None:
            return {"kind": "no_profile"}
        mission = missions.open_mission(db, need.id or 0, user.id or 0)
        if mission is not None:
            return {"kind": "already", "mission": mission}
        return {"kind": "form", "paused": not profile.active}


def _mine(db: Session, mission_id: int, user: User | None) -> Mission:
    mission = db.get(Mission, mission_id)
    if mission is None or mission.member_id != signed_in(user).id:
        raise NotFound(_("We could not find this offer among yours."))
    return mission


def member_context(db: Session, mission: Mission) -> dict[str, Any]:
    need = db.get(Need, mission.need_id)
    assert need is not None
    return dict(mission=mission, need=need, about=describe_need(db, need), events=missions.events(db, mission),
                host_contacts=contacts.of_host(db, mission, need), form={}, errors={})


class NeedOfferController(Controller):
    path = "/skills/needs"
    guards = [requires_login]

    @post("/{need_id:int}/offer", sync_to_thread=True, opt=FORM_READS_LENGTHS)
    def offer(self, request: Request[Any, Any, Any], need_id: int, data: Form, db: Session, user: User | None,
              settings: Settings) -> Redirect:
        me = signed_in(user)
        need = db.get(Need, need_id)
        if need is None or need.state != NeedState.published.value:
            raise NotFound(_("This need is not open to offers."))
        profile = db.exec(select(SkillProfile).where(SkillProfile.user_id == me.id)).first()
        if profile is None:
            flash(request, _("Describe your skills first: the host reads your skill profile with your offer."),
                  "info")
            return Redirect("/my/skills")
        db.info["site_url"] = settings.site_url
        try:
            check_form(data, ("message",))
            mission = missions.offer(db, need, me, profile, data.get("message", ""))
        except DomainError as exc:
            db.rollback()
            raise FormError.of(exc, "need_offer", form=data,
                               context={"need": need, "about": describe_need(db, need),
                                        "box": {"kind": "form", "paused": not profile.active}}) from exc
        db.commit()
        flash(request, _("Your offer is sent. Programme staff will put it to the host."), "success")
        return Redirect(f"/my/missions/{mission.id}")


class MemberMissionController(Controller):
    path = "/my/missions"
    guards = [requires_login]

    @get("/", sync_to_thread=True)
    def index(self, db: Session, user: User | None) -> Template:
        me = signed_in(user)
        rows = db.exec(select(Mission, Need).join(Need, col(Need.id) == col(Mission.need_id))
                       .where(Mission.member_id == me.id).order_by(col(Mission.id).desc())).all()
        has_profile = db.exec(select(SkillProfile.id).where(SkillProfile.user_id == me.id)).first() is not None
        return page("my_missions", rows=rows, has_profile=has_profile)

    @get("/{mission_id:int}", sync_to_thread=True)
    def show(self, mission_id: int, db: Session, user: User | None) -> Template:
        return page("my_mission", **member_context(db, _mine(db, mission_id, user)))

    @post("/{mission_id:int}/{action:str}", sync_to_thread=True, opt=FORM_READS_LENGTHS)
    def act(self, request: Request[Any, Any, Any], mission_id: int, action: str, data: Form, db: Session,
            user: User | None, settings: Settings) -> Redirect:
        me = signed_in(user)
        mission = _mine(db, mission_id, user)
        db.info["site_url"] = settings.site_url
        try:
            check_form(data, MEMBER_SHOWN.get(action, ()))
            if action == "accept":
                missions.accept_invitation(db, mission, me, data.get("message", ""))
                done = _("Thank you: your offer is with the host.")
            elif action == "decline":
                missions.decline(db, mission, me, data.get("reason", ""))
                done = _("You declined the invitation.")
            elif action == "withdraw":
                missions.withdraw(db, mission, me, data.get("reason", ""))
                done = _("Your offer is withdrawn.")
            else:
                raise NotFound(_("There is no such action."))
        except DomainError as exc:
            db.rollback()
            fresh = _mine(db, mission_id, user)
            raise FormError.of(exc, "my_mission", form=data | {"_action": action},
                               context=member_context(db, fresh)) from exc
        db.commit()
        flash(request, done, "success")
        return Redirect(f"/my/missions/{mission_id}")

    @get("/{mission_id:int}/certificate", sync_to_thread=True)
    def certificate(self, mission_id: int, db: Session, user: User | None, settings: Settings,
                    download: str = "") -> Template:
        mission = _mine(db, mission_id, user)
        if mission.state != missions.M.completed.value or not mission.certificate_code:
            raise NotFound(_("A certificate is issued once the host confirms the days delivered."))
        need = db.get(Need, mission.need_id)
        assert need is not None
        context = dict(mission=mission, need=need, about=describe_need(db, need), member=signed_in(user),
                       check_url=f"{settings.site_url}/skills/certificates/{mission.certificate_code}",
                       site_base=settings.site_url if download == "1" else "")
        headers = {}
        if download == "1":
            headers["Content-Disposition"] = (
                f'attachment; filename="passerelle-certificate-{mission.certificate_code}.html"')
        return Template("pages/mission_certificate.html", context=context, media_type=MediaType.HTML,
                        headers=headers)


class CertificateCheckController(Controller):
    path = "/skills/certificates"

    @get("/", sync_to_thread=False)
    def ask(self, code: str = "") -> Template | Redirect:
        wanted = missions.normalise_code(code[:40])
        if wanted:
            return Redirect(f"/skills/certificates/{wanted}")
        return page("certificate_check", found=None, code=code[:40], asked=bool(code))

    @get("/{code:str}", sync_to_thread=True)
    def check(self, code: str, db: Session) -> Template:
        wanted = missions.normalise_code(code[:40])
        mission = db.exec(select(Mission).where(Mission.certificate_code == wanted)).first() if wanted else None
        if mission is None or mission.state != missions.M.completed.value:
            return page("certificate_check", status=404, found=None, code=code[:40], asked=True)
        need = db.get(Need, mission.need_id)
        member = db.get(User, mission.member_id)
        assert need is not None
        return page("certificate_check", found=mission, need=need, about=describe_need(db, need),
                    member_name=member.display_name if member is not None and member.deleted_at is None else "",
                    code=wanted, asked=True)

