"""The quickstart, end to end on this machine: `python -m pulumi_snapshots.testing.quickstart`.

It starts the embedded fake AWS on 127.0.0.1, creates the sources the quickstart stack needs
(an EC2 instance with data volumes, a Lightsail instance snapshot and database, an ElastiCache
snapshot and a Neptune cluster snapshot), holds every new snapshot pending for a few reads so
that the waiting shows, and runs the program (by default the one of `Pulumi.yaml` in the current
directory) with the real provider host, as `pulumi up` would. It prints the provider's progress
as it comes, a summary of what was made and the stack outputs, then destroys everything in
dependency order and checks with boto3 that nothing the stack made is left.

Exit status 0 means all of that worked; anything else is reported with the reason.
`PULUMI_SNAPSHOTS_POLL_SECONDS` (default here 0.5) sets how often the provider polls.

The helpers are reusable: :func:`seed_sources` creates the sources and returns the stack config
that names them, :func:`still_exists` tells whether what a resource made is still in AWS.

Like `pulumi up`, it previews the stack first and prints the plan (`+ 5 to create`).

With a Pulumi CLI (`PULUMI_SNAPSHOTS_CLI`, which `tasks.py` sets to the CLI that `tasks.py
engine` built, or `pulumi` on PATH) it runs the stack through that CLI instead: an
automation-API inline run with a local backend in a temporary folder. `--engine cli|runner`
chooses; the first line it prints says which it used.
"""

from __future__ import annotations

import argparse
import json
import os
import runpy
import sys
import threading
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import botocore.exceptions
from pulumi import automation as auto

from pulumi_snapshots.engine.waiter import POLL_ENV
from pulumi_snapshots.testing import fake_client, fake_environment
from pulumi_snapshots.testing.cli import CLI_ENV, CliStack, find_cli
from pulumi_snapshots.testing.control import Control
from pulumi_snapshots.testing.runner import (
    Created,
    ProgramError,
    Project,
    load_project,
    run_program,
)
from pulumi_snapshots.testing.server import FakeAwsServer

__all__ = [
    "DR_REGION",
    "PRIMARY_REGION",
    "hold_pending",
    "main",
    "seed_sources",
    "still_exists",
]

PRIMARY_REGION = "us-east-1"
DR_REGION = "us-west-2"
DEFAULT_POLL_SECONDS = "0.5"
HOLD_READS = 2
"""Status reads every new snapshot stays pending for."""
EC2_IMAGE_ID = "ami-12c6146b"
"""An image the fake EC2 knows."""

NOT_FOUND_CODES = frozenset(
    {
        "InvalidSnapshot.NotFound",
        "NotFoundException",
        "DoesNotExist",
        "SnapshotNotFoundFault",
        "DBClusterSnapshotNotFoundFault",
        "DBClusterSnapshotNotFound",
        "NoSuchBucket",
    }
)


def seed_sources(
    endpoint: str,
    control: Control,
    region: str = PRIMARY_REGION,
    dr_region: str = DR_REGION,
    suffix: str | None = None,
) -> dict[str, str]:
    """Create the quickstart's sources in `region` and return the stack config naming them.

    Names end with `suffix` (random by default), so that seeding twice on one fake never
    collides.
    """
    tail = suffix if suffix is not None else uuid.uuid4().hex[:6]

    ec2 = fake_client("ec2", region, endpoint)
    instance = ec2.run_instances(
        ImageId=EC2_IMAGE_ID,
        MinCount=1,
        MaxCount=1,
        InstanceType="t3.micro",
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "app"}]}],
    )["Instances"][0]
    zone = instance["Placement"]["AvailabilityZone"]
    for device, size, role in (("/dev/sdf", 20, "data"), ("/dev/sdg", 10, "logs")):
        volume = ec2.create_volume(
            AvailabilityZone=zone,
            Size=size,
            VolumeType="gp3",
            TagSpecifications=[
                {"ResourceType": "volume", "Tags": [{"Key": "role", "Value": role}]}
            ],
        )
        ec2.attach_volume(
            VolumeId=volume["VolumeId"], InstanceId=instance["InstanceId"], Device=device
        )

    lightsail = fake_client("lightsail", region, endpoint)
    web = f"shop-web-{tail}"
    lightsail.create_instances(
        instanceNames=[web],
        availabilityZone=f"{region}a",
        blueprintId="ubuntu_22_04",
        bundleId="nano_3_0",
    )
    web_snapshot = f"{web}-manual"
    lightsail.create_instance_snapshot(instanceName=web, instanceSnapshotName=web_snapshot)
    database = f"shop-orders-{tail}"
    lightsail.create_relational_database(
        relationalDatabaseName=database,
        relationalDatabaseBlueprintId="mysql_8_0",
        relationalDatabaseBundleId="micro_2_0",
        masterDatabaseName="orders",
        masterUsername="admin",
    )

    sessions_snapshot = f"shop-sessions-{tail}-nightly"
    control.seed_elasticache_snapshot(sessions_snapshot, region)

    neptune = fake_client("neptune", region, endpoint)
    cluster = f"shop-graph-{tail}"
    neptune.create_db_cluster(DBClusterIdentifier=cluster, Engine="neptune")
    graph_snapshot = neptune.create_db_cluster_snapshot(
        DBClusterIdentifier=cluster, DBClusterSnapshotIdentifier=f"{cluster}-nightly"
    )["DBClusterSnapshot"]

    return {
        "aws:region": region,
        "drRegion": dr_region,
        "instanceId": instance["InstanceId"],
        "lightsailSnapshotName": web_snapshot,
        "lightsailDatabaseName": database,
        "elasticacheSnapshotName": sessions_snapshot,
        "neptuneSnapshotArn": graph_snapshot["DBClusterSnapshotArn"],
    }


