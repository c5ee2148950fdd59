"""The stack's `aws:*` configuration, read as pulumi-aws v7 reads it, into frozen typed settings.

The provider's `configure` receives every stack config key with its namespace (`aws:region`),
every value a string: lists and objects arrive as JSON text, secrets unwrapped. `parse_config`
turns the `aws:*` keys into an `AwsSettings`; other namespaces are not its business. Each key
that pulumi-aws documents is in `KEYS`: supported, accepted and not applied (with the reason),
or refused as not yet supported. An unknown key or a malformed value raises a `ConfigError`
that names the key. Secret values (`aws:accessKey`, `aws:secretKey`, `aws:token`, a web
identity token) are held in `Secret`, which never shows its value and refuses to be pickled.

Settings are kept in a process registry (`remember` / `recall`) so that a provider, which is
pickled into state, holds only a handle and never a credential.
"""

from __future__ import annotations

import difflib
import hashlib
import hmac
import json
import os
import re
import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, NoReturn
from urllib.parse import urlsplit

from pulumi_snapshots.aws.endpointnames import PULUMI_AWS_ENDPOINTS
from pulumi_snapshots.aws.forms import FALSE_WORDS, REGION_PATTERN, TRUE_WORDS
from pulumi_snapshots.aws.stsrules import (
    account_id_problem,
    chain_problems,
    duration_problem,
    duration_seconds,
    external_id_problem,
    policy_arn_problem,
    policy_problem,
    role_arn_problem,
    session_name_problem,
    session_tag_problems,
)
from pulumi_snapshots.errors import SnapshotError

NAMESPACE = "aws:"

DEFAULT_TAGS_ENV_PREFIX = "TF_AWS_DEFAULT_TAGS_"
IGNORE_TAGS_KEYS_ENV = "TF_AWS_IGNORE_TAGS_KEYS"
IGNORE_TAGS_PREFIXES_ENV = "TF_AWS_IGNORE_TAGS_KEY_PREFIXES"

ENDPOINT_SERVICES: Mapping[str, tuple[str, ...]] = {
    "ec2": ("ec2",),
    "lightsail": ("lightsail",),
    "elasticache": ("elasticache",),
    "neptune": ("neptune",),
    # Neptune's snapshots are also read with the RDS API's client (`neptune.READ_SERVICE`),
    # which must reach the same endpoint.
    "rds": ("neptune",),
    "s3": ("s3", "s3api"),
    "sts": ("sts",),
    # Credential calls: SSO profiles get their role credentials from `sso`; IAM is named for
    # the clients of the same identity that other tools make.
    "sso": ("sso",),
    "iam": ("iam",),
}
"""botocore service name -> the `aws:endpoints` keys that set its endpoint, first wins. Neptune
speaks the RDS API, but pulumi-aws reads its endpoint from `neptune`, not `rds`."""

USED_ENDPOINT_NAMES = frozenset(name for names in ENDPOINT_SERVICES.values() for name in names)


class ConfigError(SnapshotError):
    """The stack's `aws:*` configuration is unknown, malformed or not supported."""


_SALT = secrets.token_bytes(32)
"""Fingerprints are keyed per process: they tell identities apart in memory and mean nothing
anywhere else."""


def fingerprint(*parts: str | None) -> str:
    """A short keyed digest that tells values apart without revealing them."""
    data = "\0".join("" if p is None else p for p in parts).encode()
    return hmac.new(_SALT, data, hashlib.sha256).hexdigest()[:16]


class Secret:
    """A secret string: compared and hashed by value, never shown, never pickled."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The secret itself, for the one place that passes it to botocore."""
        return self._value

    @property
    def fingerprint(self) -> str:
        """A keyed digest of the value."""
        return fingerprint(self._value)

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and hmac.compare_digest(self._value, other._value)

    def __hash__(self) -> int:
        return hash(self.fingerprint)

    def __reduce__(self) -> NoReturn:
        raise TypeError("a secret is never pickled")


@dataclass(frozen=True)
class AssumeRole:
    """One role of an assume-role chain (pulumi-aws `assumeRoles` item)."""

    role_arn: str
    session_name: str | None = None
    external_id: str | None = None
    duration_seconds: int | None = None
    policy: str | None = None
    policy_arns: tuple[str, ...] = ()
    tags: tuple[tuple[str, str], ...] = ()
    transitive_tag_keys: tuple[str, ...] = ()
    source_identity: str | None = None

    def request(self, default_session_name: str) -> dict[str, Any]:
        """The STS AssumeRole parameters."""
        params: dict[str, Any] = {
            "RoleArn": self.role_arn,
            "RoleSessionName": self.session_name or default_session_name,
        }
        if self.external_id:
            params["ExternalId"] = self.external_id
        if self.duration_seconds:
            params["DurationSeconds"] = self.duration_seconds
        if self.policy:
            params["Policy"] = self.policy
        if self.policy_arns:
            params["PolicyArns"] = [{"arn": arn} for arn in self.policy_arns]
        if self.tags:
            params["Tags"] = [{"Key": k, "Value": v} for k, v in self.tags]
        if self.transitive_tag_keys:
            params["TransitiveTagKeys"] = list(self.transitive_tag_keys)
        if self.source_identity:
            params["SourceIdentity"] = self.source_identity
        return params


