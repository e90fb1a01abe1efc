"""Where things stand today, his own history of returns, and today's guidance.

Phase: ``ended`` when the ending gate fired; ``pulling_away`` when the last episode is still
open at the export end; ``connected`` otherwise. The history sentence and curve use only the
earlier episodes (the open one is what is being asked about). Guidance is written in the
product's own words and tied to a mechanism: space is framed as looking after herself, never as
a tactic, no return is ever promised, and when letting go did not bring him back before, it
says so. When the ending gate fires, return talk is dropped for well-being guidance; when a
concern gate fires, strategy is replaced by a safety line (mechanism 0).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from pullaway.analysis.result import Guidance, Now
from pullaway.analysis.returns import CURVE_SCHEMA, kaplan_meier, within_sentence
from pullaway.wording import counted

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date

    from pullaway.analysis.result import Episode, Phase, Safety, Strategy


def current(
    episodes: Sequence[Episode],
    safety: Safety,
    *,
    first_day: date,
    today: date,
    ending_day: date | None = None,
) -> Now:
    """The Now block for ``today``."""
    last = episodes[-1] if episodes else None
    is_open = last is not None and last.outcome in ("ongoing", "faded", "ended")
    earlier = list(episodes[:-1] if is_open else episodes)
    history, curve = _history(earlier)
    if safety.ending:
        since = ending_day or (last.onset if last else None)
        return _now(
            "ended",
            since,
            today,
            last.strategy if last else None,
            earlier,
            "",
            _empty(),
            _ended_guidance(safety),
        )
    if is_open and last is not None:
        guidance = _safety_guidance() if safety.concern else _open_guidance(last, earlier)
        return _now(
            "pulling_away", last.onset, today, last.strategy, earlier, history, curve, guidance
        )
    since = last.end if last and last.end else first_day
    guidance = _safety_guidance() if safety.concern else _connected_guidance(earlier)
    return _now("connected", since, today, None, earlier, history, curve, guidance)


def _now(
    phase: Phase,
    since: date | None,
    today: date,
    strategy: Strategy | None,
    earlier: list[Episode],
    history: str,
    curve: pl.DataFrame,
    guidance: tuple[Guidance, ...],
) -> Now:
    return Now(
        phase=phase,
        since=since,
        days=(today - since).days if since else None,
        strategy=strategy,
        earlier_episodes=len(earlier),
        earlier_returned=sum(e.outcome == "returned" for e in earlier),
        history=history,
        curve=curve,
        guidance=guidance,
    )


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema=CURVE_SCHEMA)


def history_sentence(earlier: Sequence[Episode]) -> str:
    """ "in 5 of 6 earlier episodes he came back; half of them within 6 days".

    Honest when there is nothing to go by, and never a forecast.
    """
    if not earlier:
        return (
            "This is the first pull-away found in your history with him, so there is no "
            "earlier return to go by."
        )
    times = [e.observed_days for e in earlier]
    returned = [e.outcome == "returned" for e in earlier]
    n, k = len(earlier), sum(returned)
    if k == 0:
        none = (
            "In the one earlier episode he did not"
            if n == 1
            else f"In none of {n} earlier episodes did he"
        )
        return f"{none} come back within the time the chat shows."
    within = within_sentence(times, returned)
    return f"In {k} of {counted(n, 'earlier episode')} he came back; {within}."


def _history(earlier: list[Episode]) -> tuple[str, pl.DataFrame]:
    curve, _ = kaplan_meier(
        [e.observed_days for e in earlier], [e.outcome == "returned" for e in earlier]
    )
    return history_sentence(earlier), curve


def _reached_out(pleas: int, streak: int) -> str:
    """
    >>> _reached_out(0, 3)
    'up to 3 messages in a row without an answer'
    >>> _reached_out(1, 4)
    '1 checking or pleading message, up to 4 in a row without an answer'
    """
    run = f"up to {streak} in a row without an answer"
    if not pleas:
        return run.replace("in a row", "messages in a row", 1)
    return f"{counted(pleas, 'checking or pleading message')}, {run}"


def _times_you_gave_space(times: int) -> str:
    """ "the one time you gave him space", "the 3 times you gave him space"."""
    return (
        "the one time you gave him space" if times == 1 else f"the {times} times you gave him space"
    )


def _open_guidance(last: Episode, earlier: list[Episode]) -> tuple[Guidance, ...]:
    lines = [
        Guidance(
            7,
            "Put today's attention on your own day: sleep, food, people who are glad to hear "
            "from you. Not sending another message is about keeping your own footing; it is "
            "not a lever on how he feels.",
        )
    ]
    if last.counts.pleading_or_checking or last.counts.max_unanswered_streak >= 3:
        reached = _reached_out(last.counts.pleading_or_checking, last.counts.max_unanswered_streak)
        lines.append(
            Guidance(
                5,
                f"You have already reached out ({reached}). He knows you are there. If you want "
                "to write again, try the draft check first and let it wait a few hours.",
            )
        )
    let_go = [e for e in earlier if e.strategy == "let_go"]
    back = sum(e.outcome == "returned" for e in let_go)
    if let_go and back == 0:
        lines.append(
            Guidance(
                1,
                f"Be honest with yourself: {_times_you_gave_space(len(let_go))} before, he "
                "did not come back. Space is still worth taking for your own sake, but with him "
                "it has not been a way back.",
            )
        )
    elif let_go:
        lines.append(
            Guidance(
                1,
                f"When you gave him space before, he came back in {back} of "
                f"{counted(len(let_go), 'episode')}. That is his past, not a promise about this "
                "time.",
            )
        )
    lines.append(
        Guidance(
            4,
            "Nobody can tell whether he returns, or when; this app cannot either. What you can "
            "decide is how you want to spend these days.",
        )
    )
    return tuple(lines)


def _connected_guidance(earlier: list[Episode]) -> tuple[Guidance, ...]:
    text = "Things look steady between you right now. Enjoy it; nothing here needs managing."
    if earlier:
        text += " If distance comes again, your history above shows what happened before."
    return (Guidance(8, text),)


def _ended_guidance(safety: Safety) -> tuple[Guidance, ...]:
    lines = [
        Guidance(
            7,
            "This looks like an ending, and it is allowed to hurt. Lean on people who care about "
            "you, keep your days simple, and be gentle with yourself.",
        ),
        Guidance(
            7,
            "Keeping contact low helps most people recover (that is about your healing, not "
            "about winning him back). The no-contact tracker can help on the hard evenings.",
        ),
    ]
    return tuple(lines) + (_safety_guidance() if safety.concern else ())


def _safety_guidance() -> tuple[Guidance, ...]:
    return (
        Guidance(
            0,
            "Some messages in this chat raise a safety concern, so advice about space or "
            "strategy is set aside. The support lines listed are confidential and can help you "
            "think through what feels safe. Blocking or deleting can change how someone reacts: "
            "talk it through with them first.",
        ),
    )
