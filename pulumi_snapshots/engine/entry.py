"""The permanent entry point of the provider that every resource's state carries.

The Pulumi engine stores each dynamic resource's provider as a pickle (`__provider`) and, while
the resource is unchanged, keeps the one that the release which last wrote it made: `refresh`
and `destroy` unpickle that old value with whatever release is installed now. So the pickle
names only what never moves: this module's `provider` and the resource's type name. Where a
resource's spec lives is said here, once, and may change freely.

This module must never move or be renamed, and `provider` must keep its signature. Releases up
to 0.1.0 pickled `pulumi_snapshots.engine.provider.SnapshotProvider` with a `spec_ref`; that
class path stays importable, and `LEGACY_SPEC_REFS` maps each ref they wrote to its type.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pulumi_snapshots.engine.provider import SnapshotProvider

SPEC_REFS: dict[str, str] = {
    "LightsailSnapshotCopy": "pulumi_snapshots.lightsail:COPY_SPEC",
    "LightsailDatabaseSnapshot": "pulumi_snapshots.lightsail:DATABASE_SPEC",
    "ElastiCacheSnapshotCopy": "pulumi_snapshots.elasticache:SPEC",
    "Ec2MultiVolumeSnapshot": "pulumi_snapshots.ec2:SPEC",
    "NeptuneClusterSnapshotCopy": "pulumi_snapshots.neptune:SPEC",
}
"""Type name (the `<ClassName>` of the type token) to where its spec lives now."""

LEGACY_SPEC_REFS: dict[str, str] = {
    "pulumi_snapshots.lightsail:COPY_SPEC": "LightsailSnapshotCopy",
    "pulumi_snapshots.lightsail:DATABASE_SPEC": "LightsailDatabaseSnapshot",
    "pulumi_snapshots.elasticache:SPEC": "ElastiCacheSnapshotCopy",
    "pulumi_snapshots.ec2:SPEC": "Ec2MultiVolumeSnapshot",
    "pulumi_snapshots.neptune:SPEC": "NeptuneClusterSnapshotCopy",
}
"""Every `spec_ref` that a released state holds, to its type name. Never remove one."""


def spec_ref(type_name: str) -> str:
    """Where the spec of `type_name` lives now."""
    try:
        return SPEC_REFS[type_name]
    except KeyError:
        raise LookupError(
            f"{type_name!r} is no pulumi-snapshots resource; known: {sorted(SPEC_REFS)}"
        ) from None


def current_ref(ref: str) -> str:
    """The spec ref to use for one that an older state recorded."""
    type_name = LEGACY_SPEC_REFS.get(ref)
    return spec_ref(type_name) if type_name is not None else ref


def provider(type_name: str) -> SnapshotProvider:
    """What `__provider` unpickles to: the lifecycle provider of `type_name`."""
    from pulumi_snapshots.engine.provider import SnapshotProvider

    return SnapshotProvider(spec_ref(type_name))
