"""The message table: one schema, one validator, stable message ids.

Every importer produces a frame of this shape and everything downstream reads it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, Literal

import polars as pl
import polars_hash as plh

from pullaway.errors import SchemaError

if TYPE_CHECKING:
    from collections.abc import Callable

KINDS: Final = ("text", "media", "sticker", "voice", "call", "deleted", "system")
KindName = Literal["text", "media", "sticker", "voice", "call", "deleted", "system"]
Kind: Final[pl.Enum] = pl.Enum(list(KINDS))

_COLUMNS: dict[str, pl.DataType] = {
    "chat": pl.String(),  # the chat's name, as the export gives it
    "message_id": pl.String(),  # stable, so a re-import adds only new rows
    "timestamp": pl.Datetime("us"),  # local wall-clock time, as exported
    "utc_offset": pl.Int32(),  # seconds east of UTC; null when unknown
    "sender": pl.String(),  # display name; null only for system lines
    "kind": Kind,
    "text": pl.String(),  # null for media, deleted and calls without words
    "source_file": pl.String(),
    "source_line": pl.Int64(),  # line for text exports, record index for JSON/XML
}
MESSAGE_SCHEMA: Final = pl.Schema(_COLUMNS)

_ID_KEY: Final = ("chat", "timestamp", "sender", "kind", "text")


def empty_messages() -> pl.DataFrame:
    """An empty frame with the message schema."""
    return pl.DataFrame(schema=MESSAGE_SCHEMA)


def validate_messages(frame: pl.DataFrame) -> pl.DataFrame:
    """Return ``frame`` with columns in schema order, or raise SchemaError naming each difference.

    >>> validate_messages(empty_messages()).columns[:3]
    ['chat', 'message_id', 'timestamp']
    """
    problems = []
    for name, dtype in MESSAGE_SCHEMA.items():
        if name not in frame.schema:
            problems.append(f"missing column {name!r} ({dtype})")
        elif frame.schema[name] != dtype:
            problems.append(f"column {name!r} is {frame.schema[name]}, expected {dtype}")
    extra = sorted(set(frame.columns) - set(MESSAGE_SCHEMA))
    if extra:
        problems.append(f"unexpected columns {extra}")
    if problems:
        msg = "message frame does not match MESSAGE_SCHEMA: " + "; ".join(problems)
        raise SchemaError(msg)
    return frame.select(MESSAGE_SCHEMA.names())


def with_message_ids(frame: pl.DataFrame) -> pl.DataFrame:
    """Fill ``message_id`` from (chat, timestamp, sender, kind, text, occurrence).

    Minute-precision exports repeat legitimately ("ok", "ok" in one minute), so the
    occurrence number among identical keys is part of the id. Provenance columns are
    not, so the same message in a newer export of the chat gets the same id.

    >>> frame = pl.DataFrame({"chat": ["c", "c"], "timestamp": [None, None],
    ...     "sender": ["a", "a"], "kind": ["text", "text"], "text": ["ok", "ok"]})
    >>> ids = with_message_ids(frame)["message_id"]
    >>> ids[0] != ids[1]
    True
    """
    # One parallel pass hashes each row's key and formats the hash; the key itself is only
    # built again for the few rows that repeat an earlier one.
    hashed = _in_slices(frame, lambda part: _hashed(part.select(_key=_id_key())))
    hashes = hashed.get_column("hash")
    occurrence = _occurrence(hashes)
    repeats = (occurrence > 0).arg_true()
    ids = hashed.get_column("id")
    if repeats.len():
        again = frame.gather(repeats).select(
            _key=pl.concat_str(
                [_id_key(), pl.lit(occurrence.gather(repeats)).cast(pl.String)], separator="\x1f"
            )
        )
        ids = ids.clone().scatter(repeats, _hashed(again.lazy()).collect().get_column("id"))
    return frame.with_columns(message_id=ids)


def _hashed(keys: pl.LazyFrame) -> pl.LazyFrame:
    """``hash`` (UInt64) and ``id`` (the hash as 20 zero-padded digits) of each ``_key``."""
    # polars-hash's xxhash64 is stable across versions and platforms (Polars' own hash is not).
    # pad_start: zfill's sign handling is not needed for unsigned hashes, and it is slower.
    return keys.select(hash=plh.col("_key").nchash.xxhash64()).with_columns(
        id=pl.col("hash").cast(pl.String).str.pad_start(20, "0")
    )


def _id_key() -> pl.Expr:
    return pl.concat_str([_as_text(c) for c in _ID_KEY], separator="\x1f")


PARALLEL_MIN_ROWS: Final = 100_000
"""Frames with more rows than this get their ids computed in one slice per Polars thread."""


def _in_slices(
    frame: pl.DataFrame,
    transform: Callable[[pl.LazyFrame], pl.LazyFrame],
    *,
    min_rows: int = PARALLEL_MIN_ROWS,
) -> pl.DataFrame:
    """Row-wise ``transform`` of ``frame``, on all Polars threads for a large frame.

    (Like importers._lines.by_slices, which this module cannot import: importers import it.)
    """
    count = max(1, min(pl.thread_pool_size(), frame.height // max(min_rows, 1)))
    size = max(1, -(-frame.height // count))
    slices = [frame.slice(start, size) for start in range(0, frame.height, size)] or [frame]
    # One chunk per column: eager operations on a many-chunk frame can be slower.
    return pl.concat(pl.collect_all(transform(part.lazy()) for part in slices), rechunk=True)


def _as_text(column: str) -> pl.Expr:
    expr = pl.col(column)
    if column == "timestamp":  # integers format ten times faster than datetimes
        expr = expr.cast(pl.Int64)
    return expr.cast(pl.String).fill_null("\x00")


def _occurrence(hashes: pl.Series) -> pl.Series:
    """For each row, how many earlier rows have the same hash (0 for the first).

    Only repeated hashes (a few per chat) go through a stable sort and run-start scan, which
    is much faster than a window over the key columns.
    """
    occurrence = pl.zeros(len(hashes), dtype=pl.UInt32, eager=True)
    ordered = hashes.sort()
    twice = ordered.filter(ordered == ordered.shift(1))  # a sort is cheaper than a hash table
    if twice.len() == 0:
        return occurrence
    repeated = hashes.is_in(twice.implode())
    runs = (
        pl.DataFrame({"hash": hashes})
        .with_row_index("order")
        .filter(repeated)
        .sort("hash", "order")
        .with_row_index("pos")
    )
    start = pl.when(pl.col("hash") != pl.col("hash").shift(1)).then(pl.col("pos"))
    runs = runs.with_columns(occurrence=pl.col("pos") - start.fill_null(0).cum_max())
    return occurrence.scatter(runs["order"], runs["occurrence"].cast(pl.UInt32))
