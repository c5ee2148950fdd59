"""Shared fixtures: fast polling and fresh AWS clients for every test."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from pulumi_snapshots import aws
from pulumi_snapshots.engine.batch import reset_lookups
from pulumi_snapshots.engine.polling import reset_pollers
from pulumi_snapshots.engine.waiter import POLL_ENV
from pulumi_snapshots.testing import FakeAwsServer
from pulumi_snapshots.testing.control import Control
from pulumi_snapshots.testing.host import ProviderHost

FAKE_CREDENTIALS = ("AKIAFAKEKEYMUSTNOTLEAK", "fake-secret-key-that-must-not-leak-into-state")
"""Recognisable credentials the provider host runs with, to search serialised state for."""

pytest_plugins = ["pulumi_snapshots.testing.pytest_plugin"]


@pytest.fixture(autouse=True)
def _fast_polls_and_fresh_clients(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv(POLL_ENV, "0.01")
    aws.clear_clients()
    reset_pollers()
    reset_lookups()
    yield
    aws.clear_clients()
    reset_pollers()
    reset_lookups()


@pytest.fixture(scope="module")
def server() -> Iterator[FakeAwsServer]:
    """The fake AWS as a server on 127.0.0.1, for the provider host to reach; one per module."""
    with FakeAwsServer() as running:
        yield running


@pytest.fixture
def control(server: FakeAwsServer) -> Iterator[Control]:
    """The server's control, reset before and after the test."""
    server.control.reset()
    yield server.control
    server.control.reset()


@pytest.fixture(scope="module")
def host(server: FakeAwsServer) -> Iterator[ProviderHost]:
    """The real provider host in us-east-1, using `server`, with recognisable credentials."""
    key_id, secret = FAKE_CREDENTIALS
    env = server.environment(
        AWS_ACCESS_KEY_ID=key_id,
        AWS_SECRET_ACCESS_KEY=secret,
        PULUMI_SNAPSHOTS_POLL_SECONDS="0.01",
    )
    with ProviderHost(env=env, config={"aws:region": "us-east-1"}) as running:
        yield running


@pytest.fixture
def leaked_credentials() -> Callable[[str], list[str]]:
    """Which of the host's credentials appear in a text (serialised state, host output)."""
    return lambda text: [c for c in FAKE_CREDENTIALS if c in text]
