"""Private: Meta "Download Your Information" JSON, shared by the Messenger and Instagram importers.

A thread is a folder ``<thread>/`` holding ``message_1.json``, ``message_2.json``, …, each
with ``participants``, ``title`` and up to ~10,000 ``messages`` (newest first). An input is
one of those files (its sibling files are read too), a thread folder, or a folder or ``.zip``
of a whole download with many threads. Every string is repaired of Latin-1 mojibake where
it has it (:func:`repair_mojibake`). Times are UTC milliseconds, shown in the local zone.

Records are numbered (``source_line``) from 1 across the files read, in a stable order:
threads by folder path, files by their number (``message_1`` first), records in file order.
"""

from __future__ import annotations

import json
import re
from array import array
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path, PurePosixPath
from typing import Any, Final, Literal

import polars as pl

from pullaway.errors import ChatNotFoundError, ParseError, at_file
from pullaway.importers._base import (
    ChatMeta,
    DateOrder,
    Importer,
    ImportResult,
    Sample,
    Skipped,
    numbered,
    paused_gc,
    report_progress,
)
from pullaway.importers._json import (
    Container,
    RawRecords,
    let_go,
    load_json,
    load_json_lazily,
    local_wall_clock,
    timezone_note,
    wall_clock_zone,
)
from pullaway.model import Kind, KindName, validate_messages, with_message_ids

Platform = Literal["messenger", "instagram"]
# About the shares of a full download's parse time: reading the files (by thread), then the
# records (by record), then making the message table.
LOAD_SHARE: Final = 0.2
ROWS_SHARE: Final = 0.6

SNIFF_SURE = 0.9
SNIFF_OTHER_PLATFORM = 0.3
FULL_FILE_RECORDS = 10_000  # Meta splits a thread into files of at most this many messages
MAX_ABS_TIMESTAMP_MS = 10**14  # about the year 5138: anything beyond is a damaged value

THREAD_FILE: Final = re.compile(r"(?:^|/)message_(\d+)\.json$")
THREAD_HTML: Final = re.compile(r"(?:^|/)message_\d+\.html$")
_OWNER_FILES: Final = ("profile_information.json", "personal_information.json")
_AUTOFILL_FILE: Final = "autofill_information.json"
_MEDIA_KEYS: Final = ("photos", "videos", "gifs", "files")

# Hints that tell the two platforms apart (same JSON shape), with their weights; none of the
# keys both write (Instagram's downloads too have is_unsent_image_by_messenger_kid_parent).
_INSTAGRAM_HINTS: Final = {
    "your_instagram_activity": 3,
    "followers_and_following/": 3,
    "story_interactions/": 2,
    "ig.me/": 2,
    "cdninstagram": 2,
    '"liked a message"': 2,
    "instagram.com/stories/": 2,
    "instagram.com/reel": 2,
    "instagram.com": 1,
    '"instagram user"': 1,
}
_MESSENGER_HINTS: Final = {
    "your_facebook_activity": 3,
    "your_activity_across_facebook": 3,
    "profile_information/": 3,
    "friends_and_followers/": 2,
    "messenger.com": 2,
    "fbcdn": 2,
    "facebook.com": 1,
    '"facebook user"': 1,
}

