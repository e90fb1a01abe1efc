"""Discord, as exported by DiscordChatExporter in its JSON format: one channel per file, and
a folder or ``.zip`` of such files read together, one chat per channel.

A file is one object: ``guild``, ``channel``, ``dateRange``, ``exportedAt``, ``messages`` and
``messageCount``. Each element of ``messages`` becomes one message or one skipped record;
``source_line`` is its 1-based index, counted on across the files of a folder. Times are
kept as written (the exporting computer's wall clock, or UTC with DiscordChatExporter's
``--utc``) with the offset written after them.

People are told apart by ``author.id``, never by name: each id gets one name, its latest, and
two ids that share a name get their usernames added. The exporter's TXT format is refused
(its dates follow the exporting computer's language), and so is its HTML; its CSV format is
read by the ``csv`` importer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Final

import polars as pl

from pullaway.errors import ChatNotFoundError, ParseError, at_file
from pullaway.importers._base import (
    ChatMeta,
    DateOrder,
    Importer,
    ImportResult,
    Sample,
    Skipped,
    one_to_one,
    paused_gc,
    report_progress,
)
from pullaway.importers._json import (
    Container,
    RawRecords,
    check_timezone,
    id_of,
    let_go,
    load_json_lazily,
    local_wall_clock,
)
from pullaway.model import Kind, KindName, validate_messages, with_message_ids
from pullaway.wording import counted

if TYPE_CHECKING:
    from pathlib import Path

ROWS_PER_FRAME: Final = 100_000
"""Rows are turned into a Polars frame this many at a time, so few Python objects pile up."""
RECORDS_SHARE: Final = 0.8
"""About the share of a parse's time spent on the records; the rest makes the message table."""
MAX_UTC_OFFSET: Final = 18 * 3600
VOICE_FILE: Final = "voice-message.ogg"
"""The file name Discord gives every voice message."""
NOTE_EXAMPLES: Final = 5

USER_TYPES: Final = frozenset(
    {"Default", "Reply", "ChatInputCommand", "ContextMenuCommand", "20", "23"}
)
"""Message types that carry what someone wrote: Discord's 0 and 19, and the answers to slash
(20) and context-menu (23) commands, which DiscordChatExporter writes as numbers."""
DIRECT_CHANNELS: Final = frozenset({"DirectTextChat", "DirectGroupTextChat"})
TXT_RULE: Final = "=" * 62

_STAMP: Final = (
    r"^(?<wall>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(?<fraction>\d{1,9}))?"
    r"(?<offset>Z|[+-]\d{2}:\d{2})$"
)
_EXPORT_HINT: Final = (
    "export the channel again with DiscordChatExporter choosing the JSON format "
    "(in the app, Format: JSON; on the command line, --format Json)"
)


def sniff(sample: Sample) -> float:
    """How sure we are that ``sample`` is a DiscordChatExporter export (TXT and HTML included,
    so that ``parse`` can say to export JSON instead).

    >>> from pathlib import Path
    >>> sniff(Sample(Path("dm.json"), '{"guild": {"id": "0"}, "channel": {"id": "1"}, '
    ...     '"dateRange": {}, "exportedAt": "2024-01-01T10:00:00+01:00", "messages": [', b""))
    0.95
    """
    text = sample.text.lstrip("\ufeff \t\r\n")
    if text.startswith("{"):
        head = text[: 16 * 1024]
        keys = ('"guild"', '"channel"', '"messages"')
        if all(key in head for key in keys):
            return 0.95
        if '"guild"' in head and '"channel"' in head and '"exportedAt"' in head:
            return 0.9
        return 0.0
    if _is_txt_export(text):
        return 0.9
    head = text[:4096].lower()
    if head.startswith(("<!doctype html", "<html")) and _is_html_export(text):
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
    """Read a DiscordChatExporter JSON export: one channel (a DM, a group DM or a server
    channel), from a file, or a folder or ``.zip`` holding it.

    ``timezone`` (an IANA name) converts every time to that zone; without it, times stay as
    exported. ``chat`` must name the file's channel (case-insensitive). ``date_order`` and
    ``encoding`` do not apply: the dates are ISO 8601 and the file is UTF-8.
    """
    del date_order, encoding
    zone = check_timezone(timezone) if timezone else None
    # The collector is paused while the parsed records are alive; they are let go of when
    # _parse_export returns (see paused_gc).
    with at_file(path), paused_gc():
        return _parse_export(path, chat=chat, zone=zone)


