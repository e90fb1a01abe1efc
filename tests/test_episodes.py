"""Episode detection on seeded synthetic chats: real pull-aways found, shared quiet not."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from _chatgen import analysed, onset_of
from pullaway.analysis.episodes import change_points


@pytest.mark.parametrize("name", ["let_go", "chased", "ongoing", "ending"])
def test_onset_is_found_within_two_days(name: str) -> None:
    planned = onset_of(name, {"chased": "chased", "ending": "ending"}.get(name, "let_go"))
    episodes = analysed(name).episodes
    assert len(episodes) == 1
    assert abs((episodes[0].onset - planned).days) <= 2


@pytest.mark.parametrize("name", ["busy", "holiday", "slow"])
def test_shared_quiet_or_one_slow_day_is_not_a_pull_away(name: str) -> None:
    assert analysed(name).episodes == ()
    assert analysed(name).now.phase == "connected"


def test_clear_when_rule_and_change_point_agree() -> None:
    episode = analysed("let_go").episodes[0]
    assert episode.confidence == "clear"
    assert episode.depth < 0.2  # his 3-day messages fell below a fifth of his usual


def test_daily_marks_episode_days_for_him_only() -> None:
    result = analysed("let_go")
    episode = result.episodes[0]
    assert episode.end is not None
    marked = result.daily.filter(result.daily["in_episode"])
    assert set(marked["person"]) == {"them"}
    assert marked["day"].min() == episode.onset
    assert marked["day"].max() == episode.end - timedelta(days=1)


def test_change_points_find_a_level_shift() -> None:
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.normal(3, 0.2, 40), rng.normal(0.3, 0.2, 9), rng.normal(3, 0.2, 30)])
    points = change_points(x)
    assert any(abs(p - 40) <= 2 for p in points)
    assert any(abs(p - 49) <= 2 for p in points)


def test_change_points_on_flat_noise_find_nothing() -> None:
    x = np.random.default_rng(4).normal(3, 0.2, 80)
    assert change_points(x) == []
