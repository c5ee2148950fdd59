"""Fleet scale: N concurrent `Ec2MultiVolumeSnapshot` creates through the real provider host,
under EC2's documented token buckets in the fake AWS, each snapshot held pending about 5 s.

`python3 tasks.py bench fleet` (or `python -m bench.fleet [N ...]`) prints, side by side from
one run, for N = 1, 64, 200 and 500 and for botocore's standard and adaptive retry modes: wall
time against one create and against the time the buckets alone need to admit N creates plus
one hold, failed creates, throttling errors, status calls per poll round and the host's peak
RSS; then the median and p99 of check+diff for 500 resources, which is what a preview of such
a stack costs.
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from pulumi.dynamic.dynamic import serialize_provider

from pulumi_snapshots.engine.polling import STATS_ENV
from pulumi_snapshots.engine.provider import NAME_KEY, OWNER_KEY, SnapshotProvider
from pulumi_snapshots.testing import FakeAwsServer
from pulumi_snapshots.testing.host import PROVIDER_KEY, ProviderHost, urn_for

REGION = "us-east-1"
EC2 = "pulumi_snapshots.ec2:SPEC"
TYPE = "Ec2MultiVolumeSnapshot"
SIZES = (1, 64, 200, 500)
MODES = ("standard", "adaptive")
HOLD_SECONDS = 5.0
POLL_SECONDS = "1"
CREATE_BUCKET = (100.0, 5.0)
"""EC2's CreateSnapshots bucket: capacity and refill per second (the fake's EC2 figures)."""


_provider: list[str] = []


def provider_props(props: dict[str, Any]) -> dict[str, Any]:
    """`props` with the provider serialised once for the whole run: the SDK's serializer wraps
    the pickler again on every call, and a thousand calls in one process exhaust the stack."""
    if not _provider:
        _provider.append(serialize_provider(SnapshotProvider(EC2)))
    return {**props, PROVIDER_KEY: _provider[0]}


@dataclass
class Run:
    n: int
    mode: str
    wall: float
    failed: int
    throttled: int
    calls_per_round: float
    peak_rss_mb: float


def bucket_bound(n: int) -> float:
    """Seconds the CreateSnapshots bucket alone needs to admit `n` creates, plus one hold."""
    capacity, refill = CREATE_BUCKET
    return max(0.0, n - capacity) / refill + HOLD_SECONDS


def peak_rss_mb(host: ProviderHost) -> float:
    assert host.pid is not None
    status = Path(f"/proc/{host.pid}/status").read_text()
    found = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(found.group(1)) / 1024 if found else float("nan")


def fleet(server: FakeAwsServer, instances: Sequence[str], mode: str, tag: str) -> Run:
    """Create one set per instance at once, through a new host, and delete them."""
    control = server.control
    control.reset()
    control.rate_limit("ec2")
    control.hold("ec2", match="*", seconds=HOLD_SECONDS)
    env = server.environment(PULUMI_SNAPSHOTS_POLL_SECONDS=POLL_SECONDS, **{STATS_ENV: "1"})
    config = {"aws:region": REGION, "aws:retryMode": mode}
    with ProviderHost(env=env, config=config) as host:
        checked = []
        for i, instance in enumerate(instances):
            name = f"{tag}-{i:04d}"
            urn = urn_for(TYPE, name)
            props = provider_props(
                {NAME_KEY: name, OWNER_KEY: f"bench/fleet/{name}", "instance_id": instance}
            )
            inputs, failures = host.check(urn, {}, props)
            assert failures == [], failures
            checked.append((urn, inputs))

        def create(item: tuple[str, dict[str, Any]]) -> tuple[str, str, dict[str, Any]] | None:
            urn, inputs = item
            try:
                id_, outs = host.create(urn, inputs)
            except grpc.RpcError as exc:
                print(f"  create failed: {str(exc.details()).splitlines()[-1]}", flush=True)  # type: ignore[attr-defined]
                return None
            return urn, id_, outs

        started = time.perf_counter()
        with ThreadPoolExecutor(max(len(checked), 1)) as pool:
            made = list(pool.map(create, checked))
        wall = time.perf_counter() - started
        rss = peak_rss_mb(host)
        rounds = [
            int(m.group(1))
            for line in host.output
            if (m := re.search(r"poll round \d+ of \w+ in [\w-]+: (\d+) status calls", line))
        ]
        errors = control.error_counts().get("ec2", {})
        throttled = sum(codes.get("RequestLimitExceeded", 0) for codes in errors.values())
        control.clear_rate_limits()
        for item in made:
            if item is not None:
                host.delete(item[0], item[1], item[2])
    return Run(
        n=len(instances),
        mode=mode,
        wall=wall,
        failed=sum(1 for item in made if item is None),
        throttled=throttled,
        calls_per_round=max(rounds) if rounds else float("nan"),
        peak_rss_mb=rss,
    )


def preview_cost(server: FakeAwsServer, instances: Sequence[str]) -> tuple[float, float]:
    """Median and p99 (ms) of check then diff of each of 500 resources, through the host."""
    env = server.environment(PULUMI_SNAPSHOTS_POLL_SECONDS=POLL_SECONDS)
    timings: list[float] = []
    with ProviderHost(env=env, config={"aws:region": REGION}) as host:
        for i, instance in enumerate(instances):
            name = f"preview-{i:04d}"
            urn = urn_for(TYPE, name)
            props = provider_props({NAME_KEY: name, "instance_id": instance, "tags": {"a": "1"}})
            olds = {**props, "snapshot_ids": ["snap-0123456789abcdef0"], "region": REGION}
            started = time.perf_counter()
            inputs, _ = host.check(urn, props, props)
            host.diff(urn, "snap-0123456789abcdef0", olds, inputs)
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.99) - 1]


def main(argv: Sequence[str] | None = None) -> None:
    sizes = tuple(int(a) for a in (argv if argv is not None else sys.argv[1:])) or SIZES
    with FakeAwsServer() as server:
        ec2 = server.client("ec2", REGION)
        instances: list[str] = []
        while len(instances) < max(sizes):
            count = min(100, max(sizes) - len(instances))
            made = ec2.run_instances(ImageId="ami-12c6146b", MinCount=count, MaxCount=count)
            instances += [i["InstanceId"] for i in made["Instances"]]
        runs: list[Run] = []
        for mode in MODES:
            for n in sizes:
                print(f"fleet of {n}, retry mode {mode} ...", flush=True)
                runs.append(fleet(server, instances[:n], mode, f"{mode}-{n}"))
        median, p99 = preview_cost(server, instances[:500])
    print()
    header = (
        "mode",
        "N",
        "wall s",
        "vs one",
        "bucket bound s",
        "vs bound",
        "failed",
        "throttled",
        "calls/round",
        "host peak RSS MB",
    )
    rows = [header]
    for run in runs:
        one = next(r for r in runs if r.mode == run.mode and r.n == min(sizes))
        rows.append(
            (
                run.mode,
                str(run.n),
                f"{run.wall:.1f}",
                f"{run.wall / one.wall:.2f}x",
                f"{bucket_bound(run.n):.1f}",
                f"{run.wall / bucket_bound(run.n):.2f}x",
                str(run.failed),
                str(run.throttled),
                f"{run.calls_per_round:g}",
                f"{run.peak_rss_mb:.0f}",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for row in rows:
        print("  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)))
    print(f"\ncheck+diff per resource, 500 resources: median {median:.1f} ms, p99 {p99:.1f} ms")


if __name__ == "__main__":
    main()
