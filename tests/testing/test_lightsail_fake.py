"""The Lightsail fake, through boto3, both under ``moto.mock_aws`` and in moto's server."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import boto3
import moto
import moto.backend_index
import pytest
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.model import StructureShape
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.server import ThreadedMotoServer

from pulumi_snapshots.testing.lightsail import LightsailBackend, lightsail_backends, register
from pulumi_snapshots.testing.lightsail.models import SUPPORTED_REGIONS
from pulumi_snapshots.testing.lightsail.responses import IMPLEMENTED_ACTIONS, LightsailResponse
from pulumi_snapshots.testing.lightsail.validation import service_model
from pulumi_snapshots.testing.shapes import assert_valid_response

if TYPE_CHECKING:
    from mypy_boto3_lightsail import LightsailClient

REGION: Final = "us-east-1"
OTHER_REGION: Final = "eu-west-2"
# One attempt only: a ServiceException (HTTP 500) must surface, not be retried.
CLIENT_CONFIG = Config(retries={"total_max_attempts": 1, "mode": "standard"})


def today() -> str:
    return dt.datetime.now(dt.UTC).date().isoformat()


def xform(operation: str) -> str:
    """``CreateInstanceSnapshot`` -> ``create_instance_snapshot``."""
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in operation).lstrip("_")


# -- fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    register()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def _reset_server(url: str) -> None:
    request = urllib.request.Request(f"{url}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 200


@dataclass
class Fake:
    """One way of reaching the fake: in-process (``endpoint_url`` None) or a server."""

    endpoint_url: str | None

    def client(self, region: str = REGION) -> LightsailClient:
        return boto3.client(
            "lightsail",
            region_name=region,
            endpoint_url=self.endpoint_url,
            config=CLIENT_CONFIG,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def backend(self, region: str = REGION) -> LightsailBackend:
        return lightsail_backends[DEFAULT_ACCOUNT_ID][region]


@pytest.fixture(params=["in-process", "server"])
def fake(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Fake]:
    register()
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_LIGHTSAIL"):
        monkeypatch.delenv(name, raising=False)
    if request.param == "in-process":
        with moto.mock_aws():
            yield Fake(None)
        return
    url: str = request.getfixturevalue("server_url")
    _reset_server(url)
    yield Fake(url)
    _reset_server(url)


@pytest.fixture
def ls(fake: Fake) -> LightsailClient:
    return fake.client()


def call(client: LightsailClient, operation: str, **kwargs: Any) -> dict[str, Any]:
    """Call ``operation`` and check the answer against botocore's output shape."""
    response: dict[str, Any] = getattr(client, xform(operation))(**kwargs)
    assert_valid_response("lightsail", operation, response)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    return response


def fails(client: LightsailClient, operation: str, code: str, **kwargs: Any) -> ClientError:
    """Call ``operation``, expecting a Lightsail error ``code`` with HTTP 400."""
    with pytest.raises(ClientError) as caught:
        getattr(client, xform(operation))(**kwargs)
    response = caught.value.response
    assert response["Error"]["Code"] == code, response["Error"]
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert response["Error"]["Message"]
    return caught.value


def raw(client: LightsailClient, target: str | None, body: bytes) -> ClientError:
    """Send ``body`` with X-Amz-Target ``target`` (None: no target) and return the error."""

    def rewrite(request: AWSRequest, **_: Any) -> None:
        request.data = body
        del request.headers["X-Amz-Target"]
        if target is not None:
            request.headers["X-Amz-Target"] = target

    events = client.meta.events
    events.register_first("before-sign.lightsail.GetOperations", rewrite)
    try:
        with pytest.raises(ClientError) as caught:
            client.get_operations()
    finally:
        events.unregister("before-sign.lightsail.GetOperations", rewrite)
    return caught.value


def make_instance(
    client: LightsailClient, name: str = "web-1", zone: str = "", **kwargs: Any
) -> list[dict[str, Any]]:
    region = client.meta.region_name
    operations: list[dict[str, Any]] = call(
        client,
        "CreateInstances",
        instanceNames=[name],
        availabilityZone=zone or f"{region}a",
        blueprintId="amazon_linux_2023",
        bundleId="small_3_0",
        **kwargs,
    )["operations"]
    return operations


def make_disk(client: LightsailClient, name: str = "data-1", **kwargs: Any) -> None:
    region = client.meta.region_name
    call(
        client,
        "CreateDisk",
        diskName=name,
        availabilityZone=f"{region}b",
        sizeInGb=32,
        **kwargs,
    )


def make_database(client: LightsailClient, name: str = "db-1") -> None:
    call(
        client,
        "CreateRelationalDatabase",
        relationalDatabaseName=name,
        relationalDatabaseBlueprintId="postgres_16",
        relationalDatabaseBundleId="medium_2_0",
        masterDatabaseName="app",
        masterUsername="admin",
        masterUserPassword="not-a-secret-123",
    )


AUTO_SNAPSHOT_ADD_ON = [{"addOnType": "AutoSnapshot", "autoSnapshotAddOnRequest": {}}]


# -- instances -------------------------------------------------------------------------------


def test_instance_create_get_list_delete(ls: LightsailClient) -> None:
    operations = make_instance(ls, tags=[{"key": "team", "value": "web"}, {"key": "solo"}])
    assert [(op["operationType"], op["status"]) for op in operations] == [
        ("CreateInstance", "Succeeded")
    ]
    instance = call(ls, "GetInstance", instanceName="web-1")["instance"]
    assert instance["name"] == "web-1"
    assert instance["resourceType"] == "Instance"
    assert instance["location"] == {"availabilityZone": "us-east-1a", "regionName": REGION}
    assert instance["arn"].startswith("arn:aws:lightsail:us-east-1:123456789012:Instance/")
    assert instance["bundleId"] == "small_3_0"
    assert instance["tags"] == [{"key": "team", "value": "web"}, {"key": "solo"}]
    assert instance["addOns"] == []
    assert isinstance(instance["createdAt"], dt.datetime)
    make_instance(ls, "web-2")
    names = [i["name"] for i in call(ls, "GetInstances")["instances"]]
    assert names == ["web-1", "web-2"]
    deleted = call(ls, "DeleteInstance", instanceName="web-1")["operations"]
    assert deleted[0]["operationType"] == "DeleteInstance"
    fails(ls, "GetInstance", "NotFoundException", instanceName="web-1")
    fails(ls, "DeleteInstance", "NotFoundException", instanceName="web-1")
    assert [i["name"] for i in call(ls, "GetInstances")["instances"]] == ["web-2"]


