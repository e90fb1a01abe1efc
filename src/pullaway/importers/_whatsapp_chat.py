"""A WhatsApp chat's name, its participants and a guess at which of them is "me"."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Final

from pullaway.importers import _whatsapp_text as words
from pullaway.importers._base import ChatMeta
from pullaway.slices import distinct

if TYPE_CHECKING:
    import polars as pl

_COPY_SUFFIX: Final = re.compile(r"\s*\(\d+\)$")


def _file_name_re(template: str) -> re.Pattern[str]:
    """A regex for file names of ``template`` (``{}`` the name); a space in it may be an
    underscore, as in zip names (``Conversa_do_WhatsApp_com_Ana``)."""
    before, after = (re.escape(part).replace("\\ ", "[ _]") for part in template.split("{}"))
    return re.compile(f"^{before}(?P<name>.+?){after}$", re.IGNORECASE)


_FILE_NAME_RES: Final = tuple(map(_file_name_re, words.CHAT_FILE_NAMES))


def chat_name_from_file(name: str) -> str | None:
    """The partner's or group's name in a WhatsApp export's file name, in any language the
    app writes it in, if it has one. macOS keeps file names decomposed (``i`` and a combining
    accent): they are composed first.

    >>> chat_name_from_file("WhatsApp Chat with Dani (1).txt")
    'Dani'
    >>> chat_name_from_file("Conversa_do_WhatsApp_com_Ana_Sousa.zip")
    'Ana Sousa'
    >>> chat_name_from_file("Ayşe ile WhatsApp Sohbeti.txt")
    'Ayşe'
    >>> chat_name_from_file("_chat.txt") is None
    True
    """
    name = unicodedata.normalize("NFC", name)
    stem = _COPY_SUFFIX.sub("", re.sub(r"\.(?:txt|zip)$", "", name, flags=re.IGNORECASE))
    stem = _COPY_SUFFIX.sub("", stem)
    match = next((m for m in (r.match(stem) for r in _FILE_NAME_RES) if m), None)
    if match is None:
        return None
    found = match["name"]
    if "_" in match.group(0).replace(found, ""):
        found = found.replace("_", " ")
    return found.strip() or None


FIRST_ROWS: Final = 4096
"""How many rows ``first_seen`` looks at first (then eight times more each time)."""


def first_seen(values: pl.Series, *, first_rows: int = FIRST_ROWS) -> tuple[str, ...]:
    """The distinct non-null ``values`` in order of first appearance.

    Keeping the order costs a slower pass over every row; the unordered distinct values say
    how many there are, and a chat's senders all show up in its first rows almost always.

    >>> import polars as pl
    >>> first_seen(pl.Series(["b", None, "a", "b", "c"]), first_rows=2)
    ('b', 'a', 'c')
    """
    count = distinct(values).drop_nulls().len()
    rows = first_rows
    while True:
        # Distinct values first, nulls dropped after: the same order, without copying.
        seen = values.head(rows).unique(maintain_order=True).drop_nulls()
        if seen.len() == count or rows >= values.len():
            return tuple(seen)
        rows *= 8


def chat_meta(frame: pl.DataFrame, names: tuple[str, ...], chat: str | None) -> ChatMeta:
    """Name, participants and me-guess of the chat in ``frame`` (with ``notice_author``).

    ``names`` are file names that may carry the chat's name, best first (the zip, the member).
    """
    participants = first_seen(frame.get_column("sender"))
    from_file = next((n for n in map(chat_name_from_file, names) if n), None)
    partner, how = from_file, "named in the file name"
    if partner is None and len(participants) == 2:
        # iOS writes the partner's name as the author of the chat's notices in a 1:1 chat.
        authors = set(frame.get_column("notice_author").drop_nulls()) & set(participants)
        if len(authors) == 1:
            partner, how = authors.pop(), "the author of the chat's system notices"
    name = chat or partner or Path(names[0]).stem
    me_guess, reason = None, ""
    if partner is not None and len(participants) == 2 and partner in participants:
        me_guess = next(p for p in participants if p != partner)
        reason = f"the chat is with {partner} ({how}), so the other sender is you"
    return ChatMeta(name=name, me_guess=me_guess, me_reason=reason, participants=participants)
