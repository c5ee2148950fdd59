"""Runs `up` of a one-snapshot stack in its own process, for a test to kill it mid-wait.

Usage: `python driver_up.py CLI ROOT`; the stack's config and the fake's environment are set
by the test (`CliStack.start_up`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pulumi

from pulumi_snapshots import LightsailDatabaseSnapshot
from pulumi_snapshots.testing.cli import CliStack


def program() -> None:
    LightsailDatabaseSnapshot(
        "orders", relational_database_name=pulumi.Config().require("lightsailDatabaseName")
    )


if __name__ == "__main__":
    cli, root = sys.argv[1:3]
    stack = CliStack(cli=Path(cli), program=program, env=dict(os.environ), root=Path(root))
    print("starting up", flush=True)
    stack.stack.up(on_output=lambda line: print(line, flush=True))
