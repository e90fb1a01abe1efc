"""Generic CSV: one message per row, with a header naming the columns (docs/formats/csv.md).

Required columns: a timestamp, a sender and a text. Optional: kind, utc_offset (seconds east
of UTC) or zone (IANA), message_id, chat, attachments. Header aliases let peer outputs import
unchanged: chat-miner (``timestamp,author,message``), whatstk (``date,username,message``) and
DiscordChatExporter (``AuthorID,Author,Date,Content,Attachments,Reactions``).

Rows are counted as records: the header is row 0 and the first data row is row 1, whatever
number of physical lines a quoted multi-line text spans. A row that cannot become a message
is skipped with its row number and the reason.

This module also holds the time-zone helpers the other record formats share.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zoneinfo
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Final

import polars as pl

from pullaway.errors import ChatNotFoundError, ParseError, at_file
from pullaway.importers._base import (
    ChatMeta,
    DateOrder,
    Importer,
    ImportResult,
    Sample,
    Skipped,
    as_utf8,
    decode_text,
    excerpt,
    report_progress,
)
from pullaway.importers._json import machine_timezone
from pullaway.importers._lines import refuse_long_stretch
from pullaway.model import KINDS, Kind, empty_messages, validate_messages, with_message_ids
from pullaway.slices import by_slices
from pullaway.zones import utc_to_local

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path

DELIMITERS: Final = ",;\t"
MAX_HEADER_CHARS: Final = 10_000  # a longer first line is not a header row
_EPOCH_MS_FROM: Final = 100_000_000_000  # an epoch value this large is milliseconds

# Column roles and the header names accepted for each, in order of preference.
ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "timestamp": ("timestamp", "datetime", "date_time", "date", "sent_at", "time_stamp"),
    "sender": ("sender", "author", "username", "user", "from", "sender_name", "name"),
    "text": ("text", "message", "content", "body", "msg"),
    "kind": ("kind", "message_kind"),
    "utc_offset": ("utc_offset", "offset", "utcoffset"),
    "zone": ("zone", "timezone", "time_zone", "tz"),
    "message_id": ("message_id", "msg_id", "id"),
    "chat": ("chat", "chat_name", "conversation", "channel", "thread"),
    "attachments": ("attachments", "attachment", "media"),
}
REQUIRED: Final = ("timestamp", "sender", "text")
# Progress is reported after each vectorised step, as the share of a million-row parse's time
# spent up to there.
_ROWS_READ: Final = 0.15
_ROWS_PARSED: Final = 0.6


# --- time zones (shared with sms_xml and signal) --------------------------------------------


def resolve_zone(timezone: str | None) -> tuple[str, str]:
    """The IANA zone to use and a note saying where it came from.

    ``timezone`` when given (checked); else this computer's zone (``machine_timezone``);
    else UTC, with a note saying so.
    """
    if timezone:
        check_zone(timezone)
        return timezone, ""
    local = machine_timezone()
    if local:
        return (
            local,
            f"times converted to this computer's time zone ({local}); pass a zone to change",
        )
    return "UTC", "could not tell this computer's time zone: times are UTC; pass a zone to change"


def check_zone(name: str) -> str:
    """``name`` if it is a known IANA zone, else a ParseError saying what to pass."""
    if not _is_zone(name):
        msg = f"unknown time zone {name!r}; use an IANA name such as Europe/Berlin"
        raise ParseError(msg)
    return name


@lru_cache(maxsize=256)
def _is_zone(name: str) -> bool:
    """Known both to Python's zoneinfo and to Polars (which has its own zone database)."""
    try:
        zoneinfo.ZoneInfo(name)
        pl.Series([0], dtype=pl.Datetime("us")).dt.replace_time_zone(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError, pl.exceptions.PolarsError):
        return False
    return True


def local_offset(local: pl.Expr, zone: str) -> pl.Expr:
    """Offset in seconds of a naive local time in ``zone``.

    A repeated hour (DST ends) takes the earlier offset; a skipped hour (DST starts) gives null.
    """
    zoned = local.dt.replace_time_zone(zone, ambiguous="earliest", non_existent="null")
    return (zoned.dt.base_utc_offset() + zoned.dt.dst_offset()).dt.total_seconds().cast(pl.Int32)


# --- sniff -----------------------------------------------------------------------------------


