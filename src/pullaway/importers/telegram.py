"""Telegram Desktop "Export chat history": ``result.json``, one chat or a full-account export.

A single-chat export is one chat object (``name``, ``type``, ``messages``); a full export has
``personal_information`` and the chats under ``chats.list`` and ``left_chats.list``. Each
record of ``messages`` becomes one message or one skipped record; ``source_line`` is the
1-based index of the record among the records read, chat after chat in file order.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Final

import msgspec
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
    one_to_one,
    paused_gc,
    report_progress,
)
from pullaway.importers._json import (
    Container,
    RawRecords,
    id_of,
    let_go,
    load_json,
    local_wall_clock,
    read_lazily,
)
from pullaway.model import Kind, KindName, validate_messages, with_message_ids

if TYPE_CHECKING:
    from pathlib import Path

DELETED_ACCOUNT: Final = "Deleted Account"
SAVED_MESSAGES: Final = "Saved Messages"
DATE_FORMAT: Final = "%Y-%m-%dT%H:%M:%S"
MAX_UTC_OFFSET = 18 * 3600  # a date further than this from date_unixtime gives no offset
MAX_ABS_UNIXTIME = 10**11  # about the year 5138: anything beyond is a damaged value
SAME_TIME_SHARE = 0.5
SAME_TIME_MIN_MESSAGES = 20

_VOICE_MEDIA: Final = frozenset({"voice_message", "video_message"})
_CALL_ACTIONS: Final = frozenset({"phone_call", "group_call", "conference_call"})
_MEDIA_KEYS: Final = frozenset(
    {
        "photo",
        "file",
        "media_type",
        "poll",
        "location_information",
        "contact_information",
        "place_name",
        "game_title",
        "invoice_information",
    }
)
_HTML_HINT: Final = (
    "export again from Telegram Desktop (Settings > Advanced > Export Telegram data) "
    "choosing the format 'Machine-readable JSON'"
)


def sniff(sample: Sample) -> float:
    """How sure we are that ``sample`` is a Telegram Desktop JSON export.

    >>> from pathlib import Path
    >>> sniff(Sample(Path("result.json"), '{"name": "Ana", "type": "personal_chat", '
    ...     '"messages": [{"id": 1, "type": "message", "date": "2024-01-01T10:00:00"', b""))
    0.95
    """
    head = sample.text[: 64 * 1024]
    if '"personal_information"' in head and '"chats"' in head:
        return 0.95
    has_messages = '"messages"' in head
    typed = '"type": "message"' in head or '"type": "service"' in head
    typed = typed or '"type":"message"' in head or '"type":"service"' in head
    dated = '"date_unixtime"' in head or '"date"' in head
    if has_messages and typed and dated:
        return 0.95
    if '"chats"' in head and '"list"' in head and dated and typed:
        return 0.9
    return 0.0


def parse(
    path: Path,
    *,
    chat: str | None = None,
    date_order: DateOrder | None = None,
    timezone: str | None = None,
    encoding: str | None = None,
) -> ImportResult:
    """Read a Telegram Desktop JSON export: one chat, or the chats of a full export.

    ``chat`` picks one chat by name (case-insensitive); without it every chat in the file is
    read. ``timezone`` (an IANA name; default: this computer's zone) is used only for records
    that have ``date_unixtime`` but no ``date``. ``date_order`` and ``encoding`` do not apply.
    """
    # The collector is paused while the parsed records are alive, and they are let go of
    # (when _parse_export returns) before it runs again: see paused_gc.
    with at_file(path), paused_gc():
        return _parse_export(path, chat=chat, timezone=timezone)


def _parse_export(path: Path, *, chat: str | None, timezone: str | None) -> ImportResult:
    container = Container.open(path)
    member, notes = _result_member(container)
    where = container.location(member)
    export = _load_export(container.read(member), where=where)
    chats = _choose(export.chats, chat, path)
    rows = _Rows(source_file=where, total=sum(len(one.records) for one in chats))
    for position, one in enumerate(chats):
        rows.add_chat(position, one, export.owner_id)
    for one in export.chats:  # read: the file's bytes can go before the table is made
        let_go(one.records)
    frame, skipped = _to_frame(rows, timezone=timezone)
    report_progress(1, 1)
    return ImportResult(
        messages=validate_messages(frame),
        skipped=tuple(sorted(rows.skipped + skipped, key=lambda s: s.line)),
        chats=tuple(_chat_meta(one, rows, export) for one in chats),
        units=rows.index,
        unit="record",
        notes=notes + _same_time_notes(frame),
    )


IMPORTER = Importer(
    name="telegram",
    extensions=(".json", ".zip"),
    sniff=sniff,
    parse=parse,
    description="Telegram Desktop JSON export (result.json): one chat or a full-account export",
)


@dataclass(frozen=True)
class _Chat:
    name: str
    type: str
    records: list[Any] | RawRecords
    key: str | None = None  # Telegram's id of the chat, kept when it is renamed


@dataclass(frozen=True)
class _Export:
    chats: tuple[_Chat, ...]
    owner_id: str | None = None
    owner_name: str | None = None


def _result_member(container: Container) -> tuple[str, tuple[str, ...]]:
    """The JSON file of the export (``result.json``, else the shallowest JSON file), and notes.

    A folder holding several exports is read one export at a time; the notes name the others.
    """
    if len(container.members) == 1 and not container.zipped:
        return container.members[0], ()
    jsons = [m for m in container.members if m.lower().endswith(".json")]
    results = [m for m in jsons if m.rsplit("/", 1)[-1] == "result.json"]
    chosen = sorted(results or jsons, key=lambda m: (m.count("/"), m))
    if not chosen:
        msg = "no result.json inside; " + _HTML_HINT
        raise ParseError(msg)
    others = tuple(
        f"read {chosen[0]}; {other} is another export: import it separately"
        for other in chosen[1:]
        if other in results
    )
    return chosen[0], others


class _ChatOutline(msgspec.Struct):
    """A chat object with its records left as JSON text (fields absent are ``UNSET``)."""

    name: Any = msgspec.UNSET
    type: Any = msgspec.UNSET
    id: Any = msgspec.UNSET
    messages: list[msgspec.Raw] | msgspec.UnsetType = msgspec.UNSET

    def as_dict(self) -> dict[str, Any]:
        """The object as ``json.loads`` would give it, but with its records undecoded."""
        found = {f: getattr(self, f) for f in self.__struct_fields__}
        if isinstance(self.messages, list):
            found["messages"] = RawRecords(self.messages)
        return {key: value for key, value in found.items() if value is not msgspec.UNSET}


class _ChatList(msgspec.Struct):
    items: list[_ChatOutline] = msgspec.field(name="list")


class _ExportOutline(_ChatOutline):
    """A single-chat or a full export, down to its chats."""

    chats: _ChatList | msgspec.UnsetType = msgspec.UNSET
    left_chats: _ChatList | msgspec.UnsetType = msgspec.UNSET
    personal_information: dict[str, Any] | msgspec.UnsetType = msgspec.UNSET

    def is_export(self) -> bool:
        """Whether it has the keys of a single-chat or a full export."""
        sections = (self.messages, self.chats, self.left_chats)
        return any(section is not msgspec.UNSET for section in sections)

    def as_dict(self) -> dict[str, Any]:
        found = super().as_dict()
        for section in ("chats", "left_chats"):
            if isinstance(found.get(section), _ChatList):
                found[section] = {"list": [chat.as_dict() for chat in found[section].items]}
        return found


_OUTLINE: Final = msgspec.json.Decoder(_ExportOutline)


def _load_export(data: bytes, *, where: str) -> _Export:
    """The export in ``data``: its outline read by msgspec, its records left undecoded.

    An export of an unexpected shape, or JSON that msgspec refuses, is read whole by
    ``load_json`` instead, which gives the same chats or the precise error.
    """
    outline = read_lazily(data, _OUTLINE.decode, where=where)
    if outline is not None and outline.is_export():
        return _export_of(outline.as_dict())
    return _export_of(load_json(data, where=where, html_hint=_HTML_HINT))


def _export_of(data: object) -> _Export:
    """The chats of a single-chat or full export, and the owner's id and name if known."""
    if not isinstance(data, dict):
        found = type(data).__name__
        msg = f"expected a JSON object with 'messages' or 'chats', found a {found}; " + _HTML_HINT
        raise ParseError(msg, line=1)
    if "messages" in data:
        return _Export(chats=(_chat_of(data, 0),))
    if "chats" in data or "left_chats" in data:
        objects = [*_listed(data.get("chats")), *_listed(data.get("left_chats"))]
        chats = _unique_names([_chat_of(obj, n) for n, obj in enumerate(objects)])
        owner_id, owner_name = _owner(data.get("personal_information"))
        return _Export(chats=tuple(chats), owner_id=owner_id, owner_name=owner_name)
    keys = ", ".join(sorted(str(k) for k in data)[:8]) or "none"
    msg = f"not a Telegram export: expected 'messages' or 'chats', found keys {keys}"
    raise ParseError(msg, line=1)


def _listed(section: object) -> list[Any]:
    if isinstance(section, dict) and isinstance(section.get("list"), list):
        return list(section["list"])
    return []


def _chat_of(obj: object, number: int) -> _Chat:
    if not isinstance(obj, dict):
        msg = f"chat {number + 1} of the export is not a JSON object"
        raise ParseError(msg)
    chat_type = str(obj.get("type") or "")
    name = obj.get("name")
    chat_id = obj.get("id")
    if not isinstance(name, str) or not name:
        name = f"Telegram chat {chat_id}" if chat_id is not None else "Telegram chat"
        name = SAVED_MESSAGES if chat_type == "saved_messages" else name
    records = obj.get("messages")
    if not isinstance(records, list | RawRecords):
        msg = f"chat {name!r}: 'messages' is not a list"
        raise ParseError(msg)
    return _Chat(name=name, type=chat_type, records=records, key=id_of(obj))


def _unique_names(chats: list[_Chat]) -> list[_Chat]:
    """Give chats that share a name a numbered suffix, so each chat column value is one chat."""
    names = numbered([one.name for one in chats])
    return [replace(one, name=name) for one, name in zip(chats, names, strict=True)]


def _owner(info: object) -> tuple[str | None, str | None]:
    if not isinstance(info, dict):
        return None, None
    user_id = info.get("user_id")
    names = [info.get("first_name"), info.get("last_name")]
    name = " ".join(n for n in names if isinstance(n, str) and n).strip() or None
    return (f"user{user_id}" if user_id is not None else None), name


def _choose(chats: tuple[_Chat, ...], wanted: str | None, path: Path) -> tuple[_Chat, ...]:
    """The chat named ``wanted`` (case-insensitive), or every chat when it is None."""
    if wanted is None:
        return chats
    key = wanted.casefold()
    exact = tuple(c for c in chats if c.name.casefold() == key)
    if exact:
        return exact[:1]
    names = ", ".join(repr(c.name) for c in chats) or "none"
    msg = f"{path}: no chat named {wanted!r}; chats in this export: {names}"
    raise ChatNotFoundError(msg)


_Row = tuple[KindName, str | None, str | None, str | None, int | None, str | None]
"""One message record as (kind, sender, text, date, date_unixtime, the sender's id)."""


_ROW_COLUMNS: dict[str, pl.DataType] = {
    "kind": Kind,
    "sender": pl.String(),
    "text": pl.String(),
    "_date": pl.String(),
    "_unix": pl.Int64(),
    "_author": pl.String(),
}
_ROW_SCHEMA: Final = pl.Schema(_ROW_COLUMNS)
ROWS_PER_FRAME: Final = 100_000
"""Rows are turned into a Polars frame this many at a time, so few Python objects pile up."""
RECORDS_SHARE: Final = 0.8
"""About the share of a parse's time spent on the records; the rest makes the message table."""


@dataclass
class _Rows:
    """The message rows of the records read (in frames), and the records skipped."""

    source_file: str
    total: int = 0  # records of the chats to read, for progress
    index: int = 0
    frames: list[pl.DataFrame] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    participants: dict[str, dict[str, None]] = field(default_factory=dict)
    # chat name -> the owner's display name there; "" -> the first one found in any chat
    owner_names: dict[str, str] = field(default_factory=dict)
    sender_keys: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)

    def add_chat(self, position: int, chat: _Chat, owner_id: str | None) -> None:
        """Read every record of ``chat``: a message row, or a skipped record.

        The loop runs a million times for a long chat, so it does as little as it can: one
        call per record, and the rows go into a frame every ``ROWS_PER_FRAME``.
        """
        first_frame = len(self.frames)
        rows: list[_Row] = []
        lines: list[int] = []
        find_owner = owner_id is not None
        for record in chat.records:
            self.index += 1
            row = _row(record)
            if isinstance(row, str):
                self.skipped.append(Skipped.of(self.index, row, _dump(record), chat=chat.name))
                continue
            rows.append(row)
            lines.append(self.index)
            if find_owner and row[1] is not None and row[5] == owner_id:
                self.owner_names.setdefault(chat.name, row[1])
                self.owner_names.setdefault("", row[1])
                find_owner = False
            if len(rows) == ROWS_PER_FRAME:
                self._keep(rows, lines, chat=chat.name, position=position)
                rows, lines = [], []
                report_progress(self.index * RECORDS_SHARE, self.total)
        self._keep(rows, lines, chat=chat.name, position=position)
        said = pl.concat([f.select("kind", "sender", "_author") for f in self.frames[first_frame:]])
        said = said.filter(pl.col("kind") != "system")
        people = said.get_column("sender").drop_nulls()
        self.participants[chat.name] = dict.fromkeys(people.unique(maintain_order=True))
        pairs = said.select("sender", "_author").drop_nulls().unique()
        pairs = pairs.filter(pl.col("sender") != DELETED_ACCOUNT)
        self.sender_keys[chat.name] = one_to_one(pairs.iter_rows())

    def _keep(self, rows: list[_Row], lines: list[int], *, chat: str, position: int) -> None:
        frame = pl.DataFrame(rows, schema=_ROW_SCHEMA, orient="row")
        self.frames.append(
            frame.with_columns(
                chat=pl.lit(chat, pl.String),
                _position=pl.lit(position, pl.Int64),
                source_line=pl.Series(lines, dtype=pl.Int64),
            )
        )

    def frame(self) -> pl.DataFrame:
        """Every row read (``_date`` and ``_unix`` still to be read as times)."""
        if not self.frames:  # an export without chats
            self._keep([], [], chat="", position=0)
        return pl.concat(self.frames, rechunk=True)


