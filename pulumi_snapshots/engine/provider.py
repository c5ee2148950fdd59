"""The one lifecycle engine: a Pulumi dynamic provider driven by a ResourceSpec."""

from __future__ import annotations

import importlib
import json
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
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
from pulumi.output import UNKNOWN as UNKNOWN_VALUE

from pulumi_snapshots import aws
from pulumi_snapshots.aws.config import AwsSettings
from pulumi_snapshots.aws.tags import (
    desired_tags,
    drifted,
    ignored_keys,
    tag_changes,
    visible_tags,
)
from pulumi_snapshots.engine import entry
from pulumi_snapshots.engine.hostpool import (
    in_provider_host,
    report_changed_keys,
    send_changed_keys,
    shorten_host_errors,
    watch_engine,
    widen_provider_host,
)
from pulumi_snapshots.engine.marks import DONE, MARK_KEY, Mark, without_mark
from pulumi_snapshots.engine.polling import Unread, shared_poller
from pulumi_snapshots.engine.spec import Context, Live, ResourceSpec
from pulumi_snapshots.engine.validation import (
    check_inputs,
    contains_unknown,
    is_unknown,
    known_part,
)
from pulumi_snapshots.engine.waiter import Observation, Target, WaitPolicy, wait_for
from pulumi_snapshots.errors import AwsCallError, SnapshotError, SnapshotFailed, WaitTimeout

NAME_KEY = "__name"
"""Input carrying the Pulumi resource name, for autonaming."""
OWNER_KEY = "__owner"
"""Input carrying who makes the snapshot (`marks.owner_of`): project, stack and resource."""
MARK_OUTPUT = "__mark"
"""Output recording the mark that this resource's create wrote on the snapshot."""
DESIRED_OUTPUT = "__tags"
"""Output recording the tags the snapshot was given: `aws:defaultTags` under the resource's own
`tags`, without those `aws:ignoreTags` ignores."""
CREATED, RESUMED, ADOPTED = "created", "resumed", "adopted"
SECRET_ECHOES = ("tags_all", DESIRED_OUTPUT)
"""Inputs that repeat `tags` under the names of outputs that hold the same values. The dynamic
provider host takes no secrets, so the engine marks an output secret only when the input of the
same name holds one: without these, secret tag values would be plain text in the state."""
LOOKUP_KEY = "__lookup"
"""Input of a `get()`: a read that must find the snapshot (only refresh may find it gone)."""
UNRECORDED_OUTPUT = "__unrecorded"
"""Output of a read that found the snapshot without recorded inputs (an import): the inputs
that AWS does not record on it (such as the source of a copy), which the program then gives."""
AUTONAMED_KEY = "__autonamed"
"""Input recording that the target name was generated, so it stays stable across updates."""

NO_PAUSE = WaitPolicy(delay=0.0, multiplier=1.0, max_delay=0.0)
GONE = "deleted"
NOT_VISIBLE = "not visible yet"
VISIBILITY_GRACE_SECONDS = 60.0
MAX_RENAMES = 8
RENAMED = "renamed"
"""Derived names an autonamed create tries past finished snapshots of its own."""
"""How long a snapshot that was just started may be missing from reads before it counts as gone."""

_specs: dict[str, ResourceSpec] = {}

Report = Callable[[str], None]
"""Where an operation's progress lines go: stdout in the dynamic provider host (which forwards
it to the CLI), the engine's Log RPC in the native plugin."""


@dataclass(frozen=True)
class Plan:
    """What `diff` decided, for a front end to show as it can: the changed keys (inputs, and
    `tags_all` when the snapshot's tags must be written again), the drift found on the snapshot
    that no input shows (which replaces), those that replace, and whether the old snapshot must
    go first."""

    changed: list[str] = field(default_factory=list)
    drift: list[str] = field(default_factory=list)
    replaces: list[str] = field(default_factory=list)
    delete_before_replace: bool | None = None

    @property
    def changes(self) -> bool:
        """Whether anything changes."""
        return bool(self.changed or self.drift)


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


_output_lock = threading.Lock()
_warned: set[str] = set()


def _warn_once(message: str, report: Report | None = None) -> None:
    """A configuration warning, once per process (each resource type configures its own
    provider)."""
    with _output_lock:
        if message in _warned:
            return
        _warned.add(message)
    (report or _report)(f"warning: {message}")


