"""Signal (signal-export): golden fixtures for data.json and both chat.md generations, inputs as
folder, file or zip, sniffing against WhatsApp look-alikes, chat-miner's corpus, bad input."""

from __future__ import annotations

import csv
import json
import re
import shutil
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CORPORA, FIXTURES, fixed_cases
from pullaway.errors import ChatNotFoundError, ParseError, PullawayError
from pullaway.importers import Sample, signal, sniff
from pullaway.importers.signal import parse
from pullaway.importers.signal import sniff as signal_sniff
from pullaway.testing import (
    assert_lines_accounted,
    fixture_inputs,
    golden_files,
    progress_shares,
)

if TYPE_CHECKING:
    from collections.abc import Callable

FOLDER = FIXTURES / "signal"
GOLDEN = golden_files(FOLDER)
CHAT_MINER = CORPORA / "chat-miner"


def inputs() -> list[Path]:
    return fixture_inputs(FOLDER)


def test_data_json_is_preferred_and_matches_chat_md() -> None:
    folder = FOLDER / "Alex Morgan"
    from_json = parse(folder)
    assert from_json.notes == (f"Alex Morgan: read {folder}/data.json",)
    from_md = parse(folder / "chat.md")
    columns = ["timestamp", "sender", "kind", "text"]
    json_rows = from_json.messages.select(columns).rows()
    md_rows = from_md.messages.select(columns).rows()
    # chat.md has whole seconds only; everything else agrees.
    assert [r[1:] for r in json_rows] == [r[1:] for r in md_rows]
    assert [r[0].replace(microsecond=0) for r in json_rows] == [r[0] for r in md_rows]
    assert from_md.chats[0].name == "Alex Morgan"


def test_kinds_from_markdown() -> None:
    frame = parse(FOLDER / "Sam Rivera").messages
    kinds = dict(zip(frame["source_line"], frame["kind"], strict=True))
    assert [kinds[n] for n in (1, 6, 13, 15, 17)] == ["text", "text", "media", "deleted", "call"]
    texts = dict(zip(frame["source_line"], frame["text"], strict=True))
    assert texts[1] == "home safe. tonight was fun"  # the reaction line is not text
    assert texts[6] == "yeah sorry, long day.\nmy phone died at the game\nand I only just got home"


def test_zone_gives_offsets_across_dst() -> None:
    frame = parse(FOLDER / "Sam Rivera", timezone="Europe/London").messages
    offsets = dict(zip(frame["source_line"], frame["utc_offset"], strict=True))
    assert (offsets[1], offsets[18]) == (3600, 0)
    assert parse(FOLDER / "Sam Rivera").messages["utc_offset"].null_count() == frame.height


def test_zip_of_an_export_with_several_chats(tmp_path: Path) -> None:
    root = tmp_path / "signal-chats"
    for name in ("Alex Morgan", "Jordan Lee"):
        shutil.copytree(FOLDER / name, root / name)
    archive = tmp_path / "signal-chats.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(root.rglob("*")):
            zf.write(path, path.relative_to(tmp_path))
    assert sniff(archive).name == "signal"
    both = parse(archive)
    assert [c.name for c in both.chats] == ["Alex Morgan", "Jordan Lee"]
    one = parse(archive, chat="jordan lee")
    assert set(one.messages["chat"]) == {"Jordan Lee"}
    with pytest.raises(ChatNotFoundError, match="Alex Morgan, Jordan Lee"):
        parse(archive, chat="Nobody")


def _export_of_two_chats(tmp_path: Path) -> Path:
    root = tmp_path / "signal-chats"
    for name in ("Alex Morgan", "Jordan Lee"):
        shutil.copytree(FOLDER / name, root / name)
    return root


