"""Signal, as exported by signal-export (``sigexport``): a folder per chat.

Each chat folder holds ``data.json`` (JSON lines, one message each; preferred) and ``chat.md``
(``[YYYY-MM-DD HH:MM:SS] Sender: body``; older versions wrote ``[YYYY-MM-DD, HH:MM]``). The
input may be a chat folder, the whole export folder, either file, or a zip of any of these.
The chat is named after its folder; the owner's messages have the sender ``Me``.

Times are naive local wall-clock times; the offset stays unknown unless a ``timezone`` is given.
"""

from __future__ import annotations

import codecs
import json
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any, Final, TypeVar

import msgspec
import polars as pl

from pullaway.errors import ChatNotFoundError, ParseError, at_file
from pullaway.importers._base import (
    ZIP_ERRORS,
    ChatMeta,
    DateOrder,
    Importer,
    ImportResult,
    Sample,
    Skipped,
    as_utf8,
    check_utf8,
    decode_text,
    files_under,
    paused_gc,
    report_progress,
)
from pullaway.importers._json import standard_loads
from pullaway.importers._lines import refuse_long_stretch, split_lines
from pullaway.importers.csv import check_zone, local_offset
from pullaway.model import OWNER_SENDER, Kind, empty_messages, validate_messages, with_message_ids

_T = TypeVar("_T")

ME: Final = OWNER_SENDER
NO_SENDER: Final = "No-Sender"
CHAT_FILES: Final = ("data.json", "chat.md", "index.md")
DELETED_TEXT: Final = "(This message was deleted)"
ISO_FORMAT: Final = "%Y-%m-%dT%H:%M:%S%.f"
AUDIO_SUFFIXES: Final = (".m4a", ".aac", ".mp3", ".ogg", ".opus", ".wav", ".flac")

_HEADER = re.compile(
    r"^\[(?P<date>\d{4}-\d{2}-\d{2}),? (?P<time>\d{2}:\d{2}(?::\d{2})?)\] "
    r"(?P<sender>.+?): ?(?P<body>.*)$"
)
_OTHER_BRACKET_DATE = re.compile(r"^\u200e?\[\d{1,4}[./]\d{1,2}[./]\d{1,4}")
_WHATSAPP_MARKS = ("\u200e", "end-to-end encrypted", "<attached:", "omitted>", "<Media omitted>")
_REACTIONS = re.compile(r"(?m)^\(- [^\n]*?: [^\n]*? -\)")
"""signal-export's reactions line, ``(- Alex: ❤️, Me: 👍 -)``: names and emoji, so a line of
hers in brackets and dashes without a name (``(- not a reaction -)``) stays text."""
_STICKER = re.compile(r"(?m)^\(\( (.*) \)\)$|\[[^\]\n]*\]\(\.\./exported_stickers/[^)\n]*\)")
_ATTACHMENT = re.compile(r"!?\[([^\]\n]*)\]\(((?:\./|media/)(?:[^()\n]|\([^()\n]*\))*)\)")
"""A Markdown link to the media folder; the path may hold brackets (``IMG_(1).jpg``): signal-export
only writes spaces as ``%20``."""
_CALL = re.compile(r"^(?:Incoming|Outgoing|Missed) (?:(?:voice|video) )?call(?: \([^)\n]*\))?$")


# --- sniff -----------------------------------------------------------------------------------


def sniff(sample: Sample) -> float:
    """A signal-export chat folder, data.json lines, or chat.md header lines in ISO-dash form."""
    names = {PurePosixPath(m).name for m in sample.members}
    text = sample.text.lstrip("\ufeff")
    if _looks_like_data_json(text):
        return 0.95 if "chat.md" in names or not sample.members else 0.9
    score = _chat_md_score(text)
    if not score:
        return 0.0
    if (sample.member or sample.path.name).endswith(".md"):
        score += 0.2
    if "data.json" in names:
        score += 0.1
    return min(score, 0.98)


def _looks_like_data_json(text: str) -> bool:
    first = text.split("\n", 1)[0].strip()
    if not first.startswith("{"):
        return False
    try:
        record = json.loads(first)
    except json.JSONDecodeError:
        return False
    return isinstance(record, dict) and {"date", "sender", "body"} <= record.keys()


