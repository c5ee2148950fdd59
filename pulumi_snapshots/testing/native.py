"""Drive the native plugin `pulumi-resource-snapshots` as the engine does, and build its SDKs.

`PluginProcess` starts the installed plugin with the address of a stand-in engine that takes
its `Log` calls, and sends every RPC with properties serialised by the Pulumi SDK. `python_sdk`
and `node_sdk` generate the SDKs from the plugin's own schema with `snapshots-sdkgen` (the
pinned CLI's code generators; `python3 tasks.py sdkgen` builds it).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Mapping
from concurrent import futures
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import grpc
from google.protobuf import empty_pb2
from pulumi.runtime import proto, rpc
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc, provider_pb2_grpc

from pulumi_snapshots.native.schema import schema_json
from pulumi_snapshots.testing.host import Props, _struct

SDKGEN_ENV = "PULUMI_SNAPSHOTS_SDKGEN"
NODE_ENV = "PULUMI_SNAPSHOTS_NODE_MODULES"
PLUGIN = "pulumi-resource-snapshots"


def plugin_path() -> Path:
    """The plugin's console script, beside this interpreter (where `pip install` puts it)."""
    found = Path(sys.executable).parent / PLUGIN
    if not found.exists():
        raise FileNotFoundError(f"{PLUGIN} is not installed beside {sys.executable}")
    return found


def native_urn(type_name: str, name: str, stack: str = "dev", project: str = "snapshots") -> str:
    return f"urn:pulumi:{stack}::{project}::snapshots:index:{type_name}::{name}"


class _Engine(engine_pb2_grpc.EngineServicer):
    def __init__(self) -> None:
        self.logs: list[engine_pb2.LogRequest] = []
        self._lock = threading.Lock()

    def Log(self, request: engine_pb2.LogRequest, context: Any) -> empty_pb2.Empty:
        with self._lock:
            self.logs.append(request)
        return empty_pb2.Empty()


def values(struct: Any) -> dict[str, Any]:
    """A response's properties as the SDK deserialises them (unknowns kept, secrets wrapped)."""
    result: dict[str, Any] = rpc.deserialize_properties(struct, keep_unknowns=True)
    return result


@dataclass
class Diff:
    changes: int
    replaces: list[str]
    delete_before_replace: bool
    detailed: dict[str, int]


