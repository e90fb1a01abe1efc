"""Telegram Desktop JSON: golden fixtures, sniffing, chat choice, times and bad input."""

from __future__ import annotations

import json
import shutil
import zipfile
from typing import TYPE_CHECKING

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import FIXTURES, fixed_cases, records_left_after_let_go
from pullaway.errors import ChatNotFoundError, ParseError
from pullaway.importers import ImportResult, sniff, telegram
from pullaway.importers.telegram import DELETED_ACCOUNT, parse
from pullaway.testing import (
    assert_lines_accounted,
    fixture_inputs,
    golden_files,
    mangled,
    progress_shares,
    read_outcome,
)

if TYPE_CHECKING:
    from pathlib import Path

    from pullaway.importers._base import ImportResult

FOLDER = FIXTURES / "telegram"
GOLDEN = golden_files(FOLDER)


def inputs() -> list[Path]:
    return fixture_inputs(FOLDER)


def test_entities_join_without_separator_and_kinds() -> None:
    result = parse(FOLDER / "personal_chat.json")
    rows = {r["source_line"]: r for r in result.messages.to_dicts()}
    assert rows[2]["text"] == "Did you see this: https://example.org/trip"
    assert rows[10]["text"] == "ok @maya_l see here"
    assert (rows[3]["kind"], rows[3]["text"]) == ("call", None)
    assert (rows[5]["kind"], rows[5]["text"]) == ("sticker", "😴")
    assert [rows[n]["kind"] for n in (6, 7, 8)] == ["voice", "voice", "media"]
    assert (rows[4]["kind"], rows[4]["text"]) == ("media", "sunrise from the train")
    assert [(s.line, s.reason.split(":")[0]) for s in result.skipped] == [(9, "unsupported item")]


def test_offset_follows_the_exporting_computer_across_dst() -> None:
    frame = parse(FOLDER / "personal_chat.json").messages
    offsets = dict(zip(frame["source_line"], frame["utc_offset"], strict=True))
    assert offsets[3] == 3600  # 2024-03-31 01:58 in Paris, before the change
    assert offsets[4] == 7200  # 03:05, after it


def test_old_export_without_unixtime_has_unknown_offset() -> None:
    frame = parse(FOLDER / "old_export_no_unixtime.json").messages
    assert frame["utc_offset"].null_count() == frame.height == 4
    assert frame["text"][1] == "Aww you remembered"


def test_full_export_reads_every_chat_and_guesses_the_owner() -> None:
    result = parse(FOLDER / "full_export.json")
    names = [c.name for c in result.chats]
    assert names == ["Jonas Berg", "Climbing Sundays", "Saved Messages", "Lyon Flat Hunting"]
    guesses = {c.name: c.me_guess for c in result.chats}
    # Her display name, found through from_id/actor_id, in every chat (she never wrote in the last).
    assert set(guesses.values()) == {"Maya L."}
    (left,) = parse(FOLDER / "full_export.json", chat="Lyon Flat Hunting").chats
    assert left.me_guess == "Maya Lindqvist"  # only personal_information names her there
    assert DELETED_ACCOUNT in result.messages["sender"].to_list()


def test_chat_keyword_is_case_insensitive_and_counts_only_that_chat() -> None:
    result = parse(FOLDER / "full_export.json", chat="lyon flat hunting")
    assert result.messages["chat"].unique().to_list() == ["Lyon Flat Hunting"]
    assert result.units == 2
    assert_lines_accounted(result)


def test_unknown_chat_lists_the_names() -> None:
    with pytest.raises(ChatNotFoundError, match="'Jonas Berg', 'Climbing Sundays'"):
        parse(FOLDER / "full_export.json", chat="Nobody")


def test_personal_chat_owner_is_the_other_sender() -> None:
    (meta,) = parse(FOLDER / "personal_chat.json").chats
    assert (meta.name, meta.me_guess) == ("Lucas Moreau", "Maya Lindqvist")


