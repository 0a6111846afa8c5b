"""The data path's reasons for refusing a row (written in English by scrapers/), in the reader's language.

The pipeline stores its reasons in English in quarantine, where they stay; staff read them here, on the
observation pages, translated pattern by pattern. A reason no pattern knows is shown as it is.
"""

from __future__ import annotations

import re

from app.i18n import N_, _

_V = r"(?P<value>.+)"
PATTERNS: list[tuple[re.Pattern[str], str]] = [(re.compile(f"^{pattern}$"), message) for pattern, message in (
    (r"rate is missing \(required when the provider showed its rate\)",
     N_("the rate is missing (required when the provider showed its rate)")),
    (rf"(?P<column>\w+) is not a number: {_V}", N_("%(column)s is not a number: %(value)s")),
    (rf"observed_at is not a date \(YYYY-MM-DD\[THH:MM\]\): {_V}",
     N_("observed_at is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM): %(value)s")),
    (rf"speed is not one of the RPW speeds: {_V}", N_("speed is not one of the World Bank's speeds: %(value)s")),
    (rf"transparent is not yes/no: {_V}", N_("transparent is not yes/no: %(value)s")),
    (r"transparent is not yes/no", N_("transparent is not yes/no")),
    (r"no identity: the row lacks the fields that name it", N_("the row lacks the fields that identify it")),
    (rf"duplicate of an earlier row of the same answer \({_V}\)",
     N_("the same observation appears earlier in the file")),
    (r"sending country is missing", N_("the sending country is missing")),
    (rf"sending country '{_V}' is not an ISO 3166 code",
     N_("the sending country “%(value)s” is not an ISO 3166 code")),
    (r"receiving country is missing", N_("the receiving country is missing")),
    (rf"receiving country '{_V}' is not an ISO 3166 code",
     N_("the receiving country “%(value)s” is not an ISO 3166 code")),
    (r"sending and receiving country are the same", N_("the sending and receiving countries are the same")),
    (r"currency is unknown", N_("the currency is unknown")),
    (rf"amount {_V} is not positive", N_("the amount %(value)s is not more than zero")),
    (rf"negative fee {_V}", N_("the fee %(value)s is negative")),
    (r"observation date is missing", N_("the observation date is missing")),
    (r"period is missing", N_("the quarter is missing")),
    (r"rate (?P<value>\S+) is off by (?P<times>\d+)x from the mid-market rate (?P<mid>\S+): inverted or wrong units",
     N_("the rate %(value)s is %(times)s times off the mid-market rate %(mid)s: inverted, or in the wrong units")),
    (rf"rate {_V} is not positive", N_("the rate %(value)s is not more than zero")),
    (r"no reference rate for (?P<send>\S+) to (?P<receive>\S+) on (?P<day>\S+)",
     N_("no reference rate is known for %(send)s to %(receive)s on %(day)s")),
    (r"FX margin (?P<value>\S+) % is above 50 %", N_("the exchange rate margin of %(value)s %% is above 50 %%")),
    (r"total cost cannot be computed", N_("the total cost cannot be computed")),
    (r"(?P<column>\w+) is missing", N_("%(column)s is missing")),
    (rf"the file is not UTF-8 text: {_V}", N_("the file is not UTF-8 text")),
    (rf"the header row lacks column\(s\) {_V}", N_("the header row lacks the column(s) %(value)s")),
    (r"the file holds a header but no observation", N_("the file holds a header row but no observation")),
)]


def translate_reason(reason: str) -> str:
    """One or several reasons ('a; b') in the request's language."""
    return "; ".join(_one(part) for part in reason.split("; "))


def _one(reason: str) -> str:
    for pattern, message in PATTERNS:
        if found := pattern.match(reason):
            return _(message, **found.groupdict()) if found.groupdict() else _(message)
    return reason
