"""Private helpers for JSON exports: files inside folders and zips, strict loading, UTC to local.

A JSON export may arrive as one file, a folder or a ``.zip``; :class:`Container` lists the
files inside any of the three the same way. :func:`load_json` turns bytes into Python objects
or raises a ParseError with the line, and :func:`local_wall_clock` turns UTC instants into the
local wall-clock time and UTC offset the message table stores.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeVar

import msgspec
import polars as pl

from pullaway.errors import ParseError
from pullaway.importers._base import (
    ZIP_ERRORS,
    check_utf8,
    decode_text,
    files_under,
    paused_gc,
)
from pullaway.importers._lines import refuse_long_stretch
from pullaway.zones import utc_to_local

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

T = TypeVar("T")

_OFFSET_DTYPE: Final = pl.Int32
_HTML_STARTS: Final = ("<!doctype", "<html", "<?xml", "<head", "<body", "<div", "<meta")


@dataclass(frozen=True)
class Container:
    """The files of an input: a plain file (one member), a folder or a zip archive.

    ``members`` are paths relative to ``root`` with ``/`` separators, sorted.
    """

    root: Path
    members: tuple[str, ...]
    zipped: bool = False

    @classmethod
    def open(cls, path: Path) -> Container:
        if path.is_dir():
            return cls(path, files_under(path))
        if zipfile.is_zipfile(path):
            try:
                with zipfile.ZipFile(path) as archive:
                    names = [n for n in archive.namelist() if not n.endswith("/")]
            except ZIP_ERRORS as exc:
                msg = (
                    f"cannot read the zip archive: {exc}; try unzipping it and importing the folder"
                )
                raise ParseError(msg, path=path) from exc
            return cls(path, tuple(sorted(names)), zipped=True)
        return cls(path.parent, (path.name,))

    def read(self, member: str) -> bytes:
        """The bytes of one member; a damaged zip member raises ParseError."""
        if not self.zipped:
            return (self.root / member).read_bytes()
        try:
            with zipfile.ZipFile(self.root) as archive:
                return archive.read(member)
        except (*ZIP_ERRORS, KeyError) as exc:
            msg = f"cannot read {member} from the zip archive: {exc}; try unzipping it first"
            raise ParseError(msg, path=self.root) from exc

    def location(self, member: str) -> str:
        """Where a member lives, for ``source_file``: a path, or ``archive.zip/member``."""
        return str(self.root / member)


def load_json(data: bytes, *, where: str, html_hint: str) -> object:
    """Decode and parse one JSON document, or raise a ParseError saying what went wrong and where.

    ``html_hint`` is what to tell a user who brought the HTML version of the export. Valid
    UTF-8 is parsed by msgspec straight from the bytes (several times faster than the standard
    library on exports of hundreds of megabytes); anything msgspec refuses goes the standard
    library's way, which accepts the same documents plus a few oddities (lone surrogates,
    NaN) and names the line and column of a real error.

    >>> load_json(b'{"a": [1, 2]}', where="x.json", html_hint="")
    {'a': [1, 2]}
    >>> load_json(b'{"a": [1,', where="x.json", html_hint="")
    Traceback (most recent call last):
    pullaway.errors.ParseError: x.json:1: not valid JSON: Expecting value at column 10; ...
    """
    head = data[:256].removeprefix(codecs.BOM_UTF8).decode("utf-8", errors="replace").lstrip()
    if head[:64].lower().startswith(_HTML_STARTS):
        msg = f"this is an HTML page, not JSON; {html_hint}"
        raise ParseError(msg, path=where, line=1)
    _refuse_huge_values(data, where=where)
    with paused_gc():
        if not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            try:
                return msgspec.json.decode(data.removeprefix(codecs.BOM_UTF8))
            except (msgspec.MsgspecError, UnicodeDecodeError, RecursionError):
                pass  # the standard library says precisely what is wrong, or reads it
        return _standard_loads(decode_text(data, path=where), where=where)


def _refuse_huge_values(data: bytes, *, where: str) -> None:
    """Refuse a string (or anything) of over ``MAX_MESSAGE_BYTES`` without a quote in it: no
    message is that long, and decoding one costs many times its size. Minified JSON is fine:
    its values are short, whatever its lines."""
    refuse_long_stretch(data, what="a value", stops=b'"', path=where)


def _standard_loads(text: str, *, where: str) -> object:
    try:
        return standard_loads(text)
    except json.JSONDecodeError as exc:
        msg = (
            f"not valid JSON: {exc.msg} at column {exc.colno}; "
            "the file may be cut short: copy or export it again"
        )
        raise ParseError(msg, path=where, line=exc.lineno) from exc
    except RecursionError as exc:
        msg = "not valid JSON: nested too deeply to be a chat export"
        raise ParseError(msg, path=where) from exc


class RawRecords:
    """A list of JSON records kept as their bytes, each decoded only when iterated.

    A long chat's records as Python dicts take several times the file's size in memory; read
    one at a time, each is let go of as soon as its row is taken from it. ``convert`` is
    applied to each decoded record.
    """

    def __init__(
        self, raws: list[msgspec.Raw], convert: Callable[[Any], Any] | None = None
    ) -> None:
        self.raws = raws
        self.convert = convert

    def __len__(self) -> int:
        return len(self.raws)

    def __iter__(self) -> Iterator[Any]:
        decode = msgspec.json.Decoder().decode
        for raw in self.raws:
            try:
                record = decode(raw)
            except (msgspec.MsgspecError, UnicodeDecodeError):  # the standard library may read it
                record = _standard_record(raw)
            yield record if self.convert is None else self.convert(record)

    def converted(self, convert: Callable[[Any], Any]) -> RawRecords:
        """The same records, each passed through ``convert`` when read."""
        return RawRecords(self.raws, convert)


def let_go(records: list[Any] | RawRecords) -> None:
    """Empty ``records`` in place once they are read: kept as ``msgspec.Raw``, they hold the
    whole file's bytes, which can go before the message table is made."""
    if isinstance(records, RawRecords):
        records.raws.clear()
    else:
        records.clear()


