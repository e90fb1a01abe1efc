"""Message ids are pinned: the store matches re-imported messages by them, so they must never
change (not with a faster implementation, not with a Polars upgrade)."""

from __future__ import annotations

from datetime import datetime

import polars as pl
from polars.testing import assert_series_equal

from conftest import FIXTURES
from pullaway.importers.whatsapp import parse
from pullaway.model import Kind, with_message_ids

PINNED = [
    "14933655505319124652",
    "06010212736439976417",  # "ok" three times in one minute: occurrence 0, 1, 2
    "17452876200656253967",
    "11616080606001027493",
    "08740127767319066839",  # no timestamp, no text
    "15987764198567375152",  # system line: no sender
    "14348629250264457969",
]


def test_message_ids_are_pinned() -> None:
    minute = datetime(2025, 1, 6, 7, 58)
    frame = pl.DataFrame(
        {
            "chat": ["Leo", "Leo", "Leo", "Leo", "Leo", "Grupo", "Leo"],
            "timestamp": [
                datetime(2025, 1, 6, 7, 57),
                minute,
                minute,
                minute,
                None,
                datetime(1999, 12, 31, 23, 59, 59),
                minute,
            ],
            "sender": ["Leo", "Maya", "Maya", "Maya", "Maya", None, "Maya"],
            "kind": ["text", "text", "text", "text", "media", "system", "text"],
            "text": ["hi 😊", "ok", "ok", "ok", None, "Ana añadió a Luis", "ok\nsee you"],
        },
        schema_overrides={"kind": Kind},
    )
    assert with_message_ids(frame).get_column("message_id").to_list() == PINNED


def test_ids_do_not_depend_on_row_chunks() -> None:
    messages = parse(FIXTURES / "whatsapp" / "android_group_en.txt").messages
    chunked = pl.concat([messages.slice(0, 3), messages.slice(3)], rechunk=False)
    assert_series_equal(
        with_message_ids(chunked).get_column("message_id"), messages.get_column("message_id")
    )


def test_whatsapp_fixture_ids_are_pinned() -> None:
    path = FIXTURES / "whatsapp" / "android_group_en.txt"
    ids = parse(path).messages.get_column("message_id")
    assert ids.head(3).to_list() == FIXTURE_HEAD


FIXTURE_HEAD = ["16678442693907531139", "14306191463869937435", "15671726831806785014"]
