"""EC2: `Ec2MultiVolumeSnapshot`, crash-consistent snapshots of an instance's volumes
(`create_snapshots`)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, TypedDict

import pulumi
from pydantic import Field, field_validator

from pulumi_snapshots.engine import Context, Inputs, Live, ResourceSpec, SnapshotResource, TagApi
from pulumi_snapshots.engine.batch import shared_lookup
from pulumi_snapshots.engine.marks import MARK_KEY, Mark
from pulumi_snapshots.engine.spec import iso
from pulumi_snapshots.engine.validation import TagRules
from pulumi_snapshots.errors import AwsCallError, SnapshotError

INSTANCE_ID = re.compile(r"^i-([0-9a-f]{8}|[0-9a-f]{17})$")
VOLUME_ID = re.compile(r"^vol-([0-9a-f]{8}|[0-9a-f]{17})$")
FILTER_VALUES = 100
"""Snapshot ids per describe_snapshots filter: half of EC2's 200 values per filter, which
some requests already fail at."""
PAGE_SIZE = 1000
"""describe_snapshots' MaxResults: 5 to 1,000; paginated reads are throttled less."""
MAX_EXCLUDED_VOLUMES = 40
"""ExcludeDataVolumeIds: "You can specify up to 40 volume IDs per request" (the model)."""

TAGS = TagApi(
    add="create_tags",
    remove="delete_tags",
    target_param="Resources",
    remove_param="Tags",
    remove_shape="tags",
)