@dataclass(frozen=True)
class WebIdentity:
    """`aws:assumeRoleWithWebIdentity`: a role assumed with an OIDC token."""

    role_arn: str
    session_name: str | None = None
    token: Secret | None = field(default=None, repr=False)
    token_file: str | None = None
    duration_seconds: int | None = None
    policy: str | None = None
    policy_arns: tuple[str, ...] = ()

    def request(self, token: str, default_session_name: str) -> dict[str, Any]:
        """The STS AssumeRoleWithWebIdentity parameters."""
        params: dict[str, Any] = {
            "RoleArn": self.role_arn,
            "RoleSessionName": self.session_name or default_session_name,
            "WebIdentityToken": token,
        }
        if self.duration_seconds:
            params["DurationSeconds"] = self.duration_seconds
        if self.policy:
            params["Policy"] = self.policy
        if self.policy_arns:
            params["PolicyArns"] = [{"arn": arn} for arn in self.policy_arns]
        return params


@dataclass(frozen=True)
class StaticKeys:
    """`aws:accessKey`, `aws:secretKey` and `aws:token`."""

    access_key: Secret = field(repr=False)
    secret_key: Secret = field(repr=False)
    token: Secret | None = field(default=None, repr=False)

    @property
    def fingerprint(self) -> str:
        """A keyed digest of the three values together."""
        return fingerprint(
            self.access_key.reveal(),
            self.secret_key.reveal(),
            self.token.reveal() if self.token else None,
        )


@dataclass(frozen=True)
class AwsSettings:
    """The stack's `aws:*` configuration. Empty settings mean the AWS default chain alone."""

    region: str | None = None
    profile: str | None = None
    shared_config_file: str | None = None
    shared_credentials_file: str | None = None
    static_keys: StaticKeys | None = field(default=None, repr=False)
    assume_roles: tuple[AssumeRole, ...] = ()
    web_identity: WebIdentity | None = None
    allowed_account_ids: tuple[str, ...] = ()
    forbidden_account_ids: tuple[str, ...] = ()
    default_tags: tuple[tuple[str, str], ...] = ()
    ignore_tag_keys: tuple[str, ...] = ()
    ignore_tag_key_prefixes: tuple[str, ...] = ()
    endpoints: tuple[tuple[str, str], ...] = ()
    """botocore service name -> endpoint URL, for the services this provider calls."""
    max_retries: int | None = None
    """Total attempts of a call, the first included (pulumi-aws passes it to the AWS SDK for Go
    as its RetryMaxAttempts)."""
    retry_mode: Literal["standard", "adaptive"] | None = None
    sts_region: str | None = None
    custom_ca_bundle: str | None = None
    insecure: bool = False
    http_proxy: str | None = None
    https_proxy: str | None = None
    no_proxy: str | None = None
    skip_credentials_validation: bool = False
    skip_metadata_api_check: bool | None = None
    ec2_metadata_service_endpoint: str | None = None
    ec2_metadata_service_endpoint_mode: Literal["IPv4", "IPv6"] | None = None
    use_fips_endpoint: bool = False
    use_dualstack_endpoint: bool = False
    s3_use_path_style: bool = False
    s3_us_east_1_regional_endpoint: Literal["legacy", "regional"] | None = None
    user_agents: tuple[str, ...] = ()
    skip_region_validation: bool = True
    """As in pulumi-aws, true unless set: false checks regions against botocore's partitions."""
    token_bucket_capacity: int | None = None
    """The retry quota of each client (botocore's default is 500, as the Go SDK's)."""

    def endpoint(self, service: str) -> str | None:
        """The configured endpoint URL of a botocore service, if any."""
        return dict(self.endpoints).get(service)

    @property
    def handle(self) -> str:
        """A per-process reference to these settings, safe to keep on a pickled provider."""
        return fingerprint(_canonical(self))


# -- registry ---------------------------------------------------------------------------------

_registry: dict[str, AwsSettings] = {}
_registry_lock = threading.Lock()
EMPTY = AwsSettings()


def remember(settings: AwsSettings) -> str:
    """Keep `settings` for this process; returns the handle that `recall` takes."""
    handle = settings.handle
    with _registry_lock:
        _registry[handle] = settings
    return handle


def recall(handle: str | None) -> AwsSettings:
    """The settings behind a handle; no handle means no stack configuration."""
    if handle is None:
        return EMPTY
    with _registry_lock:
        settings = _registry.get(handle)
    if settings is None:
        raise ConfigError(
            "the stack's aws:* configuration is not known in this process: configure was not "
            "called on this provider"
        )
    return settings


_readings: dict[str, ConfigReading] = {}


