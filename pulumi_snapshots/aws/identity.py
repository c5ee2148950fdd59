"""Who a resource acts as: the per-resource `identity` input, and the secret-free `Identity` key
that cached clients, shared pollers and account checks are keyed by.

A resource's `identity` replaces the stack's identity for that resource. Its `profile` replaces
the stack's base credentials (keys, profile, web identity); its `assume_roles` chain starts from
the base credentials (its own profile, else the stack's keys, profile, web identity or the
environment), never from the roles of `aws:assumeRoles`, as an explicit pulumi-aws provider
does. To continue from a stack role, list that role first. Its account lists, when it sets one,
replace the stack's `aws:allowedAccountIds` / `aws:forbiddenAccountIds`; otherwise the stack's
apply.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from pulumi_snapshots.aws import config, stsrules
from pulumi_snapshots.aws.config import AssumeRole, AwsSettings, WebIdentity

T = TypeVar("T")

IDENTITY_INPUT = "identity"
"""The name of the per-resource input."""

ENVIRONMENT_NAMES = (
    "AWS_ACCESS_KEY_ID",
    "AWS_ACCESS_KEY",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SECRET_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_EC2_METADATA_DISABLED",
    "AWS_EC2_METADATA_SERVICE_ENDPOINT",
    "AWS_STS_REGIONAL_ENDPOINTS",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "AWS_CA_BUNDLE",
    "AWS_MAX_ATTEMPTS",
    "AWS_RETRY_MODE",
    "AWS_USE_FIPS_ENDPOINT",
    "AWS_USE_DUALSTACK_ENDPOINT",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
)
"""Environment variables that change the credentials, endpoints or connections of a client."""


# -- the per-resource input ------------------------------------------------------------------


class AssumeRoleInput(BaseModel):
    """One role of a resource's `identity.assume_roles` chain (no secrets)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    role_arn: str
    """The ARN of the role to assume."""
    session_name: str | None = None
    """The role session's name (2 to 64 of letters, digits and `=,.@-_`)."""
    external_id: str | None = None
    """The external id that the role's trust policy asks for."""
    duration: str | None = None
    """A duration such as "1h" or "45m" (15 minutes to 12 hours), as in pulumi-aws."""
    policy: str | None = None
    """A session policy (JSON) that narrows what the role allows."""
    policy_arns: list[str] | None = None
    """Managed policies that narrow what the role allows."""
    tags: dict[str, str] | None = None
    """Session tags."""
    transitive_tag_keys: list[str] | None = None
    """Session tag keys that pass on to roles assumed next in the chain."""
    source_identity: str | None = None
    """The source identity that the session carries."""

    @field_validator("role_arn")
    @classmethod
    def _role_arn(cls, value: str) -> str:
        return _ok(stsrules.role_arn_problem(value), value)

    @field_validator("session_name")
    @classmethod
    def _session_name(cls, value: str | None) -> str | None:
        return _ok(value and stsrules.session_name_problem("session name", value), value)

    @field_validator("external_id")
    @classmethod
    def _external_id(cls, value: str | None) -> str | None:
        return _ok(value and stsrules.external_id_problem(value), value)

    @field_validator("duration")
    @classmethod
    def _duration(cls, value: str | None) -> str | None:
        return _ok(value and stsrules.duration_problem(value), value)

    @field_validator("policy")
    @classmethod
    def _policy(cls, value: str | None) -> str | None:
        return _ok(value and stsrules.policy_problem(value), value)

    @field_validator("policy_arns")
    @classmethod
    def _policy_arns(cls, value: list[str] | None) -> list[str] | None:
        for arn in value or ():
            _ok(stsrules.policy_arn_problem(arn), arn)
        return value

    @field_validator("source_identity")
    @classmethod
    def _source_identity(cls, value: str | None) -> str | None:
        problem = value and stsrules.session_name_problem("source identity", value, max_len=256)
        return _ok(problem, value)

    @model_validator(mode="after")
    def _session_tags(self) -> AssumeRoleInput:
        problems = stsrules.session_tag_problems(
            (self.tags or {}).items(), self.transitive_tag_keys or ()
        )
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def role(self) -> AssumeRole:
        """The role as the session builder takes it."""
        return AssumeRole(
            role_arn=self.role_arn,
            session_name=self.session_name,
            external_id=self.external_id,
            duration_seconds=stsrules.duration_seconds(self.duration) if self.duration else None,
            policy=self.policy,
            policy_arns=tuple(self.policy_arns or ()),
            tags=tuple((self.tags or {}).items()),
            transitive_tag_keys=tuple(self.transitive_tag_keys or ()),
            source_identity=self.source_identity,
        )


