"""The msgids used in templates and Python code, found with Babel's own extractors."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [("templates", "**.html", "jinja2.ext:babel_extract"), ("app", "**.py", "python"),
           ("scrapers", "**.py", "python"), ("providers", "**.py", "python")]
# Words spelled the same in English and French.
SAME_IN_BOTH = {"Passerelle", "Action", "Source", "Sources", "Type", "Note", "Transparent", "Total", "%",
                "SmaRT", "Article", "Format", "Date",
                "Impact", "Documents", "Organisation", "Pages", "Agriculture", "Transport", "Budget"}


def template_messages() -> list[str]:
    found: dict[str, None] = {}
    for folder, pattern, method in SOURCES:
        for _file, _line, message, _comments, _ctx in extract_from_dir(
            str(ROOT / folder), method_map=[(pattern, method)], keywords={"_": None, "N_": None},
            options_map={pattern: {"extensions": "jinja2.ext.i18n"}} if method != "python" else None,
        ):
            if isinstance(message, str) and message not in SAME_IN_BOTH:
                found[message] = None
    return list(found)
