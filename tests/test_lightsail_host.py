"""Lightsail resources through the real provider host, against the fake AWS server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pulumi_snapshots.engine.marks import without_mark
from pulumi_snapshots.engine.provider import NAME_KEY, SnapshotProvider
from pulumi_snapshots.testing import FakeAwsServer
from pulumi_snapshots.testing.host import ProviderHost, provider_props, urn_for

SOURCE, TARGET = "us-east-1", "eu-west-2"


@pytest.fixture(scope="module")
def host(server: FakeAwsServer) -> Iterator[ProviderHost]:
    env = server.environment(PULUMI_SNAPSHOTS_POLL_SECONDS="0.01")
    with ProviderHost(env=env, config={"aws:region": TARGET}) as running:
        yield running


def test_copy_and_database_snapshot_through_every_rpc(
    host: ProviderHost, server: FakeAwsServer
) -> None:
    source = server.client("lightsail", SOURCE)
    source.create_disk(diskName="vol", availabilityZone=f"{SOURCE}a", sizeInGb=8)
    source.create_disk_snapshot(diskName="vol", diskSnapshotName="vol-manual")
    server.control.reset()
    server.control.hold("lightsail", match="vol-dr-*", reads=2)

    copy_urn = urn_for("LightsailSnapshotCopy", "vol-dr")
    props = provider_props(
        SnapshotProvider("pulumi_snapshots.lightsail:COPY_SPEC"),
        {
            NAME_KEY: "vol-dr",
            "source_region": SOURCE,
            "source_snapshot_name": "vol-manual",
            "tags": {"a": "1"},
        },
    )
    inputs, failures = host.check(copy_urn, {}, props)
    assert failures == [] and inputs["region"] == TARGET
    id_, outs = host.create(copy_urn, inputs)
    assert outs["resource_type"] == "DiskSnapshot" and outs["state"] == "completed"
    assert any(f"{id_} is still pending" in line for line in host.output)
    target = server.client("lightsail", TARGET)
    tags = target.get_disk_snapshot(diskSnapshotName=id_)["diskSnapshot"]["tags"]
    assert without_mark({t["key"]: t["value"] for t in tags}) == {"a": "1"}

    news, _ = host.check(copy_urn, inputs, {**inputs, "tags": {"b": "2"}})
    diff = host.diff(copy_urn, id_, outs, news)
    assert diff.changes is True and diff.replaces == []
    updated = host.update(copy_urn, id_, outs, news)
    assert updated["tags"] == {"b": "2"} and updated["arn"] == outs["arn"]

    target.delete_disk_snapshot(diskSnapshotName=id_)
    gone, _ = host.read(copy_urn, id_, updated)
    assert gone == ""
    host.delete(copy_urn, id_, updated)

    source.create_relational_database(
        relationalDatabaseName="shop",
        relationalDatabaseBlueprintId="postgres_16",
        relationalDatabaseBundleId="micro_2_0",
        masterDatabaseName="shop",
        masterUsername="admin",
    )
    db_urn = urn_for("LightsailDatabaseSnapshot", "shop-snap")
    db_props = provider_props(
        SnapshotProvider("pulumi_snapshots.lightsail:DATABASE_SPEC"),
        {NAME_KEY: "shop-snap", "relational_database_name": "shop", "region": SOURCE},
    )
    db_inputs, failures = host.check(db_urn, {}, db_props)
    assert failures == []
    db_id, db_outs = host.create(db_urn, db_inputs)
    assert db_outs["state"] == "available" and db_outs["from_relational_database_name"] == "shop"
    assert host.read(db_urn, db_id, db_outs)[0] == db_id
    host.delete(db_urn, db_id, db_outs)
    assert host.read(db_urn, db_id, db_outs)[0] == ""
