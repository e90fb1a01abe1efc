"""What kind each WhatsApp message is: text, media, sticker, voice, call, deleted or system.

Classification runs on the few bodies flagged as ``special`` while the headers were matched;
the million ordinary text messages are never looked at twice.
"""

from __future__ import annotations

from typing import Final

import polars as pl

from pullaway.importers import _whatsapp_text as words
from pullaway.importers._lines import by_slices
from pullaway.model import Kind

_SPECIAL: Final = "|".join(
    f"(?:{p.removeprefix('(?i)')})"
    for p in (
        words.MEDIA_PLACEHOLDER,
        words.VOICE_PLACEHOLDER,
        words.STICKER_PLACEHOLDER,
        words.ATTACHMENT,
        words.DELETED,
        words.ENCRYPTION_NOTICE,
        f"^[{words.BIDI_MARKS}]",
    )
)


def hints() -> list[pl.Expr]:
    """Per-row hints computed with the header match, on every core, so later steps filter cheaply.

    ``special``: the body may be a placeholder, tombstone, call or notice (see classify).
    ``wordy``: an "author" of four or more words may be a notice holding ": "
    (see _notices_with_a_colon).
    """
    wordy = pl.col("author").str.count_matches(" ", literal=True) >= 3
    return [
        pl.col("body").str.contains(f"(?i){_SPECIAL}").fill_null(value=False).alias("special"),
        wordy.fill_null(value=False).alias("wordy"),
    ]


def _notices_with_a_colon(heads: pl.DataFrame) -> pl.DataFrame:
    """System lines whose text holds ": " (``X changed the subject to "Trip: May"``).

    They parse as author ``X changed the subject to "Trip``; an "author" of four or more words
    that reads as a known notice is put back together as a system line.
    """
    found = (
        heads.with_row_index("pos")
        .filter(pl.col("wordy"))
        .filter(pl.col("author").str.contains(words.SYSTEM_NOTICE))
    )
    if found.height == 0:
        return heads
    found = found.select(
        "pos",
        body=pl.concat_str([pl.col("author"), pl.col("body")], separator=": "),
        author=pl.lit(None, pl.String),
        notice=pl.lit(value=True),
    )
    return heads.with_columns(
        patched(heads.get_column(name), found, name) for name in ("body", "author", "notice")
    )


def classify(heads: pl.DataFrame) -> pl.DataFrame:
    """Add ``kind`` (the Kind enum): placeholders, attachments, tombstones, calls, notices."""
    heads = _notices_with_a_colon(heads).with_columns(
        kind=pl.when(pl.col("notice"))
        .then(pl.lit("system", dtype=Kind))
        .otherwise(pl.lit("text", dtype=Kind))
    )
    special = heads.with_row_index("pos").filter(pl.col("special") & ~pl.col("notice"))
    if special.height == 0:
        return heads
    body = pl.col("body")
    lrm = body.str.contains(f"^[{words.BIDI_MARKS}]")
    attached = body.str.contains(words.ATTACHMENT)
    kind = (
        pl.when(body.str.contains(words.VOICE_PLACEHOLDER))
        .then(pl.lit("voice"))
        .when(body.str.contains(words.STICKER_PLACEHOLDER))
        .then(pl.lit("sticker"))
        .when(body.str.contains(words.MEDIA_PLACEHOLDER))
        .then(pl.lit("media"))
        .when(attached & body.str.contains(words.VOICE_FILE))
        .then(pl.lit("voice"))
        .when(attached & body.str.contains(words.STICKER_FILE))
        .then(pl.lit("sticker"))
        .when(attached)
        .then(pl.lit("media"))
        .when(body.str.contains(words.DELETED))
        .then(pl.lit("deleted"))
        .when(lrm & body.str.contains(words.CALL))
        .then(pl.lit("call"))
        .when(body.str.contains(words.ENCRYPTION_NOTICE))
        .then(pl.lit("system"))
        .when(lrm & body.str.contains(words.SYSTEM_NOTICE))
        .then(pl.lit("system"))
        .otherwise(pl.lit("text"))
    )
    special = by_slices(special, lambda lf: lf.with_columns(kind=kind.cast(Kind)), min_rows=10_000)
    return heads.with_columns(patched(heads.get_column("kind"), special, "kind"))


def patched(column: pl.Series, patch: pl.DataFrame, name: str) -> pl.Series:
    """``column`` with ``patch[name]`` written at the positions ``patch["pos"]``."""
    if patch.height == 0:
        return column
    return column.clone().scatter(patch.get_column("pos"), patch.get_column(name))
