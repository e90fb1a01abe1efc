"""Zip archives as people have them: damaged, cut short or encrypted, for every importer."""

from __future__ import annotations

import zipfile
from typing import TYPE_CHECKING

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import FIXTURES, fixed_cases
from pullaway.errors import ParseError, PullawayError
from pullaway.ingest import parse_file
from pullaway.testing import assert_lines_accounted

if TYPE_CHECKING:
    from pathlib import Path

ZIPS = sorted(FIXTURES.rglob("*.zip"))


def _encrypted(data: bytes) -> bytes:
    """``data`` (a zip) with every member marked as encrypted, as a password-protected zip is."""
    marked = bytearray(data)
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = marked.find(signature)
        while start >= 0:
            marked[start + flag_at] |= 0x01
            start = marked.find(signature, start + 4)
    return bytes(marked)


@pytest.mark.parametrize("source", ZIPS, ids=lambda p: p.name)
def test_a_password_protected_zip_is_one_clear_error(source: Path, tmp_path: Path) -> None:
    target = tmp_path / source.name
    target.write_bytes(_encrypted(source.read_bytes()))
    with zipfile.ZipFile(target) as archive, pytest.raises(RuntimeError, match="encrypted"):
        archive.read(archive.namelist()[0])
    with pytest.raises(ParseError, match="zip") as info:
        parse_file(target)
    assert "encrypted" in str(info.value)


@pytest.mark.parametrize("source", ZIPS, ids=lambda p: p.name)
def test_damaged_compressed_data_is_one_clear_error(source: Path, tmp_path: Path) -> None:
    raw = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as archive:
        info = max(archive.infolist(), key=lambda i: i.compress_size)
    assert info.compress_type == zipfile.ZIP_DEFLATED
    # The middle of the largest member's compressed bytes (its local header is 30 bytes plus
    # the name and extra field).
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(info.compress_size // 3, info.compress_size // 3 + 8):
        raw[start + offset] ^= 0xFF
    target = tmp_path / source.name
    target.write_bytes(bytes(raw))
    with pytest.raises(ParseError, match=r"zip|backup"):
        parse_file(target)


@fixed_cases(120)
@given(data=st.data())
def test_damaged_zips_raise_only_pullaway_errors(tmp_path: Path, data: st.DataObject) -> None:
    source = data.draw(st.sampled_from(ZIPS))
    raw = bytearray(source.read_bytes())
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(raw) - 1))
        raw[position] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(len(raw) // 2, len(raw)))
    target = tmp_path / source.name
    target.write_bytes(bytes(raw[:cut]))
    try:
        _, result = parse_file(target)
    except PullawayError:
        return
    assert_lines_accounted(result)


@pytest.mark.parametrize("source", ZIPS, ids=lambda p: p.name)
def test_a_member_name_that_is_not_utf8_is_one_clear_error(source: Path, tmp_path: Path) -> None:
    # A member whose name is flagged UTF-8 but is not: zipfile cannot even list the archive.
    with zipfile.ZipFile(source) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    target = tmp_path / source.name
    with zipfile.ZipFile(target, "w") as archive:
        for info, data in members:
            archive.writestr(info.filename + "\u00e9", data)  # é: stored as UTF-8, flagged
    damaged = target.read_bytes().replace("\u00e9".encode(), b"\xff\xff")
    target.write_bytes(damaged)
    with pytest.raises(UnicodeDecodeError):
        zipfile.ZipFile(target)
    with pytest.raises(ParseError, match="zip") as info:
        parse_file(target)
    assert "\n" not in str(info.value)
