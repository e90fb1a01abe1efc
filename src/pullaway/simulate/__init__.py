"""Simulated chat histories with known truth, their exports, and benchmark scoring."""

from __future__ import annotations

from pullaway.simulate.core import DEFAULT_STRATEGY_MIX, SimulatedChat, simulate
from pullaway.simulate.phrases import LANGUAGES, Language
from pullaway.simulate.plan import NO_NOISE, STRATEGIES, Noise, Strategy
from pullaway.simulate.writers import write_export

__all__ = [
    "DEFAULT_STRATEGY_MIX",
    "LANGUAGES",
    "NO_NOISE",
    "STRATEGIES",
    "Language",
    "Noise",
    "SimulatedChat",
    "Strategy",
    "simulate",
    "write_export",
]
