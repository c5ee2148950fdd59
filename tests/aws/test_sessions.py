"""Sessions and clients of an identity against moto, which keeps accounts apart under assumed-role
credentials: role chains, precedence of explicit config over the environment, credentials that
refresh on expiry, and the client settings the stack config asks for."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto.sts.responses import TokenResponse

from pulumi_snapshots.aws import sessions
from pulumi_snapshots.aws.config import AwsSettings, parse_config
from pulumi_snapshots.aws.identity import resolve_identity
from pulumi_snapshots.errors import SnapshotError
from pulumi_snapshots.testing.control import LocalControl

REGION = "us-east-1"
CALLER = "123456789012"
"""moto's account for the fake environment credentials."""
ROLE_A = "arn:aws:iam::111111111111:role/deploy"
ROLE_B = "arn:aws:iam::222222222222:role/dr-copier"
PROFILE_ROLE = "arn:aws:iam::333333333333:role/from-profile"


@pytest.fixture(autouse=True)
def _fresh_credentials() -> Iterator[None]:
    sessions.clear()
    yield
    sessions.clear()


@pytest.fixture
def assumed_by(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Every AssumeRole call as (the caller's account, the role): who assumed what."""
    calls: list[tuple[str, str]] = []
    original = TokenResponse.assume_role

    def recording(self: TokenResponse) -> Any:
        calls.append((self.current_account, str(self._get_param("RoleArn"))))
        return original(self)

    monkeypatch.setattr(TokenResponse, "assume_role", recording)
    return calls


def settings(**config: Any) -> AwsSettings:
    return parse_config(
        {f"aws:{k}": v if isinstance(v, str) else json.dumps(v) for k, v in config.items()}, {}
    )


def client_of(config: AwsSettings, service: str, override: Any = None, **kwargs: Any) -> Any:
    identity = resolve_identity(config, override)
    return sessions.client(config, identity, service, REGION, **kwargs)


def account_of(config: AwsSettings, override: Any = None) -> str:
    return str(client_of(config, "sts", override).get_caller_identity()["Account"])


def sts_calls(control: LocalControl, action: str) -> int:
    return control.request_counts().get("sts", {}).get(action, 0)


# -- role chains -----------------------------------------------------------------------------


def test_a_chain_of_two_roles_acts_in_the_second_roles_account(
    fake_aws: LocalControl, assumed_by: list[tuple[str, str]]
) -> None:
    config = settings(assumeRoles=[{"roleArn": ROLE_A}, {"roleArn": ROLE_B, "duration": "15m"}])
    assert account_of(config) == "222222222222"
    # Each role is assumed with the previous credentials, in order.
    assert assumed_by == [(CALLER, ROLE_A), ("111111111111", ROLE_B)]

    ec2 = client_of(config, "ec2")
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)
    snapshot = ec2.create_snapshot(VolumeId=volume["VolumeId"])["SnapshotId"]
    (found,) = ec2.describe_snapshots(SnapshotIds=[snapshot])["Snapshots"]
    assert found["OwnerId"] == "222222222222"
    callers = boto3.client("ec2", region_name=REGION)
    with pytest.raises(ClientError, match=r"InvalidSnapshot\.NotFound"):
        callers.describe_snapshots(SnapshotIds=[snapshot])
    # Every client of the identity shares its credentials: the chain was assumed once.
    assert sts_calls(fake_aws, "AssumeRole") == 2


def test_a_resource_chain_starts_from_the_base_credentials(
    fake_aws: LocalControl, assumed_by: list[tuple[str, str]]
) -> None:
    config = settings(assumeRoles=[{"roleArn": ROLE_A}])
    assert account_of(config, {"assume_roles": [{"role_arn": ROLE_B}]}) == "222222222222"
    assert assumed_by == [(CALLER, ROLE_B)]
    assert account_of(config) == "111111111111"


def test_a_failing_role_names_the_role_and_the_error(
    fake_aws: LocalControl, assumed_by: list[tuple[str, str]]
) -> None:
    fake_aws.throttle("sts", "AssumeRole", 20)
    config = settings(assumeRoles=[{"roleArn": ROLE_A}], maxRetries="1")
    with pytest.raises(
        SnapshotError, match=re.escape(f"STS AssumeRole of {ROLE_A} failed: Throttling")
    ):
        account_of(config)


# -- refresh ---------------------------------------------------------------------------------


class Clock:
    """A clock that stands still at the start of the test until the test moves it."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


def test_credentials_are_assumed_again_when_they_near_expiry(fake_aws: LocalControl) -> None:
    clock = Clock()
    config = settings(assumeRoles=[{"roleArn": ROLE_A, "duration": "12h"}])
    identity = resolve_identity(config)
    sts = sessions.client(config, identity, "sts", REGION, clock=clock)
    ec2 = sessions.client(config, identity, "ec2", REGION, clock=clock)

    assert sts.get_caller_identity()["Account"] == "111111111111"
    ec2.describe_volumes()
    assert sts_calls(fake_aws, "AssumeRole") == 1

    # Five minutes before expiry (moto's clock has moved on since, which only adds time):
    # inside the 10 minutes in which every caller waits for new credentials.
    clock.now += timedelta(hours=12, minutes=-5)
    assert sts.get_caller_identity()["Account"] == "111111111111"
    assert sts_calls(fake_aws, "AssumeRole") == 2
    ec2.describe_volumes()
    sts.get_caller_identity()
    assert sts_calls(fake_aws, "AssumeRole") == 2


# -- precedence ------------------------------------------------------------------------------


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    """A shared config file with an assume-role profile and a region."""
    path = tmp_path / "config"
    path.write_text(
        "[profile dr]\n"
        f"role_arn = {PROFILE_ROLE}\n"
        "source_profile = base\n"
        "region = eu-west-3\n"
        "[profile base]\n"
        "aws_access_key_id = AKIAPROFILEBASE\n"
        "aws_secret_access_key = profile-base-secret\n"
    )
    return path


def test_the_config_profile_wins_over_environment_keys(
    fake_aws: LocalControl, config_file: Path
) -> None:
    files = [str(config_file)]
    assert account_of(settings(profile="dr", sharedConfigFiles=files)) == "333333333333"
    assert account_of(settings(sharedConfigFiles=files)) == CALLER


def test_environment_keys_win_over_aws_profile(
    fake_aws: LocalControl, config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_PROFILE", "dr")
    assert account_of(settings(sharedConfigFiles=[str(config_file)])) == CALLER


def test_static_config_keys_win_over_the_profile(fake_aws: LocalControl, config_file: Path) -> None:
    other = boto3.client("sts", region_name=REGION).assume_role(
        RoleArn="arn:aws:iam::444444444444:role/keys", RoleSessionName="keys"
    )["Credentials"]
    config = settings(
        profile="dr",
        sharedConfigFiles=[str(config_file)],
        accessKey=other["AccessKeyId"],
        secretKey=other["SecretAccessKey"],
        token=other["SessionToken"],
    )
    assert account_of(config) == "444444444444"


def test_a_resource_profile_replaces_the_stack_identity(
    fake_aws: LocalControl, config_file: Path
) -> None:
    config = settings(sharedConfigFiles=[str(config_file)], assumeRoles=[{"roleArn": ROLE_A}])
    assert account_of(config) == "111111111111"
    assert account_of(config, {"profile": "dr"}) == "333333333333"


def test_web_identity_from_a_token_file_read_at_each_refresh(
    fake_aws: LocalControl, tmp_path: Path
) -> None:
    token = tmp_path / "token"
    token.write_text("first-token\n")
    config = settings(
        assumeRoleWithWebIdentity={
            "roleArn": "arn:aws:iam::555555555555:role/oidc",
            "webIdentityTokenFile": str(token),
        }
    )
    assert account_of(config) == "555555555555"
    assert sts_calls(fake_aws, "AssumeRoleWithWebIdentity") == 1
    token.unlink()
    sessions.clear()
    with pytest.raises(FileNotFoundError):
        account_of(config)


def test_default_region_order(config_file: Path) -> None:
    files = [str(config_file)]
    env = {"AWS_DEFAULT_REGION": "ap-south-1"}
    assert sessions.default_region(settings(region="us-west-2"), None, env) == "us-west-2"
    assert sessions.default_region(settings(profile="dr"), None, env) == "ap-south-1"
    assert (
        sessions.default_region(settings(profile="dr", sharedConfigFiles=files), None, {})
        == "eu-west-3"
    )
    assert (
        sessions.default_region(settings(sharedConfigFiles=files), {"profile": "dr"}, {})
        == "eu-west-3"
    )


# -- client settings -------------------------------------------------------------------------


def made(config: AwsSettings, service: str = "ec2", **kwargs: Any) -> Any:
    return client_of(config, service, **kwargs)


def test_config_endpoints_win_over_the_environment(
    fake_aws: LocalControl, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_NEPTUNE", "http://127.0.0.1:1")
    config = settings(endpoints=[{"neptune": "http://127.0.0.1:4566"}])
    assert made(config, "neptune").meta.endpoint_url == "http://127.0.0.1:4566"
    assert made(settings(), "neptune").meta.endpoint_url == "http://127.0.0.1:1"


def test_retries(fake_aws: LocalControl, monkeypatch: pytest.MonkeyPatch) -> None:
    retries: Callable[[Any], dict[str, Any]] = lambda c: c.meta.config.retries  # noqa: E731
    assert retries(made(settings(maxRetries="4", retryMode="adaptive"))) == {
        "mode": "adaptive",
        "total_max_attempts": 4,
    }
    # botocore counts `max_attempts` as retries: 10 retries are 11 attempts. Unless told
    # otherwise, standard mode, as in pulumi-aws (`sessions.DEFAULT_RETRY_MODE`).
    assert retries(made(settings(), default_retries=10)) == {
        "mode": "standard",
        "total_max_attempts": 11,
    }
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")
    monkeypatch.setenv("AWS_RETRY_MODE", "adaptive")
    # The environment says how many attempts: it wins over the provider's default...
    assert retries(made(settings(), default_retries=10)) == {
        "mode": "adaptive",
        "total_max_attempts": 2,
    }
    # ...and the stack config wins over the environment.
    assert retries(made(settings(maxRetries="6", retryMode="standard"), default_retries=10)) == {
        "mode": "standard",
        "total_max_attempts": 6,
    }


def test_proxies_config_over_environment_with_no_proxy(
    fake_aws: LocalControl, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://env-proxy:8080")
    proxies: Callable[[Any], Any] = lambda c: c.meta.config.proxies  # noqa: E731
    assert proxies(made(settings())) is None
    assert proxies(made(settings(httpProxy="http://corp:3128"))) == {
        "http": "http://corp:3128",
        "https": "http://env-proxy:8080",
    }
    monkeypatch.delenv("HTTPS_PROXY")
    # As pulumi-aws: with no HTTPS proxy anywhere, the HTTP proxy serves HTTPS too...
    assert proxies(made(settings(httpProxy="http://corp:3128")))["https"] == "http://corp:3128"
    # ...unless aws:httpsProxy is set to "".
    assert proxies(made(settings(httpProxy="http://corp:3128", httpsProxy=""))) == {
        "http": "http://corp:3128"
    }
    bypassed = settings(httpProxy="http://corp:3128", noProxy="localhost,.amazonaws.com")
    assert proxies(made(bypassed)) == {}
    assert proxies(made(bypassed, "neptune")) == {}
    local = settings(httpProxy="http://corp:3128", noProxy="10.0.0.0/8")
    assert proxies(made(local)) != {}


@pytest.mark.parametrize(
    ("no_proxy", "host", "bypassed"),
    [
        ("*", "ec2.us-east-1.amazonaws.com", True),
        (".amazonaws.com", "ec2.us-east-1.amazonaws.com", True),
        ("amazonaws.com", "ec2.us-east-1.amazonaws.com", True),
        ("amazonaws.com", "notamazonaws.com", False),
        ("localhost:4566, 127.0.0.1", "localhost", True),
        ("10.0.0.0/8", "10.1.2.3", True),
        ("10.0.0.0/8", "11.1.2.3", False),
        ("", "localhost", False),
    ],
)
def test_no_proxy_matching(no_proxy: str, host: str, bypassed: bool) -> None:
    assert sessions.bypasses_proxy(host, no_proxy) is bypassed


def test_endpoint_variants_user_agent_and_s3_addressing(fake_aws: LocalControl) -> None:
    config = settings(
        useFipsEndpoint="true",
        useDualstackEndpoint="true",
        s3UsePathStyle="true",
        s3UsEast1RegionalEndpoint="regional",
        userAgents=["team/data"],
    )
    ec2 = made(config, user_agent_extra="pulumi-snapshots/0.1.0")
    assert ec2.meta.config.use_fips_endpoint and ec2.meta.config.use_dualstack_endpoint
    assert ec2.meta.config.user_agent_extra == "pulumi-snapshots/0.1.0 team/data"
    s3 = made(config, "s3").meta.config.s3
    assert (s3["addressing_style"], s3["us_east_1_regional_endpoint"]) == ("path", "regional")


def test_no_credentials_at_all_fail_when_a_role_needs_them(
    fake_aws: LocalControl, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    config = settings(assumeRoles=[{"roleArn": ROLE_A}], skipMetadataApiCheck="true")
    with pytest.raises(SnapshotError, match="no AWS credentials found for role"):
        account_of(config)


def test_a_profile_that_no_file_defines_is_named(fake_aws: LocalControl, config_file: Path) -> None:
    config = settings(profile="prdo", sharedConfigFiles=[str(config_file)])
    with pytest.raises(
        SnapshotError, match=r"profile 'prdo' cannot be loaded: .*\(prdo\) could not be found"
    ):
        account_of(config)


# -- second pass: as pulumi-aws ------------------------------------------------------------


def test_fips_falls_back_where_a_service_has_no_fips_endpoint(fake_aws: LocalControl) -> None:
    config = settings(useFipsEndpoint="true")
    assert made(config, "ec2").meta.config.use_fips_endpoint
    # Lightsail has no FIPS endpoint anywhere; EC2 has none outside North America.
    assert not made(config, "lightsail").meta.config.use_fips_endpoint
    identity = resolve_identity(config)
    assert not sessions.client(config, identity, "ec2", "eu-west-1").meta.config.use_fips_endpoint


def test_token_bucket_capacity_sets_each_clients_retry_quota(fake_aws: LocalControl) -> None:
    def capacity(client: Any) -> list[int]:
        service = client.meta.service_model.service_id.hyphenize()
        emitter = client.meta.events._emitter
        checkers = [h.__self__ for h in emitter._handlers.prefix_search(f"after-call.{service}")]
        return [c._quota._max_capacity for c in checkers if hasattr(c, "_quota")]

    assert capacity(made(settings())) == [500]
    assert capacity(made(settings(tokenBucketRateLimiterCapacity="40"))) == [40]
    assert capacity(made(settings(tokenBucketRateLimiterCapacity="40", retryMode="standard"))) == [
        40
    ]


def test_endpoints_reach_the_clients_botocore_makes_for_credentials(
    fake_aws: LocalControl,
) -> None:
    config = settings(endpoints=[{"sso": "http://127.0.0.1:4001", "sts": "http://127.0.0.1:4002"}])
    base = sessions._botocore_session(config, resolve_identity(config))
    # What an SSO profile's and an assume-role profile's providers call.
    sso = base.create_client("sso", region_name=REGION)
    sts = base.create_client("sts", region_name=REGION)
    assert (sso.meta.endpoint_url, sts.meta.endpoint_url) == (
        "http://127.0.0.1:4001",
        "http://127.0.0.1:4002",
    )
    # An endpoint the caller names itself still wins.
    own = base.create_client("sts", region_name=REGION, endpoint_url="http://127.0.0.1:4003")
    assert own.meta.endpoint_url == "http://127.0.0.1:4003"


def test_skip_metadata_api_check_also_leaves_it_out_of_credential_source(
    fake_aws: LocalControl,
) -> None:
    def methods(config: AwsSettings) -> tuple[list[str], list[str]]:
        resolver = sessions._botocore_session(config, resolve_identity(config)).get_component(
            "credential_provider"
        )
        sourcer = resolver.get_provider("assume-role")._credential_sourcer
        return [p.METHOD for p in resolver.providers], [p.METHOD for p in sourcer._providers]

    chain, sourced = methods(settings())
    assert "iam-role" in chain and "iam-role" in sourced
    chain, sourced = methods(settings(skipMetadataApiCheck="true"))
    assert "iam-role" not in chain and "iam-role" not in sourced


def test_sts_goes_to_sts_region_else_the_providers_region() -> None:
    assert resolve_identity(settings(region="eu-west-1")).sts_region == "eu-west-1"
    both = settings(region="eu-west-1", stsRegion="us-west-2")
    assert resolve_identity(both).sts_region == "us-west-2"
    assert resolve_identity(settings()).sts_region is None
