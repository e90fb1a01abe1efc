"""A Messages ``chat.db`` written from a simulated chat, with the Contacts database that names
its handle beside it, as someone copies them out of a Mac (or an iPhone backup) to import.

The tables are Messages' own (``CHAT_DB_SCHEMA``, the column lists of a recent macOS), and
``attributedBody`` is archived as Messages archives it (``archived``): on macOS 13 and later
many messages keep their text only there, so every other text is written that way.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from typing import TYPE_CHECKING, Final

import polars as pl

if TYPE_CHECKING:
    from pathlib import Path

    from pullaway.simulate.core import SimulatedChat


# The tables pullaway reads, as `sqlite3 ~/Library/Messages/chat.db .schema` shows them on a
# recent macOS (indexes and triggers left out).
CHAT_DB_SCHEMA: Final = """
CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL,
 text TEXT, replace INTEGER DEFAULT 0, service_center TEXT, handle_id INTEGER DEFAULT 0,
 subject TEXT, country TEXT, attributedBody BLOB, version INTEGER DEFAULT 0,
 type INTEGER DEFAULT 0, service TEXT, account TEXT, account_guid TEXT, error INTEGER DEFAULT 0,
 date INTEGER, date_read INTEGER, date_delivered INTEGER, is_delivered INTEGER DEFAULT 0,
 is_finished INTEGER DEFAULT 0, is_emote INTEGER DEFAULT 0, is_from_me INTEGER DEFAULT 0,
 is_empty INTEGER DEFAULT 0, is_delayed INTEGER DEFAULT 0, is_auto_reply INTEGER DEFAULT 0,
 is_prepared INTEGER DEFAULT 0, is_read INTEGER DEFAULT 0, is_system_message INTEGER DEFAULT 0,
 is_sent INTEGER DEFAULT 0, has_dd_results INTEGER DEFAULT 0,
 is_service_message INTEGER DEFAULT 0, is_forward INTEGER DEFAULT 0,
 was_downgraded INTEGER DEFAULT 0, is_archive INTEGER DEFAULT 0,
 cache_has_attachments INTEGER DEFAULT 0, cache_roomnames TEXT,
 was_data_detected INTEGER DEFAULT 0, was_deduplicated INTEGER DEFAULT 0,
 is_audio_message INTEGER DEFAULT 0, is_played INTEGER DEFAULT 0, date_played INTEGER,
 item_type INTEGER DEFAULT 0, other_handle INTEGER DEFAULT 0, group_title TEXT,
 group_action_type INTEGER DEFAULT 0, share_status INTEGER DEFAULT 0,
 share_direction INTEGER DEFAULT 0, is_expirable INTEGER DEFAULT 0,
 expire_state INTEGER DEFAULT 0, message_action_type INTEGER DEFAULT 0,
 message_source INTEGER DEFAULT 0, associated_message_guid TEXT,
 associated_message_type INTEGER DEFAULT 0, balloon_bundle_id TEXT, payload_data BLOB,
 expressive_send_style_id TEXT, associated_message_range_location INTEGER DEFAULT 0,
 associated_message_range_length INTEGER DEFAULT 0, time_expressive_send_played INTEGER,
 message_summary_info BLOB, ck_sync_state INTEGER DEFAULT 0, ck_record_id TEXT,
 ck_record_change_tag TEXT, destination_caller_id TEXT, is_corrupt INTEGER DEFAULT 0,
 reply_to_guid TEXT, sort_id INTEGER, is_spam INTEGER DEFAULT 0,
 has_unseen_mention INTEGER DEFAULT 0, thread_originator_guid TEXT,
 thread_originator_part TEXT, syndication_ranges TEXT, synced_syndication_ranges TEXT,
 was_delivered_quietly INTEGER DEFAULT 0, did_notify_recipient INTEGER DEFAULT 0,
 date_retracted INTEGER DEFAULT 0, date_edited INTEGER DEFAULT 0,
 was_detonated INTEGER DEFAULT 0, part_count INTEGER, is_stewie INTEGER DEFAULT 0,
 is_kt_verified INTEGER DEFAULT 0, is_sos INTEGER DEFAULT 0, is_critical INTEGER DEFAULT 0,
 bia_reference_id TEXT DEFAULT NULL, fallback_hash TEXT DEFAULT NULL,
 associated_message_emoji TEXT DEFAULT NULL, is_pending_satellite_send INTEGER DEFAULT 0,
 needs_relay INTEGER DEFAULT 0, schedule_type INTEGER DEFAULT 0,
 schedule_state INTEGER DEFAULT 0, sent_or_received_off_grid INTEGER DEFAULT 0);