def _author_id(record: dict[str, Any]) -> str | None:
    """``from_id`` or ``actor_id`` as ``user<id>`` (old exports wrote a bare number)."""
    value = record.get("from_id")
    if value is None:
        value = record.get("actor_id")
    if type(value) is str:  # every record of a current export: the fast path
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return f"user{value}"
    return None


def _row(record: object) -> _Row | str:
    """The message row of one record, or the reason it is skipped."""
    if type(record) is not dict:
        return "not a message object"
    record_type = record.get("type")
    if record_type not in ("message", "service"):
        if record_type == "unsupported":
            return "unsupported item: Telegram Desktop could not export this message"
        return f"unknown record type {record_type!r} (expected 'message' or 'service')"
    date = record.get("date")
    unixtime = record.get("date_unixtime")
    if date is None and unixtime is None:
        return "record has no date"
    kind, sender, text = _read(record)
    date = date if type(date) is str else None
    return kind, sender, text, date, _int_or_none(unixtime), _author_id(record)


def _read(record: dict[str, Any]) -> tuple[KindName, str | None, str | None]:
    """(kind, sender, text) of one message or service record."""
    if record.get("type") == "service":
        # "proximity_reached" names its people "from" and "to", not "actor".
        actor = _person(record, "from" if "from" in record and "actor" not in record else "actor")
        if _string_or_none(record.get("action")) in _CALL_ACTIONS:
            return "call", actor, None
        return "system", actor, _describe_service(record)
    return _message_kind(record, _person(record, "from"), _text_of(record))