class Ec2MultiVolumeSnapshotInputs(Inputs):
    """Inputs of `Ec2MultiVolumeSnapshot`, with the rules of `create_snapshots`."""

    tag_rules = TagRules(max_key=127, max_value=255, forbidden_prefixes=("aws:",))

    instance_id: str
    exclude_boot_volume: bool | None = None
    exclude_data_volume_ids: list[str] | None = None
    description: str | None = Field(default=None, max_length=255)
    copy_tags_from_source: Literal["volume"] | None = None

    @field_validator("instance_id")
    @classmethod
    def _instance(cls, value: str) -> str:
        if not INSTANCE_ID.match(value):
            raise ValueError(
                f"{value!r} is not an instance id (i- then 8 or 17 lowercase hex digits)"
            )
        return value

    @field_validator("exclude_data_volume_ids")
    @classmethod
    def _volumes(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        bad = [v for v in value if not VOLUME_ID.match(v)]
        if bad:
            raise ValueError(f"{bad} are not volume ids (vol- then 8 or 17 lowercase hex digits)")
        # Order carries no meaning to EC2: sort so that reordering is no change.
        volumes = sorted(set(value))
        if len(volumes) > MAX_EXCLUDED_VOLUMES:
            raise ValueError(
                f"at most {MAX_EXCLUDED_VOLUMES} volume ids can be excluded per request, "
                f"got {len(volumes)}"
            )
        return volumes


def _members(id_: str) -> list[str]:
    return [m for m in id_.split(",") if m]


def _create(ctx: Context, m: Ec2MultiVolumeSnapshotInputs) -> str:
    spec: dict[str, Any] = {"InstanceId": m.instance_id}
    if m.exclude_boot_volume is not None:
        spec["ExcludeBootVolume"] = m.exclude_boot_volume
    if m.exclude_data_volume_ids:
        spec["ExcludeDataVolumeIds"] = m.exclude_data_volume_ids
    params: dict[str, Any] = {"InstanceSpecification": spec}
    if m.description is not None:
        params["Description"] = m.description
    if m.copy_tags_from_source:
        params["CopyTagsFromSource"] = m.copy_tags_from_source
    if m.tags:
        params["TagSpecifications"] = [{"ResourceType": "snapshot", "Tags": TAGS.to_list(m.tags)}]
    subject = f"Ec2MultiVolumeSnapshot of {m.instance_id}"
    ctx.report(f"{subject}: creating snapshots")
    made = ctx.call("create_snapshots", subject, **params)["Snapshots"]
    ids = sorted(s["SnapshotId"] for s in made)
    if not ids:
        raise SnapshotError(f"{subject}: no volume was left to snapshot after the exclusions")
    return ",".join(ids)


def _find(ctx: Context, snapshot_ids: list[str], subject: str) -> dict[str, Mapping[str, Any]]:
    """The account's own snapshots among `snapshot_ids`, read page by page."""
    found: dict[str, Mapping[str, Any]] = {}
    for start in range(0, len(snapshot_ids), FILTER_VALUES):
        # A filter, unlike SnapshotIds, lists what still exists instead of failing on the
        # missing, and unlike SnapshotIds it can be paginated.
        params: dict[str, Any] = {
            "OwnerIds": ["self"],
            "Filters": [
                {"Name": "snapshot-id", "Values": snapshot_ids[start : start + FILTER_VALUES]}
            ],
            "MaxResults": PAGE_SIZE,
        }
        while True:
            page = ctx.call("describe_snapshots", subject, **params)
            found.update({s["SnapshotId"]: s for s in page.get("Snapshots") or ()})
            if not page.get("NextToken"):
                break
            params["NextToken"] = page["NextToken"]
    return found


def _describe(ctx: Context, id_: str) -> Live | None:
    found = _find(ctx, _members(id_), f"Ec2MultiVolumeSnapshot {id_}")
    return _live(id_, found)


def _describe_many(ctx: Context, ids: list[str]) -> dict[str, Live | None]:
    members = sorted({m for id_ in ids for m in _members(id_)})
    found = _find(ctx, members, f"Ec2MultiVolumeSnapshot sets {', '.join(ids)}")
    return {id_: _live(id_, found) for id_ in ids}


def _live(id_: str, found: Mapping[str, Mapping[str, Any]]) -> Live | None:
    snapshots = [found[m] for m in _members(id_) if m in found]
    if not snapshots:
        return None
    states = {s.get("State") for s in snapshots}
    state = next((bad for bad in ("error", "recoverable") if bad in states), None)
    if state is None:
        state = "completed" if states == {"completed"} else "pending"
    progress = min(_percent(s.get("Progress")) for s in snapshots)
    tag_sets = [TAGS.from_list(s.get("Tags")) for s in snapshots]
    common = {k: v for k, v in tag_sets[0].items() if all(t.get(k) == v for t in tag_sets[1:])}
    return Live(
        id=id_,
        state=state,
        progress=progress,
        tags=common,
        tag_target=[s["SnapshotId"] for s in snapshots],
        outputs={
            "snapshot_ids": [s["SnapshotId"] for s in snapshots],
            "snapshots": [
                {
                    "snapshot_id": s["SnapshotId"],
                    "volume_id": s.get("VolumeId"),
                    "state": s.get("State"),
                    "volume_size": s.get("VolumeSize"),
                    "encrypted": s.get("Encrypted"),
                    "progress": s.get("Progress"),
                    "start_time": iso(s.get("StartTime")),
                    "owner_id": s.get("OwnerId"),
                }
                for s in snapshots
            ],
        },
        inputs={"description": snapshots[0].get("Description")},
    )


def _percent(progress: str | None) -> float:
    try:
        return float((progress or "0").rstrip("%"))
    except ValueError:
        return 0.0


def _delete(ctx: Context, snapshot_id: str) -> None:
    ctx.call("delete_snapshot", f"Ec2MultiVolumeSnapshot {snapshot_id}", SnapshotId=snapshot_id)


def _instance_volumes(ctx: Context, instance_id: str) -> set[str]:
    """The volumes attached to the instance now."""
    found = ctx.call(
        "describe_instances", f"Ec2MultiVolumeSnapshot of {instance_id}", InstanceIds=[instance_id]
    )
    return {
        str(mapping["Ebs"]["VolumeId"])
        for reservation in found.get("Reservations") or ()
        for instance in reservation.get("Instances") or ()
        for mapping in instance.get("BlockDeviceMappings") or ()
        if mapping.get("Ebs", {}).get("VolumeId")
    }


def _found_inputs(ctx: Context, live: Live) -> dict[str, Any]:
    """For an import: the instance whose volumes the set's snapshots are of (a snapshot does not
    name it; its volumes' attachments do), when they are attached to one instance still."""
    volumes = sorted(
        {str(s["volume_id"]) for s in live.outputs.get("snapshots") or () if s.get("volume_id")}
    )
    if not volumes:
        return {}
    try:
        found = ctx.call("describe_volumes", f"Ec2MultiVolumeSnapshot {live.id}", VolumeIds=volumes)
    except AwsCallError:
        return {}  # A volume is gone: the program must name the instance itself.
    instances = {
        str(a["InstanceId"])
        for volume in found.get("Volumes") or ()
        for a in volume.get("Attachments") or ()
        if a.get("InstanceId")
    }
    return {"instance_id": instances.pop()} if len(instances) == 1 else {}


OWNER_LOOKUP_VALUES = 50
"""Owners per filtered DescribeSnapshots of the shared lookup (EC2's model sets no limit on a
filter's values; a modest one keeps each request small)."""


def _find_own(ctx: Context, m: Ec2MultiVolumeSnapshotInputs, owner: str) -> str | None:
    """A set of this instance that an earlier create of the same resource left unfinished: its
    snapshots carry the resource's mark, and that create never returned (it was interrupted, or
    its wait timed out), even if the set has completed since. A set whose create returned is
    the resource's current one (being replaced), never resumed.

    Concurrent creates in one region share one filtered read (`batch.shared_lookup`) for all
    their owners, instead of one read each.
    """

    def marked_sets(owners: Sequence[str]) -> dict[str, dict[str, list[Mapping[str, Any]]]]:
        found: dict[str, dict[str, list[Mapping[str, Any]]]] = {o: {} for o in owners}
        for at in range(0, len(owners), OWNER_LOOKUP_VALUES):
            chunk = owners[at : at + OWNER_LOOKUP_VALUES]
            params: dict[str, Any] = {
                "OwnerIds": ["self"],
                "Filters": [{"Name": f"tag:{MARK_KEY}", "Values": [f"{o} *" for o in chunk]}],
                "MaxResults": PAGE_SIZE,
            }
            while True:
                page = ctx.call("describe_snapshots", "Ec2MultiVolumeSnapshot marks", **params)
                for snapshot in page.get("Snapshots") or ():
                    value = TAGS.from_list(snapshot.get("Tags")).get(MARK_KEY, "")
                    parsed = Mark.parse(value)
                    if parsed is not None and parsed.owner in found:
                        found[parsed.owner].setdefault(value, []).append(snapshot)
                if not page.get("NextToken"):
                    break
                params["NextToken"] = page["NextToken"]
        return found

    lookup = shared_lookup(("ec2-marks", ctx.region, ctx.identity), marked_sets)
    sets = lookup.get(owner, marked_sets) or {}
    unfinished = [
        members
        for value, members in sets.items()
        if (found := Mark.parse(value)) is not None
        and found.owner == owner
        and not found.done
        # A mark of release 0.1.0 says nothing of its create: a set still pending is unfinished.
        and (found.state is not None or any(s.get("State") == "pending" for s in members))
    ]
    if not unfinished:
        return None
    attached = _instance_volumes(ctx, m.instance_id)
    for members in sorted(unfinished, key=lambda ms: str(ms[0].get("StartTime")), reverse=True):
        if all(s.get("VolumeId") in attached for s in members):
            return ",".join(sorted(str(s["SnapshotId"]) for s in members))
    return None


def _adoption_problems(ctx: Context, m: Ec2MultiVolumeSnapshotInputs, live: Live) -> list[str]:
    """Every snapshot of an adopted set must be of a volume attached to the instance."""
    attached = _instance_volumes(ctx, m.instance_id)
    others = sorted(
        str(s["volume_id"])
        for s in live.outputs.get("snapshots") or ()
        if s.get("volume_id") not in attached
    )
    if others:
        return [f"the snapshots of {', '.join(others)} are not of volumes of {m.instance_id}"]
    return []


def _delete_command(ctx: Context, id_: str) -> str:
    return " && ".join(
        f"aws ec2 delete-snapshot --snapshot-id {member} --region {ctx.region}"
        for member in _members(id_)
    )


def _partly_gone(id_: str, olds: Mapping[str, Any]) -> list[str]:
    live: Sequence[str] | None = olds.get("snapshot_ids")
    if live is not None and sorted(live) != _members(id_):
        return ["snapshot_ids"]
    return []


SPEC = ResourceSpec(
    type_name="Ec2MultiVolumeSnapshot",
    service="ec2",
    inputs=Ec2MultiVolumeSnapshotInputs,
    create=_create,
    describe=_describe,
    describe_many=_describe_many,
    delete_member=_delete,
    members=_members,
    usable_states=frozenset({"completed"}),
    failed_states=frozenset({"error", "recoverable"}),
    not_found_codes=frozenset({"InvalidSnapshot.NotFound", "InvalidSnapshotID.Malformed"}),
    tag_api=TAGS,
    drift=_partly_gone,
    find_own=_find_own,
    adoption_problems=_adoption_problems,
    delete_command=_delete_command,
    found_inputs=_found_inputs,
    default_timeout_minutes=120.0,
)


@dataclass(kw_only=True)
class Ec2MultiVolumeSnapshotArgs:
    """Inputs of `Ec2MultiVolumeSnapshot`."""

    instance_id: pulumi.Input[str]
    """The instance whose attached EBS volumes are snapshotted together."""
    exclude_boot_volume: pulumi.Input[bool] | None = None
    """Leave the root volume out."""
    exclude_data_volume_ids: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None
    """Data volumes to leave out."""
    description: pulumi.Input[str] | None = None
    """Description given to every snapshot of the set."""
    copy_tags_from_source: pulumi.Input[str] | None = None
    """`"volume"` copies each volume's tags onto its snapshot."""
    region: pulumi.Input[str] | None = None
    """Region of the instance."""
    tags: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None
    """Tags put on every snapshot of the set."""
    timeout_minutes: pulumi.Input[float] | None = None
    """How long create waits for every snapshot to complete (default 120)."""
    delete_on_timeout: pulumi.Input[bool] | None = None
    """Delete the snapshot when the wait times out, instead of keeping it for the next create
    to resume."""
    adopt_id: pulumi.Input[str] | None = None
    """Take over the existing snapshot with this id instead of making one."""
    identity: pulumi.Input[Mapping[str, Any]] | None = None
    """This resource's own AWS identity: `profile` and/or an `assume_roles` chain."""


class Ec2VolumeSnapshot(TypedDict):
    """One snapshot of an `Ec2MultiVolumeSnapshot` set."""

    snapshot_id: str
    """The snapshot's id."""
    volume_id: str | None
    """The volume it was taken of."""
    state: str | None
    """`pending`, `completed`, `error`, `recoverable` or `recovering`."""
    volume_size: int | None
    """The volume's size in GiB."""
    encrypted: bool | None
    """Whether the snapshot is encrypted."""
    progress: str | None
    """How far it got, such as `100%`."""
    start_time: str | None
    """When it was started (ISO 8601)."""
    owner_id: str | None
    """The account that owns it."""


class Ec2MultiVolumeSnapshot(SnapshotResource, module="snapshots", name="Ec2MultiVolumeSnapshot"):
    """Crash-consistent snapshots of every EBS volume attached to an instance, as one set.

    The id is the set's snapshot ids, sorted and joined with `,`. Create waits until every
    snapshot is `completed`. A refresh that finds some snapshots gone marks the set for
    replacement; all gone means deleted.

    ```python
    from pulumi_snapshots import Ec2MultiVolumeSnapshot

    backup = Ec2MultiVolumeSnapshot(
        "web-backup",
        instance_id="i-0123456789abcdef0",
        exclude_boot_volume=True,
        description="nightly",
        tags={"purpose": "dr"},
    )
    pulumi.export("snapshot_ids", backup.snapshot_ids)
    ```
    """

    instance_id: pulumi.Output[str]
    exclude_boot_volume: pulumi.Output[bool | None]
    exclude_data_volume_ids: pulumi.Output[list[str] | None]
    description: pulumi.Output[str | None]
    copy_tags_from_source: pulumi.Output[str | None]
    snapshot_ids: pulumi.Output[list[str]]
    """The ids of the set's snapshots, sorted."""
    snapshots: pulumi.Output[list[dict[str, Any]]]
    """Each snapshot of the set, with its volume and state."""
    # The SDK checks outputs against their annotations, and refuses a plain dict where they
    # name a TypedDict: the fields are declared apart, for the schema.
    output_fields: ClassVar[dict[str, Any]] = {"snapshots": list[Ec2VolumeSnapshot]}

    def __init__(
        self,
        resource_name: str,
        args: Ec2MultiVolumeSnapshotArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(resource_name, args, opts, **kwargs)
