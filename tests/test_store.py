"""The local store, against real SQLite files in tmp_path."""

from __future__ import annotations

import os
import sqlite3
import stat
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from pullaway.errors import ChatNotFoundError, SchemaError, StoreError, StoreVersionError
from pullaway.importers._base import ChatMeta, ImportResult, Skipped
from pullaway.model import KINDS, MESSAGE_SCHEMA, validate_messages, with_message_ids
from pullaway.store import (
    DEFAULT_NAME,
    DraftNotFoundError,
    InvalidEntryError,
    SenderNotFoundError,
    Store,
    default_store_path,
    known_migrations,
    slugify,
)
from pullaway.store import blocks as store_blocks
from pullaway.store import db as store_db

START = datetime(2023, 3, 1, 8, 0)
ORDER = ["timestamp", "source_line", "message_id"]


def messages(rows: list[dict[str, Any]], *, chat: str = "Alex") -> pl.DataFrame:
    """A MESSAGE_SCHEMA frame from short row dicts (chat, sender, text, kind, minute, ...)."""
    full = [
        {
            "chat": row.get("chat", chat),
            "timestamp": row.get("timestamp", START + timedelta(minutes=row.get("minute", i))),
            "utc_offset": row.get("utc_offset"),
            "sender": row.get("sender", "Maya"),
            "kind": row.get("kind", "text"),
            "text": row.get("text", f"message {i}"),
            "source_file": row.get("source_file", "chat.txt"),
            "source_line": row.get("source_line", i + 1),
        }
        for i, row in enumerate(rows)
    ]
    schema = {k: v for k, v in MESSAGE_SCHEMA.items() if k != "message_id"}
    return validate_messages(with_message_ids(pl.DataFrame(full, schema=schema, orient="row")))


def conversation(
    n: int, *, seed: int, chat: str = "Alex", source: str = "chat.txt"
) -> pl.DataFrame:
    """A two-person chat at minute precision, with every kind, emoji, newlines and nulls."""
    rng = np.random.default_rng(seed)
    words = ["ok", "love you", "miss you 🥺", "line one\nline two", "haha", "ok", "👍🏽", "ça va?"]
    minutes = np.cumsum(rng.integers(0, 4, n))
    rows = []
    for i in range(n):
        kind = KINDS[int(rng.choice(len(KINDS), p=[0.7, 0.08, 0.05, 0.05, 0.04, 0.04, 0.04]))]
        rows.append(
            {
                "minute": int(minutes[i]),
                "sender": None if kind == "system" else ("Maya", "Alex")[int(rng.integers(0, 2))],
                "kind": kind,
                "text": None if kind in ("media", "deleted") else words[int(rng.integers(0, 8))],
                "utc_offset": [None, 3600, -18000][i % 3],
                "source_file": source,
            }
        )
    return messages(rows, chat=chat)


def result_of(frame: pl.DataFrame, **kwargs: Any) -> ImportResult:
    kwargs.setdefault("units", frame.height)
    return ImportResult(messages=frame, **kwargs)


def add(store: Store, result: ImportResult, digest: str = "h1", **kwargs: Any) -> Any:
    kwargs.setdefault("format", "whatsapp")
    return store.add_import(result, source=Path("chat.txt"), file_hash=digest, **kwargs)


@pytest.fixture
def store(tmp_path: Path) -> Any:
    clock = iter(datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=i) for i in range(10_000))
    with Store.open(tmp_path / "store.db", clock=lambda: next(clock)) as opened:
        yield opened


def table_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {n: conn.execute(f"SELECT count(*) FROM {n}").fetchone()[0] for n in names}


# -- opening ---------------------------------------------------------------------------------


