"""Every module of the app sits in a layer of the import contract (`.importlinter`), so `lint-imports` checks
its imports; a module left out of every layer would be free to import from anywhere."""

from __future__ import annotations

import configparser
import pkgutil
from pathlib import Path

import app

ROOT = Path(__file__).resolve().parents[2]


def layered() -> set[str]:
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    layers = config["importlinter:contract:layers"]["layers"]
    return {name.strip() for line in layers.splitlines() for name in line.replace("|", ":").split(":")
            if name.strip()}


def test_every_module_of_the_app_is_in_a_layer() -> None:
    modules = {f"app.{info.name}" for info in pkgutil.iter_modules(app.__path__)} - {"app.data", "app.locales"}
    missing = sorted(modules - layered())
    assert not missing, f"place {missing} in a layer of .importlinter (web basics, most likely)"
    assert {"basics", "providers", "scrapers"} <= layered()
