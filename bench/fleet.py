"""Fleets under token buckets: N concurrent creates of each of the five resources through the
real provider host, against the fake AWS, each snapshot held pending a few seconds.

`python3 tasks.py bench fleet` prints the matrix, side by side from one run: every resource, for
N = 64, 200 and 500, under two bucket profiles:

- `documented`: EC2's documented buckets (CreateSnapshots 100 tokens refilled at 5 a second,
  DescribeSnapshots 100 at 20), and for the services that publish none, 100 at 20 for reads
  and 50 at 5 for the rest;
- `tight-reads`: the create action and the tag writes 50 at 10 a second, and every read 20 at 5
  a second: describes are scarcer than creates, so reads made per create, rather than per round,
  would queue behind the bucket and slow the fleet.

For each run: wall time against the bucket bound (the time the create bucket alone needs to
admit N creates, plus one hold), failed creates, throttling errors, calls per create (every
call of the service and of STS during the creates, divided by N; the reads among them apart),
the most status calls of one poll round, and the CPU per create that the provider host and the
fake each used while the creates ran (from Linux's `/proc`). `bench fleet RESOURCE... N...` runs
a part, such as `bench fleet neptune 200`.

Then, with no buckets, one create alone and 64 at once, in turn three times (the ratio printed
is the median of the three pairs), for the cost of concurrency itself, twice: with a hold of
3 s, a whole number of poll intervals (1 s), and of 3.5 s. Each wait keeps its own schedule
from its create, and a round waits for the last create due within half an interval
(`polling.next_round`), so the 64 are read when the last of them is due, as the one alone is.
What 64 cost beyond one is the time to start and finish 64: the fake serves one request at a
time, and the host runs them in one process. After each ratio, a line gives what the 64 add to
one in wall time and in each process's CPU (medians of the pairs): the process whose added CPU
is about the added wall time is the one the fleet waits on. With the second hold, every create
waits half an interval past its snapshot's readiness, as it does on average when AWS takes
however long it takes.
"""

from __future__ import annotations

import math
import os
import re
import statistics
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import grpc
from pulumi.dynamic.dynamic import serialize_provider

from pulumi_snapshots.engine.polling import STATS_ENV
from pulumi_snapshots.engine.provider import NAME_KEY, OWNER_KEY, SnapshotProvider
from pulumi_snapshots.errors import THROTTLING_CODES
from pulumi_snapshots.testing import FakeAwsServer, ServerProcess
from pulumi_snapshots.testing.host import PROVIDER_KEY, ProviderHost, urn_for

Fake = FakeAwsServer | ServerProcess
"""The fake AWS, in this process or in one of its own (as the fleets run it: the bench's own
work, sending creates and reading their answers, then takes nothing from the fake's)."""

REGION = "us-east-1"
SIZES = (64, 200, 500)
HOLD_SECONDS = 3.0
OFF_GRID_HOLD_SECONDS = 3.5
POLL_SECONDS = "1"
PROFILES = ("documented", "tight-reads")
PAIRS = 3
"""Runs of one create and of 64, in turn, with no buckets: the ratio is their median."""
TIGHT_CREATES = (50.0, 10.0)
TIGHT_READS = (20.0, 5.0)
DEFAULT_CREATES = {"ec2": (100.0, 5.0)}
"""The create bucket of the documented profile where it is not the services' default 50 at 5."""
READ_PREFIXES = ("Describe", "Get", "List")
MODEL_LOAD_SECONDS = 0.5
"""The pause between the checks and the creates: longer than the host takes to load a service's
botocore models (0.1-0.2 s for EC2's)."""


@dataclass(frozen=True)
class Kind:
    """One resource as the fleet makes it."""

    key: str
    type_name: str
    spec: str
    service: str
    create_action: str
    props: Callable[[int, Sequence[str]], dict[str, Any]]
    """The inputs of resource `i`, given what `seed` made."""
    seed: Callable[[Fake, int], list[str]]