# Localized strings Meta writes into `content` instead of a message. English first, then
# Spanish, Portuguese, German and French, as seen in exports (best effort, extend as found).
_PLACEHOLDER: Final = re.compile(
    r"(?: sent an attachment| sent a (?:photo|video|GIF|voice message|sticker|link)"
    r"| envió un archivo adjunto| enviou um anexo| hat einen Anhang gesendet"
    r"| a envoyé une pièce jointe)\.?$"
)
_CALL: Final = re.compile(
    r"(?:^|\s)(?:started|missed) (?:a|an|your) (?:video chat|audio call|call|video call)\.?$"
    r"|^(?:Video chat|Audio call|The video chat|The call) ended\.?$"
    r"|^You missed a call from |missed your call\.?$|^(?:You )?called you\.?$"
)
_SYSTEM: Final = re.compile(
    "|".join(
        [
            r"^[Ll]iked a message\.?$",
            r"^[Rr]eacted .{1,24} to (?:your|a) message\s*$",
            r" reacted .{1,24} to (?:your|a) message\s*$",
            r" created a poll: ",
            r"'s poll has multiple updates\.$",
            r"^This poll is no longer available\.$",
            r" voted for .* in the poll",
            r" changed (?:their|his|her) vote to ",
            r" (?:joined|left) the (?:group|conversation)\.$",
            r" (?:added|removed) .+ (?:to|from) the group\.$",
            r" named the group ",
            r" changed the group (?:photo|name)",
            r" set (?:the|your|his|her|their) (?:own )?nickname",
            r" changed the (?:chat )?theme",
            r" set the (?:quick reaction|emoji) to ",
            r" (?:pinned|unsent) a message\.?$",
            r"^You are now connected on Messenger\.?$",
            r"^Say hi to your new Facebook friend",
            r"^You can now message and call each other",
            r" waved at you",
            r" is waving at you!?$",
            r"^Le gustó un mensaje$",
            r"^Reaccionó .{1,24} a tu mensaje",
            r" se unió al grupo\.$",
            r" creó una encuesta: ",
            r"^Curtiu uma mensagem$",
            r"^Reagiu .{1,24} à sua mensagem",
            r" entrou no grupo\.$",
            r" criou uma enquete: ",
            r"^Hat mit .{1,24} auf deine Nachricht reagiert",
            r" ist der Gruppe beigetreten\.$",
            r" hat eine Umfrage erstellt: ",
            r"^A aimé un message$",
            r"^A réagi .{1,24} à votre message",
            r" a rejoint le groupe\.$",
            r" a créé un sondage ?: ",
        ]
    )
)
_SYSTEM_TYPES: Final = frozenset({"Subscribe", "Unsubscribe"})


def repair_mojibake(text: str) -> str:
    """Undo Meta's double encoding (UTF-8 bytes written as Latin-1 code points) where present.

    Only a string whose every character is at most U+00FF and whose bytes decode as UTF-8 is
    changed; anything else (plain ASCII, genuine accents, a real “ quote) is left as it is.

    >>> repair_mojibake("J\\u00e2\\u009d\\u00a4\\u00ef\\u00b8\\u008fhn")
    'J❤️hn'
    >>> repair_mojibake("“café”"), repair_mojibake("café")
    ('“café”', 'café')
    """
    if text.isascii():
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return text


def repair_all(value: Any) -> Any:
    """``value`` with :func:`repair_mojibake` applied to every string value inside it."""
    if isinstance(value, str):
        return repair_mojibake(value)
    if isinstance(value, list):
        return [repair_all(item) for item in value]
    if isinstance(value, dict):
        return {key: repair_all(item) for key, item in value.items()}
    return value


def sniff_meta(sample: Sample, platform: Platform) -> float:
    """Score for ``platform``: sure when the shape is Meta's and the hints point to it."""
    if not _has_meta_shape(sample):
        return 0.0
    return SNIFF_SURE if platform_of(sample) == platform else SNIFF_OTHER_PLATFORM


def _has_meta_shape(sample: Sample) -> bool:
    text = sample.text
    if '"sender_name"' in text and '"timestamp_ms"' in text:
        return True
    if '"messages"' in text and '"senderName"' in text and '"timestamp"' in text:
        return True
    # A substring test first: a home folder has a few hundred thousand files.
    threads = (m for m in sample.members if "message_" in m)
    return any(THREAD_FILE.search(m) or THREAD_HTML.search(m) for m in threads)


def platform_of(sample: Sample) -> Platform:
    """Instagram when its hints outweigh Messenger's in the content and member names."""
    haystack = (sample.text + "\n" + "\n".join(sample.members)).lower()
    instagram = sum(w for hint, w in _INSTAGRAM_HINTS.items() if hint in haystack)
    messenger = sum(w for hint, w in _MESSENGER_HINTS.items() if hint in haystack)
    return "instagram" if instagram > messenger else "messenger"


