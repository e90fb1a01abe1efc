"""Lines of a text export as a Polars Series, read fast and with universal newlines.

Splitting a 70 MB export into a million Python strings costs more than parsing it, so UTF-8
input goes through Polars' multi-threaded CSV reader with a separator byte that cannot occur
in the text (NUL) and quoting switched off: each line becomes one row, unchanged. Input the
reader cannot take (another encoding, NUL bytes, bare carriage returns) is decoded by
``decode_text`` and split in Python, with the same result.

>>> read_lines(b"one\\r\\ntwo\\n\\nthree\\n", path="chat.txt").to_list()
['one', 'two', '', 'three']
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, AnyStr, Final

import polars as pl

from pullaway.errors import ParseError
from pullaway.importers._base import decode_text

if TYPE_CHECKING:
    from pathlib import Path


def read_lines(data: bytes, *, path: Path | str, encoding: str | None = None) -> pl.Series:
    """The lines of ``data`` (CRLF, LF or CR endings), without a final empty line.

    Raises ParseError (via ``decode_text``) for bytes that are not text in ``encoding``.
    """
    if encoding or data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return split_text(decode_text(data, path=path, encoding=encoding))
    data = data.removeprefix(codecs.BOM_UTF8)
    nul = data.find(b"\x00")
    if nul >= 0 and data[:4096].count(b"\x00") <= len(data[:4096]) // 4:
        line = data.count(b"\n", 0, nul) + 1
        msg = "a binary file, not a text export (NUL byte); export the chat as .txt or .zip"
        raise ParseError(msg, path=path, line=line)
    if nul >= 0 or (b"\r" in data and data.count(b"\r") != data.count(b"\r\n")):
        return split_text(decode_text(data, path=path))
    try:
        frame = pl.read_csv(
            data,  # bytes as they are: a BytesIO around them would be copied first
            has_header=False,
            separator="\x00",
            quote_char=None,
            schema={"line": pl.String},
            encoding="utf8",
        )
    except pl.exceptions.PolarsError:
        # Not UTF-8: decode_text raises a ParseError naming the line and what to try.
        return split_text(decode_text(data, path=path))
    # The reader returns many chunks; one makes every later step cheaper (see by_slices).
    return frame.get_column("line").fill_null("").rechunk()


def split_text(text: str) -> pl.Series:
    """``split_lines`` of decoded text (without a byte-order mark), as a Series.

    >>> split_text("a\\rb\\r\\nc\\n").to_list()
    ['a', 'b', 'c']
    """
    return pl.Series("line", split_lines(text.removeprefix("\ufeff")), dtype=pl.String)


def split_lines(text: AnyStr) -> list[AnyStr]:
    """Lines on universal newlines only (LF, CRLF, CR), without a final empty line: not on
    U+2028 and friends as ``splitlines`` does, which messages and JSON strings hold as they are.

    >>> split_lines("a\\u2028b\\r\\nc\\rd\\n"), split_lines(b"e\\r\\n")
    (['a\\u2028b', 'c', 'd'], [b'e'])
    """
    cr, lf = ("\r", "\n") if isinstance(text, str) else (b"\r", b"\n")
    lines = text.replace(cr + lf, lf).replace(cr, lf).split(lf)
    if not lines[-1]:
        lines.pop()
    return lines


_NEWLINE: Final = re.compile(rb"[\r\n]")
_HEAD_BYTES: Final = 400


@dataclass(frozen=True)
class LongLine:
    """A line ``cut_long_lines`` emptied: its number (universal newlines), size and start."""

    line: int
    size: int
    head: str


PLACEHOLDER: Final = b" "
"""What ``cut_long_lines`` leaves of a long line: not nothing, since an empty line could join
a CR before it and an LF after it into one CRLF."""


def cut_long_lines(data: bytes, limit: int) -> tuple[bytes, list[LongLine]]:
    """``data`` with the text of every line over ``limit`` bytes taken out, and those lines.

    The line stays, as ``PLACEHOLDER``, so later lines keep their numbers. Cheap when there is no
    such line, which is nearly always: one newline search per ``limit // 2`` bytes, since a
    longer line always holds a stretch that long without one. UTF-16 input (with a byte-order
    mark) is returned as it is.

    >>> data, cut = cut_long_lines(b"ok\\r\\n" + b"x" * 9 + b"\\r\\nfine\\n", limit=8)
    >>> data, [(c.line, c.size) for c in cut]
    (b'ok\\r\\n \\r\\nfine\\n', [(2, 9)])
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data, []
    window = max(1, limit // 2)
    pieces: list[bytes] = []
    found: list[LongLine] = []
    kept_from = position = 0
    while position < len(data):
        if _NEWLINE.search(data, position, position + window):
            position += window
            continue
        start = max(data.rfind(b"\n", 0, position), data.rfind(b"\r", 0, position)) + 1
        end = _line_end(data, position)
        if end - start > limit:
            head = data[start : min(end, start + _HEAD_BYTES)].decode("utf-8", errors="replace")
            found.append(LongLine(_line_number(data, start), end - start, head))
            pieces += [data[kept_from:start], PLACEHOLDER]
            kept_from = end
        position = end
    if not found:
        return data, []
    pieces.append(data[kept_from:])
    return b"".join(pieces), found


def _line_end(data: bytes, position: int) -> int:
    """Where the line holding byte ``position`` ends: its CR or LF, or the end of ``data``.

    Two byte searches (memchr) rather than one regex search, which is ten times slower over
    the megabytes of a long line.
    """
    lf = data.find(b"\n", position)
    cr = data.find(b"\r", position, len(data) if lf < 0 else lf)
    if cr >= 0:
        return cr
    return len(data) if lf < 0 else lf


def _line_number(data: bytes, start: int) -> int:
    """The number of the line starting at byte ``start``, counting LF, CRLF and CR endings."""
    before = data[:start]
    return before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1
