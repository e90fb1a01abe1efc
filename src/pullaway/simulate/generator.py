"""Generate a two-person chat history with known pull-away episodes.

Three layers, all vectorised with NumPy except for two short loops over days and threads:

1. days: each day's activity for him and her (weekly rhythm, drift, noise spells, episodes);
2. threads: conversations per day (Poisson), who starts them, when, whether they are
   answered, follow-up chains when she chases;
3. bursts and messages: alternating turns, each split over several messages, with reply
   latencies; a thread is cut where it runs into the sender's sleep.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import polars as pl

from pullaway.model import Kind, validate_messages, with_message_ids
from pullaway.simulate import plan as P
from pullaway.simulate.phrases import CATEGORIES, MEDIA_CATEGORIES, PHRASES, Language
from pullaway.simulate.rhythm import MINUTES, Person, start_cdfs

if TYPE_CHECKING:
    from pullaway.simulate.plan import EpisodePlan

NORMAL_SCRIPT, RETURN_SCRIPT, ENDING_SCRIPT = 0, 1, 2
HER, HIM = 0, 1

# Message-text rows: who writes and in which situation.
ROWS: Final = (
    "her_usual",
    "her_quiet",
    "her_chase",
    "her_followup",
    "her_tail",
    "him_usual",
    "him_episode",
    "him_stronger",
    "him_same",
    "him_weaker",
    "her_busy",
    "him_busy",
    "him_episode_unvoiced",
)
_R = {name: i for i, name in enumerate(ROWS)}

_EVERYDAY = {
    "chat": 20,
    "question": 13,
    "logistics": 8,
    "short": 13,
    "laugh": 7,
    "affection": 7,
    "plans": 4,
    "share": 2,
    "media": 5,
    "sticker": 2,
    "voice": 1.5,
    "missing": 0.4,
    "apology": 0.3,
    "appreciation": 0.3,
    "busy": 0.3,
    "terse": 1,
}
CATEGORY_WEIGHTS: Final[dict[str, dict[str, float]]] = {
    "her_usual": _EVERYDAY,
    "him_usual": {**_EVERYDAY, "affection": 5, "laugh": 6, "short": 15},
    "her_quiet": {
        "chat": 18,
        "self": 14,
        "short": 16,
        "logistics": 9,
        "question": 6,
        "laugh": 4,
        "media": 6,
        "affection": 2,
    },
    "her_chase": {
        "question": 16,
        "check": 12,
        "plead": 6,
        "affection": 9,
        "missing": 4,
        "chat": 14,
        "short": 9,
        "logistics": 5,
        "media": 3,
        "sticker": 1,
    },
    "her_followup": {"check": 65, "plead": 35},
    "her_tail": {"check": 25, "plead": 25, "missing": 20, "self": 15, "question": 15},
    "him_episode": {
        "terse": 28,
        "short": 15,
        "chat": 12,
        "logistics": 10,
        "busy": 13,
        "space": 3,
        "question": 3,
        "laugh": 3,
        "media": 3,
        "affection": 1,
    },
    "him_episode_unvoiced": {
        "terse": 28,
        "short": 15,
        "chat": 18,
        "logistics": 10,
        "busy": 0.3,
        "question": 3,
        "laugh": 3,
        "media": 3,
        "affection": 1,
    },
    "her_busy": {**_EVERYDAY, "busy": 6},
    "him_busy": {**_EVERYDAY, "affection": 5, "laugh": 6, "short": 15, "busy": 6},
    "him_stronger": {
        **_EVERYDAY,
        "affection": 16,
        "missing": 4,
        "appreciation": 3,
        "plans": 9,
        "question": 16,
    },
    "him_same": {**_EVERYDAY, "affection": 6, "plans": 5},
    "him_weaker": {**_EVERYDAY, "affection": 1.5, "short": 22, "terse": 8, "question": 6},
}
RETURN_OPENERS: Final[dict[str, tuple[str, ...]]] = {
    "stronger": ("return_open", "missing", "apology", "plans"),
    "same": ("return_open", "apology", "plans"),
    "weaker": ("return_open", "chat"),
}
ENDING_TURNS: Final = (("ending", "ending_more"), ("ending_reply",), ("ending_more",))
GREETING_CHANCE: Final = np.array(
    [0.5, 0.25, 0.4, 0.0, 0.0, 0.45, 0.08, 0.6, 0.45, 0.25, 0.5, 0.45, 0.08]
)
"""Per text row (ROWS): the chance of a good morning / good night on the day's first / last."""
DECORATED: Final = ("chat", "short", "plans", "logistics", "question")
DECORATIONS: Final = (" 😊", " 🙂", "!", " 😅", " ❤️", " 😂", "!!", " 🙈")


