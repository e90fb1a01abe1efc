"""An export imported again under another time zone adds nothing.

SMS Backup & Restore, iMessage, Messenger, Instagram, Telegram and Discord files give each
message's instant; pullaway shows it on the wall clock of a zone (``--timezone``, or this
computer's). Their message ids are keyed on the instant (``with_message_ids(by_instant=True)``),
so a newer export read in another zone (a trip, a corrected ``--timezone``) matches what is
stored. Each case imports a real fixture, then a copy that differs by a byte (so it is not the
same file) under another zone. A generic CSV keys its epoch values on the instant and its
written times on their wall clock (the last tests).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import closing
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from conftest import FIXTURES
from pullaway.ingest import import_file
from pullaway.store import Store

if TYPE_CHECKING:
    from pathlib import Path

CASES = {
    "sms_xml": FIXTURES / "sms_xml" / "two_contacts_numbers.xml",
    "imessage": FIXTURES / "imessage" / "one_to_one.db",
    "messenger": FIXTURES / "messenger" / "thread_split",
    "instagram": FIXTURES / "instagram" / "group_2022_generic.json",
    "discord": FIXTURES / "discord" / "direct_messages.json",
    "telegram": FIXTURES / "telegram" / "full_export.json",
}


def another_copy(source: Path, to: Path) -> Path:
    """A copy of ``source`` with the same messages but another file hash."""
    if source.is_dir():
        shutil.copytree(source, to)
        first = sorted(to.glob("*.json"))[0]
        first.write_bytes(first.read_bytes() + b"\n")
    elif source.suffix == ".db":
        shutil.copyfile(source, to)
        with closing(sqlite3.connect(to)) as conn:
            conn.execute("PRAGMA user_version = 7")
    else:
        to.write_bytes(source.read_bytes() + b"\n")
    return to


@pytest.mark.parametrize("format_name", sorted(CASES))
def test_a_newer_copy_read_in_another_zone_adds_nothing(format_name: str, tmp_path: Path) -> None:
    source = CASES[format_name]
    with Store.open(tmp_path / "store.db") as store:
        first = import_file(store, source, format_name=format_name, timezone="Europe/Madrid")
        again = another_copy(source, tmp_path / f"again{source.suffix}")
        second = import_file(store, again, format_name=format_name, timezone="America/New_York")
        assert sum(chat.added for chat in first.chats) > 0
        assert [chat.already_imported for chat in second.chats] == [False] * len(second.chats)
        assert [(chat.name, chat.added) for chat in second.chats] == [
            (chat.name, 0) for chat in first.chats
        ]


def test_a_telegram_export_written_in_another_zone_adds_nothing(tmp_path: Path) -> None:
    """Telegram Desktop writes ``date`` on the exporting computer's clock; an export made
    after a trip has every ``date`` shifted, and the same ``date_unixtime``."""
    export = json.loads((FIXTURES / "telegram" / "personal_chat.json").read_text("utf-8"))
    export["messages"] = [m for m in export["messages"] if "date" in m]
    shifted = json.loads(json.dumps(export))
    for message in shifted["messages"]:
        hour = int(message["date"][11:13])
        message["date"] = f"{message['date'][:11]}{(hour + 23) % 24:02d}{message['date'][13:]}"
    moved = [m for m in shifted["messages"] if m["date"][11:13] != "23"]
    shifted["messages"] = moved  # an hour back, without crossing midnight (the date is kept)
    kept = {m["id"] for m in moved}
    export["messages"] = [m for m in export["messages"] if m["id"] in kept]
    home, away = tmp_path / "home.json", tmp_path / "away.json"
    home.write_text(json.dumps(export), "utf-8")
    away.write_text(json.dumps(shifted), "utf-8")
    with Store.open(tmp_path / "store.db") as store:
        first = import_file(store, home)
        second = import_file(store, away)
    assert first.chats[0].added == len(moved) > 0
    assert second.chats[0].added == 0


MOVABLE = ("imessage", "instagram", "messenger", "sms_xml")
"""The formats whose times are always put on a zone's wall clock (Discord's only with
``--timezone``; Telegram's are the file's own)."""


def stored(store: Store) -> pl.DataFrame:
    frames = [store.messages(chat.chat_id) for chat in store.chats()]
    key = ["chat", "source_line", "message_id"]
    return pl.concat(frames).drop("source_file").sort(key)


@pytest.mark.parametrize("format_name", MOVABLE)
def test_a_chosen_zone_moves_the_stored_messages(format_name: str, tmp_path: Path) -> None:
    source = CASES[format_name]
    with Store.open(tmp_path / "store.db") as store:
        import_file(store, source, format_name=format_name, timezone="Europe/Madrid")
        again = another_copy(source, tmp_path / f"again{source.suffix}")
        moved = import_file(store, again, format_name=format_name, timezone="America/New_York")
        assert all(
            "now shown in America/New_York (were in Europe/Madrid)" in chat.notes[-1]
            for chat in moved.chats
        )
        assert [chat.added for chat in moved.chats] == [0] * len(moved.chats)
        after = stored(store)
    with Store.open(tmp_path / "fresh.db") as fresh:
        import_file(fresh, source, format_name=format_name, timezone="America/New_York")
        assert_frame_equal(after, stored(fresh))


def test_the_chat_keeps_its_zone_when_this_computer_moves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Imported at home, then a newer backup on a trip: the new messages are shown on the
    chat's clock, not on the computer's, and the note says how to change it."""
    source = FIXTURES / "sms_xml" / "two_contacts_numbers.xml"
    text = source.read_text("utf-8")
    line = text[text.rindex("<sms ") : text.rindex("/>") + 2]
    newer = line.replace('date="1688590800000"', 'date="1688677200000"')  # a day later
    assert newer != line
    trip = tmp_path / "newer.xml"
    trip.write_text(text.replace(line, f"{line}\n{newer}"), "utf-8")
    with Store.open(tmp_path / "store.db") as store:
        monkeypatch.setenv("TZ", "Europe/Madrid")
        import_file(store, source)
        monkeypatch.setenv("TZ", "Asia/Tokyo")
        away = import_file(store, trip)
        after = stored(store)
    added = [chat for chat in away.chats if chat.added]
    assert [chat.added for chat in added] == [1]
    assert added[0].notes[-1] == (
        "times shown in Europe/Madrid, this chat's time zone "
        "(this computer is in Asia/Tokyo); pass --timezone to change"
    )
    monkeypatch.setenv("TZ", "UTC")
    with Store.open(tmp_path / "fresh.db") as fresh:
        import_file(fresh, trip, timezone="Europe/Madrid")
        assert_frame_equal(after, stored(fresh))


