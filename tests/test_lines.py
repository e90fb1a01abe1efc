"""Lines of text exports: ``cut_long_lines`` against a line-by-line reference."""

from __future__ import annotations

import codecs

from hypothesis import assume, given
from hypothesis import strategies as st

from pullaway.importers._lines import PLACEHOLDER, cut_long_lines, split_lines

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
def test_cut_long_lines_empties_exactly_the_lines_over_the_limit(
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
