"""Conversation structure of one two-person chat: bursts, threads, replies, bids, sleep.

``structure()`` is the first step of every analysis. It takes the message table of one chat
and returns the messages with their role, burst and thread, one row per burst with its
reply latency, follow-up flags and bid outcome, one row per thread, each person's sleep
window and the thread gap it used. Every measure is defined in docs/analysis-structure.md.

>>> from datetime import datetime
>>> rows = [("me", 0, "are you free tonight?"), ("them", 3, "yes! 8pm?"), ("me", 4, "ok")]
>>> frame = _frame_for_doctest(rows)
>>> st = structure(frame, me="me", thread_gap=timedelta(hours=6))
>>> st.bursts.select("role", "latency_s", "is_bid", "turned_toward").rows()
[('me', 180.0, True, True), ('them', 60.0, True, False), ('me', None, False, None)]
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Final

import polars as pl

from pullaway.analysis.signals import (
    any_cue_regex,
    mostly_repeated,
    normalised,
    per_distinct,
)
from pullaway.analysis.sleep import ROLES, SleepWindow, asleep_seconds, sleep_window, sleep_windows
from pullaway.analysis.threads import ThreadGap, thread_gap
from pullaway.errors import NotEnoughData
from pullaway.model import MESSAGE_SCHEMA
from pullaway.wording import counted

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

__all__ = ["SleepWindow", "Structure", "ThreadGap", "sleep_window", "structure", "thread_gap"]

SHARED_KINDS: Final = ("media", "voice")
"""Message kinds that count as shared content (a bid) and as a non-minimal reply."""
LINK: Final = r"https?://|www\.[a-z0-9]"
EMOJI: Final = r"\p{Extended_Pictographic}"
BID_CATEGORIES: Final = ("question", "affection", "missing", "plans", "support")
"""Cue sections that make a burst a bid (with shared media/voice and links)."""
ENGAGING_CATEGORIES: Final = ("question", "affection", "missing")
"""Cue sections that make a reply non-minimal whatever its length (with emoji and media)."""
MIN_ENGAGED_WORDS: Final = 4
"""A reply of at least this many words is non-minimal (science notes section 1)."""


@dataclass(frozen=True)
class Structure:
    """Messages, bursts and threads of one chat; see docs/analysis-structure.md."""

    messages: pl.DataFrame
    bursts: pl.DataFrame
    threads: pl.DataFrame
    sleep: dict[str, SleepWindow]
    thread_gap: ThreadGap
    burst_gap: timedelta


# --- entry point -------------------------------------------------------------------------


def structure(
    messages: pl.DataFrame,
    *,
    me: str,
    burst_gap: timedelta = timedelta(minutes=10),
    thread_gap: timedelta | None = None,
    double_text_gap: timedelta = timedelta(minutes=30),
    bid_window: timedelta | None = None,
    min_sleep_days: int = 30,
    languages: Sequence[str] | None = None,
) -> Structure:
    """Bursts, threads, reply latencies, follow-ups, bids and sleep windows of one chat.

    ``messages`` has MESSAGE_SCHEMA columns and exactly two non-system senders, ``me`` and
    the other person. Settings (defaults from the product brief and the science notes):

    - ``burst_gap``: consecutive messages of one sender at most this far apart are one burst.
    - ``thread_gap``: a silence at least this long starts a thread; None learns it from the
      gaps (see :func:`thread_gap`).
    - ``double_text_gap``: a follow-up at least this long after the previous burst is a
      double text.
    - ``bid_window``: how long a bid waits for a reply before it counts as turned away;
      None uses min(24 h, the responder's P90 waking latency), at least ``burst_gap``.
    - ``min_sleep_days``: days of a person's messages needed to learn their sleep window.
    - ``languages``: lexicons used to recognise bids (None: all).
    """
    invites = any_cue_regex(BID_CATEGORIES, languages=languages, extra=LINK)
    engages = any_cue_regex(ENGAGING_CATEGORIES, languages=languages, extra=EMOJI)
    cues = _cue_reader(invites, engages)
    rows = _prepare(messages, me=me)
    words, message_cues = _text_facts(rows["text"], cues, line_local=_line_local(invites, engages))
    rows = rows.with_columns(
        words=pl.when(pl.col("kind").cast(pl.String) == "text").then(words).otherwise(0)
    )
    gap = _choose_thread_gap(rows, thread_gap)
    rows = _assign_bursts_and_threads(rows, burst_gap=burst_gap, thread_gap=gap.gap)
    sleep = sleep_windows(rows, min_days=min_sleep_days)
    bursts = _bursts(rows, cues, message_cues)
    bursts = _replies(bursts, sleep=sleep)
    bursts = _follow_ups(bursts, double_text_gap=double_text_gap)
    bursts = _turning_toward(
        bursts, bid_window=bid_window, burst_gap=burst_gap, export_end=_last(rows)
    )
    return Structure(
        messages=rows,
        bursts=bursts.select(BURST_COLUMNS),
        threads=_threads(rows),
        sleep=sleep,
        thread_gap=gap,
        burst_gap=burst_gap,
    )


BURST_COLUMNS: Final = (
    "burst_id",
    "thread_id",
    "role",
    "start",
    "end",
    "messages",
    "words",
    "text",
    "is_thread_start",
    "reply_at",
    "latency_s",
    "latency_from_end_s",
    "waking_latency_s",
    "censored",
    "follow_up",
    "double_text",
    "unanswered_streak",
    "is_bid",
    "turned_toward",
)


# --- messages ----------------------------------------------------------------------------


def _prepare(messages: pl.DataFrame, *, me: str) -> pl.DataFrame:
    missing = [c for c in ("timestamp", "sender", "kind", "text") if c not in messages.columns]
    if missing:
        msg = f"structure() needs a MESSAGE_SCHEMA frame; missing columns {missing}"
        raise NotEnoughData(msg)
    keep = (
        (pl.col("kind") != "system")
        & pl.col("timestamp").is_not_null()
        & pl.col("sender").is_not_null()
    ).fill_null(False)
    # Filtering copies every column: skip it when no row would go (the usual case).
    rows = messages if messages.select(keep.all()).item() else messages.filter(keep)
    if "chat" in rows.columns and rows["chat"].n_unique() > 1:
        chats = rows["chat"].unique().sort().to_list()
        msg = f"structure() reads one chat at a time; found {len(chats)}: {chats[:5]}"
        raise NotEnoughData(msg)
    senders = rows["sender"].unique().sort().to_list()
    if me not in senders:
        msg = f"{me!r} wrote no message in this chat; the senders are {senders[:5]}: pick one"
        raise NotEnoughData(msg)
    if len(senders) != 2:
        msg = (
            "structure() needs a chat between exactly two people; found "
            f"{counted(len(senders), 'sender')}: {senders[:5]}; for a group chat, keep only you "
            "and one other person"
        )
        raise NotEnoughData(msg)
    order = [c for c in ("timestamp", "source_line") if c in rows.columns]
    # Sorting also makes each column one contiguous chunk, which the group_bys below need
    # to be fast; a table already in order (the usual case) needs only that.
    if _in_order(rows, has_line="source_line" in order):
        rows = rows.rechunk()
    else:
        rows = rows.sort(order, maintain_order=True)
    return rows.with_columns(
        role=pl.when(pl.col("sender") == me).then(pl.lit("me")).otherwise(pl.lit("them")),
    )


def _text_facts(
    texts: pl.Series, cues: Callable[[pl.DataFrame], pl.DataFrame], *, line_local: bool
) -> tuple[pl.Series, pl.DataFrame | None]:
    """Each message's word count and, when its texts repeat, its cues (else None).

    Both come from one pass over the distinct texts; cues per message need ``line_local``
    regexes (see :func:`_line_local`), else bursts read their joined texts instead.
    """
    if not line_local or not mostly_repeated(texts):
        return per_distinct(texts, _word_counts).to_series(), None

    def facts(frame: pl.DataFrame) -> pl.DataFrame:
        return pl.concat([_word_counts(frame), cues(frame)], how="horizontal")

    found = per_distinct(texts, facts)
    return found.to_series(0), found.select("_invites", "_engages")


def _word_counts(texts: pl.DataFrame) -> pl.DataFrame:
    """Whitespace-separated words of each text (null: 0), as UInt32."""
    return texts.select(pl.first().fill_null("").str.count_matches(r"\S+").cast(pl.UInt32))


def _in_order(rows: pl.DataFrame, *, has_line: bool) -> bool:
    """Whether ``rows`` already sorts by timestamp, then source line (nulls first).

    Stores and importers hand over sorted tables; checking costs a fraction of sorting.
    """
    step = pl.col("timestamp").diff()
    if not has_line:
        return bool(rows.select((step >= timedelta(0)).all()).item())
    line, previous = pl.col("source_line"), pl.col("source_line").shift(1)
    tie_in_order = previous.is_null() | (line >= previous).fill_null(False)
    pair_in_order = step.is_null() | (step > timedelta(0)) | ((step == timedelta(0)) & tie_in_order)
    return bool(rows.select(pair_in_order.all()).item())


def _last(rows: pl.DataFrame) -> datetime:
    value = rows["timestamp"].max()
    assert isinstance(value, datetime)  # rows is non-empty with non-null timestamps
    return value


def _assign_bursts_and_threads(
    rows: pl.DataFrame, *, burst_gap: timedelta, thread_gap: timedelta
) -> pl.DataFrame:
    gap = pl.col("timestamp").diff()
    new_thread = gap.is_null() | (gap >= thread_gap)
    new_burst = new_thread | (pl.col("role") != pl.col("role").shift(1)) | (gap > burst_gap)
    # Both ids grow with the rows; saying so lets group_by take its fast sorted path.
    return rows.with_columns(
        burst_id=(new_burst.cum_sum() - 1).cast(pl.UInt32).set_sorted(),
        thread_id=(new_thread.cum_sum() - 1).cast(pl.UInt32).set_sorted(),
    )


# --- thread gap --------------------------------------------------------------------------


def _choose_thread_gap(rows: pl.DataFrame, fixed: timedelta | None) -> ThreadGap:
    if fixed is not None:
        return ThreadGap(fixed, "fixed")
    seconds = rows["timestamp"].diff().dt.total_seconds(fractional=True).drop_nulls()
    return thread_gap(seconds.to_numpy())


# --- bursts ------------------------------------------------------------------------------


def _bursts(
    rows: pl.DataFrame,
    cues: Callable[[pl.DataFrame], pl.DataFrame],
    message_cues: pl.DataFrame | None,
) -> pl.DataFrame:
    source = rows if message_cues is None else rows.with_columns(message_cues)
    found = [] if message_cues is None else [pl.col("_invites").any(), pl.col("_engages").any()]
    bursts = (
        source.group_by("burst_id", maintain_order=True)
        .agg(
            pl.col("thread_id").first(),
            pl.col("role").first(),
            pl.col("timestamp").first().alias("start"),
            pl.col("timestamp").last().alias("end"),
            pl.len().cast(pl.UInt32).alias("messages"),
            pl.col("words").sum().cast(pl.UInt32),
            pl.col("text"),  # a list, joined below: faster than str.join inside the group_by
            pl.col("kind").is_in(SHARED_KINDS).any().alias("_shared"),
            *found,
        )
        .with_columns(pl.col("text").list.join("\n", ignore_nulls=True))
    )
    thread_start = pl.col("thread_id") != pl.col("thread_id").shift(1).fill_null(-1)
    if message_cues is None:
        return bursts.with_columns(cues(bursts.select("text")), is_thread_start=thread_start)
    return bursts.with_columns(_across_messages(bursts, cues), is_thread_start=thread_start)


def _cue_reader(invites: str, engages: str) -> Callable[[pl.DataFrame], pl.DataFrame]:
    """Texts (one column) -> the Boolean columns _invites and _engages."""

    def read(texts: pl.DataFrame) -> pl.DataFrame:
        norm = texts.select(normalised(pl.first()).alias("_norm"))
        return norm.select(
            _invites=pl.col("_norm").str.contains(invites),
            _engages=pl.col("_norm").str.contains(engages),
        )

    return read


def _across_messages(
    bursts: pl.DataFrame, cues: Callable[[pl.DataFrame], pl.DataFrame]
) -> list[pl.Series]:
    """Complete per-message cues: a cue may span two messages of a burst ("miss" / "you").

    A message's cue is also a cue of its burst text (``_line_local``), so only bursts of
    several messages still missing a flag are read again, on their joined text.
    """
    open_ = (pl.col("messages") > 1) & ~(pl.col("_invites") & pl.col("_engages"))
    rows = bursts.select(pl.int_range(pl.len(), dtype=pl.UInt32).filter(open_)).to_series()
    joined = cues(bursts.select(pl.col("text").gather(rows)))
    return [
        bursts[c].clone().scatter(rows, bursts[c].gather(rows) | joined[c])
        for c in ("_invites", "_engages")
    ]


@cache
def _line_local(*regexes: str) -> bool:
    """Whether a match inside one line of a text is still a match once lines are joined.

    True when no regex has text anchors (``^`` and ``$`` outside ``(?m:^``, ``\\A``,
    ``\\z``) and none matches the empty text; then reading each message's text (null as
    empty) and joining with OR finds every cue the joined burst text has, except cues that
    span two messages.
    """
    for regex in regexes:
        rest = regex.replace("(?m:^", "").replace("[^", "")
        if any(anchor in rest for anchor in ("^", "$", "\\A", "\\z", "\\Z")):
            return False
        if pl.select(pl.lit("").str.contains(regex)).item():
            return False
    return True


def _replies(bursts: pl.DataFrame, *, sleep: dict[str, SleepWindow]) -> pl.DataFrame:
    """The other person's next message, and the latency to it unless censored."""
    idx = pl.int_range(pl.len(), dtype=pl.Int64)
    turn_start = pl.col("role") != pl.col("role").shift(1).fill_null("")
    next_turn = pl.when(pl.col("_turn_start")).then(idx).shift(-1).backward_fill()
    next_thread = pl.when(pl.col("is_thread_start")).then(idx).shift(-1).backward_fill()
    latency = (pl.col("reply_at") - pl.col("start")).dt.total_seconds(fractional=True)
    awake = _waking_expr(sleep)
    frame = bursts.with_columns(_idx=idx, _turn_start=turn_start).with_columns(
        _reply_idx=next_turn, _next_thread_idx=next_thread
    )
    # Censored: no answer before the export end, or the sender started a new thread first.
    new_thread_first = (pl.col("_next_thread_idx") < pl.col("_reply_idx")).fill_null(False)
    censored = pl.col("_reply_idx").is_null() | new_thread_first
    return (
        frame.with_columns(
            reply_at=pl.col("start").gather(pl.col("_reply_idx").fill_null(0)),
            censored=censored,
        )
        .with_columns(
            reply_at=pl.when(pl.col("_reply_idx").is_null()).then(None).otherwise("reply_at"),
        )
        .with_columns(
            latency_s=pl.when(pl.col("censored")).then(None).otherwise(latency),
            latency_from_end_s=pl.when(pl.col("censored"))
            .then(None)
            .otherwise((pl.col("reply_at") - pl.col("end")).dt.total_seconds(fractional=True)),
        )
        .with_columns(waking_latency_s=awake)
    )


def _waking_expr(sleep: dict[str, SleepWindow]) -> pl.Expr:
    """Latency minus its overlap with the responder's sleep window (the other role's)."""
    parts = []
    for role in ROLES:
        responder = sleep["them" if role == "me" else "me"]
        asleep = asleep_seconds(pl.col("reply_at"), responder) - asleep_seconds(
            pl.col("start"), responder
        )
        parts.append((role, asleep))
    overlap = pl.when(pl.col("role") == parts[0][0]).then(parts[0][1]).otherwise(parts[1][1])
    return (pl.col("latency_s") - overlap).clip(lower_bound=0.0)


def _follow_ups(bursts: pl.DataFrame, *, double_text_gap: timedelta) -> pl.DataFrame:
    follow_up = ~pl.col("_turn_start")
    since_previous = pl.col("start") - pl.col("end").shift(1)
    turn_first = pl.when(pl.col("_turn_start")).then(pl.col("_idx")).forward_fill()
    return bursts.with_columns(
        follow_up=follow_up,
        double_text=follow_up & (since_previous >= double_text_gap).fill_null(False),
        unanswered_streak=(pl.col("_idx") - turn_first + 1).cast(pl.UInt32),
    )


def _turning_toward(
    bursts: pl.DataFrame,
    *,
    bid_window: timedelta | None,
    burst_gap: timedelta,
    export_end: datetime,
) -> pl.DataFrame:
    is_bid = pl.col("_invites") | pl.col("_shared")
    non_minimal = (pl.col("words") >= MIN_ENGAGED_WORDS) | pl.col("_engages") | pl.col("_shared")
    frame = bursts.with_columns(is_bid=is_bid, _non_minimal=non_minimal)
    reply_non_minimal = frame["_non_minimal"].gather(frame["_reply_idx"].fill_null(0))
    windows = {role: _window_for(frame, role, bid_window, burst_gap) for role in ROLES}
    window_s = pl.when(pl.col("role") == "me").then(windows["me"]).otherwise(windows["them"])
    answered = (
        pl.col("waking_latency_s").is_not_null()
        & (pl.col("waking_latency_s") <= window_s)
        & pl.col("_reply_non_minimal")
    )
    pending = pl.col("reply_at").is_null() & (
        (pl.lit(export_end) - pl.col("start")).dt.total_seconds(fractional=True) < window_s
    )
    toward = pl.when(~pl.col("is_bid") | pending).then(None).otherwise(answered.fill_null(False))
    return frame.with_columns(_reply_non_minimal=reply_non_minimal).with_columns(
        turned_toward=toward
    )


def _window_for(
    frame: pl.DataFrame, role: str, bid_window: timedelta | None, burst_gap: timedelta
) -> float:
    """Seconds a bid by ``role`` waits: min(24 h, the responder's P90 waking latency)."""
    if bid_window is not None:
        return bid_window.total_seconds()
    latencies = frame.filter((pl.col("role") == role) & ~pl.col("follow_up"))["waking_latency_s"]
    p90 = latencies.drop_nulls().quantile(0.9)
    day = timedelta(hours=24).total_seconds()
    if p90 is None:
        return day
    return max(min(day, float(p90)), burst_gap.total_seconds())


# --- threads -----------------------------------------------------------------------------


def _threads(rows: pl.DataFrame) -> pl.DataFrame:
    return rows.group_by("thread_id", maintain_order=True).agg(
        pl.col("timestamp").first().alias("start"),
        pl.col("timestamp").last().alias("end"),
        pl.col("role").first().alias("initiator"),
        (pl.col("role") == "me").sum().cast(pl.UInt32).alias("messages_me"),
        (pl.col("role") == "them").sum().cast(pl.UInt32).alias("messages_them"),
    )


def _frame_for_doctest(rows: list[tuple[str, int, str]]) -> pl.DataFrame:
    """A MESSAGE_SCHEMA frame from (sender, minutes after 2024-01-01 12:00, text)."""
    base = datetime(2024, 1, 1, 12)
    return pl.DataFrame(
        {
            "chat": ["c"] * len(rows),
            "message_id": [str(i) for i in range(len(rows))],
            "timestamp": [base + timedelta(minutes=m) for _, m, _ in rows],
            "utc_offset": [None] * len(rows),
            "sender": [s for s, _, _ in rows],
            "kind": ["text"] * len(rows),
            "text": [t for _, _, t in rows],
            "source_file": ["f"] * len(rows),
            "source_line": list(range(1, len(rows) + 1)),
        },
        schema=MESSAGE_SCHEMA,
    )
