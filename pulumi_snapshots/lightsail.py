"""Lightsail: `LightsailSnapshotCopy` (`copy_snapshot`: instance and disk snapshots, manual or
automatic, across regions) and `LightsailDatabaseSnapshot`
(`create_relational_database_snapshot`)."""

from __future__ import annotations

import datetime
import functools
import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
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
from pulumi_snapshots.engine.spec import iso
from pulumi_snapshots.errors import AwsCallError, SnapshotFailed

NOT_FOUND = frozenset({"NotFoundException"})
"""Lightsail's error code for a missing resource (its body's `code` says `DoesNotExist`)."""


@dataclass(frozen=True)
class LightsailTags(TagApi):
    """Lightsail's tagging: by name, and by ARN as well where it is known, because an instance
    snapshot and a disk snapshot may share a name."""

    def apply(
        self,
        ctx: Context,
        target: str | Sequence[str],
        subject: str,
        add: Mapping[str, str],
        remove: Sequence[str],
    ) -> None:
        """Add or overwrite `add` and remove `remove` on the resource `target` names: a name,
        or a name and its ARN."""
        name, arn = (target, None) if isinstance(target, str) else (target[0], target[-1])
        where: dict[str, Any] = {"resourceName": name}
        if arn and arn != name:
            where["resourceArn"] = arn
        if remove:
            ctx.call("untag_resource", subject, **where, tagKeys=list(remove))
        if add:
            ctx.call("tag_resource", subject, **where, tags=self.to_list(add))


TAGS = LightsailTags(
    add="tag_resource",
    remove="untag_resource",
    target_param="resourceName",
    tags_param="tags",
    key="key",
    value="value",
    remove_param="tagKeys",
)

TAG_RULES = TagRules(max_key=128, max_value=256, forbidden_prefixes=(), extra_characters="+-=._:/@")

NAME_RULE = NameRule(max_length=255)

MAX_DATABASE_SNAPSHOT_NAME = 255
"""`relationalDatabaseSnapshotName`: at most 255 characters, as its API reference says."""


def database_snapshot_name(value: str | None) -> str | None:
    """`relationalDatabaseSnapshotName` of CreateRelationalDatabaseSnapshot. The model's
    `ResourceName` pattern allows underscores; the API reference is stricter and wins: "Must
    contain from 2 to 255 alphanumeric characters, or hyphens. The first and last character
    must be a letter or number" (Amazon Lightsail API Reference,
    CreateRelationalDatabaseSnapshot)."""
    if value is None:
        return None
    problems: list[str] = []
    if not 2 <= len(value) <= MAX_DATABASE_SNAPSHOT_NAME:
        problems.append(
            f"must be 2 to {MAX_DATABASE_SNAPSHOT_NAME} characters long (got {len(value)})"
        )
    bad = sorted({c for c in value if not re.fullmatch(r"[A-Za-z0-9-]", c)})
    if bad:
        problems.append(
            f"has characters that are not allowed: {''.join(bad)!r} (only letters, digits and "
            "hyphens)"
        )
    if value[:1] == "-" or value[-1:] == "-":
        problems.append("must start and end with a letter or digit")
    if problems:
        raise ValueError(f"{value!r} " + ", ".join(problems) + " (Lightsail database snapshots)")
    return value


def resource_name(value: str | None, max_len: int | None = None) -> str | None:
    """The model's `ResourceName` pattern, `\\w[\\w\\-]*\\w` with `\\w` as in Java (ASCII letters,
    digits and underscore): at least two characters, first and last not a hyphen."""
    if value is None:
        return None
    problems: list[str] = []
    if len(value) < 2:
        problems.append(f"must be at least 2 characters long (got {len(value)})")
    if max_len is not None and len(value) > max_len:
        problems.append(f"must be at most {max_len} characters long (got {len(value)})")
    bad = sorted({c for c in value if not re.fullmatch(r"[\w-]", c, re.ASCII)})
    if bad:
        problems.append(
            f"has characters that are not allowed: {''.join(bad)!r} "
            "(only letters, digits, underscores and hyphens)"
        )
    if value.startswith("-"):
        problems.append("must start with a letter, digit or underscore")
    if value.endswith("-"):
        problems.append("must end with a letter, digit or underscore")
    if problems:
        raise ValueError(f"{value!r} " + ", ".join(problems) + " (Lightsail resource names)")
    return value


