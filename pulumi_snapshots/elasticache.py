"""ElastiCache: `ElastiCacheSnapshotCopy`, a copy of a snapshot, or its export to S3
(`copy_snapshot`)."""

from __future__ import annotations

import ipaddress
import re
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
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
from pulumi_snapshots.engine.provider import VISIBILITY_GRACE_SECONDS
from pulumi_snapshots.errors import AwsCallError, SnapshotError


@dataclass(frozen=True)
class CopyOrExportTags(TagApi):
    """ElastiCache's tagging for a copy (its ARN); S3 object tagging for an export's objects
    (`s3://bucket/key` targets)."""

    def apply(
        self,
        ctx: Context,
        target: str | Sequence[str],
        subject: str,
        add: Mapping[str, str],
        remove: Sequence[str],
    ) -> None:
        """Add or overwrite `add` and remove `remove`, on the copy or on every object."""
        if isinstance(target, str):
            super().apply(ctx, target, subject, add, remove)
            return
        for uri in target:
            bucket, key = _split_s3_uri(uri)
            # PutObjectTagging replaces the whole set: keep the tags this resource does not own.
            tags = _object_tags(ctx, bucket, key, subject)
            tags = {k: v for k, v in tags.items() if k not in remove} | dict(add)
            ctx.call(
                "put_object_tagging",
                subject,
                service="s3",
                Bucket=bucket,
                Key=key,
                Tagging={"TagSet": S3_TAGS.to_list(tags)},
            )


TAGS = CopyOrExportTags(
    add="add_tags_to_resource",
    remove="remove_tags_from_resource",
    target_param="ResourceName",
)
S3_TAGS = TagApi(add="put_object_tagging", remove="delete_object_tagging", target_param="Key")
"""S3's tag list form (Key/Value), for object tags."""

SNAPSHOT_RULES = "ElastiCache snapshot naming rules"
TARGET_RULES = "ElastiCache target names; a copy's also follow the snapshot naming rules"
BUCKET_RULES = "S3 bucket naming rules"
BUCKET_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
BUCKET_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
MAX_KMS_KEY_ID = 2048
LIST_PAGE = 50
"""Snapshots one describe_snapshots page holds at most (MaxRecords: 20 to 50)."""
USER_SNAPSHOTS = "user"
"""describe_snapshots' SnapshotSource for manual snapshots (the model: `system` or `user`)."""
MAX_COPY_NAME = 255
MAX_EXPORT_NAME = 1000
"""An export's name: "between 1 and 1,000 characters and able to be UTF-8 encoded"."""
MAX_S3_KEY_BYTES = 1024
SHORTEST_OBJECT_SUFFIX = len("-1.rdb")
SHARD_ID = r"\d{1,4}"
"""What ElastiCache appends to an export's name, `-<id>.rdb`: a node group id (the model's
`AllowedNodeGroupId`: 1 to 4 digits, ElastiCache's 4-digit id or one the user chose) or the
node id of a cluster without shards (`0001`)."""

# S3 object tags: at most 10 per object, keys of 1 to 128 and values of up to 256 characters
# (counted in UTF-16), letters, digits, spaces and + - = . _ : / @, no `aws:` keys.
S3_TAG_RULES = TagRules(
    max_key=128,
    max_value=256,
    forbidden_prefixes=("aws:",),
    extra_characters="+-=._:/@",
    max_tags=10,
)


