"""WhatsApp importer: golden fixtures, sniffing, errors, options and a mangling property test."""

from __future__ import annotations

import random
import re
import subprocess
import sys
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any
from unittest.mock import patch

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from conftest import FIXTURES, mapping_refused
from pullaway.errors import ParseError
from pullaway.importers import DateOrder, ImportResult, Sample, registry, sniff
from pullaway.importers import _whatsapp_header as whatsapp_header
from pullaway.importers import _whatsapp_kinds as whatsapp_kinds
from pullaway.importers import whatsapp as whatsapp_importer
from pullaway.importers._ampm import AFTER, AFTERNOON, BEFORE
from pullaway.importers._whatsapp_chat import chat_name_from_file, first_seen
from pullaway.importers._whatsapp_header import detect_layout, fixed_layout
from pullaway.importers._whatsapp_text import COMMON_BODIES
from pullaway.importers.whatsapp import LAYOUT_SAMPLE_LINES, MAX_LINE_BYTES, _spread_sample, parse
from pullaway.importers.whatsapp import sniff as sniff_whatsapp
from pullaway.testing import (
    assert_lines_accounted,
    fixture_inputs,
    golden_files,
    progress_shares,
)

FOLDER = FIXTURES / "whatsapp"
GOLDEN = golden_files(FOLDER)
INPUTS = fixture_inputs(FOLDER)


def write(tmp_path: Path, text: str, name: str = "chat.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def read_sliced_as_captured(path: Path, **options: Any) -> ImportResult:
    """``path`` read the fixed-position way, checked against the capturing way (no
    ``fixed_layout``): the same messages, skips and notes."""
    sliced = parse(path, **options)
    with patch("pullaway.importers.whatsapp.fixed_layout", lambda *_, **__: None):
        captured = parse(path, **options)
    assert_frame_equal(sliced.messages, captured.messages)
    assert (sliced.skipped, sliced.notes) == (captured.skipped, captured.notes)
    return sliced


def clock_times(tmp_path: Path, lines: list[str]) -> list[str]:
    """The messages' times of day (``HH:MM``) when ``lines`` are imported, in message order."""
    result = parse(write(tmp_path, "\n".join(lines)))
    return result.messages.get_column("timestamp").dt.strftime("%H:%M").to_list()


def test_progress_is_reported_after_each_step(tmp_path: Path) -> None:
    source = write(tmp_path, "16/01/2025, 07:57 - Leo: hi\n16/01/2025, 07:58 - Maya: hey\n")
    shares = progress_shares(lambda: parse(source))
    assert len(shares) >= 4
    assert shares[-1] == 1.0


# --- headers, kinds, bodies -------------------------------------------------------------------


def test_every_am_pm_spelling_and_space(tmp_path: Path) -> None:
    lines = [
        "1/13/23, 7:02 PM - A: x",
        "1/13/23, 7:03\u202fpm - A: x",
        "1/13/23, 7:04\u00a0p.m. - A: x",
        "1/13/23, 7:05 p. m. - A: x",
        "1/13/23, 7:06 p.\u00a0m. - A: x",
        "1/13/23, 12:07 a.m. - A: x",
        "1/13/23, 12:08 PM - A: x",
    ]
    hours = sorted(clock_times(tmp_path, lines))
    assert hours == ["00:07", "12:08", "19:02", "19:03", "19:04", "19:05", "19:06"]


# A phone writes the 12-hour marker of its locale (CLDR), before the time or after it. Before
# these were known, a marker before the time was read as a word between date and time, and
# every afternoon message came out twelve hours early.
LOCALE_MARKERS = {
    "ko": ("2023. 12. 31. 오전 9:05 - A: x", "2023. 12. 31. 오후 9:06 - B: y"),
    "ko, Latin": ("2023. 12. 31. AM 9:05 - A: x", "2023. 12. 31. PM 9:06 - B: y"),
    "ko, iOS": ("[2023. 12. 31. 오전 9:05:01] A: x", "[2023. 12. 31. 오후 9:06:02] B: y"),
    "zh": ("2023/12/31 上午9:05 - A: x", "2023/12/31 下午9:06 - B: y"),
    "zh_Hant": ("2023/12/31 上午9:05 - A: x", "2023/12/31 晚上9:06 - B: y"),
    "ja": ("2023/12/31 午前9:05 - A: x", "2023/12/31 午後9:06 - B: y"),
    "hu": ("2023. 12. 31. de. 9:05 - A: x", "2023. 12. 31. du. 9:06 - B: y"),
    "tr": ("31.12.2023 ÖÖ 9:05 - A: x", "31.12.2023 ÖS 9:06 - B: y"),
    "el": ("[31/12/2023, 9:05:01 π.μ.] A: x", "[31/12/2023, 9:06:02\u202fμ.μ.] B: y"),
    "ar": ("31/12/2023, 9:05 ص - A: x", "31/12/2023, 9:06 م - B: y"),
    "vi": ("31/12/2023 9:05 SA - A: x", "31/12/2023 9:06 CH - B: y"),
    "sv": ("2023-12-31 9:05 fm - A: x", "2023-12-31 9:06 em - B: y"),
    "fi": ("31.12.2023 klo 9.05 ap. - A: x", "31.12.2023 klo 9.06 ip. - B: y"),
    "sq": ("31.12.23, 9:05 e paradites - A: x", "31.12.23, 9:06 e pasdites - B: y"),
    # Older German phones; CLDR has vorm. (Swiss German's) but no longer nachm.
    "de, older": ("31.12.23, 9:05 vorm. - A: x", "31.12.23, 9:06 nachm. - B: y"),
}


@pytest.mark.parametrize("lines", LOCALE_MARKERS.values(), ids=LOCALE_MARKERS.keys())
def test_a_locales_12_hour_marker_before_or_after_the_time(
    tmp_path: Path, lines: tuple[str, str]
) -> None:
    result = parse(write(tmp_path, "\n".join(lines) + "\n"))
    assert_lines_accounted(result)
    times = result.messages.get_column("timestamp").dt.strftime("%Y-%m-%d %H:%M").to_list()
    assert times == ["2023-12-31 09:05", "2023-12-31 21:06"]
    assert result.messages.get_column("sender").to_list() == ["A", "B"]
    assert result.messages.get_column("text").to_list() == ["x", "y"]


def test_every_marker_in_the_table_is_read_as_its_half_of_the_day(tmp_path: Path) -> None:
    # One file with a line per spelling (437), in the place its locales write it.
    def bare(spelling: str) -> str:
        return re.sub(r"[\s.]", "", spelling).lower()

    lines, expected = [], {}
    for place, spellings in (("after", AFTER), ("before", BEFORE)):
        for number, spelling in enumerate(spellings):
            time = f"9:{number % 60:02}"
            stamp = f"{time} {spelling}" if place == "after" else f"{spelling} {time}"
            lines.append(f"31/12/2023, {stamp} - B: {place} {number}")
            expected[f"{place} {number}"] = 21 if bare(spelling) in AFTERNOON else 9
    result = parse(write(tmp_path, "\n".join(lines)))
    assert_lines_accounted(result)
    assert not result.skipped
    hours = result.messages.select("text", pl.col("timestamp").dt.hour()).rows()
    assert dict(hours) == expected
    assert 0 < sum(hour == 21 for hour in expected.values()) < len(expected)


def test_a_spelling_of_two_meanings_takes_the_preferred_one_or_is_left_out() -> None:
    # "ip." is Finnish's afternoon and Inari Sami's morning: read as Finnish's. "u.t." is
    # Embu's afternoon and Greenlandic's morning: no preference, so not a marker at all.
    spellings = {re.sub(r"[\s.]", "", s).lower() for s in (*AFTER, *BEFORE)}
    assert "ip" in spellings
    assert "ip" in AFTERNOON
    assert "ut" not in spellings
    assert "ut" not in AFTERNOON


def test_files_of_latin_markers_never_build_the_grammar_of_every_marker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The wide grammar is slow to compile: an English 12-hour file, with a system line,
    # continuation lines and a header of another layout, is read without it.
    def never() -> None:
        raise AssertionError("the grammar of every marker was built")

    monkeypatch.setattr(whatsapp_header, "_wide_re", never)
    monkeypatch.setattr(whatsapp_importer, "GENERAL", "(")  # not a regex: fails if compiled
    lines = [
        "1/13/23, 7:02 PM - Messages and calls are end-to-end encrypted.",
        "1/13/23, 7:03 PM - A: first",
        "second line",
        "1/13/23, 7:04 p.m. - B: x",
        "[1/13/23, 7:05:00 PM] A: another layout",
    ]
    result = parse(write(tmp_path, "\n".join(lines)))
    assert_lines_accounted(result)
    assert result.messages.height == 4
    hours = result.messages.get_column("timestamp").dt.strftime("%H:%M").to_list()
    assert hours == ["19:02", "19:03", "19:04", "19:05"]


def test_flexible_day_periods_by_the_side_of_noon_they_are_on(tmp_path: Path) -> None:
    # zh_Hant writes the part of the day: 凌晨 (night, before 5), 中午 (noon), 晚上 (evening).
    lines = [
        "2023/12/31 凌晨12:10 - A: x",
        "2023/12/31 凌晨1:10 - A: x",
        "2023/12/31 清晨6:10 - A: x",
        "2023/12/31 中午12:10 - A: x",
        "2023/12/31 下午1:10 - A: x",
        "2023/12/31 晚上11:10 - A: x",
    ]
    hours = clock_times(tmp_path, lines)
    assert hours == ["00:10", "01:10", "06:10", "12:10", "13:10", "23:10"]


def test_a_big_file_with_a_marker_before_the_time_is_read_at_fixed_places(tmp_path: Path) -> None:
    # Enough headers of one width for the fixed-position path; 오전 and 오후 have as many bytes.
    lines = [
        f"2023. 12. {day:02}. {mark} {hour:02}:{day:02} - A: x"
        for day in range(10, 29)
        for mark, hour in (("오전", 9), ("오후", 9), ("오후", 12))
    ]
    fixed = fixed_layout(detect_layout(lines), lines)
    assert fixed is not None
    assert fixed.marker is not None
    result = parse(write(tmp_path, "\n".join(lines)))
    hours = result.messages.get_column("timestamp").dt.strftime("%H").to_list()
    assert hours == ["09", "12", "21"] * 19


def test_other_locales_headers_in_a_file_of_latin_ones_are_read_too(tmp_path: Path) -> None:
    # The phone's language changed mid-chat: the file's layout is English, and the lines of
    # the other locales go the general way, whose Latin grammar alone would misread them.
    lines = [
        "12/30/23, 9:01 PM - A: en",
        "12/30/23, 9:02 PM - B: en",
        "12/30/23, 9:03 PM - A: en",
        "2023. 12. 31. 오후 9:04 - B: ko",
        "12/31/23, 9:05 μ.μ. - A: el",
    ]
    result = parse(write(tmp_path, "\n".join(lines)))
    assert_lines_accounted(result)
    rows = result.messages.select(pl.col("timestamp").dt.strftime("%d %H:%M"), "text").rows()
    assert rows == [
        ("30 21:01", "en"),
        ("30 21:02", "en"),
        ("30 21:03", "en"),
        ("31 21:04", "ko"),
        ("31 21:05", "el"),
    ]
    assert any("2 headers use another layout" in note for note in result.notes)


RLM = "\u200f"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        # As an Arabic Android phone writes it: CLDR's d‏/M‏/y with right-to-left marks, an
        # Arabic comma, Arabic-Indic digits (mtln/chat-export#30, from a real export).
        (f"٢٤{RLM}/٤{RLM}/٢٠٢٢، ٢:٠٧ م - ", "2022-04-24 14:07:00"),
        (f"[٢٤{RLM}/٤{RLM}/٢٠٢٢، ٩:٠٥:١٢ ص] ", "2022-04-24 09:05:12"),
        (f"\u200e[٢٤{RLM}/٤{RLM}/٢٠٢٢، ٩:٠٥:١٢ ص] ", "2022-04-24 09:05:12"),
        # Eastern Arabic-Indic (Persian, Urdu) digits, and an RLM after the comma.
        (f"۲۰۲۲/۴/۲۵،{RLM} ۲۱:۴۰ - ", "2022-04-25 21:40:00"),
        # The same pattern with ASCII digits (Morocco, Algeria, Tunisia).
        (f"24{RLM}/4{RLM}/2022، 9:05 م - ", "2022-04-24 21:05:00"),
        # Other scripts' digits: Bengali, Devanagari (Marathi, Nepali).
        ("৩১/১২/২৩, ৯:০৬ PM - ", "2023-12-31 21:06:00"),
        ("३१/१२/२३, २१:०६ - ", "2023-12-31 21:06:00"),
    ],
)
def test_headers_in_other_scripts_digits_are_read(
    header: str, expected: str, tmp_path: Path
) -> None:
    body = "وصلت الساعة ٢"
    result = parse(write(tmp_path, f"{header}سلمى: {body}\n{header}عمر: 3"))
    assert_lines_accounted(result)
    when = pl.col("timestamp").dt.strftime("%Y-%m-%d %H:%M:%S")
    rows = result.messages.select(when, "sender", "text").rows()
    # Only the header's digits are read as numbers: the texts keep theirs.
    assert rows == [(expected, "سلمى", body), (expected, "عمر", "3")]
    assert sniff_whatsapp(Sample.read(write(tmp_path, f"{header}سلمى: {body}", "s.txt"))) > 0.5


