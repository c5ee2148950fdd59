"""botocore's models loaded ahead of a service's first client (`clients.prepare`): no
credential, no call, no second parse, and out of the garbage collector's way when settled."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any

import botocore.endpoint
import botocore.loaders
import pytest

from pulumi_snapshots.aws import clients, sessions
from pulumi_snapshots.testing.control import LocalControl

REGION = "us-east-1"


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    """A process that has loaded no model yet; counts each service's model read from disk by
    the loader that the provider's sessions share (the fake AWS has its own)."""
    monkeypatch.setattr(sessions, "_loader", None)
    monkeypatch.setattr(clients, "_prepared", set())
    monkeypatch.setattr(clients, "_builds", {})
    seen: Counter[str] = Counter()
    original = botocore.loaders.JSONFileLoader.load_file

    def load_file(self: Any, file_path: str) -> Any:
        parts = file_path.replace("\\", "/").split("/")
        shared = sessions._loader
        # <data>/<service>/<api version>/service-2
        if shared is not None and self is shared.file_loader and parts[-1] == "service-2":
            seen[parts[-3]] += 1
        return original(self, file_path)

    monkeypatch.setattr(botocore.loaders.JSONFileLoader, "load_file", load_file)
    yield seen
    clients.clear_clients()


def _refuse(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("loading models must read no credential and make no call")


def test_prepare_loads_the_models_of_the_service_and_of_sts_without_credentials_or_calls(
    loads: Counter[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The environment's profile does not exist: models depend on no profile.
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile")
    monkeypatch.setattr(sessions, "credentials", _refuse)
    monkeypatch.setattr(botocore.endpoint.Endpoint, "make_request", _refuse)
    sessions.load_models("neptune")
    assert loads == {"neptune": 1}

    loading = clients.prepare("lightsail")
    assert loading is not None
    loading.join()
    assert loads == {"neptune": 1, "sts": 1, "lightsail": 1}
    # Once per process.
    assert clients.prepare("lightsail") is None
    assert loads == {"neptune": 1, "sts": 1, "lightsail": 1}


def test_the_first_client_after_prepare_parses_no_model_again(
    loads: Counter[str], fake_aws: LocalControl
) -> None:
    loading = clients.prepare("lightsail")
    assert loading is not None
    loading.join()
    api = clients.client("lightsail", REGION)
    assert api.get_instance_snapshots()["instanceSnapshots"] == []
    assert loads == {"sts": 1, "lightsail": 1}


class _Observed:
    """A lock that says when a second thread asks for it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.asked = 0
        self.second = threading.Event()

    def __enter__(self) -> None:
        self.asked += 1
        if self.asked == 2:
            self.second.set()
        self.lock.acquire()

    def __exit__(self, *exc: object) -> None:
        self.lock.release()


def test_a_client_asked_for_while_its_models_load_waits_for_that_load(
    loads: Counter[str], fake_aws: LocalControl, monkeypatch: pytest.MonkeyPatch
) -> None:
    release, started = threading.Event(), threading.Event()
    real = sessions.load_models

    def held(service: str) -> None:
        if service == "lightsail":
            started.set()
            release.wait()
        real(service)

    monkeypatch.setattr(sessions, "load_models", held)
    observed = _Observed()
    monkeypatch.setitem(clients._builds, "lightsail", observed)
    loading = clients.prepare("lightsail")
    assert loading is not None
    assert started.wait(timeout=60)
    made: list[Any] = []
    asker = threading.Thread(target=lambda: made.append(clients.client("lightsail", REGION)))
    asker.start()
    # The client's build asks for the lock that the load holds: it waits for the load.
    assert observed.second.wait(timeout=60)
    assert loads["lightsail"] == 0
    release.set()
    loading.join()
    asker.join()
    assert made and loads["lightsail"] == 1


@pytest.mark.parametrize("settle", [True, False])
def test_settled_models_are_collected_then_frozen_after_they_load(
    loads: Counter[str], monkeypatch: pytest.MonkeyPatch, settle: bool
) -> None:
    steps: list[tuple[str, dict[str, int]]] = []
    monkeypatch.setattr(clients.gc, "collect", lambda *a: steps.append(("collect", dict(loads))))
    monkeypatch.setattr(clients.gc, "freeze", lambda: steps.append(("freeze", dict(loads))))
    loading = clients.prepare("neptune", settle=settle)
    assert loading is not None
    loading.join()
    both = {"sts": 1, "neptune": 1}
    assert steps == ([("collect", both), ("freeze", both)] if settle else [])
