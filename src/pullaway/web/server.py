"""``serve()``: run the app on 127.0.0.1 with a fresh secret, and open the browser."""

from __future__ import annotations

import secrets
import socket
import sys
import webbrowser
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

LOOPBACK = "127.0.0.1"


def app_url(host: str, port: int, secret: str) -> str:
    """
    >>> app_url("127.0.0.1", 8000, "abc")
    'http://127.0.0.1:8000/s/abc/'
    """
    return f"http://{host}:{port}/s/{secret}/"


def serve(
    store_path: Path | None,
    *,
    port: int | None,
    open_browser: bool,
    host: str = LOOPBACK,
) -> None:
    """Open the store, print the app's address (with its secret) first, and serve until Ctrl-C.

    Only loopback is allowed: the app holds private chats and must not be reachable from the
    network. The socket is bound before the address is printed, so the URL works at once.
    """
    import uvicorn

    from pullaway.report.plain import say_notes
    from pullaway.store.db import Store
    from pullaway.web.app import create_app

    if host != LOOPBACK:
        msg = f"pullaway app listens on {LOOPBACK} only, not {host!r}"
        raise ValueError(msg)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port or 0))
    sock.listen(128)  # connections queue from now on, so the printed URL works at once
    bound = int(sock.getsockname()[1])
    secret = secrets.token_urlsafe(24)
    url = app_url(host, bound, secret)
    store = Store.open(store_path)
    try:
        say_notes(store.notes)
        print(url, flush=True)
        print(
            "pullaway is running on this computer only; keep this address private. "
            "Press Ctrl-C to stop.",
            file=sys.stderr,
            flush=True,
        )
        if open_browser:
            webbrowser.open(url)
        config = uvicorn.Config(
            create_app(store, secret, warm=True),
            log_level="warning",
            access_log=False,
            server_header=False,
            proxy_headers=False,
            lifespan="off",
        )
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
        store.close()
