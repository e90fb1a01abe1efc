"""Sleep windows: the hours a person usually does not write, and waking time.

A reply that waits until morning is not slow: reply latency subtracts the responder's sleep
window (science notes section 3.3; docs/analysis-structure.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import polars as pl

__all__ = [
    "DEFAULT_SLEEP",
    "ROLES",
    "SleepWindow",
    "asleep_seconds",
    "sleep_window",
    "sleep_windows",
]

ROLES: Final = ("me", "them")
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


def sleep_windows(rows: pl.DataFrame, *, min_days: int) -> dict[str, SleepWindow]:
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


def asleep_seconds(t: pl.Expr, window: SleepWindow) -> pl.Expr:
    """Seconds of ``window`` between a fixed origin and ``t`` (differences give overlap)."""
    shifted = t.dt.epoch("us").cast(pl.Float64) / 1e6 - window.start_hour * 3600.0
    days = (shifted / _DAY_S).floor()
    into_day = shifted - days * _DAY_S
    length = window.hours * 3600.0
    return days * length + pl.min_horizontal(into_day, pl.lit(length))
