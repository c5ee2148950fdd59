"""The account check made before an identity's first call: one STS GetCallerIdentity per
identity, cached, against `aws:allowedAccountIds` / `aws:forbiddenAccountIds` (or the
resource's own lists).

As pulumi-aws does at configure, the call is made unless `aws:skipCredentialsValidation` is
true, so that bad credentials fail before anything is made; with an account list it is always
made, since the list cannot be checked without the account.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from pulumi_snapshots.aws.identity import Identity
from pulumi_snapshots.errors import SnapshotError


class AccountNotAllowed(SnapshotError):
    """The identity acts in an account that the configuration does not allow."""

    def __init__(self, account: str, identity: Identity, message: str) -> None:
        self.account = account
        self.identity = identity
        super().__init__(message)


ClientFactory = Callable[[str, str], Any]
"""Makes a client of (service, region) for the identity being checked."""

_accounts: dict[Identity, str] = {}
_locks: dict[Identity, threading.Lock] = {}
_guard = threading.Lock()


def clear() -> None:
    """Forget the accounts found so far (for tests that swap the fake AWS underneath)."""
    with _guard:
        _accounts.clear()
        _locks.clear()


def check_account(identity: Identity, region: str, make_client: ClientFactory) -> str | None:
    """Make sure `identity` may change things: returns its account, or None when no check is
    asked for. Raises AccountNotAllowed (naming the account and the config key) or SnapshotError
    when STS cannot tell who the caller is.

    `make_client` makes the STS client (the same cached clients as every other call); the call
    goes to `aws:stsRegion`, else `region`. Concurrent first checks of one identity make one call.
    """
    listed = identity.allowed_account_ids or identity.forbidden_account_ids
    if not listed and not identity.validate_credentials:
        return None
    account = account_of(identity, identity.sts_region or region, make_client)
    if identity.forbidden_account_ids and account in identity.forbidden_account_ids:
        raise AccountNotAllowed(
            account,
            identity,
            f"AWS account {account} is not allowed: {identity.account_rules_from} forbids it "
            f"(acting as {identity.describe()}); nothing was changed",
        )
    if identity.allowed_account_ids and account not in identity.allowed_account_ids:
        raise AccountNotAllowed(
            account,
            identity,
            f"AWS account {account} is not allowed: {identity.account_rules_from} allows only "
            f"{', '.join(identity.allowed_account_ids)} (acting as {identity.describe()}); "
            "nothing was changed",
        )
    return account


def account_of(identity: Identity, region: str, make_client: ClientFactory) -> str:
    """The account of `identity`, asked of STS once per identity and then remembered."""
    with _guard:
        found = _accounts.get(identity)
        if found is not None:
            return found
        lock = _locks.setdefault(identity, threading.Lock())
    with lock:
        with _guard:
            found = _accounts.get(identity)
        if found is not None:
            return found
        account = _caller_account(identity, make_client("sts", region))
        with _guard:
            _accounts[identity] = account
        return account


def _caller_account(identity: Identity, sts: Any) -> str:
    import botocore.exceptions

    try:
        response = sts.get_caller_identity()
    except botocore.exceptions.ClientError as exc:
        err = exc.response.get("Error", {})
        detail = f"{err.get('Code', 'Unknown')}: {err.get('Message') or 'no message'}"
    except botocore.exceptions.BotoCoreError as exc:
        detail = f"{type(exc).__name__}: {exc}"
    except SnapshotError as exc:
        # An assume-role step of the chain failed while getting credentials.
        detail = str(exc)
    else:
        return str(response["Account"])
    raise SnapshotError(
        f"checking the AWS credentials of {identity.describe()} with STS GetCallerIdentity "
        f"failed: {detail}; nothing was changed"
    ) from None
