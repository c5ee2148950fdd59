"""`pulumi-resource-snapshots`: the lifecycle engine as a native provider plugin.

A thin front end over `SnapshotProvider`, the engine the dynamic resources use: it speaks
Pulumi's resource provider protocol itself (the SDK's experimental server converts values
lossily), renames values between the wire's camelCase and the engine's names (`shapes`), and
sends progress through the engine's `Log` RPC, the only output a plugin's user sees.

What the dynamic host cannot give, this does: every language, `pulumi import` (a Read with
only an id), `customTimeouts` (the requests' `timeout`), previews through `Create(preview)`,
detailed diffs, secrets kept by the provider itself, and no pickle in the state.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Callable, Collection, Mapping
from concurrent import futures
from typing import Any, TypeVar

import grpc
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.output import Unknown
from pulumi.runtime import proto, rpc
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc, plugin_pb2, provider_pb2_grpc

from pulumi_snapshots.aws.config import KEYS
from pulumi_snapshots.engine import entry
from pulumi_snapshots.engine.hostpool import requested_threads, watch_address
from pulumi_snapshots.engine.marks import owner_of
from pulumi_snapshots.engine.provider import (
    DESIRED_OUTPUT,
    NAME_KEY,
    OWNER_KEY,
    SnapshotProvider,
)
from pulumi_snapshots.errors import SnapshotError
from pulumi_snapshots.native.schema import PACKAGE, schema_json, version
from pulumi_snapshots.native.shapes import (
    ResourceShape,
    from_wire,
    rename_in_text,
    resource_shape,
    to_wire,
)

UNKNOWN = rpc.UNKNOWN
SECRET_SIG = (rpc._special_sig_key, rpc._special_secret_sig)
TAG_ECHOES = ("tagsAll", DESIRED_OUTPUT)
"""Outputs that hold the tag values: secret whenever the `tags` input holds a secret."""
CONFIG_PREFIX = f"{PACKAGE}:"
PLUGIN_NAME = f"pulumi-resource-{PACKAGE}"

T = TypeVar("T")


# -- values on the wire --------------------------------------------------------------------


def decode(struct: struct_pb2.Struct) -> tuple[dict[str, Any], set[str]]:
    """A request's properties as plain values (unknowns as the engine's sentinel string), and
    the top-level keys that held a secret."""
    raw = json_format.MessageToDict(struct)
    secret: set[str] = set()
    plain = {}
    for key, value in raw.items():
        unwrapped, had = _unwrap(value)
        plain[key] = unwrapped
        if had:
            secret.add(key)
    return plain, secret


def _unwrap(value: Any) -> tuple[Any, bool]:
    if isinstance(value, dict):
        if value.get(SECRET_SIG[0]) == SECRET_SIG[1]:
            inner, _ = _unwrap(value.get("value"))
            return inner, True
        pairs = {k: _unwrap(v) for k, v in value.items()}
        return {k: v for k, (v, _) in pairs.items()}, any(s for _, s in pairs.values())
    if isinstance(value, list):
        items = [_unwrap(v) for v in value]
        return [v for v, _ in items], any(s for _, s in items)
    return value, False


def encode(values: Mapping[str, Any], secret: Collection[str] = ()) -> struct_pb2.Struct:
    """Plain values (and `secret` keys) in the wire form."""
    struct = struct_pb2.Struct()
    struct.update(
        {
            key: {SECRET_SIG[0]: SECRET_SIG[1], "value": _plain(value)}
            if key in secret
            else _plain(value)
            for key, value in values.items()
        }
    )
    return struct


def _plain(value: Any) -> Any:
    if isinstance(value, Unknown):
        return UNKNOWN
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def type_of(urn: str) -> str:
    """The resource type's name (`LightsailSnapshotCopy`) of a URN or a type token."""
    token = urn.split("::")[2] if urn.startswith("urn:") else urn
    return token.rsplit("$", 1)[-1].rsplit(":", 1)[-1]


def owner_from(urn: str) -> str:
    """Who makes the snapshot, as the dynamic resources say it: a URN is unique per stack, and
    names the types of the resource's parents (never their names, which it needs not)."""
    _, _, rest = urn.partition("urn:pulumi:")
    stack, project, qualified, name = rest.split("::", 3)
    parents, _, _ = qualified.rpartition("$")
    return owner_of(project, stack, name, parents or None)


