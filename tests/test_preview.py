"""Preview: inputs that are not known yet reach the provider as the Pulumi SDK sends them, through
the real provider host, for every resource; and programs whose snapshot inputs come from
resources of the same program preview, then up.

Unknowns are never written by hand here: the program side holds an unknown `pulumi.Output`, the
SDK serialises it, and the host deserialises it for Check and Diff as it does under `pulumi up`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
import pytest
from pulumi.output import Unknown

from pulumi_snapshots import (
    Ec2MultiVolumeSnapshot,
    ElastiCacheSnapshotCopy,
    LightsailDatabaseSnapshot,
    LightsailSnapshotCopy,
    NeptuneClusterSnapshotCopy,
)
from pulumi_snapshots.engine.provider import NAME_KEY, SnapshotProvider
from pulumi_snapshots.testing import FakeAwsServer
from pulumi_snapshots.testing.control import Control
from pulumi_snapshots.testing.host import (
    ProviderHost,
    provider_props,
    unknown_output,
    urn_for,
)
from pulumi_snapshots.testing.runner import run_program

REGION = "us-east-1"


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


@dataclass
class Case:
    """A resource, inputs that create it, the input that preview leaves unknown, and an input
    that breaks a rule of its own."""

    type_name: str
    spec_ref: str
    seed: Callable[[FakeAwsServer], dict[str, Any]]
    unknown: str
    bad: tuple[str, Any]
    nested: Callable[[], dict[str, Any]] | None = None
    """Extra inputs that hold an unknown inside a value."""


def neptune_source(server: FakeAwsServer) -> dict[str, Any]:
    neptune = server.client("neptune", REGION)
    cluster = unique("graph")
    neptune.create_db_cluster(DBClusterIdentifier=cluster, Engine="neptune")
    neptune.create_db_cluster_snapshot(
        DBClusterIdentifier=cluster, DBClusterSnapshotIdentifier=f"{cluster}-nightly"
    )
    return {"source_db_cluster_snapshot_identifier": f"{cluster}-nightly"}


def ec2_source(server: FakeAwsServer) -> dict[str, Any]:
    made = server.client("ec2", REGION).run_instances(
        ImageId="ami-12c6146b", MinCount=1, MaxCount=1
    )
    return {"instance_id": made["Instances"][0]["InstanceId"]}


def elasticache_source(server: FakeAwsServer) -> dict[str, Any]:
    name = unique("sessions")
    server.control.seed_elasticache_snapshot(name, REGION)
    return {"source_snapshot_name": name}


def lightsail_snapshot(server: FakeAwsServer) -> dict[str, Any]:
    lightsail = server.client("lightsail", REGION)
    web = unique("web")
    lightsail.create_instances(
        instanceNames=[web],
        availabilityZone=f"{REGION}a",
        blueprintId="ubuntu_22_04",
        bundleId="nano_3_0",
    )
    lightsail.create_instance_snapshot(instanceName=web, instanceSnapshotName=f"{web}-manual")
    return {"source_region": REGION, "source_snapshot_name": f"{web}-manual"}


def lightsail_database(server: FakeAwsServer) -> dict[str, Any]:
    name = unique("orders")
    server.client("lightsail", REGION).create_relational_database(
        relationalDatabaseName=name,
        relationalDatabaseBlueprintId="mysql_8_0",
        relationalDatabaseBundleId="micro_2_0",
        masterDatabaseName="orders",
        masterUsername="admin",
    )
    return {"relational_database_name": name}


CASES = [
    Case(
        "NeptuneClusterSnapshotCopy",
        "pulumi_snapshots.neptune:SPEC",
        neptune_source,
        "source_db_cluster_snapshot_identifier",
        ("copy_tags", "yes"),
    ),
    Case(
        "Ec2MultiVolumeSnapshot",
        "pulumi_snapshots.ec2:SPEC",
        ec2_source,
        "instance_id",
        ("exclude_data_volume_ids", ["volume-1"]),
        nested=lambda: {
            "exclude_data_volume_ids": ["vol-0123456789abcdef0", unknown_output()],
            "tags": {"team": "web", "from": unknown_output()},
        },
    ),
    Case(
        "ElastiCacheSnapshotCopy",
        "pulumi_snapshots.elasticache:SPEC",
        elasticache_source,
        "source_snapshot_name",
        ("target_bucket", "Not_A_Bucket"),
    ),
    Case(
        "LightsailSnapshotCopy",
        "pulumi_snapshots.lightsail:COPY_SPEC",
        lightsail_snapshot,
        "source_snapshot_name",
        ("restore_date", "2024-02-30"),
    ),
    Case(
        "LightsailDatabaseSnapshot",
        "pulumi_snapshots.lightsail:DATABASE_SPEC",
        lightsail_database,
        "relational_database_name",
        ("timeout_minutes", "soon"),
    ),
]


def props_with_unknown(
    case: Case, name: str, known: Mapping[str, Any], **extra: Any
) -> Callable[[], dict[str, Any]]:
    """The resource's properties with `case.unknown` (and the nested inputs) not known yet,
    made inside the SDK's serialisation, as a program in preview makes them."""

    def build() -> dict[str, Any]:
        values = {NAME_KEY: name, **known, case.unknown: unknown_output()}
        if case.nested is not None:
            values.update(case.nested())
        values.update(extra)
        return provider_props(SnapshotProvider(case.spec_ref), values)

    return build


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.type_name)
def test_check_and_diff_take_unknowns_through_the_host(
    case: Case, host: ProviderHost, server: FakeAwsServer, control: Control
) -> None:
    known = case.seed(server)
    name = unique("pv")
    urn = urn_for(case.type_name, name)

    # Check in preview: the unknown input passes and stays unknown; nothing is called.
    before = control.request_counts()
    checked, failures = host.check(urn, {}, props_with_unknown(case, name, known))
    assert failures == []
    assert isinstance(checked[case.unknown], Unknown)
    if case.nested is not None:
        assert isinstance(checked["exclude_data_volume_ids"][1], Unknown)
        assert isinstance(checked["tags"]["from"], Unknown)
        assert checked["tags"]["team"] == "web"
    assert control.request_counts() == before

    # Every other rule still runs.
    prop, value = case.bad
    _, failures = host.check(urn, {}, props_with_unknown(case, name, known, **{prop: value}))
    assert [p for p, _ in failures] == [prop]

    # Against a real resource, an unknown replacing input is a possible replacement.
    created, failures = host.check(
        urn, {}, provider_props(SnapshotProvider(case.spec_ref), {NAME_KEY: name, **known})
    )
    assert failures == []
    id_, outs = host.create(urn, created)
    try:
        diff = host.diff(urn, id_, outs, props_with_unknown(case, name, known))
        assert diff.changes is True
        assert case.unknown in diff.replaces
    finally:
        host.delete(urn, id_, outs)


