"""His return, the outcome of an episode, the "after", and Kaplan–Meier time to return.

- **Return event** (notes §1, §2): the episode's end as ``episodes`` found it: the first day
  after his withdrawn run whose messages, reply times and answers clearly look like his usual
  again (``return_evidence``), so a lone "hey" followed by silence is not a return, and quiet
  days they share before he writes again are not yet his return. ``days_to_return`` counts
  days from onset.
- **Outcome**: ``returned``; else ``ended`` when he wrote an explicit ending (from the day
  before onset on) or was silent ``ending_silence_days`` while she made ``ending_min_bids``
  bids; else, for the last episode, ``faded`` when he has written nothing for
  ``faded_silence_days`` at the export end and ``ongoing`` (censored) otherwise; an earlier
  episode that never saw his return before the next one began is ``faded``.
- **After**: his mean log1p daily messages in the ``after_engagement_days`` after the return
  against the ``baseline_days`` before onset, in robust SD of the latter, together with his
  affection per 100 messages in the ``after_warmth_days`` after against before. ``stronger`` when
  engagement rose by ``after_tolerance`` or more (or held and warmth rose by
  ``after_warmth_tolerance``), ``weaker`` when it fell by as much (or held and warmth fell),
  ``same`` otherwise; null with fewer than ``after_min_days`` of data after the return.
- **Kaplan–Meier**: ``scipy.stats.ecdf`` on ``CensoredData``; episodes without a return are
  right-censored at the last day they could be observed. Log-log Greenwood band.
"""

from __future__ import annotations

import itertools
import math
import warnings
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import numpy as np
import polars as pl
from scipy import stats

from pullaway.analysis.daily import midnight
from pullaway.analysis.result import After, Outcome
from pullaway.analysis.settings import Settings
from pullaway.wording import days

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pullaway.analysis.strategy import ChatFrames

CURVE_SCHEMA = pl.Schema(
    {
        "days": pl.Float64,
        "survival": pl.Float64,
        "lower": pl.Float64,
        "upper": pl.Float64,
        "at_risk": pl.UInt32,
    }
)


@dataclass(frozen=True)
class ReturnResult:
    outcome: Outcome
    return_day: date | None
    days_to_return: float | None
    observed_days: float  # time to return, or to censoring
    after: After | None
    ending_day: date | None  # the day of his ending statement or the start of the silence
    ending_said: bool = False  # True: he said it; False: a long silence after her bids


def his_days(daily: pl.DataFrame) -> pl.DataFrame:
    """His daily rows, oldest first."""
    return daily.filter(pl.col("person") == "them").sort("day")


def ending_day(
    frames: ChatFrames, onset: date, stop: date, *, settings: Settings | None = None
) -> date | None:
    """The day of his ending statement, or the start of a long silence after her bids."""
    s = settings or Settings()
    his = frames.mine(onset - timedelta(days=1), stop, "them")
    said = his.filter(pl.col("ending"))
    if said.height:
        day: date = said["timestamp"][0].date()
        return day
    times: list[datetime] = frames.mine(onset - timedelta(days=s.baseline_days), stop, "them")[
        "timestamp"
    ].to_list()
    edges = [midnight(onset), *(t for t in times if t >= midnight(onset)), midnight(stop)]
    if times and times[0] < midnight(onset):
        edges[0] = max(t for t in times if t < midnight(onset))
    bids = frames.bursts_between(onset, stop).filter((pl.col("role") == "me") & pl.col("is_bid"))[
        "start"
    ]
    for a, b in itertools.pairwise(edges):
        if (b - a).days >= s.ending_silence_days:
            in_gap = int(((bids > a) & (bids < b)).sum())
            if in_gap >= s.ending_min_bids:
                return a.date()
    return None


def outcome_of(
    frames: ChatFrames,
    his: pl.DataFrame,
    onset: date,
    *,
    end: date | None,
    limit: date,
    last_day: date,
    is_last: bool,
    settings: Settings | None = None,
) -> ReturnResult:
    """Return, outcome and after of the episode from ``onset`` to ``end`` (his first connected
    day after it, None while withdrawn to the export end).

    ``limit`` is the next episode's onset (or the day after the export end), ``last_day`` the
    export's last day.
    """
    s = settings or Settings()
    back = end if end is not None and onset < end < limit else None
    if back is not None:
        after = after_return(frames, his, onset, back, last_day=last_day, settings=s)
        days = float((back - onset).days)
        return ReturnResult("returned", back, days, days, after, None)
    observed = float((min(limit, last_day + timedelta(days=1)) - onset).days)
    ended = ending_day(frames, onset, limit, settings=s)
    if ended is not None:
        said = frames.mine(ended, ended + timedelta(days=1), "them")["ending"].any()
        return ReturnResult("ended", None, None, observed, None, ended, bool(said))
    if not is_last:
        return ReturnResult("faded", None, None, observed, None, None)
    active = his.filter(pl.col("messages") > 0)["day"]
    last_his = active.max() if active.len() else None
    silent = (last_day - last_his).days if isinstance(last_his, date) else 0
    outcome: Outcome = "faded" if silent >= s.faded_silence_days else "ongoing"
    return ReturnResult(outcome, None, None, observed, None, None)


