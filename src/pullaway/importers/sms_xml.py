"""SMS Backup & Restore (SyncTech, Android) XML backups: SMS and MMS, read as a stream.

Backups reach gigabytes because MMS parts carry base64 media, so the file is never loaded
whole: raw bytes go chunk by chunk, without the media (``_MediaCut``) and with character
references repaired (the app writes emoji as surrogate-pair references, which XML forbids), to
expat, and each ``<sms>``/``<mms>`` record is read from its attributes as the parser meets it
(no element tree is built).

One chat per contact: addresses are normalised (``+1 555-123-4567`` and ``5551234567`` are one
person). The owner's messages get the sender ``Me``. ``date`` is a UTC instant; it becomes local
wall-clock time in the ``timezone`` given, or in this computer's zone.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import IO, TYPE_CHECKING, Final
from xml.parsers import expat

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
    one_to_one,
    paused_gc,
    report_progress,
)
from pullaway.importers._lines import StreamedStretches
from pullaway.importers.csv import resolve_zone
from pullaway.model import OWNER_SENDER, empty_messages, validate_messages, with_message_ids
from pullaway.wording import counted
from pullaway.zones import utc_to_local

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

ME: Final = OWNER_SENDER
CHUNK_BYTES: Final = 1 << 20
NEVER_DELIVERED: Final = "never delivered"
GROUP_MMS: Final = "group MMS"
_RCS_GROUP: Final = re.compile(r"group[_-]?\w*@rcs\.", re.IGNORECASE)
"""Google Messages' address for an RCS group chat (``group_8@rcs.google.com``): a group, as
MMS to several numbers ``a~b`` are, not a contact."""
_UNKNOWN_NAMES: Final = frozenset({"", "null", "(unknown)", "unknown"})
# SMS `type` and MMS `msg_box`: 1 inbox, 2 sent; 3 draft, 4 outbox, 5 failed, 6 queued.
_RECEIVED, _SENT = "1", "2"
_UNDELIVERED: Final = frozenset({"3", "4", "5", "6"})
_MAX_DATE_DIGITS: Final = 13  # epoch milliseconds until the year 2286
_SEC_EPOCH_LIMIT: Final = 100_000_000_000  # below this a `date` is seconds, not milliseconds


def sniff(sample: Sample) -> float:
    """Score a sample: the ``<smses`` root or the app's comment near the start."""
    head = sample.text[:4096]
    if "<smses" in head:
        return 0.95
    if "File Created By SMS Backup & Restore" in head and "<calls" not in head:
        return 0.8
    return 0.0


def parse(
    path: Path,
    *,
    chat: str | None = None,
    date_order: DateOrder | None = None,
    timezone: str | None = None,
    encoding: str | None = None,
) -> ImportResult:
    """Read a backup: every 1:1 conversation, or the one contact named by ``chat``.

    ``chat`` matches a contact name or a phone number (any formatting). ``timezone`` is an
    IANA name for the local wall-clock time; default: this computer's zone. ``date_order``
    and ``encoding`` do not apply (XML declares its encoding).
    """
    del date_order, encoding
    zone, zone_note = resolve_zone(timezone)
    with at_file(path), paused_gc():  # each record is let go of once it is read
        reader = _RecordReader()
        try:
            with _open_raw(path) as (raw, size):
                declared = _read_records(
                    _repaired_chunks(raw, reader.repairs, size=size), reader.add
                )
        except ZIP_ERRORS as exc:
            msg = f"cannot read the backup ({exc}); unzip it or copy the backup again"
            raise ParseError(msg) from exc
        frame, skipped, chats, considered, name_notes = _finish(reader, zone=zone, chat=chat)
    frame = frame.with_columns(source_file=pl.lit(str(path)))
    notes = [zone_note, *reader.repairs.notes(), _count_note(declared, reader.count), *name_notes]
    if considered < reader.count:
        other = reader.count - considered
        notes.append(f"not read: {counted(other, 'record')} of other conversations (not chosen)")
    return ImportResult(
        messages=validate_messages(frame),
        skipped=tuple(skipped),
        chats=chats,
        units=considered,
        unit="record",
        notes=tuple(n for n in notes if n),
        zone=zone,
        zone_chosen=timezone is not None,
    )


