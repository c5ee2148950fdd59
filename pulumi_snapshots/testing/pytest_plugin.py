"""pytest fixtures for the fake AWS.

Enable with ``pytest_plugins = ["pulumi_snapshots.testing.pytest_plugin"]`` in a conftest.

* ``fake_aws``: in-process fake on fresh data for one test; yields a :class:`LocalControl`.
* ``fake_aws_server``: one fake server process for the whole session; yields a
  :class:`RemoteControl` (its ``endpoint_url`` is the server's endpoint).
* ``fake_aws_endpoint``: for one test, points the AWS default chain (``AWS_ENDPOINT_URL``,
  fake credentials, region ``us-east-1``) at the session's server, with the control reset.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pulumi_snapshots.testing import fake_aws as _fake_aws
from pulumi_snapshots.testing import fake_environment
from pulumi_snapshots.testing.control import LocalControl, RemoteControl
from pulumi_snapshots.testing.server import ServerProcess

__all__ = ["fake_aws", "fake_aws_endpoint", "fake_aws_server"]

REGION = "us-east-1"


@pytest.fixture(name="fake_aws")
def fake_aws() -> Iterator[LocalControl]:
    """The in-process fake AWS for this test (region us-east-1)."""
    with _fake_aws(REGION) as control:
        yield control


@pytest.fixture(name="fake_aws_server", scope="session")
def fake_aws_server() -> Iterator[RemoteControl]:
    """A fake AWS server in its own process, shared by the session."""
    with ServerProcess.start() as server:
        yield server.control


@pytest.fixture(name="fake_aws_endpoint")
def fake_aws_endpoint(fake_aws_server: RemoteControl) -> Iterator[RemoteControl]:
    """The session's fake server, with the AWS environment pointing at it for this test."""
    fake_aws_server.reset()
    with fake_environment(REGION, endpoint_url=fake_aws_server.endpoint_url):
        yield fake_aws_server
    fake_aws_server.reset()