def test_modeled_exception_classes(ls: LightsailClient) -> None:
    with pytest.raises(ls.exceptions.NotFoundException) as missing:
        ls.get_instance(instanceName="nope")
    assert missing.value.response["code"] == "DoesNotExist"  # type: ignore[typeddict-item]
    with pytest.raises(ls.exceptions.InvalidInputException):
        ls.copy_snapshot(targetSnapshotName="copy-1", sourceRegion=REGION)


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"instanceNames": ["web-1"]}, "name in use"),
        ({"instanceNames": ["web-9", "web-9"]}, "same name twice"),
        ({"instanceNames": []}, "no names"),
        ({"instanceNames": ["bad name"]}, "invalid name"),
        ({"instanceNames": ["x"]}, "name too short"),
        ({"availabilityZone": "eu-west-1a"}, "zone of another region"),
        ({"tags": [{"key": "bad\x00key"}]}, "tag key characters"),
        (
            {
                "addOns": [
                    {
                        "addOnType": "AutoSnapshot",
                        "autoSnapshotAddOnRequest": {"snapshotTimeOfDay": "25:00"},
                    }
                ]
            },
            "time of day",
        ),
    ],
)
def test_create_instances_rejects(ls: LightsailClient, kwargs: dict[str, Any], reason: str) -> None:
    make_instance(ls)
    request = {
        "instanceNames": ["web-2"],
        "availabilityZone": "us-east-1a",
        "blueprintId": "amazon_linux_2023",
        "bundleId": "nano_3_0",
        **kwargs,
    }
    fails(ls, "CreateInstances", "InvalidInputException", **request)
    assert [i["name"] for i in call(ls, "GetInstances")["instances"]] == ["web-1"], reason


# -- automatic snapshots ---------------------------------------------------------------------


def test_auto_snapshot_add_on_at_create(fake: Fake, ls: LightsailClient) -> None:
    operations = make_instance(ls, addOns=AUTO_SNAPSHOT_ADD_ON)
    assert [op["operationType"] for op in operations] == ["CreateInstance", "EnableAddOn"]
    instance = call(ls, "GetInstance", instanceName="web-1")["instance"]
    assert instance["addOns"] == [
        {
            "name": "AutoSnapshot",
            "status": "Enabled",
            "snapshotTimeOfDay": "06:00",
            "nextSnapshotTimeOfDay": "06:00",
        }
    ]
    fake.backend().add_auto_snapshot("web-1", "2024-03-01")
    fake.backend().add_auto_snapshot("web-1", "2024-03-02")
    answer = call(ls, "GetAutoSnapshots", resourceName="web-1")
    assert answer["resourceName"] == "web-1"
    assert answer["resourceType"] == "Instance"
    snapshots = answer["autoSnapshots"]
    assert [s["date"] for s in snapshots] == [today(), "2024-03-02", "2024-03-01"]
    assert {s["status"] for s in snapshots} == {"Success"}
    assert all(s["fromAttachedDisks"] == [] for s in snapshots)
    assert snapshots[1]["createdAt"] == dt.datetime(2024, 3, 2, 6, 0, tzinfo=dt.UTC)


def test_enable_and_disable_add_on(fake: Fake, ls: LightsailClient) -> None:
    make_instance(ls)
    assert call(ls, "GetAutoSnapshots", resourceName="web-1")["autoSnapshots"] == []
    operations = call(
        ls,
        "EnableAddOn",
        resourceName="web-1",
        addOnRequest={
            "addOnType": "AutoSnapshot",
            "autoSnapshotAddOnRequest": {"snapshotTimeOfDay": "23:30"},
        },
    )["operations"]
    assert operations[0]["operationType"] == "EnableAddOn"
    dates = [s["date"] for s in call(ls, "GetAutoSnapshots", resourceName="web-1")["autoSnapshots"]]
    assert dates == [today()]
    addon = call(ls, "GetInstance", instanceName="web-1")["instance"]["addOns"][0]
    assert addon["snapshotTimeOfDay"] == "23:30"
    call(ls, "DisableAddOn", resourceName="web-1", addOnType="AutoSnapshot")
    assert call(ls, "GetInstance", instanceName="web-1")["instance"]["addOns"] == []
    still = call(ls, "GetAutoSnapshots", resourceName="web-1")["autoSnapshots"]
    assert [s["date"] for s in still] == [today()]
    fails(
        ls,
        "EnableAddOn",
        "NotFoundException",
        resourceName="ghost",
        addOnRequest={"addOnType": "AutoSnapshot"},
    )


def test_auto_snapshots_of_disks_and_deleted_resources(fake: Fake, ls: LightsailClient) -> None:
    make_disk(ls, addOns=AUTO_SNAPSHOT_ADD_ON)
    answer = call(ls, "GetAutoSnapshots", resourceName="data-1")
    assert answer["resourceType"] == "Disk"
    assert [s["date"] for s in answer["autoSnapshots"]] == [today()]
    call(ls, "DeleteAutoSnapshot", resourceName="data-1", date=today())
    assert call(ls, "GetAutoSnapshots", resourceName="data-1")["autoSnapshots"] == []
    fails(ls, "DeleteAutoSnapshot", "NotFoundException", resourceName="data-1", date=today())
    call(ls, "DeleteDisk", diskName="data-1")
    fails(ls, "GetAutoSnapshots", "NotFoundException", resourceName="data-1")
    fails(ls, "GetAutoSnapshots", "NotFoundException", resourceName="never-was")


def test_add_auto_snapshot_checks_its_input(fake: Fake, ls: LightsailClient) -> None:
    make_instance(ls)
    backend = fake.backend()
    first = backend.add_auto_snapshot("web-1", "2024-01-31")
    assert backend.add_auto_snapshot("web-1", "2024-01-31") is first
    with pytest.raises(Exception, match="not a valid date"):
        backend.add_auto_snapshot("web-1", "2024-02-30")
    with pytest.raises(Exception, match="does not exist"):
        backend.add_auto_snapshot("ghost", "2024-01-31")


