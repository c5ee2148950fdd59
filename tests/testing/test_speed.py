"""The fake's shortcuts for work moto repeats on every request (`testing.speed`) answer what
moto's own code answers."""

from __future__ import annotations

from fakes import REGION

from pulumi_snapshots.testing import fake_aws, speed


def test_a_resources_own_tags_are_those_moto_finds_by_scanning_every_tag() -> None:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ec2.models import ec2_backends

    with fake_aws(REGION) as control:
        assert control is not None
        import boto3

        ec2 = boto3.client("ec2", region_name=REGION)
        instance = ec2.run_instances(
            ImageId="ami-12c6146b",
            MinCount=1,
            MaxCount=1,
            TagSpecifications=[
                {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "web"}]}
            ],
        )["Instances"][0]
        made = ec2.create_snapshots(
            InstanceSpecification={"InstanceId": instance["InstanceId"]},
            TagSpecifications=[
                {
                    "ResourceType": "snapshot",
                    "Tags": [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}],
                }
            ],
        )["Snapshots"]
        ec2.create_tags(Resources=[made[0]["SnapshotId"]], Tags=[{"Key": "c", "Value": "3"}])
        untagged = ec2.create_volume(Size=1, AvailabilityZone=f"{REGION}a")["VolumeId"]

        backend = ec2_backends[DEFAULT_ACCOUNT_ID][REGION]
        resources = [
            backend.get_instance(instance["InstanceId"]),
            *(backend.get_snapshot(s["SnapshotId"]) for s in made),
            backend.get_volume(untagged),
        ]
        scanned = speed._originals["get_tags"]
        answers = [(speed._own_tags(r), scanned(r)) for r in resources]

    assert all(own == moto for own, moto in answers)
    assert [len(own) for own, _ in answers] == [1, 3, 0]
    assert answers[1][0][0] == {
        "resource_id": made[0]["SnapshotId"],
        "key": "a",
        "value": "1",
        "resource_type": "snapshot",
    }