@dataclass(frozen=True)
class Style:
    """History-wide texting style."""

    threads_per_day: float
    his_share: float  # his share of conversation starts
    turns: float  # mean number of reply turns in an answered conversation
    pause_minutes: float  # typical pause between two conversations on a busy day
    her: Person
    him: Person

    @classmethod
    def draw(cls, rng: np.random.Generator, rate: float, me: str, them: str) -> Style:
        her = Person.draw(rng, me, rate)
        him = Person.draw(rng, them, rate)
        turns = float(np.clip(rate / 10, 2.0, 40.0) * rng.uniform(0.7, 1.3))
        per_thread = (1 + 0.93 * turns) * (1 + (her.burst_extra + him.burst_extra) / 2)
        return cls(
            threads_per_day=_coverage(rate) * rate / per_thread,
            his_share=float(rng.uniform(0.35, 0.6)),
            turns=turns,
            pause_minutes=float(40.0 * min(1.0, (40 / rate) ** 0.5)),
            her=her,
            him=him,
        )


def _coverage(rate: float) -> float:
    """Extra conversations to make up for those cut short by sleep (measured, more when busy)."""
    return float(np.clip(1.05 + 0.13 * np.log(rate / 10), 1.0, 1.7))


@dataclass
class DayTable:
    """Per-day multipliers and modes (arrays of length ``days``)."""

    both: np.ndarray
    his_level: np.ndarray
    his_init: np.ndarray
    her_init: np.ndarray
    reply_prob: np.ndarray
    his_latency: np.ndarray
    mode: np.ndarray
    her_mode: np.ndarray
    busy_talk: np.ndarray  # a busy week: both say so now and then
    unvoiced: np.ndarray  # a withdrawal in which he gives no reason


@dataclass(frozen=True)
class Generated:
    """The raw result before the truth is written."""

    messages: pl.DataFrame
    scripted_days: dict[int, int]  # index of an episode -> day its scripted thread started
    noise_spells: list[dict[str, object]]
    style: Style
    voiced: tuple[bool, ...]  # per episode: whether he says he is busy or needs space


def day_table(
    rng: np.random.Generator,
    days: int,
    plans: list[EpisodePlan],
    noise: P.Noise,
    start: date,
    voiced: tuple[bool, ...],
) -> tuple[DayTable, list[dict[str, object]]]:
    """The per-day activity of both people, from the rhythm, the noise and the episodes.

    ``voiced`` says, per episode, whether he gives a reason (busy, needs space)."""
    weekday = P.weekday_factors(rng)[(np.arange(days) + start.weekday()) % 7]
    drift = np.exp(P.drift_series(rng, days, noise.drift)) if noise.drift > 0 else np.ones(days)
    blocked = np.zeros(days, dtype=bool)
    for ep in plans:
        blocked[max(0, ep.onset - 5) : (ep.return_day or days) + 10] = True
    noise_factor, spells = P.noise_factors(rng, days, noise, blocked)
    table = DayTable(
        both=weekday * drift * noise_factor,
        his_level=np.ones(days),
        his_init=np.ones(days),
        her_init=np.ones(days),
        reply_prob=np.full(days, 0.93),
        his_latency=np.ones(days),
        mode=np.full(days, P.NORMAL),
        her_mode=np.full(days, P.HER_USUAL),
        busy_talk=np.zeros(days, dtype=bool),
        unvoiced=np.zeros(days, dtype=bool),
    )
    for spell in spells:
        if spell["kind"] == "busy_week":
            first = int(str(spell["first"]))
            table.busy_talk[first : first + int(str(spell["days"]))] = True
    for ep, says_why in zip(plans, voiced, strict=True):
        _apply_episode(rng, table, ep, days)
        if not says_why:  # to the end of the history when he never comes back
            table.unvoiced[ep.onset : ep.stop_day if ep.terminal_day is None else days] = True
    return table, spells


