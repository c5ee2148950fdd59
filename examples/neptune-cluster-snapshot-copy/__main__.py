"""Copy a Neptune cluster snapshot across regions, and look the copy up again by id."""

import pulumi

from pulumi_snapshots import NeptuneClusterSnapshotCopy

config = pulumi.Config()

copy = NeptuneClusterSnapshotCopy(
    "graph-dr",
    source_db_cluster_snapshot_identifier=config.require("sourceSnapshotArn"),
    source_region=config.require("sourceRegion"),
    copy_tags=True,
    tags={"purpose": "disaster-recovery"},
)

# A lookup reads an existing snapshot without managing it.
found = NeptuneClusterSnapshotCopy.get("graph-dr-lookup", copy.id, region=copy.region)

pulumi.export("copy_id", copy.id)
pulumi.export("copy_arn", copy.db_cluster_snapshot_arn)
pulumi.export("copy_status", found.status)