def sniff(sample: Sample) -> float:
    """A header row naming a timestamp, a sender and a text column."""
    if sample.members:
        return 0.0
    header = _first_line(sample.text.lstrip("\ufeff"))
    if not header or header.lstrip().startswith(("{", "[", "<")):
        return 0.0
    names = _header(header, _delimiter(header))
    roles = _roles(names)
    if any(role not in roles for role in REQUIRED):
        return 0.0
    canonical = all(_normalise(names[roles[r]]) == r for r in REQUIRED)
    return 0.9 if canonical else 0.8


# --- parse -----------------------------------------------------------------------------------


def parse(
    path: Path,
    *,
    chat: str | None = None,
    date_order: DateOrder | None = None,
    timezone: str | None = None,
    encoding: str | None = None,
) -> ImportResult:
    """Read a CSV export: one chat per value of the chat column, or one named after the file.

    ``timezone`` (IANA) gives offsets to naive timestamps and turns epoch values into local
    time (default for epoch values: this computer's zone). ``chat`` keeps one chat.
    ``date_order`` does not apply: dates are ISO 8601 or epoch values.
    """
    del date_order
    zone = check_zone(timezone) if timezone else None
    with at_file(path):
        if not path.is_file():
            msg = "not a file; expected one .csv file with a header row"
            raise ParseError(msg)
        data = as_utf8(path.read_bytes(), path=path, encoding=encoding)
        data = data.removeprefix(codecs.BOM_UTF8)
        refuse_long_stretch(data, what="a line")
        table = _read_rows(data, path=path)
        del data
        report_progress(_ROWS_READ, 1)
        rows = _rows_frame(table, default_chat=path.stem)
        frame, skipped, notes = _to_messages(rows, table, zone=zone)
    frame, skipped, considered = _choose_chat(frame, skipped, rows, chat)
    frame = frame.with_columns(source_file=pl.lit(str(path)))
    if considered < rows.height:
        notes.append(f"{rows.height - considered} rows belong to other chats (not chosen)")
    if table.ignored:
        notes.append("ignored columns: " + ", ".join(table.ignored))
    result = ImportResult(
        messages=validate_messages(frame),
        skipped=tuple(skipped),
        chats=_chat_metas(frame),
        units=considered,
        unit="record",
        notes=tuple(notes),
    )
    report_progress(1, 1)
    return result


@dataclass(frozen=True)
class _Table:
    """The header's column roles, the delimiter and the data cells (header excluded).

    ``cells`` has one string column per header column (``c0``, ``c1``, …) and one row per
    record; ``fields`` is how many fields each record had (more than ``width`` is a problem).
    """

    roles: dict[str, int]
    width: int
    delimiter: str
    cells: pl.DataFrame
    fields: pl.Series
    ignored: tuple[str, ...]

    def raw(self, row: int) -> str:
        """Record ``row`` (1-based) as text, for skip reports."""
        values = self.cells.row(row - 1)
        return self.delimiter.join(v or "" for v in values).rstrip(self.delimiter)


def _read_rows(data: bytes, *, path: Path) -> _Table:
    """The header and cells of UTF-8 ``data``; a ParseError for what cannot be a CSV export."""
    if not data or data.isspace():
        msg = "the file is empty; expected a header row such as timestamp,sender,text"
        raise ParseError(msg, line=1)
    header_line = _header_line(data, path=path)
    if len(header_line) > MAX_HEADER_CHARS:
        msg = (
            f"the first line is over {MAX_HEADER_CHARS:,} characters long, not a header row; "
            "expected a header such as timestamp,sender,text"
        )
        raise ParseError(msg, line=1)
    delimiter = _delimiter(header_line)
    header = _header(header_line, delimiter)
    roles = _roles(header)
    missing = [role for role in REQUIRED if role not in roles]
    if missing:
        expected = "; ".join(f"{r}: {' / '.join(ALIASES[r])}" for r in missing)
        msg = (
            f"header has columns {excerpt(repr(header), 200)} but no column for "
            f"{', '.join(missing)} "
            f"(accepted names: {expected}); rename the header or see docs/formats/csv.md"
        )
        raise ParseError(msg, line=1)
    used = set(roles.values())
    ignored = tuple(name for i, name in enumerate(header) if i not in used and name.strip())
    fast = _cells_fast(data, delimiter, len(header))
    # Not UTF-8 after all, or ragged: decode_text names the first bad line, if any.
    cells, fields = fast or _cells_exact(decode_text(data, path=path), delimiter, len(header))
    return _Table(roles, len(header), delimiter, cells, fields, ignored)