def test_preview_sends_unknowns_of_a_nested_value_in_a_tag(
    host: ProviderHost, server: FakeAwsServer
) -> None:
    """A known bad tag next to an unknown tag value is still reported."""
    known = neptune_source(server)
    urn = urn_for("NeptuneClusterSnapshotCopy", "tagged")
    _, failures = host.check(
        urn,
        {},
        lambda: provider_props(
            SnapshotProvider("pulumi_snapshots.neptune:SPEC"),
            {NAME_KEY: "tagged", **known, "tags": {"aws:owner": "x", "team": unknown_output()}},
        ),
    )
    assert failures == [("tags", "tag key 'aws:owner' must not start with 'aws:'")]


# Programs -----------------------------------------------------------------------------------


@pytest.fixture
def fake(server: FakeAwsServer) -> Iterator[FakeAwsServer]:
    server.control.reset()
    yield server
    server.control.reset()


def env(server: FakeAwsServer) -> dict[str, str]:
    return server.environment(PULUMI_SNAPSHOTS_POLL_SECONDS="0.01")


def test_readme_export_example_previews(fake: FakeAwsServer) -> None:
    source = elasticache_source(fake)["source_snapshot_name"]
    bucket = unique("exports")
    fake.client("s3", REGION).create_bucket(Bucket=bucket)
    before = fake.control.request_counts()

    def program() -> None:
        keep = ElastiCacheSnapshotCopy(
            "sessions-keep", source_snapshot_name=source, tags={"purpose": "retention"}
        )
        export = ElastiCacheSnapshotCopy(
            "sessions-export",
            source_snapshot_name=keep.target_snapshot_name,
            target_bucket=bucket,
        )
        pulumi.export("rdb_keys", export.exported_object_keys)
        pulumi.export("keep_arn", keep.arn)

    with run_program(
        program, config={"aws:region": REGION}, env=env(fake), preview=True
    ) as preview:
        assert preview.plan_summary() == "+ 2 to create"
        assert [s.name for s in preview.plan] == ["sessions-keep", "sessions-export"]
        keep, export = preview.plan
        assert export.inputs["source_snapshot_name"] == keep.inputs["target_snapshot_name"]
        assert preview.resources == []
        assert isinstance(preview.exports["keep_arn"], Unknown)
    assert fake.control.request_counts() == before


