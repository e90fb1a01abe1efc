"""Episode detection on seeded synthetic chats: real pull-aways found, shared quiet not."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest

from _chatgen import ME, analysed, make_chat, onset_of, plan_days
from pullaway.analysis import Settings, analyze
from pullaway.analysis.episodes import change_points, detect_episodes
from pullaway.analysis.withdrawal import (
    DayData,
    day_evidence,
    language_evidence,
    most_likely_states,
    reply_evidence,
    spans,
)


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


def test_clear_when_model_and_change_point_agree() -> None:
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


def test_a_busy_week_both_talk_about_is_not_a_pull_away() -> None:
    plan = [("normal", 60), ("busy", 7), ("normal", 30)]
    said = [
        (day, hour, who, text)
        for day in range(60, 67)
        for hour, who, text in ((13, "them", "so busy today, talk later"), (20, "me", "busy!!"))
    ]
    for seed in (1, 2, 3):
        assert analyze(make_chat(plan, seed=seed, extra=said), me=ME).episodes == ()


def test_busy_said_on_an_ordinary_day_is_not_a_pull_away() -> None:
    plan = [("normal", 90)]
    said = [(day, 13, "them", "busy, talk later") for day in (30, 31, 50)]
    assert analyze(make_chat(plan, seed=4, extra=said), me=ME).episodes == ()


def _days(his: list[float], hers: list[float], replies: list[tuple[int, float]]) -> DayData:
    """A DayData of his and her daily counts and (day, his reply minutes or NaN) pairs."""
    start = date(2025, 1, 1)
    return DayData(
        days=tuple(start + timedelta(days=i) for i in range(len(his))),
        his=np.array(his, dtype=float),
        hers=np.array(hers, dtype=float),
        reply_day=np.array([d for d, _ in replies], dtype=np.int64),
        log_reply=np.log1p(np.array([m for _, m in replies], dtype=float)),
        unanswered=np.isnan(np.array([m for _, m in replies], dtype=float)),
    )


def test_his_silence_while_she_writes_is_evidence_and_a_shared_silence_is_not() -> None:
    usual = [10.0] * 60
    keep = np.ones(61, dtype=bool)
    s = Settings()
    his_alone = _days([*usual, 0.0], [*usual, 10.0], [])
    both = _days([*usual, 0.0], [*usual, 0.0], [])
    count_alone, _, _ = day_evidence(his_alone, keep, s)
    count_both, _, _ = day_evidence(both, keep, s)
    assert count_alone[-1] > 3.0  # ten expected, none written: strongly withdrawn
    assert abs(count_both[-1]) < 1.0  # a holiday: nothing about him in it
    half = _days([*usual, 5.0], [*usual, 10.0], [])
    assert 0 < day_evidence(half, keep, s)[0][-1] < count_alone[-1]  # half: weaker evidence


def test_slow_replies_and_unanswered_messages_are_evidence() -> None:
    replies = [(day, 5.0 + day % 3) for day in range(30)]
    keep = np.ones(32, dtype=bool)
    s = Settings()
    slow = _days([10.0] * 32, [10.0] * 32, [*replies, (30, 120.0), (30, 200.0)])
    assert reply_evidence(slow, keep, s)[30] > 2.0  # 20-30x his usual 6 minutes
    assert reply_evidence(slow, keep, s)[0] < 0  # a usual reply says "connected"
    unanswered = _days([10.0] * 32, [10.0] * 32, [*replies, (31, float("nan"))])
    assert reply_evidence(unanswered, keep, s)[31] > 1.0
    few = _days([10.0] * 32, [10.0] * 32, [(0, 5.0), (31, 600.0)])
    assert not reply_evidence(few, keep, s).any()  # too few replies to know his usual


def test_one_bad_day_is_not_a_withdrawal_but_a_week_of_weaker_signs_is() -> None:
    one_day = np.array([-1.0] * 20 + [5.0] + [-1.0] * 20)
    assert not most_likely_states(one_day, start=0.001, stay=0.92).any()
    week = np.array([-1.0] * 20 + [2.5] * 7 + [-1.0] * 20)
    path = most_likely_states(week, start=0.001, stay=0.92)
    assert np.flatnonzero(path).tolist() == list(range(20, 27))


def test_a_quiet_chat_week_at_a_third_of_his_usual_is_withdrawn() -> None:
    # Three messages a day from him, then a week of one a day with slow replies while she
    # writes as usual.
    rng = np.random.default_rng(5)
    his = [float(x) for x in rng.poisson(3.0, 60)] + [1.0] * 7 + [3.0] * 30
    hers = [float(x) for x in rng.poisson(3.0, 97)]
    replies = [(d, float(rng.lognormal(2.0, 0.8))) for d in range(97) if not 60 <= d < 67]
    replies += [(d, 300.0) for d in range(60, 67)]
    days = _days(his, hers, sorted(replies))
    path = most_likely_states(
        sum(day_evidence(days, np.ones(97, dtype=bool), Settings())[:2]),
        start=0.001,
        stay=0.92,
    )
    runs = spans(path, merge_gap_days=5, min_days=3)
    assert len(runs) == 1
    assert abs(runs[0][0] - 60) <= 1
    assert runs[0][1] is not None
    assert abs(runs[0][1] - 67) <= 1


def test_spans_merge_close_runs_and_drop_short_ones() -> None:
    path = np.array([0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1], dtype=bool)
    assert spans(path, merge_gap_days=2, min_days=3) == [(1, 9)]
    assert spans(path, merge_gap_days=0, min_days=2) == [(1, 4), (6, 9), (16, None)]


def test_a_quiet_weekday_that_is_usual_for_him_is_not_evidence() -> None:
    # Ten weeks: 20 messages a day from both, but only 4 on Sundays, every week.
    start = date(2025, 1, 6)  # a Monday
    his = [4.0 if (start + timedelta(days=i)).weekday() == 6 else 20.0 for i in range(70)]
    days = _days(his, [20.0] * 70, [])
    count, _, usual = day_evidence(days, np.ones(70, dtype=bool), Settings())
    sundays = [i for i in range(70) if i % 7 == 6]
    assert usual[sundays[3]] < 0.6 * usual[sundays[3] - 1]  # his usual knows his Sundays
    assert not most_likely_states(count, start=0.001, stay=0.92).any()
    wednesday = _days([*his[:65], 4.0, *his[66:]], [20.0] * 70, [])  # day 65 is a Wednesday
    odd = day_evidence(wednesday, np.ones(70, dtype=bool), Settings())[0]
    assert odd[65] > count[sundays[4]] + 1.0  # 4 on a Wednesday says more than on a Sunday


def test_how_far_a_withdrawn_count_follows_her_is_a_setting() -> None:
    # Both write 2 of their usual 20 (she gave him space, or a quiet day they share). Were
    # a withdrawn man's count to follow hers fully, his 2 would say "connected"; as he
    # writes little whatever she does, the day says little either way.
    days = _days([20.0] * 60 + [2.0], [20.0] * 60 + [2.0], [])
    keep = np.ones(61, dtype=bool)
    default = day_evidence(days, keep, Settings())[0][-1]
    follows = day_evidence(days, keep, Settings(withdrawn_follows_her=1.0))[0][-1]
    assert follows < -0.5
    assert abs(default) < abs(follows)


def _said(his: list[float], affection: list[float], cues: list[float]) -> DayData:
    """A DayData of his daily counts and how many of his messages were warm or withdrawn."""
    days = _days(his, [10.0] * len(his), [])
    return DayData(
        **{**days.__dict__, "his_affection": np.array(affection), "his_cues": np.array(cues)}
    )


def test_withdrawal_cues_and_lost_warmth_are_evidence() -> None:
    s = Settings()
    usual = 40  # warm days: 10 messages, 2 of them affectionate, no cue
    data = _said(
        [10.0] * usual + [10.0, 10.0, 10.0, 3.0],
        [2.0] * usual + [2.0, 0.0, 0.0, 0.0],
        [0.0] * usual + [0.0, 0.0, 3.0, 3.0],
    )
    keep = np.arange(usual + 4) < usual
    llr = language_evidence(data, keep, s)
    assert llr[0] < 0  # his usual warmth says "connected"
    assert llr[usual + 1] > 0  # ten messages without a warm word
    assert llr[usual + 2] > llr[usual + 1] + 3  # and three "busy" among them
    assert llr[usual + 3] == max(s.language_evidence_clip)  # one day cannot decide alone
    her_busy = np.zeros(usual + 4)
    her_busy[usual + 1] = 1.0  # she said "busy" the day before his first "busy"
    shared = DayData(**{**data.__dict__, "her_cues": her_busy})
    shared_llr = language_evidence(shared, keep, s)
    warmth_only = language_evidence(data, keep, Settings(withdrawn_cue_rise=0.0))
    assert shared_llr[usual + 2] == pytest.approx(warmth_only[usual + 2])  # his cues say nothing
    untagged = _days([10.0] * 5, [10.0] * 5, [])
    assert not language_evidence(untagged, np.ones(5, bool), s).any()


def test_onset_moves_back_over_ambiguous_days_only() -> None:
    evidence = [-5.0] * 10 + [-3.0, 0.2, -0.4, 0.1, 4.0, 6.0, 6.0, 6.0, -5.0, -5.0]
    withdrawn = [False] * 14 + [True] * 4 + [False] * 2
    days = pl.DataFrame(
        {
            "day": [date(2025, 3, 1) + timedelta(days=i) for i in range(20)],
            "messages": [10.0] * 20,
            "usual_messages": [10.0] * 20,
            "evidence": evidence,
            "withdrawn": withdrawn,
        }
    )

    def onsets(settings: Settings) -> list[date]:
        return [ep.onset for ep in detect_episodes(days, settings=settings, confirm=False)]

    assert onsets(Settings()) == [date(2025, 3, 12)]  # not day 11, which says "connected"
    assert onsets(Settings(onset_lookback_days=0)) == [date(2025, 3, 15)]