def _message_kind(
    record: dict[str, Any], sender: str | None, text: str
) -> tuple[KindName, str | None, str | None]:
    """(kind, sender, text) of a message record: text, or its media and caption."""
    media_type = _string_or_none(record.get("media_type"))
    if media_type == "sticker":
        emoji = record.get("sticker_emoji")
        return "sticker", sender, text or (emoji if isinstance(emoji, str) and emoji else None)
    if media_type in _VOICE_MEDIA:
        return "voice", sender, text or None
    if not _MEDIA_KEYS.isdisjoint(record):
        return "media", sender, text or _poll_question(record)
    if not text:
        return "media", sender, None
    return "text", sender, text


def _person(record: dict[str, Any], key: str) -> str | None:
    """The display name in ``key``; a null or missing name is a deleted account."""
    value = record.get(key)
    if isinstance(value, str) and value:
        return value
    if key == "actor" and key not in record:
        return None
    return DELETED_ACCOUNT


def _text_of(record: dict[str, Any]) -> str:
    """The message text: ``text_entities`` (or ``text``) parts joined with no separator.

    >>> _text_of({"text": ["Link: ", {"type": "link", "text": "https://t.me"}]})
    'Link: https://t.me'
    """
    text = record.get("text")
    if type(text) is str:  # one plain segment, the same as its text_entities
        return text
    entities = record.get("text_entities")
    parts = entities if isinstance(entities, list) else text
    if isinstance(parts, str):
        return parts
    if not isinstance(parts, list):
        return ""
    return "".join(_part_text(part) for part in parts)


