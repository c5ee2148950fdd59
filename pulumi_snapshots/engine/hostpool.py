"""Widening Pulumi's dynamic provider host beyond its 4 gRPC worker threads.

The host (`python -m pulumi.dynamic`) serves every dynamic resource of a stack from one
`grpc.server(ThreadPoolExecutor(max_workers=4))`; a create that waits for a snapshot holds a
thread for minutes, so a fifth create, and even a cheap check, waits in line. Inside that host
only, this raises the pool's limit. It relies on internals of grpc and of the host, so every
assumption is checked first; if one fails, nothing changes and a warning says why.
"""

from __future__ import annotations

import contextlib
import gc
import os
import socket
import sys
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from typing import Any

THREADS_ENV = "PULUMI_SNAPSHOTS_HOST_THREADS"
DEFAULT_THREADS = 1024
HOST_MODULE = "pulumi.dynamic.__main__"

WATCH_ENV = "PULUMI_SNAPSHOTS_ENGINE_WATCH_SECONDS"
"""How often the provider host checks that its engine still runs (0 turns the check off)."""
DEFAULT_WATCH_SECONDS = 2.0
_lock = threading.Lock()
_watching = False
_outcome: str | None = None


def in_provider_host() -> bool:
    """Whether this process is Pulumi's dynamic provider host."""
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    return getattr(spec, "name", None) == HOST_MODULE


def requested_threads() -> int:
    """The worker limit asked for by the environment (0 turns widening off)."""
    raw = os.environ.get(THREADS_ENV, "").strip()
    if not raw:
        return DEFAULT_THREADS
    try:
        return max(int(raw), 0)
    except ValueError:
        return DEFAULT_THREADS


def widen_provider_host() -> str:
    """Raise the host's worker limit once per process; returns what happened."""
    global _outcome
    with _lock:
        if _outcome is None:
            _outcome = _widen()
            if _outcome.startswith("warning"):
                print(f"pulumi-snapshots: {_outcome}", file=sys.stderr, flush=True)
        return _outcome


def _widen() -> str:
    if not in_provider_host():
        return "not in the provider host"
    limit = requested_threads()
    if limit == 0:
        return f"left at the host's default ({THREADS_ENV}=0)"
    pools = find_server_pools()
    if len(pools) != 1:
        return (
            f"warning: expected one gRPC server in the provider host, found {len(pools)}; "
            "keeping its default of 4 concurrent operations"
        )
    pool = pools[0]
    current = getattr(pool, "_max_workers", None)
    if not isinstance(current, int) or not callable(getattr(pool, "_adjust_thread_count", None)):
        return (
            "warning: the provider host's thread pool is not the ThreadPoolExecutor expected; "
            "keeping its default of 4 concurrent operations"
        )
    if current >= limit:
        return f"already {current} threads"
    pool._max_workers = limit
    # Requests queued before the change get threads now rather than at the next request.
    for _ in range(min(pool._work_queue.qsize(), limit - current)):
        pool._adjust_thread_count()
    return f"widened from {current} to {limit} threads"


def find_server_pools() -> list[ThreadPoolExecutor]:
    """The thread pools of the gRPC servers alive in this process."""
    pools: list[ThreadPoolExecutor] = []
    for obj in gc.get_objects():
        kind = type(obj)
        if kind.__name__ == "_Server" and kind.__module__ == "grpc._server":
            pool = getattr(getattr(obj, "_state", None), "thread_pool", None)
            if isinstance(pool, ThreadPoolExecutor):
                pools.append(pool)
    return pools


def watch_engine() -> bool:
    """Inside the provider host: end the host once its engine is gone.

    The engine starts the host in a process group of its own, so when a pipeline SIGKILLs
    `pulumi up`, the host lives on, orphaned, and its creates keep waiting. Whatever they did
    next would be lost (nothing records it) or harmful (a create that fails deletes what it
    made). Ending the host leaves each snapshot as it is, marked `creating`, for the next `up`
    to resume. The engine's address is the host's one argument.
    """
    if not in_provider_host() or len(sys.argv) < 2:
        return False
    return watch_address(sys.argv[1])