def remember_reading(reading: ConfigReading) -> str:
    """Keep a configure's reading for this process; returns the handle `recall_reading` takes."""
    handle = fingerprint(
        _canonical(reading.settings), *(p.message for p in reading.problems), *reading.warnings
    )
    remember(reading.settings)
    with _registry_lock:
        _readings[handle] = reading
    return handle


def recall_reading(handle: str | None) -> ConfigReading:
    """The reading behind a handle; no handle means no stack configuration."""
    if handle is None:
        return ConfigReading(EMPTY)
    with _registry_lock:
        found = _readings.get(handle)
    if found is None:
        raise ConfigError(
            "the stack's aws:* configuration is not known in this process: configure was not "
            "called on this provider"
        )
    return found


def config_values(config: Any) -> dict[str, Any]:
    """Every key and value of the `config` of a `ConfigureRequest` (or a mapping).

    `pulumi.dynamic.Config` offers only `get(key)`; unknown keys can be found only by listing
    them, which needs its raw mapping.
    """
    if isinstance(config, Mapping):
        return dict(config)
    raw = getattr(config, "_props", None)
    if not isinstance(raw, Mapping):
        raise TypeError("expected a pulumi.dynamic.Config or a mapping of config keys")
    return dict(raw)


# -- keys ------------------------------------------------------------------------------------

Status = Literal["supported", "not applicable", "not yet"]


@dataclass(frozen=True)
class KeyInfo:
    """What this provider does with one `aws:*` key."""

    status: Status
    note: str


KEYS: Mapping[str, KeyInfo] = {
    "aws:region": KeyInfo("supported", "Region of resources that set no `region`."),
    "aws:profile": KeyInfo(
        "supported", "Named profile of the shared files; wins over `AWS_ACCESS_KEY_ID`."
    ),
    "aws:sharedConfigFiles": KeyInfo(
        "supported", "One file; botocore reads a single config file, so a longer list is refused."
    ),
    "aws:sharedCredentialsFiles": KeyInfo(
        "supported",
        "One file; botocore reads a single credentials file, so a longer list is refused.",
    ),
    "aws:accessKey": KeyInfo("supported", "Secret. With `aws:secretKey`, wins over all else."),
    "aws:secretKey": KeyInfo("supported", "Secret."),
    "aws:token": KeyInfo("supported", "Secret. Session token of temporary keys."),
    "aws:assumeRoles": KeyInfo(
        "supported", "Chain of roles, assumed in order, each with the previous credentials."
    ),
    "aws:assumeRole": KeyInfo(
        "supported",
        "The pulumi-aws v6 single role, read as a chain of one; not together with "
        "`aws:assumeRoles`.",
    ),
    "aws:assumeRoleWithWebIdentity": KeyInfo(
        "supported", "Token or token file; re-read at each refresh."
    ),
    "aws:allowedAccountIds": KeyInfo(
        "supported",
        "Checked with STS GetCallerIdentity (once per identity) before any call, reads included.",
    ),
    "aws:forbiddenAccountIds": KeyInfo(
        "supported",
        "Checked with STS GetCallerIdentity (once per identity) before any call, reads included.",
    ),
    "aws:defaultTags": KeyInfo("supported", "Merged under each resource's own tags."),
    "aws:ignoreTags": KeyInfo(
        "supported", "Keys and prefixes never written, removed or reported as drift."
    ),
    "aws:endpoints": KeyInfo(
        "supported",
        "Keys `ec2`, `lightsail`, `elasticache`, `neptune`, `s3` (or `s3api`), `sts` and `sso` "
        "are used; the others name services this provider never calls. A name pulumi-aws does "
        "not know is refused.",
    ),
    "aws:maxRetries": KeyInfo("supported", "Total attempts of each call, as in pulumi-aws."),
    "aws:retryMode": KeyInfo("supported", "`standard` or `adaptive`."),
    "aws:stsRegion": KeyInfo("supported", "Region of AssumeRole and GetCallerIdentity calls."),
    "aws:customCaBundle": KeyInfo("supported", "Wins over `AWS_CA_BUNDLE`."),
    "aws:insecure": KeyInfo("supported", "Skips TLS certificate verification."),
    "aws:httpProxy": KeyInfo("supported", "Wins over `HTTP_PROXY`."),
    "aws:httpsProxy": KeyInfo("supported", 'Wins over `HTTPS_PROXY`; `""` means none.'),
    "aws:noProxy": KeyInfo("supported", "Wins over `NO_PROXY`."),
    "aws:skipCredentialsValidation": KeyInfo(
        "supported",
        "Unless true, the credentials are checked with STS GetCallerIdentity before the "
        "first change.",
    ),
    "aws:skipRequestingAccountId": KeyInfo(
        "not applicable",
        "This provider asks for the account only to check credentials and account lists.",
    ),
    "aws:skipRegionValidation": KeyInfo(
        "supported",
        "True unless set, as in pulumi-aws: regions are checked only for their form. False "
        "also checks them against the regions of botocore's partitions.",
    ),
    "aws:skipMetadataApiCheck": KeyInfo(
        "supported", "True leaves the instance metadata service out of the credential chain."
    ),
    "aws:ec2MetadataServiceEndpoint": KeyInfo("supported", "Instance metadata service address."),
    "aws:ec2MetadataServiceEndpointMode": KeyInfo("supported", "`IPv4` or `IPv6`."),
    "aws:useFipsEndpoint": KeyInfo("supported", "FIPS endpoints."),
    "aws:useDualstackEndpoint": KeyInfo("supported", "Dual-stack endpoints."),
    "aws:s3UsePathStyle": KeyInfo("supported", "For ElastiCache exports to S3."),
    "aws:s3UsEast1RegionalEndpoint": KeyInfo("supported", "`legacy` or `regional`."),
    "aws:tokenBucketRateLimiterCapacity": KeyInfo(
        "supported", "The retry quota of each client (500 unless set, as in the Go SDK)."
    ),
    "aws:tagPolicyCompliance": KeyInfo(
        "not yet",
        "Only `disabled` is accepted (also from `TF_AWS_TAG_POLICY_COMPLIANCE`): tag policies "
        "are not checked yet. Another value fails check and create, never a refresh or destroy.",
    ),
    "aws:userAgents": KeyInfo("supported", "Appended to the User-Agent."),
}