def _ec2_seed(server: Fake, n: int) -> list[str]:
    ec2 = server.client("ec2", REGION)
    found: list[str] = []
    while len(found) < n:
        count = min(100, n - len(found))
        made = ec2.run_instances(ImageId="ami-12c6146b", MinCount=count, MaxCount=count)
        found += [i["InstanceId"] for i in made["Instances"]]
    return found


def _lightsail_seed(server: Fake, _n: int) -> list[str]:
    api = server.client("lightsail", REGION)
    api.create_instances(
        instanceNames=["fleet-web"],
        availabilityZone=f"{REGION}a",
        blueprintId="ubuntu_22_04",
        bundleId="nano_3_0",
    )
    api.create_instance_snapshot(instanceName="fleet-web", instanceSnapshotName="fleet-web-snap")
    return ["fleet-web-snap"]


def _database_seed(server: Fake, n: int) -> list[str]:
    api = server.client("lightsail", REGION)
    names = [f"fleet-db-{i // 50:02d}" for i in range(0, n, 50)]
    for name in names:
        api.create_relational_database(
            relationalDatabaseName=name,
            relationalDatabaseBlueprintId="mysql_8_0",
            relationalDatabaseBundleId="micro_2_0",
            masterDatabaseName="app",
            masterUsername="admin",
        )
    return names


def _elasticache_seed(server: Fake, _n: int) -> list[str]:
    api = server.client("elasticache", REGION)
    api.create_cache_cluster(
        CacheClusterId="fleet-cache",
        Engine="redis",
        CacheNodeType="cache.t3.micro",
        NumCacheNodes=1,
    )
    api.create_snapshot(CacheClusterId="fleet-cache", SnapshotName="fleet-cache-nightly")
    return ["fleet-cache-nightly"]


def _neptune_seed(server: Fake, _n: int) -> list[str]:
    api = server.client("neptune", REGION)
    api.create_db_cluster(DBClusterIdentifier="fleet-graph", Engine="neptune")
    api.create_db_cluster_snapshot(
        DBClusterIdentifier="fleet-graph", DBClusterSnapshotIdentifier="fleet-graph-nightly"
    )
    return ["fleet-graph-nightly"]


