"""``simulate()``: a realistic two-person chat history with known pull-away episodes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import polars as pl

from pullaway.simulate.generator import Style, generate, json_safe
from pullaway.simulate.phrases import LANGUAGES, Language
from pullaway.simulate.plan import STRATEGIES, EpisodeSettings, Noise, Strategy, plan_episodes
from pullaway.simulate.truth import build_truth

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence


DEFAULT_STRATEGY_MIX: Final[dict[Strategy, float]] = {"let_go": 0.4, "chased": 0.4, "mixed": 0.2}
DEFAULT_NOISE: Final = Noise()
MIN_DAYS = 60


@dataclass(frozen=True)
class SimulatedChat:
    """A simulated chat: ``messages`` (MESSAGE_SCHEMA) and ``truth`` (shaped like analyze --json).

    ``truth["params"]`` holds every generative parameter, the drawn ones included.
    """

    messages: pl.DataFrame
    truth: dict[str, Any]


def simulate(
    *,
    seed: int,
    days: int = 420,
    language: Language = "en",
    me: str = "Maya",
    them: str = "Leo",
    rate: float = 40.0,
    episodes: int | None = None,
    strategy_mix: Mapping[Strategy, float] | None = None,
    strategies: Sequence[Strategy] | None = None,
    let_go_effect: float = 0.0,
    noise: Noise = DEFAULT_NOISE,
    ongoing: bool = True,
    start: date = date(2025, 1, 6),
    terminal_probability: float = 0.25,
    return_median_days: float | None = None,
    second_phrase_share: float = 0.0,
) -> SimulatedChat:
    """Generate ``days`` days of chat between ``me`` (her) and ``them`` (him).

    rate: his and her messages per ordinary day, together.
    episodes: how many pull-aways (None: about one per 70-130 days; 0: none at all).
    strategy_mix: chance of each strategy per episode; strategies: one per episode, fixed
        (overrides ``episodes`` and ``strategy_mix``).
    let_go_effect: > 0 makes his return after a let-go episode faster (time scale x e^-effect;
        chased x e^+effect) and a final fade or break-up less likely; < 0 the reverse.
    noise: quiet spells shared by both (busy weeks, holidays, slow days) and slow drift.
    ongoing: the last episode is still open when the export ends.
    terminal_probability: chance that the last episode (when not ongoing) fades or ends.
    return_median_days: median days to return before the let-go effect (None: drawn 6-16).
    second_phrase_share: chance that a text message carries a second phrase of its category
        after the first (a longer message: real chats average about five words a text, the
        phrase banks about four); 0 leaves every text one phrase, as the analysis tests expect.

    >>> chat = simulate(seed=1, days=120, episodes=1)
    >>> chat.truth["now"]["phase"], chat.messages.height > 1000
    ('pulling_away', True)
    """
    _check(
        days=days,
        language=language,
        rate=rate,
        episodes=episodes,
        second_phrase_share=second_phrase_share,
    )
    rng = np.random.default_rng(seed)
    mix = dict(strategy_mix or DEFAULT_STRATEGY_MIX)
    settings = EpisodeSettings(
        count=episodes,
        strategy_mix=mix,
        strategies=tuple(strategies) if strategies is not None else None,
        let_go_effect=let_go_effect,
        ongoing=ongoing,
        terminal_probability=terminal_probability,
        return_median_days=return_median_days or float(rng.uniform(6.0, 16.0)),
        warmup_days=int(rng.integers(42, 70)),
    )
    style = Style.draw(rng, rate, me, them)
    plans, history_days = plan_episodes(rng, days, settings)
    generated = generate(
        rng,
        days=history_days,
        plans=plans,
        noise=noise,
        style=style,
        language=language,
        start=start,
        second_phrase_share=second_phrase_share,
    )
    params = {
        "seed": seed,
        "days": days,
        "history_days": history_days,
        "language": language,
        "me": me,
        "them": them,
        "rate": rate,
        "episodes": episodes,
        "episodes_placed": len(plans),
        "strategy_mix": mix,
        "strategies": list(strategies) if strategies is not None else None,
        "let_go_effect": let_go_effect,
        "noise": noise.to_json(),
        "ongoing": ongoing,
        "start": start.isoformat(),
        "terminal_probability": terminal_probability,
        "return_median_days": settings.return_median_days,
        "second_phrase_share": second_phrase_share,
        "warmup_days": settings.warmup_days,
        "style": {
            "threads_per_day": style.threads_per_day,
            "his_share": style.his_share,
            "turns": style.turns,
            "pause_minutes": style.pause_minutes,
            "her": style.her.to_json(),
            "him": style.him.to_json(),
        },
        "plans": [p.__dict__ for p in plans],
        "noise_spells": generated.noise_spells,
    }
    truth = build_truth(generated, plans, start=start, me=me, them=them, params=json_safe(params))
    return SimulatedChat(messages=generated.messages, truth=truth)


def _check(
    *, days: int, language: str, rate: float, episodes: int | None, second_phrase_share: float
) -> None:
    problems = []
    if days < MIN_DAYS:
        problems.append(f"days={days} (need at least {MIN_DAYS} for a baseline)")
    if language not in LANGUAGES:
        problems.append(f"language={language!r} (supported: {', '.join(LANGUAGES)})")
    if not rate > 0:
        problems.append(f"rate={rate} (must be > 0)")
    if episodes is not None and episodes < 0:
        problems.append(f"episodes={episodes} (must be >= 0)")
    if not 0 <= second_phrase_share <= 1:
        problems.append(f"second_phrase_share={second_phrase_share} (must be 0-1)")
    if problems:
        msg = "cannot simulate with " + "; ".join(problems)
        raise ValueError(msg)


__all__ = ["STRATEGIES", "SimulatedChat", "simulate"]
