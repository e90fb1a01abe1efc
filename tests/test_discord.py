"""DiscordChatExporter JSON: kinds, times, people keyed by id, skipped records, bad input,
sniffing, the CLI end to end, and damaged exports."""

from __future__ import annotations

import copy
import json
import shutil
import zipfile
from datetime import datetime
from typing import TYPE_CHECKING, Any

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import FIXTURES, fixed_cases
from pullaway.cli import app
from pullaway.errors import ChatNotFoundError, ParseError
from pullaway.importers import Sample, discord, registry, sniff
from pullaway.importers._json import load_json
from pullaway.importers.discord import parse
from pullaway.ingest import import_file
from pullaway.store import Store
from pullaway.testing import (
    assert_lines_accounted,
    fixture_inputs,
    progress_shares,
    read_outcome,
)

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from pullaway.importers import ImportResult

FOLDER = FIXTURES / "discord"
DM = FOLDER / "direct_messages.json"
SERVER = FOLDER / "server_channel.json"
SEED_BYTES = DM.read_bytes()
SEED = json.loads(SEED_BYTES)
TXT_EXPORT = (
    "=" * 62 + "\nGuild: Direct Messages\nChannel: Lumi\n" + "=" * 62 + "\n\n"
    "[3/1/2023 9:04 PM] nightowl\nhey, still up?\n\n\n"
)
HTML_EXPORT = (
    '<!DOCTYPE html>\n<html lang="en">\n\n<head>\n    <title>Direct Messages - Lumi</title>\n'
    '    <meta charset="utf-8">\n<style>\n@font-face { src: url("https://cdn.jsdelivr.net/gh/'
    'Tyrrrz/DiscordFonts@master/ggsans-normal-400.woff2"); }\n'
    ".chatlog__message-group { margin-bottom: 1rem; }\n</style></head><body></body></html>\n"
)


def write(folder: Path, document: object, name: str = "export.json") -> Path:
    path = folder / name
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def dm_with(messages: list[dict[str, Any]], **channel: Any) -> dict[str, Any]:
    """The DM fixture's document with other messages (and channel fields)."""
    document = copy.deepcopy(SEED)
    document["messages"] = messages
    document["messageCount"] = len(messages)  # as the exporter writes it
    document["channel"].update(channel)
    return document


def record(author: dict[str, Any], content: str = "hi", **fields: Any) -> dict[str, Any]:
    """A DiscordChatExporter message record, as the fixture writes them."""
    base = copy.deepcopy(SEED["messages"][0])
    base.update(author=author, content=content, **fields)
    return base


def person(user_id: str, name: str, nickname: str, *, bot: bool = False) -> dict[str, Any]:
    author = copy.deepcopy(SEED["messages"][0]["author"])
    author.update(id=user_id, name=name, nickname=nickname, isBot=bot)
    return author


NOOR = SEED["messages"][0]["author"]
LUMI = SEED["messages"][1]["author"]


# --- what each record becomes ------------------------------------------------------------------


def test_kinds_of_a_dm() -> None:
    rows = {r["source_line"]: r for r in parse(DM).messages.to_dicts()}
    kinds = {line: (row["kind"], row["text"]) for line, row in rows.items()}
    assert kinds[3] == ("media", None)  # an attachment without words
    assert kinds[4] == ("text", "cute!! 😍 where is that?")  # a reply
    assert kinds[5] == ("text", "the lake near my aunt's place 🏞️")  # edited: its final text
    assert kinds[6] == ("sticker", "Wumpus Wave")
    assert kinds[7] == ("call", "Started a call that lasted 38 minutes.")
    assert kinds[9] == ("system", "Pinned a message.")
    assert kinds[11] == ("voice", None)  # voice-message.ogg
    assert kinds[12] == ("text", "ok that's the song from the café")  # words and a file
    assert rows[9]["sender"] == "Noor"  # a notice's sender is who did it


