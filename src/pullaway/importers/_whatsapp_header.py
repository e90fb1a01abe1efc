"""The WhatsApp header grammar: one general regex, and a fast one specialised per file.

A header is ``<date><between>[<am/pm>]<time>[<am/pm>]<end>`` followed by ``Author: body`` or a
system text (notes §3.3); the 12-hour marker is any of CLDR's (``_ampm``), before the time
(``오후 9:05``, ``下午9:05``) or after it (``9:05 PM``, ``9:05 μ.μ.``). Real exports use one
layout per file, so the layout is read once from the first headers and turned into a regex
with almost no alternatives, which Polars' Rust engine runs several times faster than the
general one. Lines the specialised regex misses are tried with the general regex, so files
that mix layouts still parse.

>>> layout = detect_layout(["[3/6/18 1:55:00 p.\\u00a0m.] Ana: hola"])
>>> layout.bracket, layout.seconds, layout.ampm, layout.close
(True, True, True, '] ')
>>> re.match(layout.pattern(), "[3/6/18 1:55:00 p. m.] Ana: hola")["rest"]
'Ana: hola'
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache, cached_property
from itertools import islice
from typing import TYPE_CHECKING, Final

import polars as pl

from pullaway.importers._ampm import AFTER, BEFORE
from pullaway.importers._whatsapp_text import BIDI_MARKS, MARKS, SPACE
from pullaway.slices import by_slices

if TYPE_CHECKING:
    from collections.abc import Iterable

_SPACES: Final = " \u00a0\u202f\u2009"
_WORD: Final = "[^\\W\\d_]{1,3}\\.?"  # a short word between date and time: klo, à, kl., um


def _literal(text: str) -> str:
    """``text`` as a regex, with any kind of space accepted wherever it has a space."""
    return "".join(_units(text))


def _units(text: str) -> list[str]:
    """``_literal`` of each character of ``text``."""
    return [SPACE if ch in _SPACES else re.escape(ch) for ch in text]


def _bare(marker: str) -> str:
    """A 12-hour marker as the tables hold it: without spaces or dots, in lower case (for
    Polars, ``bare_marker``)."""
    return re.sub(r"[\s.]", "", marker).lower()


def _latin_ampm(spelling: str) -> bool | None:
    """Whether ``spelling`` is a Latin AM/PM marker (``p. m.``): True for PM; None if it is
    another."""
    return {"am": False, "pm": True}.get(_bare(spelling))


_LATIN_AMPM: Final = f"[AaPp]\\.?{SPACE}?[Mm]\\.?"  # AM, pm, a.m., p. m., ...


def _any_of(spellings: tuple[str, ...]) -> str:
    """A regex for the Latin markers and ``spellings``, any letter case, any kind of space
    where one has a space; common beginnings are written once (a trie), which makes the
    regex several times quicker to compile."""
    others = [_units(s) for s in dict.fromkeys(spellings) if _latin_ampm(s) is None]
    return f"(?:{_LATIN_AMPM}|(?i:{_trie(others)}))"


def _trie(words: list[list[str]]) -> str:
    """One regex for ``words`` (each a list of regex units), sharing their beginnings.

    >>> _trie([["a", "b"], ["a", "c"], ["a"]])
    '(?:a(?:b|c)?)'
    """
    rests: dict[str, list[list[str]]] = {}
    for word in words:
        if word:
            rests.setdefault(word[0], []).append(word[1:])
    branches = [unit + _trie(rest) for unit, rest in rests.items() if rest]
    if not branches:
        return ""
    ends = any(not word for word in words)
    return f"(?:{'|'.join(branches)}){'?' if ends else ''}"


_WIDE_AFTER: Final = _any_of(AFTER)
_WIDE_BEFORE: Final = _any_of(BEFORE)


def _grammar(after: str, before: str) -> str:
    """The general header regex with ``after`` and ``before`` as the marker regexes."""
    return (
        f"^{MARKS}(?P<open>\\[)?{MARKS}"
        "(?P<a>[0-9]{1,4})(?P<s1>[./-]|\\. )(?P<b>[0-9]{1,4})(?P<s2>[./-]|\\. )(?P<c>[0-9]{1,4})"
        # A marker before the time is tried before a word, which it would also be.
        f"(?P<dd>\\.?)(?P<mid>,?{SPACE}?)(?:(?P<bp>{before}{SPACE}?)|(?P<word>{_WORD}{SPACE}))?"
        "(?P<h>[0-9]{1,2})(?P<ts>[:.])(?P<mi>[0-9]{2})(?:[:.](?P<s>[0-9]{2}))?(?P<td>\\.?)"
        f"(?P<ap>{SPACE}?{after})?"
        f"(?P<close>\\]{SPACE}|{SPACE}-{SPACE}|:{SPACE})"
        "(?P<rest>.*)$"
    )


GENERAL: Final = _grammar(_WIDE_AFTER, _WIDE_BEFORE)
"""Any header layout WhatsApp is known to write, with any CLDR locale's 12-hour marker; for
detection and for mixed files."""

LATIN_GENERAL: Final = _grammar(_LATIN_AMPM, _LATIN_AMPM)
"""``GENERAL`` with Latin markers only: quick to compile, and it reads nearly every line the
same. Not a line whose word before the time is a marker (``FIRST_MARKERS``), which it takes
for a word, nor one with another marker after the time (it has ``DATE_TIME``, and no match)."""
DATE_TIME: Final = (
    f"^{MARKS}\\[?{MARKS}[0-9]{{1,4}}(?:[./-]|\\. )[0-9]{{1,4}}(?:[./-]|\\. )[0-9]{{1,4}}"
    ".{0,30}?[0-9]{1,2}[:.][0-9]{2}"
)
"""A date and then a time: where ``LATIN_GENERAL`` finds no header, ``GENERAL`` may."""
FIRST_MARKERS: Final = tuple(sorted(set(map(_bare, BEFORE))))
"""The markers written before the time, as ``bare_marker`` leaves them."""
_LATIN_RE: Final = re.compile(LATIN_GENERAL)
_DATE_TIME_RE: Final = re.compile(DATE_TIME)


_ARABIC_COMMA: Final = "\u060c"
STAMP: Final = (
    f"^(?P<lead>{MARKS}\\[?{MARKS})"
    "(?P<stamp>(?:[RH]\\d{1,2}|\\d{1,4})[^:]{0,40}?\\d{1,2}[:.]\\d{2}(?:[:.]\\d{2})?(?:\\D|$))"
)
"""The date and time at the start of a line (``stamp``, up to the character after the time)
and the bidi marks and bracket before them (``lead``). ``\\d`` is any script's decimal digit,
for Python's ``re`` and Polars' regex alike."""
_STAMP_RE: Final = re.compile(STAMP)
_NON_ASCII_DIGIT: Final = "[\\d--0-9]"
_ERAS: Final = "(?:BE|AP|AH|\u0647\u0640)\\b"
"""The eras an iPhone writes after a year: Buddhist, Persian (Anno Persico), Islamic (Anno
Hegirae, and its Arabic abbreviation هـ)."""
TIME_FIRST: Final = (
    f"^(?P<lead>{MARKS}\\[?{MARKS})"
    "(?P<time>\\d{1,2}[:.]\\d{2}(?:[:.]\\d{2})?(?: [^\\s,\\d]{1,5})?),? "
    "(?P<date>\\d{1,4}[./-]\\d{1,2}[./-]\\d{1,4})(?P<after>\\]|\\s-\\s)"
)
"""A header with the time before the date, as Vietnamese phones write it (CLDR's ``{0}, {1}``):
``[14:56:01, 3/18/22] `` (a real iPhone export in whats_json's tests)."""
TIME_IN_BRACKETS: Final = (
    f"^(?P<lead>{MARKS}\\[?{MARKS})"
    "(?P<date>\\d{1,4}[./-]\\d{1,2}[./-]\\d{1,4}) \\("
    "(?P<time>\\d{1,2}[:.]\\d{2}(?:[:.]\\d{2})?)\\)(?P<after>\\]|\\s-\\s)"
)
"""A header with the time in brackets after the date, as Basque phones write it (CLDR's
``{1} ({0})``): ``23/12/31 (21:40) - ``."""
_DATE_FIRST: Final = ("\\g<lead>\\g<date>, \\g<time>\\g<after>", "${lead}${date}, ${time}${after}")
"""Either header as ``date, time``, for Python's ``re`` and for Polars."""


@dataclass(frozen=True)
class Reorder:
    """Date and time put together in a way the grammar does not read, rewritten as it does
    (``_DATE_FIRST``) before a header is read: ``name`` says how, for the layout's note."""

    name: str
    pattern: str

    @cached_property
    def compiled(self) -> re.Pattern[str]:
        return re.compile(self.pattern)


REORDERS: Final = (
    Reorder("time first, read date first", TIME_FIRST),
    Reorder("time in brackets, read without them", TIME_IN_BRACKETS),
)
"""The rewrites ``ascii_stamp`` tries; a file's layout names the one its headers need."""


def reorder_of(line: str) -> Reorder | None:
    """The rewrite ``line``'s header needs, if any."""
    return next((r for r in REORDERS if r.compiled.match(line) is not None), None)


STAMPABLE: Final = (
    f"^{MARKS}\\[?{MARKS}(?:{_NON_ASCII_DIGIT}|[RH]\\d"
    "|\\d{1,2}[:.]\\d{2}(?:[:.]\\d{2})?(?: [^\\s,\\d]{1,5})?,? \\d{1,4}[./-]"
    "|\\d{1,4}[./-]\\d{1,2}[./-]\\d{1,4} \\(\\d"
    f"|\\d.{{0,60}}?(?:{_NON_ASCII_DIGIT}|[{BIDI_MARKS}{_ARABIC_COMMA}]|\\b[RH]\\d|\\d ?{_ERAS}))"
)
"""For Polars only (``--`` is a class difference in its regex): lines ``ascii_stamp`` may
change, with a digit at the start and a character to change in it or soon after. More lines
than it changes, but a test without captures, much cheaper than ``STAMP``."""
_STAMP_PUNCTUATION: Final = {**dict.fromkeys(BIDI_MARKS, ""), _ARABIC_COMMA: ","}
JAPANESE_ERAS: Final = {"R": 2018, "H": 1988}
"""The year before each era's first (Reiwa began in 2019, Heisei in 1989): an iPhone set to the
Japanese calendar writes ``3/27/R4`` for 27 March 2022."""
_ERA_YEAR: Final = "\\b(?P<era>[RH])(?P<era_year>\\d{1,2})\\b"
_ERA_YEAR_RE: Final = re.compile(_ERA_YEAR)
_ERA_SUFFIX: Final = f"([0-9]{{4}}) ?{_ERAS}"
"""An iPhone set to another calendar may write its era after the year: Buddhist
(``3/27/2565 BE``), Persian (``3/15/1402 AP``), Islamic (``6/15/1445 AH``, in Arabic
``١٥‏/٦‏/١٤٤٥ هـ``). It is dropped here; the year is made Gregorian later, as a Thai phone's
is (``_whatsapp_dates``)."""
_ERA_SUFFIX_RE: Final = re.compile(_ERA_SUFFIX)
_ERA_IN_STAMP: Final = f"[RH]\\d|\\d ?{_ERAS}"
"""A stamp with an era to write out (``_eras_written_out``), in any script's digits."""


def _ascii_char(char: str) -> str:
    """``char`` as ``ascii_stamp`` writes it: a digit of any script as 0-9 (``٣`` as ``3``)."""
    if char.isdecimal():
        return str(int(char))
    return _STAMP_PUNCTUATION.get(char, char)


def ascii_stamp(line: str) -> str:
    """``line`` with the date and time it starts with in ASCII digits, without bidi marks among
    them and with a comma for an Arabic one, as the grammar reads them; the rest as it is.

    Arabic locales write ``٢٤‏/٤‏/٢٠٢٢، ٢:٠٧ م - `` (CLDR's ``d‏/M‏/y`` holds right-to-left
    marks, its date-time glue an Arabic comma), some with ASCII digits (Morocco, Algeria);
    Persian and Urdu ones ``۲۰۲۲/۴/۲۵``; others, such as Bengali or Marathi, their own digits.

    >>> ascii_stamp("\u200f٢٤\u200f/٤\u200f/٢٠٢٢، ٢:٠٧ م - ١: ٢")
    '\u200f24/4/2022, 2:07 م - ١: ٢'
    >>> ascii_stamp("৩১/১২/২৩, ৯:০৬ PM - ক: খ")
    '31/12/23, 9:06 PM - ক: খ'
    """
    reorder = reorder_of(line)
    if reorder is not None:
        line = reorder.compiled.sub(_DATE_FIRST[0], line, count=1)
    found = _STAMP_RE.match(line)
    if found is None:
        return line
    stamp = _without_eras("".join(map(_ascii_char, found["stamp"])))
    return found["lead"] + stamp + line[found.end() :]


def _without_eras(stamp: str) -> str:
    """``stamp`` with a Japanese era's year as the Gregorian one and without the era after a
    year (``BE``, ``AP``, ``AH``, ``هـ``); ``_eras_written_out`` does the same in Polars.

    >>> _without_eras("3/27/R4, 21:41:35]"), _without_eras("3/27/2565 BE, 21:41:35]")
    ('3/27/2022, 21:41:35]', '3/27/2565, 21:41:35]')
    """
    # The first of each only, as in Polars: a date has one year.
    stamp = _ERA_SUFFIX_RE.sub(r"\1", stamp, count=1)
    return _ERA_YEAR_RE.sub(
        lambda era: str(JAPANESE_ERAS[era["era"]] + int(era["era_year"])), stamp, count=1
    )


def _eras_written_out(stamp: pl.Expr) -> pl.Expr:
    """``_without_eras`` of each stamp."""
    era = stamp.str.extract_groups(_ERA_YEAR)
    start = era.struct.field("era").replace_strict(
        JAPANESE_ERAS, default=None, return_dtype=pl.Int32
    )
    year = (start + era.struct.field("era_year").cast(pl.Int32)).cast(pl.String)
    return stamp.str.replace(_ERA_YEAR, year).str.replace(_ERA_SUFFIX, "${1}")


def ascii_stamps(lines: pl.Series, *, reorders: tuple[Reorder, ...] = REORDERS) -> pl.Series:
    """``ascii_stamp`` of each line, on every core. Each rewrite costs a pass over every line,
    so it is left out where it cannot apply: writing date and time as ``date, time`` but for
    ``reorders`` (a file's layout says which its headers need), writing eras out unless a
    stamp holds one (``_ERA_IN_STAMP``: ``R4``, ``H31``, ``2565 BE``, ``1445 AH``, …)."""

    def split(part: pl.LazyFrame) -> pl.LazyFrame:
        for reorder in reorders:
            part = part.with_columns(pl.col("text").str.replace(reorder.pattern, _DATE_FIRST[1]))
        return part.with_columns(pl.col("text").str.extract_groups(STAMP).alias("g")).unnest("g")

    found = by_slices(lines.to_frame("text"), split)
    stamps = found.get_column("stamp")
    table = _stamp_table(stamps)
    text, lead, stamp = pl.col("text"), pl.col("lead"), pl.col("stamp")
    ascii = stamp.str.replace_many(table)
    if stamps.str.contains(_ERA_IN_STAMP).any():
        ascii = _eras_written_out(ascii)
    rest = text.str.slice(lead.str.len_chars() + stamp.str.len_chars())
    changed = (ascii != stamp).fill_null(value=False)
    stamped = pl.when(changed).then(pl.concat_str(lead, ascii, rest)).otherwise(text)
    return by_slices(found, lambda part: part.select(stamped.alias(lines.name))).to_series()


STAMP_TABLE_SAMPLE: Final = 1000
"""Stamps whose digits make the first replacement table of ``_stamp_table``."""


def _stamp_table(stamps: pl.Series) -> dict[str, str]:
    """What ``ascii_stamp`` writes for each character it changes in ``stamps``: the marks, the
    Arabic comma and the digits of the scripts the stamps use. Those digits are taken from the
    first stamps, then from any others that hold digits of yet another script (a test without
    captures), instead of from every stamp or of every script's digits."""
    table = {**_STAMP_PUNCTUATION, **_digits_of(stamps.head(STAMP_TABLE_SAMPLE))}
    known = "".join(char for char in table if char.isdecimal())
    others = stamps.filter(stamps.str.contains(f"[\\d--[0-9{known}]]").fill_null(value=False))
    return {**table, **_digits_of(others)}


def _digits_of(stamps: pl.Series) -> dict[str, str]:
    """``_ascii_char`` of each digit other than 0-9 in ``stamps``."""
    chars = set("".join(stamps.drop_nulls().to_list()))
    return {char: _ascii_char(char) for char in chars if char.isdecimal() and not char.isascii()}


def bare_marker(marker: pl.Expr) -> pl.Expr:
    """``_bare`` of each marker."""
    return marker.str.replace_all(r"[\s.]", "").str.to_lowercase()


@cache
def _wide_re() -> re.Pattern[str]:
    """``GENERAL`` compiled, when a file needs it: its hundreds of markers take a while."""
    return re.compile(GENERAL)


MARKERS: Final = ("ap", "bp")
"""The groups of the 12-hour marker after the time and before it."""


@dataclass(frozen=True)
class Layout:
    """One file's header layout: the literal separators between the numbers (``mid``: between
    date and time, a word among them) and whether, and where, a 12-hour marker is."""

    bracket: bool
    sep1: str
    sep2: str
    date_dot: str
    mid: str
    time_sep: str
    seconds: bool | None  # None: some headers have seconds and some do not
    time_dot: str
    ampm: bool
    close: str
    ampm_first: bool = False  # the marker comes before the time
    wide: bool = False  # the marker is not a Latin AM/PM (μ.μ., 오후, 下午)
    stamped: bool = False  # the headers are read from their ``ascii_stamp`` (٢٤‏/٤‏/٢٠٢٢، ٢:٠٧)
    reorder: Reorder | None = None  # date and time written otherwise (``[14:56:01, 3/18/22]``)

    def pattern(self) -> str:
        """A regex with the number groups, a marker group and ``rest`` that only this layout
        matches."""
        return self.head_pattern() + "(?P<rest>.*)$"

    def fast_pattern(self) -> str:
        """The header and an author without colons: the one regex run on every line."""
        return self.head_pattern() + "(?P<author>[^:]*): "

    def literal_chars(self) -> int:
        """Characters of the fixed parts of a header matched by ``fast_pattern``."""
        fixed = (self.sep1, self.sep2, self.date_dot, self.mid, self.time_sep, self.time_dot)
        return int(self.bracket) + sum(map(len, fixed)) + len(self.close)

    def head_pattern(self) -> str:
        """The header alone, without bidi marks before it (those lines go the general way)."""
        seconds = f"{re.escape(self.time_sep)}(?P<s>[0-9]{{2}})"
        if self.seconds is None:
            seconds = f"(?:{seconds})?"
        elif not self.seconds:
            seconds = ""
        bracket = "\\[" if self.bracket else ""
        first = f"(?P<bp>{self._marker()}{SPACE}?)" if self.ampm and self.ampm_first else ""
        return (
            f"^{bracket}"
            f"(?P<a>[0-9]{{1,4}}){_literal(self.sep1)}(?P<b>[0-9]{{1,4}}){_literal(self.sep2)}"
            f"(?P<c>[0-9]{{1,4}}){_literal(self.date_dot)}{_literal(self.mid)}{first}"
            f"(?P<h>[0-9]{{1,2}}){re.escape(self.time_sep)}(?P<mi>[0-9]{{2}}){seconds}"
            + self.tail_pattern()
        )

    def tail_pattern(self) -> str:
        """The header after its last number: dot, AM/PM marker, closing characters."""
        ampm = f"(?P<ap>{SPACE}?{self._marker()})" if self.ampm and not self.ampm_first else ""
        return f"{_literal(self.time_dot)}{ampm}{_literal(self.close)}"

    def _marker(self) -> str:
        if not self.wide:
            return _LATIN_AMPM
        return _WIDE_BEFORE if self.ampm_first else _WIDE_AFTER

    def describe(self) -> str:
        """A readable sketch of the layout, for notes and errors: ``[D/D/D, H:MM:SS AM] ``."""
        time = f"H{self.time_sep}MM" + (f"{self.time_sep}SS" if self.seconds else "")
        sketch = (
            (
                f"{'[' if self.bracket else ''}D{self.sep1}D{self.sep2}D{self.date_dot}{self.mid}"
                f"{'AM ' if self.ampm and self.ampm_first else ''}{time}{self.time_dot}"
                f"{' AM' if self.ampm and not self.ampm_first else ''}{self.close}"
            )
            .replace("\u00a0", " ")
            .replace("\u202f", " ")
        )
        return f"{sketch.rstrip()} ({self.reorder.name})" if self.reorder else sketch


@dataclass(frozen=True)
class _Shape:
    """The widths of one header: digits of a, b, c and h, seconds or not, marker bytes."""

    digits: tuple[str, str, str, str]
    seconds: bool
    marker_bytes: int


def _shape_of(match: re.Match[str]) -> _Shape:
    marker = _marker(match)
    a, b, c, h = (str(len(match[name])) for name in ("a", "b", "c", "h"))
    return _Shape(
        digits=(a, b, c, h),
        seconds=match.groupdict().get("s") is not None,
        marker_bytes=len(match[marker].encode()) if marker else 0,
    )


def _marker(match: re.Match[str]) -> str | None:
    """The group of ``match``'s 12-hour marker, if it has one."""
    return next((name for name in MARKERS if match.groupdict().get(name)), None)


_AMPM_CHARS: Final = {"A": "[AaPp]", "a": "[AaPp]", "P": "[AaPp]", "p": "[AaPp]"} | {
    "M": "[Mm]",
    "m": "[Mm]",
    ".": "\\.",
}


LEADING_MARK: Final = f"[{BIDI_MARKS}]"
"""One bidi mark before a header, which ``FixedLayout.pattern`` allows."""
LEADING_MARK_BYTES: Final = 3
"""UTF-8 bytes of every bidi mark (all lie in U+0800..U+FFFF).

>>> {len(mark.encode()) for mark in BIDI_MARKS} == {LEADING_MARK_BYTES}
True
"""
NUMBERS: Final = ("a", "b", "c", "h", "mi", "s")
"""The header's number fields: the date in file order, then the time."""


@dataclass(frozen=True)
class FixedLayout:
    """The file's most common header form: its numbers and its author sit at fixed bytes.

    Exports that zero-pad their numbers (``06/01/2025, 07:57 - ``) write every header with the
    same width, so the numbers are read from fixed bytes instead of regex captures. To keep the
    positions fixed in bytes, the pattern takes the characters between the numbers exactly as
    the first such header writes them (a no-break space instead of a space is another form);
    headers written otherwise are read the capturing way.

    Exports that do not zero-pad (``1/6/25, 7:57 AM - ``, the US default) write a month, a day
    or an hour with one digit or two: those fields are ``wide``, and every byte after one of
    them is one further on when it has two digits, which each line's bytes show. The positions
    here are then those of a header whose wide fields all have one digit.

    >>> lines = ["06/01/2025, 07:57 - Leo: hi"]
    >>> fixed = fixed_layout(detect_layout(lines), lines)
    >>> fixed.numbers, fixed.head_bytes, fixed.author_byte, fixed.year_first
    ((('a', 0, 2), ('b', 3, 2), ('c', 6, 4), ('h', 12, 2), ('mi', 15, 2)), 17, 20, False)
    >>> us = ["1/6/25, 7:57 AM - Leo: hi", "12/16/25, 10:05 PM - Ana: ok"]
    >>> us.append("3/16/25, 9:05 PM - Leo: no header of one width is half of them")
    >>> fixed = fixed_layout(detect_layout(us), us)
    >>> fixed.numbers
    (('a', 0, 1), ('b', 2, 1), ('c', 4, 2), ('h', 8, 1), ('mi', 10, 2))
    >>> fixed.wide, fixed.marker, fixed.author_byte
    (('a', 'b', 'h'), (12, 3), 18)
    >>> ios = ["[06/01/2025, 07:57:09\\u202fAM] Leo: hi"]  # a narrow no-break space: 3 bytes
    >>> fixed = fixed_layout(detect_layout(ios), ios)
    >>> fixed.author_byte, fixed.author_char
    (28, 26)
    """

    pattern: str  # a LEADING_MARK or none (if marked), the header in this form, an author, ": "
    numbers: tuple[tuple[str, int, int], ...]  # (field, first byte, digits) of NUMBERS present
    head_bytes: int  # bytes up to the end of the last number (wide ones of one digit)
    marker: tuple[int, int] | None  # first byte and bytes of the AM/PM marker, if any
    latin_marker: bool  # the marker is a Latin AM/PM one (``p. m.``), not another locale's
    author_byte: int  # bytes before the author (after the leading mark, if any)
    author_char: int  # characters before the author (after the leading mark, if any)
    year_first: bool  # the date starts with a 4-digit year
    marked: bool  # some headers of ``lines`` have one LEADING_MARK before them
    wide: tuple[str, ...] = ()  # NUMBERS written with one digit or two, in byte order


def fixed_layout(
    layout: Layout, lines: Iterable[str], *, min_share: float = 0.5, max_headers: int = 200
) -> FixedLayout | None:
    """The fixed form of ``layout`` if at least ``min_share`` of the first ``max_headers``
    headers with an author among ``lines`` have one width, or one width but for fields of one
    digit or two (``FixedLayout.wide``); None otherwise (then capturing every header is
    cheaper than slicing most and capturing the rest), and None for headers that hold ": "
    themselves (``06.08.13, 19:55:10: ``), where the author's end is not the first ": " of the
    line.

    iOS puts one LRM before the headers of media and notices: where ``lines`` show that, the
    pattern allows one and every line's mark is looked for (it shifts all the bytes). Android
    writes none, so its lines are read at positions that do not depend on the line; a rare
    header behind a mark there goes the general way.
    """
    fast = re.compile(layout.fast_pattern())
    lines = list(lines)
    found = (m for m in map(fast.match, lines) if m is not None)
    matches = list(islice(found, max_headers))
    shapes = Counter(map(_shape_of, matches))
    if not shapes:
        return None
    shape, count = shapes.most_common(1)[0]
    wide: tuple[str, ...] = ()
    if count >= min_share * len(matches):
        sample = next(m for m in matches if _shape_of(m) == shape)
    else:
        # Widths that vary in the short fields only: those are read line by line.
        narrow, count = Counter(map(_narrow_shape, matches)).most_common(1)[0]
        if count < min_share * len(matches):
            return None
        same = [m for m in matches if _narrow_shape(m) == narrow]
        wide = tuple(name for name in _SHORT if len({len(m[name]) for m in same}) > 1)
        sample = same[0]
    header = sample.string[: sample.start("author")]
    if ": " in header or any(_digit_follows(sample, name) for name in wide):
        return None
    present = [name for name in NUMBERS if sample.groupdict().get(name) is not None]

    def extra(chars: int) -> int:
        """The second digits of the sample's wide fields before its character ``chars``."""
        return sum(len(sample[name]) - 1 for name in wide if sample.start(name) < chars)

    def at(chars: int) -> int:
        """The byte of character ``chars`` of the sample's header, in a header whose wide
        fields all have one digit."""
        return _bytes(header, chars) - extra(chars)

    group = _marker(sample)
    marker = None
    if group is not None:
        marker = (at(sample.start(group)), len(sample[group].encode()))
    marked = any(line.startswith(tuple(BIDI_MARKS)) and fast.match(line[1:]) for line in lines)
    head_end = max(sample.end(name) for name in present)  # bytes read: one more per wide field
    return FixedLayout(
        # No group around the author: the pattern is only tested, and Polars' test of a
        # million lines takes a tenth longer with one.
        pattern=f"^{LEADING_MARK + '?' if marked else ''}{_exactly(sample, wide)}[^:]*: ",
        numbers=tuple(
            (name, at(sample.start(name)), 1 if name in wide else len(sample[name]))
            for name in present
        ),
        head_bytes=at(head_end),
        marker=marker,
        latin_marker=group is not None and _latin_ampm(sample[group]) is not None,
        author_byte=at(len(header)),
        author_char=len(header) - extra(len(header)),
        year_first=len(sample["a"]) == 4,
        marked=marked,
        wide=wide,
    )


_SHORT: Final = ("a", "b", "c", "h")
"""The fields a header may write with one digit or two: the date's (a month, a day; never the
year, of two or four) and the hour. Minutes and seconds always have two."""


def _narrow_shape(match: re.Match[str]) -> _Shape:
    """``_shape_of`` with the one-or-two-digit fields counted as one."""
    shape = _shape_of(match)
    a, b, c, h = ("1" if width in ("1", "2") else width for width in shape.digits)
    return _Shape(digits=(a, b, c, h), seconds=shape.seconds, marker_bytes=shape.marker_bytes)


def _digit_follows(match: re.Match[str], name: str) -> bool:
    """Whether a digit follows field ``name`` of ``match`` (then its width is not readable)."""
    return match.string[match.end(name) : match.end(name) + 1].isdigit()


def _bytes(text: str, chars: int) -> int:
    """UTF-8 bytes of the first ``chars`` characters of ``text``."""
    return len(text[:chars].encode())


def _exactly(sample: re.Match[str], wide: tuple[str, ...] = ()) -> str:
    """A regex for the header of ``sample`` with other digits and markers in place of its own,
    every other character as written (so every match has the same bytes at the same places,
    but for the ``wide`` fields, of one digit or two)."""
    header = sample.string[: sample.start("author")]
    spans = {sample.start(name): (sample.end(name), "[0-9]{1,2}") for name in wide}
    group = _marker(sample)
    if group is not None:
        start, end = sample.span(group)
        spellings = BEFORE if group == "bp" else AFTER
        spans[start] = (end, _same_width_marker(header[start:end], spellings))
    parts, char = [], 0
    while char < len(header):
        end, regex = spans.get(char, (char + 1, _exact_char(header[char])))
        parts.append(regex)
        char = end
    return "".join(parts)


def _exact_char(char: str) -> str:
    return "[0-9]" if char in "0123456789" else re.escape(char)


def _same_width_marker(marker: str, spellings: tuple[str, ...]) -> str:
    """A regex for ``marker`` (with the spaces around it) or another marker of as many bytes:
    a Latin one in any letter case (``PM`` for ``am``), else any of ``spellings``."""
    core = marker.strip(_SPACES)
    lead, trail = marker[: marker.index(core)], marker[marker.index(core) + len(core) :]
    if _latin_ampm(core) is not None:
        middle = "".join(_AMPM_CHARS.get(char, re.escape(char)) for char in core)
    else:
        width = len(core.encode())
        same = dict.fromkeys(re.escape(s) for s in (core, *spellings) if len(s.encode()) == width)
        middle = f"(?:{'|'.join(same)})"
    return re.escape(lead) + middle + re.escape(trail)


def _shape(
    match: re.Match[str], *, stamped: bool = False, reorder: Reorder | None = None
) -> Layout:
    def spaced(name: str) -> str:
        return re.sub(f"[{_SPACES}]", " ", match[name] or "")

    marker = _marker(match)

    return Layout(
        bracket=match["open"] is not None,
        sep1=spaced("s1"),
        sep2=spaced("s2"),
        date_dot=match["dd"],
        mid=spaced("mid") + spaced("word"),
        time_sep=match["ts"],
        seconds=match["s"] is not None,
        time_dot=match["td"],
        ampm=marker is not None,
        close=spaced("close"),
        ampm_first=match["bp"] is not None,
        wide=marker is not None and _latin_ampm(match[marker]) is None,
        stamped=stamped,
        reorder=reorder,
    )


def general_match(line: str) -> re.Match[str] | None:
    """The general header match of one line (for sniffing and small samples), of the line as
    written or else of its ``ascii_stamp``."""
    match = _grammar_match(line)
    if match is None and (ascii := ascii_stamp(line)) != line:
        return _grammar_match(ascii)
    return match


def _grammar_match(line: str) -> re.Match[str] | None:
    """By the Latin grammar, unless the line may have another marker (see ``LATIN_GENERAL``)."""
    match = _LATIN_RE.match(line)
    if match is None and _DATE_TIME_RE.match(line) is None:
        return None
    word = None if match is None else match["word"]
    if match is not None and (word is None or _bare(word) not in FIRST_MARKERS):
        return match
    return _wide_re().match(line)


def detect_layout(lines: Iterable[str], *, max_headers: int = 200) -> Layout | None:
    """The most common layout among the first ``max_headers`` header-like lines, if any."""
    counts: Counter[Layout] = Counter()
    for line in lines:
        match = general_match(line)
        if match is None:
            continue
        stamped = match.string != line
        counts[_shape(match, stamped=stamped, reorder=reorder_of(line))] += 1
        if sum(counts.values()) >= max_headers:
            break
    if not counts:
        return None
    best, _ = counts.most_common(1)[0]
    with_seconds = {lay.seconds for lay in counts if _same_but_seconds(lay, best)}
    if len(with_seconds) > 1:
        best = Layout(**{**best.__dict__, "seconds": None})
    return best


def _same_but_seconds(one: Layout, other: Layout) -> bool:
    return {**one.__dict__, "seconds": None} == {**other.__dict__, "seconds": None}
