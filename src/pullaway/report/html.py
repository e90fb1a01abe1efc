"""The offline report: one self-contained HTML file with Now, Timeline, Episodes and Compare.

It uses the app's own templates, stylesheet and chart script (read from ``pullaway/web``'s
data folders, not imported), inlines them, and pins them with a Content-Security-Policy
that allows exactly those inline blocks (by hash) and no network at all.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from pullaway import __version__
from pullaway.report import views
from pullaway.wording import counted

if TYPE_CHECKING:
    from pullaway.analysis.result import Analysis

WEB = Path(__file__).resolve().parent.parent / "web"
TEMPLATES = WEB / "templates"
STATIC = WEB / "static"


def _sha256(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def report_csp(css: str, js: str) -> str:
    """No network, no other script or style than the two inline blocks, by hash."""
    return (
        f"default-src 'none'; style-src {_sha256(css)}; script-src {_sha256(js)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )


def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = views.fmt_count
    env.filters["counted"] = counted
    return env


def render_report(analysis: Analysis) -> str:
    """The whole report as one HTML string; message text is escaped everywhere."""
    links = views.report_links()
    css = (STATIC / "app.css").read_text(encoding="utf-8")
    js = (STATIC / "app.js").read_text(encoding="utf-8")
    now = views.now_view(analysis, links)
    timeline = {
        "chat": views.chat_view(analysis),
        "episodes": [views.episode_row(e, links) for e in analysis.episodes],
    }
    compare = views.compare_view(analysis, links)
    episodes = [views.episode_view(analysis, e.number, links) for e in analysis.episodes]
    charts = {
        "chart_now": {"kind": "returns", "curve": now["curve"], "today": now["days"]},
        "chart_timeline": {"kind": "timeline", **views.timeline_data(analysis, links)},
        "chart_compare": {
            "kind": "compare",
            "groups": [g for g in compare["groups"] if g["episodes"] > 0],
        },
    }
    return (
        _env()
        .get_template("report.html")
        .render(
            csp=report_csp(css, js),
            css=Markup(css),
            js=Markup(js),
            chat=views.chat_view(analysis),
            now=now,
            timeline=timeline,
            episodes=[e for e in episodes if e is not None],
            compare=compare,
            alternatives=views.ALTERNATIVES,
            version=__version__,
            report=True,
            base="",
            **{k: Markup(views.safe_json(v)) for k, v in charts.items()},
        )
    )
