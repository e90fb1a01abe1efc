"""WhatsApp "Export chat": the ``.txt`` (Android and iOS) and the ``.zip`` it comes in.

Parsing is vectorised end to end, so a million-message export takes about a second: the
lines become one Polars column, the file's header layout is found once and matched with one
specialised regex (general regex only for the lines it misses), the day/month order is
inferred from all dates together, continuation lines are joined to their message with a
forward-filled message number, and timestamps are built from integer fields.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import polars as pl

from pullaway.errors import ParseError, at_file
from pullaway.importers import _whatsapp_text as words
from pullaway.importers._base import (
    SAMPLE_BYTES,
    ChatMeta,
    DateOrder,
    Importer,
    ImportResult,
    Sample,
    Skipped,
)
from pullaway.importers._lines import by_slices, read_lines
from pullaway.importers._whatsapp_dates import (
    ORDER_NAMES,
    OrderChoice,
    infer_order,
    utc_offsets,
    with_timestamps,
)
from pullaway.importers._whatsapp_header import (
    FIELDS,
    GENERAL,
    Layout,
    detect_layout,
    general_match,
)
from pullaway.model import Kind, validate_messages, with_message_ids

LAYOUT_SAMPLE_LINES: Final = 5000
"""How many lines from the top are searched for the file's header layout."""
SNIFF_LINES: Final = 20
"""How many non-empty lines from the top the sniffer scores."""
EXPORT_CAP: Final = 40_000
"""WhatsApp's export limit without media; a chat this long may have lost its oldest messages."""

_ANY_MARK: Final = f"[{words.BIDI_MARKS}]"
_NAME_ONLY: Final = "^(?P<author>.+?):(?P<dot>\\.?)$"  # "Name:." (disappearing) or "Name:"


def sniff(sample: Sample) -> float:
    """Share of the first non-empty lines that are WhatsApp headers (continuations excepted).

    signal-export's Markdown looks much the same (``[2024-02-09 21:14:03] Name: …``), so it is
    told apart by what WhatsApp never writes: a ``.md`` file, reaction lines ``(- Name: ❤️ -)``,
    or bracketed ISO dates without seconds (``[2020-01-17, 21:49]``, older signal-export).
    """
    text = sample.text
    if sample.members and sample.path.is_file() and zipfile.is_zipfile(sample.path):
        text = _zip_chat_text(sample.path)
    elif sample.members and sample.member is None:
        return 0.0
    lines = [line for line in text.splitlines() if line.strip()][:SNIFF_LINES]
    matches = [m for m in map(general_match, lines) if m is not None and _plausible(m)]
    if not matches:
        return 0.0
    if not general_match(lines[0]) and len(matches) < 2:
        return 0.2
    if _looks_like_signal(sample, lines, matches[0]):
        return 0.3
    return round(0.6 + 0.4 * len(matches) / len(lines), 3)


def _zip_chat_text(path: Path) -> str:
    """The first lines of the chat in a zip, or "" when it holds none."""
    try:
        with zipfile.ZipFile(path) as archive:
            return "\n".join(_member_head(archive, _chat_member(archive), lines=SNIFF_LINES * 5))
    except (ParseError, zipfile.BadZipFile, OSError):
        return ""


_SIGNAL_REACTION: Final = re.compile(r"^\(- .+: .+ -\)\s*$")


def _looks_like_signal(sample: Sample, lines: list[str], first: re.Match[str]) -> bool:
    name = sample.member or sample.path.name
    if name.lower().endswith(".md") or any(map(_SIGNAL_REACTION.match, lines)):
        return True
    iso = first["open"] and first["s1"] == "-" and len(first["a"]) == 4
    return bool(iso and first["s"] is None)


def _plausible(match: re.Match[str]) -> bool:
    """A header whose rest is ``Author: …`` or a known system notice."""
    rest = match["rest"]
    return ": " in rest or re.search(words.SYSTEM_NOTICE, rest) is not None