@functools.cache
def lightsail_regions(*, named_by_api: bool = False) -> tuple[str, ...]:
    """Regions with a Lightsail endpoint in botocore's endpoint data; with `named_by_api`, only
    those that the model's `RegionName` enum lists too (what `sourceRegion` accepts)."""
    import botocore.session

    session = botocore.session.get_session()
    regions = {
        region
        for partition in session.get_available_partitions()
        for region in session.get_available_regions("lightsail", partition_name=partition)
    }
    if named_by_api:
        shape = session.get_service_model("lightsail").shape_for("RegionName")
        regions &= set(getattr(shape, "enum", ()))
    return tuple(sorted(regions))


def lightsail_region(value: str | None, *, named_by_api: bool = False) -> str | None:
    """Only regions where Lightsail has an endpoint."""
    if value is None:
        return None
    regions = lightsail_regions(named_by_api=named_by_api)
    if value not in regions:
        raise ValueError(
            f"{value!r} is not a Lightsail region: Lightsail has no endpoint there "
            f"(its regions: {', '.join(regions)})"
        )
    return value


class LightsailInputs(Inputs):
    """Inputs every Lightsail resource takes."""

    tag_rules = TAG_RULES

    @field_validator("region")
    @classmethod
    def _lightsail_region(cls, value: str | None) -> str | None:
        return lightsail_region(value)


def _progress(value: Any) -> float | None:
    try:
        return float(str(value).rstrip("%"))
    except ValueError:
        return None


def _listed(
    ctx: Context, operation: str, field: str, subject: str, **params: Any
) -> list[Mapping[str, Any]]:
    """Every item of a paginated Lightsail call, following `nextPageToken` to the last page."""
    items: list[Mapping[str, Any]] = []
    while True:
        page = ctx.call(operation, subject, **params)
        items.extend(page.get(field) or [])
        token = page.get("nextPageToken")
        if not token:
            return items
        params["pageToken"] = token


def _operations(ctx: Context, name: str) -> list[Mapping[str, Any]]:
    """Every recorded operation of the resource called `name`, on every page."""
    return _listed(
        ctx, "get_operations_for_resource", "operations", f"Lightsail {name}", resourceName=name
    )


def _failed_operations(ctx: Context, name: str) -> str | None:
    """The error details of the resource's failed Lightsail operations, if any."""
    try:
        operations = _operations(ctx, name)
    except AwsCallError:
        return None
    failed = [op for op in operations if op.get("status") == "Failed"]
    return (
        "; ".join(
            f"{op.get('operationType', 'operation')} failed: "
            f"{op.get('errorCode') or 'no code'}: {op.get('errorDetails') or 'no details'}"
            for op in failed
        )
        or None
    )


def _raise_failed_operations(
    subject: str, operations: Iterable[Mapping[str, Any]], cleanup: Callable[[], None]
) -> None:
    """Raise for an operation Lightsail reports failed at once, after removing what it made."""
    failed = [op for op in operations if op.get("status") == "Failed"]
    if not failed:
        return
    op = failed[0]
    reason = (
        f"{subject}: {op.get('operationType', 'operation')} failed: "
        f"{op.get('errorCode') or 'no code'}: {op.get('errorDetails') or 'no details'}"
    )
    try:
        cleanup()
    except AwsCallError as exc:
        if exc.code not in NOT_FOUND:
            raise SnapshotFailed(f"{reason}; deleting it failed too ({exc})") from exc
    raise SnapshotFailed(reason)


# LightsailSnapshotCopy -------------------------------------------------------------------