RENAMED: Mapping[str, str] = {
    "aws:s3ForcePathStyle": "use aws:s3UsePathStyle",
    "aws:sharedCredentialsFile": "use aws:sharedCredentialsFiles (a list)",
    "aws:sharedConfigFile": "use aws:sharedConfigFiles (a list)",
    "aws:dynamodbEndpoint": "use aws:endpoints",
    "aws:kinesisEndpoint": "use aws:endpoints",
}
"""Keys of older pulumi-aws versions or of its old documentation, and what replaced them."""


# -- value readers ---------------------------------------------------------------------------


class _Invalid(Exception):
    """One malformed value; the message starts with where it is."""


def _fail(where: str, message: str) -> NoReturn:
    raise _Invalid(f"{where}: {message}")


def _decoded(key: str, raw: Any) -> Any:
    """A structured value: JSON text as configure delivers it, or already decoded."""
    if not isinstance(raw, str):
        return raw
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        # The message gives the position only: the text may hold a secret.
        _fail(key, f"is not valid JSON ({exc.msg} at character {exc.pos})")


def _string(where: str, value: Any) -> str:
    if not isinstance(value, str):
        _fail(where, f"must be a string, got {_kind(value)}")
    return value


def _secret(where: str, value: Any) -> Secret:
    if not isinstance(value, str):
        _fail(where, f"must be a string, got {_kind(value)}")
    if not value:
        _fail(where, "is empty")
    return Secret(value)


