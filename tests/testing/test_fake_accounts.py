"""Accounts stay apart when callers assume roles through the fake's STS, and the controls can
act on one account."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from fakes import REGION, Fake

DEFAULT_ACCOUNT = "123456789012"
DR_ACCOUNT = "222233334444"


def assumed(fake: Fake, account: str = DR_ACCOUNT) -> dict[str, str]:
    answer = fake.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/disaster-recovery", RoleSessionName="dr-copy"
    )
    return dict(answer["Credentials"])


def test_assumed_role_credentials_act_in_the_roles_account(fake: Fake) -> None:
    credentials = assumed(fake)
    identity = fake.client("sts", credentials=credentials).get_caller_identity()
    assert identity["Account"] == DR_ACCOUNT
    assert fake.client("sts").get_caller_identity()["Account"] == DEFAULT_ACCOUNT


def test_ec2_snapshots_are_kept_per_account(fake: Fake) -> None:
    dr = fake.client("ec2", credentials=assumed(fake))
    volume = dr.create_volume(Size=1, AvailabilityZone=f"{REGION}a")["VolumeId"]
    snapshot = dr.create_snapshot(VolumeId=volume)
    assert snapshot["OwnerId"] == DR_ACCOUNT
    flt = [{"Name": "snapshot-id", "Values": [snapshot["SnapshotId"]]}]
    assert [s["SnapshotId"] for s in dr.describe_snapshots(Filters=flt)["Snapshots"]] == [
        snapshot["SnapshotId"]
    ]
    assert fake.client("ec2").describe_snapshots(Filters=flt)["Snapshots"] == []


def test_elasticache_copies_are_kept_per_account(fake: Fake) -> None:
    source, target = fake.unique("src"), fake.unique("copy")
    fake.control.seed_elasticache_snapshot(source, REGION, account=DR_ACCOUNT)
    dr = fake.client("elasticache", credentials=assumed(fake))
    copy = dr.copy_snapshot(SourceSnapshotName=source, TargetSnapshotName=target)
    assert copy["Snapshot"]["ARN"].split(":")[4] == DR_ACCOUNT
    assert dr.describe_snapshots(SnapshotName=target)["Snapshots"][0]["SnapshotName"] == target
    home = fake.client("elasticache", attempts=1)
    for name in (source, target):
        with pytest.raises(ClientError) as caught:
            home.describe_snapshots(SnapshotName=name)
        assert caught.value.response["Error"]["Code"] == "SnapshotNotFoundFault"


def test_lightsail_snapshots_are_kept_per_account(fake: Fake) -> None:
    dr = fake.client("lightsail", credentials=assumed(fake))
    disk, snapshot = fake.unique("data"), fake.unique("ds")
    dr.create_disk(diskName=disk, availabilityZone=f"{REGION}a", sizeInGb=8)
    dr.create_disk_snapshot(diskSnapshotName=snapshot, diskName=disk)
    made = dr.get_disk_snapshot(diskSnapshotName=snapshot)["diskSnapshot"]
    assert made["arn"].split(":")[4] == DR_ACCOUNT
    with pytest.raises(ClientError) as caught:
        fake.client("lightsail", attempts=1).get_disk_snapshot(diskSnapshotName=snapshot)
    assert caught.value.response["Error"]["Code"] == "NotFoundException"


def test_neptune_snapshots_are_kept_per_account(fake: Fake) -> None:
    dr = fake.client("neptune", credentials=assumed(fake))
    cluster, snapshot = fake.unique("graph"), fake.unique("nightly")
    dr.create_db_cluster(DBClusterIdentifier=cluster, Engine="neptune")
    dr.create_db_cluster_snapshot(DBClusterIdentifier=cluster, DBClusterSnapshotIdentifier=snapshot)
    listed = dr.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=snapshot)
    assert f":{DR_ACCOUNT}:" in listed["DBClusterSnapshots"][0]["DBClusterSnapshotArn"]
    with pytest.raises(ClientError):
        fake.client("neptune", attempts=1).describe_db_cluster_snapshots(
            DBClusterSnapshotIdentifier=snapshot
        )


def test_request_counts_per_account(fake: Fake) -> None:
    dr = fake.client("ec2", credentials=assumed(fake))
    dr.describe_volumes()
    dr.describe_volumes()
    fake.client("ec2").describe_volumes()
    assert fake.control.request_counts(account=DR_ACCOUNT) == {"ec2": {"DescribeVolumes": 2}}
    home = fake.control.request_counts(account=DEFAULT_ACCOUNT)
    assert home["ec2"] == {"DescribeVolumes": 1}
    assert home["sts"] == {"AssumeRole": 1}
    assert fake.control.request_counts()["ec2"] == {"DescribeVolumes": 3}


def test_throttles_and_failures_can_target_one_account(fake: Fake) -> None:
    dr = fake.client("ec2", attempts=1, credentials=assumed(fake))
    home = fake.client("ec2", attempts=1)
    fake.control.throttle("ec2", "DescribeVolumes", 1, account=DR_ACCOUNT)
    fake.control.fail("ec2", "DescribeSnapshots", 1, account=DR_ACCOUNT)
    home.describe_volumes()
    home.describe_snapshots(OwnerIds=["self"])
    codes: list[str] = []
    for call in (dr.describe_volumes, lambda: dr.describe_snapshots(OwnerIds=["self"])):
        with pytest.raises(ClientError) as caught:
            call()
        codes.append(caught.value.response["Error"]["Code"])
    assert codes == ["RequestLimitExceeded", "InternalError"]
    errors: Any = fake.control.error_counts(account=DR_ACCOUNT)
    assert errors == {
        "ec2": {
            "DescribeVolumes": {"RequestLimitExceeded": 1},
            "DescribeSnapshots": {"InternalError": 1},
        }
    }
    assert fake.control.error_counts(account=DEFAULT_ACCOUNT) == {}


def test_holds_can_target_one_account(fake: Fake) -> None:
    dr = fake.client("ec2", credentials=assumed(fake))
    home = fake.client("ec2")
    fake.control.hold("ec2", reads=5, account=DR_ACCOUNT)
    dr_volume = dr.create_volume(Size=1, AvailabilityZone=f"{REGION}a")["VolumeId"]
    home_volume = home.create_volume(Size=1, AvailabilityZone=f"{REGION}a")["VolumeId"]
    held = dr.create_snapshot(VolumeId=dr_volume)
    free = home.create_snapshot(VolumeId=home_volume)
    assert held["State"] == "pending"
    assert free["State"] == "completed"
