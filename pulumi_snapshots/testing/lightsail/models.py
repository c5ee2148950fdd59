"""In-memory Lightsail: instances, disks, databases, their snapshots and operations."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import botocore.session
from moto.core.base_backend import BackendDict, BaseBackend
from moto.moto_api._internal import mock_random
from moto.utilities.utils import get_partition

from .exceptions import InvalidInputException, NotFoundException

#: The regions with a Lightsail endpoint, from botocore's endpoint data: the fake serves
#: these and no others (the model's RegionName enum also lists regions without an endpoint).
SUPPORTED_REGIONS: tuple[str, ...] = tuple(
    sorted(botocore.session.get_session().get_available_regions("lightsail"))
)

INSTANCE_SNAPSHOT_STATES = ("pending", "error", "available")
DISK_SNAPSHOT_STATES = ("pending", "completed", "error", "unknown")
RELATIONAL_DATABASE_SNAPSHOT_STATES = ("creating", "available", "failed")

AUTO_SNAPSHOT = "AutoSnapshot"
DEFAULT_SNAPSHOT_TIME_OF_DAY = "06:00"
MAX_TAGS = 50

_NAME = re.compile(r"\w[\w\-]*\w", re.ASCII)
_SNAPSHOT_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TAG_TEXT = re.compile(r"[\w\s+\-=.:/@]*")
_INSTANCE_DISK_GB = {
    "nano": 20,
    "micro": 40,
    "small": 60,
    "medium": 80,
    "large": 160,
    "xlarge": 320,
    "2xlarge": 640,
}
_DATABASE_DISK_GB = {"micro": 40, "small": 80, "medium": 120, "large": 240}


def _now() -> dt.datetime:
    now = dt.datetime.now(dt.UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def epoch(moment: dt.datetime) -> float:
    """Seconds since the epoch, as Lightsail's JSON protocol sends timestamps."""
    return round(moment.timestamp(), 3)


def parse_date(value: str, parameter: str) -> dt.date:
    """Parse a ``YYYY-MM-DD`` date that must exist on the calendar."""
    if not _DATE.fullmatch(value):
        raise InvalidInputException(f"{parameter} must be in YYYY-MM-DD format: {value!r}.")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInputException(f"{parameter} is not a valid date: {value!r}.") from None


def _check_name(name: str, parameter: str, *, snapshot: bool = False) -> None:
    if not 2 <= len(name) <= 255:
        raise InvalidInputException(f"{parameter} must be 2 to 255 characters long: {name!r}.")
    if snapshot:
        if not _SNAPSHOT_NAME.fullmatch(name):
            raise InvalidInputException(
                f"{parameter} may contain only alphanumeric characters and hyphens, and must "
                f"start and end with a letter or number: {name!r}."
            )
    elif not _NAME.fullmatch(name):
        raise InvalidInputException(f"{parameter} is not a valid resource name: {name!r}.")


def validate_tags(tags: Iterable[tuple[str, str | None]]) -> None:
    """Apply Lightsail's tag rules: key 1-128 and value 0-256 allowed characters."""
    for key, value in tags:
        if not 1 <= len(key) <= 128 or not _TAG_TEXT.fullmatch(key):
            raise InvalidInputException(
                f"Tag key must be 1 to 128 letters, numbers, spaces or + - = . _ : / @: {key!r}."
            )
        if value is not None and (len(value) > 256 or not _TAG_TEXT.fullmatch(value)):
            raise InvalidInputException(
                f"Tag value must be at most 256 letters, numbers, spaces or + - = . _ : / @: "
                f"{value!r}."
            )


def _size_from_bundle(bundle_id: str, sizes: dict[str, int], default: int) -> int:
    return sizes.get(bundle_id.split("_", 1)[0], default)


# The models are plain dataclasses rather than moto ``BaseModel`` subclasses: BaseModel's
# metaclass files every subclass under ``cls.__module__.split(".")[1]`` when the class is
# defined, which for this package would both mislabel them and be an import side effect.


@dataclass(kw_only=True, eq=False)
class Resource:
    """Fields every Lightsail resource shares."""

    RESOURCE_TYPE: ClassVar[str] = ""

    name: str
    arn: str
    account_id: str
    region: str
    created_at: dt.datetime = field(default_factory=_now)
    availability_zone: str = "all"
    tags: dict[str, str | None] = field(default_factory=dict)

    @property
    def resource_type(self) -> str:
        """The Lightsail ``ResourceType`` of this resource."""
        return self.RESOURCE_TYPE

    def location(self) -> dict[str, str]:
        """The ``ResourceLocation`` of this resource."""
        return {"availabilityZone": self.availability_zone, "regionName": self.region}

    def tag_list(self) -> list[dict[str, str]]:
        """Tags as Lightsail's ``TagList``; a key-only tag has no ``value``."""
        return [
            {"key": key} if value is None else {"key": key, "value": value}
            for key, value in self.tags.items()
        ]

    def _base_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "arn": self.arn,
            "supportCode": f"{self.account_id}/{self.arn.rsplit('/', 1)[-1]}",
            "createdAt": epoch(self.created_at),
            "location": self.location(),
            "resourceType": self.resource_type,
            "tags": self.tag_list(),
        }

    def to_dict(self) -> dict[str, Any]:
        """This resource as its Lightsail output structure."""
        return self._base_dict()


