"""Pull-away episodes: rules first (notes §2, §3.6), confirmed by change points (§3.7).

- **Trigger**: his 3-day mean engagement E (each day clipped to ±``engagement_clip``, so one
  extreme day cannot do it alone) is at or below ``trigger_z``, or his 3-day messages
  are at or below ``trigger_share`` of his baseline, on ``trigger_min_days`` consecutive days.
- **Onset**: the first low day of his in the run (E <= ``onset_z`` or messages at or below
  ``trigger_share`` of baseline), looked for up to two days before the run starts.
- **Shared quiet is not a pull-away**: if over the first ``trigger_min_days`` days from onset
  her messages were also at or below ``shared_quiet_share`` of her usual and his share of the
  messages held at ``shared_quiet_ratio`` of his usual share, or both were silent, it is a
  busy week or a holiday for both, and the run is skipped.
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

import numpy as np
import polars as pl
import ruptures
from numpy.typing import NDArray
from ruptures.base import BaseCost

from pullaway.analysis.result import Confidence
from pullaway.analysis.settings import Settings


@dataclass(frozen=True)
class RuleEpisode:
    """An episode as the rules found it, before strategy and outcome."""

    onset: date
    end: date | None  # first day of the recovery run; None while open at the export end
    confidence: Confidence
    depth: float  # his lowest 3-day messages as a share of his baseline


def side_by_side(daily: pl.DataFrame) -> pl.DataFrame:
    """His rows with her messages and baseline alongside, one row per day."""
    his = daily.filter(pl.col("person") == "them").sort("day")
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
    his_window = pl.col("messages").cast(pl.Float64).rolling_sum(w)
    his_ratio = his_window / pl.max_horizontal(pl.col("baseline_messages") * w, pl.lit(1.0))
    clipped = pl.col("engagement").clip(-s.engagement_clip, s.engagement_clip)
    drop = (clipped.rolling_mean(w) <= s.trigger_z) | (his_ratio <= s.trigger_share)
    low = (pl.col("engagement") <= s.onset_z) | (
        pl.col("messages") <= s.trigger_share * pl.col("baseline_messages")
    )
    ok = pl.col("baseline_ok") & pl.col("engagement").is_not_null()
    return days.with_columns(
        (ok & drop.fill_null(False)).alias("trigger"),
        (ok & low.fill_null(False)).alias("low"),
        his_ratio.alias("depth3"),
        (pl.col("engagement") >= s.end_z).fill_null(False).alias("recovered"),
    )


def detect_episodes(
    daily: pl.DataFrame, *, settings: Settings | None = None, confirm: bool = True
) -> list[RuleEpisode]:
    """Episodes of his withdrawal in ``daily`` (output of ``engagement``), oldest first.

    ``confirm=False`` skips the change-point check (every episode is then "possible").
    """
    s = settings or Settings()
    days = trigger_days(side_by_side(daily), settings=s)
    if days.height == 0:
        return []
    dates: list[date] = days["day"].to_list()
    quiet = _SharedQuiet.of(days, s)
    arrays = (days["trigger"].to_numpy(), days["low"].to_numpy(), days["recovered"].to_numpy())
    spans = _merged(_rule_spans(*arrays, quiet, s), s)
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


@dataclass(frozen=True)
class _SharedQuiet:
    """Tells a shared quiet (busy week, holiday) from his pull-away, at a candidate onset."""

    his: NDArray[np.float64]
    hers: NDArray[np.float64]
    his_base: NDArray[np.float64]
    her_base: NDArray[np.float64]
    days: int
    her_share: float
    ratio: float

    @classmethod
    def of(cls, days: pl.DataFrame, s: Settings) -> _SharedQuiet:
        def column(name: str) -> NDArray[np.float64]:
            return days[name].cast(pl.Float64).fill_null(0.0).to_numpy()

        return cls(
            column("messages"),
            column("her_messages"),
            column("baseline_messages"),
            column("her_baseline_messages"),
            s.trigger_min_days,
            s.shared_quiet_share,
            s.shared_quiet_ratio,
        )

    def at(self, onset: int) -> bool:
        """Whether the first days from ``onset`` are a quiet shared by both of them.

        Shared when she was quiet too over those days and his share of the messages held
        near his usual share, or when both were silent.
        """
        part = slice(onset, onset + self.days)
        hers_daily, her_usual_daily = self.hers[part], self.her_base[part]
        if her_usual_daily.size == 0 or hers_daily.sum() > self.her_share * her_usual_daily.sum():
            return False  # she carried on as usual at first: the drop is his
        his, hers = float(self.his[part].sum()), float(hers_daily.sum())
        if his + hers == 0:
            return True  # both silent: a holiday, not a pull-away
        usual, her_usual = float(self.his_base[part].sum()), float(her_usual_daily.sum())
        usual_share = usual / (usual + her_usual) if usual + her_usual > 0 else 0.5
        return his / (his + hers) >= self.ratio * usual_share


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
    quiet: _SharedQuiet,
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
        while onset > max(start - (s.trigger_window_days - 1), position) and low[onset - 1]:
            onset -= 1
        if not low[onset] and low[start]:
            onset = start
        if quiet.at(onset):
            continue
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