@pytest.mark.parametrize(("away", "moved"), [("Asia/Tokyo", 3), ("Europe/Madrid", 0)])
def test_a_chat_stored_before_zones_takes_the_zone_of_its_next_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, away: str, moved: int
) -> None:
    """A chat stored before ``0004_chat_zones`` has no zone: the next import's zone becomes
    its zone and its stored messages move to it, so the chat is on one clock. In the zone
    they were shown in, nothing moves and nothing is said."""
    source = FIXTURES / "sms_xml" / "two_contacts_numbers.xml"
    path = tmp_path / "store.db"
    monkeypatch.setenv("TZ", "Europe/Madrid")
    with Store.open(path) as store:
        import_file(store, source)
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("UPDATE chats SET zone = NULL")
        conn.commit()
    monkeypatch.setenv("TZ", away)
    with Store.open(path) as store:
        again = import_file(store, another_copy(source, tmp_path / "again.xml"))
        after = stored(store)
    notes = [note for chat in again.chats for note in chat.notes if "now shown" in note]
    if moved:
        assert f"{moved} stored messages now shown in {away} (were on the clock of an earlier" in (
            " ".join(notes)
        )
    else:
        assert notes == []
    with Store.open(tmp_path / "fresh.db") as fresh:
        import_file(fresh, source, timezone=away)
        assert_frame_equal(after, stored(fresh))


def test_a_chat_stored_before_zones_with_a_merged_chat_keeps_its_clocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A chat another was merged into may hold a file's own wall clock (a WhatsApp export):
    its stored messages are not moved to the next import's zone."""
    source = FIXTURES / "sms_xml" / "two_contacts_numbers.xml"
    path = tmp_path / "store.db"
    monkeypatch.setenv("TZ", "Europe/Madrid")
    with Store.open(path) as store:
        import_file(store, source)
        store.merge("jake", "mia-chen", senders={"Mia Chen": "Jake"})
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("UPDATE chats SET zone = NULL")
        conn.commit()
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    with Store.open(path) as store:
        before = stored(store)
        again = import_file(store, another_copy(source, tmp_path / "again.xml"))
        after = stored(store)
    assert [(chat.chat_id, chat.added) for chat in again.chats] == [("jake", 0), ("jake", 0)]
    assert not [note for chat in again.chats for note in chat.notes if "now shown" in note]
    assert_frame_equal(after, before)


# -- a generic CSV: epoch values take the zone's wall clock, written times keep their own --------


