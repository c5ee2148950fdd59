"""Run a Pulumi program without the Pulumi CLI, with every dynamic resource created by the real
provider host (`python -m pulumi.dynamic`), as `pulumi up` would, then destroy it.

```python
from pulumi_snapshots.testing import FakeAwsServer
from pulumi_snapshots.testing.runner import run_program

with FakeAwsServer() as fake:
    with run_program("path/to/program", config={"aws:region": "us-east-1"},
                     env={"AWS_ENDPOINT_URL": fake.endpoint}) as run:
        assert run.exports["snapshot_ids"]
    # leaving the block destroys what the program created
```
"""

from __future__ import annotations

import asyncio
import os
import runpy
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import pulumi.runtime
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockMonitor, MockResourceArgs, Mocks
from pulumi.runtime.settings import set_root_resource
from pulumi.runtime.stack import run_in_stack

from pulumi_snapshots.testing.host import PROVIDER_KEY, ProviderHost

DYNAMIC_PREFIX = "pulumi-python:dynamic"


class ProgramError(Exception):
    """A resource of the program failed its check or its create."""


@dataclass
class Created:
    """One resource the program created (or looked up)."""

    urn: str
    type: str
    name: str
    id: str
    outputs: dict[str, Any]
    inputs: dict[str, Any]
    lookup: bool = False
    state: dict[str, Any] = field(default_factory=dict, repr=False)
    """The outputs as stored in state, with the serialised provider."""

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
class ProgramRun:
    """What a program run created, what it exported, and what the provider host printed."""

    host: ProviderHost
    resources: list[Created] = field(default_factory=list)
    exports: dict[str, Any] = field(default_factory=dict)

    def of_type(self, type_name: str) -> list[Created]:
        """Resources whose class is `type_name`, lookups excluded."""
        return [r for r in self.resources if r.type_name == type_name and not r.lookup]

    def summary(self) -> str:
        """A table like the one `pulumi up` ends with."""
        rows = [("resource", "name", "id", "state")] + [
            (r.type_name + (" (read)" if r.lookup else ""), r.name, r.id, r.status)
            for r in self.resources
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        return "\n".join(
            "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            for row in rows
        )

    def destroy(self) -> None:
        """Delete what the program created, dependents first (reverse creation order)."""
        for resource in reversed(self.resources):
            if not resource.lookup:
                self.host.delete(resource.urn, resource.id, resource.state)
        self.resources = [r for r in self.resources if r.lookup]


class _HostMocks(Mocks):
    """Sends dynamic resources to the provider host: Check then Create, or Read for `get()`."""

    def __init__(self, run: ProgramRun, project: str, stack: str) -> None:
        self.run = run
        self.project = project
        self.stack = stack
        self.lock = threading.Lock()

    def _urn(self, typ: str, name: str) -> str:
        return f"urn:pulumi:{self.stack}::{self.project}::{typ}::{name}"

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        if not args.typ.startswith(DYNAMIC_PREFIX):
            return f"{args.name}-id", dict(args.inputs)
        host = self.run.host
        urn = self._urn(args.typ, args.name)
        if args.resource_id:
            id_, outs = host.read(urn, args.resource_id, {}, args.inputs)
            if not id_:
                raise ProgramError(f"{args.name}: no {args.typ} with id {args.resource_id!r}")
            self._record(Created(urn, args.typ, args.name, id_, outs, {}, lookup=True))
            return id_, outs
        inputs, failures = host.check(urn, {}, args.inputs)
        if failures:
            listed = "; ".join(f"{prop}: {reason}" for prop, reason in failures)
            raise ProgramError(f"{args.name} ({args.typ.rsplit(':', 1)[-1]}): {listed}")
        id_, outs = host.create(urn, inputs)
        self._record(Created(urn, args.typ, args.name, id_, outs, inputs))
        return id_, outs

    def _record(self, created: Created) -> None:
        with self.lock:
            self.run.resources.append(created)

    def call(self, args: Any) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        return {}, None


class _ExportingMonitor(MockMonitor):
    """A mock monitor that keeps the stack's outputs (its exports)."""

    def __init__(self, mocks: Mocks, exports: dict[str, Any]) -> None:
        super().__init__(mocks)
        self.exports = exports

    def RegisterResourceOutputs(self, request: Any) -> Any:
        if request.urn.split("::")[-2:-1] == ["pulumi:pulumi:Stack"]:
            self.exports.update(rpc.deserialize_properties(request.outputs))
        return super().RegisterResourceOutputs(request)  # type: ignore[no-untyped-call]


def _program(path: str | os.PathLike[str] | Callable[[], None]) -> Callable[[], None]:
    if callable(path):
        return path
    folder = Path(path)
    main = folder / "__main__.py" if folder.is_dir() else folder

    def run() -> None:
        sys.path.insert(0, str(main.parent))
        try:
            runpy.run_path(str(main), run_name="__main__")
        finally:
            sys.path.remove(str(main.parent))

    return run


@contextmanager
def run_program(
    program: str | os.PathLike[str] | Callable[[], None],
    *,
    config: Mapping[str, str] | None = None,
    env: Mapping[str, str] | None = None,
    project: str | None = None,
    stack: str = "dev",
    destroy: bool = True,
) -> Iterator[ProgramRun]:
    """Run a program (a folder with `__main__.py`, a file, or a function) like `pulumi up`.

    `config` is the stack config (`aws:region`, `<project>:key` or plain `key`); `env` is
    added to the provider host's environment (`AWS_ENDPOINT_URL` of a fake, credentials).
    On leaving the block the created resources are destroyed unless `destroy` is False.
    """
    name = project or (Path(program).name if not callable(program) else "program")
    full_config = {(k if ":" in k else f"{name}:{k}"): v for k, v in (config or {}).items()}
    with ProviderHost(env=dict(env or {}), config=full_config) as host:
        run = ProgramRun(host)
        try:
            _execute(_program(program), run, full_config, name, stack)
            yield run
        finally:
            if destroy:
                run.destroy()


def _execute(
    program: Callable[[], None],
    run: ProgramRun,
    config: Mapping[str, str],
    project: str,
    stack: str,
) -> None:
    # Pulumi's runtime keeps tasks on the current event loop: make the loop first, then the mocks.
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        pulumi.runtime.set_all_config(dict(config))
        mocks = _HostMocks(run, project, stack)
        pulumi.runtime.set_mocks(
            mocks, project, stack, preview=False, monitor=_ExportingMonitor(mocks, run.exports)
        )
        # set_mocks makes a root stack of its own; the program gets a fresh one, as under the
        # CLI, so that its exports are registered when it finishes.
        set_root_resource(None)  # type: ignore[arg-type]
        loop.run_until_complete(run_in_stack(program))
    finally:
        loop.close()
        asyncio.set_event_loop(None)
