"""The declarative description of one snapshot resource, which the engine executes."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from pulumi_snapshots import aws
from pulumi_snapshots.aws.config import AwsSettings
from pulumi_snapshots.aws.context import AwsContext
from pulumi_snapshots.aws.identity import Identity
from pulumi_snapshots.engine.naming import NameRule
from pulumi_snapshots.engine.validation import Inputs
from pulumi_snapshots.engine.waiter import WaitPolicy

DEFAULT_POLICY = WaitPolicy()


@dataclass(frozen=True)
class Live:
    """A snapshot, or a set of them, as AWS describes it now."""

    id: str
    state: str | None
    outputs: Mapping[str, Any]
    """Computed outputs, already plain JSON values."""
    tags: Mapping[str, str] | None
    """Every tag, or None where the service reads tags with a separate call (`read_tags`)."""
    tag_target: str | Sequence[str]
    """What the tagging API addresses: an ARN, a name, or a list of ids."""
    progress: float | None = None
    inputs: Mapping[str, Any] = field(default_factory=dict)
    """Inputs that can be recovered from AWS, for lookups that have none recorded."""


@dataclass
class Context:
    """What a service function may use: the resolved region, clients and progress output."""

    spec: ResourceSpec
    region: str
    report: Callable[[str], None]
    recorded: Mapping[str, Any] = field(default_factory=dict)
    """The resource's inputs as checked or recorded in state, for what the id does not say
    (such as the bucket of an export); empty in shared polling, which serves many resources."""
    settings: AwsSettings | None = None
    """The stack's `aws:*` configuration; None means none."""
    identity: Identity | None = None
    """Who the calls act as; None means the AWS default chain."""
    patience: aws.Patience | None = None
    """How long throttled calls keep trying (creates and deletes, which must not fail because
    many run at once); None leaves throttling to botocore's retries."""

    @classmethod
    def of(
        cls,
        spec: ResourceSpec,
        found: AwsContext,
        report: Callable[[str], None],
        recorded: Mapping[str, Any] | None = None,
    ) -> Context:
        """The context of one operation on the AWS context that `aws.context.resolve` found."""
        return cls(
            spec,
            found.region,
            report,
            recorded or {},
            found.settings,
            found.identity,
            found.patience,
        )

    @property
    def aws(self) -> AwsContext:
        """The AWS context of the calls: settings, identity, region and patience."""
        settings, identity = aws.identify(self.settings, self.identity)
        return AwsContext(settings, identity, self.region, self.patience)

    def client(self, service: str | None = None, region: str | None = None) -> Any:
        """A client of the resource's service (or another) in its region (or another)."""
        return self.aws.client(service or self.spec.service, region)

    def call(
        self,
        operation: str,
        subject: str,
        *,
        service: str | None = None,
        region: str | None = None,
        **params: Any,
    ) -> Any:
        """Call an AWS operation; failures raise AwsCallError naming the operation and subject."""
        return self.aws.call(service or self.spec.service, operation, subject, region, **params)


@dataclass(frozen=True)
class TagApi:
    """How a service writes tags: operation names and parameter shapes."""

    add: str
    remove: str
    target_param: str
    tags_param: str = "Tags"
    key: str = "Key"
    value: str = "Value"
    remove_param: str = "TagKeys"
    remove_shape: Literal["keys", "tags"] = "keys"
    service: str | None = None

    def apply(
        self,
        ctx: Context,
        target: str | Sequence[str],
        subject: str,
        add: Mapping[str, str],
        remove: Sequence[str],
    ) -> None:
        """Add or overwrite `add` and remove the keys in `remove`."""
        if remove:
            keys: list[Any] = (
                list(remove) if self.remove_shape == "keys" else [{self.key: k} for k in remove]
            )
            ctx.call(
                self.remove,
                subject,
                service=self.service,
                **{self.target_param: target, self.remove_param: keys},  # type: ignore[arg-type]
            )
        if add:
            tags = [{self.key: k, self.value: v} for k, v in add.items()]
            ctx.call(
                self.add,
                subject,
                service=self.service,
                **{self.target_param: target, self.tags_param: tags},  # type: ignore[arg-type]
            )

    def to_list(self, tags: Mapping[str, str] | None) -> list[dict[str, str]]:
        """Tags in this service's list form."""
        return [{self.key: k, self.value: v} for k, v in (tags or {}).items()]

    def from_list(self, tags: Sequence[Mapping[str, Any]] | None) -> dict[str, str]:
        """Tags from this service's list form."""
        return {str(t[self.key]): str(t.get(self.value) or "") for t in tags or ()}


