"""Accuracy benchmark: simulate chats with known truth, export, re-import, analyse, score.

    .venv/bin/python bench/accuracy.py --n 200 --jobs 2 --seed 1 [--set merge_gap_days=3 ...]

Each history draws its language, export format (written to a temporary folder and read back
with the real importer), texting rate, typical episode length, let-go effect and whether it
has any pull-away at all. The analysis is ``pullaway.analysis.analyze``; the scoring lives in
``pullaway.simulate.scoring``. The simulator is not tuned to the detector.

``--set NAME=VALUE`` (repeatable) runs the analysis with another value of a documented
setting (docs/analysis.md), to see what a threshold is worth.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import traceback
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from pullaway.importers import sniff
from pullaway.model import OWNER_SENDER
from pullaway.simulate import LANGUAGES, simulate
from pullaway.simulate.scoring import (
    HistoryScore,
    effect_sign,
    false_episodes_per_year,
    match_episodes,
    score_history,
    total,
)
from pullaway.simulate.writers import EXPORT_FORMATS, write_export

TARGETS = {
    "f1": 0.90,
    "strategy_accuracy": 0.90,
    "outcome_accuracy": 0.90,
    "return_median_error": 1.0,
    "false_per_year": 1.0,
}
LARGE_EFFECT = 1.0
RATE_BUCKETS = ((20, "<20/day"), (60, "20-60/day"), (150, "60-150/day"), (1e9, ">150/day"))
LENGTH_BUCKETS = ((8, "short (<8 d)"), (14, "medium (8-14 d)"), (1e9, "long (>14 d)"))


WRITER_ZONE = "Etc/GMT-1"
"""The zone of ``write_export``'s default ``utc_offset`` (3600 s): UTC+1 (POSIX signs)."""


@dataclass(frozen=True)
class Case:
    """One simulated history's parameters."""

    index: int
    seed: int
    language: str
    format: str
    date_order: str
    clock: str
    rate: float
    days: int
    return_median_days: float
    let_go_effect: float
    quiet: bool  # no pull-away at all
    ongoing: bool


def draw_cases(n: int, seed: int) -> list[Case]:
    cases = []
    for index in range(n):
        rng = np.random.default_rng([seed, index])
        cases.append(
            Case(
                index=index,
                seed=int(rng.integers(1 << 31)),
                language=str(rng.choice(LANGUAGES)),
                format=str(rng.choice(EXPORT_FORMATS)),
                date_order=str(rng.choice(["dmy", "mdy"])),
                clock=str(rng.choice(["24h", "12h"])),
                rate=float(np.exp(rng.uniform(np.log(8), np.log(250)))),
                days=int(rng.integers(300, 600)),
                return_median_days=float(rng.choice([5.0, 10.0, 18.0])),
                let_go_effect=float(rng.choice([0.0, 0.0, 0.5, -0.5, 1.5, -1.5])),
                quiet=bool(rng.random() < 0.15),
                ongoing=bool(rng.random() < 0.6),
            )
        )
    return cases