def test_reactions_are_not_messages() -> None:
    result = parse(DM)
    assert result.units == result.messages.height == len(SEED["messages"])
    assert "❤️" not in "".join(result.messages["text"].drop_nulls().to_list())


def test_server_kinds_bots_and_numbered_types() -> None:
    rows = {r["source_line"]: r for r in parse(SERVER).messages.to_dicts()}
    assert (rows[1]["kind"], rows[1]["text"]) == ("system", "Joined the server.")
    assert (rows[2]["sender"], rows[2]["kind"]) == ("Carl-bot", "media")  # an embed only
    assert rows[2]["text"] == "Welcome to Hollow Pines!"
    assert (rows[6]["sender"], rows[6]["kind"]) == ("Carl-bot", "text")  # type "20": a command
    assert (rows[7]["kind"], rows[7]["text"]) == ("system", "Started a thread.")
    assert (rows[8]["kind"], rows[8]["text"]) == ("system", "system message (Discord type 8)")


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"content": "", "stickers": [{"name": "Hi"}], "attachments": [{"fileName": "a.png"}]},
            ("sticker", "Hi"),
        ),
        ({"content": "look", "stickers": [{"name": "Hi"}]}, ("text", "look")),
        ({"content": "  "}, ("media", None)),  # nothing the export shows: still activity
        (
            {
                "content": "",
                "attachments": [{"fileName": "voice-message.ogg"}, {"fileName": "b.png"}],
            },
            ("media", None),
        ),
        ({"content": "", "embeds": [{"title": "", "description": "About"}]}, ("media", "About")),
        ({"content": "", "forwardedMessage": {"content": "fwd words"}}, ("text", "fwd words")),
        (
            {
                "content": "",
                "forwardedMessage": {"content": "", "attachments": [{"fileName": "x"}]},
            },
            ("media", None),
        ),
        ({"type": "Call", "content": ""}, ("call", None)),
        (
            {"type": "RecipientAdd", "content": "Added Sam to the group."},
            ("system", "Added Sam to the group."),
        ),
        (
            {"type": "ChannelNameChange", "content": "Changed the channel name: us"},
            ("system", "Changed the channel name: us"),
        ),
        ({"type": "ContextMenuCommand", "content": "done"}, ("text", "done")),
    ],
)
def test_kind_and_text_of_one_record(
    tmp_path: Path, fields: dict[str, Any], expected: tuple[str, str | None]
) -> None:
    source = write(tmp_path, dm_with([record(NOOR, **fields)]))
    (row,) = parse(source).messages.select("kind", "text").rows()
    assert row == expected


# --- times -------------------------------------------------------------------------------------


def test_wall_clock_and_offset_as_exported_across_dst() -> None:
    frame = parse(DM).messages
    first, tenth = frame.row(0, named=True), frame.row(9, named=True)
    assert (first["timestamp"], first["utc_offset"]) == (
        datetime(2023, 3, 1, 21, 4, 11, 523000),
        3600,
    )
    assert (tenth["timestamp"], tenth["utc_offset"]) == (datetime(2023, 3, 26, 3, 5), 7200)


def test_sorted_by_instant_when_clocks_go_back() -> None:
    frame = parse(SERVER).messages
    assert frame["source_line"].to_list() == list(range(1, 12))
    late = frame.filter(frame["source_line"].is_in([9, 10])).select("timestamp", "utc_offset")
    # 01:30 EDT comes before 01:10 EST: the order of the file, not of the wall clock.
    assert late.rows() == [
        (datetime(2024, 11, 3, 1, 30, 12, 200000), -14400),
        (datetime(2024, 11, 3, 1, 10, 45, 800000), -18000),
    ]