def test_open_creates_parent_and_owner_only_file(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "store.db"
    with Store.open(path) as store:
        add(store, result_of(conversation(20, seed=1)))
        assert store.path == path
        assert store.notes == ()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        wal = path.with_name(path.name + "-wal")
        assert stat.S_IMODE(wal.stat().st_mode) == 0o600


def test_open_tightens_a_loose_file_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    Store.open(path).close()
    path.chmod(0o644)
    with Store.open(path) as store:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert "made it owner-only" in store.notes[0]


def test_default_path_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PULLAWAY_STORE", str(tmp_path / "mine.db"))
    assert default_store_path() == tmp_path / "mine.db"
    monkeypatch.delenv("PULLAWAY_STORE")
    assert default_store_path().name == DEFAULT_NAME
    assert "pullaway" in default_store_path().parts


def test_a_file_that_is_not_sqlite_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("dear diary\n" * 20)
    with pytest.raises(StoreError, match=r"notes.txt is not a pullaway store \(not a SQLite"):
        Store.open(path)
    assert path.read_text().startswith("dear diary")


def test_a_store_that_cannot_be_created_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("a file, not a folder")
    with pytest.raises(StoreError, match=r"cannot create the store at .*taken/store.db") as caught:
        Store.open(tmp_path / "taken" / "store.db")
    assert "\n" not in str(caught.value)
    with pytest.raises(StoreError, match="is not a file"):
        Store.open(tmp_path)


def test_another_programs_sqlite_file_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "chat.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE message (text TEXT)")
    conn.close()
    with pytest.raises(StoreError, match="a SQLite database but not a pullaway store"):
        Store.open(path)
    assert set(table_counts(path)) == {"message"}


@pytest.mark.parametrize("journal", ["delete", "wal"])
def test_another_programs_database_is_refused_before_anything_changes_it(
    tmp_path: Path, journal: str
) -> None:
    """Mode, bytes, time and companions: opening it must not chmod it, switch it to WAL or
    leave a -wal or -shm file behind (as it did before the tables were checked first)."""
    path = tmp_path / "chat.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA journal_mode = {journal}")
    conn.execute("CREATE TABLE message (text TEXT)")
    conn.execute("INSERT INTO message VALUES ('hi')")
    conn.commit()
    conn.close()
    path.chmod(0o644)
    os.utime(path, (1_700_000_000, 1_700_000_000))
    before = (path.read_bytes(), stat.S_IMODE(path.stat().st_mode), path.stat().st_mtime_ns)
    files = sorted(tmp_path.iterdir())
    with pytest.raises(StoreError, match="a SQLite database but not a pullaway store"):
        Store.open(path)
    after = (path.read_bytes(), stat.S_IMODE(path.stat().st_mode), path.stat().st_mtime_ns)
    assert after == before
    assert sorted(tmp_path.iterdir()) == files


def test_a_store_from_a_newer_pullaway_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    Store.open(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
            " VALUES ('pullaway', '0099_from_the_future', '2030-01-01')"
        )
    conn.close()
    with pytest.raises(StoreVersionError, match=r"written by a newer pullaway .*0099_from_the"):
        Store.open(path)


