"""Every threshold the analysis uses, in one frozen dataclass.

The defaults come from the science notes (§2). They are reasoned design defaults, not research
thresholds: keep them visible and overridable. Build a variant with ``dataclasses.replace``:

>>> from dataclasses import replace
>>> replace(Settings(), merge_gap_days=3).merge_gap_days
3
>>> Settings().to_json()["baseline_days"]
28
"""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass, fields, replace
from functools import cache
from typing import TYPE_CHECKING, Any

from pullaway.errors import PullawayError

if TYPE_CHECKING:
    from collections.abc import Mapping


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Thresholds of the pull-away analysis (all keyword-only, all with defaults)."""

    burst_gap_minutes: float = 10.0
    """Messages of one sender this close together form one burst (product default)."""
    thread_gap_hours: float | None = 6.0
    """A silence this long starts a new thread; None asks for the data-driven gap (notes §2)."""
    double_text_gap_minutes: float = 30.0
    """A follow-up this long after the sender's previous burst is a double text."""
    min_sleep_days: int = 30
    """Days of history needed before a sleep window is learned (else 00:00-07:00)."""

    baseline_days: int = 28
    """Length of his trailing baseline window, in days."""
    baseline_min_active_days: int = 14
    """Days with at least one of his messages needed in the baseline window."""
    baseline_min_messages: int = 100
    """His messages needed in the baseline window; below this: not enough history."""
    mad_factor: float = 1.4826
    """Scales the median absolute deviation to a standard deviation for Gaussian data."""
    mad_floor: float = 0.1
    """Smallest robust spread allowed (log1p units), so quiet couples do not blow up."""
    initiations_mad_floor: float = 0.5
    """Smallest robust spread of log1p(initiations): starts are small counts (0, 1, 2), and
    log1p(1) - log1p(0) = 0.69, so the general floor would make one day without a start look
    like a collapse. A project choice beyond the notes."""
    weekday_min_weeks: int = 8
    """Weeks of history before the weekday adjustment is applied."""
    weight_messages: float = 0.35
    """Weight of log1p(messages) in the engagement index E."""
    weight_initiations: float = 0.25
    """Weight of log1p(initiations) in E."""
    weight_latency: float = 0.25
    """Weight of -log(median waking latency) in E."""
    weight_words: float = 0.15
    """Weight of log1p(words) in E."""

    withdrawal_start_probability: float = 0.001
    """Daily chance, before seeing the data, that a withdrawal of his begins (the two-state
    model of docs/analysis.md): well under one a year until the data say otherwise. Lower
    finds fewer, surer episodes."""
    withdrawal_end_probability: float = 0.083
    """Daily chance that a withdrawal ends (1/12: about 12 days on average)."""
    withdrawn_levels: tuple[float, ...] = (0.05, 0.15, 0.3, 0.5)
    """His messages when withdrawn, as shares of his usual: the model averages over these,
    so a fall to half of his usual counts as well as a fall to silence."""
    withdrawn_follows_her: float = 0.5
    """How much his messages follow her activity when he is withdrawn, as a power of her
    day-against-usual ratio (1: as much as when connected, 0: not at all). A withdrawn man
    writes little whatever she does; when she goes quiet too he writes less still."""
    withdrawn_latency_factor: float = 5.0
    """How many times slower than usual his replies are when withdrawn."""
    latency_evidence_clip: tuple[float, float] = (-2.0, 3.0)
    """Bounds on the evidence (log likelihood ratio) of one reply, so one odd reply time
    cannot decide a day."""
    withdrawn_cue_rise: float = 0.05
    """How much larger the share of his messages with withdrawal cues ("busy", "need space")
    is when withdrawn."""
    withdrawn_warmth_factor: float = 0.4
    """His share of affectionate messages when withdrawn, as a share of his usual one."""
    language_evidence_clip: tuple[float, float] = (-3.0, 6.0)
    """Bounds on one day's evidence from what his messages say, so one chatty or one curt day
    cannot decide alone."""
    unanswered_rise: float = 0.35
    """How much larger the share of her messages he never answers is when withdrawn."""
    shared_quiet_pseudocount: float = 1.0
    """Her messages added to both sides of her day-against-usual ratio (the shared-activity
    factor): when both are silent (a holiday) his silence is expected and says nothing."""
    onset_lookback_days: int = 4
    """An episode's onset moves back over up to this many days before it whose evidence does
    not clearly say "connected" (by ``return_evidence``)."""
    min_episode_days: int = 3
    """Withdrawn runs shorter than this many days are not episodes."""
    merge_gap_days: int = 5
    """Withdrawn runs separated by this many days or fewer are one episode."""
    return_evidence: float = 2.0
    """His return is the first day after a withdrawn run whose evidence favours "connected" by
    at least this (log likelihood ratio; 2 is about 7 to 1): a silent day both share after
    it is not yet his return."""
    changepoint_min_size: int = 3
    """ruptures Pelt min_size: shortest segment, in days."""
    changepoint_penalty_factor: float = 1.0
    """Multiplies the penalty 2·σ²·ln(n); try 0.5 or 2 when unsure."""
    changepoint_context_days: int = 42
    """Days either side of an onset given to the change-point search."""
    agreement_days: int = 2
    """Rule and change point within this many days: a "clear" episode."""

    space_share: float = 0.5
    """A day on which she sent at most this share of her usual messages, without pursuit, is a
    held-back day; let go also needs her messages per day over the episode at most this share
    of her usual (or the silence below)."""
    space_max_streak: int = 2
    """She held back (mechanism 7): no pleading or checking and no unanswered run longer than
    this."""
    space_min_silence_hours: float = 72.0
    """Let go: ... or at least one silence of hers this long."""
    chase_streak: int = 4
    """A pursuit day: an unanswered run of this many of her bursts that day ... (notes §2 say
    3; while he is silent, three conversations she starts on her own already make a run of 3,
    so a run of 3 is not pursuit on its own)"""
    chase_double_texts_per_day: int = 3
    """... together with this many double texts that day; or any pleading or checking
    message from her that day."""
    notice_days: int = 2
    """Her first this many days of an episode are left out of the label when they hold no
    pursuit and more than ``chase_days`` days remain: she may not have noticed yet, and her
    messages fall with his unanswered ones before she decides anything (a day or two of "held
    back" before a chase is not a switch)."""
    chase_days: int = 2
    """Chased: at least this many pursuit days in the episode (fewer: let go or mixed) ..."""
    chase_min_share: float = 0.15
    """... that are also at least this share of the episode's days: a pleading message on two
    days of a month she otherwise spent quiet is not a chase."""
    mixed_min_days: int = 2
    """Mixed: the episode splits into a pursuit part and a held-back part (either order) whose
    held-back days number at least this many ..."""
    mixed_share: float = 0.15
    """... and at least this share of the episode's days ..."""
    mixed_held_share: float = 0.4
    """... and at least this share of that part's days ..."""
    mixed_stray_share: float = 0.2
    """... with pursuit on at most this share of that part's days (a stray pleading message
    does not undo a held-back stretch; a switch must be clear)."""
    let_go_held_share: float = 0.5
    """Let go (without a chase): she held back on at least this share of the episode's days,
    or her messages a day were low over the episode, or she had one long silence."""

    faded_silence_days: int = 30
    """No return and no message from him for this many days at the export end: faded."""
    ending_silence_days: int = 21
    """No message from him for this many days after her bids: an ending."""
    ending_min_bids: int = 3
    """Her bids in that silence needed for the silence to count as an ending."""
    ending_beyond_factor: float = 2.0
    """An open episode longer than this times his longest earlier return is an ending ..."""
    ending_beyond_min_days: int = 14
    """... once it has lasted at least this many days."""

    after_warmth_days: int = 14
    """Days after a return in which his warmth is compared with before the episode."""
    after_engagement_days: int = 30
    """Days after a return in which his engagement is compared with before the episode."""
    after_tolerance: float = 0.5
    """Change (robust SD) below which the after is "same" rather than stronger or weaker."""
    after_warmth_tolerance: float = 2.0
    """Change in affection per 100 of his messages that counts as warmer or cooler."""
    after_min_days: int = 7
    """Days of data after a return needed to judge the after at all."""
    lexicon_min_messages: int = 50
    """Messages from one person in a window before a lexicon rate is reported."""
    return_threads: int = 3
    """His first threads after a return searched for appreciation and apology (#3)."""
    near_return_days: int = 7
    """Days after a return that still count as "near the return" (#4, #9)."""
    stated_need_days: int = 7
    """Days before onset in which his "I need space" counts as stated at onset (#1)."""
    long_term_days: int = 60
    """Days after a return needed for the long-term mechanism (#6)."""
    pursue_days: int = 14
    """Days after a return in which his pursuit is measured (#8)."""
    max_evidence: int = 5
    """Most quoted messages per mechanism."""

    min_group_episodes: int = 5
    """Episodes needed in each group before let-go and chased are compared."""
    safety_control_messages: int = 1
    """Messages with control or threat cues (not plain whereabouts) that raise a concern."""
    safety_whereabouts_per_day: int = 5
    """Whereabouts questions in one day from one person that raise a concern."""

    def to_json(self) -> dict[str, Any]:
        """The settings as a plain dict (what ``analyze --json`` records)."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Settings:
        """Settings from a plain dict (as ``to_json`` writes); missing keys keep defaults.

        Unknown keys (from another pullaway version) are ignored; a value of the wrong type
        raises PullawayError naming the setting.

        >>> Settings.from_json({"merge_gap_days": 3.0, "unknown": 1}).merge_gap_days
        3
        """
        defaults = cls()
        values: dict[str, Any] = {}
        for f in fields(cls):
            if not data or f.name not in data:
                continue
            values[f.name] = _coerce(f.name, getattr(defaults, f.name), data[f.name])
        return replace(defaults, **values)

    @classmethod
    def describe(cls) -> dict[str, str]:
        """Field name -> its docstring, for docs and ``--help`` output."""
        docs = _field_docs()
        return {f.name: docs.get(f.name, "") for f in fields(cls)}


@cache
def _field_docs() -> dict[str, str]:
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(Settings))
    body = tree.body[0].body if isinstance(tree.body[0], ast.ClassDef) else []
    docs: dict[str, str] = {}
    for node, following in itertools.pairwise(body):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            docs[node.target.id] = " ".join(following.value.value.split())
    return docs


def _coerce(name: str, default: object, value: object) -> Any:
    if value is None and name == "thread_gap_hours":
        return None
    try:
        if isinstance(default, bool):
            return bool(value)
        if isinstance(default, int):
            return int(value)  # type: ignore[call-overload]
        if isinstance(default, float):
            return float(value)  # type: ignore[arg-type]
        if isinstance(default, tuple):
            return tuple(float(v) for v in value)  # type: ignore[attr-defined]
    except (TypeError, ValueError) as exc:
        msg = f"setting {name!r}: {value!r} is not a number; use a number like 3 or 2.5"
        raise PullawayError(msg) from exc
    return value
