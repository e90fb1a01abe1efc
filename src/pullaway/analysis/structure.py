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
from typing import TYPE_CHECKING, Final

import numpy as np
import polars as pl

from pullaway.analysis.signals import any_cue_regex, normalised
from pullaway.errors import NotEnoughData
from pullaway.model import MESSAGE_SCHEMA

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["SleepWindow", "Structure", "ThreadGap", "sleep_window", "structure", "thread_gap"]

ROLES: Final = ("me", "them")
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
_DAY_S: Final = 86_400.0


@dataclass(frozen=True)
class SleepWindow:
    """A person's usual sleep hours, ``start_hour`` up to (not including) ``end_hour``.

    The window may wrap midnight (23..6). ``learned`` is False when the default was used.
    """

    start_hour: int
    end_hour: int
    learned: bool

    @property
    def hours(self) -> int:
        return (self.end_hour - self.start_hour) % 24

    def covers(self, hour: int) -> bool:
        return (hour - self.start_hour) % 24 < self.hours


DEFAULT_SLEEP: Final = SleepWindow(0, 7, learned=False)


@dataclass(frozen=True)
class ThreadGap:
    """The silence that starts a new thread, and how it was chosen.

    ``method`` is "learned" (density minimum between the two modes of log10 gap),
    "fallback" (too few gaps or no clear bimodality: 2 h) or "fixed" (given by the caller).
    """

    gap: timedelta
    method: str


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
    rows = _prepare(messages, me=me)
    gap = _choose_thread_gap(rows, thread_gap)
    rows = _assign_bursts_and_threads(rows, burst_gap=burst_gap, thread_gap=gap.gap)
    sleep = _sleep_windows(rows, min_days=min_sleep_days)
    bursts = _bursts(rows, languages=languages)
    bursts = _replies(bursts, sleep=sleep, export_end=_last(rows))
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
    rows = messages.filter(pl.col("kind") != "system").filter(
        pl.col("timestamp").is_not_null() & pl.col("sender").is_not_null()
    )
    senders = rows["sender"].unique().sort().to_list()
    if me not in senders:
        msg = f"{me!r} wrote no message in this chat; the senders are {senders[:5]}: pick one"
        raise NotEnoughData(msg)
    if len(senders) != 2:
        msg = (
            f"structure() needs a chat between exactly two people; found {len(senders)} "
            f"sender(s): {senders[:5]}; for a group chat, keep only you and one other person"
        )
        raise NotEnoughData(msg)
    order = [c for c in ("timestamp", "source_line") if c in rows.columns]
    words = pl.col("text").fill_null("").str.count_matches(r"\S+")
    return rows.sort(order, maintain_order=True).with_columns(
        role=pl.when(pl.col("sender") == me).then(pl.lit("me")).otherwise(pl.lit("them")),
        words=pl.when(pl.col("kind").cast(pl.String) == "text")
        .then(words)
        .otherwise(0)
        .cast(pl.UInt32),
    )


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


def thread_gap(
    gap_seconds: np.ndarray,
    *,
    min_gaps: int = 200,
    fallback: timedelta = timedelta(hours=2),
    lower: timedelta = timedelta(minutes=30),
    upper: timedelta = timedelta(hours=6),
    max_dip_ratio: float = 0.5,
) -> ThreadGap:
    """Learn the thread gap from the silences between consecutive messages.

    Fits a two-component Gaussian mixture to log10(gap seconds) (binned, 0.05 decade) and
    takes the density minimum between the two means, clamped to [``lower``, ``upper``].
    With fewer than ``min_gaps`` gaps, or no clear dip (the density at the minimum is above
    ``max_dip_ratio`` times the lower of the two peaks), returns ``fallback``.

    >>> rng = np.random.default_rng(1)
    >>> gaps = np.concatenate([10 ** rng.normal(1.8, 0.4, 900), 10 ** rng.normal(4.4, 0.3, 300)])
    >>> found = thread_gap(gaps)
    >>> found.method, timedelta(minutes=30) <= found.gap <= timedelta(hours=6)
    ('learned', True)
    >>> thread_gap(gaps[:50]).method
    'fallback'
    """
    values = np.log10(np.maximum(np.asarray(gap_seconds, dtype=float), 1.0))
    if values.size < min_gaps:
        return ThreadGap(fallback, "fallback")
    cut = _mixture_dip(values, max_dip_ratio=max_dip_ratio)
    if cut is None:
        return ThreadGap(fallback, "fallback")
    seconds = float(np.clip(10**cut, lower.total_seconds(), upper.total_seconds()))
    return ThreadGap(timedelta(seconds=round(seconds)), "learned")