class LightsailSnapshotCopyInputs(LightsailInputs):
    """Inputs of `LightsailSnapshotCopy`, with the rules of `copy_snapshot`."""

    source_region: str
    target_snapshot_name: str | None = None
    source_snapshot_name: str | None = None
    source_resource_name: str | None = None
    restore_date: str | None = None
    use_latest_restorable_auto_snapshot: bool | None = None

    @field_validator("target_snapshot_name", "source_snapshot_name")
    @classmethod
    def _names(cls, value: str | None) -> str | None:
        return resource_name(value)

    @field_validator("source_resource_name")
    @classmethod
    def _resource(cls, value: str | None) -> str | None:
        # The model gives `sourceResourceName` no pattern: it only has to name something.
        if value is not None and not value:
            raise ValueError("must name the instance or disk whose automatic snapshot is copied")
        return value

    @field_validator("source_region")
    @classmethod
    def _source_region(cls, value: str) -> str | None:
        return lightsail_region(value, named_by_api=True)

    @field_validator("restore_date")
    @classmethod
    def _date(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            parsed = datetime.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a real date in YYYY-MM-DD form") from None
        if parsed.isoformat() != value:
            raise ValueError(f"{value!r} is not a real date in YYYY-MM-DD form")
        return value

    def cross_checks(self) -> Iterable[tuple[str, str]]:
        """Exactly one source form: a manual snapshot, or a resource with one automatic pick."""
        manual = self.source_snapshot_name is not None
        resource = self.source_resource_name is not None
        by_date = self.restore_date is not None
        latest = bool(self.use_latest_restorable_auto_snapshot)
        if manual and resource:
            yield (
                "source_resource_name",
                "cannot be set together with source_snapshot_name: choose one source",
            )
        elif not manual and not resource:
            yield (
                "source_snapshot_name",
                "is required unless source_resource_name is set (with restore_date or "
                "use_latest_restorable_auto_snapshot=True) to copy an automatic snapshot",
            )
        if manual and not resource:
            if by_date:
                yield ("restore_date", "applies only with source_resource_name")
            if latest:
                yield (
                    "use_latest_restorable_auto_snapshot",
                    "applies only with source_resource_name",
                )
        if resource and not manual:
            if by_date and latest:
                yield (
                    "use_latest_restorable_auto_snapshot",
                    "cannot be true together with restore_date: they are mutually exclusive",
                )
            elif not by_date and not latest:
                yield (
                    "source_resource_name",
                    "needs restore_date or use_latest_restorable_auto_snapshot=True "
                    "to pick the automatic snapshot",
                )


# The kind of each copy, learnt at create or on the first read: one API call per poll after that.
_kinds: dict[tuple[str, str], str] = {}
_kinds_lock = threading.Lock()

UNKNOWN = "unknown"
PENDING = "pending"

_KIND_API = {
    "InstanceSnapshot": ("get_instance_snapshot", "instanceSnapshotName", "instanceSnapshot"),
    "DiskSnapshot": ("get_disk_snapshot", "diskSnapshotName", "diskSnapshot"),
}
_DELETE_API = {
    "InstanceSnapshot": ("delete_instance_snapshot", "instanceSnapshotName"),
    "DiskSnapshot": ("delete_disk_snapshot", "diskSnapshotName"),
}


def _remember(region: str, name: str, kind: str) -> None:
    with _kinds_lock:
        _kinds[(region, name)] = kind


def _copy_create(ctx: Context, m: LightsailSnapshotCopyInputs) -> str:
    target = str(m.target_snapshot_name)
    subject = f"LightsailSnapshotCopy {target}"
    params: dict[str, Any] = {"targetSnapshotName": target, "sourceRegion": m.source_region}
    if m.source_snapshot_name is not None:
        params["sourceSnapshotName"] = m.source_snapshot_name
        source = f"{m.source_region}/{m.source_snapshot_name}"
    else:
        params["sourceResourceName"] = m.source_resource_name
        if m.restore_date is not None:
            params["restoreDate"] = m.restore_date
            source = f"{m.source_region}/{m.source_resource_name} automatic {m.restore_date}"
        else:
            params["useLatestRestorableAutoSnapshot"] = True
            source = f"{m.source_region}/{m.source_resource_name} latest automatic"
    ctx.report(f"{subject}: copying {source} to {ctx.region}")
    operations = ctx.call("copy_snapshot", subject, **params)["operations"]
    _raise_failed_operations(subject, operations, lambda: _copy_delete(ctx, target))
    for op in operations:
        if op.get("resourceType") in _KIND_API:
            _remember(ctx.region, target, op["resourceType"])
    return target


def _copy_get(ctx: Context, name: str) -> tuple[str, Mapping[str, Any]] | None:
    known = _kinds.get((ctx.region, name))
    kinds = [known] if known else list(_KIND_API)
    for kind in kinds:
        operation, param, field = _KIND_API[kind]
        try:
            found = ctx.call(operation, f"LightsailSnapshotCopy {name}", **{param: name})[field]
        except AwsCallError as exc:
            if exc.code in NOT_FOUND:
                continue
            raise
        _remember(ctx.region, name, kind)
        return kind, found
    return None


def _copy_describe(ctx: Context, id_: str) -> Live | None:
    got = _copy_get(ctx, id_)
    return None if got is None else _copy_live(ctx, id_, *got)


_KIND_LIST = {
    "InstanceSnapshot": ("get_instance_snapshots", "instanceSnapshots"),
    "DiskSnapshot": ("get_disk_snapshots", "diskSnapshots"),
}


def _copy_describe_many(ctx: Context, ids: list[str]) -> dict[str, Live | None]:
    kinds = {_kinds.get((ctx.region, id_)) for id_ in ids}
    wanted = list(_KIND_LIST) if None in kinds else sorted(k for k in kinds if k)
    found: dict[str, Live | None] = {}
    for kind in wanted:
        operation, field = _KIND_LIST[kind]
        for item in _listed(ctx, operation, field, f"LightsailSnapshotCopy {', '.join(ids)}"):
            name = str(item.get("name"))
            if name in ids:
                _remember(ctx.region, name, kind)
                found[name] = _copy_live(ctx, name, kind, item)
    return found


def _copy_live(ctx: Context, id_: str, kind: str, s: Mapping[str, Any]) -> Live:
    state = s.get("state")
    if state == UNKNOWN:
        state, s = _settle_unknown(ctx, id_, s)
    origin = s.get("fromInstanceName") or s.get("fromDiskName")
    return Live(
        id=id_,
        state=state,
        progress=_progress(s.get("progress")),
        tags=TAGS.from_list(s.get("tags")),
        tag_target=(id_, str(s.get("arn") or id_)),
        outputs={
            "arn": s.get("arn"),
            "state": s.get("state"),
            "resource_type": kind,
            "size_in_gb": s.get("sizeInGb"),
            "created_at": iso(s.get("createdAt")),
            "from_resource_name": origin,
        },
        inputs={"target_snapshot_name": id_},
    )


def _settle_unknown(ctx: Context, name: str, s: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]]:
    """What a disk snapshot in state `unknown` is waiting for, and the reading to show.

    Lightsail says `unknown` when it cannot tell the snapshot's state. While one of the
    snapshot's operations is still running, the copy may yet complete: it counts as pending.
    Once every operation has ended, nothing will move it on: `unknown` is final, and counts as
    failed, unless a second read finds that the snapshot moved on meanwhile.
    """
    running = [
        op
        for op in _operations(ctx, name)
        if op.get("resourceType") in (None, "DiskSnapshot") and not op.get("isTerminal", True)
    ]
    if running:
        return PENDING, s
    again = _copy_get(ctx, name)
    if again is None:
        return UNKNOWN, s
    return str(again[1].get("state") or UNKNOWN), again[1]