def run_case(case: Case, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Simulate, export, import, analyse and score one history (runs in a worker process)."""
    from pullaway.analysis import analyze
    from pullaway.analysis.settings import Settings

    started = time.perf_counter()
    chat = simulate(
        seed=case.seed,
        days=case.days,
        language=case.language,  # type: ignore[arg-type]
        rate=case.rate,
        episodes=0 if case.quiet else None,
        let_go_effect=case.let_go_effect,
        ongoing=case.ongoing,
        return_median_days=case.return_median_days,
    )
    truth = chat.truth
    years = truth["params"]["history_days"] / 365.25
    result: dict[str, Any] = {"case": asdict(case), "years": years, "error": None}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = write_export(
                chat,
                Path(tmp),
                format=case.format,  # type: ignore[arg-type]
                date_order=case.date_order,  # type: ignore[arg-type]
                clock=case.clock,  # type: ignore[arg-type]
            )
            # Exports of instants (SMS, Meta) are read in the writer's zone, UTC+1.
            messages = sniff(path).parse(path, timezone=WRITER_ZONE).messages
        settings = Settings.from_json(overrides)
        found = analyze(messages, me=owner(messages, truth), settings=settings).to_json()
    except Exception as exc:
        found = {"episodes": [], "now": {}, "comparison": {}}
        result["error"] = f"{type(exc).__name__}: {exc}"
        result["traceback"] = traceback.format_exc(limit=3)
    score = score_history(truth, found, years=years)
    matched = {i for i, _ in match_episodes(truth["episodes"], found["episodes"])}
    result["truth_episodes"] = [
        {
            "strategy": ep["strategy"],
            "his_level": ep["his_level"],
            "says_why": ep["says_why"],
            "found": i in matched,
        }
        for i, ep in enumerate(truth["episodes"])
    ]
    result["score"] = asdict(score)
    result["truth_sign"] = effect_sign(truth["comparison"])
    result["found_sign"] = effect_sign(found.get("comparison") or {})
    result["seconds"] = time.perf_counter() - started
    return result


def owner(messages: Any, truth: dict[str, Any]) -> str:
    """Who "me" is in the imported messages: the simulated owner's name, or ``Me`` for the
    exports that do not name their owner (Signal, SMS), as a user would pick with --me.

    >>> import polars as pl
    >>> owner(pl.DataFrame({"sender": ["Me", "Leo"]}), {"chat": {"me": "Maya"}})
    'Me'
    """
    me = str(truth["chat"]["me"])
    senders = set(messages["sender"].drop_nulls().unique().to_list())
    return OWNER_SENDER if me not in senders and OWNER_SENDER in senders else me


def _score(row: dict[str, Any]) -> HistoryScore:
    fields = dict(row["score"])
    for key in ("onset_errors", "return_errors", "strategy_hits", "outcome_hits"):
        fields[key] = tuple(fields[key])
    return HistoryScore(**fields)


def _bucket(value: float, buckets: tuple[tuple[float, str], ...]) -> str:
    return next(label for limit, label in buckets if value < limit)


def _region(case: dict[str, Any], dimension: str) -> str:
    if dimension == "rate":
        return _bucket(case["rate"], RATE_BUCKETS)
    if dimension == "episode length":
        return _bucket(case["return_median_days"], LENGTH_BUCKETS)
    return str(case[dimension])


def _fmt(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _verdict(value: float | None, target: float, *, lower_is_better: bool = False) -> str:
    if value is None:
        return "[yellow]n/a[/]"
    ok = value <= target if lower_is_better else value >= target
    return "[green]met[/]" if ok else "[red]missed[/]"


def report(rows: list[dict[str, Any]], console: Console, elapsed: float) -> bool:
    scores = [_score(r) for r in rows]
    totals = total(scores)
    quiet = [s for s, r in zip(scores, rows, strict=True) if r["case"]["quiet"]]
    false_rate = false_episodes_per_year(quiet)
    large = [r for r in rows if abs(r["case"]["let_go_effect"]) >= LARGE_EFFECT]
    judged = [r for r in large if r["truth_sign"] is not None]
    recovered = [r for r in judged if r["found_sign"] == r["truth_sign"]]
    sign_rate = len(recovered) / len(judged) if judged else None
    errors = [r for r in rows if r["error"]]

    table = Table(title=f"pullaway accuracy on {len(rows)} simulated histories")
    for column in ("measure", "value", "target", ""):
        table.add_column(column)
    table.add_row("episode precision", _fmt(totals.precision), "", "")
    table.add_row("episode recall", _fmt(totals.recall), "", "")
    table.add_row(
        "episode F1 (onsets within 3 days)",
        _fmt(totals.f1, 3),
        ">= 0.90",
        _verdict(totals.f1, TARGETS["f1"]),
    )
    table.add_row("matched episodes", str(totals.matched), "", "")
    table.add_row("onset median abs error (days)", _fmt(totals.onset_median_error, 1), "", "")
    table.add_row(
        "return-date median abs error (days)",
        _fmt(totals.return_median_error, 1),
        "<= 1",
        _verdict(totals.return_median_error, TARGETS["return_median_error"], lower_is_better=True),
    )
    table.add_row(
        "strategy accuracy (matched)",
        _fmt(totals.strategy_accuracy, 3),
        ">= 0.90",
        _verdict(totals.strategy_accuracy, TARGETS["strategy_accuracy"]),
    )
    table.add_row(
        "outcome accuracy (matched)",
        _fmt(totals.outcome_accuracy, 3),
        ">= 0.90",
        _verdict(totals.outcome_accuracy, TARGETS["outcome_accuracy"]),
    )
    table.add_row("current phase accuracy", _fmt(totals.phase_accuracy), "", "")
    table.add_row(
        f"false episodes per year ({len(quiet)} histories without any)",
        _fmt(false_rate),
        "<= 1",
        _verdict(false_rate, TARGETS["false_per_year"], lower_is_better=True),
    )
    table.add_row(
        f"let-go effect sign recovered (|effect| >= {LARGE_EFFECT}, n={len(judged)})",
        _fmt(sign_rate),
        "",
        "",
    )
    table.add_row("histories that failed to import or analyse", str(len(errors)), "0", "")
    console.print(table)

    groups = Table(title="F1 by parameter region (worst first in each)")
    for column in ("dimension", "group", "histories", "F1", "recall", "precision"):
        groups.add_column(column)
    worst: tuple[float, str, str] | None = None
    for dimension in ("language", "format", "rate", "episode length"):
        by_group: dict[str, list[HistoryScore]] = defaultdict(list)
        for score, row in zip(scores, rows, strict=True):
            by_group[_region(row["case"], dimension)].append(score)
        ranked = sorted(by_group.items(), key=lambda item: total(item[1]).f1)
        for name, members in ranked:
            t = total(members)
            groups.add_row(
                dimension, name, str(len(members)), _fmt(t.f1), _fmt(t.recall), _fmt(t.precision)
            )
            if worst is None or t.f1 < worst[0]:
                worst = (t.f1, dimension, name)
    console.print(groups)
    console.print(_recall_by_episode(rows))
    if worst is not None:
        console.print(
            f"worst region: {worst[1]} = {worst[2]} (F1 {worst[0]:.2f}); "
            f"average over all histories: F1 {totals.f1:.2f}"
        )
    for row in errors[:5]:
        console.print(f"[red]history {row['case']['index']}[/]: {row['error']}")
    console.print(f"{len(rows)} histories in {elapsed:.0f} s")
    met = [
        totals.f1 >= TARGETS["f1"],
        (totals.strategy_accuracy or 0) >= TARGETS["strategy_accuracy"],
        (totals.outcome_accuracy or 0) >= TARGETS["outcome_accuracy"],
        (totals.return_median_error or 99) <= TARGETS["return_median_error"],
        (false_rate or 0) <= TARGETS["false_per_year"],
    ]
    return all(met)


def _recall_by_episode(rows: list[dict[str, Any]]) -> Table:
    """Recall by her strategy, by how far his messages fell (truth's his_level) and by
    whether he said why (busy, needs space) or only went quiet."""
    table = Table(title="recall by kind of true episode")
    for column in ("dimension", "group", "true", "found", "recall"):
        table.add_column(column)
    episodes = [ep for row in rows for ep in row.get("truth_episodes", [])]
    levels = ((0.2, "his level < 0.2"), (0.4, "0.2-0.4"), (0.7, "0.4-0.7"), (1e9, ">= 0.7"))
    keyed: dict[tuple[str, str], list[bool]] = defaultdict(list)
    for ep in episodes:
        keyed[("her strategy", ep["strategy"])].append(ep["found"])
        level = ep["his_level"] if ep["his_level"] is not None else 0.0
        keyed[("his level", _bucket(level, levels))].append(ep["found"])
        keyed[("he said why", "yes" if ep["says_why"] else "no")].append(ep["found"])
    for (dimension, name), hits in sorted(keyed.items()):
        table.add_row(dimension, name, str(len(hits)), str(sum(hits)), _fmt(sum(hits) / len(hits)))
    return table


def _overrides(pairs: list[str]) -> dict[str, Any]:
    """``["merge_gap_days=3"]`` -> ``{"merge_gap_days": 3}``, checked against the Settings fields.

    >>> _overrides(["withdrawal_start_probability=0.002", "merge_gap_days=3"])
    {'withdrawal_start_probability': 0.002, 'merge_gap_days': 3}
    >>> _overrides(["trigger_z=-2"])
    Traceback (most recent call last):
    SystemExit: error: unknown setting(s) trigger_z; see docs/analysis.md
    """
    from pullaway.analysis.settings import Settings

    values: dict[str, Any] = {}
    for pair in pairs:
        name, _, raw = pair.partition("=")
        values[name.strip()] = json.loads(raw) if raw.strip() else None
    known = Settings.describe()
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise SystemExit(f"error: unknown setting(s) {', '.join(unknown)}; see docs/analysis.md")
    Settings.from_json(values)  # raises on a value of the wrong type
    return values


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--n", type=int, default=200, help="number of histories (default 200)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the parameter draw")
    parser.add_argument("--out", type=Path, help="write every history's scores as JSON here")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="analyse with another value of a setting (repeatable)",
    )
    args = parser.parse_args(argv)
    console = Console()
    try:
        from pullaway.analysis import analyze  # noqa: F401
    except ImportError as exc:
        console.print(
            f"[red]error:[/] cannot import pullaway.analysis.analyze ({exc}); "
            "the accuracy benchmark needs the analysis core"
        )
        return 2
    overrides = _overrides(args.set)
    if overrides:
        console.print(f"settings changed: {overrides}")
    cases = draw_cases(args.n, args.seed)
    started = time.perf_counter()
    rows: list[dict[str, Any]] = []
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        runs = pool.map(run_case, cases, [overrides] * len(cases))
        for done, row in enumerate(runs, start=1):
            rows.append(row)
            if done % 20 == 0 or done == len(cases):
                console.print(f"[dim]{done}/{len(cases)} histories[/]")
    if args.out:
        args.out.write_text(json.dumps(rows, indent=1, default=str), encoding="utf-8")
    met = report(rows, console, time.perf_counter() - started)
    return 1 if args.strict and not met else 0


if __name__ == "__main__":
    sys.exit(main())
