"""Renaming a stored chat and its senders (``Store.rename``, ``pullaway rename``): real
exports, the store, the CLI, and exports under the old name afterwards."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from typing import TYPE_CHECKING

import pytest
from typer.testing import CliRunner

from conftest import FIXTURES, ROOT
from pullaway.cli import app
from pullaway.errors import InvalidEntryError, SenderNotFoundError
from pullaway.ingest import import_file
from pullaway.store import Store

if TYPE_CHECKING:
    from pathlib import Path

SAMPLE = ROOT / "samples" / "WhatsApp Chat with Leo.txt"
SMS = FIXTURES / "sms_xml" / "two_contacts_numbers.xml"


def test_a_renamed_chat_holds_what_an_export_under_the_new_names_gives(tmp_path: Path) -> None:
    """Renaming "Leo" to "L" stores the ids a WhatsApp export naming him "L" gives."""
    renamed_export = tmp_path / "WhatsApp Chat with L.txt"
    text = SAMPLE.read_text(encoding="utf-8").replace(" - Leo: ", " - L: ")
    renamed_export.write_text(text, encoding="utf-8")
    with Store.open(tmp_path / "store.db") as store:
        import_file(store, SAMPLE, me="Maya")
        done = store.rename("leo", "L", senders={"Leo": "L"})
        row = store.chat("leo")
        stored = store.messages("leo")
    with Store.open(tmp_path / "other.db") as store:
        import_file(store, renamed_export, me="Maya")
        expected = store.messages("l")
    assert (done.chat_id, done.name, done.was, done.senders) == ("leo", "L", "Leo", {"Leo": "L"})
    assert done.messages == stored.height == expected.height
    assert (row.name, row.me, row.them) == ("L", "Maya", "L")
    assert stored.get_column("message_id").sort().equals(expected.get_column("message_id").sort())


def test_an_export_under_the_old_name_goes_into_the_renamed_chat(tmp_path: Path) -> None:
    """An SMS contact saved under a name she would rather not see: renamed, and the backup
    read again with ``--chat`` and the old name adds nothing and keeps the new names."""
    with Store.open(tmp_path / "store.db") as store:
        import_file(store, SMS)
        store.rename("jake", "J", senders={"Jake": "J"})
        again = import_file(store, SMS, chat="Jake").chats[0]
        everything = import_file(store, SMS).chats
        senders = {name for name, _ in store.senders("jake")}
        names = sorted(c.name for c in store.chats())
    assert (again.chat_id, again.name, again.added) == ("jake", "J", 0)
    assert "this export's chat 'Jake' was renamed 'J': read as more of it" in again.notes
    assert sorted((c.name, c.added) for c in everything) == [("J", 0), ("Mia Chen", 0)]
    assert senders == {"J", "Me"}
    assert names == ["J", "Mia Chen"]


def test_a_renamed_chat_keeps_its_name_when_a_later_export_names_it_otherwise(
    tmp_path: Path,
) -> None:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    later = tmp_path / "WhatsApp Chat with Leo Martin.txt"
    later.write_text("".join(lines[len(lines) // 2 :]).replace(" - Leo: ", " - Leo Martin: "))
    with Store.open(tmp_path / "store.db") as store:
        import_file(store, SAMPLE, me="Maya")
        store.rename("leo", "L", senders={"Leo": "L"})
        read = import_file(store, later).chats[0]
        senders = {name for name, _ in store.senders("leo")}
    assert (read.chat_id, read.name, read.added) == ("leo", "L", 0)
    assert senders == {"L", "Maya"}


def test_back_to_a_former_name(tmp_path: Path) -> None:
    with Store.open(tmp_path / "store.db") as store:
        import_file(store, SMS)
        store.rename("jake", "J")
        store.rename("jake", "Jake")
        again = import_file(store, SMS, chat="Jake").chats[0]
        with closing(sqlite3.connect(store.path)) as conn:
            aliases = conn.execute("SELECT format, name, reason FROM chat_aliases").fetchall()
    assert (again.name, again.added) == ("Jake", 0)
    assert not [n for n in again.notes if "renamed" in n]
    assert aliases == [("sms_xml", "J", "renamed")]


@pytest.mark.parametrize(
    ("name", "senders", "error", "says"),
    [
        ("", {}, InvalidEntryError, "a name cannot be empty"),
        ("J", {"Jake": " "}, InvalidEntryError, "a name cannot be empty"),
        ("Jake", {}, InvalidEntryError, "nothing to rename in 'jake'"),
        (None, {"Jake": "Jake"}, InvalidEntryError, "nothing to rename"),
        ("Mia Chen", {}, InvalidEntryError, "another sms_xml chat is named 'Mia Chen'"),
        ("Mia", {}, InvalidEntryError, "exports named 'Mia' are read into another chat"),
        ("J", {"Nobody": "X"}, SenderNotFoundError, "'Nobody' is not a sender in chat 'jake'"),
    ],
)
def test_what_cannot_be_renamed_is_refused_and_nothing_changes(
    tmp_path: Path, name: str | None, senders: dict[str, str], error: type[Exception], says: str
) -> None:
    with Store.open(tmp_path / "store.db") as store:
        import_file(store, SMS)
        store.rename("mia-chen", "Mia")
        store.rename("mia-chen", "Mia Chen")  # "Mia" stays an alias of hers
        before = store.messages("jake")
        with pytest.raises(error, match=says):
            store.rename("jake", name, senders=senders)
        assert store.chat("jake").name == "Jake"
        assert store.messages("jake").equals(before)


def test_the_cli_renames_and_lists_no_rename_as_a_merge(tmp_path: Path) -> None:
    store = ["--store", str(tmp_path / "store.db")]
    runner = CliRunner()
    assert runner.invoke(app, [*store, "import", str(SMS)]).exit_code == 0
    shown = runner.invoke(app, [*store, "rename", "jake", "J", "--sender", "Jake=J"])
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.strip() == "Jake is now J (jake, 4 messages); senders renamed: Jake → J"
    as_json = runner.invoke(app, [*store, "rename", "J", "--sender", "J=Jay", "--json"])
    assert json.loads(as_json.stdout) == {
        "rename": {
            "chat_id": "jake",
            "name": "J",
            "was": "J",
            "messages": 4,
            "senders": {"J": "Jay"},
        }
    }
    listed = json.loads(runner.invoke(app, [*store, "chats", "--json"]).stdout)["chats"]
    assert [(c["chat"], c["name"], c["merged"]) for c in listed] == [
        ("jake", "J", []),
        ("mia-chen", "Mia Chen", []),
    ]
    refused = runner.invoke(app, [*store, "rename", "jake", "--sender", "Nobody"])
    assert refused.exit_code == 1
    assert refused.stderr.startswith("error: --sender 'Nobody': expected OLD=NEW")
