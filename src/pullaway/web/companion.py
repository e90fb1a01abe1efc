"""The space companion: the draft check and the no-chase streak, from her own messages.

Pure functions over the message table and the journal frame; nothing is ever sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

import polars as pl

DraftVerdict = Literal["fine", "follow_up", "checking", "pleading"]
HoldChoice = Literal["1h", "tonight", "tomorrow", "3d"]

HOLD_LABELS: dict[str, str] = {
    "1h": "1 hour",
    "tonight": "until tonight (21:00)",
    "tomorrow": "until tomorrow morning (09:00)",
    "3d": "3 days",
}
VERDICT_TEXT: dict[str, str] = {
    "fine": "This reads fine.",
    "follow_up": "This would be a follow-up to a message he has not answered yet.",
    "checking": "This reads as checking on him.",
    "pleading": "This reads as pleading.",
}


@dataclass(frozen=True)
class DraftCheck:
    """What the draft check found, and the reasons it rests on."""

    text: str
    verdict: DraftVerdict
    flags: tuple[str, ...]
    mechanisms: tuple[int, ...]
    reasons: tuple[str, ...]
    unanswered_bursts: int
    last_his: datetime | None
    last_hers: datetime | None
    crisis: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "verdict": self.verdict,
            "verdict_text": VERDICT_TEXT[self.verdict],
            "flags": list(self.flags),
            "mechanisms": list(self.mechanisms),
            "reasons": list(self.reasons),
            "unanswered_bursts": self.unanswered_bursts,
            "last_his": self.last_his.isoformat() if self.last_his else None,
            "last_hers": self.last_hers.isoformat() if self.last_hers else None,
            "crisis": self.crisis,
        }


def bursts(messages: pl.DataFrame, *, burst_gap: timedelta = timedelta(minutes=10)) -> pl.DataFrame:
    """Consecutive messages of one sender within ``burst_gap`` of each other, as one row each.

    Columns: sender, start, end, messages. System lines and sender-less rows are left out.
    """
    spoken = (
        messages.lazy()
        .filter(pl.col("sender").is_not_null() & (pl.col("kind").cast(pl.String) != "system"))
        .select("timestamp", "sender")
        .sort("timestamp")
    )
    new_burst = (pl.col("sender") != pl.col("sender").shift()) | (
        pl.col("timestamp") - pl.col("timestamp").shift() > burst_gap
    )
    return (
        spoken.with_columns(burst=new_burst.fill_null(True).cum_sum())
        .group_by("burst", maintain_order=True)
        .agg(
            pl.col("sender").first(),
            start=pl.col("timestamp").min(),
            end=pl.col("timestamp").max(),
            messages=pl.len(),
        )
        .drop("burst")
        .collect()
    )


def follow_ups(
    messages: pl.DataFrame, *, me: str, burst_gap: timedelta = timedelta(minutes=10)
) -> pl.DataFrame:
    """Her bursts sent while her previous burst was still unanswered (start, messages)."""
    b = bursts(messages, burst_gap=burst_gap)
    return b.filter((pl.col("sender") == me) & (pl.col("sender").shift() == me)).select(
        "start", "messages"
    )


def check_draft(
    text: str,
    messages: pl.DataFrame,
    *,
    me: str,
    matches: Any,
    burst_gap: timedelta = timedelta(minutes=10),
) -> DraftCheck:
    """Is ``text`` a follow-up to an unanswered burst, checking, or pleading?

    ``matches`` is ``pullaway.analysis.signals.matches`` (injected so this stays testable).
    Mechanisms touched: #1 (he needs space) for follow-ups, #5 and #7 for checking/pleading.
    """
    b = bursts(messages, burst_gap=burst_gap)
    hers = b.filter(pl.col("sender") == me)
    his = b.filter(pl.col("sender") != me)
    last_hers = _latest(hers["end"])
    last_his = _latest(his["end"])
    unanswered = _trailing_bursts_of(b, me)
    flags: list[str] = []
    reasons: list[str] = []
    mechanisms: list[int] = []
    if unanswered > 0:
        flags.append("follow_up")
        mechanisms.append(1)
        what = (
            "Your last message in the chat has"
            if unanswered == 1
            else f"Your last {unanswered} messages in the chat have"
        )
        reasons.append(
            f"{what} no answer from him yet. Sending this now would follow up on "
            f"{'it' if unanswered == 1 else 'them'} (mechanism #1, giving him space to answer)."
        )
    for category in ("pleading", "checking"):
        if matches(text, category):
            flags.append(category)
            reasons.append(
                f"Its words read as {category} (mechanisms #5, respect for his independence, "
                "and #7, confidence and self-respect)."
            )
            mechanisms.extend(n for n in (5, 7) if n not in mechanisms)
    crisis = bool(matches(text, "self_harm"))
    order: tuple[DraftVerdict, ...] = ("pleading", "checking", "follow_up")
    verdict: DraftVerdict = next((v for v in order if v in flags), "fine")
    if verdict == "fine":
        reasons.append(
            "It is not a follow-up to an unanswered message and has no checking or pleading "
            "words. Whether to send it is your call."
        )
    return DraftCheck(
        text=text,
        verdict=verdict,
        flags=tuple(flags),
        mechanisms=tuple(sorted(mechanisms)),
        reasons=tuple(reasons),
        unanswered_bursts=unanswered,
        last_his=last_his,
        last_hers=last_hers,
        crisis=crisis,
    )


def _latest(moments: pl.Series) -> datetime | None:
    value = moments.max()
    return value if isinstance(value, datetime) else None


def _trailing_bursts_of(b: pl.DataFrame, me: str) -> int:
    """How many of the chat's last bursts are hers, with nothing from him after them."""
    if b.is_empty():
        return 0
    others = b.with_row_index("i").filter(pl.col("sender") != me)["i"]
    last_other = -1 if others.is_empty() else int(others.max())  # type: ignore[arg-type]
    return b.height - 1 - last_other