@dataclass(kw_only=True, eq=False)
class AddOn:
    """An enabled add-on of an instance or disk."""

    name: str
    snapshot_time_of_day: str | None = None
    threshold: str | None = None
    duration: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The ``AddOn`` output structure."""
        out: dict[str, Any] = {"name": self.name, "status": "Enabled"}
        if self.snapshot_time_of_day is not None:
            out["snapshotTimeOfDay"] = self.snapshot_time_of_day
            out["nextSnapshotTimeOfDay"] = self.snapshot_time_of_day
        if self.threshold is not None:
            out["threshold"] = self.threshold
        if self.duration is not None:
            out["duration"] = self.duration
        return out


@dataclass(kw_only=True, eq=False)
class AutoSnapshot:
    """A daily automatic snapshot of an instance or disk."""

    date: str
    created_at: dt.datetime
    status: str = "Success"
    from_attached_disks: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The ``AutoSnapshotDetails`` output structure."""
        return {
            "date": self.date,
            "createdAt": epoch(self.created_at),
            "status": self.status,
            "fromAttachedDisks": list(self.from_attached_disks),
        }


@dataclass(kw_only=True, eq=False)
class AutoSnapshotSource(Resource):
    """A resource that supports the AutoSnapshot add-on."""

    size_in_gb: int
    add_ons: dict[str, AddOn] = field(default_factory=dict)
    auto_snapshots: dict[str, AutoSnapshot] = field(default_factory=dict)

    def add_ons_list(self) -> list[dict[str, Any]]:
        """Enabled add-ons as Lightsail's ``AddOnList``."""
        return [add_on.to_dict() for add_on in self.add_ons.values()]

    def latest_restorable_auto_snapshot(self) -> AutoSnapshot | None:
        """The newest automatic snapshot that succeeded."""
        usable = [snap for snap in self.auto_snapshots.values() if snap.status == "Success"]
        return max(usable, key=lambda snap: snap.date, default=None)


@dataclass(kw_only=True, eq=False)
class Instance(AutoSnapshotSource):
    """A Lightsail virtual server."""

    RESOURCE_TYPE: ClassVar[str] = "Instance"

    blueprint_id: str
    bundle_id: str
    ip_address_type: str = "dualstack"

    def to_dict(self) -> dict[str, Any]:
        """The ``Instance`` output structure."""
        out = self._base_dict()
        out.update(
            {
                "blueprintId": self.blueprint_id,
                "blueprintName": self.blueprint_id,
                "bundleId": self.bundle_id,
                "addOns": self.add_ons_list(),
                "isStaticIp": False,
                "privateIpAddress": "172.26.0.10",
                "publicIpAddress": "203.0.113.10",
                "ipAddressType": self.ip_address_type,
                "hardware": {
                    "cpuCount": 2,
                    "ramSizeInGb": 1.0,
                    "disks": [
                        {
                            "name": f"{self.name}-system-disk",
                            "sizeInGb": self.size_in_gb,
                            "isSystemDisk": True,
                            "path": "/dev/xvda",
                            "state": "in-use",
                            "attachedTo": self.name,
                            "isAttached": True,
                            "attachmentState": "attached",
                        }
                    ],
                },
                "state": {"code": 16, "name": "running"},
                "username": "ec2-user",
            }
        )
        return out


@dataclass(kw_only=True, eq=False)
class Disk(AutoSnapshotSource):
    """A Lightsail block storage disk."""

    RESOURCE_TYPE: ClassVar[str] = "Disk"

    def to_dict(self) -> dict[str, Any]:
        """The ``Disk`` output structure."""
        out = self._base_dict()
        out.update(
            {
                "addOns": self.add_ons_list(),
                "sizeInGb": self.size_in_gb,
                "isSystemDisk": False,
                "iops": 100,
                "state": "available",
                "isAttached": False,
                "attachmentState": "detached",
                "gbInUse": 0,
            }
        )
        return out


@dataclass(kw_only=True, eq=False)
class InstanceSnapshot(Resource):
    """A manual snapshot of an instance (``state``: pending, error or available)."""

    RESOURCE_TYPE: ClassVar[str] = "InstanceSnapshot"

    from_instance_name: str
    from_instance_arn: str
    size_in_gb: int
    from_blueprint_id: str | None = None
    from_bundle_id: str | None = None
    is_from_auto_snapshot: bool = False
    from_attached_disks: list[dict[str, Any]] = field(default_factory=list)
    state: str = "available"
    progress: str = "100%"

    @property
    def from_resource_name(self) -> str:
        """The instance this snapshot (or the snapshot it copies) was taken from."""
        return self.from_instance_name

    @property
    def from_resource_arn(self) -> str:
        """The ARN of :attr:`from_resource_name`."""
        return self.from_instance_arn

    def to_dict(self) -> dict[str, Any]:
        """The ``InstanceSnapshot`` output structure."""
        out = self._base_dict()
        out.update(
            {
                "state": self.state,
                "progress": self.progress,
                "fromAttachedDisks": list(self.from_attached_disks),
                "fromInstanceName": self.from_instance_name,
                "fromInstanceArn": self.from_instance_arn,
                "isFromAutoSnapshot": self.is_from_auto_snapshot,
                "sizeInGb": self.size_in_gb,
            }
        )
        if self.from_blueprint_id is not None:
            out["fromBlueprintId"] = self.from_blueprint_id
        if self.from_bundle_id is not None:
            out["fromBundleId"] = self.from_bundle_id
        return out


@dataclass(kw_only=True, eq=False)
class DiskSnapshot(Resource):
    """A manual snapshot of a disk (``state``: pending, completed, error or unknown).

    It comes from a disk, or from an instance's system disk (``from_instance_*`` only).
    """

    RESOURCE_TYPE: ClassVar[str] = "DiskSnapshot"

    size_in_gb: int
    from_disk_name: str | None = None
    from_disk_arn: str | None = None
    from_instance_name: str | None = None
    from_instance_arn: str | None = None
    is_from_auto_snapshot: bool = False
    state: str = "completed"
    progress: str = "100%"

    @property
    def from_resource_name(self) -> str:
        """The disk or instance this snapshot (or the snapshot it copies) was taken from."""
        return self.from_disk_name or self.from_instance_name or ""

    @property
    def from_resource_arn(self) -> str:
        """The ARN of :attr:`from_resource_name`."""
        return self.from_disk_arn or self.from_instance_arn or ""

    def to_dict(self) -> dict[str, Any]:
        """The ``DiskSnapshot`` output structure."""
        out = self._base_dict()
        out.update(
            {
                "sizeInGb": self.size_in_gb,
                "state": self.state,
                "progress": self.progress,
                "isFromAutoSnapshot": self.is_from_auto_snapshot,
            }
        )
        optional = {
            "fromDiskName": self.from_disk_name,
            "fromDiskArn": self.from_disk_arn,
            "fromInstanceName": self.from_instance_name,
            "fromInstanceArn": self.from_instance_arn,
        }
        out.update({key: value for key, value in optional.items() if value is not None})
        return out


