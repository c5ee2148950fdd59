"""`python3 tasks.py quickstart` through the real Pulumi CLI, as it runs when there is one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pulumi_snapshots.testing.cli import CLI_ENV

ROOT = Path(__file__).resolve().parents[2]


def test_the_quickstart_runs_through_the_cli(cli: Path) -> None:
    env = {**os.environ, CLI_ENV: str(cli), "PULUMI_SNAPSHOTS_POLL_SECONDS": "0.05"}
    done = subprocess.run(
        [sys.executable, "-m", "pulumi_snapshots.testing.quickstart"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    assert out.splitlines()[0] == f"engine: the Pulumi CLI at {cli} (an automation-API inline run)"
    # The CLI's own plan, the stack included, before anything is made.
    assert out.index("+ 6 to create") < out.index("Updating (dev)")
    assert " is still " in out, "the provider's progress did not show"
    assert "Resources: + 5 created" in out
    assert 'neptune_copy_status: "available"' in out
    assert "boto3 finds none of them left" in out and "quickstart passed" in out
