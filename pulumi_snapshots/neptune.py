"""Neptune: `NeptuneClusterSnapshotCopy`, a copy of a DB cluster snapshot
(`copy_db_cluster_snapshot`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
from pydantic import field_validator

from pulumi_snapshots.engine import (
    Context,
    Inputs,
    Live,
    NameRule,
    ResourceSpec,
    SnapshotResource,
    TagApi,
    TagRules,
)
from pulumi_snapshots.engine.batch import shared_lookup
from pulumi_snapshots.engine.spec import iso
from pulumi_snapshots.engine.validation import REGION_PATTERN, name_pattern_check
from pulumi_snapshots.errors import AwsCallError, SnapshotError

ARN_PATTERN = re.compile(
    r"^arn:aws[a-z-]*:rds:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):cluster-snapshot:(?P<name>.+)$"
)

FILTER_VALUES = 100
"""Values one describe_db_cluster_snapshots filter takes."""
PAGE_SIZE = 100
"""describe_db_cluster_snapshots' MaxRecords: 20 to 100."""
ENGINE = "neptune"
NOT_FOUND = frozenset({"DBClusterSnapshotNotFoundFault"})

TAGS = TagApi(
    add="add_tags_to_resource",
    remove="remove_tags_from_resource",
    target_param="ResourceName",
)


class NeptuneClusterSnapshotCopyInputs(Inputs):
    """Inputs of `NeptuneClusterSnapshotCopy`, with the rules of `copy_db_cluster_snapshot`."""

    tag_rules = TagRules(
        max_key=128,
        max_value=256,
        forbidden_prefixes=("aws:", "rds:"),
        prefixes_apply_to_values=True,
        extra_characters="_.:/=+-",
    )

    source_db_cluster_snapshot_identifier: str
    target_db_cluster_snapshot_identifier: str | None = None
    kms_key_id: str | None = None
    copy_tags: bool | None = None
    source_region: str | None = None

    @field_validator("source_db_cluster_snapshot_identifier")
    @classmethod
    def _source(cls, value: str) -> str:
        value = value.strip().lower()
        if not value:
            raise ValueError("must name a DB cluster snapshot (an identifier or an ARN)")
        if value.startswith("arn:") and not ARN_PATTERN.match(value):
            raise ValueError(
                f"{value!r} is not a DB cluster snapshot ARN "
                "(arn:aws:rds:<region>:<account>:cluster-snapshot:<name>)"
            )
        return value

    @field_validator("target_db_cluster_snapshot_identifier")
    @classmethod
    def _target(cls, value: str | None) -> str | None:
        if value is None:
            return None
        return name_pattern_check(
            value.lower(),
            min_len=1,
            max_len=63,
            allowed=r"[a-z0-9-]",
            first_letter=True,
            no_trailing_hyphen=True,
            no_double_hyphen=True,
        )

    @field_validator("source_region")
    @classmethod
    def _source_region(cls, value: str | None) -> str | None:
        if value is not None and not REGION_PATTERN.match(value):
            raise ValueError(f"{value!r} is not an AWS region name such as 'us-east-1'")
        return value

    def cross_checks(self) -> Iterable[tuple[str, str]]:
        """A cross-region source must be an ARN in `source_region`."""
        source = self.source_db_cluster_snapshot_identifier
        match = ARN_PATTERN.match(source)
        if self.source_region and self.source_region != self.region:
            if match is None:
                yield (
                    "source_db_cluster_snapshot_identifier",
                    "must be the source snapshot's ARN when copying across regions "
                    f"(source_region {self.source_region!r} differs from region {self.region!r})",
                )
            elif match["region"] != self.source_region:
                yield (
                    "source_region",
                    f"must match the region of the source ARN ({match['region']!r})",
                )


def _source_region(ctx: Context, m: NeptuneClusterSnapshotCopyInputs) -> str | None:
    match = ARN_PATTERN.match(m.source_db_cluster_snapshot_identifier)
    region = m.source_region or (match["region"] if match else None)
    return region if region and region != ctx.region else None


