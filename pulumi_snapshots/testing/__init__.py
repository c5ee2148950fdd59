"""An embedded fake AWS (moto plus the pieces this project needs) for tests and demos.

Two ways to run it:

* in-process: ``with fake_aws() as control: ...`` (or the ``fake_aws`` pytest fixture from
  ``pulumi_snapshots.testing.pytest_plugin``) intercepts boto3 calls made in this process;
* as a server: ``python -m pulumi_snapshots.testing.server --port 0`` (or
  :class:`FakeAwsServer` / :func:`start_server_process`), reached with
  ``AWS_ENDPOINT_URL=<endpoint>``.

Either way a :class:`Control` holds snapshots in their pending state, throttles API actions,
counts requests and seeds sources moto cannot create through its API. Importing this package
patches nothing: patches are put in place when a fake starts and removed when it stops.
"""

from __future__ import annotations

import contextlib
import importlib
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pulumi_snapshots.testing.control import Control, LocalControl, RemoteControl

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

#: Credentials the fake accepts; set for clients while a fake is active.
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_SECURITY_TOKEN": "testing",
}


_SERVER_NAMES = ("FakeAwsServer", "ServerProcess", "start_server_process")


def fake_client(service: str, region: str, endpoint_url: str) -> Any:
    """A boto3 client of `service` in `region` for the fake AWS server at `endpoint_url`."""
    import boto3

    return boto3.client(
        service,  # type: ignore[call-overload]
        region_name=region,
        endpoint_url=endpoint_url,
        aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )


def server_environment(endpoint_url: str, **extra: str) -> dict[str, str]:
    """Environment for another process, such as the provider host, to use the fake AWS server
    at `endpoint_url` with fake credentials; `extra` adds or overrides variables."""
    return {
        "AWS_ENDPOINT_URL": endpoint_url,
        "AWS_ACCESS_KEY_ID": FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        "AWS_SECRET_ACCESS_KEY": FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        **extra,
    }


def __getattr__(name: str) -> Any:
    # Loaded on first use so that `python -m pulumi_snapshots.testing.server` does not find
    # its own module already imported by this package.
    if name in _SERVER_NAMES:
        return getattr(importlib.import_module("pulumi_snapshots.testing.server"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@contextlib.contextmanager
def fake_environment(region: str, endpoint_url: str | None = None) -> Iterator[None]:
    """Point the AWS default chain at the fake: fake credentials and `region`, no profile or
    config files, and `endpoint_url` (or no endpoint override at all). Restores every variable
    it touched on exit."""
    changes: dict[str, str | None] = {
        **FAKE_CREDENTIALS,
        "AWS_DEFAULT_REGION": region,
        "AWS_REGION": region,
        "AWS_PROFILE": None,
        "AWS_DEFAULT_PROFILE": None,
        # A developer's own config could name endpoints, profiles or credential processes.
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    for name in os.environ:
        if name.startswith("AWS_ENDPOINT_URL"):
            changes[name] = None
    changes["AWS_ENDPOINT_URL"] = endpoint_url
    saved = {name: os.environ.get(name) for name in changes}
    try:
        for name, value in changes.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


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
