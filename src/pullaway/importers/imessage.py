"""iMessage on a Mac: the Messages database, ``~/Library/Messages/chat.db``.

The user's database is never written to, nor opened in place: ``chat.db`` is copied with its
``-wal`` and ``-shm`` companions (recent messages may exist only in the write-ahead log) into a
private temporary folder, the copy is opened read-only, and the folder is deleted afterwards.

Each ``message`` row of the chosen conversations becomes a message or a skipped record (its
``ROWID`` is the record number). A message's chat comes from ``chat_message_join``; chats of one
name (the same number over iMessage and SMS) are one conversation. The owner's messages
(``is_from_me``) get the sender ``Me``; the others their name in Contacts when a Contacts
database goes with the file (``_contacts``), else the handle (phone number or e-mail). The
text is ``message.text``, else the string archived in ``attributedBody`` (``_typedstream``).
Tapbacks are reactions, not messages: they are skipped with the reason ``reaction``. ``date``
counts from 2001-01-01 UTC (nanoseconds since macOS 10.13, seconds before) and becomes local
wall-clock time in the ``timezone`` given, or in this computer's zone.
"""

from __future__ import annotations

import plistlib
import re
import shutil
import sqlite3
import struct
import tempfile
import zipfile
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Final, NamedTuple

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
    paused_gc,
    report_progress,
)
from pullaway.importers._contacts import (
    CONTACTS_FILES,
    Contacts,
    contacts_files,
    handle_key,
    read_contacts,
)
from pullaway.importers._json import (
    local_wall_clock,
    timezone_note,
    wall_clock_zone,
)
from pullaway.importers._sqlite import (
    COMPANIONS,
    connect_read_only,
    private_copy,
    table_names,
)
from pullaway.importers._typedstream import TypedStreamError, attributed_text
from pullaway.model import (
    OWNER_SENDER,
    Kind,
    KindName,
    empty_messages,
    validate_messages,
    with_message_ids,
)
from pullaway.wording import counted

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

ME: Final = OWNER_SENDER
REACTION: Final = "reaction"
SQLITE_HEADER: Final = b"SQLite format 3\x00"
BACKUP_MANIFEST: Final = "Manifest.db"
BACKUP_MESSAGES: Final = "3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28"
"""Where an iPhone backup keeps ``sms.db``: the SHA-1 of ``HomeDomain-Library/SMS/sms.db``,
under a folder named by its first two digits."""
REQUIRED_TABLES: Final = ("message", "chat", "handle", "chat_message_join")
APPLE_EPOCH_US: Final = 978_307_200 * 1_000_000  # 2001-01-01 UTC in Unix microseconds
NANOSECONDS_FROM: Final = 10**11
"""A ``date`` of this or more counts nanoseconds (macOS 10.13 on); below it, seconds. Seconds
reach it in the year 5170, nanoseconds pass it 100 seconds after the epoch."""
LATEST_US: Final = 4_102_444_800 * 1_000_000  # 2100-01-01 UTC: later dates are damage
BATCH_ROWS: Final = 10_000
ME_REASON: Final = "Messages marks your own messages (is_from_me); pullaway names their sender Me"
HELP_COPY: Final = (
    "copy chat.db again, with chat.db-wal and chat.db-shm beside it, while Messages is closed"
)
FULL_DISK_ACCESS: Final = (
    "on a Mac, give the app you run pullaway from (Terminal, say) Full Disk Access in System "
    "Settings > Privacy & Security, or copy chat.db, chat.db-wal and chat.db-shm to another "
    "folder in the Finder and import the copy"
)

_MAX_SECONDS: Final = (LATEST_US - APPLE_EPOCH_US) // 1_000_000
_MAX_NANOSECONDS: Final = (LATEST_US - APPLE_EPOCH_US) * 1000
_REACTIONS: Final = range(2000, 4000)  # 2000-2007 add a tapback, 3000-3007 remove one
_STICKER_ON_MESSAGE: Final = 1000
_GROUP_STYLE: Final = 43
_OBJECT_REPLACEMENT: Final = "\ufffc"  # where an attachment sits in the text
_REQUIRED_COLUMNS: Final = ("text", "date", "is_from_me", "handle_id")
# Read as integers (0 when missing or NULL), so that a value SQLite stored as text or a real
# number reads the same; the other columns are read as they are (NULL when missing).
_INTEGER_COLUMNS: Final = frozenset(
    {
        "is_from_me",
        "handle_id",
        "cache_has_attachments",
        "is_audio_message",
        "item_type",
        "group_action_type",
        "other_handle",
        "associated_message_type",
        "error",
        "date_edited",
        "date_retracted",
    }
)
_PLIST_ERRORS: Final = (
    ValueError,  # plistlib.InvalidFileException, bad UTF-16, …
    TypeError,
    KeyError,
    IndexError,
    OverflowError,
    RecursionError,
    struct.error,
)
_CREATE_TABLE = re.compile(
    rb"CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?[\"'`\[]?(\w+)", flags=re.IGNORECASE
)


