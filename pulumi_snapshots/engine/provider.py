"""The one lifecycle engine: a Pulumi dynamic provider driven by a ResourceSpec."""

from __future__ import annotations

import importlib
import time
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from pulumi_snapshots.engine import aws
from pulumi_snapshots.engine.errors import AwsCallError, SnapshotError, SnapshotFailed, WaitTimeout
from pulumi_snapshots.engine.hostpool import widen_provider_host
from pulumi_snapshots.engine.polling import Unread, shared_poller
from pulumi_snapshots.engine.spec import Context, Live, ResourceSpec
from pulumi_snapshots.engine.validation import check_inputs, contains_unknown
from pulumi_snapshots.engine.waiter import Observation, Target, WaitPolicy, wait_for

NAME_KEY = "__name"
"""Input carrying the Pulumi resource name, for autonaming."""
AUTONAMED_KEY = "__autonamed"
"""Input recording that the target name was generated, so it stays stable across updates."""

NO_PAUSE = WaitPolicy(delay=0.0, multiplier=1.0, max_delay=0.0)
GONE = "deleted"
NOT_VISIBLE = "not visible yet"
VISIBILITY_GRACE_SECONDS = 60.0
"""How long a snapshot that was just started may be missing from reads before it counts as gone."""

_specs: dict[str, ResourceSpec] = {}


def resolve_spec(ref: str) -> ResourceSpec:
    """The spec at `module:attribute`, imported on first use."""
    spec = _specs.get(ref)
    if spec is None:
        module, _, attr = ref.partition(":")
        spec = getattr(importlib.import_module(module), attr)
        if not isinstance(spec, ResourceSpec):
            raise TypeError(f"{ref} is not a ResourceSpec")
        _specs[ref] = spec
    return spec


def _report(message: str) -> None:
    # The dynamic provider host forwards stdout to the Pulumi CLI; flush so it shows now.
    print(message, flush=True)