CREATE TABLE chat (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL,
 style INTEGER, state INTEGER, account_id TEXT, properties BLOB, chat_identifier TEXT,
 service_name TEXT, room_name TEXT, account_login TEXT, is_archived INTEGER DEFAULT 0,
 last_addressed_handle TEXT, display_name TEXT, group_id TEXT, is_filtered INTEGER DEFAULT 0,
 successful_query INTEGER, engram_id TEXT, server_change_token TEXT,
 ck_sync_state INTEGER DEFAULT 0, original_group_id TEXT,
 last_read_message_timestamp INTEGER DEFAULT 0, cloudkit_record_id TEXT,
 last_addressed_sim_id TEXT, is_blackholed INTEGER DEFAULT 0,
 syndication_date INTEGER DEFAULT 0, syndication_type INTEGER DEFAULT 0,
 is_recovered INTEGER DEFAULT 0, is_deleting_incoming_messages INTEGER DEFAULT 0);
CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL,
 country TEXT, service TEXT NOT NULL, uncanonicalized_id TEXT, person_centric_id TEXT,
 UNIQUE (id, service));
CREATE TABLE attachment (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL,
 created_date INTEGER DEFAULT 0, start_date INTEGER DEFAULT 0, filename TEXT, uti TEXT,
 mime_type TEXT, transfer_state INTEGER DEFAULT 0, is_outgoing INTEGER DEFAULT 0,
 user_info BLOB, transfer_name TEXT, total_bytes INTEGER DEFAULT 0,
 is_sticker INTEGER DEFAULT 0, sticker_user_info BLOB, attribution_info BLOB,
 hide_attachment INTEGER DEFAULT 0, ck_sync_state INTEGER DEFAULT 0,
 ck_server_change_token_blob BLOB, ck_record_id TEXT, original_guid TEXT UNIQUE NOT NULL,
 is_commsafety_sensitive INTEGER DEFAULT 0);
CREATE TABLE chat_message_join (chat_id INTEGER REFERENCES chat (ROWID) ON DELETE CASCADE,
 message_id INTEGER REFERENCES message (ROWID) ON DELETE CASCADE,
 message_date INTEGER DEFAULT 0, PRIMARY KEY (chat_id, message_id));
CREATE TABLE chat_handle_join (chat_id INTEGER REFERENCES chat (ROWID) ON DELETE CASCADE,
 handle_id INTEGER REFERENCES handle (ROWID) ON DELETE CASCADE, UNIQUE(chat_id, handle_id));
CREATE TABLE message_attachment_join (
 message_id INTEGER REFERENCES message (ROWID) ON DELETE CASCADE,
 attachment_id INTEGER REFERENCES attachment (ROWID) ON DELETE CASCADE,
 UNIQUE(message_id, attachment_id));
