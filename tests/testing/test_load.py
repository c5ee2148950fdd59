"""The fake under a fleet's load: hundreds of concurrent requests, none of them failing.

moto's backends are not thread-safe: RDS lists cluster snapshots from an OrderedDict that a
concurrent copy changes under it ("OrderedDict mutated during iteration", a 500). The fake
serves one request at a time, and its server queues a fleet's connections.
"""

from __future__ import annotations

import collections
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from pulumi_snapshots.testing import FakeAwsServer
from pulumi_snapshots.testing.server import ServerProcess

REGION = "us-east-1"


def client(endpoint: str, service: str, connections: int) -> Any:
    config = Config(
        retries={"mode": "standard", "total_max_attempts": 1},  # every error surfaces
        max_pool_connections=connections,
        read_timeout=600,
    )
    return boto3.client(
        service,  # type: ignore[call-overload]
        region_name=REGION,
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=config,
    )


def all_at_once(count: int, work: Callable[[int], None]) -> collections.Counter[str]:
    """Run `work(i)` for every i in `count` threads released together; the errors seen."""
    errors: collections.Counter[str] = collections.Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(count)

    def run(index: int) -> None:
        barrier.wait()
        try:
            work(index)
        except ClientError as error:
            with lock:
                errors[str(error.response["Error"]["Code"])] += 1
        except (BotoCoreError, OSError) as error:
            with lock:
                errors[type(error).__name__] += 1

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.fixture
def in_thread_server() -> Iterator[FakeAwsServer]:
    with FakeAwsServer() as server:
        yield server


def test_moto_serves_one_request_at_a_time(
    in_thread_server: FakeAwsServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from moto.rds.models import RDSBackend

    in_flight = 0
    most = 0
    lock = threading.Lock()

    def tracked(method: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            nonlocal in_flight, most
            with lock:
                in_flight += 1
                most = max(most, in_flight)
            try:
                time.sleep(0.001)  # widens the window in which two calls could overlap
                return method(*args, **kwargs)
            finally:
                with lock:
                    in_flight -= 1

        return wrapper

    for name in ("copy_db_cluster_snapshot", "describe_db_cluster_snapshots"):
        monkeypatch.setattr(RDSBackend, name, tracked(getattr(RDSBackend, name)))
    count = 120
    neptune = client(in_thread_server.endpoint, "neptune", count)
    neptune.create_db_cluster(DBClusterIdentifier="serial", Engine="neptune")
    neptune.create_db_cluster_snapshot(
        DBClusterIdentifier="serial", DBClusterSnapshotIdentifier="serial-source"
    )

    def work(index: int) -> None:
        if index % 2:
            neptune.copy_db_cluster_snapshot(
                SourceDBClusterSnapshotIdentifier="serial-source",
                TargetDBClusterSnapshotIdentifier=f"serial-copy-{index}",
            )
        else:
            neptune.describe_db_cluster_snapshots(SnapshotType="manual", MaxRecords=100)

    assert all_at_once(count, work) == {}
    assert most == 1


def test_a_fleet_of_concurrent_copies_and_listings_gets_no_errors(
    server_process: ServerProcess,
) -> None:
    count = 400
    endpoint = server_process.endpoint
    neptune = client(endpoint, "neptune", count)
    ec2 = client(endpoint, "ec2", count)
    neptune.create_db_cluster(DBClusterIdentifier="fleet", Engine="neptune")
    neptune.create_db_cluster_snapshot(
        DBClusterIdentifier="fleet", DBClusterSnapshotIdentifier="fleet-source"
    )
    volume = ec2.create_volume(Size=1, AvailabilityZone=f"{REGION}a")["VolumeId"]
    server_process.control.hold("neptune", match="fleet-copy-*", reads=2)

    def work(index: int) -> None:
        kind = index % 4
        if kind == 0:
            neptune.copy_db_cluster_snapshot(
                SourceDBClusterSnapshotIdentifier="fleet-source",
                TargetDBClusterSnapshotIdentifier=f"fleet-copy-{index}",
            )
        elif kind == 1:
            neptune.describe_db_cluster_snapshots(SnapshotType="manual", MaxRecords=100)
        elif kind == 2:
            ec2.create_snapshot(VolumeId=volume)
        else:
            ec2.describe_snapshots(Filters=[{"Name": "volume-id", "Values": [volume]}])

    assert all_at_once(count, work) == {}
    copies = set()
    paginator = neptune.get_paginator("describe_db_cluster_snapshots")
    for page in paginator.paginate(DBClusterIdentifier="fleet", SnapshotType="manual"):
        copies |= {s["DBClusterSnapshotIdentifier"] for s in page["DBClusterSnapshots"]}
    assert copies == {"fleet-source"} | {f"fleet-copy-{i}" for i in range(0, count, 4)}
    snapshots = ec2.describe_snapshots(Filters=[{"Name": "volume-id", "Values": [volume]}])
    assert len(snapshots["Snapshots"]) == count // 4
    counts = server_process.control.request_counts()
    assert counts["neptune"]["CopyDBClusterSnapshot"] == count // 4
