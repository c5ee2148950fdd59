"""Transient server errors and expired credentials, each in the service's own words."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from fakes import REGION, Fake

CALLS: dict[str, tuple[str, str, Callable[[Any], Any]]] = {
    "ec2": ("ec2", "DescribeSnapshots", lambda c: c.describe_snapshots(OwnerIds=["self"])),
    "neptune": (
        "neptune",
        "DescribeDBClusterSnapshots",
        lambda c: c.describe_db_cluster_snapshots(),
    ),
    "elasticache": ("elasticache", "DescribeSnapshots", lambda c: c.describe_snapshots()),
    "lightsail": ("lightsail", "GetDiskSnapshots", lambda c: c.get_disk_snapshots()),
    "sts": ("sts", "GetCallerIdentity", lambda c: c.get_caller_identity()),
}

TRANSIENT = {
    ("ec2", 500): "InternalError",
    ("ec2", 503): "Unavailable",
    ("neptune", 500): "InternalFailure",
    ("neptune", 503): "ServiceUnavailable",
    ("elasticache", 500): "InternalFailure",
    ("elasticache", 503): "ServiceUnavailable",
    ("lightsail", 500): "ServiceException",
    ("lightsail", 503): "ServiceUnavailable",
    ("sts", 500): "InternalFailure",
    ("sts", 503): "ServiceUnavailable",
}

EXPIRED = {
    "ec2": ("RequestExpired", 400),
    "neptune": ("ExpiredToken", 403),
    "elasticache": ("ExpiredToken", 403),
    "lightsail": ("ExpiredTokenException", 403),
    "sts": ("ExpiredToken", 403),
}


def error_of(call: Callable[[], Any]) -> tuple[str, int]:
    with pytest.raises(ClientError) as caught:
        call()
    response: Any = caught.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


@pytest.mark.parametrize(("service", "status"), sorted(TRANSIENT))
def test_failed_calls_answer_the_services_transient_error(
    fake: Fake, service: str, status: int
) -> None:
    client_name, action, call = CALLS[service]
    client = fake.client(client_name, attempts=1)
    fake.control.fail(service, action, 2, status=status)
    assert error_of(lambda: call(client)) == (TRANSIENT[(service, status)], status)
    assert error_of(lambda: call(client)) == (TRANSIENT[(service, status)], status)
    call(client)
    assert fake.control.request_counts()[service][action] == 3
    assert fake.control.error_counts()[service][action] == {TRANSIENT[(service, status)]: 2}


def test_a_stretch_of_failures_is_retried_through_by_botocore(fake: Fake) -> None:
    fake.control.fail("neptune", "DescribeDBClusterSnapshots", 3)
    answer = fake.client("neptune").describe_db_cluster_snapshots()
    assert answer["ResponseMetadata"]["RetryAttempts"] == 3
    assert fake.control.request_counts()["neptune"]["DescribeDBClusterSnapshots"] == 4


def test_failures_apply_to_the_named_action_only(fake: Fake) -> None:
    fake.control.fail("ec2", "DescribeSnapshots", 5)
    ec2 = fake.client("ec2", attempts=1)
    ec2.describe_volumes()
    with pytest.raises(ClientError):
        ec2.describe_snapshots(OwnerIds=["self"])


def test_fail_rejects_bad_arguments(fake: Fake) -> None:
    with pytest.raises(ValueError, match="status"):
        fake.control.fail("ec2", "DescribeSnapshots", 1, status=404)
    with pytest.raises(ValueError, match="service"):
        fake.control.fail("dynamodb", "Scan", 1)
    with pytest.raises(ValueError, match="count"):
        fake.control.fail("ec2", "DescribeSnapshots", -1)
    with pytest.raises(ValueError, match="account"):
        fake.control.fail("ec2", "DescribeSnapshots", 1, account="prod")


EXPIRING_KEYS = {"AWS_ACCESS_KEY_ID": "AKIAEXPIRESSOON00001", "AWS_SECRET_ACCESS_KEY": "x"}


def expiring(fake: Fake, client_name: str) -> Any:
    credentials = {
        "AccessKeyId": EXPIRING_KEYS["AWS_ACCESS_KEY_ID"],
        "SecretAccessKey": EXPIRING_KEYS["AWS_SECRET_ACCESS_KEY"],
    }
    return fake.client(client_name, attempts=1, credentials=credentials)


@pytest.mark.parametrize("service", sorted(EXPIRED))
def test_expired_credentials_are_rejected_with_the_services_code(fake: Fake, service: str) -> None:
    client_name, _action, call = CALLS[service]
    client = expiring(fake, client_name)
    call(client)
    fake.control.expire_credentials(EXPIRING_KEYS["AWS_ACCESS_KEY_ID"])
    assert error_of(lambda: call(client)) == EXPIRED[service]
    assert error_of(lambda: call(client)) == EXPIRED[service]
    # Other credentials still work.
    call(fake.client(client_name, attempts=1))
    fake.control.reset()
    call(client)


def test_expired_credentials_fail_every_action_not_only_reads(fake: Fake) -> None:
    client = expiring(fake, "ec2")
    fake.control.expire_credentials(EXPIRING_KEYS["AWS_ACCESS_KEY_ID"])
    code, _ = error_of(lambda: client.create_volume(Size=1, AvailabilityZone=f"{REGION}a"))
    assert code == "RequestExpired"
    assert fake.control.error_counts()["ec2"]["CreateVolume"] == {"RequestExpired": 1}
