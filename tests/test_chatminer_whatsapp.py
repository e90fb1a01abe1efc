"""chat-miner's WhatsApp fixtures (MIT, read-only in the shared corpora) against their targets.

chat-miner's conventions differ from ours, so both sides are brought to common ground before
comparing: its targets are newest first (we sort), join continuation lines with a space (we
collapse whitespace), are NFKC-normalised (we normalise our copy for the comparison only), drop
``Name:.`` disappearing messages and, at HEAD, system lines (we keep both: a "." text message
and ``kind="system"``). The historical targets kept system lines under the author "System" and
wrote ``<Disappearing Message>`` for ``Name:.``; we map ours the same way for the comparison.
"""

from __future__ import annotations

import csv
import json
import unicodedata
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest

from conftest import CORPORA
from pullaway.importers.whatsapp import parse
from pullaway.testing import assert_lines_accounted

if TYPE_CHECKING:
    from pathlib import Path

ROOT = CORPORA / "chat-miner"
HEAD = ROOT / "test" / "whatsapp"
OLD = ROOT / "history" / "62d255f" / "test" / "whatsapp"
MIXED = ROOT / "history" / "159c67f" / "test" / "whatsapp"

Row = tuple[str, str, str]  # (ISO timestamp, author, message)


def _corpus_files(folder: Path, pattern: str) -> list[Path]:
    return sorted(folder.glob(pattern)) if folder.is_dir() else []


@pytest.fixture(autouse=True)
def _need_corpora() -> None:
    if not ROOT.is_dir():
        pytest.skip(f"chat-miner corpus not found at {ROOT}")


def _flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def ours(path: Path, *, keep_system: bool, **options: object) -> list[Row]:
    result = parse(path, **options)  # type: ignore[arg-type]
    assert_lines_accounted(result)
    assert result.skipped == ()
    rows = []
    for row in result.messages.iter_rows(named=True):
        author, text = row["sender"], row["text"]
        if row["kind"] == "system":
            if not keep_system:
                continue
            author = "System"
        elif text == ".":
            if not keep_system:  # HEAD targets drop `Name:.`; old ones wrote a placeholder.
                continue
            text = "<Disappearing Message>"
        rows.append((row["timestamp"].isoformat(), author, _flat(text)))
    return sorted(rows)


HEAD_FILES = _corpus_files(HEAD, "*.txt")


@pytest.mark.parametrize("path", HEAD_FILES, ids=lambda p: p.name)
def test_head_fixtures_match_the_shared_target(path: Path) -> None:
    target = json.loads((HEAD / "target.json").read_text(encoding="utf-8"))
    expected = sorted((t["timestamp"], t["author"], _flat(t["message"])) for t in target)
    assert ours(path, keep_system=False) == expected


OLD_FILES = _corpus_files(OLD, "*.txt")
# All three dates in test_unicode.txt are '09/10/22': no rule can tell day from month, so
# pullaway asks for --date-order. chat-miner fell back to day-first; we pass the same.
OPTIONS: dict[str, dict[str, object]] = {"test_unicode.txt": {"date_order": "dmy"}}


@pytest.mark.parametrize("path", OLD_FILES, ids=lambda p: p.name)
def test_historical_fixtures_match_their_csv_targets(path: Path) -> None:
    target_path = path.with_name(f"{path.stem}_target.csv")
    with target_path.open(encoding="utf-8", newline="") as fh:
        expected = sorted(
            (
                datetime.fromisoformat(t["timestamp"]).isoformat(),
                t["author"],
                _flat(t["message"]),
            )
            for t in csv.DictReader(fh)
        )
    # test_dateformat4.txt writes '13:37:00 p.m.' and '14:37:00 p.m.': impossible 12-hour
    # values. chat-miner's target keeps 13:37 and 14:37, and so do we (with a note), so no
    # exception is needed here.
    assert ours(path, keep_system=True, **OPTIONS.get(path.name, {})) == expected


def test_ambiguous_historical_fixture_asks_for_the_date_order() -> None:
    path = OLD / "test_unicode.txt"
    if not path.exists():
        pytest.skip("test_unicode.txt not in the corpus")
    with pytest.raises(Exception, match="--date-order"):
        parse(path)


def test_mixed_layout_file_matches_its_target() -> None:
    path = MIXED / "testlog.txt"
    if not path.exists():
        pytest.skip("159c67f/testlog.txt not in the corpus")
    lines = (MIXED / "target.json").read_text(encoding="utf-8").splitlines()
    expected = sorted(
        (
            # Epoch milliseconds of the wall-clock time read as UTC, back to a naive time.
            datetime.fromtimestamp(t["datetime"] / 1000, tz=UTC).replace(tzinfo=None).isoformat(),
            t["author"],
            _flat(t["message"]),
        )
        for t in map(json.loads, lines)
    )
    result = parse(path)
    assert any("another layout" in note for note in result.notes)
    assert ours(path, keep_system=True) == expected
