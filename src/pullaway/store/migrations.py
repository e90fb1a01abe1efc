"""The store's schema, as named migrations applied in order by ``Store.open``.

Each migration is a function registered under a name ``NNNN_what``; sqlite-utils records the
names it applied in ``_sqlite_migrations``. A store that lists a name this module does not
know was written by a newer pullaway (``StoreVersionError``). Never edit an applied
migration: add the next one.

Messages are kept as blocks of rows (``message_blocks``), each a Parquet file in a BLOB, so a
million messages go in and out at columnar speed; see docs/store.md for why.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Final

import polars as pl
import polars_hash as plh
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from pullaway.model import repeats, with_message_ids
from pullaway.store import blocks

if TYPE_CHECKING:
    from collections.abc import Callable

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


@MIGRATIONS(name="0002_message_ids_v2")
def message_ids_v2(db: Database) -> None:
    """Message ids of the second scheme (``model.with_message_ids``: each key column hashed
    apart, then folded into one number), which takes about 40% less time to compute than the
    first (one hash of the columns joined into a string). Every id the first scheme gave is
    replaced with the new id of the same message; ids a CSV file gave are kept."""
    for chat, name in db.execute("SELECT id, name FROM chats").fetchall():
        rows = blocks.read_rows(db.conn, chat)
        if rows.height:
            blocks.replace_rows(db.conn, chat, _with_second_scheme_ids(rows, name))


def _with_second_scheme_ids(rows: pl.DataFrame, chat: str) -> pl.DataFrame:
    """Block rows of ``chat`` with their first-scheme ids replaced (``_with_new_ids``)."""
    return _with_new_ids(rows, chat, old=_first_scheme_ids, new=with_message_ids)


def _with_new_ids(
    rows: pl.DataFrame,
    chat: str,
    *,
    old: Callable[[pl.DataFrame], pl.Series | pl.DataFrame],
    new: Callable[[pl.DataFrame], pl.DataFrame],
) -> pl.DataFrame:
    """Block rows of ``chat`` with each id the ``old`` scheme gave replaced by the ``new``
    scheme's id of the same message, in ``blocks.ORDER``; other ids (a file's own) are kept.

    Both schemes number repeats of one key (occurrence) in row order, so computed on the same
    rows, the old scheme's id of each row maps to the new one's. A chat holds each key's
    occurrences 0, 1, ... as the export that had the most gave them, whichever rows they sit
    on, so every stored old-scheme id is among those recomputed.
    """
    frame = blocks.from_block_rows(rows, chat)
    before = old(frame)
    before = before if isinstance(before, pl.Series) else before["message_id"]
    mapping = pl.DataFrame({"old": before, "new": new(frame)["message_id"]}).unique(
        "old", keep="first", maintain_order=True
    )
    ids = rows["message_id"].replace(mapping["old"], mapping["new"])
    return rows.with_columns(message_id=ids).sort(*blocks.ORDER, nulls_last=False)


INSTANT_KEYED: Final = ("discord", "imessage", "instagram", "messenger", "sms_xml", "telegram")
"""The formats whose importers key message ids on the UTC instant (``0003_ids_by_instant``)."""


@MIGRATIONS(name="0003_ids_by_instant")
def ids_by_instant(db: Database) -> None:
    """Message ids keyed on the UTC instant in the formats whose files give instants, so an
    export imported again under another time zone (``--timezone``, or this computer's zone
    after a trip) adds nothing. Each id the wall-clock scheme gave is replaced with the
    instant-keyed id of the same message; ids a file gave (Discord's) are kept."""
    marks = ", ".join("?" for _ in INSTANT_KEYED)
    query = f"SELECT id, name FROM chats WHERE format IN ({marks})"
    for chat, name in db.execute(query, INSTANT_KEYED).fetchall():
        rows = blocks.read_rows(db.conn, chat)
        if rows.height:
            by_instant = partial(with_message_ids, by_instant=True)
            blocks.replace_rows(
                db.conn, chat, _with_new_ids(rows, name, old=with_message_ids, new=by_instant)
            )


def _first_scheme_ids(frame: pl.DataFrame) -> pl.Series:
    """The ids of ``0001_initial``'s scheme: the xxhash64 of chat, timestamp (microseconds),
    sender, kind and text joined by U+001F, a missing value written U+0000; for the second and
    later rows of one key, of the key joined with its occurrence (1 for the second); written
    as 20 digits. Frozen: a store written then holds these."""
    parts = [
        (pl.col(c).cast(pl.Int64) if c == "timestamp" else pl.col(c)).cast(pl.String)
        for c in ("chat", "timestamp", "sender", "kind", "text")
    ]
    key = pl.concat_str([part.fill_null("\x00") for part in parts], separator="\x1f")
    hashes = frame.select(plh.NonCryptographicHashingNameSpace(key).xxhash64()).to_series()
    again = repeats(hashes)
    if again.height:
        rows = again.get_column("row")
        occurrence = pl.lit(again.get_column("occurrence")).cast(pl.String)
        keyed = pl.concat_str([key, occurrence], separator="\x1f")
        rehashed = frame.gather(rows).select(plh.NonCryptographicHashingNameSpace(keyed).xxhash64())
        hashes = hashes.scatter(rows, rehashed.to_series())
    # 10**20 + hash has 21 digits; those after the first are the hash, padded to 20.
    shifted = hashes.cast(pl.Int128) + pl.lit(10**20, dtype=pl.Int128)
    return pl.select(shifted).to_series().cast(pl.String).str.slice(1)


@MIGRATIONS(name="0004_chat_zones")
def chat_zones(db: Database) -> None:
    """``chats.zone``: the IANA zone whose wall clock a chat's messages are shown on, for the
    formats whose files give instants (NULL until such a file is imported, and for the others);
    the store keeps each chat in one zone (docs/store.md, "Time zones")."""
    db.execute("ALTER TABLE chats ADD COLUMN zone TEXT")


@MIGRATIONS(name="0005_chat_aliases")
def chat_aliases(db: Database) -> None:
    """``chat_aliases``: a chat merged into another (``Store.merge``), by the format and name
    its exports give, so that they are read into the other chat from then on, with its
    senders renamed (``senders``, a JSON object: name in those exports to name in the chat)."""
    db.execute(
        """
        CREATE TABLE chat_aliases (
            format TEXT NOT NULL,
            name TEXT NOT NULL,
            chat INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
            senders TEXT NOT NULL,           -- JSON object: exported name -> stored name
            merged_at INTEGER NOT NULL,      -- microseconds since epoch, UTC
            PRIMARY KEY (format, name)
        )
        """
    )
    db.execute("CREATE INDEX chat_aliases_chat ON chat_aliases (chat)")


@MIGRATIONS(name="0006_alias_reason")
def alias_reason(db: Database) -> None:
    """``chat_aliases.reason``: ``merged`` (``Store.merge``, every alias so far) or
    ``renamed`` (``Store.rename``: the chat's former name, whose exports still go to it)."""
    db.execute("ALTER TABLE chat_aliases ADD COLUMN reason TEXT NOT NULL DEFAULT 'merged'")


@MIGRATIONS(name="0007_app_keys")
def app_keys(db: Database) -> None:
    """The ids apps give chats and people, where exports give ids that stay when a name
    changes (``ChatMeta.key`` and ``ChatMeta.sender_keys``: Telegram's chat id and
    ``from_id``, Discord's channel and author ids). ``chat_keys``: a chat's, by format, so a
    later export of a renamed chat goes into it even when it shares no messages with it, and
    two chats of one name are kept apart. ``sender_keys``: a sender's in a chat, with the name
    the chat's rows give them, so a renamed sender is read under that name."""
    db.execute(
        """
        CREATE TABLE chat_keys (
            format TEXT NOT NULL,
            key TEXT NOT NULL,               -- the app's id of the chat
            chat INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
            PRIMARY KEY (format, key)
        )
        """
    )
    db.execute("CREATE INDEX chat_keys_chat ON chat_keys (chat)")
    db.execute(
        """
        CREATE TABLE sender_keys (
            chat INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
            format TEXT NOT NULL,
            key TEXT NOT NULL,               -- the app's id of the person
            name TEXT NOT NULL,              -- the sender's name in the chat's rows
            PRIMARY KEY (chat, format, key)
        )
        """
    )


def known_migrations() -> list[str]:
    """The names of every migration this version of pullaway knows, in order.

    >>> known_migrations()[0]
    '0001_initial'
    """
    return [migration.name for migration in MIGRATIONS.pending(Database(memory=True))]


@MIGRATIONS(name="0008_skipped_chats")
def skipped_chats(db: Database) -> None:
    """``skipped.chat``: the chat of the file a skipped record belongs to, by its name in the
    file, where the importer knows it (NULL: not known, or a file of one chat);
    ``imports.name``: the chat's name in the file. A file of several chats then lists each
    record under its own chat only. Both are NULL for what was imported before."""
    db.execute("ALTER TABLE skipped ADD COLUMN chat TEXT")
    db.execute("ALTER TABLE imports ADD COLUMN name TEXT")
