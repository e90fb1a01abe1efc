"""Let go vs chased across episodes: return rate, Kaplan–Meier time to return, the after.

With fewer than ``min_group_episodes`` episodes in either group the comparison is not drawn
("too few episodes to compare"); each group is still described. Even with enough episodes the
wording is an association in one couple's history, never a cause: she may have chased because
the withdrawal already looked worse (notes §0, §3.9).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pullaway.analysis.result import Comparison, GroupSummary
from pullaway.analysis.returns import kaplan_meier
from pullaway.analysis.settings import Settings
from pullaway.wording import days

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pullaway.analysis.result import Episode, Strategy


def group_summary(episodes: Sequence[Episode]) -> GroupSummary:
    """Counts and the Kaplan–Meier curve of one group (censored episodes kept)."""
    times = [e.observed_days for e in episodes]
    returned = [e.outcome == "returned" for e in episodes]
    curve, median = kaplan_meier(times, returned)
    return GroupSummary(
        episodes=len(episodes),
        returned=sum(returned),
        median_days_to_return=median,
        curve=curve,
        stronger=sum(e.after == "stronger" for e in episodes),
        weaker=sum(e.after == "weaker" for e in episodes),
    )


def compare(episodes: Sequence[Episode], *, settings: Settings | None = None) -> Comparison:
    """Let go, chased and mixed episodes side by side, with honest wording.

    >>> c = compare([])
    >>> c.enough_data, c.wording.startswith("Too few episodes to compare")
    (False, True)
    """
    s = settings or Settings()
    groups: dict[Strategy, GroupSummary] = {
        name: group_summary([e for e in episodes if e.strategy == name])
        for name in ("let_go", "chased", "mixed")
    }
    enough = min(groups["let_go"].episodes, groups["chased"].episodes) >= s.min_group_episodes
    return Comparison(
        let_go=groups["let_go"],
        chased=groups["chased"],
        mixed=groups["mixed"],
        enough_data=enough,
        min_episodes=s.min_group_episodes,
        wording=_wording(groups, enough, s),
    )


def _describe(label: str, group: GroupSummary) -> str:
    if group.episodes == 0:
        return f"{label}: no episodes"
    median = (
        f"half within {days(group.median_days_to_return)}"
        if group.median_days_to_return is not None
        else "fewer than half came back within the time seen"
    )
    return f"{label}: he came back in {group.returned} of {group.episodes} ({median})"


def _wording(groups: dict[Strategy, GroupSummary], enough: bool, s: Settings) -> str:
    described = "; ".join(
        [
            _describe("when you let go", groups["let_go"]),
            _describe("when you chased", groups["chased"]),
        ]
    )
    if not enough:
        return (
            f"Too few episodes to compare: {groups['let_go'].episodes} let go and "
            f"{groups['chased'].episodes} chased (at least {s.min_group_episodes} of each are "
            f"needed). What happened: {described}."
        )
    return (
        f"In your history with him, {described}. Afterwards things looked stronger in "
        f"{groups['let_go'].stronger} let-go and {groups['chased'].stronger} chased episodes, "
        f"weaker in {groups['let_go'].weaker} and {groups['chased'].weaker}. This is an "
        "association in one relationship, not a cause: you may have chased when the distance "
        "already looked worse, and the same two people are in every episode."
    )
