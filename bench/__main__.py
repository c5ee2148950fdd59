"""Print the benchmark figures, each measured side by side in this one run.

Everything runs against the embedded fake AWS server on 127.0.0.1 and, for the provider,
through the real provider host (`python -m pulumi.dynamic`), as `pulumi up` would.
Figures are ratios where they compare; machines are shared and noisy, so read them as such.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from functools import partial
from typing import Any

from pulumi_snapshots.engine.provider import NAME_KEY, SnapshotProvider
from pulumi_snapshots.testing import FakeAwsServer
from pulumi_snapshots.testing.host import ProviderHost, provider_props, urn_for

REGION = "us-east-1"
CONCURRENT = 16
HOLD_SECONDS = 2.0
POLL_SECONDS = "0.05"
NEPTUNE = "pulumi_snapshots.neptune:SPEC"


def main() -> None:
    if sys.argv[1:2] == ["fleet"]:
        from bench import fleet

        fleet.main(sys.argv[2:])
        return
    if sys.argv[1:2] == ["native"]:
        from bench import native

        native.main(sys.argv[2:])
        return
    if sys.argv[1:2] == ["fake"]:
        from bench import fake

        fake.main(sys.argv[2:])
        return
    if sys.argv[1:2] == ["parallel"]:
        from bench import parallel

        parallel.main(sys.argv[2:])
        return
    with ExitStack() as stack:
        server = stack.enter_context(FakeAwsServer())
        env = server.environment(PULUMI_SNAPSHOTS_POLL_SECONDS=POLL_SECONDS)
        host = stack.enter_context(ProviderHost(env=env, config={"aws:region": REGION}))
        narrow = stack.enter_context(
            ProviderHost(
                env={**env, "PULUMI_SNAPSHOTS_HOST_THREADS": "0"}, config={"aws:region": REGION}
            )
        )
        bench = Bench(server, host)
        bench.seed()
        rows: list[tuple[str, str, str]] = []
        rows += bench.lifecycle_against_boto3()
        rows += bench.concurrency(narrow)
        rows += bench.shared_polling()
        rows += bench.check_and_diff()
        rows += bench.provider_size()
        rows += import_time()
        print_table(rows)


class Bench:
    """The measurements, sharing one fake server and one provider host."""

    def __init__(self, server: FakeAwsServer, host: ProviderHost) -> None:
        self.server = server
        self.host = host
        self.counter = 0

    def seed(self) -> None:
        neptune = self.server.client("neptune", REGION)
        neptune.create_db_cluster(DBClusterIdentifier="bench", Engine="neptune")
        neptune.create_db_cluster_snapshot(
            DBClusterIdentifier="bench", DBClusterSnapshotIdentifier="bench-source"
        )

    def name(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}-{self.counter:04d}"

    def create(self, host: ProviderHost, name: str) -> tuple[str, str, dict[str, Any]]:
        urn = urn_for("NeptuneClusterSnapshotCopy", name)
        props = provider_props(
            SnapshotProvider(NEPTUNE),
            {
                NAME_KEY: name,
                "source_db_cluster_snapshot_identifier": "bench-source",
                "target_db_cluster_snapshot_identifier": name,
            },
        )
        inputs, _ = host.check(urn, {}, props)
        id_, outs = host.create(urn, inputs)
        return urn, id_, outs

    def lifecycle_against_boto3(self) -> list[tuple[str, str, str]]:
        """Create (with its wait), read and delete: provider through the host vs raw boto3."""
        neptune = self.server.client("neptune", REGION)
        phases: dict[str, list[float]] = {k: [] for k in ("create", "read", "delete")}
        raw: dict[str, list[float]] = {k: [] for k in ("create", "read", "delete")}
        for _ in range(15):
            name = self.name("life")
            started = time.perf_counter()
            urn, id_, outs = self.create(self.host, name)
            phases["create"].append(time.perf_counter() - started)
            phases["read"].append(timed(partial(self.host.read, urn, id_, outs)))
            phases["delete"].append(timed(partial(self.host.delete, urn, id_, outs)))

            raw_name = self.name("raw")
            raw["create"].append(timed(partial(raw_create, neptune, raw_name)))
            raw["read"].append(timed(partial(raw_read, neptune, raw_name)))
            raw["delete"].append(timed(partial(raw_delete, neptune, raw_name)))
        return [
            (
                f"{phase} latency, provider via host / raw boto3",
                f"{ratio(phases[phase], raw[phase]):.2f}x",
                f"median {ms(phases[phase])} vs {ms(raw[phase])}",
            )
            for phase in phases
        ]

    def concurrency(self, narrow: ProviderHost) -> list[tuple[str, str, str]]:
        """16 creates each held pending for HOLD_SECONDS, against one; and check latency."""
        control = self.server.control
        rows: list[tuple[str, str, str]] = []
        control.hold("neptune", match="conc-*", seconds=HOLD_SECONDS)
        single = timed(lambda: self.create(self.host, self.name("conc")))
        many, check_ms = self.parallel(self.host, "conc")
        rows.append(
            (
                f"{CONCURRENT} concurrent creates / 1 create",
                f"{many / single:.2f}x",
                f"{many:.2f}s vs {single:.2f}s, {HOLD_SECONDS:g}s pending each (target <= 1.5x)",
            )
        )
        rows.append(
            (
                f"check latency during {CONCURRENT} waiting creates",
                f"{check_ms:.1f} ms",
                "target < 100 ms",
            )
        )
        control.hold("neptune", match="narrow-*", seconds=HOLD_SECONDS)
        narrow_many, narrow_check = self.parallel(narrow, "narrow")
        rows.append(
            (
                "  same, host left at 4 threads (PULUMI_SNAPSHOTS_HOST_THREADS=0)",
                f"{narrow_many / single:.2f}x",
                f"{narrow_many:.2f}s; check waited {narrow_check:.0f} ms",
            )
        )
        control.reset()
        return rows

    def parallel(self, host: ProviderHost, prefix: str) -> tuple[float, float]:
        """Wall time of CONCURRENT creates at once, and of a check made while they wait."""
        names = [self.name(prefix) for _ in range(CONCURRENT)]
        urn = urn_for("Ec2MultiVolumeSnapshot", "probe")
        props = provider_props(
            SnapshotProvider("pulumi_snapshots.ec2:SPEC"),
            {NAME_KEY: "probe", "instance_id": "i-12345678"},
        )
        with ThreadPoolExecutor(CONCURRENT) as pool:
            started = time.perf_counter()
            futures = [pool.submit(self.create, host, n) for n in names]
            time.sleep(HOLD_SECONDS / 4)
            check = timed(partial(host.check, urn, {}, props)) * 1000
            for future in futures:
                future.result()
            return time.perf_counter() - started, check

    def shared_polling(self) -> list[tuple[str, str, str]]:
        """Status calls: 16 concurrent waits against one, each held for the same reads."""
        control = self.server.control

        def describes() -> int:
            counts = control.request_counts().get("neptune", {})
            return int(counts.get("DescribeDBClusterSnapshots", 0))

        control.reset()
        control.hold("neptune", match="poll1-*", reads=8)
        self.create(self.host, self.name("poll1"))
        one = describes()
        control.reset()
        control.hold("neptune", match="poll16-*", reads=8)
        names = [self.name("poll16") for _ in range(CONCURRENT)]
        with ThreadPoolExecutor(CONCURRENT) as pool:
            list(pool.map(partial(self.create, self.host), names))
        many = describes()
        control.reset()
        return [
            (
                f"status calls, {CONCURRENT} waits / 1 wait",
                f"{many / one:.2f}x",
                f"{many} vs {one} DescribeDBClusterSnapshots, 8 pending reads each "
                f"(unshared: {CONCURRENT}x)",
            )
        ]

    def check_and_diff(self) -> list[tuple[str, str, str]]:
        """Median Check + Diff round trip through the host, per resource."""
        cases: dict[str, tuple[str, dict[str, Any]]] = {
            "Ec2MultiVolumeSnapshot": ("pulumi_snapshots.ec2:SPEC", {"instance_id": "i-12345678"}),
            "NeptuneClusterSnapshotCopy": (
                NEPTUNE,
                {"source_db_cluster_snapshot_identifier": "bench-source"},
            ),
            "LightsailSnapshotCopy": (
                "pulumi_snapshots.lightsail:COPY_SPEC",
                {"source_region": REGION, "source_snapshot_name": "web-manual"},
            ),
            "LightsailDatabaseSnapshot": (
                "pulumi_snapshots.lightsail:DATABASE_SPEC",
                {"relational_database_name": "orders"},
            ),
        }
        if has_module("pulumi_snapshots.elasticache"):
            cases["ElastiCacheSnapshotCopy"] = (
                "pulumi_snapshots.elasticache:SPEC",
                {"source_snapshot_name": "redis-nightly"},
            )
        rows = []
        for type_name, (ref, news) in cases.items():
            urn = urn_for(type_name, "probe")
            props = provider_props(SnapshotProvider(ref), {NAME_KEY: "probe", **news})
            inputs, _ = self.host.check(urn, {}, props)
            samples = []
            for _ in range(50):
                started = time.perf_counter()
                checked, _ = self.host.check(urn, inputs, {**props, "tags": {"k": "v"}})
                self.host.diff(urn, "probe", inputs, checked)
                samples.append(time.perf_counter() - started)
            rows.append((f"check+diff, {type_name}", ms(samples), "median of 50, via host"))
        return rows

    def provider_size(self) -> list[tuple[str, str, str]]:
        refs = ["ec2:SPEC", "neptune:SPEC", "lightsail:COPY_SPEC", "lightsail:DATABASE_SPEC"]
        if has_module("pulumi_snapshots.elasticache"):
            refs.append("elasticache:SPEC")
        sizes = {
            ref: len(provider_props(SnapshotProvider(f"pulumi_snapshots.{ref}"), {})["__provider"])
            for ref in refs
        }
        return [
            (
                "size of __provider in state",
                f"{max(sizes.values())} chars",
                ", ".join(f"{ref.split(':')[0]} {size}" for ref, size in sizes.items()),
            )
        ]


def import_time() -> list[tuple[str, str, str]]:
    """`import pulumi_snapshots` in a fresh interpreter, against `import pulumi` alone."""

    def measure(module: str) -> float:
        code = (
            f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
        )
        runs = [
            float(subprocess.check_output([sys.executable, "-c", code], text=True))
            for _ in range(5)
        ]
        return statistics.median(runs)

    ours, base = measure("pulumi_snapshots"), measure("pulumi")
    return [
        (
            "import time, pulumi_snapshots / pulumi",
            f"{ours / base:.2f}x",
            f"{ours * 1000:.0f} ms vs {base * 1000:.0f} ms (median of 5 fresh interpreters)",
        )
    ]


def raw_create(neptune: Any, name: str) -> None:
    """What the provider's create does, in plain boto3: copy, wait, read tags."""
    neptune.copy_db_cluster_snapshot(
        SourceDBClusterSnapshotIdentifier="bench-source", TargetDBClusterSnapshotIdentifier=name
    )
    while True:
        found = neptune.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=name)
        if found["DBClusterSnapshots"][0]["Status"] == "available":
            break
        time.sleep(float(POLL_SECONDS))
    neptune.list_tags_for_resource(
        ResourceName=found["DBClusterSnapshots"][0]["DBClusterSnapshotArn"]
    )