def _count_note(declared: int | None, found: int) -> str:
    """A note when the backup's ``count`` is not the number of records in it: a file cut
    short and closed again, or records added or removed after the backup was made.

    >>> _count_note(8614, 10)
    'the backup says it holds 8614 records, but 10 are in the file: it may be cut short'
    >>> _count_note(2, 9), _count_note(9, 9), _count_note(None, 9)
    ('the backup says it holds 2 records, but 9 are in the file', '', '')
    """
    if declared is None or declared == found:
        return ""
    return f"the backup says it holds {declared} records, but {found} are in the file" + (
        ": it may be cut short" if found < declared else ""
    )


# --- raw bytes: open (zip or file) and repair character references ------------------------


@contextmanager
def _open_raw(path: Path) -> Iterator[tuple[IO[bytes], int]]:
    """The backup's bytes as a stream, and how many there are."""
    if path.is_dir():
        backups = sorted(path.glob("*.xml"))
        if not backups:
            msg = "folder holds no .xml file; expected an SMS Backup & Restore sms-*.xml"
            raise ParseError(msg)
        path = backups[0]
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            names = [n for n in zf.namelist() if n.lower().endswith(".xml")]
            if not names:
                msg = "zip holds no .xml file; expected an SMS Backup & Restore sms-*.xml"
                raise ParseError(msg)
            with zf.open(names[0]) as fh:
                yield fh, zf.getinfo(names[0]).file_size
    else:
        with path.open("rb") as fh:
            yield fh, path.stat().st_size


@dataclass
class _Repairs:
    """Counts of character references rewritten before parsing."""

    pairs: int = 0
    lone: int = 0
    invalid: int = 0

    def notes(self) -> list[str]:
        found = []
        if self.pairs:
            found.append(f"joined {self.pairs} surrogate-pair character references into emoji")
        if self.lone:
            found.append(f"replaced {self.lone} lone surrogate references with U+FFFD")
        if self.invalid:
            found.append(
                f"replaced {self.invalid} references to characters XML forbids with U+FFFD"
            )
        return found


_REF_RUN = re.compile(rb"&#(?:[0-9]+|[xX][0-9a-fA-F]+);(?:&#(?:[0-9]+|[xX][0-9a-fA-F]+);)*")
_REF = re.compile(rb"&#([xX]?)([0-9a-fA-F]+);")
_REF_CHARS = b"&#;xX0123456789abcdefABCDEF"
_REPLACEMENT = b"&#65533;"


def _repaired_chunks(
    raw: IO[bytes], repairs: _Repairs, *, chunk_bytes: int = CHUNK_BYTES, size: int = 0
) -> Iterator[bytes]:
    """Raw bytes in chunks, without MMS media (``_MediaCut``) and with surrogate and
    forbidden character references rewritten.

    ``chunk_bytes`` raw bytes are read at a time (default 1 MiB). A chunk's tail that could be
    the start of a run of references (``&#55357;&#5``) is held back and prefixed to the next
    chunk, so a pair split across chunks is still joined. With the stream's ``size``, the
    share read so far is reported (``report_progress``).
    """
    pending = b""
    done = 0
    media = _MediaCut()
    values = StreamedStretches(what="a value")  # the media gone, no value is that long
    while True:
        read = raw.read(chunk_bytes)
        done += len(read)
        report_progress(done, size)
        chunk = media.cut(read) if read else media.finish()
        values.feed(chunk)
        data = pending + chunk
        if not read:
            if data:
                yield _repair(data, repairs)
            return
        tail = len(data.rstrip(_REF_CHARS))
        cut = data.find(b"&", tail)
        cut = len(data) if cut < 0 else cut
        pending = data[cut:]
        if cut:
            yield _repair(data[:cut], repairs)


_MEDIA_START: Final = b' data="'
_BASE64: Final = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\r\n"


