"""chat-miner's Telegram, Instagram and Messenger fixtures import to the messages its targets list.

chat-miner (MIT, https://github.com/joweich/chat-miner) ships a target per export. Its
conventions differ from ours, so both sides are sorted before comparing:

* its output is newest first; ours is oldest first;
* its HEAD targets give Telegram and Instagram times in UTC (we pass ``timezone="UTC"``);
  its older targets (commit 62d255f) give local times of the author's machine, Central
  European Time (we pass ``timezone="Europe/Berlin"``);
* it joins Telegram entity parts with a space; we join them with none, as Telegram itself
  shows the text (the parts carry their own spaces). Where that makes its target differ, the
  test asserts our value and says why.

The corpus is read-only and optional: the tests skip when it is absent.
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest

from conftest import CORPORA
from pullaway.importers import registry
from pullaway.testing import assert_lines_accounted

if TYPE_CHECKING:
    from pathlib import Path

MINER = CORPORA / "chat-miner"
OLD = MINER / "history" / "62d255f" / "test"

pytestmark = pytest.mark.skipif(not MINER.is_dir(), reason="chat-miner corpus not present")

Row = tuple[datetime, str, str | None]

# chat-miner joins the parts ["Link:", "https://telegram.org/"] with a space. Telegram shows
# them side by side ("Link:https://telegram.org/"): real exports keep spaces inside the parts.
TELEGRAM_JOIN = {"Link: https://telegram.org/": "Link:https://telegram.org/"}


def ours(name: str, source: Path, **options: Any) -> list[Row]:
    result = registry()[name].parse(source, **options)
    assert_lines_accounted(result)
    return sorted(
        (row["timestamp"], row["sender"], row["text"])
        for row in result.messages.iter_rows(named=True)
    )


def target_json(path: Path) -> list[Row]:
    rows = json.loads(path.read_text(encoding="utf-8"))
    return sorted(
        (
            datetime.fromisoformat(r["timestamp"]),
            r["author"],
            TELEGRAM_JOIN.get(r["message"], r["message"]),
        )
        for r in rows
    )


def target_csv(path: Path) -> list[Row]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return sorted(
        (
            datetime.fromisoformat(r["timestamp"]),
            r["author"],
            TELEGRAM_JOIN.get(r["message"], r["message"]),
        )
        for r in rows
    )


@pytest.mark.parametrize(
    ("export", "options"),
    [("test_single_export.json", {}), ("test_batch_export.json", {"chat": "Chatname"})],
)
def test_telegram_head(export: str, options: dict[str, str]) -> None:
    source = MINER / "test" / "telegram" / export
    expected = target_json(MINER / "test" / "telegram" / "target.json")
    assert ours("telegram", source, timezone="UTC", **options) == expected


def test_telegram_old_target_in_local_time() -> None:
    source = MINER / "test" / "telegram" / "test_single_export.json"
    expected = target_csv(OLD / "telegram" / "test_target.csv")
    assert ours("telegram", source, timezone="Europe/Berlin") == expected


def test_instagram_head() -> None:
    source = MINER / "test" / "instagram" / "test_export.json"
    expected = target_json(MINER / "test" / "instagram" / "target.json")
    assert ours("instagram", source, timezone="UTC") == expected


# The old Instagram target names media with placeholders; we keep the kind and no text.
OLD_PLACEHOLDERS = {
    "sentphoto": "media",
    "sentvideo": "media",
    "sentshare": "media",
    "disappearingmessage": "media",  # a record with only reactions: a view-once photo or video
    "sentaudio": "voice",
}


def test_instagram_realistic_old_target() -> None:
    result = registry()["instagram"].parse(
        OLD / "instagram" / "testlog.json", timezone="Europe/Berlin"
    )
    assert_lines_accounted(result)
    rows = sorted(
        (r["timestamp"], r["sender"], r["kind"], r["text"])
        for r in result.messages.iter_rows(named=True)
    )
    expected = target_csv(OLD / "instagram" / "testlog_target.csv")
    matched = []
    for when, author, message in expected:
        kind = OLD_PLACEHOLDERS.get(message or "")
        want = (when, author, kind, None) if kind else None
        hit = [r for r in rows if r[:2] == (when, author) and (r == want or r[3] == message)]
        assert len(hit) == 1, (when, author, message, hit)
        matched.append(hit[0])
    # chat-miner's old parser dropped the two poll notices; we keep them, labelled system.
    extra = [r for r in rows if r not in matched]
    assert [(r[2], r[3]) for r in extra] == [
        ("system", "John Doe's poll has multiple updates."),
        ("system", "This poll is no longer available."),
    ]
    # And its mojibake is repaired in names and text alike.
    assert ("J❤️hn Doe", "Testing username with emoji: J❤️hn Doe") in {(r[1], r[3]) for r in rows}


def test_messenger_history() -> None:
    folder = MINER / "history" / "30734a8" / "test" / "facebookMessenger"
    raw = json.loads((folder / "target.json").read_text(encoding="utf-8"))
    expected = sorted(
        (
            datetime.fromtimestamp(r["datetime"] / 1000, UTC).replace(tzinfo=None),
            r["author"],
            r["message"],
        )
        for r in raw
    )
    assert ours("messenger", folder / "testlog.json", timezone="UTC") == expected