def _standard_record(raw: msgspec.Raw) -> Any:
    try:
        return standard_loads(bytes(raw))
    except (ValueError, RecursionError):
        return None  # not a record: the importer skips it as such


def read_lazily(data: bytes, decode: Callable[[bytes], T], *, where: str) -> T | None:
    """``decode(data)``, a msgspec read that keeps records as ``msgspec.Raw``, or None when
    msgspec refuses the document (then read it whole with ``load_json``, which gives the same
    values or the precise error).

    msgspec validates every value it skips, but checks UTF-8 only in what it decodes, so the
    file's UTF-8 is checked here first, with the error a whole read gives.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    check_utf8(data, path=where)
    _refuse_huge_values(data, where=where)
    try:
        return decode(data.removeprefix(codecs.BOM_UTF8))
    except (msgspec.MsgspecError, UnicodeDecodeError, RecursionError):
        return None


def load_json_lazily(data: bytes, *, where: str, html_hint: str, records: str) -> object:
    """``load_json``, but a list under the top-level key ``records`` comes as ``RawRecords``;
    the document's other values are decoded at once."""
    found = read_lazily(data, lambda document: _lazily(document, records), where=where)
    return found if found is not None else load_json(data, where=where, html_hint=html_hint)


def _lazily(data: bytes, records: str) -> dict[str, Any]:
    top = msgspec.json.decode(data, type=dict[str, msgspec.Raw])
    found = {key: msgspec.json.decode(raw) for key, raw in top.items() if key != records}
    if records in top:
        try:
            found[records] = RawRecords(msgspec.json.decode(top[records], type=list[msgspec.Raw]))
        except msgspec.ValidationError:  # not a list: as it is, for the importer to refuse
            found[records] = msgspec.json.decode(top[records])
    return found


_SURROGATE: Final = re.compile("[\ud800-\udfff]")
# Where a surrogate can come from: a \uD800-\uDFFF escape, or a str that holds one already
# (never text decoded from UTF-8, which cannot hold one).
_MAYBE_SURROGATE: Final = re.compile(r"\\u[dD][89a-fA-F]|[\ud800-\udfff]")
_MAYBE_SURROGATE_BYTES: Final = re.compile(rb"\\u[dD][89a-fA-F]")


def standard_loads(text: str | bytes) -> Any:
    """``json.loads``, with each half of a broken emoji (a lone surrogate, which cannot be
    stored as UTF-8) replaced by U+FFFD.

    >>> standard_loads('{"text": "ok \\ud83d"}')
    {'text': 'ok \ufffd'}
    """
    value = json.loads(text)
    if isinstance(text, bytes):
        return _repaired(value) if _MAYBE_SURROGATE_BYTES.search(text) else value
    return _repaired(value) if _MAYBE_SURROGATE.search(text) else value


