"""Shared lookups: concurrent creates that need the same kind of read (the sources they copy,
what an earlier create left) make one call for all of them, instead of one call each.

A caller's key joins the next call. While a call is under way, new keys wait for the one after
it, which starts as soon as the first returns: nothing is paced, so a lone create pays no delay,
and a fleet of creates pays one call per wave instead of one per create.

A lookup made with `join_in_flight` also answers a caller from the call under way when that call
carries the caller's key: for reads whose answer a few milliseconds older serves as well (the
source a fleet copies), a burst of callers of one key then costs one call, not one per wave.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class SharedLookup(Generic[K, V]):
    """Answers `get(key)` from calls of `lookup_many(keys)` shared by concurrent callers."""

    def __init__(
        self,
        lookup_many: Callable[[Sequence[K]], Mapping[K, V | None]],
        *,
        join_in_flight: bool = False,
    ) -> None:
        self._lookup_many = lookup_many
        self._join = join_in_flight
        self._cond = threading.Condition()
        self._queued: list[K] = []
        self._in_flight: frozenset[K] = frozenset()
        self._answers: dict[K, V | BaseException | None] = {}
        self._waiting: dict[K, int] = {}
        self._busy = False
        self.calls = 0

    def get(
        self,
        key: K,
        lookup_many: Callable[[Sequence[K]], Mapping[K, V | None]] | None = None,
    ) -> V | None:
        """The value of `key` (None when the lookup found none); re-raises the error of the
        call that carried it. A caller that makes the call makes it with its own `lookup_many`
        (else the one this was made with): its context, such as how long a throttled call
        keeps trying, is the live one, not that of whoever came first."""
        with self._cond:
            self._waiting[key] = self._waiting.get(key, 0) + 1
            if self._join and key in self._in_flight:
                # The call under way carries this key: its answer is this caller's too.
                self._answers.pop(key, None)
            elif key not in self._queued:
                self._queued.append(key)
            try:
                while key not in self._answers or key in self._queued:
                    if self._busy:
                        self._cond.wait()
                        continue
                    self._run_locked(lookup_many or self._lookup_many)
                found = self._answers[key]
            finally:
                self._waiting[key] -= 1
                if not self._waiting[key]:
                    del self._waiting[key]
                    self._answers.pop(key, None)
        if isinstance(found, BaseException):
            raise found
        return found

    def _run_locked(self, lookup_many: Callable[[Sequence[K]], Mapping[K, V | None]]) -> None:
        keys, self._queued = self._queued, []
        self._busy = True
        self._in_flight = frozenset(keys)
        interrupted = RuntimeError("the shared lookup was interrupted")
        answers: dict[K, V | BaseException | None] = dict.fromkeys(keys, interrupted)
        self._cond.release()
        try:
            try:
                found = lookup_many(keys)
                answers = {k: found.get(k) for k in keys}
            except Exception as exc:  # every key of the call shares its failure
                answers = dict.fromkeys(keys, exc)
        finally:
            self._cond.acquire()
            self._busy = False
            self._in_flight = frozenset()
            self.calls += 1
            self._answers.update(answers)
            self._cond.notify_all()


_lookups: dict[tuple[object, ...], Any] = {}
_lock = threading.Lock()


def shared_lookup(
    key: tuple[object, ...],
    lookup_many: Callable[[Sequence[K]], Mapping[K, V | None]],
    *,
    join_in_flight: bool = False,
) -> SharedLookup[K, V]:
    """The shared lookup under `key` (a kind, a region, an identity: what one call can cover),
    made with `lookup_many` (and `join_in_flight`) on first use."""
    with _lock:
        found: SharedLookup[K, V] | None = _lookups.get(key)
        if found is None:
            # The key covers all that a call's answer depends on; each caller passes its own
            # `lookup_many` to `get` for the calls it makes.
            found = _lookups[key] = SharedLookup(lookup_many, join_in_flight=join_in_flight)
        return found


def reset_lookups() -> None:
    """Forget every shared lookup (for tests that swap the fake AWS underneath)."""
    with _lock:
        _lookups.clear()