def sniff(sample: Sample) -> float:
    """Score a sample: a SQLite file holding the Messages tables, or an iPhone backup folder.

    The table names are looked for in the schema near the start of the file. A database whose
    schema lies further in (it grows with each macOS update) is opened read-only and immutable,
    which reads its table names without locking or writing anything.
    """
    if sample.members and sample.path.is_dir():  # an iPhone backup (else ``parse`` says so)
        return 0.95 if {BACKUP_MANIFEST, "Manifest.plist"} <= set(sample.members) else 0.0
    if sample.members:  # a zip holding chat.db
        return 0.9 if _zipped_database(sample.path, sample.members) else 0.0
    if sample.member or not sample.head.startswith(SQLITE_HEADER):
        return 0.0
    found = {m.decode("ascii").lower() for m in _CREATE_TABLE.findall(sample.head)}
    if not set(REQUIRED_TABLES) <= found:
        found = _table_names_in_place(sample.path)
    return 0.95 if set(REQUIRED_TABLES) <= found else 0.0


def _table_names_in_place(path: Path) -> set[str]:
    try:
        uri = f"{path.absolute().as_uri()}?mode=ro&immutable=1"
        with closing(sqlite3.connect(uri, uri=True)) as conn:
            return table_names(conn)
    except (sqlite3.Error, OSError, ValueError):
        return set()


def parse(
    path: Path,
    *,
    chat: str | None = None,
    date_order: DateOrder | None = None,
    timezone: str | None = None,
    encoding: str | None = None,
) -> ImportResult:
    """Read a copy of ``chat.db``: every conversation, or the one named by ``chat``.

    ``chat`` matches a conversation's name or handle, in any letter case, and phone numbers in
    any formatting. ``timezone`` is an IANA name for the local wall-clock time; default: this
    computer's zone. ``date_order`` and ``encoding`` do not apply.
    """
    del date_order, encoding
    zone_note = timezone_note(timezone)
    with at_file(path), _private_database(path) as source:
        contacts = read_contacts(contacts_files(path, source.near))
        with at_file(source.shown):
            read = _read_database(source.copy, chat, contacts)
    frame = _to_messages(read.rows, timezone=timezone)
    frame = frame.with_columns(source_file=pl.lit(source.shown))
    report_progress(1, 1)
    return ImportResult(
        messages=validate_messages(frame),
        skipped=tuple(read.skipped),
        chats=_chat_metas(frame, read.participants),
        units=read.units,
        unit="record",
        notes=tuple(n for n in (zone_note, *read.notes()) if n),
        zone=wall_clock_zone(timezone),
        zone_chosen=timezone is not None,
    )


def _read_database(copy: Path, chat: str | None, contacts: Contacts) -> _Read:
    """The messages of a private copy of the database (``_private_database``)."""
    with paused_gc():
        try:
            with closing(connect_read_only(copy)) as conn:
                read = _Database(conn, contacts).read(chat)
        except (sqlite3.Error, UnicodeDecodeError) as exc:
            # SQLite's message about a damaged schema may quote bytes that are not UTF-8.
            reason = exc if isinstance(exc, sqlite3.Error) else "its schema is not UTF-8"
            msg = (
                f"cannot read the database ({reason}); it may be cut short or damaged: {HELP_COPY}"
            )
            raise ParseError(msg) from exc
    return read


@dataclass(frozen=True)
class _Source:
    """A private copy of the Messages database to read, where the database is (Contacts are
    looked for near it), and its name for ``source_file`` and errors."""

    copy: Path
    near: Path
    shown: str


@contextmanager
def _private_database(path: Path) -> Iterator[_Source]:
    """A private copy of the Messages database of ``path``: the file, the database of an
    iPhone backup folder (``messages_database``), or the ``chat.db`` of a zip, taken out with
    its ``-wal``, ``-shm`` and any Contacts database into a private folder (which is the copy:
    it is not copied again)."""
    if path.is_dir() or not zipfile.is_zipfile(path):
        database = messages_database(path)
        with at_file(database), _private_copy(database) as copy:
            yield _Source(copy, database, str(database))
        return
    with tempfile.TemporaryDirectory(prefix="pullaway-imessage-zip-") as folder:
        try:
            with zipfile.ZipFile(path) as archive:
                member = _zipped_database(path, archive.namelist())
                if member is None:
                    msg = "no chat.db or sms.db inside the zip; " + HELP_COPY
                    raise ParseError(msg)
                database = _take_out(archive, member, Path(folder))
        except ZIP_ERRORS as exc:
            msg = f"not a readable zip file ({exc}); unzip it and import chat.db"
            raise ParseError(msg) from exc
        shown = f"{path}/{member}"
        with at_file(shown):
            _check_header(database)
        yield _Source(database, database, shown)


