"""Property tests: whatever an importer can put in a message frame comes back out unchanged."""

from __future__ import annotations

import itertools
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from pullaway.importers._base import ChatMeta, ImportResult
from pullaway.model import KINDS, MESSAGE_SCHEMA, validate_messages, with_message_ids
from pullaway.store import Store
from pullaway.store import blocks as store_blocks

if TYPE_CHECKING:
    from collections.abc import Iterator

# Any unicode but lone surrogates (which no UTF-8 export can hold), NUL included.
TEXT = st.text(st.characters(blacklist_categories=["Cs"]), max_size=200)
LONG_TEXT = st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=8).map(
    lambda s: s * 5_000
)
ROW = st.fixed_dictionaries(
    {
        "timestamp": st.datetimes(datetime(1970, 1, 1), datetime(2100, 12, 31)),
        "utc_offset": st.none() | st.integers(-14 * 3600, 14 * 3600),
        "sender": st.none() | TEXT,
        "kind": st.sampled_from(KINDS),
        "text": st.none() | TEXT | LONG_TEXT,
        "source_file": TEXT,
        "source_line": st.integers(0, 2**53),
    }
)
FORMATS = (f"format-{n}" for n in itertools.count())


def frame_of(chat: str, rows: list[dict[str, Any]]) -> pl.DataFrame:
    schema = {k: v for k, v in MESSAGE_SCHEMA.items() if k != "message_id"}
    frame = pl.DataFrame([{"chat": chat, **row} for row in rows], schema=schema, orient="row")
    return validate_messages(with_message_ids(frame))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with Store.open(tmp_path_factory.mktemp("store") / "store.db") as opened:
        yield opened


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chat=st.text(min_size=1, max_size=40), rows=st.lists(ROW, max_size=30))
def test_any_messages_round_trip(store: Store, chat: str, rows: list[dict[str, Any]]) -> None:
    frame = frame_of(chat, rows)
    # A new format each time makes a new chat, whatever the name.
    [imported] = store.add_import(
        ImportResult(messages=frame, chats=(ChatMeta(chat),)),
        source=Path("x"),
        file_hash=next(FORMATS),
        format=next(FORMATS),
    )
    assert imported.added == frame.height
    assert store.chat(imported.chat_id).name == chat
    assert_frame_equal(
        store.messages(imported.chat_id), frame.sort("timestamp", "source_line", "message_id")
    )


@pytest.fixture(scope="module")
def small_blocks() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(store_blocks, "BLOCK_ROWS", 4)
        yield


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=st.lists(ROW, max_size=12), second=st.lists(ROW, max_size=12))
def test_two_exports_in_small_blocks_read_back_in_order(
    store: Store, small_blocks: None, first: list[dict[str, Any]], second: list[dict[str, Any]]
) -> None:
    old, new = frame_of("chat", first), frame_of("chat", second + first[:3])
    format = next(FORMATS)
    for frame in (old, new):
        store.add_import(
            ImportResult(messages=frame, chats=(ChatMeta("chat"),)),
            source=Path("x"),
            file_hash=next(FORMATS),
            format=format,
        )
    [chat_id] = [c.chat_id for c in store.chats() if c.format == format]
    expected = pl.concat([old, new]).unique("message_id", keep="first")
    assert_frame_equal(
        store.messages(chat_id), expected.sort("timestamp", "source_line", "message_id")
    )
