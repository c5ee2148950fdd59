"""The clock the fake reads for everything that depends on time (holds by seconds).

By default it is the process's monotonic clock. A test that must not race a loaded machine
switches to a :class:`ManualClock`, which stands still until the test advances it, and then
asserts on order and counts only.
"""

from __future__ import annotations

import math
import threading
import time
from typing import Protocol

__all__ = ["Clock", "ManualClock", "SystemClock"]


class Clock(Protocol):
    """Seconds on a clock that never goes back."""

    def now(self) -> float: ...


class SystemClock:
    """The process's monotonic clock."""

    def now(self) -> float:
        return time.monotonic()


class ManualClock:
    """A clock that moves only when told to."""

    def __init__(self, start: float = 0.0) -> None:
        self._lock = threading.Lock()
        self._now = float(start)

    def now(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> float:
        """Move the clock forward by `seconds` (>= 0); returns the new time."""
        if (
            isinstance(seconds, bool)
            or not isinstance(seconds, int | float)
            or not math.isfinite(seconds)
            or seconds < 0
        ):
            raise ValueError("seconds must be a finite number >= 0")
        with self._lock:
            self._now += float(seconds)
            return self._now
