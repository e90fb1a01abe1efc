"""``analyze``: the pull-away cycle of one chat, from the message table to an ``Analysis``.

structure (bursts, threads, latency) -> language signals -> per-day features -> episodes
(his withdrawn days, from the two-state model) -> engagement against his baseline, episode
days left out -> her strategy, his return and the outcome -> safety gates -> mechanisms ->
comparison -> now. Pure: Polars in, dataclasses out, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import polars as pl

from pullaway.analysis.comparison import compare
from pullaway.analysis.daily import daily_features, engagement, midnight
from pullaway.analysis.episodes import RuleEpisode, detect_episodes, episode_days
from pullaway.analysis.mechanisms import EpisodeView, score_mechanisms, suppressed
from pullaway.analysis.now import current
from pullaway.analysis.result import Analysis, ChatSummary, Episode, Strategy, StrategyCounts
from pullaway.analysis.returns import ReturnResult, his_days, outcome_of
from pullaway.analysis.safety import assess, ending_decision
from pullaway.analysis.settings import Settings
from pullaway.analysis.signals import (
    CATEGORIES,
    EXTRA_COLUMNS,
    detect_language,
    tag_texts,
)
from pullaway.analysis.strategy import ChatFrames, her_strategy
from pullaway.analysis.structure import structure
from pullaway.analysis.withdrawal import withdrawn_days
from pullaway.errors import NotEnoughData
from pullaway.model import validate_messages
from pullaway.wording import counted, days

if TYPE_CHECKING:
    from pullaway.analysis.result import MechanismResult, Safety

DAILY_COLUMNS = (
    "day",
    "person",
    "messages",
    "words",
    "initiations",
    "latency_minutes",
    "bids",
    "turned_toward",
    "turn_toward_rate",
    "affection",
    "withdrawal",
    "z_messages",
    "z_initiations",
    "z_latency",
    "z_words",
    "engagement",
    "evidence",
    "baseline_messages",
    "in_episode",
)

WHOLE_CHAT: dict[str, tuple[str, ...]] = {
    "me": ("affection", "withdrawal", "control", "self_harm"),
    "them": ("affection", "withdrawal", "control", "ending"),
}
"""Signal categories tagged on every message, per person; the others only around episodes."""

NEAR_EPISODE: dict[str, tuple[str, ...]] = {
    "me": ("pleading", "checking", "apology"),
    "them": (
        "missing",
        "appreciation",
        "apology",
        "accountability",
        "reflective",
        "plans",
        "concrete",
        "question",
    ),
}
"""Categories tagged around each episode, per person (what strategy and mechanisms read)."""

ALL_COLUMNS = (*CATEGORIES, *EXTRA_COLUMNS)

SUPPRESSED = (
    "Not scored: messages in this chat show signs of control, threats or distress, so the "
    "analysis shows support resources instead of strategy."
)


@dataclass(frozen=True)
class _Returned:
    rule: RuleEpisode
    back: ReturnResult
    stop: date


@dataclass(frozen=True)
class _Scored:
    rule: RuleEpisode
    back: ReturnResult
    stop: date
    strategy: Strategy
    counts: StrategyCounts


def analyze(
    messages: pl.DataFrame,
    *,
    me: str,
    settings: Settings | None = None,
    today: date | None = None,
) -> Analysis:
    """Find every pull-away in ``messages`` (MESSAGE_SCHEMA), what she did, what happened next.

    ``me`` is her sender name. ``today`` (default: the day of the last message) only sets how
    many days the current phase has lasted; the export end is the censoring point.
    """
    s = settings or Settings()
    frames, chat, languages = _prepare(validate_messages(messages), me=me, s=s)
    first_day, last_day = frames.daily["day"].min(), frames.daily["day"].max()
    if not isinstance(first_day, date) or not isinstance(last_day, date):
        msg = "the chat has no dated messages"
        raise NotEnoughData(msg)
    frames, rules = frames_rules(frames, s)
    returns = _returns(frames, rules, last_day, s)
    frames = frames.with_messages(_tag_windows(frames, returns, languages, s))
    scored = _strategies(frames, returns, s)
    draft = [_episode(i, x, ()) for i, x in enumerate(scored, start=1)]
    said = bool(scored) and scored[-1].back.ending_said
    ending = ending_decision(draft, said=said, settings=s)
    ending_day = scored[-1].back.ending_day if scored and ending else None
    ending_quotes = _ending_quotes(frames, ending_day) if ending_day else None
    safety = assess(
        frames.messages, ending_reason=ending, ending_evidence=ending_quotes, settings=s
    )
    episodes = tuple(
        _episode(i, x, _mechanisms(frames, x, scored[i:], last_day, safety, s))
        for i, x in enumerate(scored, start=1)
    )
    daily = _final_daily(frames.daily, scored)
    now = current(
        episodes,
        safety,
        first_day=first_day,
        today=today or last_day,
        ending_day=ending_day or (scored[-1].rule.onset if ending and scored else None),
    )
    return Analysis(
        chat=chat,
        daily=daily,
        episodes=episodes,
        comparison=compare(episodes, settings=s),
        now=now,
        safety=safety,
        settings=s.to_json(),
        notes=_notes(frames, s),
    )


def frames_rules(frames: ChatFrames, s: Settings) -> tuple[ChatFrames, list[RuleEpisode]]:
    """His episodes, and the daily frame whose baselines leave their days out, with his
    day's evidence from the withdrawal model (null on her rows)."""
    days = withdrawn_days(frames.daily, frames.bursts, settings=s)
    rules = detect_episodes(days, settings=s)
    excluded = episode_days(frames.daily, rules) if rules else None
    daily = engagement(frames.daily, excluded=excluded, settings=s)
    his_evidence = days.select("day", "evidence", person=pl.lit("them"))
    daily = daily.join(his_evidence, on=["day", "person"], how="left")
    return frames.with_daily(daily), rules


