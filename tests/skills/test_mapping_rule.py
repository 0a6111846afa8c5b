"""The mapping's rule on its own, over many random pools: a view is a function of the cells of 5 or more."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from app.skills.mapping import MAJOR_GROUPS, THRESHOLD, MappingQuery, shown_cells, view

ORIGINS, RESIDENCES = ("SN", "ML", "CM"), ("FR", "IT")
KEYS = list(itertools.product(ORIGINS, RESIDENCES, ("2", "3", "7")))
QUERIES = [MappingQuery(o, r, g) for o in ("", *ORIGINS, "GN") for r in ("", *RESIDENCES)
           for g in ("", "2", "3", "7", "9")]

pools = st.dictionaries(st.sampled_from(KEYS), st.integers(0, 12))


@settings(max_examples=150, deadline=None)
@given(pools, st.data())
def test_changing_only_small_cells_changes_no_view(pool, data):
    small = [key for key in KEYS if pool.get(key, 0) < THRESHOLD]
    changed = dict(pool)
    for key in data.draw(st.lists(st.sampled_from(small), unique=True)) if small else []:
        changed[key] = data.draw(st.integers(0, THRESHOLD - 1))
    for query in QUERIES:
        assert view(shown_cells(pool), query) == view(shown_cells(changed), query), query


@settings(max_examples=150, deadline=None)
@given(pools)
def test_every_published_number_is_a_sum_of_shown_cells(pool):
    shown = shown_cells(pool)
    for query in QUERIES:
        found = view(shown, query)
        assert all(g in MAJOR_GROUPS for g in found.groups)
        for row in found.rows:
            assert any(v is not None for v in row.cells)  # a row of small cells only is not listed
            assert row.total == sum(v for v in row.cells if v is not None)
            assert all(v is None or v >= THRESHOLD for v in row.cells)
        assert found.total == sum(found.column_totals) == sum(r.total for r in found.rows)
        assert set(found.origins) == {o for o, _r, _g in shown}
