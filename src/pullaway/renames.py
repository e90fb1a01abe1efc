"""A chat or a sender renamed between two exports of the same conversation.

Exports name people as the phone names them: rename a contact ("Leo" becomes "Leo 💔", or a
bare number once the contact is deleted) and the next export carries the new name on every
message and in its file name. Read as it is, it would start a second chat, and every message
in both exports would be stored twice under two senders.

Two exports of one conversation share their messages: the same (timestamp, kind, text) rows
where their times overlap. ``overlap`` measures that, ignoring senders, to tell whether an
export continues a stored chat; ``renamed_senders`` pairs each sender new to the chat with the
stored sender, gone from the export, whose messages it repeats. Both are pure functions of two
message frames (MESSAGE_SCHEMA, or any two frames whose ``timestamp``, ``sender``, ``kind``
and ``text`` have the same types).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import polars as pl

from pullaway.wording import counted

if TYPE_CHECKING:
    from collections.abc import Sequence

MIN_SHARED: Final = 5
"""Fewest messages two exports must share before they are read as one conversation, or a new
sender as a stored one renamed."""
MIN_SHARE: Final = 0.8
"""Smallest share of an export's messages (or of a new sender's) in the stored chat's time
range, on the days it has messages, that the stored chat must hold. Not all of them: a message
deleted or edited between the two exports differs."""

_PHONE: Final = re.compile(r"\+?[0-9 ()./\-\u00a0\u2011]+")
_EMAIL: Final = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MIN_PHONE_DIGITS: Final = 5
"""Fewest digits of a phone number (short codes included) read as one."""

KEY: Final = ("timestamp", "kind", "text")
"""What two copies of one message have in common across exports, whoever the sender is named."""


@dataclass(frozen=True)
class Overlap:
    """How many of an export's messages a stored chat holds (``shared``) of those in the
    stored chat's time range (``compared``)."""

    shared: int
    compared: int

    @property
    def same_conversation(self) -> bool:
        """Enough shared messages to read the export as more of the stored chat."""
        return self.shared >= MIN_SHARED and self.shared >= MIN_SHARE * self.compared


@dataclass(frozen=True)
class Rename:
    """``new``, a sender of the export the stored chat does not have, is ``old`` renamed:
    ``shared`` of its ``compared`` messages in the stored time range are ``old``'s, or the
    app gives both one id (``by_key``)."""

    old: str
    new: str
    shared: int
    compared: int
    by_key: bool = False


@dataclass(frozen=True)
class Senders:
    """Senders of an export compared with a stored chat's: ``renames`` found, and the ``new``
    ones (not in the stored chat) left as they are while some stored ones are ``gone``."""

    renames: tuple[Rename, ...]
    new: tuple[str, ...]
    gone: tuple[str, ...]


def is_bare_handle(name: str) -> bool:
    """Whether ``name`` is only a phone number or an e-mail address, or a list of them (a
    group named by its members): how exports name people not in the phone's contacts.

    >>> [is_bare_handle(n) for n in ("\u202a+1 (555) 123-4567\u202c", "leo@icloud.com", "Leo")]
    [True, True, False]
    >>> is_bare_handle("+15551234567, +447700900123"), is_bare_handle("+15551234567, Sam")
    (True, False)
    >>> is_bare_handle("Leo 2"), is_bare_handle("Leo @ work"), is_bare_handle("")
    (False, False, False)
    """
    bare = "".join(ch for ch in name if unicodedata.category(ch) != "Cf")
    parts = [part.strip() for part in bare.split(",")]
    return all(map(_is_one_handle, parts))


def _is_one_handle(text: str) -> bool:
    if _EMAIL.fullmatch(text):
        return True
    digits = sum(ch.isdigit() for ch in text)
    return digits >= MIN_PHONE_DIGITS and _PHONE.fullmatch(text) is not None


