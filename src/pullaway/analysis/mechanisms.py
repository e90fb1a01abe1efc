"""The nine mechanisms of the "let him go" advice, each tested per episode (notes §5).

Verdicts are consistent / inconsistent / no_signal / not_observable, never proof. Every
verdict carries a plain summary with the numbers it rests on and at most ``max_evidence``
quoted messages. Windows: "before" is the ``baseline_days`` before onset; "after" starts on
his return day.

1. Space to reflect: consistent if he said he needed space (``stated_need_days`` before
   onset to 2 days after) and came back with reflective words; inconsistent if neither;
   no_signal if only one.
2. Fonder: consistent if his affection rate or message length in the ``after_warmth_days``
   after the return is at least his pre-episode median + 1 robust SD; inconsistent if his
   affection fell 1 robust SD below; else no_signal.
3. His realising your value: consistent if appreciation, apology or regret appear in his first
   ``return_threads`` threads after the return; else no_signal.
4. Time to miss you: consistent if he wrote "miss you" (any language) during the episode or
   within ``near_return_days`` of the return; else no_signal.
5. Independence: consistent only if he acknowledged the space ("thank you for being
   patient"); otherwise not_observable, with her restraint reported as a fact about her.
6. Distance strengthens: consistent if his engagement held at or above his baseline for
   ``long_term_days`` after the return and later episodes were shorter; inconsistent if it
   fell or later cycles lasted as long; not_observable with too little time after.
7. Self-respect: consistent if she held back (no pleading or checking, no streak above
   ``space_max_streak``) and he came back; inconsistent if she held back and he did not;
   no_signal if she pursued or the episode is open.
8. Pursuit: for ``pursue_days`` after the return, consistent if 2 of 3 hold (his share of
   thread starts above his share before, his latency below his median before, a concrete plan
   from him); inconsistent if none; no_signal if one.
9. His role: consistent if he takes responsibility or apologises within ``near_return_days``
   of the return; else no_signal (absence is not proof against).

Mechanisms that need a return (2, 3, 6, 8, 9) are not_observable in episodes without one.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from pullaway.analysis.daily import midnight
from pullaway.analysis.result import Evidence, MechanismResult, Outcome, Strategy, StrategyCounts
from pullaway.analysis.returns import affection_rate
from pullaway.analysis.settings import Settings
from pullaway.wording import counted, days

if TYPE_CHECKING:
    from collections.abc import Callable

    from pullaway.analysis.result import Verdict
    from pullaway.analysis.strategy import ChatFrames

ACKNOWLEDGES_SPACE = re.compile(
    r"space|patien|understand|giving me time|espacio|paciencia|espa[cç]o|geduld|patience"
)


@dataclass(frozen=True)
class EpisodeView:
    """What the mechanisms need to know about one episode."""

    onset: date
    stop: date  # end of what is observed of the episode: the return day, or the limit
    back: date | None  # his return day
    outcome: Outcome
    strategy: Strategy
    counts: StrategyCounts
    duration: float  # days to return, or observed days
    later_durations: tuple[float, ...]  # durations of the episodes after this one
    last_day: date  # the export's last day


def score_mechanisms(
    frames: ChatFrames, view: EpisodeView, *, settings: Settings | None = None
) -> tuple[MechanismResult, ...]:
    """Verdicts for the nine mechanisms in one episode, in order."""
    s = settings or Settings()
    scorers: tuple[Callable[[ChatFrames, EpisodeView, Settings], MechanismResult], ...] = (
        _space_to_reflect,
        _fonder,
        _value,
        _miss_you,
        _independence,
        _stronger,
        _self_respect,
        _pursue,
        _his_role,
    )
    return tuple(scorer(frames, view, s) for scorer in scorers)


def suppressed(reason: str) -> tuple[MechanismResult, ...]:
    """All nine as not_observable, saying why (used when a safety gate fires)."""
    return tuple(MechanismResult(n, "not_observable", reason) for n in range(1, 10))


def quote(frame: pl.DataFrame, limit: int) -> tuple[Evidence, ...]:
    """The first ``limit`` rows of ``frame`` as quoted evidence."""
    rows = frame.head(limit).select("timestamp", "sender", "text").rows()
    return tuple(Evidence(t, str(who), str(text or "")) for t, who, text in rows)


def _result(
    number: int, verdict: Verdict, summary: str, frame: pl.DataFrame | None, s: Settings
) -> MechanismResult:
    evidence = quote(frame, s.max_evidence) if frame is not None and frame.height else ()
    return MechanismResult(number, verdict, summary, evidence)


def _no_return(number: int, view: EpisodeView) -> MechanismResult:
    why = {
        "ongoing": "he has not come back so far, so there is no return to look at yet",
        "faded": "he did not come back, so there is no return to look at",
        "ended": "the episode ended without a return, so there is no return to look at",
        "returned": "",
    }[view.outcome]
    return MechanismResult(number, "not_observable", f"Not observable: {why}.")


def _after(frames: ChatFrames, view: EpisodeView, days: int) -> pl.DataFrame:
    back = view.back or view.stop
    return frames.mine(back, back + timedelta(days=days), "them")


def _space_to_reflect(frames: ChatFrames, view: EpisodeView, s: Settings) -> MechanismResult:
    stated = frames.mine(
        view.onset - timedelta(days=s.stated_need_days), view.onset + timedelta(days=3), "them"
    ).filter(pl.col("withdrawal"))
    reflective = (
        _after(frames, view, s.near_return_days).filter(pl.col("reflective"))
        if view.back
        else stated.clear()
    )
    silence = _longest_silence_days(frames, view)
    facts = (
        f"He was silent for up to {days(silence, digits=1)}; you started "
        f"{counted(view.counts.her_initiations, 'conversation')} and your longest unanswered "
        f"run was {view.counts.max_unanswered_streak}."
    )
    said = f"He said he needed space or time in {counted(stated.height, 'message')}"
    if view.back is None:
        return _result(
            1, "no_signal", f"{said}; he has not come back to reflect on it. {facts}", stated, s
        )
    came = f"after coming back he used reflective words in {counted(reflective.height, 'message')}"
    both = pl.concat([stated, reflective])
    if stated.height and reflective.height:
        verdict: Verdict = "consistent"
    elif not stated.height and not reflective.height:
        verdict = "inconsistent"
    else:
        verdict = "no_signal"
    return _result(1, verdict, f"{said}, and {came}. {facts}", both, s)


def _longest_silence_days(frames: ChatFrames, view: EpisodeView) -> float:
    times: list[datetime] = frames.mine(view.onset, view.stop, "them")["timestamp"].to_list()
    edges = [midnight(view.onset), *times, midnight(view.stop)]
    return max((b - a).total_seconds() for a, b in itertools.pairwise(edges)) / 86400.0


def _daily_rates(frames: ChatFrames, start: date, stop: date) -> pl.DataFrame:
    part = frames.mine(start, stop, "them")
    return part.group_by(pl.col("timestamp").dt.date()).agg(
        (100 * pl.col("affection").mean()).alias("affection"),
        pl.col("words").mean().alias("length"),
    )


def _robust(values: pl.Series, floor: float, s: Settings) -> tuple[float, float]:
    x = values.drop_nulls().to_numpy().astype(float)
    if x.size == 0:
        return 0.0, floor
    med = float(np.median(x))
    return med, max(s.mad_factor * float(np.median(np.abs(x - med))), floor)


def _fonder(frames: ChatFrames, view: EpisodeView, s: Settings) -> MechanismResult:
    if view.back is None:
        return _no_return(2, view)
    after = _after(frames, view, s.after_warmth_days)
    if after.height < s.lexicon_min_messages:
        return MechanismResult(
            2,
            "no_signal",
            f"Too few of his messages after the return to compare ({after.height}; "
            f"{s.lexicon_min_messages} needed).",
        )
    before = _daily_rates(frames, view.onset - timedelta(days=s.baseline_days), view.onset)
    aff_med, aff_sd = _robust(before["affection"], 1.0, s)
    len_med, len_sd = _robust(before["length"], 0.5, s)
    aff_after = affection_rate(frames, view.back, view.back + timedelta(days=s.after_warmth_days))
    len_after = float(after["words"].cast(pl.Float64).fill_null(0).to_numpy().mean())
    summary = (
        f"In the {counted(s.after_warmth_days, 'day')} after he came back, "
        f"{aff_after:.1f} of every 100 of "
        f"his messages carried affection (before the episode: {aff_med:.1f}, robust SD "
        f"{aff_sd:.1f}); his messages averaged {len_after:.1f} words (before: {len_med:.1f})."
    )
    warm = after.filter(pl.col("affection"))
    if aff_after >= aff_med + aff_sd or len_after >= len_med + len_sd:
        return _result(2, "consistent", summary, warm, s)
    if aff_after <= aff_med - aff_sd:
        return _result(2, "inconsistent", summary, warm, s)
    return _result(2, "no_signal", summary, warm, s)


def _first_threads(frames: ChatFrames, back: date, count: int, days: int) -> pl.DataFrame:
    threads = frames.threads_between(back, back + timedelta(days=days)).head(count)
    stop = threads["end"].max()
    if not isinstance(stop, datetime):
        return frames.messages.clear()
    part = frames.all_messages(midnight(back), stop + timedelta(seconds=1))
    ids = threads["thread_id"].implode()
    return part.filter((pl.col("role") == "them") & pl.col("thread_id").is_in(ids))


def _value(frames: ChatFrames, view: EpisodeView, s: Settings) -> MechanismResult:
    if view.back is None:
        return _no_return(3, view)
    his = _first_threads(frames, view.back, s.return_threads, s.pursue_days)
    found = his.filter(pl.col("appreciation") | pl.col("apology") | pl.col("accountability"))
    summary = (
        f"In his first {s.return_threads} conversations after coming back, {found.height} of "
        f"his {counted(his.height, 'message')} expressed appreciation, apology or regret."
    )
    return _result(3, "consistent" if found.height else "no_signal", summary, found, s)


def _miss_you(frames: ChatFrames, view: EpisodeView, s: Settings) -> MechanismResult:
    stop = (view.back or view.stop) + timedelta(days=s.near_return_days if view.back else 0)
    missing = frames.mine(view.onset, stop, "them").filter(pl.col("missing"))
    before = frames.mine(view.onset - timedelta(days=s.baseline_days), view.onset, "them")
    before_rate = 100.0 * int(before["missing"].sum()) / before.height if before.height else 0.0
    if missing.height:
        first = (missing["timestamp"][0].date() - view.onset).days
        summary = (
            f"He wrote that he missed you {counted(missing.height, 'time')} during the episode "
            f"or within {counted(s.near_return_days, 'day')} of coming back, first on day "
            f"{first}. Before the "
            f"episode: {before_rate:.1f} per 100 of his messages."
        )
        return _result(4, "consistent", summary, missing, s)
    summary = (
        f"He did not write that he missed you during the episode or within "
        f"{counted(s.near_return_days, 'day')} of a return "
        f"(before the episode: {before_rate:.1f} per 100 "
        "of his messages)."
    )
    return MechanismResult(4, "no_signal", summary)


def _independence(frames: ChatFrames, view: EpisodeView, s: Settings) -> MechanismResult:
    restraint = (
        "During the episode you sent "
        f"{counted(view.counts.pleading_or_checking, 'checking or pleading message')}; that is "
        "a fact about you, not about him."
    )
    if view.back is not None:
        thanks = _after(frames, view, s.near_return_days).filter(
            pl.col("appreciation")
            & pl.col("text")
            .fill_null("")
            .str.to_lowercase()
            .str.contains(ACKNOWLEDGES_SPACE.pattern)
        )
        if thanks.height:
            summary = (
                f"{restraint} He acknowledged the space in {counted(thanks.height, 'message')}."
            )
            return _result(5, "consistent", summary, thanks, s)
    summary = (
        f"{restraint} Whether he felt his independence respected cannot be read from messages."
    )
    return MechanismResult(5, "not_observable", summary)


def _stronger(frames: ChatFrames, view: EpisodeView, s: Settings) -> MechanismResult:
    if view.back is None:
        return _no_return(6, view)
    available = (view.last_day - view.back).days + 1
    if available < s.long_term_days:
        return MechanismResult(
            6,
            "not_observable",
            f"Needs {counted(s.long_term_days, 'day')} after the return; "
            f"the chat has {available} so far.",
        )
    his = frames.daily.filter(pl.col("person") == "them")
    before = his.filter(
        pl.col("day").is_between(
            view.onset - timedelta(days=s.baseline_days), view.onset, closed="left"
        )
    )["messages"]
    after = his.filter(
        pl.col("day").is_between(
            view.back, view.back + timedelta(days=s.long_term_days), closed="left"
        )
    )["messages"]
    med, sd = _robust(before.cast(pl.Float64).log1p(), s.mad_floor, s)
    mean_after = float(np.log1p(after.cast(pl.Float64).to_numpy()).mean()) if after.len() else 0.0
    change = (mean_after - med) / sd
    held = change >= -s.after_tolerance
    later = view.later_durations
    shrink = all(d < view.duration for d in later)
    summary = (
        f"Over the {counted(s.long_term_days, 'day')} after he came back his daily messages were "
        f"{change:+.1f} robust SD from his level before the episode; "
        + (
            f"{counted(len(later), 'later episode')}, lasting "
            f"{', '.join(f'{d:.0f}' for d in later)} days "
            f"(this one: {view.duration:.0f})."
            if later
            else "no later episode so far."
        )
    )
    if held and shrink:
        return MechanismResult(6, "consistent", summary)
    if not held or (later and not shrink):
        return MechanismResult(6, "inconsistent", summary)
    return MechanismResult(6, "no_signal", summary)


def _self_respect(frames: ChatFrames, view: EpisodeView, s: Settings) -> MechanismResult:
    c = view.counts
    hers = frames.mine(view.onset, view.stop, "me")
    pleas = hers.filter(pl.col("pleading") | pl.col("checking"))
    apologies = int(hers["apology"].sum())
    held_back = c.pleading_or_checking == 0 and c.max_unanswered_streak <= s.space_max_streak
    summary = (
        f"You sent {counted(c.her_messages, 'message')} ({c.her_per_day:.1f} a day; your usual "
        f"is {c.her_baseline_per_day:.1f}), {c.pleading_or_checking} pleading or checking, "
        f"{counted(apologies, 'apology', 'apologies')}, {counted(c.double_texts, 'double text')}; "
        "longest unanswered run "
        f"{c.max_unanswered_streak}. This describes you; any link to his return is an "
        "association, not a cause."
    )
    if not held_back:
        return _result(7, "no_signal", summary, pleas, s)
    if view.outcome == "returned":
        return MechanismResult(7, "consistent", summary)
    if view.outcome in ("faded", "ended"):
        return MechanismResult(7, "inconsistent", summary)
    return MechanismResult(7, "no_signal", summary)


def _share_and_latency(
    frames: ChatFrames, start: date, stop: date
) -> tuple[float | None, float | None]:
    threads = frames.threads_between(start, stop)
    share = (
        threads.filter(pl.col("initiator") == "them").height / threads.height
        if threads.height
        else None
    )
    his = frames.daily.filter(
        (pl.col("person") == "them") & pl.col("day").is_between(start, stop, closed="left")
    )
    latency = his["latency_minutes"].median()
    return share, float(latency) if isinstance(latency, (int, float)) else None


def _pursue(frames: ChatFrames, view: EpisodeView, s: Settings) -> MechanismResult:
    if view.back is None:
        return _no_return(8, view)
    if (view.last_day - view.back).days + 1 < s.pursue_days:
        return MechanismResult(
            8, "not_observable", f"Needs {counted(s.pursue_days, 'day')} after the return to judge."
        )
    share_b, lat_b = _share_and_latency(
        frames, view.onset - timedelta(days=s.baseline_days), view.onset
    )
    share_a, lat_a = _share_and_latency(
        frames, view.back, view.back + timedelta(days=s.pursue_days)
    )
    plans = _after(frames, view, s.pursue_days).filter(pl.col("plans_concrete"))
    starts = share_a is not None and share_b is not None and share_a > share_b
    faster = lat_a is not None and lat_b is not None and lat_a < lat_b
    held = int(starts) + int(faster) + int(plans.height > 0)
    summary = (
        f"In the {counted(s.pursue_days, 'day')} after he came back he started "
        f"{_pct(share_a)} of conversations (before: {_pct(share_b)}), his median reply took "
        f"{_minutes(lat_a)} (before: {_minutes(lat_b)}), and he proposed "
        f"{counted(plans.height, 'concrete plan')}. {held} of these 3 signs hold."
    )
    verdict: Verdict = "consistent" if held >= 2 else ("inconsistent" if held == 0 else "no_signal")
    return _result(8, verdict, summary, plans, s)


def _his_role(frames: ChatFrames, view: EpisodeView, s: Settings) -> MechanismResult:
    if view.back is None:
        return _no_return(9, view)
    after = _after(frames, view, s.near_return_days)
    owned = after.filter(pl.col("accountability") | pl.col("apology"))
    questions = int(after["question"].sum())
    plans = int(after["plans"].sum())
    his = frames.daily.filter(
        (pl.col("person") == "them")
        & pl.col("day").is_between(
            view.back, view.back + timedelta(days=s.near_return_days), closed="left"
        )
    )
    bids = int(his["bids"].sum())
    toward = int(his["turned_toward"].sum())
    summary = (
        f"Within {counted(s.near_return_days, 'day')} of coming back: "
        f"{counted(owned.height, 'message')} "
        f"taking responsibility or apologising, {counted(questions, 'question')}, "
        f"{counted(plans, 'plan')}; he answered {toward} of your {counted(bids, 'bid')}."
    )
    return _result(9, "consistent" if owned.height else "no_signal", summary, owned, s)


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.0f}%"


def _minutes(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f} min"
