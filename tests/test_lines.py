"""Lines of text exports: ``cut_long_lines``, ``long_stretches`` and ``file_lines`` against
references."""

from __future__ import annotations

import codecs
import itertools
import re
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import mapping_refused
from pullaway.errors import ParseError
from pullaway.importers import _base as importers_base
from pullaway.importers._base import as_utf8
from pullaway.importers._lines import (
    PLACEHOLDER,
    StreamedStretches,
    cut_long_lines,
    file_lines,
    long_stretches,
    mapped,
    read_lines,
    split_lines,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

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
    cut, found = cut_long_lines(data, limit)
    contents = [content for content, _ in lines] + ([last] if last else [])
    expected = [(n, len(c)) for n, c in enumerate(contents, start=1) if len(c) > limit]
    assert [(f.line, f.size) for f in found] == expected
    assert split_lines(cut) == [PLACEHOLDER if len(c) > limit else c for c in contents]
    assert len(split_lines(cut)) == len(split_lines(data))
    for long_line in found:
        start = contents[long_line.line - 1][:400]
        assert long_line.head == start.decode("utf-8", errors="replace")


# -- other encodings become UTF-8 first ------------------------------------------------------

_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)


@given(text=_TEXT, chunk=st.integers(1, 9))
def test_utf16_with_a_mark_becomes_utf8_in_any_chunks(text: str, chunk: int) -> None:
    """Chunks of any size, so a character or the byte-order mark may be split between two."""
    for data in (text.encode("utf-16"), codecs.BOM_UTF16_BE + text.encode("utf-16-be")):
        with _chunks_of(chunk):
            assert as_utf8(data, path="c.txt") == text.encode("utf-8")


@given(text=_TEXT, chunk=st.integers(1, 9))
def test_a_given_encoding_becomes_utf8(text: str, chunk: int) -> None:
    with _chunks_of(chunk):
        assert as_utf8(text.encode("utf-16-le"), path="c.txt", encoding="utf-16-le") == (
            text.encode("utf-8")
        )
        latin = text.encode("cp1252", errors="ignore")
        assert as_utf8(latin, path="c.txt", encoding="cp1252") == (
            latin.decode("cp1252").encode("utf-8")
        )


def test_utf16_named_without_a_mark_is_read_as_python_reads_it() -> None:
    """Python's "utf-16" reads bytes without a mark in the machine's order; its decoder for
    pieces refuses them, so such a file is decoded whole."""
    data = "olá\n".encode("utf-16-le")
    assert as_utf8(data, path="c.txt", encoding="utf-16") == "olá\n".encode()


def test_utf8_without_an_encoding_is_left_as_it_is() -> None:
    data = codecs.BOM_UTF8 + "olá\n".encode()
    assert as_utf8(data, path="c.txt") is data


def test_damaged_utf16_names_the_line() -> None:
    data = "line one\nline two: ".encode("utf-16") + b"\x00\xd8" + "x\n".encode("utf-16-le")
    with (
        _chunks_of(4),
        pytest.raises(
            ParseError,
            match=r"c\.txt:2: not UTF-16 \(illegal UTF-16 surrogate at column 11\); .*again",
        ),
    ):
        as_utf8(data, path="c.txt")


def test_bytes_not_in_the_given_encoding_name_the_line() -> None:
    with pytest.raises(ParseError, match=r"c\.txt:2: not utf-8 \(invalid start byte at column 3\)"):
        as_utf8(b"one\nab\xffc\n", path="c.txt", encoding="utf-8")


def test_an_unknown_encoding_is_one_line() -> None:
    with pytest.raises(ParseError, match=r"c\.txt: unknown encoding 'klingon'; try utf-8"):
        as_utf8(b"hi\n", path="c.txt", encoding="klingon")


@contextmanager
def _chunks_of(size: int) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(importers_base, "TRANSCODE_CHUNK_BYTES", size)
        yield


# -- long stretches ------------------------------------------------------------------------


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


# -- lines read from the file itself ----------------------------------------------------------

_SAFE_TEXT = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00\r\n"))


def _file_lines_of(path: Path, data: bytes, *, limit: int = 1 << 20) -> list[str] | None:
    path.write_bytes(data)
    with mapped(path) as view:
        assert view is not None
        lines = file_lines(path, view, limit=limit)
    return None if lines is None else lines.to_list()


@given(
    lines=st.lists(st.tuples(_SAFE_TEXT, st.sampled_from(["\n", "\r\n"])), max_size=12),
    last=_SAFE_TEXT,
    bom=st.booleans(),
)
def test_a_file_read_by_polars_gives_the_lines_its_bytes_give(
    tmp_path_factory: pytest.TempPathFactory,
    lines: list[tuple[str, str]],
    last: str,
    bom: bool,
) -> None:
    data = (codecs.BOM_UTF8 if bom else b"") + ("".join(a + b for a, b in lines) + last).encode()
    if not data:
        return  # an empty file cannot be mapped: ``mapped`` gives None, tested below
    path = tmp_path_factory.mktemp("lines") / "chat.txt"
    assert _file_lines_of(path, data) == read_lines(data, path=path).to_list()


@pytest.mark.parametrize(
    "data",
    [
        "olá\n".encode("utf-16"),  # a UTF-16 byte-order mark
        b"one\ntw\x00o\n",  # a NUL byte
        b"one\rtwo\r\n",  # a carriage return without a line feed
        b"one\n" + b"x" * 9 + b"\n",  # a line over the limit
        b"one\nab\xffc\n",  # not UTF-8
    ],
)
def test_a_file_whose_bytes_need_work_is_left_to_read_lines(tmp_path: Path, data: bytes) -> None:
    assert _file_lines_of(tmp_path / "chat.txt", data, limit=8) is None


def test_a_file_name_with_pattern_characters_is_read_as_named(tmp_path: Path) -> None:
    """Polars reads a path with "[", "*" or "?" as a pattern unless told not to."""
    (tmp_path / "chat[1]*?.txt").write_bytes(b"one\ntwo\n")
    (tmp_path / "chat1ab.txt").write_bytes(b"other\n")
    assert _file_lines_of(tmp_path / "chat[1]*?.txt", b"one\ntwo\n") == ["one", "two"]


def test_a_relative_path_under_a_folder_named_tilde_is_read_as_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Polars would take the "~" for the home folder."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "~").mkdir()
    assert _file_lines_of(Path("~") / "chat.txt", b"one\n") == ["one"]


def test_an_empty_file_is_not_mapped(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    with mapped(tmp_path / "empty.txt") as view:
        assert view is None


def test_a_file_the_system_does_not_map_is_not_mapped(tmp_path: Path) -> None:
    (tmp_path / "chat.txt").write_bytes(b"one\n")
    with mapping_refused(), mapped(tmp_path / "chat.txt") as view:
        assert view is None
