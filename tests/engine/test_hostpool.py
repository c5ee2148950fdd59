"""Widening the provider host's thread pool, and its guards."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import grpc
import pytest

from pulumi_snapshots.engine import hostpool


@pytest.fixture(autouse=True)
def _fresh(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(hostpool, "_outcome", None)
    monkeypatch.delenv(hostpool.THREADS_ENV, raising=False)
    yield


@pytest.fixture
def server() -> Iterator[grpc.Server]:
    running = grpc.server(ThreadPoolExecutor(max_workers=4))
    yield running
    running.stop(None)


def pool_of(server: grpc.Server) -> ThreadPoolExecutor:
    pool: ThreadPoolExecutor = server._state.thread_pool  # type: ignore[attr-defined]
    return pool


def test_outside_the_host_nothing_changes(server: grpc.Server) -> None:
    assert hostpool.widen_provider_host() == "not in the provider host"
    assert pool_of(server)._max_workers == 4  # type: ignore[attr-defined]


def test_in_the_host_the_pool_is_widened_once(
    server: grpc.Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hostpool, "in_provider_host", lambda: True)
    monkeypatch.setenv(hostpool.THREADS_ENV, "24")
    assert hostpool.widen_provider_host() == "widened from 4 to 24 threads"
    assert pool_of(server)._max_workers == 24  # type: ignore[attr-defined]
    monkeypatch.setenv(hostpool.THREADS_ENV, "99")
    assert hostpool.widen_provider_host() == "widened from 4 to 24 threads"


def test_zero_turns_it_off(server: grpc.Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hostpool, "in_provider_host", lambda: True)
    monkeypatch.setenv(hostpool.THREADS_ENV, "0")
    assert "left at the host's default" in hostpool.widen_provider_host()
    assert pool_of(server)._max_workers == 4  # type: ignore[attr-defined]


def test_unexpected_host_falls_back_with_a_warning(
    server: grpc.Server, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    other = grpc.server(ThreadPoolExecutor(max_workers=4))
    try:
        monkeypatch.setattr(hostpool, "in_provider_host", lambda: True)
        outcome = hostpool.widen_provider_host()
    finally:
        other.stop(None)
    assert outcome.startswith("warning: expected one gRPC server")
    assert "pulumi-snapshots: warning" in capsys.readouterr().err
    assert pool_of(server)._max_workers == 4  # type: ignore[attr-defined]


def test_a_pool_of_another_kind_falls_back(
    server: grpc.Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hostpool, "in_provider_host", lambda: True)
    monkeypatch.delattr(ThreadPoolExecutor, "_adjust_thread_count")
    assert "not the ThreadPoolExecutor expected" in hostpool.widen_provider_host()
