"""WhatsApp "Export chat": the ``.txt`` (Android and iOS) and the ``.zip`` it comes in.

Parsing is vectorised end to end, so a million-message export takes about a second: the
lines become one Polars column, the file's header layout is found once and matched with one
specialised regex (general regex only for the lines it misses), the common headers are read
from fixed bytes straight into numbers, the day/month order is inferred from all dates
together, only the few continuation lines are looked at to join them to their message, and
timestamps are built from integer fields.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import polars as pl

from pullaway.errors import ParseError, at_file
from pullaway.importers import _whatsapp_text as words
from pullaway.importers._base import (
    SAMPLE_BYTES,
    ZIP_ERRORS,
    DateOrder,
    Importer,
    ImportResult,
    Sample,
    Skipped,
    as_utf8,
    decode_prefix,
    files_under,
    report_progress,
)
from pullaway.importers._lines import (
    MAX_MESSAGE_BYTES,
    LongLine,
    cut_long_lines,
    file_lines,
    mapped,
    megabytes,
    read_lines,
)
from pullaway.importers._whatsapp_chat import chat_meta
from pullaway.importers._whatsapp_dates import (
    GREGORIAN_YEARS,
    ORDER_NAMES,
    OrderChoice,
    afternoon,
    as_numbers,
    buddhist_era,
    in_other_calendars,
    infer_order,
    utc_offsets,
    with_timestamps,
    written_year,
)
from pullaway.importers._whatsapp_header import (
    DATE_TIME,
    FIRST_MARKERS,
    GENERAL,
    LATIN_GENERAL,
    LEADING_MARK_BYTES,
    MARKERS,
    NUMBERS,
    STAMPABLE,
    FixedLayout,
    Layout,
    ascii_stamps,
    bare_marker,
    detect_layout,
    fixed_layout,
    general_match,
)
from pullaway.importers._whatsapp_kinds import classify, hints, patched
from pullaway.model import validate_messages, with_message_ids
from pullaway.slices import by_slices, distinct

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from pullaway.importers._lines import Bytes

LAYOUT_SAMPLE_LINES: Final = 5000
"""How many lines from the top are searched for the file's header layout."""
SPREAD_PIECES: Final = 50
SPREAD_PIECE_LINES: Final = 8
"""``_spread_sample`` takes this many pieces of this many lines, from the whole file."""
SNIFF_LINES: Final = 20
"""How many non-empty lines from the top the sniffer scores."""
EXPORT_CAP: Final = 40_000
"""WhatsApp's export limit without media; a chat this long may have lost its oldest messages."""
MAX_LINE_BYTES: Final = MAX_MESSAGE_BYTES
"""Longer lines are skipped unread: a WhatsApp message holds at most 65,536 characters (256 KB
in UTF-8), and reading a line costs several times its size in memory."""

_ANY_MARK: Final = f"[{words.BIDI_MARKS}]"
_NAME_ONLY: Final = "^(?P<author>.+?):(?P<dot>\\.?)$"  # "Name:." (disappearing) or "Name:"


PREFIX_BYTES = 1 << 20  # how much of a large file must show a header before it is read whole
# The parse is a few vectorised steps, so progress is reported after each, as the share of a
# million-message parse's time spent up to there.
_LINES_READ: Final = 0.15
_HEADERS_READ: Final = 0.6
_ROWS_BUILT: Final = 0.75


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
    except (ParseError, *ZIP_ERRORS):
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
    return ": " in rest or any(
        re.search(notice, rest) is not None for notice in (words.SYSTEM_NOTICE, words.OTHER_NOTICE)
    )


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
        # What is used up is let go of at once (the bytes here, the lines and the header rows
        # below): fresh memory is slow to touch, so a big file's peak memory costs time.
        data, source = source.data, replace(source, data=b"")
        lines, cut = _source_lines(data, source.file, path=path, encoding=encoding)
        del data
        report_progress(_LINES_READ, 1)
        _check_not_only_long_lines(lines, cut)
        too_long = [Skipped.of(c.line, f"{_long_line(c)}; not read", c.head) for c in cut]
        units = lines.len()
        frame, skipped, notes = _messages(lines, too_long, date_order=date_order, timezone=timezone)
        del lines
        report_progress(_ROWS_BUILT, 1)
        result = _result(frame, skipped, notes, source, chat=chat, units=units)
    report_progress(1, 1)
    return result


@dataclass(frozen=True)
class _Source:
    data: bytes  # the chat text; empty for a ``file`` not read yet
    location: str  # for source_file: the path, or archive.zip/member
    names: tuple[str, ...]  # file names that may carry the chat's name, best first
    file: Path | None = None  # the chat text's own file, if it is one (not in a zip)


def _open_source(path: Path) -> _Source:
    if path.is_dir():
        return _folder_source(path)
    if not (path.suffix.lower() == ".zip" or zipfile.is_zipfile(path)):
        return _Source(b"", str(path), (path.name,), file=path)
    try:
        with zipfile.ZipFile(path) as archive:
            member = _chat_member(archive)
            data = archive.read(member)
    except ZIP_ERRORS as exc:
        msg = f"not a readable zip file ({exc}); unzip it and import the .txt inside"
        raise ParseError(msg) from exc
    return _Source(data, f"{path}/{member}", (path.name, Path(member).name))


