"""The offline HTML report and the terminal renderers."""

from __future__ import annotations

import base64
import hashlib
import html
import re
from io import StringIO

import polars as pl
import pytest
from markupsafe import escape
from rich.console import Console

from pullaway.analysis import analyze
from pullaway.report import views
from pullaway.report.html import render_report
from pullaway.report.terminal import render_analysis, render_status
from pullaway.simulate import simulate
from test_web import XSS, make_analysis


@pytest.fixture(scope="module")
def xss_report() -> str:
    return render_report(make_analysis(name=XSS[0], text=" ".join(XSS)))


def test_report_is_one_file_with_every_section(xss_report: str) -> None:
    for section in ('id="now"', 'id="timeline"', 'id="episodes"', 'id="compare"'):
        assert section in xss_report
    assert 'id="episode-1"' in xss_report
    assert 'id="episode-2"' in xss_report
    assert xss_report.count("<style>") == 1
    assert xss_report.count("<script>") == 1  # the chart code; data blocks are JSON
    assert '<link rel="stylesheet"' not in xss_report
    assert "<script src" not in xss_report


def test_report_requests_nothing_from_outside(xss_report: str) -> None:
    assert not re.search(r"""(src|href|action)\s*=\s*["']?\s*(https?:)?//""", xss_report)
    assert "url(" not in xss_report.split("<style>")[1].split("</style>")[0]
    assert "@import" not in xss_report


def test_report_csp_allows_only_its_own_inline_blocks(xss_report: str) -> None:
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', xss_report)
    assert csp is not None
    policy = html.unescape(csp.group(1))
    assert "default-src 'none'" in policy
    assert "unsafe-inline" not in policy
    style = xss_report.split("<style>", 1)[1].split("</style>", 1)[0]
    script = xss_report.rsplit("<script>", 1)[1].split("</script>", 1)[0]
    for block in (style, script):
        digest = base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy


def test_report_escapes_message_text(xss_report: str) -> None:
    assert "<script>alert(1)</script>" not in xss_report
    assert "<img src=x" not in xss_report
    assert 'href="javascript:' not in xss_report
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in xss_report
    assert "{{ 7*191 }}" in xss_report
    assert "{% raw %}" in xss_report
    for block in re.findall(
        r'<script type="application/json"[^>]*>(.*?)</script>', xss_report, re.S
    ):
        assert "<" not in block


def test_report_from_a_real_analysis() -> None:
    chat = simulate(seed=6, days=160, strategies=("let_go", "chased"))
    analysis = analyze(chat.messages, me="Maya")
    page = render_report(analysis)
    assert str(escape(analysis.now.history)) in page
    for e in analysis.episodes:
        assert f'id="episode-{e.number}"' in page
    if not analysis.episodes:
        assert "No pull-away found" in page


def test_terminal_story_counts_messages_with_separators() -> None:
    analysis = analyze(simulate(seed=6, days=160).messages, me="Maya")
    out = StringIO()
    render_analysis(analysis, Console(file=out, width=100, _environ={}, color_system=None))
    messages = views.chat_view(analysis)["messages"]
    assert messages >= 1000
    assert f"  {messages:,} messages, " in out.getvalue().splitlines()[0]


def test_terminal_status_and_story_escape_markup() -> None:
    out = StringIO()
    console = Console(file=out, width=100, _environ={}, color_system=None)
    analysis = make_analysis(name="[bold]Leo[/bold]", text="[red]hi[/red]", concern=True)
    render_analysis(analysis, console)
    text = out.getvalue()
    assert "[bold]Leo[/bold]" in text
    assert "[red]hi[/red]" in text
    assert "Pull-aways" in text
    assert "1-800-799-7233" in text
    assert "For today" not in text  # no strategy while a safety concern stands


def test_terminal_status_shows_phase_day_history_and_guidance() -> None:
    out = StringIO()
    render_status(make_analysis(), Console(file=out, width=100, _environ={}, color_system=None))
    text = out.getvalue()
    assert "He is pulling away" in text
    assert "day 5" in text
    assert "In 1 of 1 earlier pull-aways" in text
    assert "#7" in text


def test_terminal_names_from_the_export_show_control_characters() -> None:
    """A sender's name is untrusted like a message: in the story's header too."""
    renamed = {"Maya": "Ma\x1b[2Jya", "Leo": "Le\x1b]0;xo"}
    messages = simulate(seed=6, days=160).messages.with_columns(
        sender=pl.col("sender").replace(renamed)
    )
    analysis = analyze(messages, me=renamed["Maya"])
    out = StringIO()
    console = Console(file=out, width=200, _environ={}, color_system=None)
    render_analysis(analysis, console)
    text = out.getvalue()
    assert "\x1b" not in text
    assert "you are Ma␛[2Jya, with Le␛]0;xo" in text