def _prepare(
    messages: pl.DataFrame, *, me: str, s: Settings
) -> tuple[ChatFrames, ChatSummary, list[str]]:
    people = messages.filter(pl.col("kind") != "system")["sender"].drop_nulls()
    if people.len() == 0:
        msg = "the chat has no messages from anyone (only system lines or nothing at all)"
        raise NotEnoughData(msg)
    counts = people.value_counts(sort=True)
    names = counts["sender"].to_list()
    if me not in names:
        msg = (
            f"{me!r} wrote no message in this chat; the people in it are "
            f"{', '.join(repr(n) for n in names[:5])}: pick one of them as 'me'"
        )
        raise NotEnoughData(msg)
    others = [n for n in names if n != me]
    if not others:
        msg = f"only {me!r} wrote in this chat: there is no one else to analyse"
        raise NotEnoughData(msg)
    st = structure(
        messages,
        me=me,
        burst_gap=timedelta(minutes=s.burst_gap_minutes),
        thread_gap=timedelta(hours=s.thread_gap_hours) if s.thread_gap_hours else None,
        double_text_gap=timedelta(minutes=s.double_text_gap_minutes),
        min_sleep_days=s.min_sleep_days,
    )
    languages = sorted({detect_language(st.messages["text"]), "en"})
    tagged = _light_tags(st.messages, languages)
    first_ts, last_ts = tagged["timestamp"].min(), tagged["timestamp"].max()
    if not isinstance(first_ts, datetime) or not isinstance(last_ts, datetime):
        msg = "the chat has no dated messages"
        raise NotEnoughData(msg)
    daily = daily_features(
        tagged, st.bursts, st.threads, first=first_ts.date(), last=last_ts.date()
    )
    chat = ChatSummary(
        name=str(messages["chat"][0]),
        me=me,
        them=others[0],
        messages=tagged.height,
        first=first_ts,
        last=last_ts,
    )
    frames = ChatFrames(tagged, st.bursts.sort("start"), st.threads.sort("start"), daily)
    return frames, chat, languages


