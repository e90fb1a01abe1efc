"""Message blocks: how a chat's messages are kept in the store (see docs/store.md).

A block is a Parquet file (LZ4) in a BLOB of up to ``BLOCK_ROWS`` rows of one chat, sorted by
``ORDER``. The chat name is not repeated per row; ``timestamp`` is microseconds since the
epoch (naive local); ``kind`` is a code, the index in ``KIND_CODES`` (frozen by the codec
name: kinds are added at the end). Used by the store and by its migrations.
"""

from __future__ import annotations

import io
import itertools
from typing import TYPE_CHECKING, Any, Final

import polars as pl

from pullaway.model import KINDS, Kind

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Sequence

BLOCK_ROWS: Final = 131_072
CODEC: Final = "parquet-lz4-v1"
ORDER: Final = ("timestamp", "source_line", "message_id")
BY_TIME: Final = " ORDER BY first_ts, id"
"""The SQL ending that lists a chat's blocks in time order."""
KIND_CODES: Final = ("text", "media", "sticker", "voice", "call", "deleted", "system")
BLOCK_SCHEMA: Final = pl.Schema(
    {
        "message_id": pl.String,
        "timestamp": pl.Int64,
        "utc_offset": pl.Int32,
        "sender": pl.String,
        "kind": pl.UInt8,
        "text": pl.String,
        "source_file": pl.String,
        "source_line": pl.Int64,
    }
)


def to_block_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """Messages (MESSAGE_SCHEMA) as block rows, in ``ORDER``."""
    codes = pl.Series([KIND_CODES.index(k) for k in KINDS], dtype=pl.UInt8)
    rows = frame.select(
        "message_id",
        pl.col("timestamp").dt.epoch("us"),
        "utc_offset",
        "sender",
        kind=codes.gather(frame["kind"].to_physical()),
        text="text",
        source_file="source_file",
        source_line="source_line",
    )
    return rows if _sorted(rows) else rows.sort(*ORDER, nulls_last=False)


def from_block_rows(rows: pl.DataFrame, chat: str) -> pl.DataFrame:
    """Block rows as messages (MESSAGE_SCHEMA) of the chat named ``chat``."""
    kinds = pl.Series(KIND_CODES, dtype=Kind)
    return rows.select(
        chat=pl.lit(chat, pl.String),
        message_id="message_id",
        timestamp=pl.col("timestamp").cast(pl.Datetime("us")),
        utc_offset="utc_offset",
        sender="sender",
        kind=kinds.gather(rows["kind"]),
        text="text",
        source_file="source_file",
        source_line="source_line",
    )


def read_rows(
    conn: sqlite3.Connection, chat: int, columns: Sequence[str] | None = None
) -> pl.DataFrame:
    """Every block row of ``chat`` (only ``columns``, if given), in ``ORDER`` when all columns
    are read, else in block order."""
    blobs = [
        row[0]
        for row in conn.execute("SELECT data FROM message_blocks WHERE chat = ?" + BY_TIME, (chat,))
    ]
    return concat_blocks(blobs, columns)


def read_window(
    conn: sqlite3.Connection, chat: int, span: tuple[int, int], columns: Sequence[str]
) -> pl.DataFrame:
    """The block rows of ``chat`` (only ``columns``, which must hold ``timestamp``) whose
    timestamp lies in ``span`` (microseconds, both ends included), in block order."""
    first, last = span
    blobs = [
        row[0]
        for row in conn.execute(
            "SELECT data FROM message_blocks WHERE chat = ? AND last_ts >= ? AND first_ts <= ?"
            + BY_TIME,
            (chat, first, last),
        )
    ]
    return concat_blocks(blobs, columns).filter(pl.col("timestamp").is_between(first, last))


def as_message_types(rows: pl.DataFrame) -> pl.DataFrame:
    """Block rows with ``timestamp`` and ``kind`` typed as in MESSAGE_SCHEMA."""
    kinds = pl.Series(KIND_CODES, dtype=Kind)
    return rows.with_columns(
        pl.col("timestamp").cast(pl.Datetime("us")), kind=kinds.gather(rows["kind"])
    )


def concat_blocks(blobs: Sequence[bytes], columns: Sequence[str] | None = None) -> pl.DataFrame:
    """The rows of the blocks ``blobs`` (listed ``BY_TIME``), in ``ORDER`` when all columns are
    read."""
    if not blobs:
        names = columns or BLOCK_SCHEMA.names()
        return pl.DataFrame(schema={name: BLOCK_SCHEMA[name] for name in names})
    blocks = [decode(blob, columns) for blob in blobs]
    rows = pl.concat(blocks)
    if columns is None and not _in_order(blocks):
        rows = rows.sort(*ORDER, nulls_last=False)
    return rows


def insert_blocks(conn: sqlite3.Connection, chat: int, rows: pl.DataFrame) -> None:
    """Add ``rows`` (block rows in ``ORDER``) to ``chat`` as blocks of up to ``BLOCK_ROWS``."""
    blocks = [rows.slice(start, BLOCK_ROWS) for start in range(0, rows.height, BLOCK_ROWS)]
    conn.executemany(
        "INSERT INTO message_blocks (chat, first_ts, last_ts, rows, codec, data)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (_block_row(chat, block) for block in blocks),
    )


def replace_rows(conn: sqlite3.Connection, chat: int, rows: pl.DataFrame) -> None:
    """Make ``rows`` (block rows in ``ORDER``) all of ``chat``'s messages, in full blocks."""
    conn.execute("DELETE FROM message_blocks WHERE chat = ?", (chat,))
    insert_blocks(conn, chat, rows)


def decode(blob: bytes, columns: Sequence[str] | None = None) -> pl.DataFrame:
    return pl.read_parquet(io.BytesIO(blob), columns=list(columns) if columns else None)


def _encode(block: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    block.write_parquet(buffer, compression="lz4", statistics=False)
    return buffer.getvalue()


def _block_row(chat: int, block: pl.DataFrame) -> tuple[Any, ...]:
    stamps = block["timestamp"]
    return (chat, stamps.min(), stamps.max(), block.height, CODEC, _encode(block))


def _sorted(rows: pl.DataFrame) -> bool:
    """Whether rows are already in ORDER (importers sort by time, then line): a cheap check."""
    if rows["timestamp"].null_count() or rows["source_line"].null_count():
        return False
    step = rows.select(
        time=pl.col("timestamp").diff().fill_null(1), line=pl.col("source_line").diff()
    )
    return bool(
        step.select(
            ((pl.col("time") > 0) | ((pl.col("time") == 0) & (pl.col("line") > 0))).all()
        ).item()
    )


def _in_order(blocks: list[pl.DataFrame]) -> bool:
    """Whether the blocks, each sorted, are also in order one after the other."""
    for before, after in itertools.pairwise(blocks):
        if _sort_key(before.row(-1, named=True)) > _sort_key(after.row(0, named=True)):
            return False
    return True


def _sort_key(row: dict[str, Any]) -> tuple[Any, ...]:
    """A row's place in ORDER, nulls first as Polars sorts them."""
    return tuple((False,) if row[c] is None else (True, row[c]) for c in ORDER)
