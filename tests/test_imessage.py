"""iMessage chat.db: real SQLite files with the macOS schema, built here; golden fixtures too.

``ChatDb`` writes a database with the tables and columns Messages uses (the column lists are
macOS's own). Running this file writes the golden inputs in tests/fixtures/imessage/:
``.venv/bin/python tests/test_imessage.py``; ``test_committed_fixtures_are_what_the_script_writes``
keeps the two in step.
"""

from __future__ import annotations

import json
import os
import plistlib
import shutil
import sqlite3
import stat
import sys
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from polars.testing import assert_frame_equal
from typer.testing import CliRunner

if __name__ == "__main__":  # run as a script: make conftest importable
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from conftest import FIXTURES, fixed_cases
from pullaway.cli import app
from pullaway.errors import ChatNotFoundError, ParseError, PullawayError
from pullaway.importers import Sample, imessage, progress_to, registry, sniff
from pullaway.importers.imessage import _summary, parse
from pullaway.importers.imessage import sniff as sniff_imessage
from pullaway.ingest import import_file
from pullaway.simulate.chat_db import CHAT_DB_SCHEMA as SCHEMA
from pullaway.simulate.chat_db import archived
from pullaway.store import Store
from pullaway.testing import assert_lines_accounted, progress_shares

FOLDER = FIXTURES / "imessage"

APPLE_EPOCH = datetime(2001, 1, 1, tzinfo=UTC)
ONE_TO_ONE = 45
GROUP = 43


def apple_date(when: str, *, nanoseconds: bool = True) -> int:
    """``message.date`` for a UTC time ('2024-03-14 21:00:05'): nanoseconds since 2001 (macOS
    10.13 on) or seconds (before)."""
    seconds = int((datetime.fromisoformat(when).replace(tzinfo=UTC) - APPLE_EPOCH).total_seconds())
    return seconds * 1_000_000_000 if nanoseconds else seconds


class ChatDb:
    """A chat.db being written: handles, chats, messages and attachments, by ROWID."""

    def __init__(self, path: Path, *, wal: bool = False, page_size: int = 512) -> None:
        self.path = path
        self.conn = sqlite3.connect(path)
        self.conn.execute(f"PRAGMA page_size = {page_size}")
        self.conn.execute(f"PRAGMA journal_mode = {'WAL' if wal else 'DELETE'}")
        self.conn.executescript(SCHEMA)

    @classmethod
    def reopen(cls, path: Path) -> ChatDb:
        """A chat.db written before, to add rows to."""
        db = cls.__new__(cls)
        db.path, db.conn = path, sqlite3.connect(path)
        return db

    def handle(self, rowid: int, handle: str, service: str = "iMessage") -> None:
        self.conn.execute(
            "INSERT INTO handle (ROWID, id, country, service) VALUES (?, ?, 'us', ?)",
            (rowid, handle, service),
        )

    def chat(
        self,
        rowid: int,
        identifier: str,
        *,
        handles: tuple[int, ...],
        display_name: str = "",
        style: int = ONE_TO_ONE,
        service: str = "iMessage",
    ) -> None:
        self.conn.execute(
            "INSERT INTO chat (ROWID, guid, style, state, chat_identifier, service_name,"
            " display_name) VALUES (?, ?, ?, 3, ?, ?, ?)",
            (
                rowid,
                f"{service};{'+' if style == GROUP else '-'};{identifier}",
                style,
                identifier,
                service,
                display_name,
            ),
        )
        self.conn.executemany(
            "INSERT INTO chat_handle_join (chat_id, handle_id) VALUES (?, ?)",
            [(rowid, h) for h in handles],
        )

    def message(
        self,
        rowid: int,
        chat: int | None,
        when: str | int,
        text: str | None,
        *,
        seconds: bool = False,
        **columns: Any,
    ) -> None:
        """A message row at ``when`` (UTC, '2024-03-14 21:00:05', written in nanoseconds, or
        in seconds as before macOS 10.13; or a raw ``date``)."""
        date = apple_date(when, nanoseconds=not seconds) if isinstance(when, str) else when
        values = {
            "ROWID": rowid,
            "guid": f"GUID-{rowid:04d}",
            "text": text,
            "date": date,
            "service": "iMessage",
            "is_sent": columns.get("is_from_me", 0),
            **columns,
        }
        names = ", ".join(values)
        holes = ", ".join("?" for _ in values)
        self.conn.execute(f"INSERT INTO message ({names}) VALUES ({holes})", list(values.values()))
        if chat is not None:
            self.conn.execute(
                "INSERT INTO chat_message_join (chat_id, message_id, message_date)"
                " VALUES (?, ?, ?)",
                (chat, rowid, date),
            )

    def attachment(
        self, rowid: int, message: int, name: str, mime: str, *, sticker: int = 0
    ) -> None:
        self.conn.execute(
            "INSERT INTO attachment (ROWID, guid, original_guid, filename, mime_type,"
            " transfer_name, is_sticker, total_bytes) VALUES (?, ?, ?, ?, ?, ?, ?, 1000)",
            (
                rowid,
                f"at_{rowid}",
                f"at_{rowid}",
                f"~/Library/Messages/Attachments/{name}",
                mime,
                name,
                sticker,
            ),
        )
        self.conn.execute(
            "INSERT INTO message_attachment_join (message_id, attachment_id) VALUES (?, ?)",
            (message, rowid),
        )
        self.conn.execute(
            "UPDATE message SET cache_has_attachments = 1 WHERE ROWID = ?", (message,)
        )

    def close(self) -> Path:
        self.conn.commit()
        self.conn.close()
        return self.path