IMPORTER = Importer(
    name="discord",
    extensions=(".json", ".zip"),
    sniff=sniff,
    parse=parse,
    description="DiscordChatExporter JSON export: a DM, a group DM or a server channel, or a "
    "folder of them",
)


def _parse_export(path: Path, *, chat: str | None, zone: str | None) -> ImportResult:
    """Every export in ``path`` (a file, or the ``.json`` files of a folder or ``.zip``, as
    DiscordChatExporter's ``exportdm`` writes them), one chat per channel; with ``chat``,
    only that channel. Records are numbered from 1 across the files, in the order read."""
    container = Container.open(path)
    read = _Export()
    members = _export_members(container)
    not_exports: list[tuple[str, _NotAnExportError]] = []
    for member in members:
        where = container.location(member)
        try:
            channel = _load_channel(container.read(member), where=where)
        except _NotAnExportError as exc:
            if len(members) == 1:
                raise
            not_exports.append((member, exc))
            continue
        channel = read.apart(channel)
        read.channels.append(channel.name)
        if chat is None or chat.casefold() == channel.name.casefold():
            read.add(channel, where=where, zone=zone)
        else:
            read.not_chosen += len(channel.records)
    if not_exports and not read.channels:
        raise not_exports[0][1]
    read.notes += [f"not read: {member} ({exc.reason})" for member, exc in not_exports]
    if not read.frames:
        shown = ", ".join(repr(name) for name in read.channels[:NOTE_EXAMPLES])
        msg = f"{path}: no chat named {chat!r}; this export holds {shown}"
        raise ChatNotFoundError(msg)
    if read.not_chosen:
        others = counted(read.not_chosen, "record")
        read.notes.append(f"not read: {others} of other channels (not chosen)")
    report_progress(1, 1)
    frame = pl.concat(read.frames)
    return ImportResult(
        messages=validate_messages(frame),
        skipped=tuple(read.skipped),
        chats=tuple(read.chats.values()),
        units=read.units,
        unit="record",
        notes=(*read.notes, *_time_notes(frame, zone)),
        zone=zone,
        zone_chosen=zone is not None,
    )


@dataclass
class _Export:
    """What the files of one import gave: frames, skips and chats, in the order read."""

    channels: list[str] = field(default_factory=list)
    frames: list[pl.DataFrame] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    chats: dict[str, ChatMeta] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    units: int = 0
    not_chosen: int = 0
    keys: dict[str, str | None] = field(default_factory=dict)  # each chat's channel id

    def apart(self, channel: _Channel) -> _Channel:
        """``channel``, named ``Name (2)``, ``Name (3)``, ... when a channel read before has
        its name and another id (two people of one name): one chat per channel. Parts of one
        channel (``--partition``) share its id, so they stay one chat."""
        name, number = channel.name, 1
        while name in self.keys and self.keys[name] != channel.key:
            number += 1
            name = f"{channel.name} ({number})"
        self.keys[name] = channel.key
        return replace(channel, name=name)

    def add(self, channel: _Channel, *, where: str, zone: str | None) -> None:
        """Read one file's channel; its records are numbered after those read before, and
        let go of once read, the file's bytes with them, before the table is made."""
        if channel.declared is not None and channel.declared != len(channel.records):
            self.notes.append(
                f"{channel.name}: the export says it holds {channel.declared} messages, but "
                f"{len(channel.records)} are in the file"
            )
        rows = _Rows(total=len(channel.records), index=self.units)
        rows.add(channel.records)
        let_go(channel.records)
        frame, skipped, people = _to_frame(rows, chat=channel.name, source=where, zone=zone)
        self.units = rows.index
        self.frames.append(frame)
        self.skipped += sorted(rows.skipped + skipped, key=lambda s: s.line)
        meta = _chat_meta(channel, frame, people)
        earlier = self.chats.get(channel.name)
        if earlier is not None:  # one channel exported in parts (--partition)
            seen = dict.fromkeys((*earlier.participants, *meta.participants))
            keys = one_to_one((*earlier.sender_keys, *meta.sender_keys))
            meta = replace(earlier, participants=tuple(seen), sender_keys=keys)
        self.chats[channel.name] = meta
        self.notes += [note for note in people.notes() if note not in self.notes]


