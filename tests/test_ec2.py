"""Ec2MultiVolumeSnapshot: provider methods against the fake AWS."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto.ec2.models import ec2_backends
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from pulumi_snapshots import Ec2MultiVolumeSnapshot, aws, ec2
from pulumi_snapshots.ec2 import SPEC
from pulumi_snapshots.engine.marks import MARK_KEY, without_mark
from pulumi_snapshots.engine.provider import NAME_KEY, SnapshotProvider
from pulumi_snapshots.engine.spec import Context
from pulumi_snapshots.errors import SnapshotError, SnapshotFailed
from pulumi_snapshots.testing import fake_aws
from pulumi_snapshots.testing.control import Control

REGION = "us-east-1"
ACCOUNT = "123456789012"


@pytest.fixture
def fake() -> Iterator[Control]:
    with fake_aws(REGION) as control:
        yield control


@pytest.fixture
def instance(fake: Control) -> dict[str, Any]:
    """An instance with its root volume and two tagged data volumes."""
    ec2 = boto3.client("ec2", region_name=REGION)
    instance_id = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)["Instances"][0][
        "InstanceId"
    ]
    data = []
    for device in ("/dev/sdf", "/dev/sdg"):
        volume = ec2.create_volume(
            Size=5,
            AvailabilityZone=f"{REGION}a",
            TagSpecifications=[
                {"ResourceType": "volume", "Tags": [{"Key": "disk", "Value": device}]}
            ],
        )["VolumeId"]
        ec2.attach_volume(VolumeId=volume, InstanceId=instance_id, Device=device)
        data.append(volume)
    fake.reset()
    return {"id": instance_id, "data": data}


@pytest.fixture
def provider() -> SnapshotProvider:
    p = SnapshotProvider("pulumi_snapshots.ec2:SPEC")
    p.configure(ConfigureRequest(Config({"aws:region": REGION}, "test")))
    return p


def checked(provider: SnapshotProvider, **news: Any) -> dict[str, Any]:
    result = provider.check({}, {NAME_KEY: "backup", **news})
    assert [(f.property, f.reason) for f in result.failures] == []
    return result.inputs


def snapshots(ids: list[str]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = boto3.client("ec2", region_name=REGION).describe_snapshots(
        Filters=[{"Name": "snapshot-id", "Values": ids}]
    )["Snapshots"]
    return found


@pytest.mark.parametrize(
    ("news", "prop", "phrase"),
    [
        ({"instance_id": "instance-1"}, "instance_id", "not an instance id"),
        ({"instance_id": "i-123"}, "instance_id", "not an instance id"),
        ({"instance_id": "i-0123456789ABCDEF0"}, "instance_id", "not an instance id"),
        ({"exclude_data_volume_ids": ["vol-xyz"]}, "exclude_data_volume_ids", "not volume ids"),
        (
            {"exclude_data_volume_ids": [f"vol-{n:08x}" for n in range(41)]},
            "exclude_data_volume_ids",
            "at most 40 volume ids",
        ),
        ({"copy_tags_from_source": "instance"}, "copy_tags_from_source", "'volume'"),
        ({"tags": {"k" * 128: "v"}}, "tags", "1 to 127"),
        ({"tags": {"k": "v" * 256}}, "tags", "at most 255"),
        ({"tags": {"aws:cloudformation": "v"}}, "tags", "must not start with 'aws:'"),
        ({"description": "d" * 256}, "description", "at most 255"),
        ({"region": "nowhere"}, "region", "not an AWS region"),
    ],
)
def test_check_rejects_each_rule_by_property(
    provider: SnapshotProvider, news: dict[str, Any], prop: str, phrase: str
) -> None:
    result = provider.check({}, {"instance_id": "i-0123456789abcdef0", **news})
    got = {f.property: f.reason for f in result.failures}
    assert list(got) == [prop], got
    assert phrase in got[prop]


def test_check_accepts_both_id_lengths_and_sorts_exclusions(provider: SnapshotProvider) -> None:
    inputs = checked(
        provider,
        instance_id="i-12345678",
        exclude_data_volume_ids=["vol-0123456789abcdef1", "vol-12345678", "vol-12345678"],
        copy_tags_from_source="volume",
        tags={"k": "v" * 255, "ünï": "x"},
    )
    assert inputs["exclude_data_volume_ids"] == ["vol-0123456789abcdef1", "vol-12345678"]
    forty = [f"vol-{n:08x}" for n in range(40)]
    assert checked(provider, instance_id="i-12345678", exclude_data_volume_ids=forty + forty)[
        "exclude_data_volume_ids"
    ] == sorted(forty)


def test_creates_one_snapshot_per_volume_with_tags(
    fake: Control, provider: SnapshotProvider, instance: dict[str, Any]
) -> None:
    fake.hold("ec2", reads=2)
    inputs = checked(
        provider, instance_id=instance["id"], description="nightly", tags={"app": "web"}
    )
    result = provider.create(inputs)
    outs = result.outs or {}
    ids = outs["snapshot_ids"]
    assert len(ids) == 3 and result.id == ",".join(sorted(ids))
    live = snapshots(ids)
    assert {s["VolumeId"] for s in live} >= set(instance["data"])
    assert all({"Key": "app", "Value": "web"} in s["Tags"] for s in live)
    assert all(s["Description"] == "nightly" for s in live)
    assert [s["state"] for s in outs["snapshots"]] == ["completed"] * 3
    assert {s["volume_id"] for s in outs["snapshots"]} == {s["VolumeId"] for s in live}
    assert isinstance(outs["snapshots"][0]["start_time"], str)
    assert isinstance(outs["snapshots"][0]["volume_size"], int)
    assert fake.request_counts()["ec2"]["DescribeSnapshots"] >= 3


def test_exclusions_are_applied(provider: SnapshotProvider, instance: dict[str, Any]) -> None:
    inputs = checked(
        provider,
        instance_id=instance["id"],
        exclude_boot_volume=True,
        exclude_data_volume_ids=[instance["data"][0]],
    )
    outs = provider.create(inputs).outs or {}
    assert [s["volume_id"] for s in outs["snapshots"]] == [instance["data"][1]]


def test_an_error_in_one_snapshot_deletes_the_whole_set(
    fake: Control, provider: SnapshotProvider, instance: dict[str, Any]
) -> None:
    before = {
        s["SnapshotId"]
        for s in boto3.client("ec2", region_name=REGION).describe_snapshots(OwnerIds=["self"])[
            "Snapshots"
        ]
    }
    fake.hold("ec2", reads=1, then="error")
    with pytest.raises(SnapshotFailed, match=r"reached the error state 'error'.*deleted"):
        provider.create(checked(provider, instance_id=instance["id"]))
    after = {
        s["SnapshotId"]
        for s in boto3.client("ec2", region_name=REGION).describe_snapshots(OwnerIds=["self"])[
            "Snapshots"
        ]
    }
    assert after == before


def test_copied_volume_tags_stay_out_of_the_diff(
    provider: SnapshotProvider, instance: dict[str, Any]
) -> None:
    inputs = checked(
        provider, instance_id=instance["id"], copy_tags_from_source="volume", tags={"app": "web"}
    )
    created = provider.create(inputs)
    outs = created.outs or {}
    assert outs["tags"] == {"app": "web"}
    copied = [
        s
        for s in snapshots(outs["snapshot_ids"])
        if {"Key": "disk", "Value": "/dev/sdf"} in s["Tags"]
    ]
    assert len(copied) == 1
    assert provider.diff(created.id, outs, inputs).changes is False


def test_update_tags_every_snapshot(provider: SnapshotProvider, instance: dict[str, Any]) -> None:
    inputs = checked(provider, instance_id=instance["id"], tags={"a": "1", "b": "2"})
    created = provider.create(inputs)
    news = {**inputs, "tags": {"a": "1", "c": "3"}}
    diff = provider.diff(created.id, created.outs or {}, news)
    assert diff.changes is True and diff.replaces == []
    outs = provider.update(created.id, created.outs or {}, news).outs or {}
    assert outs["tags"] == {"a": "1", "c": "3"}
    assert outs["snapshot_ids"] == (created.outs or {})["snapshot_ids"]
    for snapshot in snapshots(outs["snapshot_ids"]):
        tags = {t["Key"]: t["Value"] for t in snapshot["Tags"]}
        assert without_mark(tags) == {"a": "1", "c": "3"} and MARK_KEY in tags


def test_partial_drift_replaces_and_full_drift_is_gone(
    provider: SnapshotProvider, instance: dict[str, Any]
) -> None:
    inputs = checked(provider, instance_id=instance["id"])
    created = provider.create(inputs)
    ids = created.id.split(",")
    ec2 = boto3.client("ec2", region_name=REGION)
    ec2.delete_snapshot(SnapshotId=ids[0])
    refreshed = provider.read(created.id, created.outs or {})
    assert refreshed.id == created.id
    outs = refreshed.outs or {}
    assert outs["snapshot_ids"] == ids[1:]
    diff = provider.diff(created.id, outs, inputs)
    assert diff.replaces == ["snapshot_ids"]
    for snapshot_id in ids[1:]:
        ec2.delete_snapshot(SnapshotId=snapshot_id)
    gone = provider.read(created.id, outs)
    assert gone.id is None and gone.outs == {}
    provider.delete(created.id, outs)


def test_instance_changes_replace(provider: SnapshotProvider, instance: dict[str, Any]) -> None:
    inputs = checked(provider, instance_id=instance["id"])
    created = provider.create(inputs)
    diff = provider.diff(
        created.id, created.outs or {}, {**inputs, "instance_id": "i-0123456789abcdef0"}
    )
    assert diff.replaces == ["instance_id"] and not diff.delete_before_replace


def test_inputs_must_come_as_args_or_keywords() -> None:
    with pytest.raises(TypeError, match=r"Ec2MultiVolumeSnapshotArgs\(...\) or as keyword"):
        Ec2MultiVolumeSnapshot("backup", {"instance_id": "i-12345678"})
    with pytest.raises(TypeError, match=r"unexpected inputs \['colour'\]"):
        Ec2MultiVolumeSnapshot("backup", instance_id="i-12345678", colour="red")


def test_delete_tries_every_snapshot_and_reports_every_failure(
    provider: SnapshotProvider, instance: dict[str, Any]
) -> None:
    created = provider.create(checked(provider, instance_id=instance["id"]))
    ids = created.id.split(",")
    assert len(ids) == 3
    # Two snapshots of the set back an AMI, so EC2 refuses to delete them (moto does not
    # record which snapshots a registered AMI uses: mark them as its snapshots).
    ec2 = boto3.client("ec2", region_name=REGION)
    ami = ec2.register_image(Name="from-the-set")["ImageId"]
    for snapshot_id in (ids[0], ids[2]):
        ec2_backends[ACCOUNT][REGION].snapshots[snapshot_id].from_ami = ami
    with pytest.raises(SnapshotError) as caught:
        provider.delete(created.id, created.outs or {})
    message = str(caught.value)
    assert "2 of 3 could not be deleted" in message
    assert message.count("InvalidSnapshot.InUse") == 2
    assert ids[0] in message and ids[2] in message
    assert sorted(s["SnapshotId"] for s in snapshots(ids)) == [ids[0], ids[2]]


def test_reads_are_the_accounts_own_paged_and_in_safe_chunks(
    fake: Control, provider: SnapshotProvider, instance: dict[str, Any]
) -> None:
    created = provider.create(checked(provider, instance_id=instance["id"]))
    sent: list[dict[str, Any]] = []
    aws.client("ec2", REGION).meta.events.register(
        "provide-client-params.ec2.DescribeSnapshots",
        lambda params, **_: sent.append(dict(params)),
    )
    missing = [f"snap-{n:017x}" for n in range(250)]
    assert SPEC.describe_many is not None
    ctx = Context(SPEC, REGION, lambda _line: None)
    found = SPEC.describe_many(ctx, [created.id, *missing])
    assert found[created.id] is not None and found[missing[0]] is None
    assert sent and all(call["OwnerIds"] == ["self"] for call in sent)
    assert all(call["MaxResults"] == ec2.PAGE_SIZE for call in sent)
    chunks = [call["Filters"][0]["Values"] for call in sent]
    assert all(len(values) <= 100 for values in chunks)
    assert sorted(v for values in chunks for v in values) == sorted(
        [*created.id.split(","), *missing]
    )


def test_a_set_on_many_pages_is_read_whole(
    fake: Control, provider: SnapshotProvider, instance: dict[str, Any]
) -> None:
    first = provider.create(checked(provider, instance_id=instance["id"]))
    second = provider.create(checked(provider, instance_id=instance["id"]))
    fake.reset()
    fake.page_size("ec2", 5)
    assert SPEC.describe_many is not None
    ctx = Context(SPEC, REGION, lambda _line: None)
    found = SPEC.describe_many(ctx, [first.id, second.id])
    for created in (first, second):
        live = found[created.id]
        assert live is not None and live.outputs["snapshot_ids"] == created.id.split(",")
    # Six snapshots on pages of five: two calls.
    assert fake.request_counts()["ec2"]["DescribeSnapshots"] == 2


def test_all_fifty_tags_are_the_users(
    fake: Control, provider: SnapshotProvider, instance: dict[str, Any]
) -> None:
    full = {f"k{i:02d}": "v" for i in range(50)}
    inputs = checked(provider, instance_id=instance["id"], tags=full)
    made = provider.create({**inputs, "__owner": "shop/dev/backup"})
    ec2 = boto3.client("ec2", region_name=REGION)
    found = ec2.describe_snapshots(SnapshotIds=made.id.split(","))["Snapshots"]
    # EC2 allows 50 tags a snapshot (its fake refuses a 51st): the mark takes none of them.
    assert all({t["Key"]: t["Value"] for t in s["Tags"]} == full for s in found)
    assert (made.outs or {})["__mark"] is None
    # A second create of the resource finds no unfinished set of its own: a new set.
    again = provider.create({**inputs, "__owner": "shop/dev/backup"})
    assert set(again.id.split(",")).isdisjoint(made.id.split(","))
