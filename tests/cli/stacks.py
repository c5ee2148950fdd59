"""Stacks the real-engine tests share."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pulumi_snapshots.testing.cli import CliStack
from pulumi_snapshots.testing.quickstart import seed_sources
from pulumi_snapshots.testing.server import FakeAwsServer


def seeded_stack(cli: Path, fake: FakeAwsServer, program: Callable[[], None]) -> CliStack:
    """A stack of `program` whose config names the quickstart's sources, seeded in `fake`."""
    config = seed_sources(fake.endpoint, fake.control)
    config.pop("drRegion")
    return CliStack(
        cli=cli,
        program=program,
        env=fake.environment(PULUMI_SNAPSHOTS_POLL_SECONDS="0.01"),
        config=config,
    )