def parse(
    path: Path,
    *,
    chat: str | None = None,
    date_order: DateOrder | None = None,
    timezone: str | None = None,
    encoding: str | None = None,
) -> ImportResult:
    """Read a WhatsApp export (``.txt`` or ``.zip``) into messages, skips and chat facts."""
    with at_file(path):
        if timezone is not None:
            _check_zone(timezone)
        source = _open_source(path)
        lines = read_lines(source.data, path=path, encoding=encoding)
        return _parse_lines(lines, source, chat=chat, date_order=date_order, timezone=timezone)


@dataclass(frozen=True)
class _Source:
    data: bytes
    location: str  # for source_file: the path, or archive.zip/member
    names: tuple[str, ...]  # file names that may carry the chat's name, best first


def _open_source(path: Path) -> _Source:
    if not (path.suffix.lower() == ".zip" or zipfile.is_zipfile(path)):
        return _Source(path.read_bytes(), str(path), (path.name,))
    try:
        with zipfile.ZipFile(path) as archive:
            member = _chat_member(archive)
            data = archive.read(member)
    except zipfile.BadZipFile as exc:
        msg = f"not a readable zip file ({exc}); unzip it and import the .txt inside"
        raise ParseError(msg) from exc
    return _Source(data, f"{path}/{member}", (path.name, Path(member).name))


def _chat_member(archive: zipfile.ZipFile) -> str:
    """``_chat.txt`` (iOS), else the shortest-named .txt whose first lines are WhatsApp headers."""
    texts = [n for n in archive.namelist() if n.lower().endswith(".txt") and "__MACOSX" not in n]
    for name in texts:
        if Path(name).name == "_chat.txt":
            return name
    for name in sorted(texts, key=lambda n: (len(n), n)):
        if detect_layout(_member_head(archive, name)) is not None:
            return name
    msg = (
        f"no WhatsApp chat inside the zip (looked for _chat.txt and .txt files with message "
        f"headers among {len(archive.namelist())} members)"
    )
    raise ParseError(msg)


def _member_head(archive: zipfile.ZipFile, name: str, *, lines: int = 50) -> list[str]:
    with archive.open(name) as fh:
        head = fh.read(SAMPLE_BYTES).decode("utf-8-sig", errors="replace")
    return head.splitlines()[:lines]


def _check_zone(timezone: str) -> None:
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        msg = f"unknown time zone {timezone!r}; use an IANA name such as Europe/Madrid"
        raise ParseError(msg) from exc


# --- the vectorised core ---------------------------------------------------------------------


def _parse_lines(
    lines: pl.Series,
    source: _Source,
    *,
    chat: str | None,
    date_order: DateOrder | None,
    timezone: str | None,
) -> ImportResult:
    notes: list[str] = []
    heads, order = _read_headers(lines, date_order=date_order, notes=notes)
    frame, skipped = _assemble(lines, heads, order)
    if timezone is not None:
        frame = frame.with_columns(utc_offset=utc_offsets(pl.col("timestamp"), timezone))
        missing = frame.get_column("utc_offset").null_count()
        if missing:
            notes.append(f"{missing} times do not exist in {timezone} (DST gap); offset left empty")
    if EXPORT_CAP - 1000 <= frame.height <= EXPORT_CAP:
        notes.append(
            f"{frame.height} messages: close to WhatsApp's {EXPORT_CAP} export cap, "
            "so the oldest messages may be missing"
        )
    meta = _chat_meta(frame, source, chat)
    messages = frame.with_columns(
        chat=pl.lit(meta.name),
        source_file=pl.lit(source.location),
        message_id=pl.lit(None, pl.String),
    ).drop("notice_author")
    return ImportResult(
        messages=validate_messages(with_message_ids(messages)),
        skipped=tuple(skipped),
        chats=(meta,),
        units=lines.len(),
        unit="line",
        notes=tuple(notes),
    )