def _chat_md_score(text: str) -> float:
    """0.65 for ISO-dash bracketed headers, 0.75 with signal-export's own marks; else 0.

    signal-export ends every body with two spaces (a Markdown line break) and writes
    reactions as ``(- Name: 😀 -)`` and attachments as ``[name](./media/…)``.
    """
    lines = [line for line in text.splitlines()[:60] if line.strip()]
    if not lines or not _HEADER.match(lines[0]):
        return 0.0
    if any(mark in text[:8192] for mark in _WHATSAPP_MARKS):
        return 0.0
    if any(_OTHER_BRACKET_DATE.match(line) for line in lines):
        return 0.0
    headers = [line for line in lines if _HEADER.match(line)]
    if len(headers) < min(2, len(lines)):
        return 0.0
    two_spaces = sum(line.endswith("  ") for line in lines) * 2 >= len(headers)
    marks = any(_REACTIONS.match(line) for line in lines) or "](./media/" in text
    return 0.75 if two_spaces or marks else 0.65


# --- parse -----------------------------------------------------------------------------------


def parse(
    path: Path,
    *,
    chat: str | None = None,
    date_order: DateOrder | None = None,
    timezone: str | None = None,
    encoding: str | None = None,
) -> ImportResult:
    """Read one or several signal-export chats; ``chat`` keeps the one with that folder name.

    ``timezone`` (IANA), when given, adds the UTC offset of each local time. ``date_order`` does
    not apply (dates are ISO); ``encoding`` overrides UTF-8.
    """
    del date_order
    zone = check_zone(timezone) if timezone else None
    with at_file(path), ExitStack() as opened:
        sources = _sources(path, chat=chat, opened=opened)
        sizes = [s.size for s in sources]
        parts = [
            _read_source(s, encoding=encoding, progress=_progress_within(sizes, n))
            for n, s in enumerate(sources)
        ]
    report_progress(1, 1)
    frames = [p.frame for p in parts if p.frame.height]
    frame = pl.concat(frames) if frames else empty_messages()
    frame = _finish(frame, zone=zone)
    # Each file's lines are numbered from 1: a skipped one is placed in its chat.
    skipped = tuple(
        replace(one, chat=source.chat)
        for source, part in zip(sources, parts, strict=True)
        for one in part.skipped
    )
    return ImportResult(
        messages=validate_messages(frame),
        skipped=skipped,
        chats=tuple(_chat_meta(s.chat, p.frame) for s, p in zip(sources, parts, strict=True)),
        units=sum(p.lines for p in parts),
        unit="line",
        notes=tuple(f"{s.chat}: read {s.name}" for s in sources),
    )


_Progress = Callable[[float], None]


def _progress_within(sizes: list[int], index: int) -> _Progress:
    """Progress through source ``index`` (a share of it) as a share of all ``sizes`` bytes;
    each source is reported done as it starts the next one."""
    done = sum(sizes[:index])
    report_progress(done, sum(sizes))
    return lambda share: report_progress(done + share * sizes[index], sum(sizes))


@dataclass(frozen=True)
class _Source:
    """One chat file: the chat's name, the file's name (for source_file), its size in bytes
    (for the progress bar) and how to read it. It is read when its turn comes, so that only
    one chat's bytes are held at a time."""

    chat: str
    name: str
    size: int
    read: Callable[[], bytes]

    @property
    def is_json(self) -> bool:
        return self.name.endswith(".json")


def _sources(path: Path, *, chat: str | None, opened: ExitStack) -> list[_Source]:
    """The chat files to read: one per chat folder, data.json preferred over chat.md. A zip
    stays open in ``opened`` until they are read."""
    if path.is_dir():
        chats = [n for n in files_under(path) if PurePosixPath(n).name in CHAT_FILES]
        found = {name: path / name for name in chats}
        return _pick(
            found,
            root_name=path.name,
            size=lambda file: file.stat().st_size,
            read=Path.read_bytes,
            prefix=str(path),
            chat=chat,
        )
    if zipfile.is_zipfile(path):
        archive = opened.enter_context(_open_zip(path))
        members = {n: n for n in archive.namelist() if PurePosixPath(n).name in CHAT_FILES}
        return _pick(
            members,
            root_name=path.stem,
            size=lambda member: archive.getinfo(member).file_size,
            read=lambda member: _read_member(archive, member),
            prefix=str(path),
            chat=chat,
        )
    name = path.parent.name if path.name in CHAT_FILES else path.stem
    return _choose(
        [_Source(name or path.stem, str(path), path.stat().st_size, path.read_bytes)], chat
    )