# -- disks -----------------------------------------------------------------------------------


def test_disk_create_get_list_delete(ls: LightsailClient) -> None:
    make_disk(ls, tags=[{"key": "tier", "value": "gold"}])
    disk = call(ls, "GetDisk", diskName="data-1")["disk"]
    assert disk["sizeInGb"] == 32
    assert disk["resourceType"] == "Disk"
    assert disk["location"] == {"availabilityZone": "us-east-1b", "regionName": REGION}
    assert disk["tags"] == [{"key": "tier", "value": "gold"}]
    assert disk["arn"].startswith("arn:aws:lightsail:us-east-1:123456789012:Disk/")
    make_disk(ls, "data-2")
    assert [d["name"] for d in call(ls, "GetDisks")["disks"]] == ["data-1", "data-2"]
    fails(
        ls,
        "CreateDisk",
        "InvalidInputException",
        diskName="data-1",
        availabilityZone="us-east-1a",
        sizeInGb=8,
    )
    fails(
        ls,
        "CreateDisk",
        "InvalidInputException",
        diskName="data-3",
        availabilityZone="us-east-1a",
        sizeInGb=2,
    )
    assert call(ls, "DeleteDisk", diskName="data-1")["operations"][0]["operationType"] == (
        "DeleteDisk"
    )
    fails(ls, "GetDisk", "NotFoundException", diskName="data-1")
    fails(ls, "DeleteDisk", "NotFoundException", diskName="data-1")


# -- instance and disk snapshots -------------------------------------------------------------


def test_instance_snapshot_lifecycle(fake: Fake, ls: LightsailClient) -> None:
    make_instance(ls)
    operations = call(
        ls,
        "CreateInstanceSnapshot",
        instanceSnapshotName="snap-1",
        instanceName="web-1",
        tags=[{"key": "env", "value": "prod"}],
    )["operations"]
    assert {(op["resourceName"], op["resourceType"]) for op in operations} == {
        ("snap-1", "InstanceSnapshot"),
        ("web-1", "Instance"),
    }
    assert {op["operationType"] for op in operations} == {"CreateInstanceSnapshot"}
    snapshot = call(ls, "GetInstanceSnapshot", instanceSnapshotName="snap-1")["instanceSnapshot"]
    instance = call(ls, "GetInstance", instanceName="web-1")["instance"]
    assert snapshot["state"] == "available"
    assert snapshot["progress"] == "100%"
    assert snapshot["fromInstanceName"] == "web-1"
    assert snapshot["fromInstanceArn"] == instance["arn"]
    assert snapshot["fromBundleId"] == "small_3_0"
    assert snapshot["sizeInGb"] == 60
    assert snapshot["isFromAutoSnapshot"] is False
    assert snapshot["tags"] == [{"key": "env", "value": "prod"}]
    assert snapshot["location"] == {"availabilityZone": "all", "regionName": REGION}
    assert fake.backend().instance_snapshots["snap-1"].state == "available"

    fails(
        ls,
        "CreateInstanceSnapshot",
        "InvalidInputException",
        instanceSnapshotName="snap-1",
        instanceName="web-1",
    )
    fails(
        ls,
        "CreateInstanceSnapshot",
        "NotFoundException",
        instanceSnapshotName="snap-2",
        instanceName="ghost",
    )
    call(ls, "CreateInstanceSnapshot", instanceSnapshotName="snap-2", instanceName="web-1")
    listed = call(ls, "GetInstanceSnapshots")["instanceSnapshots"]
    assert [s["name"] for s in listed] == ["snap-1", "snap-2"]
    deleted = call(ls, "DeleteInstanceSnapshot", instanceSnapshotName="snap-1")["operations"]
    assert deleted[0]["operationType"] == "DeleteInstanceSnapshot"
    fails(ls, "GetInstanceSnapshot", "NotFoundException", instanceSnapshotName="snap-1")
    fails(ls, "DeleteInstanceSnapshot", "NotFoundException", instanceSnapshotName="snap-1")
    assert list(fake.backend().instance_snapshots) == ["snap-2"]


def test_disk_snapshot_from_disk_and_from_instance(fake: Fake, ls: LightsailClient) -> None:
    make_disk(ls)
    make_instance(ls)
    call(ls, "CreateDiskSnapshot", diskSnapshotName="ds-1", diskName="data-1")
    call(
        ls,
        "CreateDiskSnapshot",
        diskSnapshotName="ds-2",
        instanceName="web-1",
        tags=[{"key": "k", "value": "v"}],
    )
    from_disk = call(ls, "GetDiskSnapshot", diskSnapshotName="ds-1")["diskSnapshot"]
    disk_arn = call(ls, "GetDisk", diskName="data-1")["disk"]["arn"]
    assert from_disk["state"] == "completed"
    assert from_disk["progress"] == "100%"
    assert from_disk["fromDiskName"] == "data-1"
    assert from_disk["fromDiskArn"] == disk_arn
    assert "fromInstanceName" not in from_disk
    assert from_disk["sizeInGb"] == 32
    from_instance = call(ls, "GetDiskSnapshot", diskSnapshotName="ds-2")["diskSnapshot"]
    assert from_instance["fromInstanceName"] == "web-1"
    assert "fromDiskName" not in from_instance
    assert from_instance["tags"] == [{"key": "k", "value": "v"}]
    assert [s["name"] for s in call(ls, "GetDiskSnapshots")["diskSnapshots"]] == ["ds-1", "ds-2"]
    assert fake.backend().disk_snapshots["ds-2"].from_resource_name == "web-1"

    for sources in ({}, {"diskName": "data-1", "instanceName": "web-1"}):
        fails(ls, "CreateDiskSnapshot", "InvalidInputException", diskSnapshotName="ds-3", **sources)
    fails(
        ls,
        "CreateDiskSnapshot",
        "InvalidInputException",
        diskSnapshotName="ds-1",
        diskName="data-1",
    )
    fails(ls, "CreateDiskSnapshot", "NotFoundException", diskSnapshotName="ds-3", diskName="ghost")
    fails(
        ls, "CreateDiskSnapshot", "NotFoundException", diskSnapshotName="ds-3", instanceName="ghost"
    )
    assert (
        call(ls, "DeleteDiskSnapshot", diskSnapshotName="ds-1")["operations"][0]["operationType"]
        == "DeleteDiskSnapshot"
    )
    fails(ls, "GetDiskSnapshot", "NotFoundException", diskSnapshotName="ds-1")
    fails(ls, "DeleteDiskSnapshot", "NotFoundException", diskSnapshotName="ds-1")