VOICED_SHARE: Final = 0.5
"""Share of withdrawals in which he says why now and then (busy, needs space); in the others
he only goes quiet. Drawn from a child generator, so the rest of a history does not change."""


def voiced_episodes(rng: np.random.Generator, count: int) -> tuple[bool, ...]:
    """Per episode, whether he gives a reason, from a child of ``rng`` (its stream unchanged)."""
    child = rng.spawn(1)[0]
    return tuple(bool(u < VOICED_SHARE) for u in child.random(count))


def _apply_episode(rng: np.random.Generator, t: DayTable, ep: EpisodePlan, days: int) -> None:
    last = min(ep.stop_day, days)
    for day in range(ep.onset, last):
        k = day - ep.onset
        fall = min(1.0, (k + 1) / (ep.ramp_days + 1))
        level = min(1.0, (1 - (1 - ep.depth) * fall) * rng.lognormal(0.0, 0.15))
        t.his_level[day] = level
        t.his_init[day] = level
        t.reply_prob[day] = 0.93 * level ** (1 / 3)
        t.his_latency[day] = 1 + (ep.latency_factor - 1) * fall
        t.mode[day] = P.EPISODE
        her_mode = ep.her_modes[k] if k < len(ep.her_modes) else P.HER_QUIET
        t.her_mode[day] = her_mode
        t.her_init[day] = {
            P.HER_USUAL: 1.0,
            P.HER_QUIET: ep.her_quiet_level,
            P.HER_CHASE: rng.uniform(1.0, 1.5),
        }[her_mode]
        if her_mode == P.HER_CHASE:  # more bids from her do not make him write more
            t.reply_prob[day] /= t.her_init[day]
    if ep.return_day is not None and ep.after is not None:
        _apply_after(t, ep, ep.after, days)
    if ep.terminal_day is not None:
        tail = slice(ep.terminal_day, days)
        t.his_level[tail] = 0.0
        t.his_init[tail] = 0.0
        t.reply_prob[tail] = 0.0
        t.mode[tail] = P.TERMINAL
        t.her_mode[tail] = P.HER_CHASE if ep.strategy == "chased" else P.HER_QUIET
        t.her_init[tail] = 0.15 if ep.strategy == "chased" else 0.04


def _apply_after(t: DayTable, ep: EpisodePlan, after: P.After, days: int) -> None:
    first = ep.onset + len(ep.her_modes)
    settle = np.linspace(ep.after_level, 1.0, 8)[1:]
    for offset in range(ep.after_days + len(settle)):
        day = first + offset
        if day >= days:
            break
        level = ep.after_level if offset < ep.after_days else settle[offset - ep.after_days]
        t.his_level[day] = level
        t.his_init[day] = level
        t.reply_prob[day] = min(0.97, 0.93 * level)
        if offset < ep.after_days:
            t.mode[day] = P.AFTER_MODE[after]


@dataclass
class Threads:
    day: np.ndarray
    initiator: np.ndarray
    script: np.ndarray
    episode: np.ndarray  # index of the episode a scripted thread belongs to, else -1
    start: np.ndarray  # minutes since the start of the history

    def __len__(self) -> int:
        return len(self.day)