def test_fractions_of_any_length_and_z(tmp_path: Path) -> None:
    stamps = [
        "2024-01-02T03:04:05.1234567+05:30",  # 7 digits, as .NET writes them: cut to µs
        "2024-01-02T03:04:06Z",
        "2024-01-02T03:04:07-00:30",
    ]
    source = write(tmp_path, dm_with([record(NOOR, timestamp=s) for s in stamps]))
    assert parse(source).messages.select("timestamp", "utc_offset").rows() == [
        (datetime(2024, 1, 2, 3, 4, 5, 123456), 19800),
        (datetime(2024, 1, 2, 3, 4, 6), 0),
        (datetime(2024, 1, 2, 3, 4, 7), -1800),
    ]


def test_timezone_converts_every_time(tmp_path: Path) -> None:
    frame = parse(DM, timezone="America/New_York").messages
    # 21:04:11.523+01:00 is 20:04:11.523 UTC: 15:04 in New York (EST, before 12 March).
    assert frame.row(0)[2:4] == (datetime(2023, 3, 1, 15, 4, 11, 523000), -18000)
    # 12:30:55.019+02:00 on 26 March is 10:30:55 UTC: 06:30 EDT.
    assert frame.row(12)[2:4] == (datetime(2023, 3, 26, 6, 30, 55, 19000), -14400)


def test_utc_exports_are_kept_and_noted(tmp_path: Path) -> None:
    source = write(tmp_path, dm_with([record(NOOR, timestamp="2024-07-01T12:00:00.5+00:00")]))
    result = parse(source)
    assert result.messages.select("timestamp", "utc_offset").row(0) == (
        datetime(2024, 7, 1, 12, 0, 0, 500000),
        0,
    )
    assert any("every time is in UTC" in note for note in result.notes)
    moved = parse(source, timezone="Europe/Madrid")
    assert moved.messages.select("timestamp", "utc_offset").row(0) == (
        datetime(2024, 7, 1, 14, 0, 0, 500000),
        7200,
    )
    assert not any("UTC" in note for note in moved.notes)


def test_unknown_timezone_is_refused() -> None:
    with pytest.raises(ParseError, match="unknown time zone 'Mars/Olympus'"):
        parse(DM, timezone="Mars/Olympus")


# --- people ------------------------------------------------------------------------------------


def test_one_name_per_id_the_latest(tmp_path: Path) -> None:
    old = person(LUMI["id"], "lumen", "Lu")
    messages = [
        record(old, "before", timestamp="2023-03-01T21:00:00+01:00"),
        record(NOOR, "hi", timestamp="2023-03-01T21:01:00+01:00"),
        record(LUMI, "after", timestamp="2023-03-01T21:02:00+01:00"),
    ]
    result = parse(write(tmp_path, dm_with(messages)))
    assert result.messages["sender"].to_list() == ["Lumi", "Noor", "Lumi"]
    assert result.chats[0].participants == ("Lumi", "Noor")
    assert (
        f"author {LUMI['id']} wrote as 'Lu', 'Lumi'; all their messages are under 'Lumi', "
        "their latest name"
    ) in result.notes


def test_the_latest_name_is_by_time_not_by_record_order(tmp_path: Path) -> None:
    messages = [
        record(LUMI, "newer", timestamp="2023-03-02T10:00:00+01:00"),
        record(person(LUMI["id"], "lumen", "Lu"), "older", timestamp="2023-03-01T10:00:00+01:00"),
    ]
    result = parse(write(tmp_path, dm_with(messages)))
    assert result.messages["sender"].unique().to_list() == ["Lumi"]


def test_a_record_without_names_keeps_the_name_found_elsewhere(tmp_path: Path) -> None:
    nameless = person(NOOR["id"], "", "")
    messages = [
        record(NOOR, "named", timestamp="2023-03-01T21:00:00+01:00"),
        record(nameless, "later, without names", timestamp="2023-03-01T21:01:00+01:00"),
    ]
    result = parse(write(tmp_path, dm_with(messages)))
    assert result.messages["sender"].to_list() == ["Noor", "Noor"]
    assert not result.notes