@contextmanager
def _zip_read() -> Iterator[None]:
    """ZIP_ERRORS from opening or reading the zip, as a ParseError of one line."""
    try:
        yield
    except ZIP_ERRORS as exc:
        msg = f"cannot read the zip archive ({exc}); unzip it and import the chat folder"
        raise ParseError(msg) from exc


def _open_zip(path: Path) -> zipfile.ZipFile:
    with _zip_read():
        return zipfile.ZipFile(path)


def _read_member(archive: zipfile.ZipFile, member: str) -> bytes:
    with _zip_read():
        return archive.read(member)


def _pick(
    found: dict[str, _T],
    *,
    root_name: str,
    size: Callable[[_T], int],
    read: Callable[[_T], bytes],
    prefix: str,
    chat: str | None,
) -> list[_Source]:
    """One source per folder (data.json first), the chosen chat only, read from ``found``."""
    by_folder: dict[str, str] = {}
    for relative in sorted(found, key=lambda r: CHAT_FILES.index(PurePosixPath(r).name)):
        by_folder.setdefault(str(PurePosixPath(relative).parent), relative)
    if not by_folder:
        msg = "no data.json or chat.md found; expected a signal-export chat folder"
        raise ParseError(msg)
    named = {
        (root_name if folder == "." else PurePosixPath(folder).name): relative
        for folder, relative in sorted(by_folder.items())
    }
    listed = [
        _Source(name, f"{prefix}/{relative}", size(found[relative]), partial(read, found[relative]))
        for name, relative in named.items()
    ]
    return _choose(listed, chat)


def _choose(sources: list[_Source], chat: str | None) -> list[_Source]:
    chosen = [s for s in sources if chat is None or s.chat.casefold() == chat.casefold()]
    if not chosen:
        names = ", ".join(sorted(s.chat for s in sources)[:10])
        msg = f"no chat {chat!r} in this Signal export; chats found: {names}"
        raise ChatNotFoundError(msg)
    return chosen


@dataclass(frozen=True)
class _Part:
    frame: pl.DataFrame
    skipped: tuple[Skipped, ...]
    lines: int


@dataclass
class _Columns:
    line: list[int]
    date: list[str]
    sender: list[str]
    kind: list[str]
    text: list[str | None]

    def add(self, line: int, date: str, sender: str, kind: str, text: str | None) -> None:
        self.line.append(line)
        self.date.append(date)
        self.sender.append(sender)
        self.kind.append(kind)
        self.text.append(text)


def _read_source(source: _Source, *, encoding: str | None, progress: _Progress) -> _Part:
    with at_file(source.name):
        data = as_utf8(source.read(), path=source.name, encoding=encoding)
        refuse_long_stretch(data, what="a line")
        columns = _Columns([], [], [], [], [])
        if source.is_json:
            json_lines = _json_lines(data, name=source.name)
            del data  # split into lines: the file's bytes can go before the records are read
            lines = len(json_lines)
            skipped = _read_data_json(json_lines, columns, progress)
            del json_lines  # read: a copy of the file, which can go before the table is made
        else:
            md_lines = split_lines(decode_text(data, path=source.name))
            del data
            lines = len(md_lines)
            skipped = _read_chat_md(md_lines, columns)
            del md_lines
        frame, bad_dates = _to_frame(columns, chat=source.chat, source_file=source.name)
    return _Part(frame, tuple(sorted(skipped + bad_dates, key=lambda s: s.line)), lines)


