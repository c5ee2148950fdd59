"""boto3 sessions and clients for an identity, with credentials that refresh.

Where credentials come from, first match wins (the order of pulumi-aws):

1. `aws:accessKey` + `aws:secretKey` (+ `aws:token`) of the stack config;
2. `aws:assumeRoleWithWebIdentity` of the stack config;
3. `aws:profile` (it wins over `AWS_ACCESS_KEY_ID`), read from `aws:sharedConfigFiles` /
   `aws:sharedCredentialsFiles` or the default files; assume-role, SSO and process profiles
   refresh through botocore;
4. the environment and the AWS default chain, read as the AWS SDK for Go v2 reads them
   (`GO_ENV_KEYS`, `GO_PROFILE_NAMES`; empty means unset): `AWS_ACCESS_KEY_ID` or
   `AWS_ACCESS_KEY`..., `AWS_PROFILE` else `AWS_DEFAULT_PROFILE`, `AWS_ROLE_ARN` +
   `AWS_WEB_IDENTITY_TOKEN_FILE`, the default profile, container and instance roles;

a resource's `identity.profile` takes the place of steps 1 to 3. Then the roles of
`aws:assumeRoles` (or of a resource's `identity.assume_roles`) are assumed in order, each with
the previous credentials, through STS in `aws:stsRegion` (else `aws:region`, else the call's
region) at `aws:endpoints`' `sts` (else `AWS_ENDPOINT_URL_STS` / `AWS_ENDPOINT_URL`). The
region of a resource is its `region` input, else `aws:region`, `AWS_REGION`,
`AWS_DEFAULT_REGION`, the profile's region. Every other explicit setting (endpoints, CA
bundle, proxies, retries) likewise wins over its environment variable.

Credentials are made once per identity and STS region and shared by every client of that
identity: an assumed role is assumed again only when its credentials near their expiry.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from pulumi_snapshots.aws import throttle, timestamps
from pulumi_snapshots.aws.config import AssumeRole, AwsSettings, ConfigError, WebIdentity
from pulumi_snapshots.aws.identity import Identity, IdentityInput, identity_input
from pulumi_snapshots.errors import THROTTLING_CODES, SnapshotError

# boto3 and botocore are imported where sessions are made: a Pulumi program only declares
# resources and never calls AWS itself.

DEFAULT_SESSION_NAME = "pulumi-snapshots"
"""STS needs a session name; it shows in CloudTrail and in the assumed-role ARN."""

Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


_credentials: dict[tuple[Identity, str], Any] = {}
_credentials_lock = threading.Lock()
_loader: Any = None
_loader_lock = threading.Lock()


def clear() -> None:
    """Forget every cached credential (for tests that swap the fake AWS underneath)."""
    with _credentials_lock:
        _credentials.clear()


def forget(identity: Identity) -> None:
    """Forget the credentials of `identity`, so that the next client reads them afresh."""
    with _credentials_lock:
        for key in [k for k in _credentials if k[0] == identity]:
            del _credentials[key]


def session(
    settings: AwsSettings, identity: Identity, region: str, *, clock: Clock | None = None
) -> Any:
    """A new boto3 Session of `identity` in `region`, with its shared credentials.

    A session per caller: boto3 sessions are not thread-safe, the credentials are.
    """
    import boto3

    # boto3 adds its own data path to the session's loader, so this one gets a loader of its own.
    with _loading(identity):
        base = _identity_session(settings, identity, region, clock, shared_models=False)
        return boto3.session.Session(botocore_session=base, region_name=region)


def client(
    settings: AwsSettings,
    identity: Identity,
    service: str,
    region: str,
    *,
    user_agent_extra: str = "",
    default_retries: int | None = None,
    clock: Clock | None = None,
) -> Any:
    """A new botocore client of `service` in `region` for `identity`, configured by the stack:
    endpoint (`aws:endpoints`), CA bundle, proxies, retries, endpoint variants, User-Agent.

    `default_retries` (retries after the first attempt) applies when neither `aws:maxRetries`
    nor `AWS_MAX_ATTEMPTS` / the profile's `max_attempts` says how many attempts to make.
    """
    with _loading(identity):
        return _client(
            _identity_session(settings, identity, region, clock),
            settings,
            service,
            region,
            user_agent_extra=user_agent_extra,
            default_retries=default_retries,
        )


def default_region(
    settings: AwsSettings,
    override: IdentityInput | Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> str | None:
    """The region of a resource that sets none: `aws:region`, `AWS_REGION`,
    `AWS_DEFAULT_REGION`, then the region of the profile (the resource's, else the stack's)."""
    import botocore.exceptions

    if settings.region:
        return settings.region
    env = os.environ if environ is None else environ
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        if env.get(name):
            return env[name]
    own = identity_input(override)
    profile = own.profile if own is not None and own.profile else settings.profile
    base = _new_session(profile)
    _set_files(base, settings)
    try:
        region = base.get_config_variable("region")
    except botocore.exceptions.ProfileNotFound:
        return None
    return str(region) if region else None


def credentials(
    settings: AwsSettings, identity: Identity, region: str, *, clock: Clock | None = None
) -> Any:
    """The botocore credentials of `identity` (shared, refreshing), or None if the default
    chain finds none. STS calls go to `aws:stsRegion`, else `region`."""
    sts_region = identity.sts_region or region
    key = (identity, sts_region)
    with _loading(identity), _credentials_lock:
        found = _credentials.get(key)
        if found is None:
            found = _make_credentials(settings, identity, sts_region, clock or _utc_now)
            if found is not None:
                _credentials[key] = found
        return found


@contextlib.contextmanager
def _loading(identity: Identity) -> Iterator[None]:
    """Turn botocore's failures to load a configuration into errors that name the identity."""
    import botocore.exceptions

    try:
        yield
    except botocore.exceptions.BotoCoreError as exc:
        # Such as a profile that no file defines, or an expired SSO session.
        raise SnapshotError(
            f"the AWS configuration of {identity.describe()} cannot be loaded: {exc}"
        ) from None