def html_hint(platform: Platform) -> str:
    app = "Instagram" if platform == "instagram" else "Facebook"
    return (
        f"download your {app} information again in JSON format (Accounts Center > Your "
        "information and permissions > Download your information > Format: JSON)"
    )


def parse_meta(
    path: Path, *, chat: str | None, timezone: str | None, platform: Platform
) -> ImportResult:
    """Read one Messenger or Instagram thread, or every thread of a download."""
    # The parsed records are let go of (when _read_threads returns) while the collector is
    # still paused: see paused_gc.
    with at_file(path), paused_gc():
        return _read_threads(path, chat=chat, timezone=timezone, platform=platform)


def _read_threads(
    path: Path, *, chat: str | None, timezone: str | None, platform: Platform
) -> ImportResult:
    container = _container_for(path)
    single = path.is_file() and not container.zipped
    # Records stay bytes until their thread's rows are taken (RawRecords): each is decoded
    # once and let go of at once, and with a chat named, the others are never decoded.
    threads = _load_threads(container, platform, single=single, lazy=True)
    owner, owner_reason = _owner(container, threads)
    chosen = _choose(threads, chat, path)
    rows = _Rows()
    total = sum(len(one.records) for thread in chosen for one in thread.files)
    for position, thread in enumerate(chosen):
        rows.add_thread(position, thread, container)
        report_progress(LOAD_SHARE + rows.index / max(total, 1) * ROWS_SHARE, 1)
    for thread in threads:  # read: the files' bytes can go before the table is made
        for one in thread.files:
            let_go(one.records)
    frame = _to_frame(rows, timezone=timezone)
    report_progress(1, 1)
    metas = tuple(
        ChatMeta(
            name=t.name,
            me_guess=owner if owner in t.participants else None,
            me_reason=owner_reason if owner in t.participants else "",
            participants=t.participants,
        )
        for t in chosen
    )
    notes: tuple[str, ...] = (timezone_note(timezone),)
    notes += tuple(note for thread in chosen for note in _missing_file_notes(thread))
    if rows.reactions:
        notes += (f"reactions read as part of their messages, not as messages: {rows.reactions}",)
    return ImportResult(
        messages=validate_messages(frame),
        skipped=tuple(sorted(rows.skipped, key=lambda s: s.line)),
        chats=metas,
        units=rows.index,
        unit="record",
        notes=tuple(note for note in notes if note),
        zone=wall_clock_zone(timezone),
        zone_chosen=timezone is not None,
    )


def _missing_file_notes(thread: _Thread) -> list[str]:
    """Warn when a thread's numbered files have a gap, or one full file has no older sibling."""
    numbers = [_file_number(f.member) for f in thread.files]
    named = [n for n in numbers if n]
    missing = sorted(set(range(1, max(named) + 1)) - set(named)) if named else []
    notes = [
        f"{thread.name}: message_{n}.json is missing; its messages are not imported"
        for n in missing
    ]
    if len(thread.files) == 1 and len(thread.files[0].records) >= FULL_FILE_RECORDS:
        notes.append(
            f"{thread.name}: {thread.files[0].member} is full ({FULL_FILE_RECORDS:,} messages) "
            "and has no message_2.json beside it; older messages may be in files not given"
        )
    return notes


def _container_for(path: Path) -> Container:
    """A message_N.json file stands for its whole thread: it and its sibling files."""
    if path.is_file() and THREAD_FILE.search(path.name):
        siblings = (p.name for p in path.parent.iterdir() if p.is_file())
        return Container(path.parent, tuple(sorted(n for n in siblings if THREAD_FILE.search(n))))
    return Container.open(path)


@dataclass(frozen=True)
class _File:
    member: str
    records: list[Any] | RawRecords


