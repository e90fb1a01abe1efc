"""A chat or a sender renamed between two exports: the pure comparison, then real files
through the store, the CLI and the app's import view."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import CORPORA, FIXTURES, ROOT, fixed_cases
from pullaway.cli import app
from pullaway.importers import ChatMeta, ImportResult
from pullaway.ingest import import_file
from pullaway.model import MESSAGE_SCHEMA, validate_messages, with_message_ids
from pullaway.renames import (
    MIN_SHARED,
    Overlap,
    Rename,
    is_bare_handle,
    names_better,
    overlap,
    renamed_senders,
)
from pullaway.store import Store

if TYPE_CHECKING:
    from pathlib import Path

SAMPLE = ROOT / "samples" / "WhatsApp Chat with Leo.txt"
CHAT_MINER = CORPORA / "chat-miner" / "test" / "whatsapp"
START = datetime(2024, 3, 1, 9, 0)


def chat(senders: list[str], texts: list[str] | None = None, *, start: int = 0) -> pl.DataFrame:
    """Messages a minute apart from ``start`` minutes on, by ``senders`` in turn."""
    texts = texts or [f"message {start + i}" for i in range(len(senders))]
    return pl.DataFrame(
        {
            "timestamp": [START + timedelta(minutes=start + i) for i in range(len(senders))],
            "sender": senders,
            "kind": ["text"] * len(senders),
            "text": texts,
        }
    )


# -- the pure comparison -----------------------------------------------------------------------


def test_an_export_that_repeats_the_stored_messages_is_the_same_conversation() -> None:
    stored = chat(["Leo", "Maya"] * 10)
    later = chat(["Leo 💔", "Maya"] * 10, start=10)  # half overlaps, half is new
    found = overlap(stored, later)
    assert found == Overlap(shared=10, compared=10)
    assert found.same_conversation


def test_another_conversation_at_the_same_times_is_not_the_same() -> None:
    stored = chat(["Leo", "Maya"] * 10)
    other = chat(["Sam", "Maya"] * 10, [f"other {i}" for i in range(20)])
    assert overlap(stored, other) == Overlap(shared=0, compared=20)
    assert not overlap(stored, other).same_conversation


def test_an_export_that_does_not_reach_the_stored_time_is_not_compared() -> None:
    found = overlap(chat(["Leo", "Maya"] * 5), chat(["Leo", "Maya"] * 5, start=60))
    assert found == Overlap(shared=0, compared=0)
    assert not found.same_conversation


def test_days_a_stored_chat_lacks_are_not_held_against_it() -> None:
    """Stored from two exports with a gap between them; the renamed one spans the gap."""
    whole = pl.concat(
        chat(["Leo", "Maya"] * 3, start=day * 24 * 60).with_columns(
            pl.col("text") + f" on day {day}"
        )
        for day in range(40)
    )
    when = pl.col("timestamp")
    gap = when.is_between(START + timedelta(days=10), START + timedelta(days=30), closed="left")
    stored = whole.filter(~gap)  # days 0-9 and 30-39: twenty days of forty
    later = whole.with_columns(pl.col("sender").replace("Leo", "Leo 💔"))
    assert overlap(stored, later).same_conversation
    assert renamed_senders(stored, later).renames[0].old == "Leo"


def test_a_renamed_partner_is_paired_with_the_stored_name() -> None:
    stored = chat(["Leo", "Maya"] * 10)
    later = chat(["Leo 💔", "Maya"] * 10, start=10)
    found = renamed_senders(stored, later)
    assert found.renames == (Rename(old="Leo", new="Leo 💔", shared=5, compared=5),)
    assert found.new == found.gone == ()


def test_both_renamed_are_each_paired_with_their_own_stored_name() -> None:
    stored = chat(["Leo", "Maya"] * 12)
    later = chat(["+1 555 0100", "Maya R."] * 12)
    pairs = {r.new: r.old for r in renamed_senders(stored, later).renames}
    assert pairs == {"+1 555 0100": "Leo", "Maya R.": "Maya"}


def test_a_new_group_member_is_not_read_as_anyone() -> None:
    stored = chat(["Ann", "Ben", "Cy"] * 6)
    # Cy left, Dee joined: Dee's messages are new, so nothing pairs her with Cy.
    later = pl.concat([stored.filter(pl.col("sender") != "Cy"), chat(["Dee"] * 6, start=30)])
    found = renamed_senders(stored, later)
    assert found.renames == ()
    assert found.new == ("Dee",)
    assert found.gone == ("Cy",)


def test_too_few_shared_messages_leave_the_names_apart() -> None:
    stored = chat(["Leo", "Maya"] * (MIN_SHARED - 1))
    found = renamed_senders(stored, stored.with_columns(pl.col("sender").replace("Leo", "L")))
    assert found.renames == ()
    assert (found.new, found.gone) == (("L",), ("Leo",))


def test_a_sender_that_shares_too_small_a_share_is_not_paired() -> None:
    stored = chat(["Leo"] * 10)
    # Five of the new name's ten messages in the stored time are Leo's; five are not.
    texts = [f"message {i}" if i % 2 else f"something else {i}" for i in range(10)]
    found = renamed_senders(stored, chat(["L"] * 10, texts))
    assert found.renames == ()


def test_media_without_text_match_too() -> None:
    stored = chat(["Leo", "Maya"] * 6).with_columns(
        kind=pl.lit("media"), text=pl.lit(None, pl.String)
    )
    later = stored.with_columns(pl.col("sender").replace("Leo", "Leo 💔"))
    assert renamed_senders(stored, later).renames[0].shared == 6


@fixed_cases(200)
@given(
    senders=st.lists(st.sampled_from(["Ann", "Ben", "Cy"]), min_size=2, max_size=80),
    cut=st.data(),
    renamed=st.sets(st.sampled_from(["Ann", "Ben", "Cy"])),
)
def test_exactly_the_renamed_senders_with_enough_shared_messages_are_paired(
    senders: list[str], cut: st.DataObject, renamed: set[str]
) -> None:
    whole = chat(senders)
    old_end = cut.draw(st.integers(1, len(senders)), label="old export ends")
    new_start = cut.draw(st.integers(0, old_end), label="new export starts")
    stored = whole.head(old_end)
    names = {name: f"{name} (new)" for name in renamed}
    later = whole.slice(new_start).with_columns(pl.col("sender").replace(names))
    shared = later.head(old_end - new_start).get_column("sender").value_counts()
    counts = dict(zip(shared["sender"], shared["count"], strict=True))
    in_stored = set(stored.get_column("sender"))
    expected = {
        new: old
        for old, new in names.items()
        if old in in_stored and counts.get(new, 0) >= MIN_SHARED
    }
    found = renamed_senders(stored, later)
    assert {r.new: r.old for r in found.renames} == expected
    assert all(r.shared == r.compared for r in found.renames)


@pytest.mark.parametrize(
    ("name", "bare"),
    [
        ("\u202a+44 7700 900123\u202c", True),  # WhatsApp on Android, an unsaved number
        ("+1 (555) 123-4567", True),
        ("555.123.4567", True),
        ("72975", True),  # a short code
        ("Leo@iCloud.com", True),
        ("+15551234567, +447700900123", True),  # a group named by its members
        ("2024", False),
        ("Leo", False),
        ("Leo 2", False),
        ("Mom ❤️", False),
        ("📞 +1 555 123 4567", False),
        ("+15551234567, Sam", False),
        ("Leo @ work", False),
        ("", False),
    ],
)
def test_bare_numbers_and_addresses_are_told_from_names(name: str, *, bare: bool) -> None:
    assert is_bare_handle(name) is bare


@given(st.text(max_size=12), st.text(max_size=12))
def test_a_name_and_a_number_never_both_replace_each_other(one: str, other: str) -> None:
    assert not (names_better(one, other) and names_better(other, one))
    assert not names_better(one, one)


@settings(max_examples=40, deadline=None)
@given(
    texts=st.lists(st.sampled_from(["ok", "hi", "😊", "see you", "?"]), min_size=24, max_size=60),
    cut=st.data(),
    number_first=st.booleans(),
)
def test_a_name_and_a_number_for_him_end_in_one_chat_under_the_name(
    tmp_path_factory: pytest.TempPathFactory,
    texts: list[str],
    cut: st.DataObject,
    *,
    number_first: bool,
) -> None:
    """Two overlapping exports of one talk, one naming him by number and one by name, read
    in either order: the store holds each message once, all under his name, with the ids an
    export naming him throughout gives."""
    count = len(texts)
    end = cut.draw(st.integers(14, count), label="first export ends")
    start = cut.draw(st.integers(0, end - 12), label="second export starts")
    number, name = "+1 555-123-4567", "Leo"

    def export(rows: range, partner: str) -> ImportResult:
        frame = pl.DataFrame(
            {
                "chat": [partner] * len(rows),
                "timestamp": [START + timedelta(minutes=3 * n) for n in rows],
                "sender": [partner if n % 2 else "Maya" for n in rows],
                "kind": ["text"] * len(rows),
                "text": [texts[n] for n in rows],
                "source_line": list(rows),
            },
            schema_overrides={"kind": MESSAGE_SCHEMA["kind"]},
        ).with_columns(utc_offset=pl.lit(None, pl.Int32), source_file=pl.lit("chat.txt"))
        messages = validate_messages(with_message_ids(frame.with_columns(message_id=pl.lit(""))))
        return ImportResult(messages=messages, chats=(ChatMeta(name=partner, me_guess="Maya"),))

    first, second = (number, name) if number_first else (name, number)
    path = tmp_path_factory.mktemp("names") / "store.db"
    with Store.open(path) as store:
        store.add_import(export(range(end), first), source=path, file_hash="1", format="t")
        store.add_import(
            export(range(start, count), second), source=path, file_hash="2", format="t"
        )
        chats = store.chats()
        stored = store.messages(chats[0].chat_id)
    whole = export(range(count), name).messages
    assert [c.name for c in chats] == [name]
    assert set(stored.get_column("sender")) == {name, "Maya"}
    assert stored.get_column("message_id").sort().equals(whole.get_column("message_id").sort())


# -- real files through the store --------------------------------------------------------------


def _exports(
    tmp_path: Path, *, renamed: str = "Leo 💔", original: str = "Leo"
) -> tuple[Path, Path, int]:
    """The bundled sample cut in two overlapping exports; in the later one the partner is
    ``renamed``, in its file name and on every message, in the earlier one ``original``.
    Also: the line where the later starts."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    old_end, new_start = len(lines) * 6 // 10, len(lines) * 4 // 10
    while " - " not in lines[new_start][:25]:  # start the later export at a message header
        new_start += 1
    old = tmp_path / "old" / f"WhatsApp Chat with {original}.txt"
    new = tmp_path / "new" / f"WhatsApp Chat with {renamed}.txt"
    for path in (old, new):
        path.parent.mkdir()
    earlier = "".join(lines[:old_end]).replace(" - Leo: ", f" - {original}: ")
    old.write_text(earlier, encoding="utf-8")
    later = "".join(lines[new_start:]).replace(" - Leo: ", f" - {renamed}: ")
    new.write_text(later, encoding="utf-8")
    return old, new, new_start