def summary_info(*, unsent: bool = False, edits: tuple[str, ...] = ()) -> bytes:
    """``message_summary_info``: a binary property list; ``rp`` lists unsent parts, ``ec``
    each edited part's versions."""
    import plistlib

    info: dict[str, Any] = {"amc": 1, "ust": True}
    if unsent:
        info["rp"] = [0]
    if edits:
        info["ec"] = {"0": [{"d": 732142800.0 + n, "t": archived(t)} for n, t in enumerate(edits)]}
    return plistlib.dumps(info, fmt=plistlib.FMT_BINARY)


# --- the golden inputs ------------------------------------------------------------------------

JAKE = "+15551234567"


def write_one_to_one(path: Path) -> Path:
    """One person over iMessage and SMS (one conversation), old and new dates, text only in
    attributedBody, tapbacks, attachments, a voice message, an unsent and an edited message,
    and rows that are skipped (no chat, no date, not delivered, empty)."""
    db = ChatDb(path)
    db.handle(1, JAKE)
    db.handle(2, JAKE, service="SMS")
    db.chat(1, JAKE, handles=(1,))
    db.chat(2, JAKE, handles=(2,), service="SMS")
    db.message(
        1, 2, "2016-05-01 12:00:00", "hey, you up?", seconds=True, handle_id=2, service="SMS"
    )
    db.message(
        2,
        2,
        "2016-05-01 12:03:10",
        "yes! café?",
        seconds=True,
        handle_id=2,
        is_from_me=1,
        service="SMS",
    )
    db.message(
        3,
        1,
        "2024-03-14 21:00:05",
        None,
        handle_id=1,
        attributedBody=archived("miss you 😘"),
    )
    db.message(
        4,
        1,
        "2024-03-14 21:01:00",
        "Loved “miss you 😘”",
        handle_id=1,
        is_from_me=1,
        associated_message_type=2000,
        associated_message_guid="p:0/GUID-0003",
    )
    db.message(
        5,
        1,
        "2024-03-14 21:02:00",
        None,
        handle_id=1,
        is_from_me=1,
        attributedBody=archived("so long " + "ä" * 100, mutable=True),
    )
    db.message(6, 1, "2024-03-14 21:03:00", "\ufffc", handle_id=1)
    db.attachment(1, 6, "IMG_0412.HEIC", "image/heic")
    db.message(7, 1, "2024-03-14 21:04:00", "\ufffclook at this", handle_id=1)
    db.attachment(2, 7, "IMG_0413.HEIC", "image/heic")
    db.message(
        8,
        1,
        "2024-03-14 21:05:00",
        "\ufffc",
        handle_id=1,
        is_from_me=1,
        is_audio_message=1,
    )
    db.attachment(3, 8, "Audio Message.caf", "audio/x-caf")
    db.message(9, 1, "2024-03-14 21:06:00", "\ufffc", handle_id=1)
    db.attachment(4, 9, "sticker.heic", "image/heic", sticker=1)
    db.message(
        10,
        1,
        "2024-03-14 21:07:00",
        None,
        handle_id=1,
        is_from_me=1,
        date_edited=apple_date("2024-03-14 21:07:30"),
        message_summary_info=summary_info(unsent=True),
    )
    db.message(
        11,
        1,
        "2024-03-14 21:08:00",
        None,
        handle_id=1,
        is_from_me=1,
        attributedBody=archived("see you at 8"),
        date_edited=apple_date("2024-03-14 21:08:40"),
        message_summary_info=summary_info(edits=("see you at 7", "see you at 8")),
    )
    db.message(
        12,
        1,
        "2024-03-14 21:09:00",
        "Removed a heart from “miss you 😘”",
        handle_id=1,
        is_from_me=1,
        associated_message_type=3000,
    )
    db.message(13, None, "2024-03-14 21:10:00", "left over", handle_id=1)
    db.message(14, 1, 0, "no date at all", handle_id=1)
    db.message(
        15,
        1,
        "2024-03-14 21:11:00",
        "did it go through?",
        handle_id=1,
        is_from_me=1,
        error=22,
    )
    db.message(16, 1, "2024-03-14 21:12:00", None, handle_id=1)
    db.message(
        17,
        1,
        "2024-03-14 21:13:00",
        None,
        handle_id=1,
        attributedBody=b"\x04\x0bstreamtyped\x81\xe8\x03\x84\x01@\x84\x84",
    )
    db.message(18, 1, "2024-03-15 07:30:00", "good morning ☀️", handle_id=1)
    return db.close()


