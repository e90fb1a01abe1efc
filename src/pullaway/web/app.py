"""The local web app: ``create_app(store, secret)``.

Every page has a ``.json`` twin built by the same view function (as in datasette). All
URLs live under ``/s/<secret>/``; see :mod:`pullaway.web.security` for the locks.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from fastapi import FastAPI
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.staticfiles import StaticFiles

from pullaway.analysis.signals import LANGUAGES
from pullaway.errors import ChatNotFoundError, PullawayError
from pullaway.importers._contacts import CONTACTS_FILES
from pullaway.importers._json import machine_timezone
from pullaway.importers._sqlite import COMPANIONS
from pullaway.report import views
from pullaway.report.tables import skipped_elsewhere_note
from pullaway.store.db import Store
from pullaway.web import companion
from pullaway.web.cache import AnalysisCache, AnalyzeChat, analyze_stored_chat
from pullaway.web.import_form import (
    DATE_ORDERS,
    ENCODINGS,
    ImportOptions,
    format_choices,
    in_app_words,
    read_import_options,
)
from pullaway.web.security import SecretGate, csrf_token, origin_ok, token_ok
from pullaway.web.settings_form import parse_settings_form, settings_fields
from pullaway.wording import arrows, counted

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from starlette.requests import Request

    from pullaway.analysis.result import Analysis
    from pullaway.ingest import FileImport
    from pullaway.store.db import ChatImport, ChatRow

logger = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
MAX_UPLOAD_FILES = 20
UPLOAD_SUFFIXES = (".txt", ".zip", ".json", ".xml", ".csv", ".db")
COMPANION_SUFFIXES = ("-wal", "-shm")
"""A SQLite file's companions (iMessage's ``chat.db-wal``): uploaded with it, saved beside it."""
# Contacts databases uploaded with a ``.db`` (chat.db): saved beside it, to name its handles.
_CONTACTS_UPLOADS = frozenset(c + s for c in CONTACTS_FILES for s in COMPANIONS)
SKIPPED_EXAMPLES = 5
STREAK_LOOKBACK_DAYS = 365  # the journal reads this much of the chat's end for its streak
LANGUAGE_NAMES = {
    "en": "English",
    "es": "Spanish",
    "pt": "Portuguese",
    "de": "German",
    "fr": "French",
}


def make_env() -> Environment:
    """The one Jinja environment: autoescape on for every template, strict undefined."""
    from jinja2 import StrictUndefined

    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["hold_labels"] = companion.HOLD_LABELS
    env.filters["num"] = views.fmt_count
    env.filters["counted"] = counted
    return env


class NeedsMe(PullawayError):
    """The chat has no 'me' yet: the analysis needs to know who is who."""


@dataclass
class AppState:
    store: Store
    secret: str
    cache: AnalysisCache
    env: Environment
    clock: Callable[[], datetime]
    warm: bool = False
    base: str = field(init=False)

    def __post_init__(self) -> None:
        self.base = f"/s/{self.secret}"

    def url(self, path: str) -> str:
        return self.base + path

    def links(self, chat_id: str) -> views.Links:
        return views.Links(episode=lambda n: self.url(f"/chats/{chat_id}/episodes/{n}"))


def create_app(
    store: Store,
    secret: str,
    *,
    analyze_chat: AnalyzeChat = analyze_stored_chat,
    clock: Callable[[], datetime] | None = None,
    warm: bool = False,
) -> FastAPI:
    """The app for one store and one launch secret.

    ``analyze_chat`` and ``clock`` are injectable for tests; by default the chat is analysed
    with ``pullaway.analysis.analyze`` and its saved settings, and cached per chat. With
    ``warm``, chats are analysed in a background thread at start, after an import and after
    choosing "me", so big chats are ready when their pages open.
    """
    if len(secret) < 16 or not secret.replace("-", "").replace("_", "").isalnum():
        msg = "the launch secret must be at least 16 URL-safe characters"
        raise ValueError(msg)
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    now = clock or _local_now
    state = AppState(store, secret, AnalysisCache(store, analyze_chat), make_env(), now, warm)
    if warm:
        for row in store.chats():
            if row.me:
                state.cache.warm(row.chat_id)
    app.state.pullaway = state
    _add_pages(app, state)
    app.mount(state.url("/static"), StaticFiles(directory=STATIC), name="static")
    app.add_exception_handler(PullawayError, _pullaway_error(state))
    app.add_exception_handler(HTTPException, _http_error(state))
    app.add_middleware(SecretGate, secret=secret)
    return app


def _local_now() -> datetime:
    return datetime.now().astimezone()


# ---------------------------------------------------------------- rendering


def _wants_json(request: Request) -> bool:
    return request.url.path.endswith(".json")


def render(
    state: AppState, request: Request, template: str, data: dict[str, Any], status: int = 200
) -> HTMLResponse:
    chart = data.get("chart")
    context = {
        "base": state.base,
        "csrf": csrf_token(state.secret),
        "data": data,
        "chart_json": Markup(views.safe_json(chart)) if chart is not None else None,
        "path": request.url.path,
        "report": False,
    }
    html = state.env.get_template(template).render(**context)
    return HTMLResponse(html, status_code=status)


def _page(
    app: FastAPI,
    state: AppState,
    path: str,
    template: str,
    view: Callable[[Request], Awaitable[dict[str, Any] | Response]],
    methods: tuple[str, ...] = ("GET",),
) -> None:
    """Register ``path`` (HTML) and ``path.json`` (its twin) for one view function."""

    async def as_html(request: Request) -> Response:
        result = await _guarded(state, request, view)
        if isinstance(result, Response):
            return result
        return render(state, request, template, result)

    async def as_json(request: Request) -> Response:
        result = await _guarded(state, request, view)
        if isinstance(result, Response):
            location = result.headers.get("location", "")
            return JSONResponse({"ok": True, "location": location})
        return JSONResponse(_jsonable(result))

    json_path = (path.rstrip("/") or "/index") + ".json"
    app.add_route(state.url(json_path), as_json, methods=list(methods))
    app.add_route(state.url(path), as_html, methods=list(methods))


async def _guarded(
    state: AppState,
    request: Request,
    view: Callable[[Request], Awaitable[dict[str, Any] | Response]],
) -> dict[str, Any] | Response:
    try:
        if request.method == "POST":
            await _check_csrf(state, request)
        return await view(request)
    except NeedsMe:
        chat_id = request.path_params.get("chat_id")
        if _wants_json(request):
            raise
        return RedirectResponse(state.url(f"/chats/{chat_id}/settings#who"), status_code=303)
    except (PullawayError, HTTPException):
        raise
    except Exception:
        # A bug, not bad input: log it for the terminal, show one calm line in the page.
        logger.exception("error while serving %s", request.url.path.replace(state.base, ""))
        msg = "something went wrong inside pullaway; the details are in the terminal"
        return _error_response(state, request, 500, msg)
    finally:
        await request.close()  # closes uploaded files spooled by the form parser


async def _check_csrf(state: AppState, request: Request) -> None:
    headers = request.headers
    if headers.get("sec-fetch-site") not in (None, "same-origin", "none"):
        raise HTTPException(403, "cross-site request refused")
    if not origin_ok(headers.get("origin"), headers.get("host"), headers.get("sec-fetch-site")):
        raise HTTPException(403, "request from another origin refused")
    form = await request.form(max_files=MAX_UPLOAD_FILES)
    token = form.get("csrf")
    token = token if isinstance(token, str) else headers.get("x-csrf-token")
    if not token_ok(state.secret, token):
        raise HTTPException(403, "missing or wrong form token; reload the page and try again")


def _jsonable(data: Any) -> Any:
    if isinstance(data, dict):
        return {str(k): _jsonable(v) for k, v in data.items() if k != "chart" or v is not None}
    if isinstance(data, list | tuple):
        return [_jsonable(v) for v in data]
    if isinstance(data, datetime | date):
        return data.isoformat()
    return data


def _error_response(state: AppState, request: Request, status: int, message: str) -> Response:
    if _wants_json(request) or "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"error": message}, status_code=status)
    data = {"title": "Error", "status": status, "message": message}
    return render(state, request, "error.html", data, status)


def _pullaway_error(state: AppState) -> Callable[[Request, Exception], Response]:
    def handler(request: Request, exc: Exception) -> Response:
        status = 404 if isinstance(exc, ChatNotFoundError) else 400
        if isinstance(exc, NeedsMe):
            status = 409
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return _error_response(state, request, status, message)

    return handler


def _http_error(state: AppState) -> Callable[[Request, Exception], Response]:
    def handler(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        detail = exc.detail if exc.status_code != 404 else "There is no such page."
        return _error_response(state, request, exc.status_code, str(detail))

    return handler


# ---------------------------------------------------------------- helpers


def _chat_row(state: AppState, request: Request) -> ChatRow:
    return state.store.chat(str(request.path_params["chat_id"]))


def _analysis(state: AppState, request: Request) -> tuple[ChatRow, Analysis]:
    row = _chat_row(state, request)
    if not row.me:
        msg = f"choose who you are in {row.name!r} first (Settings → who is who)"
        raise NeedsMe(msg)
    return row, state.cache.get(row.chat_id)


def _chat_nav(state: AppState, row: ChatRow, active: str) -> dict[str, Any]:
    cid = row.chat_id
    tabs = [
        ("now", "Now"),
        ("timeline", "Timeline"),
        ("compare", "Compare"),
        ("journal", "Journal"),
        ("draft", "Draft check"),
        ("settings", "Settings"),
    ]
    return {
        "id": cid,
        "name": row.name,
        "active": active,
        "tabs": [
            {"key": k, "label": label, "href": state.url(f"/chats/{cid}/{k}")} for k, label in tabs
        ],
    }


def _chat_row_view(row: ChatRow) -> dict[str, Any]:
    return {
        "chat_id": row.chat_id,
        "name": row.name,
        "format": row.format,
        "me": row.me,
        "them": row.them,
        "messages": row.messages,
        "first": views.fmt_day(row.first),
        "last": views.fmt_day(row.last),
        "me_guess": row.me_guess,
        "merged": [{"format": f, "name": n} for f, n in row.merged],
    }


def _who_is_who(form: dict[str, str], theirs: list[str]) -> dict[str, str]:
    """The merge form's answers: the other chat's sender ``sender-N`` (its N-th, most
    messages first) is the name chosen for it; each must be answered."""
    senders = {}
    for index, name in enumerate(theirs):
        chosen = form.get(f"sender-{index}", "").strip()
        if not chosen:
            msg = f"say who {name!r} is in this chat (or keep the name)"
            raise PullawayError(msg)
        senders[name] = chosen
    return senders


def _new_sender_names(form: dict[str, str]) -> dict[str, str]:
    """The rename form's senders whose name changed: ``was-N`` (the name the page showed)
    to ``sender-N`` (the name typed)."""
    names = {}
    index = 0
    while f"was-{index}" in form:
        old, new = form[f"was-{index}"], form.get(f"sender-{index}", "").strip()
        if new != old:
            names[old] = new
        index += 1
    return names


async def _form(request: Request) -> dict[str, str]:
    form = await request.form(max_files=MAX_UPLOAD_FILES)
    return {k: v for k, v in form.items() if isinstance(v, str)}


def _int_field(form: dict[str, str], name: str, low: int, high: int) -> int:
    raw = form.get(name, "").strip()
    if not raw.lstrip("-").isdigit() or not low <= int(raw) <= high:
        msg = f"{name}: expected a whole number from {low} to {high}, got {raw!r}"
        raise PullawayError(msg)
    return int(raw)


# ---------------------------------------------------------------- pages


def _add_pages(app: FastAPI, state: AppState) -> None:
    store = state.store

    async def home(request: Request) -> dict[str, Any]:
        return {"title": "Your chats", "chats": [_chat_row_view(r) for r in store.chats()]}

    async def import_page(request: Request) -> dict[str, Any] | Response:
        data: dict[str, Any] = {"title": "Import a chat", "imports": [], "errors": []}
        data["zones"] = _zone_names()
        data["computer_zone"] = machine_timezone() or ""
        data |= {"date_orders": DATE_ORDERS, "encodings": ENCODINGS, "formats": format_choices()}
        data["options"] = dict.fromkeys(("path", *_OPTION_FIELDS), "") | {"open": False}
        if request.method == "POST":
            form = await request.form(max_files=MAX_UPLOAD_FILES)
            uploads = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
            local = _text_field(form.get("path"))
            fields = {name: _text_field(form.get(name)) for name in _OPTION_FIELDS}
            options = read_import_options(fields)
            data["options"] = fields | {"path": local, "open": options.chosen() or bool(local)}
            if not uploads and not local:
                msg = (
                    "no file received: choose or drop one or more chat exports, or give the "
                    "path of one on this computer"
                )
                raise PullawayError(msg)
            companions = _companions(uploads)
            taken = {id(c.upload) for found in companions.values() for c in found}
            for upload in uploads:
                if id(upload) in taken:
                    continue
                beside = companions.get(upload.filename or "", [])
                found = await _import_upload(state, upload, data["errors"], beside, options)
                data["imports"] += found
            if local:
                data["imports"] += _import_local(state, local, data["errors"], options)
        return data

    async def chat_home(request: Request) -> Response:
        row = _chat_row(state, request)
        target = "now" if row.me else "settings"
        return RedirectResponse(state.url(f"/chats/{row.chat_id}/{target}"), status_code=303)

    async def now(request: Request) -> dict[str, Any]:
        row, analysis = _analysis(state, request)
        data = views.now_view(analysis, state.links(row.chat_id))
        data.update(title=f"Now · {row.name}", nav=_chat_nav(state, row, "now"))
        data["chart"] = {"kind": "returns", "curve": data["curve"], "today": data["days"]}
        return data

    async def timeline(request: Request) -> dict[str, Any]:
        row, analysis = _analysis(state, request)
        links = state.links(row.chat_id)
        return {
            "title": f"Timeline · {row.name}",
            "nav": _chat_nav(state, row, "timeline"),
            "chat": views.chat_view(analysis),
            "episodes": [views.episode_row(e, links) for e in analysis.episodes],
            "chart": {"kind": "timeline", **views.timeline_data(analysis, links)},
            "alternatives": views.ALTERNATIVES,
        }

    async def episode(request: Request) -> dict[str, Any]:
        row, analysis = _analysis(state, request)
        number = int(request.path_params["number"])
        data = views.episode_view(analysis, number, state.links(row.chat_id))
        if data is None:
            raise HTTPException(404)
        data.update(title=f"Episode {number} · {row.name}", nav=_chat_nav(state, row, "timeline"))
        return data

    async def compare(request: Request) -> dict[str, Any]:
        row, analysis = _analysis(state, request)
        data = views.compare_view(analysis, state.links(row.chat_id))
        data.update(title=f"Compare · {row.name}", nav=_chat_nav(state, row, "compare"))
        data["chart"] = {
            "kind": "compare",
            "groups": [g for g in data["groups"] if g["episodes"] > 0],
        }
        return data

    async def journal(request: Request) -> dict[str, Any] | Response:
        row = _chat_row(state, request)
        today = state.clock().date()
        if request.method == "POST":
            form = await _form(request)
            day = _day_field(form.get("day", ""), today)
            store.add_journal_entry(
                row.chat_id,
                day=day,
                mood=_int_field(form, "mood", 1, 5),
                urge=_int_field(form, "urge", 0, 10),
                self_care=form.get("self_care", "").strip()[:2000],
                note=form.get("note", "").strip()[:10000],
            )
            return RedirectResponse(state.url(f"/chats/{row.chat_id}/journal"), status_code=303)
        entries = store.journal(row.chat_id)
        since = row.last - timedelta(days=STREAK_LOOKBACK_DAYS) if row.last else None
        messages = store.messages(row.chat_id, since=since)
        me = row.me or ""
        streak = companion.streak(messages, entries, me=me, today=today)
        chart = companion.journal_chart(messages, entries, me=me, today=today)
        rows = entries.sort("day", descending=True).to_dicts() if entries.height else []
        return {
            "title": f"Journal · {row.name}",
            "nav": _chat_nav(state, row, "journal"),
            "today": today.isoformat(),
            "has_me": bool(row.me),
            "streak": streak.to_json(),
            "streak_as_of": views.fmt_day(streak.as_of),
            "streak_last": views.fmt_day(streak.last_follow_up),
            "entries": [
                {**r, "day_label": views.fmt_day(r["day"]), "day": r["day"].isoformat()}
                for r in rows
            ],
            "chart": {"kind": "journal", **chart},
        }

    async def draft(request: Request) -> dict[str, Any]:
        row = _chat_row(state, request)
        check = None
        if request.method == "POST":
            form = await _form(request)
            text = form.get("text", "").strip()
            if not text:
                msg = "paste the message you want to send, then press Check"
                raise PullawayError(msg)
            if not row.me:
                msg_0 = "choose who you are in this chat first (Settings)"
                raise NeedsMe(msg_0)
            check = _check_draft(state, row, text[:5000]).to_json()
        return {
            "title": f"Draft check · {row.name}",
            "nav": _chat_nav(state, row, "draft"),
            "check": check,
            "held": _held(state, row),
            "crisis_resources": _crisis_resources(state, row) if check and check["crisis"] else [],
        }

    async def hold(request: Request) -> Response:
        row = _chat_row(state, request)
        form = await _form(request)
        text = form.get("text", "").strip()[:5000]
        if not text:
            msg = "nothing to hold: the draft is empty"
            raise PullawayError(msg)
        until = companion.hold_until(form.get("hold", "1h"), now=state.clock())
        check = _check_draft(state, row, text) if row.me else None
        store.hold_draft(
            row.chat_id,
            text=text,
            verdict=check.verdict if check else "fine",
            reason=" ".join(check.reasons) if check else "",
            hold_until=until,
        )
        return RedirectResponse(state.url(f"/chats/{row.chat_id}/draft#held"), status_code=303)

    async def draft_action(request: Request) -> Response:
        row = _chat_row(state, request)
        draft_id = int(request.path_params["draft_id"])
        if request.path_params["action"] == "release":
            store.release_draft(row.chat_id, draft_id)
        else:
            store.delete_draft(row.chat_id, draft_id)
        return RedirectResponse(state.url(f"/chats/{row.chat_id}/draft#held"), status_code=303)

    async def settings(request: Request) -> dict[str, Any] | Response:
        row = _chat_row(state, request)
        if request.method == "POST":
            form = await _form(request)
            values = parse_settings_form(form)
            raw = await request.form()
            chosen = [c for c in LANGUAGES if c in raw.getlist("languages")]
            if chosen and len(chosen) < len(LANGUAGES):
                values["languages"] = chosen
            store.set_settings(row.chat_id, values)
            state.cache.forget(row.chat_id)
            return RedirectResponse(
                state.url(f"/chats/{row.chat_id}/settings?saved=1"), status_code=303
            )
        saved = store.settings(row.chat_id)
        chosen_languages = saved.get("languages") or list(LANGUAGES)
        return {
            "title": f"Settings · {row.name}",
            "nav": _chat_nav(state, row, "settings"),
            "chat": _chat_row_view(row),
            "senders": [{"name": n, "messages": c} for n, c in store.senders(row.chat_id)],
            "fields": settings_fields(saved),
            "languages": [
                {"code": c, "name": LANGUAGE_NAMES.get(c, c), "checked": c in chosen_languages}
                for c in LANGUAGES
            ],
            "saved": request.query_params.get("saved") == "1",
            "merged": request.query_params.get("merged"),
            "renamed": request.query_params.get("renamed"),
            "others": [
                _chat_row_view(other) for other in store.chats() if other.chat_id != row.chat_id
            ],
        }

    async def merge(request: Request) -> dict[str, Any] | Response:
        row = _chat_row(state, request)
        form = await _form(request) if request.method == "POST" else {}
        other = store.chat(form.get("other") or request.query_params.get("other") or "")
        theirs, suggested = store.merge_suggestion(row.chat_id, other.chat_id)
        if request.method == "POST":
            senders = _who_is_who(form, theirs)
            done = store.merge(row.chat_id, other.chat_id, senders=senders)
            for chat_id in (row.chat_id, other.chat_id):
                state.cache.forget(chat_id)
            query = urlencode({"merged": f"{done.merged} ({done.added:,} new messages)"})
            return RedirectResponse(
                state.url(f"/chats/{row.chat_id}/settings?{query}#merge"), status_code=303
            )
        ours = [name for name, _ in store.senders(row.chat_id)]
        return {
            "title": f"Merge · {row.name}",
            "nav": _chat_nav(state, row, "settings"),
            "chat": _chat_row_view(row),
            "other": _chat_row_view(other),
            "senders": [
                {"index": i, "name": name, "choice": suggested.get(name, name), "options": ours}
                for i, name in enumerate(theirs)
            ],
        }

    async def rename(request: Request) -> Response:
        row = _chat_row(state, request)
        form = await _form(request)
        name, senders = form.get("name", "").strip(), _new_sender_names(form)
        settings = f"/chats/{row.chat_id}/settings"
        if name == row.name and not senders:
            return RedirectResponse(state.url(settings + "#names"), status_code=303)
        done = store.rename(row.chat_id, name, senders=senders)
        state.cache.forget(row.chat_id)
        changes = [(done.was, done.name)] if done.name != done.was else []
        query = urlencode({"renamed": arrows([*changes, *done.senders.items()])})
        return RedirectResponse(state.url(f"{settings}?{query}#names"), status_code=303)

    async def set_me(request: Request) -> Response:
        row = _chat_row(state, request)
        form = await _form(request)
        me = form.get("me", "")
        names = {n for n, _ in store.senders(row.chat_id)}
        if me not in names:
            msg = f"{me!r} is not a sender in {row.name!r}; choose one of the names listed"
            raise PullawayError(msg)
        store.set_me(row.chat_id, me)
        state.cache.forget(row.chat_id)
        if state.warm:
            state.cache.warm(row.chat_id)
        return RedirectResponse(state.url(f"/chats/{row.chat_id}/now"), status_code=303)

    async def delete(request: Request) -> Response:
        row = _chat_row(state, request)
        form = await _form(request)
        if form.get("confirm") != "yes":
            msg = "tick the box to confirm that the chat and everything from it should be deleted"
            raise PullawayError(msg)
        store.delete_chat(row.chat_id)
        state.cache.forget(row.chat_id)
        return RedirectResponse(state.url("/?deleted=1"), status_code=303)

    chat = "/chats/{chat_id}"
    _page(app, state, "/", "home.html", home)
    _page(app, state, "/import", "import.html", import_page, ("GET", "POST"))
    _page(app, state, chat + "/now", "now.html", now)
    _page(app, state, chat + "/timeline", "timeline.html", timeline)
    _page(app, state, chat + "/episodes/{number:int}", "episode.html", episode)
    _page(app, state, chat + "/compare", "compare.html", compare)
    _page(app, state, chat + "/journal", "journal.html", journal, ("GET", "POST"))
    _page(app, state, chat + "/draft", "draft.html", draft, ("GET", "POST"))
    _page(app, state, chat + "/settings", "settings.html", settings, ("GET", "POST"))
    _page(app, state, chat + "/draft/hold", "draft.html", hold, ("POST",))
    _page(
        app,
        state,
        chat + "/draft/{draft_id:int}/{action:str}",
        "draft.html",
        _only_actions(draft_action, {"release", "delete"}),
        ("POST",),
    )
    _page(app, state, chat + "/me", "settings.html", set_me, ("POST",))
    _page(app, state, chat + "/delete", "settings.html", delete, ("POST",))
    _page(app, state, chat + "/merge", "merge.html", merge, ("GET", "POST"))
    _page(app, state, chat + "/rename", "settings.html", rename, ("POST",))
    _page(app, state, chat, "now.html", chat_home)


def _only_actions(
    view: Callable[[Request], Awaitable[Response]], allowed: set[str]
) -> Callable[[Request], Awaitable[Response]]:
    async def guarded(request: Request) -> Response:
        if request.path_params["action"].removesuffix(".json") not in allowed:
            raise HTTPException(404)
        return await view(request)

    return guarded


def _day_field(raw: str, today: date) -> date:
    if not raw.strip():
        return today
    try:
        day = date.fromisoformat(raw.strip())
    except ValueError as exc:
        msg = f"day: expected a date like {today.isoformat()}, got {raw!r}"
        raise PullawayError(msg) from exc
    if day > today:
        msg = f"day: {day.isoformat()} is in the future; check in for today or an earlier day"
        raise PullawayError(msg)
    return day


def _check_draft(state: AppState, row: ChatRow, text: str) -> companion.DraftCheck:
    from pullaway.analysis.signals import matches

    since = row.last - timedelta(days=30) if row.last else None
    messages = state.store.messages(row.chat_id, since=since)
    languages = state.store.settings(row.chat_id).get("languages") or None

    def match(text: str, category: str) -> bool:
        return matches(text, category, languages=languages)

    return companion.check_draft(text, messages, me=row.me or "", matches=match)


def _held(state: AppState, row: ChatRow) -> list[dict[str, Any]]:
    frame = state.store.drafts(row.chat_id)
    now = state.clock()
    held = []
    for d in frame.sort("held_at", descending=True).to_dicts() if frame.height else []:
        status = (
            "released"
            if d.get("released_at")
            else ("waiting" if d["hold_until"] > now else "ready")
        )
        held.append(
            {
                "id": d["id"],
                "text": d["text"],
                "verdict": d["verdict"],
                "verdict_text": companion.VERDICT_TEXT.get(d["verdict"], d["verdict"]),
                "reason": d["reason"],
                "held_at": views.fmt_when(d["held_at"].astimezone(now.tzinfo)),
                "hold_until": views.fmt_when(d["hold_until"].astimezone(now.tzinfo)),
                "status": status,
            }
        )
    return held


def _crisis_resources(state: AppState, row: ChatRow) -> list[dict[str, Any]]:
    try:
        analysis = state.cache.get(row.chat_id)
    except PullawayError:
        return []
    return [r.to_json() for r in analysis.safety.resources]


def _text_field(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


_OPTION_FIELDS: tuple[str, ...] = ("chat", "timezone", "date_order", "encoding", "format")
"""The import form's option fields (``read_import_options``)."""


