"""``pullaway simulate``: write a simulated chat export and its truth.json.

The lead wires :func:`simulate_command` into the main Typer app::

    app.command("simulate")(simulate_command)
"""

from __future__ import annotations

from pathlib import Path  # noqa: TC003 - Typer reads the annotations at run time
from typing import Annotated

import typer

from pullaway.simulate.core import simulate
from pullaway.simulate.phrases import Language  # noqa: TC001
from pullaway.simulate.writers import Clock, DateOrder, ExportFormat, write_export


def simulate_command(
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same chat.")],
    out: Annotated[Path, typer.Option(help="Folder to write the export and truth.json into.")],
    days: Annotated[int, typer.Option(help="Length of the history in days.", min=60)] = 420,
    language: Annotated[Language, typer.Option(help="Language of the messages.")] = "en",
    format: Annotated[ExportFormat, typer.Option(help="Export format to write.")] = (
        "whatsapp_android"
    ),
    let_go_effect: Annotated[
        float,
        typer.Option(help="> 0: he comes back sooner when she lets go; < 0: later; 0: no effect."),
    ] = 0.0,
    rate: Annotated[
        float, typer.Option(help="Messages per ordinary day, both people together.", min=0.5)
    ] = 40.0,
    episodes: Annotated[
        int | None, typer.Option(help="Number of pull-aways (default: drawn; 0: none).", min=0)
    ] = None,
    ongoing: Annotated[
        bool, typer.Option(help="Leave the last pull-away open at the end of the export.")
    ] = True,
    date_order: Annotated[DateOrder, typer.Option(help="WhatsApp date order.")] = "dmy",
    clock: Annotated[Clock, typer.Option(help="WhatsApp clock.")] = "24h",
) -> None:
    """Write a realistic simulated chat export with known pull-away episodes (truth.json)."""
    chat = simulate(
        seed=seed,
        days=days,
        language=language,
        rate=rate,
        episodes=episodes,
        let_go_effect=let_go_effect,
        ongoing=ongoing,
    )
    path = write_export(chat, out, format=format, date_order=date_order, clock=clock)
    truth = chat.truth
    typer.echo(f"wrote {path} ({truth['chat']['messages']} messages)")
    typer.echo(f"wrote {out / 'truth.json'} ({len(truth['episodes'])} episodes)")
    for ep in truth["episodes"]:
        end = ep["end"] or "-"
        typer.echo(f"  {ep['onset']} -> {end:10}  {ep['strategy']:7} {ep['outcome']}")


app = typer.Typer(add_completion=False)
app.command("simulate")(simulate_command)