KINDS = (
    Kind(
        "ec2",
        "Ec2MultiVolumeSnapshot",
        "pulumi_snapshots.ec2:SPEC",
        "ec2",
        "CreateSnapshots",
        lambda i, seeded: {"instance_id": seeded[i]},
        _ec2_seed,
    ),
    Kind(
        "lightsail-copy",
        "LightsailSnapshotCopy",
        "pulumi_snapshots.lightsail:COPY_SPEC",
        "lightsail",
        "CopySnapshot",
        lambda i, seeded: {"source_snapshot_name": seeded[0], "source_region": REGION},
        _lightsail_seed,
    ),
    Kind(
        "lightsail-database",
        "LightsailDatabaseSnapshot",
        "pulumi_snapshots.lightsail:DATABASE_SPEC",
        "lightsail",
        "CreateRelationalDatabaseSnapshot",
        lambda i, seeded: {"relational_database_name": seeded[i // 50]},
        _database_seed,
    ),
    Kind(
        "elasticache",
        "ElastiCacheSnapshotCopy",
        "pulumi_snapshots.elasticache:SPEC",
        "elasticache",
        "CopySnapshot",
        lambda i, seeded: {"source_snapshot_name": seeded[0]},
        _elasticache_seed,
    ),
    Kind(
        "neptune",
        "NeptuneClusterSnapshotCopy",
        "pulumi_snapshots.neptune:SPEC",
        "neptune",
        "CopyDBClusterSnapshot",
        lambda i, seeded: {"source_db_cluster_snapshot_identifier": seeded[0]},
        _neptune_seed,
    ),
)


@dataclass
class Run:
    kind: str
    profile: str
    hold: float
    n: int
    wall: float
    bound: float
    failed: int
    throttled: int
    calls_per_create: float
    reads_per_create: float
    calls_per_round: float
    host_cpu: float = math.nan
    """CPU seconds the provider host used while the creates ran (NaN where /proc cannot say)."""
    fake_cpu: float = math.nan
    """The same for the fake's process (NaN when the fake runs in this process)."""


def cpu_seconds(pid: int | None) -> float:
    """The CPU time (user and system) process `pid` has used, from Linux's `/proc`; NaN where
    that cannot be read. Its unit is the kernel's tick (10 ms on most systems): enough for the
    tenths of a second a fleet of 64 costs."""
    if pid is None:
        return math.nan
    try:
        with open(f"/proc/{pid}/stat") as stat:
            # The fields after the command's name, which is in parentheses and may hold spaces.
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return math.nan


_providers: dict[str, str] = {}


def provider_props(spec: str, props: dict[str, Any]) -> dict[str, Any]:
    """`props` with the provider serialised once per kind: the SDK's serializer wraps the
    pickler again on every call, and a thousand calls in one process exhaust the stack."""
    if spec not in _providers:
        _providers[spec] = serialize_provider(SnapshotProvider(spec))
    return {**props, PROVIDER_KEY: _providers[spec]}


def create_bucket(kind: Kind, profile: str | None) -> tuple[float, float] | None:
    if profile is None:
        return None
    if profile == "tight-reads":
        return TIGHT_CREATES
    return DEFAULT_CREATES.get(kind.service, (50.0, 5.0))


def bucket_bound(n: int, bucket: tuple[float, float] | None) -> float:
    """Seconds the create bucket alone needs to admit `n` creates, plus one hold."""
    if bucket is None:
        return HOLD_SECONDS
    capacity, refill = bucket
    return max(0.0, n - capacity) / refill + HOLD_SECONDS


def limit(server: Fake, kind: Kind, profile: str | None) -> None:
    control = server.control
    if profile is None:
        return
    for service in (kind.service, "sts"):
        control.rate_limit(service)
    if profile == "tight-reads":
        capacity, refill = TIGHT_CREATES
        # Tag writes are changes too: they get the create's figures.
        for action in (kind.create_action, TAG_WRITES[kind.service]):
            control.rate_limit(kind.service, action, capacity=capacity, refill=refill)
        for action in READS[kind.service]:
            capacity, refill = TIGHT_READS
            control.rate_limit(kind.service, action, capacity=capacity, refill=refill)


TAG_WRITES: Mapping[str, str] = {
    "ec2": "CreateTags",
    "lightsail": "TagResource",
    "elasticache": "AddTagsToResource",
    "neptune": "AddTagsToResource",
}

READS: Mapping[str, tuple[str, ...]] = {
    "ec2": ("DescribeSnapshots", "DescribeInstances", "DescribeVolumes"),
    "lightsail": (
        "GetInstanceSnapshots",
        "GetInstanceSnapshot",
        "GetRelationalDatabaseSnapshots",
        "GetRelationalDatabaseSnapshot",
        "GetDiskSnapshots",
        "GetDiskSnapshot",
    ),
    "elasticache": ("DescribeSnapshots", "ListTagsForResource"),
    "neptune": ("DescribeDBClusterSnapshots", "ListTagsForResource"),
}


def fleet(
    server: Fake,
    kind: Kind,
    seeded: Sequence[str],
    n: int,
    profile: str | None,
    hold: float = HOLD_SECONDS,
    retry_mode: str | None = None,
) -> Run:
    """Create `n` at once through a new host, count, then delete them."""
    control = server.control
    control.reset()
    control.hold(kind.service, match="*", seconds=hold)
    env = server.environment(PULUMI_SNAPSHOTS_POLL_SECONDS=POLL_SECONDS, **{STATS_ENV: "1"})
    tag = profile or "unthrottled"
    config = {"aws:region": REGION, **({"aws:retryMode": retry_mode} if retry_mode else {})}
    with ProviderHost(env=env, config=config) as host:
        checked = []
        for i in range(n):
            name = f"fleet-{tag}-{hold:g}-{n}-{i:04d}".replace(".", "-")
            urn = urn_for(kind.type_name, name)
            props = provider_props(
                kind.spec,
                {NAME_KEY: name, OWNER_KEY: f"bench/fleet/{name}", **kind.props(i, seeded)},
            )
            inputs, failures = host.check(urn, {}, props)
            assert failures == [], failures
            checked.append((urn, inputs))
        limit(server, kind, profile)
        # The checks started loading botocore's models in the host (`aws.prepare`); as in a
        # stack whose snapshots wait for their sources, the creates come after that load, in
        # the one-create runs as in the fleets.
        time.sleep(MODEL_LOAD_SECONDS)

        requests = [(urn, host.create_request(urn, inputs)) for urn, inputs in checked]
        # The engine sends its creates at once; so does the bench: every request is serialised
        # and every thread is waiting before the clock starts.
        ready = threading.Barrier(len(requests) + 1)

        def create(item: tuple[str, Any]) -> tuple[str, str, dict[str, Any]] | None:
            urn, request = item
            ready.wait()
            try:
                id_, outs = host.create(urn, request)
            except grpc.RpcError as exc:
                print(f"  create failed: {str(exc.details()).splitlines()[-1]}", flush=True)  # type: ignore[attr-defined]
                return None
            return urn, id_, outs

        fake_pid = server.process.pid if isinstance(server, ServerProcess) else None
        with ThreadPoolExecutor(max(n, 1)) as pool:
            futures = [pool.submit(create, item) for item in requests]
            cpu_before = cpu_seconds(host.pid), cpu_seconds(fake_pid)
            ready.wait()
            started = time.perf_counter()
            made = [future.result() for future in futures]
            wall = time.perf_counter() - started
            cpu_after = cpu_seconds(host.pid), cpu_seconds(fake_pid)
        counts = control.request_counts()
        errors = control.error_counts()
        control.clear_rate_limits()
        rounds = [
            int(m.group(1))
            for line in host.output
            if (m := re.search(r"poll round \d+ of \w+ in [\w-]+: (\d+) status calls", line))
        ]
        for item in made:
            if item is not None:
                host.delete(item[0], item[1], item[2])
    calls = counts.get(kind.service, {})
    total = sum(calls.values()) + sum(counts.get("sts", {}).values())
    reads = sum(c for action, c in calls.items() if action.startswith(READ_PREFIXES))
    throttled = sum(
        count
        for service in (kind.service, "sts")
        for codes in errors.get(service, {}).values()
        for code, count in codes.items()
        if code in THROTTLING_CODES
    )
    return Run(
        kind=kind.key,
        profile=tag,
        hold=hold,
        n=n,
        wall=wall,
        bound=bucket_bound(n, create_bucket(kind, profile)) - HOLD_SECONDS + hold,
        failed=sum(1 for item in made if item is None),
        throttled=throttled,
        calls_per_create=total / n,
        reads_per_create=reads / n,
        calls_per_round=max(rounds) if rounds else float("nan"),
        host_cpu=cpu_after[0] - cpu_before[0],
        fake_cpu=cpu_after[1] - cpu_before[1],
    )


def extra_cost(pairs: Sequence[tuple[Run, Run]]) -> str:
    """What 64 creates add to one, in wall time and in each process's CPU: the medians over
    `pairs` (one create, 64 creates). Where the wall time added is about the host's CPU added,
    the fleet waits on the host, whose work runs in one process, one thread at a time."""

    def added(field: str) -> float:
        return float(
            statistics.median(getattr(many, field) - getattr(one, field) for one, many in pairs)
        )

    return (
        f"64 add {added('wall'):.2f} s of wall time to one; over them the provider host uses"
        f" {added('host_cpu'):.2f} s more CPU and the fake {added('fake_cpu'):.2f} s more"
    )


def modes(kinds: Sequence[Kind], sizes: Sequence[int]) -> None:
    """botocore's standard and adaptive retry modes side by side under the documented buckets
    (`bench fleet modes [RESOURCE...] [N ...]`, default EC2 and 500), for the choice of the
    default mode."""
    rows = [("resource", "mode", "N", "wall s", "vs bound", "failed", "throttled", "calls/create")]
    with ServerProcess.start() as server:
        for kind in kinds:
            seeded = kind.seed(server, max(sizes))
            for n in sizes:
                for mode in ("standard", "adaptive"):
                    print(f"{kind.key}: {n} creates, retry mode {mode} ...", flush=True)
                    run = fleet(server, kind, seeded, n, "documented", retry_mode=mode)
                    rows.append(
                        (
                            kind.key,
                            mode,
                            str(n),
                            f"{run.wall:.1f}",
                            f"{run.wall / run.bound:.2f}x",
                            str(run.failed),
                            str(run.throttled),
                            f"{run.calls_per_create:.2f}",
                        )
                    )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)))


