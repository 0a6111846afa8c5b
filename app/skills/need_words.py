"""Words for a need's codes in the reader's language: what the host provides, the kind of host (the ISCO-08
groups, languages and ways of working are in app.skills.occupations)."""

from __future__ import annotations

from app.i18n import N_, _
from app.models import HostKind, HostProvides
from app.skills.occupations import WORK_MODES as MODES  # noqa: F401 - the needs' ways of working are the same words
from app.skills.occupations import occupation as occupation_label  # noqa: F401 - one name for both streams

PROVIDES = {HostProvides.lodging.value: N_("Lodging"), HostProvides.transport.value: N_("Travel"),
            HostProvides.meals.value: N_("Meals"), HostProvides.local_transport.value: N_("Local transport"),
            HostProvides.stipend.value: N_("A stipend")}
HOST_KINDS = {HostKind.hospital.value: N_("Hospital"), HostKind.health_centre.value: N_("Health centre"),
              HostKind.university.value: N_("University"), HostKind.school.value: N_("School"),
              HostKind.cooperative.value: N_("Cooperative"), HostKind.ministry.value: N_("Ministry service"),
              HostKind.municipality.value: N_("Municipality"), HostKind.association.value: N_("Association"),
              HostKind.company.value: N_("Company"), HostKind.other.value: N_("Other institution")}


def provides_words(codes: str) -> list[str]:
    return [_(PROVIDES[c]) if c in PROVIDES else c for c in codes.split()]


def host_kind_word(code: str) -> str:
    return _(HOST_KINDS[code]) if code in HOST_KINDS else code

