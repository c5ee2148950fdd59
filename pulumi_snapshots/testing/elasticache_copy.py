"""ElastiCache ``CopySnapshot`` for moto's own ElastiCache backend.

moto 5.2.5 implements CreateSnapshot, DescribeSnapshots and DeleteSnapshot but not
CopySnapshot. :func:`install` adds it, built on moto's ``Snapshot`` model and tagging service,
so copies behave like any other moto snapshot (describe, delete, tags). With ``TargetBucket``
the snapshot is exported instead: one ``<TargetSnapshotName>-<id>.rdb`` object per node
snapshot (its node group id, or its node id without shards) is written into moto's S3 and the
response describes the source snapshot.
"""

from __future__ import annotations

import copy
import datetime
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pulumi_snapshots.testing.state import hold_export

if TYPE_CHECKING:
    from moto.core.responses import ActionResult

__all__ = [
    "MotoImplementsCopySnapshotError",
    "describe",
    "export_object_keys",
    "install",
    "installed",
    "seed_snapshot",
    "uninstall",
]

#: Marks the functions this module puts on moto's classes.
PATCH_MARKER = "_pulumi_snapshots_patch"

#: Body of every exported object: an empty RDB file (magic, version, EOF, zero checksum).
RDB_BODY = b"REDIS0011\xff" + b"\x00" * 8

MAX_TAGS = 50

_DEFAULT_ENGINE_VERSIONS = {"redis": "7.1", "valkey": "8.0"}

_lock = threading.Lock()


class MotoImplementsCopySnapshotError(RuntimeError):
    """moto now has its own ElastiCache copy_snapshot; this module must be retired."""


def installed() -> bool:
    """Whether this module's copy_snapshot is on moto's ElastiCache classes."""
    from moto.elasticache.models import ElastiCacheBackend
    from moto.elasticache.responses import ElastiCacheResponse

    return all(
        getattr(cls.__dict__.get("copy_snapshot"), PATCH_MARKER, False)
        for cls in (ElastiCacheResponse, ElastiCacheBackend)
    )


def install() -> None:
    """Add copy_snapshot to moto's ElastiCache response and backend classes (idempotent).

    Raises MotoImplementsCopySnapshotError if moto already provides copy_snapshot itself.
    """
    from moto.elasticache.models import ElastiCacheBackend
    from moto.elasticache.responses import ElastiCacheResponse

    with _lock:
        if installed():
            return
        for cls in (ElastiCacheResponse, ElastiCacheBackend):
            for klass in cls.__mro__:
                existing = klass.__dict__.get("copy_snapshot")
                if existing is not None and not getattr(existing, PATCH_MARKER, False):
                    raise MotoImplementsCopySnapshotError(
                        f"{klass.__module__}.{klass.__qualname__}.copy_snapshot exists in this "
                        "moto version: remove pulumi_snapshots.testing.elasticache_copy and use "
                        "moto's own implementation"
                    )
        ElastiCacheResponse.copy_snapshot = _response_copy_snapshot  # type: ignore[attr-defined]
        ElastiCacheBackend.copy_snapshot = _backend_copy_snapshot  # type: ignore[attr-defined]


def uninstall() -> None:
    """Remove what :func:`install` added."""
    from moto.elasticache.models import ElastiCacheBackend
    from moto.elasticache.responses import ElastiCacheResponse

    with _lock:
        for cls in (ElastiCacheResponse, ElastiCacheBackend):
            if getattr(cls.__dict__.get("copy_snapshot"), PATCH_MARKER, False):
                delattr(cls, "copy_snapshot")


def _marked(func: Callable[..., Any]) -> Callable[..., Any]:
    setattr(func, PATCH_MARKER, True)
    return func


def _error(code: str, message: str) -> Exception:
    from moto.elasticache.exceptions import ElastiCacheException

    return ElastiCacheException(code, message)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC).replace(microsecond=0)


def _as_datetime(value: Any) -> datetime.datetime | None:
    if isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str) and value:
        try:
            return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return None


def _node_snapshots(snapshot: Any) -> list[dict[str, Any]]:
    """The node snapshots of `snapshot`: its own, else one per shard (or one for a cluster)."""
    existing = getattr(snapshot, "node_snapshots", None)
    if existing:
        return copy.deepcopy(list(existing))
    created = _as_datetime(getattr(snapshot, "cache_cluster_create_time", None)) or _now()
    taken = _now()
    groups = getattr(snapshot, "num_node_groups", None) or 0
    if getattr(snapshot, "replication_group_id", None) and groups > 0:
        return [
            {
                "NodeGroupId": f"{index:04d}",
                "CacheSize": "0 MB",
                "CacheNodeCreateTime": created,
                "SnapshotCreateTime": taken,
            }
            for index in range(1, groups + 1)
        ]
    node: dict[str, Any] = {
        "CacheNodeId": "0001",
        "CacheSize": "0 MB",
        "CacheNodeCreateTime": created,
        "SnapshotCreateTime": taken,
    }
    if getattr(snapshot, "cache_cluster_id", None):
        node["CacheClusterId"] = snapshot.cache_cluster_id
    return [node]