def test_a_renamed_partner_in_a_newer_export_continues_the_chat(tmp_path: Path) -> None:
    old, new, _ = _exports(tmp_path)
    with Store.open(tmp_path / "renamed.db") as store:
        first = import_file(store, old, me="Maya").chats[0]
        later = import_file(store, new).chats[0]
        assert [c.name for c in store.chats()] == ["Leo"]
        stored = store.messages(first.chat_id)
        senders = dict(store.senders(first.chat_id))
    with Store.open(tmp_path / "whole.db") as store:
        import_file(store, SAMPLE, me="Maya")
        whole = store.messages("leo")
    assert later.chat_id == first.chat_id
    assert later.me == "Maya"
    assert any("is the stored chat 'Leo'" in n for n in later.notes)
    assert any("'Leo 💔' is 'Leo' renamed" in n for n in later.notes)
    assert set(senders) == {"Leo", "Maya"}
    # The two halves add up to the whole export, message for message, with the same ids.
    assert stored.height == whole.height
    assert stored.get_column("message_id").sort().equals(whole.get_column("message_id").sort())
    assert stored.get_column("sender").equals(whole.get_column("sender"))


def test_importing_the_renamed_export_twice_adds_nothing(tmp_path: Path) -> None:
    old, new, _ = _exports(tmp_path)
    with Store.open(tmp_path / "s.db") as store:
        import_file(store, old)
        import_file(store, new)
        again = import_file(store, new).chats[0]
    assert again.added == 0
    assert again.already_imported