def _identity_session(
    settings: AwsSettings,
    identity: Identity,
    region: str,
    clock: Clock | None,
    *,
    shared_models: bool = True,
) -> Any:
    base = _botocore_session(settings, identity, shared_models=shared_models)
    creds = credentials(settings, identity, region, clock=clock)
    if creds is not None:
        _use_credentials(base, creds)
    return base


# -- credentials -----------------------------------------------------------------------------


def _make_credentials(
    settings: AwsSettings, identity: Identity, sts_region: str, clock: Clock
) -> Any:
    import botocore.credentials

    if identity.settings != settings.handle:
        raise ConfigError("an identity is used with settings other than those it came from")
    current: Any
    if identity.base == "static keys":
        keys = settings.static_keys
        assert keys is not None
        current = botocore.credentials.Credentials(
            keys.access_key.reveal(),
            keys.secret_key.reveal(),
            keys.token.reveal() if keys.token else None,
            method="aws:accessKey",
        )
    elif identity.base == "web identity":
        web = settings.web_identity
        assert web is not None
        current = _web_identity_credentials(settings, identity, web, sts_region, clock)
    else:
        current = _botocore_session(settings, identity, region=sts_region).get_credentials()
        if current is None:
            if not identity.roles:
                return None
            raise SnapshotError(
                f"no AWS credentials found for {identity.describe()} to assume its roles with"
            )
    for role in identity.roles:
        current = _role_credentials(settings, identity, role, current, sts_region, clock)
    return current


def _role_credentials(
    settings: AwsSettings,
    identity: Identity,
    role: AssumeRole,
    source: Any,
    sts_region: str,
    clock: Clock,
) -> Any:
    """Credentials of `role`, assumed with `source`'s, refreshed before they expire."""

    def fetch() -> dict[str, Any]:
        frozen = source.get_frozen_credentials()
        sts = _sts_client(settings, identity, sts_region, frozen)
        try:
            response = sts.assume_role(**role.request(DEFAULT_SESSION_NAME))
        except Exception as exc:
            raise _sts_error("AssumeRole", role.role_arn, exc) from None
        return _metadata(response["Credentials"])

    return _refreshing(fetch, "assume-role", role.duration_seconds, clock)