class ElastiCacheSnapshotCopyInputs(Inputs):
    """Inputs of `ElastiCacheSnapshotCopy`, with the rules of `copy_snapshot`."""

    # ElastiCache tags: keys of 1 to 128 characters, values of up to 256, no `aws:` keys,
    # at most 50 tags on a resource. An export's tags are S3 object tags (`cross_checks`).
    tag_rules = TagRules(max_key=128, max_value=256, forbidden_prefixes=("aws:",), max_tags=50)

    source_snapshot_name: str
    target_snapshot_name: str | None = None
    target_bucket: str | None = None
    kms_key_id: str | None = None

    @field_validator("source_snapshot_name")
    @classmethod
    def _source(cls, value: str) -> str:
        # Automatic snapshots are named `automatic.<cluster>-<date>`: no naming rule is imposed
        # on sources beyond naming one.
        if not value.strip():
            raise ValueError("must name an existing ElastiCache snapshot")
        return value

    @field_validator("target_snapshot_name")
    @classmethod
    def _target(cls, value: str | None) -> str | None:
        # What both a copy and an export accept; the rules of each are in `cross_checks`.
        if value is None:
            return None
        # ElastiCache stores the name in lower case: so does the resource, so that its id is
        # the name AWS has.
        value = value.lower()
        problems = export_name_problems(value)
        if problems:
            raise ValueError(f"{value!r} " + ", ".join(problems) + f" ({TARGET_RULES})")
        return value

    @field_validator("target_bucket")
    @classmethod
    def _bucket(cls, value: str | None) -> str | None:
        if value is None:
            return None
        problems = bucket_name_problems(value)
        if problems:
            raise ValueError(f"{value!r} " + ", ".join(problems) + f" ({BUCKET_RULES})")
        return value

    @field_validator("kms_key_id")
    @classmethod
    def _kms(cls, value: str | None) -> str | None:
        if value is not None and not 1 <= len(value) <= MAX_KMS_KEY_ID:
            raise ValueError(
                f"must be a KMS key id, key ARN, alias name or alias ARN of 1 to "
                f"{MAX_KMS_KEY_ID} characters (got {len(value)})"
            )
        return value

    def tag_slots(self) -> int:
        """An export's tags are S3 object tags: 10 a file."""
        return S3_TAG_RULES.max_tags if self.target_bucket is not None else super().tag_slots()

    def cross_checks(self) -> Iterable[tuple[str, str]]:
        """A copy's name follows the snapshot naming rules and differs from its source's; an
        export's tags follow S3's object tag rules."""
        target = self.target_snapshot_name
        if self.target_bucket is None and target is not None:
            problems = copy_name_problems(target)
            if problems:
                yield (
                    "target_snapshot_name",
                    f"{target!r} {', '.join(problems)} ({SNAPSHOT_RULES})",
                )
            elif target == self.source_snapshot_name.lower():
                yield (
                    "target_snapshot_name",
                    "must differ from source_snapshot_name: ElastiCache snapshot names are "
                    "unique (only an export to S3 may reuse the source's name)",
                )
        if self.target_bucket is not None and self.tags:
            problems = s3_tag_problems(self.tags)
            if problems:
                yield (
                    "tags",
                    "; ".join(problems) + " (an export's tags are S3 object tags on its objects)",
                )


def copy_name_problems(name: str) -> list[str]:
    """The naming rules of an ElastiCache snapshot that `name` breaks: letters, digits and
    hyphens, starting with a letter, no two hyphens in a row and none at the end."""
    problems: list[str] = []
    if not 1 <= len(name) <= MAX_COPY_NAME:
        problems.append(f"must be 1 to {MAX_COPY_NAME} characters long (got {len(name)})")
    bad = sorted({c for c in name if not re.fullmatch(r"[a-z0-9-]", c)})
    if bad:
        problems.append(f"has characters that are not allowed: {''.join(bad)!r}")
    if name and not (name[0].isascii() and name[0].isalpha()):
        problems.append("must start with a letter")
    if name.endswith("-"):
        problems.append("must not end with a hyphen")
    if "--" in name:
        problems.append("must not contain two consecutive hyphens")
    return problems