def _header_line(data: bytes, *, path: Path) -> str:
    """The first line of ``data``, cut after ``MAX_HEADER_CHARS`` and one more character."""
    head = data[: 4 * (MAX_HEADER_CHARS + 1)]  # a character takes at most 4 bytes
    end = re.search(rb"[\r\n]", head)
    try:
        return head[: end.start() if end else len(head)].decode("utf-8")
    except UnicodeDecodeError:
        if end:  # a whole first line that is not UTF-8: decode_text says where and why
            decode_text(data, path=path)
        return head.decode("utf-8", errors="replace")  # cut inside a character


def _cells_fast(data: bytes, delimiter: str, width: int) -> tuple[pl.DataFrame, pl.Series] | None:
    """Polars' reader, when every record fits the header; else None (use the exact reader).

    The header is the first line, skipped unparsed: read as CSV, a stray quote in it would
    take the rows after it into the header. Blank lines come back as rows of nulls and short
    rows are padded, so row numbers match the exact reader's. A carriage return on its own
    ends a line for the exact reader but not for Polars', so such files go the exact way.
    """
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        return None
    try:
        cells = pl.read_csv(
            data,  # bytes as they are: a BytesIO around them would be copied first
            separator=delimiter,
            infer_schema=False,
            has_header=False,
            skip_lines=1,
            new_columns=[f"c{i}" for i in range(width)],  # any other width is an error
        )
    except (pl.exceptions.PolarsError, ValueError):
        return None
    return cells.fill_null(""), pl.Series(values=[width] * cells.height, dtype=pl.Int64)


def _cells_exact(text: str, delimiter: str, width: int) -> tuple[pl.DataFrame, pl.Series]:
    """Python's csv reader: slower, but counts the fields of ragged records. The header is
    the first line, as for the fast reader."""
    rest = re.split(r"\r\n|\r|\n", text, maxsplit=1)[1:]
    try:
        rows = list(
            csv.reader(io.StringIO(rest[0] if rest else "", newline=""), delimiter=delimiter)
        )
    except csv.Error as exc:
        msg = f"cannot split the file into CSV rows ({exc}); check the file is plain CSV"
        raise ParseError(msg) from exc
    lengths = list(map(len, rows))
    if any(n != width for n in lengths):
        rows = [r[:width] + [""] * (width - len(r)) for r in rows]
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in range(width)]
    cells = pl.DataFrame(
        {f"c{i}": pl.Series(values=column, dtype=pl.String) for i, column in enumerate(columns)}
    )
    return cells, pl.Series(values=lengths, dtype=pl.Int64)


def _first_line(text: str) -> str:
    return re.split(r"\r\n|\r|\n", text, maxsplit=1)[0]


