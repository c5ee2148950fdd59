"""AWS access: clients built per call site and cached outside the provider, region resolution,
retries and error wrapping."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from typing import Any

from pulumi_snapshots.engine.errors import CONNECTION_ERROR, AwsCallError

# boto3 is imported where clients are made: a Pulumi program only declares resources and never
# calls AWS itself, so it should not pay for importing boto3.

USER_AGENT = "pulumi-snapshots/0.1.0"
MAX_ATTEMPTS = 10

_clients: dict[tuple[Any, ...], Any] = {}
_lock = threading.Lock()


def environment_key() -> tuple[str, ...]:
    """Settings that change which endpoint or identity a cached client would use."""
    return tuple(
        f"{k}={v}"
        for k, v in sorted(os.environ.items())
        if k.startswith("AWS_ENDPOINT_URL") or k in ("AWS_ACCESS_KEY_ID", "AWS_PROFILE")
    )


def client(service: str, region: str) -> Any:
    """A botocore client for `service` in `region`, shared across threads.

    Clients live in a module-level cache, never on the provider: the provider is pickled
    into state and must carry no client, session or credential.
    """
    key = (service, region, environment_key())
    cached = _clients.get(key)
    if cached is not None:
        return cached
    import boto3
    import botocore.config

    with _lock:
        cached = _clients.get(key)
        if cached is None:
            # A fresh session per client: boto3's default session is not thread-safe.
            # Throttling and transient errors are retried by botocore itself: "standard" mode
            # retries RequestLimitExceeded/Throttling/ThrottlingException and 5xx with backoff.
            config = botocore.config.Config(
                retries={"mode": "standard", "max_attempts": MAX_ATTEMPTS},
                user_agent_extra=USER_AGENT,
            )
            cached = boto3.session.Session().client(
                service,  # type: ignore[call-overload]
                region_name=region,
                config=config,
            )
            _clients[key] = cached
    return cached


def clear_clients() -> None:
    """Forget cached clients (for tests that swap the fake AWS underneath)."""
    with _lock:
        _clients.clear()


def forget_client(service: str, region: str, stale: Any) -> None:
    """Drop the cached client of `service` in `region` if it is still `stale`, so that the next
    one is made from a new session, with credentials read afresh from the default chain."""
    key = (service, region, environment_key())
    with _lock:
        if _clients.get(key) is stale:
            del _clients[key]


def default_region() -> str | None:
    """The AWS default chain's region: AWS_REGION, AWS_DEFAULT_REGION, then the profile."""
    import boto3

    return os.environ.get("AWS_REGION") or boto3.session.Session().region_name


def call_service(service: str, region: str, operation: str, subject: str, **params: Any) -> Any:
    """Call `operation` with the cached client of `service` in `region`.

    Credentials that expired (ExpiredToken and each service's equivalent) drop the cached
    client and the call is tried once more with fresh credentials from the default chain: a
    session's own refreshable credentials (assumed roles, SSO, container and instance roles)
    renew themselves, but credentials read once from the environment or a file do not.
    """
    api = client(service, region)
    try:
        return call(api, operation, subject, **params)
    except AwsCallError as exc:
        if not exc.expired:
            raise
    forget_client(service, region, api)
    return call(client(service, region), operation, subject, **params)


def call(api: Any, operation: str, subject: str, **params: Any) -> Any:
    """Call `api.<operation>(**params)`, turning AWS errors into errors that name the operation,
    the snapshot, the error code and the message."""
    import botocore.exceptions

    method: Callable[..., Mapping[str, Any]] = getattr(api, operation)
    # The error names the operation, the code and AWS's message: botocore's own traceback
    # chained under it would only repeat them.
    try:
        return method(**params)
    except botocore.exceptions.ClientError as exc:
        err = exc.response.get("Error", {})
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        raise AwsCallError(
            operation,
            subject,
            str(err.get("Code", "Unknown")),
            str(err.get("Message") or "no message"),
            status if isinstance(status, int) else None,
        ) from None
    except (botocore.exceptions.ConnectionError, botocore.exceptions.HTTPClientError) as exc:
        # Every connection failure counts as one, whatever botocore's subclass.
        raise AwsCallError(operation, subject, CONNECTION_ERROR, str(exc)) from None
    except botocore.exceptions.BotoCoreError as exc:
        raise AwsCallError(operation, subject, type(exc).__name__, str(exc)) from None
