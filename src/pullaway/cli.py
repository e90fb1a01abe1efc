"""The command line: parse options, call the library, hand results to ``report``.

This is the one place where pullaway's errors become messages and exit codes:
``error: <one line>`` on stderr and exit status 1 (``--debug`` adds the traceback).
"""

from __future__ import annotations

import json
import sys
import traceback
from dataclasses import asdict, dataclass
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

import typer
from rich.console import Console
from typer.core import TyperGroup

from pullaway import __version__
from pullaway.errors import PullawayError
from pullaway.report import tables
from pullaway.report.plain import printable, say_notes
from pullaway.simulate.cli import simulate_command
from pullaway.wording import arrows

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from pullaway.analysis import Analysis
    from pullaway.ingest import FileImport
    from pullaway.store import ChatRow, Store


@dataclass
class _State:
    store_path: Path | None = None
    debug: bool = False


_state = _State()


USER_ERRORS = (PullawayError, OSError, MemoryError)
"""What a user's input or machine can cause (a bad file, a missing one, a symlink loop, too
little memory): reported in one line, not as a bug."""


def _error_line(exc: BaseException) -> str:
    """The one line that says what went wrong."""
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror or exc}"
    if isinstance(exc, MemoryError):
        return "ran out of memory; is this really a chat export?"
    return str(exc)


def _report_error(exc: BaseException) -> None:
    """``error: <one line>`` on stderr (and the traceback before it with --debug)."""
    if _state.debug:
        traceback.print_exception(exc, file=sys.stderr)
    typer.echo(f"error: {printable(_error_line(exc))}", err=True)  # it may quote an export


def _fail(exc: BaseException) -> None:
    """Report a user error; exit 1."""
    _report_error(exc)
    raise typer.Exit(1)


class _Group(TyperGroup):
    """Turns the ``USER_ERRORS`` into ``error: …`` and exit code 1."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except USER_ERRORS as exc:
            _fail(exc)


app = typer.Typer(
    cls=_Group,
    help="pullaway: find every time he pulled away in your chat history, what you did, "
    "and what happened next. Everything stays on this computer.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    add_completion=False,
)


class DateOrderChoice(StrEnum):
    dmy = "dmy"
    mdy = "mdy"
    ymd = "ymd"


DateOrderOption = Annotated[
    DateOrderChoice | None,
    typer.Option(
        "--date-order",
        help="Day/month order of a WhatsApp export (dmy, mdy, ymd); inferred when omitted.",
    ),
]
FormatOption = Annotated[
    str | None,
    typer.Option(
        "--format", help="Importer to use (see `pullaway formats`); sniffed when omitted."
    ),
]
ChatOption = Annotated[
    str | None,
    typer.Option(
        "--chat",
        help="Which chat of a multi-chat file (Telegram full export, SMS, …), or the name of "
        "a one-chat file's chat; matched by this name only, never as a renamed stored chat.",
    ),
]
MeOption = Annotated[
    str | None, typer.Option("--me", help="Your name as it appears in the chat; remembered.")
]
TimezoneOption = Annotated[
    str | None,
    typer.Option(
        "--timezone",
        help="IANA zone (e.g. Europe/Madrid) for sources stored in UTC (default: this "
        "computer's; a chat keeps the zone of its first import, and this moves it), or to "
        "give a WhatsApp export its offset.",
    ),
]
EncodingOption = Annotated[
    str | None,
    typer.Option("--encoding", help="Text encoding if not UTF-8 (e.g. cp1252, utf-16-le)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
PrintJsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"pullaway {__version__}")
        raise typer.Exit


@app.callback()
def _main(
    store: Annotated[
        Path | None,
        typer.Option(
            "--store",
            envvar="PULLAWAY_STORE",
            help="Store file (default: your user data folder; or $PULLAWAY_STORE).",
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    _state.store_path = store
    _state.debug = debug


def _console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def _open_store() -> Store:
    """The store, its notes (made private, upgraded) said on stderr, out of --json's way."""
    from pullaway.store import Store

    store = Store.open(_state.store_path)
    say_notes(store.notes)
    return store


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=1, default=_json_default))