class SnapshotProvider(ResourceProvider):
    """Implements check/diff/create/read/update/delete for every snapshot resource.

    It holds only the reference of its spec, so that it pickles by reference into state
    (about a hundred characters) and carries no client, session or credential.
    """

    serialize_as_secret_always = False

    def __init__(self, spec_ref: str) -> None:
        super().__init__()
        self.spec_ref = spec_ref

    @property
    def spec(self) -> ResourceSpec:
        """The resource's spec."""
        return resolve_spec(self.spec_ref)

    def configure(self, req: ConfigureRequest) -> None:
        """Remember the stack's `aws:region`; inside the provider host, widen its thread pool."""
        region = req.config.get("aws:region")
        self.config_region = str(region) if region else None
        widen_provider_host()

    def _default_region(self) -> str | None:
        return getattr(self, "config_region", None) or aws.default_region()

    def _context(self, recorded: Mapping[str, Any]) -> Context:
        resolved = recorded.get("region") or self._default_region()
        if not resolved:
            raise SnapshotError(
                f"{self.spec.type_name}: no region: set the `region` input, the stack "
                "config `aws:region`, or AWS_REGION"
            )
        return Context(self.spec, resolved, _report, recorded)

    # check ------------------------------------------------------------------------------

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate inputs (no AWS call), resolve the region and generate a stable name."""
        spec = self.spec
        olds = _olds or {}
        raw = {k: v for k, v in news.items() if not k.startswith("__")}
        private: dict[str, Any] = {}
        if NAME_KEY in news:
            private[NAME_KEY] = news[NAME_KEY]
        if raw.get("region") is None:
            raw["region"] = self._default_region()
        if spec.name_input and spec.name_rule and raw.get(spec.name_input) is None:
            if olds.get(AUTONAMED_KEY) and olds.get(spec.name_input):
                raw[spec.name_input] = olds[spec.name_input]
            else:
                raw[spec.name_input] = spec.name_rule.generate(
                    str(news.get(NAME_KEY) or spec.type_name.lower())
                )
            private[AUTONAMED_KEY] = True
        inputs, failures = check_inputs(spec.inputs, raw)
        if inputs.get("region") is None and "region" not in dict(failures):
            failures.append(
                ("region", "is required: set it, the stack config aws:region, or AWS_REGION")
            )
        return CheckResult({**inputs, **private}, [CheckFailure(p, r) for p, r in failures])

    # diff -------------------------------------------------------------------------------

    def diff(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> DiffResult:
        """Replace on inputs the API cannot change; tags and timeout_minutes update in place."""
        spec = self.spec
        olds, news = _olds, _news
        changed: list[str] = []
        replaces: list[str] = []
        for key in spec.inputs.model_fields:
            old, new = olds.get(key), news.get(key)
            if key == "tags":
                old, new = old or {}, new or {}
            if not contains_unknown(new):
                if key in spec.computed_inputs and new is None:
                    continue
                if key == "region" and new is None:
                    continue
                # An optional flag that is false means what an unset one means.
                if old == new or (_unset(old) and _unset(new)):
                    continue
            changed.append(key)
            if key not in spec.in_place:
                replaces.append(key)
        if spec.drift is not None:
            for reason in spec.drift(_id, olds):
                changed.append(reason)
                replaces.append(reason)
        delete_first = None
        if (
            replaces
            and spec.name_input
            and not news.get(AUTONAMED_KEY)
            and all(news.get(k) == olds.get(k) for k in (spec.name_input, *spec.name_scope))
        ):
            # The fixed name would collide where it is unique (such as in its region): the old
            # snapshot must go first. Anywhere else, the new one is made before the old goes.
            delete_first = True
        return DiffResult(
            changes=bool(changed),
            replaces=replaces,
            stables=[],
            delete_before_replace=delete_first,
        )

    # create -----------------------------------------------------------------------------

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Start the snapshot operation, wait until it is usable, and return its outputs."""
        spec = self.spec
        given = _public(props)
        model = spec.inputs.model_validate(given)
        ctx = self._context(given)
        subject = self._subject(given, None)
        id_ = spec.create(ctx, model)
        subject = self._subject(given, id_)
        timeout = model.timeout_minutes or spec.default_timeout_minutes
        try:
            live = self._wait_usable(ctx, id_, subject, timeout)
            if model.tags and not spec.tags_on_create:
                spec.tag_api.apply(ctx, live.tag_target, subject, model.tags, [])
                live = self._describe(ctx, id_) or live
        except Exception as exc:
            # Whatever went wrong after the snapshot was started, it must not be left behind.
            kind = type(exc) if type(exc) in (WaitTimeout, SnapshotFailed) else SnapshotError
            raise kind(self._cleanup(ctx, id_, subject, str(exc))) from exc
        return CreateResult(id_, self._outputs(given, live, ctx.region, model.tags or {}))

    def _wait_usable(self, ctx: Context, id_: str, subject: str, timeout: float) -> Live:
        """Wait through the shared poller of this kind and region (see `polling`)."""
        spec = self.spec
        describe_many = spec.describe_many or self._describe_each
        shared = Context(spec, ctx.region, ctx.report)
        poller = shared_poller(
            spec.type_name, describe_many, self._describe, shared, spec.wait_policy
        )
        started = time.monotonic()
        deadline = started + timeout * 60
        last = poller.join(id_)
        seen: list[Live] = []

        def poll() -> Observation:
            nonlocal last
            last, live = poller.observe(id_, last, deadline)
            if isinstance(live, Unread):
                return Observation(None)
            if live is None:
                if not seen and time.monotonic() - started < VISIBILITY_GRACE_SECONDS:
                    # Reads may lag behind the create (eventual consistency): not yet seen is
                    # not gone.
                    return Observation(NOT_VISIBLE)
                raise SnapshotFailed(
                    f"{subject} disappeared while it was being created{self._why(ctx, id_)}"
                )
            seen.append(live)
            return Observation(live.state, live.progress)

        try:
            # The poller paces the rounds, so the loop itself never sleeps.
            result = wait_for(
                subject,
                poll,
                Target(spec.usable_states, spec.failed_states),
                timeout * 60,
                NO_PAUSE,
                ctx.report,
                sleep=lambda _seconds: None,
            )
        finally:
            poller.leave(id_)
        if result.state in spec.failed_states:
            raise SnapshotFailed(
                f"{subject} reached the error state {result.state!r}{self._why(ctx, id_)}"
            )
        return seen[-1]

    def _describe_each(self, ctx: Context, ids: list[str]) -> dict[str, Live | None]:
        """For kinds without a batch read: still one paced round, one describe per id."""
        return {id_: self._describe(ctx, id_) for id_ in ids}

    def _why(self, ctx: Context, id_: str) -> str:
        detail = self.spec.failure_detail(ctx, id_) if self.spec.failure_detail else None
        return f": {detail}" if detail else ""

    def _cleanup(self, ctx: Context, id_: str, subject: str, reason: str) -> str:
        """Delete what create made, so that a failed create leaves nothing half-made."""
        try:
            self._delete_members(ctx, id_, subject)
        except SnapshotError as exc:
            return f"{reason}; deleting it failed too ({exc}): delete {id_} by hand"
        return f"{reason}; it was deleted"

    # read -------------------------------------------------------------------------------

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """The live state; a snapshot that no longer exists reads as gone."""
        given = {k: v for k, v in _public(props).items() if v is not None}
        ctx = self._context(given)
        live = self._describe(ctx, id_)
        if live is None:
            return ReadResult(None, {})
        recorded = self.spec.name_input in given if self.spec.name_input else "tags" in given
        if not recorded:
            given = {**live.inputs, **given}
        declared = given.get("tags") if recorded else None
        # The service's own form of the id (a lookup may have named it in another case).
        return ReadResult(live.id, self._outputs(given, live, ctx.region, declared))

    # update -----------------------------------------------------------------------------

    def update(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> UpdateResult:
        """Apply tag changes in place and return the full outputs."""
        spec = self.spec
        given = _public(_news)
        # The recorded region wins: the snapshot lives where it was made.
        ctx = self._context({**given, "region": _olds.get("region") or given.get("region")})
        subject = self._subject(given, _id)
        live = self._describe(ctx, _id)
        if live is None:
            raise SnapshotError(f"{subject} no longer exists: run `pulumi refresh`")
        live = self._with_tags(ctx, live)
        live_tags = live.tags or {}
        old_tags: Mapping[str, str] = _olds.get("tags") or {}
        new_tags: Mapping[str, str] = given.get("tags") or {}
        add = {k: v for k, v in new_tags.items() if live_tags.get(k) != v}
        remove = [k for k in old_tags if k not in new_tags and k in live_tags]
        if add or remove:
            spec.tag_api.apply(ctx, live.tag_target, subject, add, remove)
            live = self._describe(ctx, _id) or live
        given["region"] = ctx.region
        return UpdateResult(self._outputs(given, live, ctx.region, new_tags))

    # delete -----------------------------------------------------------------------------

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        """Delete what create made; something already gone is success."""
        given = _public(_props)
        ctx = self._context(given)
        self._delete_members(ctx, _id, self._subject(given, _id))

    def _delete_members(self, ctx: Context, id_: str, subject: str) -> None:
        """Delete every member, even after one fails, then report every failure together."""
        spec = self.spec
        members = spec.members(id_)
        failures: list[SnapshotError] = []
        for member in members:
            try:
                spec.delete_member(ctx, member)
            except SnapshotError as exc:
                if not (isinstance(exc, AwsCallError) and exc.code in spec.not_found_codes):
                    failures.append(exc)
        if len(members) == 1 and failures:
            raise failures[0]
        if failures:
            raise SnapshotError(
                f"{subject}: {len(failures)} of {len(members)} could not be deleted (the "
                f"others were): " + "; ".join(str(exc) for exc in failures)
            )
        self._wait_gone(ctx, id_, subject)
        ctx.report(f"{subject} deleted")

    def _wait_gone(self, ctx: Context, id_: str, subject: str) -> None:
        """Return once the snapshot no longer exists: deletion is asynchronous in some services,
        and a replacement with the same name can only be created after it."""
        spec = self.spec
        if self._describe(ctx, id_) is None:
            return

        def poll() -> Observation:
            live = self._describe(ctx, id_)
            return Observation(GONE) if live is None else Observation(live.state, live.progress)

        timeout = float(ctx.recorded.get("timeout_minutes") or spec.default_timeout_minutes)
        wait_for(
            f"{subject} (being deleted)",
            poll,
            Target(frozenset({GONE}), frozenset()),
            timeout * 60,
            spec.wait_policy,
            ctx.report,
            goal="gone",
        )

    # helpers ----------------------------------------------------------------------------

    def _with_tags(self, ctx: Context, live: Live) -> Live:
        if live.tags is not None or self.spec.read_tags is None:
            return live
        return replace(live, tags=self.spec.read_tags(ctx, live))

    def _describe(self, ctx: Context, id_: str) -> Live | None:
        try:
            return self.spec.describe(ctx, id_)
        except AwsCallError as exc:
            if exc.code in self.spec.not_found_codes:
                return None
            raise

    def _subject(self, given: Mapping[str, Any], id_: str | None) -> str:
        spec = self.spec
        name = id_ or (given.get(spec.name_input) if spec.name_input else None)
        return f"{spec.type_name} {name}" if name else spec.type_name

    def _outputs(
        self,
        given: Mapping[str, Any],
        live: Live,
        region: str,
        declared_tags: Mapping[str, str] | None,
    ) -> dict[str, Any]:
        """Inputs as given, then what AWS computed, then the region and the tags.

        `tags` shows the managed tags (those declared) so that tags AWS adds itself, or copies
        from a source, never cause a diff; `tags_all` shows every tag.
        """
        spec = self.spec
        outs: dict[str, Any] = {k: v for k, v in given.items() if k in spec.inputs.model_fields}
        live = self._with_tags(self._context({**given, "region": region}), live)
        for key, value in live.outputs.items():
            if key in spec.computed_inputs and given.get(key) is not None:
                continue
            outs[key] = value
        outs["region"] = region
        tags = dict(live.tags or {})
        outs["tags"] = (
            tags if declared_tags is None else {k: v for k, v in tags.items() if k in declared_tags}
        )
        outs["tags_all"] = tags
        return outs


def _unset(value: Any) -> bool:
    return value is None or value is False


def _public(props: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if not k.startswith("__")}