@dataclass(frozen=True)
class _Thread:
    name: str
    participants: tuple[str, ...]
    files: tuple[_File, ...]


def _load_threads(
    container: Container, platform: Platform, *, single: bool, lazy: bool = False
) -> list[_Thread]:
    """Every thread in the input, files grouped by folder, named uniquely.

    ``single``: the input is one file, read whatever its name (and refused if not Meta's).
    ``lazy``: records stay bytes until a thread's rows are read (``RawRecords``), which saves
    decoding the threads not chosen, and holding every record as a dict at once.
    """
    if single and len(container.members) == 1:
        thread = _thread(container, list(container.members), platform)
        return [thread] if thread else []
    groups: dict[str, list[str]] = {}
    for member in container.members:
        if THREAD_FILE.search(member):
            groups.setdefault(str(PurePosixPath(member).parent), []).append(member)
    if groups:
        threads = []
        for number, key in enumerate(sorted(groups), start=1):
            members = sorted(groups[key], key=_file_number)
            threads.append(_thread(container, members, platform, lazy=lazy))
            report_progress(number * LOAD_SHARE, len(groups))
        return _unique_names([t for t in threads if t is not None])
    if any(THREAD_HTML.search(m) for m in container.members):
        msg = "this download holds HTML pages, not JSON; " + html_hint(platform)
        raise ParseError(msg)
    jsons = [m for m in container.members if m.lower().endswith(".json")]
    strict = len(jsons) == 1
    threads = [_thread(container, [m], platform, strict=strict) for m in jsons]
    found = [t for t in threads if t is not None]
    if not found:
        msg = "no Messenger or Instagram messages found (no message_1.json); " + html_hint(platform)
        raise ParseError(msg)
    return _unique_names(found)


def _file_number(member: str) -> int:
    match = THREAD_FILE.search(member)
    return int(match.group(1)) if match else 0


def _thread(
    container: Container,
    members: list[str],
    platform: Platform,
    *,
    strict: bool = True,
    lazy: bool = False,
) -> _Thread | None:
    """One thread from its files; None (or ParseError when ``strict``) if they are not Meta's."""
    files = []
    title = ""
    people: dict[str, None] = {}
    for member in members:
        where = container.location(member)
        raw, hint = container.read(member), html_hint(platform)
        if lazy:
            data = load_json_lazily(raw, where=where, html_hint=hint, records="messages")
        else:
            data = load_json(raw, where=where, html_hint=hint)
        records = _records_of(data, where=where, strict=strict)
        if records is None or not isinstance(data, dict):
            return None
        data = repair_all({k: v for k, v in data.items() if k != "messages"})
        files.append(_File(member, records))
        title = title or _title(data)
        people.update(dict.fromkeys(_participants(data)))
    if not people:
        people.update(dict.fromkeys(_senders(files)))
    folder = PurePosixPath(members[0]).parent.name or PurePosixPath(members[0]).stem
    name = title or ", ".join(people) or folder
    return _Thread(name=name, participants=tuple(people), files=tuple(files))


def _records_of(data: object, *, where: str, strict: bool) -> list[Any] | RawRecords | None:
    """The message records of one file, E2EE records renamed; None when not a Meta file."""
    messages = data.get("messages") if isinstance(data, dict) else None
    if isinstance(messages, list | RawRecords):
        sample = [m for m in islice(messages, 50) if isinstance(m, dict)]
        if not sample or any("sender_name" in m or "timestamp_ms" in m for m in sample):
            return messages
        if any("senderName" in m and "timestamp" in m for m in sample):
            if isinstance(messages, RawRecords):
                return messages.converted(_from_e2ee)
            return [_from_e2ee(m) for m in messages]
        if any(any(k[:1].islower() and not k.islower() for k in m) for m in sample):
            keys = sorted({k for m in sample for k in m})[:12]
            msg = (
                "this looks like a Messenger end-to-end encrypted export, but its messages "
                f"have the keys {', '.join(keys)}; expected senderName, timestamp and text. "
                "Please report this shape so it can be supported"
            )
            raise ParseError(msg, path=where)
    if not strict:
        return None
    found = f"a JSON {type(data).__name__}"
    if isinstance(data, dict):
        found = "the keys " + (", ".join(sorted(str(k) for k in data)[:8]) or "(none)")
    msg = (
        "not a Messenger or Instagram message file: expected 'participants' and 'messages' "
        f"with 'sender_name' and 'timestamp_ms', found {found}"
    )
    raise ParseError(msg, path=where, line=1)