def test_a_message_count_other_than_the_files_is_noted(tmp_path: Path) -> None:
    # A file edited or cut by hand and closed again (seen in a public example export).
    document = dm_with([record(NOOR, "one"), record(NOOR, "two")])
    document["messageCount"] = 35
    result = parse(write(tmp_path, document))
    assert "Lumi: the export says it holds 35 messages, but 2 are in the file" in result.notes


def test_a_missing_nickname_falls_back_to_the_username(tmp_path: Path) -> None:
    anonymous = person("777", "", "")
    messages = [record(person("42", "sam_k", "")), record(anonymous)]
    result = parse(write(tmp_path, dm_with(messages, type="GuildTextChat", name="general")))
    assert result.messages["sender"].to_list() == ["sam_k", "Discord user 777"]


def test_people_who_share_a_name_are_told_apart() -> None:
    result = parse(SERVER)
    senders = set(result.messages["sender"].to_list())
    assert {"Alex (alex_r)", "Alex (alexmoss)"} <= senders
    assert "Alex" not in senders
    assert any("'Alex (alex_r)' is author 511111111111111111" in n for n in result.notes)
    assert "2 messages from bot accounts ('Carl-bot') are kept like anyone's" in result.notes


def test_dm_guess_is_the_author_the_dm_is_not_named_after() -> None:
    (meta,) = parse(DM).chats
    assert (meta.name, meta.me_guess) == ("Lumi", "Noor")
    assert "named after the other person" in meta.me_reason
    assert meta.participants == ("Noor", "Lumi")


def test_dm_where_only_i_wrote_still_guesses_me(tmp_path: Path) -> None:
    (meta,) = parse(write(tmp_path, dm_with([record(NOOR), record(NOOR, "??")]))).chats
    assert meta.me_guess == "Noor"


@pytest.mark.parametrize(
    ("authors", "channel"),
    [
        ([LUMI], {}),  # only the other person wrote: who "me" is cannot be told
        ([NOOR, LUMI], {"name": "Someone Else"}),  # renamed since: no author matches
        ([NOOR, LUMI], {"type": "DirectGroupTextChat", "name": "Lumi, Sam"}),
        ([NOOR, LUMI], {"type": "GuildTextChat", "name": "general"}),
    ],
)
def test_no_guess_when_it_cannot_be_defended(
    tmp_path: Path, authors: list[dict[str, Any]], channel: dict[str, Any]
) -> None:
    source = write(tmp_path, dm_with([record(a) for a in authors], **channel))
    (meta,) = parse(source).chats
    assert (meta.me_guess, meta.me_reason) == (None, "")


def test_chat_names() -> None:
    assert parse(SERVER).chats[0].name == "Hollow Pines / general"
    assert parse(DM, chat="lumi").messages["chat"].unique().to_list() == ["Lumi"]
    with pytest.raises(ChatNotFoundError, match="no chat named 'Sam'; this export holds 'Lumi'"):
        parse(DM, chat="Sam")


# --- records that are not messages ---------------------------------------------------------------


def test_odd_records_are_skipped_with_reasons(tmp_path: Path) -> None:
    no_author = record(NOOR)
    del no_author["author"]
    messages = [
        record(NOOR, "kept"),
        "not a record",
        record(NOOR, timestamp=None),
        no_author,
        record(person("", "x", "x")),
        record(NOOR, content=42),
        record(NOOR, type=7),
        record(NOOR, timestamp="01/03/2023 21:04"),
        record(NOOR, timestamp="2023-02-30T10:00:00+01:00"),
        record(NOOR, timestamp="2023-03-01T10:00:00+25:00"),
        record(person(12345, "num", "Numbered"), "an id written as a number"),
    ]
    result = parse(write(tmp_path, dm_with(messages)))
    assert_lines_accounted(result)
    assert result.units == 11
    assert result.messages["source_line"].to_list() == [1, 11]
    assert result.messages["sender"].to_list() == ["Noor", "Numbered"]
    reasons = [(s.line, s.reason) for s in result.skipped]
    unreadable = "cannot read the timestamp (expected 2024-01-31T18:05:00.123+01:00)"
    assert reasons == [
        (2, "not a message object"),
        (3, "record has no timestamp"),
        (4, "record has no author id"),
        (5, "record has no author id"),
        (6, "'content' is a number, expected text"),
        (7, "'type' is a number, expected a name such as Default"),
        (8, unreadable),
        (9, unreadable),
        (10, unreadable),
    ]
    assert result.skipped[0].text == '"not a record"'
    assert result.skipped[6].text == "01/03/2023 21:04"