def test_date_without_local_time_uses_the_timezone(tmp_path: Path) -> None:
    record = {"id": 1, "type": "message", "date_unixtime": "1719835200", "from": "A", "text": "x"}
    source = tmp_path / "result.json"
    source.write_text(json.dumps({"name": "A", "type": "personal_chat", "messages": [record]}))
    row = parse(source, timezone="America/New_York").messages.row(0, named=True)
    assert (str(row["timestamp"]), row["utc_offset"]) == ("2024-07-01 08:00:00", -14400)


def test_service_records_as_newer_telegram_desktops_write_them(tmp_path: Path) -> None:
    # Seen in real and example exports: a conference call, a custom action with only its words,
    # and proximity alerts, which name "from" and "to" instead of an actor.
    base = {"type": "service", "date": "2024-01-02T03:04:05"}
    records = [
        {**base, "id": 1, "actor": "Ana", "action": "conference_call", "duration_seconds": 60},
        {**base, "id": 2, "actor": "Ana", "information_text": "Ana joined the chat"},
        {**base, "id": 3, "action": "proximity_reached", "from": "Ana", "to": "Leo"},
    ]
    source = tmp_path / "result.json"
    source.write_text(json.dumps({"name": "G", "type": "private_group", "messages": records}))
    rows = parse(source).messages.select("kind", "sender", "text").rows()
    assert rows == [
        ("call", "Ana", None),
        ("system", "Ana", "service: Ana joined the chat"),
        ("system", "Ana", "proximity_reached"),
    ]


@pytest.mark.parametrize(
    ("chat_type", "senders", "me"),
    [
        ("bot_chat", ["Helper Bot", "Ben"], "Ben"),  # the chat is named after the bot
        ("saved_messages", ["Ben", "Ben"], "Ben"),  # every message is the owner's
        ("saved_messages", ["Ben", "Ana"], None),
    ],
)
def test_me_is_guessed_in_bot_chats_and_saved_messages(
    chat_type: str, senders: list[str], me: str | None, tmp_path: Path
) -> None:
    records = [
        {"id": n, "type": "message", "date": f"2024-01-02T03:04:0{n}", "from": who, "text": "x"}
        for n, who in enumerate(senders)
    ]
    source = tmp_path / "result.json"
    source.write_text(json.dumps({"name": "Helper Bot", "type": chat_type, "messages": records}))
    assert parse(source).chats[0].me_guess == me


def test_two_chats_of_one_name_are_numbered_as_the_store_numbers_them(tmp_path: Path) -> None:
    # "Anna" and "Anna (2)", as the store names another chat of one name (it was "Anna (1)").
    def chat(chat_id: int) -> dict[str, object]:
        record = {"id": 1, "type": "message", "date": "2024-01-02T03:04:05", "from": "Anna"}
        return {
            "name": "Anna",
            "type": "personal_chat",
            "id": chat_id,
            "messages": [{**record, "text": str(chat_id)}],
        }

    source = tmp_path / "result.json"
    source.write_text(json.dumps({"chats": {"list": [chat(1), chat(2)]}}))
    assert [c.name for c in parse(source).chats] == ["Anna", "Anna (2)"]


def test_bad_dates_are_skipped_not_fatal(tmp_path: Path) -> None:
    records = [
        {"id": 1, "type": "message", "date": "2024-13-40T99:00:00", "from": "A", "text": "x"},
        {"id": 2, "type": "message", "date": "2024-01-02T03:04:05", "from": "A", "text": "y"},
    ]
    source = tmp_path / "result.json"
    source.write_text(json.dumps({"name": "A", "type": "personal_chat", "messages": records}))
    result = parse(source)
    assert result.messages["text"].to_list() == ["y"]
    assert [s.line for s in result.skipped] == [1]


def test_truncated_json_names_the_line(tmp_path: Path) -> None:
    source = tmp_path / "result.json"
    source.write_bytes((FOLDER / "personal_chat.json").read_bytes()[:700])
    with pytest.raises(ParseError, match=r"not valid JSON: .*cut short") as info:
        parse(source)
    assert info.value.line is not None
    assert info.value.line > 1
    assert info.value.path == source