def _folder_source(folder: Path) -> _Source:
    """An unzipped export: its chat text, as in a zip (``_chat_texts``); several are refused."""
    names = list(files_under(folder))
    chats = list(_chat_texts(names, lambda name: _file_head(folder / name)))
    if not chats:
        msg = (
            f"no WhatsApp chat in this folder (looked for _chat.txt and .txt files with message "
            f"headers among {len(names)} files)"
        )
        raise ParseError(msg)
    if len(chats) > 1:
        msg = (
            f"this folder holds {len(chats)} WhatsApp chats ({', '.join(sorted(chats)[:5])}); "
            "import them one by one"
        )
        raise ParseError(msg)
    chosen = folder / chats[0]
    return _Source(b"", str(chosen), (folder.name, chosen.name), file=chosen)


def _source_lines(
    data: bytes, file: Path | None, *, path: Path, encoding: str | None
) -> tuple[pl.Series, list[LongLine]]:
    """The lines of the chat text (``data``, or the bytes of ``file``), and the over-long lines
    taken out of them (``cut_long_lines``).

    A file in UTF-8 that needs nothing done to its bytes is read by Polars from disk
    (``file_lines``); searching its mapped bytes first costs less than reading them.
    """
    if file is not None and encoding is None:
        with mapped(file) as view:
            if view is not None:
                _check_prefix(view)
                lines = file_lines(file, view, limit=MAX_LINE_BYTES)
                if lines is not None:
                    return lines, []
    if file is not None:
        data = file.read_bytes()
    data = as_utf8(data, path=path, encoding=encoding)
    _check_prefix(data)
    data, cut = cut_long_lines(data, MAX_LINE_BYTES)
    return read_lines(data, path=path), cut


def _file_head(path: Path) -> list[str]:
    with path.open("rb") as fh:
        return _head_lines(fh)


def _chat_member(archive: zipfile.ZipFile) -> str:
    """The zip's chat text: the first of ``_chat_texts``."""
    found = next(_chat_texts(archive.namelist(), partial(_member_head, archive)), None)
    if found is None:
        msg = (
            f"no WhatsApp chat inside the zip (looked for _chat.txt and .txt files with message "
            f"headers among {len(archive.namelist())} members)"
        )
        raise ParseError(msg)
    return found


def _chat_texts(names: list[str], head: Callable[[str], list[str]]) -> Iterator[str]:
    """The files that hold a chat, best first: ``_chat.txt`` (iOS) if there is one, else each
    .txt whose first lines (``head``) are WhatsApp headers, shortest name first."""
    texts = sorted(
        (n for n in names if n.lower().endswith(".txt") and "__MACOSX" not in n),
        key=lambda n: (len(n), n),
    )
    ios = [n for n in texts if PurePosixPath(n).name == "_chat.txt"]
    yield from ios or (n for n in texts if detect_layout(head(n)) is not None)


def _member_head(archive: zipfile.ZipFile, name: str, *, lines: int = 50) -> list[str]:
    with archive.open(name) as fh:
        return _head_lines(fh, lines=lines)


def _head_lines(fh: IO[bytes], *, lines: int = 50) -> list[str]:
    """The first ``lines`` lines of a file, read from its first bytes (bad bytes replaced)."""
    return decode_prefix(fh.read(SAMPLE_BYTES)).splitlines()[:lines]


QUICK_PREFIX_BYTES: Final = 1 << 16
"""How much of a large file ``_check_prefix`` looks at first: nearly always enough."""


def _check_prefix(data: Bytes) -> None:
    """Fail fast, before reading a large file in full, when its start has no message header."""
    if len(data) <= PREFIX_BYTES or b"\x00" in data[:4096]:
        return  # small files and binary ones go the normal way, with its precise errors
    # Decoding and splitting the whole prefix takes longer than finding a header in its start.
    if not _has_header(data, QUICK_PREFIX_BYTES, partial=True) and (
        not _has_header(data, PREFIX_BYTES)
    ):
        msg = (
            f"no WhatsApp message header in the first {PREFIX_BYTES // 1024} KB; expected lines "
            "like '31/12/23, 21:05 - Name: text' or '[31/12/23, 21:05:09] Name: text'"
        )
        raise ParseError(msg, line=1)


def _has_header(data: Bytes, size: int, *, partial: bool = False) -> bool:
    """Whether the first ``LAYOUT_SAMPLE_LINES`` lines of ``data[:size]`` show a header layout;
    with ``partial``, without the last line, which the cut may have shortened."""
    lines = data[:size].decode("utf-8-sig", errors="replace").splitlines()
    if partial:
        lines = lines[:-1]
    return detect_layout(lines[:LAYOUT_SAMPLE_LINES]) is not None


def _check_zone(timezone: str) -> None:
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        msg = f"unknown time zone {timezone!r}; use an IANA name such as Europe/Madrid"
        raise ParseError(msg) from exc


# --- the vectorised core ---------------------------------------------------------------------