def export_name_problems(name: str) -> list[str]:
    """The rules of an export's name that `name` breaks: 1 to 1,000 characters that UTF-8 can
    encode, short enough for S3 keys (1,024 bytes) once ElastiCache appends `-<id>.rdb`."""
    problems: list[str] = []
    if not 1 <= len(name) <= MAX_EXPORT_NAME:
        problems.append(f"must be 1 to {MAX_EXPORT_NAME} characters long (got {len(name)})")
    try:
        size = len(name.encode("utf-8"))
    except UnicodeEncodeError:
        problems.append("must be text that UTF-8 can encode")
    else:
        if size + SHORTEST_OBJECT_SUFFIX > MAX_S3_KEY_BYTES:
            problems.append(
                f"must leave room for `-<id>.rdb` in S3's {MAX_S3_KEY_BYTES}-byte object keys "
                f"(it is {size} bytes in UTF-8)"
            )
    return problems


def s3_tag_problems(tags: Mapping[str, str]) -> list[str]:
    """Every S3 object tag rule that `tags` break (S3 counts lengths in UTF-16 units)."""
    problems = S3_TAG_RULES.violations(tags)
    for label, text, limit in (
        *((f"tag key {k!r}", k, S3_TAG_RULES.max_key) for k in tags),
        *((f"tag value of {k!r}", v, S3_TAG_RULES.max_value) for k, v in tags.items()),
    ):
        # Characters beyond the Basic Multilingual Plane take two UTF-16 units.
        if len(text) <= limit < len(text.encode("utf-16-le")) // 2:
            problems.append(f"{label} must be at most {limit} UTF-16 units")
    return problems


def bucket_name_problems(name: str) -> list[str]:
    """Every S3 general purpose bucket naming rule that `name` breaks, as phrases."""
    problems: list[str] = []
    if not 3 <= len(name) <= 63:
        problems.append(f"must be 3 to 63 characters long (got {len(name)})")
    bad = sorted({c for c in name if not re.match(r"[a-z0-9.-]", c)})
    if bad:
        problems.append(
            f"has characters that are not allowed: {''.join(bad)!r} "
            "(only lowercase letters, digits, dots and hyphens)"
        )
    if name and not (name[0].isascii() and name[0].isalnum()):
        problems.append("must begin with a lowercase letter or digit")
    if name and not (name[-1].isascii() and name[-1].isalnum()):
        problems.append("must end with a lowercase letter or digit")
    if ".." in name:
        problems.append("must not contain two adjacent dots")
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        pass
    else:
        problems.append("must not be formatted as an IP address")
    for prefix in BUCKET_RESERVED_PREFIXES:
        if name.startswith(prefix):
            problems.append(f"must not start with the reserved prefix {prefix!r}")
    for suffix in BUCKET_RESERVED_SUFFIXES:
        if name.endswith(suffix):
            problems.append(f"must not end with the reserved suffix {suffix!r}")
    return problems


# ids -------------------------------------------------------------------------------------


def _bucket(ctx: Context, id_: str) -> str | None:
    """The bucket of an export (None for a copy): from this process's own export in flight,
    else from the recorded inputs."""
    flight = _flight(ctx, id_)
    if flight is not None:
        return flight.bucket
    bucket = ctx.recorded.get("target_bucket")
    return str(bucket) if bucket else None


def _subject(id_: str) -> str:
    return f"ElastiCacheSnapshotCopy {id_}"


# exports in flight -----------------------------------------------------------------------


@dataclass
class _Export:
    """An export this process started and is waiting for.

    ElastiCache keeps no record of an export: while it runs, only its source says so
    (`exporting`); afterwards only the objects in the bucket exist. Whether an export that
    wrote nothing failed or is still to start can only be told with the source's name, so it is
    remembered here for the wait that follows create, which shared polling serves by id alone.
    """

    source: str
    bucket: str
    source_status: str | None = "exporting"
    finished: bool = False
    seen_exporting: bool = False
    started: float = field(default_factory=time.monotonic)


_in_flight: dict[tuple[str, str], _Export] = {}
_in_flight_lock = threading.Lock()


