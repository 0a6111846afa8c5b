"""The provider registry: every RPW firm resolves, unknown names wait for review, nothing is claimed twice."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from providers import (
    KINDS,
    UNREVIEWED,
    DuplicateProvider,
    Provider,
    ProviderError,
    ProviderRegistry,
    UnknownProvider,
    all_providers,
    get_provider,
    normalise_name,
    resolve,
)
from providers.catalogue import CATALOGUE

RPW_SAMPLE = Path(__file__).resolve().parents[2] / "app" / "data" / "rpw" / "rpw_2025q3_sample.xlsx"
RPW_KIND = {
    "Bank": {"bank"},
    "Bank / Money Transfer Operator": {"bank", "post_office"},
    "Mobile Operator": {"mobile_operator"},
    "Money Transfer Operator": {"money_transfer_operator", "fintech"},
}


@pytest.fixture(scope="module")
def rpw_firms() -> pl.DataFrame:
    sheet = pl.read_excel(RPW_SAMPLE, sheet_name="Dataset (from Q2 2016)", engine="calamine",
                          infer_schema_length=0)
    return sheet.select("firm", "firm_type").unique()


def test_every_rpw_firm_of_the_sample_resolves_to_a_catalogued_provider(rpw_firms: pl.DataFrame) -> None:
    unresolved = [firm for firm in rpw_firms["firm"] if resolve("rpw", firm) is UNREVIEWED]
    assert rpw_firms.height == 20
    assert unresolved == []


def test_the_provider_kind_agrees_with_the_world_bank_firm_type(rpw_firms: pl.DataFrame) -> None:
    for firm, firm_type in rpw_firms.iter_rows():
        assert resolve("rpw", firm).kind in RPW_KIND[firm_type], firm


def test_channels_belong_to_the_bank_that_sells_them() -> None:
    assert resolve("rpw", "La Banque Postale via Western Union").slug == "la-banque-postale"
    assert resolve("rpw", "Banque Populaire via Wise").slug == "banque-populaire"
    assert resolve("rpw", "Caisse D'Epargne I'lle de France via Wise").slug == "caisse-d-epargne"


@pytest.mark.parametrize(("source", "name", "slug"), [
    ("rpw", "TapTap Send", "taptap-send"),
    ("rpw", "Taptap Send", "taptap-send"),
    ("rpw", "Transferwise", "wise"),
    ("rpw", "Wise", "wise"),
    ("rpw", "  WESTERN   union ", "western-union"),
    ("rpw", "Societe Generale", "societe-generale"),
    ("rpw", "Société Générale", "societe-generale"),
    ("rpw", "Money Gram", "moneygram"),
    ("wise", "western-union", "western-union"),
    ("wise", "transferwise", "wise"),
    ("wise", "barclays", "barclays"),
    ("wise", "la-banque-postale", "la-banque-postale"),
])
def test_name_variants_resolve_to_one_provider(source: str, name: str, slug: str) -> None:
    assert resolve(source, name).slug == slug


def test_every_provider_of_the_wise_docs_example_is_known() -> None:
    assert resolve("wise", "wise").slug == "wise"
    assert resolve("wise", "barclays").slug == "barclays"


def test_a_name_nobody_claims_is_kept_as_unreviewed_not_dropped() -> None:
    assert resolve("rpw", "Banque Imaginaire du Sahel") is UNREVIEWED
    assert resolve("wise", "") is UNREVIEWED
    assert get_provider("unreviewed") is UNREVIEWED


def test_staff_mappings_resolve_unreviewed_names_of_their_source_only() -> None:
    extra = {("rpw", normalise_name("Banque Imaginaire du Sahel")): "ecobank"}
    assert resolve("rpw", "BANQUE IMAGINAIRE DU SAHEL", extra=extra).slug == "ecobank"
    assert resolve("wise", "Banque Imaginaire du Sahel", extra=extra) is UNREVIEWED


def test_the_catalogue_wins_over_a_staff_mapping() -> None:
    extra = {("rpw", "westernunion"): "moneygram"}
    assert resolve("rpw", "Western Union", extra=extra).slug == "western-union"


def test_a_staff_mapping_to_an_unknown_slug_is_an_error() -> None:
    with pytest.raises(UnknownProvider):
        resolve("rpw", "Nobody", extra={("rpw", "nobody"): "deleted-provider"})


def test_get_provider_raises_the_registry_error_type() -> None:
    assert get_provider("ria").name == "Ria Money Transfer"
    with pytest.raises(UnknownProvider, match="no-such-provider") as caught:
        get_provider("no-such-provider")
    assert isinstance(caught.value, ProviderError)


def test_duplicate_slugs_are_refused() -> None:
    with pytest.raises(DuplicateProvider, match="'ria'"):
        ProviderRegistry([Provider("ria", "Ria", "money_transfer_operator", None),
                          Provider("ria", "Ria again", "money_transfer_operator", None)])


def test_an_alias_claimed_by_two_providers_is_refused() -> None:
    first = Provider("first", "First Transfer", "fintech", None, {"rpw": ("Quick Send",)})
    second = Provider("second", "Second Transfer", "fintech", None, {"wise": ("quick-send",)})
    with pytest.raises(DuplicateProvider, match="quicksend"):
        ProviderRegistry([first, second])


def test_an_alias_equal_to_another_providers_name_is_refused() -> None:
    first = Provider("first", "First Transfer", "fintech", None)
    second = Provider("second", "Second Transfer", "fintech", None, {"rpw": ("FIRST transfer",)})
    with pytest.raises(DuplicateProvider):
        ProviderRegistry([first, second])


def test_a_provider_may_repeat_its_own_name_among_its_aliases() -> None:
    registry = ProviderRegistry([Provider("solo", "Solo", "fintech", None, {"rpw": ("Solo", "SOLO")})])
    assert registry.resolve("rpw", "solo").slug == "solo"
    assert len(registry) == 2  # and UNREVIEWED


@pytest.mark.parametrize("bad", [
    {"slug": "Not A Slug"},
    {"kind": "casino"},
    {"name": " - "},
    {"aliases": {"rpw": "a bare string"}},
])
def test_malformed_providers_are_refused(bad: dict[str, object]) -> None:
    fields: dict[str, object] = {"slug": "ok", "name": "OK", "kind": "bank", "website": None, **bad}
    with pytest.raises(ProviderError):
        Provider(**fields)  # type: ignore[arg-type]


def test_the_catalogue_is_large_well_formed_and_fully_registered() -> None:
    assert len(CATALOGUE) >= 24
    assert len(all_providers()) == len(CATALOGUE) + 1
    assert {provider.kind for provider in CATALOGUE} == KINDS - {"unreviewed"}
    for provider in CATALOGUE:
        assert provider.website is None or provider.website.startswith("https://"), provider.slug
        assert set(provider.aliases) <= {"rpw", "wise"}, provider.slug
        assert get_provider(provider.slug) is provider


def test_providers_are_immutable_and_hashable() -> None:
    provider = get_provider("wave")
    with pytest.raises(AttributeError):
        provider.name = "Other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        provider.aliases["rpw"] = ("x",)  # type: ignore[index]
    assert {provider, get_provider("wave")} == {provider}
