"""His withdrawal, day by day: how much each day's data favours "withdrawn" over "connected".

A two-state hidden Markov model over calendar days (notes §3.6): he is either *connected*
(writing and replying as he usually does) or *withdrawn*. Each day contributes the log
likelihood ratio (LLR) of its data under the two states, and the most likely sequence of
states (Viterbi) marks the episodes. Evidence adds up over days, so a quiet chat (a few
messages a day) is judged on a week as fairly as a busy chat is on a day, and the transition
probabilities say how rare withdrawals are.

What a day's data says:

- **His messages**, a negative binomial count (his days are bursty) around his usual level
  ``μ`` times the shared-activity factor ``g`` when connected, and around
  ``level · μ · g^withdrawn_follows_her`` for one of the ``withdrawn_levels`` (averaged) when
  withdrawn. ``μ`` is his mean over the ``baseline_days`` either side of the day, withdrawn
  days left out, times his weekday factor. ``g`` is how busy *she*
  was that day against her own mean, ``(her + k) / (her usual + k)`` with
  ``k = shared_quiet_pseudocount``: when both are quiet (a busy week, a holiday), his low
  count is expected and says nothing; when she writes as usual or more and he does not, it
  says a lot.
- **His reply times** to her (waking minutes, log scale): normal around his usual when
  connected, ``withdrawn_latency_factor`` times slower when withdrawn; each reply's LLR is
  clipped to ``latency_evidence_clip`` so one odd reply cannot decide a day.
- **Her messages he never answered**: his usual share of them, or ``unanswered_rise`` more.
- **What his messages say**: his share of messages with a withdrawal cue ("busy", "need
  space") rises by ``withdrawn_cue_rise`` and his share of affectionate ones falls to
  ``withdrawn_warmth_factor`` of his usual; "busy" from both is a busy time they share.

Two days of such data rarely decide anything; a week of slow replies and few messages
while she writes as usual does. Viterbi runs twice: the second time the baselines leave out
the days the first run found withdrawn, so a long withdrawal never becomes his new normal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl
from numpy.typing import NDArray
from scipy.special import gammaln, logsumexp

from pullaway.analysis.settings import Settings

MIN_REPLIES = 5
"""Replies of his on connected days needed before reply times count as evidence."""
WEEKDAY_PRIOR_DAYS = 7
"""Days at a person's overall mean added to each weekday's mean (shrinks weekday factors)."""
EXPECTED_FLOOR = 0.05
"""Added to each usual daily count, so a day never expects exactly zero messages."""
SPREAD_FLOOR = 0.5
"""Smallest spread (SD of log minutes) of his reply times: a very regular replier still
has days when a reply takes three times as long."""


@dataclass(frozen=True)
class DayData:
    """His and her day counts and her bursts he answered (or not), as arrays.

    ``reply_day`` is the day index of each of her bursts, ``log_reply`` log1p of his waking
    reply time in minutes (NaN when unanswered), ``unanswered`` whether he never answered it.
    """

    days: tuple[date, ...]
    his: NDArray[np.float64]
    hers: NDArray[np.float64]
    reply_day: NDArray[np.int64]
    log_reply: NDArray[np.float64]
    unanswered: NDArray[np.bool_]
    his_affection: NDArray[np.float64] | None = None
    his_cues: NDArray[np.float64] | None = None
    her_cues: NDArray[np.float64] | None = None

    @classmethod
    def of(cls, daily: pl.DataFrame, bursts: pl.DataFrame) -> DayData:
        """From ``daily_features`` rows (both people) and the chat's bursts."""
        his = daily.filter(pl.col("person") == "them").sort("day")
        hers = daily.filter(pl.col("person") == "me").sort("day")
        days = tuple(his["day"].to_list())
        first = days[0] if days else None
        asked = bursts.filter(pl.col("role") == "me").select(
            (pl.col("start").dt.date() - pl.lit(first)).dt.total_days().alias("day"),
            (pl.col("waking_latency_s") / 60.0).log1p().alias("log_reply"),
            (pl.col("censored").fill_null(True) | pl.col("waking_latency_s").is_null()).alias(
                "unanswered"
            ),
        )
        asked = asked.filter(pl.col("day").is_between(0, len(days) - 1))
        return cls(
            days=days,
            his=his["messages"].cast(pl.Float64).to_numpy(),
            hers=hers["messages"].cast(pl.Float64).to_numpy(),
            reply_day=asked["day"].cast(pl.Int64).to_numpy(),
            log_reply=asked["log_reply"].fill_null(float("nan")).to_numpy(),
            unanswered=asked["unanswered"].to_numpy(),
            his_affection=_floats(his, "affection"),
            his_cues=_floats(his, "withdrawal"),
            her_cues=_floats(hers, "withdrawal"),
        )