ZIPPED_NAMES: Final = ("chat.db", "sms.db")
"""The Messages database in a zip, by name (a Mac's, or an iPhone backup's taken out)."""


def _zipped_database(path: Path, members: Sequence[str]) -> str | None:
    """The zip's Messages database: the shallowest member named ``chat.db`` or ``sms.db``
    that is a SQLite file; None when there is none."""
    named = sorted(
        (
            m
            for m in members
            if PurePosixPath(m).name.lower() in ZIPPED_NAMES and "__MACOSX" not in m
        ),
        key=lambda m: (m.count("/"), m),
    )
    try:
        with zipfile.ZipFile(path) as archive:
            for member in named:
                with archive.open(member) as fh:
                    if fh.read(len(SQLITE_HEADER)) == SQLITE_HEADER:
                        return str(member)
    except ZIP_ERRORS:
        return None
    return None


def _take_out(archive: zipfile.ZipFile, member: str, folder: Path) -> Path:
    """``member`` of ``archive``, with its ``-wal`` and ``-shm`` and the Contacts databases
    beside it, written into ``folder`` under their own base names; the database's path."""
    names = set(archive.namelist())
    parent = PurePosixPath(member).parent
    files = [member, *(str(parent / name) for name in CONTACTS_FILES)]
    wanted = [file + suffix for file in files for suffix in COMPANIONS]
    for name in wanted:
        if name in names:
            with (
                archive.open(name) as source,
                (folder / PurePosixPath(name).name).open("wb") as out,
            ):
                shutil.copyfileobj(source, out, 1 << 20)
    return folder / PurePosixPath(member).name


def messages_database(path: Path) -> Path:
    """``path``, or the message database inside ``path`` when it is an iPhone backup folder
    (a Finder or iTunes backup, unencrypted), whose ``sms.db`` has chat.db's tables."""
    if not path.is_dir():
        return path
    manifest = path / "Manifest.plist"
    if _encrypted(manifest):
        msg = (
            "an encrypted iPhone backup: its messages cannot be read without the backup's "
            "password; make an unencrypted backup (Finder or iTunes: untick 'Encrypt local "
            "backup') and import that, or import chat.db from a Mac"
        )
        raise ParseError(msg)
    database = path / BACKUP_MESSAGES
    if not database.is_file():
        msg = f"an iPhone backup without its messages database ({BACKUP_MESSAGES}); " + (
            "was the backup finished? Make a new one and import it"
        )
        raise ParseError(msg)
    return database


def _encrypted(manifest: Path) -> bool:
    """Whether a backup's ``Manifest.plist`` says the backup is encrypted."""
    try:
        with manifest.open("rb") as fh:
            info = plistlib.load(fh)
    except (OSError, *_PLIST_ERRORS):
        return False  # no readable manifest: the database itself says what it is
    return isinstance(info, dict) and info.get("IsEncrypted") is True


# --- the private copy -------------------------------------------------------------------------


@contextmanager
def _private_copy(path: Path) -> Iterator[Path]:
    """A private copy of ``path`` with its ``-wal`` and ``-shm`` (``_sqlite.private_copy``)."""
    _check_header(path)
    with private_copy(path, prefix="pullaway-imessage-", on_error=_copy_error) as copy:
        yield copy


def _copy_error(path: Path, exc: OSError) -> ParseError:
    return ParseError(_unreadable(path, exc))


def _check_header(path: Path) -> None:
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise ParseError(_unreadable(path, exc)) from exc
    if head != SQLITE_HEADER:
        msg = (
            "not a SQLite database; the Messages database is ~/Library/Messages/chat.db "
            "(a file that starts with 'SQLite format 3')"
        )
        if len(head) < len(SQLITE_HEADER) and SQLITE_HEADER.startswith(head):
            msg = f"cut short ({len(head)} bytes); {HELP_COPY}"
        raise ParseError(msg)


def _unreadable(path: Path, exc: OSError) -> str:
    reason = exc.strerror or type(exc).__name__
    if isinstance(exc, PermissionError):
        return f"cannot read {path.name} ({reason}); {FULL_DISK_ACCESS}"
    return f"cannot read {path.name} ({reason}); {HELP_COPY}"