@pytest.mark.parametrize("zipped", [False, True], ids=["folder", "zip"])
def test_each_chat_file_is_read_when_its_turn_comes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, zipped: bool
) -> None:
    """Only one chat's bytes are held at a time: a chat file is read as its chat is, not all
    of them first (the progress bar is sized from the files' sizes)."""
    source = root = _export_of_two_chats(tmp_path)
    if zipped:
        source = tmp_path / "signal-chats.zip"
        with zipfile.ZipFile(source, "w") as zf:
            for path in sorted(root.rglob("*")):
                zf.write(path, path.relative_to(tmp_path))
    events: list[str] = []
    read_source = signal._read_source

    def reading(chat: signal._Source, **kwargs: Any) -> signal._Part:
        events.append(f"parse {chat.chat}")
        return read_source(chat, **kwargs)

    def counted(read: Callable[..., bytes]) -> Callable[..., bytes]:
        def read_and_count(*args: Any) -> bytes:
            data = read(*args)
            events.append(f"read {len(data)}")
            return data

        return read_and_count

    monkeypatch.setattr(signal, "_read_source", reading)
    monkeypatch.setattr(Path, "read_bytes", counted(Path.read_bytes))
    monkeypatch.setattr(zipfile.ZipFile, "read", counted(zipfile.ZipFile.read))
    parse(source)
    chat_files = (root / "Alex Morgan" / "data.json", root / "Jordan Lee" / "chat.md")
    sizes = [file.stat().st_size for file in chat_files]
    assert events == [
        "parse Alex Morgan",
        f"read {sizes[0]}",
        "parse Jordan Lee",
        f"read {sizes[1]}",
    ]


def test_an_unreadable_member_of_a_zip_is_a_parse_error(tmp_path: Path) -> None:
    root = _export_of_two_chats(tmp_path)
    archive = tmp_path / "signal-chats.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(root.rglob("*")):
            zf.write(path, path.relative_to(tmp_path))
    with zipfile.ZipFile(archive) as zf:
        member = zf.getinfo("signal-chats/Jordan Lee/chat.md")
    data = bytearray(archive.read_bytes())
    start = member.header_offset + 30 + len(member.filename.encode())
    data[start : start + 8] = b"\xff" * 8  # the compressed bytes no longer inflate
    archive.write_bytes(bytes(data))
    with pytest.raises(ParseError, match=r"cannot read the zip archive \(.*\); unzip it"):
        parse(archive)


def test_a_zip_whose_directory_is_damaged_is_a_parse_error(tmp_path: Path) -> None:
    root = _export_of_two_chats(tmp_path)
    archive = tmp_path / "signal-chats.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(root.rglob("*")):
            zf.write(path, path.relative_to(tmp_path))
    data = bytearray(archive.read_bytes())
    end = data.rfind(b"PK\x05\x06")  # the end record, which says where the directory starts
    directory = int.from_bytes(data[end + 16 : end + 20], "little")
    data[directory : directory + 4] = b"XXXX"  # the first entry's signature
    archive.write_bytes(bytes(data))
    assert zipfile.is_zipfile(archive)  # the end record is intact: read as a zip, and fails
    with pytest.raises(ParseError, match=r"cannot read the zip archive \(.*\); unzip it"):
        parse(archive)


def test_attachment_names_with_brackets_and_a_bad_dates_whole_message(tmp_path: Path) -> None:
    # signal-export keeps brackets in media paths (IMG_(1).jpg is common); before, the link
    # stopped at the first ")" and left ".jpg)" as the text.
    chat = tmp_path / "Mia"
    chat.mkdir()
    (chat / "chat.md").write_text(
        "[2024-02-09 21:14:03] Mia: ![IMG_(1).jpg](./media/IMG_(1).jpg)\n"
        "[2024-02-09 21:15:03] Mia: [report (final).pdf](./media/report%20(final).pdf)\n"
        "[2024-02-09 21:16:03] Mia: felt cute ![IMG_(2).jpg](./media/IMG_(2).jpg)\n"
        "[2024-13-40 99:99:99] Mia: lost\n"
        "and its second line\n"
        "[2024-02-09 21:17:03] Me: ok\n",
        encoding="utf-8",
    )
    result = parse(chat)
    rows = result.messages.select("kind", "text").rows()
    assert rows == [("media", None), ("media", None), ("text", "felt cute"), ("text", "ok")]
    # The skipped message is quoted whole, its second line with it.
    assert [(s.line, s.reason) for s in result.skipped] == [(4, "unparseable date")]
    assert result.skipped[0].text.endswith("Mia: lost ⏎ and its second line")