def test_the_older_export_after_the_renamed_one_takes_the_stored_names(tmp_path: Path) -> None:
    old, new, _ = _exports(tmp_path)
    with Store.open(tmp_path / "s.db") as store:
        import_file(store, new)
        earlier = import_file(store, old).chats[0]
        senders = {name for name, _ in store.senders(earlier.chat_id)}
    assert earlier.name == "Leo 💔"
    assert senders == {"Leo 💔", "Maya"}


NUMBER = "+1 555-123-4567"


def test_a_name_for_a_stored_number_renames_the_chat_and_its_messages(tmp_path: Path) -> None:
    """He was not in her contacts when she first exported the chat; saved since, the newer
    export names him. The chat and his stored messages take the name."""
    old, new, _ = _exports(tmp_path, original=NUMBER, renamed="Leo")
    with Store.open(tmp_path / "named.db") as store:
        first = import_file(store, old, me="Maya").chats[0]
        later = import_file(store, new).chats[0]
        again = import_file(store, old).chats[0]
        chats = store.chats()
        stored = store.messages(first.chat_id)
    with Store.open(tmp_path / "whole.db") as store:
        import_file(store, SAMPLE, me="Maya")
        whole = store.messages("leo")
    assert first.name == NUMBER
    assert [(c.chat_id, c.name, c.me) for c in chats] == [(first.chat_id, "Leo", "Maya")]
    assert later.chat_id == first.chat_id
    assert later.name == "Leo"
    assert f"the chat {NUMBER!r} takes the name this export gives it, 'Leo'" in " ".join(
        later.notes
    )
    assert any(f"'Leo' is {NUMBER!r} named" in n for n in later.notes)
    # The whole conversation, once, with the ids the whole export imported as "Leo" has.
    assert stored.get_column("message_id").sort().equals(whole.get_column("message_id").sort())
    assert stored.get_column("sender").equals(whole.get_column("sender"))
    assert stored.get_column("chat").unique().to_list() == ["Leo"]
    # The older export, read again, goes into the named chat and adds nothing.
    assert (again.chat_id, again.name, again.added) == (first.chat_id, "Leo", 0)


