"""What kind each WhatsApp message is: text, media, sticker, voice, call, deleted or system.

Classification runs on the few bodies flagged as ``special`` while the headers were matched;
the million ordinary text messages are never looked at twice.
"""

from __future__ import annotations

import re
from typing import Final

import polars as pl

from pullaway.importers import _whatsapp_text as words
from pullaway.model import Kind
from pullaway.slices import distinct
from pullaway.wording import counted

_MARKED: Final = f"^[{words.BIDI_MARKS}]"
"""A body that starts with a bidi mark, as iOS writes placeholders and notices."""
UNKNOWN_QUOTE_CHARS: Final = 60
"""How much of the first unknown notice ``_unknown_note`` quotes."""
_SPECIAL: Final = "|".join(
    f"(?:{p.removeprefix('(?i)')})"
    for p in (
        words.MEDIA_PLACEHOLDER,
        words.VOICE_PLACEHOLDER,
        words.STICKER_PLACEHOLDER,
        words.ATTACHMENT,
        words.LOCATION_START,
        words.DELETED,
        words.ENCRYPTION_NOTICE,
        words.SECURITY_CODE_NOTICE,
        _MARKED,
    )
)
_SPECIAL_OR_EXACT: Final = (
    f"(?i){_SPECIAL}|^(?-i:{'|'.join(map(re.escape, sorted(words.EXACT_KINDS)))})$"
)
"""``_SPECIAL``, or a whole body in ``EXACT_KINDS`` as written: one regex pass costs less than
the pass and a lookup of every body in a set."""


def hints() -> list[pl.Expr]:
    """Per-row hints computed with the header match, on every core, so later steps filter cheaply.

    ``special``: the body may be a placeholder, tombstone, call or notice (see classify): by
    the common languages' patterns, or as a body in ``EXACT_KINDS``.
    ``closed``: the body ends with ">", as the edited mark does (see EDITED_SUFFIX); classify
    clears it for the common placeholders, which end with neither a mark nor a tag.
    """
    body = pl.col("body")
    return [
        body.str.contains(_SPECIAL_OR_EXACT).fill_null(value=False).alias("special"),
        body.str.ends_with(">").fill_null(value=False).alias("closed"),
    ]


WORDY_SPACES: Final = 3
"""An author with this many spaces (four words) or more may be a notice holding ": "."""


def _notices_with_a_colon(heads: pl.DataFrame) -> pl.DataFrame:
    """System lines whose text holds ": " (``X changed the subject to "Trip: May"``).

    They parse as author ``X changed the subject to "Trip``; an "author" of four or more words
    that reads as a known notice is put back together as a system line. A chat has few
    authors: only the distinct ones are read.
    """
    authors = distinct(heads.get_column("author")).drop_nulls()
    wordy = authors.filter(authors.str.count_matches(" ", literal=True) >= WORDY_SPACES)
    if wordy.len() == 0:
        return heads  # most chats: the notice patterns need not even be compiled
    notices = wordy.filter(wordy.str.contains(words.SYSTEM_NOTICE))
    if notices.len() == 0:
        return heads
    found = (
        heads.select("author", "body")
        .with_row_index("pos")
        .filter(pl.col("author").is_in(notices.implode()))
        .select(
            "pos",
            body=pl.concat_str([pl.col("author"), pl.col("body")], separator=": "),
            author=pl.lit(None, pl.String),
            notice=pl.lit(value=True),
        )
    )
    return heads.with_columns(
        patched(heads.get_column(name), found, name) for name in ("body", "author", "notice")
    )


