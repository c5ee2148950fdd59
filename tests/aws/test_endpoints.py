"""aws:endpoints against the fake AWS served on 127.0.0.1: the role chain's STS calls and the
service calls go where the stack config says, whatever the environment names."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

import pytest

from pulumi_snapshots.aws import sessions
from pulumi_snapshots.aws.config import parse_config
from pulumi_snapshots.aws.identity import resolve_identity
from pulumi_snapshots.testing import FakeAwsServer
from pulumi_snapshots.testing.control import Control

DR_ROLE = "arn:aws:iam::222222222222:role/dr-copier"


@pytest.fixture(autouse=True)
def _environment(server: FakeAwsServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in server.environment().items():
        monkeypatch.setenv(name, value)
    # Nothing listens here: a call that ignored aws:endpoints would fail.
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    sessions.clear()
    yield
    sessions.clear()


def test_role_chain_and_service_calls_use_the_configured_endpoints(
    server: FakeAwsServer, control: Control
) -> None:
    config = parse_config(
        {
            "aws:endpoints": json.dumps([{"sts": server.endpoint, "ec2": server.endpoint}]),
            "aws:assumeRoles": json.dumps([{"roleArn": DR_ROLE}]),
            "aws:stsRegion": "us-west-2",
        },
        {},
    )
    identity = resolve_identity(config)
    sts = sessions.client(config, identity, "sts", "eu-west-1")
    assert sts.meta.endpoint_url == server.endpoint
    assert sts.get_caller_identity()["Account"] == "222222222222"

    ec2 = sessions.client(config, identity, "ec2", "eu-west-1")
    volume = ec2.create_volume(AvailabilityZone="eu-west-1a", Size=1)["VolumeId"]
    mine = server.client("ec2", "eu-west-1").describe_volumes()["Volumes"]
    assert volume not in [v["VolumeId"] for v in mine]
    assert control.request_counts()["sts"]["AssumeRole"] == 1