def test_snapshot_state_is_driven_by_the_backend(fake: Fake, ls: LightsailClient) -> None:
    make_instance(ls)
    make_disk(ls)
    make_database(ls)
    call(ls, "CreateInstanceSnapshot", instanceSnapshotName="snap-1", instanceName="web-1")
    call(ls, "CreateDiskSnapshot", diskSnapshotName="ds-1", diskName="data-1")
    call(
        ls,
        "CreateRelationalDatabaseSnapshot",
        relationalDatabaseName="db-1",
        relationalDatabaseSnapshotName="dbs-1",
    )
    backend = fake.backend()
    assert backend.relational_database_snapshots["dbs-1"].state == "available"
    for instance_state, disk_state, db_state in (
        ("pending", "pending", "creating"),
        ("error", "error", "failed"),
    ):
        backend.instance_snapshots["snap-1"].state = instance_state
        backend.instance_snapshots["snap-1"].progress = "42%"
        backend.disk_snapshots["ds-1"].state = disk_state
        backend.relational_database_snapshots["dbs-1"].state = db_state
        got = call(ls, "GetInstanceSnapshot", instanceSnapshotName="snap-1")["instanceSnapshot"]
        assert (got["state"], got["progress"]) == (instance_state, "42%")
        got = call(ls, "GetDiskSnapshot", diskSnapshotName="ds-1")["diskSnapshot"]
        assert got["state"] == disk_state
        got = call(ls, "GetRelationalDatabaseSnapshot", relationalDatabaseSnapshotName="dbs-1")[
            "relationalDatabaseSnapshot"
        ]
        assert got["state"] == db_state


# -- copy_snapshot ---------------------------------------------------------------------------


def test_copy_manual_instance_snapshot_same_region(fake: Fake, ls: LightsailClient) -> None:
    make_instance(ls)
    call(ls, "CreateInstanceSnapshot", instanceSnapshotName="snap-1", instanceName="web-1")
    operations = call(
        ls,
        "CopySnapshot",
        sourceSnapshotName="snap-1",
        targetSnapshotName="copy-1",
        sourceRegion=REGION,
    )["operations"]
    assert [(op["resourceName"], op["resourceType"]) for op in operations] == [
        ("copy-1", "InstanceSnapshot")
    ]
    copy = call(ls, "GetInstanceSnapshot", instanceSnapshotName="copy-1")["instanceSnapshot"]
    source = call(ls, "GetInstanceSnapshot", instanceSnapshotName="snap-1")["instanceSnapshot"]
    instance = call(ls, "GetInstance", instanceName="web-1")["instance"]
    assert copy["arn"] != source["arn"]
    assert copy["fromInstanceName"] == "web-1"
    assert copy["fromInstanceArn"] == instance["arn"]
    assert copy["sizeInGb"] == source["sizeInGb"]
    assert copy["isFromAutoSnapshot"] is False
    assert copy["state"] == "available"
    assert copy["tags"] == []
    model = fake.backend().instance_snapshots["copy-1"]
    assert (model.from_resource_name, model.from_resource_arn) == ("web-1", instance["arn"])


def test_copy_manual_disk_snapshot_across_regions(fake: Fake) -> None:
    source_client = fake.client(OTHER_REGION)
    target_client = fake.client(REGION)
    make_disk(source_client)
    call(source_client, "CreateDiskSnapshot", diskSnapshotName="ds-1", diskName="data-1")
    call(
        target_client,
        "CopySnapshot",
        sourceSnapshotName="ds-1",
        targetSnapshotName="ds-copy",
        sourceRegion=OTHER_REGION,
    )
    copy = call(target_client, "GetDiskSnapshot", diskSnapshotName="ds-copy")["diskSnapshot"]
    assert copy["location"]["regionName"] == REGION
    assert copy["arn"].startswith(f"arn:aws:lightsail:{REGION}:")
    assert copy["fromDiskName"] == "data-1"
    assert copy["fromDiskArn"].startswith(f"arn:aws:lightsail:{OTHER_REGION}:")
    assert copy["state"] == "completed"
    assert copy["sizeInGb"] == 32
    fails(source_client, "GetDiskSnapshot", "NotFoundException", diskSnapshotName="ds-copy")
    assert "ds-copy" in fake.backend(REGION).disk_snapshots
    assert "ds-copy" not in fake.backend(OTHER_REGION).disk_snapshots
    # The copy of a copy still names the original disk.
    call(
        source_client,
        "CopySnapshot",
        sourceSnapshotName="ds-copy",
        targetSnapshotName="ds-back",
        sourceRegion=REGION,
    )
    back = call(source_client, "GetDiskSnapshot", diskSnapshotName="ds-back")["diskSnapshot"]
    assert back["fromDiskName"] == "data-1"


def test_copy_automatic_snapshots(fake: Fake) -> None:
    source_client = fake.client(OTHER_REGION)
    client = fake.client(REGION)
    make_instance(source_client, addOns=AUTO_SNAPSHOT_ADD_ON)
    make_disk(source_client, addOns=AUTO_SNAPSHOT_ADD_ON)
    fake.backend(OTHER_REGION).add_auto_snapshot("web-1", "2024-05-01")
    call(
        client,
        "CopySnapshot",
        sourceResourceName="web-1",
        restoreDate="2024-05-01",
        targetSnapshotName="from-auto",
        sourceRegion=OTHER_REGION,
    )
    copy = call(client, "GetInstanceSnapshot", instanceSnapshotName="from-auto")["instanceSnapshot"]
    assert copy["isFromAutoSnapshot"] is True
    assert copy["fromInstanceName"] == "web-1"
    assert copy["location"]["regionName"] == REGION
    assert copy["sizeInGb"] == 60
    call(
        client,
        "CopySnapshot",
        sourceResourceName="data-1",
        useLatestRestorableAutoSnapshot=True,
        targetSnapshotName="disk-auto",
        sourceRegion=OTHER_REGION,
    )
    disk_copy = call(client, "GetDiskSnapshot", diskSnapshotName="disk-auto")["diskSnapshot"]
    assert disk_copy["isFromAutoSnapshot"] is True
    assert disk_copy["fromDiskName"] == "data-1"
    assert disk_copy["sizeInGb"] == 32
    fails(client, "GetInstanceSnapshot", "NotFoundException", instanceSnapshotName="disk-auto")


