"""A line or value over ``MAX_MESSAGE_BYTES`` (a damaged export, a gigabyte of one line) is
refused in one line at its line number, before it is decoded; real exports, minified JSON
included, read as before."""

from __future__ import annotations

import json
import shutil
from typing import TYPE_CHECKING

import pytest
from polars.testing import assert_frame_equal

from conftest import FIXTURES
from pullaway.errors import ParseError
from pullaway.importers._lines import MAX_MESSAGE_BYTES
from pullaway.ingest import parse_file

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

HUGE = "x" * (MAX_MESSAGE_BYTES + 100_000)  # 1.1 MB


def _csv(tmp_path: Path) -> tuple[Path, int]:
    path = tmp_path / "chat.csv"
    text = (FIXTURES / "csv" / "pullaway.csv").read_text(encoding="utf-8")
    path.write_text(text + f"Daniel,2024-05-04T10:00:00+02:00,Emma,{HUGE},text,,m-9\n")
    return path, text.count("\n") + 1


def _signal_md(tmp_path: Path) -> tuple[Path, int]:
    folder = tmp_path / "Alex Morgan"
    folder.mkdir()
    text = (FIXTURES / "signal" / "Jordan Lee" / "chat.md").read_text(encoding="utf-8")
    (folder / "chat.md").write_text(text + f"[2024-03-01 10:00:00] Me: {HUGE}\n")
    return folder, text.count("\n") + 1


def _signal_json(tmp_path: Path) -> tuple[Path, int]:
    folder = tmp_path / "Alex Morgan"
    shutil.copytree(FIXTURES / "signal" / "Alex Morgan", folder)
    data = (folder / "data.json").read_text(encoding="utf-8")
    record = json.dumps({"date": "2024-03-01 10:00:00", "sender": "Me", "body": HUGE})
    (folder / "data.json").write_text(data + record + "\n")
    return folder, data.count("\n") + 1


def _telegram(tmp_path: Path) -> tuple[Path, int]:
    export = json.loads((FIXTURES / "telegram" / "personal_chat.json").read_bytes())
    export["messages"][1]["text"] = HUGE
    text = json.dumps(export, indent=1, ensure_ascii=False)
    path = tmp_path / "result.json"
    path.write_text(text, encoding="utf-8")
    return path, text[: text.index(HUGE)].count("\n") + 1


def _messenger(tmp_path: Path) -> tuple[Path, int]:
    thread = json.loads((FIXTURES / "messenger" / "thread_split" / "message_1.json").read_bytes())
    thread["messages"][0]["content"] = HUGE
    text = json.dumps(thread, indent=2)
    path = tmp_path / "message_1.json"
    path.write_text(text, encoding="utf-8")
    return path, text[: text.index(HUGE)].count("\n") + 1


@pytest.mark.parametrize(
    ("write", "what"),
    [
        (_csv, "a line"),
        (_signal_md, "a line"),
        (_signal_json, "a line"),
        (_telegram, "a value"),
        (_messenger, "a value"),
    ],
    ids=["csv", "signal-md", "signal-json", "telegram", "messenger"],
)
def test_a_huge_line_or_value_is_refused_at_its_line(
    tmp_path: Path, write: Callable[[Path], tuple[Path, int]], what: str
) -> None:
    path, line = write(tmp_path)
    with pytest.raises(ParseError) as refused:
        parse_file(path)
    assert refused.value.line == line
    assert f"{what} of 1.1 MB, longer than any chat message can be" in str(refused.value)


@pytest.mark.parametrize(
    "name",
    ["telegram/personal_chat.json", "telegram/full_export.json", "messenger/no_type_2024.json"],
)
def test_minified_json_reads_as_the_app_wrote_it(tmp_path: Path, name: str) -> None:
    original = FIXTURES / name
    minified = tmp_path / original.name
    minified.write_text(json.dumps(json.loads(original.read_bytes()), separators=(",", ":")))
    assert minified.read_text().count("\n") == 0
    _, expected = parse_file(original)
    _, result = parse_file(minified)
    assert result.messages.height == expected.messages.height > 0
    assert_frame_equal(result.messages.drop("source_file"), expected.messages.drop("source_file"))
    assert result.skipped == expected.skipped


def test_an_sms_backup_with_a_huge_value_is_refused_before_it_is_read(tmp_path: Path) -> None:
    backup = (FIXTURES / "sms_xml" / "sms_only.xml").read_text(encoding="utf-8")
    at = backup.index(' body="') + len(' body="')
    path = tmp_path / "sms-backup.xml"
    path.write_text(backup[:at] + "x" * (3 * MAX_MESSAGE_BYTES) + backup[at:], encoding="utf-8")
    with pytest.raises(ParseError, match=r"a value of more than [\d.]+ MB, longer than") as refused:
        parse_file(path)
    assert refused.value.line == backup[:at].count("\n") + 1