def test_digits_of_a_script_first_seen_late_in_the_file_are_read_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The table of digits comes from the first stamps, then from those with other digits.
    monkeypatch.setattr(whatsapp_header, "STAMP_TABLE_SAMPLE", 2)
    lines = [f"٢٤{RLM}/٤{RLM}/٢٠٢٢، ٢:٠{n} م - A: x" for n in range(3)]
    lines.append("৩১/১২/২৩, ৯:০৬ PM - B: y")
    stamped = whatsapp_header.ascii_stamps(pl.Series(lines)).to_list()
    assert stamped[-1] == "31/12/23, 9:06 PM - B: y"
    assert stamped == [whatsapp_header.ascii_stamp(line) for line in lines]


def test_a_line_in_arabic_indic_digits_inside_a_message_stays_as_written(tmp_path: Path) -> None:
    # Header-like but without an author: part of the message before, not a copy with its
    # digits made ASCII.
    inside = f"١٢{RLM}/٣{RLM}/٢٠٢٢، ١:٠٠ ص كان يوما طويلا"
    lines = [f"٢٤{RLM}/٤{RLM}/٢٠٢٢، ٢:٠٧ م - سلمى: أهلا", inside]
    result = parse(write(tmp_path, "\n".join(lines)))
    assert result.messages.get_column("text").to_list() == [f"أهلا\n{inside}"]


def test_arabic_indic_headers_in_a_file_of_ascii_ones_are_read_too(tmp_path: Path) -> None:
    lines = [f"24/04/2022, 14:0{n} - A: en" for n in range(5)]
    lines.append(f"٢٥{RLM}/٤{RLM}/٢٠٢٢، ٩:٠٥ ص - B: ar")
    result = parse(write(tmp_path, "\n".join(lines)))
    assert_lines_accounted(result)
    when = pl.col("timestamp").dt.strftime("%Y-%m-%d %H:%M")
    assert result.messages.select(when, "text").row(-1) == ("2022-04-25 09:05", "ar")


def test_a_big_file_in_arabic_indic_digits_is_read_at_fixed_places(tmp_path: Path) -> None:
    digits = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
    lines = [f"{day:02}/04/2022, 10:{day:02} - A: {day}".translate(digits) for day in range(10, 29)]
    layout = detect_layout(lines)
    assert layout is not None
    assert layout.stamped
    stamped = [whatsapp_header.ascii_stamp(line) for line in lines]
    assert fixed_layout(layout, stamped) is not None
    result = parse(write(tmp_path, "\n".join(lines)))
    assert result.messages.get_column("timestamp").dt.day().to_list() == list(range(10, 29))
    # The texts are the digits as written.
    assert result.messages.get_column("text").to_list() == [
        str(day).translate(digits) for day in range(10, 29)
    ]


# Pieces of headers, Arabic and ASCII, that hypothesis strings together into lines.
_STAMP_PIECES = (
    *("٢٤", "24", "٤", "4", "۲۰۲۲", "2022", "١٢", "12", "٠٧", "07", "۹"),
    *("/", f"{RLM}/", "، ", ", ", ",", " ", ":", ".", "م", "\u200e", "[", "] ", " - ", "a: b"),
    *("R4", "H31", "R", " BE", "BE", "B", "14:56:01, ", "9:05 SA, "),  # eras, time first
    *(" AH", "AP", " \u0647\u0640", "\u0647", "A"),  # Islamic and Persian eras
)
_HEADERS = st.tuples(
    st.sampled_from(["", "\u200e", "[", "\u200e["]),
    st.sampled_from(["٢٤", "24", "4", "٤", "۲۴", "৩১", "३१"]),
    st.sampled_from(["/", f"{RLM}/", "."]),
    st.sampled_from(["٤", "4", "١٢", "12"]),
    st.sampled_from(["/", f"{RLM}/", "."]),
    st.sampled_from(
        ["٢٠٢٢", "2022", "22", "۲۰۲۲", "R4", "2565 BE", "٢٥٦٥ BE", "1445 AH", "١٤٤٥ هـ"]
    ),
    st.sampled_from(["، ", ", ", " ", f"،{RLM} ", ""]),
    st.sampled_from(["٢", "2", "١٢", "12", "۲"]),
    st.sampled_from([":", "."]),
    st.sampled_from(["٠٧", "07", "۰۷", "0"]),
    st.sampled_from(["", ":١٢", ":12"]),
    st.sampled_from([" م - a: b", "] a: b", " - a: ٢", "", "5", f"{RLM} ص"]),
).map("".join)
_TIME_FIRST_HEADERS = st.tuples(
    st.sampled_from(["", "[", "\u200e["]),
    st.sampled_from(["14:56:01", "9:05 SA", "٢:٠٧", "21.40"]),
    st.sampled_from([", ", " "]),
    st.sampled_from(["3/18/22", "18.3.2022", "R4/3/18", "٢٤/٤/٢٠٢٢"]),
    st.sampled_from(["] a: b", " - a: b", " a: b", ""]),
).map("".join)
_TIME_IN_BRACKETS_HEADERS = st.tuples(
    st.sampled_from(["", "[", "\u200e["]),
    st.sampled_from(["24/3/20", "24.3.20", "٢٤/٣/٢٠", "R6/3/20", "24/3/20,"]),
    st.sampled_from([" (", "(", " "]),
    st.sampled_from(["21:40", "21:40:05", "9.05", "٢١:٤٠"]),
    st.sampled_from([")] a: b", ") - a: b", ") a: b", "] a: b", ")"]),
).map("".join)
_LINES = (
    _HEADERS
    | _TIME_FIRST_HEADERS
    | _TIME_IN_BRACKETS_HEADERS
    | st.lists(st.sampled_from(_STAMP_PIECES), max_size=16).map("".join)
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINES, min_size=1, max_size=20))
def test_ascii_stamp_is_the_same_in_python_and_in_polars(lines: list[str]) -> None:
    # Sniffing and small samples use the Python one, a file's lines the Polars one.
    frame = pl.DataFrame({"text": lines})
    both = whatsapp_header.ascii_stamps(frame.get_column("text"))
    assert both.to_list() == list(map(whatsapp_header.ascii_stamp, lines))
    # The cheap test never misses a line the stamp changes.
    stampable = frame.select(pl.col("text").str.contains(whatsapp_header.STAMPABLE))
    changed = [whatsapp_header.ascii_stamp(line) != line for line in lines]
    assert all(s or not c for s, c in zip(stampable.to_series(), changed, strict=True))


@pytest.mark.parametrize(
    ("year", "calendar", "first"),
    [
        ("1401", "Persian (Solar Hijri)", date(2022, 6, 23)),  # 2 Tir 1401
        ("1443", "Islamic (Umm al-Qura)", date(2021, 11, 7)),  # 2 Rabi' al-Thani 1443
    ],
)
def test_dates_of_another_calendar_are_made_gregorian(
    year: str, calendar: str, first: date, tmp_path: Path
) -> None:
    # Day first here: an iPhone in another region's format, set to that calendar.
    result = parse(write(tmp_path, f"2/4/{year}, 9:05 - A: x\n3/4/{year}, 9:06 - B: y"))
    days = result.messages.get_column("timestamp").dt.date().to_list()
    assert days == [first, first + timedelta(days=1)]
    assert any(f"2 headers in the {calendar} calendar" in note for note in result.notes)
    assert not any("outside" in note for note in result.notes)


