"""What a user sees when a resource fails, through the real CLI: the message, no traceback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pulumi
import pytest
from pulumi import automation as auto
from stacks import seeded_stack  # type: ignore[import-not-found]

from pulumi_snapshots import LightsailDatabaseSnapshot
from pulumi_snapshots.testing.cli import CliStack
from pulumi_snapshots.testing.server import FakeAwsServer

case: dict[str, str] = {}


def program() -> None:
    database = pulumi.Config().require("lightsailDatabaseName")
    if case["kind"] == "check":
        LightsailDatabaseSnapshot(
            "orders", relational_database_name=database, relational_database_snapshot_name="-bad"
        )
    elif case["kind"] == "create":
        LightsailDatabaseSnapshot("orders", relational_database_name="no-such-database")
    elif case["kind"] == "timeout":
        LightsailDatabaseSnapshot("orders", relational_database_name=database, timeout_minutes=0.01)
    elif case["kind"] == "get":
        LightsailDatabaseSnapshot.get("found", "no-such-snapshot")


@pytest.fixture(scope="module")
def stack(cli: Path, fake: FakeAwsServer) -> Iterator[CliStack]:
    made = seeded_stack(cli, fake, program)
    yield made
    made.remove()


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("check", "pulumi-python:dynamic/snapshots:LightsailDatabaseSnapshot resource 'orders'"),
        ("create", "create_relational_database_snapshot on LightsailDatabaseSnapshot orders-"),
        ("timeout", "LightsailDatabaseSnapshot orders-"),
        ("get", "LightsailDatabaseSnapshot.get(): no snapshot 'no-such-snapshot' in us-east-1"),
    ],
)
def test_a_failure_shows_its_message_first_and_no_traceback(
    stack: CliStack, fake: FakeAwsServer, kind: str, message: str
) -> None:
    case["kind"] = kind
    if kind == "timeout":
        fake.control.hold("lightsail", reads=10**6)
    with pytest.raises(auto.CommandError) as raised:
        stack.stack.up()
    shown = str(raised.value)
    assert "Traceback" not in shown
    # In the diagnostics, the resource's error is the message itself.
    assert [line for line in shown.splitlines() if line.strip().startswith(f"error: {message}")]
