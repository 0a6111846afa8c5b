"""Bring app/locales/fr/LC_MESSAGES/messages.po in step with the code: add new msgids, drop unused ones.

Usage: python scripts/sync_messages.py [--missing]   (--missing lists msgids still without French)
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.messages import template_messages  # noqa: E402

PO = ROOT / "app/locales/fr/LC_MESSAGES/messages.po"


def main() -> None:
    old = read_po(PO.open("rb"), locale="fr") if PO.exists() else Catalog(locale="fr")
    new = Catalog(locale="fr", project="Passerelle", charset="utf-8")
    for msgid in template_messages():
        existing = old.get(msgid)
        new.add(msgid, existing.string if existing else "")
    PO.parent.mkdir(parents=True, exist_ok=True)
    with PO.open("wb") as out:
        write_po(out, new, width=110, omit_header=False, sort_output=False)
    missing = [m.id for m in new if m.id and not m.string]
    print(f"{len(new)} messages, {len(missing)} without French")
    if "--missing" in sys.argv:
        for msgid in missing:
            print(repr(msgid))


if __name__ == "__main__":
    main()