def test_the_calendars_libraries_are_loaded_only_for_a_file_that_needs_them(
    tmp_path: Path,
) -> None:
    # jdatetime takes 20 ms to import: a Gregorian export does not pay for it.
    gregorian = write(tmp_path, "24/4/2022, 9:05 - A: x\n25/4/2022, 9:06 - B: y")
    persian = tmp_path / "persian.txt"
    persian.write_text("[1402/3/15, 9:05:00] A: x\n", encoding="utf-8")
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from pullaway.importers.whatsapp import parse\n"
        "parse(Path(sys.argv[1]))\n"
        "print(sorted({'jdatetime', 'hijridate'} & set(sys.modules)))\n"
    )
    loaded = [
        subprocess.run(
            [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
        ).stdout.strip()
        for path in (gregorian, persian)
    ]
    assert loaded == ["[]", "['jdatetime']"]


def test_a_date_another_calendar_does_not_have_is_skipped(tmp_path: Path) -> None:
    # Esfand 30 exists only in a Persian leap year: 1403 is one, 1402 is not.
    text = "[1402/12/29, 9:05:00] A: x\n[1402/12/30, 9:06:00] B: y\n[1403/12/30, 9:07:00] A: z\n"
    result = parse(write(tmp_path, text))
    assert result.messages.get_column("timestamp").to_list() == [
        datetime(2024, 3, 19, 9, 5),
        datetime(2025, 3, 20, 9, 7),
    ]
    assert [(s.line, s.reason.split(" (")[0]) for s in result.skipped] == [
        (2, "impossible date or time read as year/month/day")
    ]


def test_years_no_phone_dates_in_are_read_but_noted(tmp_path: Path) -> None:
    result = parse(write(tmp_path, "2/4/1999, 9:05 - A: x\n3/4/1999, 9:06 - B: y"))
    assert result.messages.height == 2
    assert any("2 headers are dated outside 2009-2100" in note for note in result.notes)


@pytest.mark.parametrize(
    ("line", "stamped"),
    [
        ("[3/27/R4, 21:41:35] A: x", "[3/27/2022, 21:41:35] A: x"),  # an iPhone's Japanese calendar
        ("[4/30/H31, 10:15:00] A: x", "[4/30/2019, 10:15:00] A: x"),
        ("R4/3/27 21:41 - A: x", "2022/3/27 21:41 - A: x"),  # the era first (Japanese)
        ("[3/27/2565 BE, 21:41:35] A: x", "[3/27/2565, 21:41:35] A: x"),  # Buddhist calendar
        ("[6/15/1445 AH, 10:30:15 AM] A: x", "[6/15/1445, 10:30:15 AM] A: x"),  # Islamic
        ("[3/15/1402 AP, 21:40:05] A: x", "[3/15/1402, 21:40:05] A: x"),  # Persian
        (
            "[١٥\u200f/٦\u200f/١٤٤٥ هـ، ١٠:٣٠:١٥ ص] سلمى: مرحبا",
            "[15/6/1445, 10:30:15 ص] سلمى: مرحبا",
        ),
        ("[3/27/22, 21:41:35] A: R4 BE", "[3/27/22, 21:41:35] A: R4 BE"),  # the text: as it is
        ("[14:56:01, 3/18/22] A: x", "[3/18/22, 14:56:01] A: x"),  # Vietnamese: time first
        ("14:56, 18/3/2022 - A: x", "18/3/2022, 14:56 - A: x"),
        ("9:05 SA, 18/3/22 - A: x", "18/3/22, 9:05 SA - A: x"),
        ("10:30, 3/4 of us - A: x", "10:30, 3/4 of us - A: x"),  # no date: as it is
        ("24/3/20 (21:40) - A: x", "24/3/20, 21:40 - A: x"),  # Basque: time in brackets
        ("[24/3/20 (21:40:05)] A: x", "[24/3/20, 21:40:05] A: x"),
        ("[24/3/20, 21:40:05] A: (21:40) x", "[24/3/20, 21:40:05] A: (21:40) x"),
        ("24/3/20 (21:40 or so) - A: x", "24/3/20 (21:40 or so) - A: x"),  # not a header's
    ],
)
def test_calendar_eras_and_date_time_order_are_rewritten_alike_in_python_and_polars(
    line: str, stamped: str
) -> None:
    assert whatsapp_header.ascii_stamp(line) == stamped
    assert whatsapp_header.ascii_stamps(pl.Series([line])).to_list() == [stamped]
    changed = stamped != line
    assert pl.Series([line]).str.contains(whatsapp_header.STAMPABLE).item() or not changed


def test_a_time_first_export_says_so_in_its_layout_note(tmp_path: Path) -> None:
    lines = [f"[21:{n:02}:00, 3/{n}/22] {'AB'[n % 2]}: {n}" for n in range(13, 29)]
    result = parse(write(tmp_path, "\n".join(lines)))
    assert result.messages.height == len(lines)
    assert "header layout '[D/D/D, H:MM:SS] (time first, read date first)'" in result.notes


def test_an_export_with_the_time_in_brackets_says_so_in_its_layout_note(tmp_path: Path) -> None:
    # Basque iPhones join date and time as CLDR's "{1} ({0})" says, years first.
    lines = [f"[24/3/{n} ({n}:40:00)] {'AB'[n % 2]}: {n}" for n in range(10, 24)]
    result = parse(write(tmp_path, "\n".join(lines)))
    assert result.messages.get_column("timestamp").to_list() == [
        datetime(2024, 3, n, n, 40) for n in range(10, 24)
    ]
    assert "header layout '[D/D/D, H:MM:SS] (time in brackets, read without them)'" in (
        result.notes
    )


def test_a_big_japanese_calendar_export_is_read_whole(tmp_path: Path) -> None:
    # Enough headers for the file's own (stamped) layout: every line's start is rewritten once.
    lines = [f"[1/{day}/R6, 21:{day:02}:00] {'AB'[day % 2]}: {day}" for day in range(1, 29)] * 20
    result = parse(write(tmp_path, "\n".join(lines)))
    assert result.messages.height == len(lines)
    assert result.messages.get_column("timestamp").dt.year().unique().to_list() == [2024]


def test_thai_buddhist_years_are_made_gregorian(tmp_path: Path) -> None:
    # Thai phones date in the Buddhist era, 543 years ahead: 65 and 2567 are 2022 and 2024.
    # 29/2/2567 exists because 2024 is a leap year (2567 would not be).
    text = "24/4/65, 14:05 - A: x\n25/4/65, 9:15 - B: y\n29/2/2567, 10:00 - A: z\n"
    result = parse(write(tmp_path, text))
    assert result.messages.get_column("timestamp").to_list() == [
        datetime(2022, 4, 24, 14, 5),
        datetime(2022, 4, 25, 9, 15),
        datetime(2024, 2, 29, 10, 0),
    ]
    assert any("3 headers are dated in the Buddhist era" in n for n in result.notes)
    assert not any("outside" in note for note in result.notes)


def test_two_digit_years_up_to_next_year_are_gregorian(tmp_path: Path) -> None:
    next_year = date.today().year % 100 + 1
    text = f"24/4/23, 14:05 - A: x\n25/4/{next_year}, 9:15 - B: y\n"
    years = parse(write(tmp_path, text)).messages.get_column("timestamp").dt.year().to_list()
    assert years == [2023, 2000 + next_year]


def test_the_fixed_width_is_the_one_most_of_the_file_has(tmp_path: Path) -> None:
    # The first days have one width, the months after another: the fast fixed-position path
    # is chosen for the headers of most of the file, not for those at its top.
    lines = [f"1/6/25, 7:{n % 60:02} AM - A: x" for n in range(300)]
    lines += [f"12/16/25, 10:{n % 60:02} PM - A: y" for n in range(700)]
    layout = detect_layout(lines)
    assert layout is not None
    top = fixed_layout(layout, lines[:LAYOUT_SAMPLE_LINES])
    sample = _spread_sample(pl.Series(lines))
    spread = fixed_layout(layout, sample, max_headers=len(sample))
    assert top is not None
    assert spread is not None
    assert (top.head_bytes, spread.head_bytes) == (len("1/6/25, 7:00"), len("12/16/25, 10:00"))
    times = clock_times(tmp_path, lines)
    assert len(times) == len(lines)
    assert {time[:2] for time in times} == {"07", "22"}


def test_a_short_word_between_date_and_time_is_still_a_word(tmp_path: Path) -> None:
    # "klo" (Finnish) and "à" (French) are no markers: the time stays as written.
    lines = ["13.6.2018 klo 21.25.15 - A: x", "02.05.18 à 18:00 - B: y"]
    assert clock_times(tmp_path, lines) == ["18:00", "21:25"]


def test_pm_with_a_24_hour_value_is_read_as_written_and_noted(tmp_path: Path) -> None:
    result = parse(
        write(tmp_path, "[11/10/22 13:37:00 p.m.] A: x\n[12/10/22 14:37:00 p.m.] B: y\n")
    )
    assert result.messages.get_column("timestamp").dt.hour().to_list() == [13, 14]
    assert any("13-23 with a PM marker" in note for note in result.notes)


def test_body_lines_that_look_like_dates_stay_in_the_message(tmp_path: Path) -> None:
    text = (
        "13/03/2023, 19:40 - Maya: plan:\n"
        "2016-04-29 10:30:00 the old booking\n"
        "23/03/2023, 18:00 - table at Rosa's\n"
        "20.15.21.15 h Stock\n"
        "13/03/2023, 19:41 - Daniel: ok\n"
    )
    result = parse(write(tmp_path, text))
    assert result.messages.height == 2
    assert result.messages.get_column("text")[0].count("\n") == 3
    assert any("no author and no known system text" in note for note in result.notes)
    # A date and a time that no header has (a date-time typed in a message) are counted too.
    unread = [note for note in result.notes if "not as a header does" in note]
    assert unread == [
        "2 lines start with a date and a time but not as a header does (line 2: "
        "'2016-04-29 10:30:00 the old booking'); kept as part of the message before"
    ]


def test_a_header_with_an_unknown_marker_is_not_joined_silently(tmp_path: Path) -> None:
    lines = ["24.04.22, 9:05 - A: x", "24.04.22, 9:06 nachmittags - B: y"]
    result = parse(write(tmp_path, "\n".join(lines)))
    assert result.messages.get_column("text").to_list() == ["x\n" + lines[1]]
    assert any("(line 2: '24.04.22, 9:06 nachmittags - B: y')" in note for note in result.notes)


def test_empty_lines_inside_a_message_are_kept_and_trailing_ones_dropped(tmp_path: Path) -> None:
    text = "13/03/2023, 19:40 - Maya: a\n\nb\n\n13/03/2023, 19:41 - Daniel: c\n\n"
    result = parse(write(tmp_path, text))
    assert result.messages.get_column("text").to_list() == ["a\n\nb", "c"]
    assert result.units == 6


def test_system_line_with_a_colon_is_not_a_message(tmp_path: Path) -> None:
    text = (
        '13/03/2023, 19:40 - Maya changed the subject from "Trip" to "Trip: May 2023"\n'
        "13/03/2023, 19:41 - Maya: packed already\n"
    )
    rows = parse(write(tmp_path, text)).messages.select("sender", "kind", "text").rows()
    assert rows == [
        (None, "system", 'Maya changed the subject from "Trip" to "Trip: May 2023"'),
        ("Maya", "text", "packed already"),
    ]


def test_a_four_word_author_is_a_sender_unless_it_reads_as_a_notice(tmp_path: Path) -> None:
    text = (
        "13/03/2023, 19:40 - Ana Maria de Souza: hi: there\n"
        '13/03/2023, 19:41 - Ana Maria de Souza changed the group name to "Trip: May"\n'
        "13/03/2023, 19:42 - Ana Maria de Souza: bye\n"
    )
    rows = parse(write(tmp_path, text)).messages.select("sender", "kind", "text").rows()
    assert rows == [
        ("Ana Maria de Souza", "text", "hi: there"),
        (None, "system", 'Ana Maria de Souza changed the group name to "Trip: May"'),
        ("Ana Maria de Souza", "text", "bye"),
    ]


def test_edited_mark_is_removed_from_one_and_multi_line_messages(tmp_path: Path) -> None:
    text = (
        "13/03/2023, 19:40 - Maya: see you at 8 <This message was edited>\n"
        "13/03/2023, 19:41 - Dan: ok\nbring the keys <This message was edited>\n"
        "13/03/2023, 19:42 - Maya: <3 <not edited>\n"
    )
    texts = parse(write(tmp_path, text)).messages.get_column("text").to_list()
    assert texts == ["see you at 8", "ok\nbring the keys", "<3 <not edited>"]


def test_disappearing_dot_is_kept_as_a_message(tmp_path: Path) -> None:
    result = parse(write(tmp_path, "13/03/2023, 19:40 - Maya:.\n13/03/2023, 19:41 - Dan: hi\n"))
    assert result.messages.select("sender", "text").rows() == [("Maya", "."), ("Dan", "hi")]


def test_bodies_are_not_normalised(tmp_path: Path) -> None:
    body = "ﬁne\u00a0thanks \u200eok"
    result = parse(write(tmp_path, f"13/03/2023, 19:40 - Maya: {body}\n14/03/2023, 19:41 - D: x\n"))
    assert result.messages.get_column("text")[0] == body


def test_lines_before_the_first_header_are_skipped_with_a_reason(tmp_path: Path) -> None:
    text = "\nExported from my phone\n13/03/2023, 19:40 - Maya: hi\n14/03/2023, 19:41 - Dan: yo\n"
    result = parse(write(tmp_path, text))
    assert [(s.line, s.reason.split(" ")[0]) for s in result.skipped] == [(1, "empty"), (2, "not")]
    assert_lines_accounted(result)


def test_impossible_date_is_skipped_naming_the_order(tmp_path: Path) -> None:
    text = (
        "13/01/21, 10:00 - A: x\nfirst\n31/02/21, 10:00 - B: y\nmore\n"
        "14/01/21, 10:00 - A: z\n30/02/21, 10:00 - B: w\nlast\n"
    )
    result = parse(write(tmp_path, text))
    assert result.messages.get_column("text").to_list() == ["x\nfirst", "z"]
    assert [s.line for s in result.skipped] == [3, 4, 6, 7]
    assert "day/month/year" in result.skipped[0].reason
    assert "line 1 has 13/01/21" in result.skipped[0].reason


def test_out_of_order_lines_are_sorted_stably(tmp_path: Path) -> None:
    text = "13/01/21, 10:05 - A: late\n13/01/21, 10:04 - B: early\n13/01/21, 10:05 - A: same\n"
    result = parse(write(tmp_path, text))
    assert result.messages.get_column("source_line").to_list() == [2, 1, 3]


# --- date order -------------------------------------------------------------------------------


def test_date_order_by_sequence_and_by_changes(tmp_path: Path) -> None:
    by_changes = "01/05/23, 10:00 - A: x\n02/05/23, 10:00 - B: y\n03/05/23, 10:00 - A: z\n"
    result = parse(write(tmp_path, by_changes))
    assert result.messages.get_column("timestamp").dt.month().unique().to_list() == [5]
    assert any("changes more often" in note for note in result.notes)
    by_sequence = "05/01/23, 10:00 - A: x\n06/01/23, 10:00 - B: y\n01/02/23, 10:00 - A: z\n"
    result = parse(write(tmp_path, by_sequence))
    assert any("go backwards 0 times read as day/month/year" in n for n in result.notes)


def test_a_two_digit_year_first_is_read_as_the_year(tmp_path: Path) -> None:
    # Korean phones write "yy. M. d."; day first, 23. 12. 31. would be 23 December 2031.
    days = ["23. 12. 30.", "23. 12. 31.", "24. 1. 2.", "24. 1. 5.", "24. 1. 13."]
    text = "".join(f"{day} 오후 9:0{n} - {'AB'[n % 2]}: {n}\n" for n, day in enumerate(days))
    result = parse(write(tmp_path, text))
    dates = result.messages.get_column("timestamp").dt.strftime("%Y-%m-%d %H:%M").to_list()
    assert dates == [
        "2023-12-30 21:00",
        "2023-12-31 21:01",
        "2024-01-02 21:02",
        "2024-01-05 21:03",
        "2024-01-13 21:04",
    ]
    assert any(
        "date order year/month/day: the third field changes as a day does (4 times" in note
        and "(line 1 has 23/12/30)" in note
        for note in result.notes
    )


def test_a_first_field_above_31_is_a_two_digit_year(tmp_path: Path) -> None:
    text = "32/1/5, 10:00 - A: x\n32/1/5, 10:01 - B: y\n"
    result = parse(write(tmp_path, text))
    assert result.messages.get_column("timestamp")[0] == datetime(2032, 1, 5, 10, 0)
    assert any(
        "a first field above 31, a two-digit year (line 1 has 32/1/5)" in n for n in result.notes
    )


@pytest.mark.parametrize(
    "dates",
    [
        # Day first, every day from the 9th on: the year (third) changes less than the day.
        ["10/11/23", "12/11/23", "15/11/23", "19/11/23", "23/11/23", "28/12/23"],
        # Month first in the autumn: the third field, the year, changes once.
        ["9/30/23", "10/2/23", "10/15/23", "11/1/23", "12/24/23", "12/31/23", "9/2/24"],
        # Too few changes to tell: the third field changes twice.
        ["23/12/30", "23/12/31", "24/1/1"],
    ],
)
def test_dates_that_merely_could_start_with_a_year_keep_the_other_rules(
    tmp_path: Path, dates: list[str]
) -> None:
    text = "".join(f"{day}, 10:0{n} - {'AB'[n % 2]}: {n}\n" for n, day in enumerate(dates))
    notes = parse(write(tmp_path, text)).notes
    assert not any("date order year/month/day" in note for note in notes)


def test_date_order_keyword_overrides_inference(tmp_path: Path) -> None:
    path = FOLDER / "ambiguous.txt"
    result = parse(path, date_order="mdy")
    assert result.messages.get_column("timestamp")[0] == datetime(2023, 5, 6, 19, 2)
    assert "given with --date-order" in result.notes[-1]
    assert parse(path, date_order="dmy").messages.get_column("timestamp")[0].month == 6
    with pytest.raises(ParseError, match="unknown date order 'myd'"):
        parse(path, date_order="myd")  # type: ignore[arg-type]


# --- options and chat facts -------------------------------------------------------------------


def test_timezone_gives_offsets_and_survives_dst_edges(tmp_path: Path) -> None:
    text = (
        "26/03/2023, 01:59 - A: before the gap\n"
        "26/03/2023, 02:30 - B: in the gap\n"
        "29/10/2023, 02:30 - A: twice\n"
        "30/10/2023, 12:00 - B: winter\n"
    )
    result = parse(write(tmp_path, text), timezone="Europe/Madrid")
    assert result.messages.get_column("utc_offset").to_list() == [3600, None, 7200, 3600]
    assert any("DST gap" in note for note in result.notes)
    assert parse(write(tmp_path, text)).messages.get_column("utc_offset").null_count() == 4
    with pytest.raises(ParseError, match="unknown time zone 'Mars/Base'"):
        parse(write(tmp_path, text), timezone="Mars/Base")


def test_chat_keyword_overrides_the_name() -> None:
    result = parse(FOLDER / "android_dmy_24h.txt", chat="Us")
    assert result.chats[0].name == "Us"
    assert result.messages.get_column("chat").unique().to_list() == ["Us"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("WhatsApp Chat with Dani Alves.txt", "Dani Alves"),
        ("WhatsApp_Chat_with_Dani_Alves.txt", "Dani Alves"),
        ("WhatsApp Chat - Dani (2).zip", "Dani"),
        ("Chat de WhatsApp con Lucía.txt", "Lucía"),
        ("Conversa no WhatsApp com Tiago.zip", "Tiago"),
        ("WhatsApp Chat mit Jonas.txt", "Jonas"),
        ("Discussion WhatsApp avec Hugo.txt", "Hugo"),
        ("Chat WhatsApp con Giulia.txt", "Giulia"),
        ("Чат WhatsApp с Машей.txt", "Машей"),
        ("WhatsApp-chat met Sanne.txt", "Sanne"),
        ("Czat WhatsApp z Kasią.zip", "Kasią"),
        ("دردشة واتساب مع سلمى.txt", "سلمى"),
        # The name first or in the middle.
        ("Ayşe ile WhatsApp Sohbeti.txt", "Ayşe"),
        ("WhatsApp-keskustelu henkilön Aino kanssa.txt", "Aino"),
        ("지민님과의 WhatsApp 대화.txt", "지민"),
        ("WhatsApp 与 小明 的对话.txt", "小明"),
        ("Biseda me Era në WhatsApp (2).txt", "Era"),
        # As macOS keeps it: a decomposed accent.
        ("Conversație WhatsApp cu Ioana.txt".replace("ț", "t\u0326"), "Ioana"),
        ("chat.txt", None),
    ],
)
def test_chat_name_from_localized_file_names(name: str, expected: str | None) -> None:
    assert chat_name_from_file(name) == expected


