"""analyze(): the JSON contract, errors people can act on, comparison honesty, speed."""

from __future__ import annotations

import json
import re
from dataclasses import fields
from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from _chatgen import ME, THEM, analysed, scenario, to_frame
from pullaway.analysis import Episode, Settings, StrategyCounts, analyze
from pullaway.analysis.comparison import compare
from pullaway.analysis.pipeline import _tag_by_role
from pullaway.analysis.safety import ending_decision
from pullaway.analysis.signals import normalised, signal_expr
from pullaway.errors import NotEnoughData

ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def test_json_has_the_spec_fields() -> None:
    data = json.loads(json.dumps(analysed("let_go").to_json()))
    assert set(data["chat"]) >= {"name", "me", "them", "messages", "first", "last"}
    assert (data["chat"]["me"], data["chat"]["them"]) == (ME, THEM)
    (episode,) = data["episodes"]
    assert ISO_DAY.match(episode["onset"])
    assert ISO_DAY.match(episode["end"])
    assert episode["strategy"] in ("let_go", "chased", "mixed")
    assert episode["outcome"] in ("returned", "ongoing", "faded", "ended")
    assert isinstance(episode["days_to_return"], float)
    assert episode["after"] in ("stronger", "same", "weaker")
    assert [m["number"] for m in episode["mechanisms"]] == list(range(1, 10))
    for m in episode["mechanisms"]:
        assert m["verdict"] in ("consistent", "inconsistent", "no_signal", "not_observable")
        for e in m["evidence"]:
            assert set(e) == {"timestamp", "sender", "text"}
    for group in ("let_go", "chased"):
        assert set(data["comparison"][group]) >= {"episodes", "returned", "median_days_to_return"}
    assert data["comparison"]["enough_data"] is False
    assert set(data["now"]) >= {"phase", "since", "strategy"}
    assert set(data["safety"]) >= {"ending", "concern"}
    assert data["settings"]["baseline_days"] == 28


def test_ongoing_json_is_censored() -> None:
    data = analysed("ongoing").to_json()
    (episode,) = data["episodes"]
    assert (episode["end"], episode["outcome"], episode["days_to_return"]) == (
        None,
        "ongoing",
        None,
    )
    assert data["now"]["phase"] == "pulling_away"


def test_today_sets_days_into_the_phase() -> None:
    messages = scenario("ongoing")
    last = analysed("ongoing").chat.last.date()
    later = analyze(messages, me=ME, today=last + timedelta(days=5))
    assert later.now.days == analysed("ongoing").now.days + 5
    assert later.episodes[0].observed_days == analysed("ongoing").episodes[0].observed_days


def test_unknown_me_says_who_is_in_the_chat() -> None:
    with pytest.raises(NotEnoughData, match=r"'Alex' wrote no message.*'Sam'.*'Maya'"):
        analyze(scenario("busy"), me="Alex")


def test_short_chat_has_no_episodes_and_says_why() -> None:
    short = scenario("busy").filter(pl.col("timestamp") < pl.datetime(2024, 1, 10))
    result = analyze(short, me=ME)
    assert result.episodes == ()
    assert any("Not enough history" in n for n in result.notes)


@pytest.mark.parametrize("days", [1, 2, 3, 4, 5])
def test_a_chat_of_a_few_days_is_analysed_not_a_crash(days: int) -> None:
    # Her "busy" near his days used a window wider than the whole chat (a crash below 5 days).
    start = datetime(2024, 3, 4, 9)
    rows = [
        (start + timedelta(days=day, hours=hour), sender, text)
        for day in range(days)
        for hour, sender, text in ((0, ME, "so busy today"), (1, THEM, "ok"), (2, THEM, "busy"))
    ]
    result = analyze(to_frame(rows), me=ME)
    assert result.episodes == ()
    assert result.daily.filter(pl.col("person") == "them").height == days


def _episode(strategy: str, days: float | None, observed: float) -> Episode:
    counts = StrategyCounts(1, 0.1, 20.0, 0, 1, 0, 0, 80.0, 1.0)
    return Episode(
        number=1,
        onset=date(2024, 1, 1),
        end=None,
        strategy=strategy,  # type: ignore[arg-type]
        counts=counts,
        outcome="returned" if days is not None else "ongoing",
        days_to_return=days,
        after="same" if days is not None else None,
        confidence="clear",
        depth=0.1,
        summary="",
        observed_days=observed,
    )


def test_comparison_needs_five_per_group() -> None:
    let_go = [_episode("let_go", d, d) for d in (3, 5, 6, 9)]
    chased = [_episode("chased", d, d) for d in (4, 8, 12, 15, 20)] + [_episode("chased", None, 30)]
    few = compare(let_go + chased)
    assert not few.enough_data
    assert few.wording.startswith("Too few episodes to compare: 4 let go and 6 chased")
    enough = compare([*let_go, _episode("let_go", 7, 7), *chased])
    assert enough.enough_data
    assert enough.let_go.median_days_to_return == 6.0
    assert enough.chased.returned == 5
    assert enough.chased.median_days_to_return == 12.0
    assert "not a cause" in enough.wording
    assert (enough.let_go.stronger, enough.let_go.weaker) == (0, 0)  # all "same" here
    assert compare(chased, settings=Settings(min_group_episodes=6)).enough_data is False