def _part_text(part: object) -> str:
    if isinstance(part, str):
        return part
    if isinstance(part, dict) and isinstance(part.get("text"), str):
        return str(part["text"])
    return ""


def _poll_question(record: dict[str, Any]) -> str | None:
    poll = record.get("poll")
    if isinstance(poll, dict) and isinstance(poll.get("question"), str):
        return str(poll["question"]) or None
    return None


def _describe_service(record: dict[str, Any]) -> str:
    """A short text for a service record: the action and what it names.

    >>> _describe_service({"action": "invite_members", "members": ["Ana", None]})
    'invite_members: Ana, Deleted Account'
    """
    action = str(record.get("action") or "service")
    details = []
    # A custom action has no "action", only its words in "information_text".
    for key in ("title", "game_title", "new_title", "message", "information_text"):
        if isinstance(record.get(key), str) and record[key]:
            details.append(str(record[key]))
    members = record.get("members")
    if isinstance(members, list) and members:
        details.append(
            ", ".join(m if isinstance(m, str) and m else DELETED_ACCOUNT for m in members)
        )
    text = _text_of(record)
    if text:
        details.append(text)
    return f"{action}: {'; '.join(details)}" if details else action


def _string_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _int_or_none(value: object) -> int | None:
    """Epoch seconds from an int or a string of digits; None if absent or implausible."""
    number = None
    if type(value) is str and value.isdigit():
        number = int(value)
    elif type(value) is int:
        number = value
    elif isinstance(value, str) and value.strip().lstrip("-").isdigit():
        number = int(value)
    return number if number is not None and abs(number) < MAX_ABS_UNIXTIME else None


