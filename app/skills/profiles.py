"""A member's skill profile: reading the form (every error beside its field), saving it with its full-text row,
and who may read it (the member; staff; a host only through an offer, which app.skills.missions decides)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pycountry
from sqlmodel import Session, select

from app.errors import BadInput, NotFound
from app.i18n import _, current_locale
from app.limits import length_errors
from app.marketplace.listings import COUNTRIES as ORIGIN_COUNTRIES
from app.models import SkillProfile, User, WorkMode
from app.models.base import utcnow
from app.numbers import parse_int
from app.reference import country_names, reading_order
from app.skills import fulltext, tags
from basics import languages, occupations

MAX_DAYS = 365
BLANK_SKILL_FIELDS = 4
TEXTS = ("job_title", "qualifications", "summary")
# The form's typed fields, and the rest its reader bounds (choices stripped and checked, skill tags measured).
TYPED = (*TEXTS, "days_per_year")
CHOICES = ("occupation", "origin_country", "residence_country", "mode", "add_language", "lang_", "paused", "action",
           "skill_")


@dataclass
class ProfileForm:
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def skill_fields(data: dict[str, str]) -> list[str]:
    """The posted tag fields (skill_1, skill_2, ...) in order."""
    numbered = sorted((int(k[6:]), v) for k, v in data.items() if k.startswith("skill_") and k[6:].isdigit())
    return [v for _n, v in numbered]


def ticked_languages(data: dict[str, str]) -> list[str]:
    """The ticked boxes (lang_fr, lang_wo...), the common languages first, and the one added from the list."""
    ticked = [k[5:].lower() for k, v in data.items() if k.startswith("lang_") and v]
    spoken = [code for code in languages.COMMON if code in ticked] + sorted(set(ticked) - set(languages.COMMON))
    extra = (data.get("add_language") or "").strip().lower()
    return spoken + ([extra] if extra and extra not in spoken else [])


def read_form(data: dict[str, str]) -> ProfileForm:
    form = ProfileForm()
    get = lambda name: (data.get(name) or "").strip()  # noqa: E731
    for name in TEXTS:
        form.values[name] = get(name)
    occupation = get("occupation")
    if not occupations.is_unit(occupation):
        form.errors["occupation"] = _("Please choose your occupation in the list.")
    form.values["occupation"] = occupation
    skills = tags.parse(skill_fields(data))
    if len(skills) > tags.MAX_TAGS:
        form.errors["skills"] = _("Please keep to %(n)s skills at most.", n=tags.MAX_TAGS)
    elif any(len(tag) > tags.MAX_TAG_LENGTH for tag in skills):
        form.errors["skills"] = _("A skill is a few words: %(n)s characters at most each.", n=tags.MAX_TAG_LENGTH)
    form.values["skills"] = skills
    spoken = ticked_languages(data)
    unknown = [code for code in spoken if not languages.is_code(code)]
    if unknown:
        form.errors["languages"] = _("Unknown language code: %(codes)s.", codes=", ".join(unknown))
    elif not spoken:
        form.errors["languages"] = _("Please tick at least one language you work in.")
    form.values["languages"] = spoken
    origin, residence = get("origin_country").upper(), get("residence_country").upper()
    if origin not in ORIGIN_COUNTRIES:
        form.errors["origin_country"] = _("Please choose your country of origin.")
    if residence not in _all_countries():
        form.errors["residence_country"] = _("Please choose the country where you live.")
    form.values["origin_country"], form.values["residence_country"] = origin, residence
    mode = get("mode")
    if mode not in WorkMode.__members__:
        form.errors["mode"] = _("Please say whether you can work remotely, on site, or both.")
    form.values["mode"] = mode
    try:
        form.values["days_per_year"] = parse_int(get("days_per_year") or "0", field="days_per_year", minimum=0,
                                                 maximum=MAX_DAYS,
                                                 invalid=_("Please give a whole number of days, such as 10."),
                                                 out_of_bounds=_("Between 0 and 365 days a year, please."))
    except BadInput as exc:
        form.errors["days_per_year"] = exc.message
    form.values["active"] = not data.get("paused")
    form.errors.update(length_errors(data, TYPED, CHOICES))
    return form


def apply_form(session: Session, profile: SkillProfile, form: ProfileForm) -> SkillProfile:
    """Copy the checked values onto the profile, save it and its full-text row in the caller's transaction."""
    v = form.values
    profile.occupation, profile.job_title = v["occupation"], v["job_title"]
    profile.skills, profile.languages = tags.stored(v["skills"]), " ".join(v["languages"])
    profile.origin_country, profile.residence_country = v["origin_country"], v["residence_country"]
    profile.mode, profile.days_per_year = v["mode"], v["days_per_year"]
    profile.qualifications, profile.summary, profile.active = v["qualifications"], v["summary"], v["active"]
    profile.updated_at = utcnow()
    return save(session, profile)


