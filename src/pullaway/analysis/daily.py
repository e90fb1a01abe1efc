"""Per-day features of each person, and the engagement index against their own baseline.

One row per calendar day and person ("me" | "them"), every day from the first message to the
last, zeros on silent days. The engagement index E (notes §1, §3.5) is a weighted mean of robust
z-scores of four components, each against the person's own trailing baseline:

- log1p(messages), log1p(initiations), log1p(words): more is higher;
- -log1p(median waking latency in minutes): faster is higher (null on days without replies,
  when the other components carry the weight).

The baseline of a component on day d is the median of the 28 days before d (never d itself)
with spread 1.4826 × MAD, floored (``mad_floor``; ``initiations_mad_floor`` for starts).
After 8 weeks of history each component is first adjusted for the weekday (its trailing
weekday median minus its trailing overall median). Days inside an episode are left out of
the baseline and the baseline is frozen at onset, so a long withdrawal never becomes the new
normal.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Final

import polars as pl

from pullaway.analysis.settings import Settings

PEOPLE: Final = ("me", "them")
COMPONENTS: Final = ("messages", "initiations", "latency", "words")

_COUNTS: Final = (
    "messages",
    "words",
    "initiations",
    "bids",
    "turned_toward",
    "affection",
    "withdrawal",
)


def daily_features(
    messages: pl.DataFrame,
    bursts: pl.DataFrame,
    threads: pl.DataFrame,
    *,
    first: date,
    last: date,
) -> pl.DataFrame:
    """Counts per calendar day and person, from the structured and tagged chat.

    ``messages`` needs timestamp, role, words and the Boolean ``affection`` column;
    ``bursts`` role, start, waking_latency_s, censored, is_bid, turned_toward; ``threads``
    start and initiator. Latency and bids are booked to the person who answers, on the day
    the other person's burst started.
    """
    day = pl.col("timestamp").dt.date().alias("day")
    per_message = messages.group_by(day, pl.col("role").alias("person")).agg(
        pl.len().cast(pl.UInt32).alias("messages"),
        pl.col("words").sum().cast(pl.UInt32).alias("words"),
        pl.col("affection").sum().cast(pl.UInt32).alias("affection"),
        pl.col("withdrawal").sum().cast(pl.UInt32).alias("withdrawal"),
    )
    per_thread = threads.group_by(
        pl.col("start").dt.date().alias("day"), pl.col("initiator").alias("person")
    ).agg(pl.len().cast(pl.UInt32).alias("initiations"))
    other = pl.when(pl.col("role") == "me").then(pl.lit("them")).otherwise(pl.lit("me"))
    per_reply = bursts.group_by(pl.col("start").dt.date().alias("day"), other.alias("person")).agg(
        (pl.col("waking_latency_s").filter(~pl.col("censored")).median() / 60.0).alias(
            "latency_minutes"
        ),
        pl.col("is_bid").sum().cast(pl.UInt32).alias("bids"),
        (pl.col("is_bid") & pl.col("turned_toward").fill_null(False))
        .sum()
        .cast(pl.UInt32)
        .alias("turned_toward"),
    )
    days = pl.DataFrame({"day": pl.date_range(first, last, "1d", eager=True)})
    people = pl.DataFrame({"person": list(PEOPLE)})
    frame = people.join(days, how="cross")
    for part in (per_message, per_thread, per_reply):
        frame = frame.join(part, on=["day", "person"], how="left")
    return (
        frame.with_columns(pl.col(c).fill_null(0) for c in _COUNTS)
        .with_columns(
            (pl.col("turned_toward") / pl.col("bids")).alias("turn_toward_rate"),
            pl.col("day").dt.weekday().alias("weekday"),
        )
        .sort("person", "day")
    )


def engagement(
    daily: pl.DataFrame,
    *,
    excluded: pl.Series | None = None,
    settings: Settings | None = None,
) -> pl.DataFrame:
    """Add robust z-scores, E and the baseline message level to ``daily``.

    ``excluded`` is a Boolean series aligned with ``daily`` (episode days): those days are
    left out of the baseline, whose values are frozen at the first excluded day of each run.
    Adds z_<component>, engagement, baseline_messages, baseline_ok and in_episode.
    """
    s = settings or Settings()
    flag = excluded if excluded is not None else pl.Series([False] * daily.height)
    frame = daily.with_columns(
        flag.alias("in_episode"),
        pl.int_range(pl.len()).over("person").alias("_index"),
        pl.col("messages").log1p().alias("c_messages"),
        pl.col("initiations").log1p().alias("c_initiations"),
        (-pl.col("latency_minutes").log1p()).alias("c_latency"),
        pl.col("words").log1p().alias("c_words"),
    )
    frame = _weekday_adjusted(frame, s)
    frame = _with_baseline(frame, s)
    return _with_scores(frame, s).drop("_index")


def _kept(column: str) -> pl.Expr:
    return pl.when(~pl.col("in_episode")).then(pl.col(column))


def _weekday_adjusted(frame: pl.DataFrame, s: Settings) -> pl.DataFrame:
    weeks = s.weekday_min_weeks
    adjustments = []
    for name in COMPONENTS:
        kept = _kept(f"c_{name}").shift(1)
        weekday_median = kept.rolling_median(weeks, min_samples=weeks // 2).over(
            "person", "weekday"
        )
        overall_median = kept.rolling_median(7 * weeks, min_samples=14).over("person")
        shift = pl.when(pl.col("_index") >= 7 * weeks).then(weekday_median - overall_median)
        adjustments.append((pl.col(f"c_{name}") - shift.fill_null(0.0)).alias(f"a_{name}"))
    return frame.with_columns(adjustments)


def _with_baseline(frame: pl.DataFrame, s: Settings) -> pl.DataFrame:
    stats = []
    for name in COMPONENTS:
        value = _kept(f"a_{name}")
        stats += [
            value.median().alias(f"m_{name}"),
            (value - value.median()).abs().median().alias(f"d_{name}"),
        ]
    stats += [
        _kept("messages").median().cast(pl.Float64).alias("baseline_messages"),
        _kept("messages").sum().alias("_window_messages"),
        (_kept("messages") > 0).sum().alias("_active_days"),
    ]
    windows = frame.rolling(
        "day", period=f"{s.baseline_days}d", closed="left", group_by="person"
    ).agg(stats)
    frame = frame.join(windows, on=["person", "day"], how="left")
    frozen = [c for c in windows.columns if c not in ("person", "day")]
    starts_run = pl.col("in_episode") & ~pl.col("in_episode").shift(1).over("person").fill_null(
        False
    )
    keep = ~pl.col("in_episode") | starts_run
    return frame.with_columns(
        pl.when(keep).then(pl.col(c)).forward_fill().over("person").alias(c) for c in frozen
    ).with_columns(
        (
            (pl.col("_active_days") >= s.baseline_min_active_days)
            & (pl.col("_window_messages") >= s.baseline_min_messages)
        )
        .fill_null(False)
        .alias("baseline_ok")
    )


def _with_scores(frame: pl.DataFrame, s: Settings) -> pl.DataFrame:
    weights = {
        "messages": s.weight_messages,
        "initiations": s.weight_initiations,
        "latency": s.weight_latency,
        "words": s.weight_words,
    }
    scores = []
    for name in COMPONENTS:
        floor = s.initiations_mad_floor if name == "initiations" else s.mad_floor
        spread = pl.max_horizontal(pl.col(f"d_{name}") * s.mad_factor, pl.lit(floor))
        z = (pl.col(f"a_{name}") - pl.col(f"m_{name}")) / spread
        scores.append(pl.when(pl.col("baseline_ok")).then(z).alias(f"z_{name}"))
    frame = frame.with_columns(scores)
    weighted = pl.sum_horizontal((pl.col(f"z_{n}") * w).fill_null(0.0) for n, w in weights.items())
    total = pl.sum_horizontal(
        pl.when(pl.col(f"z_{n}").is_not_null()).then(w).otherwise(0.0) for n, w in weights.items()
    )
    drop = [c for c in frame.columns if c[:2] in ("c_", "a_", "m_", "d_")]
    return frame.with_columns(pl.when(total > 0).then(weighted / total).alias("engagement")).drop(
        [*drop, "_window_messages", "_active_days"]
    )


def window(frame: pl.DataFrame, start: datetime, stop: datetime, *, on: str) -> pl.DataFrame:
    """Rows of ``frame`` (sorted by ``on``) with start <= on < stop, as a zero-copy slice.

    >>> f = pl.DataFrame({"t": [datetime(2024, 1, d) for d in (1, 2, 3)]})
    >>> window(f, datetime(2024, 1, 2), datetime(2024, 1, 9), on="t").height
    2
    """
    column = frame[on]
    lo = int(column.search_sorted(start, side="left"))
    hi = int(column.search_sorted(stop, side="left"))
    return frame.slice(lo, max(hi - lo, 0))


def midnight(day: date) -> datetime:
    """The first moment of ``day``."""
    return datetime.combine(day, time())
