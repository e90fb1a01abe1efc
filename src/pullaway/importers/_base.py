"""What every importer shares: the sample it sniffs, the result it returns, the record of skips."""

from __future__ import annotations

import codecs
import gc
import io
import os
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Literal, Protocol

import polars as pl

from pullaway.errors import ParseError

SAMPLE_BYTES = 64 * 1024
EXCERPT_CHARS = 80
DateOrder = Literal["dmy", "mdy", "ymd"]


ZIP_ERRORS: Final = (
    zipfile.BadZipFile,  # not a zip, or a bad CRC
    zlib.error,  # damaged compressed data
    EOFError,  # cut short
    OSError,  # a bad offset in a damaged directory
    RuntimeError,  # encrypted: a password is needed
    NotImplementedError,  # a compression method Python lacks
    UnicodeDecodeError,  # a member's name not in the UTF-8 its flag says
)
"""What reading a damaged, encrypted or unusual zip archive can raise."""


@dataclass(frozen=True)
class Sample:
    """A prefix of an input, read without consuming it; looks inside folders and .zip files.

    ``members`` lists the names inside a zip or folder (relative paths); ``text`` is the
    decoded prefix of the file itself, or of the member most likely to hold the chat.
    """

    path: Path
    text: str
    head: bytes
    members: tuple[str, ...] = ()
    member: str | None = None

    @classmethod
    def read(cls, path: Path) -> Sample:
        if path.is_dir():
            members = files_under(path)
            chosen = _likely_chat_member(members)
            head = b""
            if chosen:
                with (path / chosen).open("rb") as fh:
                    head = fh.read(SAMPLE_BYTES)
            return cls(path, decode_prefix(head), head, members, chosen)
        with path.open("rb") as fh:
            head = fh.read(SAMPLE_BYTES)
        if head.startswith(b"PK\x03\x04") and zipfile.is_zipfile(path):
            try:
                with zipfile.ZipFile(path) as zf:
                    members = tuple(n for n in zf.namelist() if not n.endswith("/"))
                    chosen = _likely_chat_member(members)
                    inner = zf.open(chosen).read(SAMPLE_BYTES) if chosen else b""
            except ZIP_ERRORS as exc:
                msg = f"cannot read the zip archive ({exc}); unzip it and import what is inside"
                raise ParseError(msg, path=path) from exc
            return cls(path, decode_prefix(inner), inner, members, chosen)
        return cls(path, decode_prefix(head), head)


def files_under(folder: Path) -> tuple[str, ...]:
    """The files in ``folder`` and all its subfolders, as sorted paths relative to it with
    ``/`` between names. Links to folders are not followed; folders that cannot be listed
    are passed over, as ``Path.rglob`` does.

    Each folder's entries say which are files, so nothing is looked up one by one: about
    13 times faster than ``rglob`` with ``is_file`` (125,000 files under /usr: 0.4 s, not
    5.1 s), which matters when someone points pullaway at a home folder. A big folder's
    count so far is reported as a stage (``report_stage``) every ``SCAN_REPORT_FILES`` files,
    and "reading" it once all are found. Within ``listings_kept``, a folder is looked
    through once.
    """
    kept = _LISTINGS.get()
    key = os.fspath(folder.absolute())
    if kept is not None and key in kept:
        return kept[key]
    found = _look_through(folder)
    if kept is not None:
        kept[key] = found
    return found


def _look_through(folder: Path) -> tuple[str, ...]:
    found: list[str] = []
    name = folder.name or str(folder)
    pending = [("", os.fspath(folder))]
    while pending:
        prefix, directory = pending.pop()
        before = len(found) // SCAN_REPORT_FILES
        try:
            with os.scandir(directory) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        pending.append((f"{prefix}{entry.name}/", entry.path))
                    elif entry.is_file():
                        found.append(prefix + entry.name)
        except OSError:
            continue
        if len(found) // SCAN_REPORT_FILES > before:
            report_stage(f"looking through {name}: {len(found):,} files so far")
    if len(found) >= SCAN_REPORT_FILES:
        report_stage(f"reading {name}")
    return tuple(sorted(found))


_LISTINGS: ContextVar[dict[str, tuple[str, ...]] | None] = ContextVar(
    "folder_listings", default=None
)


@contextmanager
def listings_kept() -> Iterator[None]:
    """Within the block, ``files_under`` looks through each folder once and keeps what it
    found: sniffing, parsing and hashing one import each list the same folder, and a big one
    (a home folder, a Meta download of 100,000 files) takes seconds to look through."""
    token = _LISTINGS.set({})
    try:
        yield
    finally:
        _LISTINGS.reset(token)