@dataclass(frozen=True)
class ResourceSpec:
    """Everything the engine needs to manage one kind of snapshot.

    Service functions do the request/response mapping; the rest is data: which states are
    usable or failed, which error codes mean "not found", which inputs update in place,
    how names are generated and how tags are written.
    """

    type_name: str
    service: str
    inputs: type[Inputs]
    create: Callable[[Context, Any], str]
    """Start the snapshot operation; returns the resource id."""
    describe: Callable[[Context, str], Live | None]
    """Read the snapshot by id; None (or a not-found error) means it is gone."""
    delete_member: Callable[[Context, str], None]
    """Delete one member of the resource (see `members`)."""
    usable_states: frozenset[str]
    failed_states: frozenset[str]
    not_found_codes: frozenset[str]
    tag_api: TagApi
    name_input: str | None = None
    name_rule: NameRule | None = None
    name_scope: frozenset[str] = frozenset({"region"})
    """Inputs within which the name is unique: a replacement deletes the old snapshot first
    only when the name and these are all unchanged."""
    tags_on_create: bool | Callable[[Any], bool] = True
    """Whether `create` sends the tags itself (always, or for these inputs); otherwise the
    engine writes the mark as soon as the snapshot can be tagged, and the tags after the wait."""
    in_place: frozenset[str] = frozenset(
        {"tags", "timeout_minutes", "delete_on_timeout", "adopt_id"}
    )
    """Inputs that change without replacement; every other input replaces."""
    computed_inputs: frozenset[str] = frozenset()
    """Optional inputs that AWS fills in when they are omitted (omitting them is no change)."""
    members: Callable[[str], list[str]] = lambda id_: [id_]
    default_timeout_minutes: float = 60.0
    wait_policy: WaitPolicy = DEFAULT_POLICY
    drift: Callable[[str, Mapping[str, Any]], list[str]] | None = None
    """Extra reasons to replace, found in the old outputs (such as a partly deleted set)."""
    failure_detail: Callable[[Context, str], str | None] | None = None
    """Why the snapshot with this id failed or vanished, when the service can say more."""
    describe_many: Callable[[Context, list[str]], Mapping[str, Live | None]] | None = None
    """Reads many ids with one call (missing ids absent or None), so that concurrent waits in
    one region share their status calls; without it each wait polls `describe` alone."""
    read_tags: Callable[[Context, Live], dict[str, str]] | None = None
    """Reads tags where `describe` does not return them; called only when outputs are built."""
    find_own: Callable[[Context, Any, str], str | None] | None = None
    """For a resource without a name (such as an EC2 set): the id of what an earlier create by
    this owner (`marks.owner_of`) left unfinished with these inputs, or None."""
    adoption_problems: Callable[[Context, Any, Live], list[str]] | None = None
    """How an existing snapshot differs from the declared inputs, beyond what `Live.inputs`
    shows (which the engine compares itself); an adoption is refused unless this is empty."""
    delete_command: Callable[[Context, str], str] | None = None
    """The AWS CLI command that deletes the snapshot with this id, for the message of a wait
    that timed out and kept it."""
    found_inputs: Callable[[Context, Live], Mapping[str, Any]] | None = None
    """Inputs that a read with none recorded (an import, a `get()`) learns with more calls,
    where the snapshot's own description does not carry them (the instance of an EC2 set)."""


def iso(value: Any) -> Any:
    """A timestamp as an ISO-8601 string; anything else unchanged."""
    return value.isoformat() if isinstance(value, datetime) else value
