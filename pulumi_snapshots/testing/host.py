"""Drive the real Pulumi dynamic provider host (`python -m pulumi.dynamic`) over gRPC.

This is the process the Pulumi CLI starts for every stack with dynamic resources; talking to
it exercises pickling, (de)serialisation and threading exactly as `pulumi up` would.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import grpc
import pulumi
from google.protobuf import struct_pb2
from pulumi.dynamic import ResourceProvider
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.output import UNKNOWN
from pulumi.runtime import proto, rpc
from pulumi.runtime.proto import provider_pb2_grpc

PROVIDER_KEY = "__provider"


def urn_for(type_name: str, name: str, stack: str = "dev", project: str = "snapshots") -> str:
    """The URN Pulumi gives a dynamic resource of `type_name` named `name`."""
    return f"urn:pulumi:{stack}::{project}::pulumi-python:dynamic/snapshots:{type_name}::{name}"


Props = Mapping[str, Any] | Callable[[], Mapping[str, Any]]
"""Properties to send: plain values, or a function that makes them when they hold
`pulumi.Output`s, which belong to the event loop that serialises them."""


def _struct(props: Props) -> struct_pb2.Struct:
    """The properties in their wire form, serialised by the Pulumi SDK as a program does."""

    async def serialize() -> struct_pb2.Struct:
        values = props() if callable(props) else props
        result: struct_pb2.Struct = await rpc.serialize_properties(dict(values), {})
        return result

    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(serialize())
    finally:
        loop.close()


def as_check_receives(props: Props) -> dict[str, Any]:
    """`props` as the provider host hands them to Check and Diff: serialised by the SDK, then
    deserialised keeping unknowns (as `pulumi.output.Unknown`). For testing provider methods
    directly with the values that a preview sends."""
    return _dict(_struct(props))


def unknown_output() -> pulumi.Output[Any]:
    """An output whose value is not known yet, such as an output of a resource that a preview
    has still to create. Make it inside a `Props` function."""
    return pulumi.Output.from_input(UNKNOWN)


def _dict(struct: struct_pb2.Struct) -> dict[str, Any]:
    result: dict[str, Any] = rpc.deserialize_properties(struct, keep_unknowns=True)
    return result


@dataclass
class Diff:
    """A DiffResponse, decoded."""

    changes: bool | None
    replaces: list[str]
    delete_before_replace: bool


@dataclass
class ProviderHost:
    """A running `python -m pulumi.dynamic` and a client for its gRPC service.

    Use as a context manager. `env` is added to this process's environment for the host
    (for instance `AWS_ENDPOINT_URL` of a fake AWS server); `config` is the stack config that
    `Configure` receives (for instance `{"aws:region": "us-west-2"}`).

    Everything the host prints (the resources' progress lines) is collected in `output`, and
    passed as it arrives to `on_output` when that is set (for instance `print`), as the Pulumi
    CLI shows it while a resource is being created.
    """

    env: Mapping[str, str] = field(default_factory=dict)
    config: Mapping[str, Any] = field(default_factory=dict)
    output: list[str] = field(default_factory=list)
    on_output: Callable[[str], None] | None = None
    _process: subprocess.Popen[bytes] | None = None
    _drainer: threading.Thread | None = None
    _channel: grpc.Channel | None = None
    _stub: Any = None

    def __enter__(self) -> ProviderHost:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        """Start the host, read its port as Pulumi does, and send Configure."""
        self._process = subprocess.Popen(
            [sys.executable, "-u", "-m", "pulumi.dynamic"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env={**os.environ, **self.env},
        )
        assert self._process.stdout is not None
        first = self._process.stdout.readline().decode().strip()
        if not first.isdigit():
            rest = self._process.stdout.read().decode()
            raise RuntimeError(f"provider host did not start: {first}\n{rest}")
        self._drainer = threading.Thread(
            target=self._drain, name="provider-host-output", daemon=True
        )
        self._drainer.start()
        self._channel = grpc.insecure_channel(f"127.0.0.1:{first}")
        self._stub = provider_pb2_grpc.ResourceProviderStub(self._channel)
        self.configure(self.config)

    def _drain(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        for raw in self._process.stdout:
            line = raw.decode(errors="replace").rstrip("\n")
            self.output.append(line)
            if self.on_output is not None:
                try:
                    self.on_output(line)
                except Exception:
                    # A failing echo (a closed console) must not stop the collection.
                    self.on_output = None

    @property
    def pid(self) -> int | None:
        """The host process's id while it runs (for measuring it, such as its peak memory)."""
        return self._process.pid if self._process is not None else None

    def kill(self) -> None:
        """Kill the host process at once, as a cancelled pipeline job does: operations under
        way end without a word; RPCs in flight fail."""
        if self._process is not None:
            self._process.kill()
            self._process.wait()

    def stop(self) -> None:
        """Stop the host process."""
        if self._channel is not None:
            self._channel.close()
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if self._drainer is not None:
            # Every line the host printed is collected (and echoed) before stop returns.
            self._drainer.join(timeout=5)
            self._drainer = None

    # RPCs -------------------------------------------------------------------------------

    def configure(self, config: Mapping[str, Any]) -> None:
        """Send the stack config (keys such as `aws:region`)."""
        self._stub.Configure(proto.ConfigureRequest(args=_struct(config), acceptSecrets=False))

    def check(
        self, urn: str, olds: Props, news: Props
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """Check: the checked inputs and the (property, reason) failures."""
        response = self._stub.Check(
            proto.CheckRequest(urn=urn, olds=_struct(olds), news=_struct(news))
        )
        return _dict(response.inputs), [(f.property, f.reason) for f in response.failures]

    def diff(self, urn: str, id_: str, olds: Props, news: Props) -> Diff:
        """Diff of old outputs against new checked inputs."""
        response = self._stub.Diff(
            proto.DiffRequest(id=id_, urn=urn, olds=_struct(olds), news=_struct(news))
        )
        changes = {
            proto.DiffResponse.DIFF_SOME: True,
            proto.DiffResponse.DIFF_NONE: False,
        }.get(response.changes)
        return Diff(changes, list(response.replaces), bool(response.deleteBeforeReplace))

    def create(
        self, urn: str, props: Mapping[str, Any] | proto.CreateRequest
    ) -> tuple[str, dict[str, Any]]:
        """Create: the id and the outputs. `props` may be a request made before
        (`create_request`), so that many creates can be sent at once without each first
        spending the time the SDK takes to serialise them."""
        request = (
            props if isinstance(props, proto.CreateRequest) else self.create_request(urn, props)
        )
        response = self._stub.Create(request)
        return str(response.id), _dict(response.properties)

    @staticmethod
    def create_request(urn: str, props: Mapping[str, Any]) -> proto.CreateRequest:
        """The Create request of `props`, serialised by the SDK as the engine receives them."""
        return proto.CreateRequest(urn=urn, properties=_struct(props))

    def read(
        self,
        urn: str,
        id_: str,
        props: Mapping[str, Any],
        inputs: Mapping[str, Any] | None = None,
    ) -> tuple[str, dict[str, Any]]:
        """Read (refresh with `props`, or a lookup with only `inputs`): the id and outputs."""
        response = self._stub.Read(
            proto.ReadRequest(
                id=id_, urn=urn, properties=_struct(props), inputs=_struct(inputs or {})
            )
        )
        return str(response.id), _dict(response.properties)

    def update(
        self, urn: str, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Update: the new outputs."""
        response = self._stub.Update(
            proto.UpdateRequest(id=id_, urn=urn, olds=_struct(olds), news=_struct(news))
        )
        return _dict(response.properties)

    def delete(self, urn: str, id_: str, props: Mapping[str, Any]) -> None:
        """Delete."""
        self._stub.Delete(proto.DeleteRequest(id=id_, urn=urn, properties=_struct(props)))


def provider_props(provider: ResourceProvider, props: Mapping[str, Any]) -> dict[str, Any]:
    """`props` with the provider serialised into `__provider`, as `dynamic.Resource` does."""
    return {**props, PROVIDER_KEY: serialize_provider(provider)}