def _header(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return line.split(delimiter)


def _delimiter(header: str) -> str:
    try:
        return csv.Sniffer().sniff(header, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return max(DELIMITERS, key=header.count)


def _normalise(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lstrip("\ufeff").strip().lower())


def _roles(names: Sequence[str]) -> dict[str, int]:
    """Column index of each role, by the first accepted alias present in the header."""
    index: dict[str, int] = {}
    for i, name in enumerate(names):
        index.setdefault(_normalise(name), i)
    roles: dict[str, int] = {}
    for role, aliases in ALIASES.items():
        found = [index[a] for a in aliases if a in index and index[a] not in roles.values()]
        if found:
            roles[role] = found[0]
    return roles


def _rows_frame(table: _Table, *, default_chat: str) -> pl.DataFrame:
    """The records as string columns named by role, with the row number and a shape problem."""
    blank = pl.concat_str(pl.all(), separator="").str.strip_chars() == ""
    roles = {
        role: pl.col(f"c{table.roles[role]}") if role in table.roles else pl.lit("")
        for role in ALIASES
    }
    chat = roles["chat"].str.strip_chars()
    return table.cells.select(
        source_line=pl.int_range(1, pl.len() + 1, dtype=pl.Int64),
        problem=_shape_problem(blank, table.fields, table.width),
        **{role: expr.cast(pl.String) for role, expr in roles.items() if role != "chat"},
        chat=pl.when(chat != "").then(chat).otherwise(pl.lit(default_chat)),
    )


def _shape_problem(blank: pl.Expr, fields: pl.Series, width: int) -> pl.Expr:
    problem = pl.when(blank).then(pl.lit("blank row")).otherwise(pl.lit(""))
    if not (fields > width).any():  # nearly always: spell out no message a million times
        return problem
    too_long = pl.lit(fields) > width
    found = pl.format(
        "expected {} fields, found {} (an unquoted delimiter in the text?)",
        pl.lit(width),
        pl.lit(fields),
    )
    return pl.when(too_long).then(found).otherwise(problem)


_ISO = (
    r"^(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$"
)
_EPOCH = r"^\d{9,13}(?:\.\d+)?$"


def _to_messages(
    rows: pl.DataFrame, table: _Table, *, zone: str | None
) -> tuple[pl.DataFrame, list[Skipped], list[str]]:
    zones = sorted(z for z in rows["zone"].str.strip_chars().unique().to_list() if z)
    bad_zones = [z for z in zones if not _is_zone(z)]
    epoch_zone, note = resolve_zone(zone)
    good_zones = [z for z in zones if z not in bad_zones]
    parsed = by_slices(
        _with_written_times(rows),
        lambda part: (
            part.with_columns(_parsed_columns())
            .with_columns(
                _timestamp_columns(good_zones, default_zone=zone, epoch_zone=epoch_zone),
                kind_final=_kind(),
            )
            .with_columns(reason=_reason(bad_zones))
        ),
    )
    report_progress(_ROWS_PARSED, 1)
    failed = parsed.filter(pl.col("reason") != "").select("source_line", "reason", "chat")
    skipped = [
        Skipped.of(line, reason, table.raw(line), chat=chat)
        for line, reason, chat in failed.iter_rows()
    ]
    kept = parsed.filter(pl.col("reason") == "")
    uses_epoch = zone is None and kept.height > 0 and bool(kept["is_epoch"].any())
    messages = _frame(kept)
    return messages, skipped, [note] if uses_epoch and note else []


_PLAIN: Final = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,9})?$"
"""The common plain form, ``2025-01-06T07:57:56`` (or a space for the T), maybe with a fraction."""
_PLAIN_CHARS: Final = 19  # up to the seconds


def _with_written_times(rows: pl.DataFrame) -> pl.DataFrame:
    """``rows`` with ``naive`` (the written date and time) and ``written_offset`` (seconds,
    when the timestamp carries one), both null for epoch values and unreadable timestamps.

    Most files write the plain form (``_PLAIN``), which Polars reads at fixed widths, on all
    cores, many times faster than the general ISO 8601 regex; only the other rows go the regex
    way.
    """
    stamps = rows.select("timestamp")
    separator = _separator(stamps.get_column("timestamp"))
    plain = by_slices(stamps, lambda part: part.select(_plain_time(separator)))
    plain_times = plain.to_series()
    other = plain_times.is_null().arg_true()
    offsets = pl.repeat(None, rows.height, dtype=pl.Int32, eager=True)
    if other.len() == 0:
        return rows.with_columns(naive=plain_times, written_offset=offsets)
    iso = pl.col("timestamp").str.strip_chars().str.extract_groups(_ISO)
    general = stamps.gather(other).select(naive=_iso_time(iso), written_offset=_iso_offset(iso))
    return rows.with_columns(
        naive=plain_times.scatter(other, general.get_column("naive")),
        written_offset=offsets.scatter(other, general.get_column("written_offset")),
    )


def _separator(stamps: pl.Series) -> str:
    """The character between date and time in the first timestamp: "T" or a space."""
    first = stamps.drop_nulls().head(1).to_list()
    return " " if first and first[0][10:11] == " " else "T"


def _plain_time(separator: str) -> pl.Expr:
    """The ``timestamp`` column read as ``_PLAIN`` with ``separator``; null for other forms
    (the general way reads those)."""
    stamp = pl.col("timestamp")
    seconds = stamp.str.slice(0, _PLAIN_CHARS).str.to_datetime(
        f"%Y-%m-%d{separator}%H:%M:%S", time_unit="us", strict=False, cache=False
    )
    fraction = stamp.str.slice(_PLAIN_CHARS + 1, 6).str.pad_end(6, "0")
    micros = fraction.cast(pl.Int64, strict=False).fill_null(0)
    return pl.when(stamp.str.contains(_PLAIN)).then(seconds + pl.duration(microseconds=micros))


