"""ISCO-08, the ILO's International Standard Classification of Occupations (CITP-08 in French), shipped as data.

``basics/data/isco08.csv`` holds the whole structure: 10 major groups (1 digit), 43 sub-major groups (2), 130
minor groups (3) and 436 unit groups (4), each with its English and French label. A group's parents are the
prefixes of its code ("2212" -> "221" -> "22" -> "2"). Profiles and needs store a unit group's code; how close
two occupations are is how long a prefix their codes share (`closeness`).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from importlib import resources


class Level(StrEnum):
    major = "major"
    sub_major = "sub_major"
    minor = "minor"
    unit = "unit"


_LEVEL_BY_DIGITS = {1: Level.major, 2: Level.sub_major, 3: Level.minor, 4: Level.unit}


@dataclass(frozen=True, slots=True)
class Group:
    code: str
    level: Level
    label_en: str
    label_fr: str

    def label(self, locale: str | None = None) -> str:
        """The label in the locale ("fr", "fr_FR"... -> French; anything else -> English)."""
        return self.label_fr if (locale or "").lower().startswith("fr") else self.label_en

    @property
    def parent_code(self) -> str | None:
        return self.code[:-1] if len(self.code) > 1 else None


@lru_cache(maxsize=1)
def groups() -> dict[str, Group]:
    """Every group by code, in the file's (the classification's) order."""
    text = resources.files("basics").joinpath("data/isco08.csv").read_text(encoding="utf-8")
    found: dict[str, Group] = {}
    for row in csv.DictReader(text.splitlines()):
        code = row["code"].strip()
        level = Level(row["level"])
        if _LEVEL_BY_DIGITS.get(len(code)) is not level or not code.isdigit():
            raise ValueError(f"isco08.csv: {code!r} is not a {level} code")
        found[code] = Group(code, level, row["label_en"].strip(), row["label_fr"].strip())
    return found


def group(code: str) -> Group | None:
    return groups().get(code)


def is_unit(code: str | None) -> bool:
    found = groups().get(code or "")
    return found is not None and found.level is Level.unit


def label(code: str, locale: str | None = None) -> str:
    """The group's label in the locale; the code itself when it is not an ISCO-08 group."""
    found = groups().get(code)
    return found.label(locale) if found else code


def parents(code: str) -> list[Group]:
    """The groups above `code`, nearest first ("2212" -> minor 221, sub-major 22, major 2)."""
    table = groups()
    return [table[code[:n]] for n in range(len(code) - 1, 0, -1) if code[:n] in table]


def major_group(code: str) -> Group | None:
    return groups().get(code[:1]) if code else None


def children(code: str) -> list[Group]:
    """The groups directly below `code` (below "" : the major groups)."""
    return [g for g in groups().values() if len(g.code) == len(code) + 1 and g.code.startswith(code)]


def units(under: str = "") -> list[Group]:
    """The unit groups below `under` (all 436 when it is empty), in the classification's order."""
    return [g for g in groups().values() if g.level is Level.unit and g.code.startswith(under)]


def by_level(level: Level) -> list[Group]:
    return [g for g in groups().values() if g.level is level]


def closeness(a: str, b: str) -> int:
    """How many leading digits two unit groups share: 4 same unit, 3 same minor, 2 same sub-major, 1 same major
    group, 0 nothing in common."""
    shared = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        shared += 1
    return shared
