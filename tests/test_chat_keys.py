"""The ids apps give a chat (Telegram's chat id, Discord's channel id): a renamed chat is found
by its id in a later export that shares no messages with it, and two chats of one name are
kept apart. Real export files through the importers, the store and the CLI."""

from __future__ import annotations

import copy
import json
import sqlite3
from typing import TYPE_CHECKING, Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import FIXTURES
from pullaway.cli import app
from pullaway.importers.discord import parse as parse_discord
from pullaway.importers.telegram import parse as parse_telegram
from pullaway.ingest import import_file
from pullaway.store import Store

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

DISCORD = json.loads((FIXTURES / "discord" / "direct_messages.json").read_bytes())
LUMI_AUTHOR = DISCORD["messages"][1]["author"]
TELEGRAM = json.loads((FIXTURES / "telegram" / "personal_chat.json").read_bytes())
FULL_TELEGRAM = FIXTURES / "telegram" / "full_export.json"


def dm(messages: slice, *, name: str = "Lumi", channel_id: str | None = None) -> dict[str, Any]:
    """The Discord DM fixture with some of its messages, the channel renamed or another."""
    document = copy.deepcopy(DISCORD)
    document["messages"] = document["messages"][messages]
    document["channel"]["name"] = name
    if channel_id is not None:
        document["channel"]["id"] = channel_id
    return document


def telegram_chat(
    messages: slice, *, name: str = "Lucas Moreau", renamed: str | None = None
) -> dict[str, Any]:
    """The Telegram fixture with some of its records, the chat renamed, and with ``renamed``
    its partner too: on his messages and the events he caused, as a new export names him."""
    document = copy.deepcopy(TELEGRAM)
    document["messages"] = document["messages"][messages]
    document["name"] = name
    for record in document["messages"] if renamed else []:
        for field in ("from", "actor"):
            if record.get(field) == "Lucas Moreau":
                record[field] = renamed
    return document


