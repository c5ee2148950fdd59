"""The throttle gate: throttled calls wait in line, in arrival order, released at a pace that
follows AWS's answers, and botocore leaves their throttling to the gate."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from pulumi_snapshots import aws
from pulumi_snapshots.aws import throttle
from pulumi_snapshots.aws.throttle import Pace, Patience, ThrottleGate
from pulumi_snapshots.errors import AwsCallError
from pulumi_snapshots.testing import FakeAwsServer
from pulumi_snapshots.testing.control import Control

REGION = "us-east-1"


def throttled() -> AwsCallError:
    return AwsCallError("CreateSnapshots", "thing", "RequestLimitExceeded", "slow down", 503)


class Clock:
    """Time that passes only when the line's head sleeps (one sleeper at a time)."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.slept.append(seconds)
            self.now += seconds


class Bucket:
    """AWS's answers, by try: each try is admitted if `admit()` says so, else throttled."""

    def __init__(self, admit: Any) -> None:
        self.admit = admit
        self.tries: list[str] = []
        self.admitted: list[str] = []
        self._lock = threading.Lock()

    def attempt(self, who: str) -> Any:
        def run() -> str:
            with self._lock:
                self.tries.append(who)
                if not self.admit(len(self.tries)):
                    raise throttled()
                self.admitted.append(who)
            return who

        return run


def test_a_throttled_call_is_tried_again_at_a_widening_spacing_then_narrower() -> None:
    clock = Clock()
    gate = ThrottleGate(Pace(first=0.1, throttled=1.5, admitted=0.5))
    bucket = Bucket(lambda n: n > 4)  # three throttled tries after the first throttled call
    assert gate.run(bucket.attempt("a"), Patience(600, clock, clock.sleep)) == "a"
    assert len(bucket.tries) == 5 and gate.tries == 4
    # The first try waits the first spacing; every throttled try widens it by half.
    assert clock.slept == pytest.approx([0.1, 0.15, 0.225, 0.3375])
    # The admitted try narrows it: the next call that is throttled waits less.
    assert gate._spacing == pytest.approx(0.3375 / 2)


def test_the_throttled_calls_of_a_burst_do_not_slow_the_pace() -> None:
    gate = ThrottleGate(Pace(first=0.1))
    clock = Clock()
    for _ in range(5):
        with pytest.raises(AwsCallError):
            gate.run(Bucket(lambda n: False).attempt("x"), Patience(0, clock, clock.sleep))
    # Each call was throttled on its first try, straight to AWS, and its deadline had passed:
    # none was released from the line, so the pace is still the first.
    assert gate.tries == 0 and gate._spacing == pytest.approx(0.1)


def test_calls_in_line_are_admitted_in_the_order_they_were_throttled() -> None:
    gate = ThrottleGate(Pace(first=0.01))
    order = [f"c{i}" for i in range(6)]
    # The first try (c0's, straight to AWS) is throttled; then every other try is admitted.
    bucket = Bucket(lambda n: n % 2 == 0)
    arrived = threading.Event()
    done = threading.Condition()
    finished = [0]

    def attempt(who: str) -> Any:
        inner = bucket.attempt(who)

        def run() -> str:
            try:
                return inner()
            finally:
                with done:
                    finished[0] += 1
                    done.notify_all()

        return run

    clock = Clock()

    def sleep(seconds: float) -> None:
        # Time moves on only once everyone is in line and every released try has had its
        # answer: what is tested is the order, not how fast threads run.
        arrived.wait()
        with done:
            done.wait_for(lambda: finished[0] == 1 + gate.tries)
        clock.sleep(seconds)

    results: list[str] = []
    threads = []
    for who in order:
        thread = threading.Thread(
            target=lambda who=who: results.append(
                gate.run(attempt(who), Patience(600, clock, sleep))
            )
        )
        thread.start()
        threads.append(thread)
        # The next caller arrives once this one is in line: c0 after its throttled try, the
        # others without a try of their own, since the line is not empty.
        while len(gate._line) < len(threads):
            time.sleep(0.001)
    arrived.set()
    for thread in threads:
        thread.join(timeout=60)
    assert results == order and bucket.admitted == order
    # c0 tried once straight away; then each caller was released, throttled, put back at the
    # front and released again, except c0, whose first release was admitted.
    assert bucket.tries == ["c0", "c0"] + [who for who in order[1:] for _ in range(2)]
    assert gate.tries == len(bucket.tries) - 1


def test_a_deadline_in_line_raises_the_last_throttling_and_leaves_the_line() -> None:
    clock = Clock()
    gate = ThrottleGate(Pace(first=1.0, throttled=2.0))
    bucket = Bucket(lambda n: False)
    with pytest.raises(AwsCallError, match="RequestLimitExceeded"):
        gate.run(bucket.attempt("late"), Patience(5, clock, clock.sleep))
    # Tries at 1 s and 3 s after the first (the spacing doubling), then the deadline at 5 s.
    assert len(bucket.tries) == 3 and clock.now == pytest.approx(5)
    assert not gate._line


def test_an_error_that_is_not_throttling_is_raised_at_once() -> None:
    clock = Clock()
    gate = ThrottleGate()

    def denied() -> None:
        raise AwsCallError("CreateSnapshots", "thing", "AccessDenied", "no", 403)

    with pytest.raises(AwsCallError, match="AccessDenied"):
        gate.run(denied, Patience(600, clock, clock.sleep))
    assert clock.slept == [] and not gate._line


@pytest.fixture
def fake(server: FakeAwsServer, control: Control, monkeypatch: pytest.MonkeyPatch) -> Control:
    for key, value in server.environment().items():
        monkeypatch.setenv(key, value)
    aws.clear_clients()
    return control


def _describes(control: Control) -> int:
    return control.request_counts().get("neptune", {}).get("DescribeDBClusterSnapshots", 0)


def test_botocore_leaves_the_throttling_of_a_gated_call_to_its_gate(fake: Control) -> None:
    aws.call_service("neptune", REGION, "describe_db_cluster_snapshots", "warm-up")
    before = _describes(fake)
    fake.throttle("neptune", "DescribeDBClusterSnapshots", 3)
    patience = Patience(time.monotonic() + 300)
    aws.call_service("neptune", REGION, "describe_db_cluster_snapshots", "gated", patience=patience)
    # Four requests, and the three after the first were released by the gate: botocore
    # retried none of them itself.
    assert _describes(fake) - before == 4
    identity = aws.identify()[1]
    gate = throttle.gate(("neptune", "describe_db_cluster_snapshots", REGION, identity))
    assert gate.tries == 3


def test_a_call_outside_a_gate_keeps_botocores_retries(fake: Control) -> None:
    aws.call_service("neptune", REGION, "describe_db_cluster_snapshots", "warm-up")
    before = _describes(fake)
    fake.throttle("neptune", "DescribeDBClusterSnapshots", 1)
    aws.call_service("neptune", REGION, "describe_db_cluster_snapshots", "read")
    assert _describes(fake) - before == 2
    identity = aws.identify()[1]
    gate = throttle.gate(("neptune", "describe_db_cluster_snapshots", REGION, identity))
    assert gate.tries == 0
