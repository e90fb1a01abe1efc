"""iMessage handles named from Contacts (a Mac's AddressBook, or an iPhone backup's), and
chat.db read from a zip with what goes beside it.

The databases are real SQLite files with the tables and columns Contacts uses (``ZABCD…``
Core Data tables on a Mac, ``ABPerson`` and ``ABMultiValue`` on an iPhone), written here.
"""

from __future__ import annotations

import json
import shlex
import shutil
import sqlite3
import stat
import tempfile
import zipfile
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import fixed_cases
from pullaway.cli import app
from pullaway.errors import ParseError
from pullaway.importers import Sample, imessage, sniff
from pullaway.importers._contacts import (
    BACKUP_CONTACTS,
    Card,
    _names,
    contacts_files,
    handle_key,
    read_contacts,
)
from pullaway.importers._sqlite import private_copy
from pullaway.importers.imessage import parse
from pullaway.simulate.chat_db import write_iphone_contacts
from test_imessage import GROUP, ChatDb, _backup

if TYPE_CHECKING:
    import polars as pl

LEO_PHONE = "+15551234567"
LEO_MAIL = "leo@icloud.com"
SAM = "+447700900123"
STRANGER = "+15550000009"


def write_messages(path: Path) -> Path:
    """Leo over iMessage from his phone and from his Apple ID (two conversations), a group
    with Leo and Sam, and someone who is not in Contacts."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = ChatDb(path)
    db.handle(1, LEO_PHONE)
    db.handle(2, LEO_MAIL)
    db.handle(3, SAM)
    db.handle(4, STRANGER)
    db.chat(1, LEO_PHONE, handles=(1,))
    db.chat(2, LEO_MAIL, handles=(2,))
    db.chat(3, "chat555", handles=(1, 3), style=GROUP)
    db.chat(4, STRANGER, handles=(4,))
    db.message(1, 1, "2024-03-14 21:00:00", "hey", handle_id=1)
    db.message(2, 2, "2024-03-14 21:05:00", "from the laptop now", handle_id=2)
    db.message(3, 1, "2024-03-14 21:06:00", "ok!", handle_id=1, is_from_me=1)
    db.message(4, 3, "2024-03-15 10:00:00", "brunch?", handle_id=3)
    db.message(5, 3, "2024-03-15 10:01:00", "yes", handle_id=1)
    db.message(6, 4, "2024-03-16 09:00:00", "your parcel is waiting", handle_id=4)
    return db.close()


def write_mac_contacts(path: Path, cards: list[tuple[str, str, list[str], list[str]]]) -> Path:
    """A Mac Contacts database: cards of (first, last, phones, e-mails)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(path)) as conn:
        conn.executescript(
            """
            CREATE TABLE ZABCDRECORD (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, ZFIRSTNAME VARCHAR,
             ZLASTNAME VARCHAR, ZMIDDLENAME VARCHAR, ZNICKNAME VARCHAR, ZORGANIZATION VARCHAR);
            CREATE TABLE ZABCDPHONENUMBER (Z_PK INTEGER PRIMARY KEY, ZOWNER INTEGER,
             ZFULLNUMBER VARCHAR, ZLABEL VARCHAR);
            CREATE TABLE ZABCDEMAILADDRESS (Z_PK INTEGER PRIMARY KEY, ZOWNER INTEGER,
             ZADDRESS VARCHAR, ZADDRESSNORMALIZED VARCHAR, ZLABEL VARCHAR);
            """
        )
        for pk, (first, last, phones, mails) in enumerate(cards, 1):
            conn.execute(
                "INSERT INTO ZABCDRECORD (Z_PK, ZFIRSTNAME, ZLASTNAME) VALUES (?, ?, ?)",
                (pk, first, last),
            )
            for phone in phones:
                conn.execute(
                    "INSERT INTO ZABCDPHONENUMBER (ZOWNER, ZFULLNUMBER, ZLABEL)"
                    " VALUES (?, ?, '_$!<Mobile>!$_')",
                    (pk, phone),
                )
            for mail in mails:
                conn.execute(
                    "INSERT INTO ZABCDEMAILADDRESS (ZOWNER, ZADDRESS, ZADDRESSNORMALIZED)"
                    " VALUES (?, ?, ?)",
                    (pk, mail, mail.lower()),
                )
        conn.commit()
    return path