def _mixture_dip(values: np.ndarray, *, max_dip_ratio: float) -> float | None:
    top = max(float(values.max()), 0.1)
    counts, edges = np.histogram(values, bins=np.arange(0.0, top + 0.1, 0.05))
    x = (edges[:-1] + edges[1:]) / 2
    w = counts / counts.sum()
    mu = np.quantile(values, [0.25, 0.9])
    sd = np.array([0.5, 0.5])
    pi = np.array([0.5, 0.5])
    for _ in range(200):
        dens = pi * _normal(x[:, None], mu, sd)
        resp = dens / np.maximum(dens.sum(axis=1, keepdims=True), 1e-300)
        nk = np.maximum((w[:, None] * resp).sum(axis=0), 1e-12)
        pi = nk
        mu = (w[:, None] * resp * x[:, None]).sum(axis=0) / nk
        sd = np.sqrt((w[:, None] * resp * (x[:, None] - mu) ** 2).sum(axis=0) / nk)
        sd = np.maximum(sd, 0.05)
    lo, hi = sorted(mu)
    if pi.min() < 0.02 or hi - lo < 0.3:
        return None
    grid = np.linspace(lo, hi, 200)
    density = (pi * _normal(grid[:, None], mu, sd)).sum(axis=1)
    i = int(np.argmin(density))
    if i in (0, grid.size - 1) or density[i] > max_dip_ratio * min(density[0], density[-1]):
        return None
    return float(grid[i])


def _normal(x: np.ndarray, mu: np.ndarray, sd: np.ndarray) -> np.ndarray:
    result: np.ndarray = np.exp(-0.5 * ((x - mu) / sd) ** 2) / (sd * np.sqrt(2 * np.pi))
    return result


# --- sleep -------------------------------------------------------------------------------


def sleep_window(
    timestamps: pl.Series,
    *,
    min_days: int = 30,
    quiet_share: float = 0.02,
    min_hours: int = 5,
    max_hours: int = 10,
) -> SleepWindow:
    """A person's sleep window from the hours their messages were sent.

    The longest circular run of hours each carrying less than ``quiet_share`` of the
    person's messages, if ``min_hours``-``max_hours`` long (a longer run is cut to the
    quietest ``max_hours``). Needs messages on ``min_days`` different days; otherwise, or
    with no such run, the default 00:00-07:00 (``learned=False``).

    >>> from datetime import datetime
    >>> stamps = [datetime(2024, 1, 1 + d, h) for d in range(31) for h in range(9, 24)]
    >>> sleep_window(pl.Series(stamps))
    SleepWindow(start_hour=0, end_hour=9, learned=True)
    >>> sleep_window(pl.Series(stamps[:100]))
    SleepWindow(start_hour=0, end_hour=7, learned=False)
    """
    if timestamps.len() == 0:
        return DEFAULT_SLEEP
    counts = np.bincount(timestamps.dt.hour().to_numpy(), minlength=24)[:24]
    return _sleep_from_hours(
        counts,
        days=timestamps.dt.date().n_unique(),
        min_days=min_days,
        quiet_share=quiet_share,
        min_hours=min_hours,
        max_hours=max_hours,
    )