def _web_identity_credentials(
    settings: AwsSettings, identity: Identity, web: WebIdentity, sts_region: str, clock: Clock
) -> Any:
    def fetch() -> dict[str, Any]:
        if web.token_file:
            # The token file is rotated by whoever issues it: read it at every refresh.
            with open(web.token_file, encoding="utf-8") as handle:
                token = handle.read().strip()
        else:
            assert web.token is not None
            token = web.token.reveal()
        sts = _sts_client(settings, identity, sts_region, None)
        try:
            response = sts.assume_role_with_web_identity(**web.request(token, DEFAULT_SESSION_NAME))
        except Exception as exc:
            raise _sts_error("AssumeRoleWithWebIdentity", web.role_arn, exc) from None
        return _metadata(response["Credentials"])

    return _refreshing(fetch, "assume-role-with-web-identity", web.duration_seconds, clock)


def _refreshing(
    fetch: Callable[[], dict[str, Any]], method: str, seconds: int | None, clock: Clock
) -> Any:
    """Credentials fetched on first use and again before they expire.

    botocore refreshes 15 minutes before expiry (10 minutes blocking); a session of 15 minutes
    would then refresh at every call. The windows are scaled to the session's length.
    """
    import botocore.credentials

    class Refreshing(botocore.credentials.DeferredRefreshableCredentials):
        def _set_windows(self, lifetime: float) -> None:
            self._advisory_refresh_timeout = int(min(15 * 60, lifetime / 4))
            self._mandatory_refresh_timeout = int(min(10 * 60, lifetime / 8))

    creds = Refreshing(method=method, refresh_using=lambda: refresh(), time_fetcher=clock)
    creds._set_windows(seconds or 3600)

    def refresh() -> dict[str, Any]:
        metadata = fetch()
        expiry = datetime.fromisoformat(metadata["expiry_time"])
        creds._set_windows((expiry - clock()).total_seconds())
        return metadata

    return creds


def _metadata(response: Mapping[str, Any]) -> dict[str, Any]:
    expiration = response["Expiration"]
    if isinstance(expiration, datetime):
        expiry = expiration if expiration.tzinfo else expiration.replace(tzinfo=UTC)
        text = expiry.isoformat()
    else:
        text = str(expiration)
    return {
        "access_key": response["AccessKeyId"],
        "secret_key": response["SecretAccessKey"],
        "token": response["SessionToken"],
        "expiry_time": text,
    }


def _sts_error(operation: str, role_arn: str, exc: Exception) -> SnapshotError:
    import botocore.exceptions

    if isinstance(exc, botocore.exceptions.ClientError):
        err = exc.response.get("Error", {})
        detail = f"{err.get('Code', 'Unknown')}: {err.get('Message') or 'no message'}"
    else:
        detail = f"{type(exc).__name__}: {exc}"
    return SnapshotError(f"STS {operation} of {role_arn} failed: {detail}")


def _sts_client(settings: AwsSettings, identity: Identity, region: str, frozen: Any | None) -> Any:
    base = _new_session()
    _set_files(base, settings)
    _set_options(base, settings)
    extra: dict[str, Any] = {}
    if frozen is None:
        import botocore

        # AssumeRoleWithWebIdentity is not signed: the token is the proof.
        extra["signature_version"] = botocore.UNSIGNED
    else:
        extra["credentials"] = frozen
    return _client(base, settings, "sts", region, **extra)


def _use_credentials(base: Any, creds: Any) -> None:
    """Make `base` resolve to `creds` and nothing else."""
    import botocore.credentials

    class Fixed(botocore.credentials.CredentialProvider):
        METHOD = "pulumi-snapshots"

        def load(self) -> Any:
            return creds

    base.register_component(
        "credential_provider", botocore.credentials.CredentialResolver(providers=[Fixed()])
    )