def _secret_outputs(secret_inputs: set[str]) -> set[str]:
    """Which outputs are secret: those of the secret inputs, and every echo of the tags."""
    return secret_inputs | (set(TAG_ECHOES) if "tags" in secret_inputs else set())


# -- progress ------------------------------------------------------------------------------


class EngineLog:
    """Progress lines to the engine's `Log` RPC, per resource (its URN)."""

    def __init__(self, address: str | None) -> None:
        self._stub = engine_pb2_grpc.EngineStub(grpc.insecure_channel(address)) if address else None

    def sink(self, urn: str | None) -> Callable[[str], None]:
        def report(message: str) -> None:
            self.log(message, urn)

        return report

    def log(self, message: str, urn: str | None = None) -> None:
        text = message.rstrip("\n")
        severity = engine_pb2.INFO
        if text.startswith("warning: "):
            severity, text = engine_pb2.WARNING, text.removeprefix("warning: ")
        if self._stub is None:
            print(text, file=sys.stderr, flush=True)
            return
        # Progress that cannot be shown (the engine is gone) must not fail an operation.
        with contextlib.suppress(grpc.RpcError):
            self._stub.Log(engine_pb2.LogRequest(severity=severity, message=text, urn=urn or ""))


# -- the provider --------------------------------------------------------------------------