def export_object_keys(target_snapshot_name: str, node_count: int) -> list[str]:
    """The S3 keys an export of `node_count` node snapshots writes."""
    return [f"{target_snapshot_name}-{index:04d}.rdb" for index in range(1, node_count + 1)]


def _snapshot_arn(backend: Any, name: str) -> str:
    from moto.utilities.utils import get_partition

    partition = get_partition(backend.region_name)
    return f"arn:{partition}:elasticache:{backend.region_name}:{backend.account_id}:snapshot:{name}"


def _get_source(backend: Any, name: str) -> Any:
    source = backend.snapshots.get(name)
    if source is None:
        raise _error("SnapshotNotFoundFault", f"Snapshot {name} not found.")
    if source.snapshot_status != "available":
        raise _error(
            "InvalidSnapshotState",
            f"Snapshot {name} is not in the available state (current state: "
            f"{source.snapshot_status}).",
        )
    return source


@_marked
def _backend_copy_snapshot(
    self: Any,
    source_snapshot_name: str,
    target_snapshot_name: str,
    target_bucket: str | None = None,
    kms_key_id: str | None = None,
    tags: list[dict[str, str]] | None = None,
) -> Any:
    if not source_snapshot_name:
        raise _error("InvalidParameterValue", "The parameter SourceSnapshotName must be provided.")
    if not target_snapshot_name:
        raise _error("InvalidParameterValue", "The parameter TargetSnapshotName must be provided.")
    source = _get_source(self, source_snapshot_name)
    if target_bucket:
        return _export(self, source, target_snapshot_name, target_bucket)
    if target_snapshot_name in self.snapshots:
        raise _error(
            "SnapshotAlreadyExistsFault", f"Snapshot {target_snapshot_name} already exists."
        )
    tags = list(tags or [])
    if len(tags) > MAX_TAGS:
        raise _error(
            "TagQuotaPerResourceExceeded",
            f"A resource can have at most {MAX_TAGS} tags; {len(tags)} were given.",
        )
    target = copy.copy(source)
    target.arn = _snapshot_arn(self, target_snapshot_name)
    target.snapshot_name = target_snapshot_name
    target.snapshot_status = "available"
    target.snapshot_source = "manual"
    target.kms_key_id = kms_key_id or getattr(source, "kms_key_id", None)
    target.tags = tags
    target.node_snapshots = _node_snapshots(source)
    # A deleted snapshot of the same name must not lend its tags to the new one.
    self.tagging_service.delete_all_tags_for_resource(target.arn)
    if tags:
        self.tagging_service.tag_resource(target.arn, tags)
    self.snapshots[target_snapshot_name] = target
    return target


def _export(backend: Any, source: Any, target_name: str, bucket_name: str) -> Any:
    from moto.s3.exceptions import MissingBucket
    from moto.s3.models import s3_backends
    from moto.utilities.utils import get_partition

    s3 = s3_backends[backend.account_id][get_partition(backend.region_name)]
    try:
        bucket = s3.get_bucket(bucket_name)
    except MissingBucket:
        raise _error(
            "InvalidParameterValue", f"The S3 bucket {bucket_name} does not exist."
        ) from None
    if getattr(bucket, "region_name", backend.region_name) != backend.region_name:
        raise _error(
            "InvalidParameterValue", f"The S3 bucket {bucket_name} is outside of the region."
        )
    # One object per node snapshot, named after its node group id (ElastiCache's 4-digit one or
    # one the user chose) or, without shards, its node id.
    keys = [
        f"{target_name}-{node.get('NodeGroupId') or node.get('CacheNodeId') or '0001'}.rdb"
        for node in _node_snapshots(source)
    ]
    for key in keys:
        if key in bucket.keys:
            raise _error(
                "InvalidParameterValue",
                f"The S3 bucket {bucket_name} already contains an object with key {key}.",
            )

    def write(succeeded: bool) -> None:
        if succeeded:
            for key in keys:
                s3.put_object(bucket_name, key, RDB_BODY)

    if not hold_export(backend.account_id, backend.region_name, target_name, source, write):
        write(True)
    return source