def test_copy_of_a_held_source_is_not_blocked(fake: Fake, ls: LightsailClient) -> None:
    make_instance(ls)
    call(ls, "CreateInstanceSnapshot", instanceSnapshotName="snap-1", instanceName="web-1")
    fake.backend().instance_snapshots["snap-1"].state = "pending"
    call(
        ls,
        "CopySnapshot",
        sourceSnapshotName="snap-1",
        targetSnapshotName="copy-1",
        sourceRegion=REGION,
    )
    assert fake.backend().instance_snapshots["copy-1"].state == "available"


COPY_ERRORS: list[tuple[str, dict[str, Any], str]] = [
    ("missing manual source", {"sourceSnapshotName": "ghost"}, "NotFoundException"),
    (
        "missing source resource",
        {"sourceResourceName": "ghost", "useLatestRestorableAutoSnapshot": True},
        "NotFoundException",
    ),
    (
        "no restorable auto snapshot",
        {"sourceResourceName": "plain", "useLatestRestorableAutoSnapshot": True},
        "NotFoundException",
    ),
    (
        "existing target",
        {"sourceSnapshotName": "snap-1", "target": "taken"},
        "InvalidInputException",
    ),
    (
        "snapshot name with resource name",
        {
            "sourceSnapshotName": "snap-1",
            "sourceResourceName": "web-1",
            "restoreDate": "2024-05-01",
        },
        "InvalidInputException",
    ),
    (
        "snapshot name with restore date",
        {"sourceSnapshotName": "snap-1", "restoreDate": "2024-05-01"},
        "InvalidInputException",
    ),
    (
        "snapshot name with use latest",
        {"sourceSnapshotName": "snap-1", "useLatestRestorableAutoSnapshot": True},
        "InvalidInputException",
    ),
    (
        "restore date with use latest",
        {
            "sourceResourceName": "web-1",
            "restoreDate": "2024-05-01",
            "useLatestRestorableAutoSnapshot": True,
        },
        "InvalidInputException",
    ),
    ("no source at all", {}, "InvalidInputException"),
    ("resource without date", {"sourceResourceName": "web-1"}, "InvalidInputException"),
    (
        "resource with use latest false",
        {"sourceResourceName": "web-1", "useLatestRestorableAutoSnapshot": False},
        "InvalidInputException",
    ),
    (
        "impossible date",
        {"sourceResourceName": "web-1", "restoreDate": "2024-02-30"},
        "InvalidInputException",
    ),
    (
        "not YYYY-MM-DD",
        {"sourceResourceName": "web-1", "restoreDate": "2024/05/01"},
        "InvalidInputException",
    ),
    (
        "no auto snapshot that day",
        {"sourceResourceName": "web-1", "restoreDate": "2024-05-02"},
        "InvalidInputException",
    ),
    (
        "failed auto snapshot that day",
        {"sourceResourceName": "web-1", "restoreDate": "2024-04-01"},
        "InvalidInputException",
    ),
    (
        "source region without a Lightsail endpoint",
        {"sourceSnapshotName": "snap-1", "region": "us-west-1"},
        "InvalidInputException",
    ),
    (
        "source region that is no region",
        {"sourceSnapshotName": "snap-1", "region": "xx-nowhere-9"},
        "InvalidInputException",
    ),
    (
        "invalid target name",
        {"sourceSnapshotName": "snap-1", "target": "bad name!"},
        "InvalidInputException",
    ),
]


@pytest.mark.parametrize(
    ("case", "spec", "code"), COPY_ERRORS, ids=[case for case, _, _ in COPY_ERRORS]
)
def test_copy_snapshot_errors(
    fake: Fake, ls: LightsailClient, case: str, spec: dict[str, Any], code: str
) -> None:
    make_instance(ls, addOns=AUTO_SNAPSHOT_ADD_ON)
    make_instance(ls, "plain")
    backend = fake.backend()
    backend.add_auto_snapshot("web-1", "2024-05-01")
    backend.add_auto_snapshot("web-1", "2024-04-01").status = "Failed"
    call(ls, "CreateInstanceSnapshot", instanceSnapshotName="snap-1", instanceName="web-1")
    call(ls, "CreateInstanceSnapshot", instanceSnapshotName="taken", instanceName="web-1")
    request = {key: value for key, value in spec.items() if key not in ("target", "region")}
    before = set(backend.instance_snapshots)
    fails(
        ls,
        "CopySnapshot",
        code,
        targetSnapshotName=spec.get("target", "copy-1"),
        sourceRegion=spec.get("region", REGION),
        **request,
    )
    assert set(backend.instance_snapshots) == before, case


def test_copy_snapshot_from_an_unsupported_client_region(fake: Fake) -> None:
    client = fake.client("us-west-1")
    fails(
        client,
        "CopySnapshot",
        "InvalidInputException",
        sourceSnapshotName="snap-1",
        targetSnapshotName="copy-1",
        sourceRegion=REGION,
    )
    fails(client, "GetInstanceSnapshots", "InvalidInputException")


def test_supported_regions_are_those_with_an_endpoint() -> None:
    # botocore's endpoint data: Lightsail in ap-east-1, ap-southeast-3 and -5, eu-south-2 and
    # sa-east-1, but not in us-west-1 (which the RegionName enum still lists).
    assert len(SUPPORTED_REGIONS) == 19
    assert {"ap-east-1", "ap-southeast-3", "ap-southeast-5", "eu-south-2", "sa-east-1"} <= set(
        SUPPORTED_REGIONS
    )
    assert "us-west-1" not in SUPPORTED_REGIONS
    assert "us-west-1" in service_model().shape_for("RegionName").enum