def write_csv(folder: Path, rows: list[str]) -> Path:
    """A generic CSV of Leo and Maya, ``Leo.csv`` in ``folder`` (the file's name is the
    chat's); ``rows`` are ``timestamp,sender,text`` lines."""
    folder.mkdir()
    path = folder / "Leo.csv"
    path.write_text("timestamp,sender,text\n" + "".join(f"{row}\n" for row in rows), "utf-8")
    return path


def talk(start: int, count: int) -> list[str]:
    """Messages every ten minutes from 2024-03-14 20:00 UTC: epoch seconds, and every third
    one an ISO time with its offset or a naive one, as a CSV a script wrote might mix them."""
    rows = []
    for n in range(start, start + count):
        when = datetime(2024, 3, 14, 20, tzinfo=UTC) + timedelta(minutes=10 * n)
        stamp = [str(int(when.timestamp())), when.isoformat(), f"{when:%Y-%m-%d %H:%M:%S}"][n % 3]
        rows.append(f"{stamp},{'Leo' if n % 2 else 'Maya'},message {n}")
    return rows


def test_a_csv_of_epoch_values_read_again_in_another_zone_adds_nothing(tmp_path: Path) -> None:
    first = write_csv(tmp_path / "chat", talk(0, 24))
    newer = write_csv(tmp_path / "newer", talk(0, 30))
    with Store.open(tmp_path / "store.db") as store:
        home = import_file(store, first, timezone="Europe/Madrid").chats[0]
        trip = import_file(store, newer, timezone="America/New_York").chats[0]
        stored = store.messages(home.chat_id)
    assert (home.added, trip.added) == (24, 6)
    assert stored.height == 30
    assert stored.get_column("text").n_unique() == 30


def test_csv_ids_are_keyed_on_what_the_file_gives(tmp_path: Path) -> None:
    """An epoch value's id follows its instant, a written time's its wall clock: neither
    changes with the zone the file is read in."""
    from pullaway.importers.csv import parse

    path = write_csv(tmp_path / "chat", talk(0, 12))
    madrid = parse(path, timezone="Europe/Madrid").messages
    new_york = parse(path, timezone="America/New_York").messages
    assert madrid.get_column("message_id").sort().equals(new_york.get_column("message_id").sort())
    assert not madrid.get_column("timestamp").equals(new_york.get_column("timestamp"))


def test_csv_epoch_rows_stored_under_their_former_ids_are_not_added_again(
    tmp_path: Path,
) -> None:
    """Before ids of epoch values were keyed on the instant, they were keyed on the wall
    clock; a chat stored then holds those. The same file read again in the same zone is
    recognised, and only its new rows are added."""
    from pullaway.importers.csv import parse
    from pullaway.model import with_message_ids

    path = write_csv(tmp_path / "chat", talk(0, 24))
    result = parse(path, timezone="Europe/Madrid")
    former = result.messages.with_columns(
        message_id=with_message_ids(result.messages)["message_id"]
    )
    assert not former.get_column("message_id").equals(result.messages.get_column("message_id"))
    with Store.open(tmp_path / "store.db") as store:
        store.add_import(
            replace(result, messages=former), source=path, file_hash="before", format="csv"
        )
        newer = write_csv(tmp_path / "newer", talk(0, 30))
        again = import_file(store, newer, timezone="Europe/Madrid").chats[0]
        assert again.added == 6
        assert store.messages(again.chat_id).height == 30


def test_a_csv_chat_with_epoch_values_follows_a_renamed_sender(tmp_path: Path) -> None:
    """The stored rows' ids are derived again row by row (instant or wall clock) when the
    export names the sender anew, so the store ends up as if it had read one file."""
    old = write_csv(
        tmp_path / "old.csv", [r.replace(",Leo,", ",+15551234567,") for r in talk(0, 24)]
    )
    new = write_csv(tmp_path / "new", talk(12, 18))
    whole = write_csv(tmp_path / "whole", talk(0, 30))
    with Store.open(tmp_path / "store.db") as store:
        import_file(store, old, timezone="Europe/Madrid")
        later = import_file(store, new, timezone="Europe/Madrid").chats[0]
        stored = store.messages(later.chat_id)
    with Store.open(tmp_path / "whole.db") as store:
        import_file(store, whole, timezone="Europe/Madrid")
        expected = store.messages("leo")
    assert later.added == 6
    assert set(stored.get_column("sender")) == {"Leo", "Maya"}
    assert stored.get_column("message_id").sort().equals(expected.get_column("message_id").sort())