@dataclass
class _MediaCut:
    """Leaves the base64 out of ``data="…"`` attributes (an MMS part's photo or video,
    megabytes each) as the bytes go by: pullaway never reads it, and the XML parser would
    spend most of its time on it. The attribute stays, empty, so the XML and its line numbers
    are unchanged. A value that is not all base64 is kept as it is (the parser judges it).

    >>> cut, pieces = _MediaCut(), [b'<part ct="image/png" da', b'ta="iVBOR', b'w0K"/>']
    >>> b"".join(map(cut.cut, pieces)) + cut.finish()
    b'<part ct="image/png" data=""/>'
    """

    head: bytes = b""  # the end of the last chunk, when it may be the start of ' data="'
    value: list[bytes] | None = None  # inside a value: its pieces so far
    clean: bool = True  # the value's pieces so far are all base64

    def cut(self, chunk: bytes) -> bytes:
        kept: list[bytes] = []
        if self.value is not None:
            end = chunk.find(b'"')
            self._more(chunk if end < 0 else chunk[:end])
            if end < 0:
                return b""
            kept.append(self._value_done())
            chunk = chunk[end:]
        data, self.head = self.head + chunk, b""
        at = 0
        while (start := data.find(_MEDIA_START, at)) >= 0:
            value = start + len(_MEDIA_START)
            kept.append(data[at:value])
            end = data.find(b'"', value)
            if end < 0:  # the value goes on in the next chunks
                self.value, self.clean = [], True
                self._more(data[value:])
                return b"".join(kept)
            piece = data[value:end]
            if piece.translate(None, _BASE64):
                kept.append(piece)
            at = end
        held = _started(data, at, _MEDIA_START)
        kept.append(data[at : len(data) - held])
        self.head = data[len(data) - held :]
        return b"".join(kept)

    def finish(self) -> bytes:
        """What is still held when the stream ends (a file cut short keeps its last bytes)."""
        tail = self.head + b"".join(self.value or [])
        self.head, self.value = b"", None
        return tail

    def _more(self, piece: bytes) -> None:
        assert self.value is not None
        self.value.append(piece)
        self.clean = self.clean and not piece.translate(None, _BASE64)

    def _value_done(self) -> bytes:
        value, self.value = self.value or [], None
        return b"" if self.clean else b"".join(value)


def _started(data: bytes, at: int, marker: bytes) -> int:
    """How many bytes at the end of ``data[at:]`` are the start of ``marker``.

    >>> _started(b"x da", 0, b' data="'), _started(b"x", 0, b' data="')
    (3, 0)
    """
    for size in range(min(len(marker) - 1, len(data) - at), 0, -1):
        if data.endswith(marker[:size]):
            return size
    return 0


def _repair(data: bytes, repairs: _Repairs) -> bytes:
    if b"&#" not in data:
        return data

    def fix_run(match: re.Match[bytes]) -> bytes:
        fixed, pairs, lone, invalid = _fixed_run(match.group(0))
        repairs.pairs += pairs
        repairs.lone += lone
        repairs.invalid += invalid
        return fixed

    return _REF_RUN.sub(fix_run, data)


@lru_cache(maxsize=4096)
def _fixed_run(run: bytes) -> tuple[bytes, int, int, int]:
    """A run of character references rewritten, with counts (pairs, lone, invalid).

    Surrogate pairs become one reference; lone surrogates and anything else XML forbids
    become U+FFFD. Cached: the same emoji recur throughout a backup.
    """
    points = [int(d, 16 if x else 10) for x, d in _REF.findall(run)]
    if all(_xml_allowed(p) for p in points):
        return run, 0, 0, 0
    out: list[int] = []
    pairs = lone = invalid = 0
    i = 0
    while i < len(points):
        point = points[i]
        following = points[i + 1] if i + 1 < len(points) else -1
        if 0xD800 <= point <= 0xDBFF and 0xDC00 <= following <= 0xDFFF:
            pairs += 1
            out.append(0x10000 + (point - 0xD800) * 0x400 + (following - 0xDC00))
            i += 2
            continue
        if 0xD800 <= point <= 0xDFFF:
            lone += 1
            out.append(0xFFFD)
        elif not _xml_allowed(point):
            invalid += 1
            out.append(0xFFFD)
        else:
            out.append(point)
        i += 1
    return b"".join(b"&#%d;" % p for p in out), pairs, lone, invalid


def _xml_allowed(point: int) -> bool:
    return (
        point in (0x9, 0xA, 0xD)
        or 0x20 <= point <= 0xD7FF
        or 0xE000 <= point <= 0xFFFD
        or 0x10000 <= point <= 0x10FFFF
    )


# --- XML events: one record at a time -------------------------------------------------------


_Add = Callable[[int, str, dict[str, str], list[dict[str, str]]], None]


