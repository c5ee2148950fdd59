"""A stack of N snapshots through the real Pulumi CLI: the engine's default parallelism against
`--parallel N`. `python3 tasks.py bench parallel [N ...]` (default 64 and 200).

The engine runs at most GOMAXPROCS x 4 steps at once unless told otherwise, so on a 2-core
machine a stack of 200 snapshots waits 8 at a time, however fast AWS is. Every copy is held
pending for HOLD_SECONDS of the fake's clock; the bound of a run is one hold per batch of steps
the engine runs at once. Both runs of one N go side by side in this one process.
"""

from __future__ import annotations

import os
import sys
import time

from pulumi_snapshots import NeptuneClusterSnapshotCopy
from pulumi_snapshots.testing.cli import CliStack, find_cli
from pulumi_snapshots.testing.server import FakeAwsServer

REGION = "us-east-1"
HOLD_SECONDS = 3.0
POLL_SECONDS = "0.5"


def main(argv: list[str]) -> None:
    cli = find_cli()
    if cli is None:
        sys.exit("bench parallel: no Pulumi CLI: run `python3 tasks.py engine` (needs Go)")
    sizes = [int(a) for a in argv] or [64, 200]
    default = (os.cpu_count() or 1) * 4
    print(f"CLI {cli}; default parallelism GOMAXPROCS x 4 = {default}; hold {HOLD_SECONDS} s")
    print(
        f"{'N':>5} {'parallel':>9} {'wall s':>8} {'bound s':>8} {'ratio':>6} {'calls/create':>13}"
    )
    with FakeAwsServer() as fake:
        seed_graph(fake)
        for n in sizes:
            for parallel in (None, n):
                wall, calls = _one_run(cli, fake, n, parallel)
                width = parallel or default
                bound = -(-n // width) * HOLD_SECONDS
                print(
                    f"{n:>5} {parallel or 'default':>9} {wall:>8.1f} {bound:>8.1f} "
                    f"{wall / bound:>6.2f} {calls / n:>13.1f}",
                    flush=True,
                )


def seed_graph(fake: FakeAwsServer) -> None:
    """The Neptune cluster snapshot `bench-graph-nightly` that every copy copies."""
    neptune = fake.client("neptune", REGION)
    neptune.create_db_cluster(DBClusterIdentifier="bench-graph", Engine="neptune")
    neptune.create_db_cluster_snapshot(
        DBClusterIdentifier="bench-graph", DBClusterSnapshotIdentifier="bench-graph-nightly"
    )


def _one_run(cli: object, fake: FakeAwsServer, n: int, parallel: int | None) -> tuple[float, int]:
    def program() -> None:
        for i in range(n):
            NeptuneClusterSnapshotCopy(
                f"copy-{i}", source_db_cluster_snapshot_identifier="bench-graph-nightly"
            )

    stack = CliStack(
        cli=cli,  # type: ignore[arg-type]
        program=program,
        env=fake.environment(PULUMI_SNAPSHOTS_POLL_SECONDS=POLL_SECONDS),
        config={"aws:region": REGION},
    )
    try:
        fake.control.reset()
        fake.control.hold("neptune", seconds=HOLD_SECONDS)
        started = time.monotonic()
        stack.stack.up(parallel=parallel)
        wall = time.monotonic() - started
        calls = sum(fake.control.request_counts().get("neptune", {}).values())
        fake.control.reset()
        stack.stack.destroy(parallel=parallel)
        return wall, calls
    finally:
        stack.remove()
