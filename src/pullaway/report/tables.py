"""Terminal tables and JSON shapes for the data commands: formats, import, chats, messages.

Message text and names come from exports and are untrusted: they are printed as plain
text (``plain``), never interpreted as markup, with control characters shown, not sent.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Final

import polars as pl
from rich.console import Console
from rich.measure import Measurement
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from pullaway.report.plain import plain, printable_expr
from pullaway.wording import counted

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence
    from datetime import datetime
    from pathlib import Path

    from pullaway.importers import Skipped
    from pullaway.ingest import FileImport
    from pullaway.store import ChatImport, ChatRow, Store

SKIPPED_EXAMPLES = 5


def formats(console: Console, rows: list[dict[str, Any]]) -> None:
    table = Table(title="Formats pullaway reads", title_justify="left")
    table.add_column("name")
    table.add_column("usual files")
    table.add_column("what")
    for row in rows:
        table.add_row(row["name"], " ".join(row["extensions"]), row["description"])
    console.print(table)


@contextmanager
def import_progress(*, quiet: bool) -> Iterator[Progress]:
    """A spinner per file while it is read, and a bar with the share read once the importer
    reports it (only on a terminal, never with --json)."""
    console = Console(stderr=True)
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=quiet or not console.is_terminal,
    )
    with progress:
        yield progress


def share_shown(progress: Progress, task: TaskID) -> Callable[[float], None]:
    """What an importer's progress reports call: ``task`` becomes a bar at that share."""

    def show(share: float) -> None:
        progress.update(task, total=1.0, completed=share)

    return show


def stage_shown(progress: Progress, task: TaskID) -> Callable[[str], None]:
    """What stage reports call once reading is over: ``task`` says what is done now (its bar
    stays full, its spinner and clock go on)."""

    def show(doing: str) -> None:
        progress.update(task, description=doing)

    return show


def _chat_import_json(item: ChatImport, done: FileImport, store: Store) -> dict[str, Any]:
    row = store.chat(item.chat_id)
    return {
        "chat": item.chat_id,
        "name": item.name,
        "me": item.me,
        "me_guess": row.me_guess,
        "them": row.them,
        "messages": item.messages,
        "added": item.added,
        "total": row.messages,
        "skipped": item.skipped,
        "skipped_examples": [
            {"line": s.line, "reason": s.reason, "text": s.text} for s in item.skipped_examples
        ],
        "already_imported": item.already_imported,
        "format": done.importer,
        "file": str(done.path),
        "notes": [*done.result.notes, *item.notes],
        "merge_candidates": list(item.merge_candidates),
    }


def _file_import_json(done: FileImport) -> dict[str, Any]:
    result = done.result
    elsewhere = result.skipped_elsewhere()
    return {
        "file": str(done.path),
        "format": done.importer,
        "units": result.units,
        "unit": result.unit,
        "skipped": len(result.skipped),
        "skipped_elsewhere": len(elsewhere),
        "skipped_elsewhere_examples": [
            {"line": s.line, "reason": s.reason, "text": s.text, "chat": s.chat}
            for s in elsewhere[:SKIPPED_EXAMPLES]
        ],
    }


def import_json(
    done: list[FileImport], store: Store, *, errors: Sequence[tuple[Path, str]] = ()
) -> dict[str, Any]:
    """The ``import --json`` shape: one entry per chat touched by any of the files, one per
    file read (what it held, and its skipped records that are in none of those chats), and
    one per file that could not be read (``errors``: its path and the error line)."""
    return {
        "chats": [_chat_import_json(c, d, store) for d in done for c in d.chats],
        "files": [_file_import_json(d) for d in done],
        "errors": [{"path": str(path), "error": error} for path, error in errors],
    }


def skipped_elsewhere_note(done: FileImport) -> str | None:
    """A sentence on the file's skipped records that are in none of the chats it gave (a
    group left out, a record the importer could not place), with the first; None if none."""
    result = done.result
    elsewhere = result.skipped_elsewhere()
    if not elsewhere:
        return None
    return f"{_outside(elsewhere, result.unit)}, such as {_skipped_line(elsewhere[0], result.unit)}"


def _outside(elsewhere: list[Skipped], unit: str) -> str:
    return f"{counted(len(elsewhere), unit)} skipped outside the chats read"


def _skipped_line(skipped: Skipped, unit: str) -> str:
    """``record 4 (in +1555…): group MMS: the text``: a skipped record placed in no chat read."""
    where = f" (in {skipped.chat})" if skipped.chat else ""
    return f"{unit} {skipped.line}{where}: {skipped.reason}: {skipped.text}"


