"""The review web server: stdlib ``ThreadingHTTPServer`` on 127.0.0.1, fixed routes only.

Safety, in the order a request meets it:

1. **Loopback only.** ``ReviewServer`` refuses to bind to anything but ``127.0.0.1``.
2. **Host header** must be ``127.0.0.1:PORT`` or ``localhost:PORT``, else 403: a page on another
   site that rebinds its DNS name to 127.0.0.1 still sends its own name (DNS-rebinding defence).
3. **Token.** Every request needs ``?token=`` with the session's ``secrets.token_urlsafe(16)``
   (compared in constant time), else 403. The page's script adds it to every URL it uses.
4. **Fixed routes.** A URL never names a file: ``/`` (the page), ``/static/<name>`` for the three
   assets shipped in the package (a whitelist), ``/media`` (the episode's media file, with HTTP
   ``Range`` for seeking), ``/captions.vtt``, ``/api/episode``, ``POST /api/save``,
   ``POST /api/glossary``. Anything else, ``../`` and ``%2e%2e`` included, is a 404; the path is
   never decoded or joined to a folder, so there is nothing to escape from.
5. **Writes** need ``Content-Type: application/json`` (a cross-site form cannot send it without a
   CORS preflight, which this server never grants) and, when the browser sends one, an ``Origin``
   equal to the page's own. Bodies are size-checked before they are read; a malformed body is a
   400 and nothing on disk changes (``session.parse_save_request``).

Responses carry a strict Content-Security-Policy (same-origin scripts, styles and media only; the
page loads nothing from the network), ``nosniff``, ``no-referrer`` and ``no-store``.
"""

from __future__ import annotations

import hmac
import json
import re
import secrets
import threading
import traceback
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from ..errors import UsageError
from .session import MAX_BODY_BYTES, RequestError, ReviewSession, parse_save_request

LOOPBACK = "127.0.0.1"
STATIC = {  # name -> content type; nothing else is ever served from the package
    "app.js": "text/javascript; charset=utf-8",
    "app.css": "text/css; charset=utf-8",
    "index.html": "text/html; charset=utf-8",
}
MEDIA_TYPES = {
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".mov": "video/quicktime",
    ".webm": "video/webm",
    ".mkv": "video/x-matroska",
    ".ogv": "video/ogg",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".aac": "audio/aac",
    ".wav": "audio/wav",
    ".flac": "audio/flac",
    ".ogg": "audio/ogg",
    ".opus": "audio/ogg",
}
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; media-src 'self'; "
    "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
CHUNK = 256 * 1024
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
_HUGE = 10**18  # bytes: beyond any media file; longer digit strings are read as this


def static_text(name: str) -> bytes:
    """One of the page's assets, from the installed package (works from a wheel too)."""
    return resources.files("gztranscribe.review").joinpath("static", name).read_bytes()


class ReviewServer(ThreadingHTTPServer):
    """Serves one ``ReviewSession`` to the browser on 127.0.0.1; ``url`` includes the token."""

    daemon_threads = True
    # The page fires many requests at once (video ranges, captions, API); a backlog of 5 made
    # clients under load wait for SYN retries (2 s connect delays with 200 concurrent requests).
    request_queue_size = 1024

    def __init__(
        self,
        session: ReviewSession,
        port: int = 0,
        host: str = LOOPBACK,
        on_event: Callable[[str, dict[str, Any]], None] | None = None,
    ) -> None:
        if host != LOOPBACK:
            raise UsageError(f"the review server binds to {LOOPBACK} only, not {host!r}")
        self.session = session
        self.on_event = on_event
        self.token = secrets.token_urlsafe(16)
        super().__init__((host, port), ReviewHandler)
        self.port = int(self.server_address[1])
        self.allowed_hosts = {f"{LOOPBACK}:{self.port}", f"localhost:{self.port}"}

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}/?token={self.token}"

    def notify(self, name: str, data: dict[str, Any]) -> None:
        """Tell the caller (the CLI prints it) about a save or a glossary term."""
        if self.on_event is not None:
            self.on_event(name, data)

    def start_background(self) -> threading.Thread:
        """Serve from a daemon thread (tests, or a caller with its own main loop)."""
        thread = threading.Thread(
            target=self.serve_forever,
            kwargs={"poll_interval": 0.05},  # so shutdown() returns at once
            name="gztranscribe-review",
            daemon=True,
        )
        thread.start()
        return thread