def _flight(ctx: Context, id_: str) -> _Export | None:
    with _in_flight_lock:
        return _in_flight.get((ctx.region, id_))


# service functions -----------------------------------------------------------------------


def _create(ctx: Context, m: ElastiCacheSnapshotCopyInputs) -> str:
    target = str(m.target_snapshot_name)
    params: dict[str, Any] = {
        "SourceSnapshotName": m.source_snapshot_name,
        "TargetSnapshotName": target,
    }
    if m.kms_key_id:
        params["KmsKeyId"] = m.kms_key_id
    if m.target_bucket is None:
        if m.tags:
            params["Tags"] = TAGS.to_list(m.tags)
        subject = _subject(target)
        ctx.report(f"{subject}: copying {m.source_snapshot_name}")
        ctx.call("copy_snapshot", subject, **params)
        return target
    params["TargetBucket"] = m.target_bucket
    subject = _subject(target)
    ctx.report(f"{subject}: exporting {m.source_snapshot_name} to s3://{m.target_bucket}")
    ctx.call("copy_snapshot", subject, **params)
    with _in_flight_lock:
        _in_flight[(ctx.region, target)] = _Export(m.source_snapshot_name, m.target_bucket)
    return target


def _describe(ctx: Context, id_: str) -> Live | None:
    bucket = _bucket(ctx, id_)
    if bucket is not None:
        return _describe_export(ctx, id_, bucket)
    # Names are stored in lower case: a lookup may name the copy in another case.
    found = ctx.call("describe_snapshots", _subject(id_), SnapshotName=id_.lower())["Snapshots"]
    return _copy_live(str(found[0].get("SnapshotName") or id_), found[0]) if found else None


def _describe_many(ctx: Context, ids: list[str]) -> dict[str, Live | None]:
    found: dict[str, Live | None] = {}
    copies: set[str] = set()
    for id_ in ids:
        bucket = _bucket(ctx, id_)
        if bucket is not None:
            # Each export has its own source and bucket to read.
            found[id_] = _describe_export(ctx, id_, bucket)
        else:
            copies.add(id_)
    if len(copies) > 1:
        # Copies are manual snapshots: list those, for as many pages as describing the copies
        # still missing one by one would cost.
        params: dict[str, Any] = {"SnapshotSource": USER_SNAPSHOTS, "MaxRecords": LIST_PAGE}
        pages = 0
        while copies and pages < len(copies):
            page = ctx.call(
                "describe_snapshots",
                f"ElastiCacheSnapshotCopy {', '.join(sorted(copies))}",
                **params,
            )
            pages += 1
            for s in page["Snapshots"]:
                name = str(s.get("SnapshotName"))
                if name in copies:
                    copies.discard(name)
                    found[name] = _copy_live(name, s)
            if not page.get("Marker"):
                break
            params["Marker"] = page["Marker"]
    # What the listing did not show is read by name: only a not-found error says it is gone.
    for id_ in sorted(copies):
        try:
            found[id_] = _describe(ctx, id_)
        except AwsCallError as exc:
            if exc.code != "SnapshotNotFoundFault":
                raise
            found[id_] = None
    return found


def _copy_live(id_: str, s: Mapping[str, Any]) -> Live:
    return Live(
        id=id_,
        state=s.get("SnapshotStatus"),
        tags=None,
        tag_target=s["ARN"],
        outputs={
            "arn": s["ARN"],
            "snapshot_status": s.get("SnapshotStatus"),
            "engine": s.get("Engine"),
            "engine_version": s.get("EngineVersion"),
            "cache_node_type": s.get("CacheNodeType"),
            "snapshot_source": s.get("SnapshotSource"),
            "kms_key_id": s.get("KmsKeyId"),
            "exported_object_keys": None,
        },
        inputs={"target_snapshot_name": id_},
    )


