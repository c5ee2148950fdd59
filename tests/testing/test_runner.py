"""run_program: a Pulumi program through the real provider host, up then down."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pulumi
import pytest

from pulumi_snapshots import Ec2MultiVolumeSnapshot, NeptuneClusterSnapshotCopy
from pulumi_snapshots.testing import FakeAwsServer, fake_environment
from pulumi_snapshots.testing.quickstart import still_exists
from pulumi_snapshots.testing.runner import (
    Created,
    ProgramError,
    ProgramRun,
    load_project,
    run_program,
)

REGION = "us-east-1"
DYNAMIC = "pulumi-python:dynamic/snapshots"


@pytest.fixture(scope="module")
def server() -> Iterator[FakeAwsServer]:
    with FakeAwsServer() as running, fake_environment(REGION, running.endpoint):
        yield running


@pytest.fixture
def fake_server(server: FakeAwsServer) -> Iterator[FakeAwsServer]:
    server.control.reset()
    yield server
    server.control.reset()


def env(server: FakeAwsServer) -> dict[str, str]:
    return {"AWS_ENDPOINT_URL": server.endpoint, "PULUMI_SNAPSHOTS_POLL_SECONDS": "0.01"}


def instance(server: FakeAwsServer) -> str:
    ec2 = server.client("ec2", REGION)
    made = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)["Instances"][0]
    return str(made["InstanceId"])


def neptune_snapshot(server: FakeAwsServer, name: str) -> str:
    neptune = server.client("neptune", REGION)
    neptune.create_db_cluster(DBClusterIdentifier=name, Engine="neptune")
    neptune.create_db_cluster_snapshot(
        DBClusterIdentifier=name, DBClusterSnapshotIdentifier=f"{name}-snap"
    )
    return f"{name}-snap"


def creates(server: FakeAwsServer) -> int:
    return server.control.request_counts().get("ec2", {}).get("CreateSnapshots", 0)


def test_inline_program_up_exports_and_down(fake_server: FakeAwsServer) -> None:
    instance_id = instance(fake_server)
    fake_server.control.hold("ec2", reads=2)
    seen: list[str] = []

    def program() -> None:
        backup = Ec2MultiVolumeSnapshot("backup", instance_id=instance_id, tags={"team": "a"})
        pulumi.export("ids", backup.snapshot_ids)
        pulumi.export("first_state", backup.snapshots.apply(lambda s: s[0]["state"]))

    with run_program(
        program, config={"aws:region": REGION}, env=env(fake_server), on_output=seen.append
    ) as run:
        (backup,) = run.of_type("Ec2MultiVolumeSnapshot")
        assert run.resource("backup") is backup
        assert backup.urn == f"urn:pulumi:dev::program::{DYNAMIC}:Ec2MultiVolumeSnapshot::backup"
        assert backup.id == ",".join(backup.outputs["snapshot_ids"])
        assert backup.outputs["region"] == REGION and backup.outputs["tags"] == {"team": "a"}
        assert backup.inputs["instance_id"] == instance_id
        assert run.exports == {"ids": backup.outputs["snapshot_ids"], "first_state": "completed"}
        assert run.summary().splitlines()[1].split() == [
            "Ec2MultiVolumeSnapshot",
            "backup",
            backup.id,
            "completed",
        ]
        # The progress lines reached the callback while the program ran, not only at the end.
        assert any("is still pending" in line for line in seen)
        assert seen == run.host.output[: len(seen)]
        assert still_exists(backup, fake_server.endpoint)
    assert run.resources == []
    assert not still_exists(backup, fake_server.endpoint)


def test_failing_check_names_the_property_and_creates_nothing(fake_server: FakeAwsServer) -> None:
    def program() -> None:
        Ec2MultiVolumeSnapshot("bad", instance_id="web-1", copy_tags_from_source="instance")

    before = creates(fake_server)
    with (
        pytest.raises(ProgramError) as caught,
        run_program(program, config={"aws:region": REGION}, env=env(fake_server)),
    ):
        pytest.fail("the program must not complete")
    message = str(caught.value)
    assert message.startswith("bad (Ec2MultiVolumeSnapshot): invalid inputs:")
    assert "instance_id: 'web-1' is not an instance id" in message
    assert "copy_tags_from_source:" in message
    assert creates(fake_server) == before


def test_failed_create_cleans_up_what_was_in_flight(fake_server: FakeAwsServer) -> None:
    good_instance = instance(fake_server)
    # In flight for many status reads, whatever the machine's speed.
    fake_server.control.hold("ec2", reads=25)
    made: list[list[Created]] = []

    def program() -> None:
        Ec2MultiVolumeSnapshot("good", instance_id=good_instance, description="in flight")
        Ec2MultiVolumeSnapshot("missing", instance_id="i-0123456789abcdef0")

    with (
        pytest.raises(ProgramError) as caught,
        run_program(program, config={"aws:region": REGION}, env=env(fake_server)) as run,
    ):
        made.append(run.resources)
    message = str(caught.value)
    assert message.startswith(
        "missing (Ec2MultiVolumeSnapshot): create failed: create_snapshots on "
        "Ec2MultiVolumeSnapshot of i-0123456789abcdef0 failed: InvalidInstanceID.NotFound"
    )
    assert "InvalidInstanceID.NotFound" in message
    ec2 = fake_server.client("ec2", REGION)
    left = ec2.describe_snapshots(Filters=[{"Name": "description", "Values": ["in flight"]}])
    assert left["Snapshots"] == []
    assert made == []


def test_dependents_are_deleted_first_and_lookups_are_kept(fake_server: FakeAwsServer) -> None:
    instance_id = instance(fake_server)
    external = neptune_snapshot(fake_server, "runner-graph")
    deleted: list[str] = []

    def program() -> None:
        first = Ec2MultiVolumeSnapshot("first", instance_id=instance_id)
        second = Ec2MultiVolumeSnapshot(
            "second", instance_id=instance_id, opts=pulumi.ResourceOptions(depends_on=[first])
        )
        seen = NeptuneClusterSnapshotCopy.get("existing", external)
        pulumi.export("second", second.id)
        pulumi.export("existing_status", seen.status)

    with run_program(program, config={"aws:region": REGION}, env=env(fake_server)) as run:
        first, second = run.resource("first"), run.resource("second")
        lookup = run.resource("existing")
        assert first.urn in second.dependencies
        assert lookup.lookup and lookup.id == external and run.exports["existing_status"]
        assert "NeptuneClusterSnapshotCopy (read)" in run.summary()
        run.destroy(on_delete=lambda r: deleted.append(r.name))
        assert [r.name for r in run.resources] == ["existing"]
    assert deleted == ["second", "first"]
    assert not still_exists(first, fake_server.endpoint) and not still_exists(
        second, fake_server.endpoint
    )
    neptune = fake_server.client("neptune", REGION)
    found = neptune.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=external)
    assert found["DBClusterSnapshots"], "a lookup must never delete what it read"


def test_a_failing_program_still_destroys_what_it_made(fake_server: FakeAwsServer) -> None:
    instance_id = instance(fake_server)
    kept: list[Created] = []

    def program() -> None:
        Ec2MultiVolumeSnapshot("made-first", instance_id=instance_id)
        pulumi.Config().require("missingKey")

    with (
        pytest.raises(Exception, match="missingKey") as caught,
        run_program(program, config={"aws:region": REGION}, env=env(fake_server)) as run,
    ):
        kept.extend(run.resources)
    assert not isinstance(caught.value, ProgramError)
    assert kept == []
    ec2 = fake_server.client("ec2", REGION)
    mine = ec2.describe_snapshots(
        Filters=[{"Name": "volume-id", "Values": volumes_of(ec2, instance_id)}]
    )
    assert mine["Snapshots"] == []


def volumes_of(ec2: Any, instance_id: str) -> list[str]:
    found = ec2.describe_volumes(
        Filters=[{"Name": "attachment.instance-id", "Values": [instance_id]}]
    )
    return [v["VolumeId"] for v in found["Volumes"]]


def write_project(folder: Path, project_file: str, program: str) -> None:
    (folder / "src").mkdir(parents=True)
    (folder / "Pulumi.yaml").write_text(textwrap.dedent(project_file))
    (folder / "src" / "__main__.py").write_text(textwrap.dedent(program))


def test_project_folder_gives_name_main_and_config_defaults(
    fake_server: FakeAwsServer, tmp_path: Path
) -> None:
    instance_id = instance(fake_server)
    write_project(
        tmp_path,
        """\
        name: my-backups
        runtime: python
        main: src/
        config:
          aws:region:
            value: us-east-1
          description:
            type: string
            default: from the project file
          instanceId:
            type: string
        """,
        """\
        import pulumi
        from pulumi_snapshots import Ec2MultiVolumeSnapshot

        config = pulumi.Config()
        backup = Ec2MultiVolumeSnapshot(
            "nightly",
            instance_id=config.require("instanceId"),
            description=config.require("description"),
        )
        pulumi.export("description", backup.description)
        pulumi.export("project", pulumi.get_project())
        """,
    )
    project = load_project(tmp_path)
    assert project is not None and project.name == "my-backups"
    assert project.main == tmp_path / "src" / "__main__.py"
    assert project.config == {
        "aws:region": "us-east-1",
        "my-backups:description": "from the project file",
    }
    with run_program(tmp_path, config={"instanceId": instance_id}, env=env(fake_server)) as run:
        assert run.exports == {"description": "from the project file", "project": "my-backups"}
        assert run.resource("nightly").urn.startswith("urn:pulumi:dev::my-backups::")


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        ("aws:region:\n    type: string\n    default: us-west-2", "should not define a type"),
        ("aws:region:\n    default: us-west-2", "should not define a default value"),
        ("aws:region:\n    description: no value", "must provide a 'value'"),
        ("size:\n    default: 1\n    value: 2", "both a 'default' and a 'value'"),
    ],
)
def test_project_file_follows_the_cli_rules(tmp_path: Path, entry: str, reason: str) -> None:
    (tmp_path / "Pulumi.yaml").write_text(f"name: p\nruntime: python\nconfig:\n  {entry}\n")
    with pytest.raises(ProgramError, match=reason):
        load_project(tmp_path)


def test_missing_program_is_reported(tmp_path: Path) -> None:
    assert load_project(tmp_path) is None
    with pytest.raises(ProgramError, match="no Pulumi program"), run_program(tmp_path / "nowhere"):
        pass


class _FailingRpc(grpc.RpcError):
    def details(self) -> str:
        return "Traceback (most recent call last):\n  ...\nbotocore.exceptions.ClientError: denied"


class _Host:
    """Stands in for the provider host: records deletions, refuses those of `refused`."""

    def __init__(self, refused: set[str]) -> None:
        self.refused = refused
        self.deleted: list[str] = []

    def delete(self, urn: str, id_: str, props: dict[str, Any]) -> None:
        if id_ in self.refused:
            raise _FailingRpc()
        self.deleted.append(id_)


def created(name: str, *dependencies: str, lookup: bool = False) -> Created:
    urn = f"urn:pulumi:dev::p::{DYNAMIC}:Ec2MultiVolumeSnapshot::{name}"
    deps = [f"urn:pulumi:dev::p::{DYNAMIC}:Ec2MultiVolumeSnapshot::{d}" for d in dependencies]
    return Created(urn, f"{DYNAMIC}:X", name, f"id-{name}", {}, {}, lookup, dependencies=deps)


def test_destroy_order_failures_and_what_is_kept() -> None:
    # "base" was recorded last, yet "app" and "extra" depend on it: they go first.
    host = _Host(refused={"id-extra"})
    run = ProgramRun(
        host,  # type: ignore[arg-type]
        resources=[
            created("app", "base"),
            created("extra", "base"),
            created("seen", lookup=True),
            created("base"),
        ],
    )
    deleted: list[str] = []
    with pytest.raises(ProgramError) as caught:
        run.destroy(on_delete=lambda r: deleted.append(r.name))
    assert str(caught.value) == (
        "extra (X id-extra): delete failed: ClientError: denied; "
        "base (X id-base): not deleted, because extra depends on it and is still there"
    )
    assert host.deleted == ["id-app"] and deleted == ["app"]
    assert [r.name for r in run.resources] == ["extra", "seen", "base"]
