"""All five resources in one real stack, through the real `pulumi` CLI and its file backend.

The tests run in order on one stack (each starts from what the one before left), as a user's
stack lives: preview, up, no-change runs, in-place updates, replacements, drift, teardown.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pulumi
import pytest
from stacks import seeded_stack  # type: ignore[import-not-found]

from pulumi_snapshots import (
    Ec2MultiVolumeSnapshot,
    ElastiCacheSnapshotCopy,
    LightsailDatabaseSnapshot,
    LightsailSnapshotCopy,
    NeptuneClusterSnapshotCopy,
)
from pulumi_snapshots.testing.cli import CliStack
from pulumi_snapshots.testing.environment import fake_client
from pulumi_snapshots.testing.quickstart import still_exists
from pulumi_snapshots.testing.server import FakeAwsServer

SECRET = "tag-value-that-must-stay-secret"
SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d"
"""The key by which the engine's state marks a secret value."""
FIVE = [
    "Ec2MultiVolumeSnapshot",
    "LightsailSnapshotCopy",
    "LightsailDatabaseSnapshot",
    "ElastiCacheSnapshotCopy",
    "NeptuneClusterSnapshotCopy",
]
NAMES = {
    "Ec2MultiVolumeSnapshot": "volumes",
    "LightsailSnapshotCopy": "web",
    "LightsailDatabaseSnapshot": "orders",
    "ElastiCacheSnapshotCopy": "sessions",
    "NeptuneClusterSnapshotCopy": "graph",
}
params: dict[str, Any] = {"team": "a", "description": "data volumes"}
"""What the program reads; a test changes it to change the stack."""


def program() -> None:
    config = pulumi.Config()
    tags = {"team": params["team"], "token": pulumi.Output.secret(SECRET)}
    Ec2MultiVolumeSnapshot(
        "volumes",
        instance_id=config.require("instanceId"),
        description=params["description"],
        tags=tags,
    )
    web = LightsailSnapshotCopy(
        "web",
        source_region="us-east-1",
        source_snapshot_name=config.require("lightsailSnapshotName"),
        tags=tags,
    )
    # An input that is another resource's output: unknown in a first preview.
    LightsailSnapshotCopy(
        "web-again",
        source_region="us-east-1",
        source_snapshot_name=web.target_snapshot_name,
        tags={"team": params["team"]},
    )
    LightsailDatabaseSnapshot(
        "orders", relational_database_name=config.require("lightsailDatabaseName"), tags=tags
    )
    ElastiCacheSnapshotCopy(
        "sessions", source_snapshot_name=config.require("elasticacheSnapshotName"), tags=tags
    )
    NeptuneClusterSnapshotCopy(
        "graph",
        source_db_cluster_snapshot_identifier=config.require("neptuneSnapshotArn"),
        tags=tags,
    )


@pytest.fixture(scope="module")
def stack(cli: Path, fake: FakeAwsServer) -> Iterator[CliStack]:
    made = seeded_stack(cli, fake, program)
    yield made
    made.remove()


def ids(stack: CliStack) -> dict[str, str]:
    return {r.name: r.id for r in stack.created()}


def in_fake(stack: CliStack, fake: FakeAwsServer) -> dict[str, bool]:
    return {r.name: still_exists(r, fake.endpoint) for r in stack.created()}


def test_preview_plans_a_stack_whose_input_is_an_output(stack: CliStack) -> None:
    result = stack.stack.preview()
    # The stack, the five, and the copy of the copy.
    assert result.change_summary == {"create": 7}


def test_up_then_preview_refresh_preview_show_no_change(
    stack: CliStack, fake: FakeAwsServer
) -> None:
    up = stack.stack.up()
    assert up.summary.result == "succeeded"
    assert up.summary.resource_changes == {"create": 7}
    assert sorted(r.type_name for r in stack.created()) == sorted([*FIVE, "LightsailSnapshotCopy"])
    assert all(in_fake(stack, fake).values())
    assert stack.stack.preview(expect_no_changes=True).change_summary == {"same": 7}
    refreshed = stack.stack.refresh(expect_no_changes=True)
    assert refreshed.summary.resource_changes == {"same": 7}
    assert stack.stack.preview(expect_no_changes=True).change_summary == {"same": 7}


def test_secret_tags_are_never_plain_text_in_the_state(stack: CliStack) -> None:
    exported = json.dumps(stack.export())
    assert SECRET not in exported
    graph = stack.resources("NeptuneClusterSnapshotCopy")[0]["outputs"]
    for key in ("tags", "tags_all", "__tags"):
        # Encrypted where it was plain: the engine's signature of a secret value.
        assert SECRET_SIGNATURE in json.dumps(graph[key]), key


def test_a_tag_change_updates_in_place(stack: CliStack, fake: FakeAwsServer) -> None:
    before = ids(stack)
    params["team"] = "b"
    up = stack.stack.up()
    assert up.summary.resource_changes == {"update": 6, "same": 1}
    assert ids(stack) == before
    ec2 = fake_client("ec2", "us-east-1", fake.endpoint)
    first = before["volumes"].split(",")[0]
    tags = ec2.describe_snapshots(SnapshotIds=[first])["Snapshots"][0]["Tags"]
    assert {"Key": "team", "Value": "b"} in tags
    assert stack.stack.preview(expect_no_changes=True).change_summary == {"same": 7}


def test_a_source_change_replaces(stack: CliStack, fake: FakeAwsServer) -> None:
    before = stack.created()
    params["description"] = "data volumes, again"
    up = stack.stack.up()
    assert up.summary.resource_changes == {"replace": 1, "same": 6}
    old = next(r for r in before if r.name == "volumes")
    assert ids(stack)["volumes"] != old.id
    assert not still_exists(old, fake.endpoint)
    assert all(in_fake(stack, fake).values())


def test_up_replace_makes_new_snapshots_and_deletes_the_old(
    stack: CliStack, fake: FakeAwsServer
) -> None:
    before = {r.name: r for r in stack.created()}
    urns = [stack.urn(name) for name in NAMES.values()]
    up = stack.stack.up(replace=urns)
    # The copy of the copy follows its source, whose replacement has a new name.
    assert up.summary.resource_changes == {"replace": 6, "same": 1}
    after = {r.name: r for r in stack.created()}
    for name in NAMES.values():
        assert after[name].id != before[name].id, name
        assert not still_exists(before[name], fake.endpoint), name
        assert still_exists(after[name], fake.endpoint), name
    # The next run is quiet: a generated name that moved on is no change.
    assert stack.stack.preview(expect_no_changes=True).change_summary == {"same": 7}


def test_refresh_drops_a_snapshot_deleted_out_of_band_and_up_makes_it_again(
    stack: CliStack, fake: FakeAwsServer
) -> None:
    gone = next(r for r in stack.created() if r.name == "orders")
    lightsail = fake_client("lightsail", "us-east-1", fake.endpoint)
    lightsail.delete_relational_database_snapshot(relationalDatabaseSnapshotName=gone.id)
    refreshed = stack.stack.refresh()
    assert refreshed.summary.resource_changes == {"delete": 1, "same": 6}
    assert "orders" not in ids(stack)
    up = stack.stack.up()
    assert up.summary.resource_changes == {"create": 1, "same": 6}
    assert in_fake(stack, fake)["orders"]


def test_destroy_leaves_nothing(stack: CliStack, fake: FakeAwsServer) -> None:
    made = stack.created()
    assert len(made) == 6
    stack.stack.destroy()
    assert stack.created() == []
    assert [r.name for r in made if still_exists(r, fake.endpoint)] == []
