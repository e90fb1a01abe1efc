"""Episode detection on seeded synthetic chats: real pull-aways found, shared quiet not."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import numpy as np
import polars as pl
import pytest

from _chatgen import ME, analysed, make_chat, onset_of, plan_days
from pullaway.analysis import Settings, analyze
from pullaway.analysis.episodes import change_points, his_drop_is_his, slow_limit, week_is_low


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


def _quiet_exchanges(
    first: int, last: int, *, his_delay_hours: int
) -> list[tuple[int, int, str, str]]:
    """One short exchange a day: she writes at noon, he answers ``his_delay_hours`` later."""
    extra = []
    for day in range(first, last):
        extra.append((day, 12, "me", "went to yoga today"))
        extra.append((day, 12 + his_delay_hours, "them", "nice"))
    return extra


def test_let_go_where_she_goes_quiet_a_day_after_him_is_found() -> None:
    # He slows down from day 60; she writes as usual that day (the let_go segment's first
    # day), then goes as quiet as he is: both still swap a message a day, his hours late.
    plan = [("normal", 60), ("let_go", 10), ("return", 30)]
    extra = _quiet_exchanges(62, 70, his_delay_hours=6)
    result = analyze(make_chat(plan, seed=3, extra=extra), me=ME)
    assert len(result.episodes) == 1
    episode = result.episodes[0]
    assert abs((episode.onset - plan_days(plan)["let_go"][0]).days) <= 2
    assert episode.strategy == "let_go"


def test_holiday_with_a_few_quick_messages_is_not_a_pull_away() -> None:
    # Both nearly silent for a week from the same day, and he answers her at once: shared.
    plan = [("normal", 60), ("holiday", 7), ("normal", 30)]
    extra = _quiet_exchanges(61, 67, his_delay_hours=0)
    assert analyze(make_chat(plan, seed=3, extra=extra), me=ME).episodes == ()


def test_busy_week_is_not_a_pull_away_at_any_seed() -> None:
    plan = [("normal", 60), ("busy", 7), ("normal", 30)]
    for seed in (1, 2, 3):
        assert analyze(make_chat(plan, seed=seed), me=ME).episodes == ()


def test_evidence_that_the_drop_is_his() -> None:
    # He answers as fast as usual, but turns away from her bids: 5 bids, none answered.
    days = pl.DataFrame(
        {
            "latency_minutes": [5.0] * 6,
            "baseline_latency_minutes": [5.0] * 6,
            "baseline_latency_high_minutes": [8.0] * 6,
            "her_messages": [2, 1, 1, 1, 0, 0],
            "her_baseline_messages": [20.0] * 6,
            "bids": [2, 1, 1, 1, 0, 0],
            "turned_toward": [0] * 6,
            "baseline_turn_toward": [0.9] * 6,
        }
    )
    s = Settings()
    assert days.select(his_drop_is_his(s))["his_own"].to_list() == [True] + [False] * 5
    # No reply of his at all while she still writes: her messages go unanswered.
    unanswered = days.with_columns(pl.lit(None, dtype=pl.Float64).alias("latency_minutes"))
    assert unanswered.select(his_drop_is_his(s))["his_own"].to_list()[:4] == [True] * 4
    # Both silent: a holiday, nothing is his.
    holiday = unanswered.with_columns(pl.lit(0).alias("her_messages"), pl.lit(0).alias("bids"))
    assert not any(holiday.select(his_drop_is_his(s))["his_own"])
    # His replies 4x slower than usual on 2 of the 4 days.
    slow = days.with_columns(pl.Series("latency_minutes", [20.0, 5.0, 20.0, 20.0, 5.0, 5.0]))
    slow = slow.with_columns(pl.lit(1).alias("turned_toward"))
    assert slow.select(his_drop_is_his(s))["his_own"].to_list()[:2] == [True, True]


def test_slow_means_slow_for_him_and_one_late_reply_counts_when_he_barely_answers() -> None:
    # Quiet chat: his usual days vary widely (90th percentile 60 min against a 5 min median),
    # so replies of 20 min (4x his median) on every day are within his usual: not his drop.
    days = pl.DataFrame(
        {
            "latency_minutes": [20.0, 20.0, 20.0, 20.0, 5.0, 5.0],
            "baseline_latency_minutes": [5.0] * 6,
            "baseline_latency_high_minutes": [60.0] * 6,
            "her_messages": [2, 1, 1, 1, 0, 0],
            "her_baseline_messages": [20.0] * 6,
            "bids": [1, 0, 0, 0, 0, 0],
            "turned_toward": [1, 0, 0, 0, 0, 0],
            "baseline_turn_toward": [0.9] * 6,
        }
    )
    s = Settings()
    assert not any(days.select(his_drop_is_his(s))["his_own"])
    loose = days.with_columns(pl.lit(8.0).alias("baseline_latency_high_minutes"))
    assert loose.select(his_drop_is_his(s))["his_own"].to_list()[:3] == [True] * 3
    # He answered once in four days, 3 hours late, while she wrote: that one reply is his.
    sparse = days.with_columns(
        pl.Series("latency_minutes", [180.0, None, None, None, None, None], dtype=pl.Float64)
    )
    assert sparse.select(his_drop_is_his(s))["his_own"][0]
    assert not sparse.select(his_drop_is_his(replace(s, sparse_reply_days=0)))["his_own"][0]
    # Both nearly silent (she wrote one "good night"): one late reply is not enough.
    shared = sparse.with_columns(pl.lit(0).alias("bids"), pl.lit(0).alias("her_messages"))
    assert not any(shared.select(his_drop_is_his(s))["his_own"])


def test_slow_limit_is_the_larger_of_rise_and_his_usual_spread() -> None:
    frame = pl.DataFrame(
        {
            "baseline_latency_minutes": [10.0, 10.0, 0.1],
            "baseline_latency_high_minutes": [15.0, 90.0, None],
        }
    )
    limits = frame.select(slow_limit(Settings()).alias("limit"))["limit"].to_list()
    assert limits == [25.0, 90.0, 2.5]  # 2.5 x 10; his 90th percentile; 2.5 x the 1 min floor


def test_a_week_well_below_his_usual_triggers_in_a_quiet_chat() -> None:
    # His usual is 3 a day; a week with 4 messages (19% of 21, z = -3.7) is low, while a
    # busy-chat week at 70% of usual is not (share above long_share).
    quiet = pl.DataFrame({"messages": [1, 0, 1, 0, 1, 0, 1], "baseline_messages": [3.0] * 7})
    assert quiet.select(week_is_low(Settings()).alias("low"))["low"].to_list()[-1]
    chance = pl.DataFrame({"messages": [2, 3, 1, 2, 3, 2, 2], "baseline_messages": [3.0] * 7})
    assert not chance.select(week_is_low(Settings()).alias("low"))["low"].to_list()[-1]  # 15/21
    busy = pl.DataFrame({"messages": [35] * 7, "baseline_messages": [50.0] * 7})
    assert not busy.select(week_is_low(Settings()).alias("low"))["low"].to_list()[-1]