def _read_records(chunks: Iterator[bytes], add: _Add) -> int | None:
    """Call ``add(index, tag, attributes, parts)`` for each ``<sms>``/``<mms>`` under
    ``<smses>`` (1-based index; ``parts`` are the attributes of an MMS's ``<part>`` elements).
    Returns the number of records the root's ``count`` says the backup holds, if it says.

    expat calls back with each element's attributes as it meets them, so no element tree is
    built: a record is a dict and its parts, let go of once ``add`` has read them.
    """
    # With namespaces, as ElementTree parses, so that names are checked alike.
    parser = expat.ParserCreate(namespace_separator="}")
    depth = 0
    index = 0
    declared: int | None = None
    record: tuple[str, dict[str, str], list[dict[str, str]]] | None = None

    def start(tag: str, attributes: dict[str, str]) -> None:
        nonlocal depth, record, declared
        depth += 1
        if depth == 1:
            _check_root(tag)
            count = attributes.get("count", "")
            declared = int(count) if count.isascii() and count.isdigit() else None
        elif depth == 2 and tag in ("sms", "mms"):
            record = (tag, attributes, [])
        elif record is not None and tag == "part":
            record[2].append(attributes)

    def end(_tag: str) -> None:
        nonlocal depth, index, record
        depth -= 1
        if depth == 1 and record is not None:
            index += 1
            add(index, *record)
            record = None

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        for number, chunk in enumerate(chunks):
            if number == 0:
                _check_start(chunk)
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except LookupError as exc:  # expat meets an encoding Python does not know
        msg = (
            f"the XML declaration names an encoding Python cannot read ({exc}); an SMS Backup & "
            "Restore file is UTF-8: make a new backup"
        )
        raise ParseError(msg, line=1) from exc
    except expat.ExpatError as exc:
        msg = (
            f"not valid XML ({exc}); an SMS Backup & Restore file ends with </smses>: "
            "if it was cut short (interrupted copy or upload), make a new backup"
        )
        raise ParseError(msg, line=exc.lineno) from exc
    return declared


def _check_start(chunk: bytes) -> None:
    """Refuse at once what cannot be XML, before a parser buffers a huge first token."""
    start = chunk.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start and start != b"<":
        msg = "not XML: an SMS Backup & Restore file starts with '<?xml' or '<smses'"
        raise ParseError(msg, line=1)


def _check_root(tag: str) -> None:
    if tag != "smses":
        msg = (
            f"root element is <{tag}>, expected <smses>: this is not an SMS backup "
            "(call logs are in a separate calls-*.xml file that pullaway does not read)"
        )
        raise ParseError(msg, line=1)


# --- records to columns ---------------------------------------------------------------------


@dataclass
class _RecordReader:
    """Columns collected record by record; skipped records kept with their reason."""

    repairs: _Repairs = field(default_factory=_Repairs)
    count: int = 0
    index: list[int] = field(default_factory=list)
    date_ms: list[int] = field(default_factory=list)
    address: list[str] = field(default_factory=list)
    contact: list[str | None] = field(default_factory=list)
    sent: list[bool] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    text: list[str | None] = field(default_factory=list)
    skipped: list[tuple[int, str, str, str | None]] = field(default_factory=list)

    def add(self, index: int, tag: str, attrs: dict[str, str], parts: list[dict[str, str]]) -> None:
        self.count = index
        if tag == "sms":
            box = attrs.get("type", "")
            body = _value(attrs.get("body"))
            kind = "text" if body else ""
        else:
            box = attrs.get("msg_box", "")
            body, has_media = _mms_content(parts)
            kind = "media" if has_media else ("text" if body else "")
        address = _value(attrs.get("address")) or ""
        reason = _skip_reason(box, address, kind, attrs.get("date", ""), tag)
        if reason:
            self.skipped.append((index, reason, f"{address}: {body or ''}", address or None))
            return
        self.index.append(index)
        self.date_ms.append(_epoch_ms(attrs["date"]))
        self.address.append(address)
        self.contact.append(_contact_name(attrs.get("contact_name")))
        self.sent.append(box == _SENT)
        self.kind.append(kind)
        self.text.append(body)


def _value(raw: str | None) -> str | None:
    """Android copies database values raw, including the literal string "null"."""
    return None if raw is None or raw == "null" else raw


@lru_cache(maxsize=1024)
def _contact_name(raw: str | None) -> str | None:
    value = _value(raw)
    return None if value is None or value.strip().casefold() in _UNKNOWN_NAMES else value.strip()


