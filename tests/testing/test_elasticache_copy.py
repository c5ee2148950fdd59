"""ElastiCache CopySnapshot (copy and export to S3) on moto, in-process and as a server."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError
from fakes import REGION, Fake

from pulumi_snapshots.testing import elasticache_copy, fake_aws
from pulumi_snapshots.testing.elasticache_copy import RDB_BODY, MotoImplementsCopySnapshotError
from pulumi_snapshots.testing.shapes import assert_valid_response, response_problems


def error_of(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response: Any = exc.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def bucket(fake: Fake, region: str = REGION) -> str:
    name = fake.unique("export")
    s3 = fake.client("s3", region)
    if region == "us-east-1":
        s3.create_bucket(Bucket=name)
    else:
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
    return name


def keys_in(fake: Fake, bucket_name: str) -> list[str]:
    listing = fake.client("s3").list_objects_v2(Bucket=bucket_name)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def test_copy_with_kms_key_and_tags(fake: Fake) -> None:
    source, target = fake.unique("src"), fake.unique("copy")
    fake.control.seed_elasticache_snapshot(source, REGION)
    ec = fake.client("elasticache")

    response = ec.copy_snapshot(
        SourceSnapshotName=source,
        TargetSnapshotName=target,
        KmsKeyId="alias/backups",
        Tags=[{"Key": "team", "Value": "cache"}, {"Key": "tier", "Value": "gold"}],
    )

    assert_valid_response("elasticache", "CopySnapshot", response)
    copy = response["Snapshot"]
    assert copy["SnapshotName"] == target
    assert copy["SnapshotStatus"] == "available"
    assert copy["SnapshotSource"] == "manual"
    assert copy["KmsKeyId"] == "alias/backups"
    assert copy["Engine"] == "redis"
    assert copy["ARN"] == f"arn:aws:elasticache:{REGION}:123456789012:snapshot:{target}"
    assert [node["CacheNodeId"] for node in copy["NodeSnapshots"]] == ["0001"]
    assert isinstance(copy["NodeSnapshots"][0]["SnapshotCreateTime"], datetime.datetime)
    tags = ec.list_tags_for_resource(ResourceName=copy["ARN"])["TagList"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("team", "cache"), ("tier", "gold")]
    source_arn = f"arn:aws:elasticache:{REGION}:123456789012:snapshot:{source}"
    assert ec.list_tags_for_resource(ResourceName=source_arn)["TagList"] == []


def test_copy_keeps_the_source_kms_key_unless_given(fake: Fake) -> None:
    source, target = fake.unique("src"), fake.unique("copy")
    ec = fake.client("elasticache")
    fake.control.seed_elasticache_snapshot(source, REGION)
    first = ec.copy_snapshot(
        SourceSnapshotName=source, TargetSnapshotName=target, KmsKeyId="key-1"
    )["Snapshot"]
    second = ec.copy_snapshot(SourceSnapshotName=target, TargetSnapshotName=target + "-2")
    assert first["KmsKeyId"] == "key-1"
    assert second["Snapshot"]["KmsKeyId"] == "key-1"
    assert "KmsKeyId" not in ec.describe_snapshots(SnapshotName=source)["Snapshots"][0]


def test_copies_are_described_tagged_and_deleted_like_any_snapshot(fake: Fake) -> None:
    source, target = fake.unique("src"), fake.unique("copy")
    fake.control.seed_elasticache_snapshot(source, REGION)
    ec = fake.client("elasticache")
    arn = ec.copy_snapshot(
        SourceSnapshotName=source, TargetSnapshotName=target, Tags=[{"Key": "a", "Value": "1"}]
    )["Snapshot"]["ARN"]

    described = ec.describe_snapshots(SnapshotName=target)
    assert_valid_response("elasticache", "DescribeSnapshots", described)
    assert [s["SnapshotName"] for s in described["Snapshots"]] == [target]
    assert target in {s["SnapshotName"] for s in ec.describe_snapshots()["Snapshots"]}

    ec.add_tags_to_resource(ResourceName=arn, Tags=[{"Key": "b", "Value": "2"}])
    ec.remove_tags_from_resource(ResourceName=arn, TagKeys=["a"])
    tags = ec.list_tags_for_resource(ResourceName=arn)["TagList"]
    assert [(t["Key"], t["Value"]) for t in tags] == [("b", "2")]

    deleted = ec.delete_snapshot(SnapshotName=target)
    assert_valid_response("elasticache", "DeleteSnapshot", deleted)
    assert deleted["Snapshot"]["SnapshotName"] == target
    with pytest.raises(ClientError) as gone:
        ec.describe_snapshots(SnapshotName=target)
    assert error_of(gone)[0] == "SnapshotNotFoundFault"


def test_a_new_copy_does_not_inherit_tags_of_a_deleted_namesake(fake: Fake) -> None:
    source, target = fake.unique("src"), fake.unique("copy")
    fake.control.seed_elasticache_snapshot(source, REGION)
    ec = fake.client("elasticache")
    arn = ec.copy_snapshot(
        SourceSnapshotName=source, TargetSnapshotName=target, Tags=[{"Key": "old", "Value": "x"}]
    )["Snapshot"]["ARN"]
    ec.delete_snapshot(SnapshotName=target)
    ec.copy_snapshot(SourceSnapshotName=source, TargetSnapshotName=target)
    assert ec.list_tags_for_resource(ResourceName=arn)["TagList"] == []


def test_copy_of_a_snapshot_moto_created_from_a_cluster(fake: Fake) -> None:
    cluster, source, target = fake.unique("cl"), fake.unique("src"), fake.unique("copy")
    ec = fake.client("elasticache")
    ec.create_cache_cluster(
        CacheClusterId=cluster, Engine="redis", CacheNodeType="cache.t3.micro", NumCacheNodes=1
    )
    ec.create_snapshot(CacheClusterId=cluster, SnapshotName=source)

    response = ec.copy_snapshot(SourceSnapshotName=source, TargetSnapshotName=target)

    assert_valid_response("elasticache", "CopySnapshot", response)
    copy = response["Snapshot"]
    assert copy["CacheClusterId"] == cluster
    assert copy["NodeSnapshots"][0]["CacheClusterId"] == cluster


def test_name_conflict_is_snapshot_already_exists(fake: Fake) -> None:
    source, target = fake.unique("src"), fake.unique("copy")
    fake.control.seed_elasticache_snapshot(source, REGION)
    ec = fake.client("elasticache")
    ec.copy_snapshot(SourceSnapshotName=source, TargetSnapshotName=target)
    for existing in (target, source):
        with pytest.raises(ClientError) as conflict:
            ec.copy_snapshot(SourceSnapshotName=source, TargetSnapshotName=existing)
        assert error_of(conflict) == ("SnapshotAlreadyExistsFault", 400)
        assert isinstance(conflict.value, ec.exceptions.SnapshotAlreadyExistsFault)


def test_missing_source_is_snapshot_not_found(fake: Fake) -> None:
    ec = fake.client("elasticache")
    with pytest.raises(ClientError) as missing:
        ec.copy_snapshot(SourceSnapshotName=fake.unique("nope"), TargetSnapshotName="x")
    assert error_of(missing) == ("SnapshotNotFoundFault", 404)
    assert isinstance(missing.value, ec.exceptions.SnapshotNotFoundFault)


def test_source_that_is_not_available_is_invalid_snapshot_state(fake: Fake) -> None:
    source, busy = fake.unique("src"), fake.unique("busy")
    fake.control.seed_elasticache_snapshot(source, REGION)
    ec = fake.client("elasticache")
    fake.control.hold("elasticache", match=busy, reads=5)
    assert (
        ec.copy_snapshot(SourceSnapshotName=source, TargetSnapshotName=busy)["Snapshot"][
            "SnapshotStatus"
        ]
        == "creating"
    )
    with pytest.raises(ClientError) as state:
        ec.copy_snapshot(SourceSnapshotName=busy, TargetSnapshotName=busy + "-2")
    assert error_of(state) == ("InvalidSnapshotState", 400)
    assert isinstance(state.value, ec.exceptions.InvalidSnapshotStateFault)


def test_empty_target_name_and_too_many_tags_are_rejected(fake: Fake) -> None:
    source = fake.unique("src")
    fake.control.seed_elasticache_snapshot(source, REGION)
    ec = fake.client("elasticache")
    with pytest.raises(ClientError) as empty:
        ec.copy_snapshot(SourceSnapshotName=source, TargetSnapshotName="")
    assert error_of(empty)[0] == "InvalidParameterValue"
    tags = [{"Key": f"k{i}", "Value": "v"} for i in range(51)]
    with pytest.raises(ClientError) as quota:
        ec.copy_snapshot(SourceSnapshotName=source, TargetSnapshotName=source + "-t", Tags=tags)
    assert error_of(quota)[0] == "TagQuotaPerResourceExceeded"


# ------------------------------------------------------------------------------- exports


def test_export_writes_one_object_per_node_snapshot(fake: Fake) -> None:
    source, target = fake.unique("src"), fake.unique("exp")
    fake.control.seed_elasticache_snapshot(source, REGION, num_node_groups=3)
    bucket_name = bucket(fake)
    ec = fake.client("elasticache")

    response = ec.copy_snapshot(
        SourceSnapshotName=source, TargetSnapshotName=target, TargetBucket=bucket_name
    )

    assert_valid_response("elasticache", "CopySnapshot", response)
    # An export answers with the source's description; no ElastiCache snapshot is created.
    assert response["Snapshot"]["SnapshotName"] == source
    assert response["Snapshot"]["SnapshotStatus"] == "available"
    assert response["Snapshot"]["NumNodeGroups"] == 3
    assert keys_in(fake, bucket_name) == [f"{target}-{n:04d}.rdb" for n in (1, 2, 3)]
    body = fake.client("s3").get_object(Bucket=bucket_name, Key=f"{target}-0001.rdb")["Body"]
    assert body.read() == RDB_BODY
    with pytest.raises(ClientError) as not_a_snapshot:
        ec.describe_snapshots(SnapshotName=target)
    assert error_of(not_a_snapshot)[0] == "SnapshotNotFoundFault"


def test_export_of_a_moto_replication_group_snapshot(fake: Fake) -> None:
    group, source, target = fake.unique("rg"), fake.unique("src"), fake.unique("exp")
    ec = fake.client("elasticache")
    ec.create_replication_group(
        ReplicationGroupId=group,
        ReplicationGroupDescription="shards",
        Engine="redis",
        CacheNodeType="cache.t3.micro",
        NumNodeGroups=2,
        ReplicasPerNodeGroup=1,
    )
    ec.create_snapshot(ReplicationGroupId=group, SnapshotName=source)
    bucket_name = bucket(fake)
    ec.copy_snapshot(SourceSnapshotName=source, TargetSnapshotName=target, TargetBucket=bucket_name)
    assert keys_in(fake, bucket_name) == [f"{target}-0001.rdb", f"{target}-0002.rdb"]


def test_export_rejects_a_missing_bucket_an_existing_key_and_another_region(fake: Fake) -> None:
    source, target = fake.unique("src"), fake.unique("exp")
    fake.control.seed_elasticache_snapshot(source, REGION)
    ec = fake.client("elasticache")
    with pytest.raises(ClientError) as missing:
        ec.copy_snapshot(
            SourceSnapshotName=source, TargetSnapshotName=target, TargetBucket=fake.unique("no")
        )
    assert error_of(missing) == ("InvalidParameterValue", 400)
    assert "does not exist" in str(missing.value)

    bucket_name = bucket(fake)
    fake.client("s3").put_object(Bucket=bucket_name, Key=f"{target}-0001.rdb", Body=b"mine")
    with pytest.raises(ClientError) as existing:
        ec.copy_snapshot(
            SourceSnapshotName=source, TargetSnapshotName=target, TargetBucket=bucket_name
        )
    assert error_of(existing) == ("InvalidParameterValue", 400)
    assert f"{target}-0001.rdb" in str(existing.value)
    body = fake.client("s3").get_object(Bucket=bucket_name, Key=f"{target}-0001.rdb")["Body"]
    assert body.read() == b"mine"

    elsewhere = bucket(fake, "eu-west-1")
    with pytest.raises(ClientError) as region:
        ec.copy_snapshot(
            SourceSnapshotName=source, TargetSnapshotName=target, TargetBucket=elsewhere
        )
    assert error_of(region) == ("InvalidParameterValue", 400)
    assert "outside of the region" in str(region.value)


def test_held_export_shows_the_source_exporting_then_writes_the_objects(fake: Fake) -> None:
    source, target = fake.unique("src"), fake.unique("exp")
    fake.control.seed_elasticache_snapshot(source, REGION)
    bucket_name = bucket(fake)
    ec = fake.client("elasticache")
    fake.control.hold("elasticache", match=target, reads=1)

    response = ec.copy_snapshot(
        SourceSnapshotName=source, TargetSnapshotName=target, TargetBucket=bucket_name
    )

    assert response["Snapshot"]["SnapshotStatus"] == "exporting"
    assert keys_in(fake, bucket_name) == []
    with pytest.raises(ClientError) as busy:
        ec.copy_snapshot(SourceSnapshotName=source, TargetSnapshotName=target + "-other")
    assert error_of(busy)[0] == "InvalidSnapshotState"
    assert ec.describe_snapshots(SnapshotName=source)["Snapshots"][0]["SnapshotStatus"] == (
        "exporting"
    )
    assert ec.describe_snapshots(SnapshotName=source)["Snapshots"][0]["SnapshotStatus"] == (
        "available"
    )
    assert keys_in(fake, bucket_name) == [f"{target}-0001.rdb"]


def test_held_export_that_fails_writes_nothing(fake: Fake) -> None:
    source, target = fake.unique("src"), fake.unique("exp")
    fake.control.seed_elasticache_snapshot(source, REGION)
    bucket_name = bucket(fake)
    ec = fake.client("elasticache")
    fake.control.hold("elasticache", match=target, reads=0, then="error")
    ec.copy_snapshot(SourceSnapshotName=source, TargetSnapshotName=target, TargetBucket=bucket_name)
    assert ec.describe_snapshots(SnapshotName=source)["Snapshots"][0]["SnapshotStatus"] == (
        "available"
    )
    assert keys_in(fake, bucket_name) == []


# --------------------------------------------------------------------------------- seeding


def test_seeded_snapshot_is_an_available_copyable_source(fake: Fake) -> None:
    name = fake.unique("seed")
    fake.control.hold("elasticache", reads=3)  # seeds are never held
    seeded = fake.control.seed_elasticache_snapshot(name, REGION, engine="valkey")
    assert seeded["SnapshotName"] == name
    assert seeded["SnapshotStatus"] == "available"
    assert seeded["Engine"] == "valkey"
    assert seeded["ARN"] == f"arn:aws:elasticache:{REGION}:123456789012:snapshot:{name}"
    described = fake.client("elasticache").describe_snapshots(SnapshotName=name)
    assert_valid_response("elasticache", "DescribeSnapshots", described)
    assert described["Snapshots"][0]["SnapshotStatus"] == "available"
    assert described["Snapshots"][0]["Engine"] == "valkey"


def test_seeding_rejects_bad_requests(fake: Fake) -> None:
    name = fake.unique("seed")
    fake.control.seed_elasticache_snapshot(name, REGION)
    with pytest.raises(ValueError, match="already exists"):
        fake.control.seed_elasticache_snapshot(name, REGION)
    with pytest.raises(ValueError, match="memcached"):
        fake.control.seed_elasticache_snapshot(fake.unique("mc"), REGION, engine="memcached")
    with pytest.raises(ValueError, match="region"):
        fake.control.seed_elasticache_snapshot(fake.unique("r"), "mars-north-1")


# ------------------------------------------------------------------- patch installation


def test_install_refuses_when_moto_has_its_own_copy_snapshot(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from moto.elasticache.models import ElastiCacheBackend

    def copy_snapshot(self: Any) -> None:
        raise AssertionError("never called")

    monkeypatch.setattr(ElastiCacheBackend, "copy_snapshot", copy_snapshot, raising=False)
    with pytest.raises(MotoImplementsCopySnapshotError, match="ElastiCacheBackend"):
        elasticache_copy.install()
    with pytest.raises(MotoImplementsCopySnapshotError), fake_aws():
        pass


def test_install_and_uninstall_are_balanced() -> None:
    from moto.elasticache.responses import ElastiCacheResponse

    assert not hasattr(ElastiCacheResponse, "copy_snapshot")
    with fake_aws():
        assert elasticache_copy.installed()
        with fake_aws():
            assert elasticache_copy.installed()
        assert elasticache_copy.installed()
    assert not elasticache_copy.installed()
    assert not hasattr(ElastiCacheResponse, "copy_snapshot")


# ------------------------------------------------------------------------- shape checker


def test_shape_checker_reports_every_kind_of_mismatch() -> None:
    good = {"Snapshot": {"SnapshotName": "a", "NumNodeGroups": 1, "AutomaticFailover": "enabled"}}
    assert response_problems("elasticache", "CopySnapshot", good) == []
    bad = {
        "Snapshot": {
            "SnapshotName": 5,
            "NumNodeGroups": "1",
            "AutomaticFailover": "sometimes",
            "AutoMinorVersionUpgrade": "yes",
            "NodeSnapshots": {"not": "a list"},
            "CacheClusterCreateTime": "2024-01-01",
            "Colour": "blue",
        },
        "ResponseMetadata": {"ignored": True},
    }
    problems = response_problems("elasticache", "CopySnapshot", bad)
    assert len(problems) == 7
    for fragment in (
        "SnapshotName: expected string",
        "NumNodeGroups: expected integer",
        "'sometimes' is not one of",
        "AutoMinorVersionUpgrade: expected boolean",
        "NodeSnapshots: expected list",
        "CacheClusterCreateTime: expected timestamp",
        "Colour: not a member",
    ):
        assert any(fragment in problem for problem in problems), fragment
    with pytest.raises(AssertionError, match="CopySnapshot"):
        assert_valid_response("elasticache", "CopySnapshot", bad)
    missing = response_problems("s3", "CreateSession", {"ServerSideEncryption": "AES256"})
    assert missing == ["$.Credentials: required member of CreateSessionOutput is missing"]
