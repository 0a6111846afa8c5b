"""The member's skill profile at /my/skills (private: the member and staff see it), and the staff's views:
the profiles matching a need (/staff/needs/{id}/matches) and one profile (/staff/profiles/{id})."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.response import Redirect, Template
from sqlmodel import Session, col, select

from app.accounts.guards import requires_role, staff_only
from app.errors import BadInput, FormError
from app.flash import flash
from app.i18n import _
from app.limits import FORM_READS_LENGTHS, length_errors, text_limit
from app.marketplace.web import Form, is_htmx, page, signed_in
from app.models import Mission, Need, Role, SkillProfile, User
from app.numbers import parse_page
from app.sessions import DATA_VERSIONS
from app.skills import match_page, profiles

# Host accounts are institutions: they post needs, they have no skill profile.
member_only = requires_role(Role.member, Role.promoter, Role.staff)


def _form_page(form: dict[str, Any], profile: SkillProfile | None, find: str = "", errors: dict[str, str] | None = None,
               status: int = 200) -> Template:
    return page("my_skills", status=status, form=form, errors=errors or {}, profile=profile,
                blank_skills=profiles.BLANK_SKILL_FIELDS, **profiles.choices(find))


class ProfileController(Controller):
    path = "/my/skills"
    guards = [member_only]

    @get("/", sync_to_thread=True)
    def show(self, db: Session, user: User | None) -> Template:
        profile = profiles.of_member(db, signed_in(user))
        return _form_page(profiles.form_values(profile), profile)

    @post("/", sync_to_thread=True, opt=FORM_READS_LENGTHS)
    def save(self, request: Request[Any, Any, Any], data: Form, db: Session, user: User | None) -> Template | Redirect:
        me = signed_in(user)
        profile = profiles.of_member(db, me)
        action = data.get("action", "save")
        if action in ("find", "more"):
            # Without JavaScript, narrowing the occupations or adding tag fields is a round trip that keeps
            # everything typed; nothing is saved.
            values = profiles.posted_values(data)
            if action == "more":
                values["extra_skills"] = profiles.BLANK_SKILL_FIELDS
            too_long = length_errors(data, profiles.TYPED, profiles.CHOICES)
            return _form_page(values, profile, find=data.get("find", "")[:text_limit("find")], errors=too_long,
                              status=400 if too_long else 200)
        form = profiles.read_form(data)
        if form.errors:
            raise FormError("my_skills", form.errors, form=profiles.posted_values(data),
                            context={"profile": profile, "blank_skills": profiles.BLANK_SKILL_FIELDS,
                                     **profiles.choices(data.get("find", ""))})
        assert me.id is not None
        new = profile is None
        profiles.apply_form(db, profile or SkillProfile(user_id=me.id, occupation="", origin_country="",
                                                        residence_country=""), form)
        db.commit()
        if new:
            flash(request, _("Your skill profile is saved. Only programme staff can see it."), "success")
        elif not form.values["active"]:
            flash(request, _("Your profile is saved and paused: staff will not propose you for needs."), "success")
        else:
            flash(request, _("Your skill profile is saved."), "success")
        return Redirect("/my/skills")


class StaffProfileController(Controller):
    path = "/staff"
    guards = [staff_only]

    @get("/needs/{need_id:int}/matches")
    async def matches(self, request: Request[Any, Any, Any], need_id: int) -> Response[Any]:
        """Async on purpose: the data version and the need are read from the event loop, a page not in the cache
        built from its parts (app.skills.match_page); the staff member's own CSRF token is spliced in per request."""
        query = (request.query_params.get("q") or "").strip()[:100]
        try:
            number = parse_page(request.query_params.get("page"))
        except BadInput:  # a hand-edited page number shows the first page
            number = 1
        fragment = is_htmx(request) and request.headers.get("hx-target") == "matches"
        session: Any = request.scope.get("session") or {}
        user = signed_in(request.scope.get("state", {}).get("user"))
        flashing = bool(session.get("flash")) and not fragment  # the message is shown once: not a page to keep
        return await match_page.serve(request, need_id, query, number, fragment, user.role, flashing,
                                      request.scope["state"].get(DATA_VERSIONS))

    @get("/profiles/{profile_id:int}", sync_to_thread=True)
    def profile(self, profile_id: int, db: Session) -> Template:
        profile = profiles.for_staff(db, profile_id)
        member = db.get(User, profile.user_id)
        missions = db.exec(select(Mission, Need).join(Need, col(Need.id) == Mission.need_id)
                           .where(Mission.profile_id == profile.id).order_by(col(Mission.id).desc())).all()
        return page("staff_profile", profile=profile, member=member, missions=missions)
