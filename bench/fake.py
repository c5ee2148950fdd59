"""The fake AWS's cost per request: this checkout's server against an earlier commit's.

`python3 tasks.py bench fake [REV]` starts the fake server of this checkout and that of REV
(default `BASELINE`, the last commit whose fake ran on werkzeug's server and moto's Flask apps)
as two processes, seeds both alike, and sends each the requests a fleet of creates makes, one
at a time, in alternating turns of `REQUESTS`. It prints, per request, the server process's CPU
(from `/proc`, so on Linux) and the client's wall time: the medians of `TURNS` turns, and their
ratio. Every fleet request runs under the fake's one lock, so its CPU per request is what a
fleet's start and end queue behind.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import fleet
from pulumi_snapshots.testing.environment import fake_client
from pulumi_snapshots.testing.server import ENDPOINT_LINE_PREFIX

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "553c91e"
"""The last commit whose fake served HTTP with werkzeug and dispatched through Flask."""
REGION = "us-east-1"
REQUESTS = 200
TURNS = 5
COPIES = 64


@contextmanager
def _tree(rev: str) -> Iterator[Path]:
    """A checkout of `rev` beside this one, removed afterwards."""
    with tempfile.TemporaryDirectory() as parent:
        tree = Path(parent) / "tree"
        subprocess.run(
            ["git", "worktree", "add", "--detach", "-q", str(tree), rev], cwd=ROOT, check=True
        )
        try:
            yield tree
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT)


@contextmanager
def _server(tree: Path) -> Iterator[tuple[int, str]]:
    """The fake server of `tree`: its process id and endpoint."""
    process = subprocess.Popen(
        [sys.executable, "-m", "pulumi_snapshots.testing.server", "--port", "0"],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        stdout=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith(ENDPOINT_LINE_PREFIX):
            raise RuntimeError(f"the fake of {tree} did not start: {line!r}")
        yield process.pid, line[len(ENDPOINT_LINE_PREFIX) :].strip()
    finally:
        process.terminate()
        process.wait(30)


@dataclass
class _Fake:
    """A fake at `endpoint`, as the fleet benchmark's seeds take one."""

    endpoint: str

    def client(self, service: str, region: str = REGION) -> Any:
        return fake_client(service, region, self.endpoint)


def _requests(endpoint: str) -> Mapping[str, Callable[[int], Any]]:
    """Seed the fake at `endpoint` as the fleet benchmark does; the fleet's requests to it."""
    fake = _Fake(endpoint)
    (source,) = fleet._neptune_seed(fake, 1)
    neptune = fake.client("neptune")
    copies = [f"copy-{i:02d}" for i in range(COPIES)]
    for copy in copies:
        neptune.copy_db_cluster_snapshot(
            SourceDBClusterSnapshotIdentifier=source, TargetDBClusterSnapshotIdentifier=copy
        )
    arn = neptune.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=copies[0])[
        "DBClusterSnapshots"
    ][0]["DBClusterSnapshotArn"]
    lightsail = fake.client("lightsail")
    (snap,) = fleet._lightsail_seed(fake, 1)
    ec2 = fake.client("ec2")
    volume = ec2.create_volume(AvailabilityZone=f"{REGION}a", Size=1)["VolumeId"]
    snapshot = ec2.create_snapshot(VolumeId=volume)["SnapshotId"]
    sts = fake.client("sts")

    def tag(i: int) -> list[dict[str, str]]:
        return [{"Key": "pulumi-snapshots:owner", "Value": f"bench/fleet/{i % 5} done"}]

    return {
        "STS GetCallerIdentity": lambda i: sts.get_caller_identity(),
        "EC2 CreateTags": lambda i: ec2.create_tags(Resources=[snapshot], Tags=tag(i)),
        "Lightsail TagResource": lambda i: lightsail.tag_resource(
            resourceName=snap, tags=[{"key": t["Key"], "value": t["Value"]} for t in tag(i)]
        ),
        "Neptune AddTagsToResource": lambda i: neptune.add_tags_to_resource(
            ResourceName=arn, Tags=tag(i)
        ),
        "Neptune read of one snapshot": lambda i: neptune.describe_db_cluster_snapshots(
            DBClusterSnapshotIdentifier=copies[i % COPIES]
        ),
        f"Neptune round of {COPIES}": lambda i: neptune.describe_db_cluster_snapshots(
            Filters=[{"Name": "db-cluster-snapshot-id", "Values": copies}]
        ),
    }


def _medians(samples: list[tuple[float, float]]) -> tuple[float, float]:
    return (
        statistics.median(cpu for cpu, _ in samples),
        statistics.median(wall for _, wall in samples),
    )


def main(args: list[str]) -> None:
    rev = args[0] if args else BASELINE
    labels = ("this checkout", rev)
    with _tree(rev) as old, _server(ROOT) as ours, _server(old) as theirs:
        servers = {
            labels[0]: (ours[0], _requests(ours[1])),
            labels[1]: (theirs[0], _requests(theirs[1])),
        }
        samples: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for _ in range(TURNS):
            for label, (pid, requests) in servers.items():
                for name, request in requests.items():
                    request(0)
                    cpu, wall = fleet.cpu_seconds(pid), time.perf_counter()
                    for i in range(REQUESTS):
                        request(i)
                    cpu, wall = fleet.cpu_seconds(pid) - cpu, time.perf_counter() - wall
                    samples.setdefault((name, label), []).append(
                        (cpu / REQUESTS * 1000, wall / REQUESTS * 1000)
                    )
    print(
        f"fake server per request, {REQUESTS} at a time, median of {TURNS} turns: "
        f"{labels[0]} / {rev}"
    )
    width = max(len(name) for name, _ in samples)
    for name in servers[labels[0]][1]:
        ours_cpu, ours_wall = _medians(samples[(name, labels[0])])
        old_cpu, old_wall = _medians(samples[(name, labels[1])])
        print(
            f"  {name.ljust(width)}  CPU {ours_cpu:5.2f} / {old_cpu:5.2f} ms "
            f"({ours_cpu / old_cpu:.2f}x)   wall {ours_wall:5.2f} / {old_wall:5.2f} ms "
            f"({ours_wall / old_wall:.2f}x)",
            flush=True,
        )
