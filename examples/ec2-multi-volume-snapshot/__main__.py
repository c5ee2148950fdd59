"""Snapshot every data volume of an instance as one crash-consistent set."""

import pulumi

from pulumi_snapshots import Ec2MultiVolumeSnapshot, Ec2MultiVolumeSnapshotArgs

config = pulumi.Config()

backup = Ec2MultiVolumeSnapshot(
    "data-volumes",
    Ec2MultiVolumeSnapshotArgs(
        instance_id=config.require("instanceId"),
        exclude_boot_volume=True,
        description="data volumes, crash-consistent",
        copy_tags_from_source="volume",
        tags={"purpose": "backup"},
        timeout_minutes=60,
    ),
)

pulumi.export("snapshot_set", backup.id)
pulumi.export("snapshot_ids", backup.snapshot_ids)
pulumi.export("volumes", backup.snapshots.apply(lambda s: [x["volume_id"] for x in s]))