def _from_e2ee(record: object) -> object:
    """An end-to-end encrypted export record (camelCase, reported shape) in the regular shape."""
    if not isinstance(record, dict):
        return record
    converted: dict[str, Any] = {
        "sender_name": record.get("senderName"),
        "timestamp_ms": record.get("timestamp"),
    }
    if isinstance(record.get("text"), str) and record["text"]:
        converted["content"] = record["text"]
    if record.get("isUnsent"):
        converted["is_unsent"] = True
    media = record.get("media")
    if isinstance(media, list) and media:
        converted["files"] = media
    if isinstance(record.get("reactions"), list):
        converted["reactions"] = record["reactions"]
    return converted


def _title(data: dict[str, Any]) -> str:
    for key in ("title", "threadName"):
        if isinstance(data.get(key), str) and data[key].strip():
            return str(data[key]).strip()
    return ""


def _participants(data: dict[str, Any]) -> list[str]:
    found = data.get("participants")
    if not isinstance(found, list):
        return []
    names = (p.get("name") if isinstance(p, dict) else p for p in found)
    return [n for n in names if isinstance(n, str) and n]


def _senders(files: list[_File]) -> list[str]:
    names: dict[str, None] = {}
    for one in files:
        for record in reversed(list(one.records)):
            if isinstance(record, dict) and isinstance(record.get("sender_name"), str):
                names.setdefault(repair_mojibake(record["sender_name"]))
    return list(names)


def _unique_names(threads: list[_Thread]) -> list[_Thread]:
    """Number threads that share a name, so each ``chat`` value is one thread."""
    names = numbered([thread.name for thread in threads])
    return [replace(thread, name=name) for thread, name in zip(threads, names, strict=True)]


def _owner(container: Container, threads: list[_Thread]) -> tuple[str | None, str]:
    """The download's owner: named in its profile files, or the one person in every thread."""
    for member in container.members:
        base = member.rsplit("/", 1)[-1]
        if base in (*_OWNER_FILES, _AUTOFILL_FILE):
            name = _profile_name(container, member)
            if name:
                return name, f"the account owner named in {base}"
    if len(threads) >= 2:
        common = set(threads[0].participants).intersection(*(t.participants for t in threads[1:]))
        if len(common) == 1:
            return common.pop(), "the only participant present in every thread of the download"
    return None, ""


def _profile_name(container: Container, member: str) -> str | None:
    try:
        data = repair_all(load_json(container.read(member), where=member, html_hint=""))
    except ParseError:
        return None
    found = _find_name(data)
    return found if found else None


def _find_name(data: Any) -> str | None:
    """The owner's name in a profile file: ``full_name``, ``FULL_NAME`` or a ``Name`` entry."""
    if isinstance(data, dict):
        for key in ("full_name", "FULL_NAME"):
            value = data.get(key)
            if isinstance(value, list) and value and isinstance(value[0], str):
                return value[0]
            if isinstance(value, str) and value:
                return value
        name = data.get("Name")
        if isinstance(name, dict) and isinstance(name.get("value"), str) and name["value"]:
            return str(name["value"])
        children = list(data.values())
    elif isinstance(data, list):
        children = data
    else:
        return None
    for child in children:
        found = _find_name(child)
        if found:
            return found
    return None


