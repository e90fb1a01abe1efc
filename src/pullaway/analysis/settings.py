"""Every threshold the analysis uses, in one frozen dataclass.

The defaults come from the science notes (§2). They are reasoned design defaults, not research
thresholds: keep them visible and overridable. Build a variant with ``dataclasses.replace``:

>>> from dataclasses import replace
>>> replace(Settings(), trigger_z=-2.5).trigger_z
-2.5
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

    trigger_z: float = -2.0
    """An episode can start when his 3-day mean E is at or below this."""
    trigger_share: float = 0.5
    """... or when his 3-day messages are at or below this share of his baseline."""
    engagement_clip: float = 4.0
    """Daily E is clipped to ±this before rolling means, so one extreme day (one slow day
    against a very regular baseline) cannot trigger an episode on its own."""
    slow_trigger_share: float = 0.6
    """... or when over the window his median reply time is ``latency_rise`` times his usual
    and his messages are at or below this share of his baseline: a withdrawal shows in slow
    replies before (or without) a deep fall in his message count."""
    trigger_window_days: int = 3
    """Length of the rolling window of the trigger, in days."""
    long_window_days: int = 7
    """... or when over the last this many days his messages are at or below
    ``long_share`` of his baseline and below it by ``long_z`` Poisson standard deviations
    (sqrt of the expected count): in a quiet chat (3 a day) three days prove little, while a
    week at a third of his usual does. This also finds shallow drops in busy chats."""
    long_share: float = 0.6
    """Largest share of his baseline messages over ``long_window_days`` for that trigger."""
    long_z: float = -3.0
    """Largest Poisson z ((count - expected) / sqrt(expected)) over ``long_window_days``."""
    trigger_min_days: int = 3
    """Consecutive trigger days needed to start an episode."""
    onset_z: float = -2.0
    """A day with E at or below this (or messages at or below ``trigger_share`` of usual) can
    be the first day of his withdrawal; the onset is looked for up to two days before the
    trigger run."""
    evidence_days: int = 4
    """Days from a candidate onset over which the drop must be shown to be his (below)."""
    latency_rise: float = 2.5
    """His drop is his when over those days his median reply time is at least this many times
    his usual (baseline median) reply time: in a busy week or a holiday both write less but
    answer each other as fast as ever; when he pulls away he also answers slowly."""
    latency_usual_quantile: float = 0.9
    """A reply time counts as slow only when it is also above this quantile of his daily
    reply times over his baseline window: in a quiet chat his usual days already vary
    tenfold (a reply at lunch, one after work), so ``latency_rise`` times his median is no
    sign; in a busy chat this quantile sits below that and changes nothing."""
    slow_days_min: int = 2
    """... and on at least this many of those days his own median reply time was that slow,
    so one reply held over a holiday or a night does not make the case on its own ..."""
    sparse_reply_days: int = 1
    """... unless he replied at all on at most this many of those days while she wrote (a
    bid, or ``unanswered_min_messages``): then one slow reply is his, as no reply at all is.
    In a quiet chat a withdrawal often shows as a single late answer in four days."""
    turn_toward_share: float = 0.25
    """His drop is also his when over those days he turned toward (answered with a real reply)
    at most this share of the rate at which he answered her bids in his baseline window ...
    """
    turn_toward_min_bids: int = 4
    """... counted only when she made at least this many bids in those days."""
    latency_floor_minutes: float = 1.0
    """His usual reply time is floored at this many minutes before the ratio, so a partner who
    usually answers within seconds does not look slow at a two-minute reply."""
    onset_lookback_days: int = 7
    """The onset is the first of the low days of his (E at or below ``onset_z``, messages at or
    below ``trigger_share`` of usual, or replies ``latency_rise`` times slower than usual) that
    run without a break into the trigger, looked for up to this many days before it: his
    replies usually slow down days before his message count falls far enough to trigger."""
    unanswered_min_messages: int = 3
    """When he did not answer at all over those days, the drop is still his if she made a bid
    (a question, a plan, ...) or wrote at least this many messages; a "good night" or two
    into a shared silence (a holiday) is not enough."""
    end_z: float = -1.0
    """An episode ends on the first day of a run of days with E at or above this."""
    end_run_days: int = 5
    """Length of that recovery run, in days."""
    merge_gap_days: int = 3
    """Episodes separated by this many days or fewer are merged into one."""
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
    chase_days: int = 2
    """Chased: at least this many pursuit days in the episode (fewer: let go or mixed) ..."""
    chase_min_share: float = 0.2
    """... that are also at least this share of the episode's days: a pleading message on two
    days of a month she otherwise spent quiet is not a chase."""
    mixed_min_days: int = 2
    """Mixed: the episode splits into a pursuit part and a held-back part (either order) whose
    held-back days number at least this many ..."""
    mixed_share: float = 0.25
    """... and at least this share of the episode's days ..."""
    mixed_held_share: float = 0.5
    """... and at least this share of that part's days ..."""
    mixed_stray_share: float = 0.2
    """... with pursuit on at most this share of that part's days (a stray pleading message
    does not undo a held-back stretch; a switch must be clear)."""
    let_go_held_share: float = 0.5
    """Let go (without a chase): she held back on at least this share of the episode's days,
    or her messages a day were low over the episode, or she had one long silence."""

    return_window_days: int = 7
    """A return must be followed by this many days of recovery."""
    return_z: float = -1.0
    """Recovery: his mean E over the window at or above this ..."""
    return_share: float = 0.7
    """... or his messages over the window at least this share of his baseline."""
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

        >>> Settings.from_json({"trigger_z": -3, "unknown": 1}).trigger_z
        -3.0
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
    except (TypeError, ValueError) as exc:
        msg = f"setting {name!r}: {value!r} is not a number; use a number like 3 or 2.5"
        raise PullawayError(msg) from exc
    return value