def test_an_export_without_messages_reads_nothing(tmp_path: Path) -> None:
    result = parse(write(tmp_path, dm_with([])))
    assert (result.messages.height, result.units, result.chats[0].participants) == (0, 0, ())


# --- bad input ---------------------------------------------------------------------------------


def one_line_error(source: Path, match: str) -> ParseError:
    with pytest.raises(ParseError, match=match) as info:
        parse(source)
    text = str(info.value)
    assert "\n" not in text
    assert text.startswith(f"{source}:")
    return info.value


def test_truncated_json_names_the_file_and_line(tmp_path: Path) -> None:
    source = tmp_path / "dm.json"
    source.write_bytes(SEED_BYTES[:5000])
    error = one_line_error(source, r"not valid JSON: .* the file may be cut short")
    assert error.line == SEED_BYTES[:5000].count(b"\n") + 1


def test_garbage_is_not_json(tmp_path: Path) -> None:
    source = tmp_path / "dm.json"
    source.write_bytes(b"\x00\x01 not json at all {")
    one_line_error(source, "not valid JSON|not UTF-8")


@pytest.mark.parametrize(
    ("document", "match"),
    [
        ([1, 2], "expected a JSON object with 'guild', 'channel' and 'messages', found a list"),
        (
            {"name": "Ana", "messages": []},
            "not a DiscordChatExporter export: .*found keys messages",
        ),
        (
            {"guild": {}, "channel": {}, "messages": {"a": 1}},
            "'messages' is an object, expected a list",
        ),
        (
            {"guild": {}, "channel": "general", "messages": []},
            "'channel' is a string, expected an object",
        ),
    ],
)
def test_json_of_the_wrong_shape(tmp_path: Path, document: object, match: str) -> None:
    error = one_line_error(write(tmp_path, document), match)
    assert error.line == 1


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (TXT_EXPORT, r"plain-text \(TXT\) export.*choosing the JSON format"),
        (HTML_EXPORT, r"HTML page, not JSON; export the channel again .* --format Json"),
        (
            (FIXTURES / "csv" / "discord_dm.csv").read_text(encoding="utf-8"),
            r"CSV export, which the csv importer reads",
        ),
    ],
    ids=["txt", "html", "csv"],
)
def test_other_exporter_formats_ask_for_json(tmp_path: Path, content: str, match: str) -> None:
    source = tmp_path / "Direct Messages - Lumi [1081234567890123456].txt"
    source.write_text(content, encoding="utf-8")
    one_line_error(source, match)


def test_a_zip_or_folder_of_exports_holds_one_chat_per_channel(tmp_path: Path) -> None:
    archive = tmp_path / "discord.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(DM, "Direct Messages - Lumi [1081].json")
        zf.writestr("Direct Messages - Lumi [1081].json_Files/IMG_2041-5A1B.jpg", b"\xff\xd8")
        zf.write(SERVER, "more/Hollow Pines - general [8412].json")
    assert sniff(archive).name == "discord"
    result = parse(archive)
    dm, server = parse(DM), parse(SERVER)
    assert [c.name for c in result.chats] == [dm.chats[0].name, server.chats[0].name]
    assert result.messages.height == dm.messages.height + server.messages.height
    assert result.units == dm.units + server.units
    assert_lines_accounted(result)
    sources = result.messages.group_by("chat").agg(pl.col("source_file").unique())
    assert {c: s[0].rsplit("/", 1)[-1] for c, s in sources.iter_rows()} == {
        dm.chats[0].name: "Direct Messages - Lumi [1081].json",
        server.chats[0].name: "Hollow Pines - general [8412].json",
    }
    # Records are numbered on across the files: the second file's first is after the first's.
    lines = result.messages.filter(pl.col("chat") == server.chats[0].name)["source_line"]
    assert lines.min() > dm.units
    one = parse(archive, chat=server.chats[0].name)
    assert one.messages.height == server.messages.height
    assert f"not read: {dm.units} records of other channels (not chosen)" in one.notes
    assert_lines_accounted(one)
    with pytest.raises(ChatNotFoundError, match="this export holds 'Lumi'"):
        parse(archive, chat="nobody")


