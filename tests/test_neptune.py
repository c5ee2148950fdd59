"""NeptuneClusterSnapshotCopy: provider methods against the fake AWS."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import botocore.session
import pytest
from moto.rds.models import RDSBackend, rds_backends
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from pulumi_snapshots import aws
from pulumi_snapshots.engine.marks import MARK_KEY, Mark, without_mark
from pulumi_snapshots.engine.provider import AUTONAMED_KEY, NAME_KEY, SnapshotProvider
from pulumi_snapshots.engine.spec import Context
from pulumi_snapshots.errors import AwsCallError, SnapshotError, SnapshotFailed, WaitTimeout
from pulumi_snapshots.neptune import SPEC
from pulumi_snapshots.testing import fake_aws
from pulumi_snapshots.testing.control import Control

REGION = "us-east-1"
ACCOUNT = "123456789012"


@pytest.fixture
def fake() -> Iterator[Control]:
    with fake_aws(REGION) as control:
        neptune = boto3.client("neptune", region_name=REGION)
        neptune.create_db_cluster(DBClusterIdentifier="graph", Engine="neptune")
        neptune.create_db_cluster_snapshot(
            DBClusterIdentifier="graph", DBClusterSnapshotIdentifier="nightly"
        )
        control.reset()
        yield control


@pytest.fixture
def provider() -> SnapshotProvider:
    p = SnapshotProvider("pulumi_snapshots.neptune:SPEC")
    p.configure(ConfigureRequest(Config({"aws:region": REGION}, "test")))
    return p


def checked(
    provider: SnapshotProvider, olds: dict[str, Any] | None = None, **news: Any
) -> dict[str, Any]:
    result = provider.check(olds or {}, {NAME_KEY: "graph-copy", **news})
    assert [(f.property, f.reason) for f in result.failures] == []
    return result.inputs


def live(name: str, region: str = REGION) -> dict[str, Any] | None:
    client = boto3.client("neptune", region_name=region)
    try:
        found = client.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=name)
    except client.exceptions.DBClusterSnapshotNotFoundFault:
        return None
    snapshot: dict[str, Any] = found["DBClusterSnapshots"][0]
    return snapshot


def failures(provider: SnapshotProvider, **news: Any) -> dict[str, str]:
    result = provider.check({}, {"source_db_cluster_snapshot_identifier": "nightly", **news})
    return {f.property: f.reason for f in result.failures}


@pytest.mark.parametrize(
    ("news", "prop", "phrase"),
    [
        (
            {"target_db_cluster_snapshot_identifier": ""},
            "target_db_cluster_snapshot_identifier",
            "1 to 63",
        ),
        (
            {"target_db_cluster_snapshot_identifier": "a" * 64},
            "target_db_cluster_snapshot_identifier",
            "1 to 63",
        ),
        (
            {"target_db_cluster_snapshot_identifier": "1abc"},
            "target_db_cluster_snapshot_identifier",
            "start with a letter",
        ),
        (
            {"target_db_cluster_snapshot_identifier": "abc-"},
            "target_db_cluster_snapshot_identifier",
            "end with a hyphen",
        ),
        (
            {"target_db_cluster_snapshot_identifier": "a--b"},
            "target_db_cluster_snapshot_identifier",
            "two consecutive hyphens",
        ),
        (
            {"target_db_cluster_snapshot_identifier": "a_b"},
            "target_db_cluster_snapshot_identifier",
            "not allowed: '_'",
        ),
        ({"tags": {"": "v"}}, "tags", "1 to 128"),
        ({"tags": {"k" * 129: "v"}}, "tags", "1 to 128"),
        ({"tags": {"k": "v" * 257}}, "tags", "at most 256"),
        ({"tags": {"aws:owner": "v"}}, "tags", "must not start with 'aws:'"),
        ({"tags": {"RDS:owner": "v"}}, "tags", "must not start with 'rds:'"),
        ({"tags": {"k": "rds:v"}}, "tags", "value of 'k' must not start with 'rds:'"),
        ({"tags": {"k#": "v"}}, "tags", "not allowed: '#'"),
        ({"tags": {"k": "v;"}}, "tags", "not allowed: ';'"),
        ({"source_region": "us-west-2"}, "source_db_cluster_snapshot_identifier", "ARN"),
        (
            {"source_db_cluster_snapshot_identifier": "arn:aws:rds:bad"},
            "source_db_cluster_snapshot_identifier",
            "not a DB cluster snapshot ARN",
        ),
        ({"source_region": "west"}, "source_region", "not an AWS region"),
        ({"copy_tags": "maybe"}, "copy_tags", "boolean"),
        ({"timeout_minutes": -5}, "timeout_minutes", "greater than 0"),
    ],
)
def test_check_rejects_each_rule_by_property(
    provider: SnapshotProvider, news: dict[str, Any], prop: str, phrase: str
) -> None:
    got = failures(provider, **news)
    assert prop in got, got
    assert phrase.lower() in got[prop].lower()
    assert len(got) == 1, got


def test_check_accepts_documented_tag_characters(provider: SnapshotProvider) -> None:
    assert failures(provider, tags={"Team name_1.x:y/z=+-": "Ünïcode välue 42"}) == {}


def test_check_lowercases_identifiers_and_autonames_stably(provider: SnapshotProvider) -> None:
    first = checked(provider, source_db_cluster_snapshot_identifier="NightLY")
    assert first["source_db_cluster_snapshot_identifier"] == "nightly"
    name = first["target_db_cluster_snapshot_identifier"]
    assert name.startswith("graph-copy-") and first[AUTONAMED_KEY] is True
    again = checked(provider, first, source_db_cluster_snapshot_identifier="nightly")
    assert again["target_db_cluster_snapshot_identifier"] == name
    # The same resource with the same replacing inputs gets the same name (a retried create
    # finds its copy); other replacing inputs, another name (a replacement).
    fresh = checked(provider, source_db_cluster_snapshot_identifier="nightly")
    assert fresh["target_db_cluster_snapshot_identifier"] == name
    other = checked(provider, source_db_cluster_snapshot_identifier="weekly")
    assert other["target_db_cluster_snapshot_identifier"] != name
    fixed = checked(
        provider,
        source_db_cluster_snapshot_identifier="nightly",
        target_db_cluster_snapshot_identifier="My-Copy",
    )
    assert fixed["target_db_cluster_snapshot_identifier"] == "my-copy"
    assert AUTONAMED_KEY not in fixed


def test_check_resolves_region_from_config_then_input(provider: SnapshotProvider) -> None:
    assert checked(provider, source_db_cluster_snapshot_identifier="s")["region"] == REGION
    assert (
        checked(provider, source_db_cluster_snapshot_identifier="s", region="eu-west-1")["region"]
        == "eu-west-1"
    )


def test_create_waits_through_pending_then_reads_outputs(
    fake: Control, provider: SnapshotProvider, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.hold("neptune", match="graph-copy-*", reads=3)
    inputs = checked(
        provider, source_db_cluster_snapshot_identifier="nightly", tags={"team": "data"}
    )
    result = provider.create(inputs)
    name = inputs["target_db_cluster_snapshot_identifier"]
    assert result.id == name
    outs = result.outs or {}
    assert outs["status"] == "available"
    assert outs["db_cluster_snapshot_arn"].endswith(f":cluster-snapshot:{name}")
    assert outs["engine"] == "neptune" and outs["db_cluster_identifier"] == "graph"
    assert outs["tags"] == {"team": "data"} and outs["region"] == REGION
    assert isinstance(outs["snapshot_create_time"], str)
    printed = capsys.readouterr().out
    assert f"NeptuneClusterSnapshotCopy {name} is still creating" in printed
    assert f"NeptuneClusterSnapshotCopy {name} is available" in printed
    assert fake.request_counts()["neptune"]["DescribeDBClusterSnapshots"] >= 4


def test_failed_copy_is_deleted_and_error_says_why(
    fake: Control, provider: SnapshotProvider
) -> None:
    fake.hold("neptune", match="graph-copy-*", reads=1, then="error")
    inputs = checked(provider, source_db_cluster_snapshot_identifier="nightly")
    name = inputs["target_db_cluster_snapshot_identifier"]
    with pytest.raises(SnapshotFailed, match=rf"{name} reached the error state 'failed'.*deleted"):
        provider.create(inputs)
    assert live(name) is None


def test_timeout_names_snapshot_and_last_state(fake: Control, provider: SnapshotProvider) -> None:
    fake.use_manual_clock()
    fake.hold("neptune", match="graph-copy-*", seconds=3600)
    inputs = checked(
        provider, source_db_cluster_snapshot_identifier="nightly", timeout_minutes=0.002
    )
    name = inputs["target_db_cluster_snapshot_identifier"]
    with pytest.raises(WaitTimeout, match=rf"{name} was not usable .* last state: creating"):
        provider.create(inputs)
    # Kept, marked unfinished, for the next create to resume.
    kept = live(name)
    assert kept is not None
    arn = kept["DBClusterSnapshotArn"]
    tags = boto3.client("neptune", region_name=REGION).list_tags_for_resource(ResourceName=arn)
    mark = Mark.parse({t["Key"]: t["Value"] for t in tags["TagList"]}[MARK_KEY])
    assert mark is not None and mark.unfinished
    # The copy finishes; the next create takes it over instead of copying again.
    fake.advance_clock(3600)
    before = fake.request_counts()["neptune"].get("CopyDBClusterSnapshot", 0)
    resumed = provider.create(inputs)
    assert resumed.id == name and (resumed.outs or {})["status"] == "available"
    # Its copy request is refused (the name is taken) before the existing copy is read.
    assert fake.request_counts()["neptune"].get("CopyDBClusterSnapshot", 0) == before + 1
    assert live(name) is not None


def test_delete_on_timeout_deletes_the_copy(fake: Control, provider: SnapshotProvider) -> None:
    fake.hold("neptune", match="graph-copy-*", reads=10_000)
    inputs = checked(
        provider,
        source_db_cluster_snapshot_identifier="nightly",
        timeout_minutes=0.002,
        delete_on_timeout=True,
    )
    name = inputs["target_db_cluster_snapshot_identifier"]
    with pytest.raises(WaitTimeout, match=r"it was deleted"):
        provider.create(inputs)
    assert live(name) is None


def test_throttled_calls_are_retried(fake: Control, provider: SnapshotProvider) -> None:
    fake.throttle("neptune", "CopyDBClusterSnapshot", 2)
    inputs = checked(provider, source_db_cluster_snapshot_identifier="nightly")
    assert provider.create(inputs).id == inputs["target_db_cluster_snapshot_identifier"]
    assert fake.request_counts()["neptune"]["CopyDBClusterSnapshot"] == 3


def test_errors_name_operation_snapshot_and_code(fake: Control, provider: SnapshotProvider) -> None:
    inputs = checked(
        provider,
        source_db_cluster_snapshot_identifier="missing",
        target_db_cluster_snapshot_identifier="copy-of-missing",
    )
    with pytest.raises(AwsCallError) as caught:
        provider.create(inputs)
    message = str(caught.value)
    assert "copy_db_cluster_snapshot" in message and "copy-of-missing" in message
    assert "DBClusterSnapshotNotFoundFault" in message


def test_cross_region_copy_by_arn(fake: Control) -> None:
    west = SnapshotProvider("pulumi_snapshots.neptune:SPEC")
    west.configure(ConfigureRequest(Config({"aws:region": "us-west-2"}, "test")))
    arn = live("nightly")["DBClusterSnapshotArn"]  # type: ignore[index]
    inputs = checked(west, source_db_cluster_snapshot_identifier=arn, source_region=REGION)
    result = west.create(inputs)
    assert (result.outs or {})["region"] == "us-west-2"
    assert live(result.id, "us-west-2") is not None
    assert live(result.id, REGION) is None


def test_diff_rules(fake: Control, provider: SnapshotProvider) -> None:
    inputs = checked(provider, source_db_cluster_snapshot_identifier="nightly", tags={"a": "1"})
    outs = provider.create(inputs).outs or {}
    same = provider.diff("x", outs, inputs)
    assert same.changes is False and same.replaces == []
    tags = provider.diff("x", outs, {**inputs, "tags": {"a": "2"}})
    assert tags.changes is True and tags.replaces == []
    timeout = provider.diff("x", outs, {**inputs, "timeout_minutes": 5.0})
    assert timeout.replaces == []
    kms = provider.diff("x", outs, {**inputs, "kms_key_id": "alias/other"})
    assert kms.replaces == ["kms_key_id"] and not kms.delete_before_replace
    source = checked(
        provider, inputs, source_db_cluster_snapshot_identifier="NIGHTLY", tags={"a": "1"}
    )
    assert provider.diff("x", outs, source).changes is False
    preview = provider.diff(
        "x",
        outs,
        {**inputs, "source_db_cluster_snapshot_identifier": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"},
    )
    assert preview.replaces == ["source_db_cluster_snapshot_identifier"]


def test_fixed_name_replacement_deletes_first(fake: Control, provider: SnapshotProvider) -> None:
    inputs = checked(
        provider,
        source_db_cluster_snapshot_identifier="nightly",
        target_db_cluster_snapshot_identifier="fixed",
    )
    outs = provider.create(inputs).outs or {}
    result = provider.diff("fixed", outs, {**inputs, "copy_tags": True})
    assert result.replaces == ["copy_tags"] and result.delete_before_replace is True
    # In another region the name cannot collide: keep the old copy until the new one exists.
    moved = provider.diff("fixed", outs, {**inputs, "region": "us-west-2"})
    assert moved.replaces == ["region"] and not moved.delete_before_replace
    # An optional flag set to false means what unset means.
    assert provider.diff("fixed", outs, {**inputs, "copy_tags": False}).changes is False


def test_update_tags_in_place_returns_full_outputs(
    fake: Control, provider: SnapshotProvider
) -> None:
    inputs = checked(
        provider, source_db_cluster_snapshot_identifier="nightly", tags={"a": "1", "b": "2"}
    )
    created = provider.create(inputs)
    outs = (
        provider.update(
            created.id, created.outs or {}, {**inputs, "tags": {"a": "9", "c": "3"}}
        ).outs
        or {}
    )
    assert outs["tags"] == {"a": "9", "c": "3"}
    assert outs["db_cluster_snapshot_arn"] == (created.outs or {})["db_cluster_snapshot_arn"]
    arn = outs["db_cluster_snapshot_arn"]
    tags = boto3.client("neptune", region_name=REGION).list_tags_for_resource(ResourceName=arn)
    assert without_mark({t["Key"]: t["Value"] for t in tags["TagList"]}) == {"a": "9", "c": "3"}


def test_copied_tags_never_cause_a_diff(fake: Control, provider: SnapshotProvider) -> None:
    neptune = boto3.client("neptune", region_name=REGION)
    neptune.add_tags_to_resource(
        ResourceName=live("nightly")["DBClusterSnapshotArn"],  # type: ignore[index]
        Tags=[{"Key": "source-tag", "Value": "x"}],
    )
    inputs = checked(provider, source_db_cluster_snapshot_identifier="nightly", copy_tags=True)
    outs = provider.create(inputs).outs or {}
    assert outs["tags"] == {}
    assert without_mark(outs["tags_all"]) == {"source-tag": "x"}
    assert provider.diff("x", outs, inputs).changes is False


def test_read_of_deleted_snapshot_is_gone_and_delete_is_idempotent(
    fake: Control, provider: SnapshotProvider
) -> None:
    inputs = checked(provider, source_db_cluster_snapshot_identifier="nightly")
    created = provider.create(inputs)
    outs = created.outs or {}
    assert provider.read(created.id, outs).id == created.id
    boto3.client("neptune", region_name=REGION).delete_db_cluster_snapshot(
        DBClusterSnapshotIdentifier=created.id
    )
    gone = provider.read(created.id, outs)
    assert gone.id is None and gone.outs == {}
    provider.delete(created.id, outs)
    provider.delete(created.id, outs)


def test_lookup_recovers_inputs(fake: Control, provider: SnapshotProvider) -> None:
    inputs = checked(provider, source_db_cluster_snapshot_identifier="nightly", tags={"k": "v"})
    created = provider.create(inputs)
    found = provider.read(created.id.upper(), {"region": REGION})
    assert found.id == created.id
    outs = found.outs or {}
    assert outs["target_db_cluster_snapshot_identifier"] == created.id
    assert outs["tags"] == {"k": "v"} and outs["status"] == "available"


# other engines -----------------------------------------------------------------------------


@pytest.fixture
def aurora(fake: Control) -> str:
    """An Aurora cluster snapshot: the Neptune API lists it too (one RDS endpoint)."""
    rds = boto3.client("rds", region_name=REGION)
    rds.create_db_cluster(
        DBClusterIdentifier="shop",
        Engine="aurora-postgresql",
        MasterUsername="admin",
        MasterUserPassword="password123",
    )
    rds.create_db_cluster_snapshot(
        DBClusterIdentifier="shop", DBClusterSnapshotIdentifier="shop-nightly"
    )
    fake.reset()
    return "shop-nightly"


def test_a_source_of_another_engine_is_refused_before_copying(
    fake: Control, provider: SnapshotProvider, aurora: str
) -> None:
    inputs = checked(
        provider,
        source_db_cluster_snapshot_identifier=aurora,
        target_db_cluster_snapshot_identifier="shop-copy",
    )
    with pytest.raises(SnapshotError, match=r"shop-nightly is a DB cluster snapshot of engine "):
        provider.create(inputs)
    assert "CopyDBClusterSnapshot" not in fake.request_counts()["neptune"]
    assert live("shop-copy") is None


def test_a_copy_of_another_engine_found_while_waiting_is_deleted(
    fake: Control, provider: SnapshotProvider, aurora: str
) -> None:
    # By ARN the source cannot be read before copying here: the copy's own engine tells.
    arn = live(aurora)["DBClusterSnapshotArn"]  # type: ignore[index]
    inputs = checked(
        provider,
        source_db_cluster_snapshot_identifier=arn,
        target_db_cluster_snapshot_identifier="shop-copy",
    )
    with pytest.raises(SnapshotError, match=r"'aurora-postgresql', not a Neptune.*it was deleted"):
        provider.create(inputs)
    assert live("shop-copy") is None


def test_a_lookup_of_another_engines_snapshot_fails(
    provider: SnapshotProvider, aurora: str
) -> None:
    with pytest.raises(SnapshotError, match=r"'aurora-postgresql', not a Neptune snapshot"):
        provider.read(aurora, {"region": REGION})


def test_not_found_codes_are_the_models_error_codes() -> None:
    model = botocore.session.get_session().get_service_model("neptune")
    codes = {shape.error_code for shape in model.error_shapes}
    assert SPEC.not_found_codes <= codes, SPEC.not_found_codes - codes


def test_a_state_that_is_no_snapshot_failure_keeps_the_wait_going(
    fake: Control, provider: SnapshotProvider
) -> None:
    # `incompatible-restore` is a DB instance state; a snapshot never fails with it.
    def read_as_instance_state(**_: Any) -> None:
        for snapshot in rds_backends[ACCOUNT][REGION].cluster_snapshots.values():
            if snapshot.db_cluster_snapshot_identifier.startswith("graph-copy-"):
                snapshot.status = "incompatible-restore"

    aws.client("neptune", REGION).meta.events.register(
        "after-call.neptune.CopyDBClusterSnapshot", read_as_instance_state
    )
    fake.hold("neptune", match="graph-copy-*", reads=3)
    outs = provider.create(checked(provider, source_db_cluster_snapshot_identifier="nightly")).outs
    assert (outs or {})["status"] == "available"


def test_a_batch_read_whose_filter_is_ignored_never_loses_a_copy(
    fake: Control, provider: SnapshotProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    neptune = boto3.client("neptune", region_name=REGION)
    for n in range(25):
        neptune.create_db_cluster_snapshot(
            DBClusterIdentifier="graph", DBClusterSnapshotIdentifier=f"other-{n:03d}"
        )
    copies = [
        provider.create(
            checked(
                provider,
                source_db_cluster_snapshot_identifier="nightly",
                target_db_cluster_snapshot_identifier=f"zz-copy-{n}",
            )
        ).id
        for n in range(2)
    ]
    # Neptune's model calls Filters "not currently supported": ignored, the listing holds
    # every cluster snapshot of the region, page after page, the copies on the last one.
    listed = RDSBackend.describe_db_cluster_snapshots

    def ignoring_filters(
        self: Any, cluster: Any, snapshot: Any, kind: Any = None, filters: Any = None
    ) -> Any:
        return listed(self, cluster, snapshot, kind, None)

    monkeypatch.setattr(RDSBackend, "describe_db_cluster_snapshots", ignoring_filters)
    fake.page_size("neptune", 20)
    assert SPEC.describe_many is not None
    found = SPEC.describe_many(Context(SPEC, REGION, lambda _line: None), copies)
    for copy in copies:
        got = found[copy]
        assert got is not None and got.state == "available", copy


FULL = {f"team{i:02d}": "v" for i in range(50)}
"""As many tags as Neptune allows on a resource: every slot the user's."""


def test_every_tag_slot_is_the_users_and_a_replacement_still_makes_a_new_copy(
    fake: Control, provider: SnapshotProvider, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = checked(provider, source_db_cluster_snapshot_identifier="nightly", tags=FULL)
    first = provider.create({**inputs, "__owner": "shop/dev/graph-copy"})
    arn = (first.outs or {})["db_cluster_snapshot_arn"]
    tags = boto3.client("neptune", region_name=REGION).list_tags_for_resource(ResourceName=arn)
    assert {t["Key"]: t["Value"] for t in tags["TagList"]} == FULL
    assert (first.outs or {})["__mark"] is None
    assert "gets no ownership mark" in capsys.readouterr().out
    # `up --replace`: the same resource and inputs create again. Without a mark nothing says
    # whether the copy under the derived name is finished, so it is never taken over.
    again = provider.create({**inputs, "__owner": "shop/dev/graph-copy"})
    assert again.id != first.id
    assert live(first.id) is not None and live(again.id) is not None
