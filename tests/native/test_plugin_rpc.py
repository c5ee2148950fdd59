"""The native plugin `pulumi-resource-snapshots`, driven over gRPC as the engine drives it, for
all five resources, against the fake AWS on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import grpc
import pytest
from pulumi.output import Unknown
from pulumi.runtime import proto, rpc

from pulumi_snapshots.native.schema import package_schema, version
from pulumi_snapshots.testing.native import PluginProcess, native_urn
from pulumi_snapshots.testing.quickstart import hold_pending, seed_sources
from pulumi_snapshots.testing.server import FakeAwsServer

REGION = "us-east-1"


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeAwsServer]:
    with FakeAwsServer() as running:
        running.control.reset()
        yield running
        running.control.reset()


@pytest.fixture(scope="module")
def sources(fake: FakeAwsServer) -> dict[str, str]:
    return seed_sources(fake.endpoint, fake.control, region=REGION)


@pytest.fixture(scope="module")
def plugin(fake: FakeAwsServer) -> Iterator[PluginProcess]:
    env = fake.environment(PULUMI_SNAPSHOTS_POLL_SECONDS="0.01")
    with PluginProcess(env=env) as running:
        running.configure({"region": REGION, "defaultTags": json.dumps({"tags": {"env": "t"}})})
        yield running


def inputs_of(type_name: str, sources: dict[str, str]) -> dict[str, Any]:
    """Each resource's inputs, in the wire's camelCase, naming the seeded sources."""
    return {
        "LightsailSnapshotCopy": {
            "sourceRegion": REGION,
            "sourceSnapshotName": sources["lightsailSnapshotName"],
        },
        "LightsailDatabaseSnapshot": {"relationalDatabaseName": sources["lightsailDatabaseName"]},
        "ElastiCacheSnapshotCopy": {"sourceSnapshotName": sources["elasticacheSnapshotName"]},
        "Ec2MultiVolumeSnapshot": {"instanceId": sources["instanceId"]},
        "NeptuneClusterSnapshotCopy": {
            "sourceDbClusterSnapshotIdentifier": sources["neptuneSnapshotArn"]
        },
    }[type_name]


NAME_INPUT = {
    "LightsailSnapshotCopy": "targetSnapshotName",
    "LightsailDatabaseSnapshot": "relationalDatabaseSnapshotName",
    "ElastiCacheSnapshotCopy": "targetSnapshotName",
    "Ec2MultiVolumeSnapshot": None,
    "NeptuneClusterSnapshotCopy": "targetDbClusterSnapshotIdentifier",
}
TYPES = sorted(NAME_INPUT)


def calls(fake: FakeAwsServer) -> int:
    return sum(sum(actions.values()) for actions in fake.control.request_counts().values())


@pytest.mark.parametrize("type_name", TYPES)
def test_every_rpc_of_a_lifecycle(
    type_name: str, plugin: PluginProcess, fake: FakeAwsServer, sources: dict[str, str]
) -> None:
    urn = native_urn(type_name, f"rpc-{type_name.lower()}")
    news = {**inputs_of(type_name, sources), "tags": {"team": "data"}}
    checked, failures = plugin.check(urn, news)
    assert failures == []
    assert checked["region"] == REGION
    name = NAME_INPUT[type_name]
    if name:
        # Autonamed from the resource's name, and named on the wire in camelCase.
        assert checked[name].startswith(f"rpc-{type_name.lower()}")

    before = calls(fake)
    id_, preview = plugin.create(urn, checked, preview=True)
    assert calls(fake) == before, "a preview must make no AWS call"
    assert id_ == ""
    assert isinstance(preview["tagsAll"], Unknown)
    assert preview["tags"] == {"team": "data"}

    id_, outputs = plugin.create(urn, checked)
    assert id_
    assert outputs["tags"] == {"team": "data"}
    # The stack's default tags (snapshots:defaultTags) are written under the resource's own.
    assert outputs["tagsAll"]["env"] == "t"
    assert not [k for k in outputs if "_" in k.strip("_")], "outputs are camelCase"
    assert plugin.logs(urn), "progress goes through the engine's Log RPC, per resource"

    same = plugin.diff(urn, id_, outputs, checked)
    assert same.changes == proto.DiffResponse.DIFF_NONE

    retagged = {**checked, "tags": {"team": "ml"}}
    diff = plugin.diff(urn, id_, outputs, retagged)
    assert diff.changes == proto.DiffResponse.DIFF_SOME
    # The tags change in place, and with them every tag the snapshot carries.
    assert diff.detailed == {
        "tags": proto.PropertyDiff.UPDATE,
        "tagsAll": proto.PropertyDiff.UPDATE,
    }
    assert diff.replaces == []
    updated = plugin.update(urn, id_, outputs, retagged)
    assert updated["tags"] == {"team": "ml"}

    # Refresh: old outputs and old inputs.
    read_id, refreshed, kept_inputs = plugin.read(urn, id_, updated, retagged)
    assert read_id == id_
    assert refreshed["tags"] == {"team": "ml"}
    assert kept_inputs["tags"] == {"team": "ml"}

    # Import: only the id. The inputs it gives, checked again, plan no change.
    import_urn = native_urn(type_name, f"imported-{type_name.lower()}")
    read_id, imported, imported_inputs = plugin.read(import_urn, id_)
    assert read_id == id_
    assert imported_inputs["tags"] == {"team": "ml", "env": "t"}
    if name:
        assert imported_inputs[name] == checked[name]
    # What AWS does not record on the snapshot (the source of a copy), the program gives, as
    # the engine's warning after the import says.
    program = {**inputs_of(type_name, sources), **imported_inputs}
    rechecked, failures = plugin.check(import_urn, program, imported_inputs)
    assert failures == []
    again = plugin.diff(import_urn, id_, imported, rechecked)
    assert again.changes == proto.DiffResponse.DIFF_NONE, again

    plugin.delete(urn, id_, updated)
    gone, _, _ = plugin.read(urn, id_, updated, retagged)
    assert gone == ""


def test_a_changed_name_replaces_in_the_detailed_diff(
    plugin: PluginProcess, sources: dict[str, str]
) -> None:
    urn = native_urn("LightsailDatabaseSnapshot", "renamed")
    checked, _ = plugin.check(urn, inputs_of("LightsailDatabaseSnapshot", sources))
    id_, outputs = plugin.create(urn, checked)
    try:
        renamed = {**checked, "relationalDatabaseSnapshotName": "orders-renamed"}
        diff = plugin.diff(urn, id_, outputs, renamed)
        assert diff.replaces == ["relationalDatabaseSnapshotName"]
        assert diff.detailed == {
            "relationalDatabaseSnapshotName": proto.PropertyDiff.UPDATE_REPLACE
        }
    finally:
        plugin.delete(urn, id_, outputs)


def test_check_failures_name_the_wire_inputs(plugin: PluginProcess) -> None:
    urn = native_urn("LightsailSnapshotCopy", "bad")
    news = {"sourceRegion": REGION, "sourceSnapshotName": "shop-x", "restoreDate": "2024-01-01"}
    _, failures = plugin.check(urn, news)
    assert failures == [("restoreDate", "applies only with sourceResourceName")]
    _, failures = plugin.check(urn, {**news, "restoreDate": None, "targetSnapshotName": "-bad"})
    assert [p for p, _ in failures] == ["targetSnapshotName"]


def test_custom_timeouts_win_and_errors_carry_no_traceback(
    plugin: PluginProcess, fake: FakeAwsServer, sources: dict[str, str]
) -> None:
    urn = native_urn("NeptuneClusterSnapshotCopy", "slow")
    news = {**inputs_of("NeptuneClusterSnapshotCopy", sources), "timeoutMinutes": 600}
    checked, _ = plugin.check(urn, news)
    hold_pending(fake.control, reads=10_000)
    try:
        with pytest.raises(grpc.RpcError) as caught:
            # customTimeouts.create of 0.6 s (0.01 minutes) wins over timeoutMinutes=600.
            plugin.create(urn, {**checked, "deleteOnTimeout": True}, timeout=0.6)
    finally:
        fake.control.reset()
    message = caught.value.details() or ""
    assert "after 0.01 minutes (customTimeouts.create)" in message
    assert "Traceback" not in message
    assert "deleteOnTimeout" in message or "it was deleted" in message


def test_secret_tags_stay_secret(plugin: PluginProcess, sources: dict[str, str]) -> None:
    urn = native_urn("LightsailDatabaseSnapshot", "secret-tags")
    news = {
        **inputs_of("LightsailDatabaseSnapshot", sources),
        "tags": rpc.wrap_rpc_secret({"token": "s3cr3t"}),
    }
    checked, _ = plugin.check(urn, news)
    assert rpc.is_rpc_secret(checked["tags"])
    id_, outputs = plugin.create(urn, checked)
    try:
        for key in ("tags", "tagsAll", "__tags"):
            assert rpc.is_rpc_secret(outputs[key]), key
        assert not rpc.is_rpc_secret(outputs["region"])
    finally:
        plugin.delete(urn, id_, outputs)


def test_ec2_nested_outputs_are_camel_case(plugin: PluginProcess, sources: dict[str, str]) -> None:
    urn = native_urn("Ec2MultiVolumeSnapshot", "nested")
    checked, _ = plugin.check(urn, inputs_of("Ec2MultiVolumeSnapshot", sources))
    id_, outputs = plugin.create(urn, checked)
    try:
        members = outputs["snapshots"]
        assert members and {"snapshotId", "volumeId", "startTime"} <= set(members[0])
        assert sorted(outputs["snapshotIds"]) == sorted(m["snapshotId"] for m in members)
    finally:
        plugin.delete(urn, id_, outputs)


def test_plugin_info_and_schema(plugin: PluginProcess) -> None:
    from google.protobuf import empty_pb2

    assert plugin.stub.GetPluginInfo(empty_pb2.Empty()).version == version()
    schema = json.loads(plugin.stub.GetSchema(proto.provider_pb2.GetSchemaRequest()).schema)
    assert schema == package_schema()


def test_config_warnings_use_the_package_namespace(fake: FakeAwsServer) -> None:
    with PluginProcess(env=fake.environment()) as fresh:
        fresh.configure({"region": REGION, "regoin": "x"})
        warnings = [r.message for r in fresh.engine.logs if r.severity == 2]
    assert any("snapshots:regoin" in w and "snapshots:region" in w for w in warnings), warnings


def test_the_plugin_ends_when_its_engine_is_gone(fake: FakeAwsServer) -> None:
    env = fake.environment(PULUMI_SNAPSHOTS_ENGINE_WATCH_SECONDS="0.1")
    with PluginProcess(env=env) as orphan:
        assert orphan.process is not None
        assert orphan.process.poll() is None
        # What a SIGKILLed `pulumi up` leaves: the engine's port refuses connections.
        orphan._server.stop(0)
        assert orphan.process.wait(timeout=60) == 1
        assert orphan.process.stderr is not None
        assert "the Pulumi engine is gone" in orphan.process.stderr.read()