CARDS = [
    ("Leo", "Martin", ["(555) 123-4567"], ["Leo@iCloud.com"]),
    ("Sam", "", ["+44 7700 900123"], []),
    ("Nobody", "Here", [], []),  # a card without a handle names no one
]


@pytest.fixture
def mac_home(tmp_path: Path) -> Path:
    """A Mac home folder: Messages' chat.db and Contacts' databases (the local one, empty
    here, and an iCloud account's under Sources/)."""
    home = tmp_path / "home"
    write_messages(home / "Library" / "Messages" / "chat.db")
    book = home / "Library" / "Application Support" / "AddressBook"
    write_mac_contacts(book / "AddressBook-v22.abcddb", [])
    write_mac_contacts(book / "Sources" / "6F1E-ACCOUNT" / "AddressBook-v22.abcddb", CARDS)
    return home


def chats_of(messages: pl.DataFrame) -> dict[str, list[tuple[str, str]]]:
    """(sender, text) of each chat's messages, in order."""
    found: dict[str, list[tuple[str, str]]] = {}
    for chat, sender, text in messages.select("chat", "sender", "text").iter_rows():
        found.setdefault(chat, []).append((sender, text))
    return found


def test_a_macs_contacts_name_the_handles_and_join_one_persons_chats(mac_home: Path) -> None:
    result = parse(mac_home / "Library" / "Messages" / "chat.db", timezone="UTC")
    assert chats_of(result.messages) == {
        "Leo Martin": [("Leo Martin", "hey"), ("Leo Martin", "from the laptop now"), ("Me", "ok!")],
        "Leo Martin, Sam": [("Sam", "brunch?"), ("Leo Martin", "yes")],
        STRANGER: [(STRANGER, "your parcel is waiting")],
    }
    assert "names from your contacts (AddressBook-v22.abcddb): 3 of 4 handles" in result.notes
    assert (
        f"Leo Martin: 2 conversations with one contact, read as one ({LEO_PHONE}, {LEO_MAIL})"
        in result.notes
    )
    by_name = {meta.name: meta.participants for meta in result.chats}
    assert by_name["Leo Martin"] == ("Leo Martin", "Me")


def test_chat_finds_a_contacts_conversations_by_name_or_by_any_of_his_handles(
    mac_home: Path,
) -> None:
    database = mac_home / "Library" / "Messages" / "chat.db"
    for wanted in ("leo martin", "555-123-4567", LEO_MAIL):
        result = parse(database, chat=wanted, timezone="UTC")
        assert result.messages["chat"].unique().to_list() == ["Leo Martin"], wanted
        assert result.messages.height == 3


def test_contacts_beside_a_copied_chat_db_are_read(tmp_path: Path) -> None:
    """chat.db copied out of Library (no Full Disk Access), with the iPhone's or the Mac's
    Contacts database put beside it."""
    database = write_messages(tmp_path / "copied" / "chat.db")
    write_iphone_contacts(tmp_path / "copied" / "AddressBook.sqlitedb", CARDS)
    result = parse(database, timezone="UTC")
    assert set(result.messages["chat"]) == {"Leo Martin", "Leo Martin, Sam", STRANGER}
    assert "names from your contacts (AddressBook.sqlitedb): 3 of 4 handles" in result.notes


def test_an_iphone_backups_contacts_name_its_messages(tmp_path: Path) -> None:
    backup = _backup(tmp_path / "00008030-001A2B3C4D5E802E")
    write_iphone_contacts(backup / BACKUP_CONTACTS, [("Jake", "Doe", ["+1 555 123 4567"], [])])
    result = parse(backup, timezone="UTC")
    assert result.messages["chat"].unique().to_list() == ["Jake Doe"]
    assert set(result.messages["sender"]) == {"Jake Doe", "Me"}
    assert contacts_files(backup, backup / "3d" / "x") == [backup / BACKUP_CONTACTS]


def test_without_contacts_the_handles_stay(tmp_path: Path) -> None:
    result = parse(write_messages(tmp_path / "chat.db"), timezone="UTC")
    assert set(result.messages["chat"]) == {LEO_PHONE, LEO_MAIL, f"{LEO_PHONE}, {SAM}", STRANGER}
    assert not [note for note in result.notes if "contacts" in note]


