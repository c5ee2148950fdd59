"""Shared status polling: every snapshot of one resource kind and region that is being waited
on is read by one describe call per round, on one shared backoff schedule."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from pulumi_snapshots import aws
from pulumi_snapshots.engine.waiter import WaitPolicy
from pulumi_snapshots.errors import AwsCallError

if TYPE_CHECKING:
    from pulumi_snapshots.engine.spec import Context, Live

STATS_ENV = "PULUMI_SNAPSHOTS_POLL_STATS"
"""When set, every poll round prints how many status calls it made for how many waits."""

DescribeMany = Callable[["Context", list[str]], Mapping[str, "Live | None"]]
DescribeOne = Callable[["Context", str], "Live | None"]


class Unread:
    """What `observe` returns when its deadline passed before any round read the id."""


UNREAD = Unread()


class SharedPoller:
    """Runs poll rounds for all current waiters; one waiter at a time makes the call.

    A waiter asks for a round newer than the last it saw. If no round is under way, it
    becomes the poller: it waits for the schedule, reads every waiting id with one
    `describe_many` call and publishes the results to all.
    """

    def __init__(
        self,
        describe_many: DescribeMany,
        describe_one: DescribeOne,
        ctx: Context,
        policy: WaitPolicy,
    ) -> None:
        self._describe_many = describe_many
        self._describe_one = describe_one
        self._ctx = ctx
        self._policy = policy
        self._cond = threading.Condition()
        self._waiters: dict[str, int] = {}
        self._results: Mapping[str, Live | BaseException | None] = {}
        self._round = 0
        self._polling = False
        self._next_at = 0.0
        self._next_delay = policy.effective().delays()
        self.calls = 0

    def join(self, id_: str) -> int:
        """Start waiting on `id_`; returns the round to ask past."""
        with self._cond:
            if not self._waiters:
                # An idle poller starts over: first round at once, then the initial delay.
                self._next_at = 0.0
                self._next_delay = self._policy.effective().delays()
            self._waiters[id_] = self._waiters.get(id_, 0) + 1
            return self._round

    def leave(self, id_: str) -> None:
        """Stop waiting on `id_`."""
        with self._cond:
            count = self._waiters.get(id_, 0) - 1
            if count > 0:
                self._waiters[id_] = count
            else:
                self._waiters.pop(id_, None)

    def observe(
        self, id_: str, after: int, deadline: float
    ) -> tuple[int, Live | Unread | BaseException | None]:
        """The first round after `after` that read `id_`, and what it read: the snapshot, None
        (gone), or the error that reading it raised.

        Once `deadline` passes it returns what it has: the latest reading, or UNREAD.
        """
        with self._cond:
            # A round counts for this waiter only if it read this id.
            while self._round <= after or id_ not in self._results:
                now = time.monotonic()
                if now >= deadline:
                    break
                if self._polling:
                    self._cond.wait(timeout=deadline - now)
                    continue
                self._polling = True
                start_at = self._next_at
                self._cond.release()
                try:
                    self._run_round(start_at, deadline)
                finally:
                    self._cond.acquire()
                    self._polling = False
                    self._cond.notify_all()
            if id_ not in self._results:
                return self._round, UNREAD
            return self._round, self._results[id_]

    def _run_round(self, start_at: float, deadline: float) -> None:
        pause = start_at - time.monotonic()
        if pause > 0:
            time.sleep(min(pause, max(deadline - time.monotonic(), 0)))
            if time.monotonic() < start_at:
                return
        with self._cond:
            ids = sorted(self._waiters)
        results: dict[str, Live | BaseException | None]
        before = aws.calls_made()
        try:
            found = self._describe_many(self._ctx, ids)
            results = {id_: found.get(id_) for id_ in ids}
        except AwsCallError as exc:
            # A transient failure (throttling, 5xx) reaches every waiter, who try again next
            # round: reading each id alone would only multiply the calls that failed. Any
            # other error is read per id, so that it reaches only its own waiter.
            if exc.transient:
                results = dict.fromkeys(ids, exc)
            else:
                results = {id_: self._read_one(id_) for id_ in ids}
        except Exception:
            # One resource's failure must not fail the others: read each on its own, so that
            # an error reaches only the waiter whose snapshot caused it.
            results = {id_: self._read_one(id_) for id_ in ids}
        with self._cond:
            self.calls += 1
            self._results = results
            self._round += 1
            self._next_at = time.monotonic() + self._next_delay()
        if os.environ.get(STATS_ENV):
            self._ctx.report(
                f"poll round {self._round} of {self._ctx.spec.type_name} in {self._ctx.region}: "
                f"{aws.calls_made() - before} status calls for {len(ids)} waits"
            )

    def _read_one(self, id_: str) -> Live | BaseException | None:
        try:
            return self._describe_one(self._ctx, id_)
        except Exception as exc:
            return exc


_pollers: dict[tuple[object, ...], SharedPoller] = {}
_lock = threading.Lock()


def shared_poller(
    kind: str,
    describe_many: DescribeMany,
    describe_one: DescribeOne,
    ctx: Context,
    policy: WaitPolicy,
) -> SharedPoller:
    """The poller of a resource kind in a region for an identity (which covers the endpoint),
    made on first use: two accounts never share a poll round."""
    key = (kind, ctx.region, ctx.identity)
    with _lock:
        poller = _pollers.get(key)
        if poller is None:
            poller = _pollers[key] = SharedPoller(describe_many, describe_one, ctx, policy)
        return poller


def reset_pollers() -> None:
    """Forget every poller (for tests that swap the fake AWS underneath)."""
    with _lock:
        _pollers.clear()