def test_me_guess_needs_the_partner_among_two_senders(tmp_path: Path) -> None:
    text = "13/03/2023, 19:40 - Maya: hi\n14/03/2023, 19:41 - Dan: yo\n"
    assert parse(write(tmp_path, text, "WhatsApp Chat with Dan.txt")).chats[0].me_guess == "Maya"
    assert parse(write(tmp_path, text, "WhatsApp Chat with Bob.txt")).chats[0].me_guess is None
    unnamed = parse(write(tmp_path, text, "export.txt")).chats[0]
    assert (unnamed.name, unnamed.me_guess, unnamed.participants) == (
        "export",
        None,
        ("Maya", "Dan"),
    )


def test_participants_in_order_of_first_message_even_when_one_joins_late() -> None:
    senders = pl.Series(["Maya", None, "Dan"] * 3000 + ["Ana"] + ["Dan", "Zoe"] * 20_000)
    assert first_seen(senders, first_rows=16) == ("Maya", "Dan", "Ana", "Zoe")
    assert first_seen(pl.Series([None, None], dtype=pl.String)) == ()


def test_large_file_checks_its_start_for_a_header_before_reading_it_whole(tmp_path: Path) -> None:
    filler = "notes before the chat, line {}\n"
    header_late = "".join(filler.format(i) for i in range(3000))  # about 100 KB, over 64 KB
    messages = "13/03/2023, 19:40 - Maya: hi\n" * 40_000  # over 1 MB in all
    late = parse(write(tmp_path, header_late + messages, "late.txt"))
    assert late.messages.height == 40_000
    with pytest.raises(ParseError, match=r"none\.txt:1: no WhatsApp message header in the first"):
        parse(write(tmp_path, "dear diary, an ordinary day\n" * 50_000, "none.txt"))


