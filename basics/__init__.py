"""Shared basics at the bottom of every layer: corridors, currencies, pegs, the pay-in/payout/speed vocabulary.

Nothing here imports `providers`, `scrapers` or `app`; everything above may import it.
"""
