"""The wait loop: backoff, deadline, progress lines and final states."""

from __future__ import annotations

import pytest

from pulumi_snapshots.engine.waiter import POLL_ENV, Observation, Target, WaitPolicy, wait_for
from pulumi_snapshots.errors import WaitTimeout

TARGET = Target(frozenset({"available"}), frozenset({"failed"}))


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def run(states: list[str], timeout: float, policy: WaitPolicy, clock: FakeClock) -> Observation:
    lines: list[str] = []
    feed = iter(states)
    result = wait_for(
        "Thing snap-1",
        lambda: Observation(next(feed), 50.0),
        TARGET,
        timeout,
        policy,
        lines.append,
        clock=clock,
        sleep=clock.sleep,
    )
    return result


def test_backs_off_up_to_the_ceiling(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(POLL_ENV, raising=False)
    clock = FakeClock()
    result = run(["creating"] * 5 + ["available"], 3600, WaitPolicy(2, 2, 10), clock)
    assert result.state == "available"
    assert clock.sleeps == [2, 4, 8, 10, 10]


def test_stops_at_a_failed_state(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(POLL_ENV, raising=False)
    clock = FakeClock()
    assert run(["creating", "failed"], 60, WaitPolicy(1, 1, 1), clock).state == "failed"


def test_deadline_names_subject_and_last_state(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(POLL_ENV, raising=False)
    clock = FakeClock()
    with pytest.raises(WaitTimeout, match=r"Thing snap-1 .* last state: creating, progress 50%"):
        run(["creating"] * 100, 30, WaitPolicy(4, 2, 100), clock)
    # It never sleeps past the deadline.
    assert sum(clock.sleeps) == 30


def test_progress_lines_are_printed_on_change(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(POLL_ENV, raising=False)
    clock = FakeClock()
    lines: list[str] = []
    feed = iter([("creating", 10.0), ("creating", 10.0), ("creating", 60.0), ("available", 100.0)])
    wait_for(
        "Thing x",
        lambda: Observation(*next(feed)),
        TARGET,
        600,
        WaitPolicy(1, 1, 1),
        lines.append,
        clock=clock,
        sleep=clock.sleep,
    )
    assert lines == [
        "Thing x is still creating 10% after 0s",
        "Thing x is still creating 60% after 2s",
        "Thing x is available 100% after 3s",
    ]


def test_environment_sets_a_fixed_interval(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(POLL_ENV, "0.25")
    clock = FakeClock()
    run(["creating"] * 3 + ["available"], 60, WaitPolicy(5, 2, 30), clock)
    assert clock.sleeps == [0.25, 0.25, 0.25]
