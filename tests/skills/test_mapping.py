"""The diaspora mapping: cells under 5 withheld, and no withheld cell recoverable by subtracting shown cells
from totals or by differencing filtered views (the page, the CSV and the chart), on both databases."""

from __future__ import annotations

import csv
import io
import itertools
import re

import pytest
from sqlmodel import select

from app.models import SkillProfile, User
from tests.skills.public_data import profile
from tests.support import login, make_user

STAFF = "mariama.staff@example.org"
# (origin, residence, occupation unit group) -> people. Cells under 5 are the ones an attacker wants.
POOL = {
    ("SN", "FR", "2212"): 7, ("SN", "FR", "3221"): 2, ("SN", "FR", "2411"): 5,
    ("SN", "IT", "2212"): 1, ("SN", "IT", "7411"): 9,
    ("ML", "FR", "2221"): 6, ("ML", "FR", "4110"): 4,
    ("ML", "IT", "2212"): 3,  # a pair made only of small cells: not even its existence is shown
    ("CM", "BE", "2411"): 12, ("CM", "BE", "2412"): 1,  # one major group (2): 13 people, two unit groups
    ("GN", "FR", "2212"): 2,  # an origin with small cells only: not offered in the filters
}
SMALL = {("SN", "FR", "3"): 2, ("SN", "IT", "2"): 1, ("ML", "FR", "4"): 4, ("ML", "IT", "2"): 3, ("GN", "FR", "2"): 2}


def _fill(session, pool: dict[tuple[str, str, str], int]) -> None:  # type: ignore[no-untyped-def]
    for (origin, residence, occupation), n in pool.items():
        for _i in range(n):
            profile(session, origin, residence, occupation, name=f"Nom{origin}{residence}{occupation}")
    # Paused profiles are not counted: five paused anaesthetists from Guinea in France change nothing.
    for _i in range(5):
        profile(session, "GN", "FR", "2212", active=False)
    session.commit()


@pytest.fixture
def staff_client(client, engine, session):  # type: ignore[no-untyped-def]
    _fill(session, POOL)
    make_user(engine, STAFF, role="staff")
    login(client, STAFF)
    return client


def _csv(client, **params: str) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    r = client.get("/staff/skills/mapping.csv", params=params)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(r.text)))


def _main(html: str) -> str:
    return html[html.index('<main id="main">'):html.index("</main>")]


def test_cells_under_five_are_withheld_and_paused_profiles_not_counted(staff_client):
    rows = {(r["origin"], r["residence"], r["isco_major_group"]): r["people"] for r in _csv(staff_client)}
    assert rows[("SN", "FR", "2")] == "12"  # 7 + 5: two unit groups of major group 2
    assert rows[("SN", "IT", "7")] == "9" and rows[("ML", "FR", "2")] == "6" and rows[("CM", "BE", "2")] == "13"
    for (origin, residence, group) in SMALL:
        assert rows.get((origin, residence, group), "<5") == "<5"
    assert rows[("SN", "FR", "7")] == "<5"  # an empty cell looks like a small one
    assert {g for _o, _r, g in rows} == {"2", "7"}  # columns with no cell shown are left out
    assert not any(o == "GN" for o, _r, _g in rows) and ("ML", "IT", "2") not in rows
    assert set(rows.values()) - {"<5"} == {"12", "9", "6", "13"}


def test_the_page_explains_the_rule_and_shows_no_person(staff_client, session):
    html = staff_client.get("/staff/skills/mapping").text  # in the staff member's own language, French
    assert "moins de 5 personnes est masquée" in html and "&lt; 5" in html
    assert "Sénégal → France" in html and "<svg" in html
    csv_text = staff_client.get("/staff/skills/mapping.csv").text
    for found in session.exec(select(SkillProfile)).all():
        user = session.get(User, found.user_id)
        for text in (html, csv_text):
            assert user.email not in text and user.display_name not in text
            assert found.job_title not in text and found.summary not in text
    origins = re.findall(r'<select id="f-origin".*?</select>', html, re.S)[0]
    assert 'value="SN"' in origins and 'value="GN"' not in origins  # Guinea has only small cells


def _views(client) -> dict[tuple[str, str, str], dict[str, object]]:  # type: ignore[no-untyped-def]
    """Every view a staff member can ask for: each filter alone and combined, including countries that only
    small cells have (an attacker may type them), as CSV, page and chart."""
    origins, residences = ["", "SN", "ML", "CM", "GN"], ["", "FR", "IT", "BE"]
    groups = ["", "1", "2", "3", "4", "7"]  # shown groups, groups with small cells only, an empty group
    found = {}
    for origin, residence, group in itertools.product(origins, residences, groups):
        params = {k: v for k, v in (("origin", origin), ("residence", residence), ("group", group)) if v}
        html = client.get("/staff/skills/mapping", params=params).text
        found[(origin, residence, group)] = {"csv": client.get("/staff/skills/mapping.csv", params=params).text,
                                             "page": _main(html)}
    return found


