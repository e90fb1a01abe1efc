"""Analyses kept in memory per chat, so pages don't re-analyse on every request."""

from __future__ import annotations

import json
import logging
import threading
from typing import TYPE_CHECKING, Any, Protocol

from pullaway.errors import PullawayError

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from pullaway.analysis.result import Analysis
    from pullaway.store import Store


class AnalyzeChat(Protocol):
    """Analyse one stored chat: the default reads its messages and settings from the store."""

    def __call__(self, store: Store, chat_id: str) -> Analysis: ...


def analyze_stored_chat(store: Store, chat_id: str) -> Analysis:
    from pullaway.analysis import analyze
    from pullaway.web.settings_form import settings_object

    row = store.chat(chat_id)
    if not row.me:
        msg = f"choose who you are in {row.name!r} first (Settings → who is who)"
        raise PullawayError(msg)
    settings = settings_object(store.settings(row.chat_id))
    return analyze(store.messages(row.chat_id), me=row.me, settings=settings)


class AnalysisCache:
    """One Analysis per chat, recomputed when the chat's messages, names, 'me' or settings
    change (also when another process, the CLI say, changed them)."""

    def __init__(self, store: Store, analyze: AnalyzeChat = analyze_stored_chat) -> None:
        self.store = store
        self.analyze = analyze
        self._lock = threading.Lock()
        self._entries: dict[Any, tuple[str, Analysis]] = {}

    def key(self, chat_id: str) -> str:
        row = self.store.chat(chat_id)
        settings = self.store.settings(row.chat_id)
        shown = [row.messages, str(row.first), str(row.last), row.name, row.me, row.them]
        return json.dumps([*shown, settings], sort_keys=True, default=str)

    def get(self, chat_id: str) -> Analysis:
        with self._lock:
            key = self.key(chat_id)
            hit = self._entries.get(chat_id)
            if hit is not None and hit[0] == key:
                return hit[1]
            analysis = self.analyze(self.store, chat_id)
            self._entries[chat_id] = (key, analysis)
            return analysis

    def warm(self, chat_id: str) -> None:
        """Analyse in a background thread, so the first page of a big chat is ready sooner."""

        def run() -> None:
            try:
                self.get(chat_id)
            except PullawayError:
                pass  # the page will show the reason when it is opened
            except Exception:
                logger.exception("analysing chat %s in the background failed", chat_id)

        threading.Thread(target=run, name=f"pullaway-warm-{chat_id}", daemon=True).start()

    def forget(self, chat_id: str) -> None:
        with self._lock:
            self._entries.pop(chat_id, None)