# --- zips -------------------------------------------------------------------------------------


def test_zip_without_chat_text_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "WhatsApp Chat - X.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "shopping list\nmilk\n")
        archive.writestr("IMG-1.jpg", b"\xff\xd8")
    with pytest.raises(ParseError, match=r"no WhatsApp chat inside the zip"):
        parse(path)
    assert sniff_whatsapp(Sample.read(path)) < 0.5


def test_zip_picks_the_chat_text_among_other_texts(tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.txt", "not a chat\n")
        archive.writestr("WhatsApp Chat with Ana.txt", "13/03/2023, 19:40 - Ana: oi\n")
    assert sniff(path).name == "whatsapp"
    result = parse(path)
    assert result.chats[0].name == "Ana"
    assert result.messages.get_column("source_file")[0].endswith(
        "export.zip/WhatsApp Chat with Ana.txt"
    )


def test_a_utf16_chat_is_found_in_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.txt", "not a chat\n")
        archive.writestr(
            "WhatsApp Chat with Ana.txt", "13/03/2023, 19:40 - Ana: oi\n".encode("utf-16")
        )
    assert sniff(path).name == "whatsapp"
    assert parse(path).messages["text"].to_list() == ["oi"]


@pytest.mark.parametrize("archive", ["android_zip.zip", "ios_pt.zip"])
def test_an_unzipped_export_folder_reads_as_its_zip(archive: str, tmp_path: Path) -> None:
    source = FIXTURES / "whatsapp" / archive
    folder = tmp_path / source.stem  # named as the zip was, so the chat's name is the same
    with zipfile.ZipFile(source) as zipped:
        zipped.extractall(folder)
    (folder / "IMG-20230313-WA0001.jpg").write_bytes(b"\xff\xd8")
    assert sniff(folder).name == "whatsapp"
    from_zip, from_folder = parse(source), parse(folder)
    assert from_folder.messages.drop("source_file").equals(from_zip.messages.drop("source_file"))
    assert from_folder.chats == from_zip.chats
    assert from_folder.skipped == from_zip.skipped
    assert from_folder.messages["source_file"][0].startswith(str(folder))


@pytest.mark.parametrize("name", ["WhatsApp Chat with Ana [1].txt", "chat*?.txt"])
def test_a_chat_file_reads_as_its_zip(name: str, tmp_path: Path) -> None:
    """A file is read by Polars from disk, a zip member from its bytes: the same messages,
    also from a file whose name Polars would take for a pattern."""
    source = FIXTURES / "whatsapp" / "android_zip.zip"
    with zipfile.ZipFile(source) as zipped:
        member = next(n for n in zipped.namelist() if n.endswith(".txt"))
        (tmp_path / name).write_bytes(zipped.read(member))
    (tmp_path / "chat1a.txt").write_text("13/03/2023, 19:40 - Bo: another file\n")
    from_zip, from_file = parse(source), parse(tmp_path / name)
    provenance = ("chat", "message_id", "source_file")  # the id holds the chat's name
    assert from_file.messages.drop(provenance).equals(from_zip.messages.drop(provenance))
    assert from_file.skipped == from_zip.skipped
    assert from_file.messages.height > 0


def test_a_chat_file_the_system_does_not_map_is_read_all_the_same(tmp_path: Path) -> None:
    path = write(tmp_path, "13/03/2023, 19:40 - Ana: oi\n13/03/2023, 19:41 - Bo: olá\n")
    mapped_way = parse(path)
    with mapping_refused():
        assert parse(path).messages.equals(mapped_way.messages)


def test_a_folder_of_several_chats_names_them(tmp_path: Path) -> None:
    for name in ("WhatsApp Chat with Ana.txt", "WhatsApp Chat with Bo.txt"):
        (tmp_path / name).write_text("13/03/2023, 19:40 - Ana: oi\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("milk\n", encoding="utf-8")
    with pytest.raises(ParseError, match=r"holds 2 WhatsApp chats \(WhatsApp Chat with Ana"):
        parse(tmp_path)


def test_a_folder_without_a_chat_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("milk\n", encoding="utf-8")
    with pytest.raises(ParseError, match=r"no WhatsApp chat in this folder"):
        parse(tmp_path)


# --- errors -----------------------------------------------------------------------------------


def test_binary_file_is_a_parse_error(tmp_path: Path) -> None:
    path = tmp_path / "photo.txt"
    path.write_bytes(bytes(range(256)) * 20)
    with pytest.raises(ParseError, match=r"photo\.txt:1: a binary file, not a text export"):
        parse(path)


def test_an_over_long_line_is_skipped_with_the_lines_that_follow_it(tmp_path: Path) -> None:
    huge = "x" * (MAX_LINE_BYTES + 1)
    text = (
        "23/03/2024, 08:01 - Leo: hi\n"
        "and a second line\n"
        f"23/03/2024, 08:02 - Leo: {huge}\n"
        "more of that one\n"
        "\n"
        "23/03/2024, 08:03 - Maya: hey\n"
    )
    result = parse(write(tmp_path, text))
    assert_lines_accounted(result)
    assert result.messages["text"].to_list() == ["hi\nand a second line", "hey"]
    assert [(s.line, s.reason) for s in result.skipped] == [
        (3, "a line of 1.0 MB, longer than any WhatsApp message can be; not read"),
        (4, "follows the over-long line 3, which was not read"),
        (5, "follows the over-long line 3, which was not read"),
    ]
    assert result.skipped[0].text.startswith("23/03/2024, 08:02 - Leo: xxx")


def test_an_over_long_line_in_utf16_is_skipped_too(tmp_path: Path) -> None:
    huge = "é" * (MAX_LINE_BYTES // 2 + 1)  # two bytes each in UTF-8
    text = (
        "23/03/2024, 08:01 - Leo: hi\n"
        f"23/03/2024, 08:02 - Leo: {huge}\n"
        "23/03/2024, 08:03 - Maya: hey\n"
    )
    path = tmp_path / "u16.txt"
    path.write_bytes(text.encode("utf-16"))
    result = parse(path)
    assert_lines_accounted(result)
    assert result.messages["text"].to_list() == ["hi", "hey"]
    assert [(s.line, s.reason) for s in result.skipped] == [
        (2, "a line of 1.0 MB, longer than any WhatsApp message can be; not read"),
    ]


def test_damaged_utf16_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "u16.txt"
    good = "23/03/2024, 08:01 - Leo: hi\n23/03/2024, 08:02 - Leo: ".encode("utf-16")
    path.write_bytes(good + b"\x00\xd8" + "\n".encode("utf-16-le"))
    with pytest.raises(
        ParseError, match=r"u16\.txt:2: not UTF-16 \(illegal UTF-16 surrogate at column 26\)"
    ):
        parse(path)


def test_a_file_of_one_huge_line_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_bytes(b"23/03/2024, 08:01 - Leo: " + b"x" * (3 << 20) + b"\r\n")
    with pytest.raises(
        ParseError, match=r"huge\.txt:1: a line of 3\.1 MB, .*not a WhatsApp export"
    ):
        parse(path)


def test_headers_without_any_author_are_an_import_error_not_an_empty_chat(
    tmp_path: Path,
) -> None:
    # A public file with the authors taken out: every line is skipped, which the import
    # refuses (ingest's check for every format) rather than adding an empty chat.
    from pullaway.errors import UnknownFormatError
    from pullaway.ingest import import_file
    from pullaway.store import Store

    text = "13.12.2024, 13:43 - hello all\n13.12.2024, 16:40 -  good evening\n"
    path = write(tmp_path, text, "chat.txt")
    assert parse(path).messages.height == 0
    store = Store.open(tmp_path / "store.db")
    with pytest.raises(UnknownFormatError, match="not a chat export pullaway can read"):
        import_file(store, path)  # no line reads as a message header, so no format fits
    with pytest.raises(ParseError, match=r"no messages found as whatsapp \(2 lines skipped"):
        import_file(store, path, format_name="whatsapp")


@pytest.mark.parametrize(
    "notice",
    [
        # Real Android exports: Hebrew without the hyphen the app's strings have, and 2017's
        # English wording.
        "ההודעות והשיחות מוצפנות מקצה לקצה ורק האנשים בצ'אט הזה יכולים לקרוא אותן.",
        "Messages you send to this group are now secured with end-to-end encryption.",
    ],
)
def test_more_real_wordings_of_the_encryption_notice(notice: str, tmp_path: Path) -> None:
    lines = [f"28.12.2020, 18:42 - {notice}", "28.12.2020, 18:45 - Ofir: hi"]
    result = parse(write(tmp_path, "\n".join(lines)))
    assert result.messages.get_column("kind").to_list() == ["system", "text"]


def test_text_without_headers_is_a_parse_error(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match=r"notes\.txt:1: no WhatsApp message header"):
        parse(write(tmp_path, "dear diary\ntoday\n", "notes.txt"))


def test_ambiguous_file_asks_for_date_order() -> None:
    with pytest.raises(
        ParseError, match=r"ambiguous\.txt:1: .*pass --date-order dmy or --date-order mdy"
    ):
        parse(FOLDER / "ambiguous.txt")


def test_cp1252_bytes_name_the_line_and_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    path.write_bytes(
        "13/03/2023, 19:40 - Maya: hi\n14/03/2023, 19:41 - Dan: café\n".encode("cp1252")
    )
    with pytest.raises(ParseError, match=r"old\.txt:2: not UTF-8 .*--encoding cp1252"):
        parse(path)
    assert parse(path, encoding="cp1252").messages.get_column("text")[1] == "café"


def test_empty_file_is_a_parse_error(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match=r"empty\.txt: the file is empty"):
        parse(write(tmp_path, "", "empty.txt"))


def test_utf16_with_bom_and_bare_cr_are_read(tmp_path: Path) -> None:
    text = "13/03/2023, 19:40 - Maya: hi\r14/03/2023, 19:41 - Dan: yo\r"
    path = tmp_path / "u16.txt"
    path.write_bytes(text.encode("utf-16"))
    assert parse(path).messages.height == 2
    assert parse(write(tmp_path, text)).units == 2


def test_sniff_rejects_other_formats(tmp_path: Path) -> None:
    samples = {
        "signal.md": "[2019-12-24, 12:23] Jane Doe: Hello John!\n[2020-01-17, 21:49] John: Hi\n",
        "t.json": '{"messages": [{"id": 1, "type": "message", "date": "2020-01-01T10:00:00"}]}',
        "t.csv": "timestamp,sender,text\n2020-01-01 10:00,A,hi\n",
        "notes.txt": "12/05/2023 meeting\nbring: laptop\n",
    }
    for name, text in samples.items():
        assert sniff_whatsapp(Sample.read(write(tmp_path, text, name))) < 0.5, name


OTHER_FORMATS = sorted(
    p
    for folder in FIXTURES.iterdir()
    if folder.is_dir() and folder.name != "whatsapp"
    for p in folder.iterdir()
    if not p.name.endswith(".expected.json")
)


@pytest.mark.parametrize("source", OTHER_FORMATS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_other_formats_fixtures_do_not_sniff_as_whatsapp(source: Path) -> None:
    assert sniff_whatsapp(Sample.read(source)) < 0.5


def test_registered_under_its_name() -> None:
    assert registry()["whatsapp"].parse is parse


# --- mangled input ----------------------------------------------------------------------------

SEED_TEXT = (FOLDER / "android_dmy_24h.txt").read_text(encoding="utf-8").splitlines()
IOS_TEXT = (FOLDER / "ios_mdy_12h_brackets.txt").read_text(encoding="utf-8").splitlines()
EDITS = st.lists(
    st.tuples(
        st.sampled_from(["delete", "duplicate", "garble", "swap"]),
        st.integers(min_value=0, max_value=40),
        st.text(max_size=12),
    ),
    max_size=8,
)


@settings(max_examples=50, deadline=None, derandomize=True)
@given(
    ios=st.booleans(),
    edits=EDITS,
    cut=st.integers(min_value=0, max_value=3000),
    order=st.sampled_from([None, "dmy", "mdy"]),
)
def test_mangled_exports_parse_or_raise_parse_error(
    tmp_path_factory: pytest.TempPathFactory,
    ios: bool,
    edits: list[tuple[str, int, str]],
    cut: int,
    order: DateOrder | None,
) -> None:
    lines = list(IOS_TEXT if ios else SEED_TEXT)
    for action, index, junk in edits:
        if not lines:
            break
        i = index % len(lines)
        if action == "delete":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "garble":
            j = index % (len(lines[i]) + 1)
            lines[i] = lines[i][:j] + junk + lines[i][j:]
        else:
            lines[i], lines[-1] = lines[-1], lines[i]
    data = "\n".join(lines).encode("utf-8")[:cut]
    path = tmp_path_factory.mktemp("mangled") / "chat.txt"
    path.write_bytes(data)
    result, error = _parsed(path, date_order=order)
    # Read from its bytes (as when the file cannot be mapped), it reads the same or fails alike.
    with mapping_refused():
        from_bytes, bytes_error = _parsed(path, date_order=order)
    assert str(bytes_error) == str(error)
    if error is not None:
        assert error.path == path
        return
    assert result is not None
    assert from_bytes is not None
    assert from_bytes.messages.equals(result.messages)
    assert (from_bytes.skipped, from_bytes.notes) == (result.skipped, result.notes)
    assert_lines_accounted(result)
    started = set(result.messages.get_column("source_line")) | {s.line for s in result.skipped}
    assert min(started) == 1 or result.skipped == ()
    assert result.messages.schema["timestamp"] == pl.Datetime("us")


def _parsed(path: Path, **options: Any) -> tuple[ImportResult | None, ParseError | None]:
    try:
        return parse(path, **options), None
    except ParseError as exc:
        return None, exc


def test_timestamps_by_arithmetic_equal_polars_datetime() -> None:
    from pullaway.importers._whatsapp_dates import wall_clock

    days = pl.date_range(datetime(1900, 1, 1), datetime(2100, 12, 31), eager=True)
    frame = pl.DataFrame({"day": days}).with_row_index("i")
    fields = (
        pl.col("day").dt.year(),
        pl.col("day").dt.month(),
        pl.col("day").dt.day(),
        (pl.col("i") % 24).cast(pl.Int32),
        (pl.col("i") % 60).cast(pl.Int32),
        (pl.col("i") * 7 % 60).cast(pl.Int32),
    )
    got = frame.select(wall_clock(*fields)).to_series()
    expected = frame.select(pl.datetime(*fields, time_unit="us")).to_series()
    assert got.equals(expected)


@pytest.mark.parametrize(
    "placeholder",
    [
        "<Media omitted>",
        "<メディアなし>",  # ja
        "<미디어 파일 제외됨>",  # ko
        "<省略多媒体文件>",  # zh
        "<تم استبعاد الوسائط>",  # ar
        "< Média vynechána >",  # cs, with spaces inside the brackets
        "<media utelämnat>",  # sv
        "<Bỏ qua Media>",  # vi
    ],
)
def test_androids_media_placeholder_in_many_languages_is_media(
    placeholder: str, tmp_path: Path
) -> None:
    lines = [f"13/01/2025, 08:00 - Maya: {placeholder}", "13/01/2025, 08:01 - Leo: ok"]
    result = parse(write(tmp_path, "\n".join(lines)))
    assert result.messages.get_column("kind").to_list() == ["media", "text"]


@pytest.mark.parametrize(
    "notice",
    [
        "Messages and calls are end-to-end encrypted. No one outside of this chat, not even "
        "WhatsApp, can read or listen to them.",
        "I messaggi e le chiamate sono crittografati end-to-end.",
        "Berichten en oproepen worden end-to-end versleuteld.",
        "As mensagens e chamadas são encriptadas ponto a ponto.",
        "Сообщения и звонки защищены сквозным шифрованием.",
        "Mesajlar ve aramalar uçtan uca şifrelidir.",
    ],
)
def test_the_encryption_notice_after_the_partners_name_is_a_system_line(
    notice: str, tmp_path: Path
) -> None:
    # iOS writes it as if the partner had sent it, behind an LRM: not a message of his.
    lines = [f"[13/01/2025, 08:00:00] Leo: \u200e{notice}", "[13/01/2025, 08:01:00] Leo: hi"]
    result = parse(write(tmp_path, "\n".join(lines)))
    assert result.messages.select("kind", "sender").rows() == [("system", None), ("text", "Leo")]


@pytest.mark.parametrize(
    ("tag", "kind"),
    [
        ("<attached: 00000042-PHOTO-2025-01-13-08-00-00.jpg>", "media"),
        ("\u200e<adjunto: 00000043-AUDIO-2025-01-13-08-00-00.opus>", "voice"),  # es
        ("<anexado: 00000044-VIDEO-2025-01-13-08-00-00.mp4>", "media"),  # pt
        ("<Anhang: 00000045-STICKER-2025-01-13-08-00-00.webp>", "sticker"),  # de
        ("< pièce jointe : 00000046-PHOTO-2025-01-13-08-00-00.jpg>", "media"),  # fr
        ("<allegato: 00000047-PHOTO-2025-01-13-08-00-00.jpg>", "media"),  # it
        ("IMG-20250113-WA0001.jpg (file allegato)", "media"),  # it, Android
    ],
)
def test_attachments_of_an_export_with_media_in_the_phones_language(
    tag: str, kind: str, tmp_path: Path
) -> None:
    lines = [
        f"[13/01/2025, 08:00:00] Maya: {tag}",
        f"[13/01/2025, 08:01:00] Maya: look {tag}",
        f"[13/01/2025, 08:02:00] Maya: \u200elook \u200e{tag}",
        "and a second line",
    ]
    result = parse(write(tmp_path, "\n".join(lines)))
    rows = result.messages.select("kind", "text").rows()
    if "(" in tag:  # Android writes the caption on the lines below the file's name only
        assert rows[0] == (kind, None)
        return
    assert rows == [(kind, None), (kind, "look"), (kind, "look\nand a second line")]


@pytest.mark.parametrize(
    "body",
    [
        "IMG-20250113-WA0001.jpg (bestand bijgevoegd)",  # nl
        "IMG-20250113-WA0001.jpg (załączony plik)",  # pl
        "IMG-20250113-WA0001.jpg (파일 첨부됨)",  # ko
        "IMG-20250113-WA0001.jpg (文件附件)",  # zh
        "IMG-20250113-WA0001.jpg (archivo adjuntado)",  # es, another version
        "فایل پیوست شد IMG-20250113-WA0001.jpg",  # fa: before the name, no brackets
        "IMG-20250113-WA0001.jpg இணைக்கப்பட்டது",  # ta: after it, no brackets
    ],
)
def test_androids_attached_file_in_many_languages_is_media(body: str, tmp_path: Path) -> None:
    result = parse(write(tmp_path, f"13/01/2025, 08:00 - Maya: {body}"))
    assert result.messages.select("kind", "text").row(0) == ("media", None)


def test_tamils_connected_after_a_word_that_is_no_file_is_a_message(tmp_path: Path) -> None:
    result = parse(write(tmp_path, "13/01/2025, 08:00 - Maya: wifi இணைக்கப்பட்டது"))
    assert result.messages.get_column("kind").to_list() == ["text"]


def test_a_tag_in_a_language_without_one_stays_a_message(tmp_path: Path) -> None:
    result = parse(write(tmp_path, "[13/01/2025, 08:00:00] Maya: look <bijlage: 1.jpg>"))
    assert result.messages.select("kind", "text").row(0) == ("text", "look <bijlage: 1.jpg>")


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("\u200eimmagine omessa", "media"),
        ("\u200evideo omesso", "media"),
        ("\u200edocumento omesso", "media"),
        ("\u200eaudio omesso", "voice"),
        ("\u200esticker non incluso", "sticker"),
        ("\u200eChiamata vocale persa", "call"),
        ("\u200eVideochiamata persa", "call"),
    ],
)
def test_italian_iphone_placeholders_and_calls(body: str, kind: str, tmp_path: Path) -> None:
    result = parse(write(tmp_path, f"[13/01/2025, 08:00:00] Maya: {body}"))
    assert result.messages.select("kind", "text").row(0) == (kind, None)


@pytest.mark.parametrize(
    "tombstone", ["Questo messaggio è stato eliminato", "Hai eliminato questo messaggio"]
)
def test_italian_tombstones_are_deleted_messages(tombstone: str, tmp_path: Path) -> None:
    result = parse(write(tmp_path, f"13/01/2025, 08:00 - Maya: {tombstone}"))
    assert result.messages.select("kind", "text").row(0) == ("deleted", None)


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("\u200e이미지 생략됨", "media"),  # ko
        ("\u200eオーディオ", "text"),  # ja, not a placeholder, nor a sentence
        ("\u200e音声は含まれていません", "voice"),  # ja
        ("\u200eнаклейку не додано", "sticker"),  # uk
        ("\u200eGIF weggelaten", "media"),  # nl
        ("\u200eKarta kontaktu vynechaná", "media"),  # sk
        ("\u200eInforme.pdf • 3 páginas documento omitido", "media"),  # es, after the name
        ("\u200eRaport.pdf • 2 strony dokument pominięty", "media"),  # pl, after the name
        ("\u200eКод безпеки з контактом Лев змінився. Торкніться, щоб дізнатися більше.", "system"),
        (
            "\u200eLev ile aranızdaki güvenlik kodu değişti. Daha fazla bilgi için dokunun.",
            "system",
        ),
        ("\u200eالرسائل والمكالمات مشفرة تمامًا بين الطرفين، بحيث لا يستطيع أحد", "system"),
    ],
)
def test_iphone_placeholders_and_notices_in_whatsapps_other_languages(
    body: str, kind: str, tmp_path: Path
) -> None:
    # whats_json's lists of the iOS app's own strings; iOS writes them behind an LRM.
    lines = [f"[13/01/2025, 08:00:00] Leo: {body}", "[13/01/2025, 08:01:00] Leo: hi"]
    result = parse(write(tmp_path, "\n".join(lines)))
    assert result.messages.get_column("kind").to_list() == [kind, "text"]