def test_a_channel_exported_in_parts_is_one_chat(tmp_path: Path) -> None:
    messages = SEED["messages"]
    half = len(messages) // 2
    folder = tmp_path / "parts"
    folder.mkdir()
    write(folder, dm_with(messages[:half]), "Lumi [1081] [part 1].json")
    write(folder, dm_with(messages[half:]), "Lumi [1081] [part 2].json")
    whole, parts = parse(DM), parse(folder)
    assert [c.name for c in parts.chats] == [c.name for c in whole.chats]
    assert set(parts.chats[0].participants) == set(whole.chats[0].participants)
    assert parts.messages.height == whole.messages.height
    assert parts.messages["message_id"].sort().equals(whole.messages["message_id"].sort())


def test_a_folder_without_json_asks_for_it(tmp_path: Path) -> None:
    (tmp_path / "export.txt").write_text(TXT_EXPORT, encoding="utf-8")
    (tmp_path / "notes.md").write_text("hello\n", encoding="utf-8")
    with pytest.raises(ParseError, match=r"no \.json file inside; export the channel again"):
        parse(tmp_path)


# --- sniffing ------------------------------------------------------------------------------------


def test_sniff_scores(tmp_path: Path) -> None:
    assert discord.sniff(Sample.read(DM)) == 0.95
    txt = tmp_path / "export.txt"
    txt.write_text(TXT_EXPORT, encoding="utf-8")
    html = tmp_path / "export.html"
    html.write_text(HTML_EXPORT, encoding="utf-8")
    assert discord.sniff(Sample.read(txt)) == discord.sniff(Sample.read(html)) == 0.9
    assert sniff(txt).name == sniff(html).name == "discord"
    # The CSV export belongs to the csv importer, which already reads it.
    csv_export = FIXTURES / "csv" / "discord_dm.csv"
    assert discord.sniff(Sample.read(csv_export)) == 0.0
    assert sniff(csv_export).name == "csv"


def test_sniff_is_by_content_not_name(tmp_path: Path) -> None:
    renamed = tmp_path / "result.json"  # Telegram's file name
    renamed.write_bytes(SEED_BYTES)
    assert sniff(renamed).name == "discord"


