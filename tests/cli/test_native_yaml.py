"""The native plugin through the real CLI from a YAML program (`Pulumi.yaml`, run by
`pulumi-language-yaml`, which `tasks.py` builds from its Go module): up, preview, refresh,
`pulumi import` on the command line, customTimeouts and destroy; and the schema the CLI reads
from the plugin."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from pulumi_snapshots.native.schema import package_schema
from pulumi_snapshots.testing.native import plugin_path
from pulumi_snapshots.testing.quickstart import fake_client, seed_sources
from pulumi_snapshots.testing.server import FakeAwsServer

REGION = "us-east-1"
YAML_ENV = "PULUMI_SNAPSHOTS_LANGUAGE_YAML"

PROGRAM = """\
name: snapshots-yaml
runtime: yaml
config:
  lightsailDatabaseName: {type: string}
  neptuneSnapshotArn: {type: string}
resources:
  orders:
    type: snapshots:index:LightsailDatabaseSnapshot
    properties:
      relationalDatabaseName: ${lightsailDatabaseName}
      tags: {team: data}
    options:
      customTimeouts: {create: CREATE_TIMEOUT}
  graph:
    type: snapshots:index:NeptuneClusterSnapshotCopy
    properties:
      sourceDbClusterSnapshotIdentifier: ${neptuneSnapshotArn}
outputs:
  db: ${orders.relationalDatabaseSnapshotName}
  neptune: ${graph.status}
"""
ADOPTED = """\
  adopted:
    type: snapshots:index:LightsailDatabaseSnapshot
    properties:
      relationalDatabaseName: ${lightsailDatabaseName}
      relationalDatabaseSnapshotName: made-by-yaml
"""


class YamlProject:
    """A `Pulumi.yaml` project with a file backend, run by raw CLI commands."""

    def __init__(self, cli: Path, language: Path, fake: FakeAwsServer) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="snapshots-yaml-"))
        self.work = self.root / "work"
        self.work.mkdir()
        (self.root / "backend").mkdir()
        path = os.pathsep.join(
            [
                str(cli.parent),
                str(language.parent),
                str(Path(sys.executable).parent),
                os.environ.get("PATH", ""),
            ]
        )
        self.env = {
            **os.environ,
            **fake.environment(PULUMI_SNAPSHOTS_POLL_SECONDS="0.01"),
            "PATH": path,
            "PULUMI_BACKEND_URL": (self.root / "backend").as_uri(),
            "PULUMI_HOME": str(self.root / "home"),
            "PULUMI_CONFIG_PASSPHRASE": "pulumi-snapshots-tests",
            "PULUMI_SKIP_UPDATE_CHECK": "true",
        }
        self.cli = cli

    def write(self, create_timeout: str = "5m", adopted: bool = False) -> None:
        text = PROGRAM.replace("CREATE_TIMEOUT", create_timeout)
        if adopted:
            text = text.replace("outputs:\n", ADOPTED + "outputs:\n")
        (self.work / "Pulumi.yaml").write_text(text)

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.cli), *args, "--non-interactive"],
            cwd=self.work,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    def ok(self, *args: str) -> str:
        done = self.run(*args)
        assert done.returncode == 0, f"pulumi {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
        return done.stdout


@pytest.fixture
def project(cli: Path, fake: FakeAwsServer) -> Iterator[YamlProject]:
    found = os.environ.get(YAML_ENV)
    if not found or not Path(found).exists():
        if os.environ.get("PULUMI_SNAPSHOTS_REQUIRE_CLI"):
            pytest.fail(f"{YAML_ENV} is not set; `python3 tasks.py test` builds it")
        pytest.skip(f"no pulumi-language-yaml: `python3 tasks.py test` builds it ({YAML_ENV})")
    fake.control.reset()
    made = YamlProject(cli, Path(found), fake)
    made.write()
    sources = seed_sources(fake.endpoint, fake.control, region=REGION)
    made.ok("stack", "init", "dev")
    made.ok("config", "set", "snapshots:region", REGION)
    for key in ("lightsailDatabaseName", "neptuneSnapshotArn"):
        made.ok("config", "set", key, sources[key])
    made.sources = sources  # type: ignore[attr-defined]
    yield made
    fake.control.reset()
    shutil.rmtree(made.root, ignore_errors=True)


def test_a_yaml_program_through_a_whole_lifecycle(
    project: YamlProject, fake: FakeAwsServer
) -> None:
    out = project.ok("up", "--yes")
    assert "+ 3 created" in out, out
    assert "snapshotting database" in out
    outputs = json.loads(project.ok("stack", "output", "--json"))
    assert outputs["neptune"] == "available"
    project.ok("preview", "--expect-no-changes")
    project.ok("refresh", "--yes", "--expect-no-changes")

    sources = project.sources  # type: ignore[attr-defined]
    lightsail = fake_client("lightsail", REGION, fake.endpoint)
    lightsail.create_relational_database_snapshot(
        relationalDatabaseName=sources["lightsailDatabaseName"],
        relationalDatabaseSnapshotName="made-by-yaml",
    )
    generated = project.root / "imported.yaml"
    project.ok(
        "import",
        "snapshots:index:LightsailDatabaseSnapshot",
        "adopted",
        "made-by-yaml",
        "--protect=false",
        "--yes",
        "--out",
        str(generated),
    )
    # The code that the import generates declares what it found.
    assert "relationalDatabaseSnapshotName: made-by-yaml" in generated.read_text()
    project.write(adopted=True)
    project.ok("preview", "--expect-no-changes")

    out = project.ok("destroy", "--yes")
    assert "- 4 deleted" in out, out
    names = [
        s["name"]
        for s in lightsail.get_relational_database_snapshots()["relationalDatabaseSnapshots"]
    ]
    assert "made-by-yaml" not in names


def test_custom_timeouts_from_yaml(project: YamlProject, fake: FakeAwsServer) -> None:
    project.write(create_timeout="1s")
    fake.control.hold("lightsail", reads=100_000)
    done = project.run("up", "--yes")
    assert done.returncode != 0
    assert "(customTimeouts.create)" in done.stdout, done.stdout
    assert "Traceback" not in done.stdout


def test_the_cli_reads_the_schema_from_the_plugin(project: YamlProject) -> None:
    out = project.ok("package", "get-schema", str(plugin_path()))
    assert json.loads(out) == package_schema()


EXPLICIT = """\
name: snapshots-yaml
runtime: yaml
config:
  lightsailDatabaseName: {type: string}
resources:
  dr:
    type: pulumi:providers:snapshots
    properties:
      region: us-west-2
      defaultTags:
        tags: {owner: dr}
  orders:
    type: snapshots:index:LightsailDatabaseSnapshot
    properties:
      relationalDatabaseName: ${lightsailDatabaseName}
    options:
      provider: ${dr}
outputs:
  region: ${orders.region}
  tagsAll: ${orders.tagsAll}
"""


def test_an_explicit_provider_gives_another_region(
    project: YamlProject, fake: FakeAwsServer
) -> None:
    # The stack's own config says us-east-1; the provider instance says us-west-2.
    west = seed_sources(fake.endpoint, fake.control, region="us-west-2")
    (project.work / "Pulumi.yaml").write_text(EXPLICIT)
    project.ok("config", "set", "lightsailDatabaseName", west["lightsailDatabaseName"])
    project.ok("up", "--yes")
    outputs = json.loads(project.ok("stack", "output", "--json"))
    assert outputs["region"] == "us-west-2"
    assert outputs["tagsAll"]["owner"] == "dr"
    project.ok("preview", "--expect-no-changes")
    project.ok("destroy", "--yes")