def test_copy_from_a_region_without_an_endpoint_is_rejected(
    fake: Fake, ls: LightsailClient
) -> None:
    fails(
        ls,
        "CopySnapshot",
        "InvalidInputException",
        sourceSnapshotName="snap-1",
        targetSnapshotName="copy-1",
        sourceRegion="us-west-1",
    )


def test_copy_into_a_newer_region(fake: Fake, ls: LightsailClient) -> None:
    make_instance(ls)
    call(ls, "CreateInstanceSnapshot", instanceSnapshotName="snap-1", instanceName="web-1")
    jakarta = fake.client("ap-southeast-3")
    call(
        jakarta,
        "CopySnapshot",
        sourceSnapshotName="snap-1",
        targetSnapshotName="copy-1",
        sourceRegion=REGION,
    )
    assert "copy-1" in fake.backend("ap-southeast-3").instance_snapshots


# -- relational databases --------------------------------------------------------------------


def test_relational_database_and_snapshot_lifecycle(fake: Fake, ls: LightsailClient) -> None:
    make_database(ls)
    database = call(ls, "GetRelationalDatabase", relationalDatabaseName="db-1")[
        "relationalDatabase"
    ]
    assert (database["engine"], database["engineVersion"]) == ("postgres", "16")
    assert database["state"] == "available"
    assert database["location"]["availabilityZone"] == "us-east-1a"
    assert [d["name"] for d in call(ls, "GetRelationalDatabases")["relationalDatabases"]] == [
        "db-1"
    ]
    operations = call(
        ls,
        "CreateRelationalDatabaseSnapshot",
        relationalDatabaseName="db-1",
        relationalDatabaseSnapshotName="dbs-1",
        tags=[{"key": "owner", "value": "data"}],
    )["operations"]
    assert operations[0]["resourceType"] == "RelationalDatabaseSnapshot"
    assert operations[0]["operationType"] == "CreateRelationalDatabaseSnapshot"
    snapshot = call(ls, "GetRelationalDatabaseSnapshot", relationalDatabaseSnapshotName="dbs-1")[
        "relationalDatabaseSnapshot"
    ]
    assert snapshot["name"] == "dbs-1"
    assert snapshot["arn"].startswith(
        "arn:aws:lightsail:us-east-1:123456789012:RelationalDatabaseSnapshot/"
    )
    assert (snapshot["engine"], snapshot["engineVersion"]) == ("postgres", "16")
    assert snapshot["sizeInGb"] == 120
    assert snapshot["state"] == "available"
    assert snapshot["fromRelationalDatabaseName"] == "db-1"
    assert snapshot["fromRelationalDatabaseArn"] == database["arn"]
    assert snapshot["location"]["regionName"] == REGION
    assert snapshot["resourceType"] == "RelationalDatabaseSnapshot"
    assert snapshot["tags"] == [{"key": "owner", "value": "data"}]
    assert isinstance(snapshot["createdAt"], dt.datetime)
    listed = call(ls, "GetRelationalDatabaseSnapshots")["relationalDatabaseSnapshots"]
    assert [s["name"] for s in listed] == ["dbs-1"]
    assert fake.backend().relational_database_snapshots["dbs-1"].state == "available"

    for name in ("dbs-1", "-dbs", "dbs_2", "dbs-"):
        fails(
            ls,
            "CreateRelationalDatabaseSnapshot",
            "InvalidInputException",
            relationalDatabaseName="db-1",
            relationalDatabaseSnapshotName=name,
        )
    fails(
        ls,
        "CreateRelationalDatabaseSnapshot",
        "NotFoundException",
        relationalDatabaseName="ghost",
        relationalDatabaseSnapshotName="dbs-2",
    )
    call(ls, "DeleteRelationalDatabaseSnapshot", relationalDatabaseSnapshotName="dbs-1")
    fails(
        ls,
        "GetRelationalDatabaseSnapshot",
        "NotFoundException",
        relationalDatabaseSnapshotName="dbs-1",
    )
    fails(
        ls,
        "DeleteRelationalDatabaseSnapshot",
        "NotFoundException",
        relationalDatabaseSnapshotName="dbs-1",
    )


def test_delete_relational_database_final_snapshot(ls: LightsailClient) -> None:
    make_database(ls, "db-1")
    make_database(ls, "db-2")
    fails(ls, "DeleteRelationalDatabase", "InvalidInputException", relationalDatabaseName="db-1")
    operations = call(
        ls,
        "DeleteRelationalDatabase",
        relationalDatabaseName="db-1",
        finalRelationalDatabaseSnapshotName="db-1-final",
    )["operations"]
    assert operations[0]["operationType"] == "DeleteRelationalDatabase"
    final = call(ls, "GetRelationalDatabaseSnapshot", relationalDatabaseSnapshotName="db-1-final")[
        "relationalDatabaseSnapshot"
    ]
    assert final["fromRelationalDatabaseName"] == "db-1"
    call(ls, "DeleteRelationalDatabase", relationalDatabaseName="db-2", skipFinalSnapshot=True)
    listed = call(ls, "GetRelationalDatabaseSnapshots")["relationalDatabaseSnapshots"]
    assert [s["name"] for s in listed] == ["db-1-final"]
    fails(ls, "GetRelationalDatabase", "NotFoundException", relationalDatabaseName="db-2")
    fails(
        ls,
        "DeleteRelationalDatabase",
        "NotFoundException",
        relationalDatabaseName="db-2",
        skipFinalSnapshot=True,
    )


# -- tags ------------------------------------------------------------------------------------

GETTERS: dict[str, tuple[str, str, str]] = {
    "snap-1": ("GetInstanceSnapshot", "instanceSnapshotName", "instanceSnapshot"),
    "ds-1": ("GetDiskSnapshot", "diskSnapshotName", "diskSnapshot"),
    "dbs-1": (
        "GetRelationalDatabaseSnapshot",
        "relationalDatabaseSnapshotName",
        "relationalDatabaseSnapshot",
    ),
    "web-1": ("GetInstance", "instanceName", "instance"),
    "data-1": ("GetDisk", "diskName", "disk"),
    "db-1": ("GetRelationalDatabase", "relationalDatabaseName", "relationalDatabase"),
}


