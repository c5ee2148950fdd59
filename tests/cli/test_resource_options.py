"""`replace_on_changes` and `ignore_changes` through the real CLI.

The engine applies both itself: `ignore_changes` by resetting the ignored inputs before Check
and Diff, `replace_on_changes` from the changed keys of Diff's answer, which the dynamic host
never sends unless this project adds them (`hostpool.send_changed_keys`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pulumi
import pytest
from stacks import seeded_stack  # type: ignore[import-not-found]

from pulumi_snapshots import LightsailDatabaseSnapshot
from pulumi_snapshots.testing.cli import CliStack
from pulumi_snapshots.testing.server import FakeAwsServer

team = {"value": "a"}


def program() -> None:
    database = pulumi.Config().require("lightsailDatabaseName")
    LightsailDatabaseSnapshot(
        "replaced",
        relational_database_name=database,
        tags={"team": team["value"]},
        opts=pulumi.ResourceOptions(replace_on_changes=["tags"]),
    )
    LightsailDatabaseSnapshot(
        "ignored",
        relational_database_name=database,
        tags={"team": team["value"]},
        opts=pulumi.ResourceOptions(ignore_changes=["tags"]),
    )
    LightsailDatabaseSnapshot(
        "updated", relational_database_name=database, tags={"team": team["value"]}
    )


@pytest.fixture
def stack(cli: Path, fake: FakeAwsServer) -> Iterator[CliStack]:
    made = seeded_stack(cli, fake, program)
    yield made
    team["value"] = "a"
    made.remove()


def test_replace_on_changes_replaces_and_ignore_changes_ignores(stack: CliStack) -> None:
    stack.stack.up()
    before = {r.name: r.id for r in stack.created()}
    team["value"] = "b"
    up = stack.stack.up()
    assert up.summary.resource_changes == {"replace": 1, "update": 1, "same": 2}
    after = {r.name: r for r in stack.created()}
    assert after["replaced"].id != before["replaced"]
    assert after["replaced"].outputs["tags"] == {"team": "b"}
    assert after["ignored"].outputs["tags"] == {"team": "a"}
    assert after["updated"].id == before["updated"]
    assert after["updated"].outputs["tags"] == {"team": "b"}
    stack.stack.destroy()


def test_ignore_changes_does_not_ignore_drift_that_refresh_found(
    stack: CliStack, fake: FakeAwsServer
) -> None:
    # The limit the README states: the next `up` sets a drifted tag back.
    stack.stack.up()
    ignored = next(r for r in stack.created() if r.name == "ignored")
    lightsail = fake.client("lightsail")
    lightsail.tag_resource(resourceName=ignored.id, tags=[{"key": "team", "value": "x"}])
    assert stack.stack.refresh().summary.resource_changes == {"update": 1, "same": 3}
    assert stack.stack.up().summary.resource_changes == {"update": 1, "same": 3}
    live = lightsail.get_relational_database_snapshot(relationalDatabaseSnapshotName=ignored.id)
    tags = {t["key"]: t["value"] for t in live["relationalDatabaseSnapshot"]["tags"]}
    assert tags["team"] == "a"
    stack.stack.destroy()
