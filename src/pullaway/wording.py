"""Counts in words for what people read: "1 message", "3 messages", "1 apology", "1 day";
and renamings as "old → new".

Shared by the import reports, the CLI, the app and the analysis' summaries, so no sentence says
"1 messages" and every renaming reads alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``count`` and ``noun``, plural unless one (``plural``, or ``noun`` + "s").

    >>> counted(1, "line"), counted(1200, "record"), counted(2, "apology", "apologies")
    ('1 line', '1,200 records', '2 apologies')
    """
    word = noun if count == 1 else plural or f"{noun}s"
    return f"{count:,} {word}"


def days(value: float, *, digits: int = 0) -> str:
    """``value`` days, rounded to ``digits`` decimals: "day" only when it reads as exactly 1.

    >>> days(1.2), days(0.6), days(14.0), days(1.0, digits=1), days(0.5, digits=1)
    ('1 day', '1 day', '14 days', '1.0 days', '0.5 days')
    """
    number = f"{value:.{digits}f}"
    return f"{number} {'day' if number == '1' else 'days'}"


def arrows(renamings: Iterable[tuple[str, str]]) -> str:
    """``old → new, …`` for (old, new) pairs; "" for none.

    >>> arrows([("+15551234567", "Leo"), ("Jake", "J")]), arrows([])
    ('+15551234567 → Leo, Jake → J', '')
    """
    return ", ".join(f"{old} → {new}" for old, new in renamings)
