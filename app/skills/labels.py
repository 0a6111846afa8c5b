"""Template filters for skills codes (states, kinds, modes), translated at display time."""

from __future__ import annotations

from collections.abc import Callable

from app.skills import hosts, needs

NEEDS_FILTERS: dict[str, Callable[[str | None], str]] = {
    "need_state": needs.state_label,
    "host_kind": hosts.kind_label, "host_state": hosts.state_label,
}
