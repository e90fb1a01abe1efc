"""The WhatsApp header grammar: one general regex, and a fast one specialised per file.

A header is ``<date><between><time>[<am/pm>]<end>`` followed by ``Author: body`` or a system
text (notes §3.3). Real exports use one layout per file, so the layout is read once from the
first headers and turned into a regex with almost no alternatives, which Polars' Rust engine
runs several times faster than the general one. Lines the specialised regex misses are tried
with the general regex, so files that mix layouts still parse.

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
from itertools import islice
from typing import TYPE_CHECKING, Final

from pullaway.importers._whatsapp_text import BIDI_MARKS, MARKS, SPACE

if TYPE_CHECKING:
    from collections.abc import Iterable

_SPACES: Final = " \u00a0\u202f\u2009"
_WORD: Final = "[^\\W\\d_]{1,3}\\.?"  # a short word between date and time: klo, à, kl., um

_AMPM: Final = f"(?P<ap>{SPACE}?[AaPp]\\.?{SPACE}?[Mm]\\.?)"

GENERAL: Final = (
    f"^{MARKS}(?P<open>\\[)?{MARKS}"
    "(?P<a>[0-9]{1,4})(?P<s1>[./-]|\\. )(?P<b>[0-9]{1,4})(?P<s2>[./-]|\\. )(?P<c>[0-9]{1,4})"
    f"(?P<dd>\\.?)(?P<mid>,?{SPACE}?(?:{_WORD}{SPACE})?)"
    "(?P<h>[0-9]{1,2})(?P<ts>[:.])(?P<mi>[0-9]{2})(?:[:.](?P<s>[0-9]{2}))?(?P<td>\\.?)"
    f"(?:{_AMPM})?"
    f"(?P<close>\\]{SPACE}|{SPACE}-{SPACE}|:{SPACE})"
    "(?P<rest>.*)$"
)
"""Any header layout WhatsApp is known to write; for detection and for mixed files."""

_GENERAL_RE: Final = re.compile(GENERAL)
FIELDS: Final = ("a", "b", "c", "h", "mi", "s", "ap")
"""The date and time groups of every header pattern (date fields in file order, then time)."""


@dataclass(frozen=True)
class Layout:
    """One file's header layout: the literal separators between the numbers."""

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

    def pattern(self) -> str:
        """A regex with the groups of FIELDS and ``rest`` that only this layout matches."""
        return self.head_pattern() + "(?P<rest>.*)$"

    def fast_pattern(self) -> str:
        """The header and an author without colons: the one regex run on every line."""
        return self.head_pattern() + "(?P<author>[^:]*): "

    def literal_chars(self) -> int:
        """Characters of the fixed parts of a header matched by ``fast_pattern``."""
        fixed = (self.sep1, self.sep2, self.date_dot, self.mid, self.time_sep, self.time_dot)
        return int(self.bracket) + sum(map(len, fixed)) + len(self.close)

    def head_pattern(self, shape: _Shape | None = None) -> str:
        """The header alone, without bidi marks before it (those lines go the general way).

        With ``shape``, only headers of that exact width match (see ``fixed_layout``).
        """
        seconds = f"{re.escape(self.time_sep)}(?P<s>[0-9]{{2}})"
        if shape is not None:
            seconds = seconds if shape.seconds else ""
        elif self.seconds is None:
            seconds = f"(?:{seconds})?"
        elif not self.seconds:
            seconds = ""
        bracket = "\\[" if self.bracket else ""
        a, b, c, h = shape.digits if shape else ("1,4", "1,4", "1,4", "1,2")
        return (
            f"^{bracket}"
            f"(?P<a>[0-9]{{{a}}}){_literal(self.sep1)}(?P<b>[0-9]{{{b}}}){_literal(self.sep2)}"
            f"(?P<c>[0-9]{{{c}}}){_literal(self.date_dot)}{_literal(self.mid)}"
            f"(?P<h>[0-9]{{{h}}}){re.escape(self.time_sep)}(?P<mi>[0-9]{{2}}){seconds}"
            + self.tail_pattern(shape)
        )

    def tail_pattern(self, shape: _Shape | None = None) -> str:
        """The header after its last number: dot, AM/PM marker, closing characters."""
        ampm = (shape.ampm if shape else _AMPM) if self.ampm else ""
        return f"{_literal(self.time_dot)}{ampm}{_literal(self.close)}"

    def describe(self) -> str:
        """A readable sketch of the layout, for notes and errors: ``[D/D/D, H:MM:SS AM] ``."""
        time = f"H{self.time_sep}MM" + (f"{self.time_sep}SS" if self.seconds else "")
        return (
            (
                f"{'[' if self.bracket else ''}D{self.sep1}D{self.sep2}D{self.date_dot}{self.mid}"
                f"{time}{self.time_dot}{' AM' if self.ampm else ''}{self.close}"
            )
            .replace("\u00a0", " ")
            .replace("\u202f", " ")
        )


@dataclass(frozen=True)
class _Shape:
    """The widths of one header: digits of a, b, c and h, seconds or not, the AM/PM spelling."""

    digits: tuple[str, str, str, str]
    seconds: bool
    ampm: str  # a regex for the marker's exact spelling, with any letter case