@dataclass
class PluginProcess:
    """The plugin in its own process, with a stand-in engine for its `Log` calls."""

    env: Mapping[str, str] = field(default_factory=dict)
    process: subprocess.Popen[str] | None = None
    engine: _Engine = field(default_factory=_Engine)

    def __enter__(self) -> PluginProcess:
        self._server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
        engine_pb2_grpc.add_EngineServicer_to_server(self.engine, self._server)
        port = self._server.add_insecure_port("127.0.0.1:0")
        self._server.start()
        self.process = subprocess.Popen(
            [str(plugin_path()), f"127.0.0.1:{port}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **self.env},
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        if not line.isdigit():
            error = self.process.stderr.read() if self.process.stderr else ""
            raise RuntimeError(f"{PLUGIN} did not start: {line!r} {error}")
        self.channel = grpc.insecure_channel(f"127.0.0.1:{line}")
        self.stub = provider_pb2_grpc.ResourceProviderStub(self.channel)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.channel.close()
        if self.process is not None:
            self.process.kill()
            self.process.wait()
        self._server.stop(0)

    def logs(self, urn: str | None = None) -> list[str]:
        return [r.message for r in self.engine.logs if urn is None or r.urn == urn]

    def configure(self, config: Mapping[str, str]) -> Any:
        variables = {f"snapshots:config:{k}": v for k, v in config.items()}
        return self.stub.Configure(
            proto.ConfigureRequest(variables=variables, acceptSecrets=True, acceptResources=True)
        )

    def check(
        self, urn: str, news: Props, olds: Props | None = None
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        response = self.stub.Check(
            proto.CheckRequest(
                urn=urn,
                name=urn.rsplit("::", 1)[-1],
                olds=_struct(olds or {}),
                news=_struct(news),
            )
        )
        return values(response.inputs), [(f.property, f.reason) for f in response.failures]

    def diff(self, urn: str, id_: str, olds: Props, news: Props) -> Diff:
        response = self.stub.Diff(
            proto.DiffRequest(urn=urn, id=id_, olds=_struct(olds), news=_struct(news))
        )
        return Diff(
            response.changes,
            list(response.replaces),
            response.deleteBeforeReplace,
            {k: v.kind for k, v in response.detailedDiff.items()},
        )

    def create(
        self, urn: str, props: Props, *, timeout: float = 0, preview: bool = False
    ) -> tuple[str, dict[str, Any]]:
        response = self.stub.Create(
            proto.CreateRequest(
                urn=urn, properties=_struct(props), timeout=timeout, preview=preview
            )
        )
        return response.id, values(response.properties)

    def read(
        self, urn: str, id_: str, props: Props | None = None, inputs: Props | None = None
    ) -> tuple[str, dict[str, Any], dict[str, Any]]:
        response = self.stub.Read(
            proto.ReadRequest(
                urn=urn, id=id_, properties=_struct(props or {}), inputs=_struct(inputs or {})
            )
        )
        return response.id, values(response.properties), values(response.inputs)

    def update(
        self, urn: str, id_: str, olds: Props, news: Props, *, timeout: float = 0
    ) -> dict[str, Any]:
        response = self.stub.Update(
            proto.UpdateRequest(
                urn=urn, id=id_, olds=_struct(olds), news=_struct(news), timeout=timeout
            )
        )
        return values(response.properties)

    def delete(self, urn: str, id_: str, props: Props, *, timeout: float = 0) -> None:
        self.stub.Delete(
            proto.DeleteRequest(urn=urn, id=id_, properties=_struct(props), timeout=timeout)
        )


# -- SDKs ----------------------------------------------------------------------------------


def sdkgen() -> Path | None:
    """The SDK generator that `tasks.py sdkgen` built, if there is one."""
    found = os.environ.get(SDKGEN_ENV)
    return Path(found) if found and Path(found).exists() else None


def write_schema(directory: Path) -> Path:
    path = directory / "schema.json"
    path.write_text(schema_json())
    return path


def run_sdkgen(*args: str | Path) -> subprocess.CompletedProcess[str]:
    tool = sdkgen()
    if tool is None:
        raise FileNotFoundError(
            f"no SDK generator: run `python3 tasks.py sdkgen` or set {SDKGEN_ENV}"
        )
    return subprocess.run(
        [str(tool), *map(str, args)], capture_output=True, text=True, check=False, timeout=300
    )


def _generate(language: str, out: Path) -> None:
    schema = write_schema(out.parent)
    done = run_sdkgen("gen", schema, language, out)
    if done.returncode != 0:
        raise RuntimeError(f"generating the {language} SDK failed: {done.stderr}")


def python_sdk(directory: Path) -> Path:
    """The generated Python SDK, installed into `directory/site` (put it on sys.path)."""
    source = directory / "python"
    _generate("python", source)
    site = directory / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", site, source],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return site


def node_modules() -> Path | None:
    found = os.environ.get(NODE_ENV)
    return Path(found) if found and Path(found).exists() else None


def node_sdk(directory: Path) -> Path:
    """A folder with the generated Node.js SDK compiled (`sdk/bin`) and npm's packages linked
    (`node_modules`), where a TypeScript program compiled beside it finds both."""
    modules = node_modules()
    if modules is None:
        raise FileNotFoundError(f"no npm packages: run `python3 tasks.py test` or set {NODE_ENV}")
    (directory / "node_modules").symlink_to(modules, target_is_directory=True)
    sdk = directory / "sdk"
    _generate("nodejs", sdk)
    tsc = modules / ".bin" / "tsc"
    done = subprocess.run(
        [str(tsc), "-p", str(sdk)], capture_output=True, text=True, check=False, timeout=600
    )
    if done.returncode != 0:
        raise RuntimeError(f"compiling the Node.js SDK failed: {done.stdout}{done.stderr}")
    # The SDK reads its version (the plugin's) from its package.json beside the code.
    shutil.copyfile(sdk / "package.json", sdk / "bin" / "package.json")
    return directory


def compile_typescript(directory: Path, source: Path) -> Path:
    """Compile one TypeScript program into `directory` (beside `node_sdk`'s folders)."""
    target = directory / source.name
    shutil.copyfile(source, target)
    config = {
        "compilerOptions": {
            "target": "ES2022",
            "module": "commonjs",
            "strict": True,
            "skipLibCheck": True,
            "types": ["node"],
            # Beside the source, where its relative import of `./sdk/bin` resolves.
            "outDir": str(directory),
        },
        "files": [target.name],
    }
    (directory / "tsconfig.json").write_text(json.dumps(config))
    tsc = directory / "node_modules" / ".bin" / "tsc"
    done = subprocess.run(
        [str(tsc), "-p", str(directory)], capture_output=True, text=True, check=False, timeout=600
    )
    if done.returncode != 0:
        raise RuntimeError(f"compiling {source.name} failed: {done.stdout}{done.stderr}")
    return target.with_suffix(".js")