def _messages(
    lines: pl.Series,
    too_long: list[Skipped],
    *,
    date_order: DateOrder | None,
    timezone: str | None,
) -> tuple[pl.DataFrame, list[Skipped], list[str]]:
    """Message rows (with ``notice_author``, without ids), skipped lines and notes.

    ``too_long`` are the lines ``cut_long_lines`` took out: skipped, not continuations.
    """
    notes: list[str] = []
    heads, order = _read_headers(lines, date_order=date_order, notes=notes)
    report_progress(_HEADERS_READ, 1)
    frame, skipped = _assemble(lines, heads, order, too_long)
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
    return frame, skipped, notes


def _long_line(cut: LongLine) -> str:
    return f"a line of {megabytes(cut.size)}, longer than any WhatsApp message can be"


def _check_not_only_long_lines(lines: pl.Series, cut: list[LongLine]) -> None:
    """Refuse a file of nothing but over-long lines (a gigabyte of one line, say)."""
    if cut and lines.str.strip_chars().str.len_bytes().sum() == 0:
        msg = f"{_long_line(cut[0])}: this is not a WhatsApp export"
        raise ParseError(msg, line=cut[0].line)


def _result(
    frame: pl.DataFrame,
    skipped: list[Skipped],
    notes: list[str],
    source: _Source,
    *,
    chat: str | None,
    units: int,
) -> ImportResult:
    """The import result: chat facts, then the validated messages with their ids."""
    meta = chat_meta(frame, source.names, chat)
    # No empty message_id column first: with_message_ids adds it, validate_messages orders it.
    frame = frame.drop("notice_author")
    messages = frame.with_columns(chat=pl.lit(meta.name), source_file=pl.lit(source.location))
    del frame
    return ImportResult(
        messages=validate_messages(with_message_ids(messages)),
        skipped=tuple(skipped),
        chats=(meta,),
        units=units,
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
    heads, mixed, demoted, unread = _match_headers(_readable(lines, layout), layout)
    heads = _rechunked(heads, _KEPT)
    notes.extend(_unread_note(unread, lines))
    if mixed:
        notes.append(f"{mixed} headers use another layout than the first ones; read them too")
    if demoted:
        notes.append(
            f"{demoted} lines look like headers but have no author and no known system text; "
            "kept as part of the message before them (skipped where none comes before)"
        )
    order = infer_order(heads, lines, date_order=date_order)
    notes.append(order.note())
    heads, calendar_notes = in_other_calendars(heads, order.order)
    notes.extend(calendar_notes)
    buddhist = heads.select(buddhist_era(written_year(order.order)).sum()).item()
    # The number fields are in ``timestamp`` now; dropping them frees memory for what follows.
    heads = with_timestamps(heads, order.order, buddhist=buddhist > 0)
    heads = heads.drop(*NUMBERS, "year_first", "pm")
    pm_24h = heads.get_column("pm_24h").sum()
    if pm_24h:
        notes.append(f"{pm_24h} headers have an hour of 13-23 with a PM marker; read as written")
    notes.extend(_other_calendar(heads, buddhist))
    return classify(heads, notes), order


def _other_calendar(heads: pl.DataFrame, buddhist: int) -> list[str]:
    """Notes on the ``buddhist`` headers (Thai Buddhist-era years, made Gregorian) and on those
    dated outside ``GREGORIAN_YEARS``."""
    notes = []
    if buddhist:
        notes.append(
            f"{buddhist} headers are dated in the Buddhist era (Thai phones' calendar: 2567, "
            "or 67, for 2024): read as the Gregorian years they are"
        )
    first, last = GREGORIAN_YEARS
    # Times compared, not years: finding the year of a million timestamps takes a while.
    start, end = datetime(first, 1, 1), datetime(last + 1, 1, 1)
    time = pl.col("timestamp")
    outside = heads.select(((time < start) | (time >= end)).sum()).item()
    if outside:
        notes.append(
            f"{outside} headers are dated outside {first}-{last}: read as Gregorian years; if "
            "the phone writes dates in a calendar pullaway does not read, those dates are wrong"
        )
    return notes


def _readable(lines: pl.Series, layout: Layout) -> pl.Series:
    """``lines`` with ``ascii_stamps`` if the file's layout needs them (a phone that writes
    Arabic, Persian or other digits), so that its headers are read the fast way; otherwise as
    they are, and the few lines that need them are read the general way (``_match_headers``).

    Only headers are read from these lines: texts and skipped lines are quoted from ``lines``.
    """
    if not layout.stamped:
        return lines
    return ascii_stamps(lines, reorders=(layout.reorder,) if layout.reorder else ())


_KEPT: Final = ("line", "notice", "special", "closed")
"""Header columns put into one chunk each once ``_match_headers`` has added its few rows. Not
``author``: every later step reads it row by row or by its distinct values, which work on the
chunks as they are, and its copy cost 2,000-4,000 page faults a million rows."""


def _rechunked(heads: pl.DataFrame, columns: tuple[str, ...]) -> pl.DataFrame:
    """``heads`` with ``columns`` in one chunk each: eager steps on a column of many chunks
    would each rechunk it. The others are not copied, since fresh memory is slow: the number
    fields are read twice and dropped, and ``body`` is copied anyway when the longer texts
    are patched into it (``_message_rows``)."""
    return heads.with_columns(heads.get_column(name).rechunk() for name in columns)


def _match_headers(lines: pl.Series, layout: Layout) -> tuple[pl.DataFrame, int, int, pl.Series]:
    """Header rows: ``line``, the header columns of ``_whatsapp_dates`` (numbers as integers),
    ``author``, ``body`` (a notice's text, for system lines), ``notice`` and the ``hints``.

    The file's own layout, followed by ``Author: ``, is matched by one specialised regex; in
    its most common form (``fixed_layout``) the fields are then read from fixed bytes of the
    line. Lines of the layout in another form get the layout's capturing regex. Lines it misses
    (system lines, ``Name:.``, lines behind a bidi mark, other layouts) are tried with the
    general grammar. Returns the headers, how many have another layout than the file's own,
    how many header-like lines were demoted to continuation lines (no author and no known
    system text), and the numbers of the lines that start with a date and a time but that no
    grammar reads (``_general_headers``).
    """
    text = pl.col("text")
    numbered = pl.DataFrame({"text": lines}).with_row_index("line", offset=1)
    sample = _spread_sample(lines)
    fixed = fixed_layout(layout, sample, max_headers=len(sample))
    # Not rechunked here: _read_headers rechunks the headers once, with the rows added below.
    matched = by_slices(numbered, lambda lf: _fast_match(lf, layout, fixed), rechunk=False)
    left = numbered.gather(_lines_between(matched.get_column("line"), numbered.height)["line"] - 1)
    if fixed is not None and left.height:
        captured = _captured_match(left.lazy(), layout).collect()
        matched = _insert_sorted(matched, captured, key="line")
        left = left.filter(~pl.col("line").is_in(captured.get_column("line").implode()))
    missed, others, unread = _general_headers(_with_ascii_stamps(left))
    if missed.height == 0:
        return matched, 0, 0, unread
    own = text.str.replace(f"^{words.MARKS}", "").str.contains(layout.head_pattern())
    mixed = missed.filter(~own).height
    others, demoted = _split_authors(others)
    # Lazily: Polars keeps compiled regexes per thread, and a lazy query finds those of the
    # match above (``hints``) ready, where an eager step compiled them again (15-20 ms).
    others = others.lazy().with_columns(*as_numbers(), *hints()).select(matched.columns).collect()
    return _insert_sorted(matched, others, key="line"), mixed, demoted, unread


UNREAD_QUOTE_CHARS: Final = 60
"""How much of a line ``_unread_note`` quotes."""


def _unread_note(unread: pl.Series, lines: pl.Series) -> list[str]:
    """A note on the lines that start with a date and a time but not as any header does (a
    marker no table has, say): they stay part of the message before, so say how many, and
    quote the first as written."""
    count = unread.len()
    if count == 0:
        return []
    first = unread[0]
    quoted = lines[first - 1][:UNREAD_QUOTE_CHARS]
    lines_start = "1 line starts" if count == 1 else f"{count} lines start"
    return [
        f"{lines_start} with a date and a time but not as a header does (line {first}: "
        f"{quoted!r}); kept as part of the message before"
    ]


def _with_ascii_stamps(lines: pl.DataFrame) -> pl.DataFrame:
    """``lines`` with the ``ascii_stamp`` of each ``text``; only the few ``STAMPABLE`` ones are
    looked at closely."""
    text = pl.col("text")
    rows = lines.select(text.str.contains(STAMPABLE)).to_series().arg_true()
    if rows.len() == 0:
        return lines
    column = lines.get_column("text")
    stamped = pl.DataFrame({"pos": rows, "text": ascii_stamps(column.gather(rows))})
    return lines.with_columns(patched(column, stamped, "text"))


def _general_headers(left: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, pl.Series]:
    """The lines of ``left`` the general grammar reads as headers, its groups of them (with
    ``line``), and the numbers of the lines it does not read that start with a date and a
    time (``DATE_TIME``).

    The Latin grammar reads nearly all; the wide one, with every locale's markers, only those
    it may read otherwise (see ``LATIN_GENERAL``), so most files never need it compiled.
    """
    text, line = pl.col("text"), pl.col("line")
    latin = left.filter(text.str.contains(LATIN_GENERAL))
    groups = latin.select("line", text.str.extract_groups(LATIN_GENERAL).alias("g")).unnest("g")
    firsts = pl.Series(FIRST_MARKERS, dtype=pl.String).implode()
    marker_word = bare_marker(pl.col("word")).is_in(firsts)
    again = groups.filter(marker_word).get_column("line").implode()
    missed_by_latin = ~line.is_in(latin.get_column("line").implode())
    maybe = left.filter((missed_by_latin & text.str.contains(DATE_TIME)) | line.is_in(again))
    if maybe.height == 0:
        return latin, groups, pl.Series("line", [], dtype=pl.UInt32)
    read_wide = text.str.contains(GENERAL)
    kept = ~line.is_in(again)
    unread = maybe.filter(~read_wide & kept).get_column("line")
    wide = maybe.filter(read_wide)
    wide_groups = wide.select("line", text.str.extract_groups(GENERAL).alias("g")).unnest("g")
    return (
        pl.concat([latin.filter(kept), wide]).sort("line"),
        pl.concat([groups.filter(kept), wide_groups]).sort("line"),
        unread,
    )


def _spread_sample(
    lines: pl.Series, pieces: int = SPREAD_PIECES, piece_lines: int = SPREAD_PIECE_LINES
) -> list[str]:
    """Short runs of lines from the whole file, evenly spaced, for ``fixed_layout``.

    The headers of the first days can all have one width (``1/6/25, 7:57 AM``) while the rest
    of the file has others (``12/16/25, 10:05 PM``): judged by its top, a file whose widths
    vary would go the fixed way for a few headers and the slower way, plus a merge, for most.

    >>> _spread_sample(pl.Series([str(n) for n in range(100)]), pieces=3, piece_lines=2)
    ['0', '1', '49', '50', '98', '99']
    """
    height = lines.len()
    if height <= pieces * piece_lines:
        return lines.to_list()
    last = height - piece_lines
    starts = [round(piece * last / (pieces - 1)) for piece in range(pieces)]
    return [line for start in starts for line in lines.slice(start, piece_lines).to_list()]


def _lines_between(taken: pl.Series, height: int) -> pl.DataFrame:
    """The lines of 1..``height`` whose number is not in ``taken`` (sorted line numbers):
    ``line``, and ``start``, the line of ``taken`` before it (null before the first).

    Found from the gaps between neighbouring numbers, not from a mask over every line: a
    million headers leave a few thousand gaps.

    >>> _lines_between(pl.Series([2, 3, 6], dtype=pl.UInt32), 7).rows()
    [(1, None), (4, 3), (5, 3), (7, 6)]
    """
    end, start = pl.col("end"), pl.col("start")
    last = taken[-1] if taken.len() else 0
    gaps = (
        pl.DataFrame({"end": taken.cast(pl.UInt32)})
        .lazy()
        .with_columns(start=end.shift(1, fill_value=0))
        .filter(end - start > 1)
        .collect()
    )
    if last < height:
        tail = pl.DataFrame({"end": [height + 1], "start": [last]}, schema=gaps.schema)
        gaps = pl.concat([gaps, tail])
    return gaps.select(
        line=pl.int_ranges(start + 1, end, dtype=pl.UInt32),
        start=pl.when(start > 0).then(start),
    ).explode("line")


INSERT_MAX_ROWS: Final = 64
"""Up to this many rows are put into a large frame as slices (no copy) by ``_insert_sorted``."""


def _insert_sorted(
    big: pl.DataFrame, few: pl.DataFrame, *, key: str, max_rows: int = INSERT_MAX_ROWS
) -> pl.DataFrame:
    """``big.merge_sorted(few, key)``, without copying ``big`` when ``few`` has few rows.

    Merging copies every column of a million-row frame; a handful of rows (a chat's system
    lines) is cheaper to put between zero-copy slices of ``big``.

    >>> big = pl.DataFrame({"k": [1, 3, 5]})
    >>> _insert_sorted(big, pl.DataFrame({"k": [0, 4]}), key="k")["k"].to_list()
    [0, 1, 3, 4, 5]
    """
    if few.height == 0:
        return big
    if few.height > max_rows:
        return big.merge_sorted(few, key=key)
    cuts = big.get_column(key).search_sorted(few.get_column(key), side="right").to_list()
    pieces, done = [], 0
    for row, cut in enumerate(cuts):
        pieces += [big.slice(done, cut - done), few.slice(row, 1)]
        done = cut
    pieces.append(big.slice(done))
    return pl.concat([piece for piece in pieces if piece.height], rechunk=False)


def _fast_match(lines: pl.LazyFrame, layout: Layout, fixed: FixedLayout | None) -> pl.LazyFrame:
    """The header rows (see ``_match_headers``) of the lines the file's own layout matches.

    With ``fixed``, only the headers of the file's common form, found with one capture-free
    regex test and read at fixed positions; ``_match_headers`` reads the few others.
    """
    if fixed is None:
        return _captured_match(lines, layout)
    return _sliced_match(lines.filter(pl.col("text").str.contains(fixed.pattern)), fixed)


def _sliced_match(lines: pl.LazyFrame, fixed: FixedLayout) -> pl.LazyFrame:
    """``_captured_match`` for lines known to match ``fixed``: fixed positions, no captures.

    The numbers, the AM/PM marker and the author are cut from the line's bytes: the numbers
    and the marker at their fixed places, the author up to the first ": " (the pattern allows
    no colon in it or in the header), whose byte offset ``str.find`` gives. The body after it
    is a slice of the line's characters, which shares its bytes. Positions that are
    the same on every line are given as numbers, not columns: Polars slices several times
    faster by those. After a ``wide`` field (one digit or two), they are one byte further on
    the lines where it has two.
    """
    text = pl.col("text")
    line = text.cast(pl.Binary)
    lead: int | pl.Expr = 0  # bytes of the bidi mark before the header
    if fixed.marked:
        # The header begins with an ASCII character; a bidi mark before it, with a byte >= 0x80.
        marked = line >= pl.lit(b"\x80")
        lines = lines.with_columns(_lead=pl.when(marked).then(LEADING_MARK_BYTES).otherwise(0))
        lead = pl.col("_lead")
    width = fixed.head_bytes + len(fixed.wide)
    lines = lines.with_columns(
        _colon=text.str.find(": ", literal=True).cast(pl.Int64),
        # Fixed-size arrays of bytes: a digit is then one cheap array access.
        _head=line.bin.slice(lead, width).bin.reinterpret(dtype=pl.Array(pl.UInt8, width)),
    )
    if fixed.wide:
        # A line too short for the widest header is read the capturing way.
        lines = lines.filter(pl.col("_head").is_not_null())
    lines, numbers, shift_at = _numbers(lines, fixed)
    pm = pl.lit(None, pl.Boolean)
    if fixed.marker is not None:
        start = lead + fixed.marker[0] + shift_at(fixed.marker[0])
        marker = line.bin.slice(start, fixed.marker[1]).cast(pl.String)
        pm = afternoon(marker, latin=fixed.latin_marker)
    shift = shift_at(fixed.author_byte)
    author = lead + fixed.author_byte + shift
    lines = lines.with_columns(
        author=line.bin.slice(author, pl.col("_colon") - author).cast(pl.String)
    )
    # A string slice shares the line's bytes, where a cast from bytes would check and copy
    # them: 50 MB more to write a million messages, and slower.
    lead_chars = lead // LEADING_MARK_BYTES
    body_char = lead_chars + fixed.author_char + shift + pl.col("author").str.len_chars() + 2
    return lines.select(
        "line",
        *(numbers.get(name, pl.lit(None, pl.Int32)).alias(name) for name in NUMBERS),
        year_first=pl.lit(fixed.year_first),
        pm=pm,
        author="author",
        body=text.str.slice(body_char),
        notice=pl.lit(value=False),
    ).with_columns(hints())


def _numbers(
    lines: pl.LazyFrame, fixed: FixedLayout
) -> tuple[pl.LazyFrame, dict[str, pl.Expr], Callable[[int], int | pl.Expr]]:
    """The number fields read from ``_head``, and how many bytes the wide fields before a byte
    of the one-digit header shift it on each line (``shift_at``).

    A wide field has two digits where the byte after its first is a digit too; each line's
    shift so far is kept as a column (``_shift_<field>``), so that later fields are read at it.
    """
    head = pl.col("_head")
    numbers: dict[str, pl.Expr] = {}
    shifts: list[tuple[int, pl.Expr]] = []  # (first byte after the field, shift from there on)
    shift: int | pl.Expr = 0
    for name, start, digits in fixed.numbers:
        at = start + shift
        if name not in fixed.wide:
            numbers[name] = _number(head, at, digits)
            continue
        second = head.arr.get(at + 1, null_on_oob=True).cast(pl.Int32) - ord("0")
        two = second.is_between(0, 9)
        numbers[name] = pl.when(two).then(_number(head, at, 2)).otherwise(_number(head, at, 1))
        lines = lines.with_columns((shift + two.cast(pl.Int64)).alias(f"_shift_{name}"))
        shift = pl.col(f"_shift_{name}")
        shifts.append((start + 1, shift))

    def shift_at(byte: int) -> int | pl.Expr:
        return next((s for end, s in reversed(shifts) if end <= byte), 0)

    return lines, numbers, shift_at


def _number(head: pl.Expr, start: int | pl.Expr, digits: int) -> pl.Expr:
    """The number written with ``digits`` ASCII digits from byte ``start`` of ``head``.

    >>> head = pl.lit(b"07:57").bin.reinterpret(dtype=pl.Array(pl.UInt8, 5))
    >>> pl.select(_number(head, 3, 2)).item()
    57
    """
    value = head.arr.get(start, null_on_oob=True).cast(pl.Int32)
    for byte in range(1, digits):
        value = value * 10 + head.arr.get(start + byte, null_on_oob=True).cast(pl.Int32)
    # The bytes are read as they are and "0" taken off each at once (48, 528, 5328, ...):
    # a third less time than taking it off each byte, on a million headers.
    return value - ord("0") * int("1" * digits)


def _captured_match(lines: pl.LazyFrame, layout: Layout) -> pl.LazyFrame:
    """The header rows (see ``_match_headers``) of the lines the layout's capturing regex
    matches."""
    text = pl.col("text")
    found = lines.with_columns(text.str.extract_groups(layout.fast_pattern()).alias("g"))
    found = found.unnest("g")
    names = found.collect_schema().names()
    missing = [pl.lit(None, pl.String).alias(n) for n in ("s", *MARKERS) if n not in names]
    return (
        found.with_columns(missing)
        .filter(pl.col("a").is_not_null())
        .select(
            "line",
            *as_numbers(latin=not layout.wide),
            "author",
            body=text.str.slice(_header_chars(layout)),
            notice=pl.lit(value=False),
        )
        .with_columns(hints())
    )


def _header_chars(layout: Layout) -> pl.Expr:
    """Characters before the body on a line the fast pattern matched."""
    digits = [pl.col(name).str.len_bytes() for name in ("a", "b", "c", "h", "mi")]
    seconds = pl.when(pl.col("s").is_not_null()).then(len(layout.time_sep) + 2).otherwise(0)
    marker = pl.sum_horizontal(pl.col(name).str.len_chars().fill_null(0) for name in MARKERS)
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
        # A notice's text is its body, so no column of mostly nulls has to be carried along.
        body=pl.coalesce(named.struct.field("dot"), pl.col("rest")),
        notice=pl.col("rest").str.contains(words.SYSTEM_NOTICE),
    )
    bare = _other_notices(bare)
    keep = bare.filter(pl.col("author").is_not_null() | pl.col("notice"))
    with_colon = heads.filter(pl.col("body").is_not_null())
    demoted = bare.height - keep.height
    return with_colon.merge_sorted(keep.select(heads.columns), key="line"), demoted