def hold_pending(control: Control, reads: int = HOLD_READS) -> None:
    """Keep every snapshot created from now on pending for `reads` status reads."""
    for service in ("ec2", "lightsail", "elasticache", "neptune"):
        control.hold(service, reads=reads)


def still_exists(resource: Created, endpoint: str) -> bool:
    """Whether what `resource` made is still in the fake AWS at `endpoint` (read with boto3)."""
    region = str(resource.outputs["region"])
    kind = resource.type_name
    try:
        if kind == "Ec2MultiVolumeSnapshot":
            ec2 = fake_client("ec2", region, endpoint)
            ids = [i for i in resource.id.split(",") if i]
            found = ec2.describe_snapshots(Filters=[{"Name": "snapshot-id", "Values": ids}])
            return bool(found["Snapshots"])
        if kind == "LightsailSnapshotCopy":
            lightsail = fake_client("lightsail", region, endpoint)
            if resource.outputs.get("resource_type") == "DiskSnapshot":
                lightsail.get_disk_snapshot(diskSnapshotName=resource.id)
            else:
                lightsail.get_instance_snapshot(instanceSnapshotName=resource.id)
            return True
        if kind == "LightsailDatabaseSnapshot":
            lightsail = fake_client("lightsail", region, endpoint)
            lightsail.get_relational_database_snapshot(relationalDatabaseSnapshotName=resource.id)
            return True
        if kind == "ElastiCacheSnapshotCopy":
            bucket = resource.outputs.get("target_bucket")
            if bucket:
                # An export is its objects in the bucket.
                s3 = fake_client("s3", region, endpoint)
                keys = resource.outputs.get("exported_object_keys") or []
                listed = s3.list_objects_v2(Bucket=bucket).get("Contents", [])
                return any(o["Key"] in keys for o in listed)
            elasticache = fake_client("elasticache", region, endpoint)
            return bool(elasticache.describe_snapshots(SnapshotName=resource.id)["Snapshots"])
        if kind == "NeptuneClusterSnapshotCopy":
            neptune = fake_client("neptune", region, endpoint)
            found = neptune.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=resource.id)
            return bool(found["DBClusterSnapshots"])
    except botocore.exceptions.ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in NOT_FOUND_CODES:
            return False
        raise
    raise ValueError(f"no way to look up a {kind} ({resource.name})")