def _sleep_windows(rows: pl.DataFrame, *, min_days: int) -> dict[str, SleepWindow]:
    """Both people's sleep windows in one pass (integer arithmetic, no per-person filter)."""
    hour_us, day_us = 3_600_000_000, 86_400_000_000
    micros = pl.col("timestamp").dt.epoch("us")
    is_me = pl.col("role") == "me"
    stats = rows.select(
        slot=(micros // hour_us) % 24 + 24 * is_me.cast(pl.Int64),  # 0-23 them, 24-47 me
        me=pl.when(is_me).then(micros // day_us),
        them=pl.when(~is_me).then(micros // day_us),
    )
    counts = np.bincount(stats["slot"].to_numpy(), minlength=48)
    by_role = {"them": counts[:24], "me": counts[24:48]}
    return {
        role: _sleep_from_hours(
            by_role[role], days=stats[role].drop_nulls().n_unique(), min_days=min_days
        )
        for role in ROLES
    }


def _sleep_from_hours(
    counts: np.ndarray,
    *,
    days: int,
    min_days: int,
    quiet_share: float = 0.02,
    min_hours: int = 5,
    max_hours: int = 10,
) -> SleepWindow:
    if days < min_days or counts.sum() == 0:
        return DEFAULT_SLEEP
    quiet = counts < quiet_share * counts.sum()
    start, length = _longest_circular_run(quiet)
    if length < min_hours:
        return DEFAULT_SLEEP
    if length > max_hours:
        start = _quietest_span(counts, start, length, max_hours)
        length = max_hours
    return SleepWindow(start, (start + length) % 24, learned=True)


def _longest_circular_run(flags: np.ndarray) -> tuple[int, int]:
    if flags.all():
        return 0, 24
    best_start, best_len, run = 0, 0, 0
    for i in range(48):
        run = run + 1 if flags[i % 24] else 0
        if run > best_len:
            best_start, best_len = (i - run + 1) % 24, run
    return best_start, min(best_len, 24)


def _quietest_span(counts: np.ndarray, start: int, length: int, span: int) -> int:
    options = [(start + k) % 24 for k in range(length - span + 1)]
    return min(options, key=lambda s: (sum(counts[(s + j) % 24] for j in range(span)), s))


def _asleep_seconds(t: pl.Expr, window: SleepWindow) -> pl.Expr:
    """Seconds of ``window`` between a fixed origin and ``t`` (differences give overlap)."""
    shifted = t.dt.epoch("us").cast(pl.Float64) / 1e6 - window.start_hour * 3600.0
    days = (shifted / _DAY_S).floor()
    into_day = shifted - days * _DAY_S
    length = window.hours * 3600.0
    return days * length + pl.min_horizontal(into_day, pl.lit(length))


# --- bursts ------------------------------------------------------------------------------


def _bursts(rows: pl.DataFrame, *, languages: Sequence[str] | None) -> pl.DataFrame:
    bursts = (
        rows.group_by("burst_id", maintain_order=True)
        .agg(
            pl.col("thread_id").first(),
            pl.col("role").first(),
            pl.col("timestamp").first().alias("start"),
            pl.col("timestamp").last().alias("end"),
            pl.len().cast(pl.UInt32).alias("messages"),
            pl.col("words").sum().cast(pl.UInt32),
            pl.col("text"),  # a list, joined below: faster than str.join inside the group_by
            pl.col("kind").is_in(SHARED_KINDS).any().alias("_shared"),
        )
        .with_columns(pl.col("text").list.join("\n", ignore_nulls=True))
    )
    invites = any_cue_regex(BID_CATEGORIES, languages=languages, extra=LINK)
    engages = any_cue_regex(ENGAGING_CATEGORIES, languages=languages, extra=EMOJI)
    return (
        bursts.with_columns(_norm=normalised(pl.col("text")))
        .with_columns(
            is_thread_start=pl.col("thread_id") != pl.col("thread_id").shift(1).fill_null(-1),
            _invites=pl.col("_norm").str.contains(invites),
            _engages=pl.col("_norm").str.contains(engages),
        )
        .drop("_norm")
    )


def _replies(
    bursts: pl.DataFrame, *, sleep: dict[str, SleepWindow], export_end: datetime
) -> pl.DataFrame:
    idx = pl.int_range(pl.len(), dtype=pl.Int64)
    turn_start = pl.col("role") != pl.col("role").shift(1).fill_null("")
    next_turn = pl.when(pl.col("_turn_start")).then(idx).shift(-1).backward_fill()
    next_thread = pl.when(pl.col("is_thread_start")).then(idx).shift(-1).backward_fill()
    latency = (pl.col("reply_at") - pl.col("start")).dt.total_seconds(fractional=True)
    awake = _waking_expr(sleep)
    frame = bursts.with_columns(_idx=idx, _turn_start=turn_start).with_columns(
        _reply_idx=next_turn, _next_thread_idx=next_thread
    )
    censored = pl.col("_reply_idx").is_null() | (pl.col("_next_thread_idx") < pl.col("_reply_idx"))
    return (
        frame.with_columns(
            reply_at=pl.col("start").gather(pl.col("_reply_idx").fill_null(0)),
            censored=censored.fill_null(False) | pl.col("_reply_idx").is_null(),
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
        asleep = _asleep_seconds(pl.col("reply_at"), responder) - _asleep_seconds(
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
