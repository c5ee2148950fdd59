"""The fake's steering state: hold rules, held snapshots, pending throttles and failures,
expired credentials, request and error counts, and the clock that holds by seconds read.

Pure bookkeeping: nothing here knows moto. :mod:`.backends` finds snapshots on moto's backends
and hands them to :meth:`State.hold`; :mod:`.hook` counts requests and asks what to answer.
Rules, throttles, failures and counts can be limited to one AWS account (the account moto
serves a request in, which assumed-role credentials from its STS decide). Everything is
process-wide, as moto's backends are, and guarded by one re-entrant lock.
"""

from __future__ import annotations

import contextlib
import fnmatch
import heapq
import itertools
import json
import math
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal, cast

from pulumi_snapshots.testing.clock import Clock, ManualClock, SystemClock

__all__ = [
    "FAILURE_STATUSES",
    "HOLD_SERVICES",
    "STATE",
    "THROTTLE_SERVICES",
    "Counts",
    "ErrorCounts",
    "Rule",
    "State",
    "Then",
    "check_account",
    "hold_export",
    "hold_service",
    "service_key",
    "steered_service",
]

Then = Literal["usable", "error"]

#: Service keys accepted by ``hold``; "rds" is an alias of "neptune" (same moto backend).
HOLD_SERVICES = ("ec2", "neptune", "elasticache", "lightsail")
THROTTLE_SERVICES = (*HOLD_SERVICES, "sts")
_ALIASES = {"rds": "neptune"}
#: HTTP statuses ``fail`` answers with: the transient server errors AWS documents.
FAILURE_STATUSES = (500, 503)
_ANY = "*"
_XML_TEXT = re.compile(r">([^<>]*)<")

Counts = dict[str, dict[str, int]]
ErrorCounts = dict[str, dict[str, dict[str, int]]]


def service_key(service: str) -> str:
    """The key a service is known by in holds, throttles and counts ("rds" -> "neptune")."""
    return _ALIASES.get(service, service)


def check_account(account: str | None) -> str | None:
    """`account` if it is None or a 12-digit AWS account id; ValueError otherwise."""
    if account is not None and (
        not isinstance(account, str) or len(account) != 12 or not account.isdigit()
    ):
        raise ValueError(f"account must be a 12-digit AWS account id, got {account!r}")
    return account


def _action(action: str) -> str:
    if not isinstance(action, str) or not action:
        raise ValueError("action must be an API action name such as DescribeSnapshots")
    return action


def _count(count: int) -> int:
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ValueError("count must be an integer >= 0")
    return count


def steered_service(service: str) -> str:
    """`service` as a throttle/failure key; ValueError for a service the fake does not steer."""
    key = service_key(service)
    if key not in THROTTLE_SERVICES:
        raise ValueError(f"service must be one of {list(THROTTLE_SERVICES)}, got {service!r}")
    return key


def hold_service(service: str) -> str:
    """`service` as a hold key; ValueError for a service the fake cannot hold."""
    key = service_key(service)
    if key not in HOLD_SERVICES:
        raise ValueError(f"service must be one of {list(HOLD_SERVICES)} or 'rds', got {service!r}")
    return key


@dataclass
class Rule:
    """Hold snapshots of `service` whose id or name matches `pattern` (lower case)."""

    service: str
    pattern: str
    reads: int | None
    seconds: float | None
    then: Then
    seq: int
    account: str | None = None

    def matches(self, service: str, names: tuple[str, ...], account: str) -> bool:
        return (
            service == self.service
            and self.account in (None, account)
            and any(fnmatch.fnmatchcase(name.lower(), self.pattern) for name in names)
        )


