"""The real provider host: `python -m pulumi.dynamic`, driven over gRPC as Pulumi drives it,
against the fake AWS running as a server on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import grpc
import pytest

from pulumi_snapshots.engine.provider import NAME_KEY, SnapshotProvider
from pulumi_snapshots.testing import FakeAwsServer
from pulumi_snapshots.testing.control import Control
from pulumi_snapshots.testing.host import (
    PROVIDER_KEY,
    ProviderHost,
    provider_props,
    unknown_output,
    urn_for,
)

REGION = "us-east-1"


class Recorder:
    """Everything that went into or came out of the host, to search for secrets."""

    def __init__(self) -> None:
        self.seen: list[Any] = []

    def __call__(self, value: Any) -> Any:
        self.seen.append(value)
        return value

    def text(self) -> str:
        return json.dumps(self.seen, default=str)


def lifecycle(
    host: ProviderHost,
    type_name: str,
    spec_ref: str,
    news: dict[str, Any],
    record: Recorder,
) -> tuple[str, str, dict[str, Any], dict[str, Any]]:
    """Check and create a resource through the host: (urn, id, checked inputs, outputs)."""
    urn = urn_for(type_name, news[NAME_KEY])
    props = record(provider_props(SnapshotProvider(spec_ref), news))
    inputs, failures = host.check(urn, {}, props)
    record(inputs)
    assert failures == []
    # Sent as a request made beforehand, as the fleet benchmark sends its creates.
    id_, outs = host.create(urn, host.create_request(urn, inputs))
    record(outs)
    return urn, id_, inputs, outs


def test_neptune_through_every_rpc(
    host: ProviderHost,
    server: FakeAwsServer,
    control: Control,
    leaked_credentials: Callable[[str], list[str]],
) -> None:
    neptune = server.client("neptune")
    neptune.create_db_cluster(DBClusterIdentifier="host-graph", Engine="neptune")
    neptune.create_db_cluster_snapshot(
        DBClusterIdentifier="host-graph", DBClusterSnapshotIdentifier="host-nightly"
    )
    record = Recorder()
    control.hold("neptune", match="graph-dr-*", reads=2)
    urn, id_, inputs, outs = lifecycle(
        host,
        "NeptuneClusterSnapshotCopy",
        "pulumi_snapshots.neptune:SPEC",
        {
            NAME_KEY: "graph-dr",
            "source_db_cluster_snapshot_identifier": "Host-Nightly",
            "tags": {"a": "1"},
        },
        record,
    )
    assert id_.startswith("graph-dr-") and outs["status"] == "available"
    assert outs["region"] == REGION and outs["tags"] == {"a": "1"}
    assert isinstance(outs["allocated_storage"], int | float)
    assert any(f"{id_} is still creating" in line for line in host.output)

    # The provider is pickled by reference: small, and free of credentials.
    provider_blob = inputs[PROVIDER_KEY]
    assert isinstance(provider_blob, str) and len(provider_blob) < 512

    # Refresh, then a tag change: diff says update in place, update keeps every output.
    read_id, refreshed = host.read(urn, id_, outs)
    record(refreshed)
    assert (
        read_id == id_ and refreshed["db_cluster_snapshot_arn"] == outs["db_cluster_snapshot_arn"]
    )
    new_props = {**inputs, "tags": {"a": "2", "b": "3"}}
    checked, failures = host.check(urn, inputs, new_props)
    assert failures == [] and checked["target_db_cluster_snapshot_identifier"] == id_
    diff = host.diff(urn, id_, refreshed, checked)
    assert diff.changes is True and diff.replaces == []
    updated = record(host.update(urn, id_, refreshed, checked))
    assert updated["tags"] == {"a": "2", "b": "3"}
    for key, value in refreshed.items():
        if key not in ("tags", "tags_all", "__tags"):
            assert updated[key] == value, key

    # A replacing change: unknown in preview, then a real one.
    preview = host.diff(urn, id_, updated, lambda: {**checked, "kms_key_id": unknown_output()})
    assert preview.replaces == ["kms_key_id"]

    # Deleted out of band: read reports it gone; delete succeeds, twice.
    neptune.delete_db_cluster_snapshot(DBClusterSnapshotIdentifier=id_)
    gone_id, _ = host.read(urn, id_, updated)
    assert gone_id == ""
    host.delete(urn, id_, updated)
    host.delete(urn, id_, updated)

    text = record.text() + "\n".join(host.output)
    assert leaked_credentials(text) == []


def test_ec2_through_the_host_with_lookup_and_validation(
    host: ProviderHost, server: FakeAwsServer, control: Control
) -> None:
    ec2 = server.client("ec2")
    instance_id = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)["Instances"][0][
        "InstanceId"
    ]
    record = Recorder()
    control.hold("ec2", reads=2)
    urn, id_, _inputs, outs = lifecycle(
        host,
        "Ec2MultiVolumeSnapshot",
        "pulumi_snapshots.ec2:SPEC",
        {NAME_KEY: "web", "instance_id": instance_id, "tags": {"app": "web"}},
        record,
    )
    assert id_ == ",".join(outs["snapshot_ids"])
    assert any(f"Ec2MultiVolumeSnapshot {id_} is still pending" in line for line in host.output)

    # A lookup (Resource.get): no recorded properties, only the inputs with the provider.
    provider = provider_props(SnapshotProvider("pulumi_snapshots.ec2:SPEC"), {"region": REGION})
    found_id, found = host.read(urn, id_, {}, provider)
    assert found_id == id_ and found["snapshot_ids"] == outs["snapshot_ids"]
    assert found["tags"] == {"app": "web"}

    # Bad input is reported per property, before any AWS call.
    before = control.request_counts().get("ec2", {}).get("CreateSnapshots", 0)
    bad = provider_props(
        SnapshotProvider("pulumi_snapshots.ec2:SPEC"),
        {NAME_KEY: "bad", "instance_id": "web-1", "copy_tags_from_source": "instance"},
    )
    _, failures = host.check(urn, {}, bad)
    assert {p for p, _ in failures} == {"instance_id", "copy_tags_from_source"}
    assert control.request_counts().get("ec2", {}).get("CreateSnapshots", 0) == before

    host.delete(urn, id_, outs)
    gone_id, _ = host.read(urn, id_, outs)
    assert gone_id == ""


def test_stack_region_reaches_the_provider(server: FakeAwsServer, control: Control) -> None:
    env = server.environment(AWS_DEFAULT_REGION="eu-central-1")
    with ProviderHost(env=env, config={"aws:region": "ap-southeast-2"}) as other:
        props = provider_props(
            SnapshotProvider("pulumi_snapshots.ec2:SPEC"),
            {NAME_KEY: "r", "instance_id": "i-12345678"},
        )
        inputs, failures = other.check(urn_for("Ec2MultiVolumeSnapshot", "r"), {}, props)
    assert failures == [] and inputs["region"] == "ap-southeast-2"


def test_a_failed_create_ends_in_one_clear_sentence(
    host: ProviderHost, server: FakeAwsServer, control: Control
) -> None:
    """The host prints the exception's traceback then its message: no chained traceback that
    only repeats the cause."""
    neptune = server.client("neptune")
    neptune.create_db_cluster(DBClusterIdentifier="err-graph", Engine="neptune")
    neptune.create_db_cluster_snapshot(
        DBClusterIdentifier="err-graph", DBClusterSnapshotIdentifier="err-nightly"
    )
    provider = SnapshotProvider("pulumi_snapshots.neptune:SPEC")
    urn = urn_for("NeptuneClusterSnapshotCopy", "err")
    control.hold("neptune", match="err-copy", reads=1, then="error")
    for source, ending in (
        ("err-nightly", "reached the error state 'failed'; it was deleted"),
        ("no-such-snapshot", "DBClusterSnapshotNotFoundFault"),
    ):
        news = {
            NAME_KEY: "err",
            "source_db_cluster_snapshot_identifier": source,
            "target_db_cluster_snapshot_identifier": "err-copy",
        }
        inputs, failures = host.check(urn, {}, provider_props(provider, news))
        assert failures == []
        with pytest.raises(grpc.RpcError) as raised:
            host.create(urn, inputs)
        details = str(raised.value.details())  # type: ignore[attr-defined]
        # The message alone: no host frames, no chained causes.
        assert "Traceback" not in details, details
        assert "direct cause" not in details and "During handling" not in details
        assert "NeptuneClusterSnapshotCopy err-copy" in details and ending in details, details
        assert len(details.strip().splitlines()) == 1, details