def _iso_time(iso: pl.Expr) -> pl.Expr:
    """The naive date and time of ``_ISO``'s groups (null where it did not match)."""
    fraction = iso.struct.field("7").fill_null("0").str.pad_end(6, "0").str.slice(0, 6)
    return pl.concat_str(
        [
            iso.struct.field("1"),
            pl.lit("-"),
            iso.struct.field("2").str.zfill(2),
            pl.lit("-"),
            iso.struct.field("3").str.zfill(2),
            pl.lit(" "),
            iso.struct.field("4").str.zfill(2),
            pl.lit(":"),
            iso.struct.field("5"),
            pl.lit(":"),
            iso.struct.field("6").fill_null("00"),
            pl.lit("."),
            fraction,
        ]
    ).str.strptime(pl.Datetime("us"), "%Y-%m-%d %H:%M:%S%.f", strict=False)


def _iso_offset(iso: pl.Expr) -> pl.Expr:
    """The UTC offset in seconds written after ``_ISO``'s time (``Z``, ``+02:00``), if any."""
    written = iso.struct.field("8")
    digits = written.str.replace_all(r"[+:Z-]", "")
    return (
        pl.when(written == "Z")
        .then(pl.lit(0))
        .when(written.is_not_null())
        .then(
            pl.when(written.str.starts_with("-")).then(-1).otherwise(1)
            * (
                digits.str.slice(0, 2).cast(pl.Int32) * 3600
                + digits.str.slice(2, 2).cast(pl.Int32) * 60
            )
        )
        .cast(pl.Int32)
    )


def _parsed_columns() -> list[pl.Expr]:
    stamp = pl.col("timestamp").str.strip_chars()
    is_epoch = stamp.str.contains(_EPOCH).fill_null(False)
    epoch = pl.when(is_epoch).then(stamp.cast(pl.Float64, strict=False))
    epoch_us = (
        pl.when(epoch >= _EPOCH_MS_FROM).then(epoch * 1_000).otherwise(epoch * 1_000_000)
    ).cast(pl.Int64, strict=False)
    offset_text = pl.col("utc_offset").str.strip_chars()
    return [
        is_epoch.alias("is_epoch"),
        pl.from_epoch(epoch_us, time_unit="us").alias("instant"),
        offset_text.cast(pl.Int32, strict=False).alias("offset_column"),
        ((offset_text != "") & offset_text.cast(pl.Int32, strict=False).is_null()).alias(
            "bad_offset"
        ),
        pl.col("zone").str.strip_chars().alias("zone"),
        pl.col("kind").str.strip_chars().str.to_lowercase().alias("kind_given"),
    ]


def _timestamp_columns(
    zones: list[str], *, default_zone: str | None, epoch_zone: str
) -> list[pl.Expr]:
    """Local timestamp and offset; precedence: written offset, utc_offset, zone, keyword."""
    naive, instant, column = pl.col("naive"), pl.col("instant"), pl.col("offset_column")
    no_offset = pl.lit(None, dtype=pl.Int32)
    naive_offset = _by_zone(
        zones,
        lambda name: local_offset(naive, name),
        local_offset(naive, default_zone) if default_zone else no_offset,
    )
    default_local, default_offset = utc_to_local(instant, epoch_zone)
    epoch_local = _by_zone(zones, lambda name: utc_to_local(instant, name)[0], default_local)
    epoch_offset = _by_zone(zones, lambda name: utc_to_local(instant, name)[1], default_offset)
    from_column = instant + pl.duration(seconds=column)
    timestamp = (
        pl.when(pl.col("is_epoch"))
        .then(pl.when(column.is_not_null()).then(from_column).otherwise(epoch_local))
        .otherwise(naive)
    )
    offset = (
        pl.when(pl.col("is_epoch"))
        .then(pl.coalesce(column, epoch_offset))
        .otherwise(pl.coalesce("written_offset", column, naive_offset))
    )
    # An epoch value put on the wall clock of --timezone or this computer's zone: the file
    # gives its instant, not its wall clock, so its id is keyed on the instant.
    zone_clock = pl.col("is_epoch") & column.is_null() & ~pl.col("zone").is_in(zones)
    return [
        timestamp.alias("timestamp_parsed"),
        offset.cast(pl.Int32).alias("offset_parsed"),
        zone_clock.alias("zone_clock"),
    ]