"""


def _number(value: int) -> bytes:
    """A typedstream integer: one signed byte, else 0x81 and two bytes, else 0x82 and four."""
    if -110 <= value <= 127:
        return value.to_bytes(1, "little", signed=True)
    if -(2**15) <= value < 2**15:
        return b"\x81" + value.to_bytes(2, "little", signed=True)
    return b"\x82" + value.to_bytes(4, "little", signed=True)


def archived(text: str, *, mutable: bool = False) -> bytes:
    """``attributedBody`` as Messages writes it: an NSAttributedString (or its mutable kind)
    of one NSString, with one attribute run (``__kIMMessagePartAttributeName`` = 0).

    The byte layout follows real values from a Mac; the string's byte length comes first, in
    one byte below 0x80, else 0x81 and two bytes, else 0x82 and four bytes.
    """
    raw = text.encode("utf-8")
    header = b"\x04\x0bstreamtyped\x81\xe8\x03"
    if mutable:  # two more classes: later references into the object table shift
        classes = (
            b"\x84\x01@\x84\x84\x84\x19NSMutableAttributedString\x00\x84\x84\x12NSAttributedString"
            b"\x00\x84\x84\x08NSObject\x00\x85\x92\x84\x84\x84\x0fNSMutableString\x01\x84\x84"
            b"\x08NSString\x01\x95\x84\x01+"
        )
        nsobject, shift = 0x95, 2
    else:
        classes = (
            b"\x84\x01@\x84\x84\x84\x12NSAttributedString\x00\x84\x84\x08NSObject\x00\x85\x92"
            b"\x84\x84\x84\x08NSString\x01\x94\x84\x01+"
        )
        nsobject, shift = 0x94, 0
    if len(raw) < 0x80:
        prefix = bytes([len(raw)])
    elif len(raw) < 2**15:
        prefix = b"\x81" + len(raw).to_bytes(2, "little")
    else:
        prefix = b"\x82" + len(raw).to_bytes(4, "little")
    units = len(text.encode("utf-16-le")) // 2  # the attribute run's length, in UTF-16 units
    runs = (
        b"\x86\x84\x02iI\x01"
        + _number(units)
        + b"\x92\x84\x84\x84\x0cNSDictionary\x00"
        + bytes([nsobject])
        + b"\x84\x01i\x01\x92\x84"
        + bytes([0x96 + shift, 0x96 + shift])
        + b"\x1d__kIMMessagePartAttributeName\x86\x92\x84\x84\x84\x08NSNumber\x00\x84\x84"
        b"\x07NSValue\x00"
        + bytes([nsobject])
        + b"\x84\x01*\x84"
        + bytes([0x99 + shift, 0x99 + shift])
        + b"\x00\x86\x86\x86"
    )
    return header + classes + prefix + raw + runs


def write_iphone_contacts(path: Path, cards: list[tuple[str, str, list[str], list[str]]]) -> Path:
    """An iPhone Contacts database (AddressBook.sqlitedb): ABPerson and ABMultiValue, where
    property 3 is a phone number and 4 an e-mail address."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(path)) as conn:
        conn.executescript(
            """
            CREATE TABLE ABPerson (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, First TEXT,
             Last TEXT, Middle TEXT, FirstPhonetic TEXT, MiddlePhonetic TEXT,
             LastPhonetic TEXT, Organization TEXT, Department TEXT, Note TEXT, Kind INTEGER,
             Birthday TEXT, JobTitle TEXT, Nickname TEXT, Prefix TEXT, Suffix TEXT);
            CREATE TABLE ABMultiValue (UID INTEGER PRIMARY KEY, record_id INTEGER,
             property INTEGER, identifier INTEGER, label INTEGER, value TEXT);
            """
        )
        for rowid, (first, last, phones, mails) in enumerate(cards, 1):
            conn.execute(
                "INSERT INTO ABPerson (ROWID, First, Last) VALUES (?, ?, ?)", (rowid, first, last)
            )
            values = [(3, phone) for phone in phones] + [(4, mail) for mail in mails]
            values.append((22, "https://example.com/profile"))  # a URL: not a handle
            conn.executemany(
                "INSERT INTO ABMultiValue (record_id, property, value) VALUES (?, ?, ?)",
                [(rowid, prop, value) for prop, value in values],
            )
        conn.commit()
    return path


IMESSAGE_HANDLE: Final = "+15551234567"
"""His phone number, the one handle of the chat; Contacts beside the database names it."""
APPLE_EPOCH_S: Final = 978_307_200
"""2001-01-01 UTC, where Messages counts ``date`` from, in seconds since 1970."""
ONE_TO_ONE_STYLE: Final = 45
_ATTACHMENTS: Final = {
    "media": ("image/jpeg", "IMG_0001.jpeg", 0),
    "voice": ("audio/x-m4a", "Audio Message.caf", 0),
    "sticker": ("image/heic", "sticker.heic", 1),
}
"""Per kind: the attachment's MIME type, file name, and whether it is a sticker."""