def test_a_number_for_a_stored_name_keeps_the_name(tmp_path: Path) -> None:
    """The other way round (the contact deleted since): the stored name stays."""
    old, new, _ = _exports(tmp_path, original="Leo", renamed=NUMBER)
    with Store.open(tmp_path / "s.db") as store:
        import_file(store, old, me="Maya")
        later = import_file(store, new).chats[0]
        senders = {name for name, _ in store.senders(later.chat_id)}
    assert later.name == "Leo"
    assert senders == {"Leo", "Maya"}
    assert any(f"{NUMBER!r} is 'Leo' renamed" in n for n in later.notes)


def test_a_name_for_a_stored_number_is_taken_in_a_chat_named_by_the_user(
    tmp_path: Path,
) -> None:
    """``--chat`` keeps the chat's name; his stored number still takes his name."""
    old, new, _ = _exports(tmp_path, original=NUMBER, renamed="Leo")
    with Store.open(tmp_path / "s.db") as store:
        first = import_file(store, old, chat="Us", me="Maya").chats[0]
        later = import_file(store, new, chat="Us").chats[0]
        senders = {name for name, _ in store.senders(first.chat_id)}
        them = next(c.them for c in store.chats())
    assert (later.chat_id, later.name) == (first.chat_id, "Us")
    assert senders == {"Leo", "Maya"}
    assert them == "Leo"


