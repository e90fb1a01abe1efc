"""What she did during an episode: let go, chased, or mixed (notes §2, §3.8).

The window runs from the onset to his return (or to the end of what can be observed). The
label always travels with the numbers behind it (``StrategyCounts``). These cut-offs are design
defaults, not research thresholds.

- **chased** if any of: an unanswered streak of ``chase_streak`` bursts or more;
  ``chase_double_texts_per_day`` double texts in one day on ``chase_double_text_days`` days;
  ``chase_cues`` pleading or checking messages; her:his messages at least ``chase_ratio``
  while she writes at least her baseline.
- **let_go** if all of: her messages per day at most ``space_share`` of her baseline; no
  unanswered streak longer than ``space_max_streak``; no pleading or checking; at least one
  silence of hers of ``space_min_silence_hours``.
- **mixed** otherwise.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np
import polars as pl
from numpy.typing import NDArray

from pullaway.analysis.daily import midnight
from pullaway.analysis.result import StrategyCounts
from pullaway.analysis.settings import Settings

if TYPE_CHECKING:
    from datetime import date

    from pullaway.analysis.result import Strategy


@dataclass(frozen=True)
class ChatFrames:
    """The frames every per-episode measure slices: sorted by time, tagged with signals.

    Time windows are found by binary search on the sorted time columns and returned as
    zero-copy slices, so a million-message chat costs little per episode.
    """

    messages: pl.DataFrame  # timestamp, sender, role, words, text, thread_id, signal columns
    bursts: pl.DataFrame  # sorted by start
    threads: pl.DataFrame  # sorted by start
    daily: pl.DataFrame  # output of engagement(), both people
    _clock: dict[str, NDArray[np.int64]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        clock = {
            "messages": _ticks(self.messages["timestamp"]),
            "bursts": _ticks(self.bursts["start"]),
            "threads": _ticks(self.threads["start"]),
        }
        object.__setattr__(self, "_clock", clock)

    def with_daily(self, daily: pl.DataFrame) -> ChatFrames:
        return ChatFrames(self.messages, self.bursts, self.threads, daily)

    def with_messages(self, messages: pl.DataFrame) -> ChatFrames:
        return ChatFrames(messages, self.bursts, self.threads, self.daily)

    def mine(self, start: date, stop: date, role: str) -> pl.DataFrame:
        """One person's messages on the days [start, stop)."""
        part = self._slice(self.messages, "messages", midnight(start), midnight(stop))
        return part.filter(pl.col("role") == role)

    def all_messages(self, start: datetime, stop: datetime) -> pl.DataFrame:
        return self._slice(self.messages, "messages", start, stop)

    def bursts_between(self, start: date, stop: date) -> pl.DataFrame:
        return self._slice(self.bursts, "bursts", midnight(start), midnight(stop))

    def threads_between(self, start: date, stop: date) -> pl.DataFrame:
        return self._slice(self.threads, "threads", midnight(start), midnight(stop))

    def her_baseline(self, day: date) -> float:
        row = self.daily.filter((pl.col("person") == "me") & (pl.col("day") == day))
        value = row["baseline_messages"].item() if row.height else None
        return float(value) if value is not None else 0.0

    def _slice(
        self, frame: pl.DataFrame, key: str, start: datetime, stop: datetime
    ) -> pl.DataFrame:
        ticks = self._clock[key]
        lo, hi = np.searchsorted(ticks, [_tick(start), _tick(stop)], side="left")
        return frame.slice(int(lo), max(int(hi) - int(lo), 0))


def _ticks(column: pl.Series) -> NDArray[np.int64]:
    return column.cast(pl.Datetime("us")).dt.epoch("us").fill_null(0).to_numpy().astype(np.int64)


def _tick(moment: datetime) -> int:
    return round((moment - _EPOCH).total_seconds() * 1_000_000)


_EPOCH = datetime(1970, 1, 1)


