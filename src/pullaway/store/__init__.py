"""The local store: chats, their messages, imports and the space companion, in one SQLite file.

>>> from pullaway.store import Store, default_store_path
"""

from __future__ import annotations

from pullaway.errors import DraftNotFoundError, InvalidEntryError, SenderNotFoundError
from pullaway.store.db import (
    DEFAULT_NAME,
    STORE_ENV,
    ChatImport,
    ChatMerge,
    ChatRename,
    ChatRow,
    Store,
    default_store_path,
    slugify,
)
from pullaway.store.migrations import known_migrations

__all__ = [
    "DEFAULT_NAME",
    "STORE_ENV",
    "ChatImport",
    "ChatMerge",
    "ChatRename",
    "ChatRow",
    "DraftNotFoundError",
    "InvalidEntryError",
    "SenderNotFoundError",
    "Store",
    "default_store_path",
    "known_migrations",
    "slugify",
]
