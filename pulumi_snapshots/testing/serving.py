"""The fake's HTTP/1.1 server: one WSGI app, a thread per connection, connections kept open.

werkzeug's development server parses each request's headers with the `email` package, builds
its environ through `http.server`, writes the status, each header and the body in separate
writes, and after each response opens an `epoll` object to drain a body the app left unread.
That was a quarter to a third of the fake's CPU per request in a fleet of creates, all in the one
process (and one GIL) that serves every request. This server reads the request line, the
headers and the whole body itself, builds the environ as werkzeug does (moto's server relies on
its keys), and sends each response in one write.
"""

from __future__ import annotations

import contextlib
import io
import socket
import socketserver
import sys
import threading
import traceback
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote, urlsplit

__all__ = ["LISTEN_BACKLOG", "FakeHttpServer"]

#: Connections the server's socket queues before accepting them: a fleet of clients connects
#: at once, and a backlog of 128 resets the connections beyond it.
LISTEN_BACKLOG = 1024

MAX_LINE = 65536
MAX_HEADERS = 200

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

_REASONS = {
    400: "Bad Request",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
}


def _status(code: int) -> str:
    return f"{code} {_REASONS[code]}"


_ERROR_PAGE = (
    b"<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n"
    b"<h1>Internal Server Error</h1>\n<p>The server encountered an internal error and was "
    b"unable to complete your request.</p>\n"
)