def test_a_chat_named_by_the_user_is_matched_by_name_only(tmp_path: Path) -> None:
    old, new, _ = _exports(tmp_path)
    with Store.open(tmp_path / "s.db") as store:
        import_file(store, old)
        apart = import_file(store, new, chat="Leo 💔").chats[0]
        names = sorted(c.name for c in store.chats())
    assert names == ["Leo", "Leo 💔"]
    assert apart.notes == ()


def test_into_a_chat_named_by_the_user_a_renamed_sender_is_still_followed(tmp_path: Path) -> None:
    old, new, _ = _exports(tmp_path)
    with Store.open(tmp_path / "s.db") as store:
        import_file(store, old)
        later = import_file(store, new, chat="Leo").chats[0]
        senders = {name for name, _ in store.senders(later.chat_id)}
    assert senders == {"Leo", "Maya"}
    assert [n for n in later.notes if "renamed" in n]


def test_the_new_name_given_as_me_is_read_as_the_stored_name(tmp_path: Path) -> None:
    old, new, _ = _exports(tmp_path)
    with Store.open(tmp_path / "s.db") as store:
        import_file(store, old)
        later = import_file(store, new, me="Leo 💔").chats[0]
    assert later.me == "Leo"


def test_a_new_sender_without_enough_shared_messages_is_kept_and_said(tmp_path: Path) -> None:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    old = tmp_path / "WhatsApp Chat with Leo.txt"
    old.write_text("".join(lines[:200]), encoding="utf-8")
    later = tmp_path / "later" / "WhatsApp Chat with Leo.txt"
    later.parent.mkdir()
    # Starts after the old export ends: nothing is shared, so nothing can be paired.
    later.write_text("".join(lines[400:600]).replace(" - Leo: ", " - L: "), encoding="utf-8")
    with Store.open(tmp_path / "s.db") as store:
        import_file(store, old)
        done = import_file(store, later).chats[0]
        senders = {name for name, _ in store.senders(done.chat_id)}
    assert senders == {"Leo", "L", "Maya"}
    assert any("too few of their messages match" in n for n in done.notes)


def test_a_copy_of_an_export_under_another_file_name_is_not_a_second_chat(
    tmp_path: Path,
) -> None:
    copy = tmp_path / "leo backup.txt"
    copy.write_bytes(SAMPLE.read_bytes())
    with Store.open(tmp_path / "s.db") as store:
        import_file(store, SAMPLE)
        again = import_file(store, copy).chats[0]
        assert [c.name for c in store.chats()] == ["Leo"]
    assert (again.chat_id, again.added, again.already_imported) == ("leo", 0, True)
    assert "'leo backup' is the stored chat 'Leo'" in again.notes[0]


def _full_export(partner: str, count: int) -> dict[str, object]:
    """The Telegram full-export fixture, its 1:1 chat with ``partner`` holding ``count``
    messages a day apart (the group chat as it is)."""
    document = json.loads((FIXTURES / "telegram" / "full_export.json").read_text("utf-8"))
    chat = document["chats"]["list"][0]  # type: ignore[index]
    first = chat["messages"][0]
    messages = []
    for i in range(count):
        when = START + timedelta(days=i)
        him = i % 2 == 0
        text = f"day {i}"
        messages.append(
            first
            | {
                "id": 100 + i,
                "date": when.isoformat(),
                "date_unixtime": str(int(when.replace(tzinfo=UTC).timestamp())),
                "from": partner if him else "Maya L.",
                "from_id": first["from_id"] if him else "user5012345678",
                "text": text,
                "text_entities": [{"type": "plain", "text": text}],
            }
        )
    chat.update(name=partner, messages=messages)
    return document