def _copy_delete(ctx: Context, id_: str) -> None:
    got = _copy_get(ctx, id_)
    if got is None:
        return
    operation, param = _DELETE_API[got[0]]
    ctx.call(operation, f"LightsailSnapshotCopy {id_}", **{param: id_})


def _copy_delete_command(ctx: Context, id_: str) -> str:
    kind = _kinds.get((ctx.region, id_), "InstanceSnapshot")
    noun = "instance" if kind == "InstanceSnapshot" else "disk"
    return (
        f"aws lightsail delete-{noun}-snapshot --{noun}-snapshot-name {id_} --region {ctx.region}"
    )


COPY_SPEC = ResourceSpec(
    type_name="LightsailSnapshotCopy",
    service="lightsail",
    inputs=LightsailSnapshotCopyInputs,
    create=_copy_create,
    describe=_copy_describe,
    describe_many=_copy_describe_many,
    delete_member=_copy_delete,
    usable_states=frozenset({"available", "completed"}),
    failed_states=frozenset({"error", UNKNOWN}),
    not_found_codes=NOT_FOUND,
    tag_api=TAGS,
    tags_on_create=False,
    name_input="target_snapshot_name",
    name_rule=NAME_RULE,
    failure_detail=_failed_operations,
    delete_command=_copy_delete_command,
    default_timeout_minutes=120.0,
)


@dataclass(kw_only=True)
class LightsailSnapshotCopyArgs:
    """Inputs of `LightsailSnapshotCopy`."""

    source_region: pulumi.Input[str]
    """Region of the source snapshot."""
    target_snapshot_name: pulumi.Input[str] | None = None
    """Name of the copy; generated from the resource name when omitted."""
    source_snapshot_name: pulumi.Input[str] | None = None
    """A manual instance or disk snapshot to copy."""
    source_resource_name: pulumi.Input[str] | None = None
    """An instance or disk whose automatic snapshot is copied."""
    restore_date: pulumi.Input[str] | None = None
    """The automatic snapshot's date, YYYY-MM-DD (with source_resource_name)."""
    use_latest_restorable_auto_snapshot: pulumi.Input[bool] | None = None
    """Copy the latest automatic snapshot (with source_resource_name)."""
    region: pulumi.Input[str] | None = None
    """Region the copy lands in."""
    tags: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None
    """Tags of the copy (applied after the copy, updated in place)."""
    timeout_minutes: pulumi.Input[float] | None = None
    """How long create waits for the copy to be usable (default 120)."""
    delete_on_timeout: pulumi.Input[bool] | None = None
    """Delete the snapshot when the wait times out, instead of keeping it for the next create
    to resume."""
    adopt_id: pulumi.Input[str] | None = None
    """Take over the existing snapshot with this id instead of making one."""
    identity: pulumi.Input[Mapping[str, Any]] | None = None
    """This resource's own AWS identity: `profile` and/or an `assume_roles` chain."""


