"""The message table: one schema, one validator, stable message ids.

Every importer produces a frame of this shape and everything downstream reads it.
"""

from __future__ import annotations

from typing import Final, Literal

import polars as pl
import polars_hash as plh

from pullaway.errors import SchemaError
from pullaway.slices import by_slices

KINDS: Final = ("text", "media", "sticker", "voice", "call", "deleted", "system")
"""Append-only: a kind's position is part of every message id (``with_message_ids``)."""
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
OWNER_SENDER: Final = "Me"
"""The sender of the owner's own messages in exports that do not give a name (Signal, SMS)."""

MESSAGE_SCHEMA: Final = pl.Schema(_COLUMNS)


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


def with_message_ids(frame: pl.DataFrame, *, by_instant: bool | pl.Expr = False) -> pl.DataFrame:
    """Fill ``message_id`` from (chat, time, sender, kind, text, occurrence): a 64-bit
    number (``_key_hash``) written in decimal.

    Minute-precision exports repeat legitimately ("ok", "ok" in one minute), so the
    occurrence number among identical keys is part of the id. Provenance columns are
    not, so the same message in a newer export of the chat gets the same id.

    The time is the wall-clock ``timestamp``; ``by_instant`` makes it the UTC instant
    (``timestamp`` minus ``utc_offset``, where the offset is known). Importers whose source
    gives instants (SMS, iMessage, Messenger, ...) and who choose the wall clock by a time
    zone pass it, so a re-import under another zone gives every message the same id. A
    boolean expression keys only the rows where it is true by instant (a CSV's epoch values).

    >>> frame = pl.DataFrame({"chat": ["c", "c"], "timestamp": [None, None],
    ...     "sender": ["a", "a"], "kind": ["text", "text"], "text": ["ok", "ok"]})
    >>> ids = with_message_ids(frame)["message_id"]
    >>> ids[0] != ids[1]
    True
    """
    # One parallel pass hashes each row's key; only the few rows that repeat an earlier key
    # get their occurrence folded in, and the hashes are written in decimal once, at the end.
    key = _key_hash(by_instant=by_instant)
    hashes = by_slices(frame, lambda part: part.select(hash=key)).to_series()
    again = repeats(hashes)
    if again.height:
        rows = again.get_column("row")
        occurrence = again.get_column("occurrence").cast(pl.UInt64)
        hashes = hashes.scatter(rows, hashes.gather(rows) * _MIX + occurrence)
    decimal = pl.col("hash").cast(pl.String)
    ids = by_slices(pl.DataFrame({"hash": hashes}), lambda part: part.select(decimal))
    return frame.with_columns(message_id=ids.to_series())


_MIX: Final = 0x9E3779B97F4A7C15
"""An odd 64-bit number (2**64 divided by the golden ratio): multiplying by it modulo 2**64
loses nothing, so keys that differ in one part never share a hash."""
_NO_TIME: Final = 1 << 63
"""A missing timestamp: the bits of the smallest Int64, a time no export holds."""


def _key_hash(*, by_instant: bool | pl.Expr = False) -> pl.Expr:
    """Each row's key as one unsigned 64-bit number: its parts (chat, timestamp, sender, kind,
    text) are the digits of a number in base ``_MIX``, modulo 2**64 (Polars' integers wrap).

    Text parts are their xxhash64 (0 for a missing one); the timestamp is its microseconds;
    the kind is its position in ``KINDS``. Hashing each column and folding the numbers takes
    a third to a half of the time of hashing one string joined from all of them.
    """
    first, *rest = _key_parts(by_instant=by_instant)
    for part in rest:
        first = first * pl.lit(_MIX, pl.UInt64) + part
    return first


def _key_parts(*, by_instant: bool | pl.Expr = False) -> list[pl.Expr]:
    def hashed(column: str) -> pl.Expr:
        return _hash(pl.col(column)).fill_null(pl.lit(0, pl.UInt64))

    time = pl.col("timestamp").cast(pl.Int64)
    if by_instant is not False:
        offset = pl.col("utc_offset").cast(pl.Int64) * 1_000_000
        keyed = offset.is_not_null()
        if isinstance(by_instant, pl.Expr):
            keyed = keyed & by_instant.fill_null(value=False)
        time = pl.when(keyed).then(time - offset).otherwise(time)
    micros = time.reinterpret(signed=False)
    return [
        hashed("chat"),
        micros.fill_null(pl.lit(_NO_TIME, pl.UInt64)),
        hashed("sender"),
        pl.col("kind").cast(Kind).to_physical().cast(pl.UInt64),
        hashed("text"),
    ]


def _hash(key: pl.Expr) -> pl.Expr:
    """xxhash64 of ``key``: polars-hash's is stable across versions and platforms (Polars'
    own hash is not)."""
    return plh.NonCryptographicHashingNameSpace(key).xxhash64()


def repeats(hashes: pl.Series) -> pl.DataFrame:
    """The rows whose hash an earlier row has too: ``row`` and ``occurrence``, how many earlier
    rows have it (1 for the second).

    Only repeated hashes (a few per chat) go through a stable sort and run-start scan, which
    is much faster than a window over the key columns.

    >>> repeats(pl.Series([5, 3, 5, 5], dtype=pl.UInt64)).sort("row").rows()
    [(2, 1), (3, 2)]
    """
    ordered = hashes.sort()
    twice = ordered.filter(ordered == ordered.shift(1))  # a sort is cheaper than a hash table
    rows = hashes.is_in(twice.implode()).arg_true() if twice.len() else pl.Series(dtype=pl.UInt32)
    runs = (
        pl.DataFrame({"hash": hashes.gather(rows), "row": rows})
        .sort("hash", "row")
        .with_row_index("pos")
    )
    start = pl.when(pl.col("hash") != pl.col("hash").shift(1)).then(pl.col("pos"))
    occurrence = pl.col("pos") - start.fill_null(0).cum_max()
    return runs.select("row", occurrence=occurrence).filter(pl.col("occurrence") > 0)