@_marked
def _response_copy_snapshot(self: Any) -> ActionResult:
    from moto.core.responses import ActionResult

    snapshot = self.elasticache_backend.copy_snapshot(
        source_snapshot_name=self._get_param("SourceSnapshotName"),
        target_snapshot_name=self._get_param("TargetSnapshotName"),
        target_bucket=self._get_param("TargetBucket"),
        kms_key_id=self._get_param("KmsKeyId"),
        tags=self._get_param("Tags", []),
    )
    return ActionResult({"Snapshot": snapshot})


def seed_snapshot(
    account_id: str,
    region: str,
    name: str,
    *,
    engine: str = "redis",
    engine_version: str | None = None,
    cache_node_type: str = "cache.t3.micro",
    num_node_groups: int = 1,
    kms_key_id: str | None = None,
) -> Any:
    """Put an ``available`` manual snapshot straight into moto's ElastiCache backend.

    One node group gives a snapshot of a single-node cluster; more give a snapshot of a
    cluster-mode replication group with one node snapshot per shard.
    """
    from moto.elasticache.models import Snapshot, elasticache_backends

    if not name:
        raise ValueError("name must be a non-empty snapshot name")
    if not region:
        raise ValueError("region must be given")
    if engine not in _DEFAULT_ENGINE_VERSIONS:
        raise ValueError(
            f"engine must be one of {sorted(_DEFAULT_ENGINE_VERSIONS)} (memcached has no snapshots)"
        )
    if num_node_groups < 1:
        raise ValueError("num_node_groups must be at least 1")
    try:
        backend = elasticache_backends[account_id][region]
    except KeyError:
        raise ValueError(f"unknown ElastiCache region {region!r}") from None
    if name in backend.snapshots:
        raise ValueError(f"ElastiCache snapshot {name!r} already exists in {region}")
    created = _now() - datetime.timedelta(days=1)
    sharded = num_node_groups > 1
    version = engine_version or _DEFAULT_ENGINE_VERSIONS[engine]
    # Built as a dict: moto's annotations are narrower than the values its own code stores.
    fields: dict[str, Any] = dict(
        account_id=account_id,
        region_name=region,
        automatic_failover="enabled" if sharded else None,
        auto_minor_version_upgrade=True,
        cache_cluster_create_time=None if sharded else created,
        cache_cluster_id=None if sharded else f"{name}-source",
        cache_node_type=cache_node_type,
        cache_parameter_group_name=f"default.{engine}{version.split('.')[0]}"
        + (".cluster.on" if sharded else ""),
        cache_subnet_group_name="default",
        engine=engine,
        engine_version=version,
        kms_key_id=kms_key_id,
        num_cache_nodes=None if sharded else 1,
        num_node_groups=num_node_groups if sharded else None,
        port=6379,
        preferred_availability_zone=None if sharded else f"{region}a",
        preferred_maintenance_window="sun:05:00-sun:06:00",
        preferred_outpost_arn=None,
        replication_group_description=f"{name} source" if sharded else None,
        replication_group_id=f"{name}-source" if sharded else None,
        snapshot_name=name,
        snapshot_retention_limit=0,
        snapshot_source="manual",
        snapshot_status="available",
        snapshot_window="05:00-06:00",
        topic_arn=None,
        tags=[],
        vpc_id=None,
    )
    snapshot: Any = Snapshot(**fields)
    snapshot.node_snapshots = _node_snapshots(snapshot)
    snapshot.data_tiering = "disabled"
    backend.snapshots[name] = snapshot
    return snapshot


def describe(snapshot: Any) -> dict[str, Any]:
    """A JSON-ready description of a moto ElastiCache snapshot (API member names)."""
    fields = {
        "SnapshotName": "snapshot_name",
        "ARN": "arn",
        "SnapshotStatus": "snapshot_status",
        "SnapshotSource": "snapshot_source",
        "Engine": "engine",
        "EngineVersion": "engine_version",
        "CacheNodeType": "cache_node_type",
        "CacheClusterId": "cache_cluster_id",
        "ReplicationGroupId": "replication_group_id",
        "NumNodeGroups": "num_node_groups",
        "NumCacheNodes": "num_cache_nodes",
        "KmsKeyId": "kms_key_id",
    }
    out: dict[str, Any] = {}
    for key, attr in fields.items():
        value = getattr(snapshot, attr, None)
        if value is not None:
            out[key] = value
    out["NodeSnapshots"] = [
        {k: v.isoformat() if isinstance(v, datetime.datetime) else v for k, v in node.items()}
        for node in _node_snapshots(snapshot)
    ]
    return out