def save(session: Session, profile: SkillProfile) -> SkillProfile:
    """The one write path: the profile and its full-text row, in the same transaction."""
    session.add(profile)
    session.flush()
    fulltext.index(session, [profile])
    return profile


def delete(session: Session, profile: SkillProfile) -> None:
    assert profile.id is not None
    fulltext.forget(session, profile.id)
    session.delete(profile)
    session.flush()


def set_active(session: Session, profile: SkillProfile, active: bool) -> None:
    profile.active, profile.updated_at = active, utcnow()
    session.add(profile)
    session.flush()


def of_member(session: Session, user: User) -> SkillProfile | None:
    return session.exec(select(SkillProfile).where(SkillProfile.user_id == user.id)).first()


def for_staff(session: Session, profile_id: int) -> SkillProfile:
    profile = session.get(SkillProfile, profile_id)
    if profile is None:
        raise NotFound(_("No such profile."))
    return profile


def form_values(profile: SkillProfile | None) -> dict[str, Any]:
    """The form's fields for an existing profile (or a new one's defaults)."""
    if profile is None:
        return {"mode": WorkMode.either.value, "days_per_year": "10", "languages": ["fr"], "skills": []}
    return {"occupation": profile.occupation, "job_title": profile.job_title, "skills": tags.read(profile.skills),
            "languages": profile.languages.split(), "origin_country": profile.origin_country,
            "residence_country": profile.residence_country, "mode": profile.mode,
            "days_per_year": str(profile.days_per_year), "qualifications": profile.qualifications,
            "summary": profile.summary, "paused": "" if profile.active else "on"}


def posted_values(data: dict[str, str]) -> dict[str, Any]:
    """What the person typed, to show again beside the errors (lists rebuilt from the numbered fields)."""
    values: dict[str, Any] = dict(data)
    values["skills"] = [v for v in skill_fields(data) if v.strip()]
    values["languages"] = ticked_languages(data)
    return values


@lru_cache(maxsize=1)
def _all_countries() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries)


def _sorted(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return sorted(pairs, key=lambda pair: reading_order(pair[1]))


@lru_cache(maxsize=4)
def _residence_choices(locale: str) -> list[tuple[str, str]]:
    return _sorted([(code, country_names(code)[1 if locale == "fr" else 0]) for code in _all_countries()])


@lru_cache(maxsize=4)
def _origin_choices(locale: str) -> list[tuple[str, str]]:
    return _sorted([(code, country_names(code)[1 if locale == "fr" else 0]) for code in ORIGIN_COUNTRIES])


@lru_cache(maxsize=4)
def _occupation_groups(locale: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The unit groups under their sub-major group, for a <select> with <optgroup>s."""
    return [(f"{sub.code} · {sub.label(locale)}", [(u.code, f"{u.code} {u.label(locale)}")
                                                   for u in occupations.units(sub.code)])
            for sub in occupations.by_level(occupations.Level.sub_major)]


@lru_cache(maxsize=4)
def _language_choices(locale: str) -> list[tuple[str, str]]:
    return _sorted([(code, languages.name(code, locale)) for code in languages.codes()])


def choices(find: str = "") -> dict[str, Any]:
    """What the form offers, in the current language; `find` narrows the occupations to those whose label (in
    either language) or code has every searched word."""
    locale = current_locale.get()
    groups = _occupation_groups(locale)
    if find.strip():
        words = fulltext.terms(find)
        groups = [(name, [(code, label) for code, label in units
                          if all(w in _searchable(code) for w in words)]) for name, units in groups]
        groups = [(name, units) for name, units in groups if units]
    return {"occupation_groups": groups, "origin_countries": _origin_choices(locale),
            "residence_countries": _residence_choices(locale), "all_languages": _language_choices(locale),
            "common_languages": [(code, languages.name(code, locale)) for code in languages.COMMON],
            "suggestions": tags.SUGGESTIONS, "modes": list(WorkMode.__members__), "find": find}


@lru_cache(maxsize=512)
def _searchable(code: str) -> str:
    group = occupations.group(code)
    parts = [code] + ([group.label_en, group.label_fr] if group else [])
    return fulltext.fold(" ".join(parts))
