"""Disaster recovery for a small web shop, with every snapshot managed by Pulumi.

The shop runs in the primary region (`aws:region`): an EC2 instance with data volumes, a
Lightsail web server, a Lightsail database, an ElastiCache (Redis) session store and a Neptune
graph. This stack takes or copies a snapshot of each, and keeps the copies that matter for a
regional outage in the disaster-recovery region (`drRegion`). Each resource waits until its
snapshot is usable, so `pulumi up` finishing means the backups are really there.
"""

import pulumi

from pulumi_snapshots import (
    Ec2MultiVolumeSnapshot,
    ElastiCacheSnapshotCopy,
    LightsailDatabaseSnapshot,
    LightsailSnapshotCopy,
    NeptuneClusterSnapshotCopy,
)

config = pulumi.Config()
primary_region = pulumi.Config("aws").require("region")
dr_region = config.get("drRegion") or "us-west-2"
tags = {"purpose": "disaster-recovery", "stack": pulumi.get_stack()}

# Crash-consistent snapshots of the instance's data volumes, taken together.
app_volumes = Ec2MultiVolumeSnapshot(
    "app-volumes",
    instance_id=config.require("instanceId"),
    exclude_boot_volume=True,
    description="app data volumes, crash-consistent",
    copy_tags_from_source="volume",
    tags=tags,
    timeout_minutes=120,
)

# The web server's snapshot, copied out of the primary region.
web_copy = LightsailSnapshotCopy(
    "web-dr",
    source_region=primary_region,
    source_snapshot_name=config.require("lightsailSnapshotName"),
    region=dr_region,
    tags=tags,
)

# A snapshot of the orders database, in its own region.
orders_snapshot = LightsailDatabaseSnapshot(
    "orders-backup",
    relational_database_name=config.require("lightsailDatabaseName"),
    tags=tags,
    timeout_minutes=60,
)

# A manual copy of the session store's snapshot: it outlives the source's retention.
sessions_copy = ElastiCacheSnapshotCopy(
    "sessions-backup",
    source_snapshot_name=config.require("elasticacheSnapshotName"),
    tags=tags,
)

# The graph's cluster snapshot, copied across regions by ARN.
graph_copy = NeptuneClusterSnapshotCopy(
    "graph-dr",
    source_db_cluster_snapshot_identifier=config.require("neptuneSnapshotArn"),
    source_region=primary_region,
    region=dr_region,
    copy_tags=True,
    tags=tags,
)

pulumi.export("primary_region", primary_region)
pulumi.export("dr_region", dr_region)
pulumi.export("ec2_snapshot_ids", app_volumes.snapshot_ids)
pulumi.export(
    "ec2_snapshot_states",
    app_volumes.snapshots.apply(lambda snaps: {s["volume_id"]: s["state"] for s in snaps}),
)
pulumi.export("lightsail_copy_name", web_copy.id)
pulumi.export("lightsail_copy_arn", web_copy.arn)
pulumi.export("lightsail_copy_state", web_copy.state)
pulumi.export("database_snapshot_name", orders_snapshot.id)
pulumi.export("database_snapshot_arn", orders_snapshot.arn)
pulumi.export("database_snapshot_state", orders_snapshot.state)
pulumi.export("elasticache_copy_name", sessions_copy.id)
pulumi.export("elasticache_copy_arn", sessions_copy.arn)
pulumi.export("elasticache_copy_status", sessions_copy.snapshot_status)
pulumi.export("neptune_copy_id", graph_copy.id)
pulumi.export("neptune_copy_arn", graph_copy.db_cluster_snapshot_arn)
pulumi.export("neptune_copy_status", graph_copy.status)
