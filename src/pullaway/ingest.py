"""Import a file into the store: pick the importer, parse, and add what is new.

The one place the CLI and the web app share for "read this export".
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from pullaway.errors import ParseError, UnknownFormatError, at_file
from pullaway.importers import ImportResult, registry, report_stage, sniff
from pullaway.importers._base import files_under, listings_kept
from pullaway.store import ChatImport
from pullaway.wording import counted

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pullaway.importers import DateOrder, Importer
    from pullaway.store import Store

_CHUNK = 1 << 20


@dataclass(frozen=True)
class FileImport:
    """What importing one file did: the importer used, the parse, and each chat's changes."""

    path: Path
    importer: str
    result: ImportResult
    chats: tuple[ChatImport, ...]


def choose_importer(path: Path, format_name: str | None = None) -> Importer:
    """The importer named by ``format_name``, else the one that recognises the content."""
    _check_file_or_folder(path)
    if format_name is None:
        return sniff(path)
    found = registry().get(format_name)
    if found is None:
        raise UnknownFormatError(
            path, tried=sorted(registry()), hint=f"no format named {format_name!r}"
        )
    return found


def file_hash(path: Path) -> str:
    """SHA-256 of a file, or of a folder's files (names and contents, in sorted order).

    In a folder, only files of the kinds importers read (``export_suffixes``) are read; the
    others (photos, videos, voice notes: often gigabytes beside a few megabytes of messages)
    count by name and size.

    A file's write-ahead log beside it (``chat.db-wal``: SQLite keeps the newest rows there
    until it folds them in) is part of its content, so that a copy with new messages only in
    the log is a new file, not one imported before.
    """
    digest = hashlib.sha256()
    if not path.is_dir():
        for chunk in _chunks(os.fspath(path)):
            digest.update(chunk)
        log = path.with_name(path.name + "-wal")
        if log.is_file() and log.stat().st_size:
            digest.update(b"\0-wal\0")
            for chunk in _chunks(os.fspath(log)):
                digest.update(chunk)
        return digest.hexdigest()
    # Sorted name by name (as paths compare), so a folder of exports alone hashes as it always
    # did (files of other kinds were read whole before, too).
    root, read = os.fspath(path), export_suffixes()
    for name in sorted(files_under(path), key=lambda n: n.split("/")):
        digest.update(name.encode() + b"\0")
        # A string path, not a Path: a download of 100,000 files would spend seconds on them.
        file = f"{root}/{name}"
        if os.path.splitext(name)[1].lower() not in read:  # noqa: PTH122 - a string path
            digest.update(b"\0size\0%d\0" % os.stat(file).st_size)  # noqa: PTH116
            continue
        for chunk in _chunks(file):
            digest.update(chunk)
    return digest.hexdigest()


def export_suffixes() -> frozenset[str]:
    """The file endings importers read (``Importer.extensions``), in lower case."""
    return frozenset(ext.lower() for imp in registry().values() for ext in imp.extensions)


def _chunks(path: str) -> Iterator[bytes]:
    """The contents of the file at ``path``, a chunk at a time."""
    with open(path, "rb") as fh:  # noqa: PTH123 - a string path (see file_hash)
        while chunk := fh.read(_CHUNK):
            yield chunk


def _check_file_or_folder(path: Path) -> None:
    """Refuse a pipe or a device before anything reads it: sniffing would take its first bytes
    and the parse only the rest, a silently short import (or wait for a writer forever)."""
    if path.exists() and not (path.is_file() or path.is_dir()):
        msg = (
            "not a file or a folder (a pipe or a device, such as <(...) or /dev/stdin); "
            "save the export to a file and import that"
        )
        raise ParseError(msg, path=path)


def parse_file(
    path: Path,
    *,
    format_name: str | None = None,
    chat: str | None = None,
    date_order: DateOrder | None = None,
    timezone: str | None = None,
    encoding: str | None = None,
) -> tuple[Importer, ImportResult]:
    """Parse ``path`` with the right importer; errors name the file."""
    with at_file(path):
        importer = choose_importer(path, format_name)
        result = importer.parse(
            path, chat=chat, date_order=date_order, timezone=timezone, encoding=encoding
        )
    return importer, result


def _check_not_empty(path: Path, importer: Importer, result: ImportResult) -> None:
    """A file that yields no message at all is an error, not an empty chat."""
    if result.messages.height:
        return
    msg = f"no messages found as {importer.name}"
    if result.skipped:
        first = result.skipped[0]
        skipped = counted(len(result.skipped), result.unit)
        msg += f" ({skipped} skipped; {result.unit} {first.line}: {first.reason})"
    msg += "; is this the right file, or the right --format?"
    raise ParseError(msg, path=path)


def import_file(
    store: Store,
    path: Path,
    *,
    format_name: str | None = None,
    chat: str | None = None,
    me: str | None = None,
    date_order: DateOrder | None = None,
    timezone: str | None = None,
    encoding: str | None = None,
    shown_as: Path | None = None,
) -> FileImport:
    """Parse ``path`` and add its new messages to ``store``.

    ``shown_as``: the path to record as the messages' source instead of ``path``, for a file
    saved somewhere temporary (an upload in the app is recorded under its own name).
    """
    with listings_kept():  # a folder is looked through once, not to sniff, parse and hash it
        importer, result = parse_file(
            path,
            format_name=format_name,
            chat=chat,
            date_order=date_order,
            timezone=timezone,
            encoding=encoding,
        )
        _check_not_empty(path, importer, result)
        if shown_as is not None:
            result = _recorded_as(result, path, shown_as)
        report_stage(f"storing {counted(result.messages.height, 'message')} from {path.name}")
        digest = file_hash(importer.content(path) if importer.content else path)
    chats = store.add_import(
        result,
        source=shown_as or path,
        file_hash=digest,
        format=importer.name,
        me=me,
        follow_renamed_chat=chat is None,  # a chat the user named is matched by name only
    )
    return FileImport(path, importer.name, result, tuple(chats))


def _recorded_as(result: ImportResult, path: Path, shown_as: Path) -> ImportResult:
    """``result`` with ``path`` at the start of each message's source file read as
    ``shown_as`` (a zip's members keep their names after it)."""
    source = pl.lit(str(shown_as)) + pl.col("source_file").str.strip_prefix(str(path))
    messages = result.messages.with_columns(source_file=source)
    return replace(result, messages=messages)
