"""Safety gates (notes §8): an ending, control or threats, and self-harm.

- **Concern**: messages with control or threat cues (the ``control`` lexicon category), in
  either direction. Plain whereabouts questions ("where are you?") are everyday talk, so they
  count only in bursts: ``safety_whereabouts_per_day`` or more from one person in one day. Any
  other control cue (passwords, "you're not allowed to", "if you leave I'll ...", threats)
  counts from ``safety_control_messages`` messages. When it fires, strategy and mechanism
  scoring are suppressed and support resources are shown instead.
- **Crisis**: self-harm cues in her messages put crisis lines first.
- **Ending**: decided from the episodes (explicit ending, or a long silence after her bids, or
  an open episode far beyond all his earlier returns) and passed in; return forecasts are
  then dropped.

Resources come from ``helplines.toml`` (notes §8.5); every number there is marked re-verify.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

import polars as pl

from pullaway.analysis.mechanisms import quote
from pullaway.analysis.result import Helpline, Safety
from pullaway.analysis.settings import Settings
from pullaway.analysis.signals import normalised
from pullaway.wording import days

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pullaway.analysis.result import Episode

WHEREABOUTS = (
    r"\bwhere (are|r) (you|u)\b|\bwhere r u\b|\bwho (are|r|were) (you|u) with\b"
    r"|\bdonde estas\b|\bcon quien estas\b|\bonde (voce|vc|tu) (esta|ta)\b|\bcom quem\b"
    r"|\bwo bist du\b|\bmit wem\b|\bou es[- ]tu\b|\bt'es ou\b|\bavec qui\b"
)
"""Whereabouts questions: control cues only when they come in bursts."""


@cache
def helplines() -> tuple[Helpline, ...]:
    """Every resource in helplines.toml, in file order (crisis lines first)."""
    text = resources.files("pullaway.analysis").joinpath("helplines.toml").read_text("utf-8")
    entries = tomllib.loads(text).get("helpline", [])
    return tuple(
        Helpline(
            country=str(e["country"]),
            name=str(e["name"]),
            contact=str(e["contact"]),
            kind=str(e.get("kind", "abuse")),
            status=str(e.get("status", "re-verify")),
        )
        for e in entries
    )


def resources_for(*, crisis: bool, abuse: bool, country: str | None = None) -> tuple[Helpline, ...]:
    """Crisis lines first when ``crisis``, then abuse lines; the user's country first in each.

    >>> [h.kind for h in resources_for(crisis=True, abuse=False)][:1]
    ['crisis']
    """
    kinds = [k for k, on in (("crisis", crisis), ("abuse", abuse)) if on]
    chosen = [h for h in helplines() if h.kind in kinds]
    return tuple(
        sorted(
            chosen, key=lambda h: (kinds.index(h.kind), h.country != country, h.country == "other")
        )
    )


def control_messages(tagged: pl.DataFrame, *, settings: Settings | None = None) -> pl.DataFrame:
    """Messages that make the control gate fire (empty when it does not)."""
    s = settings or Settings()
    control = tagged.filter(pl.col("control"))
    if control.height == 0:
        return control
    control = control.with_columns(
        normalised(pl.col("text")).str.contains(WHEREABOUTS).alias("_where"),
        pl.col("timestamp").dt.date().alias("_day"),
    )
    threats = control.filter(~pl.col("_where"))
    bursts = control.filter(
        pl.col("_where") & (pl.len().over("role", "_day") >= s.safety_whereabouts_per_day)
    )
    found = threats if threats.height >= s.safety_control_messages else threats.clear()
    return pl.concat([found, bursts]).sort("timestamp").drop("_where", "_day")


def assess(
    tagged: pl.DataFrame,
    *,
    ending_reason: str | None,
    ending_evidence: pl.DataFrame | None = None,
    settings: Settings | None = None,
    country: str | None = None,
) -> Safety:
    """The safety result for a tagged chat, given the ending decision from the episodes."""
    s = settings or Settings()
    control = control_messages(tagged, settings=s)
    harm = tagged.filter((pl.col("role") == "me") & pl.col("self_harm"))
    reasons = []
    if harm.height:
        reasons.append(
            "Some of your messages talk about hurting yourself or not wanting to live. You "
            "deserve support right now: the crisis lines below are free and confidential."
        )
    if control.height:
        who = sorted(set(control["role"].to_list()))
        side = {"them": "from him", "me": "from you"}
        reasons.append(
            "Some messages "
            + " and ".join(side[w] for w in who)
            + " look like control or threats (passwords, checking where someone is, warnings "
            "about leaving). Strategy is set aside: your safety comes first. If someone may see "
            "this device, keep that in mind before you save or share anything."
        )
    if ending_reason:
        reasons.append(ending_reason)
    quoted = [harm, control]
    if ending_evidence is not None:
        quoted.append(ending_evidence)
    evidence = tuple(e for frame in quoted for e in quote(frame, s.max_evidence))
    return Safety(
        ending=ending_reason is not None,
        concern=control.height > 0 or harm.height > 0,
        reasons=tuple(reasons),
        evidence=evidence,
        resources=resources_for(crisis=harm.height > 0, abuse=control.height > 0, country=country),
        crisis=harm.height > 0,
    )


def ending_decision(
    episodes: Sequence[Episode], *, said: bool = False, settings: Settings | None = None
) -> str | None:
    """Why the current state may be an ending, or None.

    The last episode ended (his ending statement when ``said``, or a long silence after her
    bids), or it is still open and has lasted ``ending_beyond_factor`` times longer than his
    longest earlier return (and at least ``ending_beyond_min_days``).
    """
    s = settings or Settings()
    if not episodes:
        return None
    last = episodes[-1]
    if last.outcome == "ended":
        what = (
            "he wrote that it is over"
            if said
            else f"he has written nothing for {s.ending_silence_days}+ days while you reached "
            f"out at least {s.ending_min_bids} times"
        )
        return (
            f"This may be an ending: {what}. Forecasts about a return are set aside; this is "
            "a time to look after yourself."
        )
    earlier = [e.days_to_return for e in episodes[:-1] if e.days_to_return is not None]
    if last.outcome in ("ongoing", "faded") and earlier:
        longest = max(earlier)
        limit = max(s.ending_beyond_factor * longest, float(s.ending_beyond_min_days))
        if last.observed_days > limit:
            return (
                f"This pull-away has lasted {days(last.observed_days)}, far beyond his "
                f"longest earlier return ({days(longest)}). That may be an ending. Forecasts "
                "are set aside; this is a time to look after yourself."
            )
    return None
