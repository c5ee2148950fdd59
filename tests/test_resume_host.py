"""Long waits in real pipelines, through the real provider host against the fake AWS: a stretch
of failed status reads, credentials that expire mid-wait, a host killed while it waits, a wait
that times out, and adopting an existing snapshot on purpose."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest

from pulumi_snapshots.engine.marks import MARK_KEY, Mark
from pulumi_snapshots.engine.provider import NAME_KEY, OWNER_KEY, SnapshotProvider
from pulumi_snapshots.testing import FakeAwsServer
from pulumi_snapshots.testing.control import Control
from pulumi_snapshots.testing.host import ProviderHost, provider_props, urn_for

REGION = "us-east-1"
NEPTUNE = "pulumi_snapshots.neptune:SPEC"
TYPE = "NeptuneClusterSnapshotCopy"


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


@pytest.fixture
def fresh(server: FakeAwsServer) -> Iterator[Control]:
    server.control.reset()
    yield server.control
    server.control.reset()


def seed(server: FakeAwsServer) -> str:
    neptune = server.client("neptune", REGION)
    cluster = unique("graph")
    neptune.create_db_cluster(DBClusterIdentifier=cluster, Engine="neptune")
    neptune.create_db_cluster_snapshot(
        DBClusterIdentifier=cluster, DBClusterSnapshotIdentifier=f"{cluster}-nightly"
    )
    return f"{cluster}-nightly"


def news(name: str, source: str, **more: Any) -> dict[str, Any]:
    """What the program side sends: the resource name, who makes it, and its inputs."""
    return {
        NAME_KEY: name,
        OWNER_KEY: f"shop/dev/{name}",
        "source_db_cluster_snapshot_identifier": source,
        **more,
    }


def check(host: ProviderHost, props: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    urn = urn_for(TYPE, props[NAME_KEY])
    inputs, failures = host.check(urn, {}, provider_props(SnapshotProvider(NEPTUNE), props))
    assert failures == []
    return urn, inputs


def copies_named(server: FakeAwsServer, prefix: str) -> list[str]:
    found = server.client("neptune", REGION).describe_db_cluster_snapshots()["DBClusterSnapshots"]
    return [
        s["DBClusterSnapshotIdentifier"]
        for s in found
        if s["DBClusterSnapshotIdentifier"].startswith(prefix)
    ]


def mark_of(server: FakeAwsServer, arn: str) -> Mark | None:
    listed = server.client("neptune", REGION).list_tags_for_resource(ResourceName=arn)["TagList"]
    return Mark.parse({t["Key"]: t["Value"] for t in listed}.get(MARK_KEY))


def host_with(server: FakeAwsServer, **config: str) -> ProviderHost:
    env = server.environment(PULUMI_SNAPSHOTS_POLL_SECONDS="0.01")
    return ProviderHost(env=env, config={"aws:region": REGION, **config})


def test_a_stretch_of_failed_status_reads_does_not_end_the_wait(
    server: FakeAwsServer, fresh: Control
) -> None:
    source = seed(server)
    fresh.use_manual_clock()
    fresh.hold("neptune", match="stretch-*", seconds=60)
    stretch = 5
    seen = threading.Event()

    def on_output(line: str) -> None:
        if "is still creating" in line and not seen.is_set():
            # Mid-wait: every status read fails for a stretch, with a 503 each time; the
            # copy is done by the end of it.
            fresh.fail("neptune", "DescribeDBClusterSnapshots", stretch, status=503)
            fresh.advance_clock(60)
            seen.set()

    # aws:maxRetries=1: botocore tries each read once, so the stretch reaches the wait.
    host = host_with(server, **{"aws:maxRetries": "1"})
    host.on_output = on_output
    with host:
        urn, inputs = check(host, news("stretch", source))
        id_, outs = host.create(urn, inputs)
    assert seen.is_set() and outs["status"] == "available"
    failed = fresh.error_counts()["neptune"]["DescribeDBClusterSnapshots"]
    print(f"a stretch of {stretch} failed status reads cost {sum(failed.values())} failed calls")
    assert sum(failed.values()) == stretch
    assert any("reading its state failed (ServiceUnavailable)" in line for line in host.output)
    assert any(f"works again after {stretch} failures" in line for line in host.output)
    assert copies_named(server, "stretch-") == [id_]


def test_credentials_that_expire_mid_wait_are_read_again(
    server: FakeAwsServer, fresh: Control, tmp_path: Path
) -> None:
    source = seed(server)
    credentials = tmp_path / "credentials"
    credentials.write_text(
        "[default]\naws_access_key_id = AKIAFIRSTKEYSOONOLD1\naws_secret_access_key = first\n"
    )
    fresh.use_manual_clock()
    fresh.hold("neptune", match="expiring-*", seconds=60)
    rotated = threading.Event()

    def on_output(line: str) -> None:
        if "is still creating" in line and not rotated.is_set():
            # The first key expires mid-wait; the file (as a credential helper would) now
            # holds a new one. The copy is done meanwhile.
            fresh.expire_credentials("AKIAFIRSTKEYSOONOLD1")
            credentials.write_text(
                "[default]\naws_access_key_id = AKIASECONDKEYFRESH12\naws_secret_access_key = s\n"
            )
            fresh.advance_clock(60)
            rotated.set()

    # Credentials from the file only (empty variables count as unset).
    env = {
        **server.environment(PULUMI_SNAPSHOTS_POLL_SECONDS="0.01"),
        "AWS_SHARED_CREDENTIALS_FILE": str(credentials),
        "AWS_ACCESS_KEY_ID": "",
        "AWS_SECRET_ACCESS_KEY": "",
        "AWS_SESSION_TOKEN": "",
        "AWS_PROFILE": "default",
    }
    host = ProviderHost(env=env, config={"aws:region": REGION}, on_output=on_output)
    with host:
        urn, inputs = check(host, news("expiring", source))
        _, outs = host.create(urn, inputs)
    assert rotated.is_set() and outs["status"] == "available"
    expired = fresh.error_counts()["neptune"]["DescribeDBClusterSnapshots"]
    assert set(expired) == {"ExpiredToken"}


def test_a_create_killed_mid_wait_is_resumed_by_the_next(
    server: FakeAwsServer, fresh: Control
) -> None:
    source = seed(server)
    fresh.use_manual_clock()
    fresh.hold("neptune", match="killed-*", seconds=3600)
    waiting = threading.Event()
    first = host_with(server)
    first.on_output = lambda line: waiting.set() if "is still creating" in line else None
    failed: list[BaseException] = []
    with first:
        urn, inputs = check(first, news("killed", source))

        def create() -> None:
            try:
                first.create(urn, inputs)
            except grpc.RpcError as exc:
                failed.append(exc)

        worker = threading.Thread(target=create)
        worker.start()
        assert waiting.wait(timeout=120), "the create never started waiting"
        first.kill()
        worker.join(timeout=60)
    assert failed, "the killed host answered the create"
    (orphan,) = copies_named(server, "killed-")
    assert orphan == inputs["target_db_cluster_snapshot_identifier"]

    # The copy finishes meanwhile; the next `pulumi up` creates again, in a new host.
    fresh.advance_clock(3600)
    with host_with(server) as second:
        urn, again = check(second, news("killed", source))
        assert again["target_db_cluster_snapshot_identifier"] == orphan
        id_, outs = second.create(urn, again)
        assert id_ == orphan and outs["status"] == "available"
        assert any("resuming the wait" in line for line in second.output)
    assert copies_named(server, "killed-") == [orphan]
    # The second create tries first; AWS refuses the taken name, and only then is it read.
    assert fresh.request_counts()["neptune"]["CopyDBClusterSnapshot"] == 2
    mark = mark_of(server, outs["db_cluster_snapshot_arn"])
    assert mark is not None and mark.owner == "shop/dev/killed"


def test_a_timed_out_create_keeps_its_copy_for_the_next_to_resume(
    server: FakeAwsServer, fresh: Control
) -> None:
    source = seed(server)
    # The fake keeps every module's snapshots: a prefix that no other test uses.
    fresh.use_manual_clock()
    fresh.hold("neptune", match="timedout-*", seconds=3600)
    with host_with(server) as host:
        urn, inputs = check(host, news("timedout", source, timeout_minutes=0.001))
        with pytest.raises(grpc.RpcError) as raised:
            host.create(urn, inputs)
        message = str(raised.value.details())  # type: ignore[attr-defined]
        name = inputs["target_db_cluster_snapshot_identifier"]
        assert f"{name} was not usable" in message and "It is kept" in message
        assert (
            f"aws neptune delete-db-cluster-snapshot --db-cluster-snapshot-identifier {name}"
            in (message)
        )
        assert copies_named(server, "timedout-") == [name]
        fresh.advance_clock(3600)
        id_, outs = host.create(urn, inputs)
    assert id_ == name and outs["status"] == "available"
    assert copies_named(server, "timedout-") == [name]
    # One copy: the second create's own was refused, as the name was taken.
    assert fresh.request_counts()["neptune"]["CopyDBClusterSnapshot"] == 2


def test_an_existing_copy_is_adopted_on_purpose_and_never_by_accident(
    server: FakeAwsServer, fresh: Control
) -> None:
    source, other = seed(server), seed(server)
    neptune = server.client("neptune", REGION)
    name = unique("by-hand")
    neptune.copy_db_cluster_snapshot(
        SourceDBClusterSnapshotIdentifier=source, TargetDBClusterSnapshotIdentifier=name
    )
    with host_with(server) as host:
        # Declared with its name but without adopt_id: AWS refuses, and the error says how.
        urn, inputs = check(
            host, news("legacy", source, target_db_cluster_snapshot_identifier=name)
        )
        with pytest.raises(grpc.RpcError) as raised:
            host.create(urn, inputs)
        assert f"set adopt_id={name!r} to take it over" in str(
            raised.value.details()  # type: ignore[attr-defined]
        )
        # Adopted from another source: refused, naming the difference; nothing changes.
        _, wrong = check(host, news("legacy", other, adopt_id=name))
        with pytest.raises(grpc.RpcError) as raised:
            host.create(urn, wrong)
        details = str(raised.value.details())  # type: ignore[attr-defined]
        assert "cannot be adopted" in details and "source_db_cluster_snapshot_identifier" in details
        arn = neptune.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=name)[
            "DBClusterSnapshots"
        ][0]["DBClusterSnapshotArn"]
        assert mark_of(server, arn) is None
        copied = fresh.request_counts()["neptune"]["CopyDBClusterSnapshot"]
        # Adopted as declared: managed from then on.
        _, adopting = check(host, news("legacy", source, adopt_id=name, tags={"a": "1"}))
        id_, outs = host.create(urn, adopting)
        assert id_ == name and outs["tags"] == {"a": "1"} and mark_of(server, arn) is not None
        assert fresh.request_counts()["neptune"]["CopyDBClusterSnapshot"] == copied
        retagged, _ = host.check(urn, adopting, {**adopting, "tags": {"a": "2"}})
        assert host.diff(urn, id_, outs, retagged).replaces == []
        updated = host.update(urn, id_, outs, retagged)
        assert updated["tags"] == {"a": "2"}
        host.delete(urn, id_, updated)
    assert copies_named(server, name) == []


def test_outputs_carry_the_mark_and_never_show_it_in_tags(
    server: FakeAwsServer, fresh: Control
) -> None:
    source = seed(server)
    with host_with(server) as host:
        urn, inputs = check(host, news("marked", source, tags={"team": "graph"}))
        id_, outs = host.create(urn, inputs)
        assert outs["tags"] == {"team": "graph"}
        mark = Mark.parse(outs["tags_all"][MARK_KEY])
        assert mark is not None and mark.owner == "shop/dev/marked"
        assert json.dumps(outs["tags_all"][MARK_KEY]) == json.dumps(outs["__mark"])
        assert host.diff(urn, id_, outs, inputs).changes is False
        host.delete(urn, id_, outs)
