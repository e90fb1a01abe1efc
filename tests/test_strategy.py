"""Her strategy in an episode: the label and the numbers behind it."""

from __future__ import annotations

from _chatgen import analysed
from pullaway.analysis import Settings, StrategyCounts
from pullaway.analysis.strategy import classify


def test_silent_partner_let_go_with_counts() -> None:
    episode = analysed("let_go").episodes[0]
    counts = episode.counts
    assert episode.strategy == "let_go"
    assert counts.pleading_or_checking == 0
    assert counts.max_unanswered_streak <= 2
    assert counts.longest_silence_hours >= 72
    assert counts.her_per_day <= 0.5 * counts.her_baseline_per_day


def test_double_texting_are_you_ok_is_chasing() -> None:
    episode = analysed("chased").episodes[0]
    counts = episode.counts
    assert episode.strategy == "chased"
    assert counts.max_unanswered_streak >= 3
    assert counts.pleading_or_checking >= 2
    assert counts.double_texts >= 4


def _counts(**changes: float) -> StrategyCounts:
    base: dict[str, float] = {
        "her_messages": 5,
        "her_per_day": 0.5,
        "her_baseline_per_day": 20.0,
        "her_initiations": 1,
        "max_unanswered_streak": 1,
        "double_texts": 0,
        "pleading_or_checking": 0,
        "longest_silence_hours": 100.0,
        "her_to_his_ratio": 1.0,
    }
    base.update(changes)
    return StrategyCounts(**base)  # type: ignore[arg-type]


def test_rules_at_their_thresholds() -> None:
    assert classify(_counts(), 0) == "let_go"
    assert classify(_counts(max_unanswered_streak=3), 0) == "chased"
    assert classify(_counts(pleading_or_checking=2), 0) == "chased"
    assert classify(_counts(), 2) == "chased"  # two days with two double texts
    assert classify(_counts(her_per_day=25.0, her_to_his_ratio=3.0), 0) == "chased"
    assert classify(_counts(pleading_or_checking=1), 0) == "mixed"
    assert classify(_counts(longest_silence_hours=48.0), 0) == "mixed"
    assert classify(_counts(her_per_day=12.0), 0) == "mixed"


def test_thresholds_are_settings() -> None:
    strict = Settings(space_min_silence_hours=120.0)
    assert classify(_counts(), 0, settings=strict) == "mixed"
