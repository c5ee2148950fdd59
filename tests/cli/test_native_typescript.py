"""The native plugin through the real CLI, from a TypeScript program: npm's @pulumi/pulumi and
the Node.js SDK generated from the plugin's schema, compiled with TypeScript, run as an
automation-API inline program. Preview, up, refresh, import by id, customTimeouts, destroy."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from pulumi_snapshots.testing.cli import CliStack
from pulumi_snapshots.testing.native import compile_typescript, node_modules, node_sdk, sdkgen
from pulumi_snapshots.testing.quickstart import fake_client, seed_sources
from pulumi_snapshots.testing.server import FakeAwsServer

REGION = "us-east-1"
DRIVER = Path(__file__).parent / "node" / "driver.ts"


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if sdkgen() is None or node_modules() is None:
        pytest.skip("no snapshots-sdkgen or npm packages: `python3 tasks.py test` provides both")
    folder = node_sdk(tmp_path_factory.mktemp("node"))
    return compile_typescript(folder, DRIVER)


class TypeScriptStack:
    """One stack that the compiled driver runs, an operation at a time."""

    def __init__(self, cli: Path, fake: FakeAwsServer, driver: Path) -> None:
        self.sources = seed_sources(fake.endpoint, fake.control, region=REGION)
        config = {k: v for k, v in self.sources.items() if not k.startswith(("aws:", "dr"))}
        config["snapshots:region"] = REGION
        self.config = config
        self.stack = CliStack(
            cli=cli,
            program=lambda: None,
            env=fake.environment(PULUMI_SNAPSHOTS_POLL_SECONDS="0.01"),
            config=config,
        )
        self.cli = cli
        self.driver = driver

    def run(self, operation: str, **declared: Any) -> dict[str, Any]:
        request = {
            "cli": str(self.cli.parent.parent),
            "root": str(self.stack.root / "work"),
            "home": str(self.stack.root / "home"),
            "backend": self.stack.backend_url,
            "stack": self.stack.stack_name,
            "project": self.stack.project,
            "config": self.config,
            "env": self.stack.environment(),
            "operation": operation,
            **declared,
        }
        path = self.stack.root / "request.json"
        path.write_text(json.dumps(request))
        done = subprocess.run(
            ["node", str(self.driver), str(path)],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
            cwd=self.driver.parent,
        )
        lines = done.stdout.strip().splitlines()
        assert lines, done.stderr
        return dict(json.loads(lines[-1]))


def test_a_typescript_program_through_a_whole_lifecycle(
    cli: Path, fake: FakeAwsServer, driver: Path
) -> None:
    fake.control.reset()
    ts = TypeScriptStack(cli, fake, driver)
    try:
        preview = ts.run("preview")
        assert preview["ok"], preview
        assert preview["result"]["changes"]["create"] == 4

        up = ts.run("up", createTimeout="5m")
        assert up["ok"], up
        assert up["result"]["changes"] == {"create": 4}
        outputs = up["result"]["outputs"]
        assert outputs["state"] == "available"
        assert outputs["tagsAll"]["team"] == "data"
        assert len(outputs["volumes"]) == 3
        assert "snapshotting database" in up["output"]

        assert ts.run("preview", createTimeout="5m")["result"]["changes"] == {"same": 4}
        assert ts.run("refresh")["result"]["changes"] == {"same": 4}

        lightsail = fake_client("lightsail", REGION, fake.endpoint)
        lightsail.create_relational_database_snapshot(
            relationalDatabaseName=ts.sources["lightsailDatabaseName"],
            relationalDatabaseSnapshotName="typed-by-hand",
        )
        imported = ts.run(
            "up", createTimeout="5m", adoptedName="typed-by-hand", importId="typed-by-hand"
        )
        assert imported["ok"], imported
        assert imported["result"]["changes"] == {"import": 1, "same": 4}
        after = ts.run("preview", createTimeout="5m", adoptedName="typed-by-hand")
        assert after["result"]["changes"] == {"same": 5}, after

        destroyed = ts.run("destroy")
        assert destroyed["result"]["changes"] == {"delete": 5}
        names = [
            s["name"]
            for s in lightsail.get_relational_database_snapshots()["relationalDatabaseSnapshots"]
        ]
        assert "typed-by-hand" not in names
    finally:
        ts.stack.remove()


def test_custom_timeouts_from_typescript(cli: Path, fake: FakeAwsServer, driver: Path) -> None:
    fake.control.reset()
    ts = TypeScriptStack(cli, fake, driver)
    # Only the database snapshot, the one with a customTimeouts, is held back.
    fake.control.hold("lightsail", reads=100_000)
    try:
        failed = ts.run("up", createTimeout="1s")
        assert not failed["ok"]
        assert "(customTimeouts.create)" in failed["error"]
        assert "Traceback" not in failed["error"]
    finally:
        fake.control.reset()
        ts.stack.remove()
