"""Lines of text exports: ``cut_long_lines`` and ``long_stretches`` against references."""

from __future__ import annotations

import codecs
import itertools
import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from pullaway.errors import ParseError
from pullaway.importers._lines import (
    PLACEHOLDER,
    StreamedStretches,
    cut_long_lines,
    long_stretches,
    split_lines,
)

_CONTENT = st.binary(max_size=24).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b""))
_LINE = st.tuples(_CONTENT, st.sampled_from([b"\n", b"\r\n", b"\r"]))


def _joined(lines: list[tuple[bytes, bytes]], last: bytes) -> bytes:
    """The lines with their endings; a CR whose next line is empty would read as one CRLF with
    its LF, so such a CR becomes an LF."""
    out = []
    for index, (content, ending) in enumerate(lines):
        following = lines[index + 1][0] if index + 1 < len(lines) else last
        out.append(content + (b"\n" if ending == b"\r" and not following else ending))
    return b"".join(out) + last


@given(lines=st.lists(_LINE, max_size=30), last=_CONTENT, limit=st.integers(1, 16))
def test_cut_long_lines_takes_out_exactly_the_lines_over_the_limit(
    lines: list[tuple[bytes, bytes]], last: bytes, limit: int
) -> None:
    data = _joined(lines, last)
    assume(not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)))  # left as it is
    cut, found = cut_long_lines(data, limit)
    contents = [content for content, _ in lines] + ([last] if last else [])
    expected = [(n, len(c)) for n, c in enumerate(contents, start=1) if len(c) > limit]
    assert [(f.line, f.size) for f in found] == expected
    assert split_lines(cut) == [PLACEHOLDER if len(c) > limit else c for c in contents]
    assert len(split_lines(cut)) == len(split_lines(data))
    for long_line in found:
        start = contents[long_line.line - 1][:400]
        assert long_line.head == start.decode("utf-8", errors="replace")


def test_utf16_is_left_as_it_is() -> None:
    data = codecs.BOM_UTF16_LE + ("x" * 50 + "\n").encode("utf-16-le")
    assert cut_long_lines(data, 8) == (data, [])
    without_mark = data.removeprefix(codecs.BOM_UTF16_LE)
    assert cut_long_lines(without_mark, 8, encoding="UTF-16LE") == (without_mark, [])
    assert cut_long_lines(without_mark, 8, encoding="cp1252")[1]  # one byte per newline


@given(
    data=st.binary(max_size=200).map(lambda b: b.replace(b"\x01", b'"')),
    limit=st.integers(1, 20),
    stops=st.sampled_from([b'"', b"\r\n", b"\x00\xff"]),
)
def test_long_stretches_are_the_runs_without_stops_over_the_limit(
    data: bytes, limit: int, stops: bytes
) -> None:
    runs = re.finditer(b"[^" + re.escape(stops) + b"]+", data)
    expected = [(m.start(), m.end()) for m in runs if m.end() - m.start() > limit]
    assert list(long_stretches(data, limit, stops)) == expected


@given(
    data=st.binary(max_size=300).map(lambda b: b.replace(b"\x01", b'"').replace(b"\x02", b"\n")),
    limit=st.integers(1, 30),
    cuts=st.lists(st.integers(0, 300), max_size=8),
)
def test_streamed_stretches_refuse_what_the_whole_check_refuses(
    data: bytes, limit: int, cuts: list[int]
) -> None:
    """Over any chunking, the stream is refused iff the whole is, at the same line."""
    runs = list(long_stretches(data, limit, b'"'))
    check = StreamedStretches(what="a value", limit=limit)
    bounds = [0, *sorted(c for c in cuts if c < len(data)), len(data)]

    def feed_all() -> None:
        for start, end in itertools.pairwise(bounds):
            check.feed(data[start:end])

    if not runs:
        feed_all()
        return
    with pytest.raises(ParseError) as refused:
        feed_all()
    assert refused.value.line == data[: runs[0][0]].count(b"\n") + 1
