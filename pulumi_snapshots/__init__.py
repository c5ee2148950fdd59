"""Pulumi resources for AWS snapshot operations: copies, multi-volume snapshots and database
snapshots that Pulumi creates, waits for, refreshes, tags and deletes."""

from pulumi_snapshots.ec2 import Ec2MultiVolumeSnapshot, Ec2MultiVolumeSnapshotArgs
from pulumi_snapshots.elasticache import ElastiCacheSnapshotCopy, ElastiCacheSnapshotCopyArgs
from pulumi_snapshots.errors import SnapshotError
from pulumi_snapshots.lightsail import (
    LightsailDatabaseSnapshot,
    LightsailDatabaseSnapshotArgs,
    LightsailSnapshotCopy,
    LightsailSnapshotCopyArgs,
)
from pulumi_snapshots.neptune import NeptuneClusterSnapshotCopy, NeptuneClusterSnapshotCopyArgs

__all__ = [
    "Ec2MultiVolumeSnapshot",
    "Ec2MultiVolumeSnapshotArgs",
    "ElastiCacheSnapshotCopy",
    "ElastiCacheSnapshotCopyArgs",
    "LightsailDatabaseSnapshot",
    "LightsailDatabaseSnapshotArgs",
    "LightsailSnapshotCopy",
    "LightsailSnapshotCopyArgs",
    "NeptuneClusterSnapshotCopy",
    "NeptuneClusterSnapshotCopyArgs",
    "SnapshotError",
]
