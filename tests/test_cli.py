"""The CLI end to end through CliRunner, on real files and a real store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import CORPORA, FIXTURES, ROOT
from pullaway import __version__
from pullaway.cli import app
from pullaway.importers import progress_to, registry, report_progress
from pullaway.ingest import import_file
from pullaway.report import tables
from pullaway.store import Store

NOTICE = (
    "Messages and calls are end-to-end encrypted. No one outside of this chat, "
    "not even WhatsApp, can read or listen to them. Tap to learn more."
)
CHAT = f"""\
12/03/2024, 08:01 - {NOTICE}
12/03/2024, 08:01 - Maya: good morning ☀️
12/03/2024, 08:15 - Leo: morning! slept badly
how about you?
12/03/2024, 08:16 - Maya: <Media omitted>
13/03/2024, 21:40 - Leo: This message was deleted
13/03/2024, 21:41 - Maya: ok
13/03/2024, 21:41 - Maya: ok
"""


@pytest.fixture
def chat_file(tmp_path: Path) -> Path:
    path = tmp_path / "WhatsApp Chat with Leo.txt"
    path.write_text(CHAT, encoding="utf-8")
    return path


@pytest.fixture
def run(tmp_path: Path):  # type: ignore[no-untyped-def]
    store = tmp_path / "store.db"
    runner = CliRunner()

    def invoke(*args: str) -> tuple[int, str, str]:
        result = runner.invoke(app, ["--store", str(store), *args], env={"COLUMNS": "120"})
        return result.exit_code, result.stdout, result.stderr

    return invoke


def test_version(run) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run("--version")
    assert code == 0
    assert out.strip() == f"pullaway {__version__}"


def test_global_options_may_come_after_the_command(chat_file: Path, tmp_path: Path) -> None:
    """The real command: ``--store`` and ``--debug`` after ``import`` work as before it."""
    store = tmp_path / "elsewhere.db"
    command = [str(Path(sys.executable).parent / "pullaway"), "import", str(chat_file)]
    done = subprocess.run(
        [*command, "--store", str(store), "--debug", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["chats"][0]["added"] == 7
    assert store.exists()


def test_formats_lists_the_registry(run) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run("formats", "--json")
    assert code == 0
    assert sorted(f["name"] for f in json.loads(out)["formats"]) == sorted(registry())


def test_import_json_shape_and_idempotence(run, chat_file: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run("import", str(chat_file), "--json")
    assert code == 0, err
    (chat,) = json.loads(out)["chats"]
    assert chat["name"] == "Leo"
    assert chat["messages"] == 7
    assert chat["added"] == 7
    assert chat["skipped"] == 0
    assert chat["skipped_examples"] == []
    assert chat["me"] is None
    assert chat["me_guess"] == "Maya"
    assert json.loads(out)["errors"] == []

    code, out, _ = run("import", str(chat_file), "--json", "--me", "Maya")
    (again,) = json.loads(out)["chats"]
    assert again["added"] == 0
    assert again["chat"] == chat["chat"]
    assert again["me"] == "Maya"


def test_import_counts_in_the_files_unit(run) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run("import", str(FIXTURES / "telegram" / "personal_chat.json"))
    assert code == 0, err
    assert "15 new of 15 messages; 1 record skipped" in out
    assert "skipped record 9: unsupported item" in out
    code, out, err = run("import", str(FIXTURES / "telegram" / "full_export.json"))
    assert code == 0, err
    assert "0 records skipped" in out
    assert "Maya L.: 1 message\n" in out


def test_an_importers_progress_turns_the_spinner_into_a_bar() -> None:
    with tables.import_progress(quiet=True) as progress:
        task = progress.add_task("reading x", total=None)
        with progress_to(tables.share_shown(progress, task)):
            report_progress(30, 120)
        shown = progress.tasks[0]
    assert (shown.total, shown.completed, shown.percentage) == (1.0, 0.25, 25.0)


def test_after_reading_the_bar_says_what_is_stored(chat_file: Path, tmp_path: Path) -> None:
    stages: list[str] = []
    with Store.open(tmp_path / "stages.db") as store, progress_to(print, stage=stages.append):
        import_file(store, chat_file)
    assert stages == [f"storing 7 messages from {chat_file.name}"]
    with tables.import_progress(quiet=True) as progress:
        task = progress.add_task("reading x", total=1.0, completed=0.5)
        tables.stage_shown(progress, task)(stages[0])
        shown = progress.tasks[0]
    assert (shown.description, shown.completed) == (stages[0], 0.5)


def test_newer_overlapping_export_adds_only_new(run, chat_file: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run("import", str(chat_file))
    newer = tmp_path / "newer" / "WhatsApp Chat with Leo.txt"
    newer.parent.mkdir()
    lines = CHAT.splitlines()
    newer.write_text("\n".join([*lines[3:], "14/03/2024, 09:00 - Leo: hey"]) + "\n", "utf-8")
    code, out, err = run("import", str(newer), "--json")
    assert code == 0, err
    (chat,) = json.loads(out)["chats"]
    assert chat["added"] == 1
    assert chat["messages"] == 5  # read from this file
    assert chat["total"] == 8  # in the store now


def _messages_listed(run, folder: Path, export: str) -> str:  # type: ignore[no-untyped-def]
    """``pullaway messages Leo`` after importing ``export`` as Leo's WhatsApp chat."""
    chat = folder / "WhatsApp Chat with Leo.txt"
    chat.write_text(export, encoding="utf-8")
    assert run("import", str(chat))[0] == 0
    code, out, _ = run("messages", "Leo")
    assert code == 0
    return str(out)