def draw_threads(
    rng: np.random.Generator, t: DayTable, plans: list[EpisodePlan], style: Style, start: date
) -> Threads:
    """Conversations: a Poisson number per day and person, plus the scripted ones."""
    days = len(t.both)
    base = style.threads_per_day * t.both
    his = rng.poisson(base * style.his_share * t.his_init)
    hers = rng.poisson(base * (1 - style.his_share) * t.her_init)
    day = np.concatenate([np.repeat(np.arange(days), his), np.repeat(np.arange(days), hers)])
    initiator = np.concatenate([np.full(his.sum(), HIM), np.full(hers.sum(), HER)])
    script = np.zeros(len(day), dtype=np.int64)
    episode = np.full(len(day), -1)
    extra_day, extra_script, extra_episode = [], [], []
    for i, ep in enumerate(plans):
        if ep.return_day is not None and ep.return_day < days:
            extra_day.append(ep.return_day)
            extra_script.append(RETURN_SCRIPT)
            extra_episode.append(i)
        if ep.outcome == "ended" and ep.terminal_day is not None and ep.terminal_day < days:
            extra_day.append(ep.terminal_day)
            extra_script.append(ENDING_SCRIPT)
            extra_episode.append(i)
    day = np.concatenate([day, np.array(extra_day, dtype=np.int64)])
    initiator = np.concatenate([initiator, np.full(len(extra_day), HIM)])
    script = np.concatenate([script, np.array(extra_script, dtype=np.int64)])
    episode = np.concatenate([episode, np.array(extra_episode, dtype=np.int64)])
    cdfs = start_cdfs(style.her, style.him)
    weekend = ((day + start.weekday()) % 7 >= 5).astype(np.int64)
    u = rng.random(len(day))
    minute = np.empty(len(day))
    for row in (0, 1):
        pick = weekend == row
        minute[pick] = np.searchsorted(cdfs[row], u[pick])
    minute += rng.random(len(day))
    order = np.lexsort((minute, day))
    return Threads(
        day=day[order],
        initiator=initiator[order],
        script=script[order],
        episode=episode[order],
        start=(day * MINUTES + minute)[order],
    )


@dataclass
class Bursts:
    thread: np.ndarray
    sender: np.ndarray
    followup: np.ndarray
    length: np.ndarray
    gap_minutes: np.ndarray  # before this burst; 0 for the first burst of a thread


def draw_bursts(
    rng: np.random.Generator, threads: Threads, t: DayTable, plans: list[EpisodePlan], style: Style
) -> Bursts:
    """Turns inside each thread: the opener, her follow-ups, then alternating replies."""
    n = len(threads)
    day = threads.day
    hers = threads.initiator == HER
    answer_prob = np.where(hers, t.reply_prob[day], np.where(t.mode[day] == P.TERMINAL, 0, 0.96))
    answered = rng.random(n) < answer_prob
    chasing = t.her_mode[day] == P.HER_CHASE
    quiet = t.her_mode[day] == P.HER_QUIET
    followups = np.where(
        hers & ~answered & chasing,
        1 + np.minimum(rng.poisson(1.0, n), 4),
        np.where(hers & ~answered & ~quiet & (rng.random(n) < 0.15), 1, 0),
    )
    late_answer = hers & ~answered & chasing & (t.his_level[day] > 0) & (rng.random(n) < 0.4)
    scale = np.where(t.mode[day] == P.EPISODE, t.his_level[day] ** (1 / 3), 1.0)
    mean_extra = np.maximum(style.turns * scale - 1, 0.0)
    turns = 1 + rng.poisson(rng.gamma(2.0, mean_extra / 2 + 1e-9))
    replies = np.where(answered, turns, np.where(late_answer, 1, 0))
    replies = np.where(threads.script == ENDING_SCRIPT, 2, replies)
    replies = np.where(threads.script == RETURN_SCRIPT, np.maximum(replies, 2), replies)
    count = 1 + followups + replies
    thread = np.repeat(np.arange(n), count)
    first = np.cumsum(count) - count
    j = np.arange(len(thread)) - first[thread]
    f = followups[thread]
    init = threads.initiator[thread]
    own = (j <= f) | ((j - f) % 2 == 0)
    sender = np.where(own, init, 1 - init)
    is_followup = (j >= 1) & (j <= f)
    bday = day[thread]
    extra = np.where(sender == HIM, style.him.burst_extra, style.her.burst_extra)
    extra = extra * np.where(
        (sender == HIM) & (t.mode[bday] == P.EPISODE), t.his_level[bday] ** (1 / 3), 1.0
    )
    extra = np.where(is_followup, 0.6, extra)
    length = 1 + rng.poisson(extra)
    length = _scripted_lengths(length, threads, thread, j, plans)
    latency = np.where(
        sender == HIM, style.him.latency_minutes * t.his_latency[bday], style.her.latency_minutes
    )
    gap = np.minimum(rng.lognormal(np.log(latency), 0.9), 600.0)
    gap = np.where(is_followup, rng.uniform(30.0, 240.0, len(thread)), gap)
    gap = np.where(j == 0, 0.0, gap)
    return Bursts(thread, sender, is_followup, length, gap)