def test_subtracting_shown_cells_from_any_total_recovers_nothing(staff_client):
    """Row, column and grand totals minus the cells shown: the attacker's estimate of each withheld cell."""
    html = staff_client.get("/staff/skills/mapping").text
    table = html[html.index("<table"):html.index("</table>")]
    body = table[table.index("<tbody>"):table.index("</tbody>")]
    foot = table[table.index("<tfoot>"):]

    def numbers(row: str) -> list[int | None]:
        cells = re.findall(r"<td[^>]*>([^<]*)</td>", row)
        return [None if "&lt;" in c or "<" in c else int(c.replace("\u202f", "").replace("\xa0", "").rstrip(" +"))
                for c in cells]

    rows = [numbers(r) for r in re.findall(r"<tr>.*?</tr>", body, re.S)]
    assert rows and any(None in r for r in rows)
    for row in rows:  # row total - shown cells
        *cells, total = row
        assert total is not None and total - sum(c for c in cells if c is not None) == 0
    *column_totals, grand = numbers(foot)
    for i, total in enumerate(column_totals):  # column total - shown cells
        assert total - sum(r[i] for r in rows if r[i] is not None) == 0
    assert grand - sum(r[-1] for r in rows) == 0 and grand == sum(column_totals)
    # The true people of the pool (cells under five included) would have given 64 + 13: never published.
    assert grand == 12 + 9 + 6 + 13
    assert str(sum(POOL.values())) not in re.sub(r"<[^>]+>", " ", foot)


def _csv_total(text: str) -> int:
    return sum(int(r["people"]) for r in csv.DictReader(io.StringIO(text)) if r["people"].isdigit())


def test_differencing_two_filtered_views_recovers_nothing(staff_client):
    """For any two views, one inside the other, the larger's total minus the smaller's is exactly the cells
    the larger shows and the smaller does not: the residue a withheld cell would leave is always 0."""
    views = _views(staff_client)
    cells_of = {}
    for key, out in views.items():
        reader = csv.DictReader(io.StringIO(str(out["csv"])))
        cells_of[key] = {(r["origin"], r["residence"], r["isco_major_group"]): r["people"] for r in reader}
    checked = 0
    for outer, inner in itertools.permutations(views, 2):
        if all(o in ("", i) for o, i in zip(outer, inner, strict=True)) and outer != inner:
            difference = _csv_total(str(views[outer]["csv"])) - _csv_total(str(views[inner]["csv"]))
            only_outer = sum(int(v) for k, v in cells_of[outer].items()
                             if k not in cells_of[inner] and v.isdigit())
            assert difference - only_outer == 0, (outer, inner)
            checked += 1
    assert checked > 500
    # And every number anyone can read is a cell of 5 or more, or a sum of such cells.
    for out in views.values():
        for r in csv.DictReader(io.StringIO(str(out["csv"]))):
            assert r["people"] == "<5" or int(r["people"]) >= 5


def test_pools_that_differ_only_in_small_cells_give_identical_views(client, engine, session):
    """The strongest form of the claim: change only withheld cells (1 -> 4, 0 -> 3, a new origin with two
    people, a small cell paused): every view (page, CSV, chart) of every filter is byte for byte the same,
    so no subtraction or differencing of any of them can tell the two pools apart."""
    _fill(session, POOL)
    make_user(engine, STAFF, role="staff")
    login(client, STAFF)
    before = _views(client)
    _fill(session, {("SN", "IT", "2212"): 3, ("SN", "FR", "1120"): 4, ("BF", "FR", "2212"): 2,
                    ("CM", "IT", "6111"): 4})
    paused = session.exec(select(SkillProfile).where(SkillProfile.origin_country == "ML",
                                                     SkillProfile.occupation == "4110")).first()
    paused.active = False
    session.add(paused)
    session.commit()
    after = _views(client)
    assert before.keys() == after.keys()
    for key in before:
        assert before[key] == after[key], key
    # The same change to a shown cell is seen at once (the views are not cached stale).
    _fill(session, {("SN", "FR", "2212"): 1})
    assert "13" in client.get("/staff/skills/mapping.csv", params={"origin": "SN", "residence": "FR"}).text


def test_staff_only(client, engine):
    assert client.get("/staff/skills/mapping", follow_redirects=False).status_code in (302, 303)
    make_user(engine, "kofi@example.org")
    login(client, "kofi@example.org")
    assert client.get("/staff/skills/mapping").status_code == 403
    assert client.get("/staff/skills/mapping.csv").status_code == 403
