"""Names for iMessage handles, from the Contacts database of a Mac or of an iPhone backup.

Messages knows people by handle (``+15551234567``, ``leo@icloud.com``); the names are in
Contacts. A Mac keeps them in ``~/Library/Application Support/AddressBook/`` (one
``AddressBook-v22.abcddb`` there and one per account under ``Sources/``), an iPhone backup in
``AddressBook.sqlitedb`` (``31/31bb7ba8…``). Both are SQLite, read from a private copy like
chat.db. A handle is matched by its phone number's last ten digits, or its e-mail address in
any letter case. Two handles on one card get one name, so the chats with them are one chat.
"""

from __future__ import annotations

import re
import sqlite3
from collections import defaultdict
from contextlib import closing
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from pullaway.importers._sqlite import connect_read_only, private_copy, table_names

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

MAC_FILE: Final = "AddressBook-v22.abcddb"
IPHONE_FILE: Final = "AddressBook.sqlitedb"
CONTACTS_FILES: Final = (MAC_FILE, IPHONE_FILE)
"""The names a Contacts database has, found beside a Messages database."""
BACKUP_CONTACTS: Final = "31/31bb7ba8914766d4ba40d6dfb6113c8b614be442"
"""Where an iPhone backup keeps ``AddressBook.sqlitedb``: the SHA-1 of
``HomeDomain-Library/AddressBook/AddressBook.sqlitedb``, under its first two digits."""
_PHONE_PROPERTY: Final = 3  # ABMultiValue.property of a phone number (iPhone)
_EMAIL_PROPERTY: Final = 4
_PHONE = re.compile(r"\+?[\d\s\-().\u2011]+")


def handle_key(handle: str) -> str | None:
    """The same handle however written: a phone number's last ten digits, an e-mail address
    in lower case; None for anything else.

    >>> handle_key("+1 (555) 123-4567") == handle_key("555.123.4567")
    True
    >>> handle_key(" Leo@iCloud.com "), handle_key("chat1234")
    ('leo@icloud.com', None)
    """
    compact = handle.strip()
    if "@" in compact:
        return compact.casefold()
    if not _PHONE.fullmatch(compact):
        return None
    digits = re.sub(r"\D", "", compact)
    return digits[-10:] if len(digits) >= 3 else None


@dataclass(frozen=True)
class Card:
    """One contact: the name Messages shows, and the handles (as written) on the card."""

    name: str
    handles: tuple[str, ...]


@dataclass(frozen=True)
class Contacts:
    """Contact names by handle key, and what reading them gave to tell the user."""

    names: dict[str, str] = field(default_factory=dict)
    files: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def name(self, handle: str) -> str | None:
        """The contact name of ``handle``, if a card has it."""
        key = handle_key(handle)
        return None if key is None else self.names.get(key)


def contacts_files(given: Path, database: Path) -> list[Path]:
    """The Contacts databases that go with a Messages database: in an iPhone backup folder
    (``given``), the backup's; beside ``database``, any ``AddressBook-v22.abcddb`` or
    ``AddressBook.sqlitedb``; and for ``~/Library/Messages/chat.db``, the Mac's own."""
    found = [given / BACKUP_CONTACTS] if given.is_dir() else []
    found += [database.with_name(name) for name in CONTACTS_FILES]
    library = database.parent.parent
    if database.parent.name == "Messages" and library.name == "Library":
        book = library / "Application Support" / "AddressBook"
        found += [book / MAC_FILE, *sorted(book.glob(f"Sources/*/{MAC_FILE}"))]
    unique = dict.fromkeys(path for path in found if path.is_file())
    return list(unique)


def read_contacts(paths: list[Path]) -> Contacts:
    """The names on the cards of every database in ``paths``; a file that cannot be read is
    left out, with a note (the handles then stay as they are)."""
    cards: list[Card] = []
    read: list[str] = []
    notes: list[str] = []
    for path in paths:
        try:
            with (
                private_copy(path, prefix="pullaway-contacts-") as copy,
                closing(connect_read_only(copy)) as conn,
            ):
                cards += _cards(conn)
        except (OSError, sqlite3.Error, UnicodeDecodeError, _NotContacts) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            notes.append(f"contacts not read from {path.name} ({reason}); handles kept as they are")
            continue
        read.append(path.name)
    return Contacts(names=_names(cards), files=tuple(read), notes=tuple(notes))


class _NotContacts(Exception):
    def __str__(self) -> str:
        return "not a Contacts database"