@dataclass(kw_only=True, eq=False)
class RelationalDatabase(Resource):
    """A Lightsail managed database."""

    RESOURCE_TYPE: ClassVar[str] = "RelationalDatabase"

    blueprint_id: str
    bundle_id: str
    master_database_name: str
    master_username: str
    engine: str
    engine_version: str
    size_in_gb: int
    preferred_backup_window: str = "06:00-06:30"
    preferred_maintenance_window: str = "sun:07:00-sun:07:30"
    publicly_accessible: bool = False
    state: str = "available"

    def to_dict(self) -> dict[str, Any]:
        """The ``RelationalDatabase`` output structure."""
        out = self._base_dict()
        out.update(
            {
                "relationalDatabaseBlueprintId": self.blueprint_id,
                "relationalDatabaseBundleId": self.bundle_id,
                "masterDatabaseName": self.master_database_name,
                "hardware": {"cpuCount": 1, "diskSizeInGb": self.size_in_gb, "ramSizeInGb": 1.0},
                "state": self.state,
                "backupRetentionEnabled": True,
                "pendingModifiedValues": {},
                "engine": self.engine,
                "engineVersion": self.engine_version,
                "latestRestorableTime": epoch(self.created_at),
                "masterUsername": self.master_username,
                "parameterApplyStatus": "in-sync",
                "preferredBackupWindow": self.preferred_backup_window,
                "preferredMaintenanceWindow": self.preferred_maintenance_window,
                "publiclyAccessible": self.publicly_accessible,
                "masterEndpoint": {
                    "port": 5432 if self.engine == "postgres" else 3306,
                    "address": f"{self.name}.{self.region}.rds.example.internal",
                },
                "pendingMaintenanceActions": [],
            }
        )
        return out


@dataclass(kw_only=True, eq=False)
class RelationalDatabaseSnapshot(Resource):
    """A manual database snapshot (``state``: creating, available or failed)."""

    RESOURCE_TYPE: ClassVar[str] = "RelationalDatabaseSnapshot"

    engine: str
    engine_version: str
    size_in_gb: int
    from_relational_database_name: str
    from_relational_database_arn: str
    from_relational_database_bundle_id: str
    from_relational_database_blueprint_id: str
    state: str = "available"

    def to_dict(self) -> dict[str, Any]:
        """The ``RelationalDatabaseSnapshot`` output structure."""
        out = self._base_dict()
        out.update(
            {
                "engine": self.engine,
                "engineVersion": self.engine_version,
                "sizeInGb": self.size_in_gb,
                "state": self.state,
                "fromRelationalDatabaseName": self.from_relational_database_name,
                "fromRelationalDatabaseArn": self.from_relational_database_arn,
                "fromRelationalDatabaseBundleId": self.from_relational_database_bundle_id,
                "fromRelationalDatabaseBlueprintId": self.from_relational_database_blueprint_id,
            }
        )
        return out


#: Snapshot states that mean "still being made", and those that mean "failed".
_PENDING_STATES = frozenset({"pending", "creating", "unknown"})
_FAILED_STATES = frozenset({"error", "failed"})

_operation_seq = itertools.count(1)


@dataclass(kw_only=True, eq=False)
class Operation:
    """The record of one change, as ``get_operation`` reports it.

    An operation that makes a snapshot follows it: ``Started`` while the snapshot is being
    made, then ``Succeeded`` or ``Failed``, as Lightsail reports it.
    """

    id: str
    resource_name: str
    resource_type: str
    operation_type: str | None
    region: str
    availability_zone: str
    created_at: dt.datetime = field(default_factory=_now)
    status: str = "Succeeded"
    status_changed_at: dt.datetime | None = None
    is_terminal: bool = True
    operation_details: str = ""
    error_code: str | None = None
    error_details: str | None = None
    tracked: Resource | None = None
    seq: int = field(default_factory=lambda: next(_operation_seq))

    def current_status(self) -> tuple[str, bool]:
        """(status, is terminal) now."""
        if self.status == "Failed" or self.tracked is None:
            return self.status, self.is_terminal
        state = str(getattr(self.tracked, "state", ""))
        if state in _PENDING_STATES:
            return "Started", False
        if state in _FAILED_STATES:
            return "Failed", True
        return "Succeeded", True

    def fail(self, error_code: str, error_details: str) -> None:
        """Report this operation as failed."""
        self.status = "Failed"
        self.is_terminal = True
        self.error_code = error_code
        self.error_details = error_details
        self.status_changed_at = _now()

    def to_dict(self) -> dict[str, Any]:
        """The ``Operation`` output structure."""
        status, is_terminal = self.current_status()
        out: dict[str, Any] = {
            "id": self.id,
            "resourceName": self.resource_name,
            "resourceType": self.resource_type,
            "createdAt": epoch(self.created_at),
            "location": {"availabilityZone": self.availability_zone, "regionName": self.region},
            "isTerminal": is_terminal,
            "operationDetails": self.operation_details,
            "status": status,
            "statusChangedAt": epoch(self.status_changed_at or self.created_at),
        }
        if self.operation_type is not None:
            out["operationType"] = self.operation_type
        if self.error_code is not None:
            out["errorCode"] = self.error_code
        if self.error_details is not None:
            out["errorDetails"] = self.error_details
        return out


