"""Messenger and Instagram JSON: golden fixtures, sniffing, mojibake, time zones, bad input."""

from __future__ import annotations

import gc
import json
import shutil
import time
import zipfile
from datetime import datetime
from typing import TYPE_CHECKING

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import FIXTURES, fixed_cases, records_left_after_let_go
from pullaway.errors import ChatNotFoundError, ParseError, PullawayError
from pullaway.importers import ImportResult, Sample, _meta, registry, sniff
from pullaway.importers._base import paused_gc
from pullaway.importers._json import RawRecords, _wall_clock_from_os, load_json
from pullaway.importers._meta import classify, repair_mojibake
from pullaway.testing import (
    assert_lines_accounted,
    mangled,
    progress_shares,
    read_outcome,
)

if TYPE_CHECKING:
    from pathlib import Path

FORMATS = ("messenger", "instagram")
GOLDEN = sorted(p for f in FORMATS for p in (FIXTURES / f).glob("*.expected.json"))
THREAD = FIXTURES / "messenger" / "thread_split"


@pytest.fixture(autouse=True)
def utc_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Golden times are in UTC: the zone a machine without --timezone would use if it were UTC."""
    monkeypatch.setenv("TZ", "UTC")


def inputs() -> list[Path]:
    return sorted(
        p
        for f in FORMATS
        for p in (FIXTURES / f).iterdir()
        if not p.name.endswith(".expected.json")
    )


@pytest.mark.parametrize("source", inputs(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_only_one_meta_sniffer_is_sure(source: Path) -> None:
    sample = Sample.read(source)
    scores = [registry()[f].sniff(sample) for f in FORMATS]
    assert sum(score >= 0.5 for score in scores) == 1, scores


def test_mojibake_is_repaired_in_every_field_but_genuine_text_is_kept() -> None:
    result = registry()["messenger"].parse(THREAD)
    texts = result.messages["text"].to_list()
    assert "Hola! ¿Cómo estás? 😍" in texts
    assert "He said “soon” again" in texts  # a genuine U+201C is not "repaired"
    assert result.chats[0].name == "Sofía Álvarez"
    assert "Sofía Álvarez" in result.messages["sender"].to_list()
    assert repair_mojibake("\u00e2\u009d\u00a4") == "❤"
    assert repair_mojibake("naïve “quoted”") == "naïve “quoted”"


def test_split_thread_is_merged_sorted_and_deduplicated() -> None:
    result = registry()["messenger"].parse(THREAD)
    stamps = result.messages["timestamp"].to_list()
    assert stamps == sorted(stamps)
    assert result.units == 13
    assert result.messages.height == 12
    assert [s.reason.startswith("same record as") for s in result.skipped] == [True]


def _thread_files(folder: Path, *files: list[dict[str, object]]) -> Path:
    thread = folder / "messages" / "inbox" / "ana_1"
    thread.mkdir(parents=True)
    for number, records in enumerate(files, start=1):
        data = {"participants": [{"name": "Ana"}, {"name": "Bo"}], "messages": records}
        (thread / f"message_{number}.json").write_text(json.dumps(data), encoding="utf-8")
    return folder


def _said(sender: str, ms: int, text: str) -> dict[str, object]:
    return {"sender_name": sender, "timestamp_ms": ms, "content": text}


def test_only_a_copy_from_another_file_is_skipped(tmp_path: Path) -> None:
    """Files overlap by a run of records: each copy in the later file is skipped, naming the
    record it repeats. Same sender and millisecond with other words, or the same record twice
    in one file, are messages."""
    newer = [_said("Ana", 9000, "late"), _said("Bo", 5000, "overlap b"), _said("Ana", 4000, "a")]
    older = [
        _said("Bo", 5000, "overlap b"),
        _said("Ana", 4000, "a"),
        _said("Ana", 4000, "not the same words"),
        _said("Bo", 1000, "twice in one file"),
        _said("Bo", 1000, "twice in one file"),
    ]
    result = registry()["messenger"].parse(_thread_files(tmp_path, newer, older))
    assert_lines_accounted(result)
    assert [(s.line, s.reason) for s in result.skipped] == [
        (4, "same record as 2 (repeated in another message file)"),
        (5, "same record as 3 (repeated in another message file)"),
    ]
    assert sorted(result.messages["text"].to_list()) == sorted(
        ["late", "overlap b", "a", "not the same words", "twice in one file", "twice in one file"]
    )
    assert 4 not in result.messages["source_line"].to_list()


def test_the_reactions_of_a_copy_are_not_counted_twice(tmp_path: Path) -> None:
    liked = _said("Ana", 5000, "see you") | {"reactions": [{"reaction": "❤", "actor": "Bo"}]}
    result = registry()["messenger"].parse(_thread_files(tmp_path, [liked], [liked]))
    assert result.notes[-1] == "reactions read as part of their messages, not as messages: 1"


def test_a_long_overlap_between_files_is_read_once(tmp_path: Path) -> None:
    records = [_said("Ana" if n % 2 else "Bo", 1000 * n, f"message {n}") for n in range(3000)]
    newer, older = records[:1:-1][:2000], records[::-1][1000:]  # 1,000 records in both
    result = registry()["messenger"].parse(_thread_files(tmp_path, newer, older))
    assert_lines_accounted(result)
    assert result.messages.height == len({r["content"] for r in newer + older})
    assert len(result.skipped) == len(newer) + len(older) - result.messages.height
    assert result.messages["timestamp"].is_sorted()


_RECORD = st.builds(
    _said,
    st.sampled_from(["Ana", "Bo"]),
    st.sampled_from([1000, 2000, 3000]),
    st.sampled_from("ab"),
)


@fixed_cases(150)
@given(files=st.lists(st.lists(_RECORD, min_size=1, max_size=6), min_size=2, max_size=3))
def test_copies_are_the_records_an_earlier_file_already_had(
    files: list[list[dict[str, object]]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Against the rule in plain Python: in reading order, a record is a copy when a record
    kept earlier from another file is the same; the skip names the first such record."""
    expected, kept, line = [], [], 0
    for number, records in enumerate(files):
        for record in records:
            line += 1
            earlier = next((n for n, f, r in kept if f != number and r == record), None)
            if earlier is None:
                kept.append((line, number, record))
            else:
                expected.append(
                    (line, f"same record as {earlier} (repeated in another message file)")
                )
    result = registry()["messenger"].parse(_thread_files(tmp_path_factory.mktemp("t"), *files))
    assert_lines_accounted(result)
    assert [(s.line, s.reason) for s in result.skipped] == expected
    assert sorted(result.messages["source_line"].to_list()) == [n for n, _, _ in kept]