ALEX = "alex@example.com"
SAM = "+447700900123"


def write_group_named(path: Path) -> Path:
    """A named group (events: added, named, left; messages from two people and Me) and a 1:1
    conversation with an e-mail handle."""
    db = ChatDb(path)
    db.handle(1, JAKE)
    db.handle(2, ALEX)
    db.handle(3, SAM)
    db.chat(1, "chat684209876543210", handles=(1, 2, 3), display_name="Weekend crew", style=GROUP)
    db.chat(2, ALEX, handles=(2,))
    db.message(
        1,
        1,
        "2024-06-07 17:00:00",
        None,
        handle_id=0,
        is_from_me=1,
        item_type=1,
        group_action_type=0,
        other_handle=3,
    )
    db.message(
        2,
        1,
        "2024-06-07 17:00:30",
        None,
        handle_id=0,
        is_from_me=1,
        item_type=2,
        group_title="Weekend crew",
    )
    db.message(3, 1, "2024-06-07 17:01:00", "who's in for saturday?", handle_id=0, is_from_me=1)
    db.message(4, 1, "2024-06-07 17:02:00", "me!", handle_id=1)
    db.message(
        5,
        1,
        "2024-06-07 17:02:30",
        None,
        handle_id=3,
        attributedBody=archived("count me in 🙌"),
    )
    db.message(
        6,
        1,
        "2024-06-07 17:03:00",
        "Liked “me!”",
        handle_id=2,
        associated_message_type=2001,
    )
    db.message(
        7,
        1,
        "2024-06-07 17:04:00",
        "Reacted 🥳 to “me!”",
        handle_id=3,
        associated_message_type=2006,
        associated_message_emoji="🥳",
    )
    db.message(8, 1, "2024-06-08 09:00:00", None, handle_id=3, item_type=3, group_action_type=0)
    db.message(9, 2, "2024-06-08 10:15:00", "are you coming tonight?", handle_id=2)
    db.message(10, 2, "2024-06-08 10:20:00", "yes, around 9", handle_id=2, is_from_me=1)
    return db.close()


GOLDEN_INPUTS = {"one_to_one.db": write_one_to_one, "group_named.db": write_group_named}


def write_fixtures(folder: Path) -> None:
    for name, write in GOLDEN_INPUTS.items():
        (folder / name).unlink(missing_ok=True)
        write(folder / name)


def _dump(path: Path) -> list[str]:
    with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as conn:
        lines = list(conn.iterdump())
    conn.close()
    return lines


@pytest.fixture(autouse=True)
def utc_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without --timezone, the computer's zone is used: UTC here unless a test says otherwise."""
    monkeypatch.setenv("TZ", "UTC")


@pytest.fixture
def one_to_one(tmp_path: Path) -> Path:
    return write_one_to_one(tmp_path / "chat.db")


@pytest.fixture
def group_named(tmp_path: Path) -> Path:
    return write_group_named(tmp_path / "chat.db")


def rows_by_record(path: Path, **options: Any) -> dict[int, dict[str, Any]]:
    result = parse(path, **options)
    assert_lines_accounted(result)
    return {r["source_line"]: r for r in result.messages.to_dicts()}


# --- the fixtures and the script ----------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(GOLDEN_INPUTS))
def test_committed_fixtures_are_what_the_script_writes(name: str, tmp_path: Path) -> None:
    fresh = GOLDEN_INPUTS[name](tmp_path / name)
    assert _dump(FOLDER / name) == _dump(fresh)


def test_fixtures_are_small() -> None:
    assert all((FOLDER / name).stat().st_size < 40_000 for name in GOLDEN_INPUTS)


# --- what is read -----------------------------------------------------------------------------


def test_text_from_the_column_and_from_attributed_body_with_old_and_new_dates(
    one_to_one: Path,
) -> None:
    rows = rows_by_record(one_to_one)
    assert (rows[1]["timestamp"], rows[1]["text"], rows[1]["sender"]) == (
        datetime(2016, 5, 1, 12, 0),
        "hey, you up?",
        JAKE,
    )
    assert (rows[2]["sender"], rows[2]["text"]) == ("Me", "yes! café?")
    assert (rows[3]["timestamp"], rows[3]["text"]) == (
        datetime(2024, 3, 14, 21, 0, 5),
        "miss you 😘",
    )
    assert rows[5]["text"] == "so long " + "ä" * 100  # 208 bytes: the 0x81 length form
    assert rows[18]["text"] == "good morning ☀️"
    assert {r["chat"] for r in rows.values()} == {JAKE}  # iMessage and SMS: one conversation


def test_tapbacks_are_skipped_as_reactions_not_counted_as_messages(one_to_one: Path) -> None:
    result = parse(one_to_one)
    reactions = [(s.line, s.text) for s in result.skipped if s.reason == "reaction"]
    assert reactions == [(4, "Loved “miss you 😘”"), (12, "Removed a heart from “miss you 😘”")]
    assert not {4, 12} & set(result.messages["source_line"])