def _scripted_lengths(
    length: np.ndarray,
    threads: Threads,
    thread: np.ndarray,
    j: np.ndarray,
    plans: list[EpisodePlan],
) -> np.ndarray:
    out = length.copy()
    script = threads.script[thread]
    episode = threads.episode[thread]
    for k in np.flatnonzero((script == RETURN_SCRIPT) & (j == 0)):
        after = plans[int(episode[k])].after or "same"
        out[k] = len(RETURN_OPENERS[after])
    for k in np.flatnonzero((script == ENDING_SCRIPT) & (j <= 2)):
        out[k] = len(ENDING_TURNS[int(j[k])])
    return out


def layout_messages(
    rng: np.random.Generator, threads: Threads, bursts: Bursts, style: Style, days: int
) -> pl.DataFrame:
    """Timestamps for every message: threads do not overlap and stop at the sender's sleep."""
    burst = np.repeat(np.arange(len(bursts.thread)), bursts.length)
    first_in_burst = np.cumsum(bursts.length) - bursts.length
    pos = np.arange(len(burst)) - first_in_burst[burst]
    thread = bursts.thread[burst]
    gap = np.where(pos == 0, bursts.gap_minutes[burst], rng.lognormal(np.log(0.2), 0.7, len(burst)))
    total = np.cumsum(gap)
    thread_first = np.searchsorted(thread, np.arange(len(threads)))
    offset = total - total[thread_first[thread]]
    duration = np.zeros(len(threads))
    np.maximum.at(duration, thread, offset)
    scripted = threads.script != NORMAL_SCRIPT
    starts = _space_threads(rng, threads.start, duration, style.pause_minutes, scripted)
    minute = starts[thread] + offset
    sender = bursts.sender[burst]
    hour = np.mod(minute, MINUTES) / 60.0
    asleep = np.where(sender == HIM, style.him.asleep(hour), style.her.asleep(hour))
    asleep &= threads.script[thread] == NORMAL_SCRIPT
    bad_at = np.full(len(threads), np.inf)
    np.minimum.at(bad_at, thread, np.where(asleep, offset, np.inf))
    keep = (offset < bad_at[thread]) & (minute < days * MINUTES) & ~np.isnan(minute)
    burst_j = np.arange(len(bursts.thread)) - np.searchsorted(bursts.thread, bursts.thread)
    return pl.DataFrame(
        {
            "minute": minute[keep],
            "thread": thread[keep],
            "burst": burst[keep],
            "pos": pos[keep],
            "sender_code": sender[keep],
            "followup": bursts.followup[burst][keep],
            "burst_j": burst_j[burst][keep],
        }
    )


