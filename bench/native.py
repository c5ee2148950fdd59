"""The native plugin against the dynamic provider host, side by side in one run.

`python3 tasks.py bench native [N...]`: for each of the five resources, N concurrent creates
(12 and 200 unless given) over gRPC, first through the dynamic host, then through the plugin,
against the fake AWS with every snapshot held pending 3 s and no rate limits; the wall time of
each and their ratio. Then the start-up time of each process: from its launch to the port it
prints, the median of five.

`python3 tasks.py bench native memory`: the plugin's resident memory while one create waits
for a snapshot held pending, polled every 0.01 s: after 500 status calls and after 5,000.

`python3 tasks.py bench native cli [N...]`: a stack of N Neptune copies through the real CLI
with `--parallel N`: the dynamic resources (an inline Python program) against the plugin (a
YAML program, run by `pulumi-language-yaml`, which `tasks.py test` builds).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench import parallel
from bench.fleet import KINDS, POLL_SECONDS, REGION, Kind, provider_props
from pulumi_snapshots.engine.provider import NAME_KEY, OWNER_KEY
from pulumi_snapshots.native.shapes import resource_shape, to_wire
from pulumi_snapshots.testing import FakeAwsServer
from pulumi_snapshots.testing.cli import find_cli
from pulumi_snapshots.testing.host import ProviderHost, urn_for
from pulumi_snapshots.testing.native import PluginProcess, native_urn, plugin_path

SIZES = (12, 200)
HOLD_SECONDS = 3.0


def _through_host(server: FakeAwsServer, kind: Kind, seeded: Sequence[str], n: int) -> float:
    env = server.environment(PULUMI_SNAPSHOTS_POLL_SECONDS=POLL_SECONDS)
    with ProviderHost(env=env, config={"aws:region": REGION}) as host:
        checked = []
        for i in range(n):
            name = f"bench-dyn-{n}-{i:04d}"
            props = provider_props(
                kind.spec, {NAME_KEY: name, OWNER_KEY: f"bench/{name}", **kind.props(i, seeded)}
            )
            urn = urn_for(kind.type_name, name)
            inputs, failures = host.check(urn, {}, props)
            assert failures == [], failures
            checked.append((urn, inputs))
        wall, made = _timed(n, lambda item: (item[0], *host.create(item[0], item[1])), checked)
        for urn, id_, outs in made:
            host.delete(urn, id_, outs)
    return wall


def _through_plugin(server: FakeAwsServer, kind: Kind, seeded: Sequence[str], n: int) -> float:
    env = server.environment(PULUMI_SNAPSHOTS_POLL_SECONDS=POLL_SECONDS)
    shape = resource_shape(kind.type_name)
    with PluginProcess(env=env) as plugin:
        plugin.configure({"region": REGION})
        checked = []
        for i in range(n):
            urn = native_urn(kind.type_name, f"bench-native-{n}-{i:04d}")
            inputs, failures = plugin.check(urn, to_wire(shape.inputs, kind.props(i, seeded)))
            assert failures == [], failures
            checked.append((urn, inputs))
        wall, made = _timed(n, lambda item: (item[0], *plugin.create(item[0], item[1])), checked)
        for urn, id_, outs in made:
            plugin.delete(urn, id_, outs)
    return wall


def _timed(
    n: int, create: Callable[[Any], tuple[str, str, dict[str, Any]]], items: list[Any]
) -> tuple[float, list[tuple[str, str, dict[str, Any]]]]:
    started = time.perf_counter()
    with ThreadPoolExecutor(max(n, 1)) as pool:
        made = list(pool.map(create, items))
    return time.perf_counter() - started, made


def _startup(argv: list[str]) -> float:
    times = []
    for _ in range(5):
        started = time.perf_counter()
        process = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
        assert process.stdout is not None
        process.stdout.readline()
        times.append(time.perf_counter() - started)
        process.kill()
        process.wait()
    return statistics.median(times)


YAML = """\
name: bench-native
runtime: yaml
resources:
"""
YAML_COPY = """\
  copy-{i}:
    type: snapshots:index:NeptuneClusterSnapshotCopy
    properties:
      sourceDbClusterSnapshotIdentifier: bench-graph-nightly