# --- the document ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Channel:
    """The channel of an export: the chat's name, whether it is a DM, and its records."""

    name: str
    kind: str
    direct: bool
    records: list[Any] | RawRecords
    key: str | None = None  # the channel's id, kept when it is renamed
    declared: int | None = None  # the export's messageCount, if it has one


def _export_members(container: Container) -> list[str]:
    """The export files inside ``container``: the file itself, or every ``.json`` of a folder
    or ``.zip`` (shallowest first, then by name)."""
    if len(container.members) == 1 and not container.zipped:
        return [container.members[0]]
    jsons = sorted(
        (m for m in container.members if m.lower().endswith(".json")),
        key=lambda m: (m.count("/"), m),
    )
    if not jsons:
        msg = "no .json file inside; " + _EXPORT_HINT
        raise ParseError(msg)
    return jsons


class _NotAnExportError(ParseError):
    """Well-formed JSON that is not an export: refused alone, noted and left out among the
    exports of a folder or ``.zip`` (another tool's file beside them)."""

    def __init__(self, reason: str, *, where: str) -> None:
        super().__init__(f"{reason}; {_EXPORT_HINT}", path=where, line=1)
        self.reason = reason


def _load_channel(data: bytes, *, where: str) -> _Channel:
    """The channel of a JSON export, its records left undecoded; other formats are refused."""
    _refuse_other_formats(data, where=where)
    document = load_json_lazily(data, where=where, html_hint=_EXPORT_HINT, records="messages")
    if not isinstance(document, dict):
        reason = (
            f"expected a JSON object with 'guild', 'channel' and 'messages', found "
            f"{_json_kind(document)}"
        )
        raise _NotAnExportError(reason, where=where)
    if "messages" not in document or "channel" not in document:
        keys = ", ".join(sorted(str(k) for k in document)[:8]) or "none"
        reason = (
            "not a DiscordChatExporter export: expected 'guild', 'channel' and 'messages', "
            f"found keys {keys}"
        )
        raise _NotAnExportError(reason, where=where)
    records = document["messages"]
    if not isinstance(records, list | RawRecords):
        msg = f"'messages' is {_json_kind(records)}, expected a list of messages"
        raise ParseError(msg, path=where, line=1)
    channel, guild = document["channel"], document.get("guild")
    if not isinstance(channel, dict):
        msg = f"'channel' is {_json_kind(channel)}, expected an object with a name"
        raise ParseError(msg, path=where, line=1)
    found = _channel_of(channel, guild if isinstance(guild, dict) else {}, records)
    count = document.get("messageCount")
    declared = count if isinstance(count, int) and not isinstance(count, bool) else None
    return replace(found, declared=declared)


def _refuse_other_formats(data: bytes, *, where: str) -> None:
    """A ParseError for the exporter's TXT and CSV formats, which are no JSON."""
    head = data[:1024].decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if _is_txt_export(head):
        msg = (
            "this is DiscordChatExporter's plain-text (TXT) export, whose dates follow the "
            "exporting computer's language and cannot be read reliably; " + _EXPORT_HINT
        )
        raise ParseError(msg, path=where, line=1)
    if head.startswith("AuthorID,Author,Date,Content"):
        msg = (
            "this is DiscordChatExporter's CSV export, which the csv importer reads: import it "
            "without --format (or with --format csv); for channel names, author ids and message "
            "kinds, export JSON instead"
        )
        raise ParseError(msg, path=where, line=1)


