"""Languages by ISO 639-1 code (the two letters profiles and needs store, space separated), named in English or
French from pycountry's ISO 639-3 data and its French gettext catalogue."""

from __future__ import annotations

import gettext
import re
from functools import lru_cache

import pycountry

# Shown first in choosers: the languages of the programme's countries and of the diaspora's countries of residence.
COMMON = ("fr", "en", "wo", "ff", "bm", "ln", "sw", "ha", "yo", "ar", "pt", "es", "it", "de", "nl")

_QUALIFIER = re.compile(r"\s*\((macrolanguage|macrolangue)\)$")


@lru_cache(maxsize=1)
def _french() -> gettext.NullTranslations:
    return gettext.translation("iso639-3", pycountry.LOCALES_DIR, languages=["fr"], fallback=True)


@lru_cache(maxsize=1)
def codes() -> tuple[str, ...]:
    """Every ISO 639-1 code pycountry knows, sorted."""
    return tuple(sorted(lang.alpha_2 for lang in pycountry.languages if getattr(lang, "alpha_2", None)))


def is_code(code: str) -> bool:
    return code in _code_set()


@lru_cache(maxsize=1)
def _code_set() -> frozenset[str]:
    return frozenset(codes())


@lru_cache(maxsize=512)
def name(code: str, locale: str | None = None) -> str:
    """The language's name in the locale (French for "fr*", else English); the code when unknown."""
    lang = pycountry.languages.get(alpha_2=code) if len(code) == 2 else None
    if lang is None:
        return code
    english = lang.name
    shown = _french().gettext(english) if (locale or "").lower().startswith("fr") else english
    shown = _QUALIFIER.sub("", shown)
    return shown[:1].upper() + shown[1:]


def parse(raw: str | None) -> list[str]:
    """Codes from a space/comma separated text, lower-cased, de-duplicated in order (unknown codes kept: the
    caller validates with `is_code`)."""
    seen: list[str] = []
    for part in re.split(r"[\s,;]+", (raw or "").lower()):
        if part and part not in seen:
            seen.append(part)
    return seen