class IdentityInput(BaseModel):
    """A resource's own identity: a profile and/or a chain of roles, and its account lists.

    It holds no secret. Validation makes no AWS call; every problem names its field, such as
    `assume_roles[1].duration: ...`.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    profile: str | None = None
    """A named profile of the shared config and credentials files."""
    assume_roles: list[AssumeRoleInput] | None = None
    """Roles assumed in order, each with the credentials of the one before."""
    allowed_account_ids: list[str] | None = None
    """The only accounts this resource's calls may run in."""
    forbidden_account_ids: list[str] | None = None
    """Accounts this resource's calls must never run in."""

    @model_validator(mode="wrap")
    @classmethod
    def _with_paths(cls, data: Any, handler: Any) -> Any:
        # The engine reports a failure per input: the path inside `identity` goes in the text.
        try:
            return handler(data)
        except ValidationError as exc:
            lines = [_located(err) for err in exc.errors()]
            raise PydanticCustomError(
                "identity", "{problems}", {"problems": "; ".join(lines)}
            ) from None

    @field_validator("profile")
    @classmethod
    def _profile(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("must not be empty")
        return value

    @field_validator("allowed_account_ids", "forbidden_account_ids")
    @classmethod
    def _account_ids(cls, value: list[str] | None) -> list[str] | None:
        for item in value or ():
            _ok(stsrules.account_id_problem(item), item)
        return value

    @model_validator(mode="after")
    def _rules(self) -> IdentityInput:
        if not self.profile and not self.assume_roles:
            raise ValueError("set profile, assume_roles or both")
        if self.allowed_account_ids and self.forbidden_account_ids:
            raise ValueError("allowed_account_ids and forbidden_account_ids cannot both be set")
        problems = stsrules.chain_problems(
            (r.role().duration_seconds for r in self.assume_roles or ()),
            chained_from_start=False,
        )
        if problems:
            raise ValueError("assume_roles: " + "; ".join(problems))
        return self

    def roles(self) -> tuple[AssumeRole, ...]:
        """The chain, in order."""
        return tuple(r.role() for r in self.assume_roles or ())


def _ok(problem: str | Literal[""] | None, value: T) -> T:
    if problem:
        raise ValueError(problem)
    return value


def _located(err: Any) -> str:
    path = ""
    for part in err.get("loc", ()):
        path += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    kind = err.get("type", "")
    if kind == "missing":
        message = "is required"
    elif kind == "extra_forbidden":
        message = "is not a field of identity"
    else:
        message = str(err.get("msg", "is invalid")).removeprefix("Value error, ")
    return f"{path}: {message}" if path else message


def identity_input(value: IdentityInput | Mapping[str, Any] | None) -> IdentityInput | None:
    """The per-resource input as a model: from state or inputs (a dict), or already one."""
    if value is None or isinstance(value, IdentityInput):
        return value
    return IdentityInput.model_validate(dict(value))


# -- the identity key ------------------------------------------------------------------------

Base = Literal["static keys", "profile", "web identity", "environment"]


@dataclass(frozen=True)
class Identity:
    """Who calls AWS, through which endpoints and with which client settings; hashable and
    free of secrets (keys and tokens appear only as per-process fingerprints).

    Equal identities may share clients, credentials, poll rounds and account checks; two
    accounts never have equal identities. The account lists are carried along but are not part
    of the key.
    """

    base: Base
    profile: str | None
    shared_config_file: str | None
    shared_credentials_file: str | None
    static_keys: str | None
    """Fingerprint of `aws:accessKey`/`aws:secretKey`/`aws:token`."""
    web_identity: WebIdentity | None
    """Without its token, which `web_identity_token` fingerprints."""
    web_identity_token: str | None
    roles: tuple[AssumeRole, ...]
    sts_region: str | None
    endpoints: tuple[tuple[str, str], ...]
    settings: str
    """Fingerprint of the whole stack configuration, which shapes clients (retries, proxies,
    certificates, endpoint variants)."""
    environment: str
    """Fingerprint of the environment variables that shape credentials and clients."""
    allowed_account_ids: tuple[str, ...] = field(default=(), compare=False)
    forbidden_account_ids: tuple[str, ...] = field(default=(), compare=False)
    account_rules_from: str = field(default="", compare=False)
    """Where the account lists come from: stack config keys, or the resource's input."""
    validate_credentials: bool = field(default=True, compare=False)

    def describe(self) -> str:
        """A short description for messages, free of secrets."""
        if self.base == "static keys":
            start = "the keys of aws:accessKey"
        elif self.base == "web identity" and self.web_identity:
            start = f"web identity role {self.web_identity.role_arn}"
        elif self.base == "profile":
            start = f"profile {self.profile!r}"
        else:
            start = "the AWS default credential chain"
        if not self.roles:
            return start
        chain = " then ".join(r.role_arn for r in self.roles)
        return f"role {chain} (from {start})"


def resolve_identity(
    settings: AwsSettings,
    override: IdentityInput | Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Identity:
    """The identity a resource acts as: the stack's, or its own `identity` input's (see the
    module docstring for how they combine). Makes no AWS call."""
    own = identity_input(override)
    env = os.environ if environ is None else environ
    profile = settings.profile
    static = settings.static_keys.fingerprint if settings.static_keys else None
    web = settings.web_identity
    if own is not None and own.profile:
        profile, static, web = own.profile, None, None
    if static is not None:
        # As pulumi-aws: static keys win, and a web identity is then not used.
        base: Base = "static keys"
        web = None
    elif web is not None:
        base = "web identity"
    elif profile is not None:
        base = "profile"
    else:
        base = "environment"
    roles = own.roles() if own is not None else settings.assume_roles
    if own is not None and (own.allowed_account_ids or own.forbidden_account_ids):
        allowed = tuple(sorted(set(own.allowed_account_ids or ())))
        forbidden = tuple(sorted(set(own.forbidden_account_ids or ())))
        rules_from = "identity.allowed_account_ids" if allowed else "identity.forbidden_account_ids"
    else:
        allowed, forbidden = settings.allowed_account_ids, settings.forbidden_account_ids
        rules_from = "aws:allowedAccountIds" if allowed else "aws:forbiddenAccountIds"
    return Identity(
        base=base,
        profile=profile,
        shared_config_file=settings.shared_config_file,
        shared_credentials_file=settings.shared_credentials_file,
        static_keys=static,
        web_identity=replace(web, token=None) if web is not None else None,
        web_identity_token=web.token.fingerprint if web is not None and web.token else None,
        roles=roles,
        # STS goes to `aws:stsRegion`, else the provider's region, as in pulumi-aws; only
        # then the region of the resource calling.
        sts_region=settings.sts_region or settings.region,
        endpoints=settings.endpoints,
        settings=settings.handle,
        environment=environment_fingerprint(env),
        allowed_account_ids=allowed,
        forbidden_account_ids=forbidden,
        account_rules_from=rules_from,
        validate_credentials=not settings.skip_credentials_validation,
    )


def environment_fingerprint(environ: Mapping[str, str]) -> str:
    """A per-process fingerprint of the variables that shape credentials and clients."""
    names = sorted(n for n in environ if n in ENVIRONMENT_NAMES or n.startswith("AWS_ENDPOINT_URL"))
    return config.fingerprint(*(f"{n}={environ[n]}" for n in names))