@lru_cache(maxsize=1)
def _zone_names() -> tuple[str, ...]:
    """The IANA time zones to offer on the import page (Polars and Python both know them)."""
    return ("UTC", *sorted(z for z in zoneinfo.available_timezones() if "/" in z))


def _import_local(
    state: AppState, raw: str, errors: list[dict[str, str]], options: ImportOptions
) -> list[dict[str, Any]]:
    """Import a file or folder on this computer, given by its path (an iPhone backup folder,
    a large export, ``~/Library/Messages/chat.db`` in place): read where it is, no copy."""
    from pullaway.ingest import import_file

    path = Path(raw).expanduser()
    if not path.exists():
        errors.append({"file": raw, "error": "no such file or folder on this computer"})
        return []
    try:
        done = import_file(state.store, path, **options.as_kwargs())
    except PullawayError as exc:
        errors.append({"file": path.name or raw, "error": in_app_words(str(exc))})
        return []
    return _imported_views(state, path.name or raw, done)


def _imported_views(state: AppState, name: str, done: FileImport) -> list[dict[str, Any]]:
    """The import page's account of ``done``; the analyses of its chats start afresh."""
    for ci in done.chats:
        state.cache.forget(ci.chat_id)
        if state.warm and ci.me:
            state.cache.warm(ci.chat_id)
    # The file's notes are the same for each of its chats: worded once, not once a chat.
    file_notes = [in_app_words(note) for note in _file_notes(done)]
    return [_chat_import_view(state, name, done, ci, file_notes) for ci in done.chats]


