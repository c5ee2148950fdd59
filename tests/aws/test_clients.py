"""Calls that AWS throttles past botocore's retries, and credentials that expire."""

from __future__ import annotations

from typing import Any

import botocore.exceptions
import pytest

from pulumi_snapshots.aws import clients as aws
from pulumi_snapshots.aws.throttle import Pace
from pulumi_snapshots.errors import AwsCallError


class Api:
    """A client whose `copy` fails with `errors`, one per call, then succeeds."""

    def __init__(self, errors: list[tuple[str, int]]) -> None:
        self.errors = list(errors)
        self.calls = 0

    def copy(self, **params: Any) -> dict[str, Any]:
        self.calls += 1
        if self.errors:
            code, status = self.errors.pop(0)
            raise botocore.exceptions.ClientError(
                {
                    "Error": {"Code": code, "Message": "no"},
                    "ResponseMetadata": {"HTTPStatusCode": status},
                },
                "Copy",
            )
        return {"done": True}


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Api:
    made = Api([])
    monkeypatch.setattr(aws, "client", lambda *args: made)
    monkeypatch.setattr(aws, "forget_client", lambda *args: None)
    # The account check's own STS call is covered in test_accounts.
    monkeypatch.setattr(aws, "check_account", lambda *args: None)
    return made


def test_throttled_calls_keep_trying_with_patience(api: Api) -> None:
    api.errors = [("RequestLimitExceeded", 503)] * 6
    clock = Clock()
    patience = aws.Patience(deadline=600, clock=clock, sleep=clock.sleep)
    assert aws.call_service("ec2", "us-east-1", "copy", "Thing x", patience=patience) == {
        "done": True
    }
    assert api.calls == 7
    # Each try waits its turn in the operation's line (`throttle`), whose spacing each
    # throttled try widens.
    pace = Pace()
    assert clock.slept == pytest.approx([pace.first * pace.throttled**n for n in range(6)])


def test_without_patience_or_past_the_deadline_throttling_is_raised(api: Api) -> None:
    api.errors = [("Throttling", 400)] * 3
    with pytest.raises(AwsCallError, match="Throttling"):
        aws.call_service("neptune", "us-east-1", "copy", "Thing x")
    assert api.calls == 1
    clock = Clock()
    clock.now = 700
    late = aws.Patience(deadline=600, clock=clock, sleep=clock.sleep)
    with pytest.raises(AwsCallError, match="Throttling"):
        aws.call_service("neptune", "us-east-1", "copy", "Thing x", patience=late)
    assert api.calls == 2 and clock.slept == []


def test_patience_never_retries_what_is_not_throttling(api: Api) -> None:
    api.errors = [("InternalFailure", 500), ("AccessDenied", 403)]
    clock = Clock()
    patience = aws.Patience(deadline=600, clock=clock, sleep=clock.sleep)
    for code in ("InternalFailure", "AccessDenied"):
        with pytest.raises(AwsCallError, match=code):
            aws.call_service("ec2", "us-east-1", "copy", "Thing x", patience=patience)
    assert clock.slept == []


def test_expired_credentials_are_refreshed_once(api: Api) -> None:
    api.errors = [("ExpiredToken", 403)]
    assert aws.call_service("neptune", "us-east-1", "copy", "Thing x") == {"done": True}
    api.errors = [("ExpiredTokenException", 400), ("ExpiredTokenException", 400)]
    with pytest.raises(AwsCallError, match="ExpiredTokenException"):
        aws.call_service("lightsail", "us-east-1", "copy", "Thing x")
    assert api.calls == 4


def test_the_user_agent_names_the_installed_release() -> None:
    import tomllib
    from pathlib import Path

    project = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text())
    assert aws.user_agent() == f"pulumi-snapshots/{project['project']['version']}"