def _other_notices(bare: pl.DataFrame) -> pl.DataFrame:
    """``bare`` with ``notice`` also for the author-less lines that are a notice in one of
    WhatsApp's other languages (``OTHER_NOTICE``, compiled only when such lines are left)."""
    left = pl.col("author").is_null() & ~pl.col("notice")
    if not bare.select(left.any()).item():
        return bare
    other = left & pl.col("rest").str.contains(words.OTHER_NOTICE)
    return bare.with_columns(notice=pl.col("notice") | other)


def _assemble(
    lines: pl.Series, heads: pl.DataFrame, order: OrderChoice, too_long: list[Skipped]
) -> tuple[pl.DataFrame, list[Skipped]]:
    """Join continuation lines to their header; turn headers into message rows; list skips:
    ``too_long``, the lines left out unread, and the lines that continue them."""
    if too_long:
        others, after = _after_long_lines(lines, heads, too_long)
        skipped = [*too_long, *after]
    else:
        others, skipped = _continuation_lines(lines, heads.get_column("line")), []
    joined = (
        others.filter(pl.col("start").is_not_null())
        .group_by("start", maintain_order=True)
        .agg(more=pl.col("text"))
        .with_columns(pl.col("more").list.join("\n").str.strip_chars_end("\n"))
        .filter(pl.col("more") != "")
        .rename({"start": "line"})
    )
    skipped += _before_first(others.filter(pl.col("start").is_null()))
    bad = heads.filter(pl.col("timestamp").is_null())
    if bad.height:
        skipped += _impossible_dates(bad, lines, others, order)
        heads = heads.filter(pl.col("timestamp").is_not_null())
        joined = joined.filter(~pl.col("line").is_in(bad.get_column("line").implode()))
    return _message_rows(heads, joined), sorted(skipped, key=lambda s: s.line)