def _mms_content(parts: list[dict[str, str]]) -> tuple[str | None, bool]:
    """(text of the text/plain parts joined by newlines, whether a media part is present)."""
    texts: list[str] = []
    has_media = False
    for part in parts:
        content_type = part.get("ct", "").lower()
        if content_type == "text/plain":
            value = _value(part.get("text"))
            if value:
                texts.append(value)
        elif content_type and content_type != "application/smil":
            has_media = True
    return ("\n".join(texts) or None), has_media


def _skip_reason(box: str, address: str, kind: str, date: str, tag: str) -> str:
    if box in _UNDELIVERED:
        return NEVER_DELIVERED
    if box not in (_RECEIVED, _SENT):
        return f"unknown message box {box!r}"
    if "~" in address and len({_address_key(a) for a in address.split("~")}) > 1:
        return GROUP_MMS
    if _RCS_GROUP.match(address):
        return GROUP_MMS
    if not address:
        return "no address"
    if not (date.isascii() and date.isdigit() and len(date) <= _MAX_DATE_DIGITS):
        return "no date"
    if not kind:
        return f"empty {tag.upper()}"
    return ""


def _epoch_ms(raw: str) -> int:
    value = int(raw)
    return value * 1000 if value < _SEC_EPOCH_LIMIT else value


_PHONE_SEPARATORS = re.compile(r"[\s\-().]")


def _address_key(address: str) -> str:
    """The same person however the number is written: the last 10 digits of a phone number.

    >>> _address_key("+1 (555) 123-4567") == _address_key("555.123.4567")
    True
    >>> _address_key("AMAZON")
    'amazon'
    """
    compact = _PHONE_SEPARATORS.sub("", address)
    if re.fullmatch(r"\+?\d+", compact):
        return compact.lstrip("+")[-10:]
    return compact.casefold()


def _address_key_expr(column: str) -> pl.Expr:
    compact = pl.col(column).str.replace_all(r"[\s\-().]", "")
    return (
        pl.when(compact.str.contains(r"^\+?\d+$"))
        .then(compact.str.strip_chars_start("+").str.slice(-10))
        .otherwise(compact.str.to_lowercase())
    )


# --- columns to the message frame -----------------------------------------------------------


def _finish(
    reader: _RecordReader, *, zone: str, chat: str | None
) -> tuple[pl.DataFrame, list[Skipped], tuple[ChatMeta, ...], int, list[str]]:
    records = pl.DataFrame(
        {
            "source_line": reader.index,
            "date_ms": reader.date_ms,
            "address": reader.address,
            "contact": reader.contact,
            "sent": reader.sent,
            "kind": reader.kind,
            "text": reader.text,
        },
        schema={
            "source_line": pl.Int64,
            "date_ms": pl.Int64,
            "address": pl.String,
            "contact": pl.String,
            "sent": pl.Boolean,
            "kind": pl.String,
            "text": pl.String,
        },
    ).with_columns(key=_address_key_expr("address"))
    names = _chat_names(records)
    records = records.join(names, on="key", how="left")
    chat_of_key = dict(names.select("key", "chat").iter_rows())
    skipped_chats = [
        None if a is None else chat_of_key.get(_address_key(a), a) for *_, a in reader.skipped
    ]
    wanted = None if chat is None else _chosen_chat(names, chat)
    if wanted is not None:
        records = records.filter(pl.col("chat") == wanted)
    name_notes = _other_names_notes(records)
    skipped = [
        Skipped.of(index, reason, raw, chat=owner)
        for (index, reason, raw, _), owner in zip(reader.skipped, skipped_chats, strict=True)
        if wanted is None or owner is None or owner == wanted
    ]
    records, copies = _without_copies(records)
    skipped = sorted(skipped + copies, key=lambda one: one.line)
    frame = _to_messages(records, zone=zone)
    # The contact's number is their id: a chat of one number has it (see ChatMeta).
    numbers = dict(one_to_one(names.filter(pl.col("chat") != ME).select("chat", "key").iter_rows()))
    chats = tuple(
        ChatMeta(
            name=row["chat"],
            me_guess=ME,
            me_reason="SMS Backup & Restore marks sent messages; pullaway names their sender Me",
            participants=tuple(sorted({ME, row["chat"]})),
            sender_keys=((row["chat"], numbers[row["chat"]]),) if row["chat"] in numbers else (),
        )
        for row in frame.group_by("chat", maintain_order=True).agg().to_dicts()
    )
    return frame, skipped, chats, records.height + len(skipped), name_notes


