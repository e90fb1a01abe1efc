"""Lines of a text export as a Polars Series, read fast and with universal newlines.

Splitting a 70 MB export into a million Python strings costs more than parsing it, so UTF-8
input goes through Polars' multi-threaded CSV reader with a separator byte that cannot occur
in the text (NUL) and quoting switched off: each line becomes one row, unchanged. Input the
reader cannot take (NUL bytes, bare carriage returns) is decoded by ``decode_text`` and split
in Python, with the same result. Other encodings are made UTF-8 first (``as_utf8``). A file
whose bytes need none of that, as nearly all do, is read by the reader from disk
(``file_lines``): its bytes are searched where the file is mapped, never copied into Python.

Lines (or JSON and XML values) over ``MAX_MESSAGE_BYTES`` are found before anything is decoded
(``long_stretches``): a damaged export, or a gigabyte of one line, is skipped or refused at its
line instead of costing many times its size in memory.

>>> read_lines(b"one\\r\\ntwo\\n\\nthree\\n", path="chat.txt").to_list()
['one', 'two', '', 'three']
"""

from __future__ import annotations

import codecs
import mmap
import re
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, AnyStr, Final

import polars as pl

from pullaway.errors import ParseError
from pullaway.importers._base import decode_text

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    Bytes = bytes | mmap.mmap  # what the searches here take: a file's bytes, or its mapping


def read_lines(data: bytes, *, path: Path | str) -> pl.Series:
    """The lines of UTF-8 ``data`` (CRLF, LF or CR endings), without a final empty line.

    Other encodings are made UTF-8 first (``as_utf8``). Raises ParseError (via
    ``decode_text``) for bytes that are not UTF-8, naming the line and what to try.
    """
    data = data.removeprefix(codecs.BOM_UTF8)
    nul = data.find(b"\x00")
    if nul >= 0 and data[:4096].count(b"\x00") <= len(data[:4096]) // 4:
        line = data.count(b"\n", 0, nul) + 1
        msg = "a binary file, not a text export (NUL byte); export the chat as .txt or .zip"
        raise ParseError(msg, path=path, line=line)
    if nul >= 0 or _has_lone_cr(data):
        return split_text(decode_text(data, path=path))
    try:
        # Bytes as they are: a BytesIO around them would be copied first.
        frame = pl.read_csv(data, **_ONE_COLUMN)
    except pl.exceptions.PolarsError:
        # Not UTF-8: decode_text raises a ParseError naming the line and what to try.
        return split_text(decode_text(data, path=path))
    return _one_chunk(frame)


_ONE_COLUMN: Final[dict[str, Any]] = {
    "has_header": False,
    "separator": "\x00",
    "quote_char": None,
    "schema": {"line": pl.String},
    "encoding": "utf8",
}
"""``pl.read_csv`` options that make each line one row, unchanged (see the module's text)."""
_LONE_CR: Final = re.compile(rb"\r(?!\n)")


def _has_lone_cr(data: Bytes) -> bool:
    """Whether ``data`` has a CR without an LF after it, a line end the reader does not take."""
    return data.find(b"\r") >= 0 and _LONE_CR.search(data) is not None


def _one_chunk(frame: pl.DataFrame) -> pl.Series:
    """The lines the reader gave: it returns many chunks, and one makes every later step
    cheaper (see by_slices)."""
    return frame.get_column("line").fill_null("").rechunk()


@contextmanager
def mapped(path: Path) -> Iterator[mmap.mmap | None]:
    """The bytes of the file at ``path``, mapped into memory read-only: searched in place, they
    need not be read first. None for a file the system does not map (an empty one, or one on a
    file system without mapping), which is then read the usual way."""
    with path.open("rb") as fh:
        try:
            data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):  # ValueError: an empty file
            data = None
        if data is None:
            yield None
            return
        with data:
            yield data


def file_lines(path: Path, data: mmap.mmap, *, limit: int) -> pl.Series | None:
    """``read_lines`` of the file at ``path``, whose bytes ``data`` maps, read by Polars from
    the file itself: faster than from a copy of its bytes, which Python has to read first.

    None when the bytes must go through ``read_lines`` (and ``as_utf8`` and ``cut_long_lines``
    before it): a UTF-16 byte-order mark, NUL bytes, a carriage return without a line feed
    after it, a line over ``limit`` bytes, or bytes that are not UTF-8. Mapped bytes
    are searched in place, without being read into memory.
    """
    if (
        data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
        or data.find(b"\x00") >= 0
        or _has_lone_cr(data)
        or next(long_stretches(data, limit), None) is not None
    ):
        return None
    try:
        # Polars reads a path as a pattern ("[", "*", "?") unless glob=False, and expands a
        # leading "~" (here, a folder of that name), which an absolute path cannot have.
        frame = pl.read_csv(path.absolute(), glob=False, **_ONE_COLUMN)
    except (pl.exceptions.PolarsError, OSError):  # then read_lines names what is wrong
        return None
    return _one_chunk(frame)


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


_HEAD_BYTES: Final = 400
NEWLINES: Final = b"\r\n"
MAX_MESSAGE_BYTES: Final = 1 << 20
"""No chat app sends a message anywhere near this long (WhatsApp: 65,536 characters, Telegram
4,096, Signal and Discord fewer): longer lines and values are not read."""


@dataclass(frozen=True)
class LongLine:
    """A line ``cut_long_lines`` took out: its number (universal newlines), size and start."""

    line: int
    size: int
    head: str


PLACEHOLDER: Final = b" "
"""What ``cut_long_lines`` leaves of a long line: not nothing, since an empty line could join
a CR before it and an LF after it into one CRLF."""