def test_messages_show_control_characters_instead_of_sending_them(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A message holding an escape sequence must not clear or recolour the terminal."""
    out = _messages_listed(
        run,
        tmp_path,
        "13/03/2024, 21:04 - Leo: hi\x1b[2J there\x07\n"
        "13/03/2024, 21:05 - Maya\x1b]0;x: ok\nsecond line\n",
    )
    assert "\x1b" not in out
    assert "\x07" not in out
    assert "hi␛[2J there␇" in out
    assert "Maya␛]0;x" in out


def test_error_lines_show_control_characters(run, tmp_path: Path, chat_file: Path) -> None:  # type: ignore[no-untyped-def]
    """An error can name a file of the export, whose name can hold anything."""
    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / "notes.txt").write_text("milk\n", encoding="utf-8")
    (folder / "chat\x1b[2J.txt").write_bytes(chat_file.read_bytes())
    code, _, err = run("import", str(folder))
    assert code == 1
    assert "chat␛[2J.txt (whatsapp)" in err
    assert "\x1b" not in err


def test_long_listings_are_plain_aligned_lines(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(tables, "TABLE_MAX_ROWS", 2)
    out = _messages_listed(
        run,
        tmp_path,
        "13/03/2024, 21:04 - Leo: hi\x1b[2J\n"
        "13/03/2024, 21:05 - Maya: two\nlines\n"
        "13/03/2024, 21:06 - Leo: <Media omitted>\n",
    )
    assert out.splitlines() == [
        "when              who   message",
        "2024-03-13 21:04  Leo   hi␛[2J",
        "2024-03-13 21:05  Maya  two",
        "                        lines",
        "2024-03-13 21:06  Leo   [media]",
    ]


def test_messages_json_lines(run, chat_file: Path) -> None:  # type: ignore[no-untyped-def]
    run("import", str(chat_file))
    code, out, _ = run("messages", "Leo", "--json")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 7
    assert rows[0]["kind"] == "system"
    assert rows[1] == {**rows[1], "timestamp": "2024-03-12T08:01:00", "sender": "Maya"}
    assert rows[2]["text"] == "morning! slept badly\nhow about you?"
    assert [r["kind"] for r in rows[3:5]] == ["media", "deleted"]
    code, out, _ = run("messages", "Leo", "--json", "--since", "2024-03-13")
    assert len(out.splitlines()) == 3


def test_chats_and_me(run, chat_file: Path) -> None:  # type: ignore[no-untyped-def]
    run("import", str(chat_file))
    code, out, _ = run("me", "leo", "Maya")
    assert code == 0
    assert "you are Maya" in out
    code, out, _ = run("chats", "--json")
    (chat,) = json.loads(out)["chats"]
    assert (chat["me"], chat["them"], chat["messages"]) == ("Maya", "Leo", 7)


def test_me_must_be_a_sender(run, chat_file: Path) -> None:  # type: ignore[no-untyped-def]
    run("import", str(chat_file))
    code, _, err = run("me", "Leo", "Nobody")
    assert code == 1
    assert err.startswith("error: ")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40, "not a chat export"),
        (b"just some words\nnothing like a chat\n", "not a chat export"),
    ],
)
def test_bad_input_is_one_line(run, tmp_path: Path, content: bytes, expected: str) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    code, out, err = run("import", str(bad))
    assert code == 1
    assert err.count("\n") == 1
    assert expected in err
    assert str(bad) in err
    assert "Traceback" not in err + out


def test_debug_shows_the_traceback(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"nothing\n")
    code, _, err = run("--debug", "import", str(bad))
    assert code == 1
    assert "Traceback" in err


def test_missing_file(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run("import", str(tmp_path / "nope.txt"))
    assert code == 1
    assert "nope.txt" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("command", ["import", "analyze"])
def test_an_empty_argument_is_refused_not_read_as_this_folder(
    run, chat_file: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:  # type: ignore[no-untyped-def]
    """``pullaway import "$UNSET"``: as a path, "" is the current folder, and the export that
    sits there would be imported."""
    monkeypatch.chdir(chat_file.parent)
    code, _, err = run(command, "")
    assert code == 2
    assert "an empty argument; name an export file, a folder or a chat" in err
    assert run("chats", "--json")[1].count('"chat":') == 0


def test_a_pipe_is_refused_not_read_short(run) -> None:  # type: ignore[no-untyped-def]
    """``pullaway import <(cat chat.txt)``: sniffing would take the pipe's first bytes and the
    import only the rest (it once stored 11,795 of 13,226 messages without a word)."""
    chat = (ROOT / "samples" / "WhatsApp Chat with Leo.txt").read_bytes()
    read_end, write_end = os.pipe()
    writer = threading.Thread(target=_write_all, args=(write_end, chat))
    writer.start()
    try:
        code, out, err = run("import", f"/dev/fd/{read_end}")
    finally:
        os.close(read_end)
        writer.join()
    assert code == 1
    assert out == ""
    assert err.startswith(f"error: /dev/fd/{read_end}: not a file or a folder (a pipe")
    assert "save the export to a file" in err


def _write_all(fd: int, data: bytes) -> None:
    try:
        with os.fdopen(fd, "wb") as pipe:
            pipe.write(data)
    except BrokenPipeError:
        pass  # the reading end was closed unread


def test_a_symlink_loop_is_one_line(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "a.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    code, _, err = run("import", str(tmp_path / "a.txt"))
    assert code == 1
    assert err.startswith("error: ")
    assert "a.txt: Too many levels of symbolic links" in err
    assert "Traceback" not in err


def test_unknown_chat(run) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run("messages", "Nobody")
    assert code == 1
    assert err.startswith("error: ")


SAMPLE = ROOT / "samples" / "WhatsApp Chat with Leo.txt"


def test_analyze_json_on_the_sample(run) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run("analyze", str(SAMPLE), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["chat"]["me"] == "Maya"  # guessed from "WhatsApp Chat with Leo"
    assert data["chat"]["them"] == "Leo"
    assert {"episodes", "comparison", "now", "safety"} <= set(data)
    for episode in data["episodes"]:
        assert episode["strategy"] in {"let_go", "chased", "mixed"}
        assert episode["outcome"] in {"returned", "ongoing", "faded", "ended"}
        assert [m["number"] for m in episode["mechanisms"]] == list(range(1, 10))
    assert data["now"]["phase"] in {"connected", "pulling_away", "ended"}


def test_status_report_and_story(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run("analyze", str(SAMPLE), "--me", "Maya")
    assert code == 0, err
    assert "Pull-aways" in out
    code, out, err = run("status", "Leo")
    assert code == 0, err
    assert "earlier episode" in out
    code, out, _ = run("status", "Leo", "--json")
    assert json.loads(out)["now"]["phase"] in {"connected", "pulling_away", "ended"}
    report = tmp_path / "leo.html"
    code, out, err = run("report", "Leo", "-o", str(report))
    assert code == 0, err
    assert report.read_text(encoding="utf-8").startswith("<!doctype html>")


def test_analyze_asks_who_you_are_when_it_cannot_guess(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    plain = tmp_path / "chat.txt"
    plain.write_text(CHAT, encoding="utf-8")
    code, _, err = run("analyze", str(plain))
    assert code == 1
    assert "pass --me with one of" in err


def test_simulate_writes_an_export_that_imports(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out_dir = tmp_path / "sim"
    code, out, err = run("simulate", "--seed", "4", "--out", str(out_dir), "--days", "90")
    assert code == 0, err
    truth = json.loads((out_dir / "truth.json").read_text(encoding="utf-8"))
    (export,) = out_dir.glob("*.txt")
    code, out, err = run("import", str(export), "--json")
    assert code == 0, err
    (chat,) = json.loads(out)["chats"]
    assert chat["messages"] == truth["chat"]["messages"] + 1  # + the encryption notice


WHATSAPP_CORPUS = CORPORA / "chat-miner" / "test" / "whatsapp"


def _good_and_bad_files(tmp_path: Path) -> list[Path]:
    """Two exports of different chats, with a file that is no export and a missing one
    between them. (chat-miner's files are all one conversation in several date formats.)"""
    junk = tmp_path / "notes.json"
    junk.write_text('{"shopping": ["milk"]}', encoding="utf-8")
    return [
        WHATSAPP_CORPUS / "test_ddmmyy_24hrs.txt",
        junk,
        tmp_path / "missing.txt",
        FIXTURES / "whatsapp" / "android_dmy_24h.txt",
    ]


def test_a_file_that_cannot_be_read_does_not_stop_the_others(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run("import", *map(str, _good_and_bad_files(tmp_path)))
    assert code == 1
    assert "test_ddmmyy_24hrs [test-ddmmyy-24hrs]: 9 new of 9 messages" in out
    assert "android_dmy_24h [android-dmy-24h]: 16 new of 16 messages" in out
    errors = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(errors) == 2
    assert "notes.json: not a chat export pullaway can read" in errors[0]
    assert "missing.txt: No such file or directory" in errors[1]
    assert err.splitlines()[-1] == "2 of 4 files not imported (see the errors above)"
    code, out, _ = run("chats", "--json")
    assert sorted(c["messages"] for c in json.loads(out)["chats"]) == [9, 16]


def test_import_json_lists_the_files_that_could_not_be_read(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    paths = _good_and_bad_files(tmp_path)
    code, out, err = run("import", *map(str, paths), "--json")
    assert code == 1
    data = json.loads(out)
    assert [c["added"] for c in data["chats"]] == [9, 16]
    assert [e["path"] for e in data["errors"]] == [str(paths[1]), str(paths[2])]
    assert data["errors"][0]["error"].startswith(f"{paths[1]}: not a chat export")
    assert err.count("error: ") == 2


def test_the_documented_import_json_has_the_real_keys(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    documented = json.loads(page.split("```json\n", 1)[1].split("```", 1)[0])
    code, out, _ = run("import", *map(str, _good_and_bad_files(tmp_path)), "--json")
    real = json.loads(out)
    assert code == 1
    assert set(real) == set(documented)
    assert set(real["chats"][0]) == set(documented["chats"][0])
    assert set(real["files"][0]) == set(documented["files"][0])
    assert set(real["errors"][0]) == set(documented["errors"][0])


def test_a_file_refused_after_reading_leaves_nothing_in_the_store(run, chat_file: Path) -> None:  # type: ignore[no-untyped-def]
    other = WHATSAPP_CORPUS / "test_ddmmyy_24hrs.txt"  # no Maya in it: --me is refused there
    code, out, err = run("import", str(chat_file), str(other), "--me", "Maya")
    assert code == 1
    assert "Leo [leo]: 7 new of 7 messages" in out
    assert "Maya" in err
    assert err.splitlines()[-1] == "1 of 2 files not imported (see the errors above)"
    code, out, _ = run("chats", "--json")
    assert [(c["name"], c["me"]) for c in json.loads(out)["chats"]] == [("Leo", "Maya")]


def test_import_report_says_one_message_in_the_singular(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    one = tmp_path / "WhatsApp Chat with Leo.txt"
    one.write_text("23/03/2024, 08:01 - Leo: hi\n", encoding="utf-8")
    code, out, err = run("import", str(one))
    assert code == 0, err
    assert "Leo [leo]: 1 new of 1 message; 0 lines skipped" in out
    assert "Leo: 1 message\n" in out


@pytest.mark.parametrize("columns", [80, 120])
def test_chats_never_cut_a_chat_id(tmp_path: Path, columns: int) -> None:
    """A table where it fits unwrapped, else a block per chat; ids and dates whole either way."""
    store = ["--store", str(tmp_path / "store.db")]
    runner = CliRunner()
    full_export = FIXTURES / "telegram" / "full_export.json"
    assert runner.invoke(app, [*store, "import", str(full_export)]).exit_code == 0
    out = runner.invoke(app, [*store, "chats"], env={"COLUMNS": str(columns)}).stdout
    assert max(map(len, out.splitlines())) <= columns
    for chat_id in ("climbing-sundays", "jonas-berg", "lyon-flat-hunting", "saved-messages"):
        assert chat_id in out
    assert "2023-09-01" in out
    assert ("┃ chat" in out) == (columns == 120)
    if columns == 80:
        assert "lyon-flat-hunting  Lyon Flat Hunting (telegram)\n" in out
        assert "  1 message, 2024-04-02 to 2024-04-02; you: Maya L.?, them: ?\n" in out


def test_the_only_file_failing_is_one_error_line(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run("import", str(tmp_path / "missing.txt"), "--json")
    assert (code, out) == (1, "")
    assert err.strip() == f"error: {tmp_path / 'missing.txt'}: No such file or directory"


def test_a_file_with_no_messages_is_an_error(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    junk = tmp_path / "junk.md"
    junk.write_text("just a note\nnothing else\n", encoding="utf-8")
    code, _, err = run("import", str(junk), "--format", "signal")
    assert code == 1
    assert "no messages found as signal (2 lines skipped; line 1:" in err
    code, out, _ = run("chats", "--json")
    assert json.loads(out)["chats"] == []


def test_app_command_prints_its_secret_url_first(tmp_path: Path) -> None:
    import subprocess
    import sys

    import httpx

    command = [sys.executable, "-m", "pullaway.cli", "app", "--no-browser"]
    command += ["--store", str(tmp_path / "app.db")]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as proc:
        try:
            assert proc.stdout is not None
            url = proc.stdout.readline().strip()
            assert url.startswith("http://127.0.0.1:")
            assert "/s/" in url
            with httpx.Client(trust_env=False, timeout=10) as client:  # no proxy for loopback
                assert client.get(url).status_code == 200
                assert client.get(url.split("/s/")[0] + "/").status_code == 403
        finally:
            proc.terminate()
    assert (tmp_path / "app.db").exists()


# -- delete ------------------------------------------------------------------------------------


def _two_chats(store: Path) -> None:
    runner = CliRunner()
    for path in (SAMPLE, FIXTURES / "sms_xml" / "two_contacts_numbers.xml"):
        shown = runner.invoke(app, ["--store", str(store), "import", str(path), "--json"])
        assert shown.exit_code == 0, shown.output


def _chat_ids(store: Path) -> list[str]:
    listed = CliRunner().invoke(app, ["--store", str(store), "chats", "--json"])
    return [chat["chat"] for chat in json.loads(listed.stdout)["chats"]]


def test_delete_asks_first_and_deletes_only_on_yes(tmp_path: Path) -> None:
    store = tmp_path / "store.db"
    _two_chats(store)
    before = _chat_ids(store)
    runner = CliRunner()
    for answer in ("n\n", "", "maybe\n"):  # no, no answer at all, not an answer (asked again)
        kept = runner.invoke(app, ["--store", str(store), "delete", "leo"], input=answer)
        assert kept.exit_code == 1
        assert "Delete 'Leo' (whatsapp, 13,227 messages)" in kept.stderr
        assert "nothing deleted" in kept.stderr
    assert _chat_ids(store) == before
    done = runner.invoke(app, ["--store", str(store), "delete", "Leo"], input="y\n")
    assert done.exit_code == 0, done.output
    assert "deleted Leo (13,227 messages) from " in done.stdout
    assert _chat_ids(store) == [chat for chat in before if chat != "leo"]


def test_delete_yes_json_and_a_fresh_import_afterwards(tmp_path: Path) -> None:
    """After a merge made by mistake: delete the chat, import its exports again."""
    store = tmp_path / "store.db"
    _two_chats(store)
    runner = CliRunner()
    gone = runner.invoke(app, ["--store", str(store), "delete", "leo", "--yes", "--json"])
    assert gone.exit_code == 0, gone.output
    assert json.loads(gone.stdout) == {"deleted": {"chat": "leo", "name": "Leo", "messages": 13227}}
    again = runner.invoke(app, ["--store", str(store), "import", str(SAMPLE), "--json"])
    chat = json.loads(again.stdout)["chats"][0]
    assert (chat["chat"], chat["added"], chat["already_imported"]) == ("leo", 13227, False)
    missing = runner.invoke(app, ["--store", str(store), "delete", "nobody", "--yes"])
    assert missing.exit_code == 1
    assert missing.stderr.startswith("error: no chat 'nobody'")


def test_each_chat_of_a_file_counts_only_its_own_skipped_records(run) -> None:  # type: ignore[no-untyped-def]
    # An iPhone's chat.db: the two reactions are in the group, none in the one-to-one chat.
    database = FIXTURES / "imessage" / "group_named.db"
    code, out, _ = run("import", str(database), "--json")
    assert code == 0
    data = json.loads(out)
    assert {c["name"]: c["skipped"] for c in data["chats"]} == {
        "Weekend crew": 2,
        "alex@example.com": 0,
    }
    assert data["files"][0]["skipped"] == 2
    assert data["files"][0]["skipped_elsewhere"] == 0


def test_skipped_records_in_none_of_the_chats_are_the_files(run) -> None:  # type: ignore[no-untyped-def]
    # SMS Backup & Restore: a group MMS is not read, and belongs to no chat that is.
    backup = FIXTURES / "sms_xml" / "mms_parts_group.xml"
    code, out, _ = run("import", str(backup), "--json")
    assert code == 0
    (chat,), (file,) = json.loads(out)["chats"], json.loads(out)["files"]
    assert (chat["name"], chat["skipped"]) == ("Jake", 0)
    assert file["skipped_elsewhere"] == 1
    (example,) = file["skipped_elsewhere_examples"]
    assert (example["line"], example["reason"]) == (4, "group MMS")
    code, out, _ = run("import", str(backup))
    assert code == 0
    assert (
        "Jake [jake]: 0 new of 4 messages (this file was imported before); 0 records skipped"
        in (" ".join(out.split()))
    )
    assert "1 record skipped outside the chats read" in out
