"""Exceptions raised by pullaway.

* PullawayError
  x UnknownFormatError   no importer recognised the file
  x ParseError           recognised, but part of it could not be read (carries path, line)
  x SchemaError          a frame does not match MESSAGE_SCHEMA (a bug, not bad input)
  x DuplicateImporterError  two importers registered under one name
  x ChatNotFoundError    a chat named on the command line is not in the file or the store
  x SenderNotFoundError  a name given as "me" is not one of the chat's senders
  x InvalidEntryError    a journal entry, draft or setting has a value out of range
  x DraftNotFoundError   no held draft with that id in that chat
  x StoreError
    + StoreVersionError  written by a newer pullaway
  x NotEnoughData        too few messages or episodes for the measure asked for
  x LexiconError         a lexicon data file is missing, malformed, or names an unknown category

Only the outer layers (``cli.main``, the web app's error handler) turn these into
messages and exit codes; the library raises them with enough context to act on.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator


class PullawayError(Exception):
    """Base class of every error pullaway raises on purpose."""


class UnknownFormatError(PullawayError):
    """No importer recognised the file."""

    def __init__(self, path: Path, *, tried: list[str], hint: str = "") -> None:
        self.path = path
        self.tried = tried
        msg = f"{path}: not a chat export pullaway can read (tried: {', '.join(tried)})"
        if hint:
            msg += f"; {hint}"
        else:
            msg += "; see `pullaway formats`, or name one with --format"
        super().__init__(msg)


class ParseError(PullawayError):
    """The format was recognised, but part of the file could not be read."""

    def __init__(self, message: str, *, path: Path | str | None = None, line: int | None = None):
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        super().__init__(message)

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:"
            if self.line is not None:
                where += f"{self.line}:"
            where += " "
        elif self.line is not None:
            where = f"line {self.line}: "
        return f"{where}{self.message}"


class SchemaError(PullawayError):
    """A frame does not match MESSAGE_SCHEMA: a bug in an importer, not bad input."""


class DuplicateImporterError(PullawayError):
    """Two importers were registered under one name."""

    def __init__(self, name: str) -> None:
        super().__init__(f"two importers are registered as {name!r}")


class ChatNotFoundError(PullawayError):
    """A chat named by the user is not in the file or the store."""


class SenderNotFoundError(PullawayError):
    """A name given as "me" is not one of the chat's senders."""


class InvalidEntryError(PullawayError):
    """A journal entry, draft or setting has a value out of range."""


class DraftNotFoundError(PullawayError):
    """No held draft with that id in that chat."""


class StoreError(PullawayError):
    """The local store could not be opened, read or written."""


class StoreVersionError(StoreError):
    """The store was written by a newer pullaway."""


class NotEnoughData(PullawayError):
    """Too few messages or episodes for the measure asked for."""


class LexiconError(PullawayError):
    """A lexicon data file is missing, malformed, or names an unknown category."""


@contextmanager
def at_file(path: Path | str) -> Iterator[None]:
    """Add ``path`` to any ParseError raised inside the block that does not name a file yet."""
    try:
        yield
    except ParseError as exc:
        if exc.path is None:
            exc.path = Path(path)
        raise