def after_return(
    frames: ChatFrames,
    his: pl.DataFrame,
    onset: date,
    back: date,
    *,
    last_day: date,
    settings: Settings | None = None,
) -> After | None:
    """Stronger, same or weaker: his engagement and warmth after the return vs before."""
    s = settings or Settings()
    if (last_day - back).days + 1 < s.after_min_days:
        return None
    before = his.filter(
        pl.col("day").is_between(onset - timedelta(days=s.baseline_days), onset, closed="left")
    )
    after = his.filter(
        pl.col("day").is_between(
            back, back + timedelta(days=s.after_engagement_days), closed="left"
        )
    )
    x_before = np.log1p(before["messages"].to_numpy().astype(float))
    x_after = np.log1p(after["messages"].to_numpy().astype(float))
    if x_before.size == 0 or x_after.size == 0:
        return None
    spread = max(
        s.mad_factor * float(np.median(np.abs(x_before - np.median(x_before)))), s.mad_floor
    )
    change = (float(np.mean(x_after)) - float(np.mean(x_before))) / spread
    warm_before = affection_rate(frames, onset - timedelta(days=s.baseline_days), onset)
    warm_after = affection_rate(frames, back, back + timedelta(days=s.after_warmth_days))
    warmth = warm_after - warm_before
    if change >= s.after_tolerance or (
        change > -s.after_tolerance and warmth >= s.after_warmth_tolerance
    ):
        return "stronger"
    if change <= -s.after_tolerance or (
        change < s.after_tolerance and warmth <= -s.after_warmth_tolerance
    ):
        return "weaker"
    return "same"


def affection_rate(frames: ChatFrames, start: date, stop: date, role: str = "them") -> float:
    """Messages with affection per 100 of that person's messages in [start, stop)."""
    part = frames.mine(start, stop, role)
    return 100.0 * int(part["affection"].sum()) / part.height if part.height else 0.0


def kaplan_meier(
    times: Sequence[float], returned: Sequence[bool]
) -> tuple[pl.DataFrame, float | None]:
    """Survival curve of time to return (share not yet returned) and its median, if reached.

    >>> curve, median = kaplan_meier([2, 3, 3, 5, 8], [True, True, False, True, False])
    >>> curve["survival"].to_list(), median
    ([1.0, 0.8, 0.6, 0.3, 0.3], 5.0)
    """
    t = np.asarray(times, dtype=float)
    event = np.asarray(returned, dtype=bool)
    if t.size == 0:
        return pl.DataFrame(schema=CURVE_SCHEMA), None
    start = pl.DataFrame(
        {"days": [0.0], "survival": [1.0], "lower": [1.0], "upper": [1.0], "at_risk": [t.size]},
        schema=CURVE_SCHEMA,
    )
    if not event.any():
        return start, None
    result = stats.ecdf(stats.CensoredData(uncensored=t[event], right=t[~event]))
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        band = result.sf.confidence_interval(method="log-log")
    days = np.asarray(result.sf.quantiles, dtype=float)
    survival = np.asarray(result.sf.probabilities, dtype=float)
    at_risk = np.array([int((t >= d).sum()) for d in days], dtype=np.uint32)
    lower = np.nan_to_num(np.asarray(band.low.probabilities, dtype=float), nan=0.0)
    upper = np.nan_to_num(np.asarray(band.high.probabilities, dtype=float), nan=1.0)
    lower = np.where(survival >= 1.0, 1.0, np.where(survival <= 0.0, 0.0, lower))
    upper = np.where(survival <= 0.0, 0.0, np.where(survival >= 1.0, 1.0, upper))
    curve = pl.concat(
        [
            start,
            pl.DataFrame(
                {
                    "days": days,
                    "survival": survival,
                    "lower": lower,
                    "upper": upper,
                    "at_risk": at_risk,
                },
                schema=CURVE_SCHEMA,
            ),
        ]
    ).with_columns(pl.col("survival", "lower", "upper").round(4))
    crossed = curve.filter(pl.col("survival") <= 0.5)
    median = float(crossed["days"][0]) if crossed.height else None
    return curve, median


def within_sentence(times: Sequence[float], returned: Sequence[bool]) -> str:
    """ "half of them within 6 days" style phrase for the returned episodes."""
    back = sorted(t for t, r in zip(times, returned, strict=True) if r)
    if not back:
        return ""
    half = back[math.ceil(len(back) / 2) - 1]
    if len(back) == 1:
        return f"after {days(back[0])}"
    return f"half of them within {days(half)}"