def raw_read(neptune: Any, name: str) -> None:
    """What the provider's read does, in plain boto3."""
    found = neptune.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=name)
    neptune.list_tags_for_resource(
        ResourceName=found["DBClusterSnapshots"][0]["DBClusterSnapshotArn"]
    )


def raw_delete(neptune: Any, name: str) -> None:
    """What the provider's delete does, in plain boto3: delete, then confirm it is gone."""
    neptune.delete_db_cluster_snapshot(DBClusterSnapshotIdentifier=name)
    try:
        neptune.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=name)
    except neptune.exceptions.DBClusterSnapshotNotFoundFault:
        return
    raise AssertionError(f"{name} still exists after delete")


def timed(action: Callable[[], Any]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def ratio(ours: list[float], theirs: list[float]) -> float:
    return statistics.median(ours) / statistics.median(theirs)


def ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:.1f} ms"


def has_module(name: str) -> bool:
    try:
        __import__(name)
    except ImportError:
        return False
    return True


def print_table(rows: list[tuple[str, str, str]]) -> None:
    width = max(len(r[0]) for r in rows)
    value = max(len(r[1]) for r in rows)
    print(f"{'figure'.ljust(width)}  {'value'.rjust(value)}  detail")
    for label, figure, detail in rows:
        print(f"{label.ljust(width)}  {figure.rjust(value)}  {detail}", flush=True)


if __name__ == "__main__":
    main()
