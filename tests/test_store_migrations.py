"""Stores written by an earlier pullaway open in this one, their data carried over.

``fixtures/store/v1.db`` is a real store written by pullaway at schema ``0001_initial`` (first
id scheme), by importing the files beside it in ``fixtures/store/v1/`` with ``--date-order
dmy``, in this order: a WhatsApp chat with "ok" twice in one minute, a newer export of it with
"ok" three times, a CSV that gives its own ids, and a Telegram full export; then ``pullaway me
leo Maya``.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from polars.testing import assert_frame_equal
from typer.testing import CliRunner

from conftest import FIXTURES, fixed_cases
from pullaway.cli import app
from pullaway.importers import ImportResult, Skipped, registry
from pullaway.ingest import import_file
from pullaway.model import KINDS, MESSAGE_SCHEMA, validate_messages, with_message_ids
from pullaway.store import Store, known_migrations
from pullaway.store.migrations import _first_scheme_ids
from test_store import conversation

V1 = FIXTURES / "store" / "v1.db"
V1_FILES = FIXTURES / "store" / "v1"
IMPORTED = (
    "WhatsApp Chat with Leo.txt",
    "WhatsApp Chat with Leo (1).txt",
    "given_ids.csv",
    "telegram_full_export.json",
)


_SINCE_V1 = ", ".join(known_migrations()[1:])


@pytest.fixture
def migrated(tmp_path: Path) -> Store:
    path = tmp_path / "v1.db"
    shutil.copyfile(V1, path)
    path.chmod(0o600)
    return Store.open(path)


@pytest.fixture
def fresh(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "fresh.db")
    for name in IMPORTED:
        import_file(store, V1_FILES / name, date_order="dmy")
    store.set_me("leo", "Maya")
    return store


def test_the_fixture_is_a_first_schema_store() -> None:
    with sqlite3.connect(V1) as conn:
        names = [row[0] for row in conn.execute("SELECT name FROM _sqlite_migrations")]
    conn.close()
    assert names == ["0001_initial"]


def test_every_migration_is_applied_to_an_old_store(migrated: Store) -> None:
    with sqlite3.connect(migrated.path) as conn:
        names = [row[0] for row in conn.execute("SELECT name FROM _sqlite_migrations")]
    conn.close()
    assert names == known_migrations()


def test_old_messages_get_the_ids_a_fresh_import_gives(migrated: Store, fresh: Store) -> None:
    assert [c.chat_id for c in migrated.chats()] == [c.chat_id for c in fresh.chats()]
    for chat in fresh.chats():
        assert_frame_equal(
            _without_paths(migrated.messages(chat.chat_id)),
            _without_paths(fresh.messages(chat.chat_id)),
        )


def test_ids_a_csv_gave_are_kept(migrated: Store) -> None:
    ids = migrated.messages("daniel")["message_id"].to_list()  # the CSV gives the first four
    assert ids[:4] == ["m-0001", "m-0002", "m-0003", "m-0004"]
    assert all(i.isdigit() and not i.startswith("0") for i in ids[4:])


def test_repeated_messages_keep_one_id_each(migrated: Store) -> None:
    oks = migrated.messages("leo").filter(pl.col("text") == "ok")["message_id"]
    assert oks.len() == 3
    assert oks.n_unique() == 3


def test_the_same_exports_add_nothing_after_the_migration(migrated: Store) -> None:
    for name in IMPORTED:
        done = import_file(migrated, V1_FILES / name, date_order="dmy")
        assert sum(chat.added for chat in done.chats) == 0


def test_what_the_user_chose_is_kept(migrated: Store) -> None:
    leo = migrated.chat("leo")
    assert (leo.me, leo.them, leo.messages) == ("Maya", "Leo", 9)


def _without_paths(frame: pl.DataFrame) -> pl.DataFrame:
    """Messages without their source file's folder, which was relative when the fixture was
    written."""
    return frame.with_columns(pl.col("source_file").str.extract(r"([^/]+)$"))


def test_an_upgrade_is_noted(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    shutil.copyfile(V1, path)
    path.chmod(0o600)
    with Store.open(path) as store:
        assert store.notes == (
            f"upgraded {path} for this version of pullaway ({', '.join(known_migrations()[1:])})",
        )
    with Store.open(path) as again, Store.open(tmp_path / "new.db") as new:
        assert again.notes == new.notes == ()


def test_the_cli_says_so_on_stderr_and_keeps_json_clean(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    shutil.copyfile(V1, path)
    path.chmod(0o644)
    result = CliRunner().invoke(app, ["--store", str(path), "chats", "--json"])
    assert result.exit_code == 0
    assert [c["chat"] for c in json.loads(result.stdout)["chats"]][:2] == [
        "climbing-sundays",
        "daniel",
    ]
    assert result.stderr.splitlines() == [
        f"note: {path} was readable by others (mode 644); made it owner-only (600)",
        f"note: upgraded {path} for this version of pullaway ({_SINCE_V1})",
    ]


_ROW = st.tuples(
    st.sampled_from([None, datetime(2025, 1, 6, 7, 58), datetime(1969, 12, 31, 23, 0)]),
    st.sampled_from([None, "Ana", "Bo"]),
    st.sampled_from(KINDS),
    st.sampled_from([None, "", "ok", "ça va? 😊"]),
    st.booleans(),  # the export gave its own id (a CSV)
)


@fixed_cases(40)
@given(rows=st.lists(_ROW, min_size=1, max_size=25))
def test_any_first_scheme_store_migrates_to_the_ids_of_a_fresh_import(
    rows: list[tuple[Any, ...]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A store written with the first scheme's ids (repeats, missing values, given ids), once
    migrated, holds what importing the same rows today stores."""
    columns = MESSAGE_SCHEMA.names()
    columns.remove("message_id")  # chat, timestamp, utc_offset, sender, kind, text, source…
    frame = pl.DataFrame(
        [("Ana", row[0], None, *row[1:4], "chat.csv", line) for line, row in enumerate(rows, 1)],
        schema={c: MESSAGE_SCHEMA[c] for c in columns},
        orient="row",
    )
    given_ids = pl.Series([f"given-{n}" if row[4] else None for n, row in enumerate(rows)])
    given = pl.lit(given_ids, dtype=pl.String)
    old = frame.with_columns(message_id=pl.coalesce(given, pl.lit(_first_scheme_ids(frame))))
    new = with_message_ids(frame).with_columns(message_id=pl.coalesce(given, "message_id"))
    path = tmp_path_factory.mktemp("store") / "old.db"
    with Store.open(path) as store:
        store.add_import(
            ImportResult(messages=validate_messages(old), units=len(rows), unit="record"),
            source=Path("chat.csv"),
            file_hash="h",
            format="csv",
        )
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = '0002_message_ids_v2'")
    conn.close()
    with Store.open(path) as store:
        migrated = store.messages("ana")
    expected = validate_messages(new).sort("source_line")
    assert_frame_equal(migrated.sort("source_line"), expected, check_row_order=True)