def cut_long_lines(data: bytes, limit: int) -> tuple[bytes, list[LongLine]]:
    """``data`` (UTF-8, see ``as_utf8``) with the text of every line over ``limit`` bytes taken
    out, and those lines.

    The line stays, as ``PLACEHOLDER``, so later lines keep their numbers. Cheap when there is
    no such line (see ``long_stretches``).

    >>> data, cut = cut_long_lines(b"ok\\r\\n" + b"x" * 9 + b"\\r\\nfine\\n", limit=8)
    >>> data, [(c.line, c.size) for c in cut]
    (b'ok\\r\\n \\r\\nfine\\n', [(2, 9)])
    """
    pieces: list[bytes] = []
    found: list[LongLine] = []
    kept_from = 0
    for start, end in long_stretches(data, limit):
        head = data[start : min(end, start + _HEAD_BYTES)].decode("utf-8", errors="replace")
        found.append(LongLine(line_number(data, start), end - start, head))
        pieces += [data[kept_from:start], PLACEHOLDER]
        kept_from = end
    if not found:
        return data, []
    pieces.append(data[kept_from:])
    return b"".join(pieces), found


def long_stretches(data: Bytes, limit: int, stops: bytes = NEWLINES) -> Iterator[tuple[int, int]]:
    """The ``(start, end)`` of every run of more than ``limit`` bytes without a ``stops`` byte:
    lines over ``limit`` bytes, by default.

    Cheap when there is none, which is nearly always: one search per ``limit // 2`` bytes, since
    a longer run always holds a whole stretch that long. Only a found run is measured.

    >>> list(long_stretches(b'{"a": "' + b"x" * 9 + b'"}', 8, stops=b'"'))
    [(7, 16)]
    """
    window = max(1, limit // 2)
    any_stop = re.compile(b"[" + re.escape(stops) + b"]")
    position = 0
    while position < len(data):
        if any_stop.search(data, position, position + window):
            position += window
            continue
        start = max(data.rfind(bytes([stop]), 0, position) for stop in stops) + 1
        end = _next_stop(data, position, stops)
        if end - start > limit:
            yield start, end
        position = end


def _next_stop(data: Bytes, position: int, stops: bytes) -> int:
    """The first ``stops`` byte at or after ``position`` (or the end of ``data``), by one
    memchr search per stop byte: a regex search is ten times slower over a long run."""
    end = len(data)
    for stop in stops:
        found = data.find(bytes([stop]), position, end)
        if found >= 0:
            end = found
    return end


def refuse_long_stretch(
    data: bytes,
    *,
    what: str,
    limit: int = MAX_MESSAGE_BYTES,
    stops: bytes = NEWLINES,
    path: Path | str | None = None,
) -> None:
    """Raise a ParseError at the first run of ``data`` over ``limit`` bytes without a ``stops``
    byte: ``what`` it is ("a line", "a value") and its size, then why it is refused.

    Such a file is no export as the app writes it, and reading it would cost many times its
    size in memory.
    """
    for start, end in long_stretches(data, limit, stops):
        msg = _too_long(what, megabytes(end - start))
        raise ParseError(msg, path=path, line=line_number(data, start))


def _too_long(what: str, size: str) -> str:
    return (
        f"{what} of {size}, longer than any chat message can be; this is not an export as the "
        "app writes it, or it is damaged"
    )


@dataclass
class StreamedStretches:
    """``refuse_long_stretch`` for a stream of chunks, checked as they go by: a run over
    ``limit`` bytes without a ``stops`` byte is refused as soon as it is seen, before the rest
    is read. Lines are counted by LF, as XML parsers do.

    >>> check = StreamedStretches(what="a value", limit=9, stops=b'"')
    >>> check.feed(b'<a b="xy')
    >>> check.feed(b'z"/>\\n<a b="xyz')
    >>> check.feed(b'zzzzzzz"/>')
    Traceback (most recent call last):
    pullaway.errors.ParseError: line 2: a value of 10 bytes, longer than any chat message can ...
    """

    what: str
    limit: int = MAX_MESSAGE_BYTES
    stops: bytes = b'"'
    run: int = 0  # bytes since the last stop byte
    run_line: int = 1  # the line that run began on
    lines: int = 0  # LFs before the current chunk

    def feed(self, chunk: bytes) -> None:
        first = _next_stop(chunk, 0, self.stops)
        self.run += first
        if self.run > self.limit:
            self._refuse(self.run, self.run_line, more=first == len(chunk))
        if first < len(chunk):
            for start, end in long_stretches(chunk, self.limit, self.stops):
                if start:  # a run from 0 is the one above, counted with what came before
                    self._refuse(end - start, self.lines + chunk.count(b"\n", 0, start) + 1)
            last = max(chunk.rfind(bytes([stop])) for stop in self.stops)
            self.run = len(chunk) - last - 1
            self.run_line = self.lines + chunk.count(b"\n", 0, last + 1) + 1
        self.lines += chunk.count(b"\n")

    def _refuse(self, size: int, line: int, *, more: bool = False) -> None:
        """``more``: the run goes on into chunks not read (it is not read to its end)."""
        at_least = "more than " if more else ""
        raise ParseError(_too_long(self.what, at_least + megabytes(size)), line=line)


def megabytes(size: int) -> str:
    """
    >>> megabytes(3_500_000), megabytes(1_100_000_000), megabytes(5)
    ('3.5 MB', '1,100 MB', '5 bytes')
    """
    if size < 100_000:
        return f"{size:,} bytes"
    return f"{size / 1e6:,.1f} MB" if size < 10_000_000 else f"{size / 1e6:,.0f} MB"


def line_number(data: bytes, start: int) -> int:
    """The number of the line that holds byte ``start``, counting LF, CRLF and CR endings."""
    before = data[:start]
    return before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1