def her_strategy(
    frames: ChatFrames, start: date, stop: date, *, settings: Settings | None = None
) -> tuple[Strategy, StrategyCounts]:
    """Classify her behaviour in [start, stop) and return the counts behind the label."""
    s = settings or Settings()
    counts = strategy_counts(frames, start, stop)
    return classify(counts, _double_text_days(frames, start, stop, s), settings=s), counts


def strategy_counts(frames: ChatFrames, start: date, stop: date) -> StrategyCounts:
    days = max((stop - start).days, 1)
    hers = frames.mine(start, stop, "me")
    his = frames.mine(start, stop, "them")
    bursts = _her_bursts(frames.bursts_between(start, stop))
    threads = frames.threads_between(start, stop)
    cues = hers.filter(pl.col("pleading") | pl.col("checking")).height
    moments = [midnight(start), *hers["timestamp"].to_list(), midnight(stop)]
    silence = max((b - a).total_seconds() for a, b in itertools.pairwise(moments))
    streak = bursts["unanswered_streak"].max()
    return StrategyCounts(
        her_messages=hers.height,
        her_per_day=round(hers.height / days, 2),
        her_baseline_per_day=round(frames.her_baseline(start), 2),
        her_initiations=threads.filter(pl.col("initiator") == "me").height,
        max_unanswered_streak=int(streak) if isinstance(streak, int) else 0,
        double_texts=int(bursts["double_text"].sum()),
        pleading_or_checking=cues,
        longest_silence_hours=round(silence / 3600, 1),
        her_to_his_ratio=round(hers.height / his.height, 2) if his.height else None,
    )


def classify(
    counts: StrategyCounts, double_text_days: int, *, settings: Settings | None = None
) -> Strategy:
    """The label for ``counts`` (``double_text_days``: days with many double texts).

    >>> c = StrategyCounts(2, 0.2, 20.0, 0, 1, 0, 0, 96.0, 2.0)
    >>> classify(c, 0)
    'let_go'
    >>> classify(StrategyCounts(40, 4.0, 20.0, 0, 9, 30, 12, 20.0, 8.0), 9)
    'chased'
    """
    s = settings or Settings()
    ratio = counts.her_to_his_ratio
    chased = (
        counts.max_unanswered_streak >= s.chase_streak
        or double_text_days >= s.chase_double_text_days
        or counts.pleading_or_checking >= s.chase_cues
        or (
            ratio is not None
            and ratio >= s.chase_ratio
            and counts.her_per_day >= counts.her_baseline_per_day
        )
    )
    if chased:
        return "chased"
    let_go = (
        counts.her_per_day <= s.space_share * counts.her_baseline_per_day
        and counts.max_unanswered_streak <= s.space_max_streak
        and counts.pleading_or_checking == 0
        and counts.longest_silence_hours >= s.space_min_silence_hours
    )
    return "let_go" if let_go else "mixed"


def _double_text_days(frames: ChatFrames, start: date, stop: date, s: Settings) -> int:
    bursts = frames.bursts_between(start, stop)
    per_day = (
        bursts.filter((pl.col("role") == "me") & pl.col("double_text"))
        .group_by(pl.col("start").dt.date())
        .len()
    )
    return per_day.filter(pl.col("len") >= s.chase_double_texts_per_day).height


def _her_bursts(bursts: pl.DataFrame) -> pl.DataFrame:
    """Her bursts in the window, with unanswered streaks counted from the window start."""
    run = pl.col("role").rle_id()
    carried = pl.col("unanswered_streak").first() - 1
    return (
        bursts.with_columns(run.alias("_run"))
        .with_columns(
            pl.when(pl.col("_run") == 0)
            .then(pl.col("unanswered_streak") - carried)
            .otherwise(pl.col("unanswered_streak"))
            .alias("unanswered_streak")
        )
        .filter(pl.col("role") == "me")
        .drop("_run")
    )
