"""The import page's options (chat, time zone, date order, text encoding, format) and its
wording.

The importers' errors and notes name the command line's options ("pass --date-order dmy or
--date-order mdy"); the page, which has form fields for the same options, says those instead
(``in_app_words``).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any, Final, cast

from pullaway.errors import ParseError
from pullaway.importers import registry
from pullaway.importers._base import DateOrder
from pullaway.importers._json import check_timezone

DATE_ORDERS: Final = (
    ("", "Automatic (from the dates themselves)"),
    ("dmy", "day/month/year"),
    ("mdy", "month/day/year"),
    ("ymd", "year/month/day"),
)
"""The date orders the page offers: ``--date-order``'s values, and "" for the inferred one."""
ENCODINGS: Final = ("utf-8", "cp1252", "latin-1", "utf-16", "utf-16-le", "utf-16-be", "mac-roman")
"""Text encodings the page suggests (any Python codec name is taken)."""
MORE_OPTIONS: Final = "More options"
"""The title of the form's section that holds these fields, as its wording names it."""


@dataclass(frozen=True)
class ImportOptions:
    """What the import form asked for beyond the files: None is the default (every chat of
    the file, the computer's zone, the order the dates show, UTF-8 or a byte-order mark's
    encoding, the sniffed format). Field names are ``ingest.import_file``'s keywords."""

    chat: str | None = None
    timezone: str | None = None
    date_order: DateOrder | None = None
    encoding: str | None = None
    format_name: str | None = None

    def as_kwargs(self) -> dict[str, Any]:
        return asdict(self)

    def chosen(self) -> bool:
        """Whether any option differs from its default (the page then shows them open)."""
        return any(value is not None for value in asdict(self).values())


def read_import_options(form: dict[str, str]) -> ImportOptions:
    """The options of a submitted import form (its text fields), checked: an unknown time
    zone raises ParseError; an unknown date order, encoding or format raises the error the
    import itself would give, before any file is saved.

    >>> read_import_options({"timezone": "", "date_order": "dmy", "encoding": " cp1252 "})
    ImportOptions(chat=None, timezone=None, date_order='dmy', encoding='cp1252', format_name=None)
    """
    chat = form.get("chat", "").strip()
    zone = form.get("timezone", "").strip()
    order = form.get("date_order", "").strip()
    encoding = form.get("encoding", "").strip()
    format_name = form.get("format", "").strip()
    if order not in dict(DATE_ORDERS):
        msg = f"unknown date order {order!r}; expected one of dmy, mdy, ymd"
        raise ParseError(msg)
    if format_name and format_name not in registry():
        msg = f"no format named {format_name!r}; expected one of {', '.join(sorted(registry()))}"
        raise ParseError(msg)
    return ImportOptions(
        chat=chat or None,
        timezone=check_timezone(zone) if zone else None,
        date_order=cast("DateOrder", order) if order else None,
        encoding=encoding or None,
        format_name=format_name or None,
    )


def format_choices() -> list[tuple[str, str]]:
    """``(name, description)`` of every importer, for the form's Format field."""
    return [(name, importer.description) for name, importer in sorted(registry().items())]


_WHERE: Final = f"under {MORE_OPTIONS}"
_APP_WORDS: Final = (
    (
        "pass --date-order dmy or --date-order mdy",
        f"choose the Date order (day/month/year or month/day/year) {_WHERE} and import it again",
    ),
    ("pass --date-order", f"choose another Date order {_WHERE} and import it again"),
    ("given with --date-order", f"chosen {_WHERE}"),
    ("is --encoding right?", f"is the Text encoding {_WHERE} right?"),
    ("pass a time zone (--timezone) to change", f"choose a Time zone {_WHERE} to change it"),
    ("pass --timezone to change", f"choose a Time zone {_WHERE} to change it"),
    ("pass --timezone to see", f"choose a Time zone {_WHERE} to see"),
    (
        "see `pullaway formats`, or name one with --format",
        f"if it is one of them, choose its Format {_WHERE}",
    ),
    ("or the right --format?", f"or the right Format ({_WHERE})?"),
    ("without --format (or with --format csv)", f"with the Format {_WHERE} left Automatic"),
)
"""The command line's phrases in the importers' messages, and what the page says instead."""
_TRY_ENCODING: Final = re.compile(r"try --encoding (\S+)")
"""``try --encoding cp1252``: the encoding named is kept."""


def in_app_words(text: str) -> str:
    """``text`` (an error or a note) with the command line's options named as the form's.

    >>> in_app_words("not UTF-8 (byte 0xe9 at column 4); try --encoding cp1252")
    'not UTF-8 (byte 0xe9 at column 4); try the Text encoding cp1252 under More options'
    """
    for cli, app in _APP_WORDS:
        text = text.replace(cli, app)
    return _TRY_ENCODING.sub(rf"try the Text encoding \1 {_WHERE}", text)
