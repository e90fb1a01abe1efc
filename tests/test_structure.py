"""Bursts, threads, latency, follow-ups, bids and sleep windows on small hand-built chats."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from unittest.mock import patch

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs
from polars.testing import assert_frame_equal

from pullaway.analysis.sleep import asleep_seconds
from pullaway.analysis.structure import (
    SleepWindow,
    Structure,
    ThreadGap,
    sleep_window,
    structure,
    thread_gap,
)
from pullaway.analysis.structure import _line_local as _line_local
from pullaway.errors import NotEnoughData
from pullaway.model import MESSAGE_SCHEMA

if TYPE_CHECKING:
    from random import Random

DAY = datetime(2024, 3, 4)  # a Monday


def at(text: str | datetime) -> datetime:
    """'d2 14:05' -> 2024-03-06 14:05 (day offsets from DAY); '14:05' -> DAY 14:05."""
    if isinstance(text, datetime):
        return text
    day, _, clock = text.rpartition(" ")
    hours, minutes = (int(x) for x in clock.split(":"))
    offset = int(day[1:]) if day else 0
    return DAY + timedelta(days=offset, hours=hours, minutes=minutes)


Row = tuple[str, str | datetime, str | None] | tuple[str, str | datetime, str | None, str]


def chat(*rows: Row) -> pl.DataFrame:
    """A MESSAGE_SCHEMA frame from (sender, when, text[, kind]) rows."""
    records = []
    for line, row in enumerate(rows, start=1):
        sender, when, text = row[0], row[1], row[2]
        kind = row[3] if len(row) == 4 else "text"
        records.append(
            {
                "chat": "Ana & Ben",
                "message_id": str(line),
                "timestamp": at(when),
                "utc_offset": None,
                "sender": None if kind == "system" else sender,
                "kind": kind,
                "text": text,
                "source_file": "chat.txt",
                "source_line": line,
            }
        )
    return pl.DataFrame(records, schema=MESSAGE_SCHEMA)


def run(frame: pl.DataFrame, **settings: object) -> Structure:
    settings.setdefault("thread_gap", timedelta(hours=6))
    return structure(frame, me="Ana", **settings)  # type: ignore[arg-type]


# --- contract ----------------------------------------------------------------------------


def test_output_columns_and_types() -> None:
    st = run(chat(("Ana", "12:00", "hi"), ("Ben", "12:01", "hey")))
    assert st.messages.schema["role"] == pl.String
    assert st.messages.schema["words"] == pl.UInt32
    assert st.messages.schema["burst_id"] == pl.UInt32
    assert st.messages.schema["thread_id"] == pl.UInt32
    expected = {
        "burst_id": pl.UInt32,
        "thread_id": pl.UInt32,
        "role": pl.String,
        "start": pl.Datetime("us"),
        "end": pl.Datetime("us"),
        "messages": pl.UInt32,
        "words": pl.UInt32,
        "text": pl.String,
        "is_thread_start": pl.Boolean,
        "reply_at": pl.Datetime("us"),
        "latency_s": pl.Float64,
        "waking_latency_s": pl.Float64,
        "censored": pl.Boolean,
        "follow_up": pl.Boolean,
        "double_text": pl.Boolean,
        "unanswered_streak": pl.UInt32,
        "is_bid": pl.Boolean,
        "turned_toward": pl.Boolean,
    }
    for name, dtype in expected.items():
        assert st.bursts.schema[name] == dtype, name
    assert dict(st.threads.schema) == {
        "thread_id": pl.UInt32,
        "start": pl.Datetime("us"),
        "end": pl.Datetime("us"),
        "initiator": pl.String,
        "messages_me": pl.UInt32,
        "messages_them": pl.UInt32,
    }
    assert st.burst_gap == timedelta(minutes=10)
    assert set(st.sleep) == {"me", "them"}


def test_system_rows_dropped_media_counts_with_zero_words() -> None:
    st = run(
        chat(
            ("", "11:59", "Messages are end-to-end encrypted", "system"),
            ("Ana", "12:00", "look at this one", "text"),
            ("Ana", "12:01", None, "media"),
            ("Ben", "12:02", "<Media omitted>", "media"),
        )
    )
    assert st.messages.height == 3
    assert st.messages["words"].to_list() == [4, 0, 0]
    assert st.messages["role"].to_list() == ["me", "me", "them"]
    assert st.bursts["messages"].to_list() == [2, 1]


def test_rows_are_sorted_by_time_then_source_line() -> None:
    frame = chat(("Ben", "12:05", "second"), ("Ana", "12:00", "first"), ("Ben", "12:05", "third"))
    st = run(frame)
    assert st.messages["text"].to_list() == ["first", "second", "third"]


# --- bursts and threads ------------------------------------------------------------------


def test_bursts_split_on_sender_change_and_on_gaps_over_burst_gap() -> None:
    st = run(
        chat(
            ("Ana", "12:00", "so"),
            ("Ana", "12:05", "guess what"),
            ("Ana", "12:20", "hello"),  # 15 min later: a new burst
            ("Ben", "12:21", "what"),
            ("Ben", "12:31", "tell me"),  # exactly 10 min: same burst
        )
    )
    assert st.messages["burst_id"].to_list() == [0, 0, 1, 2, 2]
    bursts = st.bursts.select("role", "messages", "words", "text", "start", "end").rows()
    assert bursts == [
        ("me", 2, 3, "so\nguess what", at("12:00"), at("12:05")),
        ("me", 1, 1, "hello", at("12:20"), at("12:20")),
        ("them", 2, 3, "what\ntell me", at("12:21"), at("12:31")),
    ]


def test_burst_gap_is_a_setting() -> None:
    frame = chat(("Ana", "12:00", "a"), ("Ana", "12:04", "b"), ("Ben", "12:05", "c"))
    assert run(frame).bursts.height == 2
    assert run(frame, burst_gap=timedelta(minutes=3)).bursts.height == 3


def test_threads_start_after_the_thread_gap_with_their_initiator() -> None:
    st = run(
        chat(
            ("Ana", "09:00", "morning"),
            ("Ben", "09:01", "morning!"),
            ("Ben", "09:02", "coffee?"),
            ("Ben", "20:00", "home now"),  # 11 h later: thread 1, started by him
            ("Ana", "20:05", "nice"),
        )
    )
    assert st.messages["thread_id"].to_list() == [0, 0, 0, 1, 1]
    assert st.threads.select("initiator", "messages_me", "messages_them").rows() == [
        ("me", 1, 2),
        ("them", 1, 1),
    ]
    assert st.bursts["is_thread_start"].to_list() == [True, False, True, False]
    assert st.thread_gap == ThreadGap(timedelta(hours=6), "fixed")


# --- latency and censoring ---------------------------------------------------------------


def test_latency_runs_from_the_first_unanswered_message() -> None:
    st = run(
        chat(
            ("Ana", "12:00", "hi"),
            ("Ana", "12:02", "are you around"),
            ("Ana", "12:30", "hello??"),  # a follow-up 28 min after her previous burst
            ("Ben", "13:00", "sorry, was in a meeting"),
        )
    )
    rows = st.bursts.select("latency_s", "latency_from_end_s", "reply_at", "censored").rows()
    assert rows[0] == (3600.0, 3480.0, at("13:00"), False)
    assert rows[1] == (1800.0, 1800.0, at("13:00"), False)
    assert rows[2] == (None, None, None, True)  # his burst: the export ends unanswered


def test_censored_when_she_starts_a_new_thread_before_his_answer() -> None:
    st = run(
        chat(
            ("Ana", "10:00", "hey"),
            ("Ana", "d1 10:00", "hello?"),  # next day: a new thread, still unanswered
            ("Ben", "d1 10:05", "hi sorry"),
            ("Ana", "d1 10:06", "ok"),
        )
    )
    first, second = st.bursts.row(0, named=True), st.bursts.row(1, named=True)
    assert first["censored"] is True
    assert first["latency_s"] is None
    assert first["waking_latency_s"] is None
    assert first["reply_at"] == at("d1 10:05")  # the other's next message, for the record
    assert second["censored"] is False
    assert second["latency_s"] == 300.0


def test_his_reply_that_starts_a_thread_still_answers_her() -> None:
    st = run(chat(("Ana", "22:00", "night"), ("Ben", "d1 09:00", "morning")))
    assert st.bursts.row(0, named=True)["censored"] is False
    assert st.bursts.row(0, named=True)["latency_s"] == 11 * 3600.0


def test_waking_latency_subtracts_the_responders_sleep() -> None:
    st = run(chat(("Ana", "23:00", "you up?"), ("Ben", "d1 08:00", "just woke up")))
    first = st.bursts.row(0, named=True)
    assert st.sleep["them"] == SleepWindow(0, 7, learned=False)
    assert first["latency_s"] == 9 * 3600.0
    assert first["waking_latency_s"] == 2 * 3600.0  # 00:00-07:00 slept


def test_waking_latency_across_several_nights() -> None:
    st = run(chat(("Ana", "12:00", "hi"), ("Ben", "d2 12:00", "hey")))
    assert st.bursts.row(0, named=True)["waking_latency_s"] == (48 - 14) * 3600.0


# --- follow-ups --------------------------------------------------------------------------


def test_follow_ups_double_texts_and_unanswered_streaks() -> None:
    st = run(
        chat(
            ("Ana", "12:00", "hi"),
            ("Ana", "12:15", "are you there"),  # follow-up, 15 min: not a double text
            ("Ana", "13:00", "??"),  # follow-up, 45 min: a double text
            ("Ben", "13:05", "yes sorry"),
            ("Ana", "13:06", "ok"),
            ("Ana", "d1 09:00", "good morning"),  # new thread, still a follow-up
        )
    )
    cols = ["role", "follow_up", "double_text", "unanswered_streak"]
    assert st.bursts.select(cols).rows() == [
        ("me", False, False, 1),
        ("me", True, False, 2),
        ("me", True, True, 3),
        ("them", False, False, 1),
        ("me", False, False, 1),
        ("me", True, True, 2),
    ]


def test_double_text_gap_is_a_setting() -> None:
    frame = chat(("Ana", "12:00", "hi"), ("Ana", "12:15", "hello"), ("Ben", "12:20", "yo"))
    assert run(frame).bursts["double_text"].to_list() == [False, False, False]
    wide = run(frame, double_text_gap=timedelta(minutes=12))
    assert wide.bursts["double_text"].to_list() == [False, True, False]


# --- bids and turning toward -------------------------------------------------------------


def test_a_question_answered_fully_is_turned_toward() -> None:
    st = run(
        chat(
            ("Ana", "12:00", "are you free tonight?"),
            ("Ben", "12:03", "yes! let's get pizza at 8"),
            ("Ana", "12:04", "ok"),
        )
    )
    assert st.bursts.select("is_bid", "turned_toward").rows() == [
        (True, True),
        (True, False),  # his plan proposal got a minimal "ok"
        (False, None),
    ]


def test_minimal_reply_and_slow_reply_turn_away() -> None:
    st = run(
        chat(
            ("Ana", "12:00", "miss you ❤️"),
            ("Ben", "12:01", "k"),  # minimal: turned away
            ("Ana", "12:30", "what are you doing this weekend?"),
            ("Ben", "d2 12:00", "sorry, crazy week. let's talk on saturday"),  # after 24 h
            ("Ana", "d2 12:05", "sure"),
        ),
        bid_window=timedelta(hours=24),
    )
    rows = st.bursts.select("role", "is_bid", "turned_toward").rows()
    assert rows[0] == ("me", True, False)
    assert rows[1] == ("them", False, None)
    assert rows[2] == ("me", True, False)


def test_shared_content_and_links_are_bids_ok_is_not() -> None:
    st = run(
        chat(
            ("Ana", "12:00", None, "media"),
            ("Ben", "12:01", "haha that is hilarious 😂"),
            ("Ana", "12:30", "https://example.com/flat"),
            ("Ben", "12:31", "ok"),
            ("Ana", "13:00", "ok"),
            ("Ben", "13:01", "bye"),
        ),
        bid_window=timedelta(hours=1),
    )
    assert st.bursts.select("is_bid", "turned_toward").rows()[:5] == [
        (True, True),
        (False, None),
        (True, False),
        (False, None),
        (False, None),
    ]


def test_unanswered_bid_turns_away_once_the_window_has_passed() -> None:
    st = run(
        chat(
            ("Ben", "09:00", "hi"),
            ("Ana", "09:10", "how was the interview?"),
            ("Ana", "d3 09:00", "are you ok?"),
        ),
        bid_window=timedelta(hours=24),
    )
    assert st.bursts.select("is_bid", "turned_toward").rows() == [
        (False, None),
        (True, False),  # no answer in the three days before the export ends
        (True, None),  # sent at the end of the export: not known yet
    ]


ANSWER = "sure thing, where shall we go"


def test_default_bid_window_follows_the_responders_tempo() -> None:
    rows: list[Row] = []
    for day in range(10):  # he always answers her within 2 minutes
        rows += [
            ("Ana", f"d{day} 12:00", "lunch?"),
            ("Ben", f"d{day} 12:02", "sure thing, where shall we go"),
        ]
    rows += [("Ana", "d10 12:00", "dinner?"), ("Ben", "d10 14:00", "sure thing, where shall we go")]
    st = run(chat(*rows))
    hers = st.bursts.filter(pl.col("role") == "me")
    # W = max(P90 of his waking latency, burst gap) = 10 min: a 2 h answer is turning away
    assert hers["turned_toward"].to_list() == [True] * 10 + [False]


# --- sleep windows -----------------------------------------------------------------------


def _daily_hours(hours: range, days: int) -> list[datetime]:
    return [DAY + timedelta(days=d, hours=h) for d in range(days) for h in hours]


def test_sleep_window_is_the_longest_quiet_run() -> None:
    assert sleep_window(pl.Series(_daily_hours(range(9, 24), 31))) == SleepWindow(0, 9, True)
    wraps = sleep_window(pl.Series(_daily_hours(range(7, 23), 31)))
    assert wraps == SleepWindow(23, 7, True)
    assert wraps.covers(2)
    assert not wraps.covers(12)


def test_sleep_window_defaults_without_enough_days_or_a_clear_run() -> None:
    assert sleep_window(pl.Series(_daily_hours(range(9, 24), 29))) == SleepWindow(0, 7, False)
    round_the_clock = sleep_window(pl.Series(_daily_hours(range(24), 40)))
    assert round_the_clock == SleepWindow(0, 7, False)
    assert sleep_window(pl.Series(_daily_hours(range(8, 11), 31))).hours == 10  # cut to 10 h


def test_structure_learns_each_persons_sleep() -> None:
    rows: list[Row] = []
    for day in range(35):
        rows += [("Ana", f"d{day} {h}:00", "hi") for h in range(7, 23)]
        rows += [("Ben", f"d{day} {h}:30", "yo") for h in range(10, 24)]
    st = run(chat(*rows), min_sleep_days=30)
    assert st.sleep["me"] == SleepWindow(23, 7, True)
    assert st.sleep["them"] == SleepWindow(0, 10, True)
    assert run(chat(*rows), min_sleep_days=40).sleep["me"] == SleepWindow(0, 7, False)


# --- thread gap --------------------------------------------------------------------------


def _bimodal_chat(n_threads: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    rows: list[Row] = []
    clock = 0.0
    for _ in range(n_threads):
        clock += float(10 ** rng.normal(4.5, 0.2))  # hours between conversations
        for i in range(8):
            clock += float(10 ** rng.normal(1.7, 0.3))  # about a minute between messages
            rows.append(("Ana" if i % 2 else "Ben", DAY + timedelta(seconds=clock), "hey"))
    return chat(*rows)


def test_thread_gap_learned_from_bimodal_gaps() -> None:
    st = structure(_bimodal_chat(40, seed=3), me="Ana")
    assert st.thread_gap.method == "learned"
    assert timedelta(minutes=30) <= st.thread_gap.gap <= timedelta(hours=6)
    assert st.threads.height == 40


def test_thread_gap_falls_back_with_few_gaps_or_one_mode() -> None:
    st = structure(_bimodal_chat(10, seed=3), me="Ana")  # 79 gaps
    assert st.thread_gap == ThreadGap(timedelta(hours=2), "fallback")
    one_mode = 10 ** np.random.default_rng(5).normal(2.0, 0.3, 1000)
    assert thread_gap(one_mode).method == "fallback"


def test_thread_gap_is_clamped() -> None:
    rng = np.random.default_rng(2)
    gaps = np.concatenate([10 ** rng.normal(0.5, 0.2, 800), 10 ** rng.normal(2.2, 0.2, 400)])
    assert thread_gap(gaps) == ThreadGap(timedelta(minutes=30), "learned")


# --- not enough data ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (chat(("Ana", "12:00", "hello?"), ("Ana", "12:01", "anyone")), "exactly two people"),
        (chat(("Ben", "12:00", "hi"), ("Cy", "12:01", "hey")), "'Ana' wrote no message"),
        (
            chat(("Ana", "12:00", "hi"), ("Ben", "12:01", "yo"), ("Cy", "12:02", "sup")),
            "found 3 sender",
        ),
        (chat(("", "12:00", "Ana created group", "system")), "'Ana' wrote no message"),
        (
            chat(("Ana", "12:00", "hi"), ("Ben", "12:01", "yo")).with_columns(
                chat=pl.Series(["one", "two"])
            ),
            "one chat at a time; found 2",
        ),
    ],
)
def test_not_enough_data(frame: pl.DataFrame, message: str) -> None:
    with pytest.raises(NotEnoughData, match=message):
        structure(frame, me="Ana")


def test_same_minute_messages_and_plain_string_kinds() -> None:
    frame = chat(("Ana", "12:00", "you there?"), ("Ben", "12:00", "yes"), ("Ana", "12:00", "ok"))
    st = run(frame.with_columns(pl.col("kind").cast(pl.String)))
    assert st.bursts["latency_s"].to_list() == [0.0, 0.0, None]
    assert st.messages["burst_id"].to_list() == [0, 1, 2]


def test_bid_languages_setting() -> None:
    frame = chat(("Ana", "12:00", "te extraño"), ("Ben", "12:01", "yo también te extraño"))
    assert run(frame).bursts["is_bid"].to_list() == [True, True]
    assert run(frame, languages=["en"]).bursts["is_bid"].to_list() == [False, False]


# --- invariants on random chats ----------------------------------------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    steps=hs.lists(
        hs.tuples(
            hs.sampled_from(["Ana", "Ben"]),
            hs.integers(min_value=0, max_value=3 * 24 * 60),  # minutes since the last message
            hs.sampled_from(["ok", "miss you", "are you there?", None]),
        ),
        min_size=2,
        max_size=60,
    )
)
def test_invariants_on_random_chats(steps: list[tuple[str, int, str | None]]) -> None:
    clock = DAY
    rows: list[Row] = []
    for sender, minutes, text in steps:
        clock += timedelta(minutes=minutes)
        rows.append((sender, clock, text, "text" if text else "media"))
    frame = chat(*rows)
    if frame["sender"].n_unique() < 2:
        with pytest.raises(NotEnoughData):
            structure(frame, me="Ana")
        return
    s = structure(frame, me="Ana")
    b = s.bursts
    assert b["messages"].sum() == s.messages.height == len(steps)
    threads = s.threads.select(pl.col("messages_me") + pl.col("messages_them")).to_series()
    assert threads.sum() == len(steps)
    assert (b["unanswered_streak"] >= 1).all()
    assert (b["follow_up"] == (b["unanswered_streak"] > 1)).all()
    assert not (b["double_text"] & ~b["follow_up"]).any()
    answered = b.filter(~pl.col("censored"))
    assert (answered["latency_s"] >= 0).all()
    assert (answered["waking_latency_s"] <= answered["latency_s"]).all()
    assert b.filter(pl.col("censored"))["latency_s"].null_count() == b["censored"].sum()
    assert b.filter(~pl.col("is_bid"))["turned_toward"].null_count() == (~b["is_bid"]).sum()
    same_sender = (b["role"] == b["role"].shift(1)).fill_null(False)
    assert (b["follow_up"] == same_sender).all()
    starts = b.filter(pl.col("is_thread_start"))
    assert starts.height == s.threads.height
    assert starts["role"].to_list() == s.threads["initiator"].to_list()


@pytest.mark.parametrize(
    ("start", "end", "asleep_hours"),
    [
        ("22:00", "d1 09:00", 8),  # the whole night 23-07
        ("23:30", "d1 01:00", 1.5),  # inside the window
        ("08:00", "20:00", 0),  # a day without sleep
        ("06:00", "d2 06:00", 16),  # 06-07 (1 h), a full night (8 h), 23-06 (7 h)
    ],
)
def test_sleep_overlap_with_a_window_that_wraps_midnight(
    start: str, end: str, asleep_hours: float
) -> None:
    window = SleepWindow(23, 7, learned=True)
    overlap = pl.select(
        asleep_seconds(pl.lit(at(end)), window) - asleep_seconds(pl.lit(at(start)), window)
    ).item()
    assert overlap == asleep_hours * 3600


# --- reading each distinct text once gives the same answer -------------------------------


def _paths(frame: pl.DataFrame) -> list[Structure]:
    """structure() as chosen by the data, forced to read every text, forced to deduplicate."""
    found = [run(frame)]
    for repeated in (False, True):
        with (
            patch("pullaway.analysis.structure.mostly_repeated", return_value=repeated),
            patch("pullaway.analysis.signals.mostly_repeated", return_value=repeated),
        ):
            found.append(run(frame))
    return found


def _assert_same(found: list[Structure]) -> None:
    first = found[0]
    for other in found[1:]:
        assert_frame_equal(other.messages, first.messages)
        assert_frame_equal(other.bursts, first.bursts)
        assert_frame_equal(other.threads, first.threads)


def test_a_cue_split_over_two_messages_of_a_burst_still_makes_a_bid() -> None:
    frame = chat(
        *[("Ana", f"d{d} 12:00", "ok") for d in range(20)],
        ("Ana", "d21 12:00", "I miss"),
        ("Ana", "d21 12:01", "you"),
        ("Ben", "d21 12:30", "ok"),
    )
    found = _paths(frame)
    _assert_same(found)
    bids = found[0].bursts.filter(pl.col("start") >= at("d21 00:00"))["is_bid"].to_list()
    assert bids == [True, False]


def test_cues_that_need_the_whole_burst_text_are_read_on_it() -> None:
    assert _line_local(r"(?:[\s\S])?(?:(?m:^[\s¿]*)h+e+y+|[^\s\S]|m+i+s+s+)")
    assert not _line_local(r"^[\s?!]*\?[\s?!]*\?[\s?!]*$")  # anchored to the whole text
    assert not _line_local(r"ok|\Ahi")
    assert not _line_local(r"x*")  # matches the empty text, so a null text would count


def test_rows_already_in_time_order_but_not_in_line_order_are_sorted() -> None:
    frame = chat(("Ana", "12:00", "a"), ("Ben", "12:00", "b"), ("Ana", "12:05", "c"))
    lines = pl.Series("source_line", [3, None, 1])  # ties on 12:00: null line first, then 3
    st = run(frame.with_columns(lines))
    assert st.messages["text"].to_list() == ["b", "a", "c"]
    in_order = frame.with_columns(pl.Series("source_line", [None, 3, 4]))
    assert run(in_order).messages["text"].to_list() == ["a", "b", "c"]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    steps=hs.lists(
        hs.tuples(
            hs.sampled_from(["Ana", "Ben"]),
            hs.integers(min_value=0, max_value=24 * 60),
            hs.sampled_from(["I miss", "you", "ok", "ok?", "hug 😘", "see you at 8", "", None]),
            hs.sampled_from(["text", "text", "media", "system"]),
        ),
        min_size=2,
        max_size=80,
    ),
    shuffle=hs.randoms(use_true_random=False),
)
def test_every_reading_path_and_input_order_agree(
    steps: list[tuple[str, int, str | None, str]], shuffle: Random
) -> None:
    clock = DAY
    rows: list[Row] = []
    for sender, minutes, text, kind in steps:
        clock += timedelta(minutes=minutes)
        rows.append((sender, clock, text, kind))
    frame = chat(*rows)
    people = frame.filter(pl.col("kind") != "system")["sender"].n_unique()
    if people < 2 or "Ana" not in frame["sender"].to_list():
        return
    order = list(range(frame.height))
    shuffle.shuffle(order)
    _assert_same([*_paths(frame), run(frame[order])])