def _create(ctx: Context, m: NeptuneClusterSnapshotCopyInputs) -> str:
    target = str(m.target_db_cluster_snapshot_identifier)
    params: dict[str, Any] = {
        "SourceDBClusterSnapshotIdentifier": m.source_db_cluster_snapshot_identifier,
        "TargetDBClusterSnapshotIdentifier": target,
    }
    if m.kms_key_id:
        params["KmsKeyId"] = m.kms_key_id
    if m.copy_tags is not None:
        params["CopyTags"] = m.copy_tags
    if m.tags and not m.copy_tags:
        # Tags given with the copy take the place of the source's (CopyTags): with CopyTags,
        # they are written once the copy exists.
        params["Tags"] = TAGS.to_list(m.tags)
    source_region = _source_region(ctx, m)
    if source_region:
        # botocore presigns the request in the source region from this parameter.
        params["SourceRegion"] = source_region
    subject = f"NeptuneClusterSnapshotCopy {target}"
    source = _source(ctx, m, subject)
    if source is not None:
        _require_neptune(subject, m.source_db_cluster_snapshot_identifier, source)
    ctx.report(f"{subject}: copying {m.source_db_cluster_snapshot_identifier}")
    ctx.call("copy_db_cluster_snapshot", subject, **params)
    return target


def _source(
    ctx: Context, m: NeptuneClusterSnapshotCopyInputs, subject: str
) -> Mapping[str, Any] | None:
    """The source snapshot where it lives, or None where it cannot be read (the copy then
    says why, and the copy's own engine is checked while waiting).

    Concurrent copies of one source share its read (`batch.shared_lookup`), and a copy that
    comes while its source is being read takes that read's answer: a fleet copying one nightly
    snapshot reads it about once, not once per copy (the copy itself still fails if the source
    went in between). Neptune's
    DescribeDBClusterSnapshots takes no filters ("This parameter is not currently supported",
    Neptune API reference), so distinct sources are read one by one.
    """

    def read_each(sources: Sequence[str]) -> dict[str, Mapping[str, Any] | None]:
        # Errors name the source alone: they reach every copy of it.
        return {s: _read_source(ctx, s, f"NeptuneClusterSnapshotCopy source {s}") for s in sources}

    lookup = shared_lookup(
        ("neptune-sources", ctx.region, ctx.identity), read_each, join_in_flight=True
    )
    return lookup.get(m.source_db_cluster_snapshot_identifier, read_each)


def _read_source(ctx: Context, source: str, subject: str) -> Mapping[str, Any] | None:
    match = ARN_PATTERN.match(source)
    params: dict[str, Any] = {"DBClusterSnapshotIdentifier": source}
    if (match["name"] if match else source).startswith("rds:"):
        params["SnapshotType"] = "automated"
    elif match:
        params["IncludeShared"] = True
    try:
        found = ctx.call(
            "describe_db_cluster_snapshots",
            subject,
            region=match["region"] if match else None,
            **params,
        )["DBClusterSnapshots"]
    except AwsCallError as exc:
        if exc.code in NOT_FOUND:
            return None
        raise
    return found[0] if found else None


def _require_neptune(subject: str, name: str, s: Mapping[str, Any]) -> None:
    """The Neptune API answers from the RDS endpoint, which lists Aurora and DocumentDB
    cluster snapshots too: anything but a Neptune snapshot is refused."""
    engine = s.get("Engine")
    if engine != ENGINE:
        raise SnapshotError(
            f"{subject}: {name} is a DB cluster snapshot of engine {engine!r}, not a Neptune "
            f"snapshot (engine {ENGINE!r}); NeptuneClusterSnapshotCopy copies and reads only "
            "Neptune snapshots"
        )


READ_SERVICE = "rds"
"""The client that reads copies. Neptune's API is RDS's, at the same endpoint, and RDS's model
has the snapshot's `TagList`, which Neptune's leaves out: reading with it, a wait learns the
tags from the status reads it shares, with no call per copy."""


def _describe(ctx: Context, id_: str) -> Live | None:
    found = ctx.call(
        "describe_db_cluster_snapshots",
        f"NeptuneClusterSnapshotCopy {id_}",
        service=READ_SERVICE,
        DBClusterSnapshotIdentifier=id_,
    )["DBClusterSnapshots"]
    return _live(id_, found[0]) if found else None


