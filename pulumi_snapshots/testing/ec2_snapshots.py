"""EBS snapshot behaviour moto 5.2.5 lacks, added while a fake runs.

* ``CreateSnapshots`` honours ``InstanceSpecification.ExcludeDataVolumeIds`` and
  ``CopyTagsFromSource="volume"`` (moto ignores both);
* its ``SnapshotInfo`` carries ``State`` (moto's model only has ``status``, which the
  ``Snapshot`` shape reads but ``SnapshotInfo`` does not);
* ``Progress`` of a held (pending) snapshot can be set: moto's is a fixed ``"100%"``;
* ``DescribeSnapshots`` honours ``OwnerIds`` (moto ignores it, and lists the hundreds of public
  snapshots of its default images to a caller that asks only for its own).
"""

from __future__ import annotations

import threading
from typing import Any

__all__ = ["PROGRESS_ATTR", "install", "uninstall"]

#: Instance attribute that overrides the reported Progress of an EBS snapshot.
PROGRESS_ATTR = "_pulumi_snapshots_progress"

_lock = threading.Lock()
_originals: dict[str, Any] = {}


def _classes() -> tuple[Any, Any, Any]:
    from moto.ec2.models.elastic_block_store import EBSBackend, Snapshot
    from moto.ec2.responses.elastic_block_store import ElasticBlockStore

    return Snapshot, EBSBackend, ElasticBlockStore


def install() -> None:
    """Patch moto's EBS snapshot model, backend and response (idempotent)."""
    snapshot_cls, backend_cls, response_cls = _classes()
    with _lock:
        if _originals:
            return
        _originals["progress"] = snapshot_cls.__dict__["progress"]
        _originals["create_snapshots"] = backend_cls.__dict__["create_snapshots"]
        _originals["response_create_snapshots"] = response_cls.__dict__["create_snapshots"]
        _originals["response_describe_snapshots"] = response_cls.__dict__["describe_snapshots"]
        _originals["state"] = snapshot_cls.__dict__.get("state")
        snapshot_cls.progress = property(_progress)
        if _originals["state"] is None:
            snapshot_cls.state = property(_state)
        backend_cls.create_snapshots = _create_snapshots
        response_cls.create_snapshots = _response_create_snapshots
        response_cls.describe_snapshots = _response_describe_snapshots


def uninstall() -> None:
    """Restore what :func:`install` replaced."""
    snapshot_cls, backend_cls, response_cls = _classes()
    with _lock:
        if not _originals:
            return
        snapshot_cls.progress = _originals.pop("progress")
        backend_cls.create_snapshots = _originals.pop("create_snapshots")
        response_cls.create_snapshots = _originals.pop("response_create_snapshots")
        response_cls.describe_snapshots = _originals.pop("response_describe_snapshots")
        if _originals.pop("state") is None:
            del snapshot_cls.state


def _progress(self: Any) -> str:
    override = self.__dict__.get(PROGRESS_ATTR)
    if override is not None:
        return str(override)
    return str(_originals["progress"].fget(self))


def _state(self: Any) -> str:
    return str(self.status)


def _create_snapshots(
    self: Any,
    instance_spec: dict[str, Any],
    description: str,
    tags: dict[str, str],
    copy_tags_from_source: str | None = None,
) -> list[Any]:
    from moto.ec2.exceptions import EC2ClientError

    instance = self.get_instance(instance_spec["InstanceId"])
    exclude_boot = str(instance_spec.get("ExcludeBootVolume", False)).lower() == "true"
    excluded = set(instance_spec.get("ExcludeDataVolumeIds") or [])
    volumes: list[str] = []
    for device, mapping in instance.get_block_device_mapping:
        is_root = device == instance.root_device_name
        if is_root and mapping.volume_id in excluded:
            raise EC2ClientError(
                "InvalidParameterValue",
                f"The root volume {mapping.volume_id} cannot be excluded with "
                "ExcludeDataVolumeIds; use ExcludeBootVolume.",
            )
        if (is_root and exclude_boot) or mapping.volume_id in excluded:
            continue
        volumes.append(mapping.volume_id)
    snapshots = []
    for volume_id in volumes:
        snapshot = self.create_snapshot(volume_id, description=description)
        if copy_tags_from_source == "volume":
            snapshot.add_tags(
                {tag["key"]: tag["value"] for tag in self.get_volume(volume_id).get_tags()}
            )
        snapshot.add_tags(tags)
        snapshots.append(snapshot)
    return snapshots


def _response_describe_snapshots(self: Any) -> Any:
    from moto.core.responses import ActionResult
    from moto.ec2.utils import generic_filter

    owners = self._get_param("OwnerIds", [])
    if not owners:
        return _originals["response_describe_snapshots"](self)
    account = str(self.current_account)
    wanted = {account if owner == "self" else str(owner) for owner in owners}
    snapshot_ids = self._get_param("SnapshotIds", [])
    found = [
        s
        for s in self.ec2_backend.snapshots.values()
        if s.owner_id in wanted and (not snapshot_ids or s.id in snapshot_ids)
    ]
    filters = self._filters_from_querystring()
    return ActionResult({"Snapshots": generic_filter(filters, found) if filters else found})


def _response_create_snapshots(self: Any) -> Any:
    from moto.core.responses import ActionResult
    from moto.ec2.exceptions import EC2ClientError

    copy_tags = self._get_param("CopyTagsFromSource")
    if copy_tags not in (None, "volume"):
        raise EC2ClientError(
            "InvalidParameterValue", f"Value ({copy_tags}) for parameter CopyTagsFromSource"
        )
    tags = self._parse_tag_specification()
    self.error_on_dryrun()
    snapshots = self.ec2_backend.create_snapshots(
        self._get_param("InstanceSpecification", {}),
        self._get_param("Description", ""),
        tags.get("snapshot", {}),
        copy_tags_from_source=copy_tags,
    )
    return ActionResult({"Snapshots": snapshots})