def _json_default(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    msg = f"cannot write {type(value).__name__} as JSON"
    raise TypeError(msg)


@app.command()
def formats(json_out: JsonOption = False) -> None:
    """List the export formats pullaway reads."""
    from pullaway.importers import registry

    rows = [
        {"name": imp.name, "extensions": list(imp.extensions), "description": imp.description}
        for imp in sorted(registry().values(), key=lambda i: i.name)
    ]
    if json_out:
        _print_json({"formats": rows})
    else:
        tables.formats(_console(), rows)


@dataclass(frozen=True)
class _ImportOptions:
    """How to read the files: the options `import` and `analyze` share."""

    format_name: str | None = None
    chat: str | None = None
    me: str | None = None
    date_order: DateOrderChoice | None = None
    timezone: str | None = None
    encoding: str | None = None


def _import_paths(
    store: Store, paths: list[Path], options: _ImportOptions, *, quiet: bool
) -> tuple[list[FileImport], list[tuple[Path, BaseException]]]:
    """Import each path in turn: the files read, and those that could not be, with the error.

    A file that cannot be read does not stop the others, and the store holds nothing of it
    (each file is one transaction). A single path's error is raised.
    """
    done: list[FileImport] = []
    failed: list[tuple[Path, BaseException]] = []
    with tables.import_progress(quiet=quiet) as progress:
        for path in paths:
            task = progress.add_task(f"reading {path.name}", total=None)
            try:
                done.append(_import_one(store, path, options, progress, task))
            except USER_ERRORS as exc:
                if len(paths) == 1:
                    raise
                failed.append((path, exc))
            finally:
                progress.remove_task(task)
    return done, failed


def _import_one(
    store: Store, path: Path, options: _ImportOptions, progress: Progress, task: TaskID
) -> FileImport:
    from pullaway.importers import progress_to
    from pullaway.ingest import import_file

    # A spinner until the importer says how far it is; a bar from then on.
    reading = tables.share_shown(progress, task)
    with progress_to(reading, stage=tables.stage_shown(progress, task)):
        return import_file(
            store,
            path,
            format_name=options.format_name,
            chat=options.chat,
            me=options.me,
            date_order=_date_order(options.date_order),
            timezone=options.timezone,
            encoding=options.encoding,
        )


def _date_order(value: DateOrderChoice | None) -> Literal["dmy", "mdy", "ymd"] | None:
    orders: dict[str, Literal["dmy", "mdy", "ymd"]] = {"dmy": "dmy", "mdy": "mdy", "ymd": "ymd"}
    return orders[value.value] if value is not None else None


V = TypeVar("V", str, list[str])


def _no_empty_paths(value: V) -> V:
    """Refuse an empty argument (``pullaway import "$UNSET"``): as a path it would mean the
    current folder, and whatever export sits there would be imported."""
    if "" in (value if isinstance(value, list) else [value]):
        msg = "an empty argument; name an export file, a folder or a chat"
        raise typer.BadParameter(msg)
    return value


@app.command("import")
def import_(
    paths: Annotated[
        list[str],
        typer.Argument(help="Export files, .zip files or folders.", callback=_no_empty_paths),
    ],
    me: MeOption = None,
    chat: ChatOption = None,
    format_name: FormatOption = None,
    date_order: DateOrderOption = None,
    timezone: TimezoneOption = None,
    encoding: EncodingOption = None,
    json_out: JsonOption = False,
) -> None:
    """Read chat exports into the local store (only new messages are added).

    A file that cannot be read does not stop the others: the rest are imported and reported,
    then each failure gets an error line, and the exit status is 1.
    """
    options = _ImportOptions(format_name, chat, me, date_order, timezone, encoding)
    with _open_store() as store:
        done, failed = _import_paths(store, [Path(p) for p in paths], options, quiet=json_out)
        if json_out:
            errors = [(path, _error_line(exc)) for path, exc in failed]
            _print_json(tables.import_json(done, store, errors=errors))
        else:
            tables.imports(_console(), done, store)
    for _, exc in failed:
        _report_error(exc)
    if failed:
        typer.echo(tables.not_imported(len(failed), len(paths)), err=True)
        raise typer.Exit(1)


@app.command()
def chats(json_out: JsonOption = False) -> None:
    """List the chats in the store."""
    with _open_store() as store:
        rows = store.chats()
        if json_out:
            _print_json({"chats": [tables.chat_json(c) for c in rows]})
        else:
            tables.chats(_console(), rows, store.path)


@app.command()
def me(
    chat: Annotated[str, typer.Argument(help="Chat id or name.")],
    name: Annotated[str, typer.Argument(help="Your name as it appears in the chat.")],
) -> None:
    """Say which participant of a chat is you (remembered)."""
    with _open_store() as store:
        row = store.set_me(store.chat(chat).chat_id, name)
        typer.echo(f"{row.name}: you are {row.me}; the other person is {row.them or 'unknown'}")


@app.command()
def merge(
    chat: Annotated[str, typer.Argument(help="The chat to keep (id or name).")],
    other: Annotated[str, typer.Argument(help="The chat to merge into it (id or name).")],
    sender: Annotated[
        list[str] | None,
        typer.Option(
            "--sender",
            metavar="OLD=NEW",
            help="Who is who: OTHER's sender OLD is CHAT's NEW (repeatable). Default: you are "
            "you, and in two two-person chats, the other person is the other person.",
        ),
    ] = None,
    json_out: PrintJsonOption = False,
) -> None:
    """Merge two chats of one conversation (his number and his Apple ID, an old number,
    another app): OTHER's messages move into CHAT, and its later exports go there too."""
    with _open_store() as store:
        keep, merged = store.chat(chat), store.chat(other)
        done = store.merge(keep.chat_id, merged.chat_id, senders=_sender_pairs(sender))
    renamed = arrows(done.senders.items()) or "none"
    line = (
        f"{done.merged} ({done.format}) merged into {done.name}: {done.messages:,} messages, "
        f"{done.added:,} new to it; senders renamed: {renamed}. Its later exports go to "
        f"{done.name} too."
    )
    _print_done("merge", asdict(done), line, json_out=json_out)


@app.command()
def rename(
    chat: Annotated[str, typer.Argument(help="Chat id or name.")],
    name: Annotated[str | None, typer.Argument(help="Its new name (default: as it is).")] = None,
    sender: Annotated[
        list[str] | None,
        typer.Option(
            "--sender",
            metavar="OLD=NEW",
            help="Rename the sender OLD to NEW (repeatable), e.g. --sender '+15551234567=Leo'.",
        ),
    ] = None,
    json_out: PrintJsonOption = False,
) -> None:
    """Rename a chat or its senders (a contact known only by number, or a name you would
    rather not see). The chat keeps its id; exports that still give the old name go to it."""
    with _open_store() as store:
        done = store.rename(store.chat(chat).chat_id, name, senders=_sender_pairs(sender) or {})
    renamed = arrows(done.senders.items()) or "none"
    line = (
        f"{done.was} is now {done.name} ({done.chat_id}, {done.messages:,} messages); "
        f"senders renamed: {renamed}"
    )
    _print_done("rename", asdict(done), line, json_out=json_out)


@app.command()
def delete(
    chat: Annotated[str, typer.Argument(help="Chat id or name.")],
    yes: Annotated[bool, typer.Option("--yes", help="Delete without asking.")] = False,
    json_out: PrintJsonOption = False,
) -> None:
    """Delete a chat and everything from it: messages, imports, journal, drafts, settings.
    The export files are not touched; import one again to start over (after a merge made by
    mistake, say)."""
    with _open_store() as store:
        row = store.chat(chat)
        if not yes:
            question = (
                f"Delete {row.name!r} ({row.format}, {row.messages:,} messages) and everything "
                "from it (journal, drafts, settings)? This cannot be undone"
            )
            if not _confirmed(question):
                typer.echo("nothing deleted (pass --yes to delete without asking)", err=True)
                raise typer.Exit(1)
        store.delete_chat(row.chat_id)
    deleted = {"chat": row.chat_id, "name": row.name, "messages": row.messages}
    line = f"deleted {row.name} ({row.messages:,} messages) from {store.path}"
    _print_done("deleted", deleted, line, json_out=json_out)


def _print_done(key: str, done: dict[str, Any], line: str, *, json_out: bool) -> None:
    """What a command changed: ``{key: done}`` as JSON, or ``line``."""
    if json_out:
        typer.echo(json.dumps({key: done}, ensure_ascii=False, indent=1))
    else:
        typer.echo(line)


def _confirmed(question: str) -> bool:
    """The user's yes to ``question`` on the terminal; no answer (end of input) is a no."""
    try:
        return typer.confirm(question, err=True)
    except typer.Abort:
        typer.echo(err=True)
        return False


def _sender_pairs(values: list[str] | None) -> dict[str, str] | None:
    """``--sender OLD=NEW`` options as a mapping (None when none is given)."""
    if not values:
        return None
    pairs = {}
    for value in values:
        old, equals, new = value.partition("=")
        if not equals or not old.strip() or not new.strip():
            msg = f"--sender {value!r}: expected OLD=NEW, e.g. --sender '+15551234567=Leo'"
            raise PullawayError(msg)
        pairs[old.strip()] = new.strip()
    return pairs


def _parse_day(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        msg = f"{option} {value!r} is not a date; use YYYY-MM-DD or YYYY-MM-DDTHH:MM"
        raise PullawayError(msg) from None


@app.command()
def messages(
    chat: Annotated[str, typer.Argument(help="Chat id or name.")],
    since: Annotated[str | None, typer.Option(help="Only messages from this date on.")] = None,
    until: Annotated[str | None, typer.Option(help="Only messages before this date.")] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many (the latest).")] = None,
    json_out: Annotated[
        bool, typer.Option("--json", help="One JSON object per message per line.")
    ] = False,
) -> None:
    """Show the messages of a chat."""
    with _open_store() as store:
        row = store.chat(chat)
        frame = store.messages(
            row.chat_id,
            since=_parse_day(since, "--since"),
            until=_parse_day(until, "--until"),
        )
    if limit is not None:
        frame = frame.tail(limit)
    if json_out:
        sys.stdout.write(tables.messages_ndjson(frame))
    else:
        tables.messages(_console(), frame)


def _chat_for_analysis(
    store: Store, target: str, options: _ImportOptions, *, quiet: bool
) -> ChatRow:
    """The chat to analyse: import ``target`` first if it is a file, else look it up."""
    path = Path(target)
    if path.exists():
        done, _ = _import_paths(store, [path], options, quiet=quiet)
        found = done[0].chats
        if len(found) != 1:
            names = ", ".join(c.name for c in found)
            msg = f"{path} holds {len(found)} chats ({names}); choose one with --chat"
            raise PullawayError(msg)
        row = store.chat(found[0].chat_id)
    else:
        row = store.chat(target)
    if options.me is not None and row.me != options.me:
        row = store.set_me(row.chat_id, options.me)
    return row


def _analysis(store: Store, row: ChatRow) -> tuple[Analysis, list[str]]:
    from pullaway.analysis import Settings, analyze

    notes: list[str] = []
    who = row.me
    if who is None:
        if row.me_guess is None:
            senders = ", ".join(name for name, _ in store.senders(row.chat_id))
            msg = f"who are you in {row.name!r}? pass --me with one of: {senders}"
            raise PullawayError(msg)
        who = row.me_guess
        notes.append(f"assuming you are {who} (a guess); pass --me NAME if not")
    settings = Settings.from_json(store.settings(row.chat_id))
    return analyze(store.messages(row.chat_id), me=who, settings=settings), notes


@app.command()
def analyze(
    target: Annotated[
        str,
        typer.Argument(help="An export file to import first, or a chat.", callback=_no_empty_paths),
    ],
    me: MeOption = None,
    chat: ChatOption = None,
    format_name: FormatOption = None,
    date_order: DateOrderOption = None,
    timezone: TimezoneOption = None,
    encoding: EncodingOption = None,
    json_out: JsonOption = False,
) -> None:
    """Find every pull-away, what you did, and what happened next."""
    options = _ImportOptions(format_name, chat, me, date_order, timezone, encoding)
    with _open_store() as store:
        row = _chat_for_analysis(store, target, options, quiet=json_out)
        result, notes = _analysis(store, row)
    if json_out:
        _print_json(result.to_json())
        return
    from pullaway.report.terminal import render_analysis

    console = _console()
    for note in notes:
        console.print(f"note: {note}", markup=False)
    render_analysis(result, console)


@app.command()
def status(
    chat: Annotated[str, typer.Argument(help="Chat id or name.")],
    json_out: JsonOption = False,
) -> None:
    """Where things stand today: phase, days, his history of returns, guidance."""
    with _open_store() as store:
        result, notes = _analysis(store, store.chat(chat))
    if json_out:
        _print_json({"now": result.now.to_json(), "safety": result.safety.to_json()})
        return
    from pullaway.report.terminal import render_status

    console = _console()
    for note in notes:
        console.print(f"note: {note}", markup=False)
    render_status(result, console)


@app.command()
def report(
    chat: Annotated[str, typer.Argument(help="Chat id or name.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The HTML file to write.")],
) -> None:
    """Write one self-contained HTML report (works offline) to keep or share."""
    from pullaway.report.html import render_report

    with _open_store() as store:
        result, _ = _analysis(store, store.chat(chat))
    output.write_text(render_report(result), encoding="utf-8")
    typer.echo(f"wrote {output}")


@app.command("app")
def app_(
    port: Annotated[int | None, typer.Option(help="Port on 127.0.0.1 (default: a free one).")] = (
        None
    ),
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Do not open a browser.")
    ] = False,
    store: Annotated[
        Path | None,
        typer.Option("--store", help="Store file (same as the global --store)."),
    ] = None,
) -> None:
    """Open the local web app (127.0.0.1 only, with a per-launch secret)."""
    from pullaway.web.server import serve

    serve(store or _state.store_path, port=port, open_browser=not no_browser)


app.command("simulate")(simulate_command)


def main() -> None:
    """Entry point of the ``pullaway`` command."""
    app(args=global_options_first(sys.argv[1:]))


def global_options_first(args: list[str]) -> list[str]:
    """``args`` with the global options moved before the command, where Click looks for them:
    ``pullaway import chat.zip --store my.db`` means ``pullaway --store my.db import chat.zip``.

    >>> global_options_first(["import", "a.zip", "--store", "s.db", "--debug", "--json"])
    ['--store', 's.db', '--debug', 'import', 'a.zip', '--json']
    """
    front: list[str] = []
    rest: list[str] = []
    at = 0
    while at < len(args):
        arg = args[at]
        if arg == "--":  # what follows is arguments only
            rest += args[at:]
            break
        if arg == "--store" and at + 1 < len(args):
            front += args[at : at + 2]
            at += 2
            continue
        (front if arg == "--debug" or arg.startswith("--store=") else rest).append(arg)
        at += 1
    return front + rest


if __name__ == "__main__":
    main()
