"""The results of an analysis: frozen dataclasses with frame fields, no rendering.

This module is the contract between the analysis core and every layer that shows its
results (CLI, web app, report). ``Analysis.to_json()`` is the shape of ``analyze --json``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

import polars as pl

Phase = Literal["connected", "pulling_away", "ended"]
Strategy = Literal["let_go", "chased", "mixed"]
Outcome = Literal["returned", "ongoing", "faded", "ended"]
After = Literal["stronger", "same", "weaker"]
Verdict = Literal["consistent", "inconsistent", "no_signal", "not_observable"]
Confidence = Literal["clear", "possible"]

MECHANISM_NAMES: dict[int, str] = {
    1: "He needs space to reflect",
    2: "Absence makes the heart grow fonder",
    3: "He realises your value",
    4: "Time to miss you",
    5: "Respect for his independence",
    6: "Distance strengthens the relationship",
    7: "Confidence and self-respect",
    8: "It encourages him to pursue you",
    9: "He recognises his role",
}


@dataclass(frozen=True)
class Evidence:
    """One quoted message a verdict rests on."""

    timestamp: datetime
    sender: str
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"timestamp": self.timestamp.isoformat(), "sender": self.sender, "text": self.text}


@dataclass(frozen=True)
class MechanismResult:
    number: int
    verdict: Verdict
    summary: str  # plain words with the numbers behind the verdict
    evidence: tuple[Evidence, ...] = ()

    @property
    def name(self) -> str:
        return MECHANISM_NAMES[self.number]

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "name": self.name,
            "verdict": self.verdict,
            "summary": self.summary,
            "evidence": [e.to_json() for e in self.evidence],
        }


@dataclass(frozen=True)
class StrategyCounts:
    """The numbers behind the let go / chased / mixed label of one episode."""

    her_messages: int
    her_per_day: float
    her_baseline_per_day: float
    her_initiations: int
    max_unanswered_streak: int
    double_texts: int
    pleading_or_checking: int
    longest_silence_hours: float
    her_to_his_ratio: float | None

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Episode:
    """One pull-away: onset, what she did, whether and when he came back, and the after."""

    number: int
    onset: date
    end: date | None  # the day he came back; None unless returned
    strategy: Strategy
    counts: StrategyCounts
    outcome: Outcome
    days_to_return: float | None
    after: After | None
    confidence: Confidence
    depth: float  # his lowest 3-day message level as a share of his baseline (0..1+)
    summary: str  # one or two plain sentences telling the story
    mechanisms: tuple[MechanismResult, ...] = ()
    observed_days: float = 0.0  # days to return, or days observed before censoring

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "onset": self.onset.isoformat(),
            "end": self.end.isoformat() if self.end else None,
            "strategy": self.strategy,
            "counts": self.counts.to_json(),
            "outcome": self.outcome,
            "days_to_return": self.days_to_return,
            "after": self.after,
            "confidence": self.confidence,
            "depth": self.depth,
            "summary": self.summary,
            "mechanisms": [m.to_json() for m in self.mechanisms],
            "observed_days": self.observed_days,
        }


@dataclass(frozen=True)
class GroupSummary:
    """Episodes of one strategy, with a Kaplan–Meier curve of time to return.

    ``curve`` columns: days (f64), survival (f64, share not yet returned), lower, upper
    (confidence band), at_risk (u32).
    """

    episodes: int
    returned: int
    median_days_to_return: float | None
    curve: pl.DataFrame
    stronger: int = 0  # returned episodes whose after was stronger
    weaker: int = 0  # ... and weaker

    def to_json(self) -> dict[str, Any]:
        return {
            "episodes": self.episodes,
            "returned": self.returned,
            "median_days_to_return": self.median_days_to_return,
            "stronger": self.stronger,
            "weaker": self.weaker,
            "curve": self.curve.to_dicts(),
        }


@dataclass(frozen=True)
class Comparison:
    let_go: GroupSummary
    chased: GroupSummary
    mixed: GroupSummary
    enough_data: bool
    min_episodes: int
    wording: str  # association-only sentence, honest about small samples

    def to_json(self) -> dict[str, Any]:
        return {
            "let_go": self.let_go.to_json(),
            "chased": self.chased.to_json(),
            "mixed": self.mixed.to_json(),
            "enough_data": self.enough_data,
            "min_episodes": self.min_episodes,
            "wording": self.wording,
        }


@dataclass(frozen=True)
class Guidance:
    """One line of today's guidance, tied to the mechanism it rests on (0: none, e.g. safety)."""

    mechanism: int
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"mechanism": self.mechanism, "text": self.text}


@dataclass(frozen=True)
class Now:
    phase: Phase
    since: date | None
    days: int | None
    strategy: Strategy | None
    earlier_episodes: int
    earlier_returned: int
    history: str  # "in 5 of 6 earlier episodes he came back; half of them within 6 days"
    curve: pl.DataFrame  # his history of returns: same columns as GroupSummary.curve
    guidance: tuple[Guidance, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "phase": self.phase,
            "since": self.since.isoformat() if self.since else None,
            "days": self.days,
            "strategy": self.strategy,
            "earlier_episodes": self.earlier_episodes,
            "earlier_returned": self.earlier_returned,
            "history": self.history,
            "curve": self.curve.to_dicts(),
            "guidance": [g.to_json() for g in self.guidance],
        }


@dataclass(frozen=True)
class Helpline:
    country: str
    name: str
    contact: str
    kind: str = "abuse"  # "abuse" | "crisis"
    status: str = "re-verify"  # every number must be re-verified before shipping

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Safety:
    ending: bool  # an explicit ending, or a silence far beyond all his earlier returns
    concern: bool  # control, threat or abuse language, in either direction
    reasons: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    resources: tuple[Helpline, ...] = ()
    crisis: bool = False  # self-harm cues in her messages: crisis lines come first

    def to_json(self) -> dict[str, Any]:
        return {
            "ending": self.ending,
            "concern": self.concern,
            "crisis": self.crisis,
            "reasons": list(self.reasons),
            "evidence": [e.to_json() for e in self.evidence],
            "resources": [r.to_json() for r in self.resources],
        }


@dataclass(frozen=True)
class ChatSummary:
    name: str
    me: str
    them: str
    messages: int
    first: datetime
    last: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "me": self.me,
            "them": self.them,
            "messages": self.messages,
            "first": self.first.isoformat(),
            "last": self.last.isoformat(),
        }


@dataclass(frozen=True)
class Analysis:
    """Everything ``analyze`` found in one chat.

    ``daily`` has one row per calendar day and person: day (Date), person ("me" | "them"),
    messages, words, initiations (u32), latency_minutes (f64, null on days without replies),
    engagement (f64, robust z against the person's own baseline; null before the baseline
    exists), evidence (f64, his rows only: the day's log likelihood ratio of "withdrawn" over
    "connected" from the withdrawal model), baseline_messages (f64), in_episode (bool; his
    days inside an episode). Also:
    bids and turned_toward (u32: the other person's bids and how many this person turned
    toward), turn_toward_rate (f64), affection (u32), and the components of E as z_messages,
    z_initiations, z_latency, z_words (f64). docs/analysis.md explains every measure.
    """

    chat: ChatSummary
    daily: pl.DataFrame
    episodes: tuple[Episode, ...]
    comparison: Comparison
    now: Now
    safety: Safety
    settings: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "chat": self.chat.to_json(),
            "episodes": [e.to_json() for e in self.episodes],
            "comparison": self.comparison.to_json(),
            "now": self.now.to_json(),
            "safety": self.safety.to_json(),
            "settings": self.settings,
            "notes": list(self.notes),
        }
