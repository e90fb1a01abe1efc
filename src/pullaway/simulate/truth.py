"""The known truth of a simulated history, in the shape of ``pullaway analyze --json``."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from pullaway.simulate.plan import HER_CHASE, HER_QUIET, HER_USUAL, STRATEGIES
from pullaway.simulate.scoring import km_median

if TYPE_CHECKING:
    from pullaway.simulate.generator import Generated
    from pullaway.simulate.plan import EpisodePlan

MIN_EPISODES_PER_GROUP = 5
BASELINE_DAYS = 28


def build_truth(
    generated: Generated,
    plans: list[EpisodePlan],
    *,
    start: date,
    me: str,
    them: str,
    params: dict[str, Any],
) -> dict[str, Any]:
    messages = generated.messages
    his_daily = _his_daily(messages, them, start, int(params["history_days"]))
    episodes = [
        _episode(i, ep, generated.scripted_days, his_daily, start) | {"says_why": says_why}
        for i, (ep, says_why) in enumerate(zip(plans, generated.voiced, strict=True))
    ]
    first = messages["timestamp"].min() if messages.height else None
    last = messages["timestamp"].max() if messages.height else None
    return {
        "chat": {
            "name": them,
            "me": me,
            "them": them,
            "messages": messages.height,
            "first": first.isoformat() if first else None,  # type: ignore[union-attr]
            "last": last.isoformat() if last else None,  # type: ignore[union-attr]
        },
        "episodes": episodes,
        "comparison": _comparison(episodes),
        "now": _now(episodes, messages, them, last),
        "safety": {
            "ending": bool(episodes) and episodes[-1]["outcome"] in ("ended", "faded"),
            "concern": False,
        },
        "params": params,
    }


def _his_daily(messages: pl.DataFrame, them: str, start: date, days: int) -> np.ndarray:
    counts = (
        messages.filter(pl.col("sender") == them)
        .group_by(day=(pl.col("timestamp").dt.date() - pl.lit(start)).dt.total_days())
        .len()
    )
    out = np.zeros(days + 1)
    index = counts["day"].to_numpy()
    inside = (index >= 0) & (index <= days)
    out[index[inside]] = counts["len"].to_numpy()[inside]
    return out


def _episode(
    index: int,
    ep: EpisodePlan,
    scripted_days: dict[int, int],
    his_daily: np.ndarray,
    start: date,
) -> dict[str, Any]:
    end_day = scripted_days.get(index, ep.return_day) if ep.outcome == "returned" else None
    before = his_daily[max(0, ep.onset - BASELINE_DAYS) : ep.onset]
    during = his_daily[ep.onset : ep.stop_day]
    baseline = float(before.mean()) if len(before) else 0.0
    modes = list(ep.her_modes)
    return {
        "number": index + 1,
        "onset": (start + timedelta(days=ep.onset)).isoformat(),
        "end": (start + timedelta(days=end_day)).isoformat() if end_day is not None else None,
        "strategy": ep.strategy,
        "outcome": ep.outcome,
        "days_to_return": float(end_day - ep.onset) if end_day is not None else None,
        "after": ep.after,
        "mechanisms": [],
        "depth": round(ep.depth, 3),
        "his_level": round(float(during.mean()) / baseline, 3)
        if baseline and len(during)
        else None,
        "ramp_days": ep.ramp_days,
        "her_days": {
            "usual": modes.count(HER_USUAL),
            "let_go": modes.count(HER_QUIET),
            "chased": modes.count(HER_CHASE),
        },
        "planned_days_to_return": ep.planned_days_to_return,
        "terminal": (start + timedelta(days=ep.terminal_day)).isoformat()
        if ep.terminal_day is not None
        else None,
    }


def _comparison(episodes: list[dict[str, Any]]) -> dict[str, Any]:
    groups: dict[str, Any] = {}
    for strategy in STRATEGIES:
        mine = [e for e in episodes if e["strategy"] == strategy]
        durations = [
            e["days_to_return"] if e["end"] else float(e["planned_days_to_return"]) for e in mine
        ]
        observed = [e["outcome"] == "returned" for e in mine]
        groups[strategy] = {
            "episodes": len(mine),
            "returned": sum(observed),
            "median_days_to_return": km_median(durations, observed),
        }
    groups["enough_data"] = all(
        groups[s]["episodes"] >= MIN_EPISODES_PER_GROUP for s in ("let_go", "chased")
    )
    groups["min_episodes"] = MIN_EPISODES_PER_GROUP
    return groups


def _now(
    episodes: list[dict[str, Any]], messages: pl.DataFrame, them: str, last: Any
) -> dict[str, Any]:
    phase, since, strategy = "connected", None, None
    if episodes:
        latest = episodes[-1]
        if latest["outcome"] == "ongoing":
            phase, since, strategy = "pulling_away", latest["onset"], latest["strategy"]
        elif latest["outcome"] == "ended":
            phase, since = "ended", latest["terminal"]
        elif latest["outcome"] == "faded":
            his = messages.filter(pl.col("sender") == them)["timestamp"]
            phase = "ended"
            since = his.max().date().isoformat() if his.len() else latest["onset"]  # type: ignore[union-attr]
        else:
            since = latest["end"]
    days = (last.date() - date.fromisoformat(since)).days if since and last else None
    return {"phase": phase, "since": since, "days": days, "strategy": strategy}
