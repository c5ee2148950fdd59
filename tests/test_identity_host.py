"""The stack's AWS configuration and a resource's own identity, through the real provider host
against the fake AWS, which serves STS and keeps the accounts of assumed roles apart."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import grpc
import pytest

from pulumi_snapshots.engine.provider import NAME_KEY, SnapshotProvider
from pulumi_snapshots.testing import FakeAwsServer
from pulumi_snapshots.testing.control import Control
from pulumi_snapshots.testing.environment import role_client
from pulumi_snapshots.testing.host import ProviderHost, provider_props, urn_for

REGION = "us-east-1"
NEPTUNE = "pulumi_snapshots.neptune:SPEC"
DR_ROLE = "arn:aws:iam::222222222222:role/dr"
AUDIT_ROLE = "arn:aws:iam::333333333333:role/audit"
SECRET_KEY_ID = "AKIASTACKCONFIGSECRET"
SECRET_KEY = "stack-config-secret-key-that-must-not-leak"


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


def neptune_as(server: FakeAwsServer, role: str | None) -> Any:
    """A Neptune client of the caller's account, or of `role`'s (assumed through the fake STS)."""
    if role is None:
        return server.client("neptune", REGION)
    return role_client("neptune", REGION, server.endpoint, role)


def seed(neptune: Any) -> str:
    cluster = unique("graph")
    neptune.create_db_cluster(DBClusterIdentifier=cluster, Engine="neptune")
    neptune.create_db_cluster_snapshot(
        DBClusterIdentifier=cluster, DBClusterSnapshotIdentifier=f"{cluster}-nightly"
    )
    return f"{cluster}-nightly"


def copies(neptune: Any, name: str) -> list[str]:
    found = neptune.describe_db_cluster_snapshots()["DBClusterSnapshots"]
    return [
        s["DBClusterSnapshotIdentifier"] for s in found if s["DBClusterSnapshotIdentifier"] == name
    ]


@pytest.fixture
def fresh(server: FakeAwsServer) -> Iterator[Control]:
    server.control.reset()
    yield server.control
    server.control.reset()


def host_with(server: FakeAwsServer, config: dict[str, Any]) -> ProviderHost:
    env = server.environment(PULUMI_SNAPSHOTS_POLL_SECONDS="0.01")
    return ProviderHost(env=env, config={"aws:region": REGION, **config})


def check_and_create(
    host: ProviderHost, news: dict[str, Any]
) -> tuple[str, dict[str, Any], str, dict[str, Any]]:
    urn = urn_for("NeptuneClusterSnapshotCopy", news[NAME_KEY])
    inputs, failures = host.check(urn, {}, provider_props(SnapshotProvider(NEPTUNE), news))
    assert failures == []
    id_, outs = host.create(urn, inputs)
    return urn, inputs, id_, outs


def test_stack_assume_roles_act_in_the_roles_account(server: FakeAwsServer, fresh: Control) -> None:
    in_role = neptune_as(server, DR_ROLE)
    source = seed(in_role)
    config = {"aws:assumeRoles": json.dumps([{"roleArn": DR_ROLE, "sessionName": "dr"}])}
    with host_with(server, config) as host:
        urn, _, id_, outs = check_and_create(
            host, {NAME_KEY: "dr", "source_db_cluster_snapshot_identifier": source}
        )
        assert outs["db_cluster_snapshot_arn"].split(":")[4] == "222222222222"
        assert copies(in_role, id_) == [id_]
        assert copies(neptune_as(server, None), id_) == []
        # Refresh and delete act in the same account.
        assert host.read(urn, id_, outs)[0] == id_
        host.delete(urn, id_, outs)
    assert copies(in_role, id_) == []


def test_a_resource_identity_overrides_the_stacks(server: FakeAwsServer, fresh: Control) -> None:
    audit = neptune_as(server, AUDIT_ROLE)
    source = seed(audit)
    config = {"aws:assumeRoles": json.dumps([{"roleArn": DR_ROLE}])}
    with host_with(server, config) as host:
        urn, inputs, id_, outs = check_and_create(
            host,
            {
                NAME_KEY: "audit",
                "source_db_cluster_snapshot_identifier": source,
                "identity": {"assume_roles": [{"role_arn": AUDIT_ROLE, "session_name": "audit"}]},
            },
        )
        assert outs["db_cluster_snapshot_arn"].split(":")[4] == "333333333333"
        assert copies(audit, id_) == [id_]
        assert copies(neptune_as(server, DR_ROLE), id_) == []
        # Another identity is another resource.
        other = {**inputs, "identity": {"assume_roles": [{"role_arn": DR_ROLE}]}}
        assert "identity" in host.diff(urn, id_, outs, other).replaces
        host.delete(urn, id_, outs)
    assert copies(audit, id_) == []


def test_allowed_account_ids_block_a_create_before_any_change(
    server: FakeAwsServer, fresh: Control
) -> None:
    source = seed(neptune_as(server, None))
    fresh.reset()
    config = {"aws:allowedAccountIds": json.dumps(["111111111111"])}
    with host_with(server, config) as host:
        urn = urn_for("NeptuneClusterSnapshotCopy", "blocked")
        news = {NAME_KEY: "blocked", "source_db_cluster_snapshot_identifier": source}
        inputs, failures = host.check(urn, {}, provider_props(SnapshotProvider(NEPTUNE), news))
        assert failures == []
        with pytest.raises(grpc.RpcError) as raised:
            host.create(urn, inputs)
    message = str(raised.value.details())  # type: ignore[attr-defined]
    assert "AWS account 123456789012 is not allowed" in message
    assert "aws:allowedAccountIds" in message
    counts = fresh.request_counts()
    assert counts.get("sts", {}).get("GetCallerIdentity") == 1
    assert set(counts.get("neptune", {})) <= {"DescribeDBClusterSnapshots"}


def test_default_tags_reach_the_snapshot_and_update_in_place(
    server: FakeAwsServer, fresh: Control
) -> None:
    source = seed(neptune_as(server, None))
    news = {NAME_KEY: "tagged", "source_db_cluster_snapshot_identifier": source, "tags": {"a": "1"}}
    dev = {"aws:defaultTags": json.dumps({"tags": {"env": "dev", "a": "default"}})}
    with host_with(server, dev) as host:
        urn, inputs, id_, outs = check_and_create(host, news)
    assert outs["tags"] == {"a": "1"}
    assert {k: v for k, v in outs["tags_all"].items() if not k.startswith("pulumi-")} == {
        "a": "1",
        "env": "dev",
    }
    prod = {"aws:defaultTags": json.dumps({"tags": {"env": "prod"}})}
    with host_with(server, prod) as host:
        provider = provider_props(SnapshotProvider(NEPTUNE), news)
        checked, failures = host.check(urn, inputs, provider)
        assert failures == []
        diff = host.diff(urn, id_, outs, checked)
        assert diff.changes is True and diff.replaces == []
        updated = host.update(urn, id_, outs, checked)
        assert updated["tags_all"]["env"] == "prod" and updated["tags"] == {"a": "1"}
        host.delete(urn, id_, updated)


def test_a_malformed_config_key_is_named(server: FakeAwsServer) -> None:
    with host_with(server, {"aws:assumeRoles": '[{"roleArn": "not-an-arn"}]'}) as host:
        urn = urn_for("NeptuneClusterSnapshotCopy", "x")
        news = {NAME_KEY: "x", "source_db_cluster_snapshot_identifier": "s"}
        with pytest.raises(grpc.RpcError) as raised:
            host.check(urn, {}, provider_props(SnapshotProvider(NEPTUNE), news))
    assert "aws:assumeRoles" in str(raised.value.details())  # type: ignore[attr-defined]


def test_secret_keys_of_the_stack_never_reach_state_or_output(
    server: FakeAwsServer, fresh: Control
) -> None:
    source = seed(neptune_as(server, None))
    config = {"aws:accessKey": SECRET_KEY_ID, "aws:secretKey": SECRET_KEY}
    seen: list[Any] = []
    with host_with(server, config) as host:
        urn, inputs, id_, outs = check_and_create(
            host, {NAME_KEY: "keys", "source_db_cluster_snapshot_identifier": source}
        )
        seen += [inputs, outs, host.read(urn, id_, outs)]
        checked, _ = host.check(urn, inputs, {**inputs, "tags": {"b": "2"}})
        seen += [checked, host.update(urn, id_, outs, checked)]
        host.delete(urn, id_, outs)
        # A failure names the identity, never its keys.
        with pytest.raises(grpc.RpcError) as raised:
            host.create(urn, {**inputs, "source_db_cluster_snapshot_identifier": "missing"})
        seen.append(raised.value.details())  # type: ignore[attr-defined]
    text = json.dumps(seen, default=str) + "\n".join(host.output)
    assert SECRET_KEY not in text and SECRET_KEY_ID not in text
