"""The match page's rows written in Python (app.skills.match_rows) are the HTML the template's loop wrote."""

from __future__ import annotations

import itertools
from pathlib import Path
from types import SimpleNamespace

import pytest

from app.i18n import current_locale
from app.skills.match_rows import match_items
from app.skills.matching import Match, MatchedMember, MatchedProfile
from app.templating import make_environment

# partials/_matches.html's loop before the rows moved to Python, kept as the reference
TEMPLATE_LOOP = "<ol>\n" + (Path(__file__).parent / "match_rows_loop.html").read_text(encoding="utf-8") + "</ol>\n"
ODD = "<b>Ndèye & \"Aïssatou\" l'aînée</b>"


def _matches() -> list[Match]:
    found = []
    states = [None, "invited", "offered", "accepted", "declined", "withdrawn", "odd-state"]
    for n, (closeness, state, flags) in enumerate(itertools.product(range(5), states, range(8))):
        profile = MatchedProfile(id=n + 1, user_id=100 + n, occupation=("2221", "3212", "2512", "9999", "")[n % 5],
                                 job_title=("", ODD, "Infirmière")[n % 3], skills="", languages="",
                                 mode=("remote", "on_site", "either", "odd")[n % 4], days_per_year=(1, 5, 30)[n % 3],
                                 origin_country=("SN", "ML", "XX", "fr")[n % 4], residence_country=("FR", "BE")[n % 2])
        member = MatchedMember(id=100 + n, display_name=("", ODD, "Awa")[n % 3], email=f"m{n}@x.invalid")
        found.append(Match(profile=profile, member=member, closeness=closeness, score=n * 3,
                           shared_skills=[[], ["nursing"], [ODD, "a & b"]][n % 3],
                           shared_languages=[[], ["fr"], ["fr", "wo", "zz"]][(n // 3) % 3],
                           mode_ok=bool(flags & 1), days_ok=bool(flags & 2), origin_ok=bool(flags & 4),
                           mission_state=state))
    return found


@pytest.mark.parametrize("locale", ["fr", "en"])
@pytest.mark.parametrize("can_invite", [True, False])
def test_the_rows_are_the_templates_html(locale: str, can_invite: bool) -> None:
    env = make_environment()
    items = _matches()
    token = current_locale.set(locale)
    try:
        for csrf_input in ('<input type="hidden" name="_csrf_token" value="\x00csrf\x00">', ""):
            want = env.from_string(TEMPLATE_LOOP).render(result=SimpleNamespace(items=items), need={"id": 42},
                                                          can_invite=can_invite, csrf_input=csrf_input)
            got = env.from_string("<ol>\n{{ match_items(result.items, need.id, can_invite, csrf_input) }}</ol>\n"
                                  ).render(result=SimpleNamespace(items=items), need={"id": 42}, can_invite=can_invite,
                                           csrf_input=csrf_input)
            assert got == want
            # (Jinja drops the last newline)
            assert f"{got}\n" == f"<ol>\n{match_items(items, 42, can_invite, csrf_input)}</ol>\n"
    finally:
        current_locale.reset(token)
    assert "&lt;b&gt;Ndèye &amp; &#34;Aïssatou&#34; l&#39;aînée&lt;/b&gt;" in want  # escaped as Jinja does
