"""The msgids used in templates and Python code, found with Babel's own extractors.

A message is a string, or a (singular, plural) pair for `ngettext(singular, plural, n, ...)`.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [("templates", "**.html", "jinja2.ext:babel_extract"), ("app", "**.py", "python"),
           ("scrapers", "**.py", "python"), ("providers", "**.py", "python")]
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
# Words spelled the same in English and French.
SAME_IN_BOTH = {"Passerelle", "Action", "Source", "Sources", "Type", "Note", "Transparent", "Total", "%",
                "SmaRT", "Article", "Format", "Date",
                "Impact", "Documents", "Organisation", "Pages", "Agriculture", "Transport", "Budget"}

Message = str | tuple[str, str]


def template_messages() -> list[Message]:
    found: dict[Message, None] = {}
    for folder, pattern, method in SOURCES:
        for _file, _line, message, _comments, _ctx in extract_from_dir(
            str(ROOT / folder), method_map=[(pattern, method)], keywords=KEYWORDS,
            options_map={pattern: {"extensions": "jinja2.ext.i18n"}} if method != "python" else None,
        ):
            if isinstance(message, str) and message not in SAME_IN_BOTH:
                found[message] = None
            elif isinstance(message, tuple) and len(message) == 2 and all(isinstance(m, str) for m in message):
                found[(message[0], message[1])] = None
    return list(found)


def msgid(message: Message) -> str:
    """The catalogue's key: the message itself, or the singular of a plural pair."""
    return message if isinstance(message, str) else message[0]
