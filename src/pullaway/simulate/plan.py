"""The day-level plan of a simulated history: rhythms, noise, and the pull-away episodes.

Everything here works per day (a few thousand values at most); the message-level work is
in ``generator``. All randomness comes from the generator passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

import numpy as np

Strategy = Literal["let_go", "chased", "mixed"]
Outcome = Literal["returned", "ongoing", "faded", "ended"]
After = Literal["stronger", "same", "weaker"]
STRATEGIES: Final[tuple[Strategy, ...]] = ("let_go", "chased", "mixed")
AFTERS: Final[tuple[After, ...]] = ("stronger", "same", "weaker")

# Day modes (what kind of day it is for the text of his and her messages).
NORMAL, EPISODE, AFTER_STRONGER, AFTER_SAME, AFTER_WEAKER, TERMINAL = range(6)
AFTER_MODE: Final[dict[After, int]] = {
    "stronger": AFTER_STRONGER,
    "same": AFTER_SAME,
    "weaker": AFTER_WEAKER,
}


@dataclass(frozen=True)
class Noise:
    """Quiet spells that are not pull-aways: both people are quiet or silent together.

    Rates are per simulated year; ``drift`` is the day-to-day standard deviation of a slow
    random walk (log scale) in how much the couple texts.
    """

    busy_weeks_per_year: float = 3.0
    holidays_per_year: float = 1.5
    slow_days_per_year: float = 10.0
    drift: float = 0.12

    def to_json(self) -> dict[str, float]:
        return dict(self.__dict__)


NO_NOISE: Final = Noise(0.0, 0.0, 0.0, 0.0)


@dataclass(frozen=True)
class EpisodePlan:
    """One pull-away as generated: day indexes are days since the start of the history."""

    onset: int
    ramp_days: int  # days over which his level falls from 1 to ``depth``
    depth: float  # his level (share of his usual activity) at the bottom of the episode
    strategy: Strategy
    her_modes: tuple[int, ...]  # her behaviour on each withdrawal day (HER_*)
    her_quiet_level: float  # her initiations on let-go days, as a share of her usual
    latency_factor: float  # how much slower his replies are during the episode
    outcome: Outcome
    return_day: int | None  # the day of his first him-initiated return thread
    stop_day: int  # first day after the withdrawal (return day, history end, or silence)
    planned_days_to_return: float  # drawn time to return (censored when ongoing)
    after: After | None
    after_level: float
    after_days: int
    terminal_day: int | None  # break-up message day (ended) or his last day (faded)


def weekday_factors(rng: np.random.Generator) -> np.ndarray:
    """Seven multipliers (Monday first) with mean 1: each couple's weekly rhythm."""
    factors = np.exp(rng.normal(0.0, 0.12, 7))
    factors[5:] *= rng.uniform(0.7, 1.35)
    return np.asarray(factors / factors.mean())


def drift_series(rng: np.random.Generator, days: int, sd: float) -> np.ndarray:
    """A slow AR(1) wobble in log activity, mean 0."""
    shocks = rng.normal(0.0, sd * np.sqrt(1 - 0.9**2), days)
    out = np.empty(days)
    level = rng.normal(0.0, sd)
    for i, shock in enumerate(shocks):
        level = 0.9 * level + shock
        out[i] = level
    return np.asarray(out - out.mean() if days else out)


def noise_factors(
    rng: np.random.Generator, days: int, noise: Noise, blocked: np.ndarray
) -> tuple[np.ndarray, list[dict[str, object]]]:
    """Both-people multipliers for busy weeks, holidays and slow days, outside ``blocked``."""
    factor = np.ones(days)
    spells: list[dict[str, object]] = []
    years = days / 365.0
    kinds = (
        ("busy_week", noise.busy_weeks_per_year, (4, 9), (0.3, 0.6)),
        ("holiday", noise.holidays_per_year, (3, 11), (0.0, 0.0)),
        ("slow_day", noise.slow_days_per_year, (1, 2), (0.2, 0.5)),
    )
    for name, per_year, (short, long), (low, high) in kinds:
        for _ in range(int(rng.poisson(per_year * years))):
            length = int(rng.integers(short, long))
            first = int(rng.integers(14, max(15, days - length)))
            span = slice(first, min(days, first + length))
            if blocked[span].any() or (factor[span] != 1.0).any():
                continue
            factor[span] = rng.uniform(low, high) if high > 0 else 0.0
            spells.append({"kind": name, "first": first, "days": span.stop - first})
    spells.sort(key=lambda s: int(str(s["first"])))
    return factor, spells


