"""Shared lookups: concurrent callers share calls, each gets its own answer or its call's error."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor

import pytest

from pulumi_snapshots.engine.batch import SharedLookup, reset_lookups, shared_lookup


class HeldFirstCall:
    """A `lookup_many` whose first call waits, once started, until `release` is set."""

    def __init__(self, answer: Callable[[str, int], str | None]) -> None:
        self.answer = answer
        self.started = threading.Event()
        self.release = threading.Event()
        self.calls: list[list[str]] = []

    def __call__(self, keys: Sequence[str]) -> Mapping[str, str]:
        self.calls.append(list(keys))
        if len(self.calls) == 1:
            self.started.set()
            self.release.wait()
        found = {k: self.answer(k, len(self.calls)) for k in keys}
        return {k: v for k, v in found.items() if v is not None}


def test_callers_that_arrive_during_a_call_share_the_next_one() -> None:
    lookup = HeldFirstCall(lambda key, _: None if key == "missing" else key.upper())
    first_started, release_first, calls = lookup.started, lookup.release, lookup.calls
    shared: SharedLookup[str, str] = SharedLookup(lookup)
    with ThreadPoolExecutor(9) as pool:
        first = pool.submit(shared.get, "a")
        assert first_started.wait(10)
        later = {k: pool.submit(shared.get, k) for k in ("b", "c", "b", "missing")}
        # Every later caller is queued before the first call returns.
        while len(shared._queued) < 3:
            threading.Event().wait(0.001)
        release_first.set()
        assert first.result(10) == "A"
        assert {k: f.result(10) for k, f in later.items()} == {
            "b": "B",
            "c": "C",
            "missing": None,
        }
    # Two calls for five callers: the first, and one for all who came during it.
    assert calls[0] == ["a"] and sorted(calls[1]) == ["b", "c", "missing"] and len(calls) == 2


def test_a_failed_call_fails_every_caller_it_carried_and_the_next_call_is_fresh() -> None:
    answers = iter([RuntimeError("throttled"), {"a": 1}])

    def lookup(keys: Sequence[str]) -> Mapping[str, int]:
        got = next(answers)
        if isinstance(got, Exception):
            raise got
        return got

    shared: SharedLookup[str, int] = SharedLookup(lookup)
    with pytest.raises(RuntimeError, match="throttled"):
        shared.get("a")
    assert shared.get("a") == 1
    assert shared.calls == 2


def test_lookups_are_shared_per_key_until_reset() -> None:
    reset_lookups()
    made = shared_lookup(("kind", "us-east-1"), lambda keys: dict.fromkeys(keys, 1))
    assert shared_lookup(("kind", "us-east-1"), lambda keys: {}) is made
    assert shared_lookup(("kind", "eu-west-1"), lambda keys: {}) is not made
    reset_lookups()
    assert shared_lookup(("kind", "us-east-1"), lambda keys: {}) is not made


def test_the_caller_that_makes_a_call_makes_it_with_its_own_lookup() -> None:
    shared: SharedLookup[str, str] = SharedLookup(lambda keys: dict.fromkeys(keys, "first"))
    assert shared.get("a") == "first"
    # A later caller's context (a fresh deadline, say) is the one its call runs with.
    assert shared.get("a", lambda keys: dict.fromkeys(keys, "later")) == "later"


@pytest.mark.parametrize("join", [True, False])
def test_a_lookup_that_joins_in_flight_answers_a_caller_from_the_call_carrying_its_key(
    join: bool,
) -> None:
    lookup = HeldFirstCall(lambda key, call: f"{key}{call}")
    first_started, release_first, calls = lookup.started, lookup.release, lookup.calls
    shared: SharedLookup[str, str] = SharedLookup(lookup, join_in_flight=join)
    with ThreadPoolExecutor(4) as pool:
        first = pool.submit(shared.get, "source")
        assert first_started.wait(10)
        same = [pool.submit(shared.get, "source") for _ in range(2)]
        other = pool.submit(shared.get, "other")
        # The other key is queued; so are the same key's callers unless they join.
        while len(shared._queued) < 1 or sum(shared._waiting.values()) < 4:
            threading.Event().wait(0.001)
        assert shared._queued == (["other"] if join else ["source", "other"])
        release_first.set()
        # Joined, they share the first call's answer; else every caller of the key waits for
        # the second call, which the later ones queued it for.
        assert [f.result(10) for f in (first, *same)] == ["source1" if join else "source2"] * 3
        assert other.result(10) == "other2"
    assert len(calls) == 2
    assert calls[1] == (["other"] if join else ["source", "other"])