def watch_address(engine: str) -> bool:
    """End this process once the engine at `engine` (`host:port`) is gone: the provider host's
    watch (`watch_engine`), and the native plugin's, which an engine starts the same way."""
    global _watching
    with _lock:
        if _watching:
            return False
        host, _, port = engine.rpartition(":")
        try:
            interval = float(os.environ.get(WATCH_ENV) or DEFAULT_WATCH_SECONDS)
        except ValueError:
            interval = DEFAULT_WATCH_SECONDS
        if not host or not port.isdigit() or interval <= 0:
            return False
        _watching = True
    address = (host, int(port))
    threading.Thread(
        target=_watch, args=(address, interval), name="engine-watch", daemon=True
    ).start()
    return True


def _watch(address: tuple[str, int], interval: float) -> None:
    refused = 0
    while True:
        time.sleep(interval)
        try:
            socket.create_connection(address, timeout=interval).close()
            refused = 0
        except ConnectionRefusedError:
            refused += 1
        except OSError:
            continue  # A slow engine is not a gone one.
        if refused >= 2:
            # Its reader, the CLI, is usually gone with the engine.
            with contextlib.suppress(OSError, ValueError):
                print(
                    "pulumi-snapshots: the Pulumi engine is gone (killed?); the provider "
                    "ends, leaving each snapshot it was waiting for to the next `pulumi up`",
                    file=sys.stderr,
                    flush=True,
                )
            os._exit(1)


class _ErrorText:
    """Stands in for the `traceback` module inside the host, whose RPC wrapper answers every
    exception with `traceback.format_exc()`: the engine then shows the user a wall of host
    frames before the message. Errors of this project carry their whole story in the message,
    so they show only that; any other error shows its message first, then the traceback."""

    def __init__(self, own: tuple[type[BaseException], ...]) -> None:
        self.own = own

    def format_exc(self, *args: Any, **kwargs: Any) -> str:
        exc = sys.exception()
        if exc is None:
            return traceback.format_exc(*args, **kwargs)
        if isinstance(exc, self.own):
            return str(exc)
        return f"{type(exc).__name__}: {exc}\n\n{traceback.format_exc(*args, **kwargs)}"

    def __getattr__(self, name: str) -> Any:
        return getattr(traceback, name)


def shorten_host_errors(own: tuple[type[BaseException], ...]) -> bool:
    """Inside the provider host: make the errors it reports start with their message."""
    with _lock:
        # Run with `-m`, the host's module is `__main__`.
        host = sys.modules.get("__main__")
        if not in_provider_host() or host is None:
            return False
        if getattr(host, "traceback", None) is traceback:
            host.traceback = _ErrorText(own)  # type: ignore[attr-defined]
        return True


_changed = threading.local()


def report_changed_keys(keys: list[str]) -> None:
    """Called by a provider's diff: the inputs that changed, for the host's answer."""
    _changed.keys = list(keys)


class _DiffResponseWithKeys:
    """The protobuf `DiffResponse` class, whose instances also carry the changed keys."""

    def __init__(self, response: Any) -> None:
        self._response = response

    def __call__(self, **fields: Any) -> Any:
        keys = getattr(_changed, "keys", None)
        _changed.keys = None
        if keys and "diffs" not in fields:
            fields["diffs"] = keys
        return self._response(**fields)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._response, name)


class _DiffWithKeys:
    """Stands in for the host's protobuf module: its Diff answer carries no changed keys
    (`diffs`), and the engine applies `replace_on_changes` only from those. Its answers get the
    keys that the provider's diff, just before on the same thread, reported."""

    def __init__(self, proto: Any) -> None:
        self._proto = proto
        self.DiffResponse = _DiffResponseWithKeys(proto.DiffResponse)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._proto, name)


def send_changed_keys() -> bool:
    """Inside the provider host: let its Diff answers name the changed keys."""
    with _lock:
        host = sys.modules.get("__main__")
        if not in_provider_host() or host is None:
            return False
        proto = getattr(host, "proto", None)
        if proto is None or not hasattr(proto, "DiffResponse"):
            return False
        if not isinstance(proto, _DiffWithKeys):
            host.proto = _DiffWithKeys(proto)  # type: ignore[attr-defined]
        return True