def hold_until(choice: str, *, now: datetime) -> datetime:
    """When a held draft may be read again.

    >>> hold_until("tomorrow", now=datetime(2025, 1, 1, 23, 0))
    datetime.datetime(2025, 1, 2, 9, 0)
    >>> hold_until("tonight", now=datetime(2025, 1, 1, 22, 0))
    datetime.datetime(2025, 1, 1, 23, 0)
    """
    if choice == "1h":
        return now + timedelta(hours=1)
    if choice == "tonight":
        tonight = now.replace(hour=21, minute=0, second=0, microsecond=0)
        return tonight if tonight > now else now + timedelta(hours=1)
    if choice == "tomorrow":
        return (now + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    if choice == "3d":
        return now + timedelta(days=3)
    msg = f"unknown hold time {choice!r}; choose one of {', '.join(HOLD_LABELS)}"
    raise ValueError(msg)


@dataclass(frozen=True)
class Streak:
    """Days without a follow-up to an unanswered message, and her check-in run."""

    last_follow_up: date | None
    as_of: date | None  # the last day the imported chat covers
    days: int | None  # days from the last follow-up to as_of
    at_least: bool  # no follow-up in the messages looked at: ``days`` is a lower bound
    follow_ups_30d: int
    checkin_run: int  # consecutive days with a check-in, ending today or yesterday
    checkins: int

    def to_json(self) -> dict[str, Any]:
        return {
            "last_follow_up": self.last_follow_up.isoformat() if self.last_follow_up else None,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "days": self.days,
            "at_least": self.at_least,
            "follow_ups_30d": self.follow_ups_30d,
            "checkin_run": self.checkin_run,
            "checkins": self.checkins,
        }


def streak(messages: pl.DataFrame, journal: pl.DataFrame, *, me: str, today: date) -> Streak:
    """The no-chase streak from her actual messages, and her check-ins.

    ``messages`` may be the chat's recent part only (the app passes the last year); with no
    follow-up in it, the streak covers all of it and is marked ``at_least``.
    """
    ups = follow_ups(messages, me=me)
    spoken = messages.filter(pl.col("kind").cast(pl.String) != "system")
    as_of = spoken["timestamp"].max().date() if spoken.height else None  # type: ignore[union-attr]
    last = ups["start"].max().date() if ups.height else None  # type: ignore[union-attr]
    first = spoken["timestamp"].min().date() if spoken.height else None  # type: ignore[union-attr]
    since = last or first
    days = (as_of - since).days if as_of and since else None
    recent = 0
    if as_of is not None and ups.height:
        cutoff = datetime.combine(as_of - timedelta(days=30), datetime.min.time())
        recent = ups.filter(pl.col("start") >= cutoff).height
    checked = set(journal["day"].to_list()) if journal.height else set()
    run, day = 0, today if today in checked else today - timedelta(days=1)
    while day in checked:
        run, day = run + 1, day - timedelta(days=1)
    return Streak(last, as_of, days, last is None, recent, run, len(checked))


def journal_chart(
    messages: pl.DataFrame, journal: pl.DataFrame, *, me: str, today: date, days: int = 90
) -> dict[str, Any]:
    """Daily follow-ups (from the chat) with mood and urge (from check-ins), last ``days``.

    The window also reaches back to the chat's last 30 days when the export is older, and
    never spans more than a year.
    """
    end = today
    start = end - timedelta(days=days - 1)
    spoken_last = messages["timestamp"].max() if messages.height else None
    if isinstance(spoken_last, datetime):
        # Show the chat's last month too when the export is older than the window.
        end = max(end, spoken_last.date())
        start = max(min(start, spoken_last.date() - timedelta(days=29)), end - timedelta(days=364))
    frame = pl.DataFrame({"day": pl.date_range(start, end, "1d", eager=True)})
    ups = (
        follow_ups(messages, me=me)
        .group_by(day=pl.col("start").dt.date())
        .agg(follow_ups=pl.len().cast(pl.Int64))
    )
    frame = frame.join(ups, on="day", how="left").with_columns(pl.col("follow_ups").fill_null(0))
    if journal.height:
        daily = journal.group_by("day").agg(
            mood=pl.col("mood").last().cast(pl.Float64), urge=pl.col("urge").last().cast(pl.Float64)
        )
        frame = frame.join(daily, on="day", how="left")
    else:
        frame = frame.with_columns(mood=pl.lit(None, pl.Float64), urge=pl.lit(None, pl.Float64))
    frame = frame.sort("day")
    return {
        "days": frame["day"].dt.strftime("%Y-%m-%d").to_list(),
        "follow_ups": frame["follow_ups"].to_list(),
        "mood": frame["mood"].to_list(),
        "urge": frame["urge"].to_list(),
    }