def _describe_export(ctx: Context, id_: str, bucket: str) -> Live | None:
    flight = _flight(ctx, id_)
    if flight is not None and not flight.finished:
        # The source first, then the bucket: an export that ends between the two reads is
        # then seen with its objects, never as an export that wrote nothing.
        flight.source_status = _source_status(ctx, flight.source, _subject(id_))
        if flight.source_status not in (None, "available"):
            flight.seen_exporting = True
            return _export_live(id_, bucket, flight.source_status, [])
    keys = _object_keys(ctx, bucket, id_, _subject(id_))
    if flight is not None and not flight.finished:
        if (
            not keys
            and not flight.seen_exporting
            and time.monotonic() - flight.started < VISIBILITY_GRACE_SECONDS
        ):
            # Right after the call the source may not show `exporting` yet: an export that
            # has not visibly started has not failed.
            return _export_live(id_, bucket, "exporting", [])
        flight.finished = True
        return _export_live(id_, bucket, "available" if keys else "failed", keys)
    if not keys:
        return None
    return _export_live(id_, bucket, "available", keys)


def _export_live(id_: str, bucket: str, state: str, keys: list[str]) -> Live:
    # An export is objects in S3: the outputs that describe an ElastiCache snapshot are None,
    # and its tags are the objects' tags.
    return Live(
        id=id_,
        state=state,
        tags=None,
        tag_target=[f"s3://{bucket}/{key}" for key in keys],
        outputs={
            "arn": None,
            "snapshot_status": state,
            "engine": None,
            "engine_version": None,
            "cache_node_type": None,
            "snapshot_source": None,
            "kms_key_id": None,
            "exported_object_keys": keys,
        },
        inputs={"target_snapshot_name": id_, "target_bucket": bucket},
    )


def _source_status(ctx: Context, source: str, subject: str) -> str | None:
    """The status of the snapshot being exported, or None once it no longer exists."""
    try:
        found = ctx.call("describe_snapshots", subject, SnapshotName=source)["Snapshots"]
    except AwsCallError as exc:
        if exc.code == "SnapshotNotFoundFault":
            return None
        raise
    return str(found[0].get("SnapshotStatus")) if found else None


def _object_keys(ctx: Context, bucket: str, target: str, subject: str) -> list[str]:
    """The keys of the export's objects, `<target>-<shard id>.rdb`, sorted."""
    exact = re.compile(re.escape(target) + "-" + SHARD_ID + r"\.rdb")
    keys: list[str] = []
    params: dict[str, Any] = {"Bucket": bucket, "Prefix": f"{target}-"}
    while True:
        page = ctx.call("list_objects_v2", subject, service="s3", **params)
        keys.extend(o["Key"] for o in page.get("Contents", ()) if exact.fullmatch(o["Key"]))
        if not page.get("IsTruncated"):
            return sorted(keys)
        params["ContinuationToken"] = page["NextContinuationToken"]


def _read_tags(ctx: Context, live: Live) -> dict[str, str]:
    """A copy's tags; for an export, the tags that every one of its objects has."""
    subject = _subject(live.id)
    if isinstance(live.tag_target, str):
        listed = ctx.call("list_tags_for_resource", subject, ResourceName=live.tag_target)
        return TAGS.from_list(listed.get("TagList"))
    common: dict[str, str] | None = None
    for uri in live.tag_target:
        tags = _object_tags(ctx, *_split_s3_uri(uri), subject)
        common = tags if common is None else {k: v for k, v in common.items() if tags.get(k) == v}
    return common or {}


def _object_tags(ctx: Context, bucket: str, key: str, subject: str) -> dict[str, str]:
    found = ctx.call("get_object_tagging", subject, service="s3", Bucket=bucket, Key=key)
    return S3_TAGS.from_list(found.get("TagSet"))


def _split_s3_uri(uri: str) -> tuple[str, str]:
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    return bucket, key