def _after_long_lines(
    lines: pl.Series, heads: pl.DataFrame, too_long: list[Skipped]
) -> tuple[pl.DataFrame, list[Skipped]]:
    """The continuation lines of the headers, and, as skipped, those that follow a line left
    out unread (it may have been a header) up to the next header."""
    left_out = pl.Series([s.line for s in too_long], dtype=pl.UInt32)
    starts = pl.concat([heads.get_column("line").cast(pl.UInt32), left_out]).sort()
    others = _continuation_lines(lines, starts)
    after = others.filter(pl.col("start").is_in(left_out.implode()))
    skipped = [
        Skipped.of(line, f"follows the over-long line {start}, which was not read", text)
        for line, start, text in after.select("line", "start", "text").iter_rows()
    ]
    return others.filter(~pl.col("start").is_in(left_out.implode())), skipped


def _continuation_lines(lines: pl.Series, head_lines: pl.Series) -> pl.DataFrame:
    """The lines that are not headers: ``line``, ``text`` and ``start``, the line of the header
    they continue (null before the first header).

    Found from the sorted header line numbers, so only the few other lines are looked at.
    """
    others = _lines_between(head_lines, lines.len())
    return others.select("line", text=lines.gather(others.get_column("line") - 1), start="start")


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
    bad: pl.DataFrame, lines: pl.Series, others: pl.DataFrame, order: OrderChoice
) -> list[Skipped]:
    reason = (
        f"impossible date or time read as {ORDER_NAMES[order.order]} ({order.reason}); "
        "if the order is wrong, pass --date-order"
    )
    bad_lines = bad.get_column("line")
    skipped = [
        Skipped.of(line, reason, text)
        for line, text in zip(bad_lines, lines.gather(bad_lines - 1), strict=True)
    ]
    follow = others.filter(pl.col("start").is_in(bad_lines.implode()))
    skipped += [
        Skipped.of(line, f"continues the skipped message at line {start}", text)
        for line, start, text in follow.select("line", "start", "text").iter_rows()
    ]
    return skipped