def classify(heads: pl.DataFrame, notes: list[str] | None = None) -> pl.DataFrame:
    """Add ``kind`` (the Kind enum): placeholders, attachments, tombstones, calls, notices.

    Only the rows flagged ``special``, or ``closed`` and ending with an attachment tag, are
    looked at, and each distinct body among them once: a big chat repeats the same few
    placeholders ("<Media omitted>") tens of thousands of times.

    A sentence that starts with iOS's mark but is no placeholder or notice of any language
    known here (a notice in a language without a table, say "You blocked this contact" in
    Catalan) is a system line too, not a message of the chat's other person: ``notes`` gets
    how many and the first (see ``_unknown_notice``).
    """
    heads = _notices_with_a_colon(heads)
    kind = pl.when(pl.col("notice")).then(pl.lit("system", dtype=Kind))
    heads = heads.with_columns(kind=kind.otherwise(pl.lit("text", dtype=Kind)))
    # A filter, not a gather by position: ``body`` is in several chunks (see _rechunked), and
    # gathering from those takes several times longer.
    special = (
        heads.lazy()
        .select("body", "special", "closed", "notice")
        .with_row_index("pos")
        # Bodies ending with ">" too: an iOS attachment tag after a caption (which the start
        # of the body does not show), or an edited mark.
        .filter((pl.col("special") | pl.col("closed")) & ~pl.col("notice"))
        .select("pos", "body", "special")
        .collect()
    )
    # Of the others, the tagged ones only: a chat's many edited messages need no other test.
    # The test runs on those only, not on the placeholders (a tenth of a big chat) as well.
    flagged = pl.col("special")
    tagged = special.filter(~flagged).filter(pl.col("body").str.contains(words.ATTACHED_AT_END))
    special = pl.concat([special.filter(flagged), tagged]).sort("pos").select("pos", "body")
    if special.height == 0:
        return heads
    kinds = kinds_of(distinct(special.get_column("body")))
    unknown = _unknown_notice(pl.col("body"), pl.col("kind"))
    unknown_bodies = kinds.filter(unknown).get_column("body")
    kinds = kinds.with_columns(
        kind=pl.when(unknown).then(pl.lit("system", dtype=Kind)).otherwise("kind")
    )
    # Each body's row in ``kinds``: one lookup gives its kind and whether it is a common one.
    row = pl.int_range(kinds.height, dtype=pl.UInt32, eager=True)
    found = special.get_column("body").replace_strict(kinds.get_column("body"), row)
    special = special.with_columns(
        kind=kinds.get_column("kind").gather(found),
        common=kinds.get_column("common").gather(found),
    )
    if unknown_bodies.len() and notes is not None:
        notes.append(_unknown_note(heads, special, unknown_bodies))
    # A common placeholder ends with no attachment tag or edited mark, even when it ends with
    # ">" ("<Media omitted>"): not ``closed``, so the later tests for those skip it.
    plain = special.filter(pl.col("common")).select("pos", closed=pl.lit(value=False))
    return heads.with_columns(
        patched(heads.get_column("kind"), special, "kind"),
        patched(heads.get_column("closed"), plain, "closed"),
    )


def kinds_of(bodies: pl.Series) -> pl.DataFrame:
    """``body``, ``kind`` and ``common`` of each of the distinct special ``bodies``: the common
    ones looked up (``COMMON_BODIES``), the others read by the patterns, compiled only if there
    are any.

    >>> kinds_of(pl.Series(["<Media omitted>"])).rows()
    [('<Media omitted>', 'media', True)]
    """
    common = bodies.replace_strict(words.COMMON_BODIES, default=None, return_dtype=Kind)
    known = pl.DataFrame({"body": bodies, "kind": common}).drop_nulls("kind")
    known = known.with_columns(common=pl.lit(value=True))
    others = bodies.filter(common.is_null())
    if others.len() == 0:
        return known
    return pl.concat([known, read_kinds(others).with_columns(common=pl.lit(value=False))])


def read_kinds(bodies: pl.Series) -> pl.DataFrame:
    """``body`` and ``kind`` of each of the special ``bodies``, read by the patterns."""
    read = pl.DataFrame({"body": bodies}).with_columns(kind=_kind_of(pl.col("body")))
    return _other_languages(read)


_WAITING: Final = f"^{words.IOS_MARK}Waiting for this message"
"""What iOS writes for a message it could not decrypt yet: his message all the same, so it
stays one (as text, the words being WhatsApp's)."""


NOTICE_MIN_WORDS: Final = 4
"""An unknown body behind iOS's mark is a notice if it is a sentence: this many words or
more, or a final full stop. A placeholder is a word or three (``‎image omitted``)."""


def _unknown_notice(body: pl.Expr, kind: pl.Expr) -> pl.Expr:
    """Bodies ``_kind_of`` leaves as text that start with iOS's mark and read as a sentence
    (but ``_WAITING``): a notice. A short one stays a message: more likely a placeholder in a
    language without a table (a photo he sent) than a notice."""
    sentence = (body.str.count_matches(r"\s+") >= NOTICE_MIN_WORDS - 1) | body.str.contains(
        r"[.。]\s*$"
    )
    marked = body.str.starts_with(words.IOS_MARK) & ~body.str.contains(_WAITING)
    return (kind == "text") & marked & sentence


