"""Shared fixtures: fast polling and fresh AWS clients for every test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pulumi_snapshots.engine import aws
from pulumi_snapshots.engine.polling import reset_pollers
from pulumi_snapshots.engine.waiter import POLL_ENV

pytest_plugins = ["pulumi_snapshots.testing.pytest_plugin"]


@pytest.fixture(autouse=True)
def _fast_polls_and_fresh_clients(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv(POLL_ENV, "0.01")
    aws.clear_clients()
    reset_pollers()
    yield
    aws.clear_clients()
    reset_pollers()
