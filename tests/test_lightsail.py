"""LightsailSnapshotCopy and LightsailDatabaseSnapshot: provider methods against the fake AWS."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import boto3
import botocore.session
import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from pulumi_snapshots import lightsail
from pulumi_snapshots.engine.marks import MARK_KEY, Mark, without_mark
from pulumi_snapshots.engine.provider import NAME_KEY, SnapshotProvider
from pulumi_snapshots.engine.spec import Context
from pulumi_snapshots.errors import SnapshotFailed, WaitTimeout
from pulumi_snapshots.testing import fake_aws
from pulumi_snapshots.testing.control import Control
from pulumi_snapshots.testing.lightsail.models import lightsail_backends

SOURCE = "us-east-1"
TARGET = "us-west-2"
ACCOUNT = "123456789012"
AUTO_DATE = "2026-11-20"


@pytest.fixture
def fake() -> Iterator[Control]:
    with fake_aws(SOURCE) as control:
        ls = boto3.client("lightsail", region_name=SOURCE)
        ls.create_instances(
            instanceNames=["web"],
            availabilityZone=f"{SOURCE}a",
            blueprintId="ubuntu_22_04",
            bundleId="nano_3_0",
            addOns=[{"addOnType": "AutoSnapshot"}],
        )
        ls.create_instance_snapshot(instanceName="web", instanceSnapshotName="web-manual")
        ls.create_disk(diskName="data", availabilityZone=f"{SOURCE}a", sizeInGb=8)
        ls.create_disk_snapshot(diskName="data", diskSnapshotName="data-manual")
        ls.create_relational_database(
            relationalDatabaseName="orders",
            relationalDatabaseBlueprintId="mysql_8_0",
            relationalDatabaseBundleId="micro_2_0",
            masterDatabaseName="orders",
            masterUsername="admin",
        )
        lightsail_backends[ACCOUNT][SOURCE].add_auto_snapshot("web", AUTO_DATE)
        control.reset()
        yield control


def provider(spec: str, region: str = TARGET) -> SnapshotProvider:
    p = SnapshotProvider(f"pulumi_snapshots.lightsail:{spec}")
    p.configure(ConfigureRequest(Config({"aws:region": region}, "test")))
    return p


@pytest.fixture
def copies() -> SnapshotProvider:
    return provider("COPY_SPEC")


@pytest.fixture
def databases() -> SnapshotProvider:
    return provider("DATABASE_SPEC", SOURCE)


def checked(p: SnapshotProvider, name: str = "web-dr", **news: Any) -> dict[str, Any]:
    result = p.check({}, {NAME_KEY: name, **news})
    assert [(f.property, f.reason) for f in result.failures] == []
    return result.inputs


def client(region: str = TARGET) -> Any:
    return boto3.client("lightsail", region_name=region)


MANUAL = {"source_region": SOURCE, "source_snapshot_name": "web-manual"}


@pytest.mark.parametrize(
    ("news", "prop", "phrase"),
    [
        ({**MANUAL, "target_snapshot_name": "a"}, "target_snapshot_name", "at least 2"),
        (
            {**MANUAL, "target_snapshot_name": "-ab"},
            "target_snapshot_name",
            "start with a letter, digit or underscore",
        ),
        (
            {**MANUAL, "target_snapshot_name": "ab-"},
            "target_snapshot_name",
            "end with a letter, digit or underscore",
        ),
        ({**MANUAL, "target_snapshot_name": "a.b"}, "target_snapshot_name", "not allowed: '.'"),
        ({**MANUAL, "target_snapshot_name": "wéb"}, "target_snapshot_name", "not allowed: 'é'"),
        ({**MANUAL, "source_snapshot_name": "x"}, "source_snapshot_name", "at least 2"),
        ({**MANUAL, "source_snapshot_name": "a b"}, "source_snapshot_name", "not allowed: ' '"),
        (
            {"source_region": SOURCE, "source_resource_name": "", "restore_date": AUTO_DATE},
            "source_resource_name",
            "must name the instance or disk",
        ),
        (
            {"source_region": SOURCE, "source_resource_name": "web", "restore_date": "2026-02-30"},
            "restore_date",
            "real date",
        ),
        (
            {"source_region": SOURCE, "source_resource_name": "web", "restore_date": "2026/01/01"},
            "restore_date",
            "real date",
        ),
        (
            {"source_region": SOURCE, "source_resource_name": "web", "restore_date": "2026-1-1"},
            "restore_date",
            "real date",
        ),
        (
            {"source_region": SOURCE},
            "source_snapshot_name",
            "is required unless source_resource_name",
        ),
        (
            {**MANUAL, "source_resource_name": "web"},
            "source_resource_name",
            "cannot be set together",
        ),
        ({**MANUAL, "restore_date": AUTO_DATE}, "restore_date", "only with source_resource_name"),
        (
            {**MANUAL, "use_latest_restorable_auto_snapshot": True},
            "use_latest_restorable_auto_snapshot",
            "only with source_resource_name",
        ),
        (
            {"source_region": SOURCE, "source_resource_name": "web"},
            "source_resource_name",
            "needs restore_date or",
        ),
        (
            {
                "source_region": SOURCE,
                "source_resource_name": "web",
                "use_latest_restorable_auto_snapshot": False,
            },
            "source_resource_name",
            "needs restore_date or",
        ),
        (
            {
                "source_region": SOURCE,
                "source_resource_name": "web",
                "restore_date": AUTO_DATE,
                "use_latest_restorable_auto_snapshot": True,
            },
            "use_latest_restorable_auto_snapshot",
            "mutually exclusive",
        ),
        ({**MANUAL, "source_region": "us-west-1"}, "source_region", "has no endpoint there"),
        ({**MANUAL, "region": "us-west-1"}, "region", "has no endpoint there"),
        ({**MANUAL, "region": "cn-north-1"}, "region", "not a Lightsail region"),
        ({"source_snapshot_name": "web-manual"}, "source_region", "is required"),
        ({**MANUAL, "tags": {"k" * 129: "v"}}, "tags", "1 to 128"),
        ({**MANUAL, "tags": {"k": "v" * 257}}, "tags", "at most 256"),
        ({**MANUAL, "tags": {"k#": "v"}}, "tags", "not allowed: '#'"),
        ({**MANUAL, "tags": {"k": "v!"}}, "tags", "not allowed: '!'"),
    ],
)
def test_copy_check_rejects_each_rule_by_property(
    copies: SnapshotProvider, news: dict[str, Any], prop: str, phrase: str
) -> None:
    got = {f.property: f.reason for f in copies.check({}, news).failures}
    assert list(got) == [prop], got
    assert phrase in got[prop]


@pytest.mark.parametrize(
    ("news", "prop", "phrase"),
    [
        ({"relational_database_name": "o"}, "relational_database_name", "at least 2"),
        ({"relational_database_name": "or.ders"}, "relational_database_name", "not allowed: '.'"),
        (
            {"relational_database_name": "orders", "relational_database_snapshot_name": "snap.1"},
            "relational_database_snapshot_name",
            "not allowed: '.'",
        ),
        (
            {"relational_database_name": "orders", "relational_database_snapshot_name": "s" * 256},
            "relational_database_snapshot_name",
            "2 to 255 characters long (got 256)",
        ),
        (
            {"relational_database_name": "orders", "relational_database_snapshot_name": "snap-"},
            "relational_database_snapshot_name",
            "must start and end with a letter or digit",
        ),
        (
            # The model's pattern allows `_`; the API reference does not.
            {"relational_database_name": "orders", "relational_database_snapshot_name": "bad_name"},
            "relational_database_snapshot_name",
            "not allowed: '_' (only letters, digits and hyphens)",
        ),
        ({}, "relational_database_name", "is required"),
        ({"relational_database_name": "orders", "tags": {"a": "b;c"}}, "tags", "not allowed: ';'"),
    ],
)
def test_database_check_rejects_each_rule_by_property(
    databases: SnapshotProvider, news: dict[str, Any], prop: str, phrase: str
) -> None:
    got = {f.property: f.reason for f in databases.check({}, news).failures}
    assert list(got) == [prop], got
    assert phrase in got[prop]


def test_check_accepts_documented_tag_characters(copies: SnapshotProvider) -> None:
    checked(copies, **MANUAL, tags={"team name+-=._:/@": "välue 1+-=._:/@"})


def test_manual_instance_snapshot_copied_across_regions(
    fake: Control, copies: SnapshotProvider, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.hold("lightsail", match="web-dr-*", reads=2)
    inputs = checked(copies, **MANUAL, tags={"purpose": "dr"})
    result = copies.create(inputs)
    outs = result.outs or {}
    assert result.id == inputs["target_snapshot_name"] and result.id.startswith("web-dr-")
    assert outs["resource_type"] == "InstanceSnapshot" and outs["state"] == "available"
    assert outs["from_resource_name"] == "web" and outs["region"] == TARGET
    assert outs["arn"].startswith(f"arn:aws:lightsail:{TARGET}:")
    assert outs["tags"] == {"purpose": "dr"}
    live = client().get_instance_snapshot(instanceSnapshotName=result.id)["instanceSnapshot"]
    assert without_mark({t["key"]: t["value"] for t in live["tags"]}) == {"purpose": "dr"}
    printed = capsys.readouterr().out
    assert f"LightsailSnapshotCopy {result.id} is still pending" in printed
    assert f"LightsailSnapshotCopy {result.id} is available" in printed


def test_disk_snapshot_copy_waits_for_completed_and_deletes_with_disk_api(
    fake: Control, copies: SnapshotProvider
) -> None:
    fake.hold("lightsail", match="data-dr-*", reads=1)
    inputs = checked(copies, "data-dr", source_region=SOURCE, source_snapshot_name="data-manual")
    created = copies.create(inputs)
    outs = created.outs or {}
    assert outs["resource_type"] == "DiskSnapshot" and outs["state"] == "completed"
    assert outs["from_resource_name"] == "data"
    copies.delete(created.id, outs)
    with pytest.raises(client().exceptions.NotFoundException):
        client().get_disk_snapshot(diskSnapshotName=created.id)
    assert fake.request_counts()["lightsail"].get("DeleteDiskSnapshot") == 1
    assert "DeleteInstanceSnapshot" not in fake.request_counts()["lightsail"]


@pytest.mark.parametrize(
    "pick", [{"restore_date": AUTO_DATE}, {"use_latest_restorable_auto_snapshot": True}]
)
def test_automatic_snapshot_copies(
    fake: Control, copies: SnapshotProvider, pick: dict[str, Any]
) -> None:
    inputs = checked(copies, source_region=SOURCE, source_resource_name="web", **pick)
    outs = copies.create(inputs).outs or {}
    assert outs["resource_type"] == "InstanceSnapshot" and outs["from_resource_name"] == "web"


def test_failed_copy_is_deleted_with_the_operation_details(
    fake: Control, copies: SnapshotProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = lightsail_backends[ACCOUNT][TARGET]

    def lightsail_fails_the_copy_later(subject: str, operations: Any, cleanup: Any) -> None:
        backend.fail_operations_for(
            subject.split()[-1], "SnapshotCopyFailed", "source disk is unreadable"
        )

    monkeypatch.setattr(lightsail, "_raise_failed_operations", lightsail_fails_the_copy_later)
    fake.hold("lightsail", match="web-dr-*", reads=1, then="error")
    inputs = checked(copies, **MANUAL)
    name = inputs["target_snapshot_name"]
    with pytest.raises(
        SnapshotFailed,
        match=rf"{name} reached the error state 'error': .*SnapshotCopyFailed: "
        r"source disk is unreadable.*it was deleted",
    ):
        copies.create(inputs)
    with pytest.raises(client().exceptions.NotFoundException):
        client().get_instance_snapshot(instanceSnapshotName=name)


def test_timeout_names_copy_and_last_state(fake: Control, copies: SnapshotProvider) -> None:
    fake.hold("lightsail", match="web-dr-*", reads=100_000)
    inputs = checked(copies, **MANUAL, timeout_minutes=0.002)
    with pytest.raises(WaitTimeout, match=r"web-dr-\w+ was not usable .* last state: pending"):
        copies.create(inputs)
    # Kept for the next create to resume, and marked so.
    (kept,) = client().get_instance_snapshots()["instanceSnapshots"]
    mark = Mark.parse({t["key"]: t["value"] for t in kept["tags"]}[MARK_KEY])
    assert kept["name"] == inputs["target_snapshot_name"] and mark is not None and mark.unfinished


def test_throttled_copy_is_retried(fake: Control, copies: SnapshotProvider) -> None:
    fake.throttle("lightsail", "CopySnapshot", 2)
    copies.create(checked(copies, **MANUAL))
    assert fake.request_counts()["lightsail"]["CopySnapshot"] == 3


def test_copy_tags_update_in_place_and_drift_reads_gone(
    fake: Control, copies: SnapshotProvider
) -> None:
    inputs = checked(copies, **MANUAL, tags={"a": "1", "b": "2"})
    created = copies.create(inputs)
    news = {**inputs, "tags": {"a": "1", "c": "3"}}
    diff = copies.diff(created.id, created.outs or {}, news)
    assert diff.changes is True and diff.replaces == []
    outs = copies.update(created.id, created.outs or {}, news).outs or {}
    assert outs["tags"] == {"a": "1", "c": "3"} and outs["arn"] == (created.outs or {})["arn"]
    live = client().get_instance_snapshot(instanceSnapshotName=created.id)["instanceSnapshot"]
    assert without_mark({t["key"]: t["value"] for t in live["tags"]}) == {"a": "1", "c": "3"}
    source_change = copies.diff(created.id, outs, {**news, "source_snapshot_name": "other"})
    assert source_change.replaces == ["source_snapshot_name"]
    assert not source_change.delete_before_replace
    client().delete_instance_snapshot(instanceSnapshotName=created.id)
    gone = copies.read(created.id, outs)
    assert gone.id is None and gone.outs == {}
    copies.delete(created.id, outs)
    copies.delete(created.id, outs)


def test_fixed_name_replacement_deletes_first(fake: Control, copies: SnapshotProvider) -> None:
    inputs = checked(copies, **MANUAL, target_snapshot_name="web-dr")
    outs = copies.create(inputs).outs or {}
    diff = copies.diff("web-dr", outs, {**inputs, "source_region": "us-east-2"})
    assert diff.replaces == ["source_region"] and diff.delete_before_replace is True


def test_database_snapshot_lifecycle(
    fake: Control, databases: SnapshotProvider, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.hold("lightsail", match="orders-*", reads=2)
    inputs = checked(
        databases, "orders-nightly", relational_database_name="orders", tags={"a": "1"}
    )
    created = databases.create(inputs)
    outs = created.outs or {}
    assert created.id == inputs["relational_database_snapshot_name"]
    assert outs["state"] == "available" and outs["engine"] == "mysql"
    assert outs["from_relational_database_name"] == "orders" and outs["tags"] == {"a": "1"}
    assert isinstance(outs["size_in_gb"], int) and isinstance(outs["created_at"], str)
    assert f"LightsailDatabaseSnapshot {created.id} is still creating" in capsys.readouterr().out
    updated = databases.update(created.id, outs, {**inputs, "tags": {"b": "2"}}).outs or {}
    assert updated["tags"] == {"b": "2"}
    looked_up = databases.read(created.id, {"region": SOURCE}).outs or {}
    assert looked_up["relational_database_name"] == "orders" and looked_up["tags"] == {"b": "2"}
    databases.delete(created.id, updated)
    assert databases.read(created.id, updated).id is None
    databases.delete(created.id, updated)


def test_failed_database_snapshot_is_deleted(fake: Control, databases: SnapshotProvider) -> None:
    fake.hold("lightsail", match="orders-*", reads=1, then="error")
    inputs = checked(databases, "orders-x", relational_database_name="orders")
    with pytest.raises(SnapshotFailed, match=r"reached the error state 'failed'.*deleted"):
        databases.create(inputs)
    assert client(SOURCE).get_relational_database_snapshots()["relationalDatabaseSnapshots"] == []


def test_an_operation_failed_at_once_is_cleaned_up_and_reported() -> None:
    cleaned: list[bool] = []
    operations = [
        {"status": "Succeeded", "operationType": "CreateInstanceSnapshot"},
        {
            "status": "Failed",
            "operationType": "CreateInstanceSnapshot",
            "errorCode": "QuotaExceeded",
            "errorDetails": "too many snapshots",
        },
    ]
    with pytest.raises(
        SnapshotFailed,
        match=r"LightsailSnapshotCopy x: CreateInstanceSnapshot failed: QuotaExceeded: too many",
    ):
        lightsail._raise_failed_operations(
            "LightsailSnapshotCopy x", operations, lambda: cleaned.append(True)
        )
    assert cleaned == [True]
    lightsail._raise_failed_operations(
        "LightsailSnapshotCopy x", operations[:1], lambda: cleaned.append(True)
    )
    assert cleaned == [True]


# rules from botocore's data ----------------------------------------------------------------


def test_regions_are_botocores_lightsail_endpoints(copies: SnapshotProvider) -> None:
    session = botocore.session.get_session()
    endpoints = set(session.get_available_regions("lightsail"))
    assert {"ap-southeast-3", "ap-east-1", "sa-east-1"} <= endpoints
    assert "us-west-1" not in endpoints
    for region in sorted(endpoints):
        checked(copies, **MANUAL, region=region)
        checked(copies, **{**MANUAL, "source_region": region})
    failed = copies.check({}, {**MANUAL, "region": "us-west-1"}).failures
    assert [f.property for f in failed] == ["region"]
    assert "has no endpoint there" in failed[0].reason and "ap-southeast-3" in failed[0].reason


def test_a_botocore_upgrade_brings_its_regions(
    copies: SnapshotProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    known = botocore.session.Session.get_available_regions

    def new_region(self: Any, service: str, partition_name: str = "aws", **kw: Any) -> list[str]:
        regions: list[str] = known(self, service, partition_name, **kw)
        return [*regions, "zz-north-1"] if partition_name == "aws" else regions

    assert copies.check({}, {**MANUAL, "region": "zz-north-1"}).failures
    monkeypatch.setattr(botocore.session.Session, "get_available_regions", new_region)
    lightsail.lightsail_regions.cache_clear()
    try:
        checked(copies, **MANUAL, region="zz-north-1")
        # A source region must also be one that the API's RegionName enum names.
        failed = copies.check({}, {**MANUAL, "region": "zz-north-1", "source_region": "zz-north-1"})
        assert [f.property for f in failed.failures] == ["source_region"]
    finally:
        lightsail.lightsail_regions.cache_clear()


@pytest.mark.parametrize(
    "name",
    ["ab", "web_1", "_a", "a_", "__", "A-1_b", "x" * 300, "a", "-a", "a-", "a.b", "a b", "é1", ""],
)
def test_names_follow_the_models_resource_name_pattern(name: str) -> None:
    shape = botocore.session.get_session().get_service_model("lightsail").shape_for("ResourceName")
    # Java's \w, as the service reads the pattern: ASCII letters, digits and underscore.
    allowed = re.fullmatch(shape.metadata["pattern"], name, re.ASCII) is not None
    try:
        lightsail.resource_name(name)
    except ValueError:
        accepted = False
    else:
        accepted = True
    assert accepted == allowed


def test_not_found_codes_are_the_models_error_codes() -> None:
    model = botocore.session.get_session().get_service_model("lightsail")
    codes = {shape.error_code for shape in model.error_shapes}
    for spec in (lightsail.COPY_SPEC, lightsail.DATABASE_SPEC):
        assert spec.not_found_codes <= codes, spec.not_found_codes - codes


def test_source_names_with_underscores_are_copied(fake: Control, copies: SnapshotProvider) -> None:
    ls = client(SOURCE)
    ls.create_instances(
        instanceNames=["web_1"],
        availabilityZone=f"{SOURCE}a",
        blueprintId="ubuntu_22_04",
        bundleId="nano_3_0",
        addOns=[{"addOnType": "AutoSnapshot"}],
    )
    lightsail_backends[ACCOUNT][SOURCE].add_auto_snapshot("web_1", AUTO_DATE)
    inputs = checked(
        copies,
        "web_1_dr",
        source_region=SOURCE,
        source_resource_name="web_1",
        use_latest_restorable_auto_snapshot=True,
        target_snapshot_name="web_1_dr",
    )
    outs = copies.create(inputs).outs or {}
    assert outs["from_resource_name"] == "web_1" and outs["target_snapshot_name"] == "web_1_dr"


# tags by ARN -------------------------------------------------------------------------------


def test_tags_reach_the_disk_snapshot_when_an_instance_snapshot_shares_its_name(
    fake: Control, copies: SnapshotProvider
) -> None:
    client().copy_snapshot(
        sourceRegion=SOURCE, sourceSnapshotName="web-manual", targetSnapshotName="dup"
    )
    inputs = checked(
        copies,
        source_region=SOURCE,
        source_snapshot_name="data-manual",
        target_snapshot_name="dup",
        tags={"purpose": "dr", "old": "x"},
    )
    created = copies.create(inputs)
    outs = created.outs or {}
    assert outs["resource_type"] == "DiskSnapshot" and outs["tags"] == {"purpose": "dr", "old": "x"}
    updated = copies.update(created.id, outs, {**inputs, "tags": {"purpose": "dr"}}).outs or {}
    assert updated["tags"] == {"purpose": "dr"}
    disk = client().get_disk_snapshot(diskSnapshotName="dup")["diskSnapshot"]
    instance = client().get_instance_snapshot(instanceSnapshotName="dup")["instanceSnapshot"]
    assert without_mark({t["key"]: t["value"] for t in disk["tags"]}) == {"purpose": "dr"}
    assert instance.get("tags", []) == []


# state `unknown` ---------------------------------------------------------------------------


def disk_copy_turns_unknown(monkeypatch: pytest.MonkeyPatch, *, operation_ended: bool) -> None:
    """After the copy call, Lightsail reads the new disk snapshot as `unknown`; with
    `operation_ended`, the copy operation has ended all the same."""
    backend = lightsail_backends[ACCOUNT][TARGET]
    original = lightsail._raise_failed_operations

    def then_unknown(subject: str, operations: Any, cleanup: Any) -> None:
        name = subject.split()[-1]
        backend.disk_snapshots[name].state = "unknown"
        if operation_ended:
            for operation in backend.get_operations(name):
                # The fake's operations follow their snapshot: this one no longer does.
                operation.tracked = None
                operation.status, operation.is_terminal = "Succeeded", True
        original(subject, operations, cleanup)

    monkeypatch.setattr(lightsail, "_raise_failed_operations", then_unknown)


def test_a_disk_snapshot_left_unknown_fails_and_is_deleted(
    fake: Control, copies: SnapshotProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    disk_copy_turns_unknown(monkeypatch, operation_ended=True)
    inputs = checked(copies, "data-dr", source_region=SOURCE, source_snapshot_name="data-manual")
    name = inputs["target_snapshot_name"]
    with pytest.raises(SnapshotFailed, match=rf"{name} reached the error state 'unknown'.*deleted"):
        copies.create({**inputs, "timeout_minutes": 0.002})
    with pytest.raises(client().exceptions.NotFoundException):
        client().get_disk_snapshot(diskSnapshotName=name)


def test_a_disk_snapshot_unknown_while_its_copy_runs_is_waited_for(
    fake: Control, copies: SnapshotProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    disk_copy_turns_unknown(monkeypatch, operation_ended=False)
    fake.hold("lightsail", match="data-dr-*", reads=3)
    inputs = checked(copies, "data-dr", source_region=SOURCE, source_snapshot_name="data-manual")
    outs = copies.create(inputs).outs or {}
    assert outs["state"] == "completed"


# paged calls -------------------------------------------------------------------------------


def test_failure_details_come_from_every_page_of_operations(
    fake: Control, copies: SnapshotProvider
) -> None:
    backend = lightsail_backends[ACCOUNT][TARGET]
    inputs = checked(copies, **MANUAL, target_snapshot_name="web-paged")
    copies.create(inputs)
    for n in range(5):
        client().tag_resource(resourceName="web-paged", tags=[{"key": "k", "value": str(n)}])
    # Operations are listed oldest first: the newest, which failed, is on the last page.
    newest = max(backend.get_operations("web-paged"), key=lambda op: op.seq)
    newest.fail("TagFailed", "tagging service unavailable")
    fake.page_size("lightsail", 2, action="GetOperationsForResource")
    ctx = Context(lightsail.COPY_SPEC, TARGET, lambda _line: None)
    detail = lightsail._failed_operations(ctx, "web-paged")
    assert detail is not None and "TagFailed: tagging service unavailable" in detail
    pages = -(-len(backend.get_operations("web-paged")) // 2)
    assert pages > 1
    assert fake.request_counts()["lightsail"]["GetOperationsForResource"] == pages