def _choose(threads: list[_Thread], wanted: str | None, path: Path) -> list[_Thread]:
    if wanted is None:
        return threads
    key = wanted.casefold()
    for thread in threads:
        if thread.name.casefold() == key:
            return [thread]
    names = ", ".join(repr(t.name) for t in threads) or "none"
    msg = f"{path}: no chat named {wanted!r}; chats in this download: {names}"
    raise ChatNotFoundError(msg)


@dataclass
class _Rows:
    """Columns of the message table, filled record by record; kinds are worked out later."""

    index: int = 0
    reactions: int = 0
    chat: list[str] = field(default_factory=list)
    position: list[int] = field(default_factory=list)
    utc_ms: array[int] = field(default_factory=lambda: array("q"))  # 8 bytes a row, no objects
    sender: list[str] = field(default_factory=list)
    content: list[str | None] = field(default_factory=list)
    flags: list[int] = field(default_factory=list)
    source_file: list[str] = field(default_factory=list)
    line: array[int] = field(default_factory=lambda: array("q"))
    skipped: list[Skipped] = field(default_factory=list)
    _names: dict[str, str] = field(default_factory=dict)  # sender_name -> repaired

    def add_thread(self, position: int, thread: _Thread, container: Container) -> None:
        before, skipped_before = len(self.line), len(self.skipped)
        starts = []  # the record index before each file's first record
        for one in thread.files:
            location = container.location(one.member)
            first = len(self.line)
            starts.append(self.index)
            self._add_records(one.records)
            self.source_file.extend([location] * (len(self.line) - first))
        if len(thread.files) > 1:
            self._drop_repeats(before, thread, starts)
        added = len(self.line) - before
        self.chat.extend([thread.name] * added)
        self.position.extend([position] * added)
        # Placed here, not in the loop every record goes through.
        for at in range(skipped_before, len(self.skipped)):
            self.skipped[at] = replace(self.skipped[at], chat=thread.name)

    def _add_records(self, records: list[Any] | RawRecords) -> None:
        """A row per record of one file, or a skip; the loop every record goes through, so
        its steps are bound to local names, and each distinct sender is repaired once."""
        index, skipped, names = self.index, self.skipped, self._names
        add_ms, add_sender, add_content = (
            self.utc_ms.append,
            self.sender.append,
            self.content.append,
        )
        add_flags, add_line = self.flags.append, self.line.append
        limit = MAX_ABS_TIMESTAMP_MS
        for record in records:
            index += 1
            # The checks of _skip_reason, written out for the records that pass them.
            name = record.get("sender_name") if type(record) is dict else None
            ms = record.get("timestamp_ms") if name is not None else None
            if not (type(name) is str and type(ms) is int and -limit < ms < limit):
                skipped.append(Skipped.of(index, _skip_reason(record), _excerpt(record)))
                continue
            reactions = record.get("reactions")
            if type(reactions) is list:
                self.reactions += len(reactions)
            sender = names.get(name)
            if sender is None:
                sender = names[name] = repair_mojibake(name)
            content = record.get("content")
            add_ms(ms)
            add_sender(sender)
            add_content(repair_mojibake(content) if type(content) is str else None)
            plain = "type" not in record and record.keys().isdisjoint(_FLAG_KEYS)
            add_flags(0 if plain else _flags(record))
            add_line(index)
        self.index = index

    def _drop_repeats(self, before: int, thread: _Thread, starts: list[int]) -> None:
        """Take out the rows (from ``before`` on) whose record is the same as one read earlier
        from another file of the thread, and report them as skipped.

        Only rows of one sender at one millisecond in two files can be such a copy; they are
        found with one group-by over the columns (none, nearly always), and only their records
        are read again and compared whole.
        """
        lines = pl.Series(self.line[before:], dtype=pl.Int64)
        files = pl.Series(starts[1:], dtype=pl.Int64).search_sorted(lines - 1, side="right")
        rows = pl.DataFrame(
            {"sender": self.sender[before:], "ms": self.utc_ms[before:], "file": files}
        ).with_row_index("row")
        shared = pl.col("file").n_unique().over("sender", "ms") > 1
        candidates = rows.filter(shared).sort("sender", "ms", "row")
        if candidates.height == 0:
            return
        copies: list[int] = []
        for _, group in candidates.group_by("sender", "ms", maintain_order=True):
            kept: list[tuple[int, int, Any]] = []  # (line, file, record)
            for row, file in group.select("row", "file").iter_rows():
                line = self.line[before + row]
                record = _record_at(thread.files[file].records, line - starts[file] - 1)
                earlier = next((e for e, f, r in kept if f != file and r == record), None)
                if earlier is None:
                    kept.append((line, file, record))
                    continue
                reason = f"same record as {earlier} (repeated in another message file)"
                self.skipped.append(Skipped.of(line, reason, _excerpt(record)))
                copies.append(before + row)
                reactions = record.get("reactions")  # counted once, with the record kept
                self.reactions -= len(reactions) if type(reactions) is list else 0
        for column in (self.sender, self.content, self.flags, self.source_file):
            _delete(column, copies)
        _delete(self.utc_ms, copies)
        _delete(self.line, copies)