async def _import_upload(
    state: AppState,
    upload: UploadFile,
    errors: list[dict[str, str]],
    companions: list[_Companion] | None = None,
    options: ImportOptions | None = None,
) -> list[dict[str, Any]]:
    """Save one upload (and its ``companions``, each under the name it is paired with) to a
    private temp dir, sniff, parse and store it; report what happened."""
    from pullaway.ingest import import_file

    name = _safe_filename(upload.filename or "export.txt")
    folder = Path(tempfile.mkdtemp(prefix="pullaway-upload-"))  # mode 0700
    try:
        path = folder / name
        await _save(upload, path)
        for companion in companions or []:
            await _save(companion.upload, companion.beside(path))
        try:
            shown = Path(_shown_name(upload, name))
            kwargs = (options or ImportOptions()).as_kwargs()
            done = import_file(state.store, path, shown_as=shown, **kwargs)
        except PullawayError as exc:
            error = in_app_words(str(exc).replace(str(folder) + "/", ""))
            errors.append({"file": name, "error": error})
            return []
        return _imported_views(state, name, done)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


async def _save(upload: UploadFile, path: Path) -> None:
    with path.open("wb") as out:
        while chunk := await upload.read(1 << 20):
            out.write(chunk)


@dataclass(frozen=True)
class _Companion:
    """An upload that goes with another: saved beside it, under the other's name and
    ``suffix`` (``chat.db-wal``), or under ``name`` (a Contacts database)."""

    upload: UploadFile
    suffix: str = ""
    name: str = ""

    def beside(self, path: Path) -> Path:
        """Where to save it, next to ``path``, the upload it goes with."""
        return path.with_name(self.name or path.name + self.suffix)


