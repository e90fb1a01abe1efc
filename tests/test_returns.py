"""His return, outcomes with censoring, the after, and Kaplan–Meier."""

from __future__ import annotations

import pytest

from _chatgen import analysed
from pullaway.analysis.returns import kaplan_meier, within_sentence


@pytest.mark.parametrize("name", ["let_go", "chased"])
def test_return_ten_days_after_onset(name: str) -> None:
    episode = analysed(name).episodes[0]
    assert episode.outcome == "returned"
    assert episode.days_to_return == pytest.approx(10, abs=2)
    assert episode.end is not None
    assert (episode.end - episode.onset).days == episode.days_to_return
    assert episode.after == "stronger"  # he is warmer and starts more threads afterwards


def test_open_episode_at_export_end_is_censored() -> None:
    result = analysed("ongoing")
    episode = result.episodes[0]
    assert episode.outcome == "ongoing"
    assert episode.end is None
    assert episode.days_to_return is None
    assert episode.after is None
    assert episode.observed_days == (result.chat.last.date() - episode.onset).days + 1


def test_break_up_message_ends_the_episode() -> None:
    episode = analysed("ending").episodes[0]
    assert episode.outcome == "ended"
    assert episode.days_to_return is None


def test_kaplan_meier_matches_hand_computation() -> None:
    # returns at 2, 3 and 5 days; censored at 3 and 8.
    # S(2) = 4/5; S(3) = 0.8 * 3/4 = 0.6 (the censored 3 stays at risk at 3);
    # S(5) = 0.6 * 1/2 = 0.3 (at risk: 5 and 8); the median is 5, where S first <= 0.5.
    curve, median = kaplan_meier([2, 3, 3, 5, 8], [True, True, False, True, False])
    assert curve["days"].to_list() == [0.0, 2.0, 3.0, 5.0, 8.0]
    assert curve["survival"].to_list() == pytest.approx([1.0, 0.8, 0.6, 0.3, 0.3])
    assert curve["at_risk"].to_list() == [5, 5, 4, 2, 1]
    assert median == 5.0
    lower, upper = curve["lower"].to_list(), curve["upper"].to_list()
    assert all(lo <= s <= hi for lo, s, hi in zip(lower, curve["survival"], upper, strict=True))


def test_no_median_unless_the_curve_crosses_half() -> None:
    curve, median = kaplan_meier([4, 9, 12], [True, False, False])
    assert curve["survival"].min() == pytest.approx(2 / 3, abs=1e-4)
    assert median is None


def test_all_censored_gives_a_flat_curve() -> None:
    curve, median = kaplan_meier([5, 7], [False, False])
    assert curve["survival"].to_list() == [1.0]
    assert median is None


def test_history_phrase() -> None:
    times, back = [6, 3, 9, 20, 5, 30], [True, True, True, False, True, True]
    assert within_sentence(times, back) == "half of them within 6 days"
