"""Skill tags: free words a member or a host types, normalised the same way on both sides so they can be matched
exactly (lower case, single spaces, trimmed), stored one per line; and the suggestions forms offer."""

from __future__ import annotations

import re
import unicodedata

MAX_TAGS = 20
MAX_TAG_LENGTH = 40

# Offered in a <datalist>: common words of the needs programmes see (health, teaching, agriculture, ICT, finance).
SUGGESTIONS = (
    "anaesthesia", "surgery", "paediatrics", "obstetrics", "midwifery", "nursing", "emergency care", "radiology",
    "laboratory", "pharmacy", "public health", "epidemiology", "dentistry", "ophthalmology", "physiotherapy",
    "accounting", "audit", "bookkeeping", "microfinance", "financial management", "fundraising", "project management",
    "monitoring and evaluation", "logistics", "procurement", "teaching", "curriculum design", "teacher training",
    "french", "english", "mathematics", "agronomy", "irrigation", "soil science", "veterinary care", "aquaculture",
    "fisheries", "food processing", "cold chain", "solar energy", "electrical installation", "plumbing",
    "construction", "civil engineering", "water and sanitation", "software development", "web development",
    "data analysis", "networks", "cybersecurity", "mobile money", "marketing", "legal advice", "human resources",
    "translation", "journalism", "cooperative management", "training of trainers",
)

_SPACES = re.compile(r"\s+")


def normalise(raw: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFC", raw)).strip().lower()


def parse(values: list[str]) -> list[str]:
    """Distinct normalised tags in the order given (empty ones dropped); commas and new lines also separate."""
    found: list[str] = []
    for value in values:
        for part in re.split(r"[,\n;]", value or ""):
            tag = normalise(part)
            if tag and tag not in found:
                found.append(tag)
    return found


def stored(tags: list[str]) -> str:
    return "\n".join(tags)


def read(text: str | None) -> list[str]:
    return [line for line in (text or "").split("\n") if line.strip()]
