"""Pull-away episodes: rules first (notes §2, §3.6), confirmed by change points (§3.7).

- **Trigger**: his 3-day mean engagement E (each day clipped to ±``engagement_clip``, so one
  extreme day cannot do it alone) is at or below ``trigger_z``, or his 3-day messages
  are at or below ``trigger_share`` of his baseline, or his 3-day median reply time is
  ``latency_rise`` times his usual while his messages are at or below ``slow_trigger_share``,
  or his messages over the last ``long_window_days`` are at most ``long_share`` of his
  baseline and ``long_z`` Poisson SDs below it (``week_is_low``: the slower, surer route in
  a quiet chat), on ``trigger_min_days`` consecutive days.
- **Onset**: the first of his low days (E <= ``onset_z``, messages at or below
  ``trigger_share`` of baseline, or replies ``latency_rise`` times slower than usual) running
  without a break into the trigger, looked for up to ``onset_lookback_days`` before it.
- **The drop must be his** (``his_drop_is_his``): over ``evidence_days`` from a day between
  the onset and the trigger, his replies slowed (``slow_limit``: ``latency_rise`` times his
  usual and above his ``latency_usual_quantile``, on ``slow_days_min`` days, or once when he
  replied on at most ``sparse_reply_days`` days while she wrote),
  or he turned away from her bids (``turn_toward_share`` of his usual rate, at least
  ``turn_toward_min_bids`` bids), or she made a bid or wrote ``unanswered_min_messages``
  messages and he did not answer at all. Otherwise it is a quiet they share (a busy week, a
  holiday, a slow day), and the run is skipped.
- **End**: the first day of ``end_run_days`` consecutive days with E >= ``end_z``.
- **Merge**: episodes separated by ``merge_gap_days`` or fewer are one episode.
- **Confirmation**: ruptures' Pelt (l2 cost, computed from cumulative sums; jump=1,
  min_size=3) on his daily log1p messages within ``changepoint_context_days`` of the onset,
  pen = 2·σ̂²·ln(n) with σ̂ = 1.4826·MAD(diff(x))/√2. "clear" when a change point falls within
  ``agreement_days`` of the onset, else "possible".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

import numpy as np
import polars as pl
import ruptures
from ruptures.base import BaseCost

from pullaway.analysis.result import Confidence
from pullaway.analysis.settings import Settings

if TYPE_CHECKING:
    from numpy.typing import NDArray


@dataclass(frozen=True)
class RuleEpisode:
    """An episode as the rules found it, before strategy and outcome."""

    onset: date
    end: date | None  # first day of the recovery run; None while open at the export end
    confidence: Confidence
    depth: float  # his lowest 3-day messages as a share of his baseline


def side_by_side(daily: pl.DataFrame, *, settings: Settings | None = None) -> pl.DataFrame:
    """His rows with her messages and baseline alongside, one row per day.

    Adds ``baseline_turn_toward``: the share of her bids he turned toward over the
    ``baseline_days`` before each day, episode days left out.
    """
    s = settings or Settings()
    his = daily.filter(pl.col("person") == "them").sort("day")
    for name in ("bids", "turned_toward"):
        if name not in his.columns:
            his = his.with_columns(pl.lit(0, dtype=pl.UInt32).alias(name))
    kept = [
        pl.when(~pl.col("in_episode").fill_null(False))
        .then(pl.col(name).cast(pl.Float64))
        .otherwise(0.0)
        .shift(1)
        .rolling_sum(s.baseline_days, min_samples=1)
        for name in ("turned_toward", "bids")
    ]
    his = his.with_columns((kept[0] / kept[1]).alias("baseline_turn_toward"))
    hers = daily.filter(pl.col("person") == "me").select(
        "day",
        pl.col("messages").alias("her_messages"),
        pl.col("baseline_messages").alias("her_baseline_messages"),
    )
    return his.join(hers, on="day", how="left")


def trigger_days(days: pl.DataFrame, *, settings: Settings | None = None) -> pl.DataFrame:
    """Add ``trigger`` (his drop), ``low`` (a low day of his), ``recovered`` and ``depth3``."""
    s = settings or Settings()
    w = s.trigger_window_days
    evidence = his_drop_is_his(s)
    his_window = pl.col("messages").cast(pl.Float64).rolling_sum(w)
    his_ratio = his_window / pl.max_horizontal(pl.col("baseline_messages") * w, pl.lit(1.0))
    clipped = pl.col("engagement").clip(-s.engagement_clip, s.engagement_clip)
    usual_latency = pl.col("baseline_latency_minutes").clip(lower_bound=s.latency_floor_minutes)
    slow = pl.col("latency_minutes") >= s.latency_rise * usual_latency
    slow_window = pl.col("latency_minutes").rolling_median(w, min_samples=1) >= (
        s.latency_rise * usual_latency
    )
    long_low = week_is_low(s)
    drop = (
        (clipped.rolling_mean(w) <= s.trigger_z)
        | (his_ratio <= s.trigger_share)
        | (slow_window & (his_ratio <= s.slow_trigger_share))
        | long_low
    )
    low = (
        (pl.col("engagement") <= s.onset_z)
        | (pl.col("messages") <= s.trigger_share * pl.col("baseline_messages"))
        | slow.fill_null(False)
    )
    ok = pl.col("baseline_ok") & pl.col("engagement").is_not_null()
    return days.with_columns(
        (ok & drop.fill_null(False)).alias("trigger"),
        (ok & low.fill_null(False)).alias("low"),
        his_ratio.alias("depth3"),
        (pl.col("engagement") >= s.end_z).fill_null(False).alias("recovered"),
        *evidence,
    )


def slow_limit(s: Settings) -> pl.Expr:
    """The reply time (minutes) from which his replies count as slow: ``latency_rise`` times
    his usual (floored at ``latency_floor_minutes``) and at least his
    ``latency_usual_quantile`` of the baseline window."""
    usual = pl.col("baseline_latency_minutes").clip(lower_bound=s.latency_floor_minutes)
    high = pl.col("baseline_latency_high_minutes").fill_null(0.0)
    return pl.max_horizontal(s.latency_rise * usual, high)


def week_is_low(s: Settings) -> pl.Expr:
    """True when his messages over the ``long_window_days`` up to the day are at most
    ``long_share`` of his baseline and ``long_z`` Poisson SDs below it."""
    count = pl.col("messages").cast(pl.Float64).rolling_sum(s.long_window_days)
    expected = pl.col("baseline_messages").rolling_sum(s.long_window_days)
    z = (count - expected) / expected.clip(lower_bound=1.0).sqrt()
    return ((count <= s.long_share * expected) & (z <= s.long_z)).fill_null(False)


def _ahead(expr: pl.Expr, days: int) -> pl.Expr:
    """Sum of ``expr`` over each day and the ``days - 1`` days after it."""
    return expr.cast(pl.Float64).reverse().rolling_sum(days, min_samples=1).reverse()


def his_drop_is_his(s: Settings) -> list[pl.Expr]:
    """Evidence, per candidate onset, that the drop is his and not a quiet they share.

    Over ``evidence_days`` from the day: ``latency_ratio`` is his median reply time over his
    baseline reply time; ``her_level`` her messages over her usual. ``his_own`` is True when
    his median reply time reached ``slow_limit`` (on ``slow_days_min`` days, or on the one
    day he replied when he replied on at most ``sparse_reply_days`` days), when he
    turned toward at most ``turn_toward_share`` of his usual share of her bids (at least
    ``turn_toward_min_bids`` of them), or when he did not reply at all while she made a bid or
    wrote ``unanswered_min_messages`` messages. Both silent, or both quieter at his usual reply
    speed (a busy week, a holiday, a slow day), is not his drop.
    """
    k = s.evidence_days
    latency = pl.col("latency_minutes").reverse().rolling_median(
        k, min_samples=1
    ).reverse() / pl.col("baseline_latency_minutes").clip(lower_bound=s.latency_floor_minutes)
    her_level = _ahead(pl.col("her_messages"), k) / pl.max_horizontal(
        _ahead(pl.col("her_baseline_messages"), k), pl.lit(1.0)
    )
    limit = slow_limit(s)
    slow_days = _ahead((pl.col("latency_minutes") >= limit).fill_null(False), k)
    bids = _ahead(pl.col("bids"), k)
    she_wrote = (bids >= 1) | (_ahead(pl.col("her_messages"), k) >= s.unanswered_min_messages)
    reply_days = _ahead(pl.col("latency_minutes").is_not_null(), k)
    sparse = (reply_days <= s.sparse_reply_days) & she_wrote
    ahead = pl.col("latency_minutes").reverse().rolling_median(k, min_samples=1).reverse()
    slowed = (ahead >= limit).fill_null(False) & ((slow_days >= s.slow_days_min) | sparse)
    unanswered = latency.is_null() & she_wrote
    turn_toward = _ahead(pl.col("turned_toward"), k) / bids
    turned_away = (
        (bids >= s.turn_toward_min_bids)
        & (turn_toward <= s.turn_toward_share * pl.col("baseline_turn_toward"))
    ).fill_null(False)
    return [
        latency.alias("latency_ratio"),
        her_level.alias("her_level"),
        turn_toward.alias("turn_toward_rate_ahead"),
        (slowed | unanswered | turned_away).alias("his_own"),
    ]


def detect_episodes(
    daily: pl.DataFrame, *, settings: Settings | None = None, confirm: bool = True
) -> list[RuleEpisode]:
    """Episodes of his withdrawal in ``daily`` (output of ``engagement``), oldest first.

    ``confirm=False`` skips the change-point check (every episode is then "possible").
    """
    s = settings or Settings()
    days = trigger_days(side_by_side(daily, settings=s), settings=s)
    if days.height == 0:
        return []
    dates: list[date] = days["day"].to_list()
    arrays = (
        days["trigger"].to_numpy(),
        days["low"].to_numpy(),
        days["recovered"].to_numpy(),
        days["his_own"].to_numpy(),
    )
    spans = _merged(_rule_spans(*arrays, s), s)
    log_messages = np.log1p(days["messages"].to_numpy().astype(float))
    depth = days["depth3"].fill_null(1.0).to_numpy()
    episodes = []
    for onset, end in spans:
        stop = end if end is not None else len(dates)
        episodes.append(
            RuleEpisode(
                onset=dates[onset],
                end=dates[end] if end is not None else None,
                confidence=_confidence(log_messages, onset, s) if confirm else "possible",
                depth=round(float(np.min(depth[onset : max(stop, onset + 1)])), 3),
            )
        )
    return episodes


def episode_days(daily: pl.DataFrame, episodes: list[RuleEpisode]) -> pl.Series:
    """Boolean series aligned with ``daily``: his days inside an episode (onset to end - 1)."""
    inside = pl.lit(False)
    for ep in episodes:
        last = (ep.end - timedelta(days=1)) if ep.end else date.max
        inside = inside | pl.col("day").is_between(ep.onset, last)
    return daily.select(((pl.col("person") == "them") & inside).alias("in_episode")).to_series()


def _rule_spans(
    trigger: NDArray[np.bool_],
    low: NDArray[np.bool_],
    recovered: NDArray[np.bool_],
    his_own: NDArray[np.bool_],
    s: Settings,
) -> list[tuple[int, int | None]]:
    runs = _runs(trigger, s.trigger_min_days)
    ends = _run_starts(recovered, s.end_run_days)
    spans: list[tuple[int, int | None]] = []
    position = 0
    for start in runs:
        if start < position:
            continue
        onset = start
        while onset > max(start - s.onset_lookback_days, position) and low[onset - 1]:
            onset -= 1
        if not low[onset] and low[start]:
            onset = start
        if not his_own[onset : start + 1].any():
            continue  # a quiet shared by both (busy week, holiday), or noise: not his drop
        later = ends[ends > start + s.trigger_min_days - 1]
        end = int(later[0]) if later.size else None
        spans.append((onset, end))
        if end is None:
            break
        position = end
    return spans


def _runs(flags: NDArray[np.bool_], length: int) -> list[int]:
    """First index of each run of True at least ``length`` long."""
    padded = np.concatenate(([False], flags, [False])).astype(np.int8)
    edges = np.diff(padded)
    starts = np.flatnonzero(edges == 1)
    stops = np.flatnonzero(edges == -1)
    return [int(a) for a, b in zip(starts, stops, strict=True) if b - a >= length]


def _run_starts(flags: NDArray[np.bool_], length: int) -> NDArray[np.int64]:
    """Every index i where flags[i : i + length] are all True."""
    if flags.size < length:
        return np.array([], dtype=np.int64)
    window = np.lib.stride_tricks.sliding_window_view(flags, length).all(axis=1)
    return np.flatnonzero(window).astype(np.int64)


def _merged(spans: list[tuple[int, int | None]], s: Settings) -> list[tuple[int, int | None]]:
    merged: list[tuple[int, int | None]] = []
    for onset, end in spans:
        if merged:
            last_onset, last_end = merged[-1]
            if last_end is not None and onset - last_end <= s.merge_gap_days:
                merged[-1] = (last_onset, end)
                continue
        merged.append((onset, end))
    return merged


class _CumulativeL2(BaseCost):  # type: ignore[misc]
    """ruptures' l2 cost (sum of squared deviations from the segment mean) from cumulative
    sums: the same values as ``CostL2``, in constant time per segment."""

    model = "l2"
    min_size = 2

    def fit(self, signal: NDArray[np.float64]) -> _CumulativeL2:
        x = np.asarray(signal, dtype=float).reshape(-1)
        self.signal = x.reshape(-1, 1)
        self._sums = np.concatenate(([0.0], np.cumsum(x)))
        self._squares = np.concatenate(([0.0], np.cumsum(x * x)))
        return self

    def error(self, start: int, end: int) -> float:
        total = self._sums[end] - self._sums[start]
        return float(self._squares[end] - self._squares[start] - total * total / (end - start))


def change_points(x: NDArray[np.float64], *, settings: Settings | None = None) -> list[int]:
    """Indices where Pelt places a change in ``x`` (pen = factor · 2·σ̂²·ln(n)).

    >>> change_points(np.array([3.0] * 20 + [0.5] * 10 + [3.0] * 20))
    [20, 30]
    """
    s = settings or Settings()
    n = x.size
    if n < 2 * s.changepoint_min_size:
        return []
    diffs = np.diff(x)
    sigma = s.mad_factor * float(np.median(np.abs(diffs - np.median(diffs)))) / math.sqrt(2)
    sigma = max(sigma, s.mad_floor)
    penalty = s.changepoint_penalty_factor * 2 * sigma**2 * math.log(n)
    algo = ruptures.Pelt(custom_cost=_CumulativeL2(), jump=1, min_size=s.changepoint_min_size).fit(
        x
    )
    return [int(b) for b in algo.predict(pen=penalty)[:-1]]


def _confidence(log_messages: NDArray[np.float64], onset: int, s: Settings) -> Confidence:
    lo = max(0, onset - s.changepoint_context_days)
    hi = min(log_messages.size, onset + s.changepoint_context_days)
    points = change_points(log_messages[lo:hi], settings=s)
    near = any(abs(lo + p - onset) <= s.agreement_days for p in points)
    return "clear" if near else "possible"
