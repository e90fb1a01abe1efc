"""Pull-away episodes: his withdrawn days (notes §3.6), confirmed by change points (§3.7).

- **Withdrawn days** come from the two-state model in ``withdrawal``: each day's evidence
  (his messages against his usual and her activity that day, his reply times, her messages he
  never answered) and the most likely sequence of connected and withdrawn days.
- **Episodes** are the runs of withdrawn days (``min_episode_days`` or longer, runs apart by
  ``merge_gap_days`` or fewer merged): the onset is the first withdrawn day (moved back over
  up to ``onset_lookback_days`` ambiguous days before it), the end the first
  day after it whose evidence says "connected" by at least ``return_evidence`` (his return;
  None while he stays withdrawn to the export end).
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
from pullaway.analysis.withdrawal import spans

if TYPE_CHECKING:
    from numpy.typing import NDArray


@dataclass(frozen=True)
class RuleEpisode:
    """An episode as the withdrawal model found it, before strategy and outcome."""

    onset: date
    end: date | None  # the day he is clearly back; None while open at the export end
    confidence: Confidence
    depth: float  # his lowest 3-day messages as a share of his usual


def detect_episodes(
    days: pl.DataFrame, *, settings: Settings | None = None, confirm: bool = True
) -> list[RuleEpisode]:
    """Episodes of his withdrawal, oldest first, from ``withdrawal.withdrawn_days`` of a chat.

    ``confirm=False`` skips the change-point check (every episode is then "possible").
    """
    s = settings or Settings()
    if days.height == 0:
        return []
    dates: list[date] = days["day"].to_list()
    messages = days["messages"].to_numpy()
    log_messages = np.log1p(messages)
    depth = _three_day_share(messages, days["usual_messages"].to_numpy())
    runs = spans(days["withdrawn"].to_numpy(), merge_gap_days=0, min_days=1)
    evidence = days["evidence"].to_numpy()
    episodes = []
    for i, (onset, end) in enumerate(runs):
        previous_stop = (runs[i - 1][1] or 0) if i else 0
        earliest = max(previous_stop, onset - s.onset_lookback_days)
        onset = _began(evidence, onset, earliest, s.return_evidence)
        if end is not None:
            limit = runs[i + 1][0] if i + 1 < len(runs) else len(dates)
            end = _clearly_back(evidence, end, limit, s.return_evidence)
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


def _clearly_back(evidence: NDArray[np.float64], end: int, limit: int, margin: float) -> int:
    """The first day from ``end`` (before ``limit``) whose evidence is at most ``-margin``.

    The model may leave the withdrawn state on a silent day (both quiet: nothing either
    way); his return is the day his own messages clearly look connected again. ``end`` when
    no day before ``limit`` does.

    >>> _clearly_back(np.array([5.0, 0.1, -0.5, -9.0, -9.0]), 1, 5, 2.0)
    3
    """
    later = np.flatnonzero(evidence[end:limit] <= -margin)
    return end + int(later[0]) if later.size else end


def _began(evidence: NDArray[np.float64], onset: int, earliest: int, margin: float) -> int:
    """The onset moved back over the days just before it (from ``earliest`` on) whose evidence
    does not clearly say "connected" (above ``-margin``): the model enters the withdrawn state
    only once the evidence has added up, often a few ambiguous days after his first quiet one.

    >>> _began(np.array([-9.0, -0.5, 0.3, 5.0, 5.0]), 3, 0, 2.0)
    1
    """
    day = onset
    while day > earliest and evidence[day - 1] > -margin:
        day -= 1
    return day


def _three_day_share(
    messages: NDArray[np.float64], usual: NDArray[np.float64]
) -> NDArray[np.float64]:
    """His messages over each day and the two before it, as a share of his usual for them."""
    window = np.convolve(messages, np.ones(3))[: messages.size]
    expected = np.convolve(usual, np.ones(3))[: usual.size]
    return np.asarray(window / np.maximum(expected, 1.0))


def episode_days(daily: pl.DataFrame, episodes: list[RuleEpisode]) -> pl.Series:
    """Boolean series aligned with ``daily``: his days inside an episode (onset to end - 1)."""
    inside = pl.lit(False)
    for ep in episodes:
        last = (ep.end - timedelta(days=1)) if ep.end else date.max
        inside = inside | pl.col("day").is_between(ep.onset, last)
    return daily.select(((pl.col("person") == "them") & inside).alias("in_episode")).to_series()


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