def write_chat_db(sim: SimulatedChat, folder: Path, *, utc_offset: int) -> Path:
    """``chat.db`` of the chat in ``folder``, with ``AddressBook.sqlitedb`` beside it (an
    iPhone's Contacts, naming his handle); return the database's path.

    ``date`` is the instant (the simulated local time minus ``utc_offset``) in nanoseconds
    since 2001. Texts are in ``text``, every other one only in ``attributedBody``; photos,
    voice notes and stickers are attachments with an object replacement character for text.
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "chat.db"
    path.unlink(missing_ok=True)
    me, them = sim.truth["chat"]["me"], sim.truth["chat"]["them"]
    epoch_us = (APPLE_EPOCH_S + utc_offset) * 1_000_000
    rows = sim.messages.with_row_index("rowid", offset=1).select(
        "rowid",
        pl.col("kind").cast(pl.String),
        pl.col("text"),
        date=(pl.col("timestamp").dt.epoch("us") - epoch_us) * 1000,
        from_me=(pl.col("sender") == me).cast(pl.Int64),
    )
    with closing(sqlite3.connect(path)) as conn:
        conn.executescript(CHAT_DB_SCHEMA)
        conn.execute(
            "INSERT INTO handle (ROWID, id, country, service) VALUES (1, ?, 'us', 'iMessage')",
            (IMESSAGE_HANDLE,),
        )
        conn.execute(
            "INSERT INTO chat (ROWID, guid, style, state, chat_identifier, service_name,"
            " display_name) VALUES (1, ?, ?, 3, ?, 'iMessage', '')",
            (f"iMessage;-;{IMESSAGE_HANDLE}", ONE_TO_ONE_STYLE, IMESSAGE_HANDLE),
        )
        conn.execute("INSERT INTO chat_handle_join (chat_id, handle_id) VALUES (1, 1)")
        conn.executemany(
            "INSERT INTO message (ROWID, guid, text, attributedBody, handle_id, service, date,"
            " is_from_me, is_sent, is_delivered, is_finished, is_read, cache_has_attachments,"
            " is_audio_message) VALUES (?, ?, ?, ?, 1, 'iMessage', ?, ?, ?, 1, 1, 1, ?, ?)",
            map(_message_row, rows.iter_rows()),
        )
        conn.execute(
            "INSERT INTO chat_message_join (chat_id, message_id, message_date)"
            " SELECT 1, ROWID, date FROM message"
        )
        _write_attachments(conn, rows.filter(pl.col("kind") != "text"))
        conn.commit()
    write_iphone_contacts(folder / "AddressBook.sqlitedb", [(them, "", [IMESSAGE_HANDLE], [])])
    return path


def _message_row(row: tuple[int, str, str | None, int, int]) -> tuple[object, ...]:
    rowid, kind, text, date, from_me = row
    attached = kind != "text"
    body = None
    if attached:
        text = "\ufffc"  # where the attachment sits in the text
    elif rowid % 2 and text is not None:  # macOS 13 on: the text only in attributedBody
        body = archived(text)
        text = None
    voice = kind == "voice"
    return (rowid, f"SIM-{rowid:08d}", text, body, date, from_me, from_me, attached, voice)


def _write_attachments(conn: sqlite3.Connection, rows: pl.DataFrame) -> None:
    """One attachment per photo, voice note and sticker, joined to its message."""
    attachments = [
        (number, f"AT-{number:08d}", f"AT-{number:08d}", *_ATTACHMENTS[kind])
        for number, kind in zip(rows["rowid"], rows["kind"], strict=True)
    ]
    conn.executemany(
        "INSERT INTO attachment (ROWID, guid, original_guid, mime_type, transfer_name,"
        " is_sticker) VALUES (?, ?, ?, ?, ?, ?)",
        attachments,
    )
    conn.executemany(
        "INSERT INTO message_attachment_join (message_id, attachment_id) VALUES (?, ?)",
        [(number, number) for number in rows["rowid"]],
    )
