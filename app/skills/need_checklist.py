"""The short checklist staff fill in before publishing a need: the listings' checklist shape
(app.marketplace.checklist) with its own items, on the same ChecklistItem table and the same rule."""

from __future__ import annotations

from app.i18n import N_
from app.marketplace.checklist import Checklist, blocking_items, snapshot

NEED = Checklist({
    "poster_verified": N_("The poster is a vetted host or the promoter of the project"),
    "genuine_need": N_("The need is real and described fairly"),
    "occupation_matches": N_("Occupation, skills and languages match the work"),
    "conditions_safe": N_("Working conditions are safe and lawful"),
    "provisions_confirmed": N_("What the host provides is confirmed"),
    "no_personal_data": N_("No personal data in the public text"),
}, "need_id")
ITEMS, label, items_for, save = NEED.ITEMS, NEED.label, NEED.items_for, NEED.save
__all__ = ["ITEMS", "blocking_items", "items_for", "label", "save", "snapshot"]