def _is_txt_export(text: str) -> bool:
    """Whether ``text`` opens like DiscordChatExporter's TXT export: a rule, then ``Guild:``.

    >>> _is_txt_export("=" * 62 + "\\nGuild: Direct Messages\\nChannel: Lumi\\n")
    True
    """
    first, _, rest = text.replace("\r\n", "\n").partition("\n")
    return first == TXT_RULE and rest.startswith("Guild: ")


def _is_html_export(text: str) -> bool:
    """Whether an HTML page is DiscordChatExporter's: its chat log's CSS classes, and Discord."""
    head = text[: 64 * 1024]
    return ".chatlog__" in head and ("discord" in head.lower())


def _channel_of(channel: dict[str, Any], guild: dict[str, Any], records: Any) -> _Channel:
    """The chat's name: the channel's name for a DM or group DM (a DM is named after the other
    person), ``Server / channel`` for a server channel or thread, so that two servers'
    ``general`` stay two chats."""
    kind = channel.get("type")
    kind = kind if isinstance(kind, str) else ""
    direct = kind in DIRECT_CHANNELS or (not kind and str(guild.get("id")) == "0")
    name = _text(channel.get("name")) or f"Discord channel {channel.get('id', '')}".strip()
    server = _text(guild.get("name"))
    if not direct and server:
        name = f"{server} / {name}"
    return _Channel(name=name, kind=kind, direct=direct, records=records, key=id_of(channel))


# --- records -----------------------------------------------------------------------------------


_Row = tuple[KindName, str, str | None, str | None, bool, str | None, str, str | None]
"""One record as (kind, author id, display name, username, is a bot, text, timestamp, message
id); a name or id the record does not give is None."""

_ROW_COLUMNS: dict[str, pl.DataType] = {
    "kind": Kind,
    "_author": pl.String(),
    "_display": pl.String(),
    "_username": pl.String(),
    "_bot": pl.Boolean(),
    "text": pl.String(),
    "_stamp": pl.String(),
    "_id": pl.String(),
}
_ROW_SCHEMA: Final = pl.Schema(_ROW_COLUMNS)


@dataclass
class _Rows:
    """The rows of the records read (in frames), and the records skipped."""

    total: int = 0
    index: int = 0
    frames: list[pl.DataFrame] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def add(self, records: list[Any] | RawRecords) -> None:
        """Read every record: a row, or a skipped record with the reason. Records are
        numbered on from ``index``."""
        first = self.index
        rows: list[_Row] = []
        lines: list[int] = []
        for record in records:
            self.index += 1
            row = _row(record)
            if isinstance(row, str):
                self.skipped.append(Skipped.of(self.index, row, _dump(record)))
                continue
            rows.append(row)
            lines.append(self.index)
            if len(rows) == ROWS_PER_FRAME:
                self._keep(rows, lines)
                rows, lines = [], []
                report_progress((self.index - first) * RECORDS_SHARE, self.total)
        self._keep(rows, lines)

    def _keep(self, rows: list[_Row], lines: list[int]) -> None:
        frame = pl.DataFrame(rows, schema=_ROW_SCHEMA, orient="row")
        self.frames.append(frame.with_columns(source_line=pl.Series(lines, dtype=pl.Int64)))

    def frame(self) -> pl.DataFrame:
        return pl.concat(self.frames, rechunk=True)


def _row(record: object) -> _Row | str:
    """The row of one record, or the reason it is skipped."""
    if type(record) is not dict:
        return "not a message object"
    stamp = record.get("timestamp")
    if not isinstance(stamp, str) or not stamp:
        return "record has no timestamp"
    author = record.get("author")
    author_id = author.get("id") if isinstance(author, dict) else None
    if isinstance(author_id, int) and not isinstance(author_id, bool):
        author_id = str(author_id)
    if not isinstance(author_id, str) or not author_id.strip() or not isinstance(author, dict):
        return "record has no author id"
    message_type = record.get("type", "Default")
    if not isinstance(message_type, str):
        return f"'type' is {_json_kind(message_type)}, expected a name such as Default"
    content = record.get("content")
    if content is not None and not isinstance(content, str):
        return f"'content' is {_json_kind(content)}, expected text"
    username = _text(author.get("name"))
    display = _text(author.get("nickname")) or username
    kind, text = _kind_and_text(record, message_type, content or "")
    bot = author.get("isBot") is True
    return kind, author_id, display or None, username or None, bot, text, stamp, id_of(record)