# What she does on each day of an episode.
HER_USUAL, HER_QUIET, HER_CHASE = 0, 1, 2


@dataclass(frozen=True)
class EpisodeSettings:
    """The generative knobs of the episodes (recorded in ``truth["params"]``)."""

    count: int | None
    strategy_mix: dict[Strategy, float]
    strategies: tuple[Strategy, ...] | None
    let_go_effect: float
    ongoing: bool
    terminal_probability: float
    return_median_days: float
    warmup_days: int


def plan_episodes(
    rng: np.random.Generator, days: int, settings: EpisodeSettings
) -> tuple[list[EpisodePlan], int]:
    """Place the episodes in the history; return them and the history's length in days.

    Episodes follow each other with connected stretches of 20-80 days between them. Only
    the last one can be ongoing (cut by the end of the export) or terminal (faded or
    ended), and a terminal one shortens the history to its silent tail.
    """
    wanted = _episode_count(rng, days, settings)
    if wanted == 0:
        return [], days
    strategies = _strategies(rng, wanted, settings)
    final_elapsed = int(rng.integers(5, 22)) if settings.ongoing else 0
    limit = days - final_elapsed - 25 if settings.ongoing else days
    regular = wanted - 1 if settings.ongoing else wanted
    plans: list[EpisodePlan] = []
    onset = settings.warmup_days + int(rng.integers(0, 30))
    for i in range(regular):
        strategy = strategies[i]
        to_return = _time_to_return(rng, strategy, settings)
        is_last = i == regular - 1 and not settings.ongoing
        terminal = is_last and rng.random() < _terminal_probability(strategy, settings)
        need = 20 + 46 if terminal else int(to_return) + 21
        if onset + need > limit:
            break
        gap_after = int(rng.integers(20, 80))
        if terminal:
            plan = _terminal_episode(rng, onset, strategy, to_return)
        else:
            plan = _returned_episode(rng, onset, strategy, to_return, gap_after)
        plans.append(plan)
        onset = plan.stop_day + (gap_after if not terminal else 0)
    if settings.ongoing:
        onset = days - final_elapsed
        if not plans or onset - plans[-1].stop_day >= 20:
            strategy = strategies[-1]
            to_return = max(_time_to_return(rng, strategy, settings), final_elapsed + 1.0)
            plans.append(_ongoing_episode(rng, onset, days, strategy, to_return))
    history_days = days
    last = plans[-1] if plans else None
    if last is not None and last.terminal_day is not None:
        history_days = min(days, last.terminal_day + int(rng.integers(24, 46)))
    return plans, history_days


def _episode_count(rng: np.random.Generator, days: int, settings: EpisodeSettings) -> int:
    if settings.strategies is not None:
        return len(settings.strategies)
    if settings.count is not None:
        return settings.count
    return max(1, round((days - settings.warmup_days) / rng.uniform(70, 130)))


def _strategies(
    rng: np.random.Generator, count: int, settings: EpisodeSettings
) -> tuple[Strategy, ...]:
    if settings.strategies is not None:
        return settings.strategies
    names = list(settings.strategy_mix)
    weights = np.array([settings.strategy_mix[n] for n in names], dtype=float)
    picks = rng.choice(len(names), size=count, p=weights / weights.sum())
    return tuple(names[int(k)] for k in picks)


def _effect_sign(strategy: Strategy) -> float:
    """-1 for let go, +1 for chased, 0 for mixed: how the let-go effect shifts each group."""
    return {"let_go": -1.0, "chased": 1.0, "mixed": 0.0}[strategy]