def _shape_of(match: re.Match[str]) -> _Shape:
    groups = match.groupdict()
    marker = groups.get("ap") or ""
    a, b, c, h = (str(len(match[name])) for name in ("a", "b", "c", "h"))
    return _Shape(
        digits=(a, b, c, h),
        seconds=groups.get("s") is not None,
        ampm="(?P<ap>" + "".join(_AMPM_CHARS.get(ch, SPACE) for ch in marker) + ")",
    )


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

    >>> lines = ["06/01/2025, 07:57 - Leo: hi"]
    >>> fixed = fixed_layout(detect_layout(lines), lines)
    >>> fixed.numbers, fixed.head_bytes, fixed.author_byte, fixed.year_first
    ((('a', 0, 2), ('b', 3, 2), ('c', 6, 4), ('h', 12, 2), ('mi', 15, 2)), 17, 20, False)
    """

    pattern: str  # one LEADING_MARK or none, the header in this form, an author, ": "
    numbers: tuple[tuple[str, int, int], ...]  # (field, first byte, digits) of NUMBERS present
    head_bytes: int  # bytes up to the end of the last number
    marker: tuple[int, int] | None  # first byte and bytes of the AM/PM marker, if any
    author_byte: int  # bytes before the author (after the leading mark, if any)
    year_first: bool  # the date starts with a 4-digit year


def fixed_layout(
    layout: Layout, lines: Iterable[str], *, min_share: float = 0.5, max_headers: int = 200
) -> FixedLayout | None:
    """The fixed form of ``layout`` if at least ``min_share`` of the first ``max_headers``
    headers with an author among ``lines`` have one width; None otherwise (then capturing
    every header is cheaper than slicing most and capturing the rest), and None for headers
    that hold ": " themselves (``06.08.13, 19:55:10: ``), where the author's end is not the
    first ": " of the line."""
    fast = re.compile(layout.fast_pattern())
    found = (m for m in map(fast.match, lines) if m is not None)
    matches = list(islice(found, max_headers))
    shapes = Counter(map(_shape_of, matches))
    if not shapes:
        return None
    shape, count = shapes.most_common(1)[0]
    if count < min_share * len(matches):
        return None
    sample = next(m for m in matches if _shape_of(m) == shape)
    header = sample.string[: sample.start("author")]
    if ": " in header:
        return None
    present = [name for name in NUMBERS if sample.groupdict().get(name) is not None]
    head = header[: max(sample.end(name) for name in present)]
    marker = None
    if sample.groupdict().get("ap"):
        marker = (_bytes(header, sample.start("ap")), len(sample["ap"].encode()))
    return FixedLayout(
        # iOS puts one LRM before the headers of media and notices: allowed, it shifts all.
        pattern=f"^{LEADING_MARK}?{_exactly(sample)}(?P<author>[^:]*): ",
        numbers=tuple(
            (name, _bytes(header, sample.start(name)), len(sample[name])) for name in present
        ),
        head_bytes=len(head.encode()),
        marker=marker,
        author_byte=len(header.encode()),
        year_first=len(sample["a"]) == 4,
    )


def _bytes(text: str, chars: int) -> int:
    """UTF-8 bytes of the first ``chars`` characters of ``text``."""
    return len(text[:chars].encode())


def _exactly(sample: re.Match[str]) -> str:
    """A regex for the header of ``sample`` with other digits and AM/PM in place of its own,
    every other character as written (so every match has the same bytes at the same places)."""
    marker = range(sample.start("ap"), sample.end("ap")) if sample.groupdict().get("ap") else ()

    def char(i: int, ch: str) -> str:
        if ch in "0123456789":
            return "[0-9]"
        return _AMPM_CHARS.get(ch, re.escape(ch)) if i in marker else re.escape(ch)

    return "".join(char(i, ch) for i, ch in enumerate(sample.string[: sample.start("author")]))


def _literal(text: str) -> str:
    """``text`` as a regex, with any kind of space accepted wherever it has a space."""
    return "".join(SPACE if ch in _SPACES else re.escape(ch) for ch in text)


def _shape(match: re.Match[str]) -> Layout:
    def spaced(name: str) -> str:
        return re.sub(f"[{_SPACES}]", " ", match[name] or "")

    return Layout(
        bracket=match["open"] is not None,
        sep1=spaced("s1"),
        sep2=spaced("s2"),
        date_dot=match["dd"],
        mid=spaced("mid"),
        time_sep=match["ts"],
        seconds=match["s"] is not None,
        time_dot=match["td"],
        ampm=match["ap"] is not None,
        close=spaced("close"),
    )


def general_match(line: str) -> re.Match[str] | None:
    """The general header match of one line (for sniffing and small samples)."""
    return _GENERAL_RE.match(line)


def detect_layout(lines: Iterable[str], *, max_headers: int = 200) -> Layout | None:
    """The most common layout among the first ``max_headers`` header-like lines, if any."""
    counts: Counter[Layout] = Counter()
    for line in lines:
        match = _GENERAL_RE.match(line)
        if match is None:
            continue
        counts[_shape(match)] += 1
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