# --- reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Chat:
    rowid: int
    name: str
    identifier: str
    display_name: str
    handles: tuple[str, ...]
    group: bool


_ROWS_SCHEMA: Final = pl.Schema(
    {
        "chat": pl.String,
        "_utc": pl.Int64,
        "sender": pl.String,
        "kind": pl.String,
        "text": pl.String,
        "source_line": pl.Int64,
    }
)


@dataclass
class _Rows:
    """Columns collected row by row, and frames of plain rows read a batch at a time."""

    source_line: list[int] = field(default_factory=list)
    chat: list[str] = field(default_factory=list)
    utc_us: list[int] = field(default_factory=list)
    sender: list[str | None] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    text: list[str | None] = field(default_factory=list)
    frames: list[pl.DataFrame] = field(default_factory=list)  # in _ROWS_SCHEMA

    def add(
        self, rowid: int, chat: str, utc_us: int, sender: str | None, kind: str, text: str | None
    ) -> None:
        self.source_line.append(rowid)
        self.chat.append(chat)
        self.utc_us.append(utc_us)
        self.sender.append(sender)
        self.kind.append(kind)
        self.text.append(text)

    def frame(self) -> pl.DataFrame:
        one_by_one = pl.DataFrame(
            {
                "chat": self.chat,
                "_utc": self.utc_us,
                "sender": self.sender,
                "kind": self.kind,
                "text": self.text,
                "source_line": self.source_line,
            },
            schema=_ROWS_SCHEMA,
        )
        return pl.concat([one_by_one, *self.frames])


@dataclass
class _Read:
    """What reading the database gave: rows, skips, and what to tell the user."""

    rows: _Rows = field(default_factory=_Rows)
    skipped: list[Skipped] = field(default_factory=list)
    participants: dict[str, set[str]] = field(default_factory=dict)
    units: int = 0
    not_chosen: int = 0
    unreadable: list[int] = field(default_factory=list)
    contacts: Contacts = field(default_factory=Contacts)
    identifiers: dict[str, set[str]] = field(default_factory=dict)  # of each chat's parts
    handles_named: tuple[int, int] = (0, 0)  # handles with a contact name, all handles

    def notes(self) -> list[str]:
        found = [*self.contacts.notes, *self._contact_notes()]
        if self.not_chosen:
            found.append(
                f"not read: {counted(self.not_chosen, 'record')} of other conversations "
                "(not chosen)"
            )
        if self.unreadable:
            shown = ", ".join(str(n) for n in self.unreadable[:5])
            more = ", …" if len(self.unreadable) > 5 else ""
            found.append(
                f"the text of {counted(len(self.unreadable), 'message')} could not be read "
                f"from attributedBody (records {shown}{more}); they are kept without text"
            )
        return found

    def _contact_notes(self) -> list[str]:
        """Which contacts files named how many handles, and which chats with several handles
        of one contact were read as one."""
        if not self.contacts.files:
            return []
        named, total = self.handles_named
        found = [
            f"names from your contacts ({', '.join(dict.fromkeys(self.contacts.files))}): "
            f"{named} of {counted(total, 'handle')}"
        ]
        for chat, identifiers in sorted(self.identifiers.items()):
            keys = {handle_key(i) for i in identifiers}
            if len(keys) > 1 and None not in keys and self.contacts.name(min(identifiers)) == chat:
                shown = ", ".join(sorted(identifiers))
                found.append(
                    f"{chat}: {len(keys)} conversations with one contact, read as one ({shown})"
                )
        return found