SCAN_REPORT_FILES: Final = 10_000
"""How many files ``files_under`` finds between two reports of its count."""


_CHAT_SUFFIXES = (".txt", ".json", ".xml", ".csv", ".md")


def _likely_chat_member(members: tuple[str, ...]) -> str | None:
    """The member a chat most likely lives in: `_chat.txt`, else the first text-like file."""
    for name in members:
        if name.rsplit("/", 1)[-1] == "_chat.txt":
            return name
    texty = [n for n in members if n.lower().endswith(_CHAT_SUFFIXES)]
    return min(texty, key=lambda n: (n.count("/"), len(n), n)) if texty else None


def decode_prefix(head: bytes) -> str:
    """The first bytes of a file as text, by its byte-order mark (UTF-8 without one); bytes
    cut in the middle of a character, or not text, are replaced."""
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if head.startswith(bom):
            return head.decode(codec, errors="replace")
    return head.decode("utf-8", errors="replace")


def decode_text(data: bytes, *, path: Path | str, encoding: str | None = None) -> str:
    """Decode a whole text export: BOM-aware, strict UTF-8 unless ``encoding`` is given.

    UTF-16 with a byte-order mark is read as such. Anything that is not text in its encoding
    raises a ParseError naming the first bad line and what to try.

    >>> decode_text("hi\\n".encode("utf-16") + b"\\x00\\xd8", path="c.txt")
    Traceback (most recent call last):
    pullaway.errors.ParseError: c.txt:2: not UTF-16 (unexpected end of data at column 1); ...
    """
    if encoding:
        try:
            return data.decode(encoding)
        except LookupError as exc:
            msg = f"unknown encoding {encoding!r}; try utf-8, utf-16 or cp1252"
            raise ParseError(msg, path=path) from exc
        except UnicodeDecodeError as exc:
            line, column = _where(data, exc, encoding)
            msg = f"not {encoding} ({exc.reason} at column {column}); is --encoding right?"
            raise ParseError(msg, path=path, line=line) from exc
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            line, column = _where(data, exc, "utf-16")
            msg = (
                f"not UTF-16 ({exc.reason} at column {column}); the file is damaged: "
                "export the chat again"
            )
            raise ParseError(msg, path=path, line=line) from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        if data[:4096].count(b"\x00") > len(data[:4096]) // 4:
            msg = "looks like UTF-16 without a byte-order mark; try --encoding utf-16-le"
        else:
            byte = data[exc.start : exc.start + 1].hex()
            column = exc.start - data.rfind(b"\n", 0, exc.start)
            msg = (
                f"not UTF-8 (byte 0x{byte} at column {column}); "
                "the file may be Windows-1252: try --encoding cp1252"
            )
        raise ParseError(msg, path=path, line=line) from exc


def _where(data: bytes, error: UnicodeDecodeError, encoding: str) -> tuple[int, int]:
    """Line and column (1-based, in characters) where ``error`` stopped decoding ``data``."""
    before = data[: error.start].decode(encoding, errors="replace")
    return before.count("\n") + 1, len(before) - before.rfind("\n")


TRANSCODE_CHUNK_BYTES: Final = 1 << 24


def as_utf8(data: bytes, *, path: Path | str, encoding: str | None = None) -> bytes:
    """``data`` as UTF-8: as it is, unless ``encoding`` is given or it starts with a UTF-16
    byte-order mark; then decoded and encoded again a chunk at a time, so that a big export
    never becomes one Python str (four bytes a character once it holds an emoji). Bytes that
    are not text in the encoding raise ``decode_text``'s ParseError.

    >>> as_utf8(codecs.BOM_UTF16_LE + "olá\\n".encode("utf-16-le"), path="c.txt")
    b'ol\\xc3\\xa1\\n'
    """
    if not encoding and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data
    view = memoryview(data)
    out = io.BytesIO()
    try:
        decoder = codecs.getincrementaldecoder(encoding or "utf-16")()
        for start in range(0, max(len(data), 1), TRANSCODE_CHUNK_BYTES):
            last = start + TRANSCODE_CHUNK_BYTES >= len(data)
            chunk = view[start : start + TRANSCODE_CHUNK_BYTES]
            out.write(_utf8_of(decoder.decode(chunk, final=last), encoding, path))
    except (LookupError, UnicodeError):
        # Bad bytes (decode_text names the line), or a decoder that reads differently in
        # pieces ("utf-16" without a byte-order mark): the whole file the slow way.
        return _utf8_of(decode_text(data, path=path, encoding=encoding), encoding, path)
    return out.getvalue()