def test_a_renamed_chat_in_a_file_of_several_chats_is_followed(tmp_path: Path) -> None:
    old, new = tmp_path / "old" / "result.json", tmp_path / "new" / "result.json"
    for path, partner, count in ((old, "Jonas Berg", 12), (new, "Jonas 🌊", 15)):
        path.parent.mkdir()
        path.write_text(json.dumps(_full_export(partner, count)), encoding="utf-8")
    with Store.open(tmp_path / "s.db") as store:
        first = {c.name: c for c in import_file(store, old, timezone="UTC").chats}
        later = {c.name: c for c in import_file(store, new, timezone="UTC").chats}
        names = sorted(c.name for c in store.chats())
        senders = {name for name, _ in store.senders(first["Jonas Berg"].chat_id)}
    assert names == sorted(first)
    assert later["Jonas Berg"].chat_id == first["Jonas Berg"].chat_id
    assert later["Jonas Berg"].added == 3
    assert any("'Jonas 🌊' is the stored chat 'Jonas Berg'" in n for n in later["Jonas Berg"].notes)
    assert senders == {"Jonas Berg", "Maya L."}
    assert all(c.added == 0 and not c.notes for n, c in later.items() if n != "Jonas Berg")


def test_the_same_conversation_in_another_date_format_is_one_chat(tmp_path: Path) -> None:
    # chat-miner's fixtures are one conversation written in several date formats.
    with Store.open(tmp_path / "s.db") as store:
        first = import_file(store, CHAT_MINER / "test_ddmmyy_24hrs.txt").chats[0]
        second = import_file(store, CHAT_MINER / "test_mmddyy_24hrs.txt").chats[0]
        assert len(store.chats()) == 1
    assert (second.chat_id, second.added) == (first.chat_id, 0)


def test_ids_a_csv_gave_are_kept_when_a_sender_is_renamed(tmp_path: Path) -> None:
    header = "chat,timestamp,sender,text,message_id\n"
    times = [f"{9 + m // 60:02d}:{m % 60:02d}" for m in range(40)]
    rows = [(ts, "Leo" if m % 2 else "Maya", f"hi {m}") for m, ts in enumerate(times)]

    def write(name: str, partner: str, chosen: range) -> Path:
        path = tmp_path / name
        body = "".join(
            f"Us,2024-03-01 {ts},{partner if who == 'Leo' else who},{text},id-{i}\n"
            for i, (ts, who, text) in enumerate(rows)
            if i in chosen
        )
        path.write_text(header + body, encoding="utf-8")
        return path

    with Store.open(tmp_path / "s.db") as store:
        import_file(store, write("old.csv", "Leo", range(24)))
        later = import_file(store, write("new.csv", "Leon", range(12, 40))).chats[0]
        stored = store.messages(later.chat_id)
    assert later.added == 16
    assert set(stored.get_column("sender")) == {"Leo", "Maya"}
    assert stored.get_column("message_id").to_list() == [f"id-{i}" for i in range(40)]


# -- the CLI and the app -----------------------------------------------------------------------


def test_the_cli_says_what_it_followed(tmp_path: Path) -> None:
    old, new, _ = _exports(tmp_path)
    store = ["--store", str(tmp_path / "cli.db")]
    runner = CliRunner()
    assert runner.invoke(app, [*store, "import", str(old)]).exit_code == 0
    shown = runner.invoke(app, [*store, "import", str(new)], terminal_width=400)
    assert shown.exit_code == 0, shown.output
    assert "note: 'Leo 💔' is 'Leo' renamed" in shown.output
    as_json = runner.invoke(app, [*store, "import", str(new), "--json"])
    chats = json.loads(as_json.stdout)["chats"]
    assert [c["chat"] for c in chats] == ["leo"]
    assert any("renamed" in note for note in chats[0]["notes"])


@pytest.mark.parametrize("renamed", ["<b>Leo</b>", "Leo \x1b[31m"])
def test_a_renamed_sender_is_shown_safely(tmp_path: Path, renamed: str) -> None:
    old, new, _ = _exports(tmp_path, renamed=renamed.replace("/", ""))
    store = ["--store", str(tmp_path / "cli.db")]
    runner = CliRunner()
    runner.invoke(app, [*store, "import", str(old)])
    shown = runner.invoke(app, [*store, "import", str(new)], terminal_width=400)
    assert shown.exit_code == 0, shown.output
    assert "\x1b[31m" not in shown.output
    assert "renamed" in shown.output