def _message_rows(heads: pl.DataFrame, joined: pl.DataFrame) -> pl.DataFrame:
    """Message rows. The text is the first body line for text messages and empty otherwise;
    the few rows with more (continuation lines, notices, edited marks) are computed apart and
    scattered in by position in one go, much cheaper than joins on a million rows."""
    heads = heads.with_row_index("pos")
    line = heads.get_column("line")
    pos = line.search_sorted(joined.get_column("line")).cast(pl.UInt32)
    joined = joined.with_columns(
        pos=pos,
        kind=heads.get_column("kind").gather(pos),
        body=heads.get_column("body").gather(pos),
    )
    captions = _captions(heads)
    joined = joined.join(captions, on="pos", how="left")
    texts = pl.concat(
        [
            _joined_texts(joined),
            _system_texts(heads, joined),
            captions.filter(~pl.col("pos").is_in(joined.get_column("pos").implode())).rename(
                {"caption": "text"}
            ),
        ]
    )
    texts = pl.concat([texts, _edited_bodies(heads, exclude=texts.get_column("pos"))])
    # Nulling values by kind only touches validity masks; a scatter would copy the column.
    system = pl.col("kind") == "system"
    rows = heads.select(
        first_line=pl.when(pl.col("kind") == "text").then(pl.col("body")),
        sender=pl.when(~system).then(pl.col("author")),
        notice_author=pl.when(system).then(pl.col("author")),
    )
    text = patched(rows.get_column("first_line"), texts, "text")
    frame = pl.DataFrame(
        {
            "timestamp": heads.get_column("timestamp"),
            "utc_offset": pl.repeat(None, heads.height, dtype=pl.Int32, eager=True),
            "sender": _without_marks(rows.get_column("sender")),
            "kind": heads.get_column("kind"),
            "text": text,
            "source_line": line.cast(pl.Int64),
            "notice_author": rows.get_column("notice_author"),
        }
    )
    if not frame.get_column("timestamp").is_sorted():
        frame = frame.sort("timestamp", "source_line", maintain_order=True)
    return frame