def _read_headers(
    lines: pl.Series, *, date_order: DateOrder | None, notes: list[str]
) -> tuple[pl.DataFrame, OrderChoice]:
    """Every header with its timestamp and kind; what was inferred goes to ``notes``."""
    if lines.len() == 0:
        msg = (
            "the file is empty; expected a WhatsApp export with lines like "
            "'31/12/23, 21:05 - Name: text'"
        )
        raise ParseError(msg)
    layout = detect_layout(lines.head(LAYOUT_SAMPLE_LINES).to_list())
    if layout is None:
        msg = (
            f"no WhatsApp message header in the first {LAYOUT_SAMPLE_LINES} lines; expected lines "
            "like '31/12/23, 21:05 - Name: text' or '[31/12/23, 21:05:09] Name: text'"
        )
        raise ParseError(msg, line=1)
    notes.append(f"header layout {layout.describe().strip()!r}")
    heads, mixed, demoted = _match_headers(lines, layout)
    if mixed:
        notes.append(f"{mixed} headers use another layout than the first ones; read them too")
    if demoted:
        notes.append(
            f"{demoted} lines look like headers but have no author and no known system text; "
            "kept as continuation lines of the message before"
        )
    order = infer_order(heads, date_order=date_order)
    notes.append(order.note())
    heads = with_timestamps(heads, order.order)
    pm_24h = heads.get_column("pm_24h").sum()
    if pm_24h:
        notes.append(f"{pm_24h} headers have an hour of 13-23 with a PM marker; read as written")
    return _classify(heads), order


def _match_headers(lines: pl.Series, layout: Layout) -> tuple[pl.DataFrame, int, int]:
    """Header rows with FIELDS, ``author``, ``body`` and ``notice``.

    The file's own layout, followed by ``Author: ``, is matched by one specialised regex; the
    body is then a cheap slice of the line. Lines it misses (system lines, ``Name:.``, lines
    behind a bidi mark, other layouts) are tried with the general grammar. Returns the headers,
    how many have another layout than the file's own, and how many header-like lines were
    demoted to continuation lines (no author and no known system text).
    """
    text = pl.col("text")
    numbered = pl.DataFrame({"text": lines}).with_row_index("line", offset=1)
    matched = by_slices(numbered, lambda lf: _fast_match(lf, layout))
    fast = pl.repeat(value=False, n=numbered.height, eager=True).scatter(
        matched.get_column("line") - 1, True
    )
    missed = numbered.filter(~fast).filter(text.str.contains(GENERAL))
    if missed.height == 0:
        return matched, 0, 0
    others = missed.select("line", text.str.extract_groups(GENERAL).alias("g")).unnest("g")
    own = text.str.replace(f"^{words.MARKS}", "").str.contains(layout.head_pattern())
    mixed = missed.filter(~own).height
    others, demoted = _split_authors(others)
    return matched.merge_sorted(others.select(matched.columns), key="line"), mixed, demoted


def _fast_match(lines: pl.LazyFrame, layout: Layout) -> pl.LazyFrame:
    """FIELDS, ``author`` and ``body`` of the lines the file's own layout matches."""
    text = pl.col("text")
    found = lines.with_columns(text.str.extract_groups(layout.fast_pattern()).alias("g"))
    found = found.unnest("g")
    names = found.collect_schema().names()
    missing = [pl.lit(None, pl.String).alias(n) for n in ("s", "ap") if n not in names]
    return (
        found.with_columns(missing)
        .filter(pl.col("a").is_not_null())
        .select(
            "line",
            *FIELDS,
            "author",
            body=text.str.slice(_header_chars(layout)),
            rest=pl.lit(None, pl.String),
            notice=pl.lit(value=False),
        )
    )


