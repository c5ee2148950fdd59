"""Response timestamps: the standard library's ISO 8601 parser where it gives botocore's answer,
botocore's parser for every other form, and the provider's clients parse with it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import botocore.utils
import pytest

from pulumi_snapshots.aws import sessions
from pulumi_snapshots.aws.config import parse_config
from pulumi_snapshots.aws.identity import resolve_identity
from pulumi_snapshots.aws.timestamps import parse_timestamp
from pulumi_snapshots.testing.control import LocalControl

REGION = "us-east-1"

ISO = [
    "2026-12-07T13:00:00Z",
    "2026-12-07T13:00:00.123Z",
    "2026-12-07T13:00:00.123456Z",
    "2026-12-07T13:00:00.1234567Z",
    "2026-12-07T13:00:00+00:00",
    "2026-12-07T13:00:00.5-08:00",
    "2026-12-07T13:00:00+05:30",
]
OTHER = [
    1796648400,
    1796648400.25,
    "1796648400",
    "Mon, 07 Dec 2026 13:00:00 GMT",
    "2026-12-07T13:00:00",
    "2026-12-07",
]


@pytest.mark.parametrize("value", ISO + OTHER)
def test_every_form_reads_as_botocore_reads_it(value: Any) -> None:
    ours, theirs = parse_timestamp(value), botocore.utils.parse_timestamp(value)
    assert ours == theirs
    assert ours.isoformat() == theirs.isoformat()
    assert ours.utcoffset() == theirs.utcoffset()


@pytest.fixture
def no_dateutil(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """botocore's own parser, refused: what reaches it is recorded."""
    reached: list[Any] = []

    def refuse(value: Any, tzinfo: Any) -> Any:
        reached.append(value)
        raise AssertionError(f"botocore's parser was asked for {value!r}")

    monkeypatch.setattr(botocore.utils, "_parse_timestamp_with_tzinfo", refuse)
    yield reached


@pytest.mark.parametrize("value", ISO)
def test_iso_forms_never_reach_botocores_parser(value: str, no_dateutil: list[Any]) -> None:
    assert parse_timestamp(value).tzinfo is not None
    assert no_dateutil == []


def test_the_provider_clients_parse_response_timestamps_so(
    fake_aws: LocalControl, no_dateutil: list[Any]
) -> None:
    sessions.clear()
    config = parse_config({}, {})
    ec2 = sessions.client(config, resolve_identity(config, None), "ec2", REGION)
    volume = ec2.create_volume(AvailabilityZone=f"{REGION}a", Size=1)
    assert isinstance(volume["CreateTime"], datetime)
    snapshot = ec2.create_snapshot(VolumeId=volume["VolumeId"])
    listed = ec2.describe_snapshots(SnapshotIds=[snapshot["SnapshotId"]])["Snapshots"][0]
    assert listed["StartTime"].astimezone(UTC) == snapshot["StartTime"].astimezone(UTC)
    assert no_dateutil == []
    sessions.clear()