def _light_tags(messages: pl.DataFrame, languages: list[str]) -> pl.DataFrame:
    """Tag every message with the categories read over the whole chat; the rest start False.

    Daily warmth (affection) and withdrawal cues (the withdrawal model weighs both, and
    "busy" from her too), and the safety gates (control both ways, her self-harm cues, his
    ending statements) need every message; the other categories are read only around
    episodes (see ``_tag_windows``).
    """
    tags = _tag_by_role(messages, pl.lit(True), WHOLE_CHAT, languages)
    rest = [c for c in ALL_COLUMNS if c not in tags.columns]
    return pl.concat([messages, tags], how="horizontal").with_columns(
        pl.lit(False).alias(c) for c in rest
    )


def _tag_by_role(
    messages: pl.DataFrame,
    where: pl.Expr,
    plan: dict[str, tuple[str, ...]],
    languages: list[str],
) -> pl.DataFrame:
    """One Boolean column per planned category, aligned with ``messages``.

    Only the rows of ``where`` and only each person's planned categories are matched
    (``tag_texts`` matches each distinct text once: "ok", "lol" and "haha" repeat thousands
    of times), and the answers are scattered back to their rows; other rows are False.
    """
    columns = sorted({c for cats in plan.values() for c in cats})
    keyed = messages.select("role", "text", where.fill_null(False).alias("_where"))
    tags = {c: pl.repeat(False, messages.height, eager=True).alias(c) for c in columns}
    for role, categories in plan.items():
        rows = keyed.select(
            pl.int_range(pl.len(), dtype=pl.UInt32).filter(
                pl.col("_where") & (pl.col("role") == role)
            )
        ).to_series()
        found = tag_texts(keyed["text"].gather(rows), categories, languages=languages)
        for c in categories:
            tags[c] = tags[c].scatter(rows, found[c])
    return pl.DataFrame([tags[c] for c in columns])


def _tag_windows(
    frames: ChatFrames, returns: list[_Returned], languages: list[str], s: Settings
) -> pl.DataFrame:
    """Tag the messages around each episode with what strategy and mechanisms read there.

    Near the episode (from ``stated_need_days`` before onset to a fortnight after his
    return): his missing, appreciation, apology, accountability, reflective, plan and
    question cues, and her pleading, checking and apology cues (withdrawal cues are tagged
    over the whole chat, see ``WHOLE_CHAT``). In the
    ``baseline_days`` before that: his missing cues only (mechanism 4 compares them).
    """
    messages = frames.messages
    if not returns:
        return messages
    after = timedelta(days=max(s.pursue_days, s.after_warmth_days, s.near_return_days) + 1)
    near, before = pl.lit(False), pl.lit(False)
    for x in returns:
        onset = midnight(x.rule.onset)
        start = onset - timedelta(days=s.stated_need_days + 1)
        near = near | pl.col("timestamp").is_between(start, midnight(x.stop) + after)
        early = onset - timedelta(days=s.baseline_days + 1)
        before = before | pl.col("timestamp").is_between(early, start)
    close = _tag_by_role(messages, near, NEAR_EPISODE, languages)
    missing = _tag_by_role(messages, before, {"them": ("missing",)}, languages)
    close = close.with_columns(
        (pl.col("missing") | missing["missing"]).alias("missing"),
        (pl.col("plans") & pl.col("concrete")).alias("plans_concrete"),
    ).drop("concrete")
    return messages.with_columns(close)


def _returns(
    frames: ChatFrames, rules: list[RuleEpisode], last_day: date, s: Settings
) -> list[_Returned]:
    his = his_days(frames.daily)
    after_end = last_day + timedelta(days=1)
    found = []
    for i, rule in enumerate(rules):
        is_last = i == len(rules) - 1
        limit = rules[i + 1].onset if not is_last else after_end
        back = outcome_of(
            frames,
            his,
            rule.onset,
            end=rule.end,
            limit=limit,
            last_day=last_day,
            is_last=is_last,
            settings=s,
        )
        found.append(_Returned(rule, back, _stop(back, rule.onset, min(limit, after_end))))
    return found


