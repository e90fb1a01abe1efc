"""Untrusted text for the terminal: names and messages from exports, made harmless to print.

A message can hold control characters; printed as they are, an escape sequence would act on
the terminal (clear it, retitle it, colour what follows). Rich drops a few of them (bell,
backspace, carriage return) but passes ESC, so every control character except newline and tab
is shown as a picture of itself instead: ESC as ␛, NUL as ␀, DEL as ␡; C1 controls as �.
"""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING, Final

from rich.text import Text

if TYPE_CHECKING:
    from collections.abc import Iterable

    import polars as pl

_CONTROLS: Final = [chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))]
_PICTURES: Final = [
    chr(0x2400 + ord(c)) if ord(c) < 0x20 else "\u2421" if c == "\x7f" else "\ufffd"
    for c in _CONTROLS
]
_CONTROL_RE: Final = re.compile("[" + re.escape("".join(_CONTROLS)) + "]")
_PICTURE_OF: Final = dict(zip(_CONTROLS, _PICTURES, strict=True))


def printable(text: str) -> str:
    """``text`` with each control character but newline and tab shown as a picture of it.

    >>> printable("hi\\x1b[2J\\x00 there\\n")
    'hi␛[2J␀ there\\n'
    """
    return _CONTROL_RE.sub(lambda found: _PICTURE_OF[found[0]], text)


def plain(text: str, style: str = "") -> Text:
    """``text`` as a rich ``Text`` that is printed as written: no markup, no control codes."""
    return Text(printable(text), style=style)


def printable_expr(texts: pl.Expr) -> pl.Expr:
    """``printable`` for a column of strings, in one pass.

    >>> import polars as pl
    >>> pl.select(printable_expr(pl.lit("a\\x1bb"))).item()
    'a␛b'
    """
    return texts.str.replace_many(_CONTROLS, _PICTURES)


def say_notes(notes: Iterable[str]) -> None:
    """Each of ``notes`` as a ``note: …`` line on stderr, out of the way of --json, with
    control characters shown (a note can name a file)."""
    for note in notes:
        print(f"note: {printable(note)}", file=sys.stderr, flush=True)