def not_imported(failed: int, files: int) -> str:
    """The closing line of an import where some files could not be read."""
    return f"{failed} of {counted(files, 'file')} not imported (see the errors above)"


def imports(console: Console, done: list[FileImport], store: Store) -> None:
    for item in done:
        console.print(plain(f"{item.path} ({item.importer})", style="bold"))
        for note in item.result.notes:
            console.print(plain(f"  note: {note}", style="dim"))
        for chat in item.chats:
            _one_chat_import(console, chat, store, unit=item.result.unit)
        _skipped_elsewhere(console, item)


def _skipped_elsewhere(console: Console, done: FileImport) -> None:
    """The file's skipped records that are in none of its chats, with the first examples."""
    elsewhere, unit = done.result.skipped_elsewhere(), done.result.unit
    if not elsewhere:
        return
    console.print(plain(f"  {_outside(elsewhere, unit)}"))
    for example in elsewhere[:SKIPPED_EXAMPLES]:
        console.print(plain(f"    skipped {_skipped_line(example, unit)}"))


def _one_chat_import(console: Console, chat: ChatImport, store: Store, *, unit: str) -> None:
    """What one chat gained; ``unit`` is what the file is counted in: "line" or "record"."""
    row = store.chat(chat.chat_id)
    again = " (this file was imported before)" if chat.already_imported else ""
    read = counted(chat.messages, "message")
    console.print(
        plain(
            f"  {chat.name} [{chat.chat_id}]: {chat.added:,} new of {read}"
            f"{again}; {counted(chat.skipped, unit)} skipped"
        )
    )
    for sender, count in store.senders(chat.chat_id)[:4]:
        console.print(plain(f"    {sender}: {counted(count, 'message')}"))
    if row.first and row.last:
        console.print(plain(f"    from {row.first:%Y-%m-%d} to {row.last:%Y-%m-%d}"))
    for example in chat.skipped_examples[:SKIPPED_EXAMPLES]:
        console.print(plain(f"    skipped {unit} {example.line}: {example.reason}: {example.text}"))
    for note in chat.notes:
        console.print(plain(f"    note: {note}", style="dim"))
    if row.me:
        console.print(plain(f"    you are {row.me}"))
    elif row.me_guess:
        console.print(
            plain(f"    who are you? guess: {row.me_guess} (confirm with --me or `pullaway me`)")
        )
    else:
        console.print(plain("    who are you? say it with --me NAME or `pullaway me CHAT NAME`"))


def chat_json(row: ChatRow) -> dict[str, Any]:
    return {
        "chat": row.chat_id,
        "name": row.name,
        "format": row.format,
        "me": row.me,
        "me_guess": row.me_guess,
        "them": row.them,
        "messages": row.messages,
        "first": row.first.isoformat() if row.first else None,
        "last": row.last.isoformat() if row.last else None,
        "merged": [{"format": f, "name": n} for f, n in row.merged],
    }


def _with_merged(row: ChatRow) -> str:
    """The chat's name, and the chats merged into it, one per line."""
    return "\n".join([row.name, *(f"+ {name} ({format})" for format, name in row.merged)])


def chats(console: Console, rows: list[ChatRow], store_path: Path) -> None:
    """The chats as a table, or, where the table would not fit unwrapped, a block per chat:
    the chat id is what other commands take, so it is never cut."""
    if not rows:
        console.print(plain(f"No chats yet in {store_path}. Add one with `pullaway import FILE`."))
        return
    table = Table(title=f"Chats in {store_path}", title_justify="left")
    for column in ("chat", "name", "format", "you", "them", "messages", "from", "to"):
        table.add_column(column, justify="right" if column == "messages" else "left")
    for row in rows:
        table.add_row(
            plain(row.chat_id),
            plain(_with_merged(row)),
            row.format,
            plain(_you(row)),
            plain(row.them or "?"),
            f"{row.messages:,}",
            _day(row.first),
            _day(row.last),
        )
    unwrapped = Measurement.get(console, console.options.update_width(1 << 16), table).maximum
    if unwrapped <= console.width:
        console.print(table)
    else:
        console.print(plain(f"Chats in {store_path}"))
        for row in rows:
            console.print(plain(f"{row.chat_id}  {row.name} ({row.format})", style="bold"))
            period = f"{_day(row.first)} to {_day(row.last)}" if row.first else "no dates"
            line = f"  {counted(row.messages, 'message')}, {period}; you: {_you(row)}"
            console.print(plain(f"{line}, them: {row.them or '?'}"))
            for format, name in row.merged:
                console.print(plain(f"  + merged: {name} ({format})"))
    for line in _namesakes(rows):
        console.print(plain(line))