def _json_lines(data: bytes, *, name: str) -> list[bytes]:
    """The lines of a data.json (UTF-8, see ``as_utf8``), kept as bytes, which msgspec reads as
    they are: as one str, a file with a single emoji would take four bytes a character."""
    check_utf8(data, path=name)
    return split_lines(data.removeprefix(codecs.BOM_UTF8))


class _Record(msgspec.Struct):
    """What pullaway reads of a data.json line; its other fields are skipped unread."""

    date: Any = None
    sender: Any = None
    body: Any = None
    attachments: Any = None
    deleted: Any = None
    call: Any = None
    missed: Any = None
    sticker: Any = None


_read_record = msgspec.json.Decoder(_Record).decode
PROGRESS_LINES: Final = 100_000
"""How many lines of a data.json are read between two progress reports."""


def _record(line: str | bytes) -> _Record | None:
    """The record on ``line`` (all fields None when it is JSON but not an object), or None
    when it is not JSON. msgspec reads it; what msgspec refuses (a cut emoji, NaN, a value
    nested too deep) is read by the standard library, as the other JSON importers do."""
    try:
        return _read_record(line)
    except (msgspec.MsgspecError, RecursionError):
        pass
    try:
        value = standard_loads(line)  # a cut emoji (lone surrogate) becomes U+FFFD
    except (json.JSONDecodeError, RecursionError):
        return None
    if not isinstance(value, dict):
        return _Record()
    return _Record(**{name: value.get(name) for name in _Record.__struct_fields__})


def _read_data_json(
    lines: Sequence[str | bytes], columns: _Columns, progress: _Progress
) -> list[Skipped]:
    skipped: list[Skipped] = []
    with paused_gc():  # a million records, none with a reference cycle: see paused_gc
        for number, line in enumerate(lines, start=1):
            if number % PROGRESS_LINES == 0:
                progress(number / len(lines))
            if not line or line.isspace():  # (strip would copy every line)
                continue
            record = _record(line)
            if record is None:
                reason = "not a JSON object"
            elif not isinstance(record.date, str):
                reason = "no date"
            else:
                sender = str(record.sender or "")
                kind, body = _json_kind(record)
                reason = _skip_reason(sender, kind)
                if not reason:
                    columns.add(number, record.date, sender, kind, body)
                    continue
            text = line.decode() if isinstance(line, bytes) else line  # UTF-8, checked
            skipped.append(Skipped.of(number, reason, text))
    if (
        lines
        and not columns.line
        and skipped
        and all(s.reason == "not a JSON object" for s in skipped)
    ):
        msg = "no line is a JSON object; expected signal-export data.json (JSON lines)"
        raise ParseError(msg, line=skipped[0].line)
    return skipped


def _json_kind(record: _Record) -> tuple[str, str | None]:
    body = str(record.body or "").rstrip()
    listed = record.attachments if isinstance(record.attachments, list) else []
    attachments = [a for a in listed if isinstance(a, dict)]
    if record.deleted:
        return "deleted", None
    if record.call or record.missed or (not attachments and _CALL.match(body)):
        return "call", body or None
    if body:
        return "text", body
    if attachments:
        paths = [str(a.get("path") or a.get("name") or "") for a in attachments]
        return _attachment_kind(paths), None
    if record.sticker:
        return "sticker", None
    return "", None


def _attachment_kind(paths: list[str]) -> str:
    names = [p.lower() for p in paths]
    return "voice" if names and all(n.endswith(AUDIO_SUFFIXES) for n in names) else "media"


def _skip_reason(sender: str, kind: str) -> str:
    if not sender or sender == NO_SENDER:
        return "no sender"
    if not kind:
        return "empty message"
    return ""


def _read_chat_md(lines: list[str], columns: _Columns) -> list[Skipped]:
    skipped: list[Skipped] = []
    current: tuple[int, str, str, list[str]] | None = None
    for number, line in enumerate(lines, start=1):
        match = _HEADER.match(line)
        if match:
            if current:
                _add_md_message(current, columns, skipped)
            seconds = "" if match["time"].count(":") == 2 else ":00"
            date = f"{match['date']}T{match['time']}{seconds}"
            current = (number, date, match["sender"], [match["body"]])
        elif current:
            current[3].append(line)
        elif line.strip():
            skipped.append(Skipped.of(number, "text before the first message", line))
    if current:
        _add_md_message(current, columns, skipped)
    return skipped


