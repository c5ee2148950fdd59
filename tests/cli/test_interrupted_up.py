"""An `up` killed mid-wait, as a pipeline kills it, through the real CLI and its file backend.

The CLI starts the provider host in a process group of its own, so a SIGKILL of the CLI's group
leaves the host running; it notices that the engine is gone and ends (`hostpool.watch_engine`),
leaving the snapshot marked `creating`. The file backend keeps the stack's lock, and the state
keeps a pending create. What a user does next must end with one snapshot and nothing orphaned.
"""

from __future__ import annotations

import os
import select
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from pulumi import automation as auto

from pulumi_snapshots.testing.cli import CliStack
from pulumi_snapshots.testing.quickstart import seed_sources
from pulumi_snapshots.testing.server import FakeAwsServer

DRIVER = Path(__file__).with_name("driver_up.py")
HOLD_SECONDS = 3600.0
"""How long, on the fake's manual clock, the snapshot stays pending: until the test says."""


@pytest.fixture
def killed(cli: Path, fake: FakeAwsServer) -> Iterator[CliStack]:
    """A stack whose first `up` was SIGKILLed while it waited for its snapshot."""
    config = seed_sources(fake.endpoint, fake.control)
    stack = CliStack(
        cli=cli,
        program=_program,
        env=fake.environment(PULUMI_SNAPSHOTS_POLL_SECONDS="0.05"),
        config={"aws:region": config["aws:region"], **config},
    )
    fake.control.use_manual_clock()
    fake.control.hold("lightsail", seconds=HOLD_SECONDS)
    process = stack.start_up(DRIVER, str(cli), str(stack.root))
    # The provider's first progress line of the wait: the create was sent, the wait began.
    _read_until(process, " is still creating")
    stack.kill(process)
    # The orphaned provider host ends by itself.
    orphans = stack.provider_hosts()
    assert orphans, "the CLI's provider host went with it: nothing to test"
    _wait_for_exit(orphans)
    assert stack.provider_hosts() == []
    yield stack
    fake.control.reset()
    stack.remove()


def _program() -> None:
    from driver_up import program  # type: ignore[import-not-found]

    program()


def test_the_next_up_resumes_the_snapshot(killed: CliStack, fake: FakeAwsServer) -> None:
    assert [s["name"] for s in _snapshots(fake, killed)] and _pending(killed) == ["creating"]
    with pytest.raises(auto.CommandError, match="the stack is currently locked"):
        killed.stack.up()
    assert killed.run("cancel", "--yes").code == 0
    fake.control.advance_clock(HOLD_SECONDS)
    lines: list[str] = []
    up = killed.stack.up(on_output=lines.append)
    assert up.summary.result == "succeeded"
    assert "pending operations" in "".join(lines)
    assert "resuming the wait" in "".join(lines)
    (made,) = killed.created()
    assert [s["name"] for s in _snapshots(fake, killed)] == [made.id]
    # One snapshot: the second up's own request was refused (the name was taken), and only then
    # was the snapshot there read and resumed.
    assert _counts(fake)["CreateRelationalDatabaseSnapshot"] == 2
    # The engine keeps the pending create until a refresh clears it.
    assert _pending(killed) == ["creating"]
    assert killed.stack.refresh(clear_pending_creates=True).summary.result == "succeeded"
    assert _pending(killed) == []
    killed.stack.destroy()
    assert _snapshots(fake, killed) == []


def test_a_destroy_right_after_the_kill_leaves_the_snapshot_so_up_first(
    killed: CliStack, fake: FakeAwsServer
) -> None:
    assert killed.run("cancel", "--yes").code == 0
    killed.stack.destroy()
    # The engine knows no snapshot yet: the pending create is not in its resources.
    assert len(_snapshots(fake, killed)) == 1
    # The documented way out: `up` takes the snapshot over, then `destroy` deletes it.
    fake.control.advance_clock(HOLD_SECONDS)
    killed.stack.up()
    assert len(_snapshots(fake, killed)) == 1
    assert _counts(fake)["CreateRelationalDatabaseSnapshot"] == 2
    killed.stack.destroy()
    assert _snapshots(fake, killed) == []


def _snapshots(fake: FakeAwsServer, stack: CliStack) -> list[dict[str, object]]:
    """The snapshots of this stack's database (the fake keeps those of earlier tests)."""
    database = stack.config["lightsailDatabaseName"]
    listed = fake.client("lightsail").get_relational_database_snapshots()
    return [
        s
        for s in listed["relationalDatabaseSnapshots"]
        if s.get("fromRelationalDatabaseName") == database
    ]


def _counts(fake: FakeAwsServer) -> dict[str, int]:
    return dict(fake.control.request_counts().get("lightsail", {}))


def _pending(stack: CliStack) -> list[str]:
    return [str(o["type"]) for o in stack.export()["deployment"].get("pending_operations") or []]


def _read_until(process: subprocess.Popen[str], text: str) -> None:
    """Read the driver's output until a line holds `text` (no clock: it blocks on the pipe)."""
    assert process.stdout is not None
    seen = []
    for line in process.stdout:
        seen.append(line)
        if text in line:
            return
    raise AssertionError(f"the driver ended before {text!r}: {''.join(seen)}")


def _wait_for_exit(pids: list[int]) -> None:
    """Block until each process has exited (Linux pidfds; no clock, no polling)."""
    for pid in pids:
        try:
            handle = os.pidfd_open(pid)
        except ProcessLookupError:
            continue
        try:
            select.select([handle], [], [])
        finally:
            os.close(handle)