def test_a_line_in_brackets_and_dashes_without_a_name_is_not_a_reaction(tmp_path: Path) -> None:
    chat = tmp_path / "Mia"
    chat.mkdir()
    (chat / "chat.md").write_text(
        "[2024-02-09 21:14:03] Mia: (- not a reaction -)\nthe actual message\n"
        "[2024-02-09 21:15:03] Me: hi\n(- Mia: ❤️ -)\n",
        encoding="utf-8",
    )
    texts = parse(chat).messages.get_column("text").to_list()
    assert texts == ["(- not a reaction -)\nthe actual message", "hi"]


def test_bare_data_json(tmp_path: Path) -> None:
    source = tmp_path / "data.json"
    shutil.copy(FOLDER / "Alex Morgan" / "data.json", source)
    assert sniff(source).name == "signal"
    result = parse(source)
    assert result.messages.height == 10
    assert result.chats[0].name == tmp_path.name


def test_broken_emoji_in_data_json_is_replaced_not_fatal(tmp_path: Path) -> None:
    good = (FOLDER / "Alex Morgan" / "data.json").read_text(encoding="utf-8").splitlines()
    source = tmp_path / "data.json"
    cut = good[1].replace("yes!!", "yes \\ud83d", 1)  # half of a surrogate pair, escaped
    source.write_text("\n".join([good[0], cut]), encoding="utf-8")
    assert parse(source).messages["text"].to_list()[1].startswith("yes \ufffd")


def test_bad_json_lines_are_skipped_not_fatal(tmp_path: Path) -> None:
    good = (FOLDER / "Alex Morgan" / "data.json").read_text(encoding="utf-8").splitlines()
    source = tmp_path / "data.json"
    source.write_text("\n".join([good[0], '{"date": "broken', good[1], "[]"]), encoding="utf-8")
    result = parse(source)
    assert [(s.line, s.reason) for s in result.skipped] == [
        (2, "not a JSON object"),
        (4, "no date"),
    ]
    assert result.messages.height == 2


def test_odd_json_lines_read_like_the_standard_library(tmp_path: Path) -> None:
    """A line separator (U+2028) inside a text, NaN, a value nested too deep, and a line that
    is not UTF-8 in a file given with another encoding."""
    good = (FOLDER / "Alex Morgan" / "data.json").read_text(encoding="utf-8").splitlines()
    source = tmp_path / "data.json"
    separated = good[0].replace("still awake", "still\u2028awake", 1)
    lines = [separated, good[1].replace('"call": false', '"call": NaN', 1), "[" * 100_000]
    source.write_text("\n".join(lines), encoding="utf-8")
    result = parse(source)
    assert result.messages["text"].to_list() == ["are you still\u2028awake?", "yes!! just got home"]
    assert [(s.line, s.reason) for s in result.skipped] == [(3, "not a JSON object")]
    source.write_bytes("\n".join([good[0].replace("awake", "éveillé")]).encode("cp1252"))
    with pytest.raises(ParseError, match="not UTF-8"):
        parse(source)
    assert parse(source, encoding="cp1252").messages["text"][0] == "are you still éveillé?"


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
_FIELDS = ("date", "sender", "body", "attachments", "sticker", "deleted", "call", "missed")


@fixed_cases(100)
@given(records=st.lists(st.dictionaries(st.sampled_from(_FIELDS), _JSON_VALUES), max_size=6))
def test_any_json_values_are_read_or_skipped(
    tmp_path: Path, records: list[dict[str, object]]
) -> None:
    """Each field of a data.json line may hold any JSON value: the line becomes a message or a
    skip, never a traceback."""
    good = (FOLDER / "Alex Morgan" / "data.json").read_text(encoding="utf-8").splitlines()[0]
    source = tmp_path / "data.json"
    source.write_text("\n".join([good, *map(json.dumps, records)]), encoding="utf-8")
    result = parse(source)
    assert_lines_accounted(result)
    assert result.units == len(records) + 1


def test_progress_is_the_share_of_bytes_read(tmp_path: Path) -> None:
    for name in ("Alex Morgan", "Sam"):
        shutil.copytree(FOLDER / "Alex Morgan", tmp_path / name)
    shares = progress_shares(lambda: parse(tmp_path))
    assert shares[0] == 0.0
    assert shares[-1] == 1.0
    assert 0.4 < shares[1] < 0.6  # the second chat starts about half way through


