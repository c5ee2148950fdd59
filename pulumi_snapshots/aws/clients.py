"""AWS access: clients built per call site and cached outside the provider, region resolution,
retries and error wrapping."""

from __future__ import annotations

import contextlib
import functools
import gc
import threading
from collections.abc import Callable, Mapping
from typing import Any

from pulumi_snapshots.aws import accounts, config, sessions, throttle
from pulumi_snapshots.aws.config import AwsSettings
from pulumi_snapshots.aws.identity import Identity, resolve_identity
from pulumi_snapshots.aws.throttle import Patience
from pulumi_snapshots.errors import CONNECTION_ERROR, AwsCallError

# boto3 is imported where clients are made: a Pulumi program only declares resources and never
# calls AWS itself, so it should not pay for importing boto3.


@functools.cache
def user_agent() -> str:
    """`pulumi-snapshots/<installed version>`, added to botocore's User-Agent."""
    from importlib import metadata

    try:
        return f"pulumi-snapshots/{metadata.version('pulumi-snapshots')}"
    except metadata.PackageNotFoundError:
        return "pulumi-snapshots"


MAX_ATTEMPTS = 10
"""botocore retries after the first attempt, unless `aws:maxRetries`, `AWS_MAX_ATTEMPTS` or the
profile's `max_attempts` says. pulumi-aws makes up to 25 attempts; here a throttled create or
delete keeps trying in its line anyway (`Patience`, `throttle`), so 11 attempts bound only the
reads, whose next poll round tries again."""

_clients: dict[tuple[str, str, Identity], Any] = {}
_lock = threading.Lock()
_builds: dict[str, threading.Lock] = {}
"""One lock per service, held while its models load or a client of it is made: a create that
comes while `prepare` loads them waits for that load instead of parsing them a second time."""
_prepared: set[str] = set()


def identify(
    settings: AwsSettings | None = None, identity: Identity | None = None
) -> tuple[AwsSettings, Identity]:
    """The settings and identity to act with: those given, else no stack configuration and
    the identity of the AWS default chain."""
    found = settings if settings is not None else config.recall(None)
    return found, identity if identity is not None else resolve_identity(found)


def client(
    service: str,
    region: str,
    settings: AwsSettings | None = None,
    identity: Identity | None = None,
) -> Any:
    """A botocore client of `service` in `region` for `identity`, shared across threads.

    Clients live in a module-level cache keyed by service, region and identity (which covers
    endpoints and every setting that shapes a client), never on the provider: the provider is
    pickled into state and must carry no client, session or credential. Two accounts never
    share a client.
    """
    settings, identity = identify(settings, identity)
    key = (service, region, identity)
    cached = _clients.get(key)
    if cached is not None:
        return cached
    with _building(service), _lock:
        cached = _clients.get(key)
        if cached is None:
            # Throttling and transient errors are retried by botocore itself: in standard mode
            # (`sessions.DEFAULT_RETRY_MODE`) unless the stack or the environment says otherwise.
            cached = sessions.client(
                settings,
                identity,
                service,
                region,
                user_agent_extra=user_agent(),
                default_retries=MAX_ATTEMPTS,
            )
            _clients[key] = cached
    return cached


def _building(service: str) -> threading.Lock:
    with _lock:
        return _builds.setdefault(service, threading.Lock())


def prepare(service: str, *, settle: bool = False) -> threading.Thread | None:
    """Start loading botocore's models of `service` and of STS (which checks each identity's
    account first) in the background, once per process.

    A resource's check calls it: the create that follows, often much later, after the
    resource's sources were made, then finds them parsed. A create that comes sooner waits for
    the load under way, which it would have made itself. Only data is loaded (no credential,
    no call: `sessions.load_models`); a failure is left for the real client to report.

    With `settle` (in a process of this provider's own), the loaded models are then moved out
    of the garbage collector's reach (`gc.freeze`): they live as long as the process, and a
    full collection would otherwise walk their hundred thousand objects while holding the
    interpreter, stalling every create in flight for tens of milliseconds.

    Returns the loading thread, or None when every model was asked for before.
    """
    with _lock:
        # STS first: a create's first call is its identity's GetCallerIdentity.
        todo = [name for name in ("sts", service) if name not in _prepared]
        _prepared.update(todo)
    if not todo:
        return None
    loading = threading.Thread(
        target=_load_models, args=(todo, settle), name="pulumi-snapshots-models", daemon=True
    )
    loading.start()
    return loading


