"""Generic CSV: golden fixtures (ours, chat-miner, whatstk, Discord, `;` with multi-line text),
header aliases, timestamps and zones, record accounting and bad input."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime
from typing import TYPE_CHECKING

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CORPORA, FIXTURES, fixed_cases
from pullaway.errors import ChatNotFoundError, ParseError, PullawayError
from pullaway.importers.csv import (
    _ISO,
    _cells_exact,
    _cells_fast,
    _delimiter,
    _first_line,
    _iso_offset,
    _iso_time,
    _with_written_times,
    parse,
)
from pullaway.testing import (
    assert_lines_accounted,
    fixture_inputs,
    golden_files,
    progress_shares,
)

if TYPE_CHECKING:
    from pathlib import Path

FOLDER = FIXTURES / "csv"
GOLDEN = golden_files(FOLDER)
ZONE = "Europe/Paris"


def inputs() -> list[Path]:
    return fixture_inputs(FOLDER)


def write(tmp_path: Path, text: str, name: str = "chat.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_multi_line_rows_are_one_record_each() -> None:
    result = parse(FOLDER / "semicolon_multiline.csv", timezone=ZONE)
    assert result.units == 7
    rows = {r["source_line"]: r for r in result.messages.to_dicts()}
    assert rows[2]["text"] == "Vers 22h je pense.\nOn se voit demain ?"
    assert rows[3]["text"] == "Oui ; à midi, chez moi 😊"
    assert [(s.line, s.reason) for s in result.skipped] == [
        (4, "unparseable timestamp"),
        (5, "missing sender"),
    ]


def test_offsets_written_in_the_timestamp_win_and_wall_clock_is_kept() -> None:
    frame = parse(FOLDER / "discord_dm.csv").messages
    assert frame["timestamp"][0].isoformat() == "2023-03-01T21:04:11.523000"
    assert frame["utc_offset"].to_list() == [3600, 3600, 3600, 3600, 7200]
    assert frame["kind"][2] == "media"


def test_epoch_values_become_local_time_in_the_zone_given(tmp_path: Path) -> None:
    source = write(
        tmp_path, "timestamp,sender,text,kind\n1714896000,Daniel,,call\n1714896000123,E,hi,\n"
    )
    frame = parse(source, timezone="America/New_York").messages
    assert frame.select("timestamp", "utc_offset").rows() == [
        (datetime(2024, 5, 5, 4, 0), -14400),
        (datetime(2024, 5, 5, 4, 0, 0, 123000), -14400),
    ]


def test_epoch_values_without_a_zone_use_the_computers_and_say_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    source = write(tmp_path, "timestamp,sender,text\n1714896000,Daniel,hi\n")
    result = parse(source)
    assert result.messages["utc_offset"].to_list() == [19800]
    assert any("Asia/Kolkata" in n for n in result.notes)


def test_naive_values_get_an_offset_only_when_a_zone_is_given(tmp_path: Path) -> None:
    source = write(
        tmp_path, "timestamp,sender,text\n2024-01-10 10:00,A,hi\n2024-07-10 10:00,B,yo\n"
    )
    assert parse(source).messages["utc_offset"].to_list() == [None, None]
    assert parse(source, timezone=ZONE).messages["utc_offset"].to_list() == [3600, 7200]


def test_zone_column_per_row_and_unknown_zone_skipped(tmp_path: Path) -> None:
    source = write(
        tmp_path,
        "timestamp,sender,text,zone\n"
        "2024-07-10 10:00,A,hi,Europe/Lisbon\n"
        "1720605600,B,yo,Asia/Tokyo\n"
        "2024-07-10 11:00,A,?,Mars/Olympus\n",
    )
    result = parse(source)
    assert result.messages["utc_offset"].to_list() == [3600, 9 * 3600]
    assert result.messages["timestamp"][1].isoformat() == "2024-07-10T19:00:00"
    assert [(s.line, s.reason) for s in result.skipped] == [(3, "unknown time zone")]


def test_unknown_kind_and_extra_fields_are_skipped_with_row_numbers(tmp_path: Path) -> None:
    source = write(
        tmp_path,
        "timestamp,sender,text,kind\n"
        "2024-01-10 10:00,A,hi,text\n"
        "2024-01-10 10:01,B,look,gif\n"
        "2024-01-10 10:02,B,a,b,c,d\n"
        "\n"
        "2024-01-10 10:03,A,,\n",
    )
    result = parse(source)
    assert [(s.line, s.reason.split(" (")[0]) for s in result.skipped] == [
        (2, "unknown kind"),
        (3, "expected 4 fields, found 6"),
        (4, "blank row"),
        (5, "empty message"),
    ]
    assert_lines_accounted(result)


def test_chat_column_and_chat_keyword(tmp_path: Path) -> None:
    source = write(
        tmp_path,
        "chat,timestamp,sender,text\nAnna,2024-01-10 10:00,Me,hi\nBen,2024-01-10 10:01,Ben,yo\n",
    )
    both = parse(source)
    assert [c.name for c in both.chats] == ["Anna", "Ben"]
    assert both.chats[0].me_guess == "Me"
    one = parse(source, chat="Ben")
    assert (one.units, one.messages["sender"].to_list()) == (1, ["Ben"])
    assert_lines_accounted(one)
    with pytest.raises(ChatNotFoundError, match="Anna, Ben"):
        parse(source, chat="Cleo")


def test_unknown_header_names_columns_found_and_expected(tmp_path: Path) -> None:
    source = write(tmp_path, "when,who,what\n2024-01-10 10:00,A,hi\n")
    with pytest.raises(ParseError, match=r"\['when', 'who', 'what'\].*timestamp, sender, text"):
        parse(source)


def test_unknown_time_zone_keyword_is_a_parse_error(tmp_path: Path) -> None:
    source = write(tmp_path, "timestamp,sender,text\n2024-01-10 10:00,A,hi\n")
    with pytest.raises(ParseError, match="unknown time zone 'Paris'"):
        parse(source, timezone="Paris")


def test_not_utf8_says_what_to_try(tmp_path: Path) -> None:
    source = tmp_path / "latin1.csv"
    source.write_bytes("timestamp,sender,text\n2024-01-10 10:00,Zoë,hé\n".encode("cp1252"))
    with pytest.raises(ParseError, match="cp1252"):
        parse(source)
    assert parse(source, encoding="cp1252").messages["sender"][0] == "Zoë"


def test_a_bad_byte_further_down_names_its_line(tmp_path: Path) -> None:
    source = tmp_path / "mixed.csv"
    rows = b"timestamp,sender,text\n2024-01-10 10:00,Ana,hi\n" + "2024-01-10 10:01,Zoë,x\n".encode(
        "cp1252"
    )
    source.write_bytes(rows)
    with pytest.raises(ParseError, match=r"mixed.csv:3: not UTF-8.*cp1252"):
        parse(source)


def test_a_first_line_that_is_not_utf8_says_so(tmp_path: Path) -> None:
    source = tmp_path / "latin1.csv"
    source.write_bytes("timestamp,sender,text,né\n2024-01-10 10:00,A,hi,x\n".encode("cp1252"))
    with pytest.raises(ParseError, match=r"latin1.csv:1: not UTF-8"):
        parse(source)


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("utf-8", b"\xef\xbb\xbf"), ("utf-16", b""), ("utf-16-le", b"\xff\xfe")],
)
def test_byte_order_marks_are_read(tmp_path: Path, encoding: str, prefix: bytes) -> None:
    source = tmp_path / "bom.csv"
    text = "timestamp,sender,text\n2024-01-10 10:00,Zoë,hé\n"
    source.write_bytes(prefix + text.encode(encoding))
    assert parse(source).messages.select("sender", "text").row(0) == ("Zoë", "hé")


_STAMP_PIECES = st.sampled_from(
    [
        *("2024", "-", "01", "1", "10", "T", " ", "07", ":", "57", "56", ".", "5", "123456789"),
        *("Z", "+02:00", "-0530", "x", "\t", "0", "99", "+", "\u0661"),
    ]
)


@st.composite
def _stamps(draw: st.DrawFn) -> str:
    """A plain timestamp (valid or not: any date numbers, any fraction), maybe with one
    character replaced, or pieces of one put together at random."""
    if draw(st.booleans()):
        return "".join(draw(st.lists(_STAMP_PIECES, max_size=14)))
    numbers = [draw(st.integers(0, top)) for top in (9999, 19, 39, 29, 69, 69)]
    stamp = "{:04}-{:02}-{:02}{}{:02}:{:02}:{:02}".format(
        *numbers[:3], draw(st.sampled_from("T ")), *numbers[3:]
    )
    stamp += draw(st.sampled_from(["", ".5", ".123456", ".123456789", ".", "Z", " +01:00"]))
    if draw(st.booleans()):
        at = draw(st.integers(0, len(stamp) - 1))
        stamp = stamp[:at] + draw(_STAMP_PIECES) + stamp[at + 1 :]
    return stamp


@fixed_cases(150)
@given(stamps=st.lists(_stamps(), min_size=1, max_size=8))
def test_plain_timestamps_read_like_the_general_iso_reader(stamps: list[str]) -> None:
    """The fixed-width reader of the common form agrees with the ISO regex on every input:
    same time where it reads one, and it leaves the rest to the regex."""
    rows = pl.DataFrame({"timestamp": stamps}, schema={"timestamp": pl.String})
    fast = _with_written_times(rows)
    iso = pl.col("timestamp").str.strip_chars().str.extract_groups(_ISO)
    general = rows.select(naive=_iso_time(iso), written_offset=_iso_offset(iso))
    assert fast.select("naive", "written_offset").equals(general)


def test_progress_is_reported_after_each_step(tmp_path: Path) -> None:
    source = write(tmp_path, "timestamp,sender,text\n2024-01-10 10:00,A,hi\n")
    shares = progress_shares(lambda: parse(source))
    assert len(shares) >= 3
    assert shares[-1] == 1.0


def test_chat_miner_cli_output_with_extra_columns() -> None:
    """chat-miner's old Signal target CSV: its extra columns are ignored and noted."""
    target = CORPORA / "chat-miner" / "history" / "62d255f" / "test" / "signal" / "test_target.csv"
    if not target.exists():
        pytest.skip("shared corpora not present")
    result = parse(target)
    assert result.messages.select("sender", "text").rows() == [
        ("Author 1", "Message 1"),
        ("Author 2", "Message 2"),
    ]
    assert any("weekday" in n for n in result.notes)


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_mangled_csv_raises_only_pullaway_errors(tmp_path: Path, data: st.DataObject) -> None:
    raw = (FOLDER / "semicolon_multiline.csv").read_bytes()
    at = data.draw(st.integers(0, len(raw)))
    junk = data.draw(st.binary(max_size=30) | st.sampled_from([b'"', b";", b"\n", b"\r", b"\x00"]))
    source = tmp_path / "mangled.csv"
    source.write_bytes(raw[:at] + junk + raw[at + data.draw(st.integers(0, 20)) :])
    try:
        result = parse(source)
    except PullawayError:
        return
    assert_lines_accounted(result)
    json.dumps([s.text for s in result.skipped])
    # Counted apart: every record after the header line, as Python's csv module splits them.
    text = source.read_bytes().decode("utf-8-sig")
    rest = re.split(r"\r\n|\r|\n", text, maxsplit=1)[1:]
    delimiter = _delimiter(_first_line(text))
    assert result.units == sum(
        1 for _ in csv.reader(io.StringIO("".join(rest), newline=""), delimiter=delimiter)
    )