@pytest.mark.parametrize(
    "source",
    [
        p
        for f in sorted(FIXTURES.iterdir())
        if f.name in registry() and f.name != "discord"
        for p in fixture_inputs(f)
    ],
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_other_formats_are_not_taken(source: Path) -> None:
    assert discord.sniff(Sample.read(source)) == 0.0


# --- the CLI ------------------------------------------------------------------------------------


def test_message_ids_are_discords_own(tmp_path: Path) -> None:
    messages = copy.deepcopy(SEED["messages"][:3])
    del messages[2]["id"]
    ids = parse(write(tmp_path, dm_with(messages))).messages.get_column("message_id").to_list()
    assert ids[:2] == [f"discord:{m['id']}" for m in messages[:2]]
    assert ids[2].isdigit()  # no id of its own: derived from the content, as for every format


def test_an_edited_message_in_a_newer_export_is_not_added_again(tmp_path: Path) -> None:
    older = copy.deepcopy(SEED["messages"][:4])
    newer = copy.deepcopy(SEED["messages"][:6])
    newer[1]["content"] = "edited, after the first export"
    newer[1]["timestampEdited"] = newer[5]["timestamp"]
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    with Store.open(tmp_path / "s.db") as store:
        import_file(store, write(tmp_path / "old", dm_with(older)))
        later = import_file(store, write(tmp_path / "new", dm_with(newer))).chats[0]
        stored = store.messages(later.chat_id)
    assert later.added == 2
    assert stored.height == 6
    assert "edited, after the first export" not in stored.get_column("text").to_list()


def test_cli_imports_a_dm(tmp_path: Path) -> None:
    runner = CliRunner()
    store = ["--store", str(tmp_path / "x.db")]
    done = runner.invoke(app, [*store, "import", str(DM), "--json"], env={"COLUMNS": "120"})
    assert done.exit_code == 0, done.stderr
    (chat,) = json.loads(done.stdout)["chats"]
    assert (chat["name"], chat["messages"], chat["added"], chat["skipped"]) == ("Lumi", 13, 13, 0)
    assert chat["me_guess"] == "Noor"
    again = runner.invoke(app, [*store, "import", str(DM), "--json", "--me", "Noor"])
    (chat,) = json.loads(again.stdout)["chats"]
    assert (chat["added"], chat["me"]) == (0, "Noor")


def test_cli_refuses_a_txt_export_in_one_line(tmp_path: Path) -> None:
    source = tmp_path / "Direct Messages - Lumi [1081].txt"
    source.write_text(TXT_EXPORT, encoding="utf-8")
    runner = CliRunner()
    done = runner.invoke(app, ["--store", str(tmp_path / "x.db"), "import", str(source), "--json"])
    assert (done.exit_code, done.stdout) == (1, "")
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith(f"error: {source}:1: this is DiscordChatExporter's plain-text")


def test_cli_timezone_option(tmp_path: Path) -> None:
    runner = CliRunner()
    store = ["--store", str(tmp_path / "x.db")]
    done = runner.invoke(app, [*store, "import", str(DM), "--timezone", "Asia/Tokyo"])
    assert done.exit_code == 0, done.stderr
    shown = runner.invoke(app, [*store, "messages", "Lumi", "--json"])
    first = json.loads(shown.stdout.splitlines()[0])
    assert first["timestamp"].startswith("2023-03-02T05:04:11")  # 20:04 UTC is 05:04 in Tokyo
    assert first["utc_offset"] == 32400


# --- progress and damaged exports ----------------------------------------------------------------


def test_progress_is_the_share_of_records_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(discord, "ROWS_PER_FRAME", 4)
    shares = progress_shares(lambda: parse(DM))
    assert shares[0] == 4 / 13 * discord.RECORDS_SHARE
    assert len(shares) == 4
    assert shares[-1] == 1.0


def test_rows_kept_in_frames_stay_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = parse(SERVER)
    monkeypatch.setattr(discord, "ROWS_PER_FRAME", 2)
    assert parse(SERVER).messages.equals(expected.messages)


def _read_whole(monkeypatch: pytest.MonkeyPatch, source: Path) -> ImportResult:
    """``parse`` as it reads an export msgspec cannot take: with the standard library, whole."""

    def whole(data: bytes, *, where: str, html_hint: str, records: str) -> object:
        del records
        return load_json(data, where=where, html_hint=html_hint)

    with monkeypatch.context() as patched:
        patched.setattr(discord, "load_json_lazily", whole)
        return parse(source)


def _outcome(read: Callable[[], ImportResult]) -> object:
    """``read_outcome``, and one message per record read."""

    def checked() -> ImportResult:
        result = read()
        assert result.units == result.messages.height + len(result.skipped)
        return result

    return read_outcome(checked)


@pytest.mark.parametrize("source", [DM, SERVER], ids=lambda p: p.name)
def test_records_read_one_by_one_give_what_a_whole_read_gives(
    source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _outcome(lambda: parse(source)) == _outcome(lambda: _read_whole(monkeypatch, source))


@fixed_cases(60)
@given(
    cut=st.integers(min_value=0, max_value=len(SEED_BYTES)),
    edits=st.lists(
        st.tuples(
            st.integers(0, len(SEED_BYTES) - 1),
            st.sampled_from([b"\xe9", b"\xff", b'"', b"{", b"]", b",", b"null", b"\\ud83d", b""]),
        ),
        max_size=3,
    ),
)
def test_mangled_exports_raise_only_pullaway_errors(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    cut: int,
    edits: list[tuple[int, bytes]],
) -> None:
    data = SEED_BYTES
    for position, inserted in edits:
        data = data[:position] + inserted + data[position + 1 :]
    source = tmp_path_factory.mktemp("mangled") / "dm.json"
    source.write_bytes(data[:cut])
    assert _outcome(lambda: parse(source)) == _outcome(lambda: _read_whole(monkeypatch, source))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
KEYS = [
    "type",
    "timestamp",
    "content",
    "author",
    "attachments",
    "stickers",
    "embeds",
    "forwardedMessage",
    "callEndedTimestamp",
]
AUTHOR_KEYS = ["id", "name", "nickname", "isBot"]


@fixed_cases(60)
@given(
    index=st.integers(0, len(SEED["messages"]) - 1),
    key=st.sampled_from(KEYS + [f"author.{k}" for k in AUTHOR_KEYS]),
    value=JSON_VALUES,
)
def test_odd_field_values_are_reported_not_crashing(
    tmp_path_factory: pytest.TempPathFactory, index: int, key: str, value: object
) -> None:
    document = copy.deepcopy(SEED)
    target = document["messages"][index]
    if key.startswith("author."):
        target, key = target["author"], key.removeprefix("author.")
    target[key] = value
    source = write(tmp_path_factory.mktemp("odd"), document)
    outcome = _outcome(lambda: parse(source))
    assert not isinstance(outcome, type)  # one odd record never fails the file


def test_another_tools_json_in_a_folder_of_exports_is_noted_and_left_out(tmp_path: Path) -> None:
    """Not every .json beside the exports is one (a tool's settings, a media index): it is
    named in a note, and the exports are read. Alone, or with no export beside it, it is
    refused; a damaged export still stops the import, naming it."""
    folder = tmp_path / "out"
    folder.mkdir()
    shutil.copyfile(DM, folder / "Direct Messages - Lumi [1081].json")
    write(folder, {"theme": "dark", "token": None}, "settings.json")
    write(folder, ["a", "list"], "index.json")
    result = parse(folder)
    alone = parse(DM)
    assert result.messages.height == alone.messages.height
    assert (
        "not read: settings.json (not a DiscordChatExporter export: expected 'guild', "
        "'channel' and 'messages', found keys theme, token)" in result.notes
    )
    assert (
        "not read: index.json (expected a JSON object with 'guild', 'channel' and "
        "'messages', found a list)" in result.notes
    )
    assert_lines_accounted(result)
    (folder / "Direct Messages - Lumi [1081].json").unlink()
    with pytest.raises(ParseError, match=r"index\.json:1: expected a JSON object"):
        parse(folder)
    shutil.copyfile(DM, folder / "Lumi.json")
    (folder / "Broken.json").write_bytes(DM.read_bytes()[:300])
    with pytest.raises(ParseError, match=r"Broken\.json"):
        parse(folder)


def test_records_are_let_go_of_once_read() -> None:
    """A channel's records hold the file's bytes: once its rows are taken they are emptied,
    so the bytes can go before the table is made (the benchmark's peak memory)."""
    channel = discord._load_channel(DM.read_bytes(), where=str(DM))
    assert len(channel.records) == 13
    read = discord._Export()
    read.add(channel, where=str(DM), zone=None)
    assert len(channel.records) == 0
    assert read.frames[0].height == 13
