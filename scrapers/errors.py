"""Errors a source can give us once it has answered."""

from __future__ import annotations


class ParseError(Exception):
    """A source answered, but its content is not what we expected.

    Parsers raise it for an HTML page where JSON was expected, truncated JSON or XML, a missing or
    malformed field, or a file with no rows. The message names the field or position at fault so an
    operator reading the quarantine can tell a changed format from a bad day.
    """