def _by_zone(zones: list[str], per_zone: Callable[[str], pl.Expr], default: pl.Expr) -> pl.Expr:
    """``per_zone(z)`` on rows whose zone column is ``z``; ``default`` elsewhere."""
    expr = default
    for name in reversed(zones):
        expr = pl.when(pl.col("zone") == name).then(per_zone(name)).otherwise(expr)
    return expr


def _kind() -> pl.Expr:
    given = pl.col("kind_given")
    has_text = pl.col("text").str.strip_chars() != ""
    has_attachment = pl.col("attachments").str.strip_chars() != ""
    return (
        pl.when(given != "")
        .then(given)
        .when(has_text)
        .then(pl.lit("text"))
        .when(has_attachment)
        .then(pl.lit("media"))
        .otherwise(pl.lit(""))
    )


def _reason(bad_zones: list[str]) -> pl.Expr:
    kind = pl.col("kind_final")
    return (
        pl.when(pl.col("problem") != "")
        .then(pl.col("problem"))
        .when(pl.col("timestamp_parsed").is_null())
        .then(pl.lit("unparseable timestamp"))
        .when((pl.col("sender").str.strip_chars() == "") & (kind != "system"))
        .then(pl.lit("missing sender"))
        .when(pl.col("bad_offset"))
        .then(pl.lit("unparseable utc_offset"))
        .when(pl.col("zone").is_in(bad_zones))
        .then(pl.lit("unknown time zone"))
        .when(kind == "")
        .then(pl.lit("empty message"))
        .when(~kind.is_in(list(KINDS)))
        .then(pl.lit("unknown kind"))
        .otherwise(pl.lit(""))
    )


def _frame(kept: pl.DataFrame) -> pl.DataFrame:
    if not kept.height:
        return empty_messages()
    sort_key = pl.col("timestamp") - pl.duration(seconds=pl.col("utc_offset").fill_null(0))
    frame = kept.select(
        "chat",
        "message_id",
        timestamp="timestamp_parsed",
        utc_offset="offset_parsed",
        sender=pl.col("sender").str.strip_chars().replace("", None),
        kind=pl.col("kind_final").cast(Kind),
        text=pl.col("text").str.replace_all("\r\n", "\n"),
        source_file=pl.lit(None, dtype=pl.String),
        source_line="source_line",
        zone_clock="zone_clock",
    ).with_columns(text=pl.when(pl.col("text").str.strip_chars() != "").then("text"))
    # Rows are in file order (source_line) already, so they are sorted when chat and time are.
    if not (
        frame.get_column("chat").is_sorted() and frame.select(sort_key).to_series().is_sorted()
    ):
        frame = frame.sort(pl.col("chat"), sort_key, pl.col("source_line"), maintain_order=True)
    given = pl.col("given_id").str.strip_chars()
    return (
        with_message_ids(frame.rename({"message_id": "given_id"}), by_instant=pl.col("zone_clock"))
        .with_columns(message_id=pl.when(given != "").then(given).otherwise("message_id"))
        .drop("given_id", "zone_clock")
    )


def _choose_chat(
    frame: pl.DataFrame, skipped: list[Skipped], rows: pl.DataFrame, chat: str | None
) -> tuple[pl.DataFrame, list[Skipped], int]:
    if chat is None:
        return frame, skipped, rows.height
    names = sorted(rows["chat"].unique().to_list())
    if chat not in names:
        msg = f"no chat {chat!r} in the file; chats found: {', '.join(names[:10])}"
        raise ChatNotFoundError(msg)
    in_chat = set(rows.filter(pl.col("chat") == chat)["source_line"].to_list())
    kept_skips = [s for s in skipped if s.line in in_chat]
    return frame.filter(pl.col("chat") == chat), kept_skips, len(in_chat)


def _chat_metas(frame: pl.DataFrame) -> tuple[ChatMeta, ...]:
    metas = []
    for name, senders in (
        frame.group_by("chat", maintain_order=True)
        .agg(pl.col("sender").drop_nulls().unique())
        .iter_rows()
    ):
        people = tuple(sorted(senders))
        me = next((p for p in people if p.casefold() in ("me", "you")), None)
        reason = f"a sender is called {me!r}" if me else ""
        metas.append(ChatMeta(name=name, me_guess=me, me_reason=reason, participants=people))
    return tuple(metas)


IMPORTER = Importer(
    name="csv",
    extensions=(".csv", ".tsv"),
    sniff=sniff,
    parse=parse,
    description="Generic CSV: timestamp, sender, text (+ chat-miner, whatstk, Discord headers)",
)
