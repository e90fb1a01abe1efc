"""What she did during an episode: let go, chased, or mixed (notes §2, §3.8).

The window runs from the onset to his return (or to the end of what can be observed). The
label always travels with the numbers behind it (``StrategyCounts``). These cut-offs are design
defaults, not research thresholds.

Each day of the window is first read on its own (``her_days``): a **pursuit day** has a
pleading or checking message of hers, or ``chase_double_texts_per_day`` double texts together
with an unanswered run of ``chase_streak`` bursts; a **held-back day** has no pursuit and at
most ``space_share`` of her usual messages. Then:

- a **chase** needs ``chase_days`` pursuit days that are also ``chase_min_share`` of the days;
- **mixed**: a chase, and the days split at one day into a pursuit part and a clearly
  held-back part, in either order (she held back, then chased, or the other way round; see
  ``is_switch``);
- **chased**: a chase without such a switch;
- **let_go**: no chase, and she held back on ``let_go_held_share`` of the days, or her
  messages a day were at most ``space_share`` of her usual, or one silence of hers lasted
  ``space_min_silence_hours``;
- **mixed** otherwise.

Episode-wide counts alone mislead here: while he is silent, each new conversation she starts
is one more unanswered burst and, 30 min after the last, a "double text", so a woman who
writes once a day about her own day builds an unanswered run of 3 without ever following up.
Pursuit is therefore read day by day, where pleading, checking and rapid follow-ups show.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Final

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
    return classify(counts, her_days(frames, start, stop, settings=s), settings=s), counts


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


PURSUIT: Final = "P"
HELD_BACK: Final = "q"
OTHER: Final = "."


def her_days(
    frames: ChatFrames, start: date, stop: date, *, settings: Settings | None = None
) -> str:
    """Her days in [start, stop) as one letter each: ``P`` a pursuit day, ``q`` a day she
    held back, ``.`` neither.

    A pursuit day has a pleading or checking message of hers, or ``chase_double_texts_per_day``
    double texts together with an unanswered run of ``chase_streak`` bursts. A held-back day
    has no pursuit and at most ``space_share`` of her usual messages.
    """
    s = settings or Settings()
    day = pl.col("day")
    hers = (
        frames.mine(start, stop, "me")
        .group_by(pl.col("timestamp").dt.date().alias("day"))
        .agg(
            pl.len().alias("messages"),
            (pl.col("pleading") | pl.col("checking")).sum().alias("cues"),
        )
    )
    bursts = (
        _her_bursts(frames.bursts_between(start, stop))
        .group_by(pl.col("start").dt.date().alias("day"))
        .agg(
            pl.col("double_text").sum().alias("doubles"),
            pl.col("unanswered_streak").max().alias("run"),
        )
    )
    every = pl.DataFrame({"day": pl.date_range(start, stop, "1d", closed="left", eager=True)})
    usual = frames.her_baseline(start)
    joined = (
        every.join(hers, on="day", how="left")
        .join(bursts, on="day", how="left")
        .fill_null(0)
        .sort(day)
    )
    pursuit = (pl.col("cues") >= 1) | (
        (pl.col("doubles") >= s.chase_double_texts_per_day) & (pl.col("run") >= s.chase_streak)
    )
    held = pl.col("messages") <= s.space_share * usual
    letters = (
        pl.when(pursuit)
        .then(pl.lit(PURSUIT))
        .when(held)
        .then(pl.lit(HELD_BACK))
        .otherwise(pl.lit(OTHER))
    )
    return "".join(joined.select(letters.alias("letter"))["letter"].to_list())


def classify(counts: StrategyCounts, days: str, *, settings: Settings | None = None) -> Strategy:
    """The label for ``counts`` and her ``days`` (one letter a day, see ``her_days``).

    - a **chase** needs ``chase_days`` pursuit days that are also ``chase_min_share`` of the
      days; then **mixed** when the days split into a pursuit part and a clearly held-back
      part, in either order (``is_switch``), **chased** otherwise;
    - without a chase, **let_go** when she held back on ``let_go_held_share`` of the days, or
      her messages a day were at most ``space_share`` of her usual, or she had a silence of
      ``space_min_silence_hours``; **mixed** otherwise (she carried on as usual).

    >>> c = StrategyCounts(2, 0.2, 20.0, 0, 1, 0, 0, 96.0, 2.0)
    >>> classify(c, "qq.qqqqq"), classify(c, "qPPPPPPP"), classify(c, "qqqqPPPP")
    ('let_go', 'chased', 'mixed')
    """
    s = settings or Settings()
    days = _after_notice(days, s)
    pursuit = days.count(PURSUIT)
    if pursuit >= max(s.chase_days, s.chase_min_share * len(days)):
        return "mixed" if is_switch(days, settings=s) else "chased"
    held = days.count(HELD_BACK) >= s.let_go_held_share * len(days)
    quiet = counts.her_per_day <= s.space_share * counts.her_baseline_per_day
    silent = counts.longest_silence_hours >= s.space_min_silence_hours
    return "let_go" if held or quiet or silent else "mixed"


def _after_notice(days: str, s: Settings) -> str:
    """``days`` without her first ``notice_days`` when they hold no pursuit and enough days
    remain (more than ``chase_days``): before she has noticed, her messages fall with his
    unanswered ones, and that is not yet her answer to his withdrawal.

    >>> _after_notice("qqPPPP", Settings()), _after_notice("PqPPPP", Settings())
    ('PPPP', 'PqPPPP')
    """
    first = days[: s.notice_days]
    if PURSUIT in first or len(days) - len(first) <= s.chase_days:
        return days
    return days[len(first) :]


def is_switch(days: str, *, settings: Settings | None = None) -> bool:
    """True when ``days`` split at one day into a pursuit part (``chase_days`` pursuit days)
    and a held-back part, in either order. The held-back part has ``mixed_min_days`` and
    ``mixed_share`` of all days held back, held back on ``mixed_held_share`` of its own days,
    and pursuit on at most ``mixed_stray_share`` of them.

    >>> is_switch("PPPPPPqq"), is_switch("PPPPq.qqPq"), is_switch("PPPPPPq."), is_switch("qPqPqP")
    (True, True, False, False)
    """
    s = settings or Settings()
    need = max(s.mixed_min_days, s.mixed_share * len(days))
    for k in range(1, len(days)):
        for chase, held in ((days[:k], days[k:]), (days[k:], days[:k])):
            quiet = held.count(HELD_BACK)
            if (
                chase.count(PURSUIT) >= s.chase_days
                and quiet >= need
                and quiet >= s.mixed_held_share * len(held)
                and held.count(PURSUIT) <= s.mixed_stray_share * len(held)
            ):
                return True
    return False


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
