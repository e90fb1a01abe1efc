"""Row slices on all threads, and the distinct values of a column (``pullaway.slices``)."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from pullaway.slices import FEW_MAX, FEW_SAMPLE_ROWS, by_slices, distinct

_NAMES = st.sampled_from(["Ana", "Bo", "Ana López", "a long name of many bytes", "", None])


def _as_set(values: pl.Series) -> set[str | None]:
    return set(values.to_list())


@given(
    first=st.lists(_NAMES, min_size=1, max_size=FEW_MAX + 2),
    later=st.lists(_NAMES, max_size=4),
    repeat=st.integers(1, 3),
)
@settings(max_examples=100, deadline=None)
def test_distinct_is_every_value_once_whether_or_not_the_first_rows_hold_them_all(
    first: list[str | None], later: list[str | None], repeat: int
) -> None:
    # The first rows repeat a few names; values first seen later are what the guess can miss.
    head = (first * (FEW_SAMPLE_ROWS // len(first) + 1))[:FEW_SAMPLE_ROWS]
    values = pl.Series(head * repeat + later, dtype=pl.String)
    found = distinct(values)
    assert found.len() == len(set(values.to_list()))
    assert _as_set(found) == set(values.to_list())


def test_distinct_of_numbers_and_of_only_nulls() -> None:
    numbers = pl.Series([1, 2] * FEW_SAMPLE_ROWS + [None, 3])
    assert _as_set(distinct(numbers)) == {1, 2, 3, None}
    nulls = pl.Series([None] * (FEW_SAMPLE_ROWS + 1), dtype=pl.String)
    assert distinct(nulls).to_list() == [None]
    assert _as_set(distinct(pl.concat([nulls, pl.Series(["x"])]))) == {None, "x"}


def test_distinct_of_many_values_and_of_a_short_column() -> None:
    many = pl.Series([str(n % (FEW_MAX * 3)) for n in range(FEW_SAMPLE_ROWS * 2)])
    assert distinct(many).len() == FEW_MAX * 3
    assert _as_set(distinct(pl.Series(["b", "a", "b"]))) == {"a", "b"}


def test_by_slices_equals_the_transform_on_the_whole_frame() -> None:
    frame = pl.DataFrame({"x": range(250_001)})
    doubled = by_slices(frame, lambda part: part.select(y=pl.col("x") * 2))
    assert doubled.get_column("y").to_list() == [2 * x for x in range(250_001)]
    assert doubled.get_column("y").n_chunks() == 1