def test_json_of_another_shape(tmp_path: Path) -> None:
    source = tmp_path / "result.json"
    source.write_text('{"guild": {}, "channel": {}}')
    with pytest.raises(ParseError, match="not a Telegram export: expected 'messages' or 'chats'"):
        parse(source)


def test_html_export_asks_for_json(tmp_path: Path) -> None:
    source = tmp_path / "messages.html"
    source.write_text("<!DOCTYPE html>\n<html><head><title>Exported Data</title></head></html>")
    with pytest.raises(ParseError, match=r"HTML page, not JSON.*Machine-readable JSON"):
        parse(source)


SEED_BYTES = (FOLDER / "personal_chat.json").read_bytes()


@fixed_cases(50)
@given(
    cut=st.integers(min_value=0, max_value=len(SEED_BYTES)),
    flips=st.lists(st.tuples(st.integers(0, len(SEED_BYTES) - 1), st.integers(0, 255)), max_size=4),
)
def test_mangled_json_raises_only_pullaway_errors(
    tmp_path_factory: pytest.TempPathFactory, cut: int, flips: list[tuple[int, int]]
) -> None:
    source = tmp_path_factory.mktemp("mangled") / "result.json"
    source.write_bytes(mangled(SEED_BYTES, cut=cut, flips=flips))
    read_outcome(lambda: parse(source))  # a pullaway error, or every record accounted for


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
KEYS = ["type", "date", "date_unixtime", "from", "text", "text_entities", "media_type", "action"]


@fixed_cases(30)
@given(index=st.integers(0, 15), key=st.sampled_from(KEYS), value=JSON_VALUES)
def test_odd_field_values_are_reported_not_crashing(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    index: int,
    key: str,
    value: object,
) -> None:
    # Only pullaway's errors, every record accounted for, and record by record as a whole read.
    data = json.loads(SEED_BYTES)
    data["messages"][index][key] = value
    source = tmp_path_factory.mktemp("odd") / "result.json"
    source.write_text(json.dumps(data))
    assert read_outcome(lambda: parse(source)) == read_outcome(
        lambda: _read_whole(monkeypatch, source)
    )


def test_zipped_export_folder(tmp_path: Path) -> None:
    folder = FOLDER / "ChatExport_2024-05-02"
    archive = tmp_path / "ChatExport_2024-05-02.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for item in sorted(folder.rglob("*")):
            if item.is_file():
                zf.write(item, f"ChatExport_2024-05-02/{item.relative_to(folder).as_posix()}")
    assert sniff(archive).name == "telegram"
    zipped = parse(archive)
    assert zipped.messages["text"].to_list() == parse(folder).messages["text"].to_list()
    assert zipped.messages["source_file"][0].endswith("ChatExport_2024-05-02/result.json")


def test_a_folder_of_two_exports_names_the_one_not_read(tmp_path: Path) -> None:
    for name in ("ChatExport_2024-05-02", "ChatExport_2024-06-01"):
        (tmp_path / name).mkdir()
        shutil.copy(FOLDER / "ChatExport_2024-05-02" / "result.json", tmp_path / name)
    result = parse(tmp_path)
    assert result.notes == (
        "read ChatExport_2024-05-02/result.json; ChatExport_2024-06-01/result.json is another "
        "export: import it separately",
    )


def _read_whole(monkeypatch: pytest.MonkeyPatch, source: Path) -> ImportResult:
    """``parse`` as it reads an export whose outline msgspec cannot take: all at once."""
    with monkeypatch.context() as patched:
        patched.setattr(telegram, "_OUTLINE", msgspec.json.Decoder(list))
        return parse(source)


def _same_result(one: ImportResult, other: ImportResult) -> None:
    assert one.messages.equals(other.messages)
    assert one.skipped == other.skipped
    assert one.chats == other.chats
    assert (one.units, one.notes) == (other.units, other.notes)