class NativeProvider(provider_pb2_grpc.ResourceProviderServicer):
    """Every RPC of the resource provider protocol, on one engine provider per type."""

    def __init__(self, engine: str | None) -> None:
        self._log = EngineLog(engine)
        self._providers = {name: SnapshotProvider(ref) for name, ref in entry.SPEC_REFS.items()}

    # plumbing --------------------------------------------------------------------------

    def _run(self, context: grpc.ServicerContext, urn: str, call: Callable[[], T]) -> T:
        """Run one RPC; an error reaches the user as its message, in the program's names."""
        try:
            return call()
        except Exception as exc:
            type_name = type_of(urn) if urn else ""
            message = str(exc) if isinstance(exc, SnapshotError) else f"{type(exc).__name__}: {exc}"
            known = type_name if type_name in self._providers else None
            context.abort(grpc.StatusCode.UNKNOWN, native_text(message, known))
            raise  # unreachable: abort raises

    def _resource(self, urn: str) -> tuple[SnapshotProvider, ResourceShape]:
        type_name = type_of(urn)
        provider = self._providers.get(type_name)
        if provider is None:
            raise SnapshotError(
                f"{type_name!r} is no resource of the {PACKAGE} package; its resources are "
                f"{sorted(self._providers)}"
            )
        return provider, resource_shape(type_name)

    # plugin and configuration ----------------------------------------------------------

    def GetPluginInfo(self, request: empty_pb2.Empty, context: Any) -> plugin_pb2.PluginInfo:
        return plugin_pb2.PluginInfo(version=version())

    def GetSchema(self, request: Any, context: Any) -> Any:
        return proto.provider_pb2.GetSchemaResponse(schema=schema_json())

    def CheckConfig(self, request: Any, context: Any) -> Any:
        # A bad value fails the operations it would change, never a teardown (see configure).
        return proto.CheckResponse(inputs=request.news)

    def DiffConfig(self, request: Any, context: Any) -> Any:
        olds, _ = decode(request.olds)
        news, _ = decode(request.news)
        changes = proto.DiffResponse.DIFF_SOME if olds != news else proto.DiffResponse.DIFF_NONE
        return proto.DiffResponse(changes=changes)

    def Configure(self, request: Any, context: Any) -> Any:
        values = config_values(request.variables)
        for provider in self._providers.values():
            provider.configure_values(values, self._config_warning(values))
        return proto.ConfigureResponse(
            acceptSecrets=True, supportsPreview=True, acceptResources=False
        )

    def _config_warning(self, values: Mapping[str, Any]) -> Callable[[str], None]:
        keys = [k.removeprefix("aws:") for k in values]

        def warn(message: str) -> None:
            self._log.log(native_text(message, None, keys))

        return warn

    # resources ---------------------------------------------------------------------------

    def Check(self, request: Any, context: Any) -> Any:
        def check() -> Any:
            provider, shape = self._resource(request.urn)
            news, secret = decode(request.news)
            olds, _ = decode(request.olds)
            given = from_wire(shape.inputs, news)
            given[NAME_KEY] = request.name or request.urn.rsplit("::", 1)[-1]
            given[OWNER_KEY] = owner_from(request.urn)
            result = provider.check(from_wire(shape.inputs, olds), given)
            failures = [
                proto.CheckFailure(
                    property=_wire_name(shape, f.property),
                    reason=native_text(f.reason, shape.type_name),
                )
                for f in result.failures
            ]
            inputs = to_wire(shape.inputs, result.inputs or {})
            return proto.CheckResponse(inputs=encode(inputs, secret), failures=failures)

        return self._run(context, request.urn, check)

    def Diff(self, request: Any, context: Any) -> Any:
        def diff() -> Any:
            provider, shape = self._resource(request.urn)
            olds, _ = decode(request.olds)
            news, _ = decode(request.news)
            plan = provider.plan(
                request.id, from_wire(shape.outputs, olds), from_wire(shape.inputs, news)
            )
            replaces = set(plan.replaces)
            detailed = {
                _wire_name(shape, key): proto.PropertyDiff(
                    kind=proto.PropertyDiff.UPDATE_REPLACE
                    if key in replaces
                    else proto.PropertyDiff.UPDATE,
                    inputDiff=key != "tags_all",
                )
                for key in plan.changed
            }
            return proto.DiffResponse(
                changes=proto.DiffResponse.DIFF_SOME
                if plan.changes
                else proto.DiffResponse.DIFF_NONE,
                replaces=[_wire_name(shape, k) for k in plan.replaces],
                deleteBeforeReplace=bool(plan.delete_before_replace),
                diffs=sorted(detailed),
                detailedDiff=detailed,
                hasDetailedDiff=True,
            )

        return self._run(context, request.urn, diff)

    def Create(self, request: Any, context: Any) -> Any:
        def create() -> Any:
            provider, shape = self._resource(request.urn)
            props, secret = decode(request.properties)
            if request.preview:
                # No AWS call: what create will compute is unknown until it runs.
                outputs: dict[str, Any] = {f.wire: UNKNOWN for f in shape.outputs}
                outputs.update(
                    {k: v for k, v in props.items() if v is not None and not k.startswith("__")}
                )
                return proto.CreateResponse(
                    id="", properties=encode(outputs, _secret_outputs(secret))
                )
            result = provider.create(
                from_wire(shape.inputs, props),
                timeout_minutes=_minutes(request.timeout),
                report=self._log.sink(request.urn),
            )
            outputs = to_wire(shape.outputs, result.outs or {})
            return proto.CreateResponse(
                id=result.id, properties=encode(outputs, _secret_outputs(secret))
            )

        return self._run(context, request.urn, create)

    def Read(self, request: Any, context: Any) -> Any:
        def read() -> Any:
            provider, shape = self._resource(request.urn)
            props, secret = decode(request.properties)
            inputs, input_secret = decode(request.inputs)
            result = provider.read(
                request.id,
                from_wire(shape.outputs, props),
                report=self._log.sink(request.urn),
            )
            if not result.id:
                return proto.ReadResponse(id="")
            outputs = to_wire(shape.outputs, result.outs or {})
            if not inputs:
                # An import: the inputs that declare what was found, for the program to match.
                inputs = _imported_inputs(shape, result.outs or {})
            secret_out = _secret_outputs(secret | input_secret)
            return proto.ReadResponse(
                id=result.id,
                properties=encode(outputs, secret_out),
                inputs=encode(inputs, input_secret | (secret & set(inputs))),
            )

        return self._run(context, request.urn, read)

    def Update(self, request: Any, context: Any) -> Any:
        def update() -> Any:
            provider, shape = self._resource(request.urn)
            olds, _ = decode(request.olds)
            news, secret = decode(request.news)
            result = provider.update(
                request.id,
                from_wire(shape.outputs, olds),
                from_wire(shape.inputs, news),
                timeout_minutes=_minutes(request.timeout),
                report=self._log.sink(request.urn),
            )
            outputs = to_wire(shape.outputs, result.outs or {})
            return proto.UpdateResponse(properties=encode(outputs, _secret_outputs(secret)))

        return self._run(context, request.urn, update)

    def Delete(self, request: Any, context: Any) -> Any:
        def delete() -> Any:
            provider, shape = self._resource(request.urn)
            props, _ = decode(request.properties)
            provider.delete(
                request.id,
                from_wire(shape.outputs, props),
                timeout_minutes=_minutes(request.timeout),
                report=self._log.sink(request.urn),
            )
            return empty_pb2.Empty()

        return self._run(context, request.urn, delete)

    def Cancel(self, request: Any, context: Any) -> Any:
        return empty_pb2.Empty()


