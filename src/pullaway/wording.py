"""Counts in words for what people read: "1 message", "3 messages", "1 apology", "1 day".

Shared by the import reports and the analysis' summaries, so no sentence says "1 messages".
"""

from __future__ import annotations


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
