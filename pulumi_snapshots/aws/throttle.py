"""Throttled calls in line: creates that AWS throttles wait their turn and go at the pace AWS
admits them, instead of each retrying on its own random backoff.

AWS refills an action's token bucket at a steady rate (EC2's CreateSnapshots: 5 a second). A
fleet of creates that each retry after a random, doubling pause leaves tokens unused while all
of them sleep, and ends long after the bucket could have admitted the last one: 64 Neptune
copies under a bucket of 50 refilled at 5 a second were admitted over 7.7 s, where 2.8 s
suffice (`python3 tasks.py bench fleet`).

A gate per operation, region and identity (one bucket of one account) keeps a line. A call
goes straight to AWS while the line is empty; once throttled it joins the line, and the head
of the line is released one slot at a time. The slots' spacing follows AWS's answers: a
throttled try widens it, an admitted one narrows it, so it settles on the bucket's refill
whatever the action's figures are. A released call does not hold the line while it waits for
its answer, so a slow API does not slow the pace; a throttled one goes back to the front.

botocore's own retries would hide the throttling from the gate behind their random pauses, so
a call made through a gate asks the client's retry handler to leave throttling to it
(`gated`, read by `sessions`); every other transient error is still retried by botocore.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from pulumi_snapshots.errors import THROTTLING_CODES, AwsCallError

T = TypeVar("T")

_local = threading.local()


def gated() -> bool:
    """Whether this thread's call is made through a gate, which handles its throttling."""
    return bool(getattr(_local, "gated", False))


@contextlib.contextmanager
def _gating() -> Iterator[None]:
    _local.gated = True
    try:
        yield
    finally:
        _local.gated = False


@dataclass(frozen=True)
class Pace:
    """How the slots of a line are spaced: the first spacing, its bounds, and the factors a
    throttled and an admitted try apply to it."""

    first: float = 0.1
    least: float = 0.01
    most: float = 20.0
    throttled: float = 1.1
    admitted: float = 0.97
    """At these factors about one released try in four is throttled once settled: slots come
    a little faster than the bucket refills, so no token waits for a try."""


@dataclass(frozen=True)
class Patience:
    """How long a call that AWS throttles keeps trying, past botocore's own retries: hundreds
    of creates at once exhaust an account's buckets, and a create should then queue, not fail.
    The clock and the sleep are injected in tests."""

    deadline: float
    """The clock reading after which the throttling error is raised."""
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep


class ThrottleGate:
    """The line of throttled calls of one operation, region and identity."""

    def __init__(self, pace: Pace | None = None) -> None:
        self._pace = pace or Pace()
        self._cond = threading.Condition()
        self._line: deque[object] = deque()
        self._spacing = self._pace.first
        self._release_at = 0.0
        self.tries = 0
        """Tries released from the line (for tests and figures)."""

    def run(self, attempt: Callable[[], T], patience: Patience) -> T:
        """`attempt()`, straight away while nobody is in line; once AWS throttles it, again in
        turn, until it is admitted or its deadline passes (then its last throttling error)."""
        ticket = object()
        last: AwsCallError | None = None
        with self._cond:
            queued = bool(self._line)
            if queued:
                self._line.append(ticket)
        if not queued:
            try:
                return self._try(attempt)
            except AwsCallError as exc:
                if exc.code not in THROTTLING_CODES:
                    raise
                last = exc
            with self._cond:
                if not self._line:
                    # The bucket has just run dry: the first slot comes one spacing later. The
                    # throttled tries of a burst say nothing about the pace, so they leave it.
                    self._release_at = max(self._release_at, patience.clock() + self._spacing)
                self._line.append(ticket)
        try:
            while True:
                if not self._turn(ticket, patience):
                    if last is not None:
                        raise last
                    # Its deadline passed in line before any try: one try, as without a gate.
                    return self._try(attempt)
                try:
                    result = self._try(attempt)
                except AwsCallError as exc:
                    if exc.code not in THROTTLING_CODES:
                        raise
                    last = exc
                    with self._cond:
                        self._spacing = min(self._spacing * self._pace.throttled, self._pace.most)
                        # The bucket is empty now: no try before a spacing from now.
                        self._release_at = max(self._release_at, patience.clock() + self._spacing)
                        # It keeps its place: the front, where it was released from.
                        self._line.appendleft(ticket)
                        self._cond.notify_all()
                    continue
                with self._cond:
                    self._spacing = max(self._spacing * self._pace.admitted, self._pace.least)
                return result
        finally:
            with self._cond:
                if ticket in self._line:
                    self._line.remove(ticket)
                    self._cond.notify_all()

    def _try(self, attempt: Callable[[], T]) -> T:
        with _gating():
            return attempt()

    def _turn(self, ticket: object, patience: Patience) -> bool:
        """Wait until `ticket` heads the line at its slot (True: it is released) or its deadline
        passes first (False: it has left the line)."""
        with self._cond:
            while True:
                now = patience.clock()
                if now >= patience.deadline:
                    self._line.remove(ticket)
                    self._cond.notify_all()
                    return False
                if self._line[0] is not ticket:
                    # Woken whenever the head is released or someone leaves; the timeout only
                    # bounds how late a deadline is noticed.
                    self._cond.wait(timeout=min(patience.deadline - now, 1.0))
                    continue
                if now >= self._release_at:
                    self._line.popleft()
                    self._release_at = now + self._spacing
                    self.tries += 1
                    self._cond.notify_all()
                    return True
                pause = min(self._release_at, patience.deadline) - now
                self._cond.release()
                try:
                    patience.sleep(pause)
                finally:
                    self._cond.acquire()


_gates: dict[Hashable, ThrottleGate] = {}
_lock = threading.Lock()


def gate(key: Hashable) -> ThrottleGate:
    """The gate of `key` (an operation, a region and an identity: one bucket), made on first
    use."""
    with _lock:
        found = _gates.get(key)
        if found is None:
            found = _gates[key] = ThrottleGate()
        return found


def clear_gates() -> None:
    """Forget every gate (for tests that swap the fake AWS underneath)."""
    with _lock:
        _gates.clear()
