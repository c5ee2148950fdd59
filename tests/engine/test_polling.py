"""The shared poller: one call per round for every waiter, errors kept to their own waiter,
deadlines honoured."""

from __future__ import annotations

import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from pulumi_snapshots.engine.polling import UNREAD, SharedPoller, next_round
from pulumi_snapshots.engine.spec import Live
from pulumi_snapshots.engine.waiter import POLL_ENV, WaitPolicy
from pulumi_snapshots.errors import AwsCallError


def live(id_: str) -> Live:
    return Live(id=id_, state="ok", tags={}, tag_target=id_, outputs={})


class Service:
    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.singles: list[str] = []
        self.batch_fails = False

    def many(self, ctx: Any, ids: list[str]) -> Mapping[str, Live | None]:
        self.batches.append(ids)
        if self.batch_fails:
            raise RuntimeError("the batch read failed")
        return {i: live(i) for i in ids if i != "gone"}

    def one(self, ctx: Any, id_: str) -> Live | None:
        self.singles.append(id_)
        if id_ == "bad":
            raise RuntimeError("bad is broken")
        return None if id_ == "gone" else live(id_)


@pytest.fixture
def service(monkeypatch: pytest.MonkeyPatch) -> Service:
    monkeypatch.delenv(POLL_ENV, raising=False)
    return Service()


def test_one_call_serves_every_waiter(service: Service) -> None:
    poller = SharedPoller(service.many, service.one, None, WaitPolicy(0.01, 1, 0.01))  # type: ignore[arg-type]
    ids = [f"s{i}" for i in range(8)] + ["gone"]
    marks = {i: poller.join(i) for i in ids}
    deadline = time.monotonic() + 300  # only a guard against a hang
    with ThreadPoolExecutor(len(ids)) as pool:
        answers = pool.map(lambda i: poller.observe(i, marks[i], deadline), ids)
        results = dict(zip(ids, answers, strict=True))
    assert all(results[i][1] == live(i) for i in ids if i != "gone")
    assert results["gone"][1] is None
    assert len(service.batches) == 1 and sorted(service.batches[0]) == sorted(ids)


def test_a_failed_batch_is_read_one_by_one_and_errors_stay_with_their_id(
    service: Service,
) -> None:
    service.batch_fails = True
    poller = SharedPoller(service.many, service.one, None, WaitPolicy(0.01, 1, 0.01))  # type: ignore[arg-type]
    marks = {i: poller.join(i) for i in ("good", "bad")}
    deadline = time.monotonic() + 300  # only a guard against a hang
    with ThreadPoolExecutor(2) as pool:
        good = pool.submit(poller.observe, "good", marks["good"], deadline)
        bad = pool.submit(poller.observe, "bad", marks["bad"], deadline)
        assert good.result()[1] == live("good")
        error = bad.result()[1]
        assert isinstance(error, RuntimeError) and str(error) == "bad is broken"
    assert sorted(service.singles) == ["bad", "good"]


def test_a_transient_batch_failure_reaches_every_waiter_without_reads_one_by_one(
    service: Service,
) -> None:
    throttled = AwsCallError("describe_things", "things", "Throttling", "Rate exceeded", 400)

    def many(ctx: Any, ids: list[str]) -> Mapping[str, Live | None]:
        service.batches.append(ids)
        raise throttled

    poller = SharedPoller(many, service.one, None, WaitPolicy(0.01, 1, 0.01))  # type: ignore[arg-type]
    marks = {i: poller.join(i) for i in ("a", "b")}
    deadline = time.monotonic() + 300  # only a guard against a hang
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda i: poller.observe(i, marks[i], deadline), ("a", "b")))
    assert [a[1] for a in answers] == [throttled, throttled]
    assert service.singles == [] and len(service.batches) == 1


def test_a_deadline_before_the_next_round_returns_unread(service: Service) -> None:
    poller = SharedPoller(service.many, service.one, None, WaitPolicy(30, 1, 30))  # type: ignore[arg-type]
    late = poller.join("late")
    started = time.monotonic()
    # Its first round is 30 s after the join: the deadline comes first.
    assert poller.observe("late", late, started + 0.2)[1] is UNREAD
    assert service.batches == []


def test_a_round_that_did_not_read_an_id_does_not_count_for_it(service: Service) -> None:
    poller = SharedPoller(service.many, service.one, None, WaitPolicy(0.01, 1, 0.01))  # type: ignore[arg-type]
    mark = poller.join("a")
    poller.observe("a", mark, time.monotonic() + 300)
    # "b" joins after that round: its first answer must come from a round that read it.
    mark_b = poller.join("b")
    assert poller.observe("b", mark_b, time.monotonic() + 300)[1] == live("b")
    assert "b" in service.batches[-1]


def test_a_round_waits_for_the_waiters_due_within_half_an_interval_of_the_earliest() -> None:
    # Creates of a fleet on 1 s intervals, due over 1.2 s: one round, when the last of those
    # within half an interval of the first is due; the ones due 0.6 s and 1.2 s after the
    # first wait for a later round.
    assert next_round([(10.3, 1.0), (10.0, 1.0), (11.2, 1.0), (10.4, 1.0), (10.6, 1.0)]) == 10.4
    # A lone waiter is read when it is due.
    assert next_round([(42.0, 5.0)]) == 42.0
    # Backoff: the earliest waiter's own interval bounds how long it waits.
    assert next_round([(0.0, 30.0), (14.0, 5.0), (16.0, 5.0)]) == 14.0
    assert next_round([]) == float("inf")
