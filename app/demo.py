"""`passerelle demo load`: every domain registers a loader of its bundled real data here."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session

from app.db import session_scope

Loader = Callable[[Session], str]
LOADERS: list[tuple[str, Loader]] = []


def demo_loader(name: str) -> Callable[[Loader], Loader]:
    def register(fn: Loader) -> Loader:
        LOADERS.append((name, fn))
        return fn
    return register


def load_demo(only_if_empty: bool = False) -> str:
    _import_loaders()
    lines = []
    for name, loader in LOADERS:
        with session_scope() as session:
            lines.append(f"{name}: {loader(session)}")
    return "\n".join(lines) or "no demo loaders registered"


def _import_loaders() -> None:
    """Domains register on import; a domain not built yet simply has no loader."""