def _without_copies(records: pl.DataFrame) -> tuple[pl.DataFrame, list[Skipped]]:
    """``records`` without the copies a backup can hold of one message (seen in a public
    backup): the same contact, direction, kind and text at the same millisecond. Only times
    with milliseconds count: an MMS is dated to the second, and several photos sent at once
    share one."""
    same = ["key", "date_ms", "sent", "kind", "text"]
    timed = pl.col("date_ms") % 1000 != 0
    first = pl.col("source_line").min().over(same)
    copies = records.with_columns(first=first).filter(
        timed & (pl.col("source_line") != pl.col("first"))
    )
    if copies.height == 0:
        return records, []
    reason = "the same message as record {} (the backup holds it twice)"
    skipped = [
        Skipped.of(line, reason.format(original), text or "", chat=chat)
        for line, original, text, chat in copies.select(
            "source_line", "first", "text", "chat"
        ).iter_rows()
    ]
    kept = records.filter(~pl.col("source_line").is_in(copies.get_column("source_line").implode()))
    return kept, skipped


def _other_names_notes(records: pl.DataFrame) -> list[str]:
    """A note per chat whose contact is saved under other names too (``+33 9…`` as "MMA" and
    "Cute Chic", one number by its last ten digits): ``records`` with their ``chat``, which
    takes the most used name (``_chat_names``).

    >>> records = pl.DataFrame({"chat": ["Mia"] * 3, "contact": ["Mia", "Mia", "M."]})
    >>> _other_names_notes(records)
    ["Mia's messages are also saved under the name M.; all are read as Mia's"]
    """
    others = (
        records.filter(pl.col("contact").is_not_null() & (pl.col("contact") != pl.col("chat")))
        .group_by("chat", maintain_order=True)
        .agg(pl.col("contact").unique(maintain_order=True))
    )
    return [
        f"{chat}'s messages are also saved under the name{'s' if len(also) > 1 else ''} "
        f"{', '.join(also)}; all are read as {chat}'s"
        for chat, also in others.iter_rows()
    ]


def _chat_names(records: pl.DataFrame) -> pl.DataFrame:
    """One name per contact key: the most used contact name, else the first number seen."""
    named = (
        records.filter(pl.col("contact").is_not_null())
        .group_by("key", "contact")
        .agg(uses=pl.len(), first=pl.col("source_line").min())
        .sort("uses", "first", descending=[True, False])
        .unique("key", keep="first", maintain_order=True)
        .select("key", name=pl.col("contact"))
    )
    numbers = records.group_by("key").agg(number=pl.col("address").sort_by("source_line").first())
    return numbers.join(named, on="key", how="left").select(
        "key", chat=pl.coalesce("name", "number")
    )


def _chosen_chat(names: pl.DataFrame, chat: str) -> str:
    """The chat name matching ``chat``: a contact name (any case) or a number (any format)."""
    lowered = chat.strip().lower()
    for name in names["chat"].to_list():
        if name.lower() == lowered:
            return str(name)
    by_key = names.filter(pl.col("key") == _address_key(chat))
    if by_key.height:
        return str(by_key["chat"][0])
    shown = ", ".join(sorted(set(names["chat"].to_list()))[:10])
    msg = f"no contact named or numbered {chat!r} in the backup; contacts found: {shown}"
    raise ChatNotFoundError(msg)


def _to_messages(records: pl.DataFrame, *, zone: str) -> pl.DataFrame:
    if not records.height:
        return empty_messages()
    instant = pl.from_epoch("date_ms", time_unit="ms").dt.cast_time_unit("us")
    local, offset = utc_to_local(instant, zone)
    frame = records.sort("chat", "date_ms", "source_line").select(
        "chat",
        timestamp=local,
        utc_offset=offset,
        sender=pl.when("sent").then(pl.lit(ME)).otherwise(pl.col("chat")),
        kind=pl.col("kind").cast(empty_messages().schema["kind"]),
        text="text",
        source_file=pl.lit(None, dtype=pl.String),
        source_line="source_line",
    )
    return with_message_ids(frame, by_instant=True)


IMPORTER = Importer(
    name="sms_xml",
    extensions=(".xml",),
    sniff=sniff,
    parse=parse,
    description="SMS Backup & Restore XML (Android): SMS and MMS",
)