@dataclass
class _Held:
    service: str
    account_id: str
    region: str
    names: tuple[str, ...]
    rule: Rule
    set_progress: Callable[[int], None]
    finish: Callable[[bool], None]
    clock: Clock
    started: float = 0.0
    reads_done: int = 0
    done: bool = False
    shown: int = -1
    """The progress last set."""

    def __post_init__(self) -> None:
        self.started = self.clock.now()

    @property
    def timed(self) -> bool:
        return self.rule.seconds is not None

    def next_change(self, now: float) -> float:
        """When a timed hold next moves a percent, or ends: after `now`, always."""
        seconds = self.rule.seconds or 0.0
        step = self.shown + 1 if 0 <= self.shown < 99 else 100
        return max(self.started + seconds * step / 100, math.nextafter(now, math.inf))

    def due(self) -> bool:
        if self.rule.seconds is not None:
            return self.clock.now() - self.started >= self.rule.seconds
        return self.reads_done >= (self.rule.reads or 0)

    def percent(self) -> int:
        if self.rule.seconds:
            fraction = (self.clock.now() - self.started) / self.rule.seconds
        elif self.rule.reads:
            fraction = self.reads_done / (self.rule.reads + 1)
        else:
            fraction = 0.0
        return max(0, min(99, int(fraction * 100)))


