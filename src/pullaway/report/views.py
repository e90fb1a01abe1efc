"""View models: an Analysis turned into plain dicts for templates, JSON twins and the report.

Nothing here touches the store or the web framework, so the app and the offline report
show the same words and the same numbers.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import polars as pl

from pullaway.wording import counted, days

if TYPE_CHECKING:
    from pullaway.analysis.result import (
        Analysis,
        Episode,
        Evidence,
        GroupSummary,
        MechanismResult,
    )

PHASE_LABELS = {
    "connected": "Connected",
    "pulling_away": "He is pulling away",
    "ended": "This may be an ending",
}
STRATEGY_LABELS = {"let_go": "You gave space", "chased": "You chased", "mixed": "Mixed"}
OUTCOME_LABELS = {
    "returned": "He came back",
    "ongoing": "Still going",
    "faded": "Faded out",
    "ended": "Ended",
}
AFTER_LABELS = {
    "stronger": "stronger than before",
    "same": "about as before",
    "weaker": "weaker than before",
}
VERDICT_LABELS = {
    "consistent": "Consistent",
    "inconsistent": "Inconsistent",
    "no_signal": "No signal",
    "not_observable": "Not observable from messages",
}
ALTERNATIVES = (
    "A drop in messages can also mean work, illness, travel, a new phone, or talk that moved "
    "to another app or to meeting in person. These pages describe the messages; they cannot "
    "read his mind, and they never promise that he will come back."
)


def fmt_day(day: date | datetime | None) -> str:
    """A short, locale-free date.

    >>> fmt_day(date(2025, 3, 4))
    '4 Mar 2025'
    """
    if day is None:
        return "—"
    return f"{day.day} {day:%b %Y}"


def fmt_count(value: int | None) -> str:
    """
    >>> fmt_count(22717)
    '22,717'
    """
    return "—" if value is None else f"{value:,}"


def fmt_when(moment: datetime) -> str:
    """
    >>> fmt_when(datetime(2025, 3, 4, 21, 5))
    '4 Mar 2025, 21:05'
    """
    return f"{fmt_day(moment)}, {moment:%H:%M}"


def safe_json(data: Any) -> str:
    """JSON for a ``<script type="application/json">`` block: cannot close the tag.

    >>> safe_json({"t": "</script><b>&\u2028"})
    '{"t": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026\\\\u2028"}'
    """
    text = json.dumps(data, ensure_ascii=False, default=_json_default, allow_nan=False)
    for char, escaped in _JSON_ESCAPES:
        text = text.replace(char, escaped)
    return text


_JSON_ESCAPES = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    msg = f"cannot encode {type(value).__name__} as JSON"
    raise TypeError(msg)


@dataclass(frozen=True)
class Links:
    """How pages point at each other: app URLs, or anchors inside the offline report."""

    episode: Callable[[int], str]


def report_links() -> Links:
    return Links(episode=lambda n: f"#episode-{n}")


def curve_points(curve: pl.DataFrame) -> list[dict[str, float]]:
    """A Kaplan–Meier frame as points of "share who came back by day d" (1 - survival)."""
    if curve.is_empty():
        return []
    cols = {"days", "survival", "lower", "upper"}
    if not cols <= set(curve.columns):
        return []
    rows = curve.select(
        pl.col("days").cast(pl.Float64),
        back=1 - pl.col("survival").cast(pl.Float64),
        low=1 - pl.col("upper").cast(pl.Float64).fill_null(pl.col("survival")),
        high=1 - pl.col("lower").cast(pl.Float64).fill_null(pl.col("survival")),
        at_risk=(pl.col("at_risk") if "at_risk" in curve.columns else pl.lit(None)).cast(pl.Int64),
    ).fill_nan(None)
    return [{k: v for k, v in row.items() if v is not None} for row in rows.to_dicts()]


def evidence_view(evidence: Evidence, *, me: str) -> dict[str, Any]:
    return {
        "when": fmt_when(evidence.timestamp),
        "iso": evidence.timestamp.isoformat(),
        "sender": evidence.sender,
        "who": "me" if evidence.sender == me else "them",
        "text": evidence.text,
    }


def safety_view(analysis: Analysis) -> dict[str, Any]:
    s = analysis.safety
    me = analysis.chat.me
    crisis = bool(getattr(s, "crisis", False))
    resources = sorted(
        (r.to_json() for r in s.resources),
        key=lambda r: 0 if crisis and r.get("kind") == "crisis" else 1,
    )
    return {
        "ending": s.ending,
        "concern": s.concern,
        "crisis": crisis,
        "fires": s.ending or s.concern or crisis,
        "reasons": list(s.reasons),
        "evidence": [evidence_view(e, me=me) for e in s.evidence],
        "resources": resources,
    }


def chat_view(analysis: Analysis) -> dict[str, Any]:
    c = analysis.chat
    return {
        "name": c.name,
        "me": c.me,
        "them": c.them,
        "messages": c.messages,
        "first": fmt_day(c.first),
        "last": fmt_day(c.last),
        "notes": list(analysis.notes),
    }


def now_view(analysis: Analysis, links: Links) -> dict[str, Any]:
    """The Now page: phase, day, his history of returns, today's guidance, safety."""
    now = analysis.now
    safety = safety_view(analysis)
    current = next((e for e in analysis.episodes if e.outcome == "ongoing"), None)
    return {
        "chat": chat_view(analysis),
        "phase": now.phase,
        "phase_label": PHASE_LABELS.get(now.phase, now.phase),
        "since": fmt_day(now.since),
        "days": now.days,
        "strategy": now.strategy,
        "strategy_label": STRATEGY_LABELS.get(now.strategy or "", ""),
        "earlier_episodes": now.earlier_episodes,
        "earlier_returned": now.earlier_returned,
        "history": now.history,
        "curve": curve_points(now.curve),
        "show_curve": not safety["fires"] and now.earlier_episodes > 0,
        "guidance": []
        if safety["concern"] or safety["crisis"]
        else [
            {"mechanism": g.mechanism, "name": _mechanism_name(g.mechanism), "text": g.text}
            for g in now.guidance
        ],
        "current_episode": links.episode(current.number) if current else None,
        "safety": safety,
        "alternatives": ALTERNATIVES,
    }


