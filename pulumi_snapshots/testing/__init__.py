"""An embedded fake AWS (moto plus the pieces this project needs) for tests and demos.

Two ways to run it:

* in-process: ``with fake_aws() as control: ...`` (or the ``fake_aws`` pytest fixture from
  ``pulumi_snapshots.testing.pytest_plugin``) intercepts boto3 calls made in this process;
* as a server: ``python -m pulumi_snapshots.testing.server --port 0`` (or
  :class:`FakeAwsServer` / :func:`start_server_process`), reached with
  ``AWS_ENDPOINT_URL=<endpoint>``.

Either way every request is checked against botocore's model, list calls page as on AWS, and
a :class:`Control` holds snapshots in their pending state, throttles, fails or rate-limits API
actions, expires credentials, moves the fake's clock, counts requests and seeds sources moto
cannot create through its API (see :mod:`pulumi_snapshots.testing.control`). Importing this
package patches nothing: patches are put in place when a fake starts and removed when it stops.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pulumi_snapshots.testing.control import Control, LocalControl, RemoteControl
from pulumi_snapshots.testing.environment import (
    FAKE_CREDENTIALS,
    fake_client,
    fake_environment,
    server_environment,
)

if TYPE_CHECKING:
    from pulumi_snapshots.testing.server import (
        FakeAwsServer,
        ServerProcess,
        start_server_process,
    )

__all__ = [
    "FAKE_CREDENTIALS",
    "Control",
    "FakeAwsServer",
    "LocalControl",
    "RemoteControl",
    "ServerProcess",
    "fake_aws",
    "fake_client",
    "fake_environment",
    "server_environment",
    "start_server_process",
]

_SERVER_NAMES = ("FakeAwsServer", "ServerProcess", "start_server_process")


def __getattr__(name: str) -> Any:
    # Loaded on first use so that `python -m pulumi_snapshots.testing.server` does not find
    # its own module already imported by this package.
    if name in _SERVER_NAMES:
        return getattr(importlib.import_module("pulumi_snapshots.testing.server"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@contextlib.contextmanager
def fake_aws(region: str = "us-east-1") -> Iterator[LocalControl]:
    """Fake AWS for boto3 calls made in this process, on fresh data.

    Wraps ``moto.mock_aws`` with ElastiCache CopySnapshot, the Lightsail service and the
    control hook; sets fake credentials and `region` for the duration. Yields the control.
    """
    from moto import mock_aws

    from pulumi_snapshots.testing import control as control_module

    control_module.install()
    control = LocalControl()
    try:
        with mock_aws(), fake_environment(region):
            control_module.forget_data()
            control.reset()
            yield control
    finally:
        control.reset()
        control_module.forget_data()
        control_module.uninstall()