def _get(client: LightsailClient, name: str) -> dict[str, Any]:
    operation, parameter, key = GETTERS[name]
    found: dict[str, Any] = call(client, operation, **{parameter: name})[key]
    return found


@pytest.mark.parametrize("name", list(GETTERS))
def test_tag_and_untag_every_kind(ls: LightsailClient, name: str) -> None:
    make_instance(ls)
    make_disk(ls)
    make_database(ls)
    call(ls, "CreateInstanceSnapshot", instanceSnapshotName="snap-1", instanceName="web-1")
    call(ls, "CreateDiskSnapshot", diskSnapshotName="ds-1", diskName="data-1")
    call(
        ls,
        "CreateRelationalDatabaseSnapshot",
        relationalDatabaseName="db-1",
        relationalDatabaseSnapshotName="dbs-1",
    )
    operations = call(
        ls,
        "TagResource",
        resourceName=name,
        tags=[{"key": "a", "value": "1"}, {"key": "b", "value": "2"}],
    )["operations"]
    assert operations[0]["resourceName"] == name
    assert operations[0]["resourceType"] == _get(ls, name)["resourceType"]
    assert _get(ls, name)["tags"] == [{"key": "a", "value": "1"}, {"key": "b", "value": "2"}]
    arn = _get(ls, name)["arn"]
    call(ls, "TagResource", resourceName=name, resourceArn=arn, tags=[{"key": "a", "value": "9"}])
    call(ls, "UntagResource", resourceName=name, tagKeys=["b", "never-set"])
    assert _get(ls, name)["tags"] == [{"key": "a", "value": "9"}]
    call(ls, "UntagResource", resourceName=name, resourceArn=arn, tagKeys=["a"])
    assert _get(ls, name)["tags"] == []


def test_tag_errors(ls: LightsailClient) -> None:
    make_instance(ls)
    make_instance(ls, "web-2")
    other_arn = call(ls, "GetInstance", instanceName="web-2")["instance"]["arn"]
    tags = [{"key": "a", "value": "1"}]
    fails(ls, "TagResource", "NotFoundException", resourceName="ghost", tags=tags)
    fails(ls, "UntagResource", "NotFoundException", resourceName="ghost", tagKeys=["a"])
    fails(
        ls,
        "TagResource",
        "InvalidInputException",
        resourceName="web-1",
        resourceArn=other_arn,
        tags=tags,
    )
    unknown_arn = "arn:aws:lightsail:us-east-1:123456789012:Instance/0000-1111"
    fails(
        ls,
        "TagResource",
        "NotFoundException",
        resourceName="web-1",
        resourceArn=unknown_arn,
        tags=tags,
    )
    fails(ls, "TagResource", "InvalidInputException", resourceName="web-1", tags=[{"key": ""}])
    fails(
        ls,
        "TagResource",
        "InvalidInputException",
        resourceName="web-1",
        tags=[{"key": "k", "value": "v" * 257}],
    )
    fails(
        ls,
        "TagResource",
        "InvalidInputException",
        resourceName="web-1",
        tags=[{"key": f"k{i}"} for i in range(51)],
    )
    assert call(ls, "GetInstance", instanceName="web-1")["instance"]["tags"] == []


# -- operations ------------------------------------------------------------------------------


def test_every_operation_is_recorded(ls: LightsailClient) -> None:
    ids: list[str] = []
    ids += [op["id"] for op in make_instance(ls)]
    ids += [
        op["id"]
        for op in call(
            ls, "CreateInstanceSnapshot", instanceSnapshotName="snap-1", instanceName="web-1"
        )["operations"]
    ]
    ids += [
        op["id"]
        for op in call(
            ls,
            "CopySnapshot",
            sourceSnapshotName="snap-1",
            targetSnapshotName="copy-1",
            sourceRegion=REGION,
        )["operations"]
    ]
    ids += [
        op["id"]
        for op in call(ls, "TagResource", resourceName="copy-1", tags=[{"key": "a"}])["operations"]
    ]
    assert len(set(ids)) == len(ids) == 5
    for operation_id in ids:
        operation = call(ls, "GetOperation", operationId=operation_id)["operation"]
        assert operation["id"] == operation_id
        assert operation["status"] == "Succeeded"
        assert operation["isTerminal"] is True
        assert operation["location"]["regionName"] == REGION
        assert isinstance(operation["statusChangedAt"], dt.datetime)
        assert "errorCode" not in operation
    listed = call(ls, "GetOperations")["operations"]
    assert {op["id"] for op in listed} == set(ids)
    for_copy = call(ls, "GetOperationsForResource", resourceName="copy-1")["operations"]
    assert {op["resourceName"] for op in for_copy} == {"copy-1"}
    assert len(for_copy) == 2
    fails(ls, "GetOperation", "NotFoundException", operationId="no-such-operation")


def test_fail_operations_for(fake: Fake, ls: LightsailClient) -> None:
    make_instance(ls)
    operations = call(
        ls, "CreateInstanceSnapshot", instanceSnapshotName="snap-1", instanceName="web-1"
    )["operations"]
    by_resource = {op["resourceName"]: op["id"] for op in operations}
    changed = fake.backend().fail_operations_for("snap-1", "InternalError", "disk full")
    assert changed == 1
    failed = call(ls, "GetOperation", operationId=by_resource["snap-1"])["operation"]
    assert failed["status"] == "Failed"
    assert failed["isTerminal"] is True
    assert failed["errorCode"] == "InternalError"
    assert failed["errorDetails"] == "disk full"
    untouched = call(ls, "GetOperation", operationId=by_resource["web-1"])["operation"]
    assert untouched["status"] == "Succeeded"
    assert fake.backend().fail_operations_for("nothing-here", "X", "Y") == 0


# -- protocol robustness ---------------------------------------------------------------------

TARGET = "Lightsail_20161128."


