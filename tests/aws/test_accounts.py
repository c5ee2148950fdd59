"""The account check before an identity's first change: one STS GetCallerIdentity per identity,
allowed and forbidden lists from the stack or the resource, clear errors."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from pulumi_snapshots.aws import accounts, sessions
from pulumi_snapshots.aws.accounts import AccountNotAllowed, check_account
from pulumi_snapshots.aws.config import AwsSettings, parse_config
from pulumi_snapshots.aws.identity import Identity, resolve_identity
from pulumi_snapshots.errors import SnapshotError
from pulumi_snapshots.testing.control import LocalControl

REGION = "us-east-1"
CALLER = "123456789012"
PROD_ROLE = "arn:aws:iam::111111111111:role/deploy"
DR_ROLE = "arn:aws:iam::222222222222:role/dr-copier"


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    sessions.clear()
    accounts.clear()
    yield
    sessions.clear()
    accounts.clear()


def settings(**config: Any) -> AwsSettings:
    return parse_config(
        {f"aws:{k}": v if isinstance(v, str) else json.dumps(v) for k, v in config.items()}, {}
    )


def check(config: AwsSettings, override: Any = None) -> str | None:
    identity = resolve_identity(config, override)
    return check_account(identity, REGION, clients(config, identity))


def clients(config: AwsSettings, identity: Identity) -> accounts.ClientFactory:
    return lambda service, region: sessions.client(config, identity, service, region)


def caller_checks(control: LocalControl) -> int:
    return control.request_counts().get("sts", {}).get("GetCallerIdentity", 0)


def test_an_allowed_account_passes_and_is_asked_once(fake_aws: LocalControl) -> None:
    config = settings(assumeRoles=[{"roleArn": PROD_ROLE}], allowedAccountIds=["111111111111"])
    assert check(config) == "111111111111"
    assert check(config) == "111111111111"
    assert caller_checks(fake_aws) == 1


def test_an_account_not_in_the_allowed_list_fails_naming_it_and_the_key(
    fake_aws: LocalControl,
) -> None:
    config = settings(allowedAccountIds=["111111111111"])
    with pytest.raises(AccountNotAllowed) as caught:
        check(config)
    message = str(caught.value)
    assert f"AWS account {CALLER} is not allowed" in message
    assert "aws:allowedAccountIds allows only 111111111111" in message
    assert caught.value.account == CALLER


def test_a_forbidden_account_fails(fake_aws: LocalControl) -> None:
    config = settings(assumeRoles=[{"roleArn": PROD_ROLE}], forbiddenAccountIds=["111111111111"])
    with pytest.raises(AccountNotAllowed, match="aws:forbiddenAccountIds forbids it"):
        check(config)
    assert check(settings(forbiddenAccountIds=["111111111111"])) == CALLER


def test_a_resource_identity_uses_its_own_lists_else_the_stack_lists(
    fake_aws: LocalControl,
) -> None:
    config = settings(assumeRoles=[{"roleArn": PROD_ROLE}], allowedAccountIds=["111111111111"])
    dr = {"assume_roles": [{"role_arn": DR_ROLE}], "allowed_account_ids": ["222222222222"]}
    assert check(config, dr) == "222222222222"
    with pytest.raises(AccountNotAllowed, match="aws:allowedAccountIds allows only"):
        check(config, {"assume_roles": [{"role_arn": DR_ROLE}]})
    with pytest.raises(AccountNotAllowed, match=r"identity\.allowed_account_ids allows only"):
        check(config, {**dr, "allowed_account_ids": ["333333333333"]})


def test_concurrent_first_checks_of_one_identity_make_one_call(fake_aws: LocalControl) -> None:
    config = settings(assumeRoles=[{"roleArn": PROD_ROLE}], allowedAccountIds=["111111111111"])
    identity = resolve_identity(config)
    make = clients(config, identity)
    start = threading.Barrier(8)
    found: list[str | None] = []

    def first_change() -> None:
        start.wait()
        found.append(check_account(identity, REGION, make))

    threads = [threading.Thread(target=first_change) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert found == ["111111111111"] * 8
    assert caller_checks(fake_aws) == 1


def test_each_identity_is_checked_once_on_its_own(fake_aws: LocalControl) -> None:
    config = settings(forbiddenAccountIds=["999999999999"])
    assert check(config) == CALLER
    assert check(config, {"assume_roles": [{"role_arn": DR_ROLE}]}) == "222222222222"
    assert check(config, {"assume_roles": [{"role_arn": PROD_ROLE}]}) == "111111111111"
    assert check(config) == CALLER
    assert caller_checks(fake_aws) == 3


def test_credentials_are_validated_unless_skipped(fake_aws: LocalControl) -> None:
    assert check(settings()) == CALLER
    assert caller_checks(fake_aws) == 1
    accounts.clear()
    assert check(settings(skipCredentialsValidation="true")) is None
    assert caller_checks(fake_aws) == 1
    # An account list is checked even then: it cannot be checked without the account.
    assert check(settings(skipCredentialsValidation="true", allowedAccountIds=[CALLER])) == CALLER
    assert caller_checks(fake_aws) == 2


def test_sts_failure_is_an_error_that_says_nothing_was_changed(fake_aws: LocalControl) -> None:
    fake_aws.throttle("sts", "GetCallerIdentity", 50)
    with pytest.raises(SnapshotError) as caught:
        check(settings(maxRetries="1", allowedAccountIds=[CALLER]))
    message = str(caught.value)
    assert "STS GetCallerIdentity failed: Throttling" in message
    assert "nothing was changed" in message
    assert not isinstance(caught.value, AccountNotAllowed)