def names_better(stored: str, new: str) -> bool:
    """Whether an export's ``new`` name for a person or a chat replaces the ``stored`` one: a
    contact's name for his bare number or address (he was saved to the phone's contacts, or
    Contacts was read, after the older export). Any other rename keeps the stored name.

    >>> names_better("+15551234567", "Leo"), names_better("Leo", "+15551234567")
    (True, False)
    >>> names_better("Leo", "Leo 💔"), names_better("+15551234567", "leo@icloud.com")
    (False, False)
    """
    return is_bare_handle(stored) and bool(new.strip()) and not is_bare_handle(new)


def overlap(stored: pl.DataFrame, incoming: pl.DataFrame) -> Overlap:
    """How much of ``incoming`` ``stored`` already holds, senders aside.

    >>> from datetime import datetime as dt
    >>> old = pl.DataFrame({"timestamp": [dt(2024, 1, d) for d in range(1, 7)],
    ...     "kind": ["text"] * 6, "text": list("abcdef")})
    >>> new = old.with_columns(pl.col("text").replace("f", "F"))
    >>> overlap(old, new)
    Overlap(shared=5, compared=6)
    """
    window = _in_range(incoming, stored)
    shared = window.join(stored.select(KEY).unique(), on=KEY, how="semi", nulls_equal=True)
    return Overlap(shared=shared.height, compared=window.height)


def renamed_senders(
    stored: pl.DataFrame, incoming: pl.DataFrame, *, stored_senders: Sequence[str] | None = None
) -> Senders:
    """Each sender of ``incoming`` that ``stored`` does not have, paired with the stored sender
    absent from ``incoming`` whose messages it repeats (``MIN_SHARED``, ``MIN_SHARE``).

    A stored sender is paired with one new sender at most: the one sharing the most messages.
    ``stored_senders``: all senders of the stored chat, when ``stored`` holds only part of it
    (the rows in ``incoming``'s time range, say).

    >>> from datetime import datetime as dt
    >>> times = [dt(2024, 1, 1, 9, m) for m in range(6)]
    >>> old = pl.DataFrame({"timestamp": times, "sender": ["Leo", "Maya"] * 3,
    ...     "kind": ["text"] * 6, "text": list("abcdef")})
    >>> renamed_senders(old, old.with_columns(pl.col("sender").replace("Leo", "L")))
    Senders(renames=(), new=('L',), gone=('Leo',))
    >>> longer = pl.concat([old] * 3).with_columns(text=pl.int_range(18).cast(pl.String))
    >>> renamed_senders(longer, longer.with_columns(pl.col("sender").replace("Leo", "L")))
    Senders(renames=(Rename(old='Leo', new='L', shared=9, compared=9, by_key=False),), \
new=(), gone=())
    """
    known = _senders(stored) if stored_senders is None else list(stored_senders)
    present = _senders(incoming)
    new = [name for name in present if name not in known]
    gone = [name for name in known if name not in present]
    if not new or not gone:
        return Senders(renames=(), new=tuple(new), gone=tuple(gone))
    renames = _paired(_shared_by_sender(stored, incoming, new, gone))
    found_new = {r.new for r in renames}
    found_old = {r.old for r in renames}
    return Senders(
        renames=renames,
        new=tuple(n for n in new if n not in found_new),
        gone=tuple(g for g in gone if g not in found_old),
    )


def _senders(frame: pl.DataFrame) -> list[str]:
    return frame.get_column("sender").drop_nulls().unique(maintain_order=True).to_list()


def _in_range(incoming: pl.DataFrame, stored: pl.DataFrame) -> pl.DataFrame:
    """The rows of ``incoming`` within the time range of ``stored`` and on a day ``stored``
    has messages (none when it is empty): a stored chat made of exports with a gap between
    them is not held to the days it lacks.

    >>> from datetime import datetime as dt
    >>> stored = pl.DataFrame({"timestamp": [dt(2024, 1, 1, 9), dt(2024, 3, 1, 9)]})
    >>> times = [dt(2023, 12, 31), dt(2024, 1, 1, 22), dt(2024, 2, 1), dt(2024, 3, 1, 8)]
    >>> _in_range(pl.DataFrame({"timestamp": times}), stored)["timestamp"].dt.day().to_list()
    [1, 1]
    """
    times = stored.get_column("timestamp").drop_nulls()
    if times.is_empty():
        return incoming.clear()
    when = pl.col("timestamp")
    days = times.dt.date().unique()
    return incoming.filter(
        when.is_between(times.min(), times.max()), when.dt.date().is_in(days.implode())
    )


