"""Shared status polling: every snapshot of one resource kind and region that is being waited
on is read by one describe call per round; each keeps its own backoff schedule."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
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


@dataclass
class _Waiter:
    """One id's own schedule: when it is next due, and the interval that led there."""

    count: int
    due: float
    interval: float
    next_delay: Callable[[], float]

    def advance(self) -> None:
        """Move on to the next point of its own schedule."""
        self.interval = self.next_delay()
        self.due += self.interval


ROUND_WINDOW = 0.5
"""How long a round waits for later waiters, as a share of the earliest one's interval."""


def next_round(schedules: list[tuple[float, float]]) -> float:
    """When the next round is due, given each waiter's (due time, interval): the latest due
    time within half an interval (`ROUND_WINDOW`) of the earliest.

    The creates of a fleet that start over a fraction of a second then share one round, when
    the last of them is due. A fleet whose creates a token bucket admits over seconds is not
    held back for its last: the waiters due first, usually most of the fleet, are read at most
    half an interval late, and then write their done marks, which share a bucket of their own,
    while the rest are still pending. That costs at most two rounds per interval on average,
    each one call (plus paging) whatever the fleet's size."""
    if not schedules:
        return float("inf")
    earliest, interval = min(schedules)
    return max(due for due, _ in schedules if due <= earliest + interval * ROUND_WINDOW)


class SharedPoller:
    """Runs poll rounds for all current waiters; one waiter at a time makes the call.

    Each waiter keeps its own schedule from when it joined (the policy's delays), as a lone
    wait would. A round comes when the latest waiter due within half an interval of the
    earliest is due (`next_round`), and reads every waiting id with one `describe_many` call:
    no waiter is read more than half an interval after it is due, and rounds come at most two
    per interval on average, however the waiters joined. A fleet whose creates started over a
    few tenths of a second is read when its last create is due, not up to an interval after
    it, as on a grid set by the first: the wait of the fleet is that of its last create alone.
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
        lock = threading.RLock()
        self._cond = threading.Condition(lock)
        # Only the waiter that will make the next round waits here: a join that is due before
        # that round wakes it, and no one else.
        self._wake = threading.Condition(lock)
        self._waiters: dict[str, _Waiter] = {}
        self._results: Mapping[str, Live | BaseException | None] = {}
        self._round = 0
        self._polling = False
        self._planned = float("inf")
        self.calls = 0

    def join(self, id_: str) -> int:
        """Start waiting on `id_`; returns the round to ask past."""
        with self._cond:
            found = self._waiters.get(id_)
            if found is not None:
                found.count += 1
                return self._round
            next_delay = self._policy.effective().delays()
            first = next_delay()
            # No read at the join: a snapshot just started is not done yet, and the creates of
            # a fleet, which start over a few tenths of a second, then share their first round.
            due = time.monotonic() + first
            self._waiters[id_] = _Waiter(1, due, first, next_delay)
            if due < self._planned:
                self._wake.notify()
            return self._round

    def leave(self, id_: str) -> None:
        """Stop waiting on `id_`."""
        with self._cond:
            found = self._waiters.get(id_)
            if found is None:
                return
            found.count -= 1
            if found.count <= 0:
                del self._waiters[id_]

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
                try:
                    if self._when_due(deadline):
                        self._cond.release()
                        try:
                            self._run_round()
                        finally:
                            self._cond.acquire()
                finally:
                    self._polling = False
                    self._planned = float("inf")
                    self._cond.notify_all()
            if id_ not in self._results:
                return self._round, UNREAD
            return self._round, self._results[id_]

    def _plan(self) -> float:
        return next_round([(w.due, w.interval) for w in self._waiters.values()])

    def _when_due(self, deadline: float) -> bool:
        """Wait (holding the lock's condition) until the next round is due: True, or False
        when `deadline` comes first. Joins due earlier wake it, and the plan is made again on
        every wake: the waiters due within the window may have grown."""
        while True:
            self._planned = self._plan()
            now = time.monotonic()
            if now >= self._planned:
                return True
            if now >= deadline:
                return False
            self._wake.wait(timeout=min(self._planned, deadline) - now)

    def _run_round(self) -> None:
        started = time.monotonic()
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
        made = aws.calls_made() - before
        with self._cond:
            self.calls += 1
            self._results = results
            self._round += 1
            for waiter in self._waiters.values():
                # Each waiter read that was due moves on along its own schedule.
                while waiter.due <= started:
                    waiter.advance()
        if os.environ.get(STATS_ENV):
            self._ctx.report(
                f"poll round {self._round} of {self._ctx.spec.type_name} in {self._ctx.region}: "
                f"{made} status calls for {len(ids)} waits"
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