def _load_models(services: list[str], settle: bool) -> None:
    for service in services:
        with _building(service), contextlib.suppress(Exception):
            sessions.load_models(service)
    if settle:
        # Collected first, so that no garbage of the moment is kept for good.
        gc.collect()
        gc.freeze()


def clear_clients() -> None:
    """Forget cached clients, credentials and accounts (for tests that swap the fake AWS
    underneath)."""
    with _lock:
        _clients.clear()
    sessions.clear()
    accounts.clear()
    throttle.clear_gates()


def forget_client(service: str, region: str, identity: Identity, stale: Any) -> None:
    """Drop the cached client of `service` in `region` if it is still `stale`, with its
    identity's credentials, so that the next client reads credentials afresh."""
    key = (service, region, identity)
    with _lock:
        if _clients.get(key) is stale:
            del _clients[key]
    sessions.forget(identity)


def default_region(settings: AwsSettings | None = None, override: Any = None) -> str | None:
    """A resource's region when it sets none: `aws:region`, AWS_REGION, AWS_DEFAULT_REGION, then
    the profile's."""
    return sessions.default_region(identify(settings)[0], override)


def check_account(settings: AwsSettings, identity: Identity, region: str) -> None:
    """Before an identity's first call: its account must be one the configuration allows
    (one STS GetCallerIdentity per identity, cached)."""
    accounts.check_account(
        identity, region, lambda service, where: client(service, where, settings, identity)
    )


def call_service(
    service: str,
    region: str,
    operation: str,
    subject: str,
    settings: AwsSettings | None = None,
    identity: Identity | None = None,
    patience: Patience | None = None,
    **params: Any,
) -> Any:
    """Call `operation` with the cached client of `service` in `region` for `identity`.

    Credentials that expired (ExpiredToken and each service's equivalent) drop the cached
    client and the identity's credentials, and the call is tried once more with fresh
    credentials: a session's own refreshable credentials (assumed roles, SSO, container and
    instance roles) renew themselves, but credentials read once from the environment or a
    file do not. With `patience`, a call that AWS throttles waits its turn in the line of its
    operation, region and identity (`throttle`) until its deadline.
    """
    settings, identity = identify(settings, identity)
    # Every call depends on the account: a read in the wrong account would find nothing, and a
    # refresh would drop what it did not find. One STS call per identity, then cached.
    check_account(settings, identity, region)
    refreshed = False

    def attempt() -> Any:
        nonlocal refreshed
        while True:
            api = client(service, region, settings, identity)
            try:
                return call(api, operation, subject, **params)
            except AwsCallError as exc:
                if not exc.expired or refreshed:
                    raise
                forget_client(service, region, identity, api)
                refreshed = True

    if patience is None:
        return attempt()
    return throttle.gate((service, operation, region, identity)).run(attempt, patience)


_calls = threading.local()


def calls_made() -> int:
    """How many AWS calls this thread has made (each try counts): a poll round reads it before
    and after, to report how many calls it cost."""
    return int(getattr(_calls, "count", 0))


def call(api: Any, operation: str, subject: str, **params: Any) -> Any:
    """Call `api.<operation>(**params)`, turning AWS errors into errors that name the operation,
    the snapshot, the error code and the message."""
    import botocore.exceptions

    method: Callable[..., Mapping[str, Any]] = getattr(api, operation)
    _calls.count = calls_made() + 1
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