# -- sessions and clients --------------------------------------------------------------------


GO_ENV_KEYS = {
    "AWS_ACCESS_KEY_ID": ("AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY"),
    "AWS_SECRET_ACCESS_KEY": ("AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY"),
    "AWS_SESSION_TOKEN": ("AWS_SESSION_TOKEN",),
    "AWS_SECURITY_TOKEN": ("AWS_SECURITY_TOKEN",),
    "AWS_CREDENTIAL_EXPIRATION": ("AWS_CREDENTIAL_EXPIRATION",),
}
"""The environment keys as the AWS SDK for Go v2 reads them (`config/env_config.go`): the first
name that is set and not empty wins, so `AWS_ACCESS_KEY` / `AWS_SECRET_KEY` count when the
longer names are unset. pulumi-aws reads them so; botocore alone would not."""

GO_PROFILE_NAMES = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE")
"""The Go SDK's order; botocore's is the reverse, which would put the two providers of one
stack in different profiles when both are set."""


def _first_set(environ: Mapping[str, str], names: tuple[str, ...]) -> str | None:
    # As the Go SDK: an empty value is no value.
    return next((environ[n] for n in names if environ.get(n)), None)


def env_profile(environ: Mapping[str, str] | None = None) -> str | None:
    """The profile that the environment names, as the Go SDK reads it."""
    return _first_set(os.environ if environ is None else environ, GO_PROFILE_NAMES)


def _go_environment(environ: Mapping[str, str]) -> dict[str, str]:
    found = {name: _first_set(environ, names) for name, names in GO_ENV_KEYS.items()}
    return {name: value for name, value in found.items() if value is not None}


def _new_session(profile: str | None = None, *, shared_models: bool = True) -> Any:
    """A botocore session that shares the service models already loaded by the others: each
    session would otherwise read and parse them again.

    Without an explicit `profile`, the environment's profile and keys are read as the Go SDK
    reads them, so that this provider and pulumi-aws act as one identity.
    """
    global _loader
    import botocore.configprovider
    import botocore.loaders
    import botocore.session

    base = botocore.session.Session(profile=profile)
    timestamps.install(base)
    if profile is None:
        # Not an explicit profile (which would take the environment's keys out of the chain):
        # only the name botocore finds.
        base.get_component("config_store").set_config_provider(
            "profile", botocore.configprovider.ConstantProvider(env_profile())
        )
    if not shared_models:
        return base
    with _loader_lock:
        if _loader is None:
            _loader = botocore.loaders.create_loader(os.environ.get("AWS_DATA_PATH"))
    base.register_component("data_loader", _loader)
    return base


PLACEHOLDER_KEY = "model-load-only"
"""The keys of the client that `load_models` makes and drops: with keys given, botocore resolves
no credential chain (which may call an instance's metadata service, SSO or STS)."""


def load_models(service: str) -> None:
    """Parse botocore's models of `service` into the shared loader, and fill the caches that a
    client's creation fills, by making a client that is never used: no file of the stack's
    configuration is needed, no credential is read and nothing is called. The first real
    client of the service is then made in milliseconds; EC2's model alone takes a tenth of a
    second to parse."""
    import botocore.configprovider

    base = _new_session()
    # The model depends on no profile, and the environment's may not exist.
    base.get_component("config_store").set_config_provider(
        "profile", botocore.configprovider.ConstantProvider(None)
    )
    base.create_client(
        service,
        region_name="us-east-1",
        aws_access_key_id=PLACEHOLDER_KEY,
        aws_secret_access_key=PLACEHOLDER_KEY,
    )