def test_attachments_voice_and_stickers(one_to_one: Path) -> None:
    rows = rows_by_record(one_to_one)
    kinds = {n: (rows[n]["kind"], rows[n]["text"]) for n in (6, 7, 8, 9)}
    assert kinds == {
        6: ("media", None),
        7: ("media", "look at this"),  # the caption stays, without the attachment's mark
        8: ("voice", None),
        9: ("sticker", None),
    }


def test_unsent_is_deleted_and_an_edit_keeps_its_latest_text(one_to_one: Path) -> None:
    rows = rows_by_record(one_to_one)
    assert (rows[10]["kind"], rows[10]["text"]) == ("deleted", None)
    assert (rows[11]["kind"], rows[11]["text"]) == ("text", "see you at 8")


def test_every_row_is_a_message_or_skipped_with_a_reason(one_to_one: Path) -> None:
    result = parse(one_to_one)
    assert result.units == 18
    assert result.unit == "record"
    assert [(s.line, s.reason) for s in result.skipped] == [
        (4, "reaction"),
        (12, "reaction"),
        (13, "in no conversation"),
        (14, "no date"),
        (15, "never delivered"),
        (16, "empty message"),
    ]
    assert_lines_accounted(result)


def test_an_unreadable_body_keeps_the_message_without_text_and_says_so(one_to_one: Path) -> None:
    result = parse(one_to_one)
    row = result.messages.filter(source_line=17).row(0, named=True)
    assert (row["kind"], row["text"], row["sender"]) == ("text", None, JAKE)
    assert "the text of 1 message could not be read from attributedBody (records 17)" in " ".join(
        result.notes
    )


def test_an_edited_message_whose_body_is_gone_takes_the_latest_edit(tmp_path: Path) -> None:
    db = ChatDb(tmp_path / "chat.db")
    db.handle(1, JAKE)
    db.chat(1, JAKE, handles=(1,))
    db.message(
        1,
        1,
        "2024-01-02 10:00:00",
        None,
        handle_id=1,
        is_from_me=1,
        date_edited=apple_date("2024-01-02 10:01:00"),
        message_summary_info=summary_info(edits=("first", "second")),
    )
    db.message(
        2,
        1,
        "2024-01-02 10:02:00",
        None,
        handle_id=1,
        is_from_me=1,
        date_edited=apple_date("2024-01-02 10:03:00"),
    )
    db.message(
        3,
        1,
        "2024-01-02 10:04:00",
        None,
        handle_id=1,
        is_from_me=1,
        date_retracted=apple_date("2024-01-02 10:05:00"),
    )
    db.message(
        4,
        1,
        "2024-01-02 10:06:00",
        None,
        handle_id=1,
        balloon_bundle_id="com.apple.DigitalTouchBalloonProvider",
    )
    db.message(5, 1, "2024-01-02 10:07:00", None, handle_id=1, associated_message_type=1000)
    rows = rows_by_record(db.close())
    assert [(rows[n]["kind"], rows[n]["text"]) for n in range(1, 6)] == [
        ("text", "second"),
        ("deleted", None),  # edited, nothing left: an unsend on a system that keeps no "rp"
        ("deleted", None),
        ("media", None),
        ("sticker", None),
    ]


def test_a_named_group_with_its_events_and_senders(group_named: Path) -> None:
    result = parse(group_named)
    group = result.messages.filter(chat="Weekend crew")
    assert group.select("source_line", "sender", "kind", "text").rows() == [
        (1, "Me", "system", f"added {SAM}"),
        (2, "Me", "system", "named the conversation “Weekend crew”"),
        (3, "Me", "text", "who's in for saturday?"),
        (4, JAKE, "text", "me!"),
        (5, SAM, "text", "count me in 🙌"),
        (8, SAM, "system", "left the conversation"),
    ]
    assert [(s.line, s.reason) for s in result.skipped] == [(6, "reaction"), (7, "reaction")]
    chats = {c.name: c for c in result.chats}
    assert set(chats) == {"Weekend crew", ALEX}
    assert chats["Weekend crew"].participants == ("+15551234567", "+447700900123", "Me", ALEX)
    assert chats[ALEX].participants == ("Me", ALEX)
    assert {c.me_guess for c in result.chats} == {"Me"}


def test_a_group_without_a_name_is_named_after_its_members(tmp_path: Path) -> None:
    db = ChatDb(tmp_path / "chat.db")
    db.handle(1, JAKE)
    db.handle(2, ALEX)
    db.chat(1, "chat111", handles=(1, 2), style=GROUP)
    db.message(1, 1, "2024-01-02 10:00:00", "hi all", handle_id=2)
    db.message(2, 1, "2024-01-02 10:01:00", "a message whose sender is unknown")
    result = parse(db.close())
    assert result.messages["chat"].to_list() == [f"{JAKE}, {ALEX}"]
    assert [(s.line, s.reason) for s in result.skipped] == [(2, "no sender")]