def _unknown_note(heads: pl.DataFrame, special: pl.DataFrame, bodies: pl.Series) -> str:
    """How many rows have one of the unknown notice ``bodies``, quoting the first."""
    rows = special.filter(pl.col("body").is_in(bodies.implode())).get_column("pos")
    first = heads.row(rows[0], named=True)
    quoted = first["body"].lstrip(words.BIDI_MARKS)[:UNKNOWN_QUOTE_CHARS]
    return (
        f"{counted(rows.len(), 'message')} start with the mark iPhones write before notices "
        f"and placeholders, but are none pullaway knows (line {first['line']}: {quoted!r}): "
        "read as system lines, not as messages of the person named"
    )


def _by_placeholder(
    body: pl.Expr, voice: str, sticker: str, media: str
) -> pl.expr.whenthen.ChainedThen:
    """The start of a kind expression: voice, sticker, media by their placeholder patterns."""
    return (
        pl.when(body.str.contains(voice))
        .then(pl.lit("voice"))
        .when(body.str.contains(sticker))
        .then(pl.lit("sticker"))
        .when(body.str.contains(media))
        .then(pl.lit("media"))
    )


def _kind_of(body: pl.Expr) -> pl.Expr:
    """The kind of a special body: placeholder, attachment or shared location, tombstone, call,
    notice or text."""
    lrm = body.str.contains(_MARKED)
    attached = body.str.contains(words.ATTACHMENT) | body.str.contains(words.CAPTIONED_ATTACHMENT)
    placeholders = (words.VOICE_PLACEHOLDER, words.STICKER_PLACEHOLDER, words.MEDIA_PLACEHOLDER)
    return (
        _by_placeholder(body, *placeholders)
        .when(attached & body.str.contains(words.VOICE_FILE))
        .then(pl.lit("voice"))
        .when(attached & body.str.contains(words.STICKER_FILE))
        .then(pl.lit("sticker"))
        .when(attached | body.str.contains(words.LOCATION))
        .then(pl.lit("media"))
        .when(body.str.contains(words.DELETED))
        .then(pl.lit("deleted"))
        .when(lrm & body.str.contains(words.CALL))
        .then(pl.lit("call"))
        .when(body.str.contains(words.ENCRYPTION_NOTICE))
        .then(pl.lit("system"))
        .when(body.str.contains(words.SECURITY_CODE_NOTICE))
        .then(pl.lit("system"))
        .when(lrm & body.str.contains(words.SYSTEM_NOTICE))
        .then(pl.lit("system"))
        .otherwise(pl.lit("text"))
        .cast(Kind)
    )


def _other_languages(kinds: pl.DataFrame) -> pl.DataFrame:
    """``kinds`` with the bodies ``_kind_of`` leaves as text that are in ``EXACT_KINDS`` or start
    with a bidi mark, as iOS writes its placeholders and notices, read in WhatsApp's other
    languages. Those patterns are large, so they are compiled only when such a body is left."""
    body, text = pl.col("body"), pl.col("kind") == "text"
    exact = _exact(body)
    kinds = kinds.with_columns(
        kind=pl.when(text & exact.is_not_null()).then(exact.cast(Kind)).otherwise("kind")
    )
    left = text & body.str.contains(_MARKED)
    if not kinds.select(left.any()).item():
        return kinds
    return kinds.with_columns(kind=pl.when(left).then(_other_kind_of(body)).otherwise("kind"))


def _exact(body: pl.Expr) -> pl.Expr:
    """The kind ``EXACT_KINDS`` gives a body once the marks before it and a final
    "." are taken off (as iOS writes them); null for others."""
    bare = body.str.strip_chars_start(words.BIDI_MARKS).str.strip_chars_end(". ")
    return bare.replace_strict(words.EXACT_KINDS, default=None, return_dtype=pl.String)


def _other_kind_of(body: pl.Expr) -> pl.Expr:
    """``_kind_of`` for iOS's placeholders and notices in WhatsApp's other languages."""
    notice = body.str.contains(words.OTHER_ENCRYPTION_NOTICE) | body.str.contains(
        words.OTHER_SECURITY_CODE_NOTICE
    )
    placeholders = (
        words.OTHER_VOICE_PLACEHOLDER,
        words.OTHER_STICKER_PLACEHOLDER,
        words.OTHER_MEDIA_PLACEHOLDER,
    )
    return (
        _by_placeholder(body, *placeholders)
        .when(notice)
        .then(pl.lit("system"))
        .otherwise(pl.lit("text"))
        .cast(Kind)
    )


def patched(column: pl.Series, patch: pl.DataFrame, name: str) -> pl.Series:
    """``column`` with ``patch[name]`` written at the positions ``patch["pos"]``."""
    if patch.height == 0:
        return column
    return column.clone().scatter(patch.get_column("pos"), patch.get_column(name))