def chained_program(server: FakeAwsServer) -> Callable[[], None]:
    """All five resources, each with an input taken from an output of another resource of the
    same program that only exists once that resource is created."""
    instance = ec2_source(server)["instance_id"]
    neptune = neptune_source(server)["source_db_cluster_snapshot_identifier"]
    sessions = elasticache_source(server)["source_snapshot_name"]
    web = lightsail_snapshot(server)["source_snapshot_name"]
    database = lightsail_database(server)["relational_database_name"]

    def program() -> None:
        first = Ec2MultiVolumeSnapshot("app", instance_id=instance, tags={"tier": "app"})
        Ec2MultiVolumeSnapshot(
            "app-again",
            instance_id=first.snapshots.apply(lambda _: instance),
            tags={"after": first.id},
        )
        graph = NeptuneClusterSnapshotCopy("graph", source_db_cluster_snapshot_identifier=neptune)
        NeptuneClusterSnapshotCopy(
            "graph-again", source_db_cluster_snapshot_identifier=graph.db_cluster_snapshot_arn
        )
        keep = ElastiCacheSnapshotCopy("sessions", source_snapshot_name=sessions)
        ElastiCacheSnapshotCopy("sessions-again", source_snapshot_name=keep.id)
        copy = LightsailSnapshotCopy("web", source_region=REGION, source_snapshot_name=web)
        LightsailSnapshotCopy("web-again", source_region=copy.region, source_snapshot_name=copy.id)
        orders = LightsailDatabaseSnapshot("orders", relational_database_name=database)
        LightsailDatabaseSnapshot(
            "orders-again", relational_database_name=orders.from_relational_database_name
        )

    return program


def test_chained_program_previews_then_ups(fake: FakeAwsServer) -> None:
    program = chained_program(fake)
    config = {"aws:region": REGION}
    with run_program(program, config=config, env=env(fake), preview=True) as preview:
        assert preview.plan_summary() == "+ 10 to create"
        dependent = {s.name: s for s in preview.plan if s.name.endswith("-again")}
        assert len(dependent) == 5
        assert isinstance(
            dependent["graph-again"].inputs["source_db_cluster_snapshot_identifier"], Unknown
        )
        assert isinstance(dependent["app-again"].inputs["tags"]["after"], Unknown)
    with run_program(program, config=config, env=env(fake), destroy=False) as up:
        assert len(up.resources) == 10
        again = up.resource("graph-again")
        assert (
            again.inputs["source_db_cluster_snapshot_identifier"]
            == (up.resource("graph").outputs["db_cluster_snapshot_arn"])
        )
        # A second preview against what now exists: nothing changes.
        with run_program(program, config=config, env=env(fake), preview=True, prior=up) as next_:
            assert next_.plan_summary() == "10 unchanged"
        up.destroy()
