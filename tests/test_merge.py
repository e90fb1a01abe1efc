"""Two chats of one conversation merged into one (``Store.merge``, ``pullaway merge``).

Real files throughout: an iMessage chat.db where he wrote from his number and from his Apple
ID (two chats without Contacts), and a WhatsApp export with an SMS backup of one couple.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import fixed_cases
from pullaway.cli import app
from pullaway.errors import InvalidEntryError, SenderNotFoundError
from pullaway.importers import ChatMeta, ImportResult
from pullaway.ingest import import_file
from pullaway.model import MESSAGE_SCHEMA, validate_messages, with_message_ids
from pullaway.store import Store
from test_contacts import LEO_MAIL, LEO_PHONE, write_messages
from test_imessage import ChatDb

WHATSAPP = """\
01/03/2024, 20:00 - Maya: are you around?
01/03/2024, 20:05 - Leo: yes! dinner?
01/03/2024, 20:06 - Maya: 8 at the usual place
"""
SMS = """<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>
<smses count="2">
  <sms protocol="0" address="+15551234567" date="1709409600000" type="1" body="running late" \
read="1" status="-1" contact_name="Leo" />
  <sms protocol="0" address="+15551234567" date="1709409660000" type="2" body="no worries" \
read="1" status="-1" contact_name="Leo" />
</smses>
"""


@pytest.fixture
def imessage_store(tmp_path: Path) -> tuple[Store, Path]:
    """A store with the chat.db of ``write_messages``, "me" set in the chat with his number
    (she never wrote to his Apple ID: that chat's guess for her, Me, is no sender there)."""
    database = write_messages(tmp_path / "mac" / "chat.db")
    store = Store.open(tmp_path / "store.db")
    import_file(store, database, timezone="UTC")
    store.set_me(store.chat(LEO_PHONE).chat_id, "Me")
    return store, database


def test_his_two_handles_become_one_chat(imessage_store: tuple[Store, Path]) -> None:
    store, _ = imessage_store
    phone, mail = store.chat(LEO_PHONE), store.chat(LEO_MAIL)
    done = store.merge(phone.chat_id, mail.chat_id)
    assert (done.chat_id, done.merged, done.format) == (phone.chat_id, LEO_MAIL, "imessage")
    assert (done.messages, done.added, done.senders) == (1, 1, {LEO_MAIL: LEO_PHONE})
    assert LEO_MAIL not in {c.name for c in store.chats()}
    assert store.chat(phone.chat_id).merged == (("imessage", LEO_MAIL),)
    messages = store.messages(phone.chat_id)
    assert messages.select("sender", "text").rows() == [
        (LEO_PHONE, "hey"),
        (LEO_PHONE, "from the laptop now"),
        ("Me", "ok!"),
    ]
    assert set(messages["chat"]) == {LEO_PHONE}
    assert store.chat(phone.chat_id).them == LEO_PHONE
    assert store.imports(phone.chat_id).height == 2  # its own import and the merged chat's


def test_its_later_exports_go_into_the_kept_chat(
    imessage_store: tuple[Store, Path], tmp_path: Path
) -> None:
    store, database = imessage_store
    phone, mail = store.chat(LEO_PHONE), store.chat(LEO_MAIL)
    store.merge(phone.chat_id, mail.chat_id)
    names = [c.name for c in store.chats()]
    again = import_file(store, database, timezone="UTC")
    assert [c.name for c in store.chats()] == names
    assert sum(c.added for c in again.chats) == 0
    newer = ChatDb.reopen(database)
    newer.message(7, 2, "2024-03-17 08:00:00", "morning from the laptop", handle_id=2)
    newer.close()
    later = import_file(store, database, timezone="UTC")
    into = [c for c in later.chats if c.added]
    assert [(c.chat_id, c.added) for c in into] == [(phone.chat_id, 1)]
    assert f"this export's chat {LEO_MAIL!r} was merged into {LEO_PHONE!r}: read as more of it" in (
        into[0].notes
    )
    last = store.messages(phone.chat_id).tail(1)
    assert last.select("sender", "text").row(0) == (LEO_PHONE, "morning from the laptop")
    assert [c.name for c in store.chats()] == names


def test_a_whatsapp_chat_and_an_sms_backup_of_one_couple(tmp_path: Path) -> None:
    """Another app: SMS names her Me and him by his contact name; the merge says who is who
    (here the default: "me" to "me", the other person to the other person)."""
    chat = tmp_path / "WhatsApp Chat with Leo.txt"
    chat.write_text(WHATSAPP, encoding="utf-8")
    backup = tmp_path / "sms.xml"
    backup.write_text(SMS, encoding="utf-8")
    with Store.open(tmp_path / "store.db") as store:
        import_file(store, chat, me="Maya", date_order="dmy")
        import_file(store, backup, me="Me", timezone="UTC")
        whatsapp = _only(store, "whatsapp")
        sms = _only(store, "sms_xml")
        done = store.merge(whatsapp, sms)
        assert done.senders == {"Me": "Maya"}  # his SMS name is already "Leo"
        rows = store.messages(whatsapp).select("sender", "text").rows()
        assert rows[-2:] == [("Leo", "running late"), ("Maya", "no worries")]
        assert len(rows) == 5
        assert len(store.chats()) == 1
        # Both chats are named Leo: the backup, imported again, still goes in by its alias.
        again = import_file(store, backup, timezone="UTC")
        assert [(c.chat_id, c.added) for c in again.chats] == [(whatsapp, 0)]
        assert not any("is new to this chat" in note for note in again.chats[0].notes)


def _only(store: Store, format_name: str) -> str:
    (row,) = [c for c in store.chats() if c.format == format_name]
    return row.chat_id


def test_journal_days_and_drafts_move_with_it(imessage_store: tuple[Store, Path]) -> None:
    store, _ = imessage_store
    phone, mail = store.chat(LEO_PHONE).chat_id, store.chat(LEO_MAIL).chat_id
    common = {"mood": 3, "urge": 5, "self_care": "walk", "note": ""}
    store.add_journal_entry(phone, day=date(2024, 3, 1), **common)
    store.add_journal_entry(mail, day=date(2024, 3, 1), **common | {"mood": 1})
    store.add_journal_entry(mail, day=date(2024, 3, 2), **common)
    store.hold_draft(
        mail, text="miss you", verdict="wait", reason="", hold_until=datetime(2030, 1, 1)
    )
    store.merge(phone, mail)
    journal = store.journal(phone)
    assert journal.select("day", "mood").rows() == [(date(2024, 3, 1), 3), (date(2024, 3, 2), 3)]
    assert store.drafts(phone)["text"].to_list() == ["miss you"]


def test_settings_move_only_into_a_chat_without_its_own(
    imessage_store: tuple[Store, Path],
) -> None:
    store, _ = imessage_store
    phone, mail = store.chat(LEO_PHONE).chat_id, store.chat(LEO_MAIL).chat_id
    stranger = store.chat("+15550000009").chat_id
    store.set_settings(mail, {"language": "es"})
    store.merge(phone, mail, senders={LEO_MAIL: LEO_PHONE})
    assert store.settings(phone) == {"language": "es"}
    store.set_settings(stranger, {"language": "de"})
    store.merge(phone, stranger, senders={"+15550000009": LEO_PHONE})
    assert store.settings(phone) == {"language": "es"}


def test_a_chat_merged_into_one_that_is_merged_again_follows(
    imessage_store: tuple[Store, Path],
) -> None:
    """His Apple ID's chat merged into a third chat, that one into his number's: the Apple
    ID's later exports go all the way, with both renamings."""
    store, database = imessage_store
    stranger = store.chat("+15550000009").chat_id
    phone, mail = store.chat(LEO_PHONE).chat_id, store.chat(LEO_MAIL).chat_id
    store.merge(stranger, mail, senders={LEO_MAIL: "+15550000009"})
    store.merge(phone, stranger, senders={"+15550000009": LEO_PHONE})
    newer = ChatDb.reopen(database)
    newer.message(7, 2, "2024-03-17 08:00:00", "morning from the laptop", handle_id=2)
    newer.close()
    later = import_file(store, database, timezone="UTC")
    assert [(c.chat_id, c.added) for c in later.chats if c.added] == [(phone, 1)]
    last = store.messages(phone).tail(1).select("sender", "text").row(0)
    assert last == (LEO_PHONE, "morning from the laptop")


def test_what_cannot_be_merged_says_why(imessage_store: tuple[Store, Path]) -> None:
    store, _ = imessage_store
    phone, mail = store.chat(LEO_PHONE).chat_id, store.chat(LEO_MAIL).chat_id
    with pytest.raises(InvalidEntryError, match="are one chat"):
        store.merge(phone, phone)
    group = store.chat(f"{LEO_PHONE}, +447700900123").chat_id
    with pytest.raises(InvalidEntryError, match="say which sender is you in"):
        store.merge(group, phone)
    with pytest.raises(InvalidEntryError, match=r"has senders .* lacks \(\+447700900123\)"):
        store.merge(phone, group)
    with pytest.raises(SenderNotFoundError):
        store.merge(phone, mail, senders={"nobody": "Leo"})
    assert {c.name for c in store.chats()} >= {LEO_PHONE, LEO_MAIL}


def test_the_cli_merges_and_says_what_it_did(
    imessage_store: tuple[Store, Path], tmp_path: Path
) -> None:
    store, _ = imessage_store
    path = store.path
    store.close()
    runner = CliRunner()
    bad = runner.invoke(app, ["--store", str(path), "merge", LEO_PHONE, LEO_MAIL, "--sender", "x"])
    assert bad.exit_code == 1
    assert "expected OLD=NEW" in bad.stderr
    result = runner.invoke(
        app,
        [
            "--store",
            str(path),
            "merge",
            LEO_PHONE,
            LEO_MAIL,
            "--sender",
            f"{LEO_MAIL}=Leo",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    merge = json.loads(result.stdout)["merge"]
    assert (merge["merged"], merge["added"], merge["senders"]) == (LEO_MAIL, 1, {LEO_MAIL: "Leo"})
    listed = json.loads(runner.invoke(app, ["--store", str(path), "chats", "--json"]).stdout)
    (kept,) = [c for c in listed["chats"] if c["name"] == LEO_PHONE]
    assert kept["merged"] == [{"format": "imessage", "name": LEO_MAIL}]
    table = runner.invoke(app, ["--store", str(path), "chats"], env={"COLUMNS": "200"})
    assert f"+ {LEO_MAIL} (imessage)" in table.stdout
    stranger = "+15550000009"
    text = runner.invoke(
        app,
        [
            "--store",
            str(path),
            "merge",
            stranger,
            f"{LEO_PHONE}, +447700900123",
            "--sender",
            f"{LEO_PHONE}={LEO_PHONE}",
            "--sender",
            "+447700900123=Sam",
        ],
    )
    assert text.exit_code == 0, text.output
    assert "merged into +15550000009: 2 messages, 2 new to it" in " ".join(text.stdout.split())


def test_merged_messages_move_to_the_kept_chats_time_zone(tmp_path: Path) -> None:
    """Two SMS backups of one person under two numbers, imported in two zones: merged, the
    messages are on the kept chat's clock, and so are those its later exports bring."""
    first, second = tmp_path / "a.xml", tmp_path / "b.xml"
    first.write_text(SMS, encoding="utf-8")
    second.write_text(
        SMS.replace("+15551234567", "+15559990000")
        .replace('contact_name="Leo"', 'contact_name="Leo (new)"')
        .replace("no worries", "see you soon"),
        encoding="utf-8",
    )
    with Store.open(tmp_path / "store.db") as store:
        import_file(store, first, me="Me", timezone="Europe/Madrid")
        import_file(store, second, me="Me", timezone="America/New_York")
        store.merge(store.chat("Leo").chat_id, store.chat("Leo (new)").chat_id)
        rows = store.messages(store.chat("Leo").chat_id)
        assert set(rows["utc_offset"]) == {3600}  # Madrid in March, not New York's -18000
        # "running late" at the same instant is not added twice; "see you soon" is new.
        assert rows["text"].to_list() == ["running late", "no worries", "see you soon"]
        again = import_file(store, second, timezone="America/New_York")
        assert [c.added for c in again.chats] == [0]


def test_a_wall_clock_export_keeps_its_times_when_merged(tmp_path: Path) -> None:
    """A WhatsApp export's times are its own wall clock (a --timezone only adds offsets):
    merged into a chat shown in another zone, they stay as written, as its later exports
    will be read."""
    chat = tmp_path / "WhatsApp Chat with Leo.txt"
    chat.write_text(WHATSAPP, encoding="utf-8")
    backup = tmp_path / "sms.xml"
    backup.write_text(SMS, encoding="utf-8")
    with Store.open(tmp_path / "store.db") as store:
        import_file(store, chat, me="Maya", date_order="dmy", timezone="America/New_York")
        import_file(store, backup, me="Me", timezone="Europe/Madrid")
        sms, whatsapp = _only(store, "sms_xml"), _only(store, "whatsapp")
        store.merge(sms, whatsapp, senders={"Maya": "Me"})
        rows = store.messages(sms).filter(pl.col("text") == "are you around?")
        assert rows.select("timestamp", "utc_offset").row(0) == (datetime(2024, 3, 1, 20), -18000)
        again = import_file(store, chat, date_order="dmy", timezone="America/New_York")
        assert [c.added for c in again.chats] == [0]


_TALK = st.lists(
    st.tuples(
        st.integers(0, 60 * 24 * 30),  # minutes into a month
        st.booleans(),  # from her
        st.sampled_from(["ok", "hey", "miss you", "where are you?", "😊"]),
        st.sampled_from(["both", "first", "second"]),  # which export holds it
    ),
    min_size=1,
    max_size=40,
)


@fixed_cases(60)
@given(talk=_TALK)
def test_merging_two_exports_of_one_talk_stores_each_message_once(
    talk: list[tuple[int, bool, str, str]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """One conversation seen by two exports that name the two people differently (each
    holding some of its messages, some in both): merged, the chat holds each message once,
    under the kept chat's names, and the second export imported again adds nothing."""
    start = datetime(2024, 3, 1)
    rows = [
        (start + timedelta(minutes=minute), her, text, where)
        for minute, her, text, where in sorted(talk, key=lambda m: m[0])
    ]

    def export(names: tuple[str, str], chat: str, part: str) -> ImportResult:
        kept = [
            (t, names[0] if her else names[1], x) for t, her, x, w in rows if w in (part, "both")
        ]
        frame = pl.DataFrame(
            {
                "chat": [chat] * len(kept),
                "message_id": [None] * len(kept),
                "timestamp": [t for t, _, _ in kept],
                "utc_offset": [None] * len(kept),
                "sender": [s for _, s, _ in kept],
                "kind": ["text"] * len(kept),
                "text": [x for _, _, x in kept],
                "source_file": [f"{part}.csv"] * len(kept),
                "source_line": list(range(1, len(kept) + 1)),
            },
            schema=MESSAGE_SCHEMA,
        )
        meta = ChatMeta(name=chat, me_guess=names[0], participants=names)
        return ImportResult(messages=validate_messages(with_message_ids(frame)), chats=(meta,))

    path = tmp_path_factory.mktemp("merge") / "store.db"
    first, second = (
        export(("Maya", "Leo"), "Leo", "first"),
        export(("Me", "+1555"), "+1555", "second"),
    )
    with Store.open(path) as store:
        for result, name in ((first, "first"), (second, "second")):
            if result.messages.height:
                store.add_import(result, source=Path(f"{name}.csv"), file_hash=name, format="csv")
        chats = {c.name: c.chat_id for c in store.chats()}
        if len(chats) < 2:
            return  # one export held nothing: there is nothing to merge
        present = set(second.messages["sender"])
        who = {old: new for old, new in {"Me": "Maya", "+1555": "Leo"}.items() if old in present}
        done = store.merge(chats["Leo"], chats["+1555"], senders=who)
        stored = store.messages(chats["Leo"])
        expected = {(t, "Maya" if her else "Leo", x) for t, her, x, _ in rows}
        counted = sorted(
            (t, s, x) for t, s, x in stored.select("timestamp", "sender", "text").rows()
        )
        # Identical messages in one minute count once per occurrence in the export with most.
        assert set(counted) == expected
        assert done.added == stored.height - first.messages.height
        again = store.add_import(second, source=Path("second.csv"), file_hash="again", format="csv")
        assert [c.added for c in again] == [0]
