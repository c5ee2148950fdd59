"""Real stacks through the real Pulumi CLI, with a local file backend, against the fake AWS.

`find_cli` finds a `pulumi` binary: `PULUMI_SNAPSHOTS_CLI` (which `tasks.py` sets to the CLI it
built), else `pulumi` on PATH. The CLI runs dynamic providers through the launcher
`pulumi-resource-pulumi-python`, which must sit beside it or on PATH; `CliStack` puts the CLI's
folder first on PATH and runs the launcher with this interpreter (`PULUMI_PYTHON_CMD`).

`CliStack` is one stack of an automation-API inline program: the program runs in this process
and hands its language runtime to the CLI, so no `pulumi-language-python` is needed. Its
backend, `PULUMI_HOME` and passphrase live in a temporary folder; nothing reaches the network.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pulumi import automation as auto

from pulumi_snapshots.testing.runner import Created

__all__ = ["CLI_ENV", "REQUIRE_CLI_ENV", "CliRun", "CliStack", "find_cli"]

CLI_ENV = "PULUMI_SNAPSHOTS_CLI"
"""The `pulumi` binary to use; `tasks.py` sets it to the one it built."""
REQUIRE_CLI_ENV = "PULUMI_SNAPSHOTS_REQUIRE_CLI"
"""When set (as `tasks.py test` does in CI), a missing CLI fails the real-engine tests instead
of skipping them."""
PASSPHRASE = "pulumi-snapshots-tests"
PROJECT = "snapshots-cli"


def find_cli() -> Path | None:
    """The `pulumi` binary to run real stacks with, or None when there is none."""
    named = os.environ.get(CLI_ENV)
    if named:
        return Path(named)
    found = shutil.which("pulumi")
    return Path(found) if found else None


@dataclass
class CliRun:
    """What one raw CLI command did."""

    args: list[str]
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@dataclass
class CliStack:
    """One stack of an inline program, run through the real CLI.

    `env` reaches the CLI and, through it, the provider host (point it at the fake AWS). The
    program is called on every `up`, `preview` and `refresh`; change what it reads between
    runs to change the stack.
    """

    cli: Path
    program: Callable[[], None]
    env: Mapping[str, str]
    config: Mapping[str, str] = field(default_factory=dict)
    secret_config: Mapping[str, str] = field(default_factory=dict)
    stack_name: str = "dev"
    project: str = PROJECT
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="snapshots-cli-")))

    def __post_init__(self) -> None:
        (self.root / "backend").mkdir(exist_ok=True)
        (self.root / "home").mkdir(exist_ok=True)
        (self.root / "work").mkdir(exist_ok=True)
        command = auto.PulumiCommand(root=str(self.cli.parent.parent), skip_version_check=True)
        options = auto.LocalWorkspaceOptions(
            work_dir=str(self.root / "work"),
            pulumi_home=str(self.root / "home"),
            env_vars=self.environment(),
            pulumi_command=command,
            project_settings=auto.ProjectSettings(
                name=self.project,
                runtime="python",
                backend=auto.ProjectBackend(url=self.backend_url),
            ),
        )
        self.stack = auto.create_or_select_stack(
            stack_name=self.stack_name,
            project_name=self.project,
            program=self.program,
            opts=options,
        )
        for key, value in self.config.items():
            self.stack.set_config(key, auto.ConfigValue(value=value))
        for key, value in self.secret_config.items():
            self.stack.set_config(key, auto.ConfigValue(value=value, secret=True))

    @property
    def backend_url(self) -> str:
        return (self.root / "backend").as_uri()

    def environment(self) -> dict[str, str]:
        """The environment of every CLI command of this stack."""
        # The CLI, then this environment's scripts: the native plugin `pulumi-resource-snapshots`
        # is found on PATH, as a user's `pip install` puts it.
        scripts = str(Path(sys.executable).parent)
        path = os.pathsep.join([str(self.cli.parent), scripts, os.environ.get("PATH", "")])
        return {
            **self.env,
            "PATH": path,
            "PULUMI_BACKEND_URL": self.backend_url,
            "PULUMI_HOME": str(self.root / "home"),
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_PYTHON_CMD": sys.executable,
        }

    def run(self, *args: str, timeout: float = 600) -> CliRun:
        """A raw CLI command on this stack (`--stack` and `--non-interactive` added)."""
        argv = [str(self.cli), *args, "--stack", self.stack_name, "--non-interactive"]
        done = subprocess.run(
            argv,
            cwd=self.root / "work",
            env={**os.environ, **self.environment()},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        return CliRun(argv[1:], done.returncode, done.stdout, done.stderr)

    def export(self) -> dict[str, Any]:
        """The stack's deployment, as `pulumi stack export` writes it (secrets encrypted)."""
        done = self.run("stack", "export")
        if done.code != 0:
            raise RuntimeError(f"pulumi stack export failed: {done.output}")
        return dict(json.loads(done.stdout))

    def import_state(self, deployment: Mapping[str, Any]) -> None:
        """Replace the stack's state, as `pulumi stack import` does."""
        path = self.root / "import.json"
        path.write_text(json.dumps(deployment))
        done = self.run("stack", "import", "--file", str(path))
        if done.code != 0:
            raise RuntimeError(f"pulumi stack import failed: {done.output}")

    def resources(self, type_name: str | None = None) -> list[dict[str, Any]]:
        """The custom resources in the state, of `type_name` (a class name) when given."""
        found = []
        for resource in self.export()["deployment"].get("resources") or []:
            token = str(resource.get("type", ""))
            if not resource.get("custom") or token.startswith("pulumi:providers:"):
                continue
            if type_name is None or token.endswith(f":{type_name}"):
                found.append(dict(resource))
        return found

    def created(self, type_name: str | None = None) -> list[Created]:
        """The resources in the state, as the fake's helpers (`quickstart.still_exists`) take
        them."""
        return [
            Created(
                urn=str(r["urn"]),
                type=str(r["type"]),
                name=str(r["urn"]).rsplit("::", 1)[-1],
                id=str(r.get("id", "")),
                outputs=dict(r.get("outputs") or {}),
                inputs=dict(r.get("inputs") or {}),
            )
            for r in self.resources(type_name)
        ]

    def urn(self, name: str) -> str:
        """The URN of the resource called `name` in the program."""
        for resource in self.export()["deployment"].get("resources") or []:
            if str(resource.get("urn", "")).endswith(f"::{name}"):
                return str(resource["urn"])
        raise KeyError(f"no resource {name!r} in the stack")

    def start_up(self, driver: Path, *args: str) -> subprocess.Popen[str]:
        """Start `driver` (a script that runs `up` on this stack) in its own process group,
        so that the test can kill it, CLI and provider host included, as a pipeline would."""
        return subprocess.Popen(
            [sys.executable, str(driver), *args],
            env={**os.environ, **self.environment()},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )

    @staticmethod
    def kill(process: subprocess.Popen[str]) -> None:
        """SIGKILL a process started by `start_up`, with everything it started."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def provider_hosts(self) -> list[int]:
        """Pids of the dynamic provider hosts that commands of this stack started and that
        still run (Linux: read from /proc)."""
        home = f"PULUMI_HOME={self.root / 'home'}".encode()
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                command = (entry / "cmdline").read_bytes()
                environ = (entry / "environ").read_bytes()
            except OSError:
                continue
            if b"pulumi.dynamic" in command and home in environ.split(b"\0"):
                found.append(int(entry.name))
        return found

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
