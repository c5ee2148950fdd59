"""Run a Pulumi program without the Pulumi CLI, as `pulumi up` then `pulumi destroy` would, with
every dynamic resource handled by the real provider host (`python -m pulumi.dynamic`).

The program runs under Pulumi's mock monitor; each dynamic resource it declares is sent to the
provider host: Check then Create, or Read for a `X.get(...)` lookup. Everything else the program
declares (components, resources of other providers) is only recorded. Leaving the block deletes
what was created, dependents first.

```python
import boto3
import pulumi
from pulumi_snapshots import Ec2MultiVolumeSnapshot
from pulumi_snapshots.testing import FakeAwsServer
from pulumi_snapshots.testing.runner import run_program

with FakeAwsServer() as fake:
    ec2 = boto3.client("ec2", region_name="us-east-1", endpoint_url=fake.endpoint,
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    made = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)
    instance_id = made["Instances"][0]["InstanceId"]

    def program() -> None:  # or a project folder with Pulumi.yaml, or a program file
        backup = Ec2MultiVolumeSnapshot("backup", instance_id=instance_id, tags={"team": "a"})
        pulumi.export("snapshot_ids", backup.snapshot_ids)

    with run_program(
        program,
        config={"aws:region": "us-east-1"},
        env={"AWS_ENDPOINT_URL": fake.endpoint, "AWS_ACCESS_KEY_ID": "testing",
             "AWS_SECRET_ACCESS_KEY": "testing", "PULUMI_SNAPSHOTS_POLL_SECONDS": "0.1"},
        on_output=print,                               # the provider's progress, live
    ) as run:
        print(run.summary())                           # resource, name, id, state
        assert run.exports["snapshot_ids"]
        backup = run.resource("backup")                # or run.of_type("Ec2MultiVolumeSnapshot")
        assert backup.outputs["tags"] == {"team": "a"}
    # leaving the block destroyed what the program created
```

A check failure or a failed create raises :class:`ProgramError` naming the resource, its type
and the cause (for a check: each failing property and its rule). Resources already created,
including those still being created when the error came, are destroyed before it propagates.
"""

from __future__ import annotations

import asyncio
import json
import os
import runpy
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
import pulumi
import pulumi.runtime
import yaml  # type: ignore[import-untyped]
from pulumi.runtime import rpc
from pulumi.runtime import settings as pulumi_settings
from pulumi.runtime.mocks import MockMonitor, MockResourceArgs, Mocks
from pulumi.runtime.rpc import UNKNOWN
from pulumi.runtime.settings import set_root_resource
from pulumi.runtime.stack import run_in_stack

from pulumi_snapshots.testing.host import PROVIDER_KEY, ProviderHost

__all__ = [
    "Created",
    "ProgramError",
    "ProgramRun",
    "Project",
    "Step",
    "load_project",
    "run_program",
]

DYNAMIC_PREFIX = "pulumi-python:dynamic"
STACK_TYPE = "pulumi:pulumi:Stack"


class ProgramError(Exception):
    """A resource of the program failed its check, its create, its lookup or its delete."""


@dataclass
class Created:
    """One resource the program created (or looked up, when `lookup` is true)."""

    urn: str
    type: str
    name: str
    id: str
    outputs: dict[str, Any]
    inputs: dict[str, Any]
    lookup: bool = False
    state: dict[str, Any] = field(default_factory=dict, repr=False)
    """The outputs as stored in state, with the serialised provider."""
    dependencies: list[str] = field(default_factory=list)
    """URNs of the resources this one depends on (its inputs' sources and `depends_on`)."""

    def __post_init__(self) -> None:
        self.state = dict(self.outputs)
        self.outputs = {k: v for k, v in self.outputs.items() if k != PROVIDER_KEY}

    @property
    def type_name(self) -> str:
        """The class name, such as `Ec2MultiVolumeSnapshot`."""
        return self.type.rsplit(":", 1)[-1]

    @property
    def status(self) -> str:
        """The snapshot state reported in the outputs."""
        for key in ("status", "state", "snapshot_status"):
            if isinstance(self.outputs.get(key), str):
                return str(self.outputs[key])
        states = {s.get("state") for s in self.outputs.get("snapshots") or []}
        return ",".join(sorted(str(s) for s in states)) or "-"