class ReviewHandler(BaseHTTPRequestHandler):
    server: ReviewServer
    _body_read = False
    _responded = False
    timeout = 60  # seconds of silence before a connection is dropped (no thread held forever)
    protocol_version = "HTTP/1.1"
    server_version = "gztranscribe-review"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the terminal shows saves, not every range request of the video

    # --- dispatch -----------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_HEAD(self) -> None:
        self._dispatch("HEAD")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._refuse(405, "method not allowed")

    do_DELETE = do_PATCH = do_OPTIONS = do_PUT

    def _dispatch(self, method: str) -> None:
        self._body_read = False  # one handler serves every request of a kept-alive connection
        self._responded = False
        try:
            route = self._checked_route()
            if route is None:
                return
            handler = ROUTES.get((method if method != "HEAD" else "GET", route))
            if handler is None:
                allowed = any(path == route for _, path in ROUTES)
                self._refuse(
                    405 if allowed else 404, "method not allowed" if allowed else "not found"
                )
                return
            handler(self)
        except RequestError as exc:
            self._refuse(exc.status, exc.message)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the browser cancelled (seeking the video)
        except Exception:
            traceback.print_exc()
            if self._responded:
                self.close_connection = True
            else:
                self._refuse(500, "internal error (a bug in gztranscribe; see the terminal)")

    def _checked_route(self) -> str | None:
        """Host and token checks; the route (the path, undecoded) or None when refused."""
        host = self.headers.get("Host", "")
        if host not in self.server.allowed_hosts:
            self._refuse(403, "forbidden: this server answers to 127.0.0.1 only")
            return None
        # The request target is split by hand: ``urlsplit`` would read "//host/x" as a host.
        path, _, query = self.path.partition("?")
        tokens = parse_qs(query).get("token", [])
        if len(tokens) != 1 or not hmac.compare_digest(
            tokens[0].encode("utf-8", "replace"), self.server.token.encode()
        ):
            self._refuse(403, "forbidden: open the address gztranscribe printed (with its token)")
            return None
        return path

    # --- routes -------------------------------------------------------------------------------

    def _page(self) -> None:
        html = static_text("index.html").decode("utf-8").replace("__TOKEN__", self.server.token)
        self._send(200, html.encode("utf-8"), STATIC["index.html"])

    def _static(self, name: str) -> None:
        self._send(200, static_text(name), STATIC[name])

    def _episode(self) -> None:
        self._send_json(200, self.server.session.payload())

    def _captions(self) -> None:
        self._send(
            200, self.server.session.captions_vtt().encode("utf-8"), "text/vtt; charset=utf-8"
        )

    def _save(self) -> None:
        body = self._read_json_body()
        request = parse_save_request(body)
        result = self.server.session.save(request)
        self._send_json(200, result)
        self.server.notify("save", result)

    def _glossary(self) -> None:
        body = self._read_json_body()
        result = self.server.session.add_glossary_term(body)
        self._send_json(200, result)
        self.server.notify("glossary", result)

    def _media(self) -> None:
        path: Path = self.server.session.files.media
        try:
            handle = path.open("rb")
        except OSError:
            self._refuse(404, "the episode's media file is gone")
            return
        with handle:
            size = path.stat().st_size
            start, end = 0, size - 1
            wanted = _RANGE.fullmatch(self.headers.get("Range", "").strip())
            status = 200
            if wanted and (wanted[1] or wanted[2]):
                if wanted[1]:
                    start = _bytes(wanted[1])
                    end = min(_bytes(wanted[2]), size - 1) if wanted[2] else size - 1
                else:  # the last N bytes
                    start = max(0, size - _bytes(wanted[2]))
                if start >= size or start > end:
                    self._send(416, b"", "text/plain", {"Content-Range": f"bytes */{size}"})
                    return
                status = 206
            headers = {"Accept-Ranges": "bytes"}
            if status == 206:
                headers["Content-Range"] = f"bytes {start}-{end}/{size}"
            content_type = MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")
            self._head(status, content_type, end - start + 1, headers)
            if self.command == "HEAD":
                return
            handle.seek(start)
            left = end - start + 1
            while left > 0:
                chunk = handle.read(min(CHUNK, left))
                if not chunk:
                    break
                self.wfile.write(chunk)
                left -= len(chunk)

    # --- helpers ------------------------------------------------------------------------------

    def _read_json_body(self) -> bytes:
        content_type = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type != "application/json":
            raise RequestError(415, "send JSON (Content-Type: application/json)")
        origin = self.headers.get("Origin")
        if origin is not None and origin not in {f"http://{h}" for h in self.server.allowed_hosts}:
            raise RequestError(403, "forbidden: cross-site request")
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            raise RequestError(411, "send a Content-Length")
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            raise RequestError(411, "send a Content-Length") from None
        if length < 0:
            raise RequestError(400, "bad Content-Length")
        if length > MAX_BODY_BYTES:
            raise RequestError(413, f"request too large (at most {MAX_BODY_BYTES} bytes)")
        body = self.rfile.read(length)
        if len(body) != length:
            raise RequestError(400, "the request body was cut short")
        self._body_read = True
        return body

    def _refuse(self, status: int, message: str) -> None:
        if self.command not in ("GET", "HEAD") and not self._body_read:
            self._discard_body()
        self._send_json(status, {"error": message})

    def _discard_body(self) -> None:
        """Read a refused request's body (a small one) so the answer reaches the client.

        Closing a socket with unread data resets the connection, and the client may never see
        the 403; a body over the size limit is not read: the connection is closed instead.
        """
        self._body_read = True
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if (
            0 <= length <= MAX_BODY_BYTES
            and "chunked" not in self.headers.get("Transfer-Encoding", "").lower()
        ):
            while length > 0:
                chunk = self.rfile.read(min(CHUNK, length))
                if not chunk:
                    break
                length -= len(chunk)
        self.close_connection = True

    def _send_json(self, status: int, data: Any) -> None:
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self._send(status, body, "application/json; charset=utf-8")

    def _send(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self._head(status, content_type, len(body), headers)
        if self.command != "HEAD" and body:
            self.wfile.write(body)

    def _head(
        self, status: int, content_type: str, length: int, headers: dict[str, str] | None = None
    ) -> None:
        self._responded = True
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        if self.close_connection:
            self.send_header("Connection", "close")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()


def _bytes(digits: str) -> int:
    """A Range number; a 5000-digit one is "more than the file" (``int`` would refuse it)."""
    digits = digits.lstrip("0") or "0"
    return _HUGE if len(digits) > 18 else int(digits)


ROUTES: dict[tuple[str, str], Any] = {
    ("GET", "/"): ReviewHandler._page,
    ("GET", "/static/app.js"): lambda h: h._static("app.js"),
    ("GET", "/static/app.css"): lambda h: h._static("app.css"),
    ("GET", "/media"): ReviewHandler._media,
    ("GET", "/captions.vtt"): ReviewHandler._captions,
    ("GET", "/api/episode"): ReviewHandler._episode,
    ("POST", "/api/save"): ReviewHandler._save,
    ("POST", "/api/glossary"): ReviewHandler._glossary,
}
