"""Write docs/cli.md from the real `--help` output of every command (or --check for drift).

.venv/bin/python scripts/cli_docs.py          # rewrite docs/cli.md
.venv/bin/python scripts/cli_docs.py --check  # exit 1 if docs/cli.md is out of date
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from typer.main import get_command
from typer.testing import CliRunner

from pullaway.cli import app

DOC = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
HEADER = """# Command-line reference

Generated from the real `--help` output by `scripts/cli_docs.py`; `make test` fails when this
page and the commands disagree. Every command that prints a table also takes `--json`.

Global options (`--store`, `--debug`, `--version`) belong before the command,
`pullaway --store my.db chats`, but `--store` and `--debug` are also taken after it:
`pullaway chats --store my.db`.

Errors are one line on stderr, `error: FILE: what is wrong and what to try`, with exit status 1
(`--debug` adds the traceback). `pullaway import` reads files and folders, not pipes: a
`<(...)` or `/dev/stdin` is refused (save the export to a file), since a pipe can be read only
once. `pullaway import` with several files imports each in turn: one
that cannot be read does not stop the others, and nothing of it is stored. The others are
reported as usual, then each failure gets its error line, then `N of M files not imported`;
the exit status is 1.

`pullaway messages` prints a table up to 1,000 messages and aligned plain lines beyond (a
million in about 2 s), continuation lines indented; `--json` gives every field. Names and
messages are printed as plain text, control characters shown as symbols (`␛`), never sent to
the terminal.

What pullaway did to the store file on opening it is said on stderr too, so `--json` output
stays clean: `note: … was readable by others (mode 644); made it owner-only (600)`, and
`note: upgraded … for this version of pullaway (0008_skipped_chats)` (the migrations it applied)
the first time a newer pullaway opens an older store.

`pullaway import --json` prints

```json
{"chats": [{"chat": "leo", "name": "Leo", "me": "Maya", "me_guess": "Maya", "them": "Leo",
            "messages": 7, "added": 7, "total": 7, "skipped": 0, "skipped_examples": [],
            "already_imported": false, "format": "whatsapp", "file": "chat.txt", "notes": [],
            "merge_candidates": []}],
 "files": [{"file": "chat.txt", "format": "whatsapp", "units": 8, "unit": "line", "skipped": 0,
            "skipped_elsewhere": 0, "skipped_elsewhere_examples": []}],
 "errors": [{"path": "notes.json", "error": "notes.json: not a chat export pullaway can read …"}]}
```

with one entry in `chats` per chat a file touched (a file can hold several), one in `files` per
file read, and one in `errors` per file that could not be read. `skipped_examples` holds the
first skipped lines or records of that chat: `{"line": int, "reason": str, "text": str}`. In a
file of several chats, each skipped record is counted in the chat it belongs to; those in none
of the chats read (an SMS backup's group messages, a record the importer cannot place) are the
file's `skipped_elsewhere`, with the first in `skipped_elsewhere_examples` (`chat` naming
where they were, when known, else null); the text output lists them under the file as
"N records skipped outside the chats read". `merge_candidates` lists the ids of stored chats
that hold part of a new chat's messages (his number's chat, once Contacts named him), each
with a `note` giving the `pullaway merge` that makes them one.

`pullaway chats --json` prints `{"chats": [{"chat", "name", "format", "me", "me_guess", "them",
"messages", "first", "last", "merged"}]}`, where `merged` lists the chats merged into it
(`pullaway merge`) as `{"format": str, "name": str}`; the table shows them under its name
(`+ leo@icloud.com (imessage)`). `pullaway merge --json` prints `{"merge": {"chat_id", "name",
"merged", "format", "messages", "added", "senders"}}`; `pullaway rename --json` prints
`{"rename": {"chat_id", "name", "was", "messages", "senders"}}`; `pullaway delete --json`
prints `{"deleted": {"chat", "name", "messages"}}`.
"""


def command_names() -> list[str]:
    group: Any = get_command(app)
    return sorted(group.commands)


def help_text(args: list[str]) -> str:
    result = CliRunner().invoke(
        app,
        [*args, "--help"],
        prog_name="pullaway",
        terminal_width=100,
        env={"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"},
    )
    if result.exit_code != 0:
        msg = f"pullaway {' '.join(args)} --help failed: {result.output}"
        raise SystemExit(msg)
    return result.output.rstrip() + "\n"


def render() -> str:
    parts = [HEADER, "## pullaway\n", "```text\n" + help_text([]) + "```\n"]
    for name in command_names():
        parts += [f"## pullaway {name}\n", "```text\n" + help_text([name]) + "```\n"]
    return "\n".join(parts)


def main() -> None:
    text = render()
    if "--check" in sys.argv:
        if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
            fix = ".venv/bin/python scripts/cli_docs.py"
            print(f"{DOC} is out of date: run {fix}", file=sys.stderr)
            raise SystemExit(1)
        return
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC}")


if __name__ == "__main__":
    main()
