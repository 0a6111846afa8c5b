"""A long comparison shows its first offers and a link to all of them (no JavaScript needed, htmx when there);
a total cost below zero carries a mark that one footnote explains. Demo data, French and English, both databases."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from app.comparison.ranking import FOLD_ABOVE, SHOWN_FIRST, first_offers

WORDS = {
    "fr": {"all": "Voir les {n} offres", "panel": "Les {n} offres, pour votre montant", "above": "Les offres ci-dessus",
           "note": "Coût total sous zéro : le taux était meilleur que le marché",
           "label": "taux meilleur que le marché",
           "best": "Meilleure affaire :"},
    "en": {"all": "Show all {n} offers", "panel": "All {n} offers, for your amount", "above": "The offers above",
           "note": "A total cost below zero: the rate was better than mid-market",
           "label": "rate better than mid-market", "best": "Best value:"},
}


@pytest.fixture
def demo(engine):  # type: ignore[no-untyped-def]
    from app.demo import load_demo

    load_demo(engine=engine)
    return engine


def _rows(page: str) -> list[str]:
    return re.findall(r'<tr class="offer[^"]*">.*?</tr>', page, flags=re.S)


def _more(page: str) -> list[tuple[str, str, str]]:
    """The 'show all' links: (href, hx-get, text)."""
    return re.findall(r'<p class="more-offers"><a href="([^"]+)" hx-get="([^"]+)" hx-target="#results" '
                      r'hx-push-url="true" hx-indicator="#results">([^<]+)</a></p>', page)


def _get(client: Any, url: str, locale: str, **headers: str) -> str:
    r = client.get(url, headers={"Accept-Language": locale, **headers})
    assert r.status_code == 200, (url, r.status_code)
    return str(r.text)


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_a_long_comparison_shows_its_first_offers_and_a_link_to_all(client, demo, locale):  # type: ignore[no-untyped-def]
    w = WORDS[locale]
    api = client.get("/api/v1/compare?from=FR&to=MA&amount=200").json()["offers"]
    n = len(api)  # the API answers every offer
    assert n > FOLD_ABOVE
    for _asked in range(3):  # rendered, then kept whole, then from the page cache: the same page
        folded = _get(client, "/?from=FR&to=MA&amount=200", locale)
        rows = _rows(folded)
        assert len(rows) == SHOWN_FIRST and 'class="offer best' in rows[0]
        links = _more(folded)
        assert len(links) == 1, links
        href, hx_get, text = links[0]
        assert href == hx_get == "/?from=FR&amp;to=MA&amp;amount=200&amp;sort=value&amp;all=1"
        assert text == w["all"].format(n=n)
        assert f"<h3>{w['panel'].format(n=n)}</h3>" in folded and w["above"] not in folded
        assert 'name="robots"' not in folded
        every = _get(client, html.unescape(href), locale)
        assert len(_rows(every)) == n and not _more(every)
        assert _rows(every)[:SHOWN_FIRST] == rows  # the fold cuts the very table, in its order
        assert '<meta name="robots" content="noindex, follow">' in every  # the folded page is the one to index
        assert w["above"] in every and w["panel"].format(n=n) not in every
    # with htmx the link swaps the results alone, every offer in them
    part = _get(client, html.unescape(href), locale, **{"HX-Request": "true", "HX-Target": "results"})
    assert "<html" not in part and len(_rows(part)) == n and not _more(part)
    assert 'id="results-summary" hx-swap-oob="innerHTML"' in part


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_the_order_asked_comes_before_the_fold_and_the_best_value_stays_shown(client, demo, locale):  # type: ignore[no-untyped-def]
    every = _rows(_get(client, "/?from=FR&to=MA&amount=200&sort=speed&all=1", locale))
    best = [i for i, row in enumerate(every) if 'class="offer best' in row]
    assert best and best[0] >= SHOWN_FIRST  # the fastest ten do not include the best value
    folded = _get(client, "/?from=FR&to=MA&amount=200&sort=speed", locale)
    rows = _rows(folded)
    # the ten fastest, then the best value the line above the table names
    assert rows == [*every[:SHOWN_FIRST], every[best[0]]]
    named = re.search(rf'<p class="best-line">{WORDS[locale]["best"]} <strong>([^<]+)</strong>', folded)
    assert named and f">{named.group(1)}</a>" in rows[-1]
    assert _more(folded)[0][0].endswith("sort=speed&amp;all=1")
    # a filter applies before the fold too: the first ten of the offers paid into a bank account, and all of them
    n = len(client.get("/api/v1/compare?from=FR&to=MA&amount=200&payout=bank_account").json()["offers"])
    bank = _get(client, "/?from=FR&to=MA&amount=200&payout=bank_account", locale)
    assert n > FOLD_ABOVE and len(_rows(bank)) == SHOWN_FIRST and _more(bank)[0][2] == WORDS[locale]["all"].format(n=n)
    assert all(re.search(r"<small>[^<]* → (Compte bancaire|Bank account)</small>", row) for row in _rows(bank))


def test_a_receive_question_keeps_its_mode_in_the_link(client, demo):  # type: ignore[no-untyped-def]
    page = _get(client, "/?from=FR&to=MA&mode=receive&amount=2000", "en")
    href = html.unescape(_more(page)[0][0])
    assert href == "/?from=FR&to=MA&amount=2000&sort=value&mode=receive&all=1"
    every = _get(client, href, "en")
    assert "to arrive" in every and len(_rows(every)) > FOLD_ABOVE


def test_a_short_comparison_is_not_folded(client, demo):  # type: ignore[no-untyped-def]
    page = _get(client, "/?from=FR&to=SN&amount=200", "en")
    assert 0 < len(_rows(page)) <= FOLD_ABOVE and not _more(page) and "The offers above" in page
    offers: list[Any] = [object() for _n in range(FOLD_ABOVE + 1)]
    assert first_offers(offers[:FOLD_ABOVE], None) == offers[:FOLD_ABOVE]  # a link for two more is not worth it
    assert first_offers(offers, None) == offers[:SHOWN_FIRST]
    assert first_offers(offers, offers[SHOWN_FIRST]) == offers[:SHOWN_FIRST + 1]
    assert first_offers(offers, offers[0]) == offers[:SHOWN_FIRST]


@pytest.mark.parametrize("locale", ["fr", "en"])
@pytest.mark.parametrize("every", ["", "&all=1"])
def test_a_total_cost_below_zero_is_explained_once(client, demo, locale, every):  # type: ignore[no-untyped-def]
    w = WORDS[locale]
    page = _get(client, f"/?from=IT&to=MA&amount=200{every}", locale)
    below = [row for row in _rows(page) if re.search(r'data-label="[^"]+"><span class="below-zero">-', row)]
    mark = f'<a class="mark" href="#below-zero-note" aria-label="{w["label"]}">*</a>'
    assert below and all(row.count(mark) == 1 for row in below)
    cheapest = re.search(r"<dd>(-[^<]*)" + re.escape(mark) + "</dd>", page)  # the panel's cheapest, marked too
    assert cheapest
    assert page.count(mark) == len(below) + 1
    assert page.count(w["note"]) == 1 and page.count('id="below-zero-note"') == 1
    assert re.search(rf'<p class="footnote" id="below-zero-note"><small><span aria-hidden="true">\*</span> '
                     rf'<a href="/methodology#below-zero">{w["note"]}</a></small></p>', page)
    assert page.count(w["label"]) == page.count(mark)  # the short words only name the marks
    positive = _get(client, "/?from=FR&to=SN&amount=200", locale)
    assert "below-zero" not in positive.replace("/methodology#below-zero", "") and w["note"] not in positive