def _kind_and_text(
    record: dict[str, Any], message_type: str, content: str
) -> tuple[KindName, str | None]:
    """(kind, text) of a record: what someone wrote or sent, a call, or a notice.

    >>> _kind_and_text({"stickers": [{"name": "Wumpus Wave"}]}, "Default", "")
    ('sticker', 'Wumpus Wave')
    >>> _kind_and_text({}, "ChannelPinnedMessage", "Pinned a message.")
    ('system', 'Pinned a message.')
    """
    if message_type == "Call":
        return "call", content or None
    if message_type not in USER_TYPES:
        return "system", content or f"system message (Discord type {message_type})"
    forwarded = record.get("forwardedMessage")
    sources = [record, forwarded] if isinstance(forwarded, dict) else [record]
    for source in sources:
        found = _sent(source, content if source is record else _text(source.get("content")))
        if found is not None:
            return found
    return "media", None


def _sent(source: dict[str, Any], content: str) -> tuple[KindName, str | None] | None:
    """(kind, text) of what a message (or the message it forwards) holds; None if nothing."""
    if content.strip():
        return "text", content
    stickers = _objects(source.get("stickers"))
    if stickers:
        return "sticker", _text(stickers[0].get("name")) or None
    attachments = _objects(source.get("attachments"))
    if attachments:
        voice = all(_text(a.get("fileName")) == VOICE_FILE for a in attachments)
        return ("voice" if voice else "media"), None
    embeds = _objects(source.get("embeds"))
    if embeds:
        words = _text(embeds[0].get("title")) or _text(embeds[0].get("description"))
        return "media", words or None
    return None