def _space_threads(
    rng: np.random.Generator,
    start: np.ndarray,
    duration: np.ndarray,
    pause_minutes: float,
    scripted: np.ndarray,
) -> np.ndarray:
    """Push each thread to start after the previous one ended, plus a short pause.

    A thread that would be pushed more than ``MAX_PUSH_MINUTES`` does not happen (its start is
    NaN and its messages are dropped): a day has room for only so many conversations, and
    pushing the rest along moved later conversations days past the day the plan (and the
    truth) put them on. ``scripted`` threads (his return, an ending) always happen.
    """
    pause = (pause_minutes * rng.uniform(0.4, 1.6, len(start))).tolist()
    out = start.tolist()
    ends = duration.tolist()
    previous_end = -np.inf
    for i in range(len(out)):
        wanted = previous_end + pause[i]
        if wanted > out[i] + MAX_PUSH_MINUTES and not scripted[i]:
            out[i] = float("nan")
            continue
        out[i] = max(out[i], wanted)
        previous_end = out[i] + ends[i]
    return np.asarray(out)


MAX_PUSH_MINUTES: Final = 120.0
"""The furthest a conversation is moved to avoid overlapping the one before it."""


def assign_text(
    rng: np.random.Generator,
    frame: pl.DataFrame,
    threads: Threads,
    t: DayTable,
    plans: list[EpisodePlan],
    style: Style,
    language: Language,
    second_phrase_share: float = 0.0,
) -> pl.DataFrame:
    """Pick a category and a phrase (two for ``second_phrase_share`` of the texts) for every
    message."""
    thread = frame["thread"].to_numpy()
    sender = frame["sender_code"].to_numpy()
    day = threads.day[thread]
    row = _text_rows(sender, frame["followup"].to_numpy(), t.mode[day], t.her_mode[day])
    row = np.where(t.busy_talk[day] & (row == _R["her_usual"]), _R["her_busy"], row)
    row = np.where(t.busy_talk[day] & (row == _R["him_usual"]), _R["him_busy"], row)
    row = np.where(t.unvoiced[day] & (row == _R["him_episode"]), _R["him_episode_unvoiced"], row)
    category = _draw_categories(rng, row)
    category = _greetings(rng, frame, style, row, category)
    category = _scripts(frame, threads, plans, category)
    rendered = _render(rng, frame.with_columns(category=pl.Series(category)), language)
    if second_phrase_share > 0:
        rendered = _with_second_phrases(rng, rendered, language, second_phrase_share)
    return rendered


def _text_rows(
    sender: np.ndarray, followup: np.ndarray, mode: np.ndarray, her_mode: np.ndarray
) -> np.ndarray:
    her_row = np.select(
        [followup, mode == P.TERMINAL, her_mode == P.HER_QUIET, her_mode == P.HER_CHASE],
        [_R["her_followup"], _R["her_tail"], _R["her_quiet"], _R["her_chase"]],
        _R["her_usual"],
    )
    his_row = np.select(
        [
            (mode == P.EPISODE) | (mode == P.TERMINAL),
            mode == P.AFTER_STRONGER,
            mode == P.AFTER_SAME,
            mode == P.AFTER_WEAKER,
        ],
        [_R["him_episode"], _R["him_stronger"], _R["him_same"], _R["him_weaker"]],
        _R["him_usual"],
    )
    return np.where(sender == HIM, his_row, her_row)


def _draw_categories(rng: np.random.Generator, row: np.ndarray) -> np.ndarray:
    table = np.zeros((len(ROWS), len(CATEGORIES)))
    for name, weights in CATEGORY_WEIGHTS.items():
        for category, weight in weights.items():
            table[_R[name], CATEGORIES.index(category)] = weight
    cdf = np.cumsum(table, axis=1)
    cdf /= cdf[:, -1:]
    u = rng.random(len(row))
    out = np.empty(len(row), dtype=np.int64)
    for r in range(len(ROWS)):
        pick = row == r
        out[pick] = np.searchsorted(cdf[r], u[pick], side="right")
    return np.minimum(out, len(CATEGORIES) - 1)