def _describe_many(ctx: Context, ids: list[str]) -> dict[str, Live | None]:
    """Many copies with one listing where the service honours its filter, and by name where
    the listing leaves them out: only a not-found error reads a copy as gone.

    Neptune's model calls `Filters` "not currently supported". Ignored, the filter lists every
    DB cluster snapshot of the region, of every engine, page after page: the listing is read
    for as many pages as reading the missing copies by name would cost, and what it did not
    show is read by name.
    """
    found: dict[str, Live | None] = {}
    for start in range(0, len(ids), FILTER_VALUES):
        chunk = ids[start : start + FILTER_VALUES]
        subject = f"NeptuneClusterSnapshotCopy {', '.join(chunk)}"
        params: dict[str, Any] = {
            "Filters": [{"Name": "db-cluster-snapshot-id", "Values": chunk}],
            "MaxRecords": PAGE_SIZE,
        }
        missing = set(chunk)
        pages = 0
        while missing and pages < len(missing):
            page = ctx.call(
                "describe_db_cluster_snapshots", subject, service=READ_SERVICE, **params
            )
            pages += 1
            for s in page.get("DBClusterSnapshots") or ():
                id_ = str(s["DBClusterSnapshotIdentifier"]).lower()
                if id_ in missing:
                    missing.discard(id_)
                    found[id_] = _live(id_, s)
            if not page.get("Marker"):
                break
            params["Marker"] = page["Marker"]
    for id_ in ids:
        if id_ not in found:
            try:
                found[id_] = _describe(ctx, id_)
            except AwsCallError as exc:
                if exc.code not in NOT_FOUND:
                    raise
                found[id_] = None
    return found


def _live(id_: str, s: Mapping[str, Any]) -> Live:
    progress = s.get("PercentProgress")
    id_ = id_.lower()
    _require_neptune(f"NeptuneClusterSnapshotCopy {id_}", id_, s)
    return Live(
        id=id_,
        state=s.get("Status"),
        progress=float(progress) if progress is not None else None,
        tags=TAGS.from_list(s["TagList"]) if "TagList" in s else None,
        tag_target=s["DBClusterSnapshotArn"],
        outputs={
            "db_cluster_snapshot_arn": s["DBClusterSnapshotArn"],
            "status": s.get("Status"),
            "engine": s.get("Engine"),
            "engine_version": s.get("EngineVersion"),
            "allocated_storage": s.get("AllocatedStorage"),
            "storage_encrypted": s.get("StorageEncrypted"),
            "percent_progress": progress,
            "snapshot_create_time": iso(s.get("SnapshotCreateTime")),
            "db_cluster_identifier": s.get("DBClusterIdentifier"),
            "kms_key_id": s.get("KmsKeyId"),
        },
        inputs={
            "source_db_cluster_snapshot_identifier": (
                s.get("SourceDBClusterSnapshotArn") or ""
            ).lower()
            or None,
            "target_db_cluster_snapshot_identifier": id_,
        },
    )


def _read_tags(ctx: Context, live: Live) -> dict[str, str]:
    listed = ctx.call(
        "list_tags_for_resource",
        f"NeptuneClusterSnapshotCopy {live.id}",
        ResourceName=live.tag_target,
    )
    return TAGS.from_list(listed.get("TagList"))


def _delete(ctx: Context, id_: str) -> None:
    ctx.call(
        "delete_db_cluster_snapshot",
        f"NeptuneClusterSnapshotCopy {id_}",
        DBClusterSnapshotIdentifier=id_,
    )


def _delete_command(ctx: Context, id_: str) -> str:
    return (
        "aws neptune delete-db-cluster-snapshot "
        f"--db-cluster-snapshot-identifier {id_} --region {ctx.region}"
    )


