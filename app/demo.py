"""`passerelle demo load`: every domain registers a loader of its bundled real data here."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable

from sqlalchemy import Engine
from sqlmodel import Session

from app.db import session_scope
from app.models import KeyValue
from app.models.base import utcnow

Loader = Callable[[Session], str]
LOADERS: list[tuple[str, Loader]] = []
# The domains' loaders, in the order they run: the skills needs name an example project of the marketplace.
MODULES = ("app.comparison.demo", "app.marketplace.demo", "app.skills.demo", "app.skills.demo_profiles")


def demo_loader(name: str) -> Callable[[Loader], Loader]:
    def register(fn: Loader) -> Loader:
        LOADERS.append((name, fn))
        return fn
    return register


def load_demo(only_if_empty: bool = False, engine: Engine | None = None) -> str:
    """Run every domain's loader; with ``only_if_empty``, a loader that already ran is skipped."""
    _import_loaders()
    lines = []
    # In the order of MODULES, not of import: a module imported earlier (a test reading app.skills.demo's
    # NEEDS) would otherwise run first, and the skills needs would miss the example project theirs belongs to.
    order = {module: index for index, module in enumerate(MODULES)}
    for name, loader in sorted(LOADERS, key=lambda entry: order.get(entry[1].__module__, len(order))):
        marker = f"demo:loaded:{name}"
        with session_scope(engine) as session:
            if only_if_empty and session.get(KeyValue, marker) is not None:
                lines.append(f"{name}: already loaded")
                continue
            lines.append(f"{name}: {loader(session)}")
            session.merge(KeyValue(key=marker, value=utcnow().isoformat().encode()))
    return "\n".join(lines) or "no demo loaders registered"


def _import_loaders() -> None:
    """Domains register on import; a domain not built yet simply has no loader."""
    for module in MODULES:
        if importlib.util.find_spec(module) is not None:
            importlib.import_module(module)
