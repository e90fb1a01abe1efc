"""The local store: one SQLite file holding chats, their messages and the space companion.

This module is the only place in pullaway with SQL. Messages are written and read as
blocks of rows (a Parquet file per block in a BLOB; see ``blocks``), so a
million messages go in and come out at columnar speed; per-row INSERTs through Python's
sqlite3 took over 20 s for a million messages on the 2-core development machine. Re-import
deduplicates on ``message_id`` with an anti-join, which keeps per message key the highest
occurrence count any export had. See docs/store.md.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import sqlite3
import stat
import threading
import unicodedata
from contextlib import closing, contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Self

import platformdirs
import polars as pl
from anyascii import anyascii
from sqlite_utils import Database

from pullaway.errors import (
    ChatNotFoundError,
    DraftNotFoundError,
    InvalidEntryError,
    SchemaError,
    SenderNotFoundError,
    StoreError,
    StoreVersionError,
)
from pullaway.importers._base import ImportResult, Skipped, skipped_by_chat
from pullaway.model import OWNER_SENDER, empty_messages, validate_messages, with_message_ids
from pullaway.renames import (
    MIN_SHARED,
    Overlap,
    Rename,
    Senders,
    describe_chat_named,
    describe_continued,
    describe_me_by_key,
    describe_namesake,
    describe_new_senders,
    describe_rename,
    describe_same_key,
    describe_same_person,
    describe_sender_named,
    names_better,
    overlap,
    renamed_senders,
)
from pullaway.store import blocks
from pullaway.store.migrations import MIGRATIONS, known_migrations
from pullaway.wording import counted
from pullaway.zones import in_zone

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence
    from types import TracebackType

DEFAULT_NAME: Final = "pullaway.db"
STORE_ENV: Final = "PULLAWAY_STORE"
COMPACT_AFTER: Final = 32  # blocks in one chat before they are rewritten as full ones
OWNER_ONLY: Final = 0o600
PAGE_SIZE: Final = 65_536
SKIPPED_EXAMPLES: Final = 5
RENAMED_CHAT_CANDIDATES: Final = 8
"""Stored chats compared with a file whose chat name is new (those with the most messages in
its time range): each is read, so the count is kept small."""

_SQLITE_HEADER: Final = b"SQLite format 3\x00"
_EPOCH: Final = datetime(1970, 1, 1)


@dataclass(frozen=True)
class ChatRow:
    """One chat in the store, with its message count and time span."""

    chat_id: str
    name: str
    format: str
    me: str | None
    them: str | None
    messages: int
    first: datetime | None
    last: datetime | None
    me_guess: str | None
    merged: tuple[tuple[str, str], ...] = ()  # (format, name) of the chats merged into it


@dataclass(frozen=True)
class ChatImport:
    """What one import did to one chat (the shape of ``pullaway import --json``)."""

    chat_id: str
    name: str
    me: str | None
    messages: int
    added: int
    skipped: int
    skipped_examples: tuple[Skipped, ...]
    already_imported: bool
    notes: tuple[str, ...] = ()  # a renamed chat or sender followed, a new sender left as is
    merge_candidates: tuple[str, ...] = ()  # stored chats holding part of it (ids)


@dataclass(frozen=True)
class ChatMerge:
    """What ``Store.merge`` did (the shape of ``pullaway merge --json``)."""

    chat_id: str  # the chat kept
    name: str
    merged: str  # the name of the chat merged into it
    format: str  # the format of its exports
    messages: int  # its messages
    added: int  # those the kept chat did not hold yet
    senders: dict[str, str]  # its senders renamed: name there -> name here


@dataclass(frozen=True)
class ChatRename:
    """What ``Store.rename`` did (the shape of ``pullaway rename --json``)."""

    chat_id: str  # the chat's id, which a rename keeps
    name: str
    was: str  # its name before
    messages: int  # its messages, all renamed
    senders: dict[str, str]  # senders renamed: old name -> new name


@dataclass(frozen=True)
class _Zone:
    """The zone an import put its instants on (None: the file's own wall clock), and whether
    the user chose it (see ``ImportResult.zone``)."""

    name: str | None
    chosen: bool


@dataclass(frozen=True)
class _Who:
    """Who is who in one chat of an import: ``me`` as the user gave it, the importer's guess,
    the participants it names, and whether ``me`` must be one of them."""

    me: str | None
    me_guess: str | None
    participants: tuple[str, ...]
    must_match_me: bool

    def renamed(self, names: dict[str, str]) -> _Who:
        """The same, with each name in ``names`` (new to stored) read as the stored one."""
        me = names.get(self.me, self.me) if self.me is not None else None
        guess = names.get(self.me_guess, self.me_guess) if self.me_guess is not None else None
        participants = tuple(names.get(p, p) for p in self.participants)
        return replace(self, me=me, me_guess=guess, participants=participants)


_CHAT_COLUMNS: Final = "c.id, c.chat_id, c.name, c.me, c.me_guess"
"""The columns of ``chats c`` that make a ``_Chat``, in its fields' order."""


@dataclass(frozen=True)
class _Chat:
    id: int
    chat_id: str
    name: str
    me: str | None
    me_guess: str | None


@dataclass(frozen=True)
class _Found:
    """The chat an export's chat goes into, notes on why, the senders renamed on the way in
    (a merged chat's), and whether it was found by the messages it shares (a rename)."""

    chat: _Chat
    notes: list[str] = field(default_factory=list)
    senders: dict[str, str] = field(default_factory=dict)
    continued: bool = False
    merge_candidates: tuple[str, ...] = ()  # stored chats holding part of a new chat


@dataclass(frozen=True)
class _Followed:
    """An export's chat after ``Store._follow_renames``: the chat (renamed, if it was), the
    rows and ``_Who`` in its names, its stored sender counts, notes, and the senders renamed
    (name in the export to stored name)."""

    chat: _Chat
    part: pl.DataFrame
    who: _Who
    counts: dict[str, int]
    notes: list[str]
    renamed: dict[str, str]


def default_store_path() -> Path:
    """``$PULLAWAY_STORE`` if set, else ``pullaway.db`` in the user's data folder."""
    configured = os.environ.get(STORE_ENV)
    if configured:
        return Path(configured).expanduser()
    return platformdirs.user_data_path("pullaway", appauthor=False) / DEFAULT_NAME


def slugify(name: str, *, max_length: int = 32) -> str:
    """A short ASCII id for a chat name: its letters and digits, of any script, spelled in
    Latin letters (``anyascii``), the rest dropped; "chat" when nothing of the name is left.

    >>> slugify("Alex ❤️ (work)")
    'alex-work'
    >>> slugify("Зоя"), slugify("小明"), slugify("지민"), slugify("José María")
    ('zoya', 'xiaoming', 'jimin', 'jose-maria')
    >>> slugify("❤️")
    'chat'
    """
    spelled = "".join(map(_latin_letters, unicodedata.normalize("NFC", name)))
    slug = re.sub(r"[^a-z0-9]+", "-", spelled.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "chat"


def _latin_letters(char: str) -> str:
    """A letter or digit of any script in Latin letters; anything else (emoji, punctuation),
    which ``anyascii`` would spell as a word (``:heart:``), a space."""
    return anyascii(char) if unicodedata.category(char)[0] in "LMN" else " "


class Store:
    """The local store. Open it with ``Store.open(path)``; use it as a context manager."""

    def __init__(
        self,
        path: Path,
        connection: sqlite3.Connection,
        *,
        notes: tuple[str, ...] = (),
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.path = path
        self.notes = notes
        self._conn = connection
        self._lock = threading.RLock()
        self._clock = clock or (lambda: datetime.now(UTC))

    # -- opening and closing ---------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | None = None, *, clock: Callable[[], datetime] | None = None) -> Self:
        """Open (or create) the store at ``path`` and apply pending migrations.

        The file is made readable and writable by its owner only; a looser existing file is
        tightened, and ``notes`` says so, as it says which migrations upgraded an older store.
        ``clock`` returns the current (aware) time; tests inject one.
        """
        path = (path or default_store_path()).expanduser()
        notes = _prepare_file(path)
        conn = _connect(path)
        try:
            upgraded = _migrate(conn, path)
        except BaseException:
            conn.close()
            raise
        if upgraded:
            notes += (f"upgraded {path} for this version of pullaway ({', '.join(upgraded)})",)
        return cls(path, conn, notes=notes, clock=clock)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    # -- imports ---------------------------------------------------------------------------

    def add_import(
        self,
        result: ImportResult,
        *,
        source: Path,
        file_hash: str,
        format: str,
        me: str | None = None,
        follow_renamed_chat: bool = True,
    ) -> list[ChatImport]:
        """Add what an importer read; only messages new to each chat are stored.

        A message is new when its ``message_id`` is not in the chat yet. Ids carry an
        occurrence number among identical (timestamp, sender, kind, text), so a newer,
        overlapping export adds only what is new and the same file twice adds nothing.
        ``me`` must name one of a chat's senders (compared case-insensitively when no exact
        match); it replaces the chat's earlier choice. In a file with several chats, a chat
        where ``me`` never wrote keeps its earlier choice.

        Renames between exports are followed (see ``pullaway.renames``): a chat whose name the
        store does not know goes into a stored chat of the same format, not named in the file,
        that holds most of its messages (unless ``follow_renamed_chat`` is false), and a sender
        new to a chat that repeats the messages of a stored sender gone from the export is read
        as that sender. The ids of renamed rows are computed again, unless the file gave them.
        """
        frame = validate_messages(result.messages)
        if missing := frame["message_id"].null_count():
            msg = f"{missing} messages have no message_id; fill it with model.with_message_ids"
            raise SchemaError(msg)
        names = _chat_names(result, frame)
        guesses = {meta.name: meta for meta in result.chats}
        by_chat = _split_by_chat(frame, names)
        skipped, _ = skipped_by_chat(result.skipped, names)
        now = self._now_us()
        taken = set(names)  # stored chats a renamed chat of this file may not go into
        with self._write():
            file_id, known_file = self._file_row(result, source, file_hash, format, now)
            imported = []
            for name in names:
                meta = guesses.get(name)
                who = _Who(
                    me=me,
                    me_guess=meta.me_guess if meta else None,
                    participants=meta.participants if meta else (),
                    must_match_me=len(names) == 1,
                )
                imported.append(
                    self._import_chat(
                        by_chat[name],
                        name=name,
                        key=meta.key if meta else None,
                        sender_keys=meta.sender_keys if meta else (),
                        format=format,
                        follow_renamed_chat=follow_renamed_chat,
                        taken=taken,
                        who=who,
                        file_id=file_id,
                        known_file=known_file,
                        source=source,
                        now=now,
                        skipped=tuple(skipped[name]),
                        zone=_Zone(result.zone, chosen=result.zone_chosen),
                    )
                )
        return imported

    def _import_chat(
        self,
        part: pl.DataFrame,
        *,
        name: str,
        key: str | None,
        sender_keys: tuple[tuple[str, str], ...],
        format: str,
        follow_renamed_chat: bool,
        taken: set[str],
        who: _Who,
        file_id: int,
        known_file: bool,
        source: Path,
        now: int,
        skipped: tuple[Skipped, ...],
        zone: _Zone,
    ) -> ChatImport:
        follow = taken if follow_renamed_chat else None
        found = self._chat_for(
            part, name, format, key=key, sender_keys=sender_keys, follow=follow, now=now
        )
        chat, notes, merged = found.chat, found.notes, found.senders
        if key is not None:
            self._conn.execute(
                "INSERT OR IGNORE INTO chat_keys (format, key, chat) VALUES (?, ?, ?)",
                (format, key, chat.id),
            )
        already = known_file and bool(
            self._one(
                "SELECT EXISTS (SELECT 1 FROM imports WHERE chat = ? AND file = ?)",
                (chat.id, file_id),
            )
        )
        existing = self._has_messages(chat.id)
        stored_counts = self._sender_counts(chat.id) if existing else {}
        if merged:  # the chat of a merged one: its senders are renamed as at the merge
            part, who = _renamed(part, chat=chat.name, senders=merged), who.renamed(merged)
        named = name if found.continued else None
        keyed = self._senders_by_key(chat, format, sender_keys, merged)
        followed = self._follow_renames(
            chat, part, who, stored_counts, export_name=named, by_key=keyed
        )
        in_chat = _then(merged, followed.renamed)
        chat, part, who, stored_counts = followed.chat, followed.part, followed.who, followed.counts
        self._keep_sender_keys(chat, format, sender_keys, in_chat, part)
        if who.me is None and chat.me is None:
            who, me_notes = self._me_by_key(chat, format, sender_keys, in_chat, who)
            notes = [*notes, *me_notes]
        part, zone_notes = self._in_one_zone(chat, part, zone, existing=existing, format=format)
        held = self._message_ids(chat.id) if existing else None
        new = _deduplicate(part, held)
        if format == "csv" and held is not None and new.height:
            new = _without_held_by_wall_clock(part, new, held)
        is_system = pl.col("kind") == "system"
        counts = _merge_counts(stored_counts, _sender_counts(new, is_system=is_system))
        chosen = _chosen_me(chat, who, counts)
        self._write_blocks(chat.id, new)
        self._conn.execute(
            "INSERT INTO imports (chat, file, source, imported_at, messages, added, name)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (chat.id, file_id, str(source), now, part.height, new.height, name),
        )
        self._conn.execute(
            "UPDATE chats SET me = ?, me_guess = coalesce(?, me_guess), them = ? WHERE id = ?",
            (chosen, who.me_guess, _them(chosen, counts), chat.id),
        )
        return ChatImport(
            chat_id=chat.chat_id,
            name=chat.name,
            me=chosen,
            messages=part.height,
            added=new.height,
            skipped=len(skipped),
            skipped_examples=tuple(skipped[:SKIPPED_EXAMPLES]),
            already_imported=already,
            notes=(*notes, *followed.notes, *zone_notes),
            merge_candidates=found.merge_candidates,
        )

    def _in_one_zone(
        self, chat: _Chat, part: pl.DataFrame, zone: _Zone, *, existing: bool, format: str
    ) -> tuple[pl.DataFrame, list[str]]:
        """``part`` on the wall clock of the chat's zone, and notes on what was done.

        A chat stays in the zone of its first import: an export read in another one because
        this computer moved is shown in the chat's zone. A zone the user chose (``--timezone``)
        becomes the chat's: its stored messages are moved to it. So does the zone of the
        first import into a chat stored before chats had zones (``0004_chat_zones``), when
        its messages are all instants a zone was chosen for (``_ZONED_FORMATS``).
        """
        if zone.name is None:
            return part, []  # the file's own wall clock
        stored = self._zone(chat)
        if stored == zone.name:
            return part, []
        if stored is not None and not zone.chosen:
            note = (
                f"times shown in {stored}, this chat's time zone "
                f"(this computer is in {zone.name}); pass --timezone to change"
            )
            return in_zone(part, stored), [note]
        self._conn.execute("UPDATE chats SET zone = ? WHERE id = ?", (zone.name, chat.id))
        if not existing:
            return part, []
        if zone.chosen:
            moved = self._move_to_zone(chat, zone.name)
            were = f" (were in {stored})" if stored else ""
        elif self._zoned_alone(chat, format):
            moved = self._move_to_zone(chat, zone.name, changed_only=True)
            were = " (were on the clock of an earlier import)"
        else:
            moved = 0
        if not moved:
            return part, []
        return part, [f"{counted(moved, 'stored message')} now shown in {zone.name}{were}"]

    def _zoned_alone(self, chat: _Chat, format: str) -> bool:
        """Whether every stored message of ``chat`` is an instant put on a zone's clock: a
        chat of a zoned format with no other chat merged into it."""
        merged = self._one(
            "SELECT EXISTS (SELECT 1 FROM chat_aliases WHERE chat = ? AND reason = 'merged')",
            (chat.id,),
        )
        return format in _ZONED_FORMATS and not merged

    def _move_to_zone(self, chat: _Chat, zone: str, *, changed_only: bool = False) -> int:
        """Put the stored messages of ``chat`` that have a UTC offset on the wall clock of
        ``zone``; how many there are (with ``changed_only``, how many moved)."""
        rows = blocks.read_rows(self._conn, chat.id)
        frame = blocks.from_block_rows(rows, chat.name)
        moved = in_zone(frame, zone)
        blocks.replace_rows(self._conn, chat.id, blocks.to_block_rows(moved))
        if changed_only:
            return int((moved.get_column("timestamp") != frame.get_column("timestamp")).sum())
        return frame.height - frame.get_column("utc_offset").null_count()

    def _follow_renames(
        self,
        chat: _Chat,
        part: pl.DataFrame,
        who: _Who,
        stored_counts: dict[str, int],
        *,
        export_name: str | None,
        by_key: dict[str, str],
    ) -> _Followed:
        """``part`` and ``who`` with the senders that are stored ones renamed read as those,
        as rows of ``chat``; and notes on what was found.

        Where the stored name is a bare number or address and the export gives a name
        (``renames.names_better``), the name wins instead: the stored rows take it. That
        holds for a renamed sender, and for the chat's own name when the export continues a
        stored chat under another name (``export_name``). ``by_key``: senders of ``part``
        the app's ids for them (``_senders_by_key``) name stored senders renamed."""
        senders = self._senders_renamed(chat, part, stored_counts, by_key=by_key)
        better = [r for r in senders.renames if names_better(r.old, r.new)]
        kept = [r for r in senders.renames if r not in better]
        name = chat.name
        if export_name is not None and names_better(chat.name, export_name):
            name = export_name
        notes: list[str] = []
        if better or name != chat.name:
            notes = self._take_better_names(chat, name, better)
            taken = {r.old: r.new for r in better}
            chat = self._chat(chat.chat_id)
            stored_counts = {taken.get(s, s): n for s, n in stored_counts.items()}
        names = {r.new: r.old for r in kept}
        notes += [describe_rename(r) for r in kept] + describe_new_senders(senders)
        return _Followed(
            chat=chat,
            part=_renamed(part, chat=chat.name, senders=names),
            who=who.renamed(names),
            counts=stored_counts,
            notes=notes,
            renamed=names,
        )

    def _take_better_names(self, chat: _Chat, name: str, better: list[Rename]) -> list[str]:
        """Rename the stored ``chat`` to ``name`` and its senders as ``better`` says (stored
        bare numbers to the export's names); notes that say so."""
        rows = self._rename_rows(chat, name, {r.old: r.new for r in better})
        notes = [describe_sender_named(r) for r in better]
        if name != chat.name:
            notes.insert(0, describe_chat_named(chat.name, name, rows=rows))
        return notes

    def _rename_rows(self, chat: _Chat, name: str, senders: dict[str, str]) -> int:
        """Rename the stored ``chat`` to ``name`` and its senders by ``senders`` (old to
        new): its rows (ids computed again), "me", the guess, "them", and the renaming of the
        chats merged into it. Returns how many rows it holds."""
        frame = blocks.from_block_rows(blocks.read_rows(self._conn, chat.id), chat.name)
        renamed = _renamed(frame, chat=name, senders=senders)
        blocks.replace_rows(self._conn, chat.id, blocks.to_block_rows(renamed))
        self._rename_sender_keys(chat, senders)
        me = _new_name(chat.me, senders)
        counts = _sender_counts(renamed, is_system=pl.col("kind") == "system")
        self._conn.execute(
            "UPDATE chats SET name = ?, me = ?, me_guess = ?, them = ? WHERE id = ?",
            (name, me, _new_name(chat.me_guess, senders), _them(me, counts), chat.id),
        )
        for format, alias, through in self._conn.execute(
            "SELECT format, name, senders FROM chat_aliases WHERE chat = ?", (chat.id,)
        ).fetchall():
            self._conn.execute(
                "UPDATE chat_aliases SET senders = ? WHERE format = ? AND name = ?",
                (json.dumps(_then(json.loads(through), senders)), format, alias),
            )
        return frame.height

    def _rename_sender_keys(self, chat: _Chat, senders: dict[str, str]) -> None:
        """The kept ids of ``chat``'s senders under their new names (``senders``: old to new)."""
        kept = self._conn.execute(
            "SELECT format, key, name FROM sender_keys WHERE chat = ?", (chat.id,)
        ).fetchall()
        self._conn.executemany(
            "UPDATE sender_keys SET name = ? WHERE chat = ? AND format = ? AND key = ?",
            [(senders[name], chat.id, fmt, key) for fmt, key, name in kept if name in senders],
        )

    def _chat_for(
        self,
        part: pl.DataFrame,
        name: str,
        format: str,
        *,
        key: str | None,
        sender_keys: tuple[tuple[str, str], ...],
        follow: set[str] | None,
        now: int,
    ) -> _Found:
        """The chat named ``name``, notes, and the senders to rename: the chat the app's
        ``key`` for it was stored with (``_by_key``); else the chat of that format and name;
        else the chat it was merged into (``_alias``); else, when ``follow`` is given (the
        names of stored chats that are not candidates), the stored chat of the one person
        with an id in ``sender_keys`` (``_by_person``), or the stored chat ``part``
        continues under another name (``renames.overlap``; with a ``key``, not one that has
        an id of its own), which is then added to ``follow``; else a new chat, with a note
        when stored chats hold some of its messages (one person's number and address, read
        as one chat once Contacts named them)."""
        found = self._find_chat(format, name)
        if key is not None and (keyed := self._by_key(found, name, format, key, now)):
            if keyed.continued and follow is not None:
                follow.add(keyed.chat.name)
            return keyed
        if found is None and (alias := self._alias(format, name)) is not None:
            return alias
        if found is not None or follow is None:
            return _Found(found or self._create_chat(format, name, now))
        if key is None and (person := self._by_person(format, sender_keys, taken=follow)):
            follow.add(person.name)
            return _Found(person, [describe_same_person(name, person.name)], continued=True)
        # A chat with an id in the app is not another stored chat that has its own id.
        overlaps = self._overlaps(part, format, taken=follow, keyed_apart=key is not None)
        same = [(chat, shared) for chat, shared in overlaps if shared.same_conversation]
        if not same:
            created = self._create_chat(format, name, now)
            parts = [
                (chat, shared, self._senders_in(part, chat))
                for chat, shared in overlaps
                if shared.shared >= MIN_SHARED
            ]
            return _Found(
                created,
                describe_shared_in_part(created.chat_id, parts),
                merge_candidates=tuple(chat.chat_id for chat, _, _ in parts),
            )
        chat, shared = max(same, key=lambda found: found[1].shared)
        follow.add(chat.name)
        return _Found(chat, [describe_continued(name, chat.name, shared)], continued=True)

    def _by_key(
        self, found: _Chat | None, name: str, format: str, key: str, now: int
    ) -> _Found | None:
        """The chat the app's ``key`` was stored with, when it is not ``found`` (the chat
        named ``name``): the same chat renamed, read as more of it (with a merged chat's
        senders, when ``name`` is its alias). A new chat named ``name (2)``, ``name (3)``, ...
        when ``found`` has other keys of the format: another conversation of one name. None
        otherwise (``found`` holds the key, or no chat has one)."""
        row = self._conn.execute(
            f"SELECT {_CHAT_COLUMNS} FROM chat_keys k JOIN chats c ON c.id = k.chat"
            " WHERE k.format = ? AND k.key = ?",
            (format, key),
        ).fetchone()
        keyed = None if row is None else _Chat(*row)
        if keyed is not None and (found is None or found.id != keyed.id):
            alias = self._alias(format, name)
            if alias is not None and alias.chat.id == keyed.id:
                return alias
            return _Found(keyed, [describe_same_key(name, keyed.name)], continued=True)
        if found is None or keyed is not None or not self._has_other_key(found, format):
            return None
        created = self._create_chat(format, self._free_name(format, name), now)
        merge = shlex.join(["pullaway", "merge", created.chat_id, found.chat_id])
        return _Found(
            created,
            [describe_namesake(name, created.name, merge=merge)],
            merge_candidates=(found.chat_id,),
        )

    def _by_person(
        self, format: str, sender_keys: tuple[tuple[str, str], ...], *, taken: set[str]
    ) -> _Chat | None:
        """The stored chat of ``format``, not named in ``taken``, that is the conversation
        with the one person ``sender_keys`` gives an id (an SMS contact's number): the only
        chat whose ids are all that person's and include theirs. None for an export with
        ids for more people (Telegram, Discord: their chats have ids of their own)."""
        if len(sender_keys) != 1:
            return None
        ((_, key),) = sender_keys
        rows = self._conn.execute(
            f"SELECT {_CHAT_COLUMNS} FROM sender_keys k JOIN chats c ON c.id = k.chat"
            " WHERE k.format = ? AND k.key = ? AND c.name NOT IN (SELECT value FROM json_each(?))"
            " AND (SELECT count(DISTINCT o.name) FROM sender_keys o"
            " WHERE o.chat = k.chat AND o.format = k.format) = 1",
            (format, key, json.dumps(sorted(taken))),
        ).fetchall()
        return _Chat(*rows[0]) if len(rows) == 1 else None

    def _has_other_key(self, chat: _Chat, format: str) -> bool:
        """Whether ``chat`` was stored with a key of ``format`` (the caller's is not among
        them)."""
        return bool(
            self._one(
                "SELECT EXISTS (SELECT 1 FROM chat_keys WHERE chat = ? AND format = ?)",
                (chat.id, format),
            )
        )

    def _free_name(self, format: str, name: str) -> str:
        """``name (2)``, ``name (3)``, ...: the first no chat of ``format`` has, alias or not."""
        number = 2
        while self._find_chat(format, f"{name} ({number})") or self._alias(
            format, f"{name} ({number})"
        ):
            number += 1
        return f"{name} ({number})"

    def _senders_in(self, part: pl.DataFrame, chat: _Chat) -> dict[str, str]:
        """Each sender of the stored ``chat`` whose messages ``part`` holds under another
        name (``renames.renamed_senders``, the stored rows read against ``part``), to it."""
        span = _time_span(part)
        if span is None:
            return {}
        return _paired(part, self._stored_keys(chat.id, span))

    def _alias(self, format: str, name: str) -> _Found | None:
        """The chat that the chat ``name`` of ``format`` was merged into, a note, and the
        senders renamed at the merge (``chat_aliases``)."""
        row = self._conn.execute(
            f"SELECT {_CHAT_COLUMNS}, a.senders, a.reason"
            " FROM chat_aliases a JOIN chats c ON c.id = a.chat"
            " WHERE a.format = ? AND a.name = ?",
            (format, name),
        ).fetchone()
        if row is None:
            return None
        chat = _Chat(*row[:5])
        how = "renamed" if row[6] == "renamed" else "merged into"
        note = f"this export's chat {name!r} was {how} {chat.name!r}: read as more of it"
        senders: dict[str, str] = json.loads(row[5])
        return _Found(chat, [note], senders)

    def _overlaps(
        self, part: pl.DataFrame, format: str, *, taken: set[str], keyed_apart: bool = False
    ) -> list[tuple[_Chat, Overlap]]:
        """How much of ``part`` each stored chat of ``format`` (not named in ``taken``, and
        with ``keyed_apart`` none that has an id in the app) holds; only the
        ``RENAMED_CHAT_CANDIDATES`` chats with the most messages in ``part``'s time range are
        compared."""
        span = _time_span(part)
        if span is None:
            return []
        candidates = self._conn.execute(
            f"SELECT {_CHAT_COLUMNS} FROM chats c"
            " JOIN message_blocks b ON b.chat = c.id"
            " WHERE c.format = ? AND b.last_ts >= ? AND b.first_ts <= ?"
            " AND c.name NOT IN (SELECT value FROM json_each(?))"
            " AND NOT (? AND EXISTS (SELECT 1 FROM chat_keys k"
            " WHERE k.chat = c.id AND k.format = c.format))"
            " GROUP BY c.id ORDER BY sum(b.rows) DESC, c.id LIMIT ?",
            (format, *span, json.dumps(sorted(taken)), keyed_apart, RENAMED_CHAT_CANDIDATES),
        ).fetchall()
        return [
            (chat, overlap(self._stored_keys(chat.id, span), part))
            for chat in (_Chat(*row) for row in candidates)
        ]

    def _senders_renamed(
        self,
        chat: _Chat,
        part: pl.DataFrame,
        stored_counts: dict[str, int],
        *,
        by_key: dict[str, str],
    ) -> Senders:
        """Senders of ``part`` new to the stored chat, and which are stored ones renamed: by
        the app's ids (``by_key``: name in ``part`` to stored name), then by the messages
        the others share with the stored chat (``renames.renamed_senders``)."""
        present = set(part.get_column("sender").drop_nulls().unique().to_list())
        keyed: dict[str, Rename] = {}
        paired: set[str] = set()  # stored names a new one is read as
        for new, old in by_key.items():
            fits = new in present and new not in stored_counts and old in stored_counts
            if fits and old not in paired:
                keyed[new] = Rename(old=old, new=new, shared=0, compared=0, by_key=True)
                paired.add(old)
        present -= keyed.keys()
        stored_names = [s for s in stored_counts if s not in paired]
        if not (present - set(stored_names)) or not (set(stored_names) - present):
            return Senders(renames=tuple(keyed.values()), new=(), gone=())
        span = _time_span(part)
        stored = self._stored_keys(chat.id, span) if span else empty_messages()
        rest = part.filter(~pl.col("sender").is_in(list(keyed)))
        found = renamed_senders(stored, rest, stored_senders=stored_names)
        return replace(found, renames=(*keyed.values(), *found.renames))

    def _senders_by_key(
        self,
        chat: _Chat,
        format: str,
        sender_keys: tuple[tuple[str, str], ...],
        merged: dict[str, str],
    ) -> dict[str, str]:
        """Each sender of an export (named as ``merged`` renames them) whose id in the app
        (``sender_keys``) the chat keeps under another name, to that name."""
        if not sender_keys:
            return {}
        stored = dict(
            self._conn.execute(
                "SELECT key, name FROM sender_keys WHERE chat = ? AND format = ?",
                (chat.id, format),
            ).fetchall()
        )
        found = {}
        for name, key in sender_keys:
            old, new = stored.get(key), merged.get(name, name)
            if old is not None and old != new:
                found[new] = old
        return found

    def _me_by_key(
        self,
        chat: _Chat,
        format: str,
        sender_keys: tuple[tuple[str, str], ...],
        in_chat: dict[str, str],
        who: _Who,
    ) -> tuple[_Who, list[str]]:
        """``who`` with ``me`` set to the one sender of the export whose id in the app is the
        one she said is her in another chat of ``format`` (her account), and a note; as it
        is, with no note, when there is none or more than one."""
        if not sender_keys:
            return who, []
        mine = dict(
            self._conn.execute(
                "SELECT k.key, c.chat_id FROM sender_keys k JOIN chats c ON c.id = k.chat"
                " WHERE k.format = ? AND k.name = c.me AND c.id != ?",
                (format, chat.id),
            ).fetchall()
        )
        found = {in_chat.get(name, name): mine[key] for name, key in sender_keys if key in mine}
        if len(found) != 1:
            return who, []
        ((me, other),) = found.items()
        return replace(who, me=me), [describe_me_by_key(me, other)]

    def _keep_sender_keys(
        self,
        chat: _Chat,
        format: str,
        sender_keys: tuple[tuple[str, str], ...],
        renamed: dict[str, str],
        part: pl.DataFrame,
    ) -> None:
        """Keep the app's id of each sender of an export with the name the chat's rows give
        them (``renamed``: the export's name to it). The name of an id the chat has already
        changes only when the export's rows (``part``) hold it: a person an export names but
        who wrote nothing in it (an SMS contact who only received texts) says nothing sure
        about their name in the chat."""
        if not sender_keys:  # most formats: no need to find the senders of a million rows
            return
        present = set(part.get_column("sender").drop_nulls().unique().to_list())
        named = ((renamed.get(name, name), key) for name, key in sender_keys)
        self._conn.executemany(
            "INSERT INTO sender_keys (chat, format, key, name) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (chat, format, key) DO UPDATE SET name = excluded.name WHERE ?",
            [(chat.id, format, key, name, name in present) for name, key in named],
        )

    def _stored_keys(self, chat: int, span: tuple[int, int]) -> pl.DataFrame:
        """The chat's stored (timestamp, sender, kind, text) within ``span`` (microseconds,
        both ends included), typed as in MESSAGE_SCHEMA."""
        return blocks.as_message_types(blocks.read_window(self._conn, chat, span, _KEY_COLUMNS))

    def _file_row(
        self, result: ImportResult, source: Path, file_hash: str, format: str, now: int
    ) -> tuple[int, bool]:
        """The id of the file's row, inserting it and its skipped records when new."""
        found = self._conn.execute(
            "SELECT id FROM files WHERE file_hash = ?", (file_hash,)
        ).fetchone()
        if found is not None:
            return int(found[0]), True
        cursor = self._conn.execute(
            "INSERT INTO files (file_hash, source, format, units, unit, skipped,"
            " first_imported_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (file_hash, str(source), format, result.units, result.unit, len(result.skipped), now),
        )
        file_id = _lastrowid(cursor)
        self._conn.executemany(
            "INSERT INTO skipped (file, line, reason, text, chat) VALUES (?, ?, ?, ?, ?)",
            ((file_id, s.line, s.reason, s.text, s.chat) for s in result.skipped),
        )
        return file_id, False

    def _find_chat(self, format: str, name: str) -> _Chat | None:
        row = self._conn.execute(
            f"SELECT {_CHAT_COLUMNS} FROM chats c WHERE format = ? AND name = ?",
            (format, name),
        ).fetchone()
        return None if row is None else _Chat(*row)

    def _create_chat(self, format: str, name: str, now: int) -> _Chat:
        chat_id = self._unique_chat_id(slugify(name))
        cursor = self._conn.execute(
            "INSERT INTO chats (chat_id, name, format, created_at) VALUES (?, ?, ?, ?)",
            (chat_id, name, format, now),
        )
        return _Chat(_lastrowid(cursor), chat_id, name, None, None)

    def _unique_chat_id(self, slug: str) -> str:
        taken = {
            row[0]
            for row in self._conn.execute(
                "SELECT chat_id FROM chats WHERE chat_id = ? OR chat_id LIKE ? ESCAPE '\\'",
                (slug, slug.replace("_", "\\_").replace("%", "\\%") + "-%"),
            )
        }
        candidate, number = slug, 1
        while candidate in taken:
            number += 1
            candidate = f"{slug}-{number}"
        return candidate

    def _write_blocks(self, chat: int, new: pl.DataFrame) -> None:
        if new.is_empty():
            return
        blocks.insert_blocks(self._conn, chat, blocks.to_block_rows(new))
        count = self._one("SELECT count(*) FROM message_blocks WHERE chat = ?", (chat,))
        if count > COMPACT_AFTER:
            # Many small blocks (one per import) are rewritten as few full ones.
            blocks.replace_rows(self._conn, chat, blocks.read_rows(self._conn, chat))

    # -- chats -----------------------------------------------------------------------------

    def chats(self) -> list[ChatRow]:
        """Every chat in the store, by chat id."""
        with self._read():
            rows = self._conn.execute(_CHAT_ROWS + " GROUP BY c.id ORDER BY c.chat_id").fetchall()
        return [_chat_row(row) for row in rows]

    def chat(self, ref: str) -> ChatRow:
        """A chat by id, by name (case-insensitive) or by a unique prefix of either."""
        chats = self.chats()
        folded = ref.casefold()
        for matches in (
            [c for c in chats if c.chat_id == ref],
            [c for c in chats if c.name.casefold() == folded],
            [
                c
                for c in chats
                if c.chat_id.startswith(folded) or c.name.casefold().startswith(folded)
            ],
        ):
            if len(matches) == 1:
                return matches[0]
            if len(matches) > 1:
                msg = f"{ref!r} matches several chats: {_list_chats(matches)}; use the chat id"
                raise ChatNotFoundError(msg)
        if not chats:
            msg = f"no chat {ref!r}: the store has no chats yet; import one with `pullaway import`"
        else:
            msg = f"no chat {ref!r} in the store; known chats: {_list_chats(chats)}"
        raise ChatNotFoundError(msg)

    def set_me(self, chat_id: str, me: str) -> ChatRow:
        """Choose which sender of the chat is "me"; "them" follows in a two-person chat."""
        with self._write():
            chat = self._chat(chat_id)
            counts = self._sender_counts(chat.id)
            resolved = _resolve_sender(me, list(counts))
            if resolved is None:
                raise _sender_error(me, list(counts), chat.chat_id)
            self._conn.execute(
                "UPDATE chats SET me = ?, them = ? WHERE id = ?",
                (resolved, _them(resolved, counts), chat.id),
            )
        return self.chat(chat.chat_id)

    def senders(self, chat_id: str) -> list[tuple[str, int]]:
        """Non-system senders with their message counts, most first."""
        with self._read():
            counts = self._sender_counts(self._chat(chat_id).id)
        return _most_first(counts)

    def rename(
        self, chat_id: str, name: str | None = None, *, senders: dict[str, str] | None = None
    ) -> ChatRename:
        """Give the chat another name, and its ``senders`` others (old name to new): an SMS
        contact known only by number, or a name she would rather not see. The stored rows
        take the names (ids computed again); exports still giving the old chat name are read
        into this chat, with the same senders renamed (``chat_aliases``, reason
        ``renamed``), and a rename is kept when a later export names the chat otherwise."""
        with self._write():
            chat = self._chat(chat_id)
            format = str(self._one("SELECT format FROM chats WHERE id = ?", (chat.id,)))
            new_name = chat.name if name is None else name.strip()
            counts = self._sender_counts(chat.id)
            given = {old: new.strip() for old, new in (senders or {}).items()}
            unknown = sorted(set(given) - set(counts))
            if unknown:
                raise _sender_error(unknown[0], list(counts), chat.chat_id)
            renames = {old: new for old, new in given.items() if old != new}
            self._check_rename(chat, format, new_name, renames)
            rows = self._rename_rows(chat, new_name, renames)
            if new_name != chat.name:
                # Back to a former name: its exports go here by name, not through an alias.
                self._conn.execute(
                    "DELETE FROM chat_aliases WHERE format = ? AND name = ?", (format, new_name)
                )
                self._conn.execute(
                    "INSERT OR REPLACE INTO chat_aliases"
                    " (format, name, chat, senders, merged_at, reason)"
                    " VALUES (?, ?, ?, ?, ?, 'renamed')",
                    (format, chat.name, chat.id, json.dumps(renames), self._now_us()),
                )
        return ChatRename(
            chat_id=chat.chat_id, name=new_name, was=chat.name, messages=rows, senders=renames
        )

    def _check_rename(self, chat: _Chat, format: str, name: str, senders: dict[str, str]) -> None:
        """Refuse an empty name or sender name, a name another chat of the format has or
        whose exports go to another chat, and a rename that changes nothing."""
        if not name or any(not new for new in senders.values()):
            msg = "a name cannot be empty"
            raise InvalidEntryError(msg)
        if name == chat.name and not senders:
            msg = f"nothing to rename in {chat.chat_id!r}: give a new name or --sender OLD=NEW"
            raise InvalidEntryError(msg)
        if name == chat.name:
            return
        taken = self._find_chat(format, name)
        if taken is not None:
            msg = f"another {format} chat is named {name!r} ({taken.chat_id}); choose another name"
            raise InvalidEntryError(msg)
        alias = self._conn.execute(
            "SELECT chat FROM chat_aliases WHERE format = ? AND name = ?", (format, name)
        ).fetchone()
        if alias is not None and alias[0] != chat.id:
            msg = f"exports named {name!r} are read into another chat; choose another name"
            raise InvalidEntryError(msg)

    def merge(
        self, chat_id: str, other_id: str, *, senders: dict[str, str] | None = None
    ) -> ChatMerge:
        """Make the chat ``other_id`` part of ``chat_id``: one conversation kept in two chats
        (his phone number and his Apple ID, an old number, another app).

        Its messages move in, under this chat's name, with ``senders`` renamed (name there to
        name here; by default its "me" to this chat's "me" and, when both chats have two
        people, its other person to this one's); their ids are computed again, and those this
        chat holds already are not added twice. Its imports, journal days this chat lacks,
        held drafts, and its settings if this chat has none, move too. The chat is gone
        afterwards, and its exports are read into this chat from then on (``chat_aliases``),
        the same senders renamed.
        """
        with self._write():
            keep, other = self._chat(chat_id), self._chat(other_id)
            merged_format = str(self._one("SELECT format FROM chats WHERE id = ?", (other.id,)))
            if keep.id == other.id:
                msg = f"{chat_id!r} and {other_id!r} are one chat: give two different chats"
                raise InvalidEntryError(msg)
            names = self._merged_senders(keep, other, senders)
            moved = self._moved_rows(other, keep, names)
            new = _deduplicate(moved, self._message_ids(keep.id) if moved.height else None)
            self._write_blocks(keep.id, new)
            self._take_over(keep, other, names, format=merged_format)
            counts = self._sender_counts(keep.id)
            self._conn.execute(
                "UPDATE chats SET them = ? WHERE id = ?", (_them(keep.me, counts), keep.id)
            )
        return ChatMerge(
            chat_id=keep.chat_id,
            name=keep.name,
            merged=other.name,
            format=merged_format,
            messages=moved.height,
            added=new.height,
            senders=names,
        )

    def merge_suggestion(self, chat_id: str, other_id: str) -> tuple[list[str], dict[str, str]]:
        """The senders of ``other_id``, most messages first, and who they are in ``chat_id``
        by default (see ``merge``), to show for confirmation: the importer's guess stands in
        for a "me" not chosen yet. When that cannot be told (no "me" in ``chat_id``, or
        senders it lacks), who is who by the messages both chats hold, if any."""
        with self._read():
            keep, other = self._chat(chat_id), self._chat(other_id)
            theirs = _most_first(self._sender_counts(other.id))
            guessed = replace(other, me=other.me or other.me_guess)
            try:
                names = self._merged_senders(keep, guessed, None)
            except InvalidEntryError:
                names = self._paired_by_messages(keep, other)
        return [name for name, _ in theirs], names

    def _paired_by_messages(self, keep: _Chat, other: _Chat) -> dict[str, str]:
        """Who the senders of ``other`` are in ``keep``, told by the messages both hold
        (``renames.renamed_senders``): one conversation stored twice, say his number's chat
        and the chat Contacts named."""
        theirs = blocks.as_message_types(blocks.read_rows(self._conn, other.id, _KEY_COLUMNS))
        span = _time_span(theirs)
        if span is None:
            return {}
        return _paired(self._stored_keys(keep.id, span), theirs)

    def _merged_senders(
        self, keep: _Chat, other: _Chat, given: dict[str, str] | None
    ) -> dict[str, str]:
        """``given`` (checked: each a sender of ``other``), or who is who by "me" and, in two
        two-person chats, the other person; senders named the same in both are left alone."""
        theirs = list(self._sender_counts(other.id))
        if given is not None:
            unknown = sorted(set(given) - set(theirs))
            if unknown:
                raise _sender_error(unknown[0], theirs, other.chat_id)
            return {old: new for old, new in given.items() if old != new}
        # In a chat where she never wrote, the importer's guess for her is no sender: fine.
        absent = other.me is None and other.me_guess is not None and other.me_guess not in theirs
        if keep.me is None or (other.me is None and not absent):
            missing = keep if keep.me is None else other
            msg = (
                f"say which sender is you in {missing.chat_id!r} first (`pullaway me "
                f"{missing.chat_id} NAME`), or say who is who with --sender OLD=NEW"
            )
            raise InvalidEntryError(msg)
        names = {other.me: keep.me} if other.me is not None else {}
        ours = [s for s in self._sender_counts(keep.id) if s != keep.me]
        others = [s for s in theirs if s != other.me]
        if len(ours) == 1 and len(others) == 1:
            names[others[0]] = ours[0]
        elif others and set(others) - set(ours):
            shown = ", ".join(sorted(set(others) - set(ours))[:8])
            msg = (
                f"{other.chat_id!r} has senders {keep.chat_id!r} lacks ({shown}): "
                "say who is who with --sender OLD=NEW (--sender OLD=OLD keeps a name)"
            )
            raise InvalidEntryError(msg)
        return {old: new for old, new in names.items() if old != new}

    def _moved_rows(self, other: _Chat, keep: _Chat, names: dict[str, str]) -> pl.DataFrame:
        """The messages of ``other`` as rows of ``keep``: its name, ``names`` renamed, ids
        computed again (a file's own kept). When both chats were put on a zone's clock
        (``chats.zone``) and the zones differ, they move to ``keep``'s, as its later exports
        will be (``_in_one_zone``); a file's own wall clock is kept."""
        frame = blocks.from_block_rows(blocks.read_rows(self._conn, other.id), other.name)
        moved = _renamed(frame, chat=keep.name, senders=names)
        zone, theirs = self._zone(keep), self._zone(other)
        return in_zone(moved, zone) if zone and theirs and zone != theirs else moved

    def _take_over(self, keep: _Chat, other: _Chat, names: dict[str, str], *, format: str) -> None:
        """Move ``other``'s imports, aliases, app keys, journal days and drafts to ``keep``,
        and its settings when ``keep`` has none; record it as an alias of ``keep``; delete
        it."""
        conn, now = self._conn, self._now_us()
        for format, old, senders in conn.execute(
            "SELECT format, name, senders FROM chat_aliases WHERE chat = ?", (other.id,)
        ).fetchall():
            through = json.dumps(_then(json.loads(senders), names))
            conn.execute(
                "UPDATE chat_aliases SET chat = ?, senders = ? WHERE format = ? AND name = ?",
                (keep.id, through, format, old),
            )
        conn.execute(
            "INSERT INTO chat_aliases (format, name, chat, senders, merged_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (format, other.name, keep.id, json.dumps(names), now),
        )
        conn.execute("UPDATE imports SET chat = ? WHERE chat = ?", (keep.id, other.id))
        conn.execute("UPDATE chat_keys SET chat = ? WHERE chat = ?", (keep.id, other.id))
        conn.executemany(
            "INSERT OR IGNORE INTO sender_keys (chat, format, key, name) VALUES (?, ?, ?, ?)",
            [
                (keep.id, fmt, key, names.get(name, name))
                for fmt, key, name in conn.execute(
                    "SELECT format, key, name FROM sender_keys WHERE chat = ?", (other.id,)
                ).fetchall()
            ],
        )
        conn.execute("UPDATE drafts SET chat = ? WHERE chat = ?", (keep.id, other.id))
        conn.execute(
            "INSERT OR IGNORE INTO journal SELECT ?, day, mood, urge, self_care, note, written_at"
            " FROM journal WHERE chat = ?",
            (keep.id, other.id),
        )
        # Settings made for OTHER stand for the conversation when CHAT has none of its own.
        conn.execute(
            "INSERT OR IGNORE INTO settings SELECT ?, value FROM settings WHERE chat = ?",
            (keep.id, other.id),
        )
        conn.execute(
            "UPDATE chats SET zone = coalesce(zone, (SELECT zone FROM chats WHERE id = ?))"
            " WHERE id = ?",
            (other.id, keep.id),
        )
        conn.execute("DELETE FROM chats WHERE id = ?", (other.id,))

    def _zone(self, chat: _Chat) -> str | None:
        """The time zone the chat's messages are shown in (``chats.zone``), if it has one."""
        zone: str | None = self._one("SELECT zone FROM chats WHERE id = ?", (chat.id,))
        return zone

    def delete_chat(self, chat_id: str) -> None:
        """Remove the chat and everything derived from it; files no chat uses go too."""
        with self._write():
            chat = self._chat(chat_id)
            self._conn.execute("DELETE FROM chats WHERE id = ?", (chat.id,))
            self._conn.execute("DELETE FROM files WHERE id NOT IN (SELECT file FROM imports)")
        with self._lock:
            # Deleted pages are zeroed (secure_delete); fold the WAL in so no copy lingers there.
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # -- messages and provenance -----------------------------------------------------------

    def messages(
        self, chat_id: str, *, since: datetime | None = None, until: datetime | None = None
    ) -> pl.DataFrame:
        """The chat's messages (MESSAGE_SCHEMA), ``since <= timestamp < until``, in time order.

        Ties on (timestamp, source_line) are broken by ``message_id`` so the order is stable.
        """
        query = "SELECT data FROM message_blocks WHERE chat = ?"
        params: list[Any] = []
        if since is not None:
            query += " AND last_ts >= ?"
            params.append(_to_us(since))
        if until is not None:
            query += " AND first_ts < ?"
            params.append(_to_us(until))
        with self._read():
            chat = self._chat(chat_id)
            query += blocks.BY_TIME
            blobs = [row[0] for row in self._conn.execute(query, (chat.id, *params))]
        if not blobs:
            return empty_messages()
        rows = blocks.concat_blocks(blobs)
        if since is not None:
            rows = rows.filter(pl.col("timestamp") >= _to_us(since))
        if until is not None:
            rows = rows.filter(pl.col("timestamp") < _to_us(until))
        return blocks.from_block_rows(rows, chat.name)

    def imports(self, chat_id: str) -> pl.DataFrame:
        """Every import into the chat, oldest first, with what it read and added; ``units``
        and ``skipped`` are the whole file's (of all its chats: see ``skipped`` for the
        chat's own)."""
        with self._read():
            chat = self._chat(chat_id)
            rows = self._conn.execute(
                "SELECT i.id, i.imported_at, i.source, f.file_hash, f.format, f.units, f.unit,"
                " i.messages, i.added, f.skipped FROM imports i JOIN files f ON f.id = i.file"
                " WHERE i.chat = ? ORDER BY i.id",
                (chat.id,),
            ).fetchall()
        return _frame(rows, _IMPORTS_SCHEMA).with_columns(_utc("imported_at"))

    def skipped(self, chat_id: str, *, limit: int = 100) -> list[Skipped]:
        """The chat's records that did not become messages, first ``limit`` of them: those
        of its files placed in it (``skipped_by_chat``), and all of a file imported before
        records were placed (``0008_skipped_chats``)."""
        with self._read():
            chat = self._chat(chat_id)
            rows = self._conn.execute(
                "SELECT s.line, s.reason, s.text, s.chat FROM skipped s"
                " WHERE EXISTS (SELECT 1 FROM imports i WHERE i.file = s.file AND i.chat = ?"
                "   AND (i.name IS NULL OR i.name = s.chat OR (s.chat IS NULL AND NOT EXISTS"
                "     (SELECT 1 FROM imports o WHERE o.file = s.file AND o.chat != i.chat))))"
                " ORDER BY s.file, s.line, s.rowid LIMIT ?",
                (chat.id, limit),
            ).fetchall()
        return [Skipped(*row) for row in rows]

    # -- the space companion ---------------------------------------------------------------

    def add_journal_entry(
        self, chat_id: str, *, day: date, mood: int, urge: int, self_care: str, note: str
    ) -> None:
        """Write the day's check-in (mood 1-5, urge to text him 0-10); a second one replaces it."""
        _check_range("mood", mood, 1, 5)
        _check_range("urge", urge, 0, 10)
        with self._write():
            chat = self._chat(chat_id)
            self._conn.execute(
                "INSERT INTO journal (chat, day, mood, urge, self_care, note, written_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (chat, day) DO UPDATE SET"
                " mood = excluded.mood, urge = excluded.urge, self_care = excluded.self_care,"
                " note = excluded.note, written_at = excluded.written_at",
                (chat.id, day.isoformat(), mood, urge, self_care, note, self._now_us()),
            )

    def journal(self, chat_id: str) -> pl.DataFrame:
        """The chat's journal, one row per day, oldest first."""
        with self._read():
            chat = self._chat(chat_id)
            rows = self._conn.execute(
                "SELECT day, mood, urge, self_care, note, written_at FROM journal"
                " WHERE chat = ? ORDER BY day",
                (chat.id,),
            ).fetchall()
        return _frame(rows, _JOURNAL_SCHEMA).with_columns(
            pl.col("day").str.to_date("%Y-%m-%d"), _utc("written_at")
        )

    def hold_draft(
        self, chat_id: str, *, text: str, verdict: str, reason: str, hold_until: datetime
    ) -> int:
        """Hold a message she wanted to send until ``hold_until``; returns the draft's id.

        A naive ``hold_until`` is read as local time of this computer.
        """
        if not text.strip():
            msg = "cannot hold an empty draft: paste the message you want to send"
            raise InvalidEntryError(msg)
        with self._write():
            chat = self._chat(chat_id)
            cursor = self._conn.execute(
                "INSERT INTO drafts (chat, text, verdict, reason, held_at, hold_until)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (chat.id, text, verdict, reason, self._now_us(), _to_utc_us(hold_until)),
            )
            return _lastrowid(cursor)

    def drafts(self, chat_id: str) -> pl.DataFrame:
        """The chat's held drafts, oldest first; ``released_at`` is null while still held."""
        with self._read():
            chat = self._chat(chat_id)
            rows = self._conn.execute(
                "SELECT id, text, verdict, reason, held_at, hold_until, released_at FROM drafts"
                " WHERE chat = ? ORDER BY held_at, id",
                (chat.id,),
            ).fetchall()
        return _frame(rows, _DRAFTS_SCHEMA).with_columns(
            _utc("held_at"), _utc("hold_until"), _utc("released_at")
        )

    def release_draft(self, chat_id: str, draft_id: int) -> None:
        """Mark a held draft as released (she may send it now); releasing twice keeps the first."""
        with self._write():
            chat = self._chat(chat_id)
            self._draft_exists(chat, draft_id)
            self._conn.execute(
                "UPDATE drafts SET released_at = coalesce(released_at, ?) WHERE id = ?",
                (self._now_us(), draft_id),
            )

    def delete_draft(self, chat_id: str, draft_id: int) -> None:
        with self._write():
            chat = self._chat(chat_id)
            self._draft_exists(chat, draft_id)
            self._conn.execute("DELETE FROM drafts WHERE id = ?", (draft_id,))

    def settings(self, chat_id: str) -> dict[str, Any]:
        """The chat's analysis settings and language, as last saved ({} when none)."""
        with self._read():
            chat = self._chat(chat_id)
            found = self._conn.execute(
                "SELECT value FROM settings WHERE chat = ?", (chat.id,)
            ).fetchone()
        value: dict[str, Any] = json.loads(found[0]) if found else {}
        return value

    def set_settings(self, chat_id: str, values: dict[str, Any]) -> None:
        """Replace the chat's settings with ``values`` (a JSON-compatible dict)."""
        try:
            encoded = json.dumps(values, ensure_ascii=False, sort_keys=True, allow_nan=False)
        except (TypeError, ValueError) as exc:
            msg = f"settings must be plain JSON values (text, numbers, lists, dicts): {exc}"
            raise InvalidEntryError(msg) from exc
        if not isinstance(values, dict):
            msg = f"settings must be a dict, not {type(values).__name__}"
            raise InvalidEntryError(msg)
        with self._write():
            chat = self._chat(chat_id)
            self._conn.execute(
                "INSERT INTO settings (chat, value) VALUES (?, ?)"
                " ON CONFLICT (chat) DO UPDATE SET value = excluded.value",
                (chat.id, encoded),
            )

    # -- helpers ---------------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[None]:
        """One write transaction, taken at once so a second process waits instead of failing."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    @contextmanager
    def _read(self) -> Iterator[None]:
        """One consistent snapshot for several SELECTs."""
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                yield
            finally:
                if self._conn.in_transaction:
                    self._conn.execute("COMMIT")

    def _now_us(self) -> int:
        return _to_utc_us(self._clock())

    def _one(self, query: str, params: Sequence[Any]) -> Any:
        return self._conn.execute(query, params).fetchone()[0]

    def _chat(self, chat_id: str) -> _Chat:
        row = self._conn.execute(
            f"SELECT {_CHAT_COLUMNS} FROM chats c WHERE chat_id = ?", (chat_id,)
        ).fetchone()
        if row is None:
            known = self._conn.execute(_CHAT_ROWS + " GROUP BY c.id ORDER BY c.chat_id")
            chats = [_chat_row(r) for r in known]
            listing = _list_chats(chats) if chats else "none yet"
            msg = f"no chat with id {chat_id!r} in the store; known chats: {listing}"
            raise ChatNotFoundError(msg)
        return _Chat(*row)

    def _draft_exists(self, chat: _Chat, draft_id: int) -> None:
        if not self._one(
            "SELECT EXISTS (SELECT 1 FROM drafts WHERE id = ? AND chat = ?)", (draft_id, chat.id)
        ):
            msg = f"no held draft {draft_id} in chat {chat.chat_id!r}"
            raise DraftNotFoundError(msg)

    def _has_messages(self, chat: int) -> bool:
        return bool(
            self._one("SELECT EXISTS (SELECT 1 FROM message_blocks WHERE chat = ?)", (chat,))
        )

    def _message_ids(self, chat: int) -> pl.Series:
        return blocks.read_rows(self._conn, chat, ["message_id"])["message_id"]

    def _sender_counts(self, chat: int) -> dict[str, int]:
        rows = blocks.read_rows(self._conn, chat, ["sender", "kind"])
        return _sender_counts(rows, is_system=pl.col("kind") == blocks.KIND_CODES.index("system"))


_KEY_COLUMNS: Final = ("timestamp", "sender", "kind", "text")
"""What ``pullaway.renames`` compares two chats' messages on (with the senders)."""

_ZONED_FORMATS: Final = frozenset({"imessage", "instagram", "messenger", "sms_xml"})
"""Formats whose every message is an instant the importer puts on a zone's clock (this
computer's unless ``--timezone``); Discord and Telegram files carry their own clock."""

_CHAT_ROWS: Final = (
    "SELECT c.chat_id, c.name, c.format, c.me, c.them, coalesce(sum(b.rows), 0),"
    " min(b.first_ts), max(b.last_ts), c.me_guess,"
    " (SELECT json_group_array(json_array(a.format, a.name)) FROM"
    " (SELECT format, name FROM chat_aliases WHERE chat = c.id AND reason = 'merged'"
    " ORDER BY merged_at, name) a)"
    " FROM chats c LEFT JOIN message_blocks b ON b.chat = c.id"
)

_IMPORTS_SCHEMA: Final = pl.Schema(
    {
        "import_id": pl.Int64,
        "imported_at": pl.Int64,
        "source": pl.String,
        "file_hash": pl.String,
        "format": pl.String,
        "units": pl.Int64,
        "unit": pl.String,
        "messages": pl.Int64,
        "added": pl.Int64,
        "skipped": pl.Int64,
    }
)
_JOURNAL_SCHEMA: Final = pl.Schema(
    {
        "day": pl.String,
        "mood": pl.Int8,
        "urge": pl.Int8,
        "self_care": pl.String,
        "note": pl.String,
        "written_at": pl.Int64,
    }
)
_DRAFTS_SCHEMA: Final = pl.Schema(
    {
        "id": pl.Int64,
        "text": pl.String,
        "verdict": pl.String,
        "reason": pl.String,
        "held_at": pl.Int64,
        "hold_until": pl.Int64,
        "released_at": pl.Int64,
    }
)


# -- opening ---------------------------------------------------------------------------------


def _prepare_file(path: Path) -> tuple[str, ...]:
    """Create the folder and an owner-only file, or check an existing one. Returns notes."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, OWNER_ONLY))
            return ()
    except OSError as exc:
        msg = f"cannot create the store at {path}: {exc.strerror}; choose another with --store"
        raise StoreError(msg) from exc
    if not path.is_file():
        msg = f"{path} is not a file; point --store or {STORE_ENV} at a .db file"
        raise StoreError(msg)
    _check_header(path)
    _check_not_foreign(path)
    if not os.access(path, os.R_OK | os.W_OK):
        msg = f"{path}: the store is not readable and writable by you; check its permissions"
        raise StoreError(msg)
    return _tighten(path)


def _check_not_foreign(path: Path) -> None:
    """Refuse another program's SQLite database (an iMessage ``chat.db``, say) before
    anything changes it: its tables are listed through a read-only, immutable connection,
    which takes no lock and writes no journal, and the file keeps its mode, bytes and time."""
    uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
    try:
        with closing(sqlite3.connect(uri, uri=True)) as conn:
            tables = {
                row[0]
                for row in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                    " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
                )
            }
    except sqlite3.Error:
        # Unreadable without a lock (being written by another process this very moment, say):
        # the locked connection that follows reads it properly and refuses it if need be.
        return
    if tables and MIGRATIONS.migrations_table not in tables:
        raise _foreign_database(path, tables)


def _foreign_database(path: Path, tables: set[str]) -> StoreError:
    return StoreError(
        f"{path} is a SQLite database but not a pullaway store (it has tables "
        f"{', '.join(sorted(tables)[:5])}); point --store at another file"
    )


def _check_header(path: Path) -> None:
    with path.open("rb") as fh:
        head = fh.read(len(_SQLITE_HEADER))
    if head and head != _SQLITE_HEADER:
        msg = (
            f"{path} is not a pullaway store (not a SQLite database); "
            f"point --store or {STORE_ENV} at another file"
        )
        raise StoreError(msg)


def _tighten(path: Path) -> tuple[str, ...]:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & ~OWNER_ONLY == 0 or os.name != "posix":
        return ()
    try:
        path.chmod(OWNER_ONLY)
    except OSError as exc:
        msg = f"{path} can be read by others (mode {mode:o}) and could not be made private: {exc}"
        raise StoreError(msg) from exc
    return (f"{path} was readable by others (mode {mode:o}); made it owner-only (600)",)


def _connect(path: Path) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        msg = f"cannot open the store {path}: {exc}"
        raise StoreError(msg) from exc
    try:
        for pragma in (
            # Large pages keep message blocks in few overflow pages; only takes effect on a new
            # file (before the first table), as WAL mode fixes the page size afterwards.
            f"PRAGMA page_size = {PAGE_SIZE}",
            "PRAGMA journal_mode = WAL",
            "PRAGMA synchronous = NORMAL",
            "PRAGMA foreign_keys = ON",
            "PRAGMA secure_delete = ON",
            "PRAGMA busy_timeout = 5000",
        ):
            conn.execute(pragma).fetchall()
    except sqlite3.Error as exc:
        conn.close()
        msg = f"cannot open the store {path}: {exc}; is it a pullaway store you can write to?"
        raise StoreError(msg) from exc
    return conn


def _migrate(conn: sqlite3.Connection, path: Path) -> list[str]:
    """Apply the pending migrations; the names of those applied to a store that had some
    already (an upgrade, not a new store)."""
    db = Database(conn)
    try:
        tables = set(db.table_names())
        applied = MIGRATIONS.applied(db) if MIGRATIONS.migrations_table in tables else []
        if tables and not applied:
            raise _foreign_database(path, tables)
        unknown = [m.name for m in applied if m.name not in known_migrations()]
        if unknown:
            msg = (
                f"{path} was written by a newer pullaway (schema {', '.join(unknown)}); "
                "upgrade pullaway to open it, or use another --store"
            )
            raise StoreVersionError(msg)
        pending = [m.name for m in MIGRATIONS.pending(db)]
        MIGRATIONS.apply(db)
    except sqlite3.Error as exc:
        msg = f"cannot prepare the store {path}: {exc}"
        raise StoreError(msg) from exc
    return pending if applied else []


# -- messages --------------------------------------------------------------------------------


def _chat_names(result: ImportResult, frame: pl.DataFrame) -> list[str]:
    """Chats of an import: those the importer described, then any others the messages name."""
    if frame.get_column("chat").has_nulls():
        msg = "message frame has rows without a chat name (an importer bug)"
        raise SchemaError(msg)
    return result.chat_names()


def _split_by_chat(frame: pl.DataFrame, names: list[str]) -> dict[str, pl.DataFrame]:
    if len(names) == 1:
        return {names[0]: frame}
    parts = frame.partition_by("chat", as_dict=True, include_key=True)
    return {name: parts.get((name,), frame.clear()) for name in names}


def _deduplicate(part: pl.DataFrame, existing: pl.Series | None) -> pl.DataFrame:
    """Rows whose message_id is neither in ``existing`` nor earlier in ``part``."""
    keys, known = _id_keys(part["message_id"], existing)
    new = part if keys.n_unique() == keys.len() else part.filter(keys.is_first_distinct())
    if known is None or known.is_empty():
        return new
    keys = keys.filter(keys.is_first_distinct()) if new.height < part.height else keys
    return new.filter(~keys.is_in(known.implode()))


def _without_held_by_wall_clock(
    part: pl.DataFrame, new: pl.DataFrame, held: pl.Series
) -> pl.DataFrame:
    """``new`` (rows of ``part``) without those a chat holds under the id their wall clock
    gave them before ids of a CSV's epoch values were keyed on the instant: so a file read
    again in the zone of its first import adds nothing. (Those ids are computed over all of
    ``part``, as they were then.)"""
    ids = part.get_column("message_id")
    former = with_message_ids(part).get_column("message_id")
    changed = former != ids
    if not changed.any():
        return new
    held_before = ids.filter(changed & former.is_in(held.implode()))
    return new.filter(~pl.col("message_id").is_in(held_before.implode()))


def _id_keys(ids: pl.Series, existing: pl.Series | None) -> tuple[pl.Series, pl.Series | None]:
    """The ids as integers when all are written as model.with_message_ids writes them, in
    decimal without leading zeros and below 2**64 (several times faster to compare than
    strings; one number per string, so equal ids stay equal), else as they are.

    >>> ids, _ = _id_keys(pl.Series(["7", "18446744073709551615"]), None)
    >>> ids.dtype, _id_keys(pl.Series(["7", "07"]), None)[0].dtype
    (UInt64, String)
    >>> _id_keys(pl.Series(["18446744073709551616"]), None)[0].dtype
    String
    """
    both = ids if existing is None else pl.concat([ids, existing])
    if both.is_empty() or not both.str.contains(_DECIMAL).all():
        return ids, existing
    numbers = both.cast(pl.UInt64, strict=False)
    if numbers.null_count():  # 2**64 or more
        return ids, existing
    return numbers.head(ids.len()), None if existing is None else numbers.tail(existing.len())


_DECIMAL: Final = r"^(?:0|[1-9][0-9]{0,19})$"


def _sender_counts(rows: pl.DataFrame, *, is_system: pl.Expr) -> dict[str, int]:
    counts = (
        rows.lazy()
        .filter(pl.col("sender").is_not_null() & ~is_system)
        .group_by("sender")
        .len()
        .collect()
    )
    return dict(zip(counts["sender"].to_list(), counts["len"].to_list(), strict=True))


def _time_span(part: pl.DataFrame) -> tuple[int, int] | None:
    """The first and last timestamp of ``part`` in microseconds (as blocks keep them)."""
    times = part.get_column("timestamp").drop_nulls()
    if times.is_empty():
        return None
    return _to_us(times.min()), _to_us(times.max())  # type: ignore[arg-type]


def _renamed(part: pl.DataFrame, *, chat: str, senders: dict[str, str]) -> pl.DataFrame:
    """``part`` as messages of the chat named ``chat``, with ``senders`` renamed (new name
    to stored name). Ids the importer derived (``with_message_ids``, by wall clock or by
    instant, for the whole file or, in a CSV, for its epoch rows) are derived again, the same
    way, from the new names; ids the file gave (a CSV's ``message_id`` column) are kept."""
    renamed_chat = not part.is_empty() and (part.get_column("chat") != chat).any()
    if not senders and not renamed_chat:
        return part
    renamed = part.with_columns(chat=pl.lit(chat), sender=pl.col("sender").replace(senders))
    given = part.get_column("message_id")
    by_wall = with_message_ids(part).get_column("message_id") == given
    if by_wall.all():
        return validate_messages(with_message_ids(renamed))
    by_instant = (with_message_ids(part, by_instant=True).get_column("message_id") == given) & (
        ~by_wall
    )
    derived = by_wall | by_instant
    if not derived.any():
        return renamed
    keyed = renamed.with_columns(_by_instant=by_instant)
    ids = with_message_ids(keyed, by_instant=pl.col("_by_instant")).get_column("message_id")
    return validate_messages(renamed.with_columns(message_id=ids.zip_with(derived, given)))


def _most_first(counts: dict[str, int]) -> list[tuple[str, int]]:
    """Senders and their message counts, most first, then by name."""
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _then(first: dict[str, str], then: dict[str, str]) -> dict[str, str]:
    """Renaming by ``first``, then by ``then``, as one renaming.

    >>> _then({"Leo M": "Leo"}, {"Leo": "Leo 💔", "Me": "Maya"})
    {'Leo M': 'Leo 💔', 'Leo': 'Leo 💔', 'Me': 'Maya'}
    """
    both = {old: then.get(new, new) for old, new in first.items()}
    return both | {old: new for old, new in then.items() if old not in first}


def describe_shared_in_part(
    chat_id: str, parts: list[tuple[_Chat, Overlap, dict[str, str]]]
) -> list[str]:
    """A note for each stored chat that holds some of a new chat's messages (at least
    ``MIN_SHARED``, not enough to be it), with the merge that would make them one and the
    senders it holds under other names (``--sender``): merging is the user's call.

    >>> one = _Chat(1, "15551234567", "+15551234567", None, None)
    >>> describe_shared_in_part("leo", [(one, Overlap(8, 16), {"+15551234567": "Leo M"})])
    ["the stored chat '+15551234567' holds 8 of this export's 16 messages from its time; if \
they are one conversation (his number and his address, say), merge it into this one: \
pullaway merge leo 15551234567 --sender '+15551234567=Leo M'"]
    """
    notes = []
    for chat, shared, senders in parts:
        command = ["pullaway", "merge", chat_id, chat.chat_id]
        for old, new in senders.items():
            command += ["--sender", f"{old}={new}"]
        notes.append(
            f"the stored chat {chat.name!r} holds {shared.shared:,} of this export's "
            f"{counted(shared.compared, 'message')} from its time; if they are one "
            f"conversation (his number and his address, say), merge it into this one: "
            f"{shlex.join(command)}"
        )
    return notes


def _paired(stored: pl.DataFrame, incoming: pl.DataFrame) -> dict[str, str]:
    """Each sender of ``incoming`` that is a sender of ``stored`` under another name, to that
    name (``renames.renamed_senders``)."""
    return {rename.new: rename.old for rename in renamed_senders(stored, incoming).renames}


def _new_name(name: str | None, renames: dict[str, str]) -> str | None:
    return None if name is None else renames.get(name, name)


def _merge_counts(old: dict[str, int], new: dict[str, int]) -> dict[str, int]:
    return {name: old.get(name, 0) + new.get(name, 0) for name in old.keys() | new.keys()}


def _resolve_sender(me: str, names: list[str]) -> str | None:
    """``me`` as one of ``names``: an exact match, else the only case-insensitive one."""
    if me in names:
        return me
    folded = {name for name in names if name.casefold() == me.casefold()}
    return folded.pop() if len(folded) == 1 else None


def _sender_error(me: str, senders: list[str], chat: str) -> SenderNotFoundError:
    listing = ", ".join(repr(s) for s in sorted(senders)[:10]) or "nobody has written yet"
    msg = f"{me!r} is not a sender in chat {chat!r}; its senders are: {listing}"
    if OWNER_SENDER in senders:
        msg += f" ({OWNER_SENDER!r} is how this export names its owner's messages)"
    return SenderNotFoundError(msg)


def _chosen_me(chat: _Chat, who: _Who, counts: dict[str, int]) -> str | None:
    """``who.me`` as one of the chat's senders; the chat's earlier choice when not given, or
    not a sender of a chat in a file of several."""
    if who.me is None:
        return chat.me
    resolved = _resolve_sender(who.me, [*counts, *who.participants])
    if resolved is None and who.must_match_me:
        raise _sender_error(who.me, list(counts), chat.chat_id)
    return resolved or chat.me


def _them(me: str | None, counts: dict[str, int]) -> str | None:
    """The other participant when the chat has exactly two senders and one is ``me``."""
    if me is None or len(counts) != 2 or me not in counts:
        return None
    return next(name for name in counts if name != me)


# -- small conversions -----------------------------------------------------------------------


def _to_us(moment: datetime) -> int:
    """Naive local wall-clock time as microseconds since the epoch (how messages are kept)."""
    return (moment.replace(tzinfo=None) - _EPOCH) // timedelta(microseconds=1)


def _to_utc_us(moment: datetime) -> int:
    """An instant as UTC microseconds since the epoch; naive means local time here."""
    aware = moment if moment.tzinfo is not None else moment.astimezone()
    return (aware.astimezone(UTC).replace(tzinfo=None) - _EPOCH) // timedelta(microseconds=1)


def _from_us(value: int | None) -> datetime | None:
    return None if value is None else _EPOCH + timedelta(microseconds=value)


def _utc(column: str) -> pl.Expr:
    return pl.col(column).cast(pl.Datetime("us", "UTC"))


def _frame(rows: list[Any], schema: pl.Schema) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=schema, orient="row")


def _lastrowid(cursor: sqlite3.Cursor) -> int:
    if cursor.lastrowid is None:  # pragma: no cover - sqlite3 always sets it after INSERT
        msg = "the store did not return the id of a new row"
        raise StoreError(msg)
    return cursor.lastrowid


def _chat_row(row: Sequence[Any]) -> ChatRow:
    chat_id, name, format, me, them, messages, first, last, me_guess, merged = row
    return ChatRow(
        chat_id,
        name,
        format,
        me,
        them,
        int(messages),
        _from_us(first),
        _from_us(last),
        me_guess,
        tuple((str(f), str(n)) for f, n in json.loads(merged or "[]")),
    )


def _list_chats(chats: list[ChatRow]) -> str:
    return ", ".join(f"{c.chat_id} ({c.name}, {c.format})" for c in chats)


def _check_range(name: str, value: int, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        msg = f"{name} must be a whole number from {low} to {high}, not {value!r}"
        raise InvalidEntryError(msg)
