"""Keep an ElastiCache snapshot beyond its retention as a manual copy, and export the copy to S3."""

import pulumi

from pulumi_snapshots import ElastiCacheSnapshotCopy, ElastiCacheSnapshotCopyArgs

config = pulumi.Config()

# A manual copy inside ElastiCache: it outlives the automatic snapshot it was taken from.
kept = ElastiCacheSnapshotCopy(
    "sessions-keep",
    ElastiCacheSnapshotCopyArgs(
        source_snapshot_name=config.require("sourceSnapshotName"),
        tags={"purpose": "retention"},
        timeout_minutes=60,
    ),
)

# An export of the copy: one .rdb object per shard in the bucket, owned by this resource.
exported = ElastiCacheSnapshotCopy(
    "sessions-export",
    source_snapshot_name=kept.target_snapshot_name,
    target_bucket=config.require("exportBucket"),
)

pulumi.export("copy_name", kept.id)
pulumi.export("copy_arn", kept.arn)
pulumi.export("engine_version", kept.engine_version)
pulumi.export("export_id", exported.id)
pulumi.export("rdb_keys", exported.exported_object_keys)
