"""The sender's pages: compare (full page and htmx swap), corridor history, provider, methodology, budget."""

from __future__ import annotations

import gzip
import re

from tests.comparison.conftest import DATA  # noqa: F401 - the rpw_loaded fixture lives beside it


def test_home_compares_france_senegal_200_euros_by_default(client, rpw_loaded):
    r = client.get("/")
    assert r.status_code == 200
    assert '<option value="FR" selected' in r.text and '<option value="SN" selected' in r.text
    assert 'value="200"' in r.text
    rows = re.findall(r'<tr class="offer', r.text)
    assert len(rows) >= 10
    assert "Moyenne du couloir" in r.text and "2,41" in r.text  # the World Bank's 2.41 %, in French
    assert r.text.count("Ces observations sont anciennes") == 1, "2025 data is marked old once, not per row"


def test_htmx_request_gets_only_the_results(client, rpw_loaded):
    full = client.get("/?from=FR&to=SN&amount=500&payout=mobile_wallet")
    part = client.get("/?from=FR&to=SN&amount=500&payout=mobile_wallet",
                      headers={"HX-Request": "true", "HX-Target": "results"})
    assert part.status_code == 200 and "<html" not in part.text and "<table" in part.text
    assert part.text.strip() in full.text.replace("\n  ", "\n") or part.text.count("<tr>") == full.text.count("<tr>")
    assert "Portefeuille mobile" in part.text or "Mobile wallet" in part.text


def test_mobile_wallet_offers_show_the_cash_out_fee(client, rpw_loaded):
    r = client.get("/?from=FR&to=SN&amount=200&payout=mobile_wallet", headers={"Accept-Language": "en"})
    assert "cash-out fee" in r.text


def test_bad_amount_is_explained_and_nothing_breaks(client, rpw_loaded):
    r = client.get("/?from=FR&to=SN&amount=-3", headers={"Accept-Language": "en"})
    assert r.status_code == 400 and "more than zero" in r.text and 'aria-invalid="true"' in r.text
    r = client.get("/?from=FR&to=JP&amount=200", headers={"Accept-Language": "en"})
    assert r.status_code == 404 and "no prices" in r.text


def test_when_every_price_is_indicative_the_list_says_so_plainly(client, rpw_loaded):
    # RPW observed 140 € and 345 € on FR-SN: 2 000 € is more than twice both, so no price is firm, and the
    # group's heading must not promise offers "after the others" that do not exist
    r = client.get("/?from=FR&to=SN&amount=2000", headers={"Accept-Language": "en"})
    assert r.status_code == 200 and "Indicative prices only: no service was observed near your amount" in r.text
    assert "listed after the others" not in r.text
    fr = client.get("/?from=FR&to=SN&amount=2000").text
    assert "Prix indicatifs seulement : aucun service relevé près de votre montant" in fr
    firm = client.get("/?from=FR&to=SN&amount=300", headers={"Accept-Language": "en"}).text
    assert "Indicative prices only" not in firm


def test_any_amount_is_priced_from_the_nearest_observation(client, rpw_loaded):
    r = client.get("/?from=FR&to=SN&amount=300", headers={"Accept-Language": "en"})
    assert "priced from the quote for" in r.text  # RPW observed 140 € and 345 €


def test_corridor_history_page(client, rpw_loaded):
    r = client.get("/corridors/FR-SN", headers={"Accept-Language": "en"})
    assert r.status_code == 200 and "<svg" in r.text and 'role="img"' in r.text
    assert "2011Q1" in r.text and "2025Q3" in r.text
    with_lines = client.get("/corridors/FR-SN?providers=true")
    assert with_lines.text.count("<g>") > r.text.count("<g>") == 1  # one group per provider line
    assert client.get("/corridors/XX-SN").status_code == 404


def test_corridor_page_is_kept_for_visitors_until_a_load_touches_the_corridors(client, rpw_loaded, engine,
                                                                              monkeypatch):
    from sqlalchemy import text

    from app.comparison import pages

    built = []
    real = pages.corridor_context
    monkeypatch.setattr(pages, "corridor_context", lambda *a: built.append(a[1].code) or real(*a))
    client.app.state.comparison_cache.recheck = 0  # the version is read at every request here
    first = client.get("/corridors/FR-SN", headers={"Accept-Language": "en"})
    again = client.get("/corridors/fr-sn", headers={"Accept-Language": "en"})  # the same corridor, any case
    assert again.text == first.text and "2025Q3" in first.text and built == ["FR-SN"]
    client.get("/corridors/FR-SN", headers={"Accept-Language": "fr"})  # each language its own page
    client.get("/corridors/FR-SN?providers=true", headers={"Accept-Language": "en"})
    assert built == ["FR-SN"] * 3
    client.get("/corridors/FR-JP")  # a corridor with no data is answered, not kept (codes are many)
    client.get("/corridors/FR-JP")
    assert built.count("FR-JP") == 2
    with engine.begin() as conn:  # what every load of quotes or statistics does to the corridors it touched
        conn.execute(text("UPDATE current_corridor SET version = version + 1 WHERE corridor = 'FR-SN'"))
    assert client.get("/corridors/FR-SN", headers={"Accept-Language": "en"}).text == first.text
    assert built.count("FR-SN") == 4


