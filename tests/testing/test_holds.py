"""Held snapshots move and end on the fake's clock, and a request's tick costs the same
whether few or many are held: it looks only at holds whose progress or end has come."""

from __future__ import annotations

from pulumi_snapshots.testing.state import State

ACCOUNT = "123456789012"


def _held(state: State, n: int, name: str) -> tuple[list[list[int]], list[list[bool]]]:
    progress: list[list[int]] = [[] for _ in range(n)]
    ended: list[list[bool]] = [[] for _ in range(n)]
    for i in range(n):
        assert state.hold(
            "ec2", ACCOUNT, "us-east-1", (f"{name}-{i}",), progress[i].append, ended[i].append
        )
    return progress, ended


def test_a_timed_hold_is_looked_at_only_when_its_progress_moves_or_it_ends() -> None:
    state = State()
    clock = state.use_manual_clock()
    state.add_rule("ec2", "timed-*", None, 10.0, "usable")
    progress, ended = _held(state, 50, "timed")

    for _ in range(20):
        state.tick()
    # Twenty requests while no time passes: each hold's progress is set once.
    assert all(p == [0] for p in progress)

    clock.advance(0.05)  # half a percent of the hold
    state.tick()
    assert all(p == [0] for p in progress)
    clock.advance(2.5)
    for _ in range(5):
        state.tick()
    assert all(p == [0, 25] for p in progress)
    assert not any(ended)

    clock.advance(7.45)  # 10 s in all
    state.tick()
    state.tick()
    assert all(e == [True] for e in ended)
    assert all(p == [0, 25] for p in progress)
    assert state.held == []


def test_a_hold_by_reads_moves_with_its_reads_only() -> None:
    state = State()
    state.use_manual_clock()
    state.add_rule("ec2", "read-*", 2, None, "error")
    progress, ended = _held(state, 3, "read")
    state.tick()
    state.tick()
    assert progress == [[0], [0], [0]]

    body = "<Snapshots><id>read-0</id><id>read-1</id></Snapshots>"
    state.count_reads("ec2", ACCOUNT, "us-east-1", body)
    state.tick()
    assert progress == [[0, 33], [0, 33], [0]]
    state.count_reads("ec2", ACCOUNT, "us-east-1", body)
    state.tick()
    assert ended == [[False], [False], []]
    assert [h.names for h in state.held] == [("read-2",)]