@dataclass
class Step:
    """What a preview plans for one resource, as `pulumi preview` shows it."""

    op: str
    """`create`, `update`, `replace`, `same` or `read` (a lookup)."""
    urn: str
    type: str
    name: str
    inputs: dict[str, Any]
    """The checked inputs; values not known before the update are `pulumi.output.Unknown`."""
    replaces: list[str] = field(default_factory=list)
    """The inputs whose change replaces the resource (for `replace`)."""

    @property
    def type_name(self) -> str:
        """The class name, such as `Ec2MultiVolumeSnapshot`."""
        return self.type.rsplit(":", 1)[-1]


PLAN_SYMBOLS = {"create": "+", "update": "~", "replace": "+-", "same": " ", "read": ">"}
PLAN_WORDS = {
    "create": "to create",
    "update": "to update",
    "replace": "to replace",
    "read": "to read",
    "same": "unchanged",
}


@dataclass
class ProgramRun:
    """What a program run created (or, for a preview, planned), what it exported, and what
    the provider host printed (`host.output`)."""

    host: ProviderHost
    resources: list[Created] = field(default_factory=list)
    exports: dict[str, Any] = field(default_factory=dict)
    project: str = "program"
    stack: str = "dev"
    plan: list[Step] = field(default_factory=list)
    """A preview's steps, in the order the program declared the resources."""
    preview: bool = False

    def plan_summary(self) -> str:
        """The preview's counts, as `pulumi preview` ends: `+ 5 to create, 2 unchanged`."""
        parts = []
        for op, words in PLAN_WORDS.items():
            count = sum(1 for s in self.plan if s.op == op)
            if count:
                symbol = PLAN_SYMBOLS[op].strip()
                parts.append(f"{symbol} {count} {words}" if symbol else f"{count} {words}")
        return ", ".join(parts) or "no changes"

    def plan_table(self) -> str:
        """One line per planned step: symbol, type, name and the inputs that replace it."""
        width = max((len(s.type_name) for s in self.plan), default=0)
        lines = []
        for step in self.plan:
            why = f"  (replaces on {', '.join(step.replaces)})" if step.replaces else ""
            lines.append(f"{PLAN_SYMBOLS[step.op]:>2} {step.type_name:<{width}}  {step.name}{why}")
        return "\n".join(lines)

    def of_type(self, type_name: str) -> list[Created]:
        """Resources whose class is `type_name`, lookups excluded."""
        return [r for r in self.resources if r.type_name == type_name and not r.lookup]

    def resource(self, name: str) -> Created:
        """The resource (or lookup) with the Pulumi resource name `name`."""
        found = [r for r in self.resources if r.name == name]
        if len(found) != 1:
            names = ", ".join(sorted(r.name for r in self.resources)) or "none"
            raise KeyError(f"{len(found)} resources are named {name!r} (names: {names})")
        return found[0]

    def summary(self) -> str:
        """A table like the one `pulumi up` ends with: resource, name, id, state."""
        rows = [("resource", "name", "id", "state")] + [
            (r.type_name + (" (read)" if r.lookup else ""), r.name, r.id, r.status)
            for r in self.resources
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        return "\n".join(
            "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            for row in rows
        )

    def destroy(self, on_delete: Callable[[Created], None] | None = None) -> None:
        """Delete what the program created, dependents before what they depend on.

        Lookups are never deleted and stay in `resources`. `on_delete` is called after each
        deletion. A failing delete does not stop the others, except those the failed one
        depends on, which are kept as the Pulumi engine keeps them; the failures are raised
        together at the end as a ProgramError, and what was not deleted stays in `resources`.
        """
        failures: list[str] = []
        kept: list[Created] = []
        for resource in _deletion_order(self.resources):
            if resource.lookup:
                continue
            blockers = [k.name for k in kept if resource.urn in k.dependencies]
            if blockers:
                failures.append(
                    f"{_label(resource)}: not deleted, because {', '.join(blockers)} "
                    "depends on it and is still there"
                )
                kept.append(resource)
                continue
            try:
                self.host.delete(resource.urn, resource.id, resource.state)
            except grpc.RpcError as exc:
                failures.append(f"{_label(resource)}: delete failed: {_rpc_cause(exc)}")
                kept.append(resource)
                continue
            if on_delete is not None:
                on_delete(resource)
        self.resources = [r for r in self.resources if r.lookup or r in kept]
        if failures:
            raise ProgramError("; ".join(failures))


def _deletion_order(resources: list[Created]) -> list[Created]:
    """Reverse creation order, adjusted so that no resource goes before one that depends on it."""
    remaining = list(reversed(resources))
    ordered: list[Created] = []
    while remaining:
        needed = {dep for r in remaining for dep in r.dependencies}
        ready = next((r for r in remaining if r.urn not in needed), remaining[0])
        ordered.append(ready)
        remaining.remove(ready)
    return ordered


def _label(resource: Created) -> str:
    return f"{resource.name} ({resource.type_name} {resource.id})"


def _rpc_cause(exc: grpc.RpcError) -> str:
    """The provider's own error out of a failed RPC: the last line of the host's traceback."""
    details = getattr(exc, "details", lambda: None)() or str(exc)
    if "Traceback (most recent call last)" not in str(details):
        # The provider's own errors come as their message alone (`hostpool.shorten_host_errors`).
        return str(details).strip() or "no details"
    lines = [line.strip() for line in str(details).strip().splitlines() if line.strip()]
    if not lines:
        return "no details"
    last = lines[-1]
    # "pulumi_snapshots.errors.AwsCallError: message" -> "AwsCallError: message"
    head, sep, rest = last.partition(": ")
    if sep and "." in head and " " not in head:
        return f"{head.rsplit('.', 1)[-1]}: {rest}"
    return last


# The program's view: mocks and monitor --------------------------------------------------


class _Registration(threading.local):
    urn: str = ""
    dependencies: tuple[str, ...] = ()


class _HostMocks(Mocks):
    """Sends dynamic resources to the provider host: Check then Create, or Read for `get()`;
    in a preview, Check then Diff against the prior state."""

    def __init__(self, run: ProgramRun, prior: ProgramRun | None = None) -> None:
        self.run = run
        self.prior = {r.urn: r for r in prior.resources if not r.lookup} if prior else {}
        self.current = _Registration()
        self.lock = threading.Condition()
        self.in_flight = 0

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        if not args.typ.startswith(DYNAMIC_PREFIX):
            return f"{args.name}-id", dict(args.inputs)
        urn, dependencies = self.current.urn, list(self.current.dependencies)
        with self.lock:
            self.in_flight += 1
        try:
            return self._handle(args, urn, dependencies)
        finally:
            with self.lock:
                self.in_flight -= 1
                self.lock.notify_all()

    def _handle(
        self, args: MockResourceArgs, urn: str, dependencies: list[str]
    ) -> tuple[str | None, dict[Any, Any]]:
        host = self.run.host
        label = f"{args.name} ({args.typ.rsplit(':', 1)[-1]})"
        if args.resource_id == UNKNOWN:
            # The engine skips a lookup whose id a preview does not know yet: its outputs are
            # unknown.
            self._plan(Step("read", urn, args.typ, args.name, {}))
            return None, {}
        if args.resource_id:
            try:
                id_, outs = host.read(urn, args.resource_id, {}, args.inputs)
            except grpc.RpcError as exc:
                raise ProgramError(f"{label}: lookup failed: {_rpc_cause(exc)}") from None
            if not id_:
                raise ProgramError(f"{label}: lookup found nothing with id {args.resource_id!r}")
            self._record(
                Created(urn, args.typ, args.name, id_, outs, {}, True, dependencies=dependencies)
            )
            if self.run.preview:
                self._plan(Step("read", urn, args.typ, args.name, outs))
            return id_, outs
        prior = self.prior.get(urn)
        try:
            inputs, failures = host.check(urn, prior.inputs if prior else {}, args.inputs)
        except grpc.RpcError as exc:
            raise ProgramError(f"{label}: check failed: {_rpc_cause(exc)}") from None
        if failures:
            listed = "; ".join(f"{prop}: {reason}" for prop, reason in failures)
            raise ProgramError(f"{label}: invalid inputs: {listed}")
        if self.run.preview:
            return self._preview(args, urn, label, inputs, prior)
        try:
            id_, outs = host.create(urn, inputs)
        except grpc.RpcError as exc:
            raise ProgramError(f"{label}: create failed: {_rpc_cause(exc)}") from None
        self._record(
            Created(urn, args.typ, args.name, id_, outs, inputs, dependencies=dependencies)
        )
        return id_, outs

    def _preview(
        self,
        args: MockResourceArgs,
        urn: str,
        label: str,
        inputs: dict[str, Any],
        prior: Created | None,
    ) -> tuple[str | None, dict[Any, Any]]:
        """Plan the resource as `pulumi preview` does: nothing is created or changed.

        Outputs are what the engine knows before the update: the checked inputs of a resource
        to create or replace (every other output is unknown, as is a new id), the old outputs of
        one that stays the same.
        """
        if prior is None:
            self._plan(Step("create", urn, args.typ, args.name, inputs))
            return None, inputs
        try:
            diff = self.run.host.diff(urn, prior.id, prior.state, inputs)
        except grpc.RpcError as exc:
            raise ProgramError(f"{label}: diff failed: {_rpc_cause(exc)}") from None
        if diff.replaces:
            self._plan(Step("replace", urn, args.typ, args.name, inputs, diff.replaces))
            return None, inputs
        if diff.changes is False:
            self._plan(Step("same", urn, args.typ, args.name, inputs))
            return prior.id, dict(prior.state)
        self._plan(Step("update", urn, args.typ, args.name, inputs))
        return prior.id, inputs

    def _plan(self, step: Step) -> None:
        with self.lock:
            self.run.plan.append(step)

    def _record(self, created: Created) -> None:
        with self.lock:
            self.run.resources.append(created)

    def wait_idle(self) -> None:
        """Wait until no create or read is in progress (after the program failed)."""
        with self.lock:
            while self.in_flight:
                self.lock.wait(timeout=1.0)

    def call(self, args: Any) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        return {}, None


class _Monitor(MockMonitor):
    """The mock monitor, with the URNs the Pulumi engine would give, the dependencies of each
    registration, and the stack's outputs (its exports)."""

    def __init__(self, mocks: _HostMocks, exports: dict[str, Any]) -> None:
        super().__init__(mocks)
        self.host_mocks = mocks
        self.exports = exports

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        # The engine qualifies a type with its parents' types, leaving out the root stack.
        if parent:
            qualified_parent = parent.split("::")[2]
            if qualified_parent != STACK_TYPE:
                type_ = f"{qualified_parent}${type_}"
        stack, project = self.run_names()
        return f"urn:pulumi:{stack}::{project}::{type_}::{name}"

    def run_names(self) -> tuple[str, str]:
        return self.host_mocks.run.stack, self.host_mocks.run.project

    def _remember(self, request: Any) -> None:
        current = self.host_mocks.current
        current.urn = self.make_urn(request.parent, request.type, request.name)
        current.dependencies = tuple(request.dependencies)

    def RegisterResource(self, request: Any) -> Any:
        self._remember(request)
        return super().RegisterResource(request)  # type: ignore[no-untyped-call]

    def ReadResource(self, request: Any) -> Any:
        self._remember(request)
        response = super().ReadResource(request)  # type: ignore[no-untyped-call]
        # The engine answers a lookup with the id that the provider's Read returned, and says
        # when it skipped the read (an id a preview does not know).
        registration = self.resources.get(response.urn)
        response.id = (registration.id if registration else None) or ""
        response.unknown = request.id == UNKNOWN
        return response

    def RegisterResourceOutputs(self, request: Any) -> Any:
        if request.urn.split("::")[-2:-1] == [STACK_TYPE]:
            self.exports.update(rpc.deserialize_properties(request.outputs))
        return super().RegisterResourceOutputs(request)  # type: ignore[no-untyped-call]


# Projects ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Project:
    """What `Pulumi.yaml` says about a program: its name, its entry point and config defaults."""

    name: str
    main: Path
    """The program file (`__main__.py` of the `main` folder)."""
    config: dict[str, str]
    """Project-level config: `default` of the project's keys and `value` of any key."""


def load_project(folder: str | os.PathLike[str]) -> Project | None:
    """The project in `folder`'s `Pulumi.yaml` (or `.yml`), or None when there is none.

    The project file is held to the Pulumi CLI's rules, so that a program that runs here also
    runs under `pulumi up`: a key of another namespace (such as `aws:region`) may only give a
    `value`, never a `type` or a `default`.
    """
    base = Path(folder)
    path = next((base / n for n in ("Pulumi.yaml", "Pulumi.yml") if (base / n).is_file()), None)
    if path is None:
        return None
    data = yaml.safe_load(path.read_text()) or {}
    if not isinstance(data, dict) or not data.get("name") or not data.get("runtime"):
        raise ProgramError(f"{path}: a Pulumi project file needs a `name` and a `runtime`")
    name = str(data["name"])
    main = base / str(data.get("main") or ".")
    if main.is_dir():
        main = main / "__main__.py"
    config: dict[str, str] = {}
    for key, spec in (data.get("config") or {}).items():
        value = _config_value(path, name, str(key), spec)
        if value is not None:
            full = str(key) if ":" in str(key) else f"{name}:{key}"
            config[full] = value if isinstance(value, str) else json.dumps(value)
    return Project(name, main, config)


def _config_value(path: Path, project: str, key: str, spec: Any) -> Any:
    """The value a project file gives `key`, checked as the Pulumi CLI checks it."""
    if not isinstance(spec, dict):
        return spec
    if "default" in spec and "value" in spec:
        raise ProgramError(f"{path}: config {key!r} cannot have both a 'default' and a 'value'")
    if ":" in key and not key.startswith(f"{project}:"):
        if "type" in spec:
            raise ProgramError(
                f"{path}: config {key!r} is not namespaced by the project and should not "
                "define a type"
            )
        if "default" in spec:
            raise ProgramError(
                f"{path}: config {key!r} is not namespaced by the project and should not "
                "define a default value: use 'value' instead of 'default'"
            )
        if "value" not in spec:
            raise ProgramError(f"{path}: config {key!r} is namespaced and must provide a 'value'")
    return spec.get("value", spec.get("default"))


def _program(path: Path) -> Callable[[], None]:
    def run() -> None:
        folder = str(path.parent)
        sys.path.insert(0, folder)
        try:
            runpy.run_path(str(path), run_name="__main__")
        finally:
            sys.path.remove(folder)

    return run


# Running ----------------------------------------------------------------------------------


@contextmanager
def run_program(
    program: str | os.PathLike[str] | Callable[[], None],
    *,
    config: Mapping[str, str] | None = None,
    env: Mapping[str, str] | None = None,
    project: str | None = None,
    stack: str = "dev",
    destroy: bool = True,
    on_output: Callable[[str], None] | None = None,
    preview: bool = False,
    prior: ProgramRun | None = None,
) -> Iterator[ProgramRun]:
    """Run a program like `pulumi up` and yield what it made; destroy it on leaving the block.

    With `preview=True` it runs the program as `pulumi preview` does instead: every dynamic
    resource gets Check (and Diff against `prior`, a run whose resources are the stack's current
    state, when it has the resource), nothing is created, and `run.plan` lists the steps
    (`run.plan_summary()` gives `+ 5 to create`). As in a real preview, the outputs of a
    resource that does not exist yet are unknown, apart from its checked inputs.

    `program` is a project folder (its `Pulumi.yaml` gives the project name, the `main` entry
    point and config defaults), a folder or file with the program, or a function. `config` is
    the stack config: `aws:region`, `<project>:key`, or a plain `key` of the project. `env` is
    added to the provider host's environment (`AWS_ENDPOINT_URL` of a fake, credentials,
    `PULUMI_SNAPSHOTS_POLL_SECONDS`). `on_output` receives each line the provider host prints
    (the progress of waits) as it arrives; every line is also kept in `run.host.output`.

    Resources are destroyed in dependency order on leaving the block, or when the program
    fails, unless `destroy` is False.
    """
    main: Callable[[], None]
    defaults: dict[str, str] = {}
    if callable(program):
        main, name = program, project or "program"
    else:
        path = Path(program)
        found = load_project(path) if path.is_dir() else None
        if found is not None:
            main, name, defaults = _program(found.main), project or found.name, found.config
        else:
            file = path / "__main__.py" if path.is_dir() else path
            if not file.is_file():
                raise ProgramError(f"no Pulumi program at {program} (no {file.name})")
            main, name = _program(file), project or file.resolve().parent.name
    given = {(k if ":" in k else f"{name}:{k}"): v for k, v in (config or {}).items()}
    full_config = {**defaults, **given}
    with ProviderHost(env=dict(env or {}), config=full_config, on_output=on_output) as host:
        run = ProgramRun(host, project=name, stack=stack, preview=preview)
        try:
            _execute(main, run, full_config, prior)
            yield run
        except BaseException as exc:
            if destroy:
                try:
                    run.destroy()
                except ProgramError as cleanup:
                    exc.add_note(f"and destroying what was created failed: {cleanup}")
            raise
        else:
            if destroy:
                run.destroy()


def _execute(
    program: Callable[[], None],
    run: ProgramRun,
    config: Mapping[str, str],
    prior: ProgramRun | None = None,
) -> None:
    # Pulumi's runtime keeps tasks on the current event loop: make the loop first, then the mocks.
    loop = asyncio.new_event_loop()
    loop.set_exception_handler(_quiet_duplicates)
    asyncio.set_event_loop(loop)
    mocks = _HostMocks(run, prior)
    try:
        pulumi.runtime.set_all_config(dict(config))
        pulumi.runtime.set_mocks(
            mocks,
            run.project,
            run.stack,
            preview=run.preview,
            monitor=_Monitor(mocks, run.exports),
        )
        # The runtime's set of pending outputs outlives set_mocks: a run that failed leaves
        # tasks of its closed loop in it, which the next run would wait for.
        pulumi_settings.SETTINGS.outputs = set()
        # set_mocks makes a root stack of its own; the program gets a fresh one, as under the
        # CLI, so that its exports are registered when it finishes.
        set_root_resource(None)  # type: ignore[arg-type]
        loop.run_until_complete(run_in_stack(program))
    finally:
        # After a failure, creates already sent to the host still finish: wait for them, so
        # that what they made is recorded and destroyed.
        mocks.wait_idle()
        _close(loop)


def _quiet_duplicates(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """Drop the echoes of a failure that run_program raises anyway: the outputs of a resource
    that failed all carry its error, and nothing reads them once the program stopped."""
    if context.get("message") == "Future exception was never retrieved":
        return
    loop.default_exception_handler(context)


def _close(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel what a failed program left pending on the loop, then close it."""
    try:
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
    finally:
        loop.close()
        asyncio.set_event_loop(None)