def _cards(conn: sqlite3.Connection) -> list[Card]:
    tables = table_names(conn)
    if {"zabcdrecord", "zabcdphonenumber"} <= tables:
        return _mac_cards(conn, tables)
    if {"abperson", "abmultivalue"} <= tables:
        return _iphone_cards(conn)
    raise _NotContacts


def _mac_cards(conn: sqlite3.Connection, tables: set[str]) -> list[Card]:
    names = ("ZFIRSTNAME", "ZLASTNAME", "ZORGANIZATION", "ZNICKNAME")
    people = _people_names(conn, "ZABCDRECORD", "Z_PK", names)
    handles: dict[int, list[str]] = defaultdict(list)
    sources = [("ZABCDPHONENUMBER", "ZFULLNUMBER")]
    if "zabcdemailaddress" in tables:
        sources.append(("ZABCDEMAILADDRESS", "ZADDRESS"))
    for table, column in sources:
        if column.lower() in _columns(conn, table):
            query = f"SELECT ZOWNER, {column} FROM {table} ORDER BY Z_PK"
            _add_handles(handles, conn.execute(query))
    return _named_cards(people, handles)


def _iphone_cards(conn: sqlite3.Connection) -> list[Card]:
    people = _people_names(conn, "ABPerson", "ROWID", ("First", "Last", "Organization", "Nickname"))
    handles: dict[int, list[str]] = defaultdict(list)
    query = "SELECT record_id, value FROM ABMultiValue WHERE property IN (?, ?) ORDER BY ROWID"
    _add_handles(handles, conn.execute(query, (_PHONE_PROPERTY, _EMAIL_PROPERTY)))
    return _named_cards(people, handles)


def _people_names(
    conn: sqlite3.Connection, table: str, key: str, names: tuple[str, str, str, str]
) -> dict[int, str | None]:
    """Each card's display name (``_display_name`` of first, last, company, nickname); a
    column this version of Contacts lacks reads as empty."""
    present = _columns(conn, table)
    selected = ", ".join(name if name.lower() in present else "NULL" for name in names)
    rows = conn.execute(f"SELECT {key}, {selected} FROM {table}")
    return {row[0]: _display_name(*row[1:]) for row in rows}


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {str(row[1]).lower() for row in conn.execute(f"PRAGMA table_info({table})")}


def _add_handles(handles: dict[int, list[str]], rows: Iterable[tuple[object, object]]) -> None:
    for owner, value in rows:
        if isinstance(owner, int) and isinstance(value, str) and value.strip():
            handles[owner].append(value.strip())


def _named_cards(people: dict[int, str | None], handles: dict[int, list[str]]) -> list[Card]:
    return [
        Card(name, tuple(handles[key])) for key, name in people.items() if name and handles.get(key)
    ]


def _display_name(
    first: object, last: object, organization: object, nickname: object
) -> str | None:
    """The name Messages shows for a card: first and last name, else the company, else the
    nickname.

    >>> _display_name("Leo", "Martin", None, "L"), _display_name(None, "", "Acme", None)
    ('Leo Martin', 'Acme')
    """
    words = [str(part).strip() for part in (first, last) if isinstance(part, str)]
    for name in (" ".join(w for w in words if w), organization, nickname):
        if isinstance(name, str) and name.strip():
            return " ".join(name.split())
    return None


def _names(cards: list[Card]) -> dict[str, str]:
    """Each handle key's name. Cards of one name that share a handle are one person (a card
    in two accounts); different people of one name get their first handle after it
    (``Alex (+15550000001)``). A handle on cards of different names keeps the first name."""
    by_name = _people(cards)
    names: dict[str, str] = {}
    for _, name, keys, first in sorted(
        (order, name, keys, first)
        for name, people in by_name.items()
        for order, keys, first in people
    ):
        shown = f"{name} ({first})" if len(by_name[name]) > 1 else name
        for key in sorted(keys):
            names.setdefault(key, shown)
    return names


def _people(cards: list[Card]) -> dict[str, list[tuple[int, set[str], str]]]:
    """The people of each name: (the position of their first card, their handle keys, their
    first handle as written); cards of one name are one person when they share a handle."""
    by_name: dict[str, list[tuple[int, set[str], str]]] = defaultdict(list)
    for order, card in enumerate(cards):
        keys = {key for handle in card.handles if (key := handle_key(handle))}
        if not keys:
            continue
        people = by_name[card.name]
        same = [person for person in people if person[1] & keys]
        for person in same:
            people.remove(person)
            keys |= person[1]
        earliest = min(same, default=(order, keys, card.handles[0]), key=lambda p: p[0])
        people.append((earliest[0], keys, earliest[2]))
    return by_name