def _floats(days: pl.DataFrame, column: str) -> NDArray[np.float64]:
    return days[column].cast(pl.Float64).to_numpy()


def withdrawn_days(
    daily: pl.DataFrame, bursts: pl.DataFrame, *, settings: Settings | None = None
) -> pl.DataFrame:
    """One row per day: ``day``, his ``messages``, the evidence (``count_llr``, ``reply_llr``,
    ``language_llr``, ``evidence``), his ``usual_messages`` and ``withdrawn`` (inside an
    episode: the most likely state, runs merged and short ones dropped as ``spans`` does)."""
    s = settings or Settings()
    data = DayData.of(daily, bursts)
    state = np.zeros(len(data.days), dtype=bool)
    for _ in range(2):
        count, reply, usual = day_evidence(data, ~state, s)
        language = language_evidence(data, ~state, s)
        path = most_likely_states(
            count + reply + language,
            start=s.withdrawal_start_probability,
            stay=1.0 - s.withdrawal_end_probability,
        )
        runs = spans(path, merge_gap_days=s.merge_gap_days, min_days=s.min_episode_days)
        state = _inside(runs, len(path))
    return pl.DataFrame(
        {
            "day": list(data.days),
            "messages": data.his,
            "count_llr": count,
            "reply_llr": reply,
            "language_llr": language,
            "evidence": count + reply + language,
            "usual_messages": usual,
            "withdrawn": state,
        },
        schema_overrides={"day": pl.Date},
    )


def _inside(runs: list[tuple[int, int | None]], n: int) -> NDArray[np.bool_]:
    mask = np.zeros(n, dtype=bool)
    for first, stop in runs:
        mask[first : stop if stop is not None else n] = True
    return mask