class LightsailBackend(BaseBackend):
    """Lightsail state of one account in one region.

    ``instance_snapshots``, ``disk_snapshots`` and ``relational_database_snapshots`` map
    names to snapshot objects whose ``state`` may be changed directly to simulate pending
    or failed snapshots.
    """

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.instances: dict[str, Instance] = {}
        self.disks: dict[str, Disk] = {}
        self.relational_databases: dict[str, RelationalDatabase] = {}
        self.instance_snapshots: dict[str, InstanceSnapshot] = {}
        self.disk_snapshots: dict[str, DiskSnapshot] = {}
        self.relational_database_snapshots: dict[str, RelationalDatabaseSnapshot] = {}
        self.operations: dict[str, Operation] = {}

    # -- helpers -------------------------------------------------------------------------

    def _arn(self, resource_type: str) -> str:
        partition = get_partition(self.region_name)
        return (
            f"arn:{partition}:lightsail:{self.region_name}:{self.account_id}:"
            f"{resource_type}/{mock_random.uuid4()}"
        )

    def _record(
        self,
        resource: Resource,
        operation_type: str | None,
        details: str = "",
        *,
        track: bool = False,
    ) -> Operation:
        operation = Operation(
            tracked=resource if track else None,
            id=str(mock_random.uuid4()),
            resource_name=resource.name,
            resource_type=resource.resource_type,
            operation_type=operation_type,
            region=self.region_name,
            availability_zone=resource.availability_zone,
            operation_details=details,
        )
        self.operations[operation.id] = operation
        return operation

    def _check_availability_zone(self, zone: str) -> None:
        if not re.fullmatch(re.escape(self.region_name) + r"[a-z]", zone):
            raise InvalidInputException(
                f"The Availability Zone {zone!r} is not in region {self.region_name}."
            )

    def _all_resources(self) -> Iterable[Resource]:
        collections: tuple[dict[str, Any], ...] = (
            self.instances,
            self.disks,
            self.relational_databases,
            self.instance_snapshots,
            self.disk_snapshots,
            self.relational_database_snapshots,
        )
        for collection in collections:
            yield from collection.values()

    def _auto_snapshot_source(self, resource_name: str) -> Instance | Disk:
        resource: Instance | Disk | None = self.instances.get(resource_name) or self.disks.get(
            resource_name
        )
        if resource is None:
            raise NotFoundException(f"The resource does not exist: {resource_name}.")
        return resource

    @staticmethod
    def _new_tags(tags: list[tuple[str, str | None]]) -> dict[str, str | None]:
        validate_tags(tags)
        merged = dict(tags)
        if len(merged) > MAX_TAGS:
            raise InvalidInputException(f"A resource can have at most {MAX_TAGS} tags.")
        return merged

    def _add_ons(
        self, resource: AutoSnapshotSource, add_ons: list[dict[str, Any]]
    ) -> list[Operation]:
        operations = []
        for request in add_ons:
            self._enable_add_on(resource, request)
            operations.append(self._record(resource, "EnableAddOn", request["addOnType"]))
        return operations

    def _enable_add_on(self, resource: AutoSnapshotSource, request: dict[str, Any]) -> None:
        add_on_type = request["addOnType"]
        if add_on_type == AUTO_SNAPSHOT:
            time_of_day = request.get("autoSnapshotAddOnRequest", {}).get(
                "snapshotTimeOfDay", DEFAULT_SNAPSHOT_TIME_OF_DAY
            )
            resource.add_ons[AUTO_SNAPSHOT] = AddOn(
                name=AUTO_SNAPSHOT, snapshot_time_of_day=time_of_day
            )
            self.add_auto_snapshot(resource.name, _now().date().isoformat())
            return
        if not isinstance(resource, Instance):
            raise InvalidInputException(f"The {add_on_type} add-on is only for instances.")
        idle = request.get("stopInstanceOnIdleRequest", {})
        resource.add_ons[add_on_type] = AddOn(
            name=add_on_type, threshold=idle.get("threshold"), duration=idle.get("duration")
        )

    # -- instances -----------------------------------------------------------------------

    def create_instances(
        self,
        instance_names: list[str],
        availability_zone: str,
        blueprint_id: str,
        bundle_id: str,
        tags: list[tuple[str, str | None]],
        add_ons: list[dict[str, Any]],
        ip_address_type: str | None,
    ) -> list[Operation]:
        """Create running instances; any bundle and blueprint id is accepted."""
        if not instance_names:
            raise InvalidInputException("instanceNames must name at least one instance.")
        for name in instance_names:
            _check_name(name, "instanceNames")
            if name in self.instances:
                raise InvalidInputException(f"The instance name is already in use: {name}.")
        if len(set(instance_names)) != len(instance_names):
            raise InvalidInputException("instanceNames contains the same name twice.")
        self._check_availability_zone(availability_zone)
        tag_dict = self._new_tags(tags)
        operations = []
        for name in instance_names:
            instance = Instance(
                name=name,
                arn=self._arn(Instance.RESOURCE_TYPE),
                account_id=self.account_id,
                region=self.region_name,
                availability_zone=availability_zone,
                tags=dict(tag_dict),
                blueprint_id=blueprint_id,
                bundle_id=bundle_id,
                size_in_gb=_size_from_bundle(bundle_id, _INSTANCE_DISK_GB, 20),
                ip_address_type=ip_address_type or "dualstack",
            )
            self.instances[name] = instance
            operations.append(self._record(instance, "CreateInstance", bundle_id))
            operations.extend(self._add_ons(instance, add_ons))
        return operations

    def get_instance(self, instance_name: str) -> Instance:
        """The named instance, or NotFoundException."""
        instance = self.instances.get(instance_name)
        if instance is None:
            raise NotFoundException(f"The Instance does not exist: {instance_name}.")
        return instance

    def delete_instance(self, instance_name: str) -> list[Operation]:
        """Delete an instance and, as Lightsail does, its automatic snapshots."""
        instance = self.get_instance(instance_name)
        del self.instances[instance_name]
        return [self._record(instance, "DeleteInstance")]

    # -- disks ---------------------------------------------------------------------------

    def create_disk(
        self,
        disk_name: str,
        availability_zone: str,
        size_in_gb: int,
        tags: list[tuple[str, str | None]],
        add_ons: list[dict[str, Any]],
    ) -> list[Operation]:
        """Create an unattached disk."""
        _check_name(disk_name, "diskName")
        if disk_name in self.disks:
            raise InvalidInputException(f"The disk name is already in use: {disk_name}.")
        if not 8 <= size_in_gb <= 16384:
            raise InvalidInputException(f"sizeInGb must be from 8 to 16384: {size_in_gb}.")
        self._check_availability_zone(availability_zone)
        disk = Disk(
            name=disk_name,
            arn=self._arn(Disk.RESOURCE_TYPE),
            account_id=self.account_id,
            region=self.region_name,
            availability_zone=availability_zone,
            tags=self._new_tags(tags),
            size_in_gb=size_in_gb,
        )
        self.disks[disk_name] = disk
        return [self._record(disk, "CreateDisk"), *self._add_ons(disk, add_ons)]

    def get_disk(self, disk_name: str) -> Disk:
        """The named disk, or NotFoundException."""
        disk = self.disks.get(disk_name)
        if disk is None:
            raise NotFoundException(f"The Disk does not exist: {disk_name}.")
        return disk

    def delete_disk(self, disk_name: str) -> list[Operation]:
        """Delete a disk and its automatic snapshots."""
        disk = self.get_disk(disk_name)
        del self.disks[disk_name]
        return [self._record(disk, "DeleteDisk")]

    # -- add-ons and automatic snapshots -------------------------------------------------

    def enable_add_on(self, resource_name: str, add_on_request: dict[str, Any]) -> list[Operation]:
        """Enable an add-on; enabling AutoSnapshot also takes today's automatic snapshot."""
        resource = self._auto_snapshot_source(resource_name)
        self._enable_add_on(resource, add_on_request)
        return [self._record(resource, "EnableAddOn", add_on_request["addOnType"])]

    def disable_add_on(self, resource_name: str, add_on_type: str) -> list[Operation]:
        """Disable an add-on; existing automatic snapshots are kept."""
        resource = self._auto_snapshot_source(resource_name)
        resource.add_ons.pop(add_on_type, None)
        return [self._record(resource, "DisableAddOn", add_on_type)]

    def add_auto_snapshot(self, resource_name: str, date: str) -> AutoSnapshot:
        """Record the automatic snapshot of ``resource_name`` taken on ``date`` (YYYY-MM-DD).

        This stands in for the daily snapshots real Lightsail takes; it is idempotent.
        """
        resource = self._auto_snapshot_source(resource_name)
        day = parse_date(date, "date")
        existing = resource.auto_snapshots.get(day.isoformat())
        if existing is not None:
            return existing
        add_on = resource.add_ons.get(AUTO_SNAPSHOT)
        time_of_day = (add_on and add_on.snapshot_time_of_day) or DEFAULT_SNAPSHOT_TIME_OF_DAY
        hour, minute = (int(part) for part in time_of_day.split(":"))
        created = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC)
        snapshot = AutoSnapshot(date=day.isoformat(), created_at=min(created, _now()))
        resource.auto_snapshots[snapshot.date] = snapshot
        return snapshot

    def get_auto_snapshots(self, resource_name: str) -> tuple[Instance | Disk, list[AutoSnapshot]]:
        """The resource and its automatic snapshots, newest first."""
        resource = self._auto_snapshot_source(resource_name)
        snapshots = sorted(resource.auto_snapshots.values(), key=lambda s: s.date, reverse=True)
        return resource, snapshots

    def delete_auto_snapshot(self, resource_name: str, date: str) -> list[Operation]:
        """Delete the automatic snapshot of ``resource_name`` taken on ``date``."""
        resource = self._auto_snapshot_source(resource_name)
        day = parse_date(date, "date").isoformat()
        if resource.auto_snapshots.pop(day, None) is None:
            raise NotFoundException(f"No automatic snapshot of {resource_name} on {day}.")
        operation_type = (
            "DeleteInstanceSnapshot" if isinstance(resource, Instance) else "DeleteDiskSnapshot"
        )
        return [self._record(resource, operation_type, day)]

    # -- instance and disk snapshots -----------------------------------------------------

    def create_instance_snapshot(
        self,
        instance_snapshot_name: str,
        instance_name: str,
        tags: list[tuple[str, str | None]],
    ) -> list[Operation]:
        """Snapshot an instance."""
        _check_name(instance_snapshot_name, "instanceSnapshotName")
        instance = self.get_instance(instance_name)
        if instance_snapshot_name in self.instance_snapshots:
            raise InvalidInputException(
                f"The instance snapshot name is already in use: {instance_snapshot_name}."
            )
        snapshot = InstanceSnapshot(
            name=instance_snapshot_name,
            arn=self._arn(InstanceSnapshot.RESOURCE_TYPE),
            account_id=self.account_id,
            region=self.region_name,
            tags=self._new_tags(tags),
            from_instance_name=instance.name,
            from_instance_arn=instance.arn,
            from_blueprint_id=instance.blueprint_id,
            from_bundle_id=instance.bundle_id,
            size_in_gb=instance.size_in_gb,
        )
        self.instance_snapshots[snapshot.name] = snapshot
        return [
            self._record(snapshot, "CreateInstanceSnapshot", instance.name, track=True),
            self._record(instance, "CreateInstanceSnapshot", snapshot.name),
        ]

    def get_instance_snapshot(self, instance_snapshot_name: str) -> InstanceSnapshot:
        """The named instance snapshot, or NotFoundException."""
        snapshot = self.instance_snapshots.get(instance_snapshot_name)
        if snapshot is None:
            raise NotFoundException(
                f"The InstanceSnapshot does not exist: {instance_snapshot_name}."
            )
        return snapshot

    def delete_instance_snapshot(self, instance_snapshot_name: str) -> list[Operation]:
        """Delete an instance snapshot."""
        snapshot = self.get_instance_snapshot(instance_snapshot_name)
        del self.instance_snapshots[instance_snapshot_name]
        return [self._record(snapshot, "DeleteInstanceSnapshot")]

    def create_disk_snapshot(
        self,
        disk_snapshot_name: str,
        disk_name: str | None,
        instance_name: str | None,
        tags: list[tuple[str, str | None]],
    ) -> list[Operation]:
        """Snapshot a disk, or the system disk of an instance (exactly one source)."""
        _check_name(disk_snapshot_name, "diskSnapshotName")
        if (disk_name is None) == (instance_name is None):
            raise InvalidInputException(
                "Specify exactly one of diskName and instanceName; they are mutually exclusive."
            )
        tag_dict = self._new_tags(tags)
        if disk_name is not None:
            disk = self.get_disk(disk_name)
            source: Resource = disk
            snapshot = DiskSnapshot(
                name=disk_snapshot_name,
                arn=self._arn(DiskSnapshot.RESOURCE_TYPE),
                account_id=self.account_id,
                region=self.region_name,
                tags=tag_dict,
                size_in_gb=disk.size_in_gb,
                from_disk_name=disk.name,
                from_disk_arn=disk.arn,
            )
        else:
            assert instance_name is not None
            instance = self.get_instance(instance_name)
            source = instance
            snapshot = DiskSnapshot(
                name=disk_snapshot_name,
                arn=self._arn(DiskSnapshot.RESOURCE_TYPE),
                account_id=self.account_id,
                region=self.region_name,
                tags=tag_dict,
                size_in_gb=instance.size_in_gb,
                from_instance_name=instance.name,
                from_instance_arn=instance.arn,
            )
        if disk_snapshot_name in self.disk_snapshots:
            raise InvalidInputException(
                f"The disk snapshot name is already in use: {disk_snapshot_name}."
            )
        self.disk_snapshots[snapshot.name] = snapshot
        return [
            self._record(snapshot, "CreateDiskSnapshot", source.name, track=True),
            self._record(source, "CreateDiskSnapshot", snapshot.name),
        ]

    def get_disk_snapshot(self, disk_snapshot_name: str) -> DiskSnapshot:
        """The named disk snapshot, or NotFoundException."""
        snapshot = self.disk_snapshots.get(disk_snapshot_name)
        if snapshot is None:
            raise NotFoundException(f"The DiskSnapshot does not exist: {disk_snapshot_name}.")
        return snapshot

    def delete_disk_snapshot(self, disk_snapshot_name: str) -> list[Operation]:
        """Delete a disk snapshot."""
        snapshot = self.get_disk_snapshot(disk_snapshot_name)
        del self.disk_snapshots[disk_snapshot_name]
        return [self._record(snapshot, "DeleteDiskSnapshot")]

    def copy_snapshot(
        self,
        source_region: str,
        target_snapshot_name: str,
        source_snapshot_name: str | None = None,
        source_resource_name: str | None = None,
        restore_date: str | None = None,
        use_latest_restorable_auto_snapshot: bool | None = None,
    ) -> list[Operation]:
        """Copy a manual or automatic snapshot from ``source_region`` into this region.

        The copy has the source's kind (instance or disk snapshot) and records the resource
        the snapshot was originally taken from. The source's state does not block a copy.
        """
        use_latest = bool(use_latest_restorable_auto_snapshot)
        if source_region not in SUPPORTED_REGIONS:
            raise InvalidInputException(f"Lightsail is not available in region {source_region}.")
        _check_name(target_snapshot_name, "targetSnapshotName")
        if source_snapshot_name is not None:
            if source_resource_name is not None:
                raise InvalidInputException(
                    "sourceSnapshotName and sourceResourceName are mutually exclusive."
                )
            if restore_date is not None or use_latest:
                raise InvalidInputException(
                    "restoreDate and useLatestRestorableAutoSnapshot apply only to automatic "
                    "snapshots; define them with sourceResourceName, not sourceSnapshotName."
                )
        elif source_resource_name is not None:
            if restore_date is not None and use_latest:
                raise InvalidInputException(
                    "restoreDate and useLatestRestorableAutoSnapshot are mutually exclusive."
                )
            if restore_date is None and not use_latest:
                raise InvalidInputException(
                    "Copying an automatic snapshot needs restoreDate or "
                    "useLatestRestorableAutoSnapshot."
                )
        else:
            raise InvalidInputException(
                "Specify sourceSnapshotName (manual snapshot) or sourceResourceName "
                "(automatic snapshot)."
            )
        if restore_date is not None:
            parse_date(restore_date, "restoreDate")

        source_backend = lightsail_backends[self.account_id][source_region]
        if source_snapshot_name is not None:
            copy = self._copy_manual(source_backend, source_snapshot_name, target_snapshot_name)
        else:
            assert source_resource_name is not None
            copy = self._copy_automatic(
                source_backend, source_resource_name, restore_date, target_snapshot_name
            )

        if isinstance(copy, InstanceSnapshot):
            if copy.name in self.instance_snapshots:
                raise InvalidInputException(
                    f"The instance snapshot name is already in use: {copy.name}."
                )
            self.instance_snapshots[copy.name] = copy
        else:
            if copy.name in self.disk_snapshots:
                raise InvalidInputException(
                    f"The disk snapshot name is already in use: {copy.name}."
                )
            self.disk_snapshots[copy.name] = copy
        # As Lightsail reports a copy: one CopySnapshot operation on the target snapshot, in
        # the target region, with "<source region>:<source name>" as its details.
        details = f"{source_region}:{source_snapshot_name or source_resource_name}"
        return [self._record(copy, "CopySnapshot", details, track=True)]

    def _copy_manual(
        self, source_backend: LightsailBackend, source_name: str, target_name: str
    ) -> InstanceSnapshot | DiskSnapshot:
        common: dict[str, Any] = {
            "name": target_name,
            "account_id": self.account_id,
            "region": self.region_name,
        }
        instance_snapshot = source_backend.instance_snapshots.get(source_name)
        if instance_snapshot is not None:
            return InstanceSnapshot(
                arn=self._arn(InstanceSnapshot.RESOURCE_TYPE),
                from_instance_name=instance_snapshot.from_instance_name,
                from_instance_arn=instance_snapshot.from_instance_arn,
                from_blueprint_id=instance_snapshot.from_blueprint_id,
                from_bundle_id=instance_snapshot.from_bundle_id,
                size_in_gb=instance_snapshot.size_in_gb,
                is_from_auto_snapshot=instance_snapshot.is_from_auto_snapshot,
                from_attached_disks=list(instance_snapshot.from_attached_disks),
                **common,
            )
        disk_snapshot = source_backend.disk_snapshots.get(source_name)
        if disk_snapshot is not None:
            return DiskSnapshot(
                arn=self._arn(DiskSnapshot.RESOURCE_TYPE),
                size_in_gb=disk_snapshot.size_in_gb,
                from_disk_name=disk_snapshot.from_disk_name,
                from_disk_arn=disk_snapshot.from_disk_arn,
                from_instance_name=disk_snapshot.from_instance_name,
                from_instance_arn=disk_snapshot.from_instance_arn,
                is_from_auto_snapshot=disk_snapshot.is_from_auto_snapshot,
                **common,
            )
        raise NotFoundException(
            f"The source snapshot does not exist in {source_backend.region_name}: {source_name}."
        )

    def _copy_automatic(
        self,
        source_backend: LightsailBackend,
        resource_name: str,
        restore_date: str | None,
        target_name: str,
    ) -> InstanceSnapshot | DiskSnapshot:
        resource = source_backend.instances.get(resource_name) or source_backend.disks.get(
            resource_name
        )
        if resource is None:
            raise NotFoundException(
                f"The source resource does not exist in {source_backend.region_name}: "
                f"{resource_name}."
            )
        if restore_date is not None:
            auto = resource.auto_snapshots.get(restore_date)
            if auto is None or auto.status != "Success":
                raise InvalidInputException(
                    f"There is no restorable automatic snapshot of {resource_name} "
                    f"on {restore_date}."
                )
        elif resource.latest_restorable_auto_snapshot() is None:
            raise NotFoundException(f"{resource_name} has no restorable automatic snapshot.")
        common: dict[str, Any] = {
            "name": target_name,
            "account_id": self.account_id,
            "region": self.region_name,
            "size_in_gb": resource.size_in_gb,
            "is_from_auto_snapshot": True,
        }
        if isinstance(resource, Instance):
            return InstanceSnapshot(
                arn=self._arn(InstanceSnapshot.RESOURCE_TYPE),
                from_instance_name=resource.name,
                from_instance_arn=resource.arn,
                from_blueprint_id=resource.blueprint_id,
                from_bundle_id=resource.bundle_id,
                **common,
            )
        return DiskSnapshot(
            arn=self._arn(DiskSnapshot.RESOURCE_TYPE),
            from_disk_name=resource.name,
            from_disk_arn=resource.arn,
            **common,
        )

    # -- relational databases ------------------------------------------------------------

    def create_relational_database(
        self,
        relational_database_name: str,
        availability_zone: str | None,
        blueprint_id: str,
        bundle_id: str,
        master_database_name: str,
        master_username: str,
        tags: list[tuple[str, str | None]],
        preferred_backup_window: str | None = None,
        preferred_maintenance_window: str | None = None,
        publicly_accessible: bool | None = None,
    ) -> list[Operation]:
        """Create an available database; the engine comes from the blueprint id."""
        _check_name(relational_database_name, "relationalDatabaseName")
        if relational_database_name in self.relational_databases:
            raise InvalidInputException(
                f"The database name is already in use: {relational_database_name}."
            )
        zone = availability_zone or f"{self.region_name}a"
        self._check_availability_zone(zone)
        engine, _, version = blueprint_id.partition("_")
        database = RelationalDatabase(
            name=relational_database_name,
            arn=self._arn(RelationalDatabase.RESOURCE_TYPE),
            account_id=self.account_id,
            region=self.region_name,
            availability_zone=zone,
            tags=self._new_tags(tags),
            blueprint_id=blueprint_id,
            bundle_id=bundle_id,
            master_database_name=master_database_name,
            master_username=master_username,
            engine=engine,
            engine_version=version.replace("_", ".") or "1.0",
            size_in_gb=_size_from_bundle(bundle_id, _DATABASE_DISK_GB, 40),
            publicly_accessible=bool(publicly_accessible),
        )
        if preferred_backup_window:
            database.preferred_backup_window = preferred_backup_window
        if preferred_maintenance_window:
            database.preferred_maintenance_window = preferred_maintenance_window
        self.relational_databases[database.name] = database
        return [self._record(database, "CreateRelationalDatabase", bundle_id)]

    def get_relational_database(self, relational_database_name: str) -> RelationalDatabase:
        """The named database, or NotFoundException."""
        database = self.relational_databases.get(relational_database_name)
        if database is None:
            raise NotFoundException(
                f"The RelationalDatabase does not exist: {relational_database_name}."
            )
        return database

    def delete_relational_database(
        self,
        relational_database_name: str,
        skip_final_snapshot: bool | None,
        final_relational_database_snapshot_name: str | None,
    ) -> list[Operation]:
        """Delete a database, first taking a final snapshot unless told to skip it."""
        database = self.get_relational_database(relational_database_name)
        operations = []
        if not skip_final_snapshot:
            if final_relational_database_snapshot_name is None:
                raise InvalidInputException(
                    "finalRelationalDatabaseSnapshotName is required unless skipFinalSnapshot "
                    "is true."
                )
            operations = self.create_relational_database_snapshot(
                relational_database_name, final_relational_database_snapshot_name, []
            )
        del self.relational_databases[relational_database_name]
        return [self._record(database, "DeleteRelationalDatabase"), *operations]

    def create_relational_database_snapshot(
        self,
        relational_database_name: str,
        relational_database_snapshot_name: str,
        tags: list[tuple[str, str | None]],
    ) -> list[Operation]:
        """Snapshot a database."""
        _check_name(
            relational_database_snapshot_name, "relationalDatabaseSnapshotName", snapshot=True
        )
        database = self.get_relational_database(relational_database_name)
        if relational_database_snapshot_name in self.relational_database_snapshots:
            raise InvalidInputException(
                "The database snapshot name is already in use: "
                f"{relational_database_snapshot_name}."
            )
        snapshot = RelationalDatabaseSnapshot(
            name=relational_database_snapshot_name,
            arn=self._arn(RelationalDatabaseSnapshot.RESOURCE_TYPE),
            account_id=self.account_id,
            region=self.region_name,
            tags=self._new_tags(tags),
            engine=database.engine,
            engine_version=database.engine_version,
            size_in_gb=database.size_in_gb,
            from_relational_database_name=database.name,
            from_relational_database_arn=database.arn,
            from_relational_database_bundle_id=database.bundle_id,
            from_relational_database_blueprint_id=database.blueprint_id,
        )
        self.relational_database_snapshots[snapshot.name] = snapshot
        return [
            self._record(snapshot, "CreateRelationalDatabaseSnapshot", database.name, track=True),
            self._record(database, "CreateRelationalDatabaseSnapshot", snapshot.name),
        ]

    def get_relational_database_snapshot(
        self, relational_database_snapshot_name: str
    ) -> RelationalDatabaseSnapshot:
        """The named database snapshot, or NotFoundException."""
        snapshot = self.relational_database_snapshots.get(relational_database_snapshot_name)
        if snapshot is None:
            raise NotFoundException(
                "The RelationalDatabaseSnapshot does not exist: "
                f"{relational_database_snapshot_name}."
            )
        return snapshot

    def delete_relational_database_snapshot(
        self, relational_database_snapshot_name: str
    ) -> list[Operation]:
        """Delete a database snapshot."""
        snapshot = self.get_relational_database_snapshot(relational_database_snapshot_name)
        del self.relational_database_snapshots[relational_database_snapshot_name]
        return [self._record(snapshot, "DeleteRelationalDatabaseSnapshot")]

    # -- tags ----------------------------------------------------------------------------

    def _tagged_resource(self, resource_name: str, resource_arn: str | None) -> Resource:
        if resource_arn is not None:
            for resource in self._all_resources():
                if resource.arn == resource_arn:
                    if resource.name != resource_name:
                        raise InvalidInputException(
                            f"resourceArn {resource_arn} does not belong to {resource_name}."
                        )
                    return resource
            raise NotFoundException(f"The resource does not exist: {resource_arn}.")
        for resource in self._all_resources():
            if resource.name == resource_name:
                return resource
        raise NotFoundException(f"The resource does not exist: {resource_name}.")

    def tag_resource(
        self,
        resource_name: str,
        tags: list[tuple[str, str | None]],
        resource_arn: str | None = None,
    ) -> list[Operation]:
        """Add or overwrite tags of a resource (at most 50 per resource)."""
        resource = self._tagged_resource(resource_name, resource_arn)
        validate_tags(tags)
        merged = {**resource.tags, **dict(tags)}
        if len(merged) > MAX_TAGS:
            raise InvalidInputException(f"A resource can have at most {MAX_TAGS} tags.")
        resource.tags = merged
        # Lightsail's OperationType enumeration has no tagging value, so none is reported.
        return [self._record(resource, None, "tag")]

    def untag_resource(
        self, resource_name: str, tag_keys: list[str], resource_arn: str | None = None
    ) -> list[Operation]:
        """Remove tags by key; absent keys are ignored."""
        resource = self._tagged_resource(resource_name, resource_arn)
        for key in tag_keys:
            resource.tags.pop(key, None)
        return [self._record(resource, None, "untag")]

    # -- operations ----------------------------------------------------------------------

    def get_operation(self, operation_id: str) -> Operation:
        """The operation with this id, or NotFoundException."""
        operation = self.operations.get(operation_id)
        if operation is None:
            raise NotFoundException(f"The Operation does not exist: {operation_id}.")
        return operation

    def get_operations(self, resource_name: str | None = None) -> list[Operation]:
        """Operations of this region (optionally of one resource), oldest first."""
        operations = [
            op
            for op in self.operations.values()
            if resource_name is None or op.resource_name == resource_name
        ]
        return sorted(operations, key=lambda op: op.seq)

    def fail_operations_for(self, resource_name: str, error_code: str, error_details: str) -> int:
        """Make every recorded operation of ``resource_name`` report ``Failed``.

        Returns how many operations changed.
        """
        failed = 0
        for operation in self.operations.values():
            if operation.resource_name == resource_name:
                operation.fail(error_code, error_details)
                failed += 1
        return failed


lightsail_backends = BackendDict(
    LightsailBackend,
    "lightsail",
    use_boto3_regions=False,
    additional_regions=list(SUPPORTED_REGIONS),
)