def _delete(ctx: Context, id_: str) -> None:
    bucket, target = _bucket(ctx, id_), id_
    if bucket is None:
        ctx.call("delete_snapshot", _subject(id_), SnapshotName=id_)
        return
    subject = _subject(id_)
    _delete_objects(ctx, bucket, _object_keys(ctx, bucket, target, subject), subject)
    with _in_flight_lock:
        flight = _in_flight.pop((ctx.region, id_), None)
    if flight is None or flight.finished:
        return
    if _source_status(ctx, flight.source, subject) == "exporting":
        raise SnapshotError(
            f"ElastiCache is still exporting {flight.source} and an export cannot be "
            f"cancelled: its objects {target}-<shard id>.rdb may still appear in s3://{bucket}"
        )


def _delete_objects(ctx: Context, bucket: str, keys: Sequence[str], subject: str) -> None:
    for start in range(0, len(keys), 1000):
        batch = keys[start : start + 1000]
        result = ctx.call(
            "delete_objects",
            subject,
            service="s3",
            Bucket=bucket,
            Delete={"Objects": [{"Key": k} for k in batch], "Quiet": True},
        )
        errors = [e for e in result.get("Errors", ()) if e.get("Code") != "NoSuchKey"]
        if errors:
            failed = ", ".join(
                f"{e.get('Key')} ({e.get('Code')}: {e.get('Message')})" for e in errors
            )
            raise SnapshotError(f"{subject}: deleting objects from s3://{bucket} failed: {failed}")


def _failure_detail(ctx: Context, id_: str) -> str | None:
    bucket, target = _bucket(ctx, id_), id_
    flight = _flight(ctx, id_)
    if bucket is None or flight is None:
        return None
    if flight.source_status is None:
        return (
            f"the source snapshot {flight.source} disappeared during the export, and no "
            f"{target}-<shard id>.rdb object was written to s3://{bucket}"
        )
    return (
        f"ElastiCache finished exporting {flight.source} but wrote no {target}-<shard id>.rdb "
        "object "
        f"to s3://{bucket}: check that the bucket is in {ctx.region} and that its policy "
        "grants ElastiCache access"
    )


def _delete_command(ctx: Context, id_: str) -> str:
    bucket = _bucket(ctx, id_)
    if bucket is None:
        return f"aws elasticache delete-snapshot --snapshot-name {id_} --region {ctx.region}"
    return (
        f"aws s3 rm s3://{bucket}/ --recursive --exclude '*' --include '{id_}-*.rdb' "
        f"--region {ctx.region}"
    )


SPEC = ResourceSpec(
    type_name="ElastiCacheSnapshotCopy",
    service="elasticache",
    inputs=ElastiCacheSnapshotCopyInputs,
    create=_create,
    describe=_describe,
    describe_many=_describe_many,
    delete_member=_delete,
    read_tags=_read_tags,
    usable_states=frozenset({"available"}),
    failed_states=frozenset({"failed"}),
    not_found_codes=frozenset({"SnapshotNotFoundFault", "NoSuchBucket"}),
    tag_api=TAGS,
    # A copy's tags go with the copy request (tag-on-create policies see them); an export's
    # objects exist only once it is done, so its tags are applied after the wait.
    tags_on_create=lambda m: m.target_bucket is None,
    name_input="target_snapshot_name",
    name_rule=NameRule(max_length=255, lowercase=True, starts_with_letter=True),
    # A copy's name is unique among the region's snapshots, an export's within its bucket.
    name_scope=frozenset({"region", "target_bucket"}),
    computed_inputs=frozenset({"kms_key_id"}),
    failure_detail=_failure_detail,
    delete_command=_delete_command,
    default_timeout_minutes=120.0,
)


