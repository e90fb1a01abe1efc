"""The store's schema, as named migrations applied in order by ``Store.open``.

Each migration is a function registered under a name ``NNNN_what``; sqlite-utils records the
names it applied in ``_sqlite_migrations``. A store that lists a name this module does not
know was written by a newer pullaway (``StoreVersionError``). Never edit an applied
migration: add the next one.

Messages are kept as blocks of rows (``message_blocks``), each a Parquet file in a BLOB, so a
million messages go in and out at columnar speed; see docs/store.md for why.
"""

from __future__ import annotations

from typing import Final

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATION_SET: Final = "pullaway"
MIGRATIONS: Final = Migrations(MIGRATION_SET)

_INITIAL: Final = (
    """
    CREATE TABLE chats (
        id INTEGER PRIMARY KEY,
        chat_id TEXT NOT NULL UNIQUE,        -- short slug: "alex", "alex-2"
        name TEXT NOT NULL,                  -- as the export names the chat
        format TEXT NOT NULL,                -- importer name
        me TEXT,                             -- chosen by the user; NULL until then
        me_guess TEXT,                       -- the importer's guess
        them TEXT,                           -- the other one, in a two-person chat
        created_at INTEGER NOT NULL,         -- microseconds since epoch, UTC
        UNIQUE (format, name)
    )
    """,
    """
    CREATE TABLE files (
        id INTEGER PRIMARY KEY,
        file_hash TEXT NOT NULL UNIQUE,
        source TEXT NOT NULL,                -- path when first imported
        format TEXT NOT NULL,
        units INTEGER NOT NULL,              -- lines or records in the input
        unit TEXT NOT NULL,                  -- "line" or "record"
        skipped INTEGER NOT NULL,            -- units that did not become a message
        first_imported_at INTEGER NOT NULL
    )
    """,
    """
    CREATE TABLE skipped (
        file INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
        line INTEGER NOT NULL,
        reason TEXT NOT NULL,
        text TEXT NOT NULL
    )
    """,
    "CREATE INDEX skipped_file_line ON skipped (file, line)",
    """
    CREATE TABLE imports (
        id INTEGER PRIMARY KEY,
        chat INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
        file INTEGER NOT NULL REFERENCES files(id),
        source TEXT NOT NULL,                -- path as given this time
        imported_at INTEGER NOT NULL,
        messages INTEGER NOT NULL,           -- read from the file for this chat
        added INTEGER NOT NULL               -- new to the store
    )
    """,
    "CREATE INDEX imports_chat ON imports (chat)",
    "CREATE INDEX imports_file ON imports (file)",
    """
    CREATE TABLE message_blocks (
        id INTEGER PRIMARY KEY,
        chat INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
        first_ts INTEGER,                    -- microseconds since epoch, naive local
        last_ts INTEGER,
        rows INTEGER NOT NULL,
        codec TEXT NOT NULL,                 -- how ``data`` is encoded
        data BLOB NOT NULL
    )
    """,
    "CREATE INDEX message_blocks_chat_time ON message_blocks (chat, first_ts)",
    """
    CREATE TABLE journal (
        chat INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
        day TEXT NOT NULL,                   -- ISO date
        mood INTEGER NOT NULL CHECK (mood BETWEEN 1 AND 5),
        urge INTEGER NOT NULL CHECK (urge BETWEEN 0 AND 10),
        self_care TEXT NOT NULL,
        note TEXT NOT NULL,
        written_at INTEGER NOT NULL,
        PRIMARY KEY (chat, day)
    )
    """,
    """
    CREATE TABLE drafts (
        id INTEGER PRIMARY KEY,
        chat INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
        text TEXT NOT NULL,
        verdict TEXT NOT NULL,
        reason TEXT NOT NULL,
        held_at INTEGER NOT NULL,
        hold_until INTEGER NOT NULL,
        released_at INTEGER
    )
    """,
    "CREATE INDEX drafts_chat ON drafts (chat)",
    """
    CREATE TABLE settings (
        chat INTEGER PRIMARY KEY REFERENCES chats(id) ON DELETE CASCADE,
        value TEXT NOT NULL                  -- JSON object
    )
    """,
)


@MIGRATIONS(name="0001_initial")
def initial(db: Database) -> None:
    """Chats, imported files and their skipped records, message blocks, the companion."""
    for statement in _INITIAL:
        db.execute(statement)


def known_migrations() -> list[str]:
    """The names of every migration this version of pullaway knows, in order.

    >>> known_migrations()[0]
    '0001_initial'
    """
    return [migration.name for migration in MIGRATIONS.pending(Database(memory=True))]