def main(argv: Sequence[str] | None = None) -> None:
    args = list(argv if argv is not None else sys.argv[1:])
    if args[:1] == ["modes"]:
        kinds = [k for k in KINDS if k.key in args] or [KINDS[0]]
        modes(kinds, tuple(int(a) for a in args if a.isdigit()) or (500,))
        return
    chosen = [k for k in KINDS if k.key in args] or list(KINDS)
    sizes = tuple(int(a) for a in args if a.isdigit()) or SIZES
    runs: list[Run] = []
    with ServerProcess.start() as server:
        for kind in chosen:
            seeded = kind.seed(server, max(sizes))
            for profile in PROFILES:
                for n in sizes:
                    print(f"{kind.key}: {n} creates, {profile} buckets ...", flush=True)
                    runs.append(fleet(server, kind, seeded, n, profile))
            for hold in (HOLD_SECONDS, OFF_GRID_HOLD_SECONDS):
                # Pairs in turn, so that what disturbs one run (the machine's other work) falls
                # on both sizes alike.
                for pair in range(PAIRS):
                    for n in (1, 64):
                        print(
                            f"{kind.key}: {n} creates, no buckets, hold {hold:g} s"
                            f" (pair {pair + 1} of {PAIRS}) ...",
                            flush=True,
                        )
                        runs.append(fleet(server, kind, seeded, n, None, hold))
    print()
    header = (
        "resource",
        "buckets",
        "hold s",
        "N",
        "wall s",
        "bound s",
        "vs bound",
        "failed",
        "throttled",
        "calls/create",
        "reads/create",
        "calls/round",
        "host cpu ms/create",
        "fake cpu ms/create",
    )
    rows = [header]
    for run in runs:
        rows.append(
            (
                run.kind,
                run.profile,
                f"{run.hold:g}",
                str(run.n),
                f"{run.wall:.1f}",
                f"{run.bound:.1f}",
                f"{run.wall / run.bound:.2f}x",
                str(run.failed),
                str(run.throttled),
                f"{run.calls_per_create:.2f}",
                f"{run.reads_per_create:.2f}",
                f"{run.calls_per_round:g}",
                f"{run.host_cpu / run.n * 1000:.1f}",
                f"{run.fake_cpu / run.n * 1000:.1f}",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for row in rows:
        print("  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)))
    for kind in chosen:
        for hold in (HOLD_SECONDS, OFF_GRID_HOLD_SECONDS):
            alone = [
                r
                for r in runs
                if r.kind == kind.key and r.profile == "unthrottled" and r.hold == hold
            ]
            pairs = [
                (one, many)
                for one, many in zip(alone[::2], alone[1::2], strict=True)
                if (one.n, many.n) == (1, 64)
            ]
            ratios = sorted(many.wall / one.wall for one, many in pairs)
            if ratios:
                print(
                    f"{kind.key}: 64 unthrottled creates take {statistics.median(ratios):.2f}x"
                    f" one create, median of {len(ratios)} pairs ({ratios[0]:.2f}x to"
                    f" {ratios[-1]:.2f}x; hold {hold:g} s, poll interval {POLL_SECONDS} s)"
                )
                print(f"  {extra_cost(pairs)}")


if __name__ == "__main__":
    main()
