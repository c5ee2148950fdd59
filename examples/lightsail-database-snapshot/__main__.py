"""Snapshot a Lightsail database before an upgrade."""

import pulumi

from pulumi_snapshots import LightsailDatabaseSnapshot

config = pulumi.Config()

before_upgrade = LightsailDatabaseSnapshot(
    "before-upgrade",
    relational_database_name=config.require("databaseName"),
    tags={"reason": "pre-upgrade"},
    timeout_minutes=30,
)

pulumi.export("snapshot_name", before_upgrade.id)
pulumi.export("snapshot_arn", before_upgrade.arn)
pulumi.export("engine", before_upgrade.engine)