def config_values(variables: Mapping[str, str]) -> dict[str, Any]:
    """The provider's `snapshots:*` keys (the engine sends them as `snapshots:config:<key>`)
    under the `aws:*` names that the engine's config reading knows; a key of another
    namespace is not this provider's and is left out."""
    values: dict[str, Any] = {}
    for key, value in variables.items():
        namespace, _, name = key.partition(":")
        if namespace != PACKAGE:
            continue
        values["aws:" + name.removeprefix("config:")] = value
    return values


_CONFIG_NAMES = re.compile(
    r"\baws:(" + "|".join(sorted((k.removeprefix("aws:") for k in KEYS), key=len)[::-1]) + r")\b"
)


def native_text(text: str, type_name: str | None, keys: Collection[str] = ()) -> str:
    """A message of the engine as a plugin user reads it: the config keys (the known ones, and
    `keys`, those the stack set) under this package's namespace, and the inputs by their wire
    names."""
    text = _CONFIG_NAMES.sub(lambda m: f"{PACKAGE}:{m.group(1)}", text)
    for key in keys:
        text = re.sub(rf"\baws:{re.escape(key)}\b", f"{PACKAGE}:{key}", text)
    return rename_in_text(text, type_name) if type_name else text


def _minutes(seconds: float) -> float | None:
    """A request's `timeout` (seconds, from `customTimeouts`; 0 when none) in minutes."""
    return seconds / 60 if seconds else None


def _wire_name(shape: ResourceShape, name: str) -> str:
    for field in (*shape.inputs, *shape.outputs):
        if field.name == name:
            return field.wire
    return name


def _imported_inputs(shape: ResourceShape, outputs: Mapping[str, Any]) -> dict[str, Any]:
    """What a program declares to manage the snapshot that an import found: its inputs as the
    snapshot records them, without those left unset."""
    names = {f.name for f in shape.inputs}
    found = {k: v for k, v in outputs.items() if k in names and v not in (None, {}, [])}
    return to_wire(shape.inputs, found)


def engine_address(argv: list[str]) -> str | None:
    """The engine's address: the last argument (the engine may pass `--logtostderr`, `-v=N` or
    `--tracing ENDPOINT` before it)."""
    return argv[-1] if argv and not argv[-1].startswith("-") else None


def main(argv: list[str] | None = None) -> None:
    """Serve on a free port of 127.0.0.1 and print it, as every plugin does."""
    args = sys.argv[1:] if argv is None else argv
    engine = engine_address(args)
    if engine is None:
        sys.exit(
            f"usage: {PLUGIN_NAME} ENGINE_ADDRESS\n\nThe native provider plugin of "
            "pulumi-snapshots, which the Pulumi CLI starts: put it on PATH and use the SDK "
            "that `pulumi package gen-sdk` makes from it."
        )
    provider = NativeProvider(engine)
    # Orphaned by a killed `pulumi up`, the plugin ends, as the dynamic host does: each
    # snapshot it was waiting for is left, marked, for the next up to resume.
    watch_address(engine)
    # Creates wait for hours: one thread per operation, so a wait never holds a check up.
    workers = requested_threads() or 4
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=workers),
        options=[
            ("grpc.max_receive_message_length", 400 * 1024 * 1024),
            ("grpc.max_send_message_length", 400 * 1024 * 1024),
        ],
    )
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(provider, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    sys.stdout.write(f"{port}\n")
    sys.stdout.flush()
    try:
        server.wait_for_termination()
    except KeyboardInterrupt:
        server.stop(0)
    os._exit(0)


if __name__ == "__main__":
    main()