def test_two_handles_of_one_person_stay_two_conversations(tmp_path: Path) -> None:
    """A documented limit: chat.db does not say that a number and an address are one person."""
    db = ChatDb(tmp_path / "chat.db")
    db.handle(1, JAKE)
    db.handle(2, "jake@example.com")
    db.chat(1, JAKE, handles=(1,))
    db.chat(2, "jake@example.com", handles=(2,))
    db.message(1, 1, "2024-01-02 10:00:00", "from the phone", handle_id=1)
    db.message(2, 2, "2024-01-02 10:01:00", "from the laptop", handle_id=2)
    result = parse(db.close())
    assert sorted(c.name for c in result.chats) == [JAKE, "jake@example.com"]


def test_messages_are_in_time_order_with_unique_ids(one_to_one: Path) -> None:
    frame = parse(one_to_one).messages
    assert frame["timestamp"].is_sorted()
    assert frame["message_id"].n_unique() == frame.height
    assert set(frame["source_file"]) == {str(one_to_one)}


# --- choosing a conversation --------------------------------------------------------------------


@pytest.mark.parametrize("wanted", ["Weekend crew", "WEEKEND CREW", "chat684209876543210"])
def test_chat_by_display_name_or_identifier(group_named: Path, wanted: str) -> None:
    result = parse(group_named, chat=wanted)
    assert set(result.messages["chat"]) == {"Weekend crew"}
    assert result.units == 8
    assert "not read: 2 records of other conversations (not chosen)" in result.notes
    assert_lines_accounted(result)


@pytest.mark.parametrize("wanted", [ALEX, "Alex@Example.com"])
def test_chat_by_email_handle(group_named: Path, wanted: str) -> None:
    result = parse(group_named, chat=wanted)
    assert result.messages.select("sender", "text").rows() == [
        (ALEX, "are you coming tonight?"),
        ("Me", "yes, around 9"),
    ]


@pytest.mark.parametrize("wanted", [JAKE, "(555) 123-4567", "+1 555-123-4567", "5551234567"])
def test_chat_by_phone_number_in_any_formatting(one_to_one: Path, wanted: str) -> None:
    result = parse(one_to_one, chat=wanted)
    assert set(result.messages["chat"]) == {JAKE}
    assert result.units == 17  # the row in no conversation is not among them
    assert "not read: 1 record of other conversations (not chosen)" in result.notes


def test_unknown_chat_names_the_conversations_found(group_named: Path) -> None:
    with pytest.raises(ChatNotFoundError, match=r"conversations found: Weekend crew, alex@"):
        parse(group_named, chat="Nobody")


def test_a_name_two_conversations_share_by_number_is_refused(tmp_path: Path) -> None:
    db = ChatDb(tmp_path / "chat.db")
    db.handle(1, "+15551234567")
    db.handle(2, "+445551234567")
    db.chat(1, "+15551234567", handles=(1,))
    db.chat(2, "+445551234567", handles=(2,))
    with pytest.raises(ChatNotFoundError, match="matches several conversations"):
        parse(db.close(), chat="555 123 4567")


# --- time zones ---------------------------------------------------------------------------------


def test_timezone_gives_local_wall_clock_and_offsets(one_to_one: Path) -> None:
    rows = rows_by_record(one_to_one, timezone="America/New_York")
    assert (rows[1]["timestamp"], rows[1]["utc_offset"]) == (datetime(2016, 5, 1, 8), -4 * 3600)
    # 2024-03-14 is after the switch to summer time (March 10) in New York.
    assert (rows[3]["timestamp"], rows[3]["utc_offset"]) == (
        datetime(2024, 3, 14, 17, 0, 5),
        -4 * 3600,
    )
    madrid = rows_by_record(one_to_one, timezone="Europe/Madrid")
    assert (madrid[18]["timestamp"], madrid[18]["utc_offset"]) == (
        datetime(2024, 3, 15, 8, 30),
        3600,
    )


