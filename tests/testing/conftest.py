"""Run tests of the fake AWS in both modes: in-process and as a server process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fakes import REGION, Fake

from pulumi_snapshots.testing import fake_aws
from pulumi_snapshots.testing.server import ServerProcess


@pytest.fixture(scope="module")
def server_process() -> Iterator[ServerProcess]:
    with ServerProcess.start() as server:
        yield server


@pytest.fixture(params=["local", "server"])
def fake(request: pytest.FixtureRequest) -> Iterator[Fake]:
    if request.param == "local":
        with fake_aws(REGION) as control:
            yield Fake("local", control)
        return
    server: ServerProcess = request.getfixturevalue("server_process")
    server.control.reset()
    yield Fake("server", server.control, server.endpoint)
    server.control.reset()
