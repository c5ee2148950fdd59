"""Waiting as data: a poll policy with backoff and a deadline, and one loop that applies it."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from pulumi_snapshots.errors import WaitTimeout

POLL_ENV = "PULUMI_SNAPSHOTS_POLL_SECONDS"
"""Overrides the poll interval (fixed, no backoff): for fake AWS endpoints and demos."""


@dataclass(frozen=True)
class WaitPolicy:
    """How often to poll: the first delay, the factor it grows by, and its ceiling."""

    delay: float = 5.0
    multiplier: float = 1.5
    max_delay: float = 30.0

    def delays(self) -> Callable[[], float]:
        """A generator of successive delays, as a callable."""
        current = self.delay

        def next_delay() -> float:
            nonlocal current
            value = current
            current = min(current * self.multiplier, self.max_delay)
            return value

        return next_delay

    def effective(self) -> WaitPolicy:
        """This policy, or the fixed interval that the environment asks for."""
        raw = os.environ.get(POLL_ENV)
        if not raw:
            return self
        try:
            seconds = float(raw)
        except ValueError:
            seconds = -1.0
        if not seconds >= 0:
            print(
                f"pulumi-snapshots: ignoring {POLL_ENV}={raw!r}: not a number of seconds",
                file=sys.stderr,
                flush=True,
            )
            return self
        return replace(self, delay=seconds, multiplier=1.0, max_delay=seconds)


@dataclass(frozen=True)
class Observation:
    """One look at a snapshot: its state and, where the API says, its progress in percent."""

    state: str | None
    progress: float | None = None


@dataclass(frozen=True)
class Target:
    """What counts as done: the usable states and the error states."""

    usable: frozenset[str]
    failed: frozenset[str]


def wait_for(
    subject: str,
    poll: Callable[[], Observation],
    target: Target,
    timeout_seconds: float,
    policy: WaitPolicy,
    report: Callable[[str], None],
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    goal: str = "usable",
    limit: str = "timeout_minutes",
) -> Observation:
    """Poll until the state is usable or failed, and return that observation.

    Raises WaitTimeout naming the subject and its last state once the deadline passes.
    """
    policy = policy.effective()
    start = clock()
    deadline = start + timeout_seconds
    next_delay = policy.delays()
    last: Observation | None = None
    while True:
        seen = poll()
        if seen.state in target.usable or seen.state in target.failed:
            report(_line(subject, seen, clock() - start, final=True))
            return seen
        if last is None or seen != last:
            report(_line(subject, seen, clock() - start, final=False))
        last = seen
        remaining = deadline - clock()
        if remaining <= 0:
            raise WaitTimeout(
                f"{subject} was not {goal} after {timeout_seconds / 60:g} minutes "
                f"({limit}); last state: {seen.state or 'unknown'}"
                + (f", progress {seen.progress:g}%" if seen.progress is not None else "")
            )
        sleep(min(next_delay(), remaining))


def _line(subject: str, seen: Observation, elapsed: float, final: bool) -> str:
    progress = f" {seen.progress:g}%" if seen.progress is not None else ""
    verb = "is" if final else "is still"
    return f"{subject} {verb} {seen.state or 'unknown'}{progress} after {elapsed:.0f}s"