_NUMBERED: Final = re.compile(r"(.+) \((\d+)\)")
"""A chat the store named ``Leo (2)``: another conversation with a name already taken."""


def _namesakes(rows: list[ChatRow]) -> list[str]:
    """A line per chat named after another of its app (``Leo (2)`` beside ``Leo``): another
    account or number of one name, which a merge makes one conversation if it is his."""
    by_name = {(row.format, row.name): row for row in rows}
    lines = []
    for row in rows:
        numbered = _NUMBERED.fullmatch(row.name)
        first = by_name.get((row.format, numbered[1])) if numbered else None
        if first is not None:
            lines.append(
                f"{row.name} is another {row.format} chat than {first.name} (another account or "
                f"number); if both are his, merge them: pullaway merge {row.chat_id} "
                f"{first.chat_id}"
            )
    return lines


def _you(row: ChatRow) -> str:
    """Who she is in the chat; a guess ends with "?", and "?" alone is not known yet."""
    return row.me or (f"{row.me_guess}?" if row.me_guess else "?")


def _day(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d}" if moment else ""


def messages_ndjson(frame: pl.DataFrame) -> str:
    """One JSON object per message per line; timestamps ISO local wall-clock time."""
    out = frame.with_columns(
        pl.col("timestamp").dt.strftime("%Y-%m-%dT%H:%M:%S"),
        pl.col("kind").cast(pl.String),
    ).select(
        "timestamp",
        "utc_offset",
        "sender",
        "kind",
        "text",
        "message_id",
        "source_file",
        "source_line",
    )
    return out.write_ndjson() if out.height else ""


TABLE_MAX_ROWS: Final = 1000
"""Longer listings are printed as plain lines: a rich table takes about 0.3 ms a row (five
minutes for a million messages); plain lines are built by Polars in about a second."""


def messages(console: Console, frame: pl.DataFrame) -> None:
    """The messages as a table (when, who, message), or as aligned plain lines when there are
    more than ``TABLE_MAX_ROWS``; control characters shown, never sent to the terminal."""
    cells = frame.select(
        when=pl.col("timestamp").dt.strftime(_WHEN),
        who=printable_expr(pl.col("sender").fill_null("—")),
        message=printable_expr(_shown_body()),
    )
    if cells.height > TABLE_MAX_ROWS:
        _message_lines(console, cells)
        return
    table = Table(show_header=True, header_style="bold", box=None)
    table.add_column("when", no_wrap=True)
    table.add_column("who", no_wrap=True)
    table.add_column("message")
    for when, who, body in cells.iter_rows():
        table.add_row(when, plain(who), plain(body))
    console.print(table)


_WHEN: Final = "%Y-%m-%d %H:%M"
_WHEN_WIDTH: Final = len("2024-01-01 00:00")
_LINES_PER_WRITE: Final = 100_000


def _shown_body() -> pl.Expr:
    """A message as listed: its text; other kinds tagged (``[media] caption``)."""
    text = pl.col("text").fill_null("")
    tagged = pl.concat_str([pl.lit("["), pl.col("kind").cast(pl.String), pl.lit("] "), text])
    return pl.when(pl.col("kind") == "text").then(text).otherwise(tagged.str.strip_chars_end())


def _message_lines(console: Console, cells: pl.DataFrame) -> None:
    """One line per message, ``when  who  message``, continuation lines indented under the
    message, written to the console's file a hundred thousand lines at a time."""
    width = int(cells.select(pl.col("who").str.len_chars().max()).item() or 1)
    indent = "\n" + " " * (_WHEN_WIDTH + 2 + width + 2)
    line = pl.concat_str(
        [
            "when",
            pl.col("who").str.pad_end(width),
            pl.col("message").str.replace_all("\n", indent, literal=True),
        ],
        separator="  ",
    )
    lines = cells.select(line.alias("line")).to_series()
    out = console.file
    out.write(f"{'when':<{_WHEN_WIDTH}}  {'who':<{width}}  message\n")
    for start in range(0, lines.len(), _LINES_PER_WRITE):
        out.write(lines.slice(start, _LINES_PER_WRITE).str.join("\n").item() + "\n")
    out.flush()