def _without_marks(sender: pl.Series) -> pl.Series:
    """``sender`` without bidi marks; a chat has few senders, so only distinct ones are checked."""
    if not distinct(sender).str.contains(_ANY_MARK).any():
        return sender
    marked = sender.str.contains(_ANY_MARK).fill_null(value=False).arg_true()
    return sender.clone().scatter(marked, sender.gather(marked).str.replace_all(_ANY_MARK, ""))


def _without_edited_mark(text: pl.Expr) -> pl.Expr:
    """``text`` without a trailing "<This message was edited>" (in any supported language)."""
    return text.str.replace(words.EDITED_SUFFIX, "")


def _joined_texts(joined: pl.DataFrame) -> pl.DataFrame:
    """Messages with continuation lines: a text's first line, newline, the rest; a media
    message's caption, on its line (``_captions``) and below it. (Notices are
    ``_system_rows``; deleted messages and calls have none.)"""
    kind = pl.col("kind")
    whole = _without_edited_mark(pl.concat_str([pl.col("body"), pl.col("more")], separator="\n"))
    caption = pl.concat_str([pl.col("caption"), pl.col("more")], separator="\n", ignore_nulls=True)
    return joined.filter(kind.is_in(["text", "media", "sticker", "voice"])).select(
        "pos", text=pl.when(kind == "text").then(whole).otherwise(caption)
    )