@dataclass(kw_only=True)
class ElastiCacheSnapshotCopyArgs:
    """Inputs of `ElastiCacheSnapshotCopy`."""

    source_snapshot_name: pulumi.Input[str]
    """The snapshot to copy or export (manual or automatic)."""
    target_snapshot_name: pulumi.Input[str] | None = None
    """The copy's name, or the name the exported objects start with; generated from the resource
    name when omitted."""
    target_bucket: pulumi.Input[str] | None = None
    """Export to this S3 bucket (in the same region) instead of copying within ElastiCache."""
    kms_key_id: pulumi.Input[str] | None = None
    """KMS key to encrypt the copy with."""
    region: pulumi.Input[str] | None = None
    """Region of the source snapshot, the copy and the bucket."""
    tags: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None
    """Tags of the copy; for an export, S3 object tags of its objects (at most 10)."""
    timeout_minutes: pulumi.Input[float] | None = None
    """How long create waits for the copy or export to finish (default 120)."""
    delete_on_timeout: pulumi.Input[bool] | None = None
    """Delete the snapshot when the wait times out, instead of keeping it for the next create
    to resume."""
    adopt_id: pulumi.Input[str] | None = None
    """Take over the existing snapshot with this id instead of making one."""
    identity: pulumi.Input[Mapping[str, Any]] | None = None
    """This resource's own AWS identity: `profile` and/or an `assume_roles` chain."""


class ElastiCacheSnapshotCopy(SnapshotResource, module="snapshots", name="ElastiCacheSnapshotCopy"):
    """A copy of an ElastiCache (Valkey or Redis OSS) snapshot, or its export to S3.

    Without `target_bucket`, the copy is an ElastiCache snapshot: create waits until it is
    `available`, a copy that fails is deleted and the error says why, and tags update in place.

    With `target_bucket`, the snapshot is exported as `<target_snapshot_name>-<shard id>.rdb`
    objects (one per shard) into the bucket, which must be in the same region and grant
    ElastiCache access. The resource owns those objects: `exported_object_keys` lists them, a
    refresh reads them back (all gone means deleted) and delete removes them. Its `tags` are S3
    object tags on those objects. `arn`, `engine`, `engine_version`, `cache_node_type` and
    `snapshot_source` are None for an export. A lookup with `get()` finds copies only: an export
    is known by its bucket.

    ElastiCache stores `target_snapshot_name` in lower case, and so does the resource.

    Every input change other than `tags` and `timeout_minutes` replaces the copy or export.

    ```python
    from pulumi_snapshots import ElastiCacheSnapshotCopy

    keep = ElastiCacheSnapshotCopy(
        "sessions-keep",
        source_snapshot_name="automatic.sessions-2024-06-01-05-00",
        kms_key_id="alias/backups",
        tags={"purpose": "retention"},
    )
    export = ElastiCacheSnapshotCopy(
        "sessions-export",
        source_snapshot_name=keep.target_snapshot_name,
        target_bucket="sessions-exports",
    )
    pulumi.export("rdb_keys", export.exported_object_keys)
    ```
    """

    source_snapshot_name: pulumi.Output[str]
    target_snapshot_name: pulumi.Output[str]
    target_bucket: pulumi.Output[str | None]
    kms_key_id: pulumi.Output[str | None]
    arn: pulumi.Output[str | None]
    """The copy's ARN (none for an export to S3)."""
    snapshot_status: pulumi.Output[str]
    """The copy's status, such as `available`."""
    engine: pulumi.Output[str | None]
    """The cache engine: `redis`, `valkey` or `memcached`."""
    engine_version: pulumi.Output[str | None]
    """The cache engine's version."""
    cache_node_type: pulumi.Output[str | None]
    """The node type of the source cluster."""
    snapshot_source: pulumi.Output[str | None]
    """`manual` or `automated`."""
    exported_object_keys: pulumi.Output[list[str] | None]
    """For an export to S3: the keys of the objects written to `target_bucket`."""

    def __init__(
        self,
        resource_name: str,
        args: ElastiCacheSnapshotCopyArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(resource_name, args, opts, **kwargs)
