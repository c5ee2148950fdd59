"""The real-engine tier: real stacks through the real `pulumi` CLI against the fake AWS."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from pulumi_snapshots.testing.cli import CLI_ENV, REQUIRE_CLI_ENV, find_cli
from pulumi_snapshots.testing.server import FakeAwsServer


@pytest.fixture(scope="session")
def cli() -> Path:
    """The `pulumi` binary; without one the tier is skipped, or fails where it is required."""
    found = find_cli()
    if found is None or not found.exists():
        why = (
            f"no Pulumi CLI: run `python3 tasks.py engine` (needs Go), set {CLI_ENV}, or put "
            "`pulumi` on PATH"
        )
        if os.environ.get(REQUIRE_CLI_ENV):
            pytest.fail(f"{why}; {REQUIRE_CLI_ENV} is set, so the real-engine tier must run")
        pytest.skip(why)
    return found


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeAwsServer]:
    """The fake AWS on 127.0.0.1 for one module. Its data, holds and clock are this process's,
    shared with every other fake of it: start and end clean."""
    with FakeAwsServer() as running:
        running.control.reset()
        yield running
        running.control.reset()