def _stop(back: ReturnResult, onset: date, limit: date) -> date:
    """The end of the window her strategy is read in: his return; the day after he said it
    was over (what she did after a break-up message is not her answer to his withdrawal);
    else the next onset or the export end."""
    if back.return_day is not None:
        return back.return_day
    if back.ending_said and back.ending_day is not None and back.ending_day >= onset:
        return min(back.ending_day + timedelta(days=1), limit)
    return limit


def _strategies(frames: ChatFrames, returns: list[_Returned], s: Settings) -> list[_Scored]:
    scored = []
    for x in returns:
        strategy, counts = her_strategy(frames, x.rule.onset, x.stop, settings=s)
        scored.append(_Scored(x.rule, x.back, x.stop, strategy, counts))
    return scored


def _mechanisms(
    frames: ChatFrames,
    x: _Scored,
    later: list[_Scored],
    last_day: date,
    safety: Safety,
    s: Settings,
) -> tuple[MechanismResult, ...]:
    if safety.concern:
        return suppressed(SUPPRESSED)
    view = EpisodeView(
        onset=x.rule.onset,
        stop=x.stop,
        back=x.back.return_day,
        outcome=x.back.outcome,
        strategy=x.strategy,
        counts=x.counts,
        duration=x.back.observed_days,
        later_durations=tuple(y.back.observed_days for y in later),
        last_day=last_day,
    )
    return score_mechanisms(frames, view, settings=s)


def _episode(number: int, x: _Scored, mechanisms: tuple[MechanismResult, ...]) -> Episode:
    return Episode(
        number=number,
        onset=x.rule.onset,
        end=x.back.return_day,
        strategy=x.strategy,
        counts=x.counts,
        outcome=x.back.outcome,
        days_to_return=x.back.days_to_return,
        after=x.back.after,
        confidence=x.rule.confidence,
        depth=x.rule.depth,
        summary=_story(x),
        mechanisms=mechanisms,
        observed_days=x.back.observed_days,
    )


def _story(x: _Scored) -> str:
    onset = x.rule.onset.isoformat()
    level = f"his messages fell to {100 * x.rule.depth:.0f}% of his usual level"
    did = {
        "let_go": "you gave him space",
        "chased": "you reached out repeatedly",
        "mixed": "you held back at times and reached out at others",
    }[x.strategy]
    outcome = {
        "returned": f"he came back after {days(x.back.observed_days)}",
        "ongoing": f"it is still open after {days(x.back.observed_days)}",
        "faded": "he did not come back; contact faded",
        "ended": "it ended",
    }[x.back.outcome]
    if x.back.after:
        outcome += f" and things looked {x.back.after} afterwards"
    return (
        f"From {onset} {level}; {did}; {outcome}. Work, illness, travel or talking elsewhere "
        "can look the same in a chat log."
    )


def _ending_quotes(frames: ChatFrames, day: date) -> pl.DataFrame:
    part = frames.mine(day, day + timedelta(days=1), "them")
    return part.filter(pl.col("ending"))


def _final_daily(daily: pl.DataFrame, scored: list[_Scored]) -> pl.DataFrame:
    inside = pl.lit(False)
    for x in scored:
        inside = inside | pl.col("day").is_between(x.rule.onset, x.stop, closed="left")
    return daily.with_columns(((pl.col("person") == "them") & inside).alias("in_episode")).select(
        DAILY_COLUMNS
    )


def _notes(frames: ChatFrames, s: Settings) -> tuple[str, ...]:
    his = frames.daily.filter(pl.col("person") == "them")
    notes = []
    if his["engagement"].drop_nulls().len() == 0:
        notes.append(
            f"Not enough history for his daily engagement score (it needs "
            f"{counted(s.baseline_min_active_days, 'active day')} and "
            f"{s.baseline_min_messages} of his messages in {counted(s.baseline_days, 'day')}). "
            "Pull-aways are still looked for, over days "
            "and weeks, but with this few messages some short ones cannot be told from a "
            "quiet week you both had."
        )
    notes.append(
        "Reply times mostly reflect availability, not feelings; every comparison is against "
        "his own usual, and none of this is a diagnosis."
    )
    return tuple(notes)