def test_an_unknown_notice_behind_the_iphone_mark_is_not_his_message(tmp_path: Path) -> None:
    # iOS writes a 1:1 chat's notices after the other person's name, behind an LRM: a notice
    # in a language without a table here (Catalan: she blocked him) must not read as his.
    lines = [
        "[24/03/2024, 21:40:05] Leo: hola",
        "[25/03/2024, 08:00:00] Leo: \u200eHas bloquejat aquest contacte. Toca per "
        "desbloquejar-lo.",
        "[26/03/2024, 09:00:00] Leo: \u200eHas desbloquejat aquest contacte.",
        "[26/03/2024, 09:05:00] Maya: \u200fho sento",  # another mark: hers, as typed
        # A message iOS could not decrypt yet: his all the same.
        "[26/03/2024, 09:06:00] Leo: \u200eWaiting for this message. This may take a while.",
        # A word or two, no full stop: a placeholder more likely (a photo), his message.
        "[26/03/2024, 09:07:00] Leo: \u200ekuva puuttuu",
        "[26/03/2024, 09:08:00] Leo: \u200eこの連絡先をブロックしました。",  # ja: a sentence
    ]
    result = parse(write(tmp_path, "\n".join(lines)))
    messages = result.messages
    assert messages.get_column("kind").to_list() == [
        *("text", "system", "system", "text", "text", "text", "system")
    ]
    assert messages.get_column("sender").to_list() == [
        *("Leo", None, None, "Maya", "Leo", "Leo", None)
    ]
    assert (
        "3 messages start with the mark iPhones write before notices and placeholders, but "
        "are none pullaway knows (line 2: 'Has bloquejat aquest contacte. Toca per "
        "desbloquejar-lo.'): read as system lines, not as messages of the person named"
    ) in result.notes


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        # whats_json's real exports: Android, iOS (behind its mark), other languages.
        ("location: https://maps.google.com/?q=51.50214569326172,-0.12739796972656", "media"),
        ("\u200eLocation: https://maps.google.com/?q=51.5021456,-0.127397", "media"),
        ("Standort: https://maps.google.com/?q=51.5021456,-0.127397", "media"),
        ("位置情報: https://maps.google.com/?q=36.666958,29.113155", "media"),
        ("موقع: https://maps.google.com/?q=34.800600,28.100155", "media"),
        # A place: its name and address, then its Foursquare page.
        (
            "Çalış Plajı (Fethiye, Muğla): https://foursquare.com/v/4dea6dacd22da22d4ed36317",
            "media",
        ),
        # Words around a map link: hers, as typed.
        ("here: https://maps.google.com/?q=51.5,-0.1 see you", "text"),
        ("https://maps.google.com/?q=51.5,-0.1", "text"),
    ],
)
def test_a_shared_location_is_media_in_any_language(body: str, kind: str, tmp_path: Path) -> None:
    lines = [f"[27/03/2022, 21:56:45] Dmitry: {body}", "[27/03/2022, 21:57:00] Anna: ok"]
    result = parse(write(tmp_path, "\n".join(lines)))
    assert result.messages.get_column("kind").to_list() == [kind, "text"]
    texts = result.messages.get_column("text").to_list()
    assert texts == [None if kind == "media" else body, "ok"]