def _dump(record: object) -> str:
    return json.dumps(record, ensure_ascii=False)[:400]


def _to_frame(rows: _Rows, *, timezone: str | None) -> tuple[pl.DataFrame, list[Skipped]]:
    """The message table, sorted by chat, instant and record; unreadable dates are skipped.

    Sorting by the UTC instant (where known) keeps the true order when clocks go back.
    """
    frame = rows.frame()
    local = pl.col("_date").str.to_datetime(DATE_FORMAT, strict=False, time_unit="us")
    utc = pl.from_epoch("_unix", time_unit="s").cast(pl.Datetime("us"))
    frame = frame.with_columns(_local=local, _utc=utc)
    difference = (pl.col("_local") - pl.col("_utc")).dt.total_seconds()
    plausible = difference.abs() <= MAX_UTC_OFFSET
    frame = frame.with_columns(
        utc_offset=pl.when(plausible).then(difference).otherwise(None).cast(pl.Int32)
    )
    if frame.select((pl.col("_local").is_null() & pl.col("_utc").is_not_null()).any()).item():
        wall, offset = local_wall_clock(frame["_utc"], timezone=timezone)
        frame = frame.with_columns(
            _local=pl.col("_local").fill_null(wall),
            utc_offset=pl.col("utc_offset").fill_null(offset),
        )
    unreadable = frame.filter(pl.col("_local").is_null())
    reason = "cannot read the date (expected 2024-01-31T18:05:00)"
    skipped = [
        Skipped.of(line, reason, str(raw), chat=chat)
        for line, raw, chat in unreadable.select("source_line", "_date", "chat").iter_rows()
    ]
    frame = (
        frame.filter(pl.col("_local").is_not_null())
        .rename({"_local": "timestamp"})
        .with_columns(source_file=pl.lit(rows.source_file), message_id=pl.lit(None, pl.String))
        .sort("_position", pl.coalesce("_utc", "timestamp"), "source_line")
        .drop("_position", "_date", "_unix", "_utc", "_author")
    )
    return with_message_ids(frame, by_instant=True), skipped


