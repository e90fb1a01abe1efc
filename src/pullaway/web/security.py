"""The app's locks: a per-launch secret in every path, CSRF tokens, strict headers.

Every URL lives under ``/s/<secret>/``; anything else gets 403 before it reaches a route,
static files included. POST requests must carry a token derived from the secret and come
from the app's own origin.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "object-src 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    (b"cache-control", b"no-store"),
)
LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")


def csrf_token(secret: str) -> str:
    """The token every form carries: an HMAC of a fixed label under the launch secret.

    >>> csrf_token("abc") == csrf_token("abc") != csrf_token("abd")
    True
    """
    return hmac.new(secret.encode(), b"pullaway-csrf-v1", hashlib.sha256).hexdigest()


def token_ok(secret: str, token: str | None) -> bool:
    return token is not None and hmac.compare_digest(token.encode(), csrf_token(secret).encode())


def host_ok(host: str | None) -> bool:
    """Only loopback names are accepted as Host, which blocks DNS rebinding.

    >>> host_ok("127.0.0.1:8000"), host_ok("evil.example:8000"), host_ok(None)
    (True, False, False)
    """
    if not host:
        return False
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    return name in LOCAL_HOSTS


def origin_ok(origin: str | None, host: str | None, fetch_site: str | None = None) -> bool:
    """A POST's Origin (when the browser sends one) must be this very server.

    Under ``Referrer-Policy: no-referrer`` Chromium sends ``Origin: null`` for its own form
    posts, so "null" passes only when the browser also says the request is same-origin.

    >>> origin_ok("http://127.0.0.1:5", "127.0.0.1:5"), origin_ok("http://evil", "127.0.0.1:5")
    (True, False)
    >>> origin_ok("null", "127.0.0.1:5", "same-origin"), origin_ok("null", "127.0.0.1:5", None)
    (True, False)
    """
    if origin is None:
        return True
    if origin == "null":
        return fetch_site == "same-origin"
    return urlsplit(origin).netloc == host


class SecretGate:
    """ASGI middleware: 403 unless the path starts with /s/<secret>/ and Host is loopback.

    Adds the security headers to every response, the 403s included.
    """

    def __init__(self, app: ASGIApp, *, secret: str) -> None:
        self.app = app
        self.prefix = f"/s/{secret}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0] not in _OURS]
                message["headers"] = [*headers, *SECURITY_HEADERS]
            await send(message)

        if not self._allowed(scope):
            await _forbidden(scope, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)

    def _allowed(self, scope: Scope) -> bool:
        path: str = scope.get("path", "")
        head, sep, _ = path.partition(self.prefix)
        in_gate = (
            head == ""
            and sep != ""
            and (path == self.prefix or path[len(self.prefix)] == "/")
            and hmac.compare_digest(path[: len(self.prefix)].encode(), self.prefix.encode())
        )
        headers = dict(scope.get("headers", []))
        host = headers.get(b"host", b"").decode("latin-1")
        return in_gate and host_ok(host)


_OURS = {name for name, _ in SECURITY_HEADERS}


async def _forbidden(scope: Scope, send: Any) -> None:
    wants_json = scope.get("path", "").endswith(".json")
    if wants_json:
        body = json.dumps({"error": "forbidden: this address needs the key printed at start"})
        kind = b"application/json"
    else:
        body = (
            "<!doctype html><title>403</title><p>Forbidden: open pullaway with the full "
            "address it printed when it started (it contains a secret key).</p>"
        )
        kind = b"text/html; charset=utf-8"
    data = body.encode()
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [(b"content-type", kind), (b"content-length", str(len(data)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": data})