def _botocore_session(
    settings: AwsSettings,
    identity: Identity,
    *,
    shared_models: bool = True,
    region: str | None = None,
) -> Any:
    # An explicit profile takes the environment's keys out of botocore's chain, as pulumi-aws
    # lets aws:profile win over AWS_ACCESS_KEY_ID.
    base = _new_session(identity.profile, shared_models=shared_models)
    if region is not None:
        # The STS calls of an assume-role profile go where the identity's others go
        # (`aws:stsRegion`, else the provider's region), not only to a region the environment
        # or the profile happens to name.
        base.set_config_variable("region", region)
    _set_files(base, settings)
    _set_options(base, settings)
    _set_chain(base, settings, identity.profile is None)
    return base


def _set_chain(base: Any, settings: AwsSettings, from_environment: bool) -> None:
    """The credential chain of `base`, made after its files and options are set (botocore's
    providers read them when the chain is made).

    A profile's `credential_source` (`Environment`, `Ec2InstanceMetadata`) is served by the
    assume-role provider's own list of providers, which gets the same changes.
    """
    import botocore.credentials

    resolver = base.get_component("credential_provider")
    sourcer = getattr(resolver.get_provider("assume-role"), "_credential_sourcer", None)
    sourced = getattr(sourcer, "_providers", None)
    go_env = botocore.credentials.EnvProvider(environ=_go_environment(os.environ))
    for providers in (resolver.providers, sourced if isinstance(sourced, list) else []):
        if from_environment:
            providers[:] = [go_env if p.METHOD == "env" else p for p in providers]
        if settings.skip_metadata_api_check:
            providers[:] = [p for p in providers if p.METHOD != "iam-role"]


def _set_files(base: Any, settings: AwsSettings) -> None:
    if settings.shared_config_file:
        base.set_config_variable("config_file", settings.shared_config_file)
    if settings.shared_credentials_file:
        base.set_config_variable("credentials_file", settings.shared_credentials_file)


def _set_options(base: Any, settings: AwsSettings) -> None:
    """Settings that botocore's own clients (SSO, assume-role profiles) read from the session."""
    if settings.custom_ca_bundle:
        base.set_config_variable("ca_bundle", settings.custom_ca_bundle)
    if settings.ec2_metadata_service_endpoint:
        base.set_config_variable(
            "ec2_metadata_service_endpoint", settings.ec2_metadata_service_endpoint
        )
    if settings.ec2_metadata_service_endpoint_mode:
        base.set_config_variable(
            "ec2_metadata_service_endpoint_mode",
            settings.ec2_metadata_service_endpoint_mode.lower(),
        )
    if settings.retry_mode:
        base.set_config_variable("retry_mode", settings.retry_mode)
    if settings.max_retries:
        base.set_config_variable("max_attempts", settings.max_retries)
    if settings.endpoints:
        _route_endpoints(base, settings)


def _route_endpoints(base: Any, settings: AwsSettings) -> None:
    """Send the clients that botocore makes itself (STS of an assume-role profile, SSO of an SSO
    profile) to `aws:endpoints` as well: those credential calls would otherwise reach AWS."""
    original = base.create_client

    def create_client(service_name: str, *args: Any, **kwargs: Any) -> Any:
        url = settings.endpoint(service_name)
        if url and kwargs.get("endpoint_url") is None and len(args) < 5:
            kwargs["endpoint_url"] = url
        return original(service_name, *args, **kwargs)

    base.create_client = create_client