def _record_at(records: list[Any] | RawRecords, index: int) -> Any:
    """Record ``index`` of a file, decoded again if the file keeps its records as bytes."""
    if isinstance(records, RawRecords):
        return next(iter(RawRecords(records.raws[index : index + 1], records.convert)))
    return records[index]


def _delete(column: list[Any] | array[int], rows: list[int]) -> None:
    """Take the items at ``rows`` (a few) out of ``column``, in place."""
    for row in sorted(rows, reverse=True):
        del column[row]


# What a record carries besides its text, as bits; the kind is decided in _kinds().
_UNSENT, _CALLED, _VOICE, _STICKER, _MEDIA, _JOINED = (1 << n for n in range(6))


_FLAG_KEYS: Final = frozenset(
    {"is_unsent", "call_duration", "missed", "audio_files", "sticker", *_MEDIA_KEYS}
)
"""The keys a record's flags depend on, besides ``type`` (most records have none of them)."""


def _flags(record: dict[str, Any]) -> int:
    kind = record.get("type")
    kind = kind if isinstance(kind, str) else None  # (a list or an object cannot be looked up)
    if record.keys().isdisjoint(_FLAG_KEYS):  # a plain message: one check instead of nine
        if kind == "Call":
            return _CALLED
        return _JOINED if kind in _SYSTEM_TYPES else 0
    flags = 0
    if record.get("is_unsent"):
        flags |= _UNSENT
    if "call_duration" in record or "missed" in record or kind == "Call":
        flags |= _CALLED
    if record.get("audio_files"):
        flags |= _VOICE
    if record.get("sticker"):
        flags |= _STICKER
    if any(map(record.get, _MEDIA_KEYS)):
        flags |= _MEDIA
    if kind in _SYSTEM_TYPES:
        flags |= _JOINED
    return flags


def _excerpt(record: object) -> str:
    """``sender: content`` for a skip report, or the record as JSON."""
    if isinstance(record, dict) and isinstance(record.get("content"), str):
        return repair_mojibake(f"{record.get('sender_name')}: {record['content']}")
    return repair_mojibake(json.dumps(record, ensure_ascii=False)[:400])


def _skip_reason(record: object) -> str:
    if not isinstance(record, dict):
        return "not a message object"
    if type(record.get("sender_name")) is not str:
        return "record has no sender_name"
    stamp = record.get("timestamp_ms")
    if type(stamp) is not int:
        return "record has no timestamp_ms (milliseconds since 1970)"
    if not -MAX_ABS_TIMESTAMP_MS < stamp < MAX_ABS_TIMESTAMP_MS:
        return f"timestamp_ms {stamp} is out of range"
    return ""


