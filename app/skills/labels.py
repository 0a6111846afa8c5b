"""Template filters for skills codes (states, kinds, modes), translated at display time."""

from __future__ import annotations

from collections.abc import Callable

from app.skills import hosts, needs
from app.skills.need_words import occupation_label

NEEDS_FILTERS: dict[str, Callable[[str | None], str]] = {
    "need_state": needs.state_label, "need_mode": needs.mode_label,
    "host_kind": hosts.kind_label, "host_state": hosts.state_label,
    "occupation_label": lambda code: occupation_label(code or ""),
}