def _bool(where: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in TRUE_WORDS or value in FALSE_WORDS:
        return bool(value in TRUE_WORDS)
    _fail(where, f"must be true or false, got {value!r}")


def _int(where: str, value: Any, minimum: int = 0) -> int:
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif (isinstance(value, str) and re.fullmatch(r"[+-]?\d+", value.strip())) or (
        isinstance(value, float) and value.is_integer()
    ):
        number = int(value)
    if number is None:
        _fail(where, f"must be a whole number, got {value!r}")
    if number < minimum:
        _fail(where, f"must be at least {minimum}, got {number}")
    return number


def _choice(where: str, value: Any, choices: tuple[str, ...]) -> str:
    if value not in choices:
        _fail(where, f"must be one of {', '.join(choices)}, got {value!r}")
    return str(value)


def _list(where: str, value: Any) -> list[Any]:
    if not isinstance(value, list):
        _fail(where, f"must be a list, got {_kind(value)}")
    return value


def _object(where: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        _fail(where, f"must be an object, got {_kind(value)}")
    return value


def _strings(where: str, value: Any) -> tuple[str, ...]:
    items = _list(where, value)
    return tuple(_string(f"{where}: item {i}", v) for i, v in enumerate(items, 1))


def _string_map(where: str, value: Any) -> tuple[tuple[str, str], ...]:
    mapping = _object(where, value)
    return tuple((k, _string(f"{where}: {k!r}", v)) for k, v in mapping.items())


def _kind(value: Any) -> str:
    return {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "an object",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def _region(where: str, value: Any) -> str:
    text = _string(where, value)
    if not REGION_PATTERN.match(text):
        _fail(where, f"{text!r} is not an AWS region name such as 'us-east-1'")
    return text


def _url(where: str, value: Any) -> str:
    text = _string(where, value)
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        _fail(where, f"{text!r} is not an http(s) URL such as 'https://host:port'")
    return text


def _path(where: str, value: Any) -> str:
    text = _string(where, value)
    if not text:
        _fail(where, "is empty")
    return os.path.expanduser(text)


def _one_file(key: str, value: Any) -> str | None:
    paths = _strings(key, _decoded(key, value))
    if not paths:
        return None
    if len(paths) > 1:
        _fail(key, "more than one file is not yet supported (botocore reads one)")
    return _path(f"{key}: item 1", paths[0])


def _account_ids(key: str, value: Any) -> tuple[str, ...]:
    items = _list(key, _decoded(key, value))
    found: list[str] = []
    for i, item in enumerate(items, 1):
        if isinstance(item, int) and not isinstance(item, bool) and 0 <= item < 10**12:
            # A YAML number lost its leading zeros; an account id has exactly twelve digits.
            item = str(item).zfill(12)
        problem = account_id_problem(item)
        if problem:
            _fail(f"{key}: item {i}", problem)
        found.append(item)
    return tuple(sorted(set(found)))


# -- parsers per key -------------------------------------------------------------------------

_ROLE_FIELDS = (
    "roleArn",
    "sessionName",
    "externalId",
    "duration",
    "policy",
    "policyArns",
    "tags",
    "transitiveTagKeys",
    "sourceIdentity",
)


def _known_fields(where: str, obj: Mapping[str, Any], fields: tuple[str, ...]) -> None:
    for name in obj:
        if name not in fields:
            hint = ""
            if name == "durationSeconds":
                hint = ' (use duration, such as "1h")'
            else:
                close = difflib.get_close_matches(name, fields, n=1)
                hint = f" (did you mean {close[0]}?)" if close else ""
            _fail(where, f"{name!r} is not a field{hint}; fields: {', '.join(fields)}")


def _optional(obj: Mapping[str, Any], name: str) -> Any:
    value = obj.get(name)
    return None if value in (None, "", [], {}) else value


def _role(where: str, value: Any) -> AssumeRole:
    obj = _object(where, value)
    _known_fields(where, obj, _ROLE_FIELDS)
    tags = _string_map(f"{where}: tags", obj["tags"]) if _optional(obj, "tags") else ()
    transitive = (
        _strings(f"{where}: transitiveTagKeys", obj["transitiveTagKeys"])
        if _optional(obj, "transitiveTagKeys")
        else ()
    )
    role = AssumeRole(
        role_arn=_role_arn(where, obj),
        session_name=_field(where, obj, "sessionName", _session_name),
        external_id=_field(where, obj, "externalId", external_id_problem),
        duration_seconds=_duration(where, obj),
        policy=_field(where, obj, "policy", policy_problem),
        policy_arns=_policy_arns(where, obj),
        tags=tags,
        transitive_tag_keys=transitive,
        source_identity=_field(where, obj, "sourceIdentity", _source_identity),
    )
    for problem in session_tag_problems(tags, transitive):
        _fail(where, problem)
    return role


def _field(
    where: str, obj: Mapping[str, Any], name: str, rule: Callable[[str], str | None]
) -> str | None:
    """An optional string field of an object, checked by `rule`."""
    value = _optional(obj, name)
    if value is None:
        return None
    text = _string(f"{where}: {name}", value)
    _check(where, rule(text))
    return text


def _role_arn(where: str, obj: Mapping[str, Any]) -> str:
    arn = _field(where, obj, "roleArn", role_arn_problem)
    if arn is None:
        _fail(where, "roleArn is required")
    return arn


def _session_name(value: str) -> str | None:
    return session_name_problem("sessionName", value)


def _source_identity(value: str) -> str | None:
    return session_name_problem("sourceIdentity", value, max_len=256)


def _check(where: str, problem: str | None) -> None:
    if problem:
        _fail(where, problem)


def _duration(where: str, obj: Mapping[str, Any]) -> int | None:
    value = _optional(obj, "duration")
    if value is None:
        return None
    text = _string(f"{where}: duration", value)
    _check(where, duration_problem(text))
    return duration_seconds(text)


def _policy_arns(where: str, obj: Mapping[str, Any]) -> tuple[str, ...]:
    if not _optional(obj, "policyArns"):
        return ()
    arns = _strings(f"{where}: policyArns", obj["policyArns"])
    for arn in arns:
        _check(f"{where}: policyArns", policy_arn_problem(arn))
    return arns


def _assume_roles(key: str, value: Any) -> tuple[AssumeRole, ...]:
    items = _list(key, _decoded(key, value))
    return tuple(_role(f"{key}: item {i}", item) for i, item in enumerate(items, 1))


_WEB_FIELDS = (
    "roleArn",
    "sessionName",
    "webIdentityToken",
    "webIdentityTokenFile",
    "duration",
    "policy",
    "policyArns",
)


WEB_IDENTITY_ENV = {
    "roleArn": "AWS_ROLE_ARN",
    "webIdentityTokenFile": "AWS_WEB_IDENTITY_TOKEN_FILE",
    "sessionName": "AWS_ROLE_SESSION_NAME",
}
"""What an `aws:assumeRoleWithWebIdentity` that leaves a field out takes from the environment,
as pulumi-aws does (aws-sdk-go-base): CI systems and EKS set these variables."""


def _web_identity(key: str, value: Any, environ: Mapping[str, str]) -> WebIdentity | None:
    obj = _object(key, _decoded(key, value))
    if not obj:
        return None
    _known_fields(key, obj, _WEB_FIELDS)
    obj = dict(obj)
    for name, variable in WEB_IDENTITY_ENV.items():
        if name == "webIdentityTokenFile" and _optional(obj, "webIdentityToken") is not None:
            continue
        if _optional(obj, name) is None and environ.get(variable):
            obj[name] = environ[variable]
    arn = _role_arn(key, obj)
    token = _optional(obj, "webIdentityToken")
    token_file = _optional(obj, "webIdentityTokenFile")
    if (token is None) == (token_file is None):
        _fail(key, "exactly one of webIdentityToken and webIdentityTokenFile must be set")
    return WebIdentity(
        role_arn=arn,
        session_name=_field(key, obj, "sessionName", _session_name),
        token=_secret(f"{key}: webIdentityToken", token) if token is not None else None,
        token_file=_path(f"{key}: webIdentityTokenFile", token_file) if token_file else None,
        duration_seconds=_duration(key, obj),
        policy=_field(key, obj, "policy", policy_problem),
        policy_arns=_policy_arns(key, obj),
    )


def _default_tags(key: str, value: Any, environ: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    tags = {
        name.removeprefix(DEFAULT_TAGS_ENV_PREFIX): text
        for name, text in environ.items()
        if name.startswith(DEFAULT_TAGS_ENV_PREFIX) and name != DEFAULT_TAGS_ENV_PREFIX
    }
    if value is not None:
        obj = _object(key, _decoded(key, value))
        _known_fields(key, obj, ("tags",))
        if obj.get("tags") is not None:
            tags.update(dict(_string_map(f"{key}: tags", obj["tags"])))
    return tuple(sorted(tags.items()))


def _ignore_tags(
    key: str, value: Any, environ: Mapping[str, str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    keys: list[str] = []
    prefixes: list[str] = []
    if value is not None:
        obj = _object(key, _decoded(key, value))
        _known_fields(key, obj, ("keys", "keyPrefixes"))
        if obj.get("keys") is not None:
            keys.extend(_strings(f"{key}: keys", obj["keys"]))
        if obj.get("keyPrefixes") is not None:
            prefixes.extend(_strings(f"{key}: keyPrefixes", obj["keyPrefixes"]))
    keys.extend(k.strip() for k in environ.get(IGNORE_TAGS_KEYS_ENV, "").split(",") if k.strip())
    prefixes.extend(
        p.strip() for p in environ.get(IGNORE_TAGS_PREFIXES_ENV, "").split(",") if p.strip()
    )
    return tuple(dict.fromkeys(keys)), tuple(dict.fromkeys(prefixes))


def _endpoint_names(key: str, value: Any) -> dict[str, str]:
    """Every service name of `aws:endpoints` that sets a URL, and its URL."""
    items = _list(key, _decoded(key, value))
    found: dict[str, str] = {}
    for i, item in enumerate(items, 1):
        where = f"{key}: item {i}"
        for name, url in _object(where, item).items():
            if url in (None, ""):
                continue
            # As pulumi-aws does, the first element that sets a service wins.
            found.setdefault(name, _url(f"{where}: {name}", url))
    return found


def _chosen_endpoints(found: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    chosen: dict[str, str] = {}
    for service, names in ENDPOINT_SERVICES.items():
        for name in names:
            if name in found:
                chosen[service] = found[name]
                break
    return tuple(sorted(chosen.items()))


# -- parse_config ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One bad `aws:*` value: `message` starts with the key."""

    key: str
    message: str
    blocks_reads: bool
    """Whether acting without the value could act as another identity or at another endpoint,
    so that a read or delete must not go ahead either."""


@dataclass(frozen=True)
class ConfigReading:
    """What `read_config` made of the stack config: the settings of every key that parsed,
    the problems of those that did not, and warnings that never fail anything."""

    settings: AwsSettings
    problems: tuple[Problem, ...] = ()
    warnings: tuple[str, ...] = ()

    def failure(self, changing: bool) -> ConfigError | None:
        """The error to raise before a check, create or update (`changing`), or before a read
        or delete, which only problems that `blocks_reads` stop: nothing a stack already has
        is kept from being refreshed or destroyed by a check that only a new create needs."""
        problems = [p.message for p in self.problems if changing or p.blocks_reads]
        if not problems:
            return None
        return ConfigError("invalid AWS stack configuration:\n  " + "\n  ".join(problems))


ACTING_KEYS = frozenset(
    {
        "aws:profile",
        "aws:sharedConfigFiles",
        "aws:sharedCredentialsFiles",
        "aws:accessKey",
        "aws:secretKey",
        "aws:token",
        "aws:assumeRoles",
        "aws:assumeRole",
        "aws:assumeRoleWithWebIdentity",
        "aws:allowedAccountIds",
        "aws:forbiddenAccountIds",
        "aws:endpoints",
        "aws:stsRegion",
        "aws:skipMetadataApiCheck",
        "aws:ec2MetadataServiceEndpoint",
        "aws:ec2MetadataServiceEndpointMode",
    }
)
"""Keys that choose who calls AWS, where, and in which account: a read or delete without a
bad one could look in another account and take a snapshot that is there for gone."""

TAG_POLICY_ENV = "TF_AWS_TAG_POLICY_COMPLIANCE"
"""Read when `aws:tagPolicyCompliance` is not set, as pulumi-aws does."""


def parse_config(
    config: Mapping[str, Any], environ: Mapping[str, str] | None = None
) -> AwsSettings:
    """The settings of `read_config`, or the `ConfigError` naming every bad key."""
    reading = read_config(config, environ)
    failure = reading.failure(changing=True)
    if failure is not None:
        raise failure
    return reading.settings


def read_config(
    config: Mapping[str, Any], environ: Mapping[str, str] | None = None
) -> ConfigReading:
    """Read the `aws:*` keys of the stack config (as configure receives them).

    `environ` (default: this process's environment) supplies what pulumi-aws also reads from
    the environment at this stage: `TF_AWS_DEFAULT_TAGS_<key>`, the `TF_AWS_IGNORE_TAGS_*`
    lists and `TF_AWS_TAG_POLICY_COMPLIANCE`. A key this provider does not know only warns: a
    later pulumi-aws release may add it, and it must not fail a refresh or destroy. No value
    of a secret is ever in a problem or a warning.
    """
    env = os.environ if environ is None else environ
    values = {k: v for k, v in config.items() if k.startswith(NAMESPACE) and v is not None}
    if "aws:tagPolicyCompliance" not in values and env.get(TAG_POLICY_ENV):
        values["aws:tagPolicyCompliance"] = env[TAG_POLICY_ENV]
    problems: list[Problem] = []
    warnings: list[str] = []
    for key in sorted(values):
        if key in KEYS:
            continue
        if key in RENAMED:
            warnings.append(f"{key} is not a pulumi-aws v7 key ({RENAMED[key]}); it is ignored")
            continue
        close = difflib.get_close_matches(key, list(KEYS), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        warnings.append(
            f"{key} is not a configuration key of pulumi-aws that this provider knows{hint}; "
            "it is ignored"
        )
    fields: dict[str, Any] = {}

    def problem(key: str, message: str, blocks: bool | None = None) -> None:
        problems.append(Problem(key, message, key in ACTING_KEYS if blocks is None else blocks))

    def read(key: str, target: str, parse: Callable[[str, Any], Any]) -> None:
        if key not in values:
            return
        try:
            fields[target] = parse(key, values[key])
        except _Invalid as exc:
            problem(key, str(exc))

    read("aws:region", "region", _region)
    read("aws:profile", "profile", _nonempty_string)
    read("aws:sharedConfigFiles", "shared_config_file", _one_file)
    read("aws:sharedCredentialsFiles", "shared_credentials_file", _one_file)
    read("aws:assumeRoles", "assume_roles", _assume_roles)
    read("aws:assumeRole", "_assume_role", lambda k, v: (_role(k, _decoded(k, v)),))
    read("aws:assumeRoleWithWebIdentity", "web_identity", lambda k, v: _web_identity(k, v, env))
    read("aws:allowedAccountIds", "allowed_account_ids", _account_ids)
    read("aws:forbiddenAccountIds", "forbidden_account_ids", _account_ids)
    read("aws:endpoints", "_endpoint_names", _endpoint_names)
    read("aws:maxRetries", "max_retries", _max_retries)
    read("aws:retryMode", "retry_mode", lambda k, v: _choice(k, v, ("standard", "adaptive")))
    read("aws:stsRegion", "sts_region", _region)
    read("aws:customCaBundle", "custom_ca_bundle", _path)
    read("aws:insecure", "insecure", _bool)
    read("aws:httpProxy", "http_proxy", _proxy)
    read("aws:httpsProxy", "https_proxy", _proxy)
    read("aws:noProxy", "no_proxy", _string)
    read("aws:skipCredentialsValidation", "skip_credentials_validation", _bool)
    read("aws:skipRequestingAccountId", "_skip_requesting_account_id", _bool)
    read("aws:skipRegionValidation", "skip_region_validation", _bool)
    read("aws:skipMetadataApiCheck", "skip_metadata_api_check", _bool)
    read("aws:ec2MetadataServiceEndpoint", "ec2_metadata_service_endpoint", _url)
    read(
        "aws:ec2MetadataServiceEndpointMode",
        "ec2_metadata_service_endpoint_mode",
        lambda k, v: _choice(k, v, ("IPv4", "IPv6")),
    )
    read("aws:useFipsEndpoint", "use_fips_endpoint", _bool)
    read("aws:useDualstackEndpoint", "use_dualstack_endpoint", _bool)
    read("aws:s3UsePathStyle", "s3_use_path_style", _bool)
    read(
        "aws:s3UsEast1RegionalEndpoint",
        "s3_us_east_1_regional_endpoint",
        lambda k, v: _choice(k, v, ("legacy", "regional")),
    )
    read("aws:tokenBucketRateLimiterCapacity", "token_bucket_capacity", _int)
    read("aws:tagPolicyCompliance", "_tag_policy", _tag_policy)
    read("aws:userAgents", "user_agents", lambda k, v: _strings(k, _decoded(k, v)))
    named = fields.pop("_endpoint_names", None)
    if named is not None:
        fields["endpoints"] = _chosen_endpoints(named)
        for name in sorted(set(named) - PULUMI_AWS_ENDPOINTS):
            close = difflib.get_close_matches(name, sorted(PULUMI_AWS_ENDPOINTS), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            # A misspelling of a service this provider calls would send its calls to AWS
            # itself, in whatever account the default endpoint reaches: that stops reads too.
            ours = bool(close) and close[0] in USED_ENDPOINT_NAMES
            problem(
                "aws:endpoints",
                f"aws:endpoints: {name!r} is not a service name of pulumi-aws{hint}",
                ours,
            )
    try:
        fields["default_tags"] = _default_tags(
            "aws:defaultTags", values.get("aws:defaultTags"), env
        )
    except _Invalid as exc:
        problem("aws:defaultTags", str(exc))
    try:
        keys, prefixes = _ignore_tags("aws:ignoreTags", values.get("aws:ignoreTags"), env)
        fields["ignore_tag_keys"], fields["ignore_tag_key_prefixes"] = keys, prefixes
    except _Invalid as exc:
        problem("aws:ignoreTags", str(exc))
    try:
        fields["static_keys"] = _static_keys(values)
    except _Invalid as exc:
        problem("aws:accessKey", str(exc))
    for message in _cross_key_problems(values, fields):
        problem(message.split(" ", 1)[0].rstrip(":"), message, True)
    single = fields.pop("_assume_role", None)
    if single is not None and "assume_roles" not in fields:
        fields["assume_roles"] = single
    for private in [k for k in fields if k.startswith("_")]:
        del fields[private]
    return ConfigReading(AwsSettings(**fields), tuple(problems), tuple(warnings))


def _nonempty_string(key: str, value: Any) -> str:
    text = _string(key, value)
    if not text:
        _fail(key, "is empty")
    return text


def _max_retries(key: str, value: Any) -> int | None:
    # pulumi-aws treats 0 as unset.
    return _int(key, value) or None


def _proxy(key: str, value: Any) -> str:
    text = _string(key, value)
    # An empty proxy is a setting of its own: no proxy for that scheme.
    return text if text == "" else _url(key, text)


def _tag_policy(key: str, value: Any) -> str:
    mode = _choice(key, value, ("error", "warning", "disabled"))
    if mode != "disabled":
        _fail(key, f"{mode!r} is not yet supported: tag policies are not checked here")
    return mode


def _static_keys(values: Mapping[str, Any]) -> StaticKeys | None:
    access = values.get("aws:accessKey")
    secret = values.get("aws:secretKey")
    token = values.get("aws:token")
    if access in (None, "") and secret in (None, "") and token in (None, ""):
        return None
    if access in (None, "") or secret in (None, ""):
        given = [k for k in ("aws:accessKey", "aws:secretKey", "aws:token") if values.get(k)]
        _fail(
            "aws:accessKey",
            f"aws:accessKey and aws:secretKey must be set together (set: {', '.join(given)})",
        )
    return StaticKeys(
        access_key=_secret("aws:accessKey", access),
        secret_key=_secret("aws:secretKey", secret),
        token=_secret("aws:token", token) if token not in (None, "") else None,
    )


def _cross_key_problems(values: Mapping[str, Any], fields: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    if fields.get("allowed_account_ids") and fields.get("forbidden_account_ids"):
        problems.append("aws:allowedAccountIds and aws:forbiddenAccountIds cannot both be set")
    if "aws:assumeRole" in values and "aws:assumeRoles" in values:
        problems.append(
            "aws:assumeRole (pulumi-aws v6) and aws:assumeRoles (v7) cannot both be set: "
            "keep aws:assumeRoles"
        )
    roles: tuple[AssumeRole, ...] = fields.get("assume_roles") or fields.get("_assume_role") or ()
    key = "aws:assumeRoles" if "aws:assumeRoles" in values else "aws:assumeRole"
    chained = fields.get("web_identity") is not None and fields.get("static_keys") is None
    for problem in chain_problems((r.duration_seconds for r in roles), chained_from_start=chained):
        problems.append(f"{key}: {problem}")
    return problems


def _canonical(settings: AwsSettings) -> str:
    """A text that differs whenever the settings differ (secrets by fingerprint)."""
    static = settings.static_keys.fingerprint if settings.static_keys else None
    token = (
        settings.web_identity.token.fingerprint
        if settings.web_identity and settings.web_identity.token
        else None
    )
    return repr((settings, static, token))