def test_not_json_lines_at_all_is_a_parse_error(tmp_path: Path) -> None:
    source = tmp_path / "data.json"
    source.write_text("hello\nworld\n", encoding="utf-8")
    with pytest.raises(ParseError, match="no line is a JSON object"):
        parse(source)


def test_folder_without_chat_files_is_a_parse_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hi", encoding="utf-8")
    with pytest.raises(ParseError, match=r"no data.json or chat.md"):
        parse(tmp_path)


@pytest.mark.parametrize(
    "text",
    [
        "[13/06/2018, 21:25:15] Ana: hola\n[13/06/2018, 21:26:01] Bo: hey\n",
        "[2018/06/13, 21:25:15] Ana: hola\n[2018/06/13, 21:26:01] Bo: hey\n",
        "[13.06.18, 21:25:15] Ana: hallo\n[13.06.18, 21:26:01] Bo: hey\n",
        "\u200e[2018-06-13 21:25:15] Ana: \u200eimage omitted\n[2018-06-13 21:26:01] Bo: hey\n",
        "13/06/2018, 21:25 - Ana: hola\n13/06/2018, 21:26 - Bo: hey\n",
    ],
)
def test_whatsapp_lines_are_not_signal(tmp_path: Path, text: str) -> None:
    source = tmp_path / "_chat.txt"
    source.write_text(text, encoding="utf-8")
    assert signal_sniff(Sample.read(source)) == 0.0


def test_iso_dash_lines_alone_score_at_least_the_threshold(tmp_path: Path) -> None:
    source = tmp_path / "export.txt"
    source.write_text("[2019-12-24, 12:23] Jane: hi\n[2019-12-24, 12:25] John: yo\n", "utf-8")
    assert 0.6 <= signal_sniff(Sample.read(source)) < 0.9


def _normalised(rows: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    return sorted((t, a, re.sub(r"\s+", " ", m).strip()) for t, a, m in rows)


def _ours(source: Path) -> list[tuple[str, str, str]]:
    frame = parse(source).messages
    return [
        (ts.isoformat(timespec="seconds"), sender, text or "")
        for ts, sender, text in frame.select("timestamp", "sender", "text").rows()
    ]


def test_chat_miner_signal_fixture_matches_its_target() -> None:
    folder = CHAT_MINER / "test" / "signal"
    if not folder.exists():
        pytest.skip("shared corpora not present")
    target = json.loads((folder / "target.json").read_text(encoding="utf-8"))
    theirs = [(r["timestamp"], r["author"], r["message"]) for r in target]
    ours = _ours(folder / "test_export.txt")
    # chat-miner joins "Hello\nJane!" with a space and lists newest first; we keep the newline.
    assert _normalised(ours) == _normalised(theirs)
    assert parse(folder / "test_export.txt").messages["text"][1] == "Hello\nJane!"


def test_chat_miner_old_signal_fixture_matches_its_target() -> None:
    folder = CHAT_MINER / "history" / "62d255f" / "test" / "signal"
    if not folder.exists():
        pytest.skip("shared corpora not present")
    with (folder / "test_target.csv").open(encoding="utf-8", newline="") as fh:
        theirs = [
            (r["timestamp"].replace(" ", "T"), r["author"], r["message"])
            for r in csv.DictReader(fh)
        ]
    assert _normalised(_ours(folder / "test_export.txt")) == _normalised(theirs)


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_mangled_exports_raise_only_pullaway_errors(tmp_path: Path, data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(["data.json", "chat.md"]))
    raw = (FOLDER / "Alex Morgan" / name).read_bytes()
    at = data.draw(st.integers(0, len(raw)))
    junk = data.draw(st.binary(max_size=30) | st.sampled_from([b"{", b"]", b'"', b"\n[", b"\xff"]))
    source = tmp_path / name
    source.write_bytes(raw[:at] + junk + raw[at + data.draw(st.integers(0, 40)) :])
    try:
        result = parse(source)
    except PullawayError:
        return
    assert_lines_accounted(result)