"""


def _native_cli_run(cli: Path, fake: FakeAwsServer, n: int) -> tuple[float, int]:
    language = os.environ.get("PULUMI_SNAPSHOTS_LANGUAGE_YAML")
    if not language:
        sys.exit("bench native cli: set PULUMI_SNAPSHOTS_LANGUAGE_YAML (tasks.py builds it)")
    with tempfile.TemporaryDirectory(prefix="bench-native-") as scratch:
        root = Path(scratch)
        (root / "backend").mkdir()
        (root / "Pulumi.yaml").write_text(YAML + "".join(YAML_COPY.format(i=i) for i in range(n)))
        env = {
            **os.environ,
            **fake.environment(PULUMI_SNAPSHOTS_POLL_SECONDS=parallel.POLL_SECONDS),
            "PATH": os.pathsep.join(
                [
                    str(cli.parent),
                    str(Path(language).parent),
                    str(Path(sys.executable).parent),
                    os.environ.get("PATH", ""),
                ]
            ),
            "PULUMI_BACKEND_URL": (root / "backend").as_uri(),
            "PULUMI_HOME": str(root / "home"),
            "PULUMI_CONFIG_PASSPHRASE": "bench",
            "PULUMI_SKIP_UPDATE_CHECK": "true",
        }

        def pulumi(*args: str) -> None:
            subprocess.run(
                [str(cli), *args, "--non-interactive"],
                cwd=root,
                env=env,
                check=True,
                capture_output=True,
            )

        pulumi("stack", "init", "dev")
        pulumi("config", "set", "snapshots:region", REGION)
        fake.control.reset()
        fake.control.hold("neptune", seconds=parallel.HOLD_SECONDS)
        started = time.monotonic()
        pulumi("up", "--yes", "--parallel", str(n))
        wall = time.monotonic() - started
        calls = sum(fake.control.request_counts().get("neptune", {}).values())
        fake.control.reset()
        pulumi("destroy", "--yes", "--parallel", str(n))
    return wall, calls


def cli_main(argv: Sequence[str]) -> None:
    cli = find_cli()
    if cli is None:
        sys.exit("bench native cli: no Pulumi CLI: run `python3 tasks.py engine` (needs Go)")
    sizes = [int(a) for a in argv] or list(SIZES)
    print(f"hold {parallel.HOLD_SECONDS} s, poll {parallel.POLL_SECONDS} s, --parallel N")
    print("| N | dynamic (Python) | native (YAML) | native / dynamic | calls/create dyn, nat |")
    print("|---|---|---|---|---|")
    with FakeAwsServer() as fake:
        parallel.seed_graph(fake)
        for n in sizes:
            dynamic, dynamic_calls = parallel._one_run(cli, fake, n, n)
            native, native_calls = _native_cli_run(cli, fake, n)
            print(
                f"| {n} | {dynamic:.1f} s | {native:.1f} s | {native / dynamic:.2f}x | "
                f"{dynamic_calls / n:.1f}, {native_calls / n:.1f} |",
                flush=True,
            )


def _rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def memory_main() -> None:
    with FakeAwsServer() as server:
        seeded = KINDS[2].seed(server, 1)
        env = server.environment(PULUMI_SNAPSHOTS_POLL_SECONDS="0.01")
        with PluginProcess(env=env) as plugin:
            assert plugin.process is not None
            plugin.configure({"region": REGION})
            urn = native_urn(KINDS[2].type_name, "bench-memory")
            shape = resource_shape(KINDS[2].type_name)
            checked, _ = plugin.check(urn, to_wire(shape.inputs, KINDS[2].props(0, seeded)))
            server.control.hold(KINDS[2].service, reads=10**9)
            with ThreadPoolExecutor(1) as pool:
                waiting = pool.submit(plugin.create, urn, checked, timeout=3600)
                seen = {}
                for target in (500, 5000):
                    while _calls(server) < target:
                        time.sleep(0.5)
                    seen[target] = _rss_kib(plugin.process.pid)
                plugin.process.kill()
                waiting.exception()
    growth = (seen[5000] - seen[500]) / 4500 * 1024
    print(
        f"plugin RSS while waiting: {seen[500] / 1024:.1f} MiB after 500 status calls, "
        f"{seen[5000] / 1024:.1f} MiB after 5000 ({growth:.0f} bytes per call)"
    )


def _calls(server: FakeAwsServer) -> int:
    return sum(sum(a.values()) for a in server.control.request_counts().values())


def main(argv: Sequence[str] | None = None) -> None:
    if argv and argv[0] == "memory":
        memory_main()
        return
    if argv and argv[0] == "cli":
        cli_main(argv[1:])
        return
    sizes = [int(a) for a in (argv or ())] or list(SIZES)
    print("| resource | N | dynamic host | native plugin | plugin / host |")
    print("|---|---|---|---|---|")
    with FakeAwsServer() as server:
        for kind in KINDS:
            seeded = kind.seed(server, max(sizes))
            for n in sizes:
                server.control.reset()
                server.control.hold(kind.service, match="*", seconds=HOLD_SECONDS)
                dynamic = _through_host(server, kind, seeded, n)
                server.control.reset()
                server.control.hold(kind.service, match="*", seconds=HOLD_SECONDS)
                native = _through_plugin(server, kind, seeded, n)
                print(
                    f"| {kind.type_name} | {n} | {dynamic:.2f} s | {native:.2f} s | "
                    f"{native / dynamic:.2f}x |",
                    flush=True,
                )
    host = _startup([sys.executable, "-m", "pulumi.dynamic", "127.0.0.1:1"])
    plugin = _startup([str(plugin_path()), "127.0.0.1:1"])
    print(f"\nstart-up, median of 5: dynamic host {host:.2f} s, native plugin {plugin:.2f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
