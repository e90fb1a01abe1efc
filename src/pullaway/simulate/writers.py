"""Write a simulated chat as a real export: WhatsApp Android/iOS, Telegram Desktop, Signal
(signal-export's data.json), SMS Backup & Restore XML, a Messenger or Instagram "Download Your
Information" folder, the generic CSV (docs/formats/csv.md), a DiscordChatExporter JSON, or an
iMessage ``chat.db`` with Contacts beside it (``pullaway.simulate.chat_db``).

Lines are built with Polars string expressions (no per-message formatting in Python), so a
million messages write in a few seconds.
"""

from __future__ import annotations

import base64
import io
import json
import zipfile
from typing import TYPE_CHECKING, Any, Final, Literal, get_args

import polars as pl

from pullaway.simulate.chat_db import write_chat_db
from pullaway.simulate.phrases import ANDROID_MEDIA, LANGUAGES, Language

if TYPE_CHECKING:
    from pathlib import Path

    from pullaway.simulate.core import SimulatedChat

ExportFormat = Literal[
    "whatsapp_android",
    "whatsapp_ios",
    "telegram",
    "signal",
    "sms",
    "messenger",
    "instagram",
    "csv",
    "discord",
    "imessage",
]
EXPORT_FORMATS: Final[tuple[ExportFormat, ...]] = get_args(ExportFormat)
"""Every format ``write_export`` writes, in ``ExportFormat``'s order."""
DateOrder = Literal["dmy", "mdy"]
Clock = Literal["24h", "12h"]

LRM: Final = "\u200e"
NNBSP: Final = "\u202f"

# The notice WhatsApp writes first in every 1:1 export, per phone language.
ENCRYPTION_NOTICE: Final[dict[Language, str]] = {
    "en": "Messages and calls are end-to-end encrypted. No one outside of this chat, not even "
    "WhatsApp, can read or listen to them. Tap to learn more.",
    "es": "Los mensajes y las llamadas están cifrados de extremo a extremo. Nadie fuera de este "
    "chat, ni siquiera WhatsApp, puede leerlos ni escucharlos. Toca para obtener más información.",
    "pt": "As mensagens e as chamadas são protegidas com a criptografia de ponta a ponta. Ninguém "
    "fora desta conversa, nem mesmo o WhatsApp, pode ler ou ouvi-las. Toque para saber mais.",
    "de": "Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt. Niemand außerhalb dieses "
    "Chats, nicht einmal WhatsApp, kann sie lesen oder anhören. Tippe, um mehr zu erfahren.",
    "fr": "Les messages et les appels sont chiffrés de bout en bout. Aucun tiers, pas même "
    "WhatsApp, ne peut les lire ou les écouter. Appuyez pour en savoir plus.",
}
# iOS names the media type; strings from the formats notes (English where none is recorded).
IOS_MEDIA: Final[dict[Language, dict[str, str]]] = {
    "en": {"media": "image omitted", "sticker": "sticker omitted", "voice": "audio omitted"},
    "es": {"media": "imagen omitida", "sticker": "sticker omitido", "voice": "audio omitido"},
    "de": {
        "media": "Bild weggelassen",
        "sticker": "Sticker weggelassen",
        "voice": "Audio weggelassen",
    },
}
TELEGRAM_FILE_NOTE: Final = "(File not included. Change data exporting settings to download.)"
TELEGRAM_USER_IDS: Final = (1000001, 1000002)  # me, them


