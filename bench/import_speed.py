"""Import speed: pullaway's parse and full import against chat-miner, whatstk and a bare read.

    .venv/bin/python bench/import_speed.py [--messages 1000000] [--repeat 5] [--skip-peers]
        [--formats whatsapp_android,whatsapp_ios,whatsapp_us,telegram,signal,sms,messenger,
                   instagram,csv,discord,imessage]

Generates (once, cached in bench/out/) a realistic two-person export of about a million
messages with pullaway's simulator, by default WhatsApp in the Android and the iOS layout,
as long per message as real chats are (see ``NAMES`` and ``SECOND_PHRASE_SHARE``: a 59 MB
Android file, where the phrase banks alone made 45 MB).
``--formats`` adds ``whatsapp_us`` (the Android layout as US phones write it, month first,
12-hour and not zero-padded, ``1/6/25, 7:57 AM - ``, whose headers have many widths and so
take the capturing regex rather than the fixed-position path), a Telegram Desktop
``result.json``, a signal-export chat folder, an SMS Backup & Restore XML, a Messenger or
Instagram download (the thread in files of 10,000 messages), a generic CSV, a
DiscordChatExporter JSON and an iMessage chat.db with Contacts beside it. It then times
each contender in a fresh process, side by side in one run, and prints a table. Each of
pullaway's contenders and the bare read runs ``--repeat`` times, in turns (read, parse,
import, read, parse, import, ...), so a busy moment on a shared machine hits them alike;
the table shows the median and the range. The peers, tens of seconds each, run once.
Under the table, the parse's time over the bare read's in each turn (``turn_ratios``): the
spread of the ratio, and how many turns were over the target.

* ``read+splitlines``: Python reading the file and splitting it into lines (the floor);
  for Telegram, ``read+json.loads``: reading it and parsing the JSON with the standard library;
  for Messenger and Instagram, the same for each ``message_N.json`` of the thread;
  for Signal, ``read+json.loads`` of each line of data.json;
  for SMS Backup & Restore, ``read+iterparse``: the standard library's streaming XML parser;
  for Discord, ``read+json.loads`` of the exporter's JSON;
  for iMessage, ``sqlite3 fetchall``: Python's sqlite3 fetching every row of ``message``;
  for the generic CSV, ``read+csv.reader``: the standard library's CSV reader;
* ``pullaway parse``: sniff + parse into the message table;
* ``pullaway import``: parse + add to a fresh store on disk;
* ``chat-miner``, ``whatstk``: the popular Python parsers, installed for the benchmark only
  into their own virtualenv (bench/out/peers-venv), since they pin other library versions
  (whatstk reads WhatsApp only).

Targets (issue #2, WhatsApp): parse <= 1.5x read+splitlines (so >= 10x faster than whatstk),
full import <= 5 s, peak memory < 1 GB. The other formats have no target; their tables are for
comparison.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import venv
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from rich.console import Console
from rich.table import Table

from pullaway.simulate.writers import EXPORT_FORMATS, Clock, DateOrder, ExportFormat

OUT = Path(__file__).resolve().parent / "out"
PEERS_VENV = OUT / "peers-venv"
PEERS = ("chat-miner==0.6.0", "whatstk==0.9.1")
GENERATOR_VERSION = 3  # part of the cache folder's name: a new version makes new exports
# Calibrated on real chats, so the file is as long per message as people's are: contact names of
# about ten bytes (public sample exports: median 9.8) and texts of about five words (the same
# samples: median 5.0 words a text; the Swiss WhatsApp corpus: 6.25 tokens a message). The
# phrase banks alone give 3.9 words; a second phrase in 40 % of texts gives 5.5.
NAMES = ("Maya Cohen", "Leo Martins")
SECOND_PHRASE_SHARE = 0.4
PARSE_TARGET = 1.5
IMPORT_TARGET_S = 5.0
MEMORY_TARGET_MB = 1024

# Peak memory is VmHWM, this process's own high-water mark: ru_maxrss would also count the
# parent's memory at fork (Linux keeps it across exec), and the parent may just have generated
# a million-message export.
_MEASURE = """
import json, sys, time
from pathlib import Path
path = Path(sys.argv[1])
{setup}
start = time.perf_counter()
{body}
seconds = time.perf_counter() - start
status = Path("/proc/self/status").read_text().splitlines()
peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(json.dumps({{"seconds": seconds, "messages": int(count), "peak_mb": peak_kb / 1024}}))
"""

_OURS: dict[str, tuple[str, str]] = {
    "pullaway parse": (
        # Loading the importer modules is setup, as the peers' imports are.
        "from pullaway.importers import registry, sniff\nregistry()",
        "count = sniff(path).parse(path).messages.height",
    ),
    "pullaway import": (
        "import tempfile\n"
        "from pullaway.importers import registry\nregistry()\n"
        "from pullaway.ingest import import_file\n"
        "from pullaway.store import Store\n"
        # Removed when the process ends (TemporaryDirectory's finalizer), unlike mkdtemp.
        "scratch = tempfile.TemporaryDirectory(prefix='pullaway-bench-')\n"
        "store = Store.open(Path(scratch.name) / 'bench.db')",
        "count = sum(c.added for c in import_file(store, path).chats)",
    ),
}
# Per format: the floor (first), ours, then the peers that read that format.
CONTENDERS: dict[str, dict[str, tuple[str, str]]] = {
    "whatsapp": {
        "read+splitlines": (
            "",
            "count = len(path.read_text(encoding='utf-8').splitlines())",
        ),
        **_OURS,
        "chat-miner": (
            "import logging\nfrom chatminer.chatparsers import WhatsAppParser\n"
            "logging.disable(logging.CRITICAL)",
            "parser = WhatsAppParser(str(path))\nparser.parse_file()\n"
            "count = len(parser.parsed_messages.get_df())",
        ),
        "whatstk": (
            "from whatstk.whatsapp.parser import df_from_whatsapp",
            # whatstk refuses files over 50 MB unless told otherwise; these are 59-63 MB.
            "count = len(df_from_whatsapp(str(path), max_size=None))",
        ),
    },
    "telegram": {
        "read+json.loads": (
            "",
            "count = len(json.loads(path.read_bytes())['messages'])",
        ),
        **_OURS,
        "chat-miner": (
            "import logging\nfrom chatminer.chatparsers import TelegramJsonParser\n"
            "logging.disable(logging.CRITICAL)",
            "parser = TelegramJsonParser(str(path))\nparser.parse_file()\n"
            "count = len(parser.parsed_messages.get_df())",
        ),
    },
    # chat-miner's Signal parser reads signal-cli output, not signal-export's: no peer here.
    "signal": {
        "read+json.loads": (
            "",
            "count = sum(1 for line in (path / 'data.json').open(encoding='utf-8') "
            "if json.loads(line))",
        ),
        **_OURS,
    },
    # No peer reads SMS Backup & Restore; the floor is Python's own streaming XML parser.
    "sms": {
        "read+iterparse": (
            "from xml.etree.ElementTree import iterparse",
            "count = 0\n"
            "for _, element in iterparse(path):\n"
            "    if element.tag in ('sms', 'mms'):\n"
            "        count += 1\n"
            "        element.clear()",
        ),
        **_OURS,
    },
    # A thread is split over message_N.json files; chat-miner reads one file, so it is run
    # on each in turn, as someone with a long thread would have to.
    **{
        platform: {
            "read+json.loads": (
                "",
                "count = sum(len(json.loads(p.read_bytes())['messages']) "
                "for p in path.rglob('message_*.json'))",
            ),
            **_OURS,
            "chat-miner": (
                f"import logging\nfrom chatminer.chatparsers import {parser}\n"
                "logging.disable(logging.CRITICAL)",
                "count = 0\n"
                "for file in sorted(path.rglob('message_*.json')):\n"
                f"    parser = {parser}(str(file))\n"
                "    parser.parse_file()\n"
                "    count += len(parser.parsed_messages.get_df())",
            ),
        }
        for platform, parser in (
            ("messenger", "FacebookMessengerParser"),
            ("instagram", "InstagramJsonParser"),
        )
    },
    # No peer reads DiscordChatExporter's JSON; the floor is the standard library's JSON.
    "discord": {
        "read+json.loads": (
            "",
            "count = len(json.loads(path.read_bytes())['messages'])",
        ),
        **_OURS,
    },
    # No peer reads chat.db; the floor is Python's sqlite3 fetching every message row.
    "imessage": {
        "sqlite3 fetchall": (
            "import sqlite3",
            "count = len(sqlite3.connect(path).execute('SELECT * FROM message').fetchall())",
        ),
        **_OURS,
    },
    # No peer reads a generic CSV of messages; the floor is Python's own CSV reader.
    "csv": {
        "read+csv.reader": (
            "import csv",
            "count = len(list(csv.reader(path.open(encoding='utf-8', newline='')))) - 1",
        ),
        **_OURS,
    },
}
PEER_NAMES = ("chat-miner", "whatstk")
LAYOUTS: dict[str, tuple[ExportFormat, DateOrder, Clock]] = {
    **{name: (name, "dmy", "24h") for name in EXPORT_FORMATS},
    "whatsapp_us": ("whatsapp_android", "mdy", "12h"),
}
"""What ``--formats`` takes: the simulator's formats, and a US-style WhatsApp export."""


