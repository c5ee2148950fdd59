"""Token buckets in the fake: AWS's EC2 figures, per action, account and region, on the
fake's clock."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from fakes import REGION, Fake

from pulumi_snapshots.testing.clock import ManualClock
from pulumi_snapshots.testing.ratelimits import Bucket, default_figures


def admitted(call: Callable[[], Any], times: int) -> list[str]:
    """The outcome of `times` calls: "ok" or the error code."""
    outcomes = []
    for _ in range(times):
        try:
            call()
            outcomes.append("ok")
        except ClientError as error:
            outcomes.append(error.response["Error"]["Code"])
    return outcomes


def test_ec2_buckets_have_the_documented_sizes_and_refill_on_the_fake_clock(fake: Fake) -> None:
    fake.control.use_manual_clock()
    fake.control.rate_limit("ec2")
    ec2 = fake.client("ec2", attempts=1)
    unfiltered = ec2.describe_volumes
    # DescribeVolumes without a filter or pagination: 50 tokens, 10 a second.
    assert admitted(unfiltered, 51) == ["ok"] * 50 + ["RequestLimitExceeded"]
    # With a filter the same action uses the larger bucket of non-mutating actions.

    def filtered() -> Any:
        return ec2.describe_volumes(Filters=[{"Name": "size", "Values": ["1"]}])

    assert admitted(filtered, 100) == ["ok"] * 100
    assert admitted(filtered, 1) == ["RequestLimitExceeded"]
    fake.control.advance_clock(1)
    assert admitted(unfiltered, 11) == ["ok"] * 10 + ["RequestLimitExceeded"]
    assert admitted(filtered, 21) == ["ok"] * 20 + ["RequestLimitExceeded"]
    counts = fake.control.error_counts()["ec2"]["DescribeVolumes"]
    assert counts == {"RequestLimitExceeded": 4}


def test_buckets_are_kept_per_action_account_and_region(fake: Fake) -> None:
    fake.control.use_manual_clock()
    fake.control.rate_limit("elasticache", "DescribeSnapshots", capacity=2, refill=1)
    fake.control.rate_limit("elasticache", "DescribeCacheClusters", capacity=1, refill=1)
    cache = fake.client("elasticache", attempts=1)
    assert admitted(cache.describe_snapshots, 3) == ["ok", "ok", "Throttling"]
    assert admitted(cache.describe_cache_clusters, 2) == ["ok", "Throttling"]
    other_region = fake.client("elasticache", "eu-west-1", attempts=1)
    assert admitted(other_region.describe_snapshots, 2) == ["ok", "ok"]
    role = fake.client("sts").assume_role(
        RoleArn="arn:aws:iam::222233334444:role/dr", RoleSessionName="buckets"
    )["Credentials"]
    other_account = fake.client("elasticache", attempts=1, credentials=role)
    assert admitted(other_account.describe_snapshots, 3) == ["ok", "ok", "Throttling"]
    fake.control.advance_clock(0.5)
    assert admitted(cache.describe_snapshots, 1) == ["Throttling"]
    fake.control.advance_clock(0.5)
    assert admitted(cache.describe_snapshots, 2) == ["ok", "Throttling"]


@pytest.mark.parametrize(
    ("service", "client", "call", "code"),
    [
        ("neptune", "neptune", lambda c: c.describe_db_clusters(), "Throttling"),
        ("lightsail", "lightsail", lambda c: c.get_disk_snapshots(), "ThrottlingException"),
        ("sts", "sts", lambda c: c.get_caller_identity(), "Throttling"),
    ],
)
def test_other_services_throttle_with_their_own_error(
    fake: Fake, service: str, client: str, call: Callable[[Any], Any], code: str
) -> None:
    fake.control.use_manual_clock()
    fake.control.rate_limit(service, capacity=1, refill=0)
    answer = fake.client(client, attempts=1)
    assert admitted(lambda: call(answer), 2) == ["ok", code]


def test_rate_limits_are_off_by_default_and_after_reset(fake: Fake) -> None:
    ec2 = fake.client("ec2", attempts=1)
    assert admitted(ec2.describe_volumes, 60) == ["ok"] * 60
    fake.control.rate_limit("ec2", capacity=1, refill=0)
    assert admitted(ec2.describe_volumes, 2) == ["ok", "RequestLimitExceeded"]
    fake.control.reset()
    assert admitted(ec2.describe_volumes, 3) == ["ok"] * 3
    fake.control.rate_limit("ec2", capacity=1, refill=0)
    fake.control.clear_rate_limits()
    assert admitted(ec2.describe_volumes, 3) == ["ok"] * 3


def test_rate_limit_rejects_bad_arguments(fake: Fake) -> None:
    with pytest.raises(ValueError, match="service"):
        fake.control.rate_limit("dynamodb")
    with pytest.raises(ValueError, match="both"):
        fake.control.rate_limit("ec2", capacity=5)
    with pytest.raises(ValueError, match="capacity"):
        fake.control.rate_limit("ec2", capacity=0, refill=1)
    with pytest.raises(ValueError, match="own capacity"):
        fake.control.rate_limit("ec2", "CreateSnapshots")


@pytest.mark.parametrize(
    ("action", "filtered", "figures"),
    [
        ("CreateSnapshots", False, (100, 5)),
        ("CreateSnapshot", False, (100, 5)),
        ("CreateTags", False, (100, 10)),
        ("DeleteSnapshot", False, (100, 5)),
        ("DescribeSnapshots", True, (100, 20)),
        ("DescribeSnapshots", False, (50, 10)),
        ("DescribeImages", False, (100, 20)),
        ("AttachVolume", False, (50, 5)),
        ("CreateKeyPair", False, (50, 5)),
        ("RunInstances", False, (5, 2)),
    ],
)
def test_ec2_figures_are_the_documented_ones(
    action: str, filtered: bool, figures: tuple[float, float]
) -> None:
    assert default_figures("ec2", action, filtered)[1] == figures


def test_other_services_get_conservative_figures() -> None:
    assert default_figures("neptune", "DescribeDBClusterSnapshots", False)[1] == (100, 20)
    assert default_figures("neptune", "CopyDBClusterSnapshot", False)[1] == (50, 5)
    assert default_figures("lightsail", "GetInstanceSnapshots", False)[1] == (100, 20)


def test_a_bucket_never_holds_more_than_its_capacity() -> None:
    clock = ManualClock()
    bucket = Bucket(3, 1, clock)
    assert [bucket.take() for _ in range(4)] == [True, True, True, False]
    clock.advance(100)
    assert [bucket.take() for _ in range(4)] == [True, True, True, False]
    clock.advance(1.5)
    assert [bucket.take() for _ in range(2)] == [True, False]
    clock.advance(0.5)
    assert bucket.take()


def test_the_bucket_of_a_region_starts_full_and_in_region(fake: Fake) -> None:
    fake.control.use_manual_clock()
    fake.control.rate_limit("ec2", "CreateVolume", capacity=1, refill=0)
    east = fake.client("ec2", attempts=1)
    west = fake.client("ec2", "us-west-2", attempts=1)
    assert admitted(lambda: east.create_volume(Size=1, AvailabilityZone=f"{REGION}a"), 2) == [
        "ok",
        "RequestLimitExceeded",
    ]
    assert admitted(lambda: west.create_volume(Size=1, AvailabilityZone="us-west-2a"), 1) == ["ok"]
