"""Widening Pulumi's dynamic provider host beyond its 4 gRPC worker threads.

The host (`python -m pulumi.dynamic`) serves every dynamic resource of a stack from one
`grpc.server(ThreadPoolExecutor(max_workers=4))`; a create that waits for a snapshot holds a
thread for minutes, so a fifth create, and even a cheap check, waits in line. Inside that host
only, this raises the pool's limit. It relies on internals of grpc and of the host, so every
assumption is checked first; if one fails, nothing changes and a warning says why.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

THREADS_ENV = "PULUMI_SNAPSHOTS_HOST_THREADS"
DEFAULT_THREADS = 1024
HOST_MODULE = "pulumi.dynamic.__main__"

_lock = threading.Lock()
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
