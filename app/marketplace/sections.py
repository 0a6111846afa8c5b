"""Sections other domains add to a project's page (skills: "Expertise wanted", days of expertise given).

The marketplace never imports those domains: each registers a callable here when it is imported, and the
project page renders what they return, in order of registration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from app.models import Listing, User


@dataclass(frozen=True)
class Section:
    """A template (rendered with the page's context plus `context`) to include in the project page."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)


ProjectSection = Callable[[Session, Listing, User | None], Section | None]
PROJECT_SECTIONS: list[ProjectSection] = []


def register(section: ProjectSection) -> ProjectSection:
    """Add a section (once, however often its module is imported)."""
    if section not in PROJECT_SECTIONS:
        PROJECT_SECTIONS.append(section)
    return section


def for_project(session: Session, listing: Listing, viewer: User | None) -> list[Section]:
    return [found for section in PROJECT_SECTIONS if (found := section(session, listing, viewer)) is not None]