@pytest.mark.parametrize(
    "text",
    [
        'a,b,c\n1,2,3\n\n4,5\n"x\ny",1,2\n',
        "a,b,c\n1,2,3\n\n\n",
        'a,b,c\r\n1,"2\r\n",3\r\n\r\n',
        'a,b,c\n1,,3\n"",2,\n',
    ],
)
def test_fast_reader_numbers_rows_like_the_exact_reader(text: str) -> None:
    fast = _cells_fast(text.encode(), ",", 3)
    assert fast is not None
    exact = _cells_exact(text, ",", 3)
    assert fast[0].rows() == exact[0].rows()


@pytest.mark.parametrize("header", ['timestamp,sender,text,no"te', 'timestamp,sender,text,"note'])
def test_a_quote_in_the_header_does_not_swallow_the_rows(tmp_path: Path, header: str) -> None:
    source = write(tmp_path, f"{header}\n2024-01-10 10:00,A,hi\n2024-01-10 10:01,B,yo\n")
    result = parse(source)
    assert result.messages["text"].to_list() == ["hi", "yo"]
    assert_lines_accounted(result)


@pytest.mark.parametrize("ending", ["\r", "\n", "\r\n"])
def test_a_carriage_return_alone_ends_a_line(tmp_path: Path, ending: str) -> None:
    rows = ["timestamp,sender,text", "2024-01-10 10:00,A,hi", "2024-01-10 10:01,B,yo"]
    source = write(tmp_path, "\r".join(rows[:2]) + ending + rows[2] + ending)
    assert parse(source).messages["text"].to_list() == ["hi", "yo"]