def day_evidence(
    data: DayData, keep: NDArray[np.bool_], s: Settings
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Per day: the LLR of his message count, the LLR of his replies, and his usual level."""
    weekday = np.array([day.weekday() for day in data.days], dtype=np.int64)
    usual = _usual(data.his, keep, weekday, s)
    her_usual = _usual(data.hers, keep, weekday, s)
    k = s.shared_quiet_pseudocount
    shared = np.clip((data.hers + k) / (her_usual + k), 0.001, 3.0)
    count = count_evidence(data.his, usual, shared, keep, s)
    return count, reply_evidence(data, keep, s), usual


def _usual(
    values: NDArray[np.float64], keep: NDArray[np.bool_], weekday: NDArray[np.int64], s: Settings
) -> NDArray[np.float64]:
    """One person's usual count on each day: the mean around it, times the weekday's factor."""
    level = around(values, keep, s.baseline_days) * weekday_factors(values, keep, weekday)
    return np.asarray(level + EXPECTED_FLOOR)


def weekday_factors(
    values: NDArray[np.float64], keep: NDArray[np.bool_], weekday: NDArray[np.int64]
) -> NDArray[np.float64]:
    """Each day's weekday factor: the person's mean on that weekday over their overall mean,
    kept days only, shrunk towards 1 by ``WEEKDAY_PRIOR_DAYS`` days at the overall mean (a
    quiet Sunday that is usual for him is not a drop; a few weeks of history say little).

    >>> days = np.arange(70) % 7
    >>> counts = np.where(days == 6, 2.0, 10.0)
    >>> factors = weekday_factors(counts, np.ones(70, bool), days)
    >>> round(float(factors[6]), 2), round(float(factors[0]), 2)
    (0.54, 1.07)
    """
    overall = float(values[keep].mean()) + EXPECTED_FLOOR if keep.any() else 1.0
    sums = np.bincount(weekday[keep], weights=values[keep], minlength=7)
    counts = np.bincount(weekday[keep], minlength=7)
    prior = WEEKDAY_PRIOR_DAYS
    factors = (sums + prior * overall) / (counts + prior) / overall
    return np.asarray(factors[weekday])


def around(values: NDArray[np.float64], keep: NDArray[np.bool_], days: int) -> NDArray[np.float64]:
    """The mean of ``values`` over the ``days`` either side of each day, kept days only.

    The whole chat is known, so the first weeks get a baseline from the weeks after them.

    >>> around(np.array([1.0, 1.0, 9.0, 1.0]), np.array([True, True, False, True]), 1).tolist()
    [1.0, 1.0, 1.0, 1.0]
    """
    n = values.size
    sums = np.concatenate(([0.0], np.cumsum(np.where(keep, values, 0.0))))
    counts = np.concatenate(([0], np.cumsum(keep)))
    lo = np.clip(np.arange(n) - days, 0, n)
    hi = np.clip(np.arange(n) + days + 1, 0, n)
    return np.asarray((sums[hi] - sums[lo]) / np.maximum(counts[hi] - counts[lo], 1))


def count_evidence(
    count: NDArray[np.float64],
    usual: NDArray[np.float64],
    shared: NDArray[np.float64],
    keep: NDArray[np.bool_],
    s: Settings,
) -> NDArray[np.float64]:
    """LLR of his daily message counts: withdrawn (any of ``withdrawn_levels``) vs connected.

    Connected, he writes his ``usual`` times her ``shared`` activity factor; withdrawn, a
    level of his usual times that factor to the power ``withdrawn_follows_her``: a withdrawn
    man writes little whatever she does, and writes less still when she goes quiet too.

    >>> s, ones = Settings(), np.ones(2)
    >>> llr = count_evidence(np.array([0.0, 20.0]), 20 * ones, ones, np.ones(2, bool), s)
    >>> bool(llr[0] > 0 > llr[1])
    True
    """
    expected = usual * shared
    size = _dispersion(count[keep], expected[keep])
    connected = _nb_logpmf(count, expected, size)
    levels = s.withdrawn_levels
    apart = usual * shared**s.withdrawn_follows_her
    withdrawn = np.stack([_nb_logpmf(count, level * apart, size) for level in levels])
    return np.asarray(logsumexp(withdrawn, axis=0) - math.log(len(levels)) - connected)


def _dispersion(count: NDArray[np.float64], expected: NDArray[np.float64]) -> float:
    """Negative binomial size by the method of moments, within sane bounds."""
    if count.size < 7:
        return 1.0
    mean = float(np.mean(expected))
    excess = float(np.var(count - expected)) - mean
    return float(np.clip(mean * mean / max(excess, 1e-6), 0.3, 50.0))


def _nb_logpmf(
    count: NDArray[np.float64], mean: NDArray[np.float64], size: float
) -> NDArray[np.float64]:
    mean = np.maximum(mean, 1e-6)
    return np.asarray(
        gammaln(count + size)
        - gammaln(size)
        - gammaln(count + 1)
        + size * np.log(size / (size + mean))
        + count * np.log(mean / (size + mean))
    )


def reply_evidence(data: DayData, keep: NDArray[np.bool_], s: Settings) -> NDArray[np.float64]:
    """Per day, the summed LLR of his reply times and unanswered messages (0 without data)."""
    llr = np.zeros(len(data.days))
    answered = ~data.unanswered
    usual = keep[data.reply_day] & answered
    if usual.sum() < MIN_REPLIES:
        return llr
    centre = float(np.median(data.log_reply[usual]))
    spread = max(1.4826 * float(np.median(np.abs(data.log_reply[usual] - centre))), SPREAD_FLOOR)
    shift = math.log(s.withdrawn_latency_factor)
    z = np.nan_to_num(data.log_reply - centre)
    per_reply = np.clip((2 * z * shift - shift * shift) / (2 * spread * spread), *_clip(s))
    np.add.at(llr, data.reply_day[answered], per_reply[answered])
    base = max(float(data.unanswered[keep[data.reply_day]].mean()), 0.02)
    rise = min(0.95, base + s.unanswered_rise)
    silent = np.where(data.unanswered, math.log(rise / base), math.log((1 - rise) / (1 - base)))
    np.add.at(llr, data.reply_day, silent)
    return llr


def language_evidence(data: DayData, keep: NDArray[np.bool_], s: Settings) -> NDArray[np.float64]:
    """Per day, the LLR of what his messages say (0 without tagged messages).

    Two shares of his messages: with a withdrawal cue ("busy", "need space"), which rises by
    ``withdrawn_cue_rise`` when he is withdrawn (unless she wrote one too, near that day),
    and with affection, which falls to ``withdrawn_warmth_factor`` of his usual. Each usual
    share is his own over the kept days, smoothed towards a small prior so a few weeks of
    history cannot make it zero.

    Two warm days of 20 messages, then 4 messages, 2 of them "busy":

    >>> data = DayData(
    ...     days=(date(2025, 1, 1), date(2025, 1, 2), date(2025, 1, 3)),
    ...     his=np.array([20.0, 20.0, 4.0]),
    ...     hers=np.zeros(3), reply_day=np.zeros(0, np.int64), log_reply=np.zeros(0),
    ...     unanswered=np.zeros(0, bool), his_affection=np.array([4.0, 4.0, 0.0]),
    ...     his_cues=np.array([0.0, 0.0, 2.0]))
    >>> [round(float(x), 1) for x in language_evidence(data, np.array([1, 1, 0], bool), Settings())]
    [-3.0, -3.0, 4.9]
    """
    if data.his_affection is None or data.his_cues is None or not keep.any():
        return np.zeros(len(data.days))
    written = float(data.his[keep].sum())
    cue_usual = (float(data.his_cues[keep].sum()) + CUE_PRIOR[0]) / (written + CUE_PRIOR[1])
    warm_usual = (float(data.his_affection[keep].sum()) + WARMTH_PRIOR[0]) / (
        written + WARMTH_PRIOR[1]
    )
    shares = (
        (data.his_cues, cue_usual, min(0.9, cue_usual + s.withdrawn_cue_rise)),
        (data.his_affection, warm_usual, warm_usual * s.withdrawn_warmth_factor),
    )
    cues, warmth = (_share_llr(np.minimum(h, data.his), data.his, u, w) for h, u, w in shares)
    llr = np.where(_busy_together(data.her_cues, len(data.days)), 0.0, cues) + warmth
    low, high = s.language_evidence_clip
    return np.asarray(np.clip(llr, low, high))


SHARED_CUE_DAYS = 2
"""His withdrawal cues say nothing on a day when she too wrote one within this many days:
"busy" from both is a busy time they share, not his withdrawal."""


def _busy_together(her_cues: NDArray[np.float64] | None, n: int) -> NDArray[np.bool_]:
    """Days within ``SHARED_CUE_DAYS`` of a withdrawal cue of hers (all False without data).

    >>> _busy_together(np.array([0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0]), 7).tolist()
    [False, True, True, True, True, True, False]
    >>> _busy_together(np.array([0.0, 1.0]), 2).tolist()  # fewer days than the window
    [True, True]
    """
    if her_cues is None:
        return np.zeros(n, dtype=bool)
    # "full" and a slice, not mode="same": that returns the window's length for short chats.
    near = np.convolve(her_cues > 0, np.ones(2 * SHARED_CUE_DAYS + 1), mode="full")
    return np.asarray(near[SHARED_CUE_DAYS : SHARED_CUE_DAYS + n] > 0)


CUE_PRIOR = (0.5, 50.0)
"""Half a cue in 50 messages added to his own counts: his usual cue share before the data."""
WARMTH_PRIOR = (1.0, 20.0)
"""One affectionate message in 20 added to his own counts: his usual affection share."""


def _share_llr(
    hits: NDArray[np.float64], total: NDArray[np.float64], usual: float, withdrawn: float
) -> NDArray[np.float64]:
    """LLR of ``hits`` of ``total`` messages with a share ``withdrawn`` against ``usual``."""
    if withdrawn == usual:
        return np.zeros(hits.size)
    hit, miss = math.log(withdrawn / usual), math.log((1 - withdrawn) / (1 - usual))
    return np.asarray(hits * hit + (total - hits) * miss)


def _clip(s: Settings) -> tuple[float, float]:
    low, high = s.latency_evidence_clip
    return float(low), float(high)


def most_likely_states(
    evidence: NDArray[np.float64], *, start: float, stay: float
) -> NDArray[np.bool_]:
    """Viterbi path of the two-state chain (False: connected, True: withdrawn).

    ``evidence`` is each day's LLR (withdrawn vs connected); ``start`` the daily chance of a
    withdrawal beginning, ``stay`` the daily chance of one going on. The chain starts connected.

    >>> most_likely_states(np.array([-1.0, 9.0, 9.0, 9.0, -9.0]), start=0.01, stay=0.9).tolist()
    [False, True, True, True, False]
    """
    n = evidence.size
    if n == 0:
        return np.zeros(0, dtype=bool)
    enter, leave = math.log(start), math.log(1.0 - stay)
    remain, go_on = math.log(1.0 - start), math.log(stay)
    connected, withdrawn = 0.0, enter + float(evidence[0])
    came_from = np.zeros((n, 2), dtype=bool)  # True: from withdrawn
    for t in range(1, n):
        c_stay, c_back = connected + remain, withdrawn + leave
        w_new, w_stay = connected + enter, withdrawn + go_on
        came_from[t] = (c_back > c_stay, w_stay > w_new)
        connected, withdrawn = max(c_stay, c_back), max(w_new, w_stay) + float(evidence[t])
    states = np.zeros(n, dtype=bool)
    states[-1] = withdrawn > connected
    for t in range(n - 1, 0, -1):
        states[t - 1] = came_from[t, int(states[t])]
    return states


def spans(
    withdrawn: NDArray[np.bool_], *, merge_gap_days: int, min_days: int
) -> list[tuple[int, int | None]]:
    """(first day, first day after) of each withdrawn run; None when it runs to the end.

    Runs apart by ``merge_gap_days`` or fewer become one; runs shorter than ``min_days`` go.

    >>> spans(np.array([0, 1, 1, 1, 0, 1, 1, 0, 0, 0, 1], bool), merge_gap_days=1, min_days=2)
    [(1, 7)]
    """
    padded = np.concatenate(([False], withdrawn, [False])).astype(np.int8)
    starts = np.flatnonzero(np.diff(padded) == 1).tolist()
    stops = np.flatnonzero(np.diff(padded) == -1).tolist()
    runs: list[list[int]] = []
    for start, stop in zip(starts, stops, strict=True):
        if runs and start - runs[-1][1] <= merge_gap_days:
            runs[-1][1] = stop
        else:
            runs.append([start, stop])
    n = withdrawn.size
    return [(a, b if b < n else None) for a, b in runs if b - a >= min_days]
