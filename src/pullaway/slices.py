"""Row-wise Polars work on all threads: a large frame cut into one slice per thread.

Used by the importers (regexes on a million lines) and by ``model.with_message_ids``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import polars as pl

if TYPE_CHECKING:
    from collections.abc import Callable

PARALLEL_MIN_ROWS: Final = 100_000
"""Frames with more rows than this are cut into one slice per Polars thread by ``by_slices``."""


def by_slices(
    frame: pl.DataFrame,
    transform: Callable[[pl.LazyFrame], pl.LazyFrame],
    *,
    min_rows: int = PARALLEL_MIN_ROWS,
    rechunk: bool = True,
) -> pl.DataFrame:
    """``transform`` applied to row slices of ``frame`` on all Polars threads, then concatenated.

    Row-wise string work (regexes on a million lines) runs on one core in eager Polars; cut
    into one slice per thread and collected together, it uses them all. A lazy query on the
    whole frame uses them all too (Polars' streaming engine), but WhatsApp's header match took
    183-280 ms that way against 153-191 ms by slices. ``transform`` must be row-wise (no
    aggregations across rows), so the result equals ``transform`` on the whole.
    The result is one chunk per column, unless ``rechunk`` is false.

    >>> frame = pl.DataFrame({"x": range(5)})
    >>> by_slices(frame, lambda lf: lf.with_columns(y=pl.col("x") * 2), min_rows=2)["y"].to_list()
    [0, 2, 4, 6, 8]
    """
    count = max(1, min(pl.thread_pool_size(), frame.height // max(min_rows, 1)))
    size = max(1, -(-frame.height // count))
    slices = [frame.slice(start, size) for start in range(0, frame.height, size)] or [frame]
    # One chunk per column (unless the caller rechunks later anyway): eager operations on a
    # frame of many chunks can each rechunk it.
    return pl.concat(pl.collect_all(transform(part.lazy()) for part in slices), rechunk=rechunk)


FEW_SAMPLE_ROWS: Final = 4096
"""How many first rows ``distinct`` takes its guess from."""
FEW_MAX: Final = 8
"""Up to this many distinct values in the first rows, ``distinct`` checks whether they are all."""


def distinct(values: pl.Series) -> pl.Series:
    """The distinct ``values`` (null among them if present), in no particular order.

    A chat has few senders, and nearly always all of them speak in its first rows: if those
    rows hold at most ``FEW_MAX`` distinct values and every row equals one of them, those are
    all. Comparing a million names with two takes a third of the time of hashing them.
    Otherwise each slice's distinct values are found on its own thread, then those few are
    made distinct.

    >>> sorted(distinct(pl.Series(["b", "a", "b"])).to_list())
    ['a', 'b']
    >>> sorted(distinct(pl.Series(["a"] * 5 + [None])).to_list(), key=str)
    [None, 'a']
    """
    few = values.head(FEW_SAMPLE_ROWS).unique()
    if values.len() > FEW_SAMPLE_ROWS and few.len() <= FEW_MAX and _only(values, few):
        return few
    return by_slices(values.to_frame(), lambda part: part.unique()).to_series().unique()


def _only(values: pl.Series, few: pl.Series) -> bool:
    """Whether every one of ``values`` (null included) is one of ``few``."""
    named = few.drop_nulls()
    if named.len() == 0:
        return values.null_count() == values.len()
    column = pl.lit(values)
    known = pl.any_horizontal(column == pl.lit(value, values.dtype) for value in named)
    # A null row compares as null: known if null is one of ``few``.
    return bool(pl.select(known.fill_null(value=named.len() < few.len()).all()).item())
