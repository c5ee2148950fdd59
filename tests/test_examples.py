"""Every program of the repository, run like `pulumi up` then `pulumi destroy` against one fake
AWS server: each example under examples/ and the quickstart at the root.

Each case seeds the sources its program needs, runs it through `run_program` (the real provider
host), checks the stack outputs and the resources, and checks with boto3 that what the program
made exists while the stack is up and is gone after destroy. An example without a case fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from moto.core.models import DEFAULT_ACCOUNT_ID

from pulumi_snapshots.engine.marks import without_mark
from pulumi_snapshots.testing import FakeAwsServer, fake_environment
from pulumi_snapshots.testing.cli import find_cli
from pulumi_snapshots.testing.lightsail.models import lightsail_backends
from pulumi_snapshots.testing.quickstart import (
    DR_REGION,
    PRIMARY_REGION,
    hold_pending,
    seed_sources,
    still_exists,
)
from pulumi_snapshots.testing.runner import ProgramRun, load_project, run_program

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
QUICKSTART = "quickstart (repository root)"


@dataclass
class Case:
    """How to run one program: where it is, what to seed, and what to check once it is up."""

    folder: Path
    seed: Callable[[FakeAwsServer], dict[str, str]]
    check: Callable[[ProgramRun, FakeAwsServer], None]


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


def region_of_arn(arn: str) -> str:
    return arn.split(":")[3]


# ec2-multi-volume-snapshot -------------------------------------------------------------------


def seed_ec2(fake: FakeAwsServer) -> dict[str, str]:
    ec2 = fake.client("ec2", PRIMARY_REGION)
    instance = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)["Instances"][0]
    for device, role in (("/dev/sdf", "data"), ("/dev/sdg", "logs")):
        volume = ec2.create_volume(
            AvailabilityZone=instance["Placement"]["AvailabilityZone"],
            Size=8,
            TagSpecifications=[
                {"ResourceType": "volume", "Tags": [{"Key": "role", "Value": role}]}
            ],
        )
        ec2.attach_volume(
            VolumeId=volume["VolumeId"], InstanceId=instance["InstanceId"], Device=device
        )
    return {"aws:region": PRIMARY_REGION, "instanceId": instance["InstanceId"]}


def check_ec2(run: ProgramRun, fake: FakeAwsServer) -> None:
    (backup,) = run.of_type("Ec2MultiVolumeSnapshot")
    ec2 = fake.client("ec2", PRIMARY_REGION)
    instance_id = backup.inputs["instance_id"]
    attached = ec2.describe_volumes(
        Filters=[{"Name": "attachment.instance-id", "Values": [instance_id]}]
    )["Volumes"]
    data_volumes = {
        v["VolumeId"] for v in attached if any(t["Key"] == "role" for t in v.get("Tags", []))
    }
    assert len(data_volumes) == 2 and len(attached) == 3, "the boot volume is left out"
    assert run.exports["snapshot_set"] == backup.id == ",".join(sorted(backup.id.split(",")))
    assert sorted(run.exports["snapshot_ids"]) == sorted(backup.id.split(","))
    assert set(run.exports["volumes"]) == data_volumes
    assert {s["state"] for s in backup.outputs["snapshots"]} == {"completed"}
    assert backup.outputs["tags"] == {"purpose": "backup"}
    # copy_tags_from_source="volume": each snapshot carries its own volume's tags.
    roles = {v["VolumeId"]: t["Value"] for v in attached for t in v.get("Tags", [])}
    for snapshot in ec2.describe_snapshots(SnapshotIds=backup.id.split(","))["Snapshots"]:
        tags = {t["Key"]: t["Value"] for t in snapshot["Tags"]}
        assert without_mark(tags) == {"purpose": "backup", "role": roles[snapshot["VolumeId"]]}


# lightsail-database-snapshot -----------------------------------------------------------------


def seed_lightsail_database(fake: FakeAwsServer) -> dict[str, str]:
    name = unique("orders")
    fake.client("lightsail", PRIMARY_REGION).create_relational_database(
        relationalDatabaseName=name,
        relationalDatabaseBlueprintId="mysql_8_0",
        relationalDatabaseBundleId="micro_2_0",
        masterDatabaseName="orders",
        masterUsername="admin",
    )
    return {"aws:region": PRIMARY_REGION, "databaseName": name}


def check_lightsail_database(run: ProgramRun, fake: FakeAwsServer) -> None:
    (snapshot,) = run.of_type("LightsailDatabaseSnapshot")
    assert run.exports["snapshot_name"] == snapshot.id
    assert snapshot.id.startswith("before-upgrade-")
    assert region_of_arn(run.exports["snapshot_arn"]) == PRIMARY_REGION
    assert run.exports["engine"] == "mysql"
    assert snapshot.status == "available"
    assert (
        snapshot.outputs["from_relational_database_name"]
        == snapshot.inputs["relational_database_name"]
    )
    assert snapshot.outputs["tags"] == {"reason": "pre-upgrade"}


# lightsail-snapshot-copy ---------------------------------------------------------------------


def seed_lightsail_copy(fake: FakeAwsServer) -> dict[str, str]:
    name = unique("web")
    lightsail = fake.client("lightsail", PRIMARY_REGION)
    lightsail.create_instances(
        instanceNames=[name],
        availabilityZone=f"{PRIMARY_REGION}a",
        blueprintId="ubuntu_22_04",
        bundleId="nano_3_0",
        addOns=[{"addOnType": "AutoSnapshot"}],
    )
    lightsail.create_instance_snapshot(instanceName=name, instanceSnapshotName=f"{name}-manual")
    # The fake shares this process's data: record a daily automatic snapshot as AWS would.
    lightsail_backends[DEFAULT_ACCOUNT_ID][PRIMARY_REGION].add_auto_snapshot(name, "2026-11-20")
    # sourceRegion and aws:region come from the project file's defaults.
    return {"instanceName": name, "instanceSnapshotName": f"{name}-manual"}


def check_lightsail_copy(run: ProgramRun, fake: FakeAwsServer) -> None:
    manual, automatic = run.resource("web-manual-dr"), run.resource("web-auto-dr")
    assert run.exports["manual_copy"] == manual.id and manual.id.startswith("web-manual-dr-")
    assert run.exports["automatic_copy"] == automatic.id
    assert run.exports["manual_copy_type"] == "InstanceSnapshot"
    assert run.exports["automatic_copy_state"] == "available"
    for copy in (manual, automatic):
        assert copy.outputs["region"] == "us-west-2", "aws:region from Pulumi.yaml"
        assert copy.outputs["source_region"] == "us-east-1"
        assert region_of_arn(copy.outputs["arn"]) == "us-west-2"
        assert copy.outputs["tags"] == {"purpose": "dr"}
    assert automatic.outputs["from_resource_name"] == automatic.inputs["source_resource_name"]


# neptune-cluster-snapshot-copy ---------------------------------------------------------------


def seed_neptune(fake: FakeAwsServer) -> dict[str, str]:
    cluster = unique("graph")
    neptune = fake.client("neptune", PRIMARY_REGION)
    neptune.create_db_cluster(DBClusterIdentifier=cluster, Engine="neptune")
    snapshot = neptune.create_db_cluster_snapshot(
        DBClusterIdentifier=cluster,
        DBClusterSnapshotIdentifier=f"{cluster}-nightly",
    )["DBClusterSnapshot"]
    return {"sourceSnapshotArn": snapshot["DBClusterSnapshotArn"], "sourceRegion": PRIMARY_REGION}


def check_neptune(run: ProgramRun, fake: FakeAwsServer) -> None:
    copy, lookup = run.resource("graph-dr"), run.resource("graph-dr-lookup")
    assert run.exports["copy_id"] == copy.id and copy.id.startswith("graph-dr-")
    assert run.exports["copy_status"] == "available"
    assert region_of_arn(run.exports["copy_arn"]) == "us-west-2", "aws:region from Pulumi.yaml"
    assert copy.outputs["source_region"] == PRIMARY_REGION
    assert copy.outputs["tags"] == {"purpose": "disaster-recovery"}
    assert copy.outputs["copy_tags"] is True
    assert lookup.lookup and lookup.id == copy.id and copy.urn in lookup.dependencies


# elasticache-snapshot-copy -------------------------------------------------------------------


def seed_elasticache(fake: FakeAwsServer) -> dict[str, str]:
    source, bucket = unique("sessions-nightly"), unique("sessions-exports")
    fake.control.seed_elasticache_snapshot(source, PRIMARY_REGION)
    fake.client("s3", PRIMARY_REGION).create_bucket(Bucket=bucket)
    return {"aws:region": PRIMARY_REGION, "sourceSnapshotName": source, "exportBucket": bucket}


def check_elasticache(run: ProgramRun, fake: FakeAwsServer) -> None:
    kept, exported = run.resource("sessions-keep"), run.resource("sessions-export")
    assert run.exports["copy_name"] == kept.id and kept.id.startswith("sessions-keep-")
    assert region_of_arn(run.exports["copy_arn"]) == PRIMARY_REGION
    assert run.exports["engine_version"]
    assert kept.status == "available" and kept.outputs["tags"] == {"purpose": "retention"}
    bucket = exported.inputs["target_bucket"]
    assert run.exports["export_id"] == exported.id == exported.inputs["target_snapshot_name"]
    assert exported.outputs.get("arn") is None and exported.outputs["tags"] == {}
    assert exported.inputs["source_snapshot_name"] == kept.id
    assert kept.urn in exported.dependencies
    keys = run.exports["rdb_keys"]
    assert keys and all(k.endswith(".rdb") for k in keys)
    listed = fake.client("s3", PRIMARY_REGION).list_objects_v2(Bucket=bucket)
    assert {o["Key"] for o in listed.get("Contents", [])} >= set(keys)


# quickstart ------------------------------------------------------------------------------------


def seed_quickstart(fake: FakeAwsServer) -> dict[str, str]:
    return seed_sources(fake.endpoint, fake.control)


def check_quickstart(run: ProgramRun, fake: FakeAwsServer) -> None:
    exports = run.exports
    assert exports["primary_region"] == PRIMARY_REGION and exports["dr_region"] == DR_REGION
    assert sorted(r.type_name for r in run.resources) == [
        "Ec2MultiVolumeSnapshot",
        "ElastiCacheSnapshotCopy",
        "LightsailDatabaseSnapshot",
        "LightsailSnapshotCopy",
        "NeptuneClusterSnapshotCopy",
    ]
    assert len(exports["ec2_snapshot_ids"]) == 2
    assert set(exports["ec2_snapshot_states"].values()) == {"completed"}
    assert exports["lightsail_copy_state"] == "available"
    assert exports["database_snapshot_state"] == "available"
    assert exports["elasticache_copy_status"] == "available"
    assert exports["neptune_copy_status"] == "available"
    assert region_of_arn(exports["lightsail_copy_arn"]) == DR_REGION
    assert region_of_arn(exports["neptune_copy_arn"]) == DR_REGION
    assert region_of_arn(exports["database_snapshot_arn"]) == PRIMARY_REGION
    assert region_of_arn(exports["elasticache_copy_arn"]) == PRIMARY_REGION
    assert exports["lightsail_copy_name"] == run.resource("web-dr").id
    assert exports["neptune_copy_id"] == run.resource("graph-dr").id
    for resource in run.resources:
        assert resource.outputs["tags"] == {"purpose": "disaster-recovery", "stack": "dev"}


CASES: dict[str, Case] = {
    "ec2-multi-volume-snapshot": Case(EXAMPLES / "ec2-multi-volume-snapshot", seed_ec2, check_ec2),
    "elasticache-snapshot-copy": Case(
        EXAMPLES / "elasticache-snapshot-copy", seed_elasticache, check_elasticache
    ),
    "lightsail-database-snapshot": Case(
        EXAMPLES / "lightsail-database-snapshot", seed_lightsail_database, check_lightsail_database
    ),
    "lightsail-snapshot-copy": Case(
        EXAMPLES / "lightsail-snapshot-copy", seed_lightsail_copy, check_lightsail_copy
    ),
    "neptune-cluster-snapshot-copy": Case(
        EXAMPLES / "neptune-cluster-snapshot-copy", seed_neptune, check_neptune
    ),
    QUICKSTART: Case(ROOT, seed_quickstart, check_quickstart),
}

DISCOVERED = sorted(
    p.name for p in EXAMPLES.glob("*/") if p.is_dir() and not p.name.startswith((".", "_"))
)


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeAwsServer]:
    with FakeAwsServer() as server, fake_environment(PRIMARY_REGION, server.endpoint):
        yield server


def test_examples_are_discovered() -> None:
    assert len(DISCOVERED) >= 4, f"no examples found under {EXAMPLES}"
    stale = sorted(set(CASES) - set(DISCOVERED) - {QUICKSTART})
    assert not stale, f"test cases for examples that no longer exist: {stale}"


@pytest.mark.parametrize("name", [*DISCOVERED, QUICKSTART])
def test_program_up_and_down(name: str, fake: FakeAwsServer) -> None:
    case = CASES.get(name)
    if case is None:
        pytest.fail(
            f"examples/{name} has no test case: add one to CASES in tests/test_examples.py "
            "(seed its sources, check its outputs)"
        )
    project = load_project(case.folder)
    assert project is not None, f"{case.folder} has no Pulumi.yaml"
    assert project.main.is_file(), f"{project.main} does not exist"

    fake.control.reset()
    config = case.seed(fake)
    hold_pending(fake.control, reads=2)
    env = {"AWS_ENDPOINT_URL": fake.endpoint, "PULUMI_SNAPSHOTS_POLL_SECONDS": "0.01"}
    try:
        with run_program(case.folder, config=config, env=env, preview=True) as preview:
            planned = sorted(s.name for s in preview.plan if s.op == "create")
        with run_program(case.folder, config=config, env=env) as run:
            created = [r for r in run.resources if not r.lookup]
            assert created, "the program created nothing"
            assert planned == sorted(r.name for r in created), "preview and up differ"
            for resource in created:
                assert resource.status in ("available", "completed"), resource
                assert still_exists(resource, fake.endpoint), f"{resource.name} is not in AWS"
            assert any(" is still " in line for line in run.host.output), "no wait was seen"
            case.check(run, fake)
    finally:
        fake.control.reset()
    assert [r for r in run.resources if not r.lookup] == []
    left = [r.name for r in created if still_exists(r, fake.endpoint)]
    assert not left, f"destroy left {left} in AWS"


def test_quickstart_command_runs_end_to_end() -> None:
    """`python -m pulumi_snapshots.testing.quickstart` from the repository root, as
    `python3 tasks.py quickstart` runs it without a Pulumi CLI (`tests/cli` runs it with one)."""
    env = {**os.environ, "PULUMI_SNAPSHOTS_POLL_SECONDS": "0.05"}
    done = subprocess.run(
        [sys.executable, "-m", "pulumi_snapshots.testing.quickstart", "--engine", "runner"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    assert "Resources: + 5 created" in out
    assert out.index("Resources:\n    + 5 to create") < out.index("Updating (dev)")
    kinds = (
        "Ec2MultiVolumeSnapshot",
        "LightsailSnapshotCopy",
        "LightsailDatabaseSnapshot",
        "ElastiCacheSnapshotCopy",
        "NeptuneClusterSnapshotCopy",
    )
    together = [line for line in out.splitlines() if sum(line.count(k) for k in kinds) > 1]
    assert together == [], "progress lines ran together"
    for kind in kinds:
        assert f"- deleted {kind} " in out, kind
    assert " is still " in out, "progress lines were not shown"
    assert 'neptune_copy_status: "available"' in out
    assert "boto3 finds none of them left" in out and "quickstart passed" in out


def test_quickstart_command_fails_clearly(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: broken\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(
        "from pulumi_snapshots import Ec2MultiVolumeSnapshot\n"
        "Ec2MultiVolumeSnapshot('bad', instance_id='not-an-instance')\n"
    )
    command = [sys.executable, "-m", "pulumi_snapshots.testing.quickstart", str(tmp_path)]
    done = subprocess.run(
        [*command, "--engine", "runner"], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 1
    assert "quickstart failed: bad (Ec2MultiVolumeSnapshot): invalid inputs: instance_id:" in (
        done.stdout
    )
    if find_cli() is not None:
        # Through the CLI: the resource's error in one line, not the CLI's whole output.
        done = subprocess.run(
            [*command, "--engine", "cli"], capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 1
        (failed,) = [line for line in done.stdout.splitlines() if "quickstart failed" in line]
        assert failed.startswith(
            "quickstart failed: pulumi-python:dynamic/snapshots:Ec2MultiVolumeSnapshot "
            "resource 'bad': property instance_id value {not-an-instance} has a problem"
        ), failed
    missing = subprocess.run(
        [sys.executable, "-m", "pulumi_snapshots.testing.quickstart", str(tmp_path / "none")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.returncode == 2 and "no Pulumi.yaml" in missing.stdout