def test_without_a_zone_the_computers_is_used_and_noted(
    one_to_one: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    result = parse(one_to_one)
    assert set(result.messages["utc_offset"]) == {9 * 3600}
    assert any("this computer's time zone (Asia/Tokyo)" in n for n in result.notes)


def test_an_unknown_zone_is_a_parse_error(one_to_one: Path) -> None:
    with pytest.raises(ParseError, match="unknown time zone 'Mars/Olympus'"):
        parse(one_to_one, timezone="Mars/Olympus")


# --- the database is never written -------------------------------------------------------------


def logged_chat_db(path: Path) -> ChatDb:
    """A chat.db in WAL mode with one message in the main file, whose log is folded in no
    more: what ``add_log_only_row`` writes next stays in chat.db-wal."""
    db = ChatDb(path, wal=True, page_size=4096)
    db.handle(1, JAKE)
    db.chat(1, JAKE, handles=(1,))
    db.message(1, 1, "2024-03-14 21:00:00", "in the main file", handle_id=1)
    db.conn.commit()
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.execute("PRAGMA wal_autocheckpoint = 0")
    return db


def add_log_only_row(db: ChatDb) -> None:
    """Your reply, written to chat.db-wal only."""
    db.message(2, 1, "2024-03-14 21:05:00", "only in the log", handle_id=1, is_from_me=1)
    db.conn.commit()


def _state(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def test_rows_only_in_the_write_ahead_log_are_read_and_nothing_is_touched(tmp_path: Path) -> None:
    live = tmp_path / "live"
    live.mkdir()
    db = logged_chat_db(live / "chat.db")
    add_log_only_row(db)
    # What the user copies while Messages is open: the three files, the last two messages
    # written to chat.db-wal only.
    user = tmp_path / "Desktop"
    user.mkdir()
    for suffix in ("", "-wal", "-shm"):
        shutil.copy2(live / f"chat.db{suffix}", user / f"chat.db{suffix}")
    db.conn.close()
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy2(user / "chat.db", alone / "chat.db")
    assert [r["text"] for r in parse(alone / "chat.db").messages.to_dicts()] == ["in the main file"]
    before = _state(user)
    result = parse(user / "chat.db")
    assert result.messages["text"].to_list() == ["in the main file", "only in the log"]
    assert _state(user) == before  # same files, same bytes, same times


def test_new_rows_only_in_the_log_make_a_new_file_not_one_imported_before(
    tmp_path: Path,
) -> None:
    db = logged_chat_db(tmp_path / "chat.db")
    with Store.open(tmp_path / "s.db") as store:
        first = import_file(store, tmp_path / "chat.db").chats[0]
        add_log_only_row(db)
        later = import_file(store, tmp_path / "chat.db").chats[0]
        again = import_file(store, tmp_path / "chat.db").chats[0]
    db.conn.close()
    assert (first.added, first.already_imported) == (1, False)
    assert (later.added, later.already_imported) == (1, False)
    assert (again.added, again.already_imported) == (0, True)


def test_the_copy_is_private_and_removed_afterwards(one_to_one: Path, scratch: Path) -> None:
    seen: list[tuple[str, int, list[str]]] = []

    def look(_share: float) -> None:  # called while the copy is being read
        for folder in scratch.iterdir():
            mode = stat.S_IMODE(folder.stat().st_mode)
            seen.append((folder.name, mode, sorted(p.name for p in folder.iterdir())))

    with progress_to(look):
        parse(one_to_one)
    assert seen
    name, mode, files = seen[0]
    assert name.startswith("pullaway-imessage-")
    assert (mode, files) == (0o700, [one_to_one.name])
    assert list(scratch.iterdir()) == []


# --- bad input ----------------------------------------------------------------------------------


def test_not_sqlite_is_a_parse_error(tmp_path: Path) -> None:
    path = tmp_path / "chat.db"
    path.write_text("12/03/2024, 10:00 - Jake: hi\n", encoding="utf-8")
    with pytest.raises(ParseError, match="not a SQLite database") as caught:
        parse(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("size", [0, 9, 100, 1000, 4096])
def test_a_truncated_database_is_a_parse_error(one_to_one: Path, tmp_path: Path, size: int) -> None:
    path = tmp_path / "cut.db"
    path.write_bytes(one_to_one.read_bytes()[:size])
    with pytest.raises(ParseError, match=r"cut short|damaged|not a Messages chat\.db") as caught:
        parse(path)
    assert "\n" not in str(caught.value)
    assert str(caught.value).startswith(f"{path}: ")


def test_another_sqlite_database_is_a_parse_error(tmp_path: Path) -> None:
    with Store.open(tmp_path / "store.db"):
        pass
    with pytest.raises(ParseError, match=r"a SQLite database, but not a Messages chat\.db"):
        parse(tmp_path / "store.db")


def test_a_message_table_without_its_columns_is_a_parse_error(tmp_path: Path) -> None:
    path = tmp_path / "chat.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(
            "CREATE TABLE message (ROWID INTEGER PRIMARY KEY, body TEXT);"
            "CREATE TABLE chat (ROWID INTEGER PRIMARY KEY);"
            "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY, id TEXT);"
            "CREATE TABLE chat_message_join (chat_id INTEGER, message_id INTEGER);"
        )
    conn.close()
    with pytest.raises(ParseError, match="the message table has no column text, date"):
        parse(path)


def test_an_old_database_without_the_newer_columns_is_read(tmp_path: Path) -> None:
    path = tmp_path / "chat.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(
            "CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT, text TEXT,"
            " handle_id INTEGER DEFAULT 0, date INTEGER, is_from_me INTEGER DEFAULT 0);"
            "CREATE TABLE chat (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT,"
            " chat_identifier TEXT);"
            "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT);"
            "CREATE TABLE chat_message_join (chat_id INTEGER, message_id INTEGER);"
            f"INSERT INTO handle VALUES (1, '{JAKE}');"
            f"INSERT INTO chat VALUES (1, 'iMessage;-;{JAKE}', '{JAKE}');"
            "INSERT INTO message VALUES (1, 'g1', 'back in 2012', 1, 350000000, 0);"
            "INSERT INTO chat_message_join VALUES (1, 1);"
        )
    conn.close()
    result = parse(path)
    assert result.messages.select("chat", "timestamp", "sender", "text").rows() == [
        (JAKE, datetime(2012, 2, 3, 22, 13, 20), JAKE, "back in 2012")
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_an_unreadable_database_says_what_to_do(one_to_one: Path) -> None:
    one_to_one.chmod(0)
    with pytest.raises(ParseError, match="Full Disk Access"):
        parse(one_to_one)


def test_a_companion_that_cannot_be_copied_is_a_parse_error(one_to_one: Path) -> None:
    (one_to_one.parent / "chat.db-wal").mkdir()
    with pytest.raises(ParseError, match=r"cannot read chat\.db-wal \(Is a directory\)"):
        parse(one_to_one)


# --- sniffing -----------------------------------------------------------------------------------


def test_sniff_recognises_a_chat_db_well_above_the_others(one_to_one: Path) -> None:
    sample = Sample.read(one_to_one)
    scores = {name: imp.sniff(sample) for name, imp in registry().items()}
    assert scores.pop("imessage") >= 0.9
    assert max(scores.values()) == 0.0
    assert sniff(one_to_one).name == "imessage"


def test_a_pullaway_store_or_another_sqlite_file_is_not_a_chat_db(tmp_path: Path) -> None:
    with Store.open(tmp_path / "store.db"):
        pass
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE message (text TEXT)")
    conn.close()
    for path in (tmp_path / "store.db", other):
        assert sniff_imessage(Sample.read(path)) == 0.0


def test_a_schema_beyond_the_sample_is_read_from_the_database(tmp_path: Path) -> None:
    """macOS updates add tables and columns: the schema can end up far into a big database."""
    path = tmp_path / "chat.db"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA page_size = 4096")
        conn.execute("CREATE TABLE _SqliteDatabaseProperties (key TEXT, value TEXT)")
        conn.execute("CREATE TABLE kvtable (key TEXT, value BLOB)")
        conn.execute("INSERT INTO kvtable VALUES ('filler', ?)", (bytes(200_000),))
        conn.executescript(SCHEMA)
    conn.close()
    head = path.read_bytes()[:65536]
    assert b"chat_message_join" not in head
    assert sniff(path).name == "imessage"
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["chat.db"]  # sniffing opened it immutable: no -wal, no -shm


# --- the command line ---------------------------------------------------------------------------


def test_cli_imports_a_chat_db_end_to_end(group_named: Path, tmp_path: Path) -> None:
    args = ["--store", str(tmp_path / "x.db"), "import", str(group_named), "--json"]
    args += ["--timezone", "Europe/London"]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.stderr
    chats = json.loads(result.stdout)["chats"]
    assert sorted((c["name"], c["format"], c["added"], c["me_guess"]) for c in chats) == [
        ("Weekend crew", "imessage", 6, "Me"),
        (ALEX, "imessage", 2, "Me"),
    ]
    assert chats[0]["skipped_examples"][0] == {
        "line": 6,
        "reason": "reaction",
        "text": "Liked “me!”",
    }
    again = CliRunner().invoke(app, args)
    assert all(c["added"] == 0 for c in json.loads(again.stdout)["chats"]), again.stderr


def test_cli_reports_a_bad_database_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "chat.db"
    path.write_bytes(b"SQLite format 3\x00" + bytes(50))
    result = CliRunner().invoke(
        app, ["--store", str(tmp_path / "x.db"), "import", str(path), "--format", "imessage"]
    )
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {path}: cannot read the database")
    assert result.stderr.count("\n") == 1


def test_progress_is_reported_while_reading(one_to_one: Path) -> None:
    shares = progress_shares(lambda: parse(one_to_one))
    assert shares
    assert shares[-1] == 1.0


# --- damaged databases --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return write_one_to_one(tmp_path_factory.mktemp("pristine") / "chat.db").read_bytes()


@fixed_cases(60)
@given(data=st.data())
def test_damaged_databases_raise_only_pullaway_errors_and_account_for_every_row(
    data: st.DataObject, pristine: bytes, tmp_path: Path
) -> None:
    raw = bytearray(pristine)
    for _ in range(data.draw(st.integers(1, 6), label="edits")):
        at = data.draw(st.integers(0, len(raw) - 1), label="at")
        raw[at : at + data.draw(st.integers(1, 64), label="span")] = data.draw(
            st.binary(min_size=1, max_size=64), label="bytes"
        )
    if data.draw(st.booleans(), label="cut"):
        raw = raw[: data.draw(st.integers(0, len(raw)), label="length")]
    path = tmp_path / "damaged.db"
    path.write_bytes(bytes(raw))
    try:
        result = parse(path)
    except PullawayError:
        return
    assert_lines_accounted(result)
    assert result.units >= result.messages.height


@fixed_cases(300)
@given(data=st.data())
def test_a_damaged_summary_is_read_as_no_summary(data: st.DataObject) -> None:
    blob = bytearray(summary_info(unsent=True, edits=("one", "two")))
    for _ in range(data.draw(st.integers(1, 6), label="edits")):
        blob[data.draw(st.integers(0, len(blob) - 1), label="at")] = data.draw(st.integers(0, 255))
    blob = blob[: data.draw(st.integers(0, len(blob)), label="length")]
    unsent, latest = _summary(b"bplist00" + bytes(blob[8:]))
    assert isinstance(unsent, bool)
    assert latest is None or isinstance(latest, bytes)


if __name__ == "__main__":
    write_fixtures(FOLDER)
    print(f"wrote {', '.join(GOLDEN_INPUTS)} in {FOLDER}")


@pytest.mark.parametrize(
    ("name", "hint"),
    [("chat.db", "Full Disk Access"), ("notes.txt", "check that your user may read it")],
)
def test_a_file_that_cannot_be_read_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, hint: str
) -> None:
    """macOS refuses to read ~/Library/Messages without Full Disk Access (as root here, a
    chmod would not refuse anything, so the refusal is the operating system's error)."""
    path = tmp_path / name
    path.write_bytes(b"x")

    def refused(cls: type[Sample], where: Path) -> Sample:
        raise PermissionError(1, "Operation not permitted", str(where))

    monkeypatch.setattr(Sample, "read", classmethod(refused))
    args = ["--store", str(tmp_path / "s.db"), "import", str(path)]
    result = CliRunner().invoke(app, args, terminal_width=400)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1
    assert f"{path}: cannot read it (permission denied)" in lines[0]
    assert hint in lines[0]


@pytest.mark.parametrize("name", ["one_to_one", "group_named"])
def test_plain_rows_read_a_batch_at_a_time_equal_rows_read_one_by_one(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = {"one_to_one": write_one_to_one, "group_named": write_group_named}[name](
        tmp_path / "chat.db"
    )
    fast = parse(path, timezone="UTC")
    with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as conn:
        database = imessage._Database(conn)
        sql, params = database._query(None)
        assert database._plain(conn.execute(sql, params).fetchall()), "no plain row to compare"
    monkeypatch.setattr(imessage._Database, "_plain", lambda self, batch: {})
    slow = parse(path, timezone="UTC")
    assert_frame_equal(fast.messages, slow.messages)
    assert (fast.skipped, fast.notes, fast.chats, fast.units) == (
        slow.skipped,
        slow.notes,
        slow.chats,
        slow.units,
    )


def _backup(folder: Path, *, encrypted: bool = False, messages: bool = True) -> Path:
    """An iPhone backup folder as Finder or iTunes writes it: Manifest.db and Manifest.plist,
    and the files under the first two digits of their hashed names (here just sms.db, and a
    photo that must not be read)."""
    folder.mkdir()
    with closing(sqlite3.connect(folder / "Manifest.db")) as conn:
        conn.execute(
            "CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT,"
            " relativePath TEXT, flags INTEGER, file BLOB)"
        )
        conn.commit()
    with (folder / "Manifest.plist").open("wb") as fh:
        plistlib.dump({"IsEncrypted": encrypted, "Version": "10.0"}, fh)
    (folder / "Info.plist").write_bytes(b"")
    (folder / "12").mkdir()
    (folder / "12" / "12b144c0bd44f2b3dffd9186d3f9c05b917cee25").write_bytes(b"\xff\xd8" * 100)
    if messages:
        (folder / "3d").mkdir()
        write_one_to_one(folder / "3d" / "3d0d7e5fb2ce288813306e4d4636395e047a3d28")
    return folder


def test_an_iphone_backup_folder_is_read_through_its_messages_database(tmp_path: Path) -> None:
    backup = _backup(tmp_path / "00008030-001A2B3C4D5E802E")
    assert sniff(backup).name == "imessage"
    from_backup = parse(backup, timezone="UTC")
    alone = parse(write_one_to_one(tmp_path / "chat.db"), timezone="UTC")
    assert_frame_equal(from_backup.messages.drop("source_file"), alone.messages.drop("source_file"))
    assert from_backup.messages["source_file"][0].endswith(
        "3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28"
    )
    with Store.open(tmp_path / "s.db") as store:
        first = import_file(store, backup, timezone="UTC").chats[0]
        # A new photo in the backup does not make it a new file: only the messages count.
        (backup / "12" / "12b144c0bd44f2b3dffd9186d3f9c05b917cee25").write_bytes(b"other")
        again = import_file(store, backup, timezone="UTC").chats[0]
    assert first.added == alone.messages.height
    assert (again.added, again.already_imported) == (0, True)


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"encrypted": True}, "an encrypted iPhone backup: .* unencrypted backup"),
        ({"messages": False}, r"an iPhone backup without its messages database \(3d/3d0d7e"),
    ],
)
def test_a_backup_that_cannot_be_read_says_why(
    tmp_path: Path, options: dict[str, bool], match: str
) -> None:
    backup = _backup(tmp_path / "backup", **options)
    assert sniff(backup).name == "imessage"
    with pytest.raises(ParseError, match=match) as caught:
        parse(backup)
    assert "\n" not in str(caught.value)
    assert str(backup) in str(caught.value)
    result = CliRunner().invoke(app, ["--store", str(tmp_path / "s.db"), "import", str(backup)])
    assert result.exit_code == 1
    assert "iPhone backup" in result.output
