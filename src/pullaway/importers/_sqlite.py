"""Reading another program's SQLite database without touching it: a private copy, read-only.

The Messages and Contacts databases of a Mac are open in their apps while pullaway reads them,
and recent rows may exist only in the write-ahead log: the file is copied with its ``-wal`` and
``-shm`` companions into a temporary folder only the user can open (mode 0700), the copy is
opened read-only, and the folder is deleted afterwards.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

COMPANIONS = ("", "-wal", "-shm")


@contextmanager
def private_copy(
    path: Path,
    *,
    prefix: str = "pullaway-sqlite-",
    on_error: Callable[[Path, OSError], Exception] | None = None,
) -> Iterator[Path]:
    """A copy of ``path`` and its ``-wal`` and ``-shm`` files in a private temporary folder
    (named ``prefix`` and a random part), deleted when the block ends. A file that cannot be
    copied raises ``on_error(file, error)`` if given, else the OSError."""
    with tempfile.TemporaryDirectory(prefix=prefix) as folder:
        copy = Path(folder) / path.name
        for suffix in COMPANIONS:
            source = path.with_name(path.name + suffix)
            if suffix and not source.exists():
                continue
            try:
                shutil.copyfile(source, copy.with_name(copy.name + suffix))
            except OSError as exc:
                if on_error is None:
                    raise
                raise on_error(source, exc) from exc
        yield copy


def connect_read_only(copy: Path) -> sqlite3.Connection:
    """A read-only connection to ``copy``; a damaged text value reads with U+FFFD."""
    conn = sqlite3.connect(f"{copy.as_uri()}?mode=ro", uri=True)
    conn.text_factory = _text
    return conn


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")


def table_names(conn: sqlite3.Connection) -> set[str]:
    """The names of the database's tables, in lower case."""
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {str(name).lower() for (name,) in rows}
