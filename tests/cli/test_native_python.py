"""The native plugin through the real CLI, from a Python program on the generated Python SDK:
preview, up, refresh, import, customTimeouts and destroy against the fake AWS."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi import automation as auto

from pulumi_snapshots.testing.cli import CliStack
from pulumi_snapshots.testing.native import python_sdk, sdkgen
from pulumi_snapshots.testing.quickstart import fake_client, hold_pending, seed_sources
from pulumi_snapshots.testing.server import FakeAwsServer

REGION = "us-east-1"
CREATES = {
    "CopySnapshot",
    "CreateRelationalDatabaseSnapshot",
    "CreateSnapshots",
    "CopyDBClusterSnapshot",
}


@pytest.fixture(scope="module")
def sdk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if sdkgen() is None:
        pytest.skip("no snapshots-sdkgen: `python3 tasks.py sdkgen` builds it (needs Go)")
    site = python_sdk(tmp_path_factory.mktemp("python-sdk"))
    sys.path.insert(0, str(site))
    try:
        import pulumi_snapshots_native

        yield pulumi_snapshots_native
    finally:
        sys.path.remove(str(site))


def native_stack(cli: Path, fake: FakeAwsServer, program: Any) -> tuple[CliStack, dict[str, str]]:
    sources = seed_sources(fake.endpoint, fake.control, region=REGION)
    config = {k: v for k, v in sources.items() if not k.startswith(("aws:", "dr"))}
    # A native provider reads its own namespace only, never `aws:*`.
    config["snapshots:region"] = REGION
    stack = CliStack(
        cli=cli,
        program=program,
        env=fake.environment(PULUMI_SNAPSHOTS_POLL_SECONDS="0.01"),
        config=config,
    )
    return stack, sources


def creates(fake: FakeAwsServer) -> int:
    counts = fake.control.request_counts()
    return sum(n for actions in counts.values() for a, n in actions.items() if a in CREATES)


def test_a_python_program_through_a_whole_lifecycle(
    cli: Path, fake: FakeAwsServer, sdk: Any
) -> None:
    adopted: dict[str, str] = {}

    def program() -> None:
        cfg = pulumi.Config()
        db = sdk.LightsailDatabaseSnapshot(
            "orders",
            relational_database_name=cfg.require("lightsailDatabaseName"),
            tags={"team": "data"},
        )
        sdk.LightsailSnapshotCopy(
            "web", source_region=REGION, source_snapshot_name=cfg.require("lightsailSnapshotName")
        )
        sdk.ElastiCacheSnapshotCopy(
            "sessions", source_snapshot_name=cfg.require("elasticacheSnapshotName")
        )
        ec2 = sdk.Ec2MultiVolumeSnapshot("app", instance_id=cfg.require("instanceId"))
        sdk.NeptuneClusterSnapshotCopy(
            "graph",
            source_db_cluster_snapshot_identifier=cfg.require("neptuneSnapshotArn"),
            opts=pulumi.ResourceOptions(custom_timeouts=pulumi.CustomTimeouts(create="5m")),
        )
        if adopted:
            sdk.LightsailDatabaseSnapshot(
                "adopted",
                relational_database_name=cfg.require("lightsailDatabaseName"),
                relational_database_snapshot_name=adopted["id"],
                opts=pulumi.ResourceOptions(
                    import_=None if adopted.get("imported") else adopted["id"]
                ),
            )
        pulumi.export("db", db.relational_database_snapshot_name)
        pulumi.export("tagsAll", db.tags_all)
        pulumi.export("volumes", ec2.snapshots.apply(lambda s: [v["volume_id"] for v in s]))

    fake.control.reset()
    stack, sources = native_stack(cli, fake, program)
    try:
        before = creates(fake)
        preview = stack.stack.preview()
        assert preview.change_summary.get("create") == 6
        assert creates(fake) == before, "a preview makes no AWS call that creates"

        up = stack.stack.up()
        assert up.summary.result == "succeeded"
        assert up.summary.resource_changes == {"create": 6}
        assert up.outputs["db"].value.startswith("orders-")
        assert up.outputs["tagsAll"].value["team"] == "data"
        assert len(up.outputs["volumes"].value) == 3
        assert "snapshotting database" in up.stdout, "progress reaches the CLI through Log"

        assert stack.stack.preview().change_summary == {"same": 6}
        refreshed = stack.stack.refresh()
        assert refreshed.summary.resource_changes == {"same": 6}

        # An existing snapshot, made outside Pulumi, imported by its id.
        lightsail = fake_client("lightsail", REGION, fake.endpoint)
        lightsail.create_relational_database_snapshot(
            relationalDatabaseName=sources["lightsailDatabaseName"],
            relationalDatabaseSnapshotName="made-by-hand",
        )
        # Imported by the resource option: the engine reads it by id alone, checks what that
        # Read returned against the program's inputs, and fails the up if they differ.
        adopted["id"] = "made-by-hand"
        imported = stack.stack.up()
        assert imported.summary.resource_changes == {"import": 1, "same": 6}, imported.stdout
        adopted["imported"] = "no"
        after_import = stack.stack.preview()
        assert after_import.change_summary == {"same": 7}, after_import.stdout

        destroyed = stack.stack.destroy()
        assert destroyed.summary.resource_changes == {"delete": 7}
        snapshots = lightsail.get_relational_database_snapshots()["relationalDatabaseSnapshots"]
        assert "made-by-hand" not in [s["name"] for s in snapshots]
        # (The fake keeps other modules' snapshots: look for this stack's own.)
        assert up.outputs["db"].value not in [s["name"] for s in snapshots]
    finally:
        stack.remove()


def test_custom_timeouts_win_over_timeout_minutes(cli: Path, fake: FakeAwsServer, sdk: Any) -> None:
    def program() -> None:
        cfg = pulumi.Config()
        sdk.LightsailDatabaseSnapshot(
            "slow",
            relational_database_name=cfg.require("lightsailDatabaseName"),
            timeout_minutes=600,
            opts=pulumi.ResourceOptions(custom_timeouts=pulumi.CustomTimeouts(create="1s")),
        )

    fake.control.reset()
    stack, _ = native_stack(cli, fake, program)
    hold_pending(fake.control, reads=100_000)
    try:
        with pytest.raises(auto.CommandError) as caught:
            stack.stack.up()
        text = str(caught.value)
        assert "(customTimeouts.create)" in text
        assert "Traceback" not in text
        # Kept for the next up to resume, as with the dynamic resources.
        assert "the next `pulumi up` resumes waiting for it" in text
        assert "set deleteOnTimeout=true" in text, "the message names the wire input"
    finally:
        fake.control.reset()
        stack.remove()