def test_the_other_languages_words_inside_a_message_stay_text(tmp_path: Path) -> None:
    # Not behind a mark, not the whole body: something she typed.
    lines = ["[13/01/2025, 08:00:00] Maya: 이미지 생략됨 아니야", "[13/01/2025, 08:01:00] Leo: ok"]
    result = parse(write(tmp_path, "\n".join(lines)))
    assert result.messages.get_column("kind").to_list() == ["text", "text"]


def test_an_english_iphones_document_and_security_code_notice(tmp_path: Path) -> None:
    # As whats_json's iPhone exports write them: the file's name before "document omitted",
    # and the security code notice after the partner's name, here without an LRM.
    lines = [
        "[3/27/22, 21:50:09] Dmitry: Some file.txt document omitted",
        "[3/27/22, 21:50:25] Dmitry: Resume.pdf • 2 pages document omitted",
        "[4/28/22, 20:17:30] Elon: Your security code with Elon changed. Tap to learn more.",
        "[4/28/22, 20:18:00] Elon: the document omitted a page",
    ]
    result = parse(write(tmp_path, "\n".join(lines)))
    assert result.messages.select("kind", "sender").rows() == [
        ("media", "Dmitry"),
        ("media", "Dmitry"),
        ("system", None),
        ("text", "Elon"),
    ]


@pytest.mark.parametrize(
    "notice",
    [
        # rwhatsapp#28's real Persian export, without the zero-width non-joiners.
        "پیامها و تماسها سرتاسر رمزگذاری شدهاند. هیچ شخصی خارج از گفتگو حتی خود واتساپ هم "
        "نمیتواند آنها را بخواند یا بشنود. برای کسب اطلاعات بیشتر، اینجا را بزنید.",
        "پیام\u200cها و تماس\u200cها سرتاسر رمزگذاری شده\u200cاند.",
        "Ваш код безопасности с контактом Лев изменился. Нажмите, чтобы узнать больше.",
        "Wiadomości i połączenia są w pełni zaszyfrowane.",
    ],
)
def test_androids_notices_in_other_languages_are_system_lines(notice: str, tmp_path: Path) -> None:
    # Before, an author-less line the notices' keywords did not know was joined to the
    # message before it (or skipped at the top of the file).
    lines = ["۲۰۲۱/۵/۳۰، ۱۸:۴۴ - آرش: سلام", f"۲۰۲۱/۵/۳۰، ۱۸:۴۵ - {notice}"]
    result = parse(write(tmp_path, "\n".join(lines)))
    assert result.messages.select("kind", "text").rows() == [("text", "سلام"), ("system", notice)]


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        # As whats_json's real Android exports write them: the whole body, no mark.
        ("Missed voice call", "call"),
        ("Missed video call", "call"),
        ("Пропущенный аудиозвонок", "call"),
        ("Данное сообщение удалено", "deleted"),
        ("Вы удалили данное сообщение", "deleted"),
        ("null", "media"),  # a view-once photo
        ("live location shared", "media"),  # wa-stats' list of English Android's bodies
        # iOS: behind a mark, with a final "."
        ("\u200eTa wiadomość", "text"),  # not a tombstone, nor a sentence
        ("\u200eTa wiadomość została usunięta.", "deleted"),
        ("\u200eCuộc gọi nhỡ", "call"),
        # Not the whole body: a message.
        ("Missed voice call again?", "text"),
        ("null and void", "text"),
        ("my live location shared with mum", "text"),
    ],
)
def test_tombstones_missed_calls_and_view_once_as_android_writes_them(
    body: str, kind: str, tmp_path: Path
) -> None:
    result = parse(
        write(tmp_path, f"27.03.2022, 13:44 - Dmitry: {body}\n27.03.2022, 13:45 - Dmitry: ok")
    )
    assert result.messages.get_column("kind").to_list() == [kind, "text"]


def test_androids_message_timer_notice_is_a_system_line(tmp_path: Path) -> None:
    # whats_json's real group export: before, these were joined to the notice before them.
    lines = [
        '11/01/2023, 16:13 - You changed the subject to "Trip"',
        "11/01/2023, 16:14 - You updated the message timer. New messages will disappear from "
        "this chat 24 hours after they're sent. Tap to change.",
        "13/01/2023, 16:15 - Dmitry: hi",
    ]
    result = parse(write(tmp_path, "\n".join(lines)))
    assert result.messages.get_column("kind").to_list() == ["system", "system", "text"]


def test_an_iphones_attachment_tag_in_any_language_is_media(tmp_path: Path) -> None:
    # Indonesian (whats_json's real export), and any other: the file's eight-digit number.
    lines = [
        "[27/03/2022, 21:41:35] Alif: <terlampir: 00000148-VIDEO-2022-03-27-21-44-16.mp4>",
        "[27/03/2022, 21:42:35] Alif: lihat <terlampir: 00000149-PHOTO-2022-03-27-21-44-16.jpg>",
        "[27/03/2022, 21:43:35] Alif: <catatan: 123>",
    ]
    result = parse(write(tmp_path, "\n".join(lines)))
    assert result.messages.select("kind", "text").rows() == [
        ("media", None),
        ("media", "lihat"),
        ("text", "<catatan: 123>"),
    ]