def _mechanism_name(number: int) -> str:
    from pullaway.analysis.result import MECHANISM_NAMES

    return MECHANISM_NAMES.get(number, f"#{number}")


def timeline_data(analysis: Analysis, links: Links) -> dict[str, Any]:
    """Columnar daily aggregates for the timeline chart (no message text at all)."""
    daily = analysis.daily
    wide = _daily_wide(daily)
    return {
        "days": wide["day"].dt.strftime("%Y-%m-%d").to_list(),
        "me": wide["me_messages"].to_list(),
        "them": wide["them_messages"].to_list(),
        "baseline": [_round(v) for v in wide["them_baseline"].to_list()],
        "engagement": [_round(v) for v in wide["them_engagement"].to_list()],
        "episodes": [
            {
                "number": e.number,
                "onset": e.onset.isoformat(),
                "end": (e.end or analysis.chat.last.date()).isoformat(),
                "open": e.end is None,
                "outcome": e.outcome,
                "strategy": e.strategy,
                "label": f"#{e.number} · {STRATEGY_LABELS[e.strategy]} · " + _outcome_text(e),
                "href": links.episode(e.number),
            }
            for e in analysis.episodes
        ],
        "me_name": analysis.chat.me,
        "them_name": analysis.chat.them,
    }


def _round(value: float | None) -> float | None:
    return None if value is None or value != value else round(value, 2)


def _daily_wide(daily: pl.DataFrame) -> pl.DataFrame:
    """One row per day, his and her columns side by side, every day present."""
    empty = pl.DataFrame(
        schema={
            "day": pl.Date,
            "me_messages": pl.Int64,
            "them_messages": pl.Int64,
            "them_baseline": pl.Float64,
            "them_engagement": pl.Float64,
        }
    )
    if daily.is_empty():
        return empty
    me = daily.filter(pl.col("person") == "me").select(
        "day", me_messages=pl.col("messages").cast(pl.Int64)
    )
    them = daily.filter(pl.col("person") == "them").select(
        "day",
        them_messages=pl.col("messages").cast(pl.Int64),
        them_baseline=pl.col("baseline_messages").cast(pl.Float64),
        them_engagement=pl.col("engagement").cast(pl.Float64),
    )
    first, last = daily["day"].min(), daily["day"].max()
    if not isinstance(first, date) or not isinstance(last, date):
        return empty
    days = pl.DataFrame({"day": pl.date_range(first, last, "1d", eager=True)})
    return (
        days.join(me, on="day", how="left")
        .join(them, on="day", how="left")
        .with_columns(pl.col("me_messages", "them_messages").fill_null(0))
        .select(empty.columns)
        .sort("day")
    )


def _outcome_text(e: Episode) -> str:
    if e.outcome == "returned" and e.days_to_return is not None:
        return f"came back after {days(e.days_to_return)}"
    return {
        "ongoing": "still going",
        "faded": "faded out",
        "ended": "ended",
        "returned": "came back",
    }[e.outcome]


def episode_row(e: Episode, links: Links) -> dict[str, Any]:
    days = (e.end - e.onset).days if e.end else None
    return {
        "number": e.number,
        "onset": fmt_day(e.onset),
        "end": fmt_day(e.end) if e.end else "—",
        "strategy": e.strategy,
        "strategy_label": STRATEGY_LABELS[e.strategy],
        "outcome": e.outcome,
        "outcome_label": OUTCOME_LABELS[e.outcome],
        "outcome_text": _outcome_text(e),
        "days": days,
        "days_to_return": e.days_to_return,
        "after": e.after,
        "after_label": AFTER_LABELS.get(e.after or "", "—"),
        "confidence": e.confidence,
        "depth_pct": round(e.depth * 100),
        "summary": e.summary,
        "href": links.episode(e.number),
    }