def _shared_by_sender(
    stored: pl.DataFrame, incoming: pl.DataFrame, new: list[str], gone: list[str]
) -> pl.DataFrame:
    """For each new sender: how many of its messages in the stored range (``compared``) and,
    per gone sender, how many of those the gone sender has in the stored chat (``shared``)."""
    window = (
        _in_range(incoming, stored)
        .filter(pl.col("sender").is_in(new))
        .select("sender", *KEY)
        .with_row_index("row")
    )
    compared = window.group_by("sender").len("compared")
    theirs = stored.filter(pl.col("sender").is_in(gone)).select(pl.col("sender").alias("old"), *KEY)
    pairs = window.join(theirs.unique(), on=KEY, nulls_equal=True)
    return (
        pairs.group_by("sender", "old")
        .agg(shared=pl.col("row").n_unique())
        .join(compared, on="sender")
        .sort("shared", "sender", "old", descending=[True, False, False])
    )


def _paired(shared: pl.DataFrame) -> tuple[Rename, ...]:
    """Best pairs first, each sender in at most one, those with enough shared messages."""
    renames: list[Rename] = []
    for new, old, count, compared in shared.select("sender", "old", "shared", "compared").rows():
        if any(r.new == new or r.old == old for r in renames):
            continue
        if Overlap(shared=count, compared=compared).same_conversation:
            renames.append(Rename(old=old, new=new, shared=count, compared=compared))
    return tuple(renames)


def describe_continued(name: str, stored: str, shared: Overlap) -> str:
    """The note for a file read as more of the stored chat ``stored`` though it names ``name``
    (a renamed contact, or a copy of an export under another file name).

    >>> describe_continued("Leo 💔", "Leo", Overlap(shared=950, compared=1000))
    "this export's chat 'Leo 💔' is the stored chat 'Leo' (950 of its 1,000 messages from \
that chat's time are there already), so it is read as more of 'Leo'; import it with \
--chat 'Leo 💔' to keep it apart"
    """
    return (
        f"this export's chat {name!r} is the stored chat {stored!r} "
        f"({shared.shared:,} of its {counted(shared.compared, 'message')} from that chat's "
        f"time are there already), so it is read as more of {stored!r}; import it with "
        f"--chat {name!r} to keep it apart"
    )


def describe_same_key(name: str, stored: str) -> str:
    """The note for a file whose chat the app gives the id of the stored chat ``stored``.

    >>> describe_same_key("Leo 💔", "Leo")
    "this export's chat 'Leo 💔' is the stored chat 'Leo' (the app gives both one id), so it \
is read as more of 'Leo'"
    """
    return (
        f"this export's chat {name!r} is the stored chat {stored!r} (the app gives both one "
        f"id), so it is read as more of {stored!r}"
    )


def describe_same_person(name: str, stored: str) -> str:
    """The note for a file whose chat is with the one person of the stored chat ``stored``,
    by the id the app gives them (an SMS contact's number).

    >>> describe_same_person("Leo M", "Leo")
    "this export's chat 'Leo M' is the stored chat 'Leo' (the person in both has one id in \
the app, such as a phone number), so it is read as more of 'Leo'"
    """
    return (
        f"this export's chat {name!r} is the stored chat {stored!r} (the person in both has "
        f"one id in the app, such as a phone number), so it is read as more of {stored!r}"
    )


def describe_me_by_key(me: str, other_chat: str) -> str:
    """The note for "me" taken from another chat where she said which account is hers.

    >>> describe_me_by_key("Noor", "lumi")
    "you are 'Noor': the app gives this sender the id of the one you said is you in 'lumi' \
(change it with pullaway me)"
    """
    return (
        f"you are {me!r}: the app gives this sender the id of the one you said is you in "
        f"{other_chat!r} (change it with pullaway me)"
    )