def _time_to_return(
    rng: np.random.Generator, strategy: Strategy, settings: EpisodeSettings
) -> float:
    """Days from onset to his return: lognormal around a history-wide median.

    A positive let-go effect shortens let-go episodes by exp(-effect) and lengthens chased
    ones by exp(effect); mixed ones keep the median. Clipped to 4-40 days.
    """
    scale = settings.return_median_days * np.exp(_effect_sign(strategy) * settings.let_go_effect)
    return float(np.clip(round(scale * rng.lognormal(0.0, 0.4)), 4, 40))


def _terminal_probability(strategy: Strategy, settings: EpisodeSettings) -> float:
    """Chance that the last (not ongoing) episode fades or ends; the effect shifts its log-odds."""
    p = min(max(settings.terminal_probability, 1e-6), 1 - 1e-6)
    logit = np.log(p / (1 - p)) + _effect_sign(strategy) * settings.let_go_effect
    return float(1 / (1 + np.exp(-logit)))


def _her_modes(rng: np.random.Generator, strategy: Strategy, length: int) -> tuple[int, ...]:
    """Her behaviour on each episode day: usual for a day or two, then her strategy."""
    notice = min(int(rng.integers(0, 3)), max(length - 1, 0))
    rest = length - notice
    if strategy == "let_go":
        tail = [HER_QUIET] * rest
    elif strategy == "chased":
        tail = [HER_CHASE] * rest
    else:
        split = max(1, min(rest - 1, round(rest * rng.uniform(0.35, 0.65))))
        first, second = (HER_QUIET, HER_CHASE) if rng.random() < 0.5 else (HER_CHASE, HER_QUIET)
        tail = [first] * split + [second] * (rest - split)
    return tuple([HER_USUAL] * notice + tail)


@dataclass(frozen=True)
class _Shape:
    """How deep and how fast his withdrawal is, and how quiet she is when she lets go."""

    ramp_days: int
    depth: float
    her_quiet_level: float
    latency_factor: float

    @classmethod
    def draw(cls, rng: np.random.Generator) -> _Shape:
        return cls(
            ramp_days=int(rng.integers(0, 3)),
            depth=float(rng.uniform(0.1, 0.6)),
            her_quiet_level=float(rng.uniform(0.03, 0.25)),
            latency_factor=float(rng.uniform(3.0, 20.0)),
        )


def _returned_episode(
    rng: np.random.Generator, onset: int, strategy: Strategy, to_return: float, gap_after: int
) -> EpisodePlan:
    length = int(to_return)
    after: After = AFTERS[int(rng.choice(3, p=[0.35, 0.4, 0.25]))]
    low, high = {"stronger": (1.15, 1.5), "same": (0.9, 1.1), "weaker": (0.6, 0.8)}[after]
    return EpisodePlan(
        onset=onset,
        strategy=strategy,
        her_modes=_her_modes(rng, strategy, length),
        outcome="returned",
        return_day=onset + length,
        stop_day=onset + length,
        planned_days_to_return=to_return,
        after=after,
        after_level=float(rng.uniform(low, high)),
        after_days=min(int(rng.integers(14, 41)), gap_after - 5),
        terminal_day=None,
        **_Shape.draw(rng).__dict__,
    )


def _terminal_episode(
    rng: np.random.Generator, onset: int, strategy: Strategy, to_return: float
) -> EpisodePlan:
    length = int(rng.integers(4, 20))
    outcome: Outcome = "ended" if rng.random() < 0.5 else "faded"
    return EpisodePlan(
        onset=onset,
        strategy=strategy,
        her_modes=_her_modes(rng, strategy, length),
        outcome=outcome,
        return_day=None,
        stop_day=onset + length,
        planned_days_to_return=to_return,
        after=None,
        after_level=0.0,
        after_days=0,
        terminal_day=onset + length,
        **_Shape.draw(rng).__dict__,
    )


def _ongoing_episode(
    rng: np.random.Generator, onset: int, days: int, strategy: Strategy, to_return: float
) -> EpisodePlan:
    return EpisodePlan(
        onset=onset,
        strategy=strategy,
        her_modes=_her_modes(rng, strategy, days - onset),
        outcome="ongoing",
        return_day=None,
        stop_day=days,
        planned_days_to_return=to_return,
        after=None,
        after_level=0.0,
        after_days=0,
        terminal_day=None,
        **_Shape.draw(rng).__dict__,
    )