class _BadRequest(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def _wsgi(text: str) -> str:
    # PEP 3333: environ strings are bytes in latin-1 clothing.
    return text.encode("utf-8").decode("latin-1")


class _Handler(socketserver.StreamRequestHandler):
    server: FakeHttpServer
    # With Nagle's algorithm on a kept connection, a response that spans two segments would
    # wait for the client's delayed ACK (40 ms).
    disable_nagle_algorithm = True

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.idle_seconds)

    def handle(self) -> None:
        # A client that goes, or a kept connection that idles out, ends the loop quietly:
        # that is how keep-alive ends, not an error.
        with contextlib.suppress(ConnectionError, TimeoutError, OSError):
            while self._serve_one():
                pass

    def _serve_one(self) -> bool:
        line = self.rfile.readline(MAX_LINE + 1)
        if not line:
            return False
        try:
            method, target, version, headers = self._head(line)
        except _BadRequest as exc:
            self._send(_status(exc.status), [("Content-Length", "0")], b"", keep=False)
            return False
        fields = {name.lower(): value for name, value in headers}
        if fields.get("expect", "").lower() == "100-continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        if "chunked" in fields.get("transfer-encoding", "").lower():
            body = self._dechunked()
        else:
            body = self.rfile.read(int(fields.get("content-length") or 0))
        keep = version == "HTTP/1.1" and fields.get("connection", "").lower() != "close"
        environ = self._environ(method, target, version, headers, body)
        status, out, payload = self._run(environ)
        self._send(status, out, payload, keep=keep, head_only=method == "HEAD")
        return keep

    def _head(self, line: bytes) -> tuple[str, str, str, list[tuple[str, str]]]:
        if len(line) > MAX_LINE:
            raise _BadRequest(400)
        parts = line.decode("latin-1").rstrip("\r\n").split()
        if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
            raise _BadRequest(400)
        headers: list[tuple[str, str]] = []
        while True:
            raw = self.rfile.readline(MAX_LINE + 1)
            if raw in (b"\r\n", b"\n", b""):
                break
            if len(raw) > MAX_LINE or len(headers) >= MAX_HEADERS:
                raise _BadRequest(431)
            name, sep, value = raw.decode("latin-1").partition(":")
            if not sep or not name.strip():
                raise _BadRequest(400)
            headers.append((name.strip(), value.strip()))
        return parts[0], parts[1], parts[2], headers

    def _dechunked(self) -> bytes:
        out = io.BytesIO()
        while True:
            size_line = self.rfile.readline(MAX_LINE + 1)
            try:
                size = int(size_line.split(b";", 1)[0].strip() or b"x", 16)
            except ValueError:
                raise _BadRequest(400) from None
            if size == 0:
                # Trailers, up to the blank line.
                while self.rfile.readline(MAX_LINE + 1) not in (b"\r\n", b"\n", b""):
                    pass
                return out.getvalue()
            out.write(self.rfile.read(size))
            self.rfile.readline(MAX_LINE + 1)

    def _environ(
        self, method: str, target: str, version: str, headers: list[tuple[str, str]], body: bytes
    ) -> dict[str, Any]:
        """The environ werkzeug's server makes (with moto's additions, see `_preserved`)."""
        url = urlsplit(target)
        # No scheme but two leading slashes: the first segment was read as a host.
        path = f"/{url.netloc}{url.path}" if not url.scheme and url.netloc else url.path
        host, port = self.server.server_address[:2]
        environ: dict[str, Any] = {
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "SERVER_SOFTWARE": "pulumi-snapshots-fake",
            "REQUEST_METHOD": method,
            "SCRIPT_NAME": "",
            "PATH_INFO": _wsgi(unquote(path)),
            "QUERY_STRING": _wsgi(url.query),
            "REQUEST_URI": _wsgi(target),
            "RAW_URI": _wsgi(target),
            "REMOTE_ADDR": self.client_address[0],
            "REMOTE_PORT": self.client_address[1],
            "SERVER_NAME": host,
            "SERVER_PORT": str(port),
            "SERVER_PROTOCOL": version,
            "CONTENT_LENGTH": str(len(body)),
        }
        for name, value in headers:
            if "_" in name:
                continue  # as werkzeug: `X_Foo` would pass for `X-Foo`
            key = name.upper().replace("-", "_")
            if key == "CONTENT_LENGTH" or key == "TRANSFER_ENCODING":
                continue  # the body is read whole: its length is what the app gets
            if key != "CONTENT_TYPE":
                key = f"HTTP_{key}"
                if key in environ:
                    value = f"{environ[key]},{value}"
            environ[key] = value
        if url.scheme and url.netloc:
            environ["HTTP_HOST"] = url.netloc
        _preserved(environ, headers)
        return environ

    def _run(self, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
        started: list[Any] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            started[:] = [status, headers]
            return written.append

        written: list[bytes] = []
        try:
            result = self.server.app(environ, start_response)
            try:
                written.extend(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        except Exception:
            print(f"Error on request:\n{traceback.format_exc()}", file=sys.stderr, flush=True)
            return _status(500), [("Content-Type", "text/html; charset=utf-8")], _ERROR_PAGE
        status, headers = started
        return str(status), list(headers), b"".join(written)

    def _send(
        self,
        status: str,
        headers: list[tuple[str, str]],
        body: bytes,
        *,
        keep: bool,
        head_only: bool = False,
    ) -> None:
        lines = [f"HTTP/1.1 {status}"]
        has_length = False
        for name, value in headers:
            lowered = name.lower()
            if lowered == "connection" or lowered == "transfer-encoding":
                continue
            has_length = has_length or lowered == "content-length"
            lines.append(f"{name}: {value}")
        if not has_length:
            lines.append(f"Content-Length: {len(body)}")
        if not keep:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        # A HEAD answer says how long its body is, and sends none.
        self.wfile.write(head if head_only else head + body)
        if self.server.verbose:
            print(f"{self.client_address[0]} {status.split()[0]}", file=sys.stderr, flush=True)


def _preserved(environ: dict[str, Any], headers: list[tuple[str, str]]) -> None:
    """moto's server keeps the spelling of S3 metadata headers with underscores
    (`MotoRequestHandler.make_environ`): the same entries, made the same way."""
    from moto.core.request import (
        PRESERVED_HEADER_NAMES_ENVIRON_KEY,
        environ_key_for_header,
        should_preserve_original_header_name,
    )

    dashed = {environ_key_for_header(name) for name, _ in headers if "_" not in name}
    names: dict[str, str] = {}
    values: dict[str, list[str]] = {}
    for name, value in headers:
        if not should_preserve_original_header_name(name):
            continue
        key = environ_key_for_header(name)
        if key in dashed:
            continue
        names.setdefault(key, name)
        values.setdefault(key, []).append(value)
    for key, found in values.items():
        environ[key] = ",".join(found)
    environ[PRESERVED_HEADER_NAMES_ENVIRON_KEY] = names


class FakeHttpServer(socketserver.ThreadingTCPServer):
    """Serves `app` on (`host`, `port`); `stop` also closes the connections it keeps."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = LISTEN_BACKLOG

    def __init__(
        self,
        host: str,
        port: int,
        app: WsgiApp,
        *,
        verbose: bool = False,
        idle_seconds: float = 60.0,
    ) -> None:
        self.app = app
        self.verbose = verbose
        self.idle_seconds = idle_seconds
        """How long a kept connection may wait for its next request before it is closed."""
        self.kept: set[socket.socket] = set()
        self.kept_lock = threading.Lock()
        super().__init__((host, port), _Handler)

    @property
    def server_port(self) -> int:
        return int(self.server_address[1])

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.kept_lock:
            self.kept.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.kept_lock:
            self.kept.discard(request)
        super().shutdown_request(request)

    def server_close(self) -> None:
        # A stopped fake answers nothing more, not even on a connection kept open.
        super().server_close()
        with self.kept_lock:
            kept, self.kept = list(self.kept), set()
        for conn in kept:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
