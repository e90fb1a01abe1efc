"""Message ids are pinned: the store matches re-imported messages by them, so they must never
change (not with a faster implementation, not with a Polars upgrade). A change of scheme is a
store migration (``0002_message_ids_v2`` was one).

The scheme is also written out below in plain Python, with the reference xxhash package, and
the vectorised ids must equal it on any rows."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import polars as pl
import xxhash
from hypothesis import given
from hypothesis import strategies as st
from polars.testing import assert_series_equal

from conftest import FIXTURES
from pullaway.importers.whatsapp import parse
from pullaway.model import KINDS, MESSAGE_SCHEMA, Kind, with_message_ids

PINNED = [
    "15538964014210637769",
    "14713773505300881726",  # "ok" three times in one minute: occurrence 0, 1, 2
    "10170453126307185175",
    "10170453126307185176",
    "11103910716096124506",  # no timestamp, no text
    "2414133283281902381",  # system line: no sender
    "11246524346280274850",
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


FIXTURE_HEAD = ["9756876964577521756", "11130492749161292991", "18435414936103221030"]


MIX = 0x9E3779B97F4A7C15
WORD = 2**64
EPOCH = datetime(1970, 1, 1)

Row = tuple[str, datetime | None, str | None, str, str | None]


def reference_ids(rows: list[Row]) -> list[str]:
    """The id scheme in plain Python: each part of the key (a string's xxhash64, 0 when
    missing; the time in microseconds, 2**63 when missing; the kind's position in KINDS) is a
    digit of a number in base MIX modulo 2**64; a repeated key then has its occurrence (1 for
    the second) appended as one more digit. The id is that number in decimal."""
    seen: Counter[Row] = Counter()
    ids = []
    for row in rows:
        chat, moment, sender, kind, text = row
        micros = 2**63 if moment is None else (moment - EPOCH) // timedelta(microseconds=1)
        number = 0
        for part in (_xxh(chat), micros, _xxh(sender), KINDS.index(kind), _xxh(text)):
            number = (number * MIX + part) % WORD
        if seen[row]:
            number = (number * MIX + seen[row]) % WORD
        seen[row] += 1
        ids.append(str(number))
    return ids


def _xxh(value: str | None) -> int:
    return 0 if value is None else xxhash.xxh64_intdigest(value.encode())


moments = st.sampled_from(
    [None, datetime(2025, 1, 6, 7, 58), datetime(1969, 12, 31, 23, 59), datetime(1970, 1, 1)]
) | st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1))
words = st.sampled_from([None, "", "ok", "😊", "Ana añadió a Luis"]) | st.text(max_size=30)
rows = st.tuples(
    st.sampled_from(["Leo", "Grupo", ""]),
    moments,
    st.sampled_from([None, "Maya", "Leo", ""]),
    st.sampled_from(KINDS),
    words,
)


@given(st.lists(rows, max_size=40))
def test_ids_follow_the_documented_scheme(sample: list[Row]) -> None:
    key = ("chat", "timestamp", "sender", "kind", "text")
    frame = pl.DataFrame(sample, schema={c: MESSAGE_SCHEMA[c] for c in key}, orient="row")
    assert with_message_ids(frame).get_column("message_id").to_list() == reference_ids(sample)


offsets = st.sampled_from([None, 0, 3600, -18000, 19800, 7200])


@given(st.lists(st.tuples(rows, offsets), max_size=40))
def test_ids_by_instant_key_on_the_time_minus_the_offset(
    sample: list[tuple[Row, int | None]],
) -> None:
    """``by_instant`` is the same scheme on the UTC instant; rows without an offset keep
    their wall-clock key."""
    key = ("chat", "timestamp", "sender", "kind", "text")
    schema = {c: MESSAGE_SCHEMA[c] for c in key} | {"utc_offset": pl.Int32}
    frame = pl.DataFrame([(*r, o) for r, o in sample], schema=schema, orient="row")
    instants = [
        (c, t if t is None or o is None else t - timedelta(seconds=o), s, k, x)
        for (c, t, s, k, x), o in sample
    ]
    by_instant = with_message_ids(frame, by_instant=True).get_column("message_id").to_list()
    assert by_instant == reference_ids(instants)


@given(st.lists(st.tuples(rows, offsets, st.booleans()), max_size=40))
def test_ids_by_instant_per_row_key_only_the_chosen_rows_on_the_instant(
    sample: list[tuple[Row, int | None, bool]],
) -> None:
    """``by_instant`` as an expression (a CSV's epoch rows): the rows where it is true are
    keyed on the instant, the others on the wall clock, in one scheme (occurrences counted
    over both)."""
    key = ("chat", "timestamp", "sender", "kind", "text")
    schema = {c: MESSAGE_SCHEMA[c] for c in key} | {"utc_offset": pl.Int32, "flag": pl.Boolean}
    frame = pl.DataFrame([(*r, o, f) for r, o, f in sample], schema=schema, orient="row")
    keys = [
        (c, t if t is None or o is None or not f else t - timedelta(seconds=o), s, k, x)
        for (c, t, s, k, x), o, f in sample
    ]
    ids = with_message_ids(frame, by_instant=pl.col("flag")).get_column("message_id").to_list()
    assert ids == reference_ids(keys)


def test_ids_by_instant_do_not_depend_on_the_zone() -> None:
    """One message read in Madrid (UTC+2 in summer) and in New York (UTC-4) keeps its id
    by instant; by wall clock it would get two."""
    readings = [(datetime(2024, 7, 1, 20, 5), 7200), (datetime(2024, 7, 1, 14, 5), -14400)]
    by_instant, by_wall = set(), set()
    for moment, offset in readings:
        frame = pl.DataFrame(
            {
                "chat": ["Leo"],
                "timestamp": [moment],
                "utc_offset": [offset],
                "sender": ["Leo"],
                "kind": ["text"],
                "text": ["hi"],
            },
            schema_overrides={"kind": Kind, "utc_offset": pl.Int32},
        )
        by_instant.add(with_message_ids(frame, by_instant=True).get_column("message_id").item())
        by_wall.add(with_message_ids(frame).get_column("message_id").item())
    assert (len(by_instant), len(by_wall)) == (1, 2)