def _objects(value: object) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _json_kind(value: object) -> str:
    """What a JSON value is, in JSON's words.

    >>> _json_kind(3), _json_kind(True), _json_kind({}), _json_kind(None)
    ('a number', 'true or false', 'an object', 'null')
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an object" if isinstance(value, dict) else "a list"


def _dump(record: object) -> str:
    return json.dumps(record, ensure_ascii=False)[:400]


# --- the message table -------------------------------------------------------------------------


def _to_frame(
    rows: _Rows, *, chat: str, source: str, zone: str | None
) -> tuple[pl.DataFrame, list[Skipped], _People]:
    """The message table, sorted by instant and record; unreadable times are skipped."""
    frame = rows.frame()
    stamp = pl.col("_stamp").str.strip_chars().str.extract_groups(_STAMP)
    frame = frame.with_columns(_local=_wall_clock(stamp), utc_offset=_offset(stamp))
    readable = pl.col("_local").is_not_null() & pl.col("utc_offset").is_not_null()
    unreadable = frame.filter(~readable)
    skipped = [
        Skipped.of(line, "cannot read the timestamp (expected 2024-01-31T18:05:00.123+01:00)", raw)
        for line, raw in unreadable.select("source_line", "_stamp").iter_rows()
    ]
    frame = frame.filter(readable).with_columns(
        _utc=pl.col("_local") - pl.duration(seconds=pl.col("utc_offset"))
    )
    if zone is not None and frame.height:
        local, offset = local_wall_clock(frame.get_column("_utc"), timezone=zone)
        frame = frame.with_columns(_local=local, utc_offset=offset)
    frame = frame.sort("_utc", "source_line")
    people = _People.of(frame)
    own_ids = frame.get_column("_id")
    frame = frame.select(
        chat=pl.lit(chat, pl.String),
        message_id=pl.lit(None, pl.String),
        timestamp="_local",
        utc_offset="utc_offset",
        sender=pl.col("_author").replace_strict(people.names, return_dtype=pl.String),
        kind="kind",
        text="text",
        source_file=pl.lit(source, pl.String),
        source_line="source_line",
    )
    return _with_discord_ids(frame, own_ids), skipped, people


ID_PREFIX: Final = "discord:"
"""Before a Discord message id in ``message_id``: never equal to an id pullaway derives."""


def _with_discord_ids(frame: pl.DataFrame, ids: pl.Series) -> pl.DataFrame:
    """``message_id`` from Discord's own message ids, which stay the same when a message is
    edited, so a newer export does not add an edited message again; derived from the content
    (``with_message_ids``) for a record without one."""
    derived = with_message_ids(frame, by_instant=True).get_column("message_id")
    own = (ID_PREFIX + ids).fill_null(derived)
    return frame.with_columns(message_id=own)


def _wall_clock(stamp: pl.Expr) -> pl.Expr:
    """The date and time written before the offset, to the microsecond."""
    seconds = stamp.struct.field("wall").str.to_datetime(
        "%Y-%m-%dT%H:%M:%S", time_unit="us", strict=False
    )
    fraction = stamp.struct.field("fraction").fill_null("0").str.slice(0, 6).str.pad_end(6, "0")
    return seconds + pl.duration(microseconds=fraction.cast(pl.Int64))


def _offset(stamp: pl.Expr) -> pl.Expr:
    """Seconds east of UTC written after the time (``Z`` is 0); null if implausible."""
    written = stamp.struct.field("offset")
    sign = pl.when(written.str.starts_with("-")).then(-1).otherwise(1)
    hours = written.str.slice(1, 2).cast(pl.Int32, strict=False)
    minutes = written.str.slice(4, 2).cast(pl.Int32, strict=False)
    seconds = pl.when(written == "Z").then(0).otherwise(sign * (hours * 3600 + minutes * 60))
    return pl.when(seconds.abs() <= MAX_UTC_OFFSET).then(seconds).cast(pl.Int32)


@dataclass(frozen=True)
class _People:
    """One name per author id, and what was done to get there."""

    names: dict[str, str]
    aliases: dict[str, frozenset[str]]
    renamed: tuple[tuple[str, tuple[str, ...]], ...] = ()
    shared: tuple[str, ...] = ()
    bots: tuple[str, ...] = ()
    bot_messages: int = 0

    @classmethod
    def of(cls, frame: pl.DataFrame) -> _People:
        """Name each author id by the display name of its latest record that gives one
        (``frame`` is in time order), else ``Discord user <id>``; ids that share a name get
        ``Name (username)``, or ``Name (id)`` if that too is shared. ``aliases`` holds every
        display name and username an id had (casefolded)."""
        authors = frame.group_by("_author", maintain_order=True).agg(
            pl.col("_display").drop_nulls().last(),
            pl.col("_username").drop_nulls().last(),
            displays=pl.col("_display").drop_nulls().unique(maintain_order=True),
            usernames=pl.col("_username").drop_nulls().unique(maintain_order=True),
            bot=pl.col("_bot").any(),
            messages=pl.len(),
        )
        found = authors.to_dicts()
        latest = {a["_author"]: a["_display"] or f"Discord user {a['_author']}" for a in found}
        usernames = {a["_author"]: a["_username"] or a["_author"] for a in found}
        names = _unique_names(latest, usernames)
        bots = [a for a in found if a["bot"]]
        return cls(
            names=names,
            aliases={
                a["_author"]: frozenset(n.casefold() for n in a["displays"] + a["usernames"])
                for a in found
            },
            renamed=tuple(
                (a["_author"], tuple(a["displays"])) for a in found if len(a["displays"]) > 1
            ),
            shared=tuple(author for author, name in names.items() if name != latest[author]),
            bots=tuple(a["_author"] for a in bots),
            bot_messages=sum(a["messages"] for a in bots),
        )

    def notes(self) -> tuple[str, ...]:
        notes = [
            f"author {author} wrote as {_quoted(shown)}; all their messages are under "
            f"{self.names[author]!r}, their latest name"
            for author, shown in self.renamed[:NOTE_EXAMPLES]
        ]
        if self.shared:
            told = [f"{self.names[author]!r} is author {author}" for author in self.shared]
            shown = ", ".join(told[:NOTE_EXAMPLES]) + (", …" if len(told) > NOTE_EXAMPLES else "")
            notes.append(f"people who share a name are told apart: {shown}")
        if self.bots:
            bots = [self.names[author] for author in self.bots]
            notes.append(
                f"{counted(self.bot_messages, 'message')} from bot accounts ({_quoted(bots)}) "
                "are kept like anyone's"
            )
        return tuple(notes)


def _unique_names(latest: dict[str, str], usernames: dict[str, str]) -> dict[str, str]:
    """``latest`` (id → display name), with names shared by several ids made unique.

    >>> _unique_names({"1": "Alex", "2": "Alex", "3": "Sam"}, {"1": "alex_r", "2": "am", "3": "s"})
    {'1': 'Alex (alex_r)', '2': 'Alex (am)', '3': 'Sam'}
    >>> _unique_names({"1": "Alex", "2": "Alex"}, {"1": "alex", "2": "alex"})
    {'1': 'Alex (1)', '2': 'Alex (2)'}
    """
    names = dict(latest)
    for told_by in (usernames, {author: author for author in latest}):
        clashing = _clashing(names)
        for author in clashing:
            names[author] = f"{latest[author]} ({told_by[author]})"
    return names


def _clashing(names: dict[str, str]) -> list[str]:
    """The ids whose name another id has too."""
    counts: dict[str, int] = {}
    for name in names.values():
        counts[name] = counts.get(name, 0) + 1
    return [author for author, name in names.items() if counts[name] > 1]


def _quoted(names: tuple[str, ...] | list[str]) -> str:
    """Up to ``NOTE_EXAMPLES`` names, quoted.

    >>> _quoted(["Ana", "Bo"])
    "'Ana', 'Bo'"
    """
    shown = ", ".join(repr(n) for n in names[:NOTE_EXAMPLES])
    return shown + (", …" if len(names) > NOTE_EXAMPLES else "")


def _chat_meta(channel: _Channel, frame: pl.DataFrame, people: _People) -> ChatMeta:
    said = frame.filter(pl.col("kind") != "system").get_column("sender")
    participants = tuple(said.unique(maintain_order=True).to_list())
    me, reason = _me_guess(channel, people)
    return ChatMeta(
        name=channel.name,
        me_guess=me,
        me_reason=reason,
        participants=participants,
        key=channel.key,
        sender_keys=one_to_one((name, author) for author, name in people.names.items()),
    )


def _me_guess(channel: _Channel, people: _People) -> tuple[str | None, str]:
    """In a one-to-one DM, the author who is not the person the DM is named after.

    DiscordChatExporter names a DM after the other person (their display name; their username
    in versions before Discord's 2023 names), so the exporting account is the other author.
    Group DMs, server channels, and DMs where this does not single out one author (say, only
    the other person wrote) get no guess.
    """
    if channel.kind != "DirectTextChat":
        return None, ""
    humans = [author for author in people.names if author not in people.bots]
    key = channel.name.casefold()
    named = [author for author in humans if key in people.aliases[author]]
    others = [author for author in humans if author not in named]
    if len(humans) > 2 or len(named) > 1 or len(others) != 1:
        return None, ""
    return (
        people.names[others[0]],
        f"the DM is named after the other person ({channel.name}); you are the other author",
    )


def _time_notes(frame: pl.DataFrame, zone: str | None) -> tuple[str, ...]:
    """Say so when every time is UTC: the export was made with ``--utc``."""
    if zone is not None or not frame.height:
        return ()
    if frame.get_column("utc_offset").eq(0).all():
        return (
            "every time is in UTC (exported with --utc, or from a computer set to UTC); "
            "pass --timezone to see them in your own zone",
        )
    return ()