def test_one_message_file_brings_its_siblings() -> None:
    whole = registry()["messenger"].parse(THREAD)
    one = registry()["messenger"].parse(THREAD / "message_2.json")
    assert one.messages["text"].to_list() == whole.messages["text"].to_list()


def test_timezone_follows_daylight_saving_time() -> None:
    frame = registry()["messenger"].parse(THREAD, timezone="Europe/Madrid").messages
    by_line = {r["source_line"]: r for r in frame.to_dicts()}
    assert (str(by_line[6]["timestamp"]), by_line[6]["utc_offset"]) == ("2023-10-29 02:59:30", 7200)
    assert (str(by_line[5]["timestamp"]), by_line[5]["utc_offset"]) == ("2023-10-29 02:00:30", 3600)
    # Sorted by the instant, so the hour that repeats keeps its true order.
    assert frame["source_line"].to_list().index(6) < frame["source_line"].to_list().index(5)


def test_without_timezone_the_machine_zone_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/Sao_Paulo")
    result = registry()["messenger"].parse(THREAD)
    assert result.messages.row(0, named=True)["utc_offset"] == -3 * 3600
    # As the SMS and iMessage importers do, the import says which zone it used.
    assert any("this computer's time zone (America/Sao_Paulo)" in n for n in result.notes)
    chosen = registry()["messenger"].parse(THREAD, timezone="Europe/Berlin")
    assert not any("time zone" in note for note in chosen.notes)


