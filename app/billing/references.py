"""Payment references members quote on a transfer: short, unique, and carrying two check digits.

`P-K7Q3XM9-42`: "P", seven characters from an alphabet without look-alikes (no I, O, 0, 1: people read
references aloud to a bank clerk or a mobile-money agent), then ISO 7064 MOD 97-10 check digits over
the seven, each written as its two-digit rank in the alphabet (00–31). Every rank differs from another by
less than 97, so a single wrong character, or two neighbours swapped, never gives a valid reference: a
mistyped reference is listed for staff instead of paying someone else's pledge.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_BODY = 7
# In a statement, a reference may be written with spaces, dots or dashes, or none, in any case.
_FOUND = re.compile(r"(?<![A-Z0-9])P[-. ]?([A-Z0-9]{4}[-. ]?[A-Z0-9]{3})[-. ]?([0-9]{2})(?![A-Z0-9])")


def check_digits(body: str) -> str:
    number = int("".join(f"{ALPHABET.index(char):02d}" for char in body) + "00")
    return f"{98 - number % 97:02d}"


def new() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(_BODY))
    return f"P-{body}-{check_digits(body)}"


def is_valid(reference: str) -> bool:
    """Whether `reference` (as stored: `P-XXXXXXX-NN`) has the right shape and check digits."""
    return find(reference) == [reference]


def find(text: str) -> list[str]:
    """The valid references written anywhere in a statement's text, in stored form (`P-XXXXXXX-NN`)."""
    found = []
    for match in _FOUND.finditer(text.upper()):
        body = re.sub(r"[-. ]", "", match.group(1))
        if all(char in ALPHABET for char in body) and check_digits(body) == match.group(2):
            reference = f"P-{body}-{match.group(2)}"
            if reference not in found:
                found.append(reference)
    return found


def looks_like_one(text: str) -> bool:
    """Something shaped like a reference is there, even if its check digits are wrong (a typo)."""
    return _FOUND.search(text.upper()) is not None
