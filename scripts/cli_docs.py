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