def test_unknown_timezone_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="unknown time zone 'Mars/Olympus'"):
        registry()["messenger"].parse(THREAD, timezone="Mars/Olympus")


def test_download_zip_one_chat_per_thread_and_owner_guess() -> None:
    result = registry()["messenger"].parse(FIXTURES / "messenger" / "download.zip")
    assert {c.me_guess for c in result.chats} == {"Maya Lindqvist"}
    assert sorted(result.messages["chat"].unique()) == [
        "Cena del viernes",
        "Lucas Moreau",
        "Sofía Álvarez",
    ]


def test_chat_keyword_picks_one_thread() -> None:
    result = registry()["messenger"].parse(
        FIXTURES / "messenger" / "download.zip", chat="SOFÍA álvarez"
    )
    assert result.messages["chat"].unique().to_list() == ["Sofía Álvarez"]
    assert result.units == 2
    assert result.chats[0].me_guess == "Maya Lindqvist"  # still learned from every thread


@pytest.mark.parametrize(
    ("source", "platform"),
    [
        (FIXTURES / "messenger" / "download.zip", "messenger"),
        (FIXTURES / "messenger" / "thread_split", "messenger"),
        (FIXTURES / "instagram" / "inbox_thread", "instagram"),
    ],
    ids=lambda v: getattr(v, "name", v),
)
def test_a_named_chat_reads_as_in_a_full_read(
    source: Path, platform: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    importer = registry()[platform]
    for chat in importer.parse(source).chats:
        lazily = importer.parse(source, chat=chat.name)
        with monkeypatch.context() as patched:  # every record decoded at once, as without --chat
            patched.setattr(_meta, "load_json_lazily", _whole_read)
            whole = importer.parse(source, chat=chat.name)
        assert lazily.messages.equals(whole.messages)
        assert (lazily.skipped, lazily.chats, lazily.units) == (
            whole.skipped,
            whole.chats,
            whole.units,
        )


def test_a_named_encrypted_chat_reads_as_in_a_full_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = tmp_path / "messages" / "inbox"
    (inbox / "sofia_1").mkdir(parents=True)
    shutil.copy(
        FIXTURES / "messenger" / "e2ee_secure_storage.json", inbox / "sofia_1" / "message_1.json"
    )
    shutil.copytree(THREAD, inbox / "other_2")
    messenger = registry()["messenger"]
    name = messenger.parse(FIXTURES / "messenger" / "e2ee_secure_storage.json").chats[0].name
    lazily = messenger.parse(tmp_path, chat=name)
    with monkeypatch.context() as patched:
        patched.setattr(_meta, "load_json_lazily", _whole_read)
        whole = messenger.parse(tmp_path, chat=name)
    assert lazily.messages.height > 0
    assert lazily.messages.equals(whole.messages)


def _whole_read(data: bytes, *, where: str, html_hint: str, records: str) -> object:
    del records
    return load_json(data, where=where, html_hint=html_hint)


def test_records_of_threads_not_chosen_stay_undecoded() -> None:
    container = _meta._container_for(FIXTURES / "messenger" / "download.zip")
    threads = _meta._load_threads(container, "messenger", single=False, lazy=True)
    assert len(threads) >= 2
    assert all(isinstance(f.records, RawRecords) for t in threads for f in t.files)


def test_unknown_chat_lists_the_threads() -> None:
    with pytest.raises(ChatNotFoundError, match="'Cena del viernes', 'Lucas Moreau'"):
        registry()["messenger"].parse(FIXTURES / "messenger" / "download.zip", chat="Nobody")


def test_profile_file_names_the_owner(tmp_path: Path) -> None:
    shutil.copytree(THREAD, tmp_path / "inbox" / "sofia")
    profile = {"autofill_information_v2": {"FULL_NAME": ["Maya Lindqvist"], "EMAIL": []}}
    (tmp_path / "autofill_information.json").write_text(json.dumps(profile))
    (meta,) = registry()["messenger"].parse(tmp_path).chats
    assert meta.me_guess == "Maya Lindqvist"
    assert "autofill_information.json" in meta.me_reason


def test_records_without_type_are_classified() -> None:
    assert classify({"content": "hi"}) == ("text", "hi")
    assert classify({"photos": [{"uri": "a.jpg"}]}) == ("media", None)
    assert classify({"audio_files": [{"uri": "a.mp4"}]}) == ("voice", None)
    assert classify({"sticker": {"uri": "s.png"}}) == ("sticker", None)
    assert classify({"content": "Ana missed your call.", "call_duration": 0}) == ("call", None)
    assert classify({"content": "X created a poll: Where?"})[0] == "system"
    assert classify({"content": "Reaccionó 😂 a tu mensaje"})[0] == "system"


def test_e2ee_shape_is_read() -> None:
    frame = (
        registry()["messenger"].parse(FIXTURES / "messenger" / "e2ee_secure_storage.json").messages
    )
    assert frame["kind"].cast(str).to_list() == ["text", "text", "media", "deleted"]


def test_unknown_e2ee_shape_is_reported(tmp_path: Path) -> None:
    source = tmp_path / "secure.json"
    source.write_text(json.dumps({"messages": [{"authorName": "A", "sentAt": 1, "body": "x"}]}))
    with pytest.raises(ParseError, match="end-to-end encrypted export, but its messages"):
        registry()["messenger"].parse(source)


def test_truncated_json_names_the_line(tmp_path: Path) -> None:
    source = tmp_path / "message_1.json"
    source.write_bytes((THREAD / "message_1.json").read_bytes()[:900])
    with pytest.raises(ParseError, match=r"not valid JSON: .*cut short") as info:
        registry()["messenger"].parse(source)
    assert info.value.line is not None
    assert info.value.line > 1


def test_json_of_another_shape(tmp_path: Path) -> None:
    source = tmp_path / "message_1.json"
    source.write_text('{"name": "A", "type": "personal_chat", "id": 1, "list": []}')
    with pytest.raises(ParseError, match="not a Messenger or Instagram message file"):
        registry()["instagram"].parse(source)


def test_html_download_asks_for_json(tmp_path: Path) -> None:
    thread = tmp_path / "your_instagram_activity" / "messages" / "inbox" / "lucas_1"
    thread.mkdir(parents=True)
    (thread / "message_1.html").write_text("<html><head><title>Lucas</title></head></html>")
    assert sniff(tmp_path).name == "instagram"
    with pytest.raises(ParseError, match=r"HTML pages, not JSON.*Format: JSON"):
        registry()["instagram"].parse(tmp_path)
    page = tmp_path / "lucas.html"
    page.write_text("<!DOCTYPE html><html><head><title>Lucas</title></head></html>")
    with pytest.raises(ParseError, match="HTML page, not JSON"):
        registry()["instagram"].parse(page)


def test_an_instagram_thread_with_messengers_keys_is_instagram(tmp_path: Path) -> None:
    # Instagram's 2025 downloads write is_unsent_image_by_messenger_kid_parent too, which
    # made a thread sharing stories read as Messenger's (a public download's first records).
    record = {
        "sender_name": "Lucas",
        "timestamp_ms": 1735689600000,
        "share": {"link": "https://www.instagram.com/stories/lucas/3512/"},
        "is_unsent_image_by_messenger_kid_parent": False,
    }
    waving = {
        "sender_name": "Lucas",
        "timestamp_ms": 1735689700000,
        "content": "Lucas is waving at you!",
    }
    thread = tmp_path / "lucas_1"
    thread.mkdir()
    (thread / "message_1.json").write_text(
        json.dumps(
            {
                "participants": [{"name": "Lucas"}, {"name": "Maya"}],
                "messages": [waving, record],
                "title": "Lucas",
            }
        )
    )
    assert sniff(thread / "message_1.json").name == "instagram"
    kinds = registry()["instagram"].parse(thread, timezone="UTC").messages.get_column("kind")
    assert kinds.to_list() == ["media", "system"]


def test_damaged_zip_is_a_parse_error(tmp_path: Path) -> None:
    source = tmp_path / "download.zip"
    data = (FIXTURES / "messenger" / "download.zip").read_bytes()
    source.write_bytes(data[: len(data) // 2] + bytes(len(data) // 2))
    with pytest.raises(PullawayError):
        registry()["messenger"].parse(source)


def test_zip_member_is_named_in_source_file(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "x.zip", "w") as archive:
        archive.writestr(
            "messages/inbox/a_1/message_1.json", (THREAD / "message_1.json").read_text()
        )
    result = registry()["messenger"].parse(tmp_path / "x.zip")
    assert result.messages["source_file"][0].endswith("x.zip/messages/inbox/a_1/message_1.json")


SEED_BYTES = (THREAD / "message_1.json").read_bytes()


@fixed_cases(50)
@given(
    cut=st.integers(min_value=0, max_value=len(SEED_BYTES)),
    flips=st.lists(st.tuples(st.integers(0, len(SEED_BYTES) - 1), st.integers(0, 255)), max_size=4),
)
def test_mangled_json_raises_only_pullaway_errors(
    tmp_path_factory: pytest.TempPathFactory, cut: int, flips: list[tuple[int, int]]
) -> None:
    source = tmp_path_factory.mktemp("mangled") / "message_1.json"
    source.write_bytes(mangled(SEED_BYTES, cut=cut, flips=flips))
    read_outcome(
        lambda: registry()["messenger"].parse(source, timezone="UTC")
    )  # a pullaway error, or every record accounted for


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
KEYS = ["sender_name", "timestamp_ms", "content", "photos", "is_unsent", "reactions", "share"]


@fixed_cases(30)
@given(index=st.integers(0, 6), key=st.sampled_from(KEYS), value=JSON_VALUES)
def test_odd_field_values_are_reported_not_crashing(
    tmp_path_factory: pytest.TempPathFactory, index: int, key: str, value: object
) -> None:
    data = json.loads(SEED_BYTES)
    data["messages"][index][key] = value
    source = tmp_path_factory.mktemp("odd") / "thread.json"
    source.write_text(json.dumps(data))
    try:
        result = registry()["messenger"].parse(source, timezone="UTC")
    except PullawayError:
        return
    assert_lines_accounted(result)


def test_offsets_from_the_operating_system_when_the_zone_has_no_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TZ", "Europe/Madrid")
    time.tzset()
    try:
        utc = pl.Series([datetime(2023, 10, 29, 0, 59, 30), datetime(2023, 10, 29, 1, 0, 30)])
        wall, offset = _wall_clock_from_os(utc)
    finally:
        monkeypatch.undo()
        time.tzset()
    assert [str(w) for w in wall] == ["2023-10-29 02:59:30", "2023-10-29 02:00:30"]
    assert offset.to_list() == [7200, 3600]


def test_a_missing_message_file_is_noted(tmp_path: Path) -> None:
    shutil.copy(THREAD / "message_2.json", tmp_path / "message_2.json")
    result = registry()["messenger"].parse(tmp_path / "message_2.json")
    assert "Sofía Álvarez: message_1.json is missing; its messages are not imported" in result.notes


def test_progress_is_the_share_of_threads_then_records_read() -> None:
    found: list[ImportResult] = []
    download = FIXTURES / "messenger" / "download.zip"
    shares = progress_shares(lambda: found.append(registry()["messenger"].parse(download)))
    threads = len(found[0].chats)
    assert threads >= 2
    loaded = [n / threads * _meta.LOAD_SHARE for n in range(1, threads + 1)]
    assert shares[:threads] == pytest.approx(loaded)
    assert shares[2 * threads - 1] == pytest.approx(_meta.LOAD_SHARE + _meta.ROWS_SHARE)
    assert shares[2 * threads :] == [1.0]


_FLAG_VALUES = st.sampled_from([None, 0, 1, True, False, "", "x", [], [{"uri": "a"}], {}])
_RECORD_KEYS = st.sampled_from(
    [
        *("is_unsent", "call_duration", "missed", "audio_files", "sticker", "photos", "videos"),
        *("gifs", "files", "content", "reactions", "share"),
    ]
)


@fixed_cases(300)
@given(
    values=st.dictionaries(_RECORD_KEYS, _FLAG_VALUES, max_size=5),
    kind=st.sampled_from([None, "Generic", "Call", "Subscribe", "Unsubscribe", "Share"]),
)
def test_flags_read_every_key_they_depend_on(values: dict[str, object], kind: str | None) -> None:
    record = {"sender_name": "A", "timestamp_ms": 1, **values}
    if kind is not None:
        record["type"] = kind
    expected = (
        (_meta._UNSENT if record.get("is_unsent") else 0)
        | (_meta._CALLED if {"call_duration", "missed"} & set(record) or kind == "Call" else 0)
        | (_meta._VOICE if record.get("audio_files") else 0)
        | (_meta._STICKER if record.get("sticker") else 0)
        | (_meta._MEDIA if any(record.get(k) for k in ("photos", "videos", "gifs", "files")) else 0)
        | (_meta._JOINED if kind in ("Subscribe", "Unsubscribe") else 0)
    )
    assert _meta._flags(record) == expected


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
_MESSAGE_FIELDS = (
    *("content", "reactions", "photos", "videos", "gifs", "files", "audio_files", "sticker"),
    *("share", "call_duration", "missed", "is_unsent", "type"),
)


@fixed_cases(100)
@given(
    records=st.lists(
        st.fixed_dictionaries(
            {"sender_name": st.text(max_size=5), "timestamp_ms": st.integers(0, 2**41)},
            optional=dict.fromkeys(_MESSAGE_FIELDS, _JSON_VALUES),
        ),
        max_size=5,
    ),
    top=st.dictionaries(st.sampled_from(["participants", "title", "threadName"]), _JSON_VALUES),
)
def test_any_json_values_are_read_or_skipped(
    tmp_path: Path, records: list[dict[str, object]], top: dict[str, object]
) -> None:
    """Each field of a record, and the thread's own fields, may hold any JSON value: every
    record becomes a message or a skip, never a traceback."""
    source = tmp_path / "message_1.json"
    source.write_text(json.dumps({**top, "messages": records}), encoding="utf-8")
    try:
        result = registry()["instagram"].parse(source)
    except PullawayError:
        return
    assert_lines_accounted(result)
    assert result.units == len(records)


def test_broken_emoji_is_replaced_not_fatal(tmp_path: Path) -> None:
    # Half of a surrogate pair (a cut emoji) cannot be stored as UTF-8.
    source = tmp_path / "message_1.json"
    source.write_text(
        '{"participants": [{"name": "A"}, {"name": "B"}], "messages": ['
        '{"sender_name": "A", "timestamp_ms": 1704067200000, "content": "cut \\ud83d here"}]}'
    )
    result = registry()["messenger"].parse(source, timezone="UTC")
    assert result.messages["text"].to_list() == ["cut \ufffd here"]


def test_json_the_fast_reader_refuses_is_read_as_the_standard_library_reads_it() -> None:
    # NaN is not JSON, but Python writes and reads it; a lone surrogate escape too.
    assert load_json(b'{"a": NaN, "b": "\\udc00"}', where="x.json", html_hint="") == {
        "a": pytest.approx(float("nan"), nan_ok=True),
        "b": "\ufffd",
    }


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_paused_while_reading_and_left_as_it_was(*, enabled: bool) -> None:
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        with paused_gc():
            assert not gc.isenabled()
        assert gc.isenabled() is enabled
        with pytest.raises(ParseError), paused_gc():
            load_json(b"{", where="x.json", html_hint="")
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()


def test_every_files_records_are_let_go_of_once_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """The records hold the files' bytes: once the threads are read they are emptied, so the
    bytes can go before the table is made (the benchmark's peak memory)."""
    left = records_left_after_let_go(monkeypatch, _meta)
    result = registry()["messenger"].parse(THREAD, timezone="UTC")
    assert left == [0, 0]  # message_1.json and message_2.json, each emptied
    assert result.messages.height > 0
