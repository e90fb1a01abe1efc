"""Counts in words for what people read: "1 message", "3 messages", "1 apology".

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
