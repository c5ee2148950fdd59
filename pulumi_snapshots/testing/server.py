"""The fake AWS as an HTTP server (moto's services plus control endpoints).

Run ``python -m pulumi_snapshots.testing.server --port 0``: it prints one line
``endpoint: http://127.0.0.1:PORT`` and serves until killed. Clients reach it with
``AWS_ENDPOINT_URL=<endpoint>``; tests steer it with :class:`RemoteControl`.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Protocol

from pulumi_snapshots.testing.control import (
    CONTROL_PREFIX,
    LocalControl,
    RemoteControl,
    handle_control_request,
    install,
    uninstall,
)
from pulumi_snapshots.testing.state import STATE

__all__ = [
    "ENDPOINT_LINE_PREFIX",
    "ControlMiddleware",
    "FakeAwsServer",
    "ServerProcess",
    "main",
    "make_app",
    "start_server_process",
]

ENDPOINT_LINE_PREFIX = "endpoint: "

StartResponse = Callable[..., Any]


class ControlMiddleware:
    """WSGI app answering ``/_fake/...`` itself and passing everything else to moto."""

    def __init__(self, app: Callable[[dict[str, Any], StartResponse], Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if not path.startswith(CONTROL_PREFIX):
            # One request at a time: moto's backends and its lazily built per-service apps
            # are not thread-safe.
            with STATE.lock:
                return self.app(environ, start_response)
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        query = environ.get("QUERY_STRING", "")
        status, payload = handle_control_request(
            environ.get("REQUEST_METHOD", "GET"), f"{path}?{query}" if query else path, body
        )
        data = json.dumps(payload).encode()
        reason = {200: "OK", 400: "Bad Request", 404: "Not Found"}.get(status, "Error")
        start_response(
            f"{status} {reason}",
            [("Content-Type", "application/json"), ("Content-Length", str(len(data)))],
        )
        return [data]


def make_app() -> ControlMiddleware:
    """moto's multi-service WSGI app behind the control endpoints (patches must be installed)."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    from pulumi_snapshots.testing.dispatch import DirectDispatch

    return ControlMiddleware(DirectDispatch(DomainDispatcherApplication(create_backend_app)))


IDLE_SECONDS = 60.0
"""How long a kept connection may wait for its next request before the server closes it."""


def _make_server(host: str, port: int, verbose: bool) -> Any:
    from pulumi_snapshots.testing.serving import FakeHttpServer

    # Connections stay open for the client's next request, as AWS's do: a new connection per
    # request costs an accept and a server thread each time.
    return FakeHttpServer(host, port, make_app(), verbose=verbose, idle_seconds=IDLE_SECONDS)


class _HasEndpoint(Protocol):
    @property
    def endpoint(self) -> str: ...


class _Served:
    """What a running fake AWS server offers its users, given its endpoint."""

    @property
    def control(self: _HasEndpoint) -> RemoteControl:
        """The control of this server, over HTTP."""
        return RemoteControl(self.endpoint)

    def client(self: _HasEndpoint, service: str, region: str = "us-east-1") -> Any:
        """A boto3 client of `service` in `region` pointed at this server."""
        from pulumi_snapshots.testing.environment import fake_client

        return fake_client(service, region, self.endpoint)

    def environment(self: _HasEndpoint, **extra: str) -> dict[str, str]:
        """Environment for another process (such as the provider host) to use this server."""
        from pulumi_snapshots.testing.environment import server_environment

        return server_environment(self.endpoint, **extra)


class FakeAwsServer(_Served):
    """The fake AWS served from a thread of this process.

    Shares moto's data with this process (and with ``fake_aws``, whose start wipes it).
    ``control`` talks HTTP like a test against a separate process would; ``local_control``
    acts directly.
    """

    def __init__(self, port: int = 0, host: str = "127.0.0.1", *, verbose: bool = False) -> None:
        self.host = host
        self.port = port
        self.verbose = verbose
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def endpoint(self) -> str:
        if self._server is None:
            raise RuntimeError("the fake AWS server is not running")
        return f"http://{self.host}:{self._server.server_port}"

    @property
    def local_control(self) -> LocalControl:
        return LocalControl()

    def start(self) -> FakeAwsServer:
        if self._server is not None:
            return self
        install()
        try:
            self._server = _make_server(self.host, self.port, self.verbose)
        except BaseException:
            uninstall()
            raise
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="fake-aws-server", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = None
        self._thread = None
        uninstall()

    def __enter__(self) -> FakeAwsServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def start_server_process(
    port: int = 0, *, timeout: float = 60.0, verbose: bool = False
) -> tuple[subprocess.Popen[str], str]:
    """Start ``python -m pulumi_snapshots.testing.server`` and wait for its endpoint.

    Returns the process and its endpoint URL. The caller terminates the process.
    """
    command = [sys.executable, "-m", "pulumi_snapshots.testing.server", "--port", str(port)]
    if verbose:
        command.append("--verbose")
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    stdout = process.stdout
    lines: queue.Queue[str] = queue.Queue()

    def drain() -> None:
        # Read everything so the child never blocks on a full pipe.
        for line in stdout:
            lines.put(line)
        lines.put("")

    threading.Thread(target=drain, name="fake-aws-server-stdout", daemon=True).start()
    try:
        while True:
            line = lines.get(timeout=timeout)
            if not line:
                raise RuntimeError(
                    f"the fake AWS server exited before serving (code {process.wait()})"
                )
            if line.startswith(ENDPOINT_LINE_PREFIX):
                return process, line[len(ENDPOINT_LINE_PREFIX) :].strip()
    except BaseException:
        process.kill()
        process.wait()
        raise


@dataclass
class ServerProcess(_Served):
    """A fake AWS server in its own process (see :func:`start_server_process`)."""

    process: subprocess.Popen[str]
    endpoint: str

    @classmethod
    def start(cls, port: int = 0, *, verbose: bool = False) -> ServerProcess:
        process, endpoint = start_server_process(port, verbose=verbose)
        return cls(process, endpoint)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pulumi_snapshots.testing.server",
        description="Serve the fake AWS (moto plus this project's additions) over HTTP.",
    )
    parser.add_argument("--port", type=int, default=0, help="port to listen on; 0 picks one")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = parser.parse_args(argv)
    install()
    server = _make_server(args.host, args.port, args.verbose)
    print(f"{ENDPOINT_LINE_PREFIX}http://{args.host}:{server.server_port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        uninstall()
    return 0


if __name__ == "__main__":
    sys.exit(main())