def _greetings(
    rng: np.random.Generator,
    frame: pl.DataFrame,
    style: Style,
    row: np.ndarray,
    category: np.ndarray,
) -> np.ndarray:
    """Good morning on the day's first message soon after the sender wakes; good night on
    the day's last message shortly before the sender's bedtime."""
    minute = frame["minute"].to_numpy()
    sender = frame["sender_code"].to_numpy()
    day = (minute // MINUTES).astype(np.int64)
    hour = np.mod(minute, MINUTES) / 60.0
    bed = np.where(sender == HIM, style.him.sleep_start, style.her.sleep_start)
    wake = bed + np.where(sender == HIM, style.him.sleep_hours, style.her.sleep_hours)
    morning = np.mod(hour - wake, 24.0) < 4.0
    evening = np.mod(bed - hour, 24.0) < 2.5
    first = np.r_[True, day[1:] != day[:-1]]
    last = np.r_[day[1:] != day[:-1], True]
    lucky = rng.random(len(row)) < GREETING_CHANCE[row]
    out = category.copy()
    out[first & morning & lucky] = CATEGORIES.index("morning")
    out[last & evening & lucky] = CATEGORIES.index("night")
    return out


def _scripts(
    frame: pl.DataFrame, threads: Threads, plans: list[EpisodePlan], category: np.ndarray
) -> np.ndarray:
    """The return thread opens with his return lines; the ending thread says it is over."""
    out = category.copy()
    thread = frame["thread"].to_numpy()
    script = threads.script[thread]
    burst_j = frame["burst_j"].to_numpy()
    pos = frame["pos"].to_numpy()
    for k in np.flatnonzero(script != NORMAL_SCRIPT):
        lines: tuple[str, ...] = ()
        if script[k] == RETURN_SCRIPT and burst_j[k] == 0:
            lines = RETURN_OPENERS[plans[int(threads.episode[thread[k]])].after or "same"]
        elif script[k] == ENDING_SCRIPT and burst_j[k] <= 2:
            lines = ENDING_TURNS[int(burst_j[k])]
        if pos[k] < len(lines):
            out[k] = CATEGORIES.index(lines[int(pos[k])])
    return out


_MEDIA_CODES: Final = [CATEGORIES.index(name) for name in MEDIA_CATEGORIES]


def _phrase_table(language: Language) -> tuple[pl.Series, np.ndarray, np.ndarray]:
    """Every phrase of ``language``'s bank in one Series, category after category, with the
    offset and the number of each category's phrases (in ``CATEGORIES`` order)."""
    bank = PHRASES[language]
    flat: list[str] = []
    offsets, sizes = [], []
    for name in CATEGORIES:
        phrases = bank.get(name, ("",))
        offsets.append(len(flat))
        sizes.append(len(phrases))
        flat.extend(phrases)
    return pl.Series(flat, dtype=pl.String), np.asarray(offsets), np.asarray(sizes)


def _render(rng: np.random.Generator, frame: pl.DataFrame, language: Language) -> pl.DataFrame:
    phrases_s, offsets, sizes = _phrase_table(language)
    category = frame["category"].to_numpy()
    n = len(category)
    pick = offsets[category] + (rng.random(n) * sizes[category]).astype(np.int64)
    text = phrases_s.gather(pick)
    decorated = np.isin(category, [CATEGORIES.index(c) for c in DECORATED])
    decorate = decorated & (rng.random(n) < 0.15)
    tail = pl.Series(("", *DECORATIONS)).gather(
        np.where(decorate, 1 + rng.integers(0, len(DECORATIONS), n), 0)
    )
    chat = CATEGORIES.index("chat")
    second = phrases_s.gather(offsets[chat] + rng.integers(0, sizes[chat], n))
    multiline = (category == chat) & (rng.random(n) < 0.03)
    kinds = np.array(["text"] * len(CATEGORIES), dtype=object)
    for name in MEDIA_CATEGORIES:
        kinds[CATEGORIES.index(name)] = {"media": "media", "sticker": "sticker", "voice": "voice"}[
            name
        ]
    kind = pl.Series(kinds[category].tolist(), dtype=Kind)
    return frame.with_columns(
        kind=kind,
        text=pl.when(pl.Series(np.isin(category, _MEDIA_CODES)))
        .then(None)
        .when(pl.Series(multiline))
        .then(text + "\n" + second)
        .otherwise(text + tail),
    )


def _with_second_phrases(
    rng: np.random.Generator, frame: pl.DataFrame, language: Language, share: float
) -> pl.DataFrame:
    """``frame`` with ``share`` of its one-line texts followed by another phrase of their
    category ("morning! did you sleep well?"). Drawn after everything else, so the rest of a
    seed's chat stays as it was."""
    phrases, offsets, sizes = _phrase_table(language)
    category = frame["category"].to_numpy()
    n = len(category)
    pick = offsets[category] + (rng.random(n) * sizes[category]).astype(np.int64)
    longer = (rng.random(n) < share) & ~np.isin(category, _MEDIA_CODES)
    text = pl.col("text")
    one_line = ~text.str.contains("\n", literal=True)
    return frame.with_columns(
        text=pl.when(pl.Series(longer) & one_line)
        .then(pl.concat_str([text, pl.Series(phrases.gather(pick))], separator=" "))
        .otherwise(text)
    )


def generate(
    rng: np.random.Generator,
    *,
    days: int,
    plans: list[EpisodePlan],
    noise: P.Noise,
    style: Style,
    language: Language,
    start: date,
    second_phrase_share: float = 0.0,
) -> Generated:
    """Messages for the whole history, in MESSAGE_SCHEMA, plus what the truth needs."""
    voiced = voiced_episodes(rng, len(plans))
    table, spells = day_table(rng, days, plans, noise, start, voiced)
    threads = draw_threads(rng, table, plans, style, start)
    bursts = draw_bursts(rng, threads, table, plans, style)
    frame = layout_messages(rng, threads, bursts, style, days)
    frame = assign_text(rng, frame, threads, table, plans, style, language, second_phrase_share)
    scripted = _scripted_days(frame, threads)
    origin = datetime.combine(start, time())
    seconds = np.round(frame["minute"].to_numpy() * 60).astype(np.int64)
    stamps = np.datetime64(origin, "us") + seconds.astype("timedelta64[s]").astype(
        "timedelta64[us]"
    )
    names = pl.Series([style.her.name, style.him.name])
    messages = (
        frame.with_columns(
            timestamp=pl.Series(stamps, dtype=pl.Datetime("us")),
            sender=names.gather(frame["sender_code"].to_numpy()),
        )
        .sort("timestamp", maintain_order=True)
        .select(
            chat=pl.lit(style.him.name),
            message_id=pl.lit(None, dtype=pl.String),
            timestamp="timestamp",
            utc_offset=pl.lit(None, dtype=pl.Int32),
            sender="sender",
            kind="kind",
            text="text",
            source_file=pl.lit("simulated"),
            source_line=pl.int_range(1, pl.len() + 1, dtype=pl.Int64),
        )
    )
    messages = validate_messages(with_message_ids(messages))
    return Generated(messages, scripted, spells, style, voiced)


def _scripted_days(frame: pl.DataFrame, threads: Threads) -> dict[int, int]:
    """Episode index -> the day its scripted thread (return or ending) actually started."""
    thread = frame["thread"].to_numpy()
    minute = frame["minute"].to_numpy()
    out: dict[int, int] = {}
    for k in np.flatnonzero(threads.script[thread] != NORMAL_SCRIPT):
        episode = int(threads.episode[thread[k]])
        out[episode] = min(out.get(episode, 1 << 30), int(minute[k] // MINUTES))
    return out


def json_safe(value: Any) -> Any:
    """Plain JSON values from dataclass dicts (tuples to lists, numpy scalars to Python)."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (date, timedelta)):
        return str(value)
    return value