def test_a_file_that_is_not_contacts_is_noted_and_the_import_goes_on(tmp_path: Path) -> None:
    database = write_messages(tmp_path / "chat.db")
    shutil.copyfile(database, tmp_path / "AddressBook.sqlitedb")  # a chat.db by another name
    (tmp_path / "AddressBook-v22.abcddb").write_bytes(b"not sqlite at all" * 100)
    result = parse(database, timezone="UTC")
    assert LEO_PHONE in set(result.messages["chat"])
    notes = [note for note in result.notes if note.startswith("contacts not read")]
    assert len(notes) == 2
    assert "AddressBook.sqlitedb (not a Contacts database)" in " ".join(notes)


def test_contacts_are_read_from_a_private_copy_with_its_log(tmp_path: Path) -> None:
    """Contacts is open while pullaway reads it: a card only in the write-ahead log is read,
    from a copy in an owner-only folder that is gone afterwards."""
    path = write_mac_contacts(tmp_path / "AddressBook-v22.abcddb", CARDS[:1])
    writer = sqlite3.connect(path)
    writer.execute("PRAGMA journal_mode = WAL")
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("INSERT INTO ZABCDRECORD (Z_PK, ZFIRSTNAME) VALUES (9, 'Sam')")
    writer.execute("INSERT INTO ZABCDPHONENUMBER (ZOWNER, ZFULLNUMBER) VALUES (9, ?)", (SAM,))
    writer.commit()
    assert path.with_name(path.name + "-wal").stat().st_size > 0
    with private_copy(path, prefix="pullaway-contacts-") as copy:
        folder = copy.parent
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert sorted(p.name for p in folder.iterdir())[:2] == [path.name, f"{path.name}-shm"]
    assert not folder.exists()
    assert read_contacts([path]).name(SAM) == "Sam"
    writer.close()


def test_people_of_one_name_are_told_apart_and_one_person_in_two_accounts_is_one() -> None:
    cards = [
        Card("Alex", ("+1 555 000 0001",)),
        Card("Alex", ("alex@work.example",)),
        Card("Leo", ("+1 555 123 4567", "leo@icloud.com")),
        Card("Leo", ("leo@icloud.com",)),  # the same Leo in another account
        Card("Leonardo", ("+15551234567",)),  # an old card for his number: the first name stays
    ]
    names = _names(cards)
    assert names[handle_key("+15550000001") or ""] == "Alex (+1 555 000 0001)"
    assert names["alex@work.example"] == "Alex (alex@work.example)"
    assert names["leo@icloud.com"] == names["5551234567"] == "Leo"


def test_reading_contacts_lists_the_files_it_read(tmp_path: Path) -> None:
    good = write_mac_contacts(tmp_path / "a" / "AddressBook-v22.abcddb", CARDS)
    missing_table = tmp_path / "b.db"
    with closing(sqlite3.connect(missing_table)) as conn:
        conn.execute("CREATE TABLE other (x)")
    contacts = read_contacts([good, missing_table])
    assert contacts.files == ("AddressBook-v22.abcddb",)
    assert contacts.name("+1-555-123-4567") == "Leo Martin"
    assert contacts.name("LEO@ICLOUD.COM") == "Leo Martin"
    assert contacts.name("+15550000009") is None
    assert contacts.notes == (
        "contacts not read from b.db (not a Contacts database); handles kept as they are",
    )


