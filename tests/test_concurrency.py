"""Many waits at once through the real provider host: each resolves to its own snapshot and
state, status calls are shared, and checks keep answering while creates wait."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import grpc
import pytest

from pulumi_snapshots.engine.provider import NAME_KEY, SnapshotProvider
from pulumi_snapshots.testing import FakeAwsServer
from pulumi_snapshots.testing.host import ProviderHost, provider_props, urn_for

REGION = "us-east-1"
SPEC = "pulumi_snapshots.neptune:SPEC"
WAITS = 16


@pytest.fixture(scope="module")
def host(server: FakeAwsServer) -> Iterator[ProviderHost]:
    neptune = server.client("neptune", REGION)
    neptune.create_db_cluster(DBClusterIdentifier="busy", Engine="neptune")
    neptune.create_db_cluster_snapshot(
        DBClusterIdentifier="busy", DBClusterSnapshotIdentifier="busy-source"
    )
    # An interval well above the time 16 creates take to start, so that the count of shared
    # rounds does not depend on how fast this machine starts them.
    env = server.environment(PULUMI_SNAPSHOTS_POLL_SECONDS="0.5")
    with ProviderHost(env=env, config={"aws:region": REGION}) as running:
        yield running


def create(host: ProviderHost, name: str) -> tuple[str, dict[str, Any]]:
    urn = urn_for("NeptuneClusterSnapshotCopy", name)
    props = provider_props(
        SnapshotProvider(SPEC),
        {
            NAME_KEY: name,
            "source_db_cluster_snapshot_identifier": "busy-source",
            "target_db_cluster_snapshot_identifier": name,
        },
    )
    inputs, failures = host.check(urn, {}, props)
    assert failures == []
    return host.create(urn, inputs)


def describes(server: FakeAwsServer) -> int:
    return server.control.request_counts().get("neptune", {}).get("DescribeDBClusterSnapshots", 0)


def test_every_wait_resolves_to_its_own_snapshot_and_state(
    host: ProviderHost, server: FakeAwsServer
) -> None:
    server.control.reset()
    outcomes = {
        f"mixed-{i:02d}": ("error" if i % 4 == 3 else "usable", 1 + i % 5) for i in range(WAITS)
    }
    for name, (then, reads) in outcomes.items():
        server.control.hold("neptune", match=name, reads=reads, then=then)  # type: ignore[arg-type]
    with ThreadPoolExecutor(WAITS) as pool:
        futures = {name: pool.submit(create, host, name) for name in outcomes}
        for name, (then, _) in outcomes.items():
            future = futures[name]
            if then == "usable":
                id_, outs = future.result(timeout=120)
                assert id_ == name and outs["target_db_cluster_snapshot_identifier"] == name
                assert outs["status"] == "available"
                assert outs["db_cluster_snapshot_arn"].endswith(f":cluster-snapshot:{name}")
            else:
                with pytest.raises(grpc.RpcError) as failed:
                    future.result(timeout=120)
                details = str(failed.value.details())  # type: ignore[attr-defined]
                assert (
                    f"NeptuneClusterSnapshotCopy {name} reached the error state 'failed'" in details
                )
                assert "it was deleted" in details
                others = [n for n in outcomes if n != name and n in details]
                assert others == []


def test_concurrent_waits_share_their_status_calls(
    host: ProviderHost, server: FakeAwsServer
) -> None:
    server.control.reset()
    server.control.hold("neptune", match="single-*", reads=6)
    create(host, "single-one")
    one = describes(server)

    server.control.reset()
    server.control.hold("neptune", match="shared-*", reads=6)
    with ThreadPoolExecutor(WAITS) as pool:
        results = list(pool.map(lambda i: create(host, f"shared-{i:02d}"), range(WAITS)))
    many = describes(server)
    assert [outs["status"] for _, outs in results] == ["available"] * WAITS
    # No read per create: the name is not read before the copy (create first), the copies of
    # one source share its read, and the status reads are shared rounds. Alone, each wait
    # would need as many calls as the single one: 16 times as many.
    assert one >= 6
    assert many <= 2 * one, (one, many)


def test_checks_answer_while_creates_wait(host: ProviderHost, server: FakeAwsServer) -> None:
    control = server.control
    control.reset()
    # The copies stay pending until the fake's clock moves: the creates wait as long as the
    # test needs, however slow the machine.
    control.use_manual_clock()
    control.hold("neptune", match="slow-*", seconds=3600)
    try:
        with ThreadPoolExecutor(WAITS) as pool:
            futures: list[Future[tuple[str, dict[str, Any]]]] = [
                pool.submit(create, host, f"slow-{i:02d}") for i in range(WAITS)
            ]
            # Wait until every create is waiting on AWS (the bound only guards against a hang).
            for _ in range(12_000):
                counts = control.request_counts().get("neptune", {})
                if counts.get("CopyDBClusterSnapshot", 0) >= WAITS:
                    break
                time.sleep(0.01)
            else:
                pytest.fail("the creates never all started")
            urn = urn_for("Ec2MultiVolumeSnapshot", "probe")
            props = provider_props(
                SnapshotProvider("pulumi_snapshots.ec2:SPEC"),
                {NAME_KEY: "probe", "instance_id": "i-12345678"},
            )
            _, failures = host.check(urn, {}, props)
            finished = [f for f in futures if f.done()]
            assert failures == []
            assert finished == [], "the check had to wait for creates to finish"
            control.advance_clock(3600)
            assert all(f.result(timeout=300)[1]["status"] == "available" for f in futures)
    finally:
        control.reset()