@dataclass(frozen=True)
class Timing:
    seconds: float
    messages: int
    peak_mb: float
    low: float | None = None  # fastest and slowest of repeated runs
    high: float | None = None


def median_of(runs: list[Timing | str]) -> Timing | str:
    """The run of median time (its messages and memory), with the range of all of them; the
    first failure if any run failed.

    >>> median_of([Timing(3.0, 5, 9.0), Timing(1.0, 5, 8.0), Timing(2.0, 5, 7.0)])
    Timing(seconds=2.0, messages=5, peak_mb=7.0, low=1.0, high=3.0)
    """
    failed = [run for run in runs if isinstance(run, str)]
    if failed:
        return failed[0]
    timings = sorted((run for run in runs if isinstance(run, Timing)), key=lambda t: t.seconds)
    middle = timings[(len(timings) - 1) // 2]
    return replace(middle, low=timings[0].seconds, high=timings[-1].seconds)


def turn_ratios(runs: list[Timing | str], floor: list[Timing | str]) -> list[float]:
    """Each turn's time of ``runs`` over the floor's time in the same turn (turns where
    either failed left out): the machine's busy moments hit both alike, so these move less
    than a ratio of medians taken from different turns.

    >>> turn_ratios([Timing(3.0, 5, 9.0), "failed", Timing(1.5, 5, 9.0)],
    ...             [Timing(2.0, 5, 9.0), Timing(1.0, 5, 9.0), Timing(1.0, 5, 9.0)])
    [1.5, 1.5]
    """
    return [
        run.seconds / base.seconds
        for run, base in zip(runs, floor, strict=True)
        if isinstance(run, Timing) and isinstance(base, Timing) and base.seconds > 0
    ]


def ensure_export(layout: str, messages: int, seed: int) -> Path:
    """A cached simulated export of about ``messages`` messages in ``layout`` (of LAYOUTS)."""
    from pullaway.simulate import simulate, write_export

    OUT.mkdir(parents=True, exist_ok=True)
    folder = OUT / f"{layout}-{messages}-{seed}-v{GENERATOR_VERSION}"
    done = folder / ".done"
    if done.exists():
        return Path(done.read_text(encoding="utf-8"))
    days = 1825
    me, them = NAMES
    calibrated = partial(simulate, me=me, them=them, second_phrase_share=SECOND_PHRASE_SHARE)
    sim = calibrated(seed=seed, days=days, rate=messages / days)
    # The rate is an ordinary day's; pull-aways and quiet spells make the chat fall short of
    # it (by about 12 %), so it is scaled once by the shortfall: within 1 % of ``messages``.
    if sim.messages.height:
        shortfall = messages / sim.messages.height
        sim = calibrated(seed=seed, days=days, rate=messages / days * shortfall)
    export_format, date_order, clock = LAYOUTS[layout]
    export = write_export(sim, folder, format=export_format, date_order=date_order, clock=clock)
    path = measured_file(export)
    done.write_text(str(path), encoding="utf-8")
    return path


def measured_file(export: Path) -> Path:
    """The file the contenders read: the export, or the ``_chat.txt`` inside an iOS zip (the
    floor and the peers read a text file), taken out beside it."""
    if export.suffix != ".zip":
        return export
    import zipfile

    with zipfile.ZipFile(export) as zf:
        zf.extract("_chat.txt", export.parent)
    return export.parent / "_chat.txt"


def peers_python() -> Path:
    python = PEERS_VENV / "bin" / "python"
    if not python.exists():
        print(f"installing {', '.join(PEERS)} into {PEERS_VENV} (benchmark only)…")
        venv.create(PEERS_VENV, with_pip=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--no-warn-script-location", *PEERS],
            check=True,
        )
    return python


def measure(python: Path, contender: tuple[str, str], path: Path) -> Timing | str:
    setup, body = contender
    code = _MEASURE.format(setup=setup, body=body)
    run = subprocess.run(
        [str(python), "-c", code, str(path)], capture_output=True, text=True, check=False
    )
    if run.returncode != 0:
        last = (run.stderr.strip().splitlines() or ["failed"])[-1]
        return f"failed: {last[:60]}"
    data = json.loads(run.stdout.strip().splitlines()[-1])
    return Timing(data["seconds"], data["messages"], data["peak_mb"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each of ours (median)")
    parser.add_argument("--skip-peers", action="store_true")
    parser.add_argument(
        "--formats",
        default=",".join(EXPORT_FORMATS[:2]),
        help=f"comma-separated, of {', '.join(LAYOUTS)} (default: the first two WhatsApp ones)",
    )
    args = parser.parse_args()

    console = Console(width=110)
    ours = Path(sys.executable)
    peers = None if args.skip_peers else peers_python()
    for layout in args.formats.split(","):
        if layout not in LAYOUTS:
            parser.error(f"unknown format {layout!r}; choose from {', '.join(LAYOUTS)}")
        path = ensure_export(layout, args.messages, args.seed)
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        size_mb = sum(p.stat().st_size for p in files) / 1e6
        contenders = CONTENDERS[layout.split("_")[0]]
        runs: dict[str, list[Timing | str]] = {c: [] for c in contenders if c not in PEER_NAMES}
        for _ in range(max(1, args.repeat)):
            for contender, done in runs.items():
                done.append(measure(ours, contenders[contender], path))
        results = {contender: median_of(done) for contender, done in runs.items()}
        for contender in [c for c in contenders if c in PEER_NAMES]:
            if peers is not None:
                results[contender] = measure(peers, contenders[contender], path)
        floor_runs, parse_runs = runs[next(iter(runs))], runs["pullaway parse"]
        _print(console, layout, path, size_mb, results, turn_ratios(parse_runs, floor_runs))


def _print(
    console: Console,
    layout: str,
    path: Path,
    size_mb: float,
    results: dict[str, Timing | str],
    ratios: list[float],
) -> None:
    floor_name = next(iter(results))
    floor = results[floor_name]
    base = floor.seconds if isinstance(floor, Timing) else None
    table = Table(title=f"{layout}: {path.name}, {size_mb:.0f} MB", title_justify="left")
    for column in ("contender", "seconds", "range", f"x {floor_name}", "messages", "peak MB"):
        table.add_column(column, justify="left" if column == "contender" else "right")
    for name, timing in results.items():
        if isinstance(timing, str):
            table.add_row(name, timing, "", "", "", "")
            continue
        ratio = f"{timing.seconds / base:.2f}" if base else ""
        spread = f"{timing.low:.2f}-{timing.high:.2f}" if timing.low is not None else ""
        table.add_row(
            name,
            f"{timing.seconds:.2f}",
            spread,
            ratio,
            f"{timing.messages:,}",
            f"{timing.peak_mb:,.0f}",
        )
    console.print(table)
    if floor_name != "read+splitlines":
        return  # the targets are WhatsApp's
    parse = results.get("pullaway parse")
    full = results.get("pullaway import")
    whatstk = results.get("whatstk")
    if isinstance(parse, Timing) and base:
        verdict = "met" if parse.seconds <= PARSE_TARGET * base else "MISSED"
        console.print(f"parse <= {PARSE_TARGET}x read+split: {verdict} (medians)")
    if len(ratios) > 1:
        over = sum(ratio > PARSE_TARGET for ratio in ratios)
        console.print(
            f"parse / read+split turn by turn: {min(ratios):.2f}-{max(ratios):.2f}, median "
            f"{statistics.median(ratios):.2f}; over {PARSE_TARGET} in {over} of {len(ratios)}"
        )
    if isinstance(parse, Timing) and isinstance(whatstk, Timing):
        console.print(f"parse vs whatstk: {whatstk.seconds / parse.seconds:.1f}x faster")
    if isinstance(full, Timing):
        verdict = "met" if full.seconds <= IMPORT_TARGET_S else "MISSED"
        console.print(f"full import <= {IMPORT_TARGET_S:.0f} s: {verdict}")
        verdict = "met" if full.peak_mb < MEMORY_TARGET_MB else "MISSED"
        console.print(f"peak memory < {MEMORY_TARGET_MB} MB: {verdict}")


if __name__ == "__main__":
    main()