def _add_md_message(
    message: tuple[int, str, str, list[str]], columns: _Columns, skipped: list[Skipped]
) -> None:
    number, date, sender, body_lines = message
    raw = "\n".join(body_lines)
    kind, text = _md_kind(raw)
    reason = _skip_reason(sender, kind)
    if reason:
        skipped.append(Skipped.of(number, reason, f"{sender}: {raw}"))
        return
    columns.add(number, date, sender, kind, text)


def _md_kind(raw: str) -> tuple[str, str | None]:
    body = _REACTIONS.sub("", _strip_quote(raw))
    sticker = _STICKER.search(body)
    body = _STICKER.sub("", body)
    attachments = [m.group(2) for m in _ATTACHMENT.finditer(body)]
    body = _ATTACHMENT.sub("", body)
    text = "\n".join(line.rstrip() for line in body.strip("\n").splitlines()).strip()
    if text == DELETED_TEXT:
        return "deleted", None
    if _CALL.match(text) and not attachments:
        return "call", text
    if text:
        return "text", text
    if attachments:
        return _attachment_kind(attachments), None
    if sticker:
        return "sticker", None
    return "", None


def _strip_quote(raw: str) -> str:
    """Drop the quoted reply signal-export puts first: a blank line, ``> …`` lines, a blank."""
    lines = raw.split("\n")
    if len(lines) < 3 or lines[0].strip() or lines[1].strip() or not lines[2].startswith(">"):
        return raw
    rest = lines[2:]
    while rest and rest[0].startswith(">"):
        rest = rest[1:]
    return "\n".join(rest)


def _to_frame(
    columns: _Columns, *, chat: str, source_file: str
) -> tuple[pl.DataFrame, list[Skipped]]:
    table = pl.DataFrame(
        {
            "source_line": columns.line,
            "date": columns.date,
            "sender": columns.sender,
            "kind": columns.kind,
            "text": columns.text,
        },
        schema={
            "source_line": pl.Int64,
            "date": pl.String,
            "sender": pl.String,
            "kind": pl.String,
            "text": pl.String,
        },
    ).with_columns(
        timestamp=pl.col("date").str.strptime(pl.Datetime("us"), ISO_FORMAT, strict=False)
    )
    bad = table.filter(pl.col("timestamp").is_null())
    # The whole message is quoted, its continuation lines too: they are skipped with it.
    skipped = [
        Skipped.of(line, "unparseable date", f"[{date}] {sender}: {text or ''}")
        for line, date, sender, text in bad.select(
            "source_line", "date", "sender", "text"
        ).iter_rows()
    ]
    frame = table.filter(pl.col("timestamp").is_not_null()).select(
        chat=pl.lit(chat),
        message_id=pl.lit(None, dtype=pl.String),
        timestamp="timestamp",
        utc_offset=pl.lit(None, dtype=pl.Int32),
        sender="sender",
        kind=pl.col("kind").cast(Kind),
        text="text",
        source_file=pl.lit(source_file),
        source_line="source_line",
    )
    return frame, skipped


def _finish(frame: pl.DataFrame, *, zone: str | None) -> pl.DataFrame:
    if zone:
        frame = frame.with_columns(utc_offset=local_offset(pl.col("timestamp"), zone))
    frame = frame.sort("chat", "timestamp", "source_line", maintain_order=True)
    return with_message_ids(frame)


def _chat_meta(name: str, frame: pl.DataFrame) -> ChatMeta:
    people = tuple(sorted(set(frame["sender"].to_list()))) if frame.height else ()
    me = ME if ME in people else None
    reason = "signal-export names the owner Me" if me else ""
    return ChatMeta(name=name, me_guess=me, me_reason=reason, participants=people)


IMPORTER = Importer(
    name="signal",
    extensions=(".md", ".json", ".zip"),
    sniff=sniff,
    parse=parse,
    description="Signal (signal-export): data.json or chat.md, folder or zip",
)