def _report(message: str) -> None:
    """Print one progress line. Concurrent waits report from many threads: each line is one
    write under a lock, so lines never run together. The provider host forwards stdout to the
    Pulumi CLI; flush so that it shows now."""
    line = message.rstrip("\n") + "\n"
    with _output_lock:
        try:
            sys.stdout.write(line)
            sys.stdout.flush()
        except (OSError, ValueError):
            # Progress that cannot be shown (the CLI is gone) must not fail a create, whose
            # failure would delete what it made.
            pass


class SnapshotProvider(ResourceProvider):
    """Implements check/diff/create/read/update/delete for every snapshot resource.

    It holds only the reference of its spec and carries no client, session or credential. It
    pickles into state as a call of the permanent `entry.provider` with its type name, so that
    a state outlives any move of the modules behind it.
    """

    serialize_as_secret_always = False

    def __init__(self, spec_ref: str) -> None:
        super().__init__()
        self.spec_ref = spec_ref

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return entry.provider, (self.spec.type_name,)

    def __setstate__(self, state: dict[str, Any]) -> None:
        # Only a state written by a release up to 0.1.0 gets here: it pickled this class with
        # the ref of its spec, which may have moved since.
        self.__dict__.update(state)
        self.spec_ref = entry.current_ref(str(state.get("spec_ref")))

    @property
    def spec(self) -> ResourceSpec:
        """The resource's spec."""
        return resolve_spec(self.spec_ref)

    def configure(self, req: ConfigureRequest) -> None:
        """Read the stack's `aws:*` config as pulumi-aws does; inside the provider host, widen
        its thread pool.

        Nothing fails here: an unknown key warns, and a bad value fails the operations it
        would change (`aws.context.settings_for`), so that a stack whose config this release
        does not fully understand can still be refreshed and destroyed.
        """
        self.configure_values(aws.config.config_values(req.config))
        widen_provider_host()
        watch_engine()
        shorten_host_errors((SnapshotError,))
        send_changed_keys()

    def configure_values(self, values: Mapping[str, Any], report: Report | None = None) -> None:
        """Read `aws:*` config values (a front end's own keys renamed to them); never fails."""
        reading = aws.config.read_config(dict(values))
        # Only a handle: the settings hold secrets and stay in this process.
        self.aws_config = aws.config.remember_reading(reading)
        for warning in reading.warnings:
            _warn_once(warning, report)

    def _settings(self, changing: bool = True) -> AwsSettings:
        return aws.context.settings_for(getattr(self, "aws_config", None), changing)

    def _context(
        self,
        recorded: Mapping[str, Any],
        *,
        changing: bool,
        minutes: float | None = None,
        report: Report | None = None,
    ) -> Context:
        """The operation's context, its AWS part resolved once (`aws.context.resolve`); with
        `minutes`, throttled calls keep trying that long (creates, updates, deletes). Progress
        goes to `report`, else to stdout."""
        found = aws.context.resolve(
            getattr(self, "aws_config", None), recorded, self.spec.type_name, changing=changing
        )
        if minutes is not None:
            found = found.patient(float(minutes or self.spec.default_timeout_minutes))
        return Context.of(self.spec, found, report or _report, recorded)

    # check ------------------------------------------------------------------------------

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate inputs (no AWS call), resolve the region and name the target."""
        spec = self.spec
        aws.prepare(spec.service, settle=in_provider_host())
        olds = _olds or {}
        raw = {k: v for k, v in news.items() if not k.startswith("__") and k not in SECRET_ECHOES}
        private = {k: news[k] for k in (NAME_KEY, OWNER_KEY) if k in news}
        private.update({k: news[k] for k in SECRET_ECHOES if news.get(k) is not None})
        settings = self._settings()
        if raw.get("region") is None:
            raw["region"] = aws.default_region(settings)
        name = spec.name_input
        generate = False
        if name and raw.get(name) is None:
            if olds.get(AUTONAMED_KEY) and olds.get(name):
                raw[name] = olds[name]
            elif raw.get("adopt_id") is not None:
                # An adopted snapshot keeps its name.
                raw[name] = raw["adopt_id"]
            else:
                generate = spec.name_rule is not None
            private[AUTONAMED_KEY] = True
        inputs, failures = check_inputs(spec.inputs, raw)
        if name and generate:
            inputs[name] = self._generated_name(inputs, news)
        adopt, target = inputs.get("adopt_id"), inputs.get(name) if name else None
        if (
            name
            and isinstance(adopt, str)
            and isinstance(target, str)
            and adopt != target
            and "adopt_id" not in dict(failures)
        ):
            failures.append(
                ("adopt_id", f"must be the snapshot's {name} ({target!r}): it is what is adopted")
            )
        if inputs.get("region") is None and "region" not in dict(failures):
            failures.append(
                ("region", "is required: set it, the stack config aws:region, or AWS_REGION")
            )
        elif isinstance(inputs.get("region"), str) and "region" not in dict(failures):
            unlisted = aws.context.region_problem(settings, inputs["region"])
            if unlisted:
                failures.append(("region", unlisted))
        problem = self._tag_problem(inputs.get("tags"))
        if problem and "tags" not in dict(failures):
            failures.append(("tags", problem))
        return CheckResult({**inputs, **private}, [CheckFailure(p, r) for p, r in failures])

    def _tag_problem(self, tags: Any) -> str | None:
        """What is wrong with the tags the snapshot would carry (`aws:defaultTags` under the
        resource's own): a key that `aws:ignoreTags` ignores, or a service rule that only the
        default tags break."""
        if is_unknown(tags):
            return None
        settings = self._settings()
        own = tags if isinstance(tags, Mapping) else {}
        ignored = ignored_keys(settings, own)
        if ignored:
            return f"{ignored} are tags that the stack config aws:ignoreTags ignores"
        if not settings.default_tags:
            return None
        problems = self.spec.inputs.tag_rules.violations(known_part(self._desired(own)))
        return "with the stack config aws:defaultTags: " + "; ".join(problems) if problems else None

    def _desired(self, tags: Any) -> Any:
        """The tags the snapshot should carry: the stack's `aws:defaultTags` under the
        resource's own `tags`, without those `aws:ignoreTags` ignores (unknown in a preview
        that does not know the tags yet)."""
        if is_unknown(tags):
            return tags
        return desired_tags(self._settings(), tags if isinstance(tags, Mapping) else {})

    def _generated_name(self, inputs: Mapping[str, Any], news: Mapping[str, Any]) -> Any:
        """The target name derived from who makes the snapshot and the inputs that replace it;
        unknown while one of those inputs is (preview)."""
        spec = self.spec
        assert spec.name_rule is not None
        replacing = {
            k: inputs.get(k)
            for k in sorted(spec.inputs.model_fields)
            if k not in spec.in_place and k != spec.name_input
        }
        if contains_unknown(replacing):
            return UNKNOWN_VALUE
        resource = str(news.get(NAME_KEY) or spec.type_name.lower())
        seed = json.dumps(
            {"owner": news.get(OWNER_KEY) or resource, "inputs": replacing},
            sort_keys=True,
            default=str,
        )
        return spec.name_rule.generate(resource, seed)

    # diff -------------------------------------------------------------------------------

    def diff(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> DiffResult:
        """Replace on inputs the API cannot change; tags and timeout_minutes update in place."""
        plan = self.plan(_id, _olds, _news)
        # For `replace_on_changes`, which the engine applies from the changed keys alone.
        report_changed_keys(plan.changed)
        return DiffResult(
            changes=plan.changes,
            replaces=plan.replaces,
            stables=[],
            delete_before_replace=plan.delete_before_replace,
        )

    def plan(self, _id: str, _olds: Mapping[str, Any], _news: Mapping[str, Any]) -> Plan:
        """What changes between the old outputs and the new checked inputs, and how."""
        spec = self.spec
        olds, news = _olds, _news
        changed: list[str] = []
        replaces: list[str] = []
        for key in spec.inputs.model_fields:
            old, new = olds.get(key), news.get(key)
            if (
                key == spec.name_input
                and news.get(AUTONAMED_KEY)
                and olds.get(AUTONAMED_KEY) == new
            ):
                # The name derived as before; a forced replacement may have made the snapshot
                # under the next one (`_name_holder`).
                continue
            if key == "tags":
                old, new = old or {}, new or {}
            if old is None and key in (olds.get(UNRECORDED_OUTPUT) or ()):
                # AWS does not record it, so the import could not say it: what the program
                # gives is taken as what the snapshot was made with.
                continue
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
        desired = self._desired(news.get("tags"))
        live = olds.get("tags_all")
        if not contains_unknown(desired) and (
            desired != _recorded_desired(olds)
            or (isinstance(live, Mapping) and drifted(desired, live))
        ):
            # The default tags changed (`aws:defaultTags`), or the snapshot's no longer match
            # them (as refresh read `tags_all` back): in place.
            changed.append("tags_all")
        drift = list(spec.drift(_id, olds)) if spec.drift is not None else []
        replaces.extend(drift)
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
        return Plan(changed, drift, replaces, delete_first)

    # create -----------------------------------------------------------------------------

    def create(
        self,
        props: dict[str, Any],
        *,
        timeout_minutes: float | None = None,
        report: Report | None = None,
    ) -> CreateResult:
        """Start the snapshot operation (or take over the one an earlier create of this resource
        started, or adopt one on purpose), wait until it is usable, and return its outputs.

        `timeout_minutes` (a front end's `customTimeouts`) wins over the input of that name.
        """
        spec = self.spec
        given = _public(props)
        model = spec.inputs.model_validate(given)
        timeout = timeout_minutes or model.timeout_minutes or spec.default_timeout_minutes
        ctx = self._context(given, changing=True, minutes=timeout, report=report)
        owner = props.get(OWNER_KEY) or f"{spec.type_name}/{props.get(NAME_KEY) or ''}"
        desired = self._desired(given.get("tags"))
        # The mark takes a tag slot only where one is free: with every slot the user's, it is
        # not written, and an interrupted create of it cannot be resumed (`_name_holder`).
        mark = Mark.new(str(owner), written=len(desired or {}) < model.tag_slots())
        if not mark.written:
            ctx.report(
                f"{self._subject(given, None)}: every tag slot holds the resource's tags, so it "
                "gets no ownership mark; if this create is interrupted, the next one makes a "
                "new snapshot instead of resuming it"
            )
        # What create writes: the default tags under the resource's own (`aws:defaultTags`).
        model = model.model_copy(update={"tags": desired or None})
        id_, how = self._start(ctx, model, given, mark, bool(props.get(AUTONAMED_KEY)))
        subject = self._subject(given, id_)
        sends_tags = (
            spec.tags_on_create(model) if callable(spec.tags_on_create) else spec.tags_on_create
        )
        # A snapshot whose create takes no tags gets its mark as soon as it can be tagged, if its
        # name is fixed: that is what an interrupted create is resumed by. An autonamed one needs
        # none (its name derives from the resource), and a tag write spared per create matters
        # where all of them share one bucket.
        autonamed = bool(props.get(AUTONAMED_KEY))
        unmarked = mark if how == CREATED and not sends_tags and not autonamed else None
        # Once create returns, the snapshot is the resource's: a later create of the same
        # resource (a forced replacement) must not take it over.
        done = mark.finished()
        try:
            # The limit's name for the message: the override is the program's customTimeouts.
            limit = "customTimeouts.create" if timeout_minutes else "timeout_minutes"
            live = self._wait_usable(ctx, id_, subject, timeout, unmarked, limit)
            if how != CREATED or not sends_tags:
                # What the create did not write: the tags of an adopted or resumed snapshot,
                # of one whose API takes none, and the mark again with them.
                wanted = {**(model.tags or {}), **_mark_tag(done)}
                have = live.tags
                add = {k: v for k, v in wanted.items() if have is None or have.get(k) != v}
                if add:
                    spec.tag_api.apply(ctx, live.tag_target, subject, add, [])
                    # What was written is known: no read to learn it.
                    live = replace(live, tags={**(have or {}), **add})
        except WaitTimeout as exc:
            raise WaitTimeout(
                self._after_timeout(ctx, id_, subject, model, mark, how, exc)
            ) from None
        except Exception as exc:
            kind = type(exc) if type(exc) in (WaitTimeout, SnapshotFailed) else SnapshotError
            if how == ADOPTED:
                raise kind(f"{exc}; it was adopted, not made here, so it is kept") from None
            # Whatever went wrong after the snapshot was started, it must not be left behind.
            # The message carries the cause; a chained traceback would only repeat it.
            raise kind(self._cleanup(ctx, id_, subject, str(exc))) from None
        if how == CREATED and sends_tags:
            self._mark_done(ctx, live, subject, done)
            if live.tags is None:
                # The listing of the poll round carries no tags (ElastiCache, Neptune), but the
                # create sent them all: they are known, so no read per create is needed.
                live = replace(live, tags=dict(model.tags or {}))
        if live.tags is not None:
            live = replace(live, tags={**live.tags, **_mark_tag(done)})
        outputs = self._outputs(given, live, ctx, given.get("tags") or {})
        outputs[MARK_OUTPUT] = done.value() if done.written else None
        outputs[DESIRED_OUTPUT] = desired
        if props.get(AUTONAMED_KEY) and spec.name_input:
            # For diff, which sees outputs only: the name derived for this resource, which the
            # snapshot's may differ from (`_name_holder`).
            outputs[AUTONAMED_KEY] = props.get(spec.name_input)
        return CreateResult(id_, outputs)

    def _start(
        self, ctx: Context, model: Any, given: dict[str, Any], mark: Mark, autonamed: bool
    ) -> tuple[str, str]:
        """Adopt, resume or create: the id of the snapshot to wait for, and which it was.

        `given` gets the name the snapshot is made with, when an autonamed one needs another.
        """
        spec = self.spec
        subject = self._subject(given, None)
        if model.adopt_id is not None:
            live = self._describe(ctx, model.adopt_id)
            if live is None:
                raise SnapshotError(
                    f"{spec.type_name} {model.adopt_id}: adopt_id names no snapshot in "
                    f"{ctx.region}; nothing was made"
                )
            self._refuse_mismatch(ctx, model, live, ADOPTED)
            self._put_mark(ctx, live.tag_target, subject, mark)
            ctx.report(f"{spec.type_name} {live.id}: adopting the existing snapshot")
            return live.id, ADOPTED
        if spec.find_own is not None:
            # The id is AWS's: only a lookup can find what an earlier create left.
            id_ = spec.find_own(ctx, model, mark.owner)
            found = self._describe(ctx, id_) if id_ else None
            if found is not None:
                return self._resume(ctx, model, found, subject, mark), RESUMED
        for _ in range(MAX_RENAMES + 1):
            if spec.name_input and given.get(spec.name_input) != getattr(model, spec.name_input):
                model = model.model_copy(update={spec.name_input: given[spec.name_input]})
            # The mark goes with the request where the API takes tags; elsewhere it is written
            # as soon as the snapshot can be tagged, and again with the tags after the wait.
            tags = {**(model.tags or {}), **_mark_tag(mark)}
            try:
                return spec.create(ctx, model.model_copy(update={"tags": tags})), CREATED
            except AwsCallError as exc:
                if not spec.name_input:
                    raise
                # Create first, read only when it fails: in the common case the name is free,
                # and a read before every create would spend the describe bucket that the
                # shared poll rounds need.
                found, taken = self._name_holder(
                    ctx, given, mark.owner, autonamed, model.tag_slots()
                )
                if found is not None:
                    return self._resume(ctx, model, found, subject, mark), RESUMED
                if taken is None:
                    # Nothing has the name: the create failed for its own reason.
                    raise
                if taken != RENAMED:
                    # Most likely the name is taken: say by whom, and how to take it over.
                    raise SnapshotError(f"{str(exc).rstrip('.')}. {taken}") from None
        raise SnapshotError(
            f"{spec.type_name}: {MAX_RENAMES} derived names in {ctx.region} hold finished "
            f"snapshots of this resource; set {spec.name_input} to make a new one"
        )

    def _resume(self, ctx: Context, model: Any, found: Live, subject: str, mark: Mark) -> str:
        """Take over what an earlier create of this resource started, if it is what the inputs
        declare."""
        self._refuse_mismatch(ctx, model, found, RESUMED)
        self._put_mark(ctx, found.tag_target, subject, mark)
        ctx.report(
            f"{self.spec.type_name} {found.id}: an earlier create of this resource started it; "
            "resuming the wait"
        )
        return found.id

    def _name_holder(
        self, ctx: Context, given: dict[str, Any], owner: str, autonamed: bool, slots: int
    ) -> tuple[Live | None, str | None]:
        """After a create of the target name failed: what holds the name. Either what an
        earlier create of this resource left unfinished (interrupted, or timed out), to resume;
        or None and what to say: the message for a name someone else holds, RENAMED when an
        autonamed resource moved on to its next derived name, or None when nothing has it.

        Something else with the name is never taken over: names may be unique only per kind
        (Lightsail's instance and disk snapshots), so the create's own error stands. A snapshot
        whose create finished is some resource's current one: a forced replacement (`up
        --replace`, which asks no diff) must make a new one. An autonamed resource then takes
        the next name derived from it (written into `given`); a fixed name cannot be made twice.
        """
        spec = self.spec
        assert spec.name_input is not None
        name = str(given.get(spec.name_input))
        live = self._describe(ctx, name)
        if live is None:
            return None, None
        carried = visible_tags(ctx.aws.settings, self._with_tags(ctx, live).tags)
        existing = Mark.parse(carried.get(MARK_KEY))
        if existing is None and autonamed and len(carried) >= slots:
            # Its name derives from this resource, but its tags fill every slot, so it never
            # had a mark to say whether its create returned: it may be the resource's current
            # snapshot (a forced replacement), which must never be taken over.
            existing = Mark(owner, f"unmarked-{len(carried)}", DONE)
        if existing is None or existing.owner != owner:
            if existing is None and autonamed:
                # Its name derives from this resource and its inputs: it is this resource's
                # own, interrupted before its mark could be written.
                return live, None
            who = f"made by {existing.owner}" if existing else "not made by this resource"
            return None, (
                f"{spec.type_name} {name} already exists in {ctx.region} ({who}): set "
                f"adopt_id={name!r} to take it over, or choose another {spec.name_input}"
            )
        if not existing.done:
            return live, None
        if not autonamed:
            raise SnapshotError(
                f"{spec.type_name} {name} already exists in {ctx.region} as a finished "
                f"snapshot of this resource, so a new one cannot take its "
                f"{spec.name_input}. To replace it, set the resource option "
                f"delete_before_replace=True (its delete then goes first); to take it over, "
                f"set adopt_id={name!r}; or choose another {spec.name_input}. Nothing was made"
            )
        assert spec.name_rule is not None
        resource = str(given.get(NAME_KEY) or spec.type_name.lower())
        given[spec.name_input] = spec.name_rule.generate(resource, f"{name} {existing.generation}")
        return None, RENAMED

    def _refuse_mismatch(self, ctx: Context, model: Any, live: Live, how: str) -> None:
        """A snapshot is taken over only when it is what the inputs declare."""
        problems = self._adoption_problems(ctx, model, live)
        if not problems:
            return
        why = (
            "adopted:"
            if how == ADOPTED
            else "resumed: an earlier create of this resource started it, but"
        )
        raise SnapshotError(
            f"{self.spec.type_name} {live.id} cannot be {why} it does not match the declared "
            f"inputs: {'; '.join(problems)}; nothing was changed"
        )

    def _adoption_problems(self, ctx: Context, model: Any, live: Live) -> list[str]:
        """How an existing snapshot differs from what the inputs declare."""
        problems = []
        for key, found in live.inputs.items():
            declared = getattr(model, key, None)
            if declared is None or found is None or _same_source(declared, found):
                continue
            problems.append(f"{key} is {found!r}, not {declared!r}")
        if self.spec.adoption_problems is not None:
            problems.extend(self.spec.adoption_problems(ctx, model, live))
        return problems

    def _mark_done(self, ctx: Context, live: Live, subject: str, done: Mark) -> None:
        """Record that the create returned; the snapshot is usable either way, so a failure
        only warns (a forced replacement would then resume it rather than make a new one)."""
        try:
            self._put_mark(ctx, live.tag_target, subject, done)
        except AwsCallError as exc:
            ctx.report(
                f"{subject}: is usable, but recording so in its {MARK_KEY} tag failed ({exc}); "
                "`pulumi up --replace` of it would take it over instead of making a new one"
            )

    def _put_mark(
        self, ctx: Context, target: str | Sequence[str], subject: str, mark: Mark
    ) -> None:
        if mark.written:
            self.spec.tag_api.apply(ctx, target, subject, {MARK_KEY: mark.value()}, [])

    def _after_timeout(
        self,
        ctx: Context,
        id_: str,
        subject: str,
        model: Any,
        mark: Mark,
        how: str,
        exc: WaitTimeout,
    ) -> str:
        """A copy that times out after hours is usually nearly done: keep it, marked, for the
        next create to resume; delete it only when asked."""
        if model.delete_on_timeout and how != ADOPTED:
            return self._cleanup(ctx, id_, subject, str(exc))
        try:
            live = self._describe(ctx, id_)
            if live is not None:
                self._put_mark(ctx, live.tag_target, subject, mark.left_unfinished())
        except AwsCallError:
            pass  # The mark of the create already says whose it is.
        command = self.spec.delete_command(ctx, id_) if self.spec.delete_command else None
        delete = f"run `{command}`" if command else "delete it in the console"
        if not mark.written:
            return (
                f"{exc}. It is kept, but with every tag slot holding the resource's tags it has "
                "no ownership mark, so the next `pulumi up` makes a new one instead of "
                f"resuming it. To delete it, {delete}; or set delete_on_timeout=true"
            )
        return (
            f"{exc}. It is kept, marked as this resource's ({MARK_KEY}), and the next "
            f"`pulumi up` resumes waiting for it. To delete it instead, {delete}, or set "
            "delete_on_timeout=true"
        )

    def _wait_usable(
        self,
        ctx: Context,
        id_: str,
        subject: str,
        timeout: float,
        unmarked: Mark | None = None,
        limit: str = "timeout_minutes",
    ) -> Live:
        """Wait through the shared poller of this kind and region (see `polling`).

        Transient failures of a status read (throttling, 5xx, connection errors, expired
        credentials) never end the wait: the next round tries again, until the deadline. Only
        a failed state, a snapshot gone past the visibility grace, or a permanent error does.
        """
        spec = self.spec
        describe_many = spec.describe_many or self._describe_each
        shared = Context(spec, ctx.region, ctx.report, {}, ctx.settings, ctx.identity)
        poller = shared_poller(
            spec.type_name, describe_many, self._describe, shared, spec.wait_policy
        )
        started = time.monotonic()
        deadline = started + timeout * 60
        last = poller.join(id_)
        # Only the latest observation: a wait of hours must not keep every one it made.
        seen: Live | None = None
        failing: list[AwsCallError] = []

        def poll() -> Observation:
            nonlocal last, unmarked, seen
            last, live = poller.observe(id_, last, deadline)
            if isinstance(live, BaseException):
                exc = live
                if not isinstance(exc, AwsCallError) or not exc.transient:
                    raise exc
                if not failing:
                    ctx.report(f"{subject}: reading its state failed ({exc.code}); trying again")
                failing.append(exc)
                return _observed(seen) if seen is not None else Observation(None)
            if failing:
                ctx.report(
                    f"{subject}: reading its state works again after {len(failing)} failures"
                )
                failing.clear()
            if isinstance(live, Unread):
                return Observation(None)
            if live is None:
                if seen is None and time.monotonic() - started < VISIBILITY_GRACE_SECONDS:
                    # Reads may lag behind the create (eventual consistency): not yet seen is
                    # not gone.
                    return Observation(NOT_VISIBLE)
                raise SnapshotFailed(
                    f"{subject} disappeared while it was being created{self._why(ctx, id_)}"
                )
            if unmarked is not None:
                if MARK_KEY not in (live.tags or {}):
                    self._put_mark(ctx, live.tag_target, subject, unmarked)
                unmarked = None
            seen = live
            return _observed(live)

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
                limit=limit,
            )
        finally:
            poller.leave(id_)
        if result.state in spec.failed_states:
            raise SnapshotFailed(
                f"{subject} reached the error state {result.state!r}{self._why(ctx, id_)}"
            )
        assert seen is not None  # A finished wait observed its snapshot.
        return seen

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

    def read(self, id_: str, props: dict[str, Any], *, report: Report | None = None) -> ReadResult:
        """The live state; a snapshot that no longer exists reads as gone."""
        given = {k: v for k, v in _public(props).items() if v is not None}
        ctx = self._context(given, changing=False, report=report)
        live = self._describe(ctx, id_)
        if live is None:
            if props.get(LOOKUP_KEY):
                raise SnapshotError(
                    f"{self.spec.type_name}.get(): no snapshot {id_!r} in {ctx.region} (the "
                    "id names none there; for another region, pass region=)"
                )
            return ReadResult(None, {})
        recorded = self.spec.name_input in given if self.spec.name_input else "tags" in given
        unrecorded: list[str] = []
        if not recorded:
            learnt = self.spec.found_inputs(ctx, live) if self.spec.found_inputs else {}
            given = {**live.inputs, **learnt, **given}
            unrecorded = [
                k
                for k in self.spec.inputs.model_fields
                if given.get(k) is None and k not in self.spec.in_place and k != "region"
            ]
        declared = given.get("tags") if recorded else None
        outputs = self._outputs(given, live, ctx, declared)
        if MARK_KEY in outputs["tags_all"]:
            outputs[MARK_OUTPUT] = outputs["tags_all"][MARK_KEY]
        for key in (DESIRED_OUTPUT, AUTONAMED_KEY, UNRECORDED_OUTPUT):
            if key in props:
                outputs[key] = props[key]
        if unrecorded:
            outputs[UNRECORDED_OUTPUT] = unrecorded
        # The service's own form of the id (a lookup may have named it in another case).
        return ReadResult(live.id, outputs)

    # update -----------------------------------------------------------------------------

    def update(
        self,
        _id: str,
        _olds: dict[str, Any],
        _news: dict[str, Any],
        *,
        timeout_minutes: float | None = None,
        report: Report | None = None,
    ) -> UpdateResult:
        """Apply tag changes in place and return the full outputs."""
        spec = self.spec
        given = _public(_news)
        # The recorded region wins: the snapshot lives where it was made.
        ctx = self._context(
            {**given, "region": _olds.get("region") or given.get("region")},
            changing=True,
            minutes=timeout_minutes or given.get("timeout_minutes"),
            report=report,
        )
        subject = self._subject(given, _id)
        live = self._describe(ctx, _id)
        if live is None:
            raise SnapshotError(f"{subject} no longer exists: run `pulumi refresh`")
        live = self._with_tags(ctx, live)
        assert ctx.settings is not None
        old_desired = _recorded_desired(_olds)
        new_desired = self._desired(given.get("tags"))
        add, remove = tag_changes(ctx.settings, live.tags or {}, old_desired, new_desired)
        if add or remove:
            spec.tag_api.apply(ctx, live.tag_target, subject, add, remove)
            live = self._describe(ctx, _id) or live
        given["region"] = ctx.region
        outputs = self._outputs(given, live, ctx, given.get("tags") or {})
        outputs[DESIRED_OUTPUT] = new_desired
        for key in (MARK_OUTPUT, AUTONAMED_KEY):
            if key in _olds:
                outputs[key] = _olds[key]
        return UpdateResult(outputs)

    # delete -----------------------------------------------------------------------------

    def delete(
        self,
        _id: str,
        _props: dict[str, Any],
        *,
        timeout_minutes: float | None = None,
        report: Report | None = None,
    ) -> None:
        """Delete what create made; something already gone is success.

        A snapshot that a later create of the same resource took over (a replacement that
        made the same snapshot) belongs to that create now and is left in place.
        """
        given = _public(_props)
        if timeout_minutes:
            # What `_wait_gone` waits, as the recorded input would say.
            given["timeout_minutes"] = timeout_minutes
        ctx = self._context(
            given, changing=False, minutes=given.get("timeout_minutes"), report=report
        )
        subject = self._subject(given, _id)
        recorded = Mark.parse(_props.get(MARK_OUTPUT))
        if recorded is not None:
            live = self._describe(ctx, _id)
            if live is None:
                ctx.report(f"{subject} deleted")
                return
            current = Mark.parse((self._with_tags(ctx, live).tags or {}).get(MARK_KEY))
            if (
                current is not None
                and current.owner == recorded.owner
                and current.generation != recorded.generation
            ):
                ctx.report(f"{subject} now belongs to a newer create of this resource: kept")
                return
        self._delete_members(ctx, _id, subject)

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

        last = Observation(None)

        def poll() -> Observation:
            nonlocal last
            try:
                live = self._describe(ctx, id_)
            except AwsCallError as exc:
                if not exc.transient:
                    raise
                return last
            last = Observation(GONE) if live is None else _observed(live)
            return last

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
        ctx: Context,
        declared_tags: Mapping[str, str] | None,
    ) -> dict[str, Any]:
        """Inputs as given, then what AWS computed, then the region and the tags.

        `tags` shows the managed tags (those declared) so that tags AWS adds itself, or copies
        from a source, never cause a diff; `tags_all` shows every tag but those that
        `aws:ignoreTags` ignores.
        """
        spec = self.spec
        outs: dict[str, Any] = {k: v for k, v in given.items() if k in spec.inputs.model_fields}
        live = self._with_tags(ctx, live)
        for key, value in live.outputs.items():
            if key in spec.computed_inputs and given.get(key) is not None:
                continue
            outs[key] = value
        outs["region"] = ctx.region
        tags = visible_tags(ctx.aws.settings, live.tags)
        outs["tags"] = (
            without_mark(tags)
            if declared_tags is None
            else {k: v for k, v in tags.items() if k in declared_tags}
        )
        outs["tags_all"] = tags
        return outs


def _mark_tag(mark: Mark) -> dict[str, str]:
    """The mark as a tag, or nothing where it takes no slot (`Mark.written`)."""
    return {MARK_KEY: mark.value()} if mark.written else {}


def _recorded_desired(outputs: Mapping[str, Any]) -> Any:
    """The tags the snapshot was given, as its outputs recorded them; a state from before
    default tags were read holds only `tags`."""
    if DESIRED_OUTPUT in outputs:
        return outputs[DESIRED_OUTPUT]
    return outputs.get("tags") or {}


def _observed(live: Live) -> Observation:
    return Observation(live.state, live.progress)


def _same_source(declared: Any, found: Any) -> bool:
    """Whether a declared input names what AWS recorded: equal, ignoring case, or the
    identifier at the end of the recorded ARN."""
    if isinstance(declared, str) and isinstance(found, str):
        a, b = declared.lower(), found.lower()
        return a == b or (b.startswith("arn:") and not a.startswith("arn:") and b.endswith(f":{a}"))
    return bool(declared == found)


def _unset(value: Any) -> bool:
    return value is None or value is False


def _public(props: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if not k.startswith("__") and k != "tags_all"}
