"""Paging of the fake's list calls: page sizes, tokens and the services' own limits."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from fakes import REGION, Fake

from pulumi_snapshots.testing.shapes import assert_valid_response


def pages(
    call: Callable[..., dict[str, Any]],
    list_key: str,
    in_token: str,
    out_token: str,
    **params: Any,
) -> Iterator[list[dict[str, Any]]]:
    """Every page of a list call, following its tokens."""
    while True:
        answer = call(**params)
        yield answer[list_key]
        token = answer.get(out_token)
        if not token:
            return
        params[in_token] = token


def error_of(call: Callable[..., Any], **params: Any) -> tuple[str, int]:
    with pytest.raises(ClientError) as caught:
        call(**params)
    response: Any = caught.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


# ---------------------------------------------------------------------------- ElastiCache


def seeded_cache_snapshots(fake: Fake, count: int) -> set[str]:
    names = {fake.unique("paged") for _ in range(count)}
    for name in names:
        fake.control.seed_elasticache_snapshot(name, REGION)
    return names


def test_elasticache_pages_at_max_records_and_follows_markers(fake: Fake) -> None:
    names = seeded_cache_snapshots(fake, 23)
    cache = fake.client("elasticache")
    seen: list[str] = []
    sizes = []
    for snapshots in pages(
        cache.describe_snapshots, "Snapshots", "Marker", "Marker", MaxRecords=20
    ):
        sizes.append(len(snapshots))
        seen += [s["SnapshotName"] for s in snapshots]
    assert len(sizes) >= 2
    assert all(size <= 20 for size in sizes)
    assert sizes[0] == 20
    assert len(seen) == len(set(seen))
    assert names <= set(seen)


def test_elasticache_default_page_is_fifty(fake: Fake) -> None:
    seeded_cache_snapshots(fake, 51)
    first = fake.client("elasticache").describe_snapshots()
    assert_valid_response("elasticache", "DescribeSnapshots", first)
    assert len(first["Snapshots"]) == 50
    assert first["Marker"]


@pytest.mark.parametrize("max_records", [19, 51])
def test_elasticache_rejects_max_records_outside_its_range(fake: Fake, max_records: int) -> None:
    call = fake.client("elasticache", attempts=1).describe_snapshots
    assert error_of(call, MaxRecords=max_records) == ("InvalidParameterValue", 400)


def test_a_marker_from_elsewhere_is_rejected(fake: Fake) -> None:
    call = fake.client("elasticache", attempts=1).describe_snapshots
    assert error_of(call, Marker="not-a-marker") == ("InvalidParameterValue", 400)


def test_an_item_deleted_between_pages_skips_no_other(fake: Fake) -> None:
    names = sorted(seeded_cache_snapshots(fake, 4))
    fake.control.page_size("elasticache", 2)
    cache = fake.client("elasticache")
    first = cache.describe_snapshots(MaxRecords=20)
    listed = [s["SnapshotName"] for s in first["Snapshots"]]
    cache.delete_snapshot(SnapshotName=listed[0])
    rest: list[str] = []
    for snapshots in pages(
        cache.describe_snapshots, "Snapshots", "Marker", "Marker", Marker=first["Marker"]
    ):
        rest += [s["SnapshotName"] for s in snapshots]
    remaining = set(names) - {listed[0]}
    assert remaining <= set(listed[1:]) | set(rest)


def test_botocore_paginator_collects_every_page(fake: Fake) -> None:
    names = seeded_cache_snapshots(fake, 5)
    fake.control.page_size("elasticache", 2, action="DescribeSnapshots")
    paginator = fake.client("elasticache").get_paginator("describe_snapshots")
    page_sizes = []
    seen: list[str] = []
    for answer in paginator.paginate():
        page_sizes.append(len(answer["Snapshots"]))
        seen += [s["SnapshotName"] for s in answer["Snapshots"]]
    assert max(page_sizes) == 2
    assert len(page_sizes) >= 3
    assert names <= set(seen)
    assert len(seen) == len(set(seen))


# ------------------------------------------------------------------------------- Neptune


def test_neptune_cluster_snapshots_page_at_max_records(fake: Fake) -> None:
    neptune = fake.client("neptune")
    cluster = fake.unique("graph")
    neptune.create_db_cluster(DBClusterIdentifier=cluster, Engine="neptune")
    names = {fake.unique("nightly") for _ in range(3)}
    for name in names:
        neptune.create_db_cluster_snapshot(
            DBClusterIdentifier=cluster, DBClusterSnapshotIdentifier=name
        )
    fake.control.page_size("neptune", 1)
    seen: list[str] = []
    for snapshots in pages(
        neptune.describe_db_cluster_snapshots,
        "DBClusterSnapshots",
        "Marker",
        "Marker",
        DBClusterIdentifier=cluster,
        SnapshotType="manual",
        MaxRecords=20,
    ):
        assert len(snapshots) <= 1
        seen += [s["DBClusterSnapshotIdentifier"] for s in snapshots]
    assert sorted(seen) == sorted(names)
    call = fake.client("neptune", attempts=1).describe_db_cluster_snapshots
    assert error_of(call, MaxRecords=101) == ("InvalidParameterValue", 400)
    assert error_of(call, MaxRecords=19) == ("InvalidParameterValue", 400)


# ----------------------------------------------------------------------------------- EC2


def test_ec2_pages_only_when_max_results_is_given(fake: Fake) -> None:
    ec2 = fake.client("ec2")
    volume = ec2.create_volume(Size=1, AvailabilityZone=f"{REGION}a")["VolumeId"]
    ids = {ec2.create_snapshot(VolumeId=volume)["SnapshotId"] for _ in range(6)}
    flt = [{"Name": "volume-id", "Values": [volume]}]
    everything = ec2.describe_snapshots(Filters=flt)
    assert {s["SnapshotId"] for s in everything["Snapshots"]} == ids
    assert "NextToken" not in everything
    sizes = []
    seen: list[str] = []
    for snapshots in pages(
        ec2.describe_snapshots, "Snapshots", "NextToken", "NextToken", Filters=flt, MaxResults=5
    ):
        sizes.append(len(snapshots))
        seen += [s["SnapshotId"] for s in snapshots]
    assert sizes == [5, 1]
    assert sorted(seen) == sorted(ids)
    # Above 1,000 EC2 returns 1,000 at most rather than failing.
    assert len(ec2.describe_snapshots(Filters=flt, MaxResults=5000)["Snapshots"]) == 6
    call = fake.client("ec2", attempts=1).describe_snapshots
    assert error_of(call, MaxResults=4) == ("InvalidParameterValue", 400)
    assert error_of(call, MaxResults=5, NextToken="bogus") == ("InvalidPaginationToken", 400)


def test_page_size_rejects_bad_arguments(fake: Fake) -> None:
    with pytest.raises(ValueError, match="service"):
        fake.control.page_size("dynamodb", 2)
    with pytest.raises(ValueError, match="size"):
        fake.control.page_size("ec2", 0)


def test_reset_restores_the_services_own_page_sizes(fake: Fake) -> None:
    seeded_cache_snapshots(fake, 3)
    fake.control.page_size("elasticache", 1)
    assert len(fake.client("elasticache").describe_snapshots()["Snapshots"]) == 1
    fake.control.reset()
    assert len(fake.client("elasticache").describe_snapshots()["Snapshots"]) >= 3


# ----------------------------------------------------------------------------- Lightsail


def lightsail_disk_snapshots(fake: Fake, count: int) -> set[str]:
    lightsail = fake.client("lightsail")
    disk = fake.unique("data")
    lightsail.create_disk(diskName=disk, availabilityZone=f"{REGION}a", sizeInGb=8)
    names = {fake.unique("ds") for _ in range(count)}
    for name in names:
        lightsail.create_disk_snapshot(diskSnapshotName=name, diskName=disk)
    return names


def test_lightsail_lists_page_with_page_tokens(fake: Fake) -> None:
    names = lightsail_disk_snapshots(fake, 5)
    fake.control.page_size("lightsail", 2)
    lightsail = fake.client("lightsail")
    sizes = []
    seen: list[str] = []
    for snapshots in pages(
        lightsail.get_disk_snapshots, "diskSnapshots", "pageToken", "nextPageToken"
    ):
        sizes.append(len(snapshots))
        seen += [s["name"] for s in snapshots]
    assert max(sizes) == 2
    assert len(sizes) >= 3
    assert names <= set(seen)
    assert len(seen) == len(set(seen))
    answer = lightsail.get_disk_snapshots()
    assert_valid_response("lightsail", "GetDiskSnapshots", answer)
    code, status = error_of(
        fake.client("lightsail", attempts=1).get_disk_snapshots, pageToken="nope"
    )
    assert (code, status) == ("InvalidInputException", 400)


def test_lightsail_operations_page_oldest_first(fake: Fake) -> None:
    lightsail = fake.client("lightsail")
    disk = fake.unique("data")
    lightsail.create_disk(diskName=disk, availabilityZone=f"{REGION}a", sizeInGb=8)
    lightsail.tag_resource(resourceName=disk, tags=[{"key": "a"}])
    lightsail.untag_resource(resourceName=disk, tagKeys=["a"])
    fake.control.page_size("lightsail", 1, action="GetOperationsForResource")
    ids: list[str] = []
    for operations in pages(
        lightsail.get_operations_for_resource,
        "operations",
        "pageToken",
        "nextPageToken",
        resourceName=disk,
    ):
        assert len(operations) == 1
        ids += [op["id"] for op in operations]
    assert len(ids) == 3
    created = lightsail.get_operation(operationId=ids[0])["operation"]
    assert created["operationType"] == "CreateDisk"
    # Other lists keep the service's page size.
    assert len(lightsail.get_operations()["operations"]) >= 3


def test_lightsail_copy_reports_a_copy_snapshot_operation(fake: Fake) -> None:
    other = "eu-west-2"
    source_client = fake.client("lightsail", other)
    disk, source = fake.unique("data"), fake.unique("ds")
    source_client.create_disk(diskName=disk, availabilityZone=f"{other}a", sizeInGb=8)
    source_client.create_disk_snapshot(diskSnapshotName=source, diskName=disk)
    target = fake.unique("dr-copy")
    fake.control.hold("lightsail", match="dr-copy-*", reads=0)
    lightsail = fake.client("lightsail")
    answer = lightsail.copy_snapshot(
        sourceSnapshotName=source, targetSnapshotName=target, sourceRegion=other
    )
    assert_valid_response("lightsail", "CopySnapshot", answer)
    (operation,) = answer["operations"]
    assert operation["operationType"] == "CopySnapshot"
    assert operation["resourceName"] == target
    assert operation["resourceType"] == "DiskSnapshot"
    assert operation["location"]["regionName"] == REGION
    assert operation["operationDetails"] == f"{other}:{source}"
    assert (operation["status"], operation["isTerminal"]) == ("Started", False)
    assert lightsail.get_disk_snapshot(diskSnapshotName=target)["diskSnapshot"]["state"] == (
        "completed"
    )
    done = lightsail.get_operation(operationId=operation["id"])["operation"]
    assert (done["status"], done["isTerminal"]) == ("Succeeded", True)