def mechanism_view(m: MechanismResult, *, me: str) -> dict[str, Any]:
    return {
        "number": m.number,
        "name": m.name,
        "verdict": m.verdict,
        "verdict_label": VERDICT_LABELS.get(m.verdict, m.verdict),
        "summary": m.summary,
        "evidence": [evidence_view(e, me=me) for e in m.evidence],
    }


def episode_view(analysis: Analysis, number: int, links: Links) -> dict[str, Any] | None:
    """One episode's story and its nine evidence cards; None when there is no such episode."""
    episode = next((e for e in analysis.episodes if e.number == number), None)
    if episode is None:
        return None
    c = episode.counts
    safety = safety_view(analysis)
    return {
        "chat": chat_view(analysis),
        "episode": episode_row(episode, links),
        "story": _story(episode, them=analysis.chat.them),
        "counts": [
            ("Your messages in the episode", str(c.her_messages)),
            (
                "Your messages per day",
                f"{c.her_per_day:.1f} (usually {c.her_baseline_per_day:.1f})",
            ),
            ("Conversations you started", str(c.her_initiations)),
            ("Follow-ups to unanswered messages", str(c.double_texts)),
            ("Longest run of unanswered messages", str(c.max_unanswered_streak)),
            ("Checking or pleading messages", str(c.pleading_or_checking)),
            ("Your longest silence", f"{c.longest_silence_hours:.0f} hours"),
            (
                "Your messages per message of his",
                "—" if c.her_to_his_ratio is None else f"{c.her_to_his_ratio:.1f}",
            ),
        ],
        "mechanisms": []
        if safety["concern"]
        else [mechanism_view(m, me=analysis.chat.me) for m in episode.mechanisms],
        "previous": links.episode(number - 1) if number > 1 else None,
        "next": links.episode(number + 1) if number < len(analysis.episodes) else None,
        "safety": safety,
        "alternatives": ALTERNATIVES,
    }


def _story(e: Episode, *, them: str) -> list[str]:
    c = e.counts
    lines = [
        f"It began around {fmt_day(e.onset)}: {them}'s messages fell to about "
        f"{round(e.depth * 100)}% of his usual level at their lowest"
        + (" (a clear drop)." if e.confidence == "clear" else " (a possible drop)."),
    ]
    if e.strategy == "let_go":
        did = "You gave space"
    elif e.strategy == "chased":
        did = "You reached out a lot"
    else:
        did = "You did some of both"
    lines.append(
        f"{did}: {counted(c.her_messages, 'message')} ({c.her_per_day:.1f} a day against your "
        f"usual {c.her_baseline_per_day:.1f}), {counted(c.her_initiations, 'conversation')} "
        f"started by you, {counted(c.double_texts, 'follow-up')} to unanswered messages."
    )
    if e.outcome == "returned" and e.end is not None:
        after = f" Afterwards his engagement was {AFTER_LABELS[e.after]}." if e.after else ""
        took = f", {days(e.days_to_return)} after it began" if e.days_to_return else ""
        lines.append(f"He came back on {fmt_day(e.end)}{took}.{after}")
    elif e.outcome == "ongoing":
        lines.append("It has not ended in the messages imported so far.")
    elif e.outcome == "faded":
        lines.append("His messages did not recover; the conversation faded out.")
    else:
        lines.append("The messages show an explicit ending.")
    if e.summary:
        lines.append(e.summary)
    return lines


def group_view(name: str, label: str, group: GroupSummary) -> dict[str, Any]:
    median = group.median_days_to_return
    return {
        "key": name,
        "label": label,
        "episodes": group.episodes,
        "returned": group.returned,
        "median": None if median is None else round(median, 1),
        "median_text": "not reached" if median is None else days(median),
        "curve": curve_points(group.curve),
    }


def compare_view(analysis: Analysis, links: Links) -> dict[str, Any]:
    cmp = analysis.comparison
    groups = [
        group_view("let_go", "You gave space", cmp.let_go),
        group_view("chased", "You chased", cmp.chased),
        group_view("mixed", "Mixed", cmp.mixed),
    ]
    return {
        "chat": chat_view(analysis),
        "groups": groups,
        "enough_data": cmp.enough_data,
        "min_episodes": cmp.min_episodes,
        "wording": cmp.wording,
        "episodes": [episode_row(e, links) for e in analysis.episodes],
        "safety": safety_view(analysis),
        "alternatives": ALTERNATIVES,
    }