@pytest.mark.parametrize("source", inputs(), ids=lambda p: p.name)
def test_records_read_one_by_one_give_what_a_whole_read_gives(
    source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _same_result(parse(source), _read_whole(monkeypatch, source))


def test_rows_kept_in_frames_stay_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    source = FOLDER / "full_export.json"
    expected = parse(source)
    monkeypatch.setattr(telegram, "ROWS_PER_FRAME", 2)
    _same_result(parse(source), expected)


def test_progress_is_the_share_of_records_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(telegram, "ROWS_PER_FRAME", 3)
    found: list[ImportResult] = []
    shares = progress_shares(lambda: found.append(parse(FOLDER / "personal_chat.json")))
    # The share of the 16 records after every 3 messages (one record is skipped), scaled to
    # the records' part of the parse, then the whole once the table is made.
    assert (found[0].units, found[0].messages.height) == (16, 15)
    assert len(shares) == 6
    assert shares[0] == 3 / 16 * telegram.RECORDS_SHARE
    assert shares[-2] <= telegram.RECORDS_SHARE
    assert shares[-1] == 1.0


def test_broken_emoji_is_replaced_not_fatal(tmp_path: Path) -> None:
    # Half of a surrogate pair (a cut emoji) cannot be stored as UTF-8.
    records = (
        '[{"id": 1, "type": "message", "date": "2024-01-02T03:04:05", "from": "A", '
        '"text": "cut \\ud83d here"},'
        '{"id": 2, "type": "message", "date": "2024-01-02T03:04:06", "from": "A", "text": "ok"}]'
    )
    source = tmp_path / "result.json"
    source.write_text(f'{{"name": "A", "type": "personal_chat", "messages": {records}}}')
    assert parse(source).messages["text"].to_list() == ["cut \ufffd here", "ok"]


def test_bytes_that_are_not_utf8_inside_a_record_name_the_line(tmp_path: Path) -> None:
    # The records are kept as bytes at first, so their UTF-8 is checked before anything else.
    source = tmp_path / "result.json"
    source.write_bytes(SEED_BYTES.replace(b"Did you see", b"Did you s\xe9e", 1))
    with pytest.raises(ParseError, match="not UTF-8") as info:
        parse(source)
    assert info.value.line == SEED_BYTES[: SEED_BYTES.index(b"Did you see")].count(b"\n") + 1


def test_export_without_chats_reads_nothing(tmp_path: Path) -> None:
    source = tmp_path / "result.json"
    source.write_text('{"personal_information": {"user_id": 1}, "chats": {"list": []}}')
    result = parse(source)
    assert (result.messages.height, result.chats, result.units) == (0, (), 0)


@fixed_cases(60)
@given(
    edits=st.lists(
        st.tuples(
            st.integers(0, len(SEED_BYTES) - 1),
            st.sampled_from([b"\xe9", b"\xff", b'"', b"{", b"]", b",", b"null", b"\\ud83d", b""]),
        ),
        min_size=1,
        max_size=3,
    )
)
def test_mangled_json_read_one_by_one_as_in_a_whole_read(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    edits: list[tuple[int, bytes]],
) -> None:
    data = SEED_BYTES
    for position, inserted in edits:
        data = data[:position] + inserted + data[position + 1 :]
    source = tmp_path_factory.mktemp("mangled") / "result.json"
    source.write_bytes(data)
    assert read_outcome(lambda: parse(source)) == read_outcome(
        lambda: _read_whole(monkeypatch, source)
    )


def test_every_chats_records_are_let_go_of_once_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """The records hold the file's bytes: once every chat is read they are emptied, so the
    bytes can go before the table is made (the benchmark's peak memory)."""
    left = records_left_after_let_go(monkeypatch, telegram)
    result = parse(FOLDER / "full_export.json")
    assert left == [0] * len(result.chats)  # one per chat of the export, each emptied
    assert len(result.chats) == 4
