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
from typing import TYPE_CHECKING, AnyStr

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