def test_the_cli_imports_a_mac_chat_db_with_names(mac_home: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    store = tmp_path / "store.db"
    database = mac_home / "Library" / "Messages" / "chat.db"
    result = runner.invoke(app, ["--store", str(store), "import", str(database), "--json"])
    assert result.exit_code == 0, result.output
    names = sorted(chat["name"] for chat in json.loads(result.stdout)["chats"])
    assert names == sorted(["Leo Martin", "Leo Martin, Sam", STRANGER])


def write_talk(path: Path, handles: tuple[str, ...], *, days: int = 8) -> Path:
    """A chat.db of one 1:1 conversation per handle, a message each way each day."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = ChatDb(path)
    row = 1
    for number, handle in enumerate(handles, start=1):
        db.handle(number, handle)
        db.chat(number, handle, handles=(number,))
        for day in range(1, days + 1):
            for from_me in (0, 1):
                when = f"2024-03-{day:02d} {10 + number}:{from_me:02d}:00"
                db.message(
                    row, number, when, f"{handle} {row}", handle_id=number, is_from_me=from_me
                )
                row += 1
    return db.close()


def _imported(runner: CliRunner, store: Path, database: Path) -> dict[str, object]:
    shown = runner.invoke(app, ["--store", str(store), "import", str(database), "--json"])
    assert shown.exit_code == 0, shown.output
    chats: list[dict[str, object]] = json.loads(shown.stdout)["chats"]
    assert len(chats) == 1
    return chats[0]


def test_contacts_given_after_an_import_name_the_stored_chat(tmp_path: Path) -> None:
    """chat.db read first without Contacts (no Full Disk Access yet), then again with them:
    the chat stored under his number, and his messages, take his name."""
    database = write_talk(tmp_path / "copied" / "chat.db", (LEO_PHONE,))
    runner, store = CliRunner(), tmp_path / "store.db"
    first = _imported(runner, store, database)
    write_iphone_contacts(database.with_name("AddressBook.sqlitedb"), CARDS)
    again = _imported(runner, store, database)
    listed = runner.invoke(app, ["--store", str(store), "chats", "--json"])
    senders = runner.invoke(app, ["--store", str(store), "messages", str(first["chat"]), "--json"])
    assert first["name"] == LEO_PHONE
    assert (again["chat"], again["name"], again["added"]) == (first["chat"], "Leo Martin", 0)
    assert [c["name"] for c in json.loads(listed.stdout)["chats"]] == ["Leo Martin"]
    rows = [json.loads(line) for line in senders.stdout.splitlines()]
    assert {row["sender"] for row in rows} == {"Leo Martin", "Me"}
    assert len(rows) == 16


def test_one_persons_two_stored_chats_get_a_merge_suggestion_that_works(tmp_path: Path) -> None:
    """His number and his Apple ID were two chats; Contacts read later makes one chat of
    both, which neither stored chat is alone. The note names the merge that makes it one."""
    database = write_talk(tmp_path / "copied" / "chat.db", (LEO_PHONE, LEO_MAIL))
    runner, store = CliRunner(), tmp_path / "store.db"
    runner.invoke(app, ["--store", str(store), "import", str(database)])
    write_iphone_contacts(database.with_name("AddressBook.sqlitedb"), CARDS)
    named = _imported(runner, store, database)
    notes = cast("list[str]", named["notes"])
    assert named["merge_candidates"] == ["15551234567", "leo-icloud-com"]
    commands = [note.split(": ")[-1] for note in notes if "pullaway merge" in note]
    assert commands == [
        f"pullaway merge {named['chat']} 15551234567 --sender '+15551234567=Leo Martin'",
        f"pullaway merge {named['chat']} leo-icloud-com --sender 'leo@icloud.com=Leo Martin'",
    ]
    for command in commands:  # run as printed
        merged = runner.invoke(app, ["--store", str(store), *shlex.split(command)[1:]])
        assert merged.exit_code == 0, merged.output
    listed = json.loads(runner.invoke(app, ["--store", str(store), "chats", "--json"]).stdout)
    assert [(c["name"], c["messages"]) for c in listed["chats"]] == [("Leo Martin", 32)]


def test_an_older_iphone_contacts_without_some_columns_still_names(tmp_path: Path) -> None:
    path = tmp_path / "AddressBook.sqlitedb"
    with closing(sqlite3.connect(path)) as conn:
        conn.executescript(
            """
            CREATE TABLE ABPerson (ROWID INTEGER PRIMARY KEY, First TEXT, Last TEXT);
            CREATE TABLE ABMultiValue (UID INTEGER PRIMARY KEY, record_id INTEGER,
             property INTEGER, identifier INTEGER, label INTEGER, value TEXT);
            INSERT INTO ABPerson VALUES (1, 'Jake', NULL);
            INSERT INTO ABMultiValue (record_id, property, value) VALUES (1, 3, '555 123 4567');
            """
        )
        conn.commit()
    assert read_contacts([path]).name(LEO_PHONE) == "Jake"


def _good_bytes() -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        return write_mac_contacts(Path(folder) / "AddressBook-v22.abcddb", CARDS).read_bytes()


_GOOD_BYTES = _good_bytes()


@fixed_cases(60)
@given(
    flips=st.lists(
        st.tuples(st.integers(0, len(_GOOD_BYTES) - 1), st.integers(0, 255)), max_size=12
    ),
    cut=st.integers(0, len(_GOOD_BYTES)),
)
def test_a_damaged_contacts_database_never_stops_the_reading(
    flips: list[tuple[int, int]], cut: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    data = bytearray(_GOOD_BYTES[:cut])
    for position, value in flips:
        if position < len(data):
            data[position] = value
    path = tmp_path_factory.mktemp("damaged") / "AddressBook-v22.abcddb"
    path.write_bytes(bytes(data))
    contacts = read_contacts([path])
    assert bool(contacts.files) != bool(contacts.notes)


# --- a zip of chat.db ------------------------------------------------------------------------


def test_a_zip_of_chat_db_with_its_log_and_contacts_is_read_like_the_files(
    tmp_path: Path,
) -> None:
    """chat.db zipped to move it off the Mac: with its -wal (rows only there) and a Contacts
    database beside it, in a folder of the zip; read as the same files unzipped are."""
    from test_imessage import add_log_only_row, logged_chat_db

    files = tmp_path / "Messages"
    files.mkdir()
    db = logged_chat_db(files / "chat.db")
    add_log_only_row(db)
    write_mac_contacts(files / "AddressBook-v22.abcddb", [("Jake", "Doe", ["555-123-4567"], [])])
    archive = tmp_path / "Messages.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(files.iterdir()):
            zf.write(path, f"Messages/{path.name}")
        zf.writestr("__MACOSX/Messages/._chat.db", b"\x00\x05\x16\x07 AppleDouble")
    db.conn.close()
    assert sniff(archive).name == "imessage"
    zipped, unzipped = parse(archive, timezone="UTC"), parse(files / "chat.db", timezone="UTC")
    assert zipped.messages.drop("source_file").equals(unzipped.messages.drop("source_file"))
    assert zipped.messages["text"].to_list() == ["in the main file", "only in the log"]
    assert set(zipped.messages["chat"]) == {"Jake Doe"}
    assert set(zipped.messages["source_file"]) == {f"{archive}/Messages/chat.db"}
    assert zipped.notes == unzipped.notes


def test_a_zip_without_a_messages_database_is_not_imessage(tmp_path: Path) -> None:
    archive = tmp_path / "other.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("chat.db", b"not a database at all")
        zf.writestr("notes.txt", "hello\n")
    assert imessage.sniff(Sample.read(archive)) == 0.0
    with pytest.raises(ParseError, match=r"no chat\.db or sms\.db inside the zip"):
        parse(archive)


def test_the_cli_imports_a_zipped_chat_db_and_leaves_no_copy(
    mac_home: Path, tmp_path: Path, scratch: Path
) -> None:
    archive = tmp_path / "chat.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(mac_home / "Library" / "Messages" / "chat.db", "chat.db")
    store = tmp_path / "store.db"
    result = CliRunner().invoke(app, ["--store", str(store), "import", str(archive), "--json"])
    assert result.exit_code == 0, result.output
    chats = json.loads(result.stdout)["chats"]
    assert sum(chat["added"] for chat in chats) == 6
    assert list(scratch.iterdir()) == []


def test_a_damaged_zip_of_chat_db_says_so_in_one_line(tmp_path: Path) -> None:
    """A zip whose chat.db does not match its checksum, and one whose chat.db is cut short:
    each is one error naming the zip (and the member), never a path in a temporary folder."""
    database = write_messages(tmp_path / "chat.db")
    data = database.read_bytes()
    archive = tmp_path / "bad-crc.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("chat.db", data)
    raw = bytearray(archive.read_bytes())
    raw[len(raw) // 2] ^= 0xFF  # inside the stored chat.db, after its header
    archive.write_bytes(bytes(raw))
    with pytest.raises(ParseError, match=r"not a readable zip file \(Bad CRC-32") as crc:
        parse(archive)
    assert str(crc.value).startswith(f"{archive}:")
    short = tmp_path / "short.zip"
    with zipfile.ZipFile(short, "w") as zf:
        zf.writestr("Messages/chat.db", data[:4096])
    with pytest.raises(ParseError, match="cannot read the database") as cut:
        parse(short)
    assert str(cut.value).startswith(f"{short}/Messages/chat.db:")
    assert "pullaway-imessage" not in str(cut.value)