def _captions(heads: pl.DataFrame) -> pl.DataFrame:
    """``pos`` and ``caption``: what was typed before an attachment's tag on its line (iOS writes
    ``look <attached: 00000042-PHOTO-….jpg>``)."""
    media = pl.col("kind").is_in(["media", "sticker", "voice"])
    caption = pl.col("body").str.extract(words.CAPTIONED_ATTACHMENT, 1)
    return (
        heads.lazy()
        .filter(pl.col("closed") & media)
        .select("pos", caption=caption)
        .drop_nulls("caption")
        .collect()
    )


def _edited_bodies(heads: pl.DataFrame, *, exclude: pl.Series) -> pl.DataFrame:
    """One-line text messages that end with the edited mark, without it."""
    texts = pl.col("closed") & (pl.col("kind") == "text")
    closed = heads.lazy().filter(texts).select("pos", "body").collect()
    # Apart, on those few rows: in one filter, the optimiser looks up every row's position.
    return closed.filter(~pl.col("pos").is_in(exclude.implode())).select(
        "pos", text=_without_edited_mark(pl.col("body"))
    )


def _system_texts(heads: pl.DataFrame, joined: pl.DataFrame) -> pl.DataFrame:
    """The text of each system row: its notice without marks, and any continuation lines."""
    notice = pl.col("body").str.replace_all(_ANY_MARK, "")
    return (
        heads.lazy()
        .filter(pl.col("kind") == "system")
        .join(joined.lazy().select("line", "more"), on="line", how="left")
        .select(
            "pos", text=pl.concat_str([notice, pl.col("more")], separator="\n", ignore_nulls=True)
        )
        .collect()
    )


IMPORTER = Importer(
    name="whatsapp",
    extensions=(".txt", ".zip"),
    sniff=sniff,
    parse=parse,
    description="WhatsApp 'Export chat' .txt or .zip (Android and iOS, any locale)",
)
