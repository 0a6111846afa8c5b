"""Words for a need's codes (work mode, what the host provides, host kind) in the reader's language."""

from __future__ import annotations

from app.i18n import N_, _, current_locale
from app.models import HostKind, HostProvides, WorkMode
from basics import languages, occupations

MODES = {WorkMode.remote.value: N_("Remote"), WorkMode.on_site.value: N_("On site"),
         WorkMode.either.value: N_("Remote or on site")}
PROVIDES = {HostProvides.lodging.value: N_("Lodging"), HostProvides.transport.value: N_("Travel"),
            HostProvides.meals.value: N_("Meals"), HostProvides.local_transport.value: N_("Local transport"),
            HostProvides.stipend.value: N_("A stipend")}
HOST_KINDS = {HostKind.hospital.value: N_("Hospital"), HostKind.health_centre.value: N_("Health centre"),
              HostKind.university.value: N_("University"), HostKind.school.value: N_("School"),
              HostKind.cooperative.value: N_("Cooperative"), HostKind.ministry.value: N_("Ministry service"),
              HostKind.municipality.value: N_("Municipality"), HostKind.association.value: N_("Association"),
              HostKind.company.value: N_("Company"), HostKind.other.value: N_("Other institution")}


def mode_word(code: str) -> str:
    return _(MODES[code]) if code in MODES else code


def provides_words(codes: str) -> list[str]:
    return [_(PROVIDES[c]) if c in PROVIDES else c for c in codes.split()]


def host_kind_word(code: str) -> str:
    return _(HOST_KINDS[code]) if code in HOST_KINDS else code


def occupation_label(code: str) -> str:
    """The ISCO-08 (CITP-08) group's label in the reader's language; the code itself when unknown."""
    return occupations.label(code, current_locale.get())


def language_names(codes: str) -> list[str]:
    """ISO 639-1 codes ("fr wo") -> names in the reader's language."""
    return [languages.name(code, current_locale.get()) for code in codes.split()]
