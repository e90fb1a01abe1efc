"""Write the 12-hour clock markers of every CLDR locale for the WhatsApp importer (or --check).

.venv/bin/python scripts/ampm_markers.py          # rewrite src/pullaway/importers/_ampm.py
.venv/bin/python scripts/ampm_markers.py --check  # exit 1 if it is out of date

A phone writes the time of an export in its own locale: ``9:05 PM``, ``9:05 μ.μ.``,
``오후 9:05``, ``下午9:05``, ``晚上9:05``. Babel's copy of CLDR (a dev dependency) gives every
locale's markers: the AM/PM names (abbreviated and wide) and, where the 12-hour pattern uses
the flexible day periods (``B``), those. Where the pattern puts the marker first (``a h:mm``),
its spellings go to BEFORE, else to AFTER. A spelling means the afternoon when its hours are
from noon on. One that means morning in one locale and afternoon in another takes the meaning
of the language PREFERRED names, or is left out (UT: Embu's afternoon, Greenlandic's morning).
HISTORICAL adds older phones' spellings that CLDR no longer has.
"""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import time
from pathlib import Path

from babel import Locale, localedata
from babel.dates import get_period_id

OUT = Path(__file__).resolve().parent.parent / "src" / "pullaway" / "importers" / "_ampm.py"
_WIDTHS = ("abbreviated", "wide")
PREFERRED = {"ip": "fi"}
"""Whose meaning a spelling of two meanings takes: Finnish's afternoon "ip." (5 million
speakers) over Inari Sami's morning (a few hundred)."""


HISTORICAL = {"de": (("vorm.", False), ("nachm.", True))}
"""Spellings CLDR no longer has, by language, which exports of older phones still hold (German
``9:05 vorm.``, ``9:06 nachm.``). Without ``nachm.``, a file's morning headers (``vorm.`` is
Swiss German's too) were read and its afternoon ones joined to the message before."""


def normalized(spelling: str) -> str:
    """The form ``_ampm.normalized`` compares: no spaces or dots, lower case."""
    return re.sub(r"[\s.]", "", spelling).lower()


def markers() -> tuple[set[str], set[str], dict[str, set[bool]]]:
    """Spellings written before the time, after it, and what each normalized one means
    (True: afternoon; both, for a spelling of two meanings that PREFERRED does not settle)."""
    before: set[str] = set()
    after: set[str] = set()
    meanings: dict[str, dict[bool, set[str]]] = {}
    for name in localedata.locale_identifiers():
        locale = Locale.parse(name)
        pattern = str(locale.datetime_skeletons.get("hm", "h:mm a"))
        literal_free = re.sub(r"'[^']*'", "", pattern)
        flexible = "B" in literal_free
        first = literal_free.lstrip().startswith(("a", "B"))
        for spelling, afternoon in _spellings(locale, flexible=flexible):
            (before if first else after).add(spelling)
            by_meaning = meanings.setdefault(normalized(spelling), {})
            by_meaning.setdefault(afternoon, set()).add(locale.language)
    for language, spellings in HISTORICAL.items():
        for spelling, afternoon in spellings:
            after.add(spelling)
            meanings.setdefault(normalized(spelling), {}).setdefault(afternoon, set()).add(language)
    return before, after, {bare: _settled(bare, found) for bare, found in meanings.items()}


def _settled(bare: str, found: dict[bool, set[str]]) -> set[bool]:
    preferred = PREFERRED.get(bare)
    chosen = {meaning for meaning, languages in found.items() if preferred in languages}
    return chosen if len(found) > 1 and chosen else set(found)


def _spellings(locale: Locale, *, flexible: bool) -> list[tuple[str, bool]]:
    names = locale.day_periods.get("format", {})
    found = []
    for width in _WIDTHS:
        periods = names.get(width, {})
        for period, afternoon in (("am", False), ("pm", True)):
            if periods.get(period):
                found.append((periods[period], afternoon))
        if flexible:
            found += [
                (periods[period], afternoon)
                for period, afternoon in _flexible_periods(locale).items()
                if periods.get(period)
            ]
    return [(spelling.strip(), afternoon) for spelling, afternoon in found if spelling.strip()]


def _flexible_periods(locale: Locale) -> dict[str, bool]:
    """Each flexible day period of ``locale`` (``morning1``, ``evening1``, ...) that lies on
    one side of noon: True for the afternoon."""
    sides: dict[str, set[bool]] = {}
    for hour in range(24):
        for kind in ("format", "selection"):
            period = get_period_id(time(hour), locale=locale, type=kind)
            sides.setdefault(period, set()).add(hour >= 12)
    return {period: side.pop() for period, side in sides.items() if len(side) == 1}


def render() -> str:
    before, after, meaning = markers()
    mixed = {spelling for spelling, sides in meaning.items() if len(sides) > 1}
    afternoon = sorted(s for s, sides in meaning.items() if sides == {True})

    def usable(spellings: set[str]) -> list[str]:
        kept = {s for s in spellings if normalized(s) not in mixed and normalized(s)}
        return sorted(kept, key=lambda s: (-len(s), s))

    return (
        '"""12-hour clock markers of every CLDR locale, for the WhatsApp header grammar.\n\n'
        "Written by scripts/ampm_markers.py from Babel's CLDR data; `make test` fails when it is\n"
        'out of date. Do not edit by hand.\n"""\n\n'
        "from __future__ import annotations\n\n"
        "from typing import Final\n\n"
        f"BEFORE: Final = {_tuple(usable(before))}\n"
        '"""Spellings written before the time (``오후 9:05``, ``下午9:05``), longest first."""\n'
        f"AFTER: Final = {_tuple(usable(after))}\n"
        '"""Spellings written after the time (``9:05 μ.μ.``), longest first."""\n'
        f"AFTERNOON: Final = frozenset({_tuple(afternoon)})\n"
        '"""The normalized spellings (``normalized``) that mean noon or later."""\n'
    )


def _tuple(values: list[str]) -> str:
    return "(\n" + "".join(f"    {value!r},\n" for value in values) + ")"


def formatted(text: str) -> str:
    """``text`` as ``ruff format`` leaves it, so that ``make test``'s format check agrees."""
    ruff = Path(sys.executable).parent / "ruff"
    command = [str(ruff), "format", "--stdin-filename", str(OUT), "-"]
    return subprocess.run(command, input=text, capture_output=True, text=True, check=True).stdout


def main() -> None:
    text = formatted(render())
    if "--check" in sys.argv:
        if OUT.read_text(encoding="utf-8") != text:
            sys.exit(f"{OUT} is out of date: run .venv/bin/python scripts/ampm_markers.py")
        return
    OUT.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