def test_provider_page_has_a_line_a_corridor_priced_as_the_compare_page(client, rpw_loaded):
    from decimal import Decimal

    r = client.get("/providers/western-union", headers={"Accept-Language": "en"})
    assert r.status_code == 200 and "Western Union" in r.text and "Sending from France" in r.text
    assert ">FR-SN<" not in r.text  # codes only in URLs
    lines = re.findall(r'<tr><td data-label="Corridor"><a href="/\?from=(\w\w)&amp;to=(\w\w)">(.*?)</tr>', r.text, re.S)
    assert len(lines) == len({(a, b) for a, b, _rest in lines}) >= 5, "one line a corridor, not one a service"
    assert re.search(r"served</h2>", r.text) and f"{len(lines)} corridors served" in r.text
    for source, destination, line in lines:
        offers = client.get(f"/api/v1/compare?from={source}&to={destination}&amount=200").json()["offers"]
        best: dict[tuple[str, str], Decimal] = {}  # firms not yet mapped are each a rival
        for o in offers:
            if o["total_cost_pct"] is not None:
                cost, firm = Decimal(o["total_cost_pct"]), (o["provider"]["slug"], o["provider"]["name"])
                best[firm] = min(cost, best.get(firm, cost))
        mine = best["western-union", "Western Union"]
        place = 1 + sum(1 for cost in best.values() if cost < mine)
        assert f">{mine:.2f}%" in line, (source, destination)  # the compare page's own price for 200
        assert f">{place} of {len(best)}</td>" in line, (source, destination)
    fr = client.get("/providers/western-union").text
    assert "Envoi depuis : France" in fr and "couloirs desservis" in fr and " sur " in fr
    assert client.get("/providers/no-such-provider").status_code == 404


def test_provider_page_is_kept_for_visitors_until_a_load(client, rpw_loaded, engine, monkeypatch):
    from sqlalchemy import text

    from app.comparison import pages

    built = []
    real = pages.provider_lines
    monkeypatch.setattr(pages, "provider_lines", lambda *a: built.append(a[2]) or real(*a))
    client.app.state.comparison_cache.recheck = 0
    first = client.get("/providers/remitly", headers={"Accept-Language": "en"})
    assert client.get("/providers/remitly", headers={"Accept-Language": "en"}).text == first.text
    assert built == ["remitly"]
    with engine.begin() as conn:
        conn.execute(text("UPDATE current_corridor SET version = version + 1 WHERE corridor = 'FR-SN'"))
    assert client.get("/providers/remitly", headers={"Accept-Language": "en"}).text == first.text
    assert built == ["remitly"] * 2


def test_a_provider_on_many_corridors_folds_each_sending_country(client, rpw_loaded, monkeypatch):
    from app.comparison import provider_offers

    monkeypatch.setattr(provider_offers, "FOLD_ABOVE", 1000)
    page = client.get("/providers/western-union", headers={"Accept-Language": "en"}).text
    assert '<details class="group"' not in page and 'href="#from-FR"' in page  # a few corridors: all shown
    monkeypatch.setattr(provider_offers, "FOLD_ABOVE", 2)
    client.app.state.comparison_cache.clear()
    page = client.get("/providers/western-union", headers={"Accept-Language": "en"}).text
    groups = re.findall(r'<details class="group" id="from-(\w\w)"><summary><h3>Sending from [^<]+</h3> '
                        r'<small>(\d+) corridors?</small></summary>', page)
    assert len(groups) >= 2 and 'href="#from-FR"' not in page  # the summaries are the way in
    assert sum(int(n) for _code, n in groups) == page.count('<tr><td data-label="Corridor">')


def test_country_lists_follow_the_readers_alphabet():
    from app.reference import reading_order

    names = ["France", "États-Unis", "Espagne", "Italie", "Égypte", "île Maurice", "Eswatini"]
    assert sorted(names, key=reading_order) == ["Égypte", "Espagne", "Eswatini", "États-Unis", "France",
                                                "île Maurice", "Italie"]


def test_methodology_in_both_languages(client):
    fr = client.get("/methodology")
    en = client.get("/methodology", headers={"Accept-Language": "en"})
    assert "Comment nous comparons" in fr.text and "SmaRT" in fr.text
    assert "How we compare" in en.text and "three cheapest" in en.text
    assert en.text.count("<li>") >= 12 and "60 %" in en.text


def test_methodology_states_the_indicative_rule_the_pricing_applies(client):
    from app.comparison.pricing import INDICATIVE_RATIO

    assert INDICATIVE_RATIO == 2  # the pages say "half and twice": change them with it
    fr = client.get("/methodology").text
    en = client.get("/methodology", headers={"Accept-Language": "en"}).text
    assert "between half and twice the amount" in en and "never named the best value" in en
    assert "entre la moitié et le double du montant" in fr and "jamais désignée meilleure affaire" in fr