class _Console:
    """Prints whole lines from several threads (the provider host's progress and ours)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.show_progress = True

    def __call__(self, line: str = "") -> None:
        with self.lock:
            print(line, flush=True)

    def progress(self, line: str) -> None:
        if self.show_progress:
            self(f"    {line}")


def _outputs(exports: dict[str, Any]) -> list[str]:
    return [f"    {key}: {json.dumps(exports[key])}" for key in sorted(exports)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pulumi_snapshots.testing.quickstart",
        description="Run the quickstart stack up and down against the embedded fake AWS.",
    )
    parser.add_argument(
        "program_dir",
        nargs="?",
        default=".",
        help="folder of the Pulumi project to run (default: the current directory)",
    )
    parser.add_argument(
        "--engine",
        choices=("auto", "cli", "runner"),
        default="auto",
        help="run through the Pulumi CLI (`cli`: $PULUMI_SNAPSHOTS_CLI or `pulumi` on PATH), the "
        "embedded runner (`runner`), or the CLI when there is one (`auto`, the default)",
    )
    args = parser.parse_args(argv)
    console = _Console()
    folder = Path(args.program_dir)
    try:
        project = load_project(folder)
    except ProgramError as exc:
        console(f"quickstart failed: {exc}")
        return 2
    if project is None:
        console(f"quickstart failed: no Pulumi.yaml in {folder.resolve()}")
        return 2
    cli = find_cli() if args.engine != "runner" else None
    if cli is None and args.engine == "cli":
        console(f"quickstart failed: no Pulumi CLI ({CLI_ENV} unset, no `pulumi` on PATH)")
        return 2
    started = time.monotonic()
    try:
        if cli is not None:
            console(f"engine: the Pulumi CLI at {cli} (an automation-API inline run)")
            _run_cli(project, cli, console)
        else:
            console(
                "engine: the embedded runner (no Pulumi CLI found; `tasks.py engine` builds one)"
            )
            _run(folder, project.name, console)
    except ProgramError as exc:
        console(f"\nquickstart failed: {exc}")
        for note in getattr(exc, "__notes__", ()):
            console(f"  {note}")
        return 1
    except Exception as exc:  # any failure ends the demo with its reason and status 1
        console(f"\nquickstart failed: {type(exc).__name__}: {exc}")
        return 1
    console(f"\nquickstart passed in {time.monotonic() - started:.1f}s")
    return 0


def _run(folder: Path, project: str, console: _Console) -> None:
    poll = os.environ.get(POLL_ENV) or DEFAULT_POLL_SECONDS
    with FakeAwsServer() as fake, fake_environment(PRIMARY_REGION, fake.endpoint):
        endpoint = fake.endpoint
        console(f"fake AWS listening on {endpoint}")
        config = seed_sources(endpoint, fake.control)
        console(f"sources in {PRIMARY_REGION}:")
        for key, value in config.items():
            console(f"    {key}: {value}")
        hold_pending(fake.control)

        env = {POLL_ENV: poll}
        # As `pulumi up` does, preview first: Check of every resource through the provider host,
        # nothing created yet.
        console(f"\nPreviewing update (dev) {project}:")
        with run_program(folder, config=config, env=env, preview=True) as preview:
            for line in preview.plan_table().splitlines():
                console(f"    {line}")
            console(f"Resources:\n    {preview.plan_summary()}")

        console(f"\nUpdating (dev) {project}, polling every {poll}s:")
        with run_program(folder, config=config, env=env, on_output=console.progress) as run:
            created = [r for r in run.resources if not r.lookup]
            console(f"\nResources: + {len(created)} created")
            for line in run.summary().splitlines():
                console(f"    {line}")
            console("\nOutputs:")
            for line in _outputs(run.exports):
                console(line)
            missing = [r.name for r in created if not still_exists(r, endpoint)]
            if missing:
                raise ProgramError(f"created but not found in AWS: {', '.join(missing)}")

            console("\nDestroying (dev):")
            # Each deletion is printed once, here, rather than also as the provider's line.
            console.show_progress = False
            run.destroy(on_delete=lambda r: console(f"  - deleted {r.type_name} {r.name} ({r.id})"))
        left = [f"{r.type_name} {r.name} ({r.id})" for r in created if still_exists(r, endpoint)]
        if left:
            raise ProgramError(f"still in AWS after destroy: {'; '.join(left)}")
        console(f"\nResources: - {len(created)} deleted; boto3 finds none of them left")


def _run_cli(project: Project, cli: Path, console: _Console) -> None:
    """The same run through the real Pulumi CLI: a local backend in a temporary folder."""
    poll = os.environ.get(POLL_ENV) or DEFAULT_POLL_SECONDS
    with FakeAwsServer() as fake:
        endpoint = fake.endpoint
        console(f"fake AWS listening on {endpoint}")
        config = {**project.config, **seed_sources(endpoint, fake.control)}
        console(f"sources in {PRIMARY_REGION}:")
        for key, value in config.items():
            console(f"    {key}: {value}")
        hold_pending(fake.control)
        main_file = str(project.main)

        def program() -> None:
            runpy.run_path(main_file, run_name="__main__")

        stack = CliStack(
            cli=cli,
            program=program,
            env=fake.environment(**{POLL_ENV: poll}),
            config={k: str(v) for k, v in config.items()},
            project=project.name,
        )
        try:
            _cli_steps(stack, endpoint, poll, console)
        except auto.CommandError as exc:
            raise ProgramError(_cli_errors(str(exc))) from None
        finally:
            stack.remove()


def _cli_errors(text: str) -> str:
    """The resources' errors out of a failed CLI command's output, without the engine's own
    follow-up lines."""
    follow_up = ("error: update failed", "error: preview failed", "error: Resource monitor")
    errors = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("error: ") and not line.startswith(follow_up) and line not in errors:
            errors.append(line)
    return "; ".join(e.removeprefix("error: ") for e in errors) or text.strip()


def _cli_steps(stack: CliStack, endpoint: str, poll: str, console: _Console) -> None:
    """Preview, up, check, destroy and check again, printing the CLI's own output."""
    console()
    stack.stack.preview(on_output=console)
    console(f"polling every {poll}s")
    up = stack.stack.up(on_output=console)
    created = stack.created()
    console(f"\nResources: + {len(created)} created")
    console("\nOutputs:")
    for line in _outputs({k: v.value for k, v in up.outputs.items()}):
        console(line)
    missing = [r.name for r in created if not still_exists(r, endpoint)]
    if missing:
        raise ProgramError(f"created but not found in AWS: {', '.join(missing)}")
    console()
    stack.stack.destroy(on_output=console)
    for r in created:
        console(f"  - deleted {r.type_name} {r.name} ({r.id})")
    left = [f"{r.type_name} {r.name} ({r.id})" for r in created if still_exists(r, endpoint)]
    if left:
        raise ProgramError(f"still in AWS after destroy: {'; '.join(left)}")
    console(f"\nResources: - {len(created)} deleted; boto3 finds none of them left")


if __name__ == "__main__":
    sys.exit(main())