@pytest.mark.parametrize(
    ("target", "body", "code"),
    [
        (TARGET + "GetDisk", b"{not json", "InvalidInputException"),
        (TARGET + "GetDisk", b"[1, 2]", "InvalidInputException"),
        (TARGET + "GetDisk", b"\xff\xfe", "InvalidInputException"),
        (TARGET + "GetDisk", b"{}", "InvalidInputException"),
        (TARGET + "GetDisk", b'{"diskName": null}', "InvalidInputException"),
        (TARGET + "GetDisk", b'{"diskName": 5}', "InvalidInputException"),
        (TARGET + "GetDisk", b'{"diskName": "a b"}', "InvalidInputException"),
        (
            TARGET + "CreateDisk",
            b'{"diskName": "d1", "availabilityZone": "us-east-1a", "sizeInGb": "8"}',
            "InvalidInputException",
        ),
        (
            TARGET + "CreateDisk",
            b'{"diskName": "d1", "availabilityZone": "us-east-1a", "sizeInGb": true}',
            "InvalidInputException",
        ),
        (
            TARGET + "CreateDisk",
            b'{"diskName": "d1", "availabilityZone": "us-east-1a", "sizeInGb": 8, "tags": "x"}',
            "InvalidInputException",
        ),
        (
            TARGET + "CreateDisk",
            b'{"diskName": "d1", "availabilityZone": "us-east-1a", '
            b'"sizeInGb": 8, "tags": [{"value": "v"}]}',
            "InvalidInputException",
        ),
        (
            TARGET + "CreateDisk",
            b'{"diskName": "d1", "availabilityZone": "us-east-1a", '
            b'"sizeInGb": 8, "addOns": [{"addOnType": "Bogus"}]}',
            "InvalidInputException",
        ),
        (
            TARGET + "CopySnapshot",
            b'{"targetSnapshotName": "c1", "sourceRegion": "mars-1", "sourceSnapshotName": "s1"}',
            "InvalidInputException",
        ),
        (
            TARGET + "CopySnapshot",
            b'{"targetSnapshotName": "c1", "sourceRegion": "us-east-1", '
            b'"sourceSnapshotName": "s1", "useLatestRestorableAutoSnapshot": "yes"}',
            "InvalidInputException",
        ),
        (TARGET + "NoSuchThing", b"{}", "UnknownOperationException"),
        (TARGET + "GetBundles", b"{}", "UnknownOperationException"),
        ("DynamoDB_20120810.ListTables", b"{}", "UnknownOperationException"),
        ("", b"{}", "UnknownOperationException"),
        (None, b"{}", "UnknownOperationException"),
    ],
)
def test_malformed_requests_get_lightsail_errors(
    ls: LightsailClient, target: str | None, body: bytes, code: str
) -> None:
    error = raw(ls, target, body)
    response: dict[str, Any] = dict(error.response)
    assert response["Error"]["Code"] == code
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert response["Error"]["Message"]
    if code == "InvalidInputException":
        # Only modelled errors have their body members (message, code, docs) parsed.
        assert response["message"] == response["Error"]["Message"]
        assert response["code"] == "InvalidInput"
    assert response["ResponseMetadata"]["HTTPHeaders"]["content-type"] == (
        "application/x-amz-json-1.1"
    )


def test_null_members_count_as_absent(ls: LightsailClient) -> None:
    make_instance(ls)

    def rewrite(request: AWSRequest, **_: Any) -> None:
        request.data = b'{"instanceName": "web-1", "includeHealthStatus": null}'

    ls.meta.events.register_first("before-sign.lightsail.GetInstance", rewrite)
    try:
        answer = call(ls, "GetInstance", instanceName="ignored")
    finally:
        ls.meta.events.unregister("before-sign.lightsail.GetInstance", rewrite)
    assert answer["instance"]["name"] == "web-1"


def test_an_internal_failure_is_a_service_exception(
    ls: LightsailClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(self: LightsailBackend, disk_name: str) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(LightsailBackend, "get_disk", explode)
    with pytest.raises(ClientError) as caught:
        ls.get_disk(diskName="data-1")
    response: dict[str, Any] = dict(caught.value.response)
    assert response["Error"]["Code"] == "ServiceException"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert "RuntimeError: boom" in response["Error"]["Message"]


# -- registration and moto integration -------------------------------------------------------


def test_register_is_idempotent() -> None:
    register()
    register()
    services = [service for service, _ in moto.backend_index.backend_url_patterns]
    assert services.count("lightsail") == 1
    assert sys.modules["moto.lightsail"].lightsail_backends is lightsail_backends


def test_import_has_no_side_effects() -> None:
    script = (
        "import sys, moto.backend_index as b\n"
        "from moto.core.model_instances import model_data\n"
        "before = list(b.backend_url_patterns), dict(model_data)\n"
        "import pulumi_snapshots.testing.lightsail as ls\n"
        "assert (list(b.backend_url_patterns), dict(model_data)) == before\n"
        "assert 'moto.lightsail' not in sys.modules\n"
        "ls.register()\n"
        "assert 'moto.lightsail' in sys.modules\n"
        "assert [s for s, _ in b.backend_url_patterns].count('lightsail') == 1\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stderr


def test_mock_aws_resets_the_backend() -> None:
    register()
    with moto.mock_aws():
        client = Fake(None).client()
        make_instance(client)
        assert "web-1" in lightsail_backends[DEFAULT_ACCOUNT_ID][REGION].instances
    with moto.mock_aws():
        client = Fake(None).client()
        assert call(client, "GetInstances")["instances"] == []
        fails(client, "GetInstance", "NotFoundException", instanceName="web-1")


def test_server_reset_clears_the_backend(server_url: str) -> None:
    client = Fake(server_url).client()
    make_instance(client)
    assert "web-1" in lightsail_backends[DEFAULT_ACCOUNT_ID][REGION].instances
    _reset_server(server_url)
    assert call(client, "GetInstances")["instances"] == []


def test_every_implemented_action_has_a_handler_and_a_model() -> None:
    model = service_model()
    for action in IMPLEMENTED_ACTIONS:
        assert isinstance(model.operation_model(action).input_shape, StructureShape)
        assert callable(getattr(LightsailResponse, xform(action)))


def test_backend_attribute_names(fake: Fake) -> None:
    backend = fake.backend()
    for name in (
        "instances",
        "disks",
        "relational_databases",
        "instance_snapshots",
        "disk_snapshots",
        "relational_database_snapshots",
        "operations",
    ):
        assert getattr(backend, name) == {}, name