class _Database:
    """The Messages tables of one open copy."""

    def __init__(self, conn: sqlite3.Connection, contacts: Contacts | None = None) -> None:
        self.conn = conn
        self.contacts = contacts or Contacts()
        self.tables = table_names(conn)
        missing = [t for t in REQUIRED_TABLES if t not in self.tables]
        if missing:
            msg = (
                f"a SQLite database, but not a Messages chat.db (no table {', '.join(missing)}); "
                "import ~/Library/Messages/chat.db"
            )
            raise ParseError(msg)
        self.handles = self._handles()
        self.chats = self._chats()

    def read(self, wanted: str | None) -> _Read:
        chosen = None if wanted is None else self._chosen(wanted)
        read = _Read(contacts=self.contacts, handles_named=self.handles_named)
        for chat in self.chats.values():
            if chosen is None or chat.rowid in chosen:
                read.participants.setdefault(chat.name, set()).update(chat.handles)
                read.identifiers.setdefault(chat.name, set()).add(chat.identifier)
        sql, params = self._query(chosen)
        total = self._count(chosen)
        seen: set[int] = set()
        cursor = self.conn.execute(sql, params)
        while batch := cursor.fetchmany(BATCH_ROWS):
            _check_once(seen, batch)
            plain = self._plain(batch)
            for row in batch:
                if row[0] not in plain:
                    self._add(read, row[0], _Row._make(row))
            self._add_plain(read, [row for row in batch if row[0] in plain], plain)
            report_progress(len(seen), total)
        read.units = len(seen)
        if chosen is not None:
            read.not_chosen = self._count(None) - read.units
        return read

    # --- the small tables ---------------------------------------------------------------

    def _handles(self) -> dict[int, str]:
        """Each handle's name: its contact's, else the handle as written."""
        rows = self.conn.execute("SELECT ROWID, id FROM handle WHERE id IS NOT NULL")
        raw = {rowid: str(handle) for rowid, handle in rows}
        named = sum(1 for handle in raw.values() if self.contacts.name(handle))
        self.handles_named = (named, len(raw))
        return {rowid: self._shown(handle) for rowid, handle in raw.items()}

    def _shown(self, handle: str) -> str:
        return self.contacts.name(handle) or handle

    def _chats(self) -> dict[int, _Chat]:
        members: dict[int, set[str]] = {}
        if "chat_handle_join" in self.tables:
            for chat_id, handle_id in self.conn.execute(
                "SELECT CAST(chat_id AS INTEGER), CAST(handle_id AS INTEGER) FROM chat_handle_join"
            ):
                if handle_id in self.handles:
                    members.setdefault(chat_id, set()).add(self.handles[handle_id])
        columns = self._columns("chat")
        style = "CAST(style AS INTEGER)" if "style" in columns else "NULL"
        display = "display_name" if "display_name" in columns else "NULL"
        identifier = "chat_identifier" if "chat_identifier" in columns else "NULL"
        found = {}
        for rowid, raw_identifier, raw_display, raw_style in self.conn.execute(
            f"SELECT ROWID, {identifier}, {display}, {style} FROM chat"
        ):
            handles = tuple(sorted(members.get(rowid, ())))
            chat_identifier = _string(raw_identifier) or ""
            display_name = (_string(raw_display) or "").strip()
            group = raw_style == _GROUP_STYLE or len(handles) > 1
            found[rowid] = _Chat(
                rowid=rowid,
                name=_chat_name(
                    rowid, self._shown(chat_identifier), display_name, handles, group=group
                ),
                identifier=chat_identifier,
                display_name=display_name,
                handles=handles,
                group=group,
            )
        return found

    def _columns(self, table: str) -> set[str]:
        rows = self.conn.execute(f"PRAGMA table_info({table})").fetchall()
        return {str(row[1]) for row in rows}

    def _chosen(self, wanted: str) -> set[int]:
        """The rowids of the chats named ``wanted``: by name or handle, in any letter case,
        phone numbers in any formatting."""
        lowered = wanted.strip().casefold()
        names = {
            c.name
            for c in self.chats.values()
            if lowered
            and lowered in {c.name.casefold(), c.identifier.casefold(), c.display_name.casefold()}
        }
        key = handle_key(wanted)  # a number in any formatting, an address in any case
        if not names and key:
            names = {
                c.name
                for c in self.chats.values()
                if key in {handle_key(c.name), handle_key(c.identifier)}
            }
        if len(names) == 1:
            return {c.rowid for c in self.chats.values() if c.name in names}
        if names:
            shown = ", ".join(sorted(names))
            msg = f"{wanted!r} matches several conversations ({shown}); give one of these names"
            raise ChatNotFoundError(msg)
        known = sorted({c.name for c in self.chats.values()})
        shown = ", ".join(known[:10]) + (", …" if len(known) > 10 else "")
        msg = f"no conversation named {wanted!r} in the database; conversations found: {shown}"
        raise ChatNotFoundError(msg)

    # --- the message rows ---------------------------------------------------------------

    def _query(self, chosen: set[int] | None) -> tuple[str, list[int]]:
        """The SELECT of the message rows (``_Row``'s columns, in its order), with the chat
        each is in and its attachments."""
        columns = self._columns("message")
        missing = [c for c in _REQUIRED_COLUMNS if c not in columns]
        if missing:
            msg = (
                f"the message table has no column {', '.join(missing)}: not a Messages chat.db "
                "this pullaway can read"
            )
            raise ParseError(msg)
        selected = ["m.ROWID", "CAST(c.chat_id AS INTEGER)", "m.text", "CAST(m.date AS INTEGER)"]
        for name in _Row._fields[4:-2]:
            if name in _INTEGER_COLUMNS:
                selected.append(
                    f"COALESCE(CAST(m.{name} AS INTEGER), 0)" if name in columns else "0"
                )
            else:
                selected.append(f"m.{name}" if name in columns else "NULL")
        selected += ["COALESCE(f.files, 0)", "COALESCE(f.stickers, 0)"]
        sql = (
            f"SELECT {', '.join(selected)} FROM message AS m {self._chat_join()}"
            f" {self._attachments_join()}"
        )
        where, params = _where(chosen)
        return f"{sql} {where} ORDER BY m.ROWID", params

    def _attachments_join(self) -> str:
        """Each message's number of attachments, and whether one is a sticker."""
        if not {"message_attachment_join", "attachment"} <= self.tables:
            return "LEFT JOIN (SELECT NULL AS message_id, 0 AS files, 0 AS stickers) AS f ON 0"
        sticker = "a.is_sticker" if "is_sticker" in self._columns("attachment") else "0"
        return (
            "LEFT JOIN (SELECT j.message_id, COUNT(*) AS files,"
            f" MAX(COALESCE(CAST({sticker} AS INTEGER), 0)) AS stickers"
            " FROM message_attachment_join AS j LEFT JOIN attachment AS a"
            " ON a.ROWID = j.attachment_id GROUP BY j.message_id) AS f ON f.message_id = m.ROWID"
        )

    @staticmethod
    def _chat_join() -> str:
        return (
            "LEFT JOIN (SELECT message_id, MIN(chat_id) AS chat_id FROM chat_message_join"
            " GROUP BY message_id) AS c ON c.message_id = m.ROWID"
        )

    def _count(self, chosen: set[int] | None) -> int:
        where, params = _where(chosen)
        joined = self._chat_join() if chosen is not None else ""
        sql = f"SELECT COUNT(*) FROM message AS m {joined} {where}"
        (count,) = self.conn.execute(sql, params).fetchone()
        return int(count)

    def _plain(self, batch: list[tuple[Any, ...]]) -> dict[int, str]:
        """The batch's plain rows, by ROWID, with their text: visible text (in ``text``, or
        else in ``attributedBody``) in a known conversation, at a readable date, by a known
        sender, and nothing else (no reaction, event, attachment, audio, unsent part or
        failed send). ``_add_plain`` reads them as ``_add`` would, a batch at a time; a
        chat's messages are nearly all plain."""
        chats, handles = self.chats, self.handles
        found = {}
        for row in batch:
            if (
                row[1] not in chats
                or type(row[3]) is not int
                or not (0 < row[3] < _MAX_SECONDS or NANOSECONDS_FROM <= row[3] < _MAX_NANOSECONDS)
                or not (row[4] or row[5] in handles)
                or (row[4] and row[_ERROR])
                or any(_NOT_PLAIN(row))
            ):
                continue
            text = row[2]
            if type(text) is str and text and _OBJECT_REPLACEMENT not in text:
                found[row[0]] = text
            elif (text is None or text == "") and type(row[_BODY]) is bytes:
                text, unreadable = _body_text(row[_BODY])
                if text is not None and not unreadable:
                    found[row[0]] = text
        return found

    def _add_plain(self, read: _Read, rows: list[tuple[Any, ...]], texts: dict[int, str]) -> None:
        """Plain rows (``_plain``, which found their ``texts``) as messages: text, from their
        sender, in their chat."""
        if not rows:
            return
        rowid, chat_id, _, date, from_me, handle_id = list(zip(*rows, strict=True))[:6]
        frame = pl.DataFrame(
            [rowid, chat_id, [texts[i] for i in rowid], date, from_me, handle_id],
            schema={
                "rowid": pl.Int64,
                "chat_id": pl.Int64,
                "text": pl.String,
                "date": pl.Int64,
                "from_me": pl.Int64,
                "handle_id": pl.Int64,
            },
            orient="col",
        )
        names = {rowid: chat.name for rowid, chat in self.chats.items()}
        stamp = pl.col("date")
        micros = pl.when(stamp >= NANOSECONDS_FROM).then(stamp // 1000).otherwise(stamp * 10**6)
        handle = pl.col("handle_id").replace_strict(self.handles, default=None)
        frame = frame.select(
            chat=pl.col("chat_id").replace_strict(names, return_dtype=pl.String),
            _utc=APPLE_EPOCH_US + micros,
            sender=pl.when(pl.col("from_me") != 0).then(pl.lit(ME)).otherwise(handle),
            kind=pl.lit("text"),
            text="text",
            source_line="rowid",
        )
        read.rows.frames.append(frame)
        others = frame.filter(pl.col("sender") != ME).select("chat", "sender").unique()
        for chat, sender in others.iter_rows():
            read.participants.setdefault(chat, set()).add(sender)

    def _add(self, read: _Read, rowid: int, row: _Row) -> None:
        raw = _string(row.text) or ""
        chat = None if row.chat_id is None else self.chats.get(row.chat_id)
        name = None if chat is None else chat.name
        if row.associated_message_type in _REACTIONS:
            read.skipped.append(Skipped.of(rowid, REACTION, raw or "(a tapback)", chat=name))
            return
        utc_us = _instant_us(row.date)
        sender = ME if row.is_from_me else self.handles.get(row.handle_id)
        if chat is not None and sender is None and not chat.group:  # the one other person
            sender = chat.handles[0] if chat.handles else chat.identifier or None
        reason = ""
        if chat is None:
            reason = "in no conversation"
        elif utc_us is None:
            reason = "no date"
        elif row.is_from_me and row.error:
            reason = "never delivered"
        elif sender is None and not row.item_type:
            reason = "no sender"
        if reason or chat is None or utc_us is None:
            read.skipped.append(Skipped.of(rowid, reason, raw, chat=name))
            return
        if row.item_type:
            other = self.handles.get(row.other_handle, "someone")
            event = _event_text(row.item_type, row.group_action_type, other, row.group_title)
            read.rows.add(rowid, chat.name, utc_us, sender, "system", event)
            return
        kind, text, unreadable = _content(row, raw)
        if kind is None:
            read.skipped.append(Skipped.of(rowid, "empty message", raw, chat=name))
            return
        if unreadable:
            read.unreadable.append(rowid)
        read.rows.add(rowid, chat.name, utc_us, sender, kind, text)
        if sender is not None and sender != ME:
            read.participants.setdefault(chat.name, set()).add(sender)


class _Row(NamedTuple):
    """One row of ``_Database._query``: the integer columns are ints (0 when NULL); ``text``,
    ``attributedBody``, ``group_title``, ``balloon_bundle_id`` and ``message_summary_info`` are
    whatever SQLite holds."""

    rowid: int
    chat_id: int | None
    text: object
    date: int | None
    is_from_me: int
    handle_id: int
    attributedBody: object
    cache_has_attachments: int
    is_audio_message: int
    item_type: int
    group_action_type: int
    other_handle: int
    group_title: object
    associated_message_type: int
    balloon_bundle_id: object
    error: int
    date_edited: int
    date_retracted: int
    message_summary_info: object
    files: int
    stickers: int


_ERROR: Final = _Row._fields.index("error")
_BODY: Final = _Row._fields.index("attributedBody")
_NOT_PLAIN: Final = itemgetter(
    *(
        _Row._fields.index(name)
        for name in (
            "cache_has_attachments",
            "is_audio_message",
            "item_type",
            "associated_message_type",
            "date_retracted",
            "files",
        )
    )
)
"""Columns of a ``_Row`` that are 0 in a plain row (``_Database._plain``)."""


def _check_once(seen: set[int], batch: list[tuple[Any, ...]]) -> None:
    """Add the batch's ROWIDs to ``seen``; a damaged table may list one twice."""
    for row in batch:
        if row[0] in seen:
            msg = f"the message table is damaged (record {row[0]!r} twice); {HELP_COPY}"
            raise ParseError(msg)
        seen.add(row[0])


def _content(row: _Row, raw: str) -> tuple[KindName | None, str | None, bool]:
    """(kind, text, whether ``attributedBody`` could not be read) of a message row; the kind
    is None for a row with nothing in it."""
    unsent, edits = _summary(row.message_summary_info)
    text = _visible(raw)
    unreadable = False
    if text is None and row.attributedBody is not None:
        text, unreadable = _body_text(row.attributedBody)
    if text is None and edits is not None:
        text, _ = _body_text(edits)
    retracted = unsent or row.date_retracted > 0
    kind: KindName | None = None
    if text is None and retracted and not row.files:
        kind = "deleted"
    elif row.is_audio_message:
        kind = "voice"
    elif row.files or (row.cache_has_attachments and not retracted):
        kind = "sticker" if row.stickers else "media"
    elif row.associated_message_type == _STICKER_ON_MESSAGE:
        kind = "sticker"
    elif text is not None or unreadable:
        kind = "text"
    elif row.date_edited > 0:
        kind = "deleted"  # edited, and nothing left: unsent (older systems keep no "rp")
    elif _string(row.balloon_bundle_id):
        kind = "media"  # an app's message (Apple Pay, a game, Digital Touch) with no text
    return kind, text, unreadable


def _where(chosen: set[int] | None) -> tuple[str, list[int]]:
    if chosen is None:
        return "", []
    holes = ", ".join("?" for _ in chosen)
    return f"WHERE c.chat_id IN ({holes})", sorted(chosen)


def _chat_name(
    rowid: int, identifier: str, display_name: str, handles: tuple[str, ...], *, group: bool
) -> str:
    """A chat's name: its display name; else its handle (1:1) or its members' handles (group).

    >>> _chat_name(1, "+15551234567", "", ("+15551234567",), group=False)
    '+15551234567'
    >>> _chat_name(2, "chat1234", "", ("+15550000001", "a@example.com"), group=True)
    '+15550000001, a@example.com'
    """
    if display_name:
        return display_name
    if group and handles:
        return ", ".join(handles)
    return identifier or (handles[0] if handles else f"conversation {rowid}")


def _event_text(item_type: int, action: int, other: str, title: object) -> str:
    """What a group event row says, in words (its sender is who did it)."""
    if item_type == 1:
        return f"removed {other} from the conversation" if action else f"added {other}"
    if item_type == 2:
        name = _string(title)
        return f"named the conversation “{name}”" if name else "removed the conversation name"
    if item_type == 3:
        return {0: "left the conversation", 1: "changed the group photo"}.get(
            action, "removed the group photo"
        )
    return f"conversation event (item type {item_type})"


def _visible(text: str) -> str | None:
    """``text`` without the marks where attachments sit; None if nothing else is left.

    >>> _visible("\\ufffc"), _visible("\\ufffclook at this "), _visible(" hi ")
    (None, 'look at this', ' hi ')
    """
    if _OBJECT_REPLACEMENT in text:
        text = text.replace(_OBJECT_REPLACEMENT, "").strip()
    return text or None


def _body_text(body: object) -> tuple[str | None, bool]:
    """(the visible text archived in ``body``, whether it could not be read)."""
    if not isinstance(body, bytes):
        return None, True
    try:
        return _visible(attributed_text(body)), False
    except TypedStreamError:
        return None, True


def _summary(blob: object) -> tuple[bool, bytes | None]:
    """From ``message_summary_info`` (a binary property list): whether a part of the message
    was unsent (``rp``, retracted parts) and the latest edit's archived text (``ec``)."""
    if not isinstance(blob, bytes) or not blob.startswith(b"bplist"):
        return False, None
    try:
        info = plistlib.loads(blob, fmt=plistlib.FMT_BINARY)
    except _PLIST_ERRORS:
        return False, None
    if not isinstance(info, dict):
        return False, None
    unsent = bool(info.get("rp"))
    edits = info.get("ec")
    latest = None
    if isinstance(edits, dict):
        versions = edits.get("0")
        if isinstance(versions, list) and versions and isinstance(versions[-1], dict):
            found = versions[-1].get("t")
            latest = found if isinstance(found, bytes) else None
    return unsent, latest


def _instant_us(date: int | None) -> int | None:
    """A ``date`` as Unix microseconds (UTC), or None when unset or out of range.

    >>> _instant_us(700_000_000) == _instant_us(700_000_000 * 10**9)
    True
    >>> _instant_us(0) is None
    True
    """
    if date is None or date <= 0:
        return None
    found = APPLE_EPOCH_US + (date // 1000 if date >= NANOSECONDS_FROM else date * 1_000_000)
    return found if found < LATEST_US else None


def _string(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


# --- columns to the message frame -------------------------------------------------------------


def _to_messages(rows: _Rows, *, timezone: str | None) -> pl.DataFrame:
    frame = rows.frame()
    if frame.is_empty():
        return empty_messages()
    frame = frame.sort("chat", "_utc", "source_line")  # the instant: wall clocks repeat in autumn
    utc = frame.select(pl.from_epoch("_utc", time_unit="us")).to_series()
    wall, offset = local_wall_clock(utc, timezone=timezone)
    frame = frame.select(
        "chat",
        message_id=pl.lit(None, pl.String),
        timestamp=wall,
        utc_offset=offset,
        sender="sender",
        kind=pl.col("kind").cast(Kind),
        text="text",
        source_file=pl.lit(None, pl.String),
        source_line="source_line",
    )
    return with_message_ids(frame, by_instant=True)


def _chat_metas(frame: pl.DataFrame, participants: dict[str, set[str]]) -> tuple[ChatMeta, ...]:
    return tuple(
        ChatMeta(
            name=name,
            me_guess=ME,
            me_reason=ME_REASON,
            participants=tuple(sorted({ME, *participants.get(name, set())})),
        )
        for name in frame["chat"].unique(maintain_order=True).to_list()
    )


IMPORTER = Importer(
    name="imessage",
    extensions=(".db",),
    sniff=sniff,
    parse=parse,
    description="iMessage: the Mac's chat.db, or an unencrypted iPhone backup folder "
    "(read from a private copy)",
    content=messages_database,
)
