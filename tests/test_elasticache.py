"""ElastiCacheSnapshotCopy: provider methods against the fake AWS."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest
from moto.elasticache.models import elasticache_backends
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from pulumi_snapshots import elasticache
from pulumi_snapshots.elasticache import SPEC
from pulumi_snapshots.engine.marks import MARK_KEY, without_mark
from pulumi_snapshots.engine.provider import AUTONAMED_KEY, NAME_KEY, SnapshotProvider
from pulumi_snapshots.engine.spec import Context
from pulumi_snapshots.engine.validation import UNKNOWN
from pulumi_snapshots.errors import AwsCallError, SnapshotFailed, WaitTimeout
from pulumi_snapshots.testing import fake_aws
from pulumi_snapshots.testing.control import Control

REGION = "us-east-1"
ACCOUNT = "123456789012"
BUCKET = "cache-exports"


@pytest.fixture
def fake() -> Iterator[Control]:
    # An export in flight is remembered per process: each test starts with none.
    elasticache._in_flight.clear()
    with fake_aws(REGION) as control:
        control.seed_elasticache_snapshot("nightly", REGION)
        control.seed_elasticache_snapshot("sharded", REGION, num_node_groups=3)
        boto3.client("s3", region_name=REGION).create_bucket(Bucket=BUCKET)
        control.reset()
        yield control


@pytest.fixture
def provider() -> SnapshotProvider:
    p = SnapshotProvider("pulumi_snapshots.elasticache:SPEC")
    p.configure(ConfigureRequest(Config({"aws:region": REGION}, "test")))
    return p


def checked(
    provider: SnapshotProvider, olds: dict[str, Any] | None = None, **news: Any
) -> dict[str, Any]:
    result = provider.check(olds or {}, {NAME_KEY: "cache-copy", **news})
    assert [(f.property, f.reason) for f in result.failures] == []
    return result.inputs


def failures(provider: SnapshotProvider, **news: Any) -> dict[str, str]:
    result = provider.check({}, {"source_snapshot_name": "nightly", **news})
    return {f.property: f.reason for f in result.failures}


def live(name: str) -> dict[str, Any] | None:
    client: Any = boto3.client("elasticache", region_name=REGION)
    try:
        found = client.describe_snapshots(SnapshotName=name)
    except client.exceptions.SnapshotNotFoundFault:
        return None
    snapshot: dict[str, Any] = found["Snapshots"][0]
    return snapshot


def keys_in(bucket: str = BUCKET) -> list[str]:
    listing = boto3.client("s3", region_name=REGION).list_objects_v2(Bucket=bucket)
    return sorted(o["Key"] for o in listing.get("Contents", []))


def put(key: str, bucket: str = BUCKET) -> None:
    boto3.client("s3", region_name=REGION).put_object(Bucket=bucket, Key=key, Body=b"x")


# check ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("news", "prop", "phrase"),
    [
        ({"source_snapshot_name": ""}, "source_snapshot_name", "must name an existing"),
        ({"source_snapshot_name": "  "}, "source_snapshot_name", "must name an existing"),
        ({"target_snapshot_name": ""}, "target_snapshot_name", "1 to 1000"),
        ({"target_snapshot_name": "a" * 256}, "target_snapshot_name", "1 to 255"),
        ({"target_snapshot_name": "1copy"}, "target_snapshot_name", "start with a letter"),
        ({"target_snapshot_name": "copy-"}, "target_snapshot_name", "end with a hyphen"),
        ({"target_snapshot_name": "a--b"}, "target_snapshot_name", "two consecutive hyphens"),
        ({"target_snapshot_name": "a_b"}, "target_snapshot_name", "not allowed: '_'"),
        ({"target_snapshot_name": "a.b"}, "target_snapshot_name", "not allowed: '.'"),
        ({"target_snapshot_name": "a/b"}, "target_snapshot_name", "not allowed: '/'"),
        (
            {"target_snapshot_name": "nightly"},
            "target_snapshot_name",
            "must differ from source_snapshot_name",
        ),
        ({"target_bucket": "ab"}, "target_bucket", "3 to 63"),
        ({"target_bucket": "b" * 64}, "target_bucket", "3 to 63"),
        ({"target_bucket": "Exports"}, "target_bucket", "not allowed: 'E'"),
        ({"target_bucket": "my_exports"}, "target_bucket", "not allowed: '_'"),
        ({"target_bucket": "-exports"}, "target_bucket", "begin with a lowercase letter or digit"),
        ({"target_bucket": "exports."}, "target_bucket", "end with a lowercase letter or digit"),
        ({"target_bucket": "my..exports"}, "target_bucket", "two adjacent dots"),
        ({"target_bucket": "192.168.5.4"}, "target_bucket", "formatted as an IP address"),
        ({"target_bucket": "xn--exports"}, "target_bucket", "reserved prefix 'xn--'"),
        ({"target_bucket": "sthree-exports"}, "target_bucket", "reserved prefix 'sthree-'"),
        ({"target_bucket": "amzn-s3-demo-x"}, "target_bucket", "reserved prefix 'amzn-s3-demo-'"),
        ({"target_bucket": "exports-s3alias"}, "target_bucket", "reserved suffix '-s3alias'"),
        ({"target_bucket": "exports--ol-s3"}, "target_bucket", "reserved suffix '--ol-s3'"),
        ({"target_bucket": "exports.mrap"}, "target_bucket", "reserved suffix '.mrap'"),
        ({"target_bucket": "exports--x-s3"}, "target_bucket", "reserved suffix '--x-s3'"),
        ({"target_bucket": "exports--table-s3"}, "target_bucket", "reserved suffix '--table-s3'"),
        ({"kms_key_id": ""}, "kms_key_id", "1 to 2048"),
        ({"kms_key_id": "k" * 2049}, "kms_key_id", "1 to 2048"),
        ({"tags": {"": "v"}}, "tags", "1 to 128"),
        ({"tags": {"k" * 129: "v"}}, "tags", "1 to 128"),
        ({"tags": {"k": "v" * 257}}, "tags", "at most 256"),
        ({"tags": {"AWS:owner": "v"}}, "tags", "must not start with 'aws:'"),
        ({"tags": {f"k{i}": "v" for i in range(51)}}, "tags", "at most 50 tags"),
        (
            {"target_snapshot_name": "x" * 1001, "target_bucket": BUCKET},
            "target_snapshot_name",
            "1 to 1000",
        ),
        (
            {"target_snapshot_name": "é" * 510, "target_bucket": BUCKET},
            "target_snapshot_name",
            "leave room for `-<id>.rdb` in S3's 1024-byte object keys",
        ),
        (
            {"target_snapshot_name": "a\ud800b", "target_bucket": BUCKET},
            "target_snapshot_name",
            "UTF-8 can encode",
        ),
        (
            {"target_snapshot_name": "Nightly", "source_snapshot_name": "nightly"},
            "target_snapshot_name",
            "must differ from source_snapshot_name",
        ),
        ({"timeout_minutes": -5}, "timeout_minutes", "greater than 0"),
        ({"region": "nowhere"}, "region", "not an AWS region"),
        ({"target_region": "us-west-2"}, "target_region", "not an input of this resource"),
    ],
)
def test_check_rejects_each_rule_by_property(
    provider: SnapshotProvider, news: dict[str, Any], prop: str, phrase: str
) -> None:
    got = failures(provider, **news)
    assert list(got) == [prop], got
    assert phrase.lower() in got[prop].lower()


def test_check_messages_cite_the_rules(provider: SnapshotProvider) -> None:
    assert (
        "(ElastiCache snapshot naming rules)"
        in failures(provider, target_snapshot_name="1")["target_snapshot_name"]
    )
    bucket = failures(provider, target_bucket="Bad_Bucket-")["target_bucket"]
    assert bucket.endswith("(S3 bucket naming rules)")
    # Every broken rule of one property is in its one failure.
    assert "not allowed" in bucket and "end with a lowercase letter or digit" in bucket


def test_check_accepts_what_aws_accepts_and_calls_no_aws(
    fake: Control, provider: SnapshotProvider
) -> None:
    for news in (
        {"source_snapshot_name": "automatic.sessions-2024-06-01-05-00"},
        {"target_snapshot_name": "Copy-Of-Nightly-2"},
        {"target_snapshot_name": "a" * 255},
        {"target_bucket": "my.exports-2024", "target_snapshot_name": "nightly"},
        {"target_bucket": "123"},
        {"target_bucket": BUCKET, "tags": {}},
        {"target_bucket": BUCKET, "tags": {"team": "cache", "keep": "30 days"}},
        {"target_bucket": BUCKET, "target_snapshot_name": "Exports/2024_06 nightly.v1"},
        {"kms_key_id": "arn:aws:kms:us-east-1:123456789012:alias/backups"},
        {"tags": {"Team name_1.x:y/z=+-@": "Ünïcode välue 42", "k": "v" * 256}},
    ):
        assert failures(provider, **news) == {}, news
    assert fake.request_counts() == {}


def test_check_unknowns_pass(provider: SnapshotProvider) -> None:
    assert failures(provider, target_bucket=UNKNOWN, tags={"a": "1"}) == {}
    assert failures(provider, source_snapshot_name=UNKNOWN, target_snapshot_name="x") == {}


def test_check_autonames_stably(provider: SnapshotProvider) -> None:
    first = checked(provider, source_snapshot_name="nightly")
    name = first["target_snapshot_name"]
    assert name.startswith("cache-copy-") and first[AUTONAMED_KEY] is True
    again = checked(provider, first, source_snapshot_name="nightly", tags={"a": "1"})
    assert again["target_snapshot_name"] == name
    # Derived from the resource and its replacing inputs: the same again, another for others.
    assert checked(provider, source_snapshot_name="nightly")["target_snapshot_name"] == name
    assert checked(provider, source_snapshot_name="weekly")["target_snapshot_name"] != name
    fixed = checked(provider, source_snapshot_name="nightly", target_snapshot_name="Keep-1")
    assert fixed["target_snapshot_name"] == "keep-1" and AUTONAMED_KEY not in fixed
    assert checked(provider, source_snapshot_name="s")["region"] == REGION


# copy -----------------------------------------------------------------------------------


def test_create_copy_with_kms_key_and_tags_waits_through_creating(
    fake: Control, provider: SnapshotProvider, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.hold("elasticache", match="cache-copy-*", reads=3)
    inputs = checked(
        provider,
        source_snapshot_name="nightly",
        kms_key_id="alias/backups",
        tags={"team": "cache"},
    )
    result = provider.create(inputs)
    counts = fake.request_counts()["elasticache"]
    assert counts["CopySnapshot"] == 1
    assert counts["DescribeSnapshots"] >= 4
    # Tags and the mark go with the copy request (for tag-on-create policies). No read comes
    # before it (the name is free, so the copy succeeds), and none after: the create sent the
    # tags, so the outputs need no tag read. The mark is written once more, saying that the
    # create returned.
    assert "ListTagsForResource" not in counts
    assert counts["AddTagsToResource"] == 1
    name = inputs["target_snapshot_name"]
    assert result.id == name
    outs = result.outs or {}
    assert outs["snapshot_status"] == "available"
    assert outs["arn"] == f"arn:aws:elasticache:{REGION}:123456789012:snapshot:{name}"
    assert outs["engine"] == "redis" and outs["engine_version"] == "7.1"
    assert outs["cache_node_type"] == "cache.t3.micro" and outs["snapshot_source"] == "manual"
    assert outs["kms_key_id"] == "alias/backups" and outs["exported_object_keys"] is None
    assert outs["tags"] == {"team": "cache"} and outs["region"] == REGION
    assert outs["source_snapshot_name"] == "nightly" and outs["target_snapshot_name"] == name
    copy = live(name)
    assert copy is not None and copy["KmsKeyId"] == "alias/backups"
    tags = boto3.client("elasticache", region_name=REGION).list_tags_for_resource(
        ResourceName=outs["arn"]
    )["TagList"]
    assert without_mark({t["Key"]: t["Value"] for t in tags}) == {"team": "cache"}
    printed = capsys.readouterr().out
    assert f"ElastiCacheSnapshotCopy {name}: copying nightly" in printed
    assert f"ElastiCacheSnapshotCopy {name} is still creating" in printed
    assert f"ElastiCacheSnapshotCopy {name} is available" in printed


def test_copy_without_kms_key_shows_the_key_aws_chose(
    fake: Control, provider: SnapshotProvider
) -> None:
    provider.create(
        checked(
            provider,
            source_snapshot_name="nightly",
            target_snapshot_name="encrypted",
            kms_key_id="key-1",
        )
    )
    # A copy made without a key keeps its source's: AWS fills the input in.
    inputs = checked(provider, source_snapshot_name="encrypted")
    outs = provider.create(inputs).outs or {}
    assert "kms_key_id" not in inputs and outs["kms_key_id"] == "key-1"
    assert provider.diff("x", outs, inputs).changes is False


def test_failed_copy_is_deleted_and_error_says_why(
    fake: Control, provider: SnapshotProvider
) -> None:
    fake.hold("elasticache", match="cache-copy-*", reads=1, then="error")
    inputs = checked(provider, source_snapshot_name="nightly")
    name = inputs["target_snapshot_name"]
    with pytest.raises(SnapshotFailed, match=rf"{name} reached the error state 'failed'.*deleted"):
        provider.create(inputs)
    assert live(name) is None


def test_timeout_names_snapshot_and_last_state(fake: Control, provider: SnapshotProvider) -> None:
    fake.use_manual_clock()
    fake.hold("elasticache", match="cache-copy-*", seconds=3600)
    inputs = checked(provider, source_snapshot_name="nightly", timeout_minutes=0.002)
    name = inputs["target_snapshot_name"]
    with pytest.raises(
        WaitTimeout, match=rf"{name} was not usable .* last state: creating. It is kept"
    ):
        provider.create(inputs)
    assert live(name) is not None
    # Once it is done, the next create takes it over.
    fake.advance_clock(3600)
    resumed = provider.create(inputs)
    # Its copy request is refused (the name is taken) before the existing copy is read.
    assert resumed.id == name and fake.request_counts()["elasticache"]["CopySnapshot"] == 2
    deleting = checked(
        provider, source_snapshot_name="sharded", timeout_minutes=0.002, delete_on_timeout=True
    )
    fake.hold("elasticache", match="cache-copy-*", reads=10_000)
    with pytest.raises(WaitTimeout, match=r"last state: creating; it was deleted"):
        provider.create(deleting)
    assert live(deleting["target_snapshot_name"]) is None


def test_throttled_calls_are_retried(fake: Control, provider: SnapshotProvider) -> None:
    fake.throttle("elasticache", "CopySnapshot", 2)
    inputs = checked(provider, source_snapshot_name="nightly")
    assert provider.create(inputs).id == inputs["target_snapshot_name"]
    assert fake.request_counts()["elasticache"]["CopySnapshot"] == 3


def test_errors_name_operation_snapshot_and_code(fake: Control, provider: SnapshotProvider) -> None:
    inputs = checked(
        provider, source_snapshot_name="missing", target_snapshot_name="copy-of-missing"
    )
    with pytest.raises(AwsCallError) as caught:
        provider.create(inputs)
    message = str(caught.value)
    assert "copy_snapshot" in message and "copy-of-missing" in message
    assert "SnapshotNotFoundFault" in message


def test_diff_rules(fake: Control, provider: SnapshotProvider) -> None:
    inputs = checked(provider, source_snapshot_name="nightly", tags={"a": "1"})
    outs = provider.create(inputs).outs or {}
    same = provider.diff("x", outs, inputs)
    assert same.changes is False and same.replaces == []
    tags = provider.diff("x", outs, {**inputs, "tags": {"a": "2"}})
    assert tags.changes is True and tags.replaces == []
    timeout = provider.diff("x", outs, {**inputs, "timeout_minutes": 5.0})
    assert timeout.changes is True and timeout.replaces == []
    for key, value in (
        ("source_snapshot_name", "sharded"),
        ("target_snapshot_name", "other-name"),
        ("target_bucket", BUCKET),
        ("kms_key_id", "alias/other"),
    ):
        replaced = provider.diff("x", outs, {**inputs, key: value})
        assert replaced.replaces == [key], key
        # An autonamed copy gets a new name, so the old one can go after the new one exists.
        assert not replaced.delete_before_replace, key
    preview = provider.diff("x", outs, {**inputs, "source_snapshot_name": UNKNOWN})
    assert preview.replaces == ["source_snapshot_name"]


def test_fixed_name_replacement_deletes_first(fake: Control, provider: SnapshotProvider) -> None:
    inputs = checked(provider, source_snapshot_name="nightly", target_snapshot_name="fixed")
    outs = provider.create(inputs).outs or {}
    result = provider.diff("fixed", outs, {**inputs, "source_snapshot_name": "sharded"})
    assert result.replaces == ["source_snapshot_name"] and result.delete_before_replace is True
    renamed = provider.diff("fixed", outs, {**inputs, "target_snapshot_name": "fixed-2"})
    assert renamed.replaces == ["target_snapshot_name"] and not renamed.delete_before_replace
    # An export of the same name lives in a bucket, not among the snapshots: no collision,
    # so the copy stays until the export exists.
    exported = provider.diff("fixed", outs, {**inputs, "target_bucket": BUCKET})
    assert exported.replaces == ["target_bucket"] and not exported.delete_before_replace


def test_update_tags_in_place_returns_full_outputs(
    fake: Control, provider: SnapshotProvider
) -> None:
    inputs = checked(provider, source_snapshot_name="nightly", tags={"a": "1", "b": "2"})
    created = provider.create(inputs)
    before = created.outs or {}
    news = {**inputs, "tags": {"a": "9", "c": "3"}}
    assert provider.diff(created.id, before, news).replaces == []
    outs = provider.update(created.id, before, news).outs or {}
    assert outs["tags"] == {"a": "9", "c": "3"}
    for key in ("arn", "snapshot_status", "engine", "engine_version", "target_snapshot_name"):
        assert outs[key] == before[key], key
    listed = boto3.client("elasticache", region_name=REGION).list_tags_for_resource(
        ResourceName=outs["arn"]
    )["TagList"]
    assert without_mark({t["Key"]: t["Value"] for t in listed}) == {"a": "9", "c": "3"}
    assert live(created.id) is not None
    assert fake.request_counts()["elasticache"]["CopySnapshot"] == 1


def test_read_of_deleted_snapshot_is_gone_and_delete_is_idempotent(
    fake: Control, provider: SnapshotProvider
) -> None:
    inputs = checked(provider, source_snapshot_name="nightly")
    created = provider.create(inputs)
    outs = created.outs or {}
    assert provider.read(created.id, outs).id == created.id
    boto3.client("elasticache", region_name=REGION).delete_snapshot(SnapshotName=created.id)
    gone = provider.read(created.id, outs)
    assert gone.id is None and gone.outs == {}
    provider.delete(created.id, outs)
    provider.delete(created.id, outs)


def test_delete_removes_the_copy_and_only_it(fake: Control, provider: SnapshotProvider) -> None:
    created = provider.create(checked(provider, source_snapshot_name="nightly"))
    provider.delete(created.id, created.outs or {})
    assert live(created.id) is None
    assert live("nightly") is not None


def test_lookup_recovers_inputs(fake: Control, provider: SnapshotProvider) -> None:
    inputs = checked(provider, source_snapshot_name="nightly", tags={"k": "v"})
    created = provider.create(inputs)
    found = provider.read(created.id, {"region": REGION})
    outs = found.outs or {}
    assert found.id == created.id and outs["target_snapshot_name"] == created.id
    assert outs["tags"] == {"k": "v"} and outs["snapshot_status"] == "available"


# export ---------------------------------------------------------------------------------


def export_inputs(provider: SnapshotProvider, **news: Any) -> dict[str, Any]:
    return checked(provider, source_snapshot_name="sharded", target_bucket=BUCKET, **news)


def expected_keys(target: str, count: int = 3) -> list[str]:
    return [f"{target}-{n:04d}.rdb" for n in range(1, count + 1)]


def test_export_owns_exactly_its_objects(
    fake: Control, provider: SnapshotProvider, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = export_inputs(provider)
    target = inputs["target_snapshot_name"]
    # Objects that only look alike belong to someone else.
    others = [
        f"{target}-0001.rdb.bak",
        f"{target}-12345.rdb",
        f"{target}-a1.rdb",
        f"{target}-.rdb",
        f"{target}-2-0001.rdb",
        f"{target}0001.rdb",
        f"x{target}-0001.rdb",
    ]
    for key in others:
        put(key)
    fake.hold("elasticache", match="cache-copy-*", reads=2)
    result = provider.create(inputs)
    assert result.id == target
    outs = result.outs or {}
    assert outs["exported_object_keys"] == expected_keys(target)
    assert outs["snapshot_status"] == "available" and outs["arn"] is None
    assert outs["target_bucket"] == BUCKET and outs["target_snapshot_name"] == target
    assert outs["source_snapshot_name"] == "sharded"
    assert outs["tags"] == {} and outs["region"] == REGION
    assert keys_in() == sorted([*expected_keys(target), *others])
    assert live(target) is None and live("sharded")["SnapshotStatus"] == "available"  # type: ignore[index]
    printed = capsys.readouterr().out
    assert f"ElastiCacheSnapshotCopy {target}: exporting sharded to s3://{BUCKET}" in printed
    assert f"ElastiCacheSnapshotCopy {target} is still exporting" in printed
    assert f"ElastiCacheSnapshotCopy {target} is available" in printed
    counts = fake.request_counts()["elasticache"]
    assert counts["CopySnapshot"] == 1 and counts["DescribeSnapshots"] >= 3

    provider.delete(result.id, outs)
    assert keys_in() == sorted(others)
    provider.delete(result.id, outs)


def test_export_may_reuse_the_source_name(fake: Control, provider: SnapshotProvider) -> None:
    inputs = export_inputs(provider, target_snapshot_name="sharded")
    outs = provider.create(inputs).outs or {}
    assert outs["exported_object_keys"] == expected_keys("sharded")


def test_refresh_reads_the_objects_back(fake: Control, provider: SnapshotProvider) -> None:
    inputs = export_inputs(provider)
    created = provider.create(inputs)
    target = inputs["target_snapshot_name"]
    outs = created.outs or {}
    read = provider.read(created.id, outs)
    assert read.id == created.id and read.outs == outs
    s3 = boto3.client("s3", region_name=REGION)
    s3.delete_object(Bucket=BUCKET, Key=f"{target}-0002.rdb")
    partly = provider.read(created.id, outs)
    assert partly.id == created.id
    assert (partly.outs or {})["exported_object_keys"] == [
        f"{target}-0001.rdb",
        f"{target}-0003.rdb",
    ]
    for key in (f"{target}-0001.rdb", f"{target}-0003.rdb"):
        s3.delete_object(Bucket=BUCKET, Key=key)
    gone = provider.read(created.id, partly.outs or {})
    assert gone.id is None and gone.outs == {}
    provider.delete(created.id, outs)


def test_refresh_finds_an_export_by_its_recorded_bucket(
    fake: Control, provider: SnapshotProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs = export_inputs(provider)
    created = provider.create(inputs)
    recorded = created.outs or {}
    # Another process (a later `pulumi refresh`) knows only what state recorded.
    monkeypatch.setattr(elasticache, "_in_flight", {})
    found = provider.read(created.id, recorded)
    outs = found.outs or {}
    assert found.id == created.id
    assert outs["target_bucket"] == BUCKET
    assert outs["exported_object_keys"] == recorded["exported_object_keys"]
    # A lookup by id knows no bucket, and an export is no ElastiCache snapshot: it reads gone.
    assert provider.read(created.id, {"region": REGION}).id is None
    assert provider.read("never-exported", {"region": REGION, "target_bucket": BUCKET}).id is None
    assert (
        provider.read(created.id, {"region": REGION, "target_bucket": "no-such-bucket-here"}).id
        is None
    )
    provider.delete(created.id, recorded)
    assert keys_in() == []


def test_failed_export_raises_and_leaves_nothing(fake: Control, provider: SnapshotProvider) -> None:
    fake.hold("elasticache", match="cache-copy-*", reads=1, then="error")
    inputs = export_inputs(provider)
    target = inputs["target_snapshot_name"]
    with pytest.raises(
        SnapshotFailed,
        match=rf"ElastiCacheSnapshotCopy {target} reached the error state 'failed': "
        rf"ElastiCache finished exporting sharded but wrote no {target}-<shard id>.rdb object to s3://{BUCKET}.*deleted",
    ):
        provider.create(inputs)
    assert keys_in() == []
    assert live("sharded")["SnapshotStatus"] == "available"  # type: ignore[index]
    # Nothing of the failed export is left to mistake for a later one of the same name.
    assert provider.read(target, {"region": REGION, "target_bucket": BUCKET}).id is None


def test_export_timeout_says_the_export_cannot_be_cancelled(
    fake: Control, provider: SnapshotProvider
) -> None:
    fake.hold("elasticache", match="cache-copy-*", reads=10_000)
    inputs = export_inputs(provider, timeout_minutes=0.002, delete_on_timeout=True)
    target = inputs["target_snapshot_name"]
    with pytest.raises(WaitTimeout) as caught:
        provider.create(inputs)
    message = str(caught.value)
    assert f"ElastiCacheSnapshotCopy {target} was not usable" in message
    assert "last state: exporting" in message
    assert "still exporting sharded and an export cannot be cancelled" in message
    assert keys_in() == []


def test_export_to_a_missing_bucket_names_the_error(
    fake: Control, provider: SnapshotProvider
) -> None:
    inputs = checked(provider, source_snapshot_name="nightly", target_bucket="no-such-bucket")
    with pytest.raises(AwsCallError, match=r"copy_snapshot on ElastiCacheSnapshotCopy .*does not"):
        provider.create(inputs)


def test_export_diff_and_update_in_place(fake: Control, provider: SnapshotProvider) -> None:
    inputs = export_inputs(provider)
    created = provider.create(inputs)
    outs = created.outs or {}
    assert provider.diff(created.id, outs, inputs).changes is False
    news = {**inputs, "timeout_minutes": 30.0}
    diff = provider.diff(created.id, outs, news)
    assert diff.changes is True and diff.replaces == []
    updated = provider.update(created.id, outs, news).outs or {}
    assert updated["timeout_minutes"] == 30.0
    assert updated["exported_object_keys"] == outs["exported_object_keys"]
    assert provider.diff(created.id, updated, {**news, "target_bucket": "elsewhere"}).replaces == [
        "target_bucket"
    ]
    # An export's tags are S3 object tags: at most 10, checked before any diff.
    eleven = {f"k{i}": "v" for i in range(11)}
    assert list(failures(provider, target_bucket=BUCKET, tags=eleven)) == ["tags"]


# many waits at once ---------------------------------------------------------------------

WAITS = 8


def describes(fake: Control) -> int:
    return fake.request_counts().get("elasticache", {}).get("DescribeSnapshots", 0)


def test_concurrent_waits_share_their_status_calls(
    fake: Control, provider: SnapshotProvider
) -> None:
    fake.hold("elasticache", match="single", reads=6)
    provider.create(
        checked(provider, source_snapshot_name="nightly", target_snapshot_name="single")
    )
    one = describes(fake)
    fake.reset()
    fake.hold("elasticache", match="shared-*", reads=6)
    names = [f"shared-{i}" for i in range(WAITS)]
    with ThreadPoolExecutor(WAITS) as pool:
        results = list(
            pool.map(
                lambda name: provider.create(
                    checked(provider, source_snapshot_name="nightly", target_snapshot_name=name)
                ),
                names,
            )
        )
    assert [r.id for r in results] == names
    assert [(r.outs or {})["snapshot_status"] for r in results] == ["available"] * WAITS
    assert [(r.outs or {})["target_snapshot_name"] for r in results] == names
    # Alone, each wait would need as many calls as the single one: 8 times as many.
    assert one >= 6
    assert describes(fake) <= 3 * one, (one, describes(fake))


def test_mixed_waits_resolve_to_their_own_outcome(
    fake: Control, provider: SnapshotProvider
) -> None:
    plans = {
        "mix-copy-ok": (None, "usable"),
        "mix-copy-bad": (None, "error"),
        "mix-copy-ok-2": (None, "usable"),
        "mix-export-ok": (BUCKET, "usable"),
    }
    for name, (_, then) in plans.items():
        fake.hold("elasticache", match=name, reads=3, then=then)  # type: ignore[arg-type]

    def create(name: str) -> Any:
        bucket = plans[name][0]
        source = "sharded" if bucket else "nightly"
        extra: dict[str, Any] = {"target_bucket": bucket} if bucket else {}
        return provider.create(
            checked(provider, source_snapshot_name=source, target_snapshot_name=name, **extra)
        )

    with ThreadPoolExecutor(len(plans)) as pool:
        futures = {name: pool.submit(create, name) for name in plans}
        for name in ("mix-copy-ok", "mix-copy-ok-2"):
            assert futures[name].result().id == name
        with pytest.raises(SnapshotFailed) as failed:
            futures["mix-copy-bad"].result()
        assert "mix-copy-bad reached the error state 'failed'" in str(failed.value)
        assert [n for n in plans if n != "mix-copy-bad" and n in str(failed.value)] == []
        export = futures["mix-export-ok"].result()
    assert export.id == "mix-export-ok"
    assert (export.outs or {})["exported_object_keys"] == expected_keys("mix-export-ok")
    assert live("mix-copy-bad") is None and live("mix-copy-ok") is not None


def test_describe_many_reads_what_a_listing_misses_by_name(
    fake: Control, provider: SnapshotProvider
) -> None:
    first = provider.create(checked(provider, source_snapshot_name="nightly"))
    second = provider.create(checked(provider, source_snapshot_name="sharded"))
    export = provider.create(export_inputs(provider))
    fake.reset()
    assert SPEC.describe_many is not None
    ctx = Context(SPEC, REGION, lambda _line: None)
    found = SPEC.describe_many(ctx, sorted([first.id, second.id, "never-made", export.id]))
    assert found["never-made"] is None
    for created in (first, second, export):
        got = found[created.id]
        assert got is not None and got.state == "available", created.id
    assert found[export.id].outputs["exported_object_keys"] == expected_keys(export.id)  # type: ignore[union-attr]
    # One listing of manual snapshots for the copies, one read by name for the missing one.
    assert describes(fake) == 2


# names as ElastiCache stores them -----------------------------------------------------------


def test_a_copy_name_is_stored_in_lower_case(fake: Control, provider: SnapshotProvider) -> None:
    inputs = checked(provider, source_snapshot_name="nightly", target_snapshot_name="MyCopy")
    assert inputs["target_snapshot_name"] == "mycopy"
    created = provider.create(inputs)
    assert created.id == "mycopy" and (created.outs or {})["target_snapshot_name"] == "mycopy"
    assert live("mycopy") is not None
    # A lookup in another case finds the copy under the name AWS has.
    assert provider.read("MyCopy", {"region": REGION}).id == "mycopy"


def test_export_names_are_what_the_user_guide_allows(
    fake: Control, provider: SnapshotProvider
) -> None:
    name = "Nightly Exports/2024_06.v1+ünï"
    for news in (
        {"target_snapshot_name": name},
        {"target_snapshot_name": "a" * 1000},
        {"target_snapshot_name": "é" * 509},
    ):
        assert failures(provider, target_bucket=BUCKET, **news) == {}, news
    inputs = export_inputs(provider, target_snapshot_name=name)
    outs = provider.create(inputs).outs or {}
    assert outs["exported_object_keys"] == expected_keys(name.lower())
    assert keys_in() == expected_keys(name.lower())


# exported objects, named after their shards -----------------------------------------------


def test_exports_name_objects_after_any_node_group_id(
    fake: Control, provider: SnapshotProvider
) -> None:
    # Node group ids may be chosen by the user: 1 to 4 digits (AllowedNodeGroupId).
    fake.seed_elasticache_snapshot("custom", REGION, num_node_groups=3)
    nodes = elasticache_backends[ACCOUNT][REGION].snapshots["custom"].node_snapshots
    for node, group in zip(nodes, ("7", "12", "0400"), strict=True):
        node["NodeGroupId"] = group
    inputs = checked(provider, source_snapshot_name="custom", target_bucket=BUCKET)
    target = inputs["target_snapshot_name"]
    created = provider.create(inputs)
    keys = sorted(f"{target}-{group}.rdb" for group in ("7", "12", "0400"))
    assert (created.outs or {})["exported_object_keys"] == keys
    assert provider.read(created.id, created.outs or {}).outs["exported_object_keys"] == keys  # type: ignore[index]
    provider.delete(created.id, created.outs or {})
    assert keys_in() == []


# tags of an export: S3 object tags --------------------------------------------------------


def object_tags(key: str) -> dict[str, str]:
    found = boto3.client("s3", region_name=REGION).get_object_tagging(Bucket=BUCKET, Key=key)
    return {t["Key"]: t["Value"] for t in found["TagSet"]}


def test_an_exports_tags_are_its_objects_tags(fake: Control, provider: SnapshotProvider) -> None:
    inputs = export_inputs(provider, tags={"team": "cache", "keep": "30d"})
    created = provider.create(inputs)
    outs = created.outs or {}
    keys = outs["exported_object_keys"]
    assert outs["tags"] == {"team": "cache", "keep": "30d"}
    assert all(without_mark(object_tags(key)) == {"team": "cache", "keep": "30d"} for key in keys)
    assert all(MARK_KEY in object_tags(key) for key in keys)
    # Updated in place, keeping tags that others put on the objects.
    s3 = boto3.client("s3", region_name=REGION)
    s3.put_object_tagging(
        Bucket=BUCKET,
        Key=keys[0],
        Tagging={
            "TagSet": [
                *[{"Key": k, "Value": v} for k, v in object_tags(keys[0]).items()],
                {"Key": "scanned", "Value": "yes"},
            ]
        },
    )
    news = {**inputs, "tags": {"team": "cache", "keep": "90d"}}
    diff = provider.diff(created.id, outs, news)
    assert diff.changes is True and diff.replaces == []
    updated = provider.update(created.id, outs, news).outs or {}
    assert updated["tags"] == {"team": "cache", "keep": "90d"}
    assert without_mark(object_tags(keys[0])) == {"team": "cache", "keep": "90d", "scanned": "yes"}
    assert without_mark(object_tags(keys[1])) == {"team": "cache", "keep": "90d"}
    # Read back on refresh: a tag changed on the objects shows.
    for key in keys:
        s3.put_object_tagging(
            Bucket=BUCKET, Key=key, Tagging={"TagSet": [{"Key": "team", "Value": "other"}]}
        )
    refreshed = provider.read(created.id, updated).outs or {}
    assert refreshed["tags"] == {"team": "other"}
    provider.delete(created.id, refreshed)
    assert keys_in() == []


@pytest.mark.parametrize(
    ("tags", "phrase"),
    [
        ({f"k{i}": "v" for i in range(11)}, "at most 10 tags"),
        ({"k#": "v"}, "not allowed: '#'"),
        ({"k": "v!"}, "not allowed: '!'"),
        ({"aws:owner": "v"}, "must not start with 'aws:'"),
        ({"\U00020000" * 65: "v"}, "at most 128 UTF-16 units"),
    ],
)
def test_an_exports_tags_follow_s3_object_tag_rules(
    provider: SnapshotProvider, tags: dict[str, str], phrase: str
) -> None:
    got = failures(provider, target_bucket=BUCKET, tags=tags)
    assert list(got) == ["tags"], got
    assert phrase in got["tags"]
    # The same tags are ElastiCache tags on a copy, where S3's rules do not apply.
    if phrase in ("at most 10 tags", "not allowed: '#'", "not allowed: '!'"):
        assert failures(provider, tags=tags) == {}


def test_copies_are_listed_as_user_snapshots_page_by_page(
    fake: Control, provider: SnapshotProvider
) -> None:
    names = [
        provider.create(checked(provider, source_snapshot_name="nightly")).id for _ in range(5)
    ]
    fake.reset()
    fake.page_size("elasticache", 2)
    assert SPEC.describe_many is not None
    found = SPEC.describe_many(Context(SPEC, REGION, lambda _line: None), names)
    assert all(found[name] is not None for name in names)
    # Seven manual snapshots (two sources, five copies) on pages of two: the listing found
    # every copy, none was read by name.
    assert describes(fake) <= 4