def test_migrations_are_named_and_applied_once(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    Store.open(path).close()
    Store.open(path).close()
    with sqlite3.connect(path) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
    conn.close()
    assert names == known_migrations()
    assert names[0] == "0001_initial"


# -- import and read back --------------------------------------------------------------------


def test_messages_round_trip_exactly(store: Store) -> None:
    frame = conversation(300, seed=2)
    assert set(frame["kind"].unique().to_list()) == set(KINDS)
    [imported] = add(store, result_of(frame))
    assert (imported.messages, imported.added, imported.already_imported) == (300, 300, False)
    back = store.messages(imported.chat_id)
    assert back.schema == MESSAGE_SCHEMA
    assert_frame_equal(back, frame.sort(ORDER))


def test_round_trip_across_many_blocks(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_blocks, "BLOCK_ROWS", 7)
    first = conversation(50, seed=3)
    add(store, result_of(first))
    # A second export of other messages at the same minutes interleaves with the first.
    second = conversation(50, seed=4, source="other.txt")
    add(store, result_of(second), digest="h2")
    expected = pl.concat([first, second]).unique("message_id").sort(ORDER)
    assert_frame_equal(store.messages("alex"), expected)


def test_many_small_imports_are_compacted(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_blocks, "BLOCK_ROWS", 10)
    monkeypatch.setattr(store_db, "COMPACT_AFTER", 4)
    frames = [conversation(6, seed=40 + i, source=f"day{i}.txt") for i in range(6)]
    for i, frame in enumerate(frames):
        add(store, result_of(frame), digest=f"day{i}")
    assert table_counts(store.path)["message_blocks"] <= 4
    expected = pl.concat(frames).unique("message_id").sort(ORDER)
    assert_frame_equal(store.messages("alex"), expected)


def test_the_same_file_twice_adds_nothing(store: Store) -> None:
    skipped = (Skipped(4, "not a message header", "garbage"),)
    result = result_of(conversation(40, seed=5), skipped=skipped)
    add(store, result)
    [again] = add(store, result)
    assert (again.messages, again.added, again.already_imported) == (40, 0, True)
    assert store.chat("alex").messages == 40
    assert store.imports("alex")["added"].to_list() == [40, 0]
    assert store.skipped("alex") == list(skipped)


def test_a_newer_overlapping_export_adds_only_what_is_new(store: Store) -> None:
    rows: list[dict[str, Any]] = [
        {"minute": i, "sender": ("Maya", "Alex")[i % 2], "text": f"m{i}"} for i in range(100)
    ]
    # Three identical "ok"s in one minute, on the overlap: the old export saw two of them.
    oks = [{"minute": 80, "sender": "Alex", "text": "ok"} for _ in range(3)]
    truth = (
        rows[:81] + oks + rows[81:] + [{"minute": 100 + i, "text": f"new {i}"} for i in range(10)]
    )
    cut = 81 + 2  # the old export ends after the second "ok"
    old = messages(truth[:cut])
    newer = messages(truth[30:])  # WhatsApp dropped the oldest 30 messages
    add(store, result_of(old))
    [imported] = add(store, result_of(newer), digest="h2")
    assert imported.added == len(truth) - cut == 1 + 19 + 10
    assert imported.already_imported is False
    # Within one minute, messages from different exports can only be ordered by line number.
    content = ["timestamp", "sender", "kind", "text"]
    assert_frame_equal(
        store.messages("alex").select(content).sort(content),
        messages(truth).select(content).sort(content),
    )


def test_two_chats_in_one_file(store: Store) -> None:
    alex, sam = conversation(30, seed=6, chat="Alex"), conversation(20, seed=7, chat="Sam Lee")
    # Each skipped record is counted in its own chat; one the importer could not place, in
    # neither (the file's, see FileImport).
    owners = ["Alex"] * 6 + ["Sam Lee"] * 2 + [None]
    skipped = tuple(Skipped(i, "unknown record", f"x{i}", chat) for i, chat in enumerate(owners))
    result = result_of(
        pl.concat([alex, sam]),
        chats=(ChatMeta("Alex", me_guess="Maya"), ChatMeta("Sam Lee", me_guess="Maya")),
        skipped=skipped,
    )
    imported = add(store, result, format="telegram")
    assert [(c.chat_id, c.name, c.messages, c.added) for c in imported] == [
        ("alex", "Alex", 30, 30),
        ("sam-lee", "Sam Lee", 20, 20),
    ]
    assert [c.skipped for c in imported] == [6, 2]
    assert imported[0].skipped_examples == skipped[:5]
    assert imported[1].skipped_examples == skipped[6:8]
    assert store.skipped("alex") == list(skipped[:6])
    assert store.skipped("sam-lee") == list(skipped[6:8])
    assert result.skipped_elsewhere() == [skipped[8]]
    assert_frame_equal(store.messages("sam-lee"), sam.sort(ORDER))
    assert [c.chat_id for c in store.chats()] == ["alex", "sam-lee"]
    assert store.chat("alex").me_guess == "Maya"
    assert store.chat("alex").me is None


def test_a_chat_without_messages_is_still_listed(store: Store) -> None:
    result = result_of(messages([]), chats=(ChatMeta("Quiet"),))
    [imported] = add(store, result)
    assert (imported.chat_id, imported.messages) == ("quiet", 0)
    assert store.messages("quiet").schema == MESSAGE_SCHEMA
    assert store.chat("quiet").first is None
    assert store.senders("quiet") == []
    with pytest.raises(SenderNotFoundError, match="nobody has written yet"):
        store.set_me("quiet", "Maya")


def test_chats_with_one_name_in_two_formats_get_distinct_ids(store: Store) -> None:
    add(store, result_of(conversation(5, seed=8)), format="whatsapp")
    add(store, result_of(conversation(5, seed=9)), digest="h2", format="telegram")
    rows = store.chats()
    assert [(c.chat_id, c.format) for c in rows] == [("alex", "whatsapp"), ("alex-2", "telegram")]


def test_chat_rows_count_and_span(store: Store) -> None:
    frame = conversation(60, seed=10)
    add(store, result_of(frame), me="Maya")
    row = store.chat("alex")
    assert (row.name, row.format, row.me, row.them, row.messages) == (
        "Alex",
        "whatsapp",
        "Maya",
        "Alex",
        60,
    )
    assert row.first == frame["timestamp"].min()
    assert row.last == frame["timestamp"].max()


def test_messages_between_since_and_until(store: Store) -> None:
    frame = conversation(200, seed=11)
    add(store, result_of(frame))
    since, until = START + timedelta(hours=1), START + timedelta(hours=3)
    window = store.messages("alex", since=since, until=until)
    expected = frame.filter(pl.col("timestamp").is_between(since, until, closed="left"))
    assert window.height > 0
    assert_frame_equal(window, expected.sort(ORDER))


def test_senders_are_counted_without_system_lines(store: Store) -> None:
    frame = conversation(100, seed=12)
    add(store, result_of(frame))
    people = frame.filter(pl.col("kind") != "system")["sender"].value_counts(sort=True)
    assert store.senders("alex") == list(zip(people["sender"], people["count"], strict=True))


def test_imports_and_skipped_are_recorded(store: Store) -> None:
    skipped = tuple(Skipped(i, "blank header", f"line {i}") for i in range(1, 12))
    add(store, result_of(conversation(10, seed=13), skipped=skipped, units=25))
    imports = store.imports("alex")
    assert imports.columns == [
        "import_id",
        "imported_at",
        "source",
        "file_hash",
        "format",
        "units",
        "unit",
        "messages",
        "added",
        "skipped",
    ]
    assert imports.row(0)[2:] == ("chat.txt", "h1", "whatsapp", 25, "line", 10, 10, 11)
    assert imports["imported_at"].dtype == pl.Datetime("us", "UTC")
    assert store.skipped("alex", limit=3) == list(skipped[:3])


def test_a_frame_off_the_schema_is_refused(store: Store) -> None:
    bad = conversation(5, seed=14).with_columns(pl.col("kind").cast(pl.String))
    with pytest.raises(SchemaError, match="column 'kind' is String"):
        add(store, result_of(bad))
    assert store.chats() == []
    no_ids = conversation(5, seed=14).with_columns(message_id=pl.lit(None, pl.String))
    with pytest.raises(SchemaError, match="5 messages have no message_id"):
        add(store, result_of(no_ids))


# -- chats and "me" --------------------------------------------------------------------------


def test_chat_lookup_by_id_name_and_prefix(store: Store) -> None:
    add(store, result_of(conversation(5, seed=15, chat="Alex")))
    add(store, result_of(conversation(5, seed=16, chat="Sam")), digest="h2")
    assert store.chat("alex").name == "Alex"
    assert store.chat("ALEX").chat_id == "alex"
    assert store.chat("sa").chat_id == "sam"
    with pytest.raises(ChatNotFoundError, match=r"no chat 'jo' .*alex \(Alex, whatsapp\), sam"):
        store.chat("jo")


def test_ambiguous_prefix_lists_the_matches(store: Store) -> None:
    add(store, result_of(conversation(5, seed=17, chat="Alex")))
    add(store, result_of(conversation(5, seed=18, chat="Alexis")), digest="h2")
    with pytest.raises(ChatNotFoundError, match=r"matches several chats: alex .*alexis"):
        store.chat("ale")


def test_lookup_in_an_empty_store_says_how_to_start(store: Store) -> None:
    with pytest.raises(ChatNotFoundError, match="no chats yet; import one"):
        store.chat("alex")
    with pytest.raises(ChatNotFoundError, match="no chat with id 'alex'"):
        store.messages("alex")


def test_set_me_checks_the_senders_and_sets_them(store: Store) -> None:
    add(store, result_of(conversation(30, seed=19)))
    row = store.set_me("alex", "maya")  # case-insensitive when unambiguous
    assert (row.me, row.them) == ("Maya", "Alex")
    with pytest.raises(SenderNotFoundError, match=r"'Mia' is not a sender .*'Alex', 'Maya'"):
        store.set_me("alex", "Mia")
    assert store.chat("alex").me == "Maya"


def test_a_wrong_me_in_an_export_whose_owner_is_me_says_so(store: Store) -> None:
    owned = conversation(10, seed=20).with_columns(pl.col("sender").replace("Maya", "Me"))
    with pytest.raises(SenderNotFoundError, match=r"'Me' is how this export names its owner"):
        add(store, result_of(owned), me="Maya")


def test_import_with_a_wrong_me_writes_nothing(store: Store) -> None:
    with pytest.raises(SenderNotFoundError, match="'Mia' is not a sender"):
        add(store, result_of(conversation(10, seed=20)), me="Mia")
    assert store.chats() == []


def test_import_keeps_an_earlier_me_and_the_latest_guess(store: Store) -> None:
    add(store, result_of(conversation(10, seed=21)), me="Alex")
    meta = (ChatMeta("Alex", me_guess="Maya"),)
    [imported] = add(store, result_of(conversation(10, seed=22), chats=meta), digest="h2")
    assert imported.me == "Alex"
    row = store.chat("alex")
    assert (row.me, row.them, row.me_guess) == ("Alex", "Maya", "Maya")


def test_them_is_unset_with_more_than_two_senders(store: Store) -> None:
    rows = [{"sender": s} for s in ("Maya", "Alex", "Jo", "Maya")]
    add(store, result_of(messages(rows)), me="Maya")
    assert store.chat("alex").them is None


def test_slugs() -> None:
    assert slugify("Alex ❤️ (work)") == "alex-work"
    assert slugify("José María") == "jose-maria"
    assert slugify("李") == "li"
    assert slugify("🙂 ❤️") == "chat"
    assert len(slugify("x" * 100)) == 32


# -- delete ----------------------------------------------------------------------------------


def test_delete_chat_removes_everything_derived_from_it(store: Store) -> None:
    result = result_of(conversation(40, seed=23), skipped=(Skipped(1, "odd", "odd"),))
    add(store, result)
    add(store, result_of(conversation(10, seed=24, chat="Sam")), digest="h2")
    store.add_journal_entry("alex", day=date(2024, 1, 2), mood=3, urge=7, self_care="run", note="")
    store.hold_draft("alex", text="are you ok??", verdict="chase", reason="r", hold_until=START)
    store.set_settings("alex", {"language": "en"})
    store.delete_chat("alex")
    assert [c.chat_id for c in store.chats()] == ["sam"]
    counts = table_counts(store.path)
    assert (counts["chats"], counts["imports"], counts["files"], counts["message_blocks"]) == (
        1,
        1,
        1,
        1,
    )
    assert counts["skipped"] == counts["journal"] == counts["drafts"] == counts["settings"] == 0
    with pytest.raises(ChatNotFoundError):
        store.messages("alex")


# -- the space companion ---------------------------------------------------------------------


def test_journal_keeps_one_entry_per_day(store: Store) -> None:
    add(store, result_of(conversation(5, seed=25)))
    day = date(2024, 2, 14)
    store.add_journal_entry("alex", day=day, mood=2, urge=9, self_care="", note="hard day")
    store.add_journal_entry("alex", day=day, mood=4, urge=3, self_care="walk", note="better")
    store.add_journal_entry("alex", day=date(2024, 2, 13), mood=3, urge=5, self_care="", note="")
    journal = store.journal("alex")
    assert journal.columns == ["day", "mood", "urge", "self_care", "note", "written_at"]
    assert journal.select("day", "mood", "urge", "note").rows() == [
        (date(2024, 2, 13), 3, 5, ""),
        (day, 4, 3, "better"),
    ]
    assert journal["written_at"].dtype == pl.Datetime("us", "UTC")


@pytest.mark.parametrize(
    ("mood", "urge", "message"),
    [
        (0, 5, "mood must be a whole number from 1 to 5, not 0"),
        (6, 5, "mood must be .* not 6"),
        (3, 11, "urge must be a whole number from 0 to 10, not 11"),
        (3, -1, "urge must be .* not -1"),
        (True, 2, "mood must be .* not True"),
    ],
)
def test_journal_values_are_checked(store: Store, mood: int, urge: int, message: str) -> None:
    add(store, result_of(conversation(5, seed=26)))
    with pytest.raises(InvalidEntryError, match=message):
        store.add_journal_entry(
            "alex", day=date(2024, 1, 1), mood=mood, urge=urge, self_care="", note=""
        )
    assert store.journal("alex").is_empty()


def test_drafts_are_held_released_and_deleted(store: Store) -> None:
    add(store, result_of(conversation(5, seed=27)))
    until = datetime(2024, 1, 2, 9, 30, tzinfo=UTC)
    first = store.hold_draft(
        "alex", text="did I do something?", verdict="pleading", reason="checking", hold_until=until
    )
    second = store.hold_draft("alex", text="hey", verdict="follow-up", reason="x", hold_until=until)
    drafts = store.drafts("alex")
    assert drafts.columns == [
        "id",
        "text",
        "verdict",
        "reason",
        "held_at",
        "hold_until",
        "released_at",
    ]
    assert drafts["id"].to_list() == [first, second]
    assert drafts["hold_until"][0] == until
    assert drafts["released_at"].null_count() == 2
    store.release_draft("alex", first)
    released = store.drafts("alex")["released_at"][0]
    store.release_draft("alex", first)
    assert store.drafts("alex")["released_at"][0] == released is not None
    store.delete_draft("alex", second)
    assert store.drafts("alex")["id"].to_list() == [first]
    with pytest.raises(DraftNotFoundError, match=f"no held draft {second} in chat 'alex'"):
        store.release_draft("alex", second)
    with pytest.raises(InvalidEntryError, match="empty draft"):
        store.hold_draft("alex", text="  ", verdict="", reason="", hold_until=until)


def test_settings_round_trip(store: Store) -> None:
    add(store, result_of(conversation(5, seed=28)))
    assert store.settings("alex") == {}
    values = {"language": "pt", "burst_gap_minutes": 10, "lexicon": ["saudade", "❤️"]}
    store.set_settings("alex", values)
    assert store.settings("alex") == values
    store.set_settings("alex", {"language": "en"})
    assert store.settings("alex") == {"language": "en"}
    with pytest.raises(InvalidEntryError, match="plain JSON values"):
        store.set_settings("alex", {"when": date(2024, 1, 1)})


def test_one_store_serves_several_threads(store: Store) -> None:
    add(store, result_of(conversation(50, seed=29)))
    with ThreadPoolExecutor(4) as pool:
        heights = list(pool.map(lambda _: store.messages("alex").height, range(8)))
        list(pool.map(lambda i: store.set_settings("alex", {"n": i}), range(8)))
    assert heights == [50] * 8
    assert set(store.settings("alex")) == {"n"}