def _client(
    base: Any,
    settings: AwsSettings,
    service: str,
    region: str,
    *,
    user_agent_extra: str = "",
    default_retries: int | None = None,
    credentials: Any | None = None,
    signature_version: Any | None = None,
) -> Any:
    import botocore.config

    retries: dict[str, Any] = {"mode": settings.retry_mode or _retry_mode(base)}
    if settings.max_retries:
        retries["total_max_attempts"] = settings.max_retries
    elif default_retries is not None and not _max_attempts_configured(base):
        retries["max_attempts"] = default_retries
    options: dict[str, Any] = {
        "retries": retries,
        "user_agent_extra": " ".join(filter(None, [user_agent_extra, *settings.user_agents])),
    }
    if signature_version is not None:
        options["signature_version"] = signature_version
    if settings.use_fips_endpoint and has_fips_endpoint(base, service, region):
        options["use_fips_endpoint"] = True
    if settings.use_dualstack_endpoint:
        options["use_dualstack_endpoint"] = True
    s3: dict[str, str] = {}
    if settings.s3_use_path_style:
        s3["addressing_style"] = "path"
    if settings.s3_us_east_1_regional_endpoint:
        s3["us_east_1_regional_endpoint"] = settings.s3_us_east_1_regional_endpoint
    if s3:
        options["s3"] = s3
    proxies = proxy_settings(settings)
    if proxies is not None:
        options["proxies"] = proxies[0]
    kwargs: dict[str, Any] = {"region_name": region}
    endpoint = settings.endpoint(service)
    if endpoint:
        kwargs["endpoint_url"] = endpoint
    if settings.insecure:
        kwargs["verify"] = False
    elif settings.custom_ca_bundle:
        kwargs["verify"] = settings.custom_ca_bundle
    if credentials is not None:
        kwargs["aws_access_key_id"] = credentials.access_key
        kwargs["aws_secret_access_key"] = credentials.secret_key
        kwargs["aws_session_token"] = credentials.token
    made = base.create_client(service, config=botocore.config.Config(**options), **kwargs)
    if proxies is not None and proxies[1]:
        host = urlsplit(made.meta.endpoint_url).hostname or ""
        if bypasses_proxy(host, proxies[1]):
            options["proxies"] = {}
            made = base.create_client(service, config=botocore.config.Config(**options), **kwargs)
    leave_throttling_to_gates(made)
    if settings.token_bucket_capacity is not None:
        set_retry_quota(made, settings.token_bucket_capacity)
    return made


def leave_throttling_to_gates(made: Any) -> None:
    """Let a call made through a throttle gate (`throttle.gated`) see its throttling error at
    once: botocore's retry handler would otherwise retry it after random pauses, which leave
    the bucket's tokens unused. Every other error is retried by botocore as before, and calls
    outside a gate (reads, whose next poll round tries again) keep botocore's retries."""
    service = made.meta.service_model.service_id.hyphenize()
    event, unique_id = f"needs-retry.{service}", f"retry-config-{service}"
    # botocore registers its retry handler (standard, adaptive or legacy) under this id, and
    # offers no public way to read a handler back.
    registered = made.meta.events._emitter._unique_id_handlers.get(unique_id)
    if registered is None:
        return
    original = registered["handler"]

    def needs_retry(**kwargs: Any) -> Any:
        if throttle.gated() and _throttled(kwargs.get("response")):
            return None
        return original(**kwargs)

    made.meta.events.unregister(event, unique_id=unique_id)
    made.meta.events.register(event, needs_retry, unique_id=unique_id)


def _throttled(response: Any) -> bool:
    """Whether botocore's (http response, parsed) pair carries a throttling error."""
    if not isinstance(response, tuple) or len(response) != 2 or not isinstance(response[1], dict):
        return False
    return response[1].get("Error", {}).get("Code") in THROTTLING_CODES


def has_fips_endpoint(base: Any, service: str, region: str) -> bool:
    """Whether botocore's endpoint data gives `service` a FIPS endpoint in `region`.

    `aws:useFipsEndpoint` asks for FIPS endpoints where they exist; Lightsail has none, and a
    name made up for it would not resolve. Such a client falls back to the standard endpoint.
    """
    prefix = base.get_service_model(service).endpoint_prefix
    data = base.get_component("data_loader").load_data("endpoints")
    for partition in data.get("partitions", ()):
        if region not in partition.get("regions", {}):
            continue
        found = partition.get("services", {}).get(prefix, {})
        variants = [
            *found.get("defaults", {}).get("variants", ()),
            *found.get("endpoints", {}).get(region, {}).get("variants", ()),
        ]
        return any(list(v.get("tags", ())) == ["fips"] for v in variants)
    # A region botocore does not list: leave the choice to botocore.
    return True