SPEC = ResourceSpec(
    type_name="NeptuneClusterSnapshotCopy",
    service="neptune",
    inputs=NeptuneClusterSnapshotCopyInputs,
    create=_create,
    describe=_describe,
    describe_many=_describe_many,
    delete_member=_delete,
    read_tags=_read_tags,
    usable_states=frozenset({"available"}),
    # Snapshot states only: `incompatible-restore` and `incompatible-parameters` are states of
    # DB instances, never of snapshots.
    failed_states=frozenset({"failed"}),
    not_found_codes=NOT_FOUND,
    tag_api=TAGS,
    tags_on_create=lambda m: not m.copy_tags,
    name_input="target_db_cluster_snapshot_identifier",
    name_rule=NameRule(max_length=63, lowercase=True, starts_with_letter=True),
    computed_inputs=frozenset({"kms_key_id"}),
    delete_command=_delete_command,
    default_timeout_minutes=120.0,
)


@dataclass(kw_only=True)
class NeptuneClusterSnapshotCopyArgs:
    """Inputs of `NeptuneClusterSnapshotCopy`."""

    source_db_cluster_snapshot_identifier: pulumi.Input[str]
    """The snapshot to copy: its identifier, or its ARN when shared or in another region."""
    target_db_cluster_snapshot_identifier: pulumi.Input[str] | None = None
    """The copy's identifier; generated from the resource name when omitted."""
    kms_key_id: pulumi.Input[str] | None = None
    """KMS key to encrypt the copy with (required for encrypted cross-region copies)."""
    copy_tags: pulumi.Input[bool] | None = None
    """Copy the source snapshot's tags onto the copy."""
    source_region: pulumi.Input[str] | None = None
    """Region of the source snapshot, for cross-region copies."""
    region: pulumi.Input[str] | None = None
    """Region the copy lands in."""
    tags: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None
    """Tags of the copy."""
    timeout_minutes: pulumi.Input[float] | None = None
    """How long create waits for the copy to be available (default 120)."""
    delete_on_timeout: pulumi.Input[bool] | None = None
    """Delete the snapshot when the wait times out, instead of keeping it for the next create
    to resume."""
    adopt_id: pulumi.Input[str] | None = None
    """Take over the existing snapshot with this id instead of making one."""
    identity: pulumi.Input[Mapping[str, Any]] | None = None
    """This resource's own AWS identity: `profile` and/or an `assume_roles` chain."""


class NeptuneClusterSnapshotCopy(
    SnapshotResource, module="snapshots", name="NeptuneClusterSnapshotCopy"
):
    """A copy of a Neptune DB cluster snapshot, in the same region or across regions.

    Create waits until the copy is `available`; a copy that fails is deleted and the error
    says why. Tags update in place; every other input change replaces the copy.

    ```python
    from pulumi_snapshots import NeptuneClusterSnapshotCopy

    copy = NeptuneClusterSnapshotCopy(
        "graph-dr",
        source_db_cluster_snapshot_identifier=(
            "arn:aws:rds:us-east-1:123456789012:cluster-snapshot:graph-nightly"
        ),
        source_region="us-east-1",
        region="us-west-2",
        kms_key_id="alias/dr",
        tags={"purpose": "dr"},
    )
    ```
    """

    source_db_cluster_snapshot_identifier: pulumi.Output[str]
    target_db_cluster_snapshot_identifier: pulumi.Output[str]
    kms_key_id: pulumi.Output[str | None]
    copy_tags: pulumi.Output[bool | None]
    source_region: pulumi.Output[str | None]
    db_cluster_snapshot_arn: pulumi.Output[str]
    """The copy's ARN."""
    status: pulumi.Output[str]
    """The copy's status, such as `available`."""
    engine: pulumi.Output[str]
    """The database engine (`neptune`)."""
    engine_version: pulumi.Output[str]
    """The engine's version."""
    allocated_storage: pulumi.Output[int]
    """The allocated storage in GiB."""
    storage_encrypted: pulumi.Output[bool]
    """Whether the copy is encrypted."""
    percent_progress: pulumi.Output[int]
    """How far the copy got, in percent."""
    snapshot_create_time: pulumi.Output[str]
    """When the source snapshot was taken (ISO 8601)."""
    db_cluster_identifier: pulumi.Output[str]
    """The cluster the snapshot was taken of."""

    def __init__(
        self,
        resource_name: str,
        args: NeptuneClusterSnapshotCopyArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(resource_name, args, opts, **kwargs)
