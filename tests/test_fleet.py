"""A fleet under tight rate limits, through the real provider host: 200 creates at once, far
more than the token buckets admit, all succeed and each resolves to its own snapshot."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from pulumi_snapshots.engine.provider import NAME_KEY, OWNER_KEY, SnapshotProvider
from pulumi_snapshots.testing import FakeAwsServer
from pulumi_snapshots.testing.host import ProviderHost, provider_props, urn_for

REGION = "us-east-1"
FLEET = 200


def test_two_hundred_creates_under_tight_buckets_all_succeed(server: FakeAwsServer) -> None:
    control = server.control
    control.reset()
    ec2 = server.client("ec2", REGION)
    instances = [
        i["InstanceId"]
        for _ in range(2)
        for i in ec2.run_instances(ImageId="ami-12c6146b", MinCount=100, MaxCount=100)["Instances"]
    ]
    # Buckets far smaller than EC2's: most creates are throttled at first, and botocore's own
    # retries alone cannot absorb it.
    control.rate_limit("ec2", "CreateSnapshots", capacity=10, refill=50)
    control.rate_limit("ec2", "DescribeSnapshots", capacity=10, refill=50)
    control.hold("ec2", reads=2)
    env = server.environment(PULUMI_SNAPSHOTS_POLL_SECONDS="0.05")
    try:
        with ProviderHost(env=env, config={"aws:region": REGION, "aws:maxRetries": "2"}) as host:

            def create(i: int) -> tuple[str, dict[str, Any]]:
                name = f"fleet-{i:03d}"
                urn = urn_for("Ec2MultiVolumeSnapshot", name)
                props = provider_props(
                    SnapshotProvider("pulumi_snapshots.ec2:SPEC"),
                    {NAME_KEY: name, OWNER_KEY: f"t/dev/{name}", "instance_id": instances[i]},
                )
                inputs, failures = host.check(urn, {}, props)
                assert failures == []
                return host.create(urn, inputs)

            with ThreadPoolExecutor(FLEET) as pool:
                made = list(pool.map(create, range(FLEET)))
    finally:
        throttled = control.error_counts().get("ec2", {})
        counts = control.request_counts().get("ec2", {})
        control.reset()
    assert sum(c.get("RequestLimitExceeded", 0) for c in throttled.values()) > 0
    assert all(outs["snapshots"][0]["state"] == "completed" for _, outs in made)
    # Each create resolved to its own snapshot: of its own instance's volume, no two alike.
    ids = [id_ for id_, _ in made]
    assert len(set(ids)) == FLEET
    volumes = {
        v["Attachments"][0]["InstanceId"]: v["VolumeId"]
        for v in ec2.describe_volumes()["Volumes"]
        if v["Attachments"]
    }
    for i, (_, outs) in enumerate(made):
        assert outs["snapshots"][0]["volume_id"] == volumes[instances[i]]
    # One set per create: every CreateSnapshots that was not throttled made one of them.
    refused = throttled.get("CreateSnapshots", {}).get("RequestLimitExceeded", 0)
    assert counts["CreateSnapshots"] - refused == FLEET