def set_retry_quota(made: Any, capacity: int) -> None:
    """Give a client's retry quota (`aws:tokenBucketRateLimiterCapacity`, botocore's and the Go
    SDK's token bucket of retries, 500 by default) another capacity. botocore has no option for
    it: the quota sits on the checker that its standard and adaptive modes register."""
    from botocore.retries import quota

    service = made.meta.service_model.service_id.hyphenize()
    for handler in made.meta.events._emitter._handlers.prefix_search(f"after-call.{service}"):
        checker: Any = getattr(handler, "__self__", None)
        if isinstance(getattr(checker, "_quota", None), quota.RetryQuota):
            checker._quota = quota.RetryQuota(capacity)
            return
    # Legacy retry mode keeps no quota.


DEFAULT_RETRY_MODE = "standard"
"""pulumi-aws's default (the Go SDK's), and what the fleet figures choose. Throttled creates,
tags and deletes wait in line either way (`throttle`); in adaptive mode botocore's client-side
rate limiter, which every create of a stack shares, slows them further once throttled.
`python3 tasks.py bench fleet modes ec2 lightsail-copy 500` measures both side by side;
`aws:retryMode=adaptive` spares an account's buckets that other tools share, at a cost in
time."""


def _retry_mode(base: Any) -> str:
    """The environment's or the profile's retry mode, else standard (botocore's own default
    has changed across versions)."""
    return str(
        os.environ.get("AWS_RETRY_MODE") or _profile_value(base, "retry_mode") or DEFAULT_RETRY_MODE
    )


def _max_attempts_configured(base: Any) -> bool:
    return bool(os.environ.get("AWS_MAX_ATTEMPTS") or _profile_value(base, "max_attempts"))


def _profile_value(base: Any, name: str) -> Any:
    import botocore.exceptions

    try:
        return base.get_scoped_config().get(name)
    except botocore.exceptions.ProfileNotFound:
        # The missing profile is reported where credentials are looked up.
        return None


def proxy_settings(
    settings: AwsSettings, environ: Mapping[str, str] | None = None
) -> tuple[dict[str, str], str] | None:
    """Proxies by scheme and the no-proxy list, when the stack config sets any of them (each
    config value wins over its environment variable); None leaves proxies to botocore, which
    reads the environment itself.

    As pulumi-aws does, an HTTP proxy serves HTTPS too when no HTTPS proxy is set anywhere;
    `aws:httpsProxy: ""` means no HTTPS proxy.
    """
    if settings.http_proxy is None and settings.https_proxy is None and settings.no_proxy is None:
        return None
    env = os.environ if environ is None else environ

    def pick(value: str | None, *names: str) -> str | None:
        if value is not None:
            return value
        return next((env[n] for n in names if env.get(n) is not None), None)

    http = pick(settings.http_proxy, "HTTP_PROXY", "http_proxy")
    https = pick(settings.https_proxy, "HTTPS_PROXY", "https_proxy")
    if https is None:
        https = http
    no_proxy = pick(settings.no_proxy, "NO_PROXY", "no_proxy") or ""
    proxies = {scheme: url for scheme, url in (("http", http), ("https", https)) if url}
    return proxies, no_proxy


def bypasses_proxy(host: str, no_proxy: str) -> bool:
    """Whether `no_proxy` (comma-separated `*`, hosts, domains with or without a leading dot,
    IP addresses or CIDR blocks, ports ignored) covers `host`."""
    host = host.lower().strip("[]")
    try:
        address: ipaddress.IPv4Address | ipaddress.IPv6Address | None = ipaddress.ip_address(host)
    except ValueError:
        address = None
    for entry in (e.strip().lower() for e in no_proxy.split(",")):
        if not entry:
            continue
        if entry == "*":
            return True
        if address is not None and "/" in entry:
            try:
                if address in ipaddress.ip_network(entry, strict=False):
                    return True
            except ValueError:
                pass
            continue
        if entry.count(":") == 1:
            entry = entry.split(":", 1)[0]
        domain = entry.lstrip(".")
        if host == domain or host.endswith("." + domain):
            return True
    return False
