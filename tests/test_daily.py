"""Per-day features and the engagement index against his own robust baseline."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest

from _chatgen import analysed
from pullaway.analysis import Settings
from pullaway.analysis.daily import engagement

START = date(2024, 1, 1)


def _daily(messages: list[int], *, her: int = 30) -> pl.DataFrame:
    n = len(messages)
    days = [START + timedelta(days=i) for i in range(n)]

    def person(name: str, counts: list[int]) -> pl.DataFrame:
        return pl.DataFrame(
            {
                "person": [name] * n,
                "day": days,
                "messages": counts,
                "words": [4 * c for c in counts],
                "initiations": [2] * n,
                "latency_minutes": [5.0] * n,
            },
            schema_overrides={"messages": pl.UInt32, "words": pl.UInt32, "initiations": pl.UInt32},
        ).with_columns(pl.col("day").dt.weekday().alias("weekday"))

    return pl.concat([person("me", [her] * n), person("them", messages)])


def _his(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.filter(pl.col("person") == "them")


def test_robust_z_against_the_trailing_28_days() -> None:
    counts = [20, 30] * 15 + [10]  # median of log1p over 28 days, MAD from the two levels
    his = _his(engagement(_daily(counts)))
    last = his.row(-1, named=True)
    window = np.log1p(np.array(counts[-29:-1], dtype=float))
    med = np.median(window)
    spread = max(1.4826 * np.median(np.abs(window - med)), 0.1)
    assert last["z_messages"] == pytest.approx((np.log1p(10) - med) / spread)
    assert last["baseline_messages"] == pytest.approx(25.0)
    assert last["z_initiations"] == pytest.approx(0.0)


def test_no_engagement_before_the_baseline_exists() -> None:
    his = _his(engagement(_daily([30] * 40)))
    assert his["engagement"].head(14).null_count() == 14  # fewer than 14 active days
    assert his["engagement"].tail(10).null_count() == 0


def test_episode_days_are_left_out_and_the_baseline_frozen() -> None:
    counts = [30] * 40 + [2] * 40
    daily = _daily(counts)
    plain = _his(engagement(daily))
    episode = (pl.col("person") == "them") & (pl.col("day") >= START + timedelta(days=40))
    frozen = _his(engagement(daily, excluded=daily.select(episode).to_series()))
    assert plain["baseline_messages"][-1] == 2.0  # without exclusion the drop becomes normal
    assert frozen["baseline_messages"].tail(40).unique().to_list() == [30.0]
    assert frozen["engagement"][-1] < -2


def test_weekday_rhythm_is_not_a_drop_after_eight_weeks() -> None:
    counts = [10 if (START + timedelta(days=i)).weekday() == 6 else 40 for i in range(84)]
    his = _his(engagement(_daily(counts)))
    sundays = his.filter(pl.col("weekday") == 7)
    early, late = sundays["z_messages"].slice(3, 3), sundays["z_messages"].tail(3)
    assert early.max() < -2  # before 8 weeks a quiet Sunday looks like a drop
    assert late.abs().max() < 1  # after 8 weeks it is his usual Sunday


def test_daily_has_every_day_for_both_people() -> None:
    result = analysed("holiday")
    daily = result.daily
    first, last = result.chat.first.date(), result.chat.last.date()
    assert daily.height == 2 * ((last - first).days + 1)
    silent = daily.filter(pl.col("day") == first + timedelta(days=62))
    assert silent["messages"].to_list() == [0, 0]
    assert set(daily.columns) >= {
        "day", "person", "messages", "words", "initiations", "latency_minutes",
        "engagement", "baseline_messages", "in_episode",
    }  # fmt: skip


def test_weights_are_settings() -> None:
    counts = [30] * 35 + [10]
    only_messages = Settings(weight_initiations=0, weight_latency=0, weight_words=0)
    his = _his(engagement(_daily(counts), settings=only_messages))
    assert his["engagement"][-1] == pytest.approx(his["z_messages"][-1])