class LightsailSnapshotCopy(SnapshotResource, module="snapshots", name="LightsailSnapshotCopy"):
    """A copy of a Lightsail instance or disk snapshot, manual or automatic, in any region.

    Create waits until the copy is usable (`available` for an instance snapshot, `completed`
    for a disk snapshot); a failed copy is deleted and the error carries Lightsail's details.
    Tags are applied after the copy and update in place.

    ```python
    from pulumi_snapshots import LightsailSnapshotCopy

    dr = LightsailSnapshotCopy(
        "web-dr",
        source_region="us-east-1",
        source_resource_name="web-1",
        use_latest_restorable_auto_snapshot=True,
        region="us-west-2",
        tags={"purpose": "dr"},
    )
    ```
    """

    source_region: pulumi.Output[str]
    target_snapshot_name: pulumi.Output[str]
    source_snapshot_name: pulumi.Output[str | None]
    source_resource_name: pulumi.Output[str | None]
    restore_date: pulumi.Output[str | None]
    use_latest_restorable_auto_snapshot: pulumi.Output[bool | None]
    arn: pulumi.Output[str]
    """The copy's ARN."""
    state: pulumi.Output[str]
    """The copy's state, such as `pending` or `available`."""
    resource_type: pulumi.Output[str]
    """`InstanceSnapshot` or `DiskSnapshot`."""
    size_in_gb: pulumi.Output[int]
    """The snapshot's size in GB."""
    created_at: pulumi.Output[str]
    """When the copy was made (ISO 8601)."""
    from_resource_name: pulumi.Output[str]
    """The instance or disk the source snapshot was taken of."""

    def __init__(
        self,
        resource_name: str,
        args: LightsailSnapshotCopyArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(resource_name, args, opts, **kwargs)


# LightsailDatabaseSnapshot ---------------------------------------------------------------


class LightsailDatabaseSnapshotInputs(LightsailInputs):
    """Inputs of `LightsailDatabaseSnapshot`, with the rules of
    `create_relational_database_snapshot`."""

    relational_database_name: str
    relational_database_snapshot_name: str | None = None

    @field_validator("relational_database_name")
    @classmethod
    def _database(cls, value: str) -> str | None:
        return resource_name(value)

    @field_validator("relational_database_snapshot_name")
    @classmethod
    def _snapshot(cls, value: str | None) -> str | None:
        return database_snapshot_name(value)


def _db_create(ctx: Context, m: LightsailDatabaseSnapshotInputs) -> str:
    name = str(m.relational_database_snapshot_name)
    subject = f"LightsailDatabaseSnapshot {name}"
    params: dict[str, Any] = {
        "relationalDatabaseName": m.relational_database_name,
        "relationalDatabaseSnapshotName": name,
    }
    if m.tags:
        params["tags"] = TAGS.to_list(m.tags)
    ctx.report(f"{subject}: snapshotting database {m.relational_database_name}")
    operations = ctx.call("create_relational_database_snapshot", subject, **params)["operations"]
    _raise_failed_operations(subject, operations, lambda: _db_delete(ctx, name))
    return name


def _db_describe(ctx: Context, id_: str) -> Live | None:
    found = ctx.call(
        "get_relational_database_snapshot",
        f"LightsailDatabaseSnapshot {id_}",
        relationalDatabaseSnapshotName=id_,
    )["relationalDatabaseSnapshot"]
    return _db_live(id_, found)


def _db_describe_many(ctx: Context, ids: list[str]) -> dict[str, Live | None]:
    listed = _listed(
        ctx,
        "get_relational_database_snapshots",
        "relationalDatabaseSnapshots",
        f"LightsailDatabaseSnapshot {', '.join(ids)}",
    )
    return {str(s["name"]): _db_live(str(s["name"]), s) for s in listed if s.get("name") in ids}


def _db_live(id_: str, s: Mapping[str, Any]) -> Live:
    return Live(
        id=id_,
        state=s.get("state"),
        tags=TAGS.from_list(s.get("tags")),
        tag_target=(id_, str(s.get("arn") or id_)),
        outputs={
            "arn": s.get("arn"),
            "state": s.get("state"),
            "engine": s.get("engine"),
            "engine_version": s.get("engineVersion"),
            "size_in_gb": s.get("sizeInGb"),
            "created_at": iso(s.get("createdAt")),
            "from_relational_database_name": s.get("fromRelationalDatabaseName"),
        },
        inputs={
            "relational_database_snapshot_name": id_,
            "relational_database_name": s.get("fromRelationalDatabaseName"),
        },
    )


def _db_delete(ctx: Context, id_: str) -> None:
    ctx.call(
        "delete_relational_database_snapshot",
        f"LightsailDatabaseSnapshot {id_}",
        relationalDatabaseSnapshotName=id_,
    )


def _db_delete_command(ctx: Context, id_: str) -> str:
    return (
        "aws lightsail delete-relational-database-snapshot "
        f"--relational-database-snapshot-name {id_} --region {ctx.region}"
    )


DATABASE_SPEC = ResourceSpec(
    type_name="LightsailDatabaseSnapshot",
    service="lightsail",
    inputs=LightsailDatabaseSnapshotInputs,
    create=_db_create,
    describe=_db_describe,
    describe_many=_db_describe_many,
    delete_member=_db_delete,
    usable_states=frozenset({"available"}),
    failed_states=frozenset({"failed", "error"}),
    not_found_codes=NOT_FOUND,
    tag_api=TAGS,
    name_input="relational_database_snapshot_name",
    name_rule=NAME_RULE,
    failure_detail=_failed_operations,
    delete_command=_db_delete_command,
    default_timeout_minutes=60.0,
)


@dataclass(kw_only=True)
class LightsailDatabaseSnapshotArgs:
    """Inputs of `LightsailDatabaseSnapshot`."""

    relational_database_name: pulumi.Input[str]
    """The database to snapshot."""
    relational_database_snapshot_name: pulumi.Input[str] | None = None
    """Name of the snapshot; generated from the resource name when omitted."""
    region: pulumi.Input[str] | None = None
    """Region of the database."""
    tags: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None
    """Tags of the snapshot."""
    timeout_minutes: pulumi.Input[float] | None = None
    """How long create waits for the snapshot to be available (default 60)."""
    delete_on_timeout: pulumi.Input[bool] | None = None
    """Delete the snapshot when the wait times out, instead of keeping it for the next create
    to resume."""
    adopt_id: pulumi.Input[str] | None = None
    """Take over the existing snapshot with this id instead of making one."""
    identity: pulumi.Input[Mapping[str, Any]] | None = None
    """This resource's own AWS identity: `profile` and/or an `assume_roles` chain."""


class LightsailDatabaseSnapshot(
    SnapshotResource, module="snapshots", name="LightsailDatabaseSnapshot"
):
    """A snapshot of a Lightsail managed database.

    Create waits until the snapshot is `available`. Tags update in place; a change of database
    or name replaces the snapshot.

    ```python
    from pulumi_snapshots import LightsailDatabaseSnapshot

    before_upgrade = LightsailDatabaseSnapshot(
        "orders-before-upgrade",
        relational_database_name="orders",
        tags={"reason": "pre-upgrade"},
    )
    pulumi.export("snapshot_arn", before_upgrade.arn)
    ```
    """

    relational_database_name: pulumi.Output[str]
    relational_database_snapshot_name: pulumi.Output[str]
    arn: pulumi.Output[str]
    """The snapshot's ARN."""
    state: pulumi.Output[str]
    """The snapshot's state, such as `available`."""
    engine: pulumi.Output[str]
    """The database engine, such as `mysql`."""
    engine_version: pulumi.Output[str]
    """The database engine's version."""
    size_in_gb: pulumi.Output[int]
    """The snapshot's size in GB."""
    created_at: pulumi.Output[str]
    """When the snapshot was made (ISO 8601)."""
    from_relational_database_name: pulumi.Output[str]
    """The database the snapshot was taken of."""

    def __init__(
        self,
        resource_name: str,
        args: LightsailDatabaseSnapshotArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(resource_name, args, opts, **kwargs)
