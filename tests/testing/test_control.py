"""Control of the fake: holds, throttles, request counts; in-process and as a server."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from fakes import REGION, Fake

from pulumi_snapshots.testing import FAKE_CREDENTIALS, fake_aws
from pulumi_snapshots.testing import control as control_module
from pulumi_snapshots.testing.shapes import assert_valid_response

# ----------------------------------------------------------------------------- helpers


def ec2_instance_with_data_volume(fake: Fake) -> str:
    ec2 = fake.client("ec2")
    instance = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)["Instances"][0]
    volume = ec2.create_volume(Size=5, AvailabilityZone=f"{REGION}a")["VolumeId"]
    ec2.attach_volume(VolumeId=volume, InstanceId=instance["InstanceId"], Device="/dev/sdf")
    return str(instance["InstanceId"])


def ec2_states(fake: Fake, ids: list[str]) -> list[tuple[str, str]]:
    response = fake.client("ec2").describe_snapshots(SnapshotIds=ids)
    assert_valid_response("ec2", "DescribeSnapshots", response)
    by_id = {s["SnapshotId"]: (s["State"], s["Progress"]) for s in response["Snapshots"]}
    return [by_id[i] for i in ids]


def neptune_source(fake: Fake) -> str:
    neptune = fake.client("neptune")
    cluster, snapshot = fake.unique("graph"), fake.unique("nightly")
    neptune.create_db_cluster(DBClusterIdentifier=cluster, Engine="neptune")
    neptune.create_db_cluster_snapshot(
        DBClusterIdentifier=cluster, DBClusterSnapshotIdentifier=snapshot
    )
    return snapshot


def neptune_state(fake: Fake, identifier: str) -> tuple[str, int]:
    response = fake.client("neptune").describe_db_cluster_snapshots(
        DBClusterSnapshotIdentifier=identifier
    )
    (snapshot,) = response["DBClusterSnapshots"]
    return snapshot["Status"], snapshot["PercentProgress"]


def cache_state(fake: Fake, name: str) -> str:
    response = fake.client("elasticache").describe_snapshots(SnapshotName=name)
    return str(response["Snapshots"][0]["SnapshotStatus"])


def cache_copy(fake: Fake, target: str) -> str:
    source = fake.unique("src")
    fake.control.seed_elasticache_snapshot(source, REGION)
    response = fake.client("elasticache").copy_snapshot(
        SourceSnapshotName=source, TargetSnapshotName=target
    )
    return str(response["Snapshot"]["SnapshotStatus"])


def lightsail_instance(fake: Fake) -> str:
    name = fake.unique("web")
    fake.client("lightsail").create_instances(
        instanceNames=[name],
        availabilityZone=f"{REGION}a",
        blueprintId="ubuntu_22_04",
        bundleId="nano_3_0",
    )
    return name


# ------------------------------------------------------------------------------- holds


def test_held_ec2_snapshot_set_is_pending_for_the_given_reads(fake: Fake) -> None:
    instance = ec2_instance_with_data_volume(fake)
    fake.control.hold("ec2", reads=2)

    created = fake.client("ec2").create_snapshots(
        InstanceSpecification={"InstanceId": instance}, Description="set"
    )

    assert_valid_response("ec2", "CreateSnapshots", created)
    ids = [s["SnapshotId"] for s in created["Snapshots"]]
    assert len(ids) == 2
    assert {s["State"] for s in created["Snapshots"]} == {"pending"}
    assert ec2_states(fake, ids) == [("pending", "0%")] * 2
    assert ec2_states(fake, ids) == [("pending", "33%")] * 2
    assert ec2_states(fake, ids) == [("completed", "100%")] * 2


def test_held_neptune_copy_is_creating_then_available(fake: Fake) -> None:
    source = neptune_source(fake)
    target = fake.unique("DR-Copy")
    fake.control.hold("neptune", match="dr-*", reads=1)

    copied = fake.client("neptune").copy_db_cluster_snapshot(
        SourceDBClusterSnapshotIdentifier=source, TargetDBClusterSnapshotIdentifier=target
    )

    assert_valid_response("neptune", "CopyDBClusterSnapshot", copied)
    assert copied["DBClusterSnapshot"]["Status"] == "creating"
    assert copied["DBClusterSnapshot"]["PercentProgress"] < 100
    assert neptune_state(fake, target.lower())[0] == "creating"
    assert neptune_state(fake, target.lower()) == ("available", 100)
    assert neptune_state(fake, source) == ("available", 100)


def test_held_elasticache_copy_is_creating_in_every_read_api(fake: Fake) -> None:
    target = fake.unique("copy")
    fake.control.hold("elasticache", match=target, reads=2)
    assert cache_copy(fake, target) == "creating"
    listed = fake.client("elasticache").describe_snapshots()["Snapshots"]
    assert {s["SnapshotName"]: s["SnapshotStatus"] for s in listed}[target] == "creating"
    assert cache_state(fake, target) == "creating"
    assert cache_state(fake, target) == "available"


def test_held_lightsail_instance_snapshot_is_pending_then_available(fake: Fake) -> None:
    instance = lightsail_instance(fake)
    snapshot = fake.unique("web-snap")
    lightsail = fake.client("lightsail")
    fake.control.hold("lightsail", match="web-snap-*", reads=1)

    lightsail.create_instance_snapshot(instanceSnapshotName=snapshot, instanceName=instance)

    first = lightsail.get_instance_snapshot(instanceSnapshotName=snapshot)
    assert_valid_response("lightsail", "GetInstanceSnapshot", first)
    assert first["instanceSnapshot"]["state"] == "pending"
    assert first["instanceSnapshot"]["progress"] != "100%"
    second = lightsail.get_instance_snapshot(instanceSnapshotName=snapshot)["instanceSnapshot"]
    assert (second["state"], second["progress"]) == ("available", "100%")


def test_held_lightsail_disk_snapshot_is_pending_then_completed(fake: Fake) -> None:
    disk, snapshot = fake.unique("data"), fake.unique("data-snap")
    lightsail = fake.client("lightsail")
    lightsail.create_disk(diskName=disk, availabilityZone=f"{REGION}a", sizeInGb=8)
    fake.control.hold("lightsail", match=snapshot, reads=1)
    lightsail.create_disk_snapshot(diskSnapshotName=snapshot, diskName=disk)
    listed = lightsail.get_disk_snapshots()["diskSnapshots"]
    assert {s["name"]: s["state"] for s in listed}[snapshot] == "pending"
    after = lightsail.get_disk_snapshot(diskSnapshotName=snapshot)["diskSnapshot"]
    assert (after["state"], after["progress"]) == ("completed", "100%")


def test_hold_by_seconds_reads_the_manual_clock(fake: Fake) -> None:
    ec2 = fake.client("ec2")
    volume = ec2.create_volume(Size=5, AvailabilityZone=f"{REGION}a")["VolumeId"]
    fake.control.use_manual_clock()
    fake.control.hold("ec2", seconds=60)
    snapshot = ec2.create_snapshot(VolumeId=volume)["SnapshotId"]
    assert ec2_states(fake, [snapshot]) == [("pending", "0%")]
    fake.control.advance_clock(30)
    assert ec2_states(fake, [snapshot]) == [("pending", "50%")]
    fake.control.advance_clock(29.5)
    assert ec2_states(fake, [snapshot])[0][0] == "pending"
    fake.control.advance_clock(0.5)
    assert ec2_states(fake, [snapshot]) == [("completed", "100%")]


def test_a_hold_keeps_the_clock_it_started_on(fake: Fake) -> None:
    ec2 = fake.client("ec2")
    volume = ec2.create_volume(Size=5, AvailabilityZone=f"{REGION}a")["VolumeId"]
    fake.control.use_manual_clock()
    fake.control.hold("ec2", seconds=10)
    first = ec2.create_snapshot(VolumeId=volume)["SnapshotId"]
    fake.control.use_manual_clock()  # a new clock at 0: the first hold still reads the old one
    fake.control.hold("ec2", seconds=10)
    second = ec2.create_snapshot(VolumeId=volume)["SnapshotId"]
    fake.control.advance_clock(10)
    assert [state for state, _ in ec2_states(fake, [first, second])] == ["pending", "completed"]


def test_advancing_needs_a_manual_clock(fake: Fake) -> None:
    with pytest.raises(ValueError, match="use_manual_clock"):
        fake.control.advance_clock(1)
    fake.control.use_manual_clock()
    with pytest.raises(ValueError, match="seconds"):
        fake.control.advance_clock(-1)
    fake.control.reset()
    with pytest.raises(ValueError, match="use_manual_clock"):
        fake.control.advance_clock(1)


@pytest.mark.parametrize(
    ("service", "create", "read", "error_state"),
    [
        (
            "ec2",
            lambda fake, name: fake.client("ec2").create_snapshot(
                VolumeId=fake.client("ec2").create_volume(Size=1, AvailabilityZone=f"{REGION}a")[
                    "VolumeId"
                ]
            )["SnapshotId"],
            lambda fake, name: ec2_states(fake, [name])[0][0],
            "error",
        ),
        (
            "rds",
            lambda fake, name: fake.client("neptune").copy_db_cluster_snapshot(
                SourceDBClusterSnapshotIdentifier=neptune_source(fake),
                TargetDBClusterSnapshotIdentifier=name,
            )["DBClusterSnapshot"]["DBClusterSnapshotIdentifier"],
            lambda fake, name: neptune_state(fake, name)[0],
            "failed",
        ),
        (
            "elasticache",
            lambda fake, name: cache_copy(fake, name) and name,
            cache_state,
            "failed",
        ),
        (
            "lightsail",
            lambda fake, name: (
                fake.client("lightsail").create_relational_database_snapshot(
                    relationalDatabaseName=lightsail_database(fake),
                    relationalDatabaseSnapshotName=name,
                )
                and name
            ),
            lambda fake, name: fake.client("lightsail").get_relational_database_snapshot(
                relationalDatabaseSnapshotName=name
            )["relationalDatabaseSnapshot"]["state"],
            "failed",
        ),
    ],
)
def test_hold_with_zero_reads_then_error_fails_at_the_first_read(
    fake: Fake,
    service: str,
    create: Callable[[Fake, str], str],
    read: Callable[[Fake, str], str],
    error_state: str,
) -> None:
    fake.control.hold(service, reads=0, then="error")
    name = create(fake, fake.unique("doomed"))
    assert read(fake, name) == error_state
    assert read(fake, name) == error_state


def lightsail_database(fake: Fake) -> str:
    name = fake.unique("db")
    fake.client("lightsail").create_relational_database(
        relationalDatabaseName=name,
        relationalDatabaseBlueprintId="mysql_8_0",
        relationalDatabaseBundleId="micro_2_0",
        masterDatabaseName="app",
        masterUsername="admin",
    )
    return name


def test_only_new_snapshots_matching_the_glob_are_held(fake: Fake) -> None:
    before = fake.unique("keep-old")
    assert cache_copy(fake, before) == "available"
    fake.control.hold("elasticache", match="KEEP-*", reads=1)
    assert cache_state(fake, before) == "available"
    assert cache_copy(fake, fake.unique("keep-new")) == "creating"
    assert cache_copy(fake, fake.unique("other")) == "available"


def test_newest_matching_rule_wins(fake: Fake) -> None:
    fake.control.hold("elasticache", match="*", reads=5)
    fake.control.hold("elasticache", match="fast-*", reads=0)
    fast, slow = fake.unique("fast"), fake.unique("slow")
    cache_copy(fake, fast)
    cache_copy(fake, slow)
    assert cache_state(fake, fast) == "available"
    assert cache_state(fake, slow) == "creating"


def test_a_read_counts_only_for_the_snapshots_it_includes(fake: Fake) -> None:
    first, second = fake.unique("copy"), fake.unique("copy")
    fake.control.hold("elasticache", match="copy-*", reads=1)
    cache_copy(fake, first)
    cache_copy(fake, second)
    assert cache_state(fake, first) == "creating"
    assert cache_state(fake, first) == "available"
    assert cache_state(fake, second) == "creating"
    assert cache_state(fake, second) == "available"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"reads": 1, "seconds": 1.0}, "exactly one"),
        ({}, "exactly one"),
        ({"reads": -1}, "reads"),
        ({"seconds": -2}, "seconds"),
        ({"reads": 1, "then": "maybe"}, "then"),
        ({"reads": 1, "match": ""}, "match"),
    ],
)
def test_hold_rejects_bad_arguments(fake: Fake, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        fake.control.hold("ec2", **kwargs)


def test_hold_and_throttle_reject_unknown_services(fake: Fake) -> None:
    with pytest.raises(ValueError, match="service"):
        fake.control.hold("dynamodb", reads=1)
    with pytest.raises(ValueError, match="service"):
        fake.control.throttle("dynamodb", "Scan", 1)
    with pytest.raises(ValueError, match="count"):
        fake.control.throttle("ec2", "DescribeSnapshots", -1)


# ---------------------------------------------------------------------------- throttles

THROTTLED: list[tuple[str, str, str, Callable[[Any], Any], str, int]] = [
    (
        "ec2",
        "ec2",
        "DescribeSnapshots",
        lambda c: c.describe_snapshots(OwnerIds=["self"]),
        "RequestLimitExceeded",
        503,
    ),
    (
        "neptune",
        "neptune",
        "DescribeDBClusterSnapshots",
        lambda c: c.describe_db_cluster_snapshots(),
        "Throttling",
        400,
    ),
    ("rds", "neptune", "DescribeDBClusters", lambda c: c.describe_db_clusters(), "Throttling", 400),
    (
        "elasticache",
        "elasticache",
        "CopySnapshot",
        lambda c: c.copy_snapshot(SourceSnapshotName="a", TargetSnapshotName="b"),
        "Throttling",
        400,
    ),
    (
        "lightsail",
        "lightsail",
        "GetInstanceSnapshots",
        lambda c: c.get_instance_snapshots(),
        "ThrottlingException",
        400,
    ),
]


@pytest.mark.parametrize(("service", "client", "action", "call", "code", "status"), THROTTLED)
def test_throttled_action_fails_with_the_service_throttling_error(
    fake: Fake,
    service: str,
    client: str,
    action: str,
    call: Callable[[Any], Any],
    code: str,
    status: int,
) -> None:
    fake.control.throttle(service, action, 1)
    with pytest.raises(ClientError) as throttled:
        call(fake.client(client, attempts=1))
    response: Any = throttled.value.response
    assert response["Error"]["Code"] == code
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status
    key = "neptune" if service == "rds" else service
    assert fake.control.request_counts()[key][action] == 1


@pytest.mark.parametrize(("service", "client", "action", "call", "code", "status"), THROTTLED[:3])
def test_throttled_action_succeeds_after_botocore_retries(
    fake: Fake,
    service: str,
    client: str,
    action: str,
    call: Callable[[Any], Any],
    code: str,
    status: int,
) -> None:
    fake.control.throttle(service, action, 1)
    response = call(fake.client(client))
    assert response["ResponseMetadata"]["RetryAttempts"] == 1
    key = "neptune" if service == "rds" else service
    assert fake.control.request_counts()[key][action] == 2


def test_throttle_applies_to_the_named_action_only(fake: Fake) -> None:
    fake.control.throttle("ec2", "DescribeVolumes", 2)
    ec2 = fake.client("ec2", attempts=1)
    ec2.describe_snapshots(OwnerIds=["self"])
    for _ in range(2):
        with pytest.raises(ClientError):
            ec2.describe_volumes()
    ec2.describe_volumes()
    assert fake.control.request_counts()["ec2"] == {"DescribeSnapshots": 1, "DescribeVolumes": 3}


# -------------------------------------------------------------------- counts and reset


def test_request_counts_by_service_and_action(fake: Fake) -> None:
    fake.client("ec2").describe_snapshots(OwnerIds=["self"])
    fake.client("ec2").describe_snapshots(OwnerIds=["self"])
    fake.client("neptune").describe_db_cluster_snapshots()
    fake.client("elasticache").describe_snapshots()
    fake.client("lightsail").get_disk_snapshots()
    fake.client("sts").get_caller_identity()
    assert fake.control.request_counts() == {
        "ec2": {"DescribeSnapshots": 2},
        "neptune": {"DescribeDBClusterSnapshots": 1},
        "elasticache": {"DescribeSnapshots": 1},
        "lightsail": {"GetDiskSnapshots": 1},
        "sts": {"GetCallerIdentity": 1},
    }


def test_reset_forgets_rules_throttles_and_counts_but_not_data(fake: Fake) -> None:
    kept = fake.unique("kept")
    fake.control.hold("elasticache", reads=3)
    assert cache_copy(fake, kept) == "creating"
    fake.control.throttle("elasticache", "DescribeSnapshots", 5)

    fake.control.reset()

    assert fake.control.request_counts() == {}
    assert cache_copy(fake, fake.unique("new")) == "available"
    assert cache_state(fake, kept) == "creating"
    assert fake.control.request_counts()["elasticache"] == {
        "CopySnapshot": 1,
        "DescribeSnapshots": 1,
    }


# --------------------------------------------------------------------- fake_aws itself


def test_fake_aws_sets_credentials_and_region_only_inside(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALKEY")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://real.example")
    monkeypatch.setenv("AWS_ENDPOINT_URL_EC2", "http://real.example/ec2")
    monkeypatch.setenv("AWS_PROFILE", "prod")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    before = dict(os.environ)

    with fake_aws("eu-west-2"):
        for name, value in FAKE_CREDENTIALS.items():
            assert os.environ[name] == value
        assert os.environ["AWS_DEFAULT_REGION"] == "eu-west-2"
        assert os.environ["AWS_REGION"] == "eu-west-2"
        for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_EC2", "AWS_PROFILE"):
            assert name not in os.environ
        assert boto3.client("sts").get_caller_identity()["Account"] == "123456789012"

    assert dict(os.environ) == before


def test_fake_aws_starts_on_fresh_data() -> None:
    with fake_aws() as control:
        control.seed_elasticache_snapshot("kept-only-here", REGION)
        control.hold("elasticache", reads=1)
    with fake_aws() as control:
        ec = boto3.client("elasticache", region_name=REGION)
        assert ec.describe_snapshots()["Snapshots"] == []
        control.seed_elasticache_snapshot("kept-only-here", REGION)
        copy = ec.copy_snapshot(SourceSnapshotName="kept-only-here", TargetSnapshotName="c")
        assert copy["Snapshot"]["SnapshotStatus"] == "available"


def test_importing_the_package_patches_nothing() -> None:
    code = (
        "import sys\n"
        "import pulumi_snapshots.testing, pulumi_snapshots.testing.control\n"
        "import pulumi_snapshots.testing.server, pulumi_snapshots.testing.elasticache_copy\n"
        "import pulumi_snapshots.testing.shapes\n"
        "assert not pulumi_snapshots.testing.control.installed()\n"
        "from moto.core.responses import BaseResponse\n"
        "from moto.elasticache.responses import ElastiCacheResponse\n"
        "assert BaseResponse.call_action.__module__ == 'moto.core.responses'\n"
        "assert not hasattr(ElastiCacheResponse, 'copy_snapshot')\n"
        "print('clean')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.stdout.strip() == "clean", result.stderr


def test_a_missing_lightsail_service_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import pulumi_snapshots.testing as testing_package
    from pulumi_snapshots.testing import registration

    monkeypatch.setattr(registration, "_registered", False)
    monkeypatch.delattr(testing_package, "lightsail", raising=False)
    monkeypatch.setitem(sys.modules, "pulumi_snapshots.testing.lightsail", None)
    with pytest.raises(control_module.LightsailFakeMissingError, match="lightsail"), fake_aws():
        pass
    assert not control_module.installed()