class State:
    """Hold rules, held snapshots, throttles, failures, expired keys and counts, behind one
    lock. Keys of throttles and failures end with an account id or "*" (every account)."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.rules: list[Rule] = []
        self.throttles: dict[tuple[str, str, str], int] = {}
        self.failures: dict[tuple[str, str, str], tuple[int, int]] = {}
        self.expired: set[str] = set()
        self.counts: dict[tuple[str, str, str], int] = {}
        self.errors: dict[tuple[str, str, str, str], int] = {}
        self.held: list[_Held] = []
        # What `tick` looks at, so that a request costs the same whether 5 or 500 snapshots
        # are held: timed holds in a heap per clock, by when they next move a percent or end;
        # holds by reads only once a read has counted (or when they are new).
        self._timed: dict[int, tuple[Clock, list[tuple[float, int, _Held]]]] = {}
        self._touched: list[_Held] = []
        self._order = itertools.count()
        self.clock: Clock = SystemClock()
        self.seq = itertools.count(1)
        self._exempt = threading.local()

    # ------------------------------------------------------------------------ rules

    def add_rule(
        self,
        service: str,
        match: str,
        reads: int | None,
        seconds: float | None,
        then: str,
        *,
        account: str | None = None,
        before: Callable[[str], None] | None = None,
    ) -> None:
        """Add a hold rule after checking its arguments; `before(service)` runs first, under
        the lock (to note every snapshot that predates the rule)."""
        service = hold_service(service)
        check_account(account)
        if not isinstance(match, str) or not match:
            raise ValueError("match must be a non-empty glob")
        if (reads is None) == (seconds is None):
            raise ValueError("give exactly one of reads and seconds")
        if reads is not None and (isinstance(reads, bool) or not isinstance(reads, int)):
            raise ValueError("reads must be an integer")
        if reads is not None and reads < 0:
            raise ValueError("reads must be >= 0")
        if seconds is not None and (
            isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0
        ):
            raise ValueError("seconds must be a number >= 0")
        if then not in ("usable", "error"):
            raise ValueError('then must be "usable" or "error"')
        with self.lock:
            if before is not None:
                before(service)
            self.rules.append(
                Rule(
                    service,
                    match.lower(),
                    reads,
                    float(seconds) if seconds is not None else None,
                    cast(Then, then),
                    next(self.seq),
                    account,
                )
            )

    def rule_for(self, service: str, names: tuple[str, ...], account: str) -> Rule | None:
        """The newest rule that holds a snapshot of `service` in `account` with one of
        `names`."""
        for rule in reversed(self.rules):
            if rule.matches(service, names, account):
                return rule
        return None

    @property
    def exempt(self) -> bool:
        """Whether snapshots made now, in this thread, are never held (seeded sources)."""
        return bool(getattr(self._exempt, "active", False))

    @contextlib.contextmanager
    def exempting(self) -> Iterator[None]:
        """Snapshots created inside are never held."""
        self._exempt.active = True
        try:
            yield
        finally:
            self._exempt.active = False

    # ------------------------------------------------- throttles, failures, expired keys

    def add_throttle(
        self, service: str, action: str, count: int, *, account: str | None = None
    ) -> None:
        """Fail the next `count` calls of `action` to `service` (in `account`, or in any)
        with its throttling error."""
        key = (steered_service(service), _action(action), check_account(account) or _ANY)
        _count(count)
        with self.lock:
            self.throttles[key] = count

    def take_throttle(self, service: str, action: str, account: str) -> bool:
        """Whether this call of `action` is throttled (using up one pending throttle)."""
        with self.lock:
            for key in ((service, action, account), (service, action, _ANY)):
                remaining = self.throttles.get(key, 0)
                if remaining > 0:
                    self.throttles[key] = remaining - 1
                    return True
            return False

    def add_failure(
        self,
        service: str,
        action: str,
        count: int,
        status: int = 500,
        *,
        account: str | None = None,
    ) -> None:
        """Fail the next `count` calls of `action` to `service` (in `account`, or in any)
        with a transient server error of HTTP `status`."""
        key = (steered_service(service), _action(action), check_account(account) or _ANY)
        _count(count)
        if status not in FAILURE_STATUSES:
            raise ValueError(f"status must be one of {list(FAILURE_STATUSES)}, got {status!r}")
        with self.lock:
            self.failures[key] = (count, status)

    def take_failure(self, service: str, action: str, account: str) -> int | None:
        """The HTTP status this call of `action` fails with (using up one pending failure),
        or None."""
        with self.lock:
            for key in ((service, action, account), (service, action, _ANY)):
                remaining, status = self.failures.get(key, (0, 0))
                if remaining > 0:
                    self.failures[key] = (remaining - 1, status)
                    return status
            return None

    def expire(self, access_key_id: str) -> None:
        """Treat every request signed with `access_key_id` as signed with expired credentials."""
        if not isinstance(access_key_id, str) or not access_key_id:
            raise ValueError("access_key_id must be an access key id such as ASIA...")
        with self.lock:
            self.expired.add(access_key_id)

    def is_expired(self, access_key_id: str) -> bool:
        with self.lock:
            return access_key_id in self.expired

    # ---------------------------------------------------------------------- counts

    def count(self, account: str, service: str, action: str) -> None:
        """Count one request of `action` to `service` in `account`."""
        with self.lock:
            key = (account, service, action)
            self.counts[key] = self.counts.get(key, 0) + 1

    def count_error(self, account: str, service: str, action: str, code: str) -> None:
        """Count one error the fake answered itself (throttling, failure, validation...)."""
        with self.lock:
            key = (account, service, action, code)
            self.errors[key] = self.errors.get(key, 0) + 1

    def counts_copy(self, account: str | None = None) -> Counts:
        """Requests by service and action, of `account` or of every account."""
        check_account(account)
        out: Counts = {}
        with self.lock:
            for (counted, service, action), number in self.counts.items():
                if account in (None, counted):
                    actions = out.setdefault(service, {})
                    actions[action] = actions.get(action, 0) + number
        return out

    def errors_copy(self, account: str | None = None) -> ErrorCounts:
        """The fake's own errors by service, action and code, of `account` or of every one."""
        check_account(account)
        out: ErrorCounts = {}
        with self.lock:
            for (counted, service, action, code), number in self.errors.items():
                if account in (None, counted):
                    codes = out.setdefault(service, {}).setdefault(action, {})
                    codes[code] = codes.get(code, 0) + number
        return out

    def reset(self) -> None:
        """Forget rules, throttles, failures, expired keys and counts, and go back to the
        system clock (held snapshots keep their hold and the clock they started on)."""
        with self.lock:
            self.rules.clear()
            self.throttles.clear()
            self.failures.clear()
            self.expired.clear()
            self.counts.clear()
            self.errors.clear()
            self.clock = SystemClock()

    # ----------------------------------------------------------------------- clock

    def use_manual_clock(self) -> ManualClock:
        """Make the fake read a new manual clock from now on."""
        with self.lock:
            clock = ManualClock()
            self.clock = clock
            return clock

    def advance_clock(self, seconds: float) -> float:
        """Move the manual clock forward; ValueError unless one is in use."""
        with self.lock:
            clock = self.clock
            if not isinstance(clock, ManualClock):
                raise ValueError("the fake reads the system clock: call use_manual_clock first")
            return clock.advance(seconds)

    # ----------------------------------------------------------------------- holds

    def forget_held(self) -> None:
        """Drop every hold (used when moto's backends are reset)."""
        with self.lock:
            self.held.clear()
            self._timed.clear()
            self._touched.clear()

    def hold(
        self,
        service: str,
        account_id: str,
        region: str,
        names: tuple[str, ...],
        set_progress: Callable[[int], None],
        finish: Callable[[bool], None],
        *,
        match: tuple[str, ...] | None = None,
    ) -> bool:
        """Hold a new snapshot known by `names` (or matched by `match`) if a rule matches it:
        `set_progress(percent)` moves it along and `finish(succeeded)` ends the hold. False
        when nothing holds it."""
        with self.lock:
            if self.exempt:
                return False
            rule = self.rule_for(service, match or names, account_id)
            if rule is None:
                return False
            held = _Held(service, account_id, region, names, rule, set_progress, finish, self.clock)
            self.held.append(held)
            if held.timed:
                _, heap = self._timed.setdefault(id(held.clock), (held.clock, []))
                heapq.heappush(heap, (held.started, next(self._order), held))
            else:
                self._touched.append(held)
            return True

    def tick(self) -> None:
        """Finish holds that are due; move the progress of the others."""
        with self.lock:
            ended = False
            for clock, heap in self._timed.values():
                now = clock.now()
                while heap and heap[0][0] <= now:
                    held = heapq.heappop(heap)[2]
                    if self._advance(held):
                        heapq.heappush(heap, (held.next_change(now), next(self._order), held))
                    ended = ended or held.done
            touched, self._touched = self._touched, []
            for held in touched:
                self._advance(held)
                ended = ended or held.done
            if ended:
                self.held = [held for held in self.held if not held.done]

    @staticmethod
    def _advance(held: _Held) -> bool:
        """Finish `held` if due, else show its progress; whether it is still held."""
        if held.done:
            return False
        if held.due():
            held.done = True
            held.finish(held.rule.then == "usable")
            return False
        percent = held.percent()
        if percent != held.shown:
            held.set_progress(percent)
            held.shown = percent
        return True

    def count_reads(self, service: str, account_id: str, region: str, body: str) -> None:
        """Count one read of each held snapshot that `body` (a response) includes."""
        with self.lock:
            where = (service, account_id, region)
            held_here = [
                held
                for held in self.held
                if not held.done and (held.service, held.account_id, held.region) == where
            ]
            if not held_here:
                return
            values = _texts(body)
            for held in held_here:
                if any(name in values for name in held.names):
                    held.reads_done += 1
                    if not held.timed:
                        self._touched.append(held)