def test_ragged_rows_fall_back_to_the_exact_reader() -> None:
    assert _cells_fast(b"a,b,c\n1,2,3,4\n", ",", 3) is None
    assert _cells_fast(b"a,b,c\n\n1,2,3", ",", 3) is None  # the first row sets the width
    cells, fields = _cells_exact("a,b,c\n1,2,3,4\n", ",", 3)
    assert (cells.rows(), fields.to_list()) == ([("1", "2", "3")], [4])


def test_system_rows_may_have_no_sender(tmp_path: Path) -> None:
    source = write(
        tmp_path,
        "timestamp,sender,text,kind\n2024-01-10 10:00,,Anna changed the group name,system\n",
    )
    frame = parse(source).messages
    assert frame.select("sender", "kind").rows() == [(None, "system")]


def test_numbers_that_are_not_epoch_values_are_unparseable(tmp_path: Path) -> None:
    source = write(tmp_path, "timestamp,sender,text\n1e300,A,hi\n12345,B,yo\n-1700000000,C,x\n")
    result = parse(source)
    assert [(s.line, s.reason) for s in result.skipped] == [
        (n, "unparseable timestamp") for n in (1, 2, 3)
    ]


def test_a_huge_first_line_is_not_a_header(tmp_path: Path) -> None:
    source = write(tmp_path, "x" * 50_000 + "\n1,2,3\n")
    with pytest.raises(ParseError, match="first line is over 10,000 characters long"):
        parse(source)