def test_the_app_says_so_on_stderr_before_it_serves(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    shutil.copyfile(V1, path)
    path.chmod(0o600)
    command = [sys.executable, "-m", "pullaway.cli", "--store", str(path), "app", "--no-browser"]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as proc:
        try:
            assert proc.stdout is not None
            assert proc.stderr is not None
            url = proc.stdout.readline().strip()
            note = proc.stderr.readline().strip()
            with httpx.Client(trust_env=False, timeout=10) as client:  # no proxy for loopback
                assert client.get(url).status_code == 200
        finally:
            proc.terminate()
    assert note == f"note: upgraded {path} for this version of pullaway ({_SINCE_V1})"
    with Store.open(path) as store:
        assert store.notes == ()


@pytest.mark.parametrize(
    ("format_name", "source"),
    [
        ("sms_xml", FIXTURES / "sms_xml" / "two_contacts_numbers.xml"),
        ("imessage", FIXTURES / "imessage" / "group_named.db"),
        ("messenger", FIXTURES / "messenger" / "thread_split"),
        ("discord", FIXTURES / "discord" / "direct_messages.json"),
    ],
)
def test_ids_keyed_on_the_wall_clock_migrate_to_ids_keyed_on_the_instant(
    format_name: str, source: Path, tmp_path: Path
) -> None:
    """``0003_ids_by_instant``: a store holding the wall-clock ids these formats had before
    holds, once migrated, what importing the same file today stores; a file's own ids (a
    Discord message's) are kept."""
    importer = registry()[format_name]
    today = importer.parse(source, timezone="Europe/Madrid")
    messages = today.messages
    derived = with_message_ids(messages, by_instant=True)["message_id"] == messages["message_id"]
    before = messages.with_columns(
        message_id=pl.when(derived)
        .then(with_message_ids(messages)["message_id"])
        .otherwise("message_id")
    )
    assert (before["message_id"] != messages["message_id"]).sum() == derived.sum()
    assert derived.any() == (format_name != "discord")  # Discord gives every message an id
    path = tmp_path / "old.db"
    with Store.open(path) as store:
        store.add_import(
            replace(today, messages=before), source=source, file_hash="h", format=format_name
        )
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = '0003_ids_by_instant'")
    conn.close()
    with Store.open(path) as store:
        assert store.notes == (
            f"upgraded {path} for this version of pullaway (0003_ids_by_instant)",
        )
        migrated = pl.concat([store.messages(chat.chat_id) for chat in store.chats()])
    key = ["chat", "source_line", "message_id"]
    assert_frame_equal(migrated.sort(key), messages.sort(key), check_row_order=True)


def test_aliases_from_before_their_reason_are_merges(tmp_path: Path) -> None:
    """``0006_alias_reason``: every alias a store held before is a merged chat's, listed as
    such, and its exports still go to the chat it was merged into."""
    sms = FIXTURES / "sms_xml" / "two_contacts_numbers.xml"
    path = tmp_path / "old.db"
    with Store.open(path) as store:
        import_file(store, sms)
        store.merge("jake", "mia-chen", senders={"Mia Chen": "Jake"})
    with sqlite3.connect(path) as conn:
        conn.execute("ALTER TABLE chat_aliases DROP COLUMN reason")
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = '0006_alias_reason'")
    conn.close()
    with Store.open(path) as store:
        assert store.notes == (f"upgraded {path} for this version of pullaway (0006_alias_reason)",)
        assert [(c.chat_id, c.merged) for c in store.chats()] == [
            ("jake", (("sms_xml", "Mia Chen"),))
        ]
        again = import_file(store, sms, chat="Mia Chen").chats[0]
    assert (again.chat_id, again.added) == ("jake", 0)
    assert "this export's chat 'Mia Chen' was merged into 'Jake': read as more of it" in again.notes


def test_skipped_records_from_before_their_chats_are_listed_in_every_chat(tmp_path: Path) -> None:
    """``0008_skipped_chats``: a file of several chats imported before skipped records were
    placed lists all its records under each of its chats, as then; one imported afterwards
    lists each under its own."""
    alex, sam = conversation(6, seed=1, chat="Alex"), conversation(4, seed=2, chat="Sam")
    skipped = (Skipped(1, "unknown record", "x", "Alex"), Skipped(2, "unknown record", "y"))
    result = ImportResult(messages=pl.concat([alex, sam]), skipped=skipped, unit="record")
    path = tmp_path / "old.db"
    with Store.open(path) as store:
        store.add_import(result, source=tmp_path / "a.json", file_hash="a", format="telegram")
    with sqlite3.connect(path) as conn:
        conn.execute("ALTER TABLE skipped DROP COLUMN chat")
        conn.execute("ALTER TABLE imports DROP COLUMN name")
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = '0008_skipped_chats'")
    conn.close()
    with Store.open(path) as store:
        upgraded = f"upgraded {path} for this version of pullaway (0008_skipped_chats)"
        assert store.notes == (upgraded,)
        unplaced = [Skipped(s.line, s.reason, s.text) for s in skipped]
        assert store.skipped("alex") == store.skipped("sam") == unplaced
        store.add_import(result, source=tmp_path / "b.json", file_hash="b", format="telegram")
        assert store.skipped("alex") == [*unplaced, skipped[0]]
        assert store.skipped("sam") == unplaced