def test_a_placeholders_words_without_brackets_are_a_message(tmp_path: Path) -> None:
    # Android always writes the brackets; "без файл" ("no file") alone is something she typed.
    result = parse(write(tmp_path, "13/01/2025, 08:00 - Maya: без файл"))
    assert result.messages.select("kind", "text").row(0) == ("text", "без файл")


def test_fields_of_one_digit_or_two_are_read_line_by_line() -> None:
    lines = ["1/6/25, 7:57 AM - Leo: hi", "12/16/25, 10:05 PM - Ana: ok", "3/16/25, 9:05 PM - A: b"]
    fixed = fixed_layout(detect_layout(lines), lines)
    assert fixed is not None
    assert fixed.wide == ("a", "b", "h")
    assert all(re.match(fixed.pattern, line) for line in lines)
    padded = ["01/06/25, 07:57 AM - Leo: hi", "12/16/25, 10:05 PM - Ana: ok"]
    fixed = fixed_layout(detect_layout(padded), padded)
    assert fixed is not None
    assert fixed.wide == ()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 12),
            st.integers(1, 28),
            st.integers(0, 99),
            st.integers(1, 12),
            st.integers(0, 59),
            st.booleans(),
            st.sampled_from(["Leo", "Maya Cohen", "Ana López"]),
            st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=12),
        ),
        min_size=1,
        max_size=60,
    )
)
def test_us_headers_of_any_widths_read_the_same_either_way(
    headers: list[tuple[int, int, int, int, int, bool, str, str]],
) -> None:
    lines = [
        f"{m}/{d}/{y:02}, {h}:{mi:02}\u202f{'PM' if pm else 'AM'} - {who}: {text}"
        for m, d, y, h, mi, pm, who, text in headers
    ]
    with TemporaryDirectory() as folder:
        read_sliced_as_captured(write(Path(folder), "\n".join(lines) + "\n"), date_order="mdy")


@pytest.mark.parametrize(
    ("header", "wide"),
    [
        ("2023. {m}. {d}. {ampm} {h12}:{mi:02} - A: x", ("b", "c", "h")),  # marker first
        ("{d}.{m}.23, {h24}:{mi:02} - Anna: hallo", ("a", "b", "h")),
        ("2023/{m}/{d} {h24}:{mi:02} - B: y", ("b", "c", "h")),  # year first
    ],
)
def test_wide_fields_of_other_layouts_read_the_same_either_way(
    tmp_path: Path, header: str, wide: tuple[str, ...]
) -> None:
    draw = random.Random(3)
    lines = [
        header.format(
            m=draw.randint(1, 12),
            d=draw.randint(13, 28) if n == 0 else draw.randint(1, 28),
            ampm=draw.choice(["오전", "오후"]),
            h12=draw.randint(1, 12),
            h24=draw.randint(0, 23),
            mi=draw.randint(0, 59),
        )
        for n in range(500)
    ]
    fixed = fixed_layout(detect_layout(lines), lines)
    assert fixed is not None
    assert fixed.wide == wide
    sliced = read_sliced_as_captured(write(tmp_path, "\n".join(lines) + "\n"))
    assert sliced.messages.height == len(lines)


def test_a_leading_mark_is_looked_for_only_where_the_sample_shows_one() -> None:
    android = ["13/01/2025, 07:58 - Leo: hi", "13/01/2025, 07:59 - Maya: hello"]
    ios = [
        "[13/01/2025, 07:58:01] Leo: hi",
        "\u200e[13/01/2025, 07:59:02] Maya: \u200eimage omitted",
    ]
    for lines, marked in ((android, False), (ios, True)):
        fixed = fixed_layout(detect_layout(lines), lines)
        assert fixed is not None
        assert fixed.marked is marked
        assert (re.match(fixed.pattern, "\u200f" + lines[0]) is not None) is marked


def test_a_header_behind_a_mark_the_sample_missed_is_read_all_the_same(tmp_path: Path) -> None:
    lines = [
        f"13/01/2025, {n // 60:02}:{n % 60:02} - {'Leo' if n % 2 else 'Maya'}: m{n}"
        for n in range(1000)
    ]
    lines[13] = "\u200f" + lines[13].replace(": m13", ": \u200fmarked")
    assert lines[13] not in _spread_sample(pl.Series(lines))
    sliced = read_sliced_as_captured(write(tmp_path, "\n".join(lines) + "\n"))
    assert sliced.messages.row(13, named=True)["sender"] == "Leo"
    assert sliced.messages.height == len(lines)


def test_headers_holding_colon_space_are_not_read_at_fixed_positions() -> None:
    lines = ["06.08.13, 19:55:10: Habi: bist du noch wach?", "06.08.13, 19:56:02: Kerem: ja"]
    assert fixed_layout(detect_layout(lines), lines) is None


@pytest.mark.parametrize(
    "lines",
    [
        [  # Android, zero-padded, with headers of another width and a system line
            "13/01/2025, 07:57 - Messages and calls are end-to-end encrypted.",
            "13/01/2025, 07:58 - Leo: hi: there",
            "13/1/2025, 7:59 - Maya: short date",
            "13/01/2025, 08:00 - Maya: <Media omitted>",
            "second line",
            "13/01/2025, 08:01 - Ana López: ñ 😊",
            "13/01/2025, 08:02 - Leo:.",
            "13/01/2025, 08:03 - a:b: colon in the name",
            "13/01/2025,\u00a008:04 - Maya: a no-break space: same width, other bytes",
            "\u200f13/01/2025, 08:05 - Leo: \u200fa leading mark",
        ],
        [  # iOS, with a leading LRM on media and notices, and 12-hour times
            "\u200e[1/13/23, 9:15:00\u202fAM] Dan: \u200eMessages and calls are end-to-end "
            "encrypted",
            "[1/13/23, 9:15:42\u202fAM] Maya: did you?",
            "[1/13/23, 9:15:43\u202fAM] Maya: ok",
            "[1/13/23, 9:15:44\u202fAM] Maya: ok",
            "\u200e[1/13/23, 9:16:10\u202fPM] Dan: \u200eimage omitted",
            "\u200e\u200e[1/13/23, 9:17:10\u202fPM] Dan: \u200eimage omitted",
            "[1/13/23, 10:17:10\u202fPM] Dan: wider hour",
            "[1/13/23, 9:18:10 p.\u00a0m.] Dan: other marker",
        ],
        [  # US, not zero-padded: months, days and hours of one digit or two
            "1/6/25, 7:57\u202fAM - Messages and calls are end-to-end encrypted.",
            "1/6/25, 7:58\u202fAM - Leo: hi: there",
            "1/16/25, 7:59\u202fAM - Maya: day of two",
            "11/6/25, 8:00\u202fAM - Maya: <Media omitted>",
            "second line",
            "11/16/25, 10:01\u202fPM - Ana López: ñ 😊",
            "1/6/25, 12:02\u202fPM - Leo:.",
            "12/31/25, 11:03\u202fPM - a:b: colon in the name",
            "1/6/25, 9:04 AM - Maya: a plain space: other bytes",
            "\u200f1/6/25, 9:05\u202fAM - Leo: a leading mark",
            "2/3/25, 1:06\u202fPM - A: ",
            "10/10/25, 10:07\u202fAM - Leo: wide everywhere",
        ],
        [  # iOS, not zero-padded, with seconds and marks before media
            "[1/6/25, 7:57:01\u202fAM] Leo: hi",
            "\u200e[1/16/25, 7:58:02\u202fAM] Maya: \u200eimage omitted",
            "[11/6/25, 10:59:03\u202fPM] Ana: ok",
            "[12/16/25, 9:00:04\u202fPM] Leo: late",
            "\u200e[2/6/25, 12:01:05\u202fPM] Leo: \u200eaudio omitted",
            "[3/26/25, 1:02:06\u202fAM] Maya: three",
        ],
    ],
)
def test_fixed_width_slicing_reads_the_same_as_capturing(tmp_path: Path, lines: list[str]) -> None:
    assert fixed_layout(detect_layout(lines), lines) is not None  # the sliced way is taken
    sliced = read_sliced_as_captured(write(tmp_path, "\n".join(lines) + "\n"))
    assert sliced.messages.height >= len(lines) - 2


@pytest.mark.parametrize(("body", "kind"), COMMON_BODIES.items())
def test_each_common_body_has_the_kind_its_patterns_give(body: str, kind: str) -> None:
    """The looked-up kinds agree with the patterns, which read every other body."""
    read = whatsapp_kinds.read_kinds(pl.Series([body]))
    assert read.get_column("kind").to_list() == [kind]
    flagged = pl.DataFrame({"body": [body], "author": ["Maya"]}).select(whatsapp_kinds.hints())
    assert flagged.get_column("special").to_list() == [True]


def test_common_and_other_bodies_in_one_chat_get_their_kinds(tmp_path: Path) -> None:
    lines = [
        "13/01/2025, 08:00 - Maya: <Media omitted>",
        "13/01/2025, 08:01 - Leo: IMG-20250113-WA0001.jpg (file attached)",
        "13/01/2025, 08:02 - Maya: This message was deleted",
        "13/01/2025, 08:03 - Leo: <Media omitted>",
    ]
    kinds = parse(write(tmp_path, "\n".join(lines))).messages.get_column("kind").to_list()
    assert kinds == ["media", "media", "deleted", "media"]


def test_common_bodies_alone_never_need_the_patterns(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(bodies: pl.Series) -> pl.DataFrame:
        raise AssertionError(f"patterns used for {bodies.to_list()}")

    monkeypatch.setattr(whatsapp_kinds, "read_kinds", refuse)
    kinds = whatsapp_kinds.kinds_of(pl.Series(["<Media omitted>", "\u200eaudio omitted"]))
    assert sorted(kinds.rows()) == [
        ("<Media omitted>", "media", True),
        ("\u200eaudio omitted", "voice", True),
    ]


@given(
    st.integers(min_value=0, max_value=60).flatmap(
        lambda height: st.tuples(st.just(height), st.sets(st.integers(1, max(height, 1))))
    )
)
@settings(max_examples=200, deadline=None)
def test_lines_between_are_every_other_line_with_the_taken_one_before(
    case: tuple[int, set[int]],
) -> None:
    height, taken = case
    taken = {line for line in taken if line <= height}
    found = whatsapp_importer._lines_between(pl.Series(sorted(taken), dtype=pl.UInt32), height)
    expected = [
        (line, max((t for t in taken if t < line), default=None))
        for line in range(1, height + 1)
        if line not in taken
    ]
    assert found.rows() == expected
