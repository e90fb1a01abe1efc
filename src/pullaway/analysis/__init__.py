"""The pull-away analysis core: Polars in, frozen dataclasses out, no I/O.

>>> from pullaway.analysis import Settings
>>> Settings().baseline_days
28
"""

from __future__ import annotations

from pullaway.analysis.pipeline import analyze
from pullaway.analysis.result import (
    Analysis,
    ChatSummary,
    Comparison,
    Episode,
    Evidence,
    GroupSummary,
    Guidance,
    Helpline,
    MechanismResult,
    Now,
    Safety,
    StrategyCounts,
)
from pullaway.analysis.settings import Settings

__all__ = [
    "Analysis",
    "ChatSummary",
    "Comparison",
    "Episode",
    "Evidence",
    "GroupSummary",
    "Guidance",
    "Helpline",
    "MechanismResult",
    "Now",
    "Safety",
    "Settings",
    "StrategyCounts",
    "analyze",
]
