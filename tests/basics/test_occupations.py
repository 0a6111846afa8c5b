"""ISCO-08 shipped as data: the whole structure, both languages, parents that exist."""

import csv
from importlib import resources

import pytest

from basics import languages, occupations
from basics.occupations import Level


def test_the_classification_has_every_group_of_each_level():
    counts = {level: len(occupations.by_level(level)) for level in Level}
    assert counts == {Level.major: 10, Level.sub_major: 43, Level.minor: 130, Level.unit: 436}
    assert len(occupations.units()) == 436


def test_every_group_has_its_parents_and_labels_in_both_languages():
    table = occupations.groups()
    for code, group in table.items():
        assert group.label_en.strip() and group.label_fr.strip(), code
        assert group.label("en") == group.label_en and group.label("fr_FR") == group.label_fr
        assert len(occupations.parents(code)) == len(code) - 1, code
        if group.parent_code:
            assert group.parent_code in table, code
    for unit in occupations.units():
        assert [p.level for p in occupations.parents(unit.code)] == [Level.minor, Level.sub_major, Level.major]
        assert occupations.children(unit.code) == []
    # every group above the units has at least one child: no dangling branch
    for code, group in table.items():
        if group.level is not Level.unit:
            assert occupations.children(code), code


def test_lookups():
    assert occupations.label("2212", "en") == "Specialist medical practitioners"
    assert occupations.label("2212", "fr") == "Médecins spécialistes"
    assert occupations.label("9999", "fr") == "9999"
    assert [p.code for p in occupations.parents("2212")] == ["221", "22", "2"]
    major = occupations.major_group("2411")
    assert major is not None and major.code == "2"
    assert major.label("fr") == "Professions intellectuelles et scientifiques"
    assert occupations.is_unit("6222") and not occupations.is_unit("622") and not occupations.is_unit("x")
    assert [g.code for g in occupations.children("")] == ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]
    assert [g.code for g in occupations.units("221")] == ["2211", "2212"]


@pytest.mark.parametrize(("a", "b", "shared"), [("2212", "2212", 4), ("2212", "2211", 3), ("2212", "2221", 2),
                                                 ("2212", "2411", 1), ("2212", "6222", 0)])
def test_closeness_through_the_hierarchy(a, b, shared):
    assert occupations.closeness(a, b) == shared


def test_the_data_file_is_package_data_with_unique_codes():
    text = resources.files("basics").joinpath("data/isco08.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    assert len(rows) == 10 + 43 + 130 + 436
    assert len({r["code"] for r in rows}) == len(rows)


def test_languages_from_pycountry_in_both_languages():
    assert "wo" in languages.codes() and len(languages.codes()) > 150
    assert languages.name("fr", "en") == "French" and languages.name("fr", "fr") == "Français"
    assert languages.name("ff", "fr") == "Peul" and languages.name("sw", "en") == "Swahili"
    assert languages.name("zz", "fr") == "zz"
    assert languages.parse("FR, en wo fr") == ["fr", "en", "wo"]
    assert languages.is_code("ln") and not languages.is_code("xx")
