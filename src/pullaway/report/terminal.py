"""The analysis in the terminal: ``render_status`` (the Now page) and ``render_analysis``.

Chat names and message text are untrusted: they are always printed as ``plain`` text, never
parsed as rich markup, with control characters shown rather than sent to the terminal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group
from rich.panel import Panel
from rich.table import Table

from pullaway.report import views
from pullaway.report.plain import plain, printable
from pullaway.wording import counted

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from pullaway.analysis.result import Analysis, Episode

PHASE_STYLES = {"connected": "bold green", "pulling_away": "bold dark_orange", "ended": "bold red"}


def render_status(analysis: Analysis, console: Console) -> None:
    """Phase, day, his history of returns, today's guidance, and the safety notice first."""
    now = views.now_view(analysis, views.report_links())
    safety = now["safety"]
    if safety["fires"]:
        console.print(_safety_panel(safety))
    lines: list[RenderableType] = []
    title = plain(now["phase_label"], style=PHASE_STYLES.get(now["phase"], "bold"))
    if now["phase"] != "connected" and now["days"] is not None:
        title.append(f"  day {now['days']}", style="bold")
        title.append(f" (since {now['since']})", style="dim")
    lines.append(title)
    if now["strategy_label"] and now["phase"] != "connected":
        lines.append(plain(f"So far: {now['strategy_label'].lower()}."))
    if not safety["ending"]:
        lines.append(plain(now["history"]))
    if now["guidance"]:
        lines.append(plain("\nFor today", style="bold"))
        for g in now["guidance"]:
            line = plain(f"  #{g['mechanism']} ", style="dim")
            line.append(printable(g["text"]))
            lines.append(line)
    lines.append(plain("\n" + views.ALTERNATIVES, style="dim"))
    heading = plain(f"{now['chat']['name']} · you are {now['chat']['me']}")
    console.print(Panel(Group(*lines), title=heading, title_align="left", expand=False))


def _safety_panel(safety: dict[str, object]) -> Panel:
    parts: list[RenderableType] = []
    if safety["crisis"]:
        parts.append(
            plain(
                "Some of your messages sound like you may be thinking of hurting yourself. "
                "Please talk to someone today; if you are in danger, call your local "
                "emergency number.",
                style="bold",
            )
        )
    if safety["concern"]:
        parts.append(
            plain(
                "Some messages contain words often used to control, threaten or hurt. No "
                "strategy is shown; people who can help are listed below. If your partner may "
                "see this screen or these files, close the terminal and clear its history.",
                style="bold",
            )
        )
    elif safety["ending"]:
        parts.append(
            plain(
                "This may be an ending: the messages show an explicit ending, or a silence far "
                "longer than any before he came back. What matters now is how you are doing.",
                style="bold",
            )
        )
    for reason in safety["reasons"]:  # type: ignore[attr-defined]
        parts.append(plain(f"• {reason}"))
    for r in safety["resources"]:  # type: ignore[attr-defined]
        line = plain(f"{r['name']} ({r['country']}): ", style="bold")
        line.append(str(r["contact"]), style="")
        parts.append(line)
    return Panel(Group(*parts), title="Your safety and well-being", border_style="red")


def episodes_table(analysis: Analysis) -> Table:
    table = Table(title="Pull-aways", title_justify="left", show_lines=False)
    for column, justify in (
        ("#", "right"),
        ("onset", "left"),
        ("end", "left"),
        ("strategy", "left"),
        ("outcome", "left"),
        ("days", "right"),
        ("after", "left"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for e in analysis.episodes:
        row = views.episode_row(e, views.report_links())
        days = e.days_to_return if e.days_to_return is not None else row["days"]
        table.add_row(
            str(e.number),
            row["onset"],
            row["end"],
            row["strategy_label"],
            row["outcome_text"],
            "—" if days is None else f"{days:.0f}",
            row["after_label"],
        )
    return table


VERDICT_MARKS = {
    "consistent": ("✓", "green"),
    "inconsistent": ("✗", "red"),
    "no_signal": ("·", "dim"),
    "not_observable": ("?", "dim"),
}


def _episode_story(episode: Episode) -> Panel:
    """One episode: its story, then each of the nine reasons with one quoted message."""
    lines: list[RenderableType] = [plain(episode.summary)]
    for mechanism in episode.mechanisms:
        mark, style = VERDICT_MARKS[mechanism.verdict]
        line = plain(f"  {mark} #{mechanism.number} {mechanism.name}: ", style=style)
        line.append(printable(mechanism.summary), style="")
        lines.append(line)
        if mechanism.evidence:
            quote = mechanism.evidence[0]
            text = quote.text if len(quote.text) <= 90 else quote.text[:89] + "…"
            lines.append(
                plain(f"      {quote.timestamp:%d %b %Y %H:%M} {quote.sender}: “{text}”", "dim")
            )
    title = plain(f"Pull-away #{episode.number} · {episode.onset:%d %b %Y}")
    return Panel(Group(*lines), title=title, title_align="left")


def comparison_table(analysis: Analysis) -> Table:
    cmp = views.compare_view(analysis, views.report_links())
    table = Table(title="Let go or chased", title_justify="left")
    for column in ("what you did", "episodes", "he came back", "half within"):
        table.add_column(column, justify="left" if column == "what you did" else "right")
    for g in cmp["groups"]:
        table.add_row(
            g["label"],
            str(g["episodes"]),
            str(g["returned"]),
            g["median_text"] if g["episodes"] else "—",
        )
    return table


def render_analysis(analysis: Analysis, console: Console) -> None:
    """The story: the chat, every episode, the comparison, and where things stand now."""
    chat = views.chat_view(analysis)
    header = plain(chat["name"], style="bold")
    header.append(
        printable(
            f"  {counted(chat['messages'], 'message')}, {chat['first']} – {chat['last']}; "
            f"you are {chat['me']}, with {chat['them']}"
        ),
        style="",
    )
    console.print(header)
    for note in chat["notes"]:
        console.print(plain(f"note: {note}", style="dim"))
    if analysis.episodes:
        console.print(episodes_table(analysis))
        for episode in analysis.episodes:
            console.print(_episode_story(episode))
    else:
        console.print(plain("No pull-away found: his messages stayed within his usual range."))
    console.print(comparison_table(analysis))
    console.print(plain(analysis.comparison.wording))
    console.print()
    render_status(analysis, console)