def _utf8_of(text: str, encoding: str | None, path: Path | str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:  # a codec that yields lone surrogates
        msg = f"decoding as {encoding} gives characters that are not text ({exc.reason})"
        raise ParseError(msg, path=path) from exc


def check_utf8(data: bytes, *, path: Path | str, chunk_bytes: int = 1 << 20) -> None:
    """Raise the ParseError ``decode_text`` gives if ``data`` is not UTF-8, without keeping the
    decoded text (a million messages with emoji take four bytes a character as a str).

    >>> check_utf8("olá".encode(), path="x.json")
    >>> check_utf8(b"ol\\xe1", path="x.json")
    Traceback (most recent call last):
    pullaway.errors.ParseError: x.json:1: not UTF-8 (byte 0xe1 at column 3); ...
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for start in range(0, len(data), chunk_bytes):
            decoder.decode(view[start : start + chunk_bytes])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        decode_text(data, path=path)  # raises, naming the line


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """A one-line, shortened copy of ``text`` for skip reports and error messages."""
    flat = text.replace("\r", " ").replace("\n", " ⏎ ")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


@dataclass(frozen=True)
class Skipped:
    """One input line or record that did not become a message, and why; ``chat``: the name
    (as the messages' ``chat`` column gives it) of the chat it belongs to, where the file
    holds several and the importer knows which (None: not known, or no chat read here)."""

    line: int
    reason: str
    text: str
    chat: str | None = None

    @classmethod
    def of(cls, line: int, reason: str, raw: str, *, chat: str | None = None) -> Skipped:
        return cls(line, reason, excerpt(raw), chat)


def skipped_by_chat(
    skipped: Iterable[Skipped], chats: list[str]
) -> tuple[dict[str, list[Skipped]], list[Skipped]]:
    """Each of ``chats``' skipped records, and the others: those of a chat not among them (a
    group left out, a chat none of whose records was read) and, in a file of several chats,
    those the importer could not place. In a file of one chat, every unplaced one is its own.

    >>> found = [Skipped(1, "x", "a", "Ana"), Skipped(2, "y", "b"), Skipped(3, "z", "c", "Bo")]
    >>> own, others = skipped_by_chat(found, ["Ana", "Cy"])
    >>> {name: [s.line for s in records] for name, records in own.items()}, [s.line for s in others]
    ({'Ana': [1], 'Cy': []}, [2, 3])
    >>> [s.line for s in skipped_by_chat(found[1:2], ["Ana"])[0]["Ana"]]
    [2]
    """
    own: dict[str, list[Skipped]] = {name: [] for name in chats}
    others: list[Skipped] = []
    only = chats[0] if len(chats) == 1 else None
    for record in skipped:
        name = only if record.chat is None else record.chat
        if name is not None and name in own:
            own[name].append(record)
        else:
            others.append(record)
    return own, others


@dataclass(frozen=True)
class ChatMeta:
    """What an importer learned about one chat in the file.

    ``key`` is the chat's own id in the app, where the export gives one that stays when the
    chat is renamed (Telegram's chat id, Discord's channel id): the store finds the chat by it
    in a later export under another name, and tells apart two chats of one name.
    ``sender_keys`` pairs each sender with such an id of the person (Telegram's ``from_id``,
    Discord's author id, an SMS contact's number), so a renamed sender is found by it too,
    and a chat with one person by that person's.
    """

    name: str
    me_guess: str | None = None
    me_reason: str = ""
    participants: tuple[str, ...] = ()
    key: str | None = None
    sender_keys: tuple[tuple[str, str], ...] = ()  # (sender, the app's id of that person)


def numbered(names: list[str]) -> list[str]:
    """``names`` with a number after the second and later of each that another has too, in
    order, so that each names one chat (two Telegram contacts, or two Messenger threads,
    called Anna): as the store and the Discord importer number another chat of one name.

    >>> numbered(["Anna", "Bo", "Anna", "Anna", "Anna (3)"])
    ['Anna', 'Bo', 'Anna (2)', 'Anna (4)', 'Anna (3)']
    """
    used = set(names)
    seen: set[str] = set()
    unique = []
    for name in names:
        chosen, number = name, 1
        while chosen in seen or (chosen != name and chosen in used):
            number += 1
            chosen = f"{name} ({number})"
        seen.add(chosen)
        unique.append(chosen)
    return unique


def one_to_one(pairs: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """The (name, id) pairs whose name has no other id and whose id no other name, sorted: a
    name two accounts share, or an account under two names, says nothing sure.

    >>> one_to_one([("Leo", "1"), ("Ana", "2"), ("Ana", "3"), ("Bo", "4"), ("B", "4")])
    (('Leo', '1'),)
    """
    unique = set(pairs)
    names = Counter(name for name, _ in unique)
    ids = Counter(key for _, key in unique)
    return tuple(sorted(p for p in unique if names[p[0]] == 1 and ids[p[1]] == 1))


@dataclass(frozen=True)
class ImportResult:
    """Messages read from one input, plus every line or record that was skipped.

    ``units`` is how many lines (text formats) or records (JSON/XML) the input had, and
    ``unit`` which of the two; every unit is part of a message or listed in ``skipped``.
    ``notes`` are one-line facts worth telling the user (inferred date order, truncation).
    ``zone`` is the IANA zone whose wall clock the importer put the file's UTC instants on
    (None when the times are the file's own wall clock), and ``zone_chosen`` whether the user
    chose it (``--timezone``) rather than it being this computer's: the store keeps each
    chat in one zone (docs/store.md, "Time zones").
    """

    messages: pl.DataFrame
    skipped: tuple[Skipped, ...] = ()
    chats: tuple[ChatMeta, ...] = ()
    units: int = 0
    unit: Literal["line", "record"] = "line"
    notes: tuple[str, ...] = field(default=())
    zone: str | None = None
    zone_chosen: bool = False

    def chat_names(self) -> list[str]:
        """Its chats: those ``chats`` describes, then any other the messages name."""
        names = [meta.name for meta in self.chats]
        named = self.messages.get_column("chat").unique(maintain_order=True).drop_nulls()
        return names + [name for name in named.to_list() if name not in names]

    def skipped_elsewhere(self) -> list[Skipped]:
        """The skipped records that belong to none of its chats (``skipped_by_chat``)."""
        return skipped_by_chat(self.skipped, self.chat_names())[1]


class ParseFunction(Protocol):
    def __call__(
        self,
        path: Path,
        *,
        chat: str | None = None,
        date_order: DateOrder | None = None,
        timezone: str | None = None,
        encoding: str | None = None,
    ) -> ImportResult: ...


@dataclass(frozen=True)
class Importer:
    """A format: its name, the file endings it usually has, a sniffer and a parser."""

    name: str
    extensions: tuple[str, ...]
    sniff: Callable[[Sample], float]
    parse: ParseFunction
    description: str = ""
    content: Callable[[Path], Path] | None = None
    """The file that holds the export within what the user gave, when that is less than all
    of it (an iPhone backup's message database): what is hashed to know a file again."""


@contextmanager
def paused_gc() -> Iterator[None]:
    """Python's cyclic garbage collector off for the block (and back on after, if it was on).

    Reading an export builds millions of objects (JSON dicts, XML elements, row lists); each
    counts towards the next collection, and each collection walks every object still alive,
    so a 200 MB export spent more time collecting than parsing. Parsed records hold no
    reference cycles, so there is nothing for the collector to find meanwhile. Let go of the
    parsed objects inside the block (return from a function called in it): objects made while
    it was paused and still alive after it are all walked by the next collection.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_PROGRESS: ContextVar[Callable[[float], None] | None] = ContextVar("import_progress", default=None)
_STAGE: ContextVar[Callable[[str], None] | None] = ContextVar("import_stage", default=None)


@contextmanager
def progress_to(
    report: Callable[[float], None], *, stage: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Within the block, importers report how far they are to ``report`` (0.0 to 1.0), and
    the steps after reading (storing the messages) say what they do to ``stage``.

    An importer that reports nothing (a small file, a third-party importer) simply leaves the
    caller's spinner spinning.
    """
    tokens = _PROGRESS.set(report), _STAGE.set(stage)
    try:
        yield
    finally:
        _STAGE.reset(tokens[1])
        _PROGRESS.reset(tokens[0])


def report_progress(done: float, total: float) -> None:
    """Tell whoever called ``progress_to`` that ``done`` of ``total`` is read.

    >>> seen = []
    >>> with progress_to(seen.append):
    ...     report_progress(1, 4)
    >>> seen
    [0.25]
    """
    report = _PROGRESS.get()
    if report is not None and total > 0:
        report(min(max(done / total, 0.0), 1.0))


def report_stage(doing: str) -> None:
    """Tell whoever called ``progress_to`` that reading is over and ``doing`` has begun
    (a step whose share is not known, such as "storing 1,000 messages").

    >>> seen = []
    >>> with progress_to(print, stage=seen.append):
    ...     report_stage("storing 3 messages")
    >>> seen
    ['storing 3 messages']
    """
    stage = _STAGE.get()
    if stage is not None:
        stage(doing)
