"""The stack's `aws:*` config as the real engine marshals it (structured values as JSON text),
through the real CLI: region, profile, assumeRoles and defaultTags together."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from pulumi import automation as auto

from pulumi_snapshots import NeptuneClusterSnapshotCopy
from pulumi_snapshots.testing.cli import CliStack
from pulumi_snapshots.testing.environment import role_client
from pulumi_snapshots.testing.server import FakeAwsServer

REGION = "eu-west-1"
ROLE = "arn:aws:iam::222222222222:role/ci-backups"
source = {"name": ""}


def program() -> None:
    NeptuneClusterSnapshotCopy(
        "graph", source_db_cluster_snapshot_identifier=source["name"], tags={"team": "graph"}
    )


def neptune_in_role(fake: FakeAwsServer) -> Any:
    return role_client("neptune", REGION, fake.endpoint, ROLE)


def test_region_profile_assume_roles_and_default_tags(
    cli: Path, fake: FakeAwsServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The CLI inherits this process's environment: no credentials or region from there.
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    neptune = neptune_in_role(fake)
    neptune.create_db_cluster(DBClusterIdentifier="graph-ci", Engine="neptune")
    neptune.create_db_cluster_snapshot(
        DBClusterIdentifier="graph-ci", DBClusterSnapshotIdentifier="graph-ci-nightly"
    )
    source["name"] = "graph-ci-nightly"
    credentials = tmp_path / "credentials"
    credentials.write_text("[ci]\naws_access_key_id = testing\naws_secret_access_key = testing\n")
    # Only the profile gives credentials: without it, every call would fail.
    env = {
        "AWS_ENDPOINT_URL": fake.endpoint,
        "AWS_SHARED_CREDENTIALS_FILE": str(credentials),
        "AWS_CONFIG_FILE": os.devnull,
        "PULUMI_SNAPSHOTS_POLL_SECONDS": "0.01",
    }
    stack = CliStack(
        cli=cli, program=program, env=env, config={"aws:region": REGION, "aws:profile": "ci"}
    )
    try:
        for key, value in (
            ("aws:assumeRoles[0].roleArn", ROLE),
            ("aws:assumeRoles[0].sessionName", "ci"),
            ("aws:defaultTags.tags.env", "ci"),
        ):
            stack.stack.set_config(key, auto.ConfigValue(value=value), path=True)
        stack.stack.up()
        (made,) = stack.created()
        outs = made.outputs
        assert outs["region"] == REGION
        assert outs["db_cluster_snapshot_arn"].split(":")[3:5] == [REGION, "222222222222"]
        assert outs["tags"] == {"team": "graph"}
        assert {"team": "graph", "env": "ci"}.items() <= outs["tags_all"].items()
        found = neptune.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=made.id)
        assert [s["DBClusterSnapshotIdentifier"] for s in found["DBClusterSnapshots"]] == [made.id]
        assert stack.stack.preview(expect_no_changes=True).change_summary == {"same": 2}
        stack.stack.destroy()
        left = neptune.describe_db_cluster_snapshots()["DBClusterSnapshots"]
        assert made.id not in [s["DBClusterSnapshotIdentifier"] for s in left]
    finally:
        stack.remove()
