"""Bring the French catalogue (app/locales/fr/LC_MESSAGES/*.po) in step with the code.

Each msgid stays in the file that already holds it; new msgids go to the file named by --into
(default messages.po); msgids the code no longer uses are dropped from every file. `ngettext` pairs
become plural entries with one French form per plural of the catalogue (msgstr[0], msgstr[1], ...).

Usage: python scripts/sync_messages.py [--into comparison.po] [--missing]
   (--missing lists msgids still without French)
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.messages import msgid as key_of  # noqa: E402
from tests.messages import template_messages  # noqa: E402

FOLDER = ROOT / "app/locales/fr/LC_MESSAGES"


def _french(catalog: Catalog, message: str | tuple[str, str], old: str | tuple[str, ...] | None) -> object:
    """The French kept from before, shaped as the message is now (a plural entry has every form)."""
    if isinstance(message, str):
        return old if isinstance(old, str) else ""
    forms = list(old) if isinstance(old, tuple) else [old or ""]
    return tuple((forms + [""] * catalog.num_plurals)[:catalog.num_plurals])


def _translated(string: object) -> bool:
    return all(string) if isinstance(string, tuple) else bool(string)


def main() -> None:
    into = sys.argv[sys.argv.index("--into") + 1] if "--into" in sys.argv else "messages.po"
    files = {path.name: read_po(path.open("rb"), locale="fr") for path in sorted(FOLDER.glob("*.po"))}
    files.setdefault(into, Catalog(locale="fr"))
    home = {key_of(m.id): name for name, cat in files.items() for m in cat if m.id}
    # The old creation date is kept so that a sync changes only the messages themselves.
    new = {name: Catalog(locale="fr", project="Passerelle", charset="utf-8", creation_date=cat.creation_date)
           for name, cat in files.items()}
    # Messages still used keep their place in their file; new ones follow in the order the code has them.
    used = template_messages()
    old_place = {name: {key_of(m.id): i for i, m in enumerate(cat) if m.id} for name, cat in files.items()}
    used.sort(key=lambda m: old_place[home.get(key_of(m), into)].get(key_of(m), len(old_place[into]) + 1))
    for message in used:
        name = home.get(key_of(message), into)
        existing = files[name].get(key_of(message))
        new[name].add(message, _french(new[name], message, existing.string if existing else None))
    FOLDER.mkdir(parents=True, exist_ok=True)
    for name, cat in new.items():
        with (FOLDER / name).open("wb") as out:
            write_po(out, cat, width=110, omit_header=False, sort_output=False)
    missing = [m.id for cat in new.values() for m in cat if m.id and not _translated(m.string)]
    print(f"{sum(len(c) for c in new.values())} messages in {len(new)} files, {len(missing)} without French")
    if "--missing" in sys.argv:
        for msgid in missing:
            print(repr(msgid))


if __name__ == "__main__":
    main()
