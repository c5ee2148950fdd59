"""Lightsail's JSON 1.1 wire protocol on top of :mod:`.models`."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any, Protocol, TypeVar

from moto.core.common_types import TYPE_RESPONSE
from moto.core.request import Request
from moto.core.responses import BaseResponse
from moto.utilities.aws_headers import gen_amzn_requestid_long
from werkzeug.exceptions import HTTPException

from ..paging import LIGHTSAIL_PAGE_SIZE, PAGE_SIZES, page
from .exceptions import (
    InvalidInputException,
    LightsailServiceException,
    UnknownOperationException,
)
from .models import SUPPORTED_REGIONS, LightsailBackend, Operation, lightsail_backends
from .validation import operation_model, validate_input

TARGET_PREFIX = "Lightsail_20161128."
CONTENT_TYPE = "application/x-amz-json-1.1"

#: Operations this fake implements.
IMPLEMENTED_ACTIONS = frozenset(
    {
        "CreateInstances",
        "GetInstance",
        "GetInstances",
        "DeleteInstance",
        "EnableAddOn",
        "DisableAddOn",
        "GetAutoSnapshots",
        "DeleteAutoSnapshot",
        "CreateDisk",
        "GetDisk",
        "GetDisks",
        "DeleteDisk",
        "CreateInstanceSnapshot",
        "GetInstanceSnapshot",
        "GetInstanceSnapshots",
        "DeleteInstanceSnapshot",
        "CreateDiskSnapshot",
        "GetDiskSnapshot",
        "GetDiskSnapshots",
        "DeleteDiskSnapshot",
        "CopySnapshot",
        "CreateRelationalDatabase",
        "GetRelationalDatabase",
        "GetRelationalDatabases",
        "DeleteRelationalDatabase",
        "CreateRelationalDatabaseSnapshot",
        "GetRelationalDatabaseSnapshot",
        "GetRelationalDatabaseSnapshots",
        "DeleteRelationalDatabaseSnapshot",
        "TagResource",
        "UntagResource",
        "GetOperation",
        "GetOperations",
        "GetOperationsForResource",
    }
)


def _operations(operations: list[Operation]) -> dict[str, Any]:
    return {"operations": [op.to_dict() for op in operations]}


class _Listed(Protocol):
    def to_dict(self) -> dict[str, Any]: ...


_L = TypeVar("_L", bound=_Listed)


def _by_name(item: Any) -> str:
    return str(item.name)


def _by_age(operation: Operation) -> int:
    return operation.seq


class LightsailResponse(BaseResponse):
    """Routes ``Lightsail_20161128.<Action>`` requests to :class:`LightsailBackend`."""

    # The body is decoded here, so that bytes which are not UTF-8 become an input error.
    use_raw_body = True

    def __init__(self) -> None:
        super().__init__(service_name="lightsail")
        self.action = ""
        self.params: dict[str, Any] = {}

    @property
    def backend(self) -> LightsailBackend:
        """The backend of the caller's account and region."""
        return lightsail_backends[self.current_account][self.region]

    def _dispatch(
        self, request: Request, full_url: str | None = None, headers: Any = None
    ) -> TYPE_RESPONSE:
        # Every failure becomes a Lightsail error response: the fake must never crash.
        try:
            self.setup_class(request, full_url, headers)
            target = request.headers.get("X-Amz-Target") or ""
            action = target.removeprefix(TARGET_PREFIX)
            if not target.startswith(TARGET_PREFIX) or operation_model(action) is None:
                raise UnknownOperationException(f"Unknown operation: {target or '(none)'}.")
            if action not in IMPLEMENTED_ACTIONS:
                raise UnknownOperationException(
                    f"The operation {action} is not supported by this Lightsail fake."
                )
            self.action = action
            return self.call_action()
        except HTTPException as error:
            return self._error(error)
        except Exception as error:
            return self._error(LightsailServiceException(f"{type(error).__name__}: {error}"))

    @staticmethod
    def _error(error: HTTPException) -> TYPE_RESPONSE:
        headers: dict[str, Any] = dict(error.get_headers() or [])
        gen_amzn_requestid_long(headers)
        return error.code or 500, headers, error.get_body()

    def _get_action(self) -> str:
        return self.action

    def call_action(self) -> TYPE_RESPONSE:
        """Parse and validate the body, then run the action's handler."""
        if self.region not in SUPPORTED_REGIONS:
            raise InvalidInputException(f"Lightsail is not available in region {self.region}.")
        self.params = self._parse_body()
        return super().call_action()

    def _parse_body(self) -> dict[str, Any]:
        raw = self.body or b"{}"
        try:
            text = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
            document = json.loads(text or "{}")
        except ValueError:
            raise InvalidInputException("The request body is not valid JSON.") from None
        model = operation_model(self.action)
        assert model is not None
        return validate_input(model.input_shape, document)

    # -- parameter helpers ---------------------------------------------------------------

    def _str(self, name: str) -> str | None:
        value = self.params.get(name)
        return value if isinstance(value, str) else None

    def _required(self, name: str) -> str:
        value = self._str(name)
        if value is None:
            raise InvalidInputException(f"Missing required parameter: {name}.")
        return value

    def _bool(self, name: str) -> bool | None:
        value = self.params.get(name)
        return value if isinstance(value, bool) else None

    def _tags(self) -> list[tuple[str, str | None]]:
        tags = []
        for tag in self.params.get("tags", []):
            if "key" not in tag:
                raise InvalidInputException("Every tag needs a key.")
            tags.append((tag["key"], tag.get("value")))
        return tags

    @staticmethod
    def _json(result: dict[str, Any]) -> tuple[str, dict[str, str]]:
        return json.dumps(result), {"Content-Type": CONTENT_TYPE}

    def _ops(self, operations: list[Operation]) -> tuple[str, dict[str, str]]:
        return self._json(_operations(operations))

    def _page(
        self, list_key: str, items: Iterable[_L], key: Callable[[_L], Any]
    ) -> tuple[str, dict[str, str]]:
        """One page of `items` as the `list_key` of the answer, with ``nextPageToken``."""
        cap = PAGE_SIZES.get("lightsail", self.action)
        size = LIGHTSAIL_PAGE_SIZE if cap is None else min(cap, LIGHTSAIL_PAGE_SIZE)
        try:
            chosen, token = page(
                list(items), key, action=self.action, token=self._str("pageToken"), size=size
            )
        except ValueError:
            raise InvalidInputException("The pageToken is not valid.") from None
        answer: dict[str, Any] = {list_key: [item.to_dict() for item in chosen]}
        if token is not None:
            answer["nextPageToken"] = token
        return self._json(answer)

    # -- instances -----------------------------------------------------------------------

    def create_instances(self) -> tuple[str, dict[str, str]]:
        """CreateInstances."""
        return self._ops(
            self.backend.create_instances(
                instance_names=self.params["instanceNames"],
                availability_zone=self._required("availabilityZone"),
                blueprint_id=self._required("blueprintId"),
                bundle_id=self._required("bundleId"),
                tags=self._tags(),
                add_ons=self.params.get("addOns", []),
                ip_address_type=self._str("ipAddressType"),
            )
        )

    def get_instance(self) -> tuple[str, dict[str, str]]:
        """GetInstance."""
        instance = self.backend.get_instance(self._required("instanceName"))
        return self._json({"instance": instance.to_dict()})

    def get_instances(self) -> tuple[str, dict[str, str]]:
        """GetInstances."""
        return self._page("instances", self.backend.instances.values(), _by_name)

    def delete_instance(self) -> tuple[str, dict[str, str]]:
        """DeleteInstance."""
        return self._ops(self.backend.delete_instance(self._required("instanceName")))

    def enable_add_on(self) -> tuple[str, dict[str, str]]:
        """EnableAddOn."""
        return self._ops(
            self.backend.enable_add_on(self._required("resourceName"), self.params["addOnRequest"])
        )

    def disable_add_on(self) -> tuple[str, dict[str, str]]:
        """DisableAddOn."""
        return self._ops(
            self.backend.disable_add_on(self._required("resourceName"), self._required("addOnType"))
        )

    def get_auto_snapshots(self) -> tuple[str, dict[str, str]]:
        """GetAutoSnapshots."""
        resource, snapshots = self.backend.get_auto_snapshots(self._required("resourceName"))
        return self._json(
            {
                "resourceName": resource.name,
                "resourceType": resource.resource_type,
                "autoSnapshots": [snapshot.to_dict() for snapshot in snapshots],
            }
        )

    def delete_auto_snapshot(self) -> tuple[str, dict[str, str]]:
        """DeleteAutoSnapshot."""
        return self._ops(
            self.backend.delete_auto_snapshot(
                self._required("resourceName"), self._required("date")
            )
        )

    # -- disks ---------------------------------------------------------------------------

    def create_disk(self) -> tuple[str, dict[str, str]]:
        """CreateDisk."""
        return self._ops(
            self.backend.create_disk(
                disk_name=self._required("diskName"),
                availability_zone=self._required("availabilityZone"),
                size_in_gb=self.params["sizeInGb"],
                tags=self._tags(),
                add_ons=self.params.get("addOns", []),
            )
        )

    def get_disk(self) -> tuple[str, dict[str, str]]:
        """GetDisk."""
        return self._json({"disk": self.backend.get_disk(self._required("diskName")).to_dict()})

    def get_disks(self) -> tuple[str, dict[str, str]]:
        """GetDisks."""
        return self._page("disks", self.backend.disks.values(), _by_name)

    def delete_disk(self) -> tuple[str, dict[str, str]]:
        """DeleteDisk."""
        return self._ops(self.backend.delete_disk(self._required("diskName")))

    # -- instance and disk snapshots -----------------------------------------------------

    def create_instance_snapshot(self) -> tuple[str, dict[str, str]]:
        """CreateInstanceSnapshot."""
        return self._ops(
            self.backend.create_instance_snapshot(
                instance_snapshot_name=self._required("instanceSnapshotName"),
                instance_name=self._required("instanceName"),
                tags=self._tags(),
            )
        )

    def get_instance_snapshot(self) -> tuple[str, dict[str, str]]:
        """GetInstanceSnapshot."""
        snapshot = self.backend.get_instance_snapshot(self._required("instanceSnapshotName"))
        return self._json({"instanceSnapshot": snapshot.to_dict()})

    def get_instance_snapshots(self) -> tuple[str, dict[str, str]]:
        """GetInstanceSnapshots."""
        return self._page("instanceSnapshots", self.backend.instance_snapshots.values(), _by_name)

    def delete_instance_snapshot(self) -> tuple[str, dict[str, str]]:
        """DeleteInstanceSnapshot."""
        return self._ops(
            self.backend.delete_instance_snapshot(self._required("instanceSnapshotName"))
        )

    def create_disk_snapshot(self) -> tuple[str, dict[str, str]]:
        """CreateDiskSnapshot."""
        return self._ops(
            self.backend.create_disk_snapshot(
                disk_snapshot_name=self._required("diskSnapshotName"),
                disk_name=self._str("diskName"),
                instance_name=self._str("instanceName"),
                tags=self._tags(),
            )
        )

    def get_disk_snapshot(self) -> tuple[str, dict[str, str]]:
        """GetDiskSnapshot."""
        snapshot = self.backend.get_disk_snapshot(self._required("diskSnapshotName"))
        return self._json({"diskSnapshot": snapshot.to_dict()})

    def get_disk_snapshots(self) -> tuple[str, dict[str, str]]:
        """GetDiskSnapshots."""
        return self._page("diskSnapshots", self.backend.disk_snapshots.values(), _by_name)

    def delete_disk_snapshot(self) -> tuple[str, dict[str, str]]:
        """DeleteDiskSnapshot."""
        return self._ops(self.backend.delete_disk_snapshot(self._required("diskSnapshotName")))

    def copy_snapshot(self) -> tuple[str, dict[str, str]]:
        """CopySnapshot."""
        return self._ops(
            self.backend.copy_snapshot(
                source_region=self._required("sourceRegion"),
                target_snapshot_name=self._required("targetSnapshotName"),
                source_snapshot_name=self._str("sourceSnapshotName"),
                source_resource_name=self._str("sourceResourceName"),
                restore_date=self._str("restoreDate"),
                use_latest_restorable_auto_snapshot=self._bool("useLatestRestorableAutoSnapshot"),
            )
        )

    # -- relational databases ------------------------------------------------------------

    def create_relational_database(self) -> tuple[str, dict[str, str]]:
        """CreateRelationalDatabase."""
        return self._ops(
            self.backend.create_relational_database(
                relational_database_name=self._required("relationalDatabaseName"),
                availability_zone=self._str("availabilityZone"),
                blueprint_id=self._required("relationalDatabaseBlueprintId"),
                bundle_id=self._required("relationalDatabaseBundleId"),
                master_database_name=self._required("masterDatabaseName"),
                master_username=self._required("masterUsername"),
                tags=self._tags(),
                preferred_backup_window=self._str("preferredBackupWindow"),
                preferred_maintenance_window=self._str("preferredMaintenanceWindow"),
                publicly_accessible=self._bool("publiclyAccessible"),
            )
        )

    def get_relational_database(self) -> tuple[str, dict[str, str]]:
        """GetRelationalDatabase."""
        database = self.backend.get_relational_database(self._required("relationalDatabaseName"))
        return self._json({"relationalDatabase": database.to_dict()})

    def get_relational_databases(self) -> tuple[str, dict[str, str]]:
        """GetRelationalDatabases."""
        databases = self.backend.relational_databases.values()
        return self._page("relationalDatabases", databases, _by_name)

    def delete_relational_database(self) -> tuple[str, dict[str, str]]:
        """DeleteRelationalDatabase."""
        return self._ops(
            self.backend.delete_relational_database(
                self._required("relationalDatabaseName"),
                skip_final_snapshot=self._bool("skipFinalSnapshot"),
                final_relational_database_snapshot_name=self._str(
                    "finalRelationalDatabaseSnapshotName"
                ),
            )
        )

    def create_relational_database_snapshot(self) -> tuple[str, dict[str, str]]:
        """CreateRelationalDatabaseSnapshot."""
        return self._ops(
            self.backend.create_relational_database_snapshot(
                relational_database_name=self._required("relationalDatabaseName"),
                relational_database_snapshot_name=self._required("relationalDatabaseSnapshotName"),
                tags=self._tags(),
            )
        )

    def get_relational_database_snapshot(self) -> tuple[str, dict[str, str]]:
        """GetRelationalDatabaseSnapshot."""
        snapshot = self.backend.get_relational_database_snapshot(
            self._required("relationalDatabaseSnapshotName")
        )
        return self._json({"relationalDatabaseSnapshot": snapshot.to_dict()})

    def get_relational_database_snapshots(self) -> tuple[str, dict[str, str]]:
        """GetRelationalDatabaseSnapshots."""
        snapshots = self.backend.relational_database_snapshots.values()
        return self._page("relationalDatabaseSnapshots", snapshots, _by_name)

    def delete_relational_database_snapshot(self) -> tuple[str, dict[str, str]]:
        """DeleteRelationalDatabaseSnapshot."""
        return self._ops(
            self.backend.delete_relational_database_snapshot(
                self._required("relationalDatabaseSnapshotName")
            )
        )

    # -- tags and operations -------------------------------------------------------------

    def tag_resource(self) -> tuple[str, dict[str, str]]:
        """TagResource."""
        return self._ops(
            self.backend.tag_resource(
                self._required("resourceName"), self._tags(), self._str("resourceArn")
            )
        )

    def untag_resource(self) -> tuple[str, dict[str, str]]:
        """UntagResource."""
        return self._ops(
            self.backend.untag_resource(
                self._required("resourceName"), self.params["tagKeys"], self._str("resourceArn")
            )
        )

    def get_operation(self) -> tuple[str, dict[str, str]]:
        """GetOperation."""
        operation = self.backend.get_operation(self._required("operationId"))
        return self._json({"operation": operation.to_dict()})

    def get_operations(self) -> tuple[str, dict[str, str]]:
        """GetOperations, oldest first as Lightsail documents."""
        return self._page("operations", self.backend.get_operations(), _by_age)

    def get_operations_for_resource(self) -> tuple[str, dict[str, str]]:
        """GetOperationsForResource, oldest first."""
        operations = self.backend.get_operations(self._required("resourceName"))
        return self._page("operations", operations, _by_age)
