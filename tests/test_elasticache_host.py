"""ElastiCacheSnapshotCopy through the real provider host (`python -m pulumi.dynamic`), driven
over gRPC as Pulumi drives it, against the fake AWS running as a server on 127.0.0.1."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

from pulumi_snapshots.engine.marks import without_mark
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
SPEC_REF = "pulumi_snapshots.elasticache:SPEC"
TYPE_NAME = "ElastiCacheSnapshotCopy"


def unique(prefix: str) -> str:
    """A fresh name: the server keeps its data for the whole module."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def keys_in(server: FakeAwsServer, bucket: str) -> list[str]:
    listing = server.client("s3", REGION).list_objects_v2(Bucket=bucket)
    return sorted(o["Key"] for o in listing.get("Contents", []))


def check_and_create(
    host: ProviderHost, news: dict[str, Any], seen: list[Any]
) -> tuple[str, str, dict[str, Any], dict[str, Any]]:
    """Check and create through the host: (urn, id, checked inputs, outputs)."""
    urn = urn_for(TYPE_NAME, news[NAME_KEY])
    props = provider_props(SnapshotProvider(SPEC_REF), news)
    inputs, failures = host.check(urn, {}, props)
    assert failures == []
    id_, outs = host.create(urn, inputs)
    seen.extend([props, inputs, outs])
    return urn, id_, inputs, outs


def test_copy_through_every_rpc(
    host: ProviderHost,
    server: FakeAwsServer,
    control: Control,
    leaked_credentials: Callable[[str], list[str]],
) -> None:
    source = unique("src")
    control.seed_elasticache_snapshot(source, REGION)
    seen: list[Any] = []
    control.hold("elasticache", match="sessions-keep-*", reads=2)
    urn, id_, inputs, outs = check_and_create(
        host,
        {
            NAME_KEY: "sessions-keep",
            "source_snapshot_name": source,
            "kms_key_id": "alias/backups",
            "tags": {"a": "1"},
        },
        seen,
    )
    assert id_ == inputs["target_snapshot_name"] and id_.startswith("sessions-keep-")
    assert outs["snapshot_status"] == "available" and outs["arn"].endswith(f":snapshot:{id_}")
    assert outs["kms_key_id"] == "alias/backups" and outs["tags"] == {"a": "1"}
    assert outs["region"] == REGION and outs["engine"] == "redis"
    assert "exported_object_keys" not in outs
    assert any(f"{TYPE_NAME} {id_} is still creating" in line for line in host.output)
    assert control.request_counts()["elasticache"]["CopySnapshot"] == 1

    # The provider is pickled by reference: small, and free of credentials.
    assert isinstance(inputs[PROVIDER_KEY], str) and len(inputs[PROVIDER_KEY]) < 512

    # Refresh, then a tag change: diff says update in place, update keeps every output.
    read_id, refreshed = host.read(urn, id_, outs)
    seen.append(refreshed)
    assert read_id == id_ and refreshed["arn"] == outs["arn"]
    checked, failures = host.check(urn, inputs, {**inputs, "tags": {"a": "2", "b": "3"}})
    assert failures == [] and checked["target_snapshot_name"] == id_
    diff = host.diff(urn, id_, refreshed, checked)
    assert diff.changes is True and diff.replaces == []
    updated = host.update(urn, id_, refreshed, checked)
    seen.append(updated)
    assert updated["tags"] == {"a": "2", "b": "3"}
    for key, value in refreshed.items():
        if key not in ("tags", "tags_all", "__tags"):
            assert updated[key] == value, key
    listed = server.client("elasticache", REGION).list_tags_for_resource(ResourceName=outs["arn"])
    assert without_mark({t["Key"]: t["Value"] for t in listed["TagList"]}) == {"a": "2", "b": "3"}

    # A replacing change, unknown in preview.
    preview = host.diff(
        urn, id_, updated, lambda: {**checked, "source_snapshot_name": unknown_output()}
    )
    assert preview.replaces == ["source_snapshot_name"]

    # Deleted out of band: read reports it gone; delete succeeds, twice.
    server.client("elasticache", REGION).delete_snapshot(SnapshotName=id_)
    gone_id, _ = host.read(urn, id_, updated)
    assert gone_id == ""
    host.delete(urn, id_, updated)
    host.delete(urn, id_, updated)

    text = json.dumps(seen, default=str) + "\n".join(host.output)
    assert leaked_credentials(text) == []