def _chat_meta(chat: _Chat, rows: _Rows, export: _Export) -> ChatMeta:
    participants = tuple(rows.participants.get(chat.name, {}))
    me, reason = _me_guess(chat, participants, rows, export)
    return ChatMeta(
        name=chat.name,
        me_guess=me,
        me_reason=reason,
        participants=participants,
        key=chat.key,
        sender_keys=rows.sender_keys.get(chat.name, ()),
    )


def _me_guess(
    chat: _Chat, participants: tuple[str, ...], rows: _Rows, export: _Export
) -> tuple[str | None, str]:
    found = rows.owner_names.get(chat.name) or rows.owner_names.get("")
    if found:
        return found, "the name the exporting account (personal_information) writes under"
    if export.owner_name:
        return export.owner_name, "name of the exporting account (personal_information)"
    people = [p for p in participants if p != DELETED_ACCOUNT]
    if chat.type in ("personal_chat", "bot_chat"):
        others = [p for p in people if p != chat.name]
        if len(others) == 1:
            kind = chat.type.replace("_", " ")
            return others[0], f"the sender who is not the chat's name ({kind})"
    if chat.type == "saved_messages" and len(people) == 1:
        return people[0], "the only sender of saved messages"
    return None, ""


def _same_time_notes(frame: pl.DataFrame) -> tuple[str, ...]:
    """Warn about chats imported from another app: Telegram keeps only the import time."""
    counts = frame.group_by("chat", "timestamp").len().group_by("chat").agg(pl.col("len").max())
    totals = frame.group_by("chat").len()
    joined = counts.join(totals, on="chat", suffix="_total").sort("chat")
    return tuple(_same_time_note(*row) for row in joined.iter_rows() if _is_imported(*row[1:]))


def _is_imported(largest: int, total: int) -> bool:
    return total >= SAME_TIME_MIN_MESSAGES and largest >= SAME_TIME_SHARE * total


def _same_time_note(chat: str, largest: int, total: int) -> str:
    return (
        f"{chat}: {largest} of {total} messages share one timestamp; the chat was probably "
        "imported into Telegram, which keeps only the import time"
    )