def _repaired(value: Any) -> Any:
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value) if _SURROGATE.search(value) else value
    if isinstance(value, list):
        return [_repaired(item) for item in value]
    if isinstance(value, dict):
        return {_repaired(key): _repaired(item) for key, item in value.items()}
    return value


def id_of(record: dict[str, Any]) -> str | None:
    """A record's own ``id`` written in digits (a Discord snowflake, a Telegram chat id), if
    it has one.

    >>> id_of({"id": "1184932711113154560"}), id_of({"id": 42}), id_of({"id": "x"})
    ('1184932711113154560', '42', None)
    >>> id_of({"id": True}), id_of({})
    (None, None)
    """
    value = record.get("id")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return value if isinstance(value, str) and value.isascii() and value.isdigit() else None


def check_timezone(timezone: str) -> str:
    """Return ``timezone`` if Polars knows it as an IANA name, else raise ParseError.

    >>> check_timezone("Europe/Madrid")
    'Europe/Madrid'
    """
    probe = pl.Series([0], dtype=pl.Datetime("us", "UTC"))
    try:
        probe.dt.convert_time_zone(timezone)
    except pl.exceptions.PolarsError as exc:
        msg = f"unknown time zone {timezone!r}; give an IANA name such as Europe/Madrid"
        raise ParseError(msg) from exc
    return timezone


def machine_timezone() -> str | None:
    """The IANA name of this computer's time zone, or None when it cannot be named.

    Looks at ``TZ``, then the ``/etc/localtime`` link, then ``/etc/timezone``.
    """
    candidates: list[str] = []
    env = os.environ.get("TZ", "").lstrip(":")
    if env:
        candidates.append(env.split("zoneinfo/", 1)[-1])
    localtime = Path("/etc/localtime")
    if localtime.is_symlink():
        target = str(localtime.resolve())
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    etc_timezone = Path("/etc/timezone")
    if etc_timezone.is_file():
        candidates.append(etc_timezone.read_text(encoding="utf-8", errors="replace").strip())
    for name in candidates:
        try:
            return check_timezone(name)
        except ParseError:
            continue
    return None


def timezone_note(timezone: str | None) -> str:
    """The note on where a source's UTC instants were made wall-clock times: "" when
    ``timezone`` was given (checked), else this computer's zone, named if it can be."""
    if timezone:
        check_timezone(timezone)
        return ""
    zone = machine_timezone()
    if zone is None:
        return (
            "could not name this computer's time zone: its UTC offsets were used; "
            "pass a time zone (--timezone) to change"
        )
    return f"times converted to this computer's time zone ({zone}); pass --timezone to change"


def wall_clock_zone(timezone: str | None) -> str | None:
    """The IANA zone ``local_wall_clock`` uses: ``timezone`` (checked), else this computer's
    (None when it cannot be named)."""
    return check_timezone(timezone) if timezone else machine_timezone()


def local_wall_clock(utc: pl.Series, *, timezone: str | None) -> tuple[pl.Series, pl.Series]:
    """Local wall-clock times and UTC offsets (seconds) for naive UTC datetimes.

    ``timezone`` is an IANA name; None means the zone of this computer. The offset is
    worked out per instant, so it follows daylight saving time.

    >>> from datetime import datetime
    >>> utc = pl.Series([datetime(2024, 1, 15, 12), datetime(2024, 7, 15, 12)])
    >>> wall, offset = local_wall_clock(utc, timezone="Europe/Madrid")
    >>> wall.dt.hour().to_list(), offset.to_list()
    ([13, 14], [3600, 7200])
    """
    zone = wall_clock_zone(timezone)
    naive = utc.cast(pl.Datetime("us"))
    if zone is None:
        return _wall_clock_from_os(naive)
    wall, offset = utc_to_local(pl.col("utc"), zone)
    local = pl.DataFrame({"utc": naive}).select(wall.alias("utc"), offset.alias("offset"))
    return local.get_column("utc"), local.get_column("offset").cast(_OFFSET_DTYPE)


def _wall_clock_from_os(naive_utc: pl.Series) -> tuple[pl.Series, pl.Series]:
    """Per-instant offsets from the operating system, when its zone has no IANA name."""
    epochs = naive_utc.dt.epoch("s").to_list()
    offsets = [None if s is None else time.localtime(s).tm_gmtoff for s in epochs]
    frame = pl.DataFrame({"utc": naive_utc, "offset": pl.Series(offsets, dtype=_OFFSET_DTYPE)})
    wall = frame.select(pl.col("utc") + pl.duration(seconds=pl.col("offset"))).to_series()
    return wall, frame["offset"]