def test_export_through_every_rpc(
    host: ProviderHost,
    server: FakeAwsServer,
    control: Control,
    leaked_credentials: Callable[[str], list[str]],
) -> None:
    source, bucket = unique("sharded"), unique("exports")
    control.seed_elasticache_snapshot(source, REGION, num_node_groups=2)
    server.client("s3", REGION).create_bucket(Bucket=bucket)
    seen: list[Any] = []

    # An export's tags are S3 object tags: more than 10 fail the check, before any call (all 10
    # are the user's: the mark takes a slot only when one is free).
    tagged = provider_props(
        SnapshotProvider(SPEC_REF),
        {
            NAME_KEY: "x",
            "source_snapshot_name": source,
            "target_bucket": bucket,
            "tags": {f"k{i}": "v" for i in range(11)},
        },
    )
    _, failures = host.check(urn_for(TYPE_NAME, "x"), {}, tagged)
    assert [p for p, _ in failures] == ["tags"]
    assert "at most 10 tags are allowed, got 11" in failures[0][1]
    assert "elasticache" not in control.request_counts()

    control.hold("elasticache", match="sessions-export-*", reads=2)
    urn, id_, inputs, outs = check_and_create(
        host,
        {
            NAME_KEY: "sessions-export",
            "source_snapshot_name": source,
            "target_bucket": bucket,
            "tags": {"team": "cache"},
        },
        seen,
    )
    target = inputs["target_snapshot_name"]
    keys = [f"{target}-0001.rdb", f"{target}-0002.rdb"]
    assert id_ == target
    # None outputs are left out on the wire: an export has no `arn` at all.
    assert outs["exported_object_keys"] == keys and "arn" not in outs
    assert outs["snapshot_status"] == "available" and outs["target_bucket"] == bucket
    assert outs["tags"] == {"team": "cache"}
    assert keys_in(server, bucket) == keys
    s3 = server.client("s3", REGION)
    for key in keys:
        tags = s3.get_object_tagging(Bucket=bucket, Key=key)["TagSet"]
        assert without_mark({t["Key"]: t["Value"] for t in tags}) == {"team": "cache"}
    assert any(f"{TYPE_NAME} {id_} is still exporting" in line for line in host.output)

    # A lookup (Resource.get): only the id and the region.
    lookup = provider_props(SnapshotProvider(SPEC_REF), {"region": REGION})
    found_id, found = host.read(urn, id_, {}, lookup)
    assert found_id == id_ and found["exported_object_keys"] == keys
    assert found["target_bucket"] == bucket and found["target_snapshot_name"] == target

    # Timeout and tag changes update in place and keep the objects.
    checked, failures = host.check(
        urn, inputs, {**inputs, "timeout_minutes": 10, "tags": {"team": "sessions"}}
    )
    assert failures == []
    assert host.diff(urn, id_, outs, checked).replaces == []
    updated = host.update(urn, id_, outs, checked)
    assert updated["exported_object_keys"] == keys and updated["timeout_minutes"] == 10
    assert updated["tags"] == {"team": "sessions"}
    tags = s3.get_object_tagging(Bucket=bucket, Key=keys[1])["TagSet"]
    assert without_mark({t["Key"]: t["Value"] for t in tags}) == {"team": "sessions"}
    assert host.diff(urn, id_, updated, {**checked, "target_bucket": "other"}).replaces == [
        "target_bucket"
    ]

    # One object deleted out of band: the refresh shows the rest.
    server.client("s3", REGION).delete_object(Bucket=bucket, Key=keys[0])
    read_id, refreshed = host.read(urn, id_, updated)
    assert read_id == id_ and refreshed["exported_object_keys"] == keys[1:]

    # Delete removes what is left; then the export reads as gone, and deleting again succeeds.
    server.client("s3", REGION).put_object(Bucket=bucket, Key="unrelated.rdb", Body=b"x")
    host.delete(urn, id_, refreshed)
    assert keys_in(server, bucket) == ["unrelated.rdb"]
    gone_id, _ = host.read(urn, id_, refreshed)
    assert gone_id == ""
    host.delete(urn, id_, refreshed)

    text = json.dumps(seen, default=str) + "\n".join(host.output)
    assert leaked_credentials(text) == []