def test_settings_round_trip() -> None:
    changed = Settings(merge_gap_days=3, withdrawn_levels=(0.1, 0.4), thread_gap_hours=None)
    assert Settings.from_json(changed.to_json()) == changed
    assert all(Settings.describe().values())


def test_every_setting_is_documented_with_its_default() -> None:
    docs = (Path(__file__).resolve().parent.parent / "docs" / "analysis.md").read_text("utf-8")
    defaults = Settings()
    for f in fields(Settings):
        assert f"| `{f.name}` | {getattr(defaults, f.name)!r} |" in docs, f.name


def test_a_silence_far_beyond_his_earlier_returns_is_an_ending() -> None:
    earlier = [_episode("let_go", d, d) for d in (4, 6, 8)]
    still_open = _episode("let_go", None, 17)
    assert ending_decision([*earlier, still_open]) is not None  # 17 > 2 x 8
    assert ending_decision([*earlier, _episode("let_go", None, 15)]) is None
    assert ending_decision([still_open]) is None  # no earlier return to compare with


def test_settings_reach_every_step() -> None:
    strict = Settings(
        space_min_silence_hours=1000.0,
        space_share=0.0,
        let_go_held_share=1.5,  # never: no share of days is enough
        min_group_episodes=1,
    )
    result = analyze(scenario("let_go"), me=ME, settings=strict)
    assert result.episodes[0].strategy == "mixed"  # neither her silence nor her few messages
    assert result.settings["space_min_silence_hours"] == 1000.0
    assert result.comparison.min_episodes == 1


def test_tagging_by_role_matches_each_message_tagged_on_its_own() -> None:
    texts = [
        "I miss you",
        "i don't miss you",
        None,
        "are you ok??",
        "I miss you",
        "sorry, I was wrong",
        "please talk to me",
        "ok",
    ]
    roles = ["them", "them", "them", "me", "me", "them", "me", "them"]
    messages = pl.DataFrame({"role": roles, "text": texts}, schema_overrides={"text": pl.String})
    plan = {"me": ("pleading", "checking"), "them": ("missing", "apology")}
    where = pl.Series([True, True, True, True, True, None, True, False])
    tags = _tag_by_role(messages, pl.lit(where), plan, ["en"])
    assert tags.columns == ["apology", "checking", "missing", "pleading"]
    norm = normalised(pl.col("text"))
    expected = messages.with_columns(where.fill_null(False).alias("_where")).select(
        (
            signal_expr(c, norm, languages=["en"])
            & pl.col("text").is_not_null()
            & pl.col("_where")
            & pl.col("role").is_in([r for r, cats in plan.items() if c in cats])
        ).alias(c)
        for c in tags.columns
    )
    assert tags.to_dict(as_series=False) == expected.to_dict(as_series=False)
    assert tags["missing"].to_list() == [True, False, False, False, False, False, False, False]
    assert tags["checking"][3]
    assert tags["pleading"][6]


def test_a_quiet_chat_says_what_it_cannot_score_and_still_looks_for_pull_aways() -> None:
    # One short exchange a day for two months: far below 100 of his messages in 28 days.
    days = [datetime(2025, 1, 1, 12) + timedelta(days=d) for d in range(60)]
    rows = [(t, ME, "hi, how was work?") for t in days]
    rows += [(t + timedelta(minutes=5), THEM, "good, you?") for t in days]
    result = analyze(to_frame(sorted(rows)), me=ME)
    assert any("Not enough history for his daily engagement" in n for n in result.notes)
    assert result.episodes == ()


def test_daily_carries_his_evidence_and_it_is_high_inside_the_episode() -> None:
    daily = analysed("let_go").daily
    hers = daily.filter(pl.col("person") == "me")
    his = daily.filter(pl.col("person") == "them")
    assert hers["evidence"].null_count() == hers.height
    assert his["evidence"].null_count() == 0
    inside = his.filter(pl.col("in_episode"))["evidence"].sum()
    outside = his.filter(~pl.col("in_episode"))["evidence"].mean()
    assert inside > 9.0  # more than the model's prior against a withdrawal
    assert isinstance(outside, float)
    assert outside < 0


def test_settings_of_one_day_read_in_the_singular() -> None:
    one_day = Settings(after_warmth_days=1, near_return_days=1, long_term_days=1, pursue_days=1)
    result = analyze(scenario("let_go"), me=ME, settings=one_day)
    text = json.dumps(result.to_json(), ensure_ascii=False)
    assert "within 1 day of coming back" in text.lower()
    assert not re.search(r"\b1 days\b", text)