def describe_namesake(name: str, stored_as: str, *, merge: str) -> str:
    """The note for a chat that has the name of a stored chat but another id in the app, with
    the ``merge`` command that makes them one if they are one person's (a new account).

    >>> describe_namesake("Alex", "Alex (2)", merge="pullaway merge alex-2 alex")
    "this export's chat 'Alex' has the name of a stored chat but another id in the app: \
another conversation, stored as 'Alex (2)'; if they are one person's (a new account, say), \
merge them: pullaway merge alex-2 alex"
    """
    return (
        f"this export's chat {name!r} has the name of a stored chat but another id in the "
        f"app: another conversation, stored as {stored_as!r}; if they are one person's (a new "
        f"account, say), merge them: {merge}"
    )


def describe_rename(rename: Rename) -> str:
    """The note for a sender read as a stored one renamed.

    >>> describe_rename(Rename(old="Leo", new="Leo 💔", shared=9, compared=10))
    "'Leo 💔' is 'Leo' renamed (9 of their 10 messages from the stored chat's time are \
Leo's there), so they are read as 'Leo'"
    """
    why = _why(rename)
    return f"{rename.new!r} is {rename.old!r} renamed ({why}), so they are read as {rename.old!r}"


def _why(rename: Rename) -> str:
    """Why ``rename.new`` is ``rename.old``: the messages they share, or the app's id.

    >>> _why(Rename(old="Leo", new="L", shared=0, compared=0, by_key=True))
    'the app gives both one id'
    """
    if rename.by_key:
        return "the app gives both one id"
    return (
        f"{rename.shared:,} of their {counted(rename.compared, 'message')} from the stored "
        f"chat's time are {rename.old}'s there"
    )


def describe_chat_named(old: str, new: str, *, rows: int) -> str:
    """The note for a stored chat whose bare number or address took the name an export gives
    it (``names_better``); ``rows``: its stored messages, renamed with it.

    >>> describe_chat_named("+15551234567", "Leo", rows=1200)
    "the chat '+15551234567' takes the name this export gives it, 'Leo' (1,200 stored \
messages renamed)"
    """
    return (
        f"the chat {old!r} takes the name this export gives it, {new!r} "
        f"({counted(rows, 'stored message')} renamed)"
    )


def describe_sender_named(rename: Rename) -> str:
    """The note for a stored sender whose bare number or address took the name an export
    gives them (``names_better``).

    >>> describe_sender_named(Rename(old="+15551234567", new="Leo", shared=9, compared=10))
    "'Leo' is '+15551234567' named (9 of their 10 messages from the stored chat's time are \
+15551234567's there), so the stored messages take the name 'Leo'"
    """
    return (
        f"{rename.new!r} is {rename.old!r} named ({_why(rename)}), so the stored messages "
        f"take the name {rename.new!r}"
    )


def describe_new_senders(senders: Senders) -> list[str]:
    """A note when senders new to the chat came while stored ones are missing from the export
    and too few messages tell them apart (nothing when a sender simply joined).

    >>> describe_new_senders(Senders(renames=(), new=("L",), gone=("Leo",)))
    ["'L' is new to this chat and 'Leo' is not in this export; too few of their messages \
match to tell whether 'L' is 'Leo' renamed, so they are kept apart"]
    """
    if not senders.new or not senders.gone:
        return []
    new = " and ".join(repr(n) for n in senders.new)
    gone = " and ".join(repr(g) for g in senders.gone)
    one_each = len(senders.new) == 1 and len(senders.gone) == 1
    question = f"whether {new} is {gone} renamed" if one_each else "who was renamed"
    return [
        f"{new} {'is' if len(senders.new) == 1 else 'are'} new to this chat and {gone} "
        f"{'is' if len(senders.gone) == 1 else 'are'} not in this export; too few of their "
        f"messages match to tell {question}, so they are kept apart"
    ]