def renamed_author(document: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    """A Discord document whose author shown as ``old`` is shown as ``new``."""
    for record in document["messages"]:
        if record["author"]["nickname"] == old:
            record["author"] = {**record["author"], "nickname": new}
    return document


def write(folder: Path, name: str, document: object) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def chat_names(store: Store) -> list[str]:
    return sorted(row.name for row in store.chats())


# -- what the importers give -------------------------------------------------------------------


def test_importers_give_the_apps_chat_ids(tmp_path: Path) -> None:
    (telegram,) = parse_telegram(FIXTURES / "telegram" / "personal_chat.json").chats
    assert (telegram.name, telegram.key) == ("Lucas Moreau", "4412345678")
    full = {meta.name: meta.key for meta in parse_telegram(FULL_TELEGRAM).chats}
    assert full["Jonas Berg"] == "6098765432"
    (discord,) = parse_discord(FIXTURES / "discord" / "direct_messages.json").chats
    assert (discord.name, discord.key) == ("Lumi", "1081234567890123456")


def test_two_discord_channels_of_one_name_are_two_chats(tmp_path: Path) -> None:
    folder = tmp_path / "dms"
    write(folder, "a.json", dm(slice(0, 4)))
    write(folder, "b.json", dm(slice(4, 8), channel_id="2222"))
    read = parse_discord(folder)
    assert [(m.name, m.key) for m in read.chats] == [
        ("Lumi", "1081234567890123456"),
        ("Lumi (2)", "2222"),
    ]
    assert read.messages.group_by("chat").len().sort("chat").rows() == [
        ("Lumi", 4),
        ("Lumi (2)", 4),
    ]


def test_chat_chooses_a_discord_channel_by_the_name_it_is_stored_under(tmp_path: Path) -> None:
    folder = tmp_path / "dms"
    write(folder, "a.json", dm(slice(0, 4)))
    write(folder, "b.json", dm(slice(4, 8), channel_id="2222"))
    (second,) = parse_discord(folder, chat="lumi (2)").chats
    (first,) = parse_discord(folder, chat="Lumi").chats
    assert (first.key, second.key) == ("1081234567890123456", "2222")


def test_parts_of_one_discord_channel_stay_one_chat(tmp_path: Path) -> None:
    folder = tmp_path / "parts"
    write(folder, "part 1.json", dm(slice(0, 6)))
    write(folder, "part 2.json", dm(slice(6, None)))
    (meta,) = parse_discord(folder).chats
    assert meta.name == "Lumi"


# -- through the store -------------------------------------------------------------------------


def test_a_renamed_discord_dm_without_shared_messages_continues_the_chat(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.db") as store:
        first = import_file(store, write(tmp_path / "old", "dm.json", dm(slice(0, 6)))).chats[0]
        later = import_file(
            store, write(tmp_path / "new", "dm.json", dm(slice(6, None), name="Lumi ✨"))
        ).chats[0]
        stored = store.messages(first.chat_id)
        assert chat_names(store) == ["Lumi"]
    assert (later.chat_id, later.name, later.added) == (first.chat_id, "Lumi", 7)
    assert stored.height == 13
    assert set(stored.get_column("chat")) == {"Lumi"}
    assert any("the app gives both one id" in note for note in later.notes)


def test_a_renamed_telegram_chat_without_shared_messages_continues_the_chat(
    tmp_path: Path,
) -> None:
    with Store.open(tmp_path / "s.db") as store:
        first = import_file(
            store, write(tmp_path / "old", "result.json", telegram_chat(slice(0, 8)))
        ).chats[0]
        later = import_file(
            store,
            write(tmp_path / "new", "result.json", telegram_chat(slice(8, None), name="Lucas ♥")),
        ).chats[0]
        assert chat_names(store) == ["Lucas Moreau"]
        assert store.messages(first.chat_id).height == 15  # one record of 16 is skipped
    assert (later.chat_id, later.added) == (first.chat_id, 7)


def test_the_renamed_export_twice_adds_nothing(tmp_path: Path) -> None:
    renamed = write(tmp_path / "new", "dm.json", dm(slice(6, None), name="Lumi ✨"))
    with Store.open(tmp_path / "s.db") as store:
        import_file(store, write(tmp_path / "old", "dm.json", dm(slice(0, 6))))
        import_file(store, renamed)
        again = import_file(store, renamed).chats[0]
    assert (again.name, again.added) == ("Lumi", 0)


def test_another_chat_of_a_stored_chats_name_is_stored_apart(tmp_path: Path) -> None:
    other = write(tmp_path / "other", "dm.json", dm(slice(6, None), channel_id="2222"))
    with Store.open(tmp_path / "s.db") as store:
        import_file(store, write(tmp_path / "old", "dm.json", dm(slice(0, 6))))
        apart = import_file(store, other).chats[0]
        again = import_file(store, other).chats[0]
        assert chat_names(store) == ["Lumi", "Lumi (2)"]
        assert store.messages("lumi").height == 6
    assert (apart.name, apart.added) == ("Lumi (2)", 7)
    assert apart.merge_candidates == ("lumi",)
    assert any(
        "another id in the app" in note and note.endswith("merge them: pullaway merge lumi-2 lumi")
        for note in apart.notes
    )
    assert (again.chat_id, again.added) == (apart.chat_id, 0)


def test_pullaway_chats_explains_a_numbered_namesake(tmp_path: Path) -> None:
    """`pullaway chats` shows "Lumi (2)" beside "Lumi": it says what the number means and
    which merge makes them one, as the import's note did."""
    runner = CliRunner()
    store = ["--store", str(tmp_path / "x.db")]
    old = write(tmp_path / "old", "dm.json", dm(slice(0, 6)))
    other = write(tmp_path / "other", "dm.json", dm(slice(6, None), channel_id="2222"))
    for path in (old, other):
        assert runner.invoke(app, [*store, "import", str(path)]).exit_code == 0
    shown = runner.invoke(app, [*store, "chats"], terminal_width=200).output
    assert "Lumi (2) is another discord chat than Lumi (another account or number); if both" in (
        " ".join(shown.split())
    )
    assert "pullaway merge lumi-2 lumi" in " ".join(shown.split())


def test_another_chat_of_one_name_is_merged_when_she_says_it_is_one_persons(
    tmp_path: Path,
) -> None:
    """A new account of his: the merge the note names makes the two one chat, and both ids
    lead to it from then on."""
    with Store.open(tmp_path / "s.db") as store:
        import_file(store, write(tmp_path / "a", "dm.json", dm(slice(0, 6))))
        apart = import_file(
            store, write(tmp_path / "b", "dm.json", dm(slice(6, 10), channel_id="2222"))
        ).chats[0]
        store.merge(apart.chat_id, "lumi", senders={"Lumi": "Lumi", "Noor": "Noor"})
        store.rename(apart.chat_id, "Lumi")
        later = import_file(
            store, write(tmp_path / "c", "dm.json", dm(slice(10, None), channel_id="2222"))
        ).chats[0]
        again = import_file(store, write(tmp_path / "d", "dm.json", dm(slice(0, 6)))).chats[0]
        assert chat_names(store) == ["Lumi"]
        assert store.messages(apart.chat_id).height == 13
    assert (later.chat_id, later.added) == (apart.chat_id, 3)
    assert (again.chat_id, again.added) == (apart.chat_id, 0)


def test_a_chat_stored_before_ids_were_kept_takes_the_id_of_its_next_export(
    tmp_path: Path,
) -> None:
    """A store written before ``0007_chat_keys`` has chats without ids: the next export of
    the chat under its name gives it its id, and a renamed one after that is found by it."""
    path = tmp_path / "s.db"
    with Store.open(path) as store:
        import_file(store, write(tmp_path / "a", "dm.json", dm(slice(0, 4))))
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM chat_keys")
    conn.close()
    with Store.open(path) as store:
        import_file(store, write(tmp_path / "b", "dm.json", dm(slice(0, 6))))
        later = import_file(
            store, write(tmp_path / "c", "dm.json", dm(slice(6, None), name="Lumi ✨"))
        ).chats[0]
        assert chat_names(store) == ["Lumi"]
    assert (later.name, later.added) == ("Lumi", 7)


def test_a_merged_chats_id_leads_to_the_chat_it_was_merged_into(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.db") as store:
        kept = import_file(
            store,
            write(tmp_path / "a", "dm.json", dm(slice(0, 4), name="Lumi old", channel_id="1")),
        ).chats[0]
        other = import_file(store, write(tmp_path / "b", "dm.json", dm(slice(4, 8)))).chats[0]
        store.merge(kept.chat_id, other.chat_id, senders={})
        later = import_file(
            store, write(tmp_path / "c", "dm.json", dm(slice(8, None), name="Lumi ✨"))
        ).chats[0]
        assert chat_names(store) == ["Lumi old"]
        assert store.messages(kept.chat_id).height == 13
    assert (later.chat_id, later.added) == (kept.chat_id, 5)


def test_a_deleted_chats_id_is_forgotten(tmp_path: Path) -> None:
    source = write(tmp_path / "a", "dm.json", dm(slice(0, 4)))
    with Store.open(tmp_path / "s.db") as store:
        first = import_file(store, source).chats[0]
        store.delete_chat(first.chat_id)
        renamed = import_file(
            store, write(tmp_path / "b", "dm.json", dm(slice(4, None), name="Lumi ✨"))
        ).chats[0]
        assert chat_names(store) == ["Lumi ✨"]
    assert renamed.added == 9


def test_the_cli_says_it_followed_the_chats_id(tmp_path: Path) -> None:
    runner = CliRunner()
    store = ["--store", str(tmp_path / "x.db")]
    old = write(tmp_path / "a", "dm.json", dm(slice(0, 6)))
    new = write(tmp_path / "b", "dm.json", dm(slice(6, None), name="Lumi ✨"))
    assert runner.invoke(app, [*store, "import", str(old)]).exit_code == 0
    done = runner.invoke(app, [*store, "import", str(new), "--json"])
    assert done.exit_code == 0, done.stderr
    (chat,) = json.loads(done.stdout)["chats"]
    assert (chat["name"], chat["added"]) == ("Lumi", 7)
    assert "this export's chat 'Lumi ✨' is the stored chat 'Lumi'" in done.stderr + " ".join(
        chat.get("notes", [])
    )


# -- people: the app's ids of the senders -------------------------------------------------------


def test_importers_give_the_apps_ids_of_the_senders() -> None:
    (telegram,) = parse_telegram(FIXTURES / "telegram" / "personal_chat.json").chats
    assert telegram.sender_keys == (
        ("Lucas Moreau", "user4412345678"),
        ("Maya Lindqvist", "user5012345678"),
    )
    (discord,) = parse_discord(FIXTURES / "discord" / "direct_messages.json").chats
    assert discord.sender_keys == (("Lumi", "190345627738529792"), ("Noor", "283619582049615872"))


def test_a_renamed_telegram_contact_without_shared_messages_is_one_chat_and_one_sender(
    tmp_path: Path,
) -> None:
    """The contact renamed in her phone: the newer export names the chat and his messages
    anew, and starts after the older one ends."""
    with Store.open(tmp_path / "s.db") as store:
        first = import_file(
            store,
            write(tmp_path / "a", "result.json", telegram_chat(slice(0, 8))),
            me="Maya Lindqvist",
        ).chats[0]
        later = import_file(
            store,
            write(
                tmp_path / "b",
                "result.json",
                telegram_chat(slice(8, None), name="Lucas ♥", renamed="Lucas ♥"),
            ),
        ).chats[0]
        senders = dict(store.senders(first.chat_id))
        chat = store.chat(first.chat_id)
    assert (later.chat_id, later.added) == (first.chat_id, 7)
    with Store.open(tmp_path / "whole.db") as whole:
        at_once = import_file(whole, FIXTURES / "telegram" / "personal_chat.json").chats[0]
        assert senders == dict(whole.senders(at_once.chat_id))
    assert (chat.me, chat.them) == ("Maya Lindqvist", "Lucas Moreau")
    assert "'Lucas ♥' is 'Lucas Moreau' renamed (the app gives both one id)" in " ".join(
        later.notes
    )


def test_a_renamed_discord_author_is_read_under_the_stored_name(tmp_path: Path) -> None:
    newer = renamed_author(dm(slice(6, None)), "Lumi", "Lumi ✨")
    with Store.open(tmp_path / "s.db") as store:
        first = import_file(store, write(tmp_path / "a", "dm.json", dm(slice(0, 6)))).chats[0]
        later = import_file(store, write(tmp_path / "b", "dm.json", newer)).chats[0]
        senders = dict(store.senders(first.chat_id))
    assert later.added == 7
    assert set(senders) == {"Lumi", "Noor"}


def test_a_sender_she_renamed_keeps_her_name_in_later_exports(tmp_path: Path) -> None:
    """``pullaway rename --sender`` in a chat that keeps its name: the app's id carries her
    name for him into exports that share no messages with the stored ones."""
    with Store.open(tmp_path / "s.db") as store:
        first = import_file(store, write(tmp_path / "a", "dm.json", dm(slice(0, 6)))).chats[0]
        store.rename(first.chat_id, senders={"Lumi": "L."})
        later = import_file(store, write(tmp_path / "b", "dm.json", dm(slice(6, None)))).chats[0]
        senders = dict(store.senders(first.chat_id))
    assert later.added == 7
    assert set(senders) == {"L.", "Noor"}


def test_a_merged_chats_senders_keep_the_names_of_the_merge(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.db") as store:
        kept = import_file(
            store, write(tmp_path / "a", "dm.json", dm(slice(0, 4), name="L", channel_id="1"))
        ).chats[0]
        other = import_file(store, write(tmp_path / "b", "dm.json", dm(slice(4, 8)))).chats[0]
        store.merge(kept.chat_id, other.chat_id, senders={"Lumi": "Lumi", "Noor": "Noor"})
        store.rename(kept.chat_id, senders={"Lumi": "Lu"})
        newer = renamed_author(dm(slice(8, None), name="Lumi ✨"), "Lumi", "Lumi ✨")
        later = import_file(store, write(tmp_path / "c", "dm.json", newer)).chats[0]
        senders = dict(store.senders(kept.chat_id))
    assert (later.chat_id, later.added) == (kept.chat_id, 5)
    assert set(senders) == {"Lu", "Noor"}


def _write_export(folder: Path, format: str, start: int, stop: int, name: str) -> Path:
    """An export of records ``start:stop`` of the fixture of ``format`` (for SMS, of a
    conversation of 13 texts, one a minute, by turns), the chat and the partner under
    ``name``."""
    if format == "sms":
        rows = [(LEO, m, 1 + m % 2, f"text {m}") for m in range(start, min(stop, 13))]
        return sms_backup(folder, rows, contact=name)
    if format == "discord":
        return write(
            folder, "dm.json", renamed_author(dm(slice(start, stop), name=name), "Lumi", name)
        )
    return write(folder, "result.json", telegram_chat(slice(start, stop), name=name, renamed=name))


def _people(format: str, start_stops: list[tuple[int, int]]) -> tuple[int, int]:
    """How many message records, and how many people, the union of the slices holds."""
    if format == "sms":
        minutes = {m for start, stop in start_stops for m in range(start, min(stop, 13))}
        return len(minutes), len({m % 2 for m in minutes})
    records = DISCORD["messages"] if format == "discord" else TELEGRAM["messages"]
    indices = {i for start, stop in start_stops for i in range(start, min(stop, len(records)))}
    kept = [records[i] for i in indices if records[i].get("type") != "unsupported"]
    if format == "discord":
        return len(kept), len({r["author"]["id"] for r in kept})
    return len(kept), len({r.get("from_id") or r.get("actor_id") for r in kept})


@given(
    format=st.sampled_from(["discord", "telegram", "sms"]),
    exports=st.lists(
        st.tuples(
            st.integers(0, 12),
            st.integers(1, 8),
            st.sampled_from(["Lumi", "Lumi ✨", "L", "Lucas Moreau", "Lucas ♥"]),
        ),
        min_size=1,
        max_size=4,
    ),
)
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_exports_of_one_chat_under_any_names_are_one_chat_with_one_name_each(
    tmp_path_factory: pytest.TempPathFactory, format: str, exports: list[tuple[int, int, str]]
) -> None:
    """Any exports of one chat, each a slice of it (overlapping or not) in which the chat and
    the partner have any name: one stored chat, every message once, one name per person (for
    SMS, whose backups give no chat id, the partner's number leads to the chat)."""
    tmp_path = tmp_path_factory.mktemp("keys")
    if format == "telegram":  # record 8 alone is unsupported: an export without messages
        exports = [(9 if start == 8 else start, n, name) for start, n, name in exports]
    with Store.open(tmp_path / "s.db") as store:
        for number, (start, length, name) in enumerate(exports):
            source = _write_export(tmp_path / str(number), format, start, start + length, name)
            import_file(store, source, timezone="UTC")
        (chat,) = store.chats()
        stored = store.messages(chat.chat_id)
    messages, people = _people(format, [(start, start + n) for start, n, _ in exports])
    assert stored.height == messages
    assert stored.get_column("sender").drop_nulls().n_unique() == people


# -- SMS: the contact's number ------------------------------------------------------------------


def sms_backup(folder: Path, rows: list[tuple[str, int, int, str]], *, contact: str) -> Path:
    """An SMS Backup & Restore file of ``rows`` (number, minute, type 1 in / 2 out, body)."""
    records = "".join(
        f'<sms address="{number}" date="{1_700_000_000_000 + minute * 60_000}" type="{kind}"'
        f' body="{body}" contact_name="{contact}" />\n'
        for number, minute, kind, body in rows
    )
    text = (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"
        f'<smses count="{len(rows)}">\n{records}</smses>\n'
    )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "sms.xml"
    path.write_text(text, encoding="utf-8")
    return path


LEO = "+1 555 123 4567"


def test_an_sms_contact_renamed_between_backups_that_share_nothing_is_one_chat(
    tmp_path: Path,
) -> None:
    """The older messages were gone from the phone by the later backup, and she renamed him."""
    older = [(LEO, m, 1 + m % 2, f"old {m}") for m in range(6)]
    newer = [(LEO.replace(" ", ""), m, 1 + m % 2, f"new {m}") for m in range(100, 106)]
    with Store.open(tmp_path / "s.db") as store:
        first = import_file(
            store, sms_backup(tmp_path / "a", older, contact="Leo"), timezone="UTC"
        ).chats[0]
        later = import_file(
            store, sms_backup(tmp_path / "b", newer, contact="Leo 💔"), timezone="UTC"
        ).chats[0]
        senders = dict(store.senders(first.chat_id))
        assert chat_names(store) == ["Leo"]
    assert (later.chat_id, later.added) == (first.chat_id, 6)
    assert senders == {"Leo": 6, "Me": 6}
    assert "the person in both has one id in the app" in " ".join(later.notes)


def test_another_number_under_a_stored_contacts_name_stays_in_that_chat(tmp_path: Path) -> None:
    """His new number, saved under his name: read by name as before, not kept apart."""
    older = [(LEO, m, 1 + m % 2, f"old {m}") for m in range(6)]
    newer = [("+1 555 000 0001", m, 1 + m % 2, f"new {m}") for m in range(100, 106)]
    with Store.open(tmp_path / "s.db") as store:
        import_file(store, sms_backup(tmp_path / "a", older, contact="Leo"), timezone="UTC")
        later = import_file(
            store, sms_backup(tmp_path / "b", newer, contact="Leo"), timezone="UTC"
        ).chats[0]
        assert chat_names(store) == ["Leo"]
    assert later.added == 6


def test_a_number_of_a_contact_in_this_backup_is_not_followed_into_another_chat(
    tmp_path: Path,
) -> None:
    """The stored chat's name is a chat of the new backup too: its number now belongs to
    someone else, so the renamed contact is not read into it."""
    older = [(LEO, m, 1 + m % 2, f"old {m}") for m in range(6)]
    newer = [(LEO, m, 1 + m % 2, f"new {m}") for m in range(100, 106)]
    other = [("+1 555 000 0002", m, 1, f"hi {m}") for m in range(200, 203)]
    backup = sms_backup(tmp_path / "b", newer, contact="Leo 💔")
    text = backup.read_text(encoding="utf-8")
    extra = sms_backup(tmp_path / "c", other, contact="Leo").read_text(encoding="utf-8")
    records = [line for line in extra.splitlines() if line.startswith("<sms ")]
    backup.write_text(text.replace("</smses>", "\n".join(records) + "\n</smses>"))
    with Store.open(tmp_path / "s.db") as store:
        import_file(store, sms_backup(tmp_path / "a", older, contact="Leo"), timezone="UTC")
        import_file(store, backup, timezone="UTC")
        assert chat_names(store) == ["Leo", "Leo 💔"]


# -- "me": her account ---------------------------------------------------------------------------


def test_her_account_is_her_in_a_new_chat_of_the_app(tmp_path: Path) -> None:
    """She said who she is in one Discord DM: in a DM with someone else her account id is the
    same, so she is "me" there too, with a note; a chat where she chose already keeps it."""
    other_person = {**LUMI_AUTHOR, "id": "777", "name": "sam", "nickname": "Sam"}
    with_sam = dm(slice(0, 6), name="Sam", channel_id="3333")
    for record in with_sam["messages"]:
        if record["author"]["id"] == LUMI_AUTHOR["id"]:
            record["author"] = other_person
    with Store.open(tmp_path / "s.db") as store:
        import_file(store, write(tmp_path / "a", "dm.json", dm(slice(0, 6))), me="Noor")
        sam = import_file(store, write(tmp_path / "b", "dm.json", with_sam)).chats[0]
        row = store.chat(sam.chat_id)
    assert (sam.me, row.me, row.them) == ("Noor", "Noor", "Sam")
    assert "you are 'Noor': the app gives this sender the id of the one you said is you in" in (
        " ".join(sam.notes)
    )


def test_without_her_choice_elsewhere_no_one_is_taken_for_her(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.db") as store:
        import_file(store, write(tmp_path / "a", "dm.json", dm(slice(0, 6))))
        later = import_file(
            store, write(tmp_path / "b", "dm.json", dm(slice(0, 6), name="Sam", channel_id="3"))
        ).chats[0]
    assert later.me is None


def test_a_chat_of_another_id_is_not_read_into_a_stored_chat_by_shared_messages(
    tmp_path: Path,
) -> None:
    """Shared messages tell a renamed chat only where the app gives no id: a chat with an id
    the store does not hold is not another stored chat that has its own id, whatever they
    share."""
    with Store.open(tmp_path / "s.db") as store:
        import_file(store, write(tmp_path / "a", "dm.json", dm(slice(0, 13))))
        copy = import_file(
            store, write(tmp_path / "b", "dm.json", dm(slice(0, 13), name="Sam", channel_id="3"))
        ).chats[0]
        assert chat_names(store) == ["Lumi", "Sam"]
    assert copy.merge_candidates == ()
    assert not any("is the stored chat" in note for note in copy.notes)