def _companions(uploads: list[UploadFile]) -> dict[str, list[_Companion]]:
    """The uploads that go with another upload, by the name of the file they belong to: a
    SQLite file's ``-wal`` and ``-shm`` (``chat.db-wal`` for ``chat.db``), and Contacts
    databases (with theirs), which go with every ``.db``.

    >>> names = ("chat.db", "chat.db-wal", "a-shm", "AddressBook-v22.abcddb")
    >>> files = [UploadFile(None, filename=n) for n in names]
    >>> {k: [c.beside(Path(k)).name for c in v] for k, v in _companions(files).items()}
    {'chat.db': ['chat.db-wal', 'AddressBook-v22.abcddb']}
    """
    names = {u.filename for u in uploads if u.filename}
    databases = [n for n in names if n.lower().endswith(".db")]
    found: dict[str, list[_Companion]] = {}
    for upload in uploads:
        name = upload.filename or ""
        for suffix in COMPANION_SUFFIXES:
            owner = name.removesuffix(suffix)
            if name.endswith(suffix) and owner in names and owner not in CONTACTS_FILES:
                found.setdefault(owner, []).append(_Companion(upload, suffix=suffix))
        if name in _CONTACTS_UPLOADS:  # a fixed name: safe to save as it is
            for database in databases:
                found.setdefault(database, []).append(_Companion(upload, name=name))
    return found


