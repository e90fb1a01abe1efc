"""Helpers for tests and notebooks: golden files for importers, frame comparison."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import polars as pl
from polars.testing import assert_frame_equal

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from pullaway.importers import ImportResult, Skipped

GOLDEN_COLUMNS = ("chat", "timestamp", "utc_offset", "sender", "kind", "text", "source_line")


def result_to_golden(result: ImportResult) -> dict[str, Any]:
    """The parts of an ImportResult that a golden file pins (not paths, not ids)."""
    rows = result.messages.select(GOLDEN_COLUMNS).with_columns(
        pl.col("timestamp").dt.strftime("%Y-%m-%dT%H:%M:%S%.f"), pl.col("kind").cast(pl.String)
    )
    return {
        "units": result.units,
        "unit": result.unit,
        "chats": [
            {"name": c.name, "me_guess": c.me_guess, "participants": list(c.participants)}
            for c in result.chats
        ],
        "messages": rows.to_dicts(),
        "skipped": [_skipped_golden(s) for s in result.skipped],
    }


def _skipped_golden(skipped: Skipped) -> dict[str, Any]:
    """A skipped record as a golden file pins it: its chat only where the importer placed it
    (in a file of several chats)."""
    found = {"line": skipped.line, "reason": skipped.reason, "text": skipped.text}
    return found if skipped.chat is None else found | {"chat": skipped.chat}


def write_golden(path: Path, result: ImportResult) -> None:
    text = json.dumps(result_to_golden(result), ensure_ascii=False, indent=1)
    path.write_text(text + "\n", encoding="utf-8")


def read_golden(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def assert_result_equal(result: ImportResult, golden: dict[str, Any]) -> None:
    """Compare an ImportResult with a golden file, showing the first difference."""
    actual = result_to_golden(result)
    for key in ("units", "unit", "chats", "skipped"):
        assert actual[key] == golden[key], f"{key}: {actual[key]!r} != {golden[key]!r}"
    assert_frame_equal(
        pl.DataFrame(actual["messages"], schema=_golden_schema()),
        pl.DataFrame(golden["messages"], schema=_golden_schema()),
    )


def assert_lines_accounted(result: ImportResult) -> None:
    """Every unit of the input is a message or a skip (record formats: one each)."""
    skipped = {s.line for s in result.skipped}
    if result.unit == "record":
        starts = set(result.messages["source_line"].to_list())
        assert len(starts | skipped) == result.units, (len(starts), len(skipped), result.units)
        assert not starts & skipped
    else:
        starts = set(result.messages["source_line"].to_list())
        assert not starts & skipped
        assert all(1 <= n <= result.units for n in starts | skipped)


def read_outcome(read: Callable[[], ImportResult]) -> object:
    """What a read gives, for comparing two reads: its result's parts (records checked to add
    up), or the kind of pullaway error it stops with; any other exception propagates."""
    from pullaway.errors import PullawayError

    try:
        result = read()
    except PullawayError as exc:
        return type(exc)
    assert_lines_accounted(result)
    return (result.messages.to_dicts(), result.skipped, result.chats, result.units, result.notes)


def mangled(seed: bytes, *, cut: int, flips: list[tuple[int, int]]) -> bytes:
    """``seed`` with each (position, byte) of ``flips`` written over it, cut after ``cut``
    bytes: a damaged export for property tests.

    >>> mangled(b"abcdef", cut=4, flips=[(1, ord("X"))])
    b'aXcd'
    """
    data = bytearray(seed)
    for position, value in flips:
        data[position] = value
    return bytes(data[:cut])


def progress_shares(read: Callable[[], object]) -> list[float]:
    """The shares an importer reports while ``read()`` runs, checked to grow up to 1.0."""
    from pullaway.importers import progress_to

    shares: list[float] = []
    with progress_to(shares.append):
        read()
    assert shares == sorted(shares), shares
    assert not shares or shares[-1] <= 1.0, shares
    return shares


def _golden_schema() -> dict[str, pl.DataType | type[pl.DataType]]:
    return {
        "chat": pl.String,
        "timestamp": pl.String,
        "utc_offset": pl.Int64,
        "sender": pl.String,
        "kind": pl.String,
        "text": pl.String,
        "source_line": pl.Int64,
    }


def golden_files(folder: Path) -> list[Path]:
    """The golden files of a fixture folder, sorted."""
    return sorted(folder.glob("*.expected.json"))


def fixture_inputs(folder: Path) -> list[Path]:
    """The inputs of a fixture folder (files or folders), sorted: everything but goldens."""
    return sorted(p for p in folder.iterdir() if not p.name.endswith(".expected.json"))


def fixture_stem(path: Path) -> str:
    """The case name of a golden file or input: ``ios_pt`` for ``ios_pt.zip``."""
    name = path.name.removesuffix(".expected.json")
    return name if path.is_dir() or name != path.name else path.stem


def input_for(expected: Path) -> Path:
    """The input a golden file describes: the file or folder beside it with the same stem."""
    stem = fixture_stem(expected)
    found = [p for p in fixture_inputs(expected.parent) if fixture_stem(p) == stem]
    if len(found) != 1:
        msg = f"{expected}: expected one input named {stem!r}, found {found}"
        raise AssertionError(msg)
    return found[0]


# The system Chromium (Debian's package; never a downloaded browser) and the flags that keep it
# quiet on a closed network: no background requests, no updates, no sync.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