def _kinds(content: pl.Expr, flags: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(kind, text) expressions from a record's content and flags; see the docs' kinds table."""

    def has(bit: int) -> pl.Expr:
        return (flags & bit) != 0

    words = pl.when(content != "").then(content)
    placeholder = content.str.contains(_PLACEHOLDER.pattern).fill_null(False)
    kind = (
        pl.when(has(_UNSENT))
        .then(pl.lit("deleted"))
        .when(has(_CALLED) | content.str.contains(_CALL.pattern).fill_null(False))
        .then(pl.lit("call"))
        .when(has(_VOICE))
        .then(pl.lit("voice"))
        .when(has(_STICKER))
        .then(pl.lit("sticker"))
        .when(has(_MEDIA) | words.is_null() | placeholder)
        .then(pl.lit("media"))
        .when(has(_JOINED) | content.str.contains(_SYSTEM.pattern).fill_null(False))
        .then(pl.lit("system"))
        .otherwise(pl.lit("text"))
        .cast(Kind)
    )
    keeps_words = kind.is_in(["media", "system", "text"]) & ~placeholder
    return kind, pl.when(keeps_words).then(words)


def classify(record: dict[str, Any]) -> tuple[KindName, str | None]:
    """(kind, text) of one Messenger or Instagram record (the rule the importer applies).

    >>> classify({"content": "Jane sent an attachment.", "share": {"link": "https://x"}})
    ('media', None)
    >>> classify({"content": "Liked a message"})
    ('system', 'Liked a message')
    >>> classify({"content": "see you", "is_unsent": True})
    ('deleted', None)
    """
    content = record.get("content")
    one = pl.DataFrame(
        {
            "content": pl.Series([content if type(content) is str else None], dtype=pl.String),
            "flags": pl.Series([_flags(record)], dtype=pl.Int64),
        }
    )
    kind, text = _kinds(pl.col("content"), pl.col("flags"))
    found = one.select(kind=kind.cast(pl.String), text=text).row(0)
    return found[0], found[1]


def _to_frame(rows: _Rows, *, timezone: str | None) -> pl.DataFrame:
    columns = {
        "chat": ("chat", pl.String),
        "_position": ("position", pl.Int64),
        "_utc": ("utc_ms", pl.Int64),
        "sender": ("sender", pl.String),
        "_content": ("content", pl.String),
        "_flags": ("flags", pl.Int64),
        "source_file": ("source_file", pl.String),
        "source_line": ("line", pl.Int64),
    }
    series = {}
    for name, (field_name, dtype) in columns.items():
        values = getattr(rows, field_name)
        series[name] = pl.Series(values, dtype=dtype)
        setattr(rows, field_name, values[:0])  # each list let go of once it is a column
        del values
    frame = pl.DataFrame(series)
    del series
    kind, text = _kinds(pl.col("_content"), pl.col("_flags"))
    utc = frame.select(pl.from_epoch("_utc", time_unit="ms")).to_series()
    wall, offset = local_wall_clock(utc, timezone=timezone)
    frame = (
        frame.with_columns(kind=kind, text=text)
        .with_columns(timestamp=wall, utc_offset=offset, message_id=pl.lit(None, pl.String))
        .sort("_position", "_utc", "source_line")  # the instant: wall clocks repeat in autumn
        .drop("_position", "_utc", "_content", "_flags")
    )
    return with_message_ids(frame, by_instant=True)


def meta_importer(platform: Platform, *, description: str) -> Importer:
    """The importer of one Meta platform: Messenger and Instagram share everything else."""

    def sniff(sample: Sample) -> float:
        return sniff_meta(sample, platform)

    def parse(
        path: Path,
        *,
        chat: str | None = None,
        date_order: DateOrder | None = None,
        timezone: str | None = None,
        encoding: str | None = None,
    ) -> ImportResult:
        # date_order and encoding do not apply: the JSON is UTF-8 with epoch times.
        return parse_meta(path, chat=chat, timezone=timezone, platform=platform)

    return Importer(
        name=platform,
        extensions=(".json", ".zip"),
        sniff=sniff,
        parse=parse,
        description=description,
    )