def _chat_import_view(
    state: AppState, file: str, done: FileImport, ci: ChatImport, file_notes: list[str]
) -> dict[str, Any]:
    """What one chat of the file ``done`` (saved as ``file``) gained, for the import page;
    ``file_notes``: how the file was read (``_file_notes``, in the page's words)."""
    senders = state.store.senders(ci.chat_id)
    row = state.store.chat(ci.chat_id)
    guess = ci.me or row.me or row.me_guess
    return {
        "file": file,
        "format": done.importer,
        "chat_id": ci.chat_id,
        "name": ci.name,
        "messages": ci.messages,
        "added": ci.added,
        "skipped": ci.skipped,
        "unit": done.result.unit,
        "already_imported": ci.already_imported,
        "skipped_examples": [
            {"line": s.line, "reason": in_app_words(s.reason), "text": s.text}
            for s in ci.skipped_examples[:SKIPPED_EXAMPLES]
        ],
        "senders": [{"name": n, "messages": c} for n, c in senders],
        "guess": guess,
        "me": row.me,
        "chat_notes": [in_app_words(note) for note in ci.notes],
        "file_notes": file_notes,
        "merge_candidates": [
            {"chat_id": other.chat_id, "name": other.name, "format": other.format}
            for other in map(state.store.chat, ci.merge_candidates)
        ],
    }


def _file_notes(done: FileImport) -> list[str]:
    """How the file was read, and its skipped records in none of its chats, if any."""
    elsewhere = skipped_elsewhere_note(done)
    return [*done.result.notes, *([elsewhere] if elsewhere else [])]


def _shown_name(upload: UploadFile, saved_as: str) -> str:
    r"""The upload's own base name, printable characters only, to record as its source.

    >>> _shown_name(UploadFile(None, filename="C:\\Users\\me\\WhatsApp Chat.zip"), "x")
    'WhatsApp Chat.zip'
    """
    base = (upload.filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(c for c in base if c.isprintable()).strip() or saved_as


def _safe_filename(raw: str) -> str:
    """The upload's base name with only safe characters, keeping a known extension.

    >>> _safe_filename("../../etc/WhatsApp Chat with Sam.txt")
    'WhatsApp_Chat_with_Sam.txt'
    """
    base = raw.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(c if c.isalnum() or c in "-_." else "_" for c in base).strip("._")
    stem, dot, ext = cleaned.rpartition(".")
    if not dot or f".{ext.lower()}" not in UPLOAD_SUFFIXES:
        return (cleaned or "export")[:100] + ".upload"
    return f"{stem[:100] or 'export'}.{ext.lower()}"