def test_compare_page_budget(client, rpw_loaded):
    """HTML + CSS + JS of the compare page, gzipped, stay under 60 KB; nothing comes from another host."""
    page = client.get("/")
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', page.text)
    assert any(".css?v=" in a for a in assets) and any(".js?v=" in a for a in assets)
    total = len(gzip.compress(page.content))
    for asset in assets:
        body = client.get(asset)
        assert body.status_code == 200, asset
        total += len(gzip.compress(body.content))
    assert total <= 60 * 1024, f"{total} bytes gzipped"
    assert not re.findall(r'(?:href|src)="(?:https?:)?//', page.text.split("<footer")[0])


def test_only_the_field_in_error_is_marked_invalid(client, rpw_loaded):
    amount = client.get("/?from=FR&to=SN&amount=-3")
    assert amount.text.count('aria-invalid="true"') == 1 and 'id="c-amount" name="amount"' in amount.text
    assert 'aria-describedby="c-amount-error"' in amount.text and 'id="c-amount-error"' in amount.text
    payout = client.get("/?from=FR&to=SN&amount=200&payout=pigeon")
    assert payout.status_code == 400 and payout.text.count('aria-invalid="true"') == 1
    assert 'name="payout" aria-invalid="true" aria-describedby="c-payout-error"' in payout.text
    assert 'id="c-payout-error"' in payout.text


def test_one_live_summary_line_is_announced(client, rpw_loaded):
    page = client.get("/?from=FR&to=SN&amount=200", headers={"Accept-Language": "en"}).text
    assert page.count("aria-live") + page.count('role="status"') == 1
    assert 'This corridor: <a href="/corridors/FR-SN">France → Senegal</a>' in page
    assert re.search(r'<p id="results-summary" class="summary[^"]*" role="status">\d+ offers for €200.00: '
                     r'France → Senegal.</p>', page)
    part = client.get("/?from=FR&to=SN&amount=200", headers={"HX-Request": "true", "HX-Target": "results",
                                                              "Accept-Language": "en"})
    assert 'id="results-summary" hx-swap-oob="innerHTML"' in part.text and "aria-live" not in part.text


def test_pages_vary_on_htmx_and_static_files_are_cached_under_their_hash(client, rpw_loaded):
    page = client.get("/")
    assert "HX-Request" in page.headers["vary"]
    assert "HX-Request" in client.get("/projects").headers["vary"]
    css = re.search(r'href="(/static/css/app\.css\?v=[0-9a-f]{12})"', page.text)
    assert css, "the stylesheet's URL names its content"
    assert client.get(css.group(1)).headers["cache-control"] == "public, max-age=31536000, immutable"
    assert client.get("/static/css/app.css").headers["cache-control"] == "no-cache"
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/x-icon"
    assert icon.headers["cache-control"] == "public, max-age=86400"
    assert icon.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert 'rel="icon" href="/static/favicon.svg?v=' in page.text


def test_field_macro_keeps_its_attributes(client, engine):
    from app.templating import make_environment

    html = make_environment().from_string('{% from "partials/_field.html" import field %}'
                                          '{{ field("amount", "Amount", extra=\'inputmode="decimal"\') }}').render()
    assert 'inputmode="decimal"' in html and "&#34;" not in html


def test_firms_not_yet_mapped_show_their_own_names_not_one_unreviewed_provider(client, rpw_loaded):
    # The World Bank lists firms on IT-SN that the catalogue does not hold yet (Extrabanca, Unicredit Banca, …):
    # a sender must see which firm each offer is, not a dozen "Unreviewed provider" with different prices
    api = client.get("/api/v1/compare?from=IT&to=SN&amount=200").json()["offers"]
    unmapped = {o["provider"]["name"] for o in api if o["provider"]["slug"] == "unreviewed"}
    assert {"Extrabanca", "Unicredit Banca"} <= unmapped and "Unreviewed provider" not in unmapped
    for lang, mark in (("en", "name as the source publishes it, not yet reviewed by us"),
                       ("fr", "nom tel que la source le publie, pas encore vérifié par nos soins")):
        # every offer (the page folds a long table to its first ones)
        page = client.get("/?from=IT&to=SN&amount=200&all=1", headers={"Accept-Language": lang}).text
        assert "Unreviewed provider" not in page and "/providers/unreviewed" not in page
        for name in unmapped:
            assert f'{name} <small><a href="/methodology#names">{mark}</a></small>' in page
    # several firms are several rivals, and none has a provider page of its own
    assert client.get("/providers/unreviewed").status_code == 404
    for lang in ("en", "fr"):  # where the mark leads
        assert 'id="names"' in client.get("/methodology", headers={"Accept-Language": lang}).text
    assert "Unreviewed provider" not in client.get("/corridors/IT-SN?providers=1").text
