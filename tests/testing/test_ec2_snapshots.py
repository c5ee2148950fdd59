"""EBS CreateSnapshots additions: exclusions, copied volume tags, State in the response."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from fakes import REGION, Fake

from pulumi_snapshots.testing.shapes import assert_valid_response


def instance_with_volumes(fake: Fake) -> tuple[str, str, list[str]]:
    """An instance, its root volume, and two data volumes tagged with their device."""
    ec2 = fake.client("ec2")
    instance = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)["Instances"][0]
    instance_id = instance["InstanceId"]
    root = instance["BlockDeviceMappings"][0]["Ebs"]["VolumeId"]
    data = []
    for device in ("/dev/sdf", "/dev/sdg"):
        volume = ec2.create_volume(
            Size=2,
            AvailabilityZone=f"{REGION}a",
            TagSpecifications=[
                {"ResourceType": "volume", "Tags": [{"Key": "device", "Value": device}]}
            ],
        )["VolumeId"]
        ec2.attach_volume(VolumeId=volume, InstanceId=instance_id, Device=device)
        data.append(volume)
    return instance_id, root, data


def tags_of(snapshot: dict[str, Any]) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in snapshot.get("Tags", [])}


def test_create_snapshots_snapshots_every_volume_with_state(fake: Fake) -> None:
    instance, root, data = instance_with_volumes(fake)
    response = fake.client("ec2").create_snapshots(InstanceSpecification={"InstanceId": instance})
    assert_valid_response("ec2", "CreateSnapshots", response)
    assert sorted(s["VolumeId"] for s in response["Snapshots"]) == sorted([root, *data])
    assert {(s["State"], s["Progress"]) for s in response["Snapshots"]} == {("completed", "100%")}


def test_create_snapshots_excludes_boot_and_named_data_volumes(fake: Fake) -> None:
    instance, _root, data = instance_with_volumes(fake)
    response = fake.client("ec2").create_snapshots(
        InstanceSpecification={
            "InstanceId": instance,
            "ExcludeBootVolume": True,
            "ExcludeDataVolumeIds": [data[0]],
        }
    )
    assert [s["VolumeId"] for s in response["Snapshots"]] == [data[1]]


def test_create_snapshots_refuses_to_exclude_the_root_volume_by_id(fake: Fake) -> None:
    instance, root, _data = instance_with_volumes(fake)
    with pytest.raises(ClientError) as refused:
        fake.client("ec2").create_snapshots(
            InstanceSpecification={"InstanceId": instance, "ExcludeDataVolumeIds": [root]}
        )
    assert refused.value.response["Error"]["Code"] == "InvalidParameterValue"


def test_create_snapshots_copies_volume_tags_and_adds_its_own(fake: Fake) -> None:
    instance, _root, data = instance_with_volumes(fake)
    ec2 = fake.client("ec2")
    response = ec2.create_snapshots(
        InstanceSpecification={"InstanceId": instance, "ExcludeBootVolume": True},
        CopyTagsFromSource="volume",
        TagSpecifications=[{"ResourceType": "snapshot", "Tags": [{"Key": "app", "Value": "w"}]}],
    )
    by_volume = {s["VolumeId"]: tags_of(s) for s in response["Snapshots"]}
    assert by_volume == {
        data[0]: {"device": "/dev/sdf", "app": "w"},
        data[1]: {"device": "/dev/sdg", "app": "w"},
    }
    ids = [s["SnapshotId"] for s in response["Snapshots"]]
    described = ec2.describe_snapshots(SnapshotIds=ids)["Snapshots"]
    assert {s["VolumeId"]: tags_of(s) for s in described} == by_volume

    plain = ec2.create_snapshots(
        InstanceSpecification={"InstanceId": instance, "ExcludeBootVolume": True}
    )
    assert [tags_of(s) for s in plain["Snapshots"]] == [{}, {}]


def test_owner_ids_list_only_the_owners_snapshots(fake: Fake) -> None:
    ec2 = fake.client("ec2")
    instance_id, _, _ = instance_with_volumes(fake)
    made = {
        s["SnapshotId"]
        for s in ec2.create_snapshots(InstanceSpecification={"InstanceId": instance_id})[
            "Snapshots"
        ]
    }
    everyone = ec2.describe_snapshots()["Snapshots"]
    # moto's default images bring public snapshots of other owners.
    assert len(everyone) > len(made)
    own = ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]
    assert made <= {s["SnapshotId"] for s in own}
    assert {s["OwnerId"] for s in own} == {"123456789012"}
    others = {s["OwnerId"] for s in everyone} - {"123456789012"}
    other = sorted(others)[0]
    theirs = ec2.describe_snapshots(OwnerIds=[other])["Snapshots"]
    assert theirs and {s["OwnerId"] for s in theirs} == {other}
