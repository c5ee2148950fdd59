"""The fake rejects requests that break botocore's model, with each service's own error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import botocore.session
import pytest
from botocore.exceptions import ClientError
from botocore.serialize import create_serializer
from fakes import REGION, Fake

from pulumi_snapshots.testing.modelcheck import UNCHECKED_PATTERNS, check, compiled
from pulumi_snapshots.testing.wire import parse_query

ROLE = "arn:aws:iam::111111111111:role/deploy"


def error_of(call: Callable[..., Any], **params: Any) -> tuple[str, int, str]:
    with pytest.raises(ClientError) as caught:
        call(**params)
    response: Any = caught.value.response
    error = response["Error"]
    return error["Code"], response["ResponseMetadata"]["HTTPStatusCode"], error["Message"]


def test_elasticache_rejects_a_snapshot_source_outside_its_documented_values(fake: Fake) -> None:
    cache = fake.client("elasticache", attempts=1)
    code, status, message = error_of(cache.describe_snapshots, SnapshotSource="manual")
    assert (code, status) == ("InvalidParameterValue", 400)
    assert "SnapshotSource" in message
    assert "system, user" in message
    source = fake.unique("manual-src")
    fake.control.seed_elasticache_snapshot(source, REGION)
    listed = cache.describe_snapshots(SnapshotSource="user", MaxRecords=50)
    assert all(s["SnapshotSource"] == "manual" for s in listed["Snapshots"])


def test_ec2_rejects_a_value_outside_its_enum(fake: Fake) -> None:
    ec2 = fake.client("ec2", attempts=1)
    code, status, message = error_of(
        ec2.create_snapshots,
        InstanceSpecification={"InstanceId": "i-0123456789abcdef0"},
        CopyTagsFromSource="instance",
    )
    assert (code, status) == ("InvalidParameterValue", 400)
    assert "CopyTagsFromSource" in message


def test_ec2_names_a_missing_parameter(fake: Fake) -> None:
    ec2 = fake.client("ec2", attempts=1, validate=False)
    code, status, message = error_of(ec2.create_snapshot, Description="no volume")
    assert (code, status) == ("MissingParameter", 400)
    assert "VolumeId" in message


def test_ec2_rejects_a_value_of_the_wrong_type(fake: Fake) -> None:
    ec2 = fake.client("ec2", attempts=1, validate=False)
    code, status, message = error_of(ec2.describe_snapshots, MaxResults="many")
    assert (code, status) == ("InvalidParameterValue", 400)
    assert "MaxResults" in message


def test_rds_reports_a_missing_parameter_as_an_invalid_value(fake: Fake) -> None:
    neptune = fake.client("neptune", attempts=1, validate=False)
    code, status, message = error_of(
        neptune.copy_db_cluster_snapshot, SourceDBClusterSnapshotIdentifier="nightly"
    )
    assert (code, status) == ("InvalidParameterValue", 400)
    assert "TargetDBClusterSnapshotIdentifier must be provided" in message


@pytest.mark.parametrize(
    ("params", "member"),
    [
        ({"RoleSessionName": "s" * 65}, "RoleSessionName"),  # longer than its maximum
        ({"RoleSessionName": "bad name!"}, "RoleSessionName"),  # outside its pattern
        ({"DurationSeconds": 43201}, "DurationSeconds"),  # above its range
        ({"Tags": [{"Key": "cost#centre", "Value": "x"}]}, "Tags[0].Key"),  # Java \p{L} class
    ],
)
def test_sts_rejects_what_botocore_lets_through(
    fake: Fake, params: dict[str, Any], member: str
) -> None:
    sts = fake.client("sts", attempts=1)
    request = {"RoleArn": ROLE, "RoleSessionName": "deploy", **params}
    code, status, message = error_of(sts.assume_role, **request)
    assert (code, status) == ("ValidationError", 400)
    assert member in message


def test_sts_accepts_letters_of_any_script_in_tag_keys(fake: Fake) -> None:
    sts = fake.client("sts")
    answer = sts.assume_role(
        RoleArn=ROLE, RoleSessionName="deploy", Tags=[{"Key": "Zürich Team", "Value": "données"}]
    )
    assert answer["AssumedRoleUser"]["Arn"].endswith("/deploy")


def test_a_rejected_request_never_reaches_the_backend(fake: Fake) -> None:
    ec2 = fake.client("ec2", attempts=1)
    volume = ec2.create_volume(Size=1, AvailabilityZone=f"{REGION}a")["VolumeId"]
    before = ec2.describe_snapshots(Filters=[{"Name": "volume-id", "Values": [volume]}])
    with pytest.raises(ClientError):
        ec2.create_snapshot(
            VolumeId=volume,
            TagSpecifications=[{"ResourceType": "snapshots", "Tags": [{"Key": "a", "Value": "b"}]}],
        )
    after = ec2.describe_snapshots(Filters=[{"Name": "volume-id", "Values": [volume]}])
    assert after["Snapshots"] == before["Snapshots"] == []


# -------------------------------------------------------------------- wire and patterns


def round_trip(service: str, operation: str, params: dict[str, Any]) -> dict[str, Any]:
    model = botocore.session.get_session().get_service_model(service)
    op = model.operation_model(operation)
    body = create_serializer(model.protocol).serialize_to_request(params, op)["body"]
    values = {k: str(v) for k, v in body.items() if k not in ("Action", "Version")}
    parsed, problems = parse_query(op.input_shape, values, ec2=model.protocol == "ec2")
    assert problems == []
    assert check(op.input_shape, parsed, service=service) == []
    return parsed


@pytest.mark.parametrize(
    ("service", "operation", "params"),
    [
        (
            "ec2",
            "DescribeSnapshots",
            {
                "Filters": [{"Name": "snapshot-id", "Values": ["snap-1", "snap-2"]}],
                "OwnerIds": ["self"],
                "MaxResults": 50,
            },
        ),
        (
            "ec2",
            "CreateSnapshots",
            {
                "InstanceSpecification": {
                    "InstanceId": "i-1",
                    "ExcludeBootVolume": True,
                    "ExcludeDataVolumeIds": ["vol-1", "vol-2"],
                },
                "TagSpecifications": [
                    {"ResourceType": "snapshot", "Tags": [{"Key": "a", "Value": "b"}]}
                ],
                "CopyTagsFromSource": "volume",
            },
        ),
        (
            "rds",
            "CopyDBClusterSnapshot",
            {
                "SourceDBClusterSnapshotIdentifier": "arn:aws:rds:eu-west-1:1:cluster-snapshot:s",
                "TargetDBClusterSnapshotIdentifier": "copy",
                "CopyTags": False,
                "Tags": [{"Key": "team", "Value": "graph"}, {"Key": "env", "Value": "dr"}],
            },
        ),
        (
            "elasticache",
            "AddTagsToResource",
            {"ResourceName": "arn:x", "Tags": [{"Key": "a", "Value": "1"}]},
        ),
        (
            "sts",
            "AssumeRole",
            {
                "RoleArn": ROLE,
                "RoleSessionName": "s",
                "PolicyArns": [{"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}],
                "TransitiveTagKeys": [],
                "DurationSeconds": 3600,
            },
        ),
        (
            "sns",
            "Publish",
            {
                "Message": "m",
                "MessageAttributes": {"kind": {"DataType": "String", "StringValue": "v"}},
            },
        ),
    ],
)
def test_wire_parameters_read_back_as_botocore_wrote_them(
    service: str, operation: str, params: dict[str, Any]
) -> None:
    if operation == "AssumeRole":
        params = {**params, "RoleSessionName": "session"}
    assert round_trip(service, operation, params) == params


def test_a_value_of_the_wrong_type_on_the_wire_is_a_problem() -> None:
    model = botocore.session.get_session().get_service_model("rds")
    shape = model.operation_model("DescribeDBClusterSnapshots").input_shape
    parsed, problems = parse_query(shape, {"MaxRecords": "lots", "IncludeShared": "yes"}, ec2=False)
    assert parsed == {}
    assert sorted(p.path for p in problems) == ["IncludeShared", "MaxRecords"]


def test_java_unicode_classes_are_translated() -> None:
    regex = compiled(r"[\p{L}\p{Z}\p{N}_.:/=+\-@]+")
    assert regex is not None
    for good in ("Zürich", "東京 1", "a\u00a0b", "cost:centre/x=y+z@q"):
        assert regex.fullmatch(good), good
    for bad in ("a#b", "tab\there", ""):
        assert regex.fullmatch(bad) is None, bad
    negated = compiled(r"\P{L}+")
    assert negated is not None
    assert negated.fullmatch("123")
    assert negated.fullmatch("a1") is None


def test_patterns_that_cannot_be_applied_are_left_unchecked_and_listed() -> None:
    placement = r"^arn:aws([a-z-]+)?:ec2:[a-z\d-]+:\d{12}:placement-group/^.{1,255}$"
    assert compiled(placement) is None
    assert "^" in UNCHECKED_PATTERNS[placement]
    assert compiled(r"[a-z&&[^b]]{1,3}(?<name") is None
    # A ^ that starts an alternative is fine.
    alternatives = compiled(r"^[a-z0-9]{1,2}|[a-z0-9][a-z0-9-]+[a-z0-9]$")
    assert alternatives is not None
    assert alternatives.fullmatch("web-1")


def test_patterns_match_the_whole_value() -> None:
    regex = compiled(r"\w[\w\-]*\w")
    assert regex is not None
    assert regex.fullmatch("web_1")
    assert regex.fullmatch("web 1") is None