def write_export(
    sim: SimulatedChat,
    out_dir: Path,
    *,
    format: ExportFormat,
    date_order: DateOrder = "dmy",
    clock: Clock = "24h",
    phone_language: Language | None = None,
    utc_offset: int = 3600,
) -> Path:
    """Write ``sim`` as an export in ``out_dir`` plus ``truth.json`` next to it; return its path.

    phone_language: the language of the phone's own strings (media placeholders, the
        encryption notice); defaults to the chat's language.
    utc_offset: seconds east of UTC of the exporting computer (Telegram's date_unixtime).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    language: Language = phone_language or sim.truth["params"]["language"]
    if language not in LANGUAGES:
        msg = f"phone_language={language!r} is not one of {', '.join(LANGUAGES)}"
        raise ValueError(msg)
    them = sim.truth["chat"]["them"]
    if format == "whatsapp_android":
        path = out_dir / f"WhatsApp Chat with {them}.txt"
        path.write_bytes(_encode(android_lines(sim, date_order, clock, language)))
    elif format == "whatsapp_ios":
        path = out_dir / f"WhatsApp Chat - {them}.zip"
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("_chat.txt", _encode(ios_lines(sim, date_order, clock, language)))
    elif format == "telegram":
        path = out_dir / "result.json"
        path.write_bytes(_encode(telegram_lines(sim, utc_offset)))
    elif format == "signal":
        path = out_dir / them
        path.mkdir(exist_ok=True)
        (path / "data.json").write_bytes(_encode(signal_lines(sim)))
    elif format == "sms":
        path = out_dir / "sms-backup.xml"
        path.write_bytes(_encode(sms_lines(sim, utc_offset)))
    elif format in ("messenger", "instagram"):
        path = out_dir / f"{format}-download"
        for name, data in meta_files(sim, format, utc_offset).items():
            (path / name).parent.mkdir(parents=True, exist_ok=True)
            (path / name).write_bytes(data)
    elif format == "csv":
        path = out_dir / f"{them}.csv"
        csv_rows(sim, utc_offset).write_csv(path)
    elif format == "imessage":
        path = write_chat_db(sim, out_dir / "Messages", utc_offset=utc_offset)
    elif format == "discord":
        path = out_dir / f"Direct Messages - {them} [{DISCORD_CHANNEL_ID}].json"
        path.write_bytes(_encode(discord_lines(sim, utc_offset)))
    else:
        msg = f"format={format!r} is not one of {', '.join(EXPORT_FORMATS)}"
        raise ValueError(msg)
    truth = json.dumps(sim.truth, ensure_ascii=False, indent=1)
    (out_dir / "truth.json").write_text(truth + "\n", encoding="utf-8")
    return path


def _stamp(date_order: DateOrder, clock: Clock, *, seconds: bool) -> str:
    day = "%d/%m/%Y" if date_order == "dmy" else "%-m/%-d/%y"
    clock_part = "%H:%M" if clock == "24h" else "%-I:%M"
    if seconds:
        clock_part += ":%S"
    if clock == "12h":
        clock_part += f"{NNBSP}%p"
    return f"{day}, {clock_part}"


def _header(stamp: str, *, ios: bool) -> pl.Expr:
    formatted = pl.col("timestamp").dt.strftime(stamp)
    return pl.concat_str([pl.lit("["), formatted, pl.lit("] ")]) if ios else formatted + " - "


def android_lines(
    sim: SimulatedChat, date_order: DateOrder, clock: Clock, language: Language
) -> pl.Series:
    """The lines of the `WhatsApp Chat with X.txt` an Android phone writes (without media)."""
    frame = sim.messages
    stamp = _stamp(date_order, clock, seconds=False)
    body = (
        pl.when(pl.col("kind") == "text")
        .then(pl.col("text"))
        .otherwise(pl.lit(ANDROID_MEDIA[language]))
    )
    lines = frame.select(
        pl.concat_str([_header(stamp, ios=False), pl.col("sender"), pl.lit(": "), body])
    ).to_series()
    first = frame["timestamp"].min() if frame.height else None
    notice: list[str] = []
    if first is not None:
        head = pl.select(pl.lit(first).dt.strftime(stamp)).item()
        notice = [f"{head} - {ENCRYPTION_NOTICE[language]}"]
    return pl.concat([pl.Series(notice, dtype=pl.String), lines])


def ios_lines(
    sim: SimulatedChat, date_order: DateOrder, clock: Clock, language: Language
) -> pl.Series:
    """The lines of the `_chat.txt` inside an iOS `WhatsApp Chat - X.zip` (without media)."""
    frame = sim.messages
    stamp = _stamp(date_order, clock, seconds=True)
    placeholders = IOS_MEDIA.get(language, IOS_MEDIA["en"])
    body = (
        pl.when(pl.col("kind") == "text")
        .then(pl.col("text"))
        .otherwise(
            LRM
            + pl.col("kind")
            .cast(pl.String)
            .replace_strict(placeholders, default=placeholders["media"])
        )
    )
    lead = pl.when(pl.col("kind") == "text").then(pl.lit("")).otherwise(pl.lit(LRM))
    lines = frame.select(
        pl.concat_str([lead, _header(stamp, ios=True), pl.col("sender"), pl.lit(": "), body])
    ).to_series()
    notice: list[str] = []
    if frame.height:
        head = pl.select(pl.lit(frame["timestamp"].min()).dt.strftime(stamp)).item()
        them = sim.truth["chat"]["them"]
        text = ENCRYPTION_NOTICE[language].rsplit(". ", 1)[0] + "."
        notice = [f"{LRM}[{head}] {them}: {LRM}{text}"]
    return pl.concat([pl.Series(notice, dtype=pl.String), lines])


def signal_lines(sim: SimulatedChat) -> pl.Series:
    """The lines of signal-export's ``data.json`` in the chat's folder: one JSON object per
    message, ``Me`` for the owner, attachments by file name (a photo, or a voice note)."""
    kind = pl.col("kind")
    attachment = pl.struct(path=pl.lit("media/photo.jpg"))
    attachments = (
        pl.when(kind == "media")
        .then(pl.concat_list(attachment))
        .when(kind == "voice")
        .then(pl.concat_list(attachment.struct.with_fields(path=pl.lit("media/voice.m4a"))))
        .otherwise(pl.lit([], dtype=pl.List(pl.Struct({"path": pl.String}))))
    )
    me = sim.truth["chat"]["me"]
    record = pl.struct(
        date=pl.col("timestamp").dt.strftime("%Y-%m-%dT%H:%M:%S%.6f"),
        sender=pl.when(pl.col("sender") == me).then(pl.lit("Me")).otherwise(pl.col("sender")),
        body=pl.when(kind == "text").then(pl.col("text")).otherwise(pl.lit("")),
        quote=pl.lit(""),
        sticker=pl.when(kind == "sticker").then(pl.lit("sticker.webp")).otherwise(pl.lit("")),
        reactions=pl.lit([], dtype=pl.List(pl.List(pl.String))),
        attachments=attachments,
        deleted=pl.lit(value=False),
        call=pl.lit(value=False),
        missed=pl.lit(value=False),
    )
    return sim.messages.select(record.struct.json_encode()).to_series()


SMS_ADDRESS: Final = "+15551234567"
SMS_PHOTO: Final = base64.b64encode(bytes(range(256)) * 8).decode()
"""The base64 of a 2 KB stand-in photo: a real one is tens or hundreds of KB."""


def sms_lines(sim: SimulatedChat, utc_offset: int) -> pl.Series:
    """An SMS Backup & Restore backup: texts as ``<sms>``, media as an ``<mms>`` with a photo
    part; ``date`` in milliseconds since 1970 (local time minus ``utc_offset``)."""
    them = sim.truth["chat"]["them"]
    sent = pl.col("sender") == sim.truth["chat"]["me"]
    date = (pl.col("timestamp").dt.epoch("ms") - utc_offset * 1000).cast(pl.String)
    body = pl.col("text").fill_null("")
    for char, reference in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;")):
        body = body.str.replace_all(char, reference, literal=True)
    body = body.str.replace_all("\n", "&#10;", literal=True)
    sms = pl.concat_str(
        pl.lit(f'  <sms protocol="0" address="{SMS_ADDRESS}" date="'),
        date,
        pl.lit('" type="'),
        pl.when(sent).then(pl.lit("2")).otherwise(pl.lit("1")),
        pl.lit('" subject="null" body="'),
        body,
        pl.lit(f'" read="1" status="-1" locked="0" date_sent="0" contact_name="{them}" />'),
    )
    mms = pl.concat_str(
        pl.lit('  <mms date="'),
        date,
        pl.lit('" msg_box="'),
        pl.when(sent).then(pl.lit("2")).otherwise(pl.lit("1")),
        pl.lit(f'" address="{SMS_ADDRESS}" read="1" contact_name="{them}"><parts>'),
        pl.lit(f'<part seq="0" ct="image/jpeg" name="IMG.jpg" text="null" data="{SMS_PHOTO}" />'),
        pl.lit("</parts></mms>"),
    )
    records = sim.messages.select(pl.when(pl.col("kind") == "text").then(sms).otherwise(mms))
    head = [
        "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>",
        f'<smses count="{records.height}" type="full">',
    ]
    return pl.concat(
        [pl.Series(head), records.to_series(), pl.Series(["</smses>"])], how="vertical"
    )


META_FILE_MESSAGES: Final = 10_000
"""Messages per ``message_N.json``: Meta splits a thread into files of about this many."""
META_ROOTS: Final = {"messenger": "your_facebook_activity", "instagram": "your_instagram_activity"}
META_THREAD_ID: Final = 4821337


def meta_files(
    sim: SimulatedChat, platform: Literal["messenger", "instagram"], utc_offset: int
) -> dict[str, bytes]:
    """A Messenger or Instagram download of the one thread, by path in the download folder.

    The thread is split into ``message_1.json`` (the newest), ``message_2.json``, ... of
    ``META_FILE_MESSAGES`` each, newest first, as Meta writes them; the owner is named in a
    profile file. Text is written as Meta does: each UTF-8 byte of a non-ASCII character as
    its own ``\\u00XX`` escape (what the importer repairs). ``timestamp_ms`` is the instant:
    local time minus ``utc_offset`` seconds.
    """
    me, them = sim.truth["chat"]["me"], sim.truth["chat"]["them"]
    root = META_ROOTS[platform]
    thread = f"{root}/messages/inbox/{them.lower()}_{META_THREAD_ID}"
    records = _as_meta_text(_meta_records(sim, thread, utc_offset).reverse())  # newest first
    head = {
        "participants": [{"name": them}, {"name": me}],
        "title": them,
        "is_still_participant": True,
        "thread_path": thread.split("/messages/", 1)[1],
        "magic_words": [],
    }
    opening = _as_meta_text(pl.Series([json.dumps(head, ensure_ascii=False)[:-1]])).item()
    files: dict[str, bytes] = {}
    for number, start in enumerate(range(0, max(records.len(), 1), META_FILE_MESSAGES), 1):
        body = records.slice(start, META_FILE_MESSAGES).str.join(",").item()
        text = f'{opening}, "messages": [{body}]}}'
        files[f"{thread}/message_{number}.json"] = text.encode("ascii")
    if platform == "instagram":
        owner = "personal_information/personal_information/personal_information.json"
        profile: dict[str, Any] = {"profile_user": [{"string_map_data": {"Name": {"value": me}}}]}
    else:
        owner = "profile_information/profile_information.json"
        profile = {"profile_v2": {"name": {"full_name": me}}}
    profile_text = _as_meta_text(pl.Series([json.dumps(profile, ensure_ascii=False)])).item()
    files[f"{root}/{owner}"] = profile_text.encode("ascii")
    return files


def _meta_records(sim: SimulatedChat, thread: str, utc_offset: int) -> pl.Series:
    """One JSON object per message, oldest first: ``content`` for texts; a photo, an audio
    file or a sticker for the other kinds."""
    stamp = pl.col("timestamp").dt.epoch("ms") - utc_offset * 1000
    attached = pl.concat_list(
        pl.struct(
            uri=pl.format(f"{thread}/{{}}/{{}}.bin", pl.col("folder"), pl.col("row")),
            creation_timestamp=stamp // 1000,
        )
    )
    sticker = pl.struct(uri=pl.lit("your_activity/messages/stickers_used/heart.png"))
    by_kind = {
        "text": [pl.col("text").alias("content"), pl.lit(False).alias("is_geoblocked_for_viewer")],
        "media": [attached.alias("photos")],
        "voice": [attached.alias("audio_files")],
        "sticker": [sticker.alias("sticker")],
    }
    folders = {"media": "photos", "voice": "audio"}
    frame = sim.messages.with_row_index("row").with_columns(
        folder=pl.col("kind").cast(pl.String).replace_strict(folders, default="files")
    )
    base = [pl.col("sender").alias("sender_name"), stamp.alias("timestamp_ms")]
    parts = [
        frame.filter(pl.col("kind") == kind).select(
            "row", json=pl.struct(*base, *fields).struct.json_encode()
        )
        for kind, fields in by_kind.items()
    ]
    return pl.concat(parts).sort("row")["json"]


def _as_meta_text(texts: pl.Series) -> pl.Series:
    """``texts`` with every non-ASCII character written as the ``\\u00XX`` escapes of its
    UTF-8 bytes (Meta's mojibake), replacing each distinct such character in one pass.

    >>> _as_meta_text(pl.Series(['{"a": "café 😊"}'])).item()
    '{"a": "caf\\\\u00c3\\\\u00a9 \\\\u00f0\\\\u009f\\\\u0098\\\\u008a"}'
    """
    chars = texts.str.extract_all(r"[^\x00-\x7F]").explode().drop_nulls().unique().sort()
    escaped = ["".join(f"\\u00{byte:02x}" for byte in c.encode()) for c in chars]
    if not escaped:
        return texts
    return texts.str.replace_many(chars.to_list(), escaped)


def csv_rows(sim: SimulatedChat, utc_offset: int) -> pl.DataFrame:
    """The rows of a generic CSV export: local time, sender, text (empty for media), kind and
    the UTC offset in seconds."""
    return sim.messages.select(
        timestamp=pl.col("timestamp").dt.strftime("%Y-%m-%d %H:%M:%S"),
        sender="sender",
        text=pl.when(pl.col("kind") == "text").then(pl.col("text")).otherwise(pl.lit("")),
        kind=pl.col("kind").cast(pl.String),
        utc_offset=pl.lit(utc_offset),
    )


DISCORD_CHANNEL_ID: Final = "1081234567890123456"
DISCORD_USER_IDS: Final = ("283619582049615872", "190345627738529792")  # me, them
_DISCORD_EPOCH_MS: Final = 1_420_070_400_000  # 2015-01-01, where Discord's ids start


def discord_lines(sim: SimulatedChat, utc_offset: int) -> pl.Series:
    """A DiscordChatExporter JSON of the direct messages, one message per line: ``timestamp``
    on the exporting computer's clock with its offset (``utc_offset``), ids that grow with
    time as Discord's do, the sender's display name as ``nickname``, a photo or
    ``voice-message.ogg`` as an attachment, and a sticker by name."""
    me, them = sim.truth["chat"]["me"], sim.truth["chat"]["them"]
    sign, offset = ("-" if utc_offset < 0 else "+"), abs(utc_offset)
    zone = f"{sign}{offset // 3600:02d}:{offset % 3600 // 60:02d}"
    kind, mine = pl.col("kind"), pl.col("sender") == me
    instant_ms = pl.col("timestamp").dt.epoch("ms") - utc_offset * 1000
    snowflake = ((instant_ms - _DISCORD_EPOCH_MS) * 2**22 + pl.col("row")).cast(pl.String)
    file = pl.struct(
        id=snowflake,
        url=pl.format("https://cdn.discordapp.com/attachments/1/{}/file", snowflake),
        fileName=pl.when(kind == "voice")
        .then(pl.lit("voice-message.ogg"))
        .otherwise(pl.lit("IMG_0001.jpg")),
        fileSizeBytes=pl.lit(48_213),
    ).alias("file")
    attachments = (
        pl.when(kind.is_in(["media", "voice"]))
        .then(pl.concat_list(file))
        .otherwise(pl.concat_list(file).list.head(0))
    )
    stickers = (
        pl.when(kind == "sticker")
        .then(pl.concat_list(pl.struct(id=pl.lit("749054660769218631"), name=pl.lit("Wave"))))
        .otherwise(pl.concat_list(pl.struct(id=pl.lit(""), name=pl.lit(""))).list.head(0))
    )
    author = pl.struct(
        id=pl.when(mine).then(pl.lit(DISCORD_USER_IDS[0])).otherwise(pl.lit(DISCORD_USER_IDS[1])),
        name=pl.col("sender").str.to_lowercase(),
        discriminator=pl.lit("0000"),
        nickname=pl.col("sender"),
        isBot=pl.lit(value=False),
    )
    record = pl.struct(
        id=snowflake,
        type=pl.lit("Default"),
        timestamp=pl.col("timestamp").dt.strftime("%Y-%m-%dT%H:%M:%S%.3f") + pl.lit(zone),
        timestampEdited=pl.lit(None, pl.String),
        isPinned=pl.lit(value=False),
        content=pl.when(kind == "text").then(pl.col("text")).otherwise(pl.lit("")),
        author=author,
        attachments=attachments,
        embeds=pl.lit([], dtype=pl.List(pl.String)),
        stickers=stickers,
        reactions=pl.lit([], dtype=pl.List(pl.String)),
        mentions=pl.lit([], dtype=pl.List(pl.String)),
    )
    rows = sim.messages.with_row_index("row").select(record.struct.json_encode()).to_series()
    head = {
        "guild": {"id": "0", "name": "Direct Messages"},
        "channel": {"id": DISCORD_CHANNEL_ID, "type": "DirectTextChat", "name": them},
        "dateRange": {"after": None, "before": None},
        "messages": [],
    }
    opening = json.dumps(head, ensure_ascii=False)[: -len("]}")]
    body = pl.concat([rows.head(-1) + ",", rows.tail(1)])  # a comma after all but the last
    closing = f'], "messageCount": {rows.len()}}}'
    return pl.concat([pl.Series([opening]), body, pl.Series([closing])])


def _encode(lines: pl.Series) -> bytes:
    """UTF-8 bytes of the lines, each ending in a newline, without a Python string per line."""
    buffer = io.BytesIO()
    pl.DataFrame({"line": lines}).write_csv(buffer, include_header=False, quote_style="never")
    return buffer.getvalue()


def telegram_lines(sim: SimulatedChat, utc_offset: int) -> pl.Series:
    """A Telegram Desktop single-chat `result.json` (personal_chat), one message per line.

    Messages are encoded by Polars per kind (plain text, photo, sticker, voice); the few
    texts holding a link get Telegram's mixed string/entity list, encoded by ``json``.
    """
    me, them = sim.truth["chat"]["me"], sim.truth["chat"]["them"]
    ids = {me: f"user{TELEGRAM_USER_IDS[0]}", them: f"user{TELEGRAM_USER_IDS[1]}"}
    frame = sim.messages.select(
        id=pl.int_range(1, pl.len() + 1),
        type=pl.lit("message"),
        date=pl.col("timestamp").dt.strftime("%Y-%m-%dT%H:%M:%S"),
        date_unixtime=(pl.col("timestamp").dt.epoch("s") - utc_offset).cast(pl.String),
        **{"from": pl.col("sender")},
        from_id=pl.col("sender").replace_strict(ids, default="user0"),
        kind=pl.col("kind").cast(pl.String),
        text=pl.col("text").fill_null(""),
    )
    linked = frame.filter(pl.col("text").str.contains("https://", literal=True))
    plain = frame.filter(~pl.col("text").str.contains("https://", literal=True))
    base = [pl.col(c) for c in ("id", "type", "date", "date_unixtime", "from", "from_id")]
    empty = pl.lit([], dtype=pl.List(pl.Struct({"type": pl.String, "text": pl.String})))
    by_kind = {
        "text": [
            *base,
            pl.col("text"),
            pl.concat_list(pl.struct(type=pl.lit("plain"), text=pl.col("text"))).alias(
                "text_entities"
            ),
        ],
        "media": [
            *base,
            pl.lit(TELEGRAM_FILE_NOTE).alias("photo"),
            pl.lit(1280).alias("width"),
            pl.lit(960).alias("height"),
            pl.lit("").alias("text"),
            empty.alias("text_entities"),
        ],
        "sticker": [
            *base,
            pl.lit(TELEGRAM_FILE_NOTE).alias("file"),
            pl.lit(TELEGRAM_FILE_NOTE).alias("thumbnail"),
            pl.lit("sticker").alias("media_type"),
            pl.lit("❤️").alias("sticker_emoji"),
            pl.lit(512).alias("width"),
            pl.lit(512).alias("height"),
            pl.lit("").alias("text"),
            empty.alias("text_entities"),
        ],
        "voice": [
            *base,
            pl.lit(TELEGRAM_FILE_NOTE).alias("file"),
            pl.lit("voice_message").alias("media_type"),
            pl.lit("audio/ogg").alias("mime_type"),
            (4 + pl.col("id") % 40).alias("duration_seconds"),
            pl.lit("").alias("text"),
            empty.alias("text_entities"),
        ],
    }
    parts = [
        plain.filter(pl.col("kind") == kind).select(
            "id", json=pl.struct(fields).struct.json_encode()
        )
        for kind, fields in by_kind.items()
    ]
    parts.append(
        pl.DataFrame(
            {
                "id": linked["id"],
                "json": [_linked_message(row) for row in linked.iter_rows(named=True)],
            },
            schema={"id": pl.Int64, "json": pl.String},
        )
    )
    lines = pl.concat([p.cast({"id": pl.Int64}) for p in parts]).sort("id")["json"]
    chat = {"name": them, "type": "personal_chat", "id": TELEGRAM_USER_IDS[1]}
    head = json.dumps(chat, ensure_ascii=False, indent=1)[:-2] + ',\n "messages": ['
    commas = pl.Series([","] * (lines.len() - 1) + [""], dtype=pl.String)
    body = "  " + lines + commas if lines.len() else lines
    return pl.concat([pl.Series([head]), body, pl.Series([" ]", "}"])])


def _linked_message(row: dict[str, Any]) -> str:
    text, entities = _telegram_text(row["text"])
    keys = ("id", "type", "date", "date_unixtime", "from", "from_id")
    message = {k: row[k] for k in keys} | {"text": text, "text_entities": entities}
    return json.dumps(message, ensure_ascii=False)


def _telegram_text(text: str) -> tuple[str | list[Any], list[dict[str, str]]]:
    """A plain string, or Telegram's mixed list when the text holds a link."""
    if "https://" not in text:
        return text, ([{"type": "plain", "text": text}] if text else [])
    before, _, rest = text.partition("https://")
    link, space, after = rest.partition(" ")
    parts: list[dict[str, str]] = []
    if before:
        parts.append({"type": "plain", "text": before})
    parts.append({"type": "link", "text": "https://" + link})
    if space:
        parts.append({"type": "plain", "text": space + after})
    mixed: list[Any] = [p["text"] if p["type"] == "plain" else p for p in parts]
    return mixed, parts