def _texts(body: str) -> set[str]:
    """Every text of a response body: the strings of a JSON body, the text nodes of XML."""
    if body.lstrip().startswith(("{", "[")):
        try:
            document = json.loads(body)
        except ValueError:
            return set()
        found: set[str] = set()
        pending = [document]
        while pending:
            item = pending.pop()
            if isinstance(item, str):
                found.add(item)
            elif isinstance(item, dict):
                pending.extend(item.values())
            elif isinstance(item, list):
                pending.extend(item)
        return found
    return set(_XML_TEXT.findall(body))


STATE = State()


def hold_export(
    account_id: str,
    region: str,
    target_name: str,
    source: Any,
    on_done: Callable[[bool], None],
) -> bool:
    """Hold an ElastiCache export named `target_name` if a rule matches it.

    The source snapshot (a moto ``Snapshot``) reads ``exporting`` until the hold ends, then
    ``available`` again, and `on_done` is told whether the export succeeded. False when no
    rule matches.
    """

    def finish(succeeded: bool) -> None:
        source.snapshot_status = "available"
        on_done(succeeded)

    with STATE.lock:
        # Matched by the export's name; its reads are reads of the source.
        names = (str(source.snapshot_name),)
        if not STATE.hold(
            "elasticache", account_id, region, names, _no_progress, finish, match=(target_name,)
        ):
            return False
        source.snapshot_status = "exporting"
        return True


def _no_progress(_percent: int) -> None:
    pass