def _header_chars(layout: Layout) -> pl.Expr:
    """Characters before the body on a line the fast pattern matched."""
    digits = [pl.col(name).str.len_bytes() for name in ("a", "b", "c", "h", "mi")]
    seconds = pl.when(pl.col("s").is_not_null()).then(len(layout.time_sep) + 2).otherwise(0)
    marker = pl.col("ap").str.len_chars().fill_null(0)
    author = pl.col("author").str.len_chars() + len(": ")
    return pl.sum_horizontal(*digits, seconds, marker, author) + layout.literal_chars()


def _split_authors(heads: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """Add ``author``, ``body`` and ``notice``; headers without an author need a known notice."""
    parts = pl.col("rest").str.splitn(": ", 2)
    heads = heads.with_columns(
        author=parts.struct.field("field_0"),
        body=parts.struct.field("field_1"),
        notice=pl.lit(value=False),
    )
    bare = heads.filter(pl.col("body").is_null())
    if bare.height == 0:
        return heads, 0
    named = pl.col("rest").str.extract_groups(_NAME_ONLY)
    bare = bare.with_columns(
        author=named.struct.field("author"),
        body=named.struct.field("dot"),
        notice=pl.col("rest").str.contains(words.SYSTEM_NOTICE),
    )
    keep = bare.filter(pl.col("author").is_not_null() | pl.col("notice"))
    with_colon = heads.filter(pl.col("body").is_not_null())
    demoted = bare.height - keep.height
    return with_colon.merge_sorted(keep.select(heads.columns), key="line"), demoted


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


def _notices_with_a_colon(heads: pl.DataFrame) -> pl.DataFrame:
    """System lines whose text holds ": " (``X changed the subject to "Trip: May"``).

    They parse as author ``X changed the subject to "Trip``; an "author" of four or more words
    that reads as a known notice is put back together as a system line.
    """
    wordy = pl.col("author").str.count_matches(" ", literal=True) >= 3
    found = (
        heads.with_row_index("pos")
        .filter(wordy.fill_null(value=False))
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
        _patched(heads.get_column(name), found, name) for name in ("body", "author", "notice")
    )


def _classify(heads: pl.DataFrame) -> pl.DataFrame:
    """Add ``kind`` (the Kind enum): placeholders, attachments, tombstones, calls, notices."""
    heads = _notices_with_a_colon(heads).with_columns(
        kind=pl.when(pl.col("notice"))
        .then(pl.lit("system", dtype=Kind))
        .otherwise(pl.lit("text", dtype=Kind))
    )
    special = heads.with_row_index("pos").filter(
        ~pl.col("notice") & pl.col("body").str.contains(f"(?i){_SPECIAL}")
    )
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
    special = special.with_columns(kind=kind.cast(Kind))
    return heads.with_columns(_patched(heads.get_column("kind"), special, "kind"))


def _assemble(
    lines: pl.Series, heads: pl.DataFrame, order: OrderChoice
) -> tuple[pl.DataFrame, list[Skipped]]:
    """Join continuation lines to their header; turn headers into message rows; list skips."""
    head_lines = heads.get_column("line")
    starts = (
        pl.repeat(None, lines.len(), dtype=pl.UInt32, eager=True)
        .scatter(head_lines - 1, head_lines)
        .forward_fill()
    )
    lines_frame = pl.DataFrame({"text": lines, "start": starts}).with_row_index("line", offset=1)
    continuation = lines_frame.filter(pl.col("line") != pl.col("start"))
    joined = (
        continuation.group_by("start", maintain_order=True)
        .agg(more=pl.col("text").str.join("\n").str.strip_chars_end("\n"))
        .filter(pl.col("more") != "")
        .rename({"start": "line"})
    )
    skipped = _before_first(lines_frame.filter(pl.col("start").is_null()))
    bad = heads.filter(pl.col("timestamp").is_null())
    if bad.height:
        skipped += _impossible_dates(bad, lines_frame, order)
        heads = heads.filter(pl.col("timestamp").is_not_null())
        joined = joined.filter(~pl.col("line").is_in(bad.get_column("line").implode()))
    return _message_rows(heads, joined), sorted(skipped, key=lambda s: s.line)


def _before_first(before: pl.DataFrame) -> list[Skipped]:
    return [
        Skipped.of(
            line,
            "empty line before the first message"
            if not text.strip()
            else "not a WhatsApp message header, and no message before it to continue",
            text,
        )
        for line, text in before.select("line", "text").iter_rows()
    ]


def _impossible_dates(
    bad: pl.DataFrame, lines_frame: pl.DataFrame, order: OrderChoice
) -> list[Skipped]:
    reason = (
        f"impossible date or time read as {ORDER_NAMES[order.order]} ({order.reason}); "
        "if the order is wrong, pass --date-order"
    )
    bad_lines = bad.get_column("line")
    skipped = [
        Skipped.of(line, reason, text)
        for line, text in lines_frame.filter(pl.col("line").is_in(bad_lines.implode()))
        .select("line", "text")
        .iter_rows()
    ]
    follow = lines_frame.filter(
        pl.col("start").is_in(bad_lines.implode()) & (pl.col("line") != pl.col("start"))
    )
    skipped += [
        Skipped.of(line, f"continues the skipped message at line {start}", text)
        for line, start, text in follow.select("line", "start", "text").iter_rows()
    ]
    return skipped


def _message_rows(heads: pl.DataFrame, joined: pl.DataFrame) -> pl.DataFrame:
    """Message rows. The few rows that differ from "first body line as text" are computed
    apart and scattered in by position, which is much cheaper than joins on a million rows."""
    heads = heads.with_row_index("pos")
    line = heads.get_column("line")
    joined = joined.with_columns(pos=line.search_sorted(joined.get_column("line")).cast(pl.UInt32))
    text = _patched(heads.get_column("body"), _joined_texts(heads, joined), "text")
    sender = heads.get_column("author")
    notice_author = pl.repeat(None, heads.height, dtype=pl.String, eager=True)
    unusual = _unusual_rows(heads, joined)
    if unusual.height:
        text = _patched(text, unusual, "text")
        sender = _patched(sender, unusual, "sender")
        notice_author = _patched(notice_author, unusual, "notice_author")
    marked = sender.str.contains(_ANY_MARK).fill_null(value=False).arg_true()
    if marked.len():
        sender = sender.clone().scatter(
            marked, sender.gather(marked).str.replace_all(_ANY_MARK, "")
        )
    frame = pl.DataFrame(
        {
            "timestamp": heads.get_column("timestamp"),
            "utc_offset": pl.repeat(None, heads.height, dtype=pl.Int32, eager=True),
            "sender": sender,
            "kind": heads.get_column("kind"),
            "text": text,
            "source_line": line.cast(pl.Int64),
            "notice_author": notice_author,
        }
    )
    frame = _strip_edited(frame)
    if not frame.get_column("timestamp").is_sorted():
        frame = frame.sort("timestamp", "source_line", maintain_order=True)
    return frame


def _patched(column: pl.Series, patch: pl.DataFrame, name: str) -> pl.Series:
    """``column`` with ``patch[name]`` written at the positions ``patch["pos"]``."""
    if patch.height == 0:
        return column
    return column.clone().scatter(patch.get_column("pos"), patch.get_column(name))


def _joined_texts(heads: pl.DataFrame, joined: pl.DataFrame) -> pl.DataFrame:
    """Text messages with continuation lines: first line, newline, the rest."""
    pos = joined.get_column("pos")
    return joined.with_columns(
        kind=heads.get_column("kind").gather(pos), body=heads.get_column("body").gather(pos)
    ).select(
        "pos",
        text=pl.when(pl.col("kind") == "text")
        .then(pl.concat_str([pl.col("body"), pl.col("more")], separator="\n"))
        .otherwise(pl.col("body")),
    )


def _unusual_rows(heads: pl.DataFrame, joined: pl.DataFrame) -> pl.DataFrame:
    """Sender and text of system, media, deleted and call rows (text: notice or caption)."""
    rows = heads.filter(pl.col("kind") != "text").join(joined.drop("pos"), on="line", how="left")
    kind = pl.col("kind")
    notice = pl.coalesce(pl.col("body"), pl.col("rest")).str.replace_all(_ANY_MARK, "")
    return rows.select(
        "pos",
        sender=pl.when(kind != "system").then(pl.col("author")),
        text=pl.when(kind == "system")
        .then(pl.concat_str([notice, pl.col("more")], separator="\n", ignore_nulls=True))
        .when(kind.is_in(["media", "sticker", "voice"]))
        .then(pl.col("more")),
        notice_author=pl.when(kind == "system").then(pl.col("author")),
    )


def _strip_edited(frame: pl.DataFrame) -> pl.DataFrame:
    text = frame.get_column("text")
    ends = text.str.ends_with(">").fill_null(value=False).arg_true()
    if ends.len() == 0:
        return frame
    stripped = text.gather(ends).str.replace(words.EDITED_SUFFIX, "")
    return frame.with_columns(text.clone().scatter(ends, stripped))


# --- the chat: name, participants, who is "me" ------------------------------------------------

_PREFIX_RE: Final = re.compile(
    "^(?:" + "|".join(re.escape(p).replace("\\ ", "[ _]") for p in words.CHAT_NAME_PREFIXES) + ")",
    re.IGNORECASE,
)
_COPY_SUFFIX: Final = re.compile(r"\s*\(\d+\)$")


def chat_name_from_file(name: str) -> str | None:
    """The partner's or group's name in a WhatsApp export's file name, if it has one.

    >>> chat_name_from_file("WhatsApp Chat with Dani (1).txt")
    'Dani'
    >>> chat_name_from_file("Conversa_do_WhatsApp_com_Ana_Sousa.zip")
    'Ana Sousa'
    >>> chat_name_from_file("_chat.txt") is None
    True
    """
    stem = _COPY_SUFFIX.sub("", re.sub(r"\.(?:txt|zip)$", "", name, flags=re.IGNORECASE))
    stem = _COPY_SUFFIX.sub("", stem)
    match = _PREFIX_RE.match(stem)
    if match is None:
        return None
    rest = stem[match.end() :]
    if "_" in match.group(0):
        rest = rest.replace("_", " ")
    return rest.strip() or None


def _chat_meta(frame: pl.DataFrame, source: _Source, chat: str | None) -> ChatMeta:
    participants = tuple(
        frame.filter(pl.col("sender").is_not_null())
        .get_column("sender")
        .unique(maintain_order=True)
    )
    from_file = next((n for n in map(chat_name_from_file, source.names) if n), None)
    partner, how = from_file, "named in the file name"
    if partner is None and len(participants) == 2:
        # iOS writes the partner's name as the author of the chat's notices in a 1:1 chat.
        authors = set(frame.get_column("notice_author").drop_nulls()) & set(participants)
        if len(authors) == 1:
            partner, how = authors.pop(), "the author of the chat's system notices"
    name = chat or partner or Path(source.names[0]).stem
    me_guess, reason = None, ""
    if partner is not None and len(participants) == 2 and partner in participants:
        me_guess = next(p for p in participants if p != partner)
        reason = f"the chat is with {partner} ({how}), so the other sender is you"
    return ChatMeta(name=name, me_guess=me_guess, me_reason=reason, participants=participants)


IMPORTER = Importer(
    name="whatsapp",
    extensions=(".txt", ".zip"),
    sniff=sniff,
    parse=parse,
    description="WhatsApp 'Export chat' .txt or .zip (Android and iOS, any locale)",
)
