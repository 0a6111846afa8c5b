"""Words for the skills codes in templates, in the request's language: ISCO-08 groups, languages, ways of working."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.i18n import N_, _, current_locale
from basics import languages, occupations

WORK_MODES = {"remote": N_("Remotely"), "on_site": N_("On site"), "either": N_("Remotely or on site")}


def occupation(code: str | None) -> str:
    """'2212' -> 'Specialist medical practitioners' / 'Médecins spécialistes'."""
    return occupations.label(code or "", current_locale.get())


def language(code: str | None) -> str:
    return languages.name(code or "", current_locale.get())


def language_list(codes: str | None) -> str:
    return ", ".join(language(code) for code in (codes or "").split())


def work_mode(code: str | None) -> str:
    words = WORK_MODES.get(code or "")
    return _(words) if words else (code or "")


FILTERS: dict[str, Callable[..., Any]] = {"occupation": occupation, "language": language,
                                          "languages": language_list, "work_mode": work_mode}
