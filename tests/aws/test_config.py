"""The stack's aws:* config as configure receives it (strings, JSON text, secrets unwrapped):
every pulumi-aws key, its shapes, malformed values, and secrets that never show."""

from __future__ import annotations

import json
import pickle
import re
from pathlib import Path
from typing import Any

import pytest
from pulumi.dynamic import Config

from pulumi_snapshots.aws import config as awsconfig
from pulumi_snapshots.aws.config import (
    KEYS,
    AssumeRole,
    AwsSettings,
    ConfigError,
    config_values,
    parse_config,
)

ROLE_A = "arn:aws:iam::111111111111:role/deploy"
ROLE_B = "arn:aws:iam::222222222222:role/dr-copier"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY"
ACCESS_KEY = "AKIASECRETACCESSKEYID"
TOKEN = "FwoGZXIvYXdzSESSIONTOKENSECRET"
WEB_TOKEN = "eyJhbGciOiJSUzI1NiJ9.WEBIDENTITYSECRET.sig"
SECRETS = (SECRET_KEY, ACCESS_KEY, TOKEN, WEB_TOKEN)


def parse(config: dict[str, Any], environ: dict[str, str] | None = None) -> AwsSettings:
    return parse_config(config, environ or {})


def error_of(config: dict[str, Any], environ: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigError) as caught:
        parse(config, environ)
    return str(caught.value)


def as_configured(value: Any) -> str:
    """A value as configure delivers it: strings as they are, anything else as compact JSON."""
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


# One valid value of every key pulumi-aws documents, and what it becomes.
VALID: dict[str, tuple[Any, str, Any]] = {
    "aws:region": ("eu-west-1", "region", "eu-west-1"),
    "aws:profile": ("prod", "profile", "prod"),
    "aws:sharedConfigFiles": (["/etc/aws/config"], "shared_config_file", "/etc/aws/config"),
    "aws:sharedCredentialsFiles": (
        ["/etc/aws/credentials"],
        "shared_credentials_file",
        "/etc/aws/credentials",
    ),
    "aws:assumeRoles": (
        [{"roleArn": ROLE_A, "sessionName": "ci", "duration": "1h30m"}],
        "assume_roles",
        (AssumeRole(ROLE_A, session_name="ci", duration_seconds=5400),),
    ),
    "aws:allowedAccountIds": (["111111111111"], "allowed_account_ids", ("111111111111",)),
    "aws:defaultTags": ({"tags": {"team": "data"}}, "default_tags", (("team", "data"),)),
    "aws:ignoreTags": (
        {"keys": ["owner"], "keyPrefixes": ["backup:"]},
        "ignore_tag_keys",
        ("owner",),
    ),
    "aws:endpoints": ([{"neptune": "http://127.0.0.1:5000"}], "endpoints", None),
    "aws:maxRetries": ("7", "max_retries", 7),
    "aws:retryMode": ("adaptive", "retry_mode", "adaptive"),
    "aws:stsRegion": ("us-west-2", "sts_region", "us-west-2"),
    "aws:customCaBundle": ("/etc/ssl/corp.pem", "custom_ca_bundle", "/etc/ssl/corp.pem"),
    "aws:insecure": ("true", "insecure", True),
    "aws:httpProxy": ("http://proxy:3128", "http_proxy", "http://proxy:3128"),
    "aws:httpsProxy": ("", "https_proxy", ""),
    "aws:noProxy": ("169.254.169.254,.internal", "no_proxy", "169.254.169.254,.internal"),
    "aws:skipCredentialsValidation": ("true", "skip_credentials_validation", True),
    "aws:skipRequestingAccountId": ("true", None, None),
    "aws:skipRegionValidation": ("false", None, None),
    "aws:skipMetadataApiCheck": ("true", "skip_metadata_api_check", True),
    "aws:ec2MetadataServiceEndpoint": (
        "http://169.254.169.254",
        "ec2_metadata_service_endpoint",
        "http://169.254.169.254",
    ),
    "aws:ec2MetadataServiceEndpointMode": ("IPv6", "ec2_metadata_service_endpoint_mode", "IPv6"),
    "aws:useFipsEndpoint": ("true", "use_fips_endpoint", True),
    "aws:useDualstackEndpoint": ("true", "use_dualstack_endpoint", True),
    "aws:s3UsePathStyle": ("true", "s3_use_path_style", True),
    "aws:s3UsEast1RegionalEndpoint": ("regional", "s3_us_east_1_regional_endpoint", "regional"),
    "aws:tokenBucketRateLimiterCapacity": ("500", None, None),
    "aws:tagPolicyCompliance": ("disabled", None, None),
    "aws:userAgents": (["team/data"], "user_agents", ("team/data",)),
}
"""Keys that need company (secrets, exclusive pairs) are covered by their own tests."""
TESTED_ELSEWHERE = {
    "aws:accessKey",
    "aws:secretKey",
    "aws:token",
    "aws:assumeRole",
    "aws:assumeRoleWithWebIdentity",
    "aws:forbiddenAccountIds",
}


def test_every_documented_key_has_a_valid_example() -> None:
    assert set(VALID) | TESTED_ELSEWHERE == set(KEYS)


@pytest.mark.parametrize("key", sorted(VALID))
def test_each_key_parses_from_its_configured_text(key: str) -> None:
    value, attribute, expected = VALID[key]
    settings = parse({key: as_configured(value)})
    if attribute is not None and expected is not None:
        assert getattr(settings, attribute) == expected
    # Decoded values (as a test or a future host may pass) mean the same.
    assert parse({key: value}) == settings


def test_other_namespaces_are_not_read() -> None:
    assert parse({"snapshots:anything": "x", "pulumi:template": "y"}) == AwsSettings()


def test_static_keys_and_token() -> None:
    settings = parse({"aws:accessKey": ACCESS_KEY, "aws:secretKey": SECRET_KEY, "aws:token": TOKEN})
    keys = settings.static_keys
    assert keys is not None
    assert (keys.access_key.reveal(), keys.secret_key.reveal()) == (ACCESS_KEY, SECRET_KEY)
    assert keys.token is not None and keys.token.reveal() == TOKEN


def test_v6_single_assume_role_is_a_chain_of_one() -> None:
    settings = parse({"aws:assumeRole": json.dumps({"roleArn": ROLE_A, "externalId": "xid-42"})})
    assert settings.assume_roles == (AssumeRole(ROLE_A, external_id="xid-42"),)


def test_assume_roles_keep_their_order_and_every_field() -> None:
    policy = json.dumps({"Version": "2012-10-17", "Statement": []})
    settings = parse(
        {
            "aws:assumeRoles": json.dumps(
                [
                    {
                        "roleArn": ROLE_A,
                        "sessionName": "ci",
                        "externalId": "ext-1",
                        "duration": "15m",
                        "policy": policy,
                        "policyArns": ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
                        "tags": {"project": "graph"},
                        "transitiveTagKeys": ["project"],
                        "sourceIdentity": "alice",
                    },
                    {"roleArn": ROLE_B},
                ]
            )
        }
    )
    first, second = settings.assume_roles
    assert second == AssumeRole(ROLE_B)
    assert first.request("default") == {
        "RoleArn": ROLE_A,
        "RoleSessionName": "ci",
        "ExternalId": "ext-1",
        "DurationSeconds": 900,
        "Policy": policy,
        "PolicyArns": [{"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}],
        "Tags": [{"Key": "project", "Value": "graph"}],
        "TransitiveTagKeys": ["project"],
        "SourceIdentity": "alice",
    }
    assert second.request("default")["RoleSessionName"] == "default"


def test_web_identity_with_a_token_file_or_a_token() -> None:
    by_file = parse(
        {
            "aws:assumeRoleWithWebIdentity": json.dumps(
                {"roleArn": ROLE_A, "webIdentityTokenFile": "/var/run/token", "duration": "1h"}
            )
        }
    ).web_identity
    assert by_file is not None
    assert (by_file.token_file, by_file.token, by_file.duration_seconds) == (
        "/var/run/token",
        None,
        3600,
    )
    by_token = parse(
        {
            "aws:assumeRoleWithWebIdentity": json.dumps(
                {"roleArn": ROLE_A, "webIdentityToken": WEB_TOKEN}
            )
        }
    ).web_identity
    assert by_token is not None and by_token.token is not None
    assert by_token.token.reveal() == WEB_TOKEN


def test_forbidden_account_ids() -> None:
    settings = parse({"aws:forbiddenAccountIds": '["222222222222","111111111111"]'})
    assert settings.forbidden_account_ids == ("111111111111", "222222222222")


def test_account_ids_that_yaml_read_as_numbers_keep_their_twelve_digits() -> None:
    settings = parse({"aws:allowedAccountIds": "[12345678901]"})
    assert settings.allowed_account_ids == ("012345678901",)


def test_endpoints_first_element_wins_and_only_called_services_are_kept() -> None:
    settings = parse(
        {
            "aws:endpoints": json.dumps(
                [
                    {"sts": "http://sts.local:1", "dynamodb": "http://ddb.local:2"},
                    {"sts": "http://other:3", "s3api": "http://s3.local:4", "rds": "http://rds:5"},
                    {"neptune": "", "ec2": "https://ec2.local"},
                ]
            )
        }
    )
    assert dict(settings.endpoints) == {
        "sts": "http://sts.local:1",
        "s3": "http://s3.local:4",
        "ec2": "https://ec2.local",
    }
    # Neptune reads its own key, never rds (as pulumi-aws).
    assert settings.endpoint("neptune") is None


def test_max_retries_zero_means_unset_as_in_pulumi_aws() -> None:
    assert parse({"aws:maxRetries": "0"}).max_retries is None


def test_default_and_ignored_tags_from_the_environment() -> None:
    environ = {
        "TF_AWS_DEFAULT_TAGS_team": "from-env",
        "TF_AWS_DEFAULT_TAGS_cost": "cc-1",
        "TF_AWS_IGNORE_TAGS_KEYS": "owner, ticket",
        "TF_AWS_IGNORE_TAGS_KEY_PREFIXES": "backup:",
    }
    settings = parse(
        {
            "aws:defaultTags": json.dumps({"tags": {"team": "from-config"}}),
            "aws:ignoreTags": json.dumps({"keys": ["owner"], "keyPrefixes": ["kubernetes.io/"]}),
        },
        environ,
    )
    # Config wins over the environment for the same tag; ignore lists add up.
    assert dict(settings.default_tags) == {"team": "from-config", "cost": "cc-1"}
    assert settings.ignore_tag_keys == ("owner", "ticket")
    assert settings.ignore_tag_key_prefixes == ("kubernetes.io/", "backup:")


MALFORMED: list[tuple[dict[str, Any], str]] = [
    (
        {"aws:assumeRoles": '[{"roleArn":"' + ROLE_A + '","duration":"2 days"}]'},
        "aws:assumeRoles: item 1: duration '2 days' is not a duration such as \"1h\" (15m to 12h)",
    ),
    (
        {"aws:assumeRoles": '[{"roleArn":"' + ROLE_A + '","duration":"13h"}]'},
        "aws:assumeRoles: item 1: duration '13h' must be between 15 minutes (15m) and 12 hours",
    ),
    (
        {
            "aws:assumeRoles": '[{"roleArn":"'
            + ROLE_A
            + '"},{"roleArn":"'
            + ROLE_B
            + '","duration":"2h"}]'
        },
        "aws:assumeRoles: item 2: a duration over 1h is refused by AWS for a role assumed with "
        "another role's credentials",
    ),
    ({"aws:assumeRoles": '[{"sessionName":"ci"}]'}, "aws:assumeRoles: item 1: roleArn is required"),
    (
        {"aws:assumeRoles": '[{"roleArn":"arn:aws:iam::1:user/x"}]'},
        "aws:assumeRoles: item 1: 'arn:aws:iam::1:user/x' is not an IAM role ARN",
    ),
    (
        {"aws:assumeRoles": '[{"roleArn":"' + ROLE_A + '","sessionName":"has space"}]'},
        "aws:assumeRoles: item 1: sessionName 'has space' must be 2 to 64 characters",
    ),
    (
        {"aws:assumeRoles": '[{"roleArn":"' + ROLE_A + '","durationSeconds":3600}]'},
        "aws:assumeRoles: item 1: 'durationSeconds' is not a field (use duration",
    ),
    (
        {"aws:assumeRoles": '[{"roleArn":"' + ROLE_A + '","policy":"allow all"}]'},
        "aws:assumeRoles: item 1: policy is not valid JSON",
    ),
    (
        {"aws:assumeRoles": '[{"roleArn":"' + ROLE_A + '","tags":{"bad!key":"v"}}]'},
        "aws:assumeRoles: item 1: session tag key 'bad!key'",
    ),
    ({"aws:assumeRoles": '{"roleArn":"x"}'}, "aws:assumeRoles: must be a list, got an object"),
    ({"aws:assumeRoles": "[{roleArn: x}]"}, "aws:assumeRoles: is not valid JSON"),
    (
        {"aws:assumeRole": '{"roleArn":"' + ROLE_A + '"}', "aws:assumeRoles": "[]"},
        "aws:assumeRole (pulumi-aws v6) and aws:assumeRoles (v7) cannot both be set",
    ),
    (
        {"aws:assumeRoleWithWebIdentity": '{"roleArn":"' + ROLE_A + '"}'},
        "aws:assumeRoleWithWebIdentity: exactly one of webIdentityToken and webIdentityTokenFile",
    ),
    (
        {"aws:allowedAccountIds": '["1234"]', "aws:region": "us-east-1"},
        "aws:allowedAccountIds: item 1: '1234' is not a 12-digit AWS account id",
    ),
    (
        {
            "aws:allowedAccountIds": '["111111111111"]',
            "aws:forbiddenAccountIds": '["222222222222"]',
        },
        "aws:allowedAccountIds and aws:forbiddenAccountIds cannot both be set",
    ),
    ({"aws:region": "Virginia"}, "aws:region: 'Virginia' is not an AWS region name"),
    ({"aws:stsRegion": "global"}, "aws:stsRegion: 'global' is not an AWS region name"),
    ({"aws:maxRetries": "many"}, "aws:maxRetries: must be a whole number, got 'many'"),
    ({"aws:retryMode": "legacy"}, "aws:retryMode: must be one of standard, adaptive"),
    ({"aws:insecure": "yes"}, "aws:insecure: must be true or false, got 'yes'"),
    ({"aws:httpProxy": "proxy:3128"}, "aws:httpProxy: 'proxy:3128' is not an http(s) URL"),
    (
        {"aws:endpoints": '[{"neptune":"localhost:4566"}]'},
        "aws:endpoints: item 1: neptune: 'localhost:4566' is not an http(s) URL",
    ),
    ({"aws:defaultTags": '{"team":"data"}'}, "aws:defaultTags: 'team' is not a field"),
    ({"aws:ignoreTags": '{"keys":"owner"}'}, "aws:ignoreTags: keys: must be a list, got a string"),
    (
        {"aws:sharedConfigFiles": '["/a","/b"]'},
        "aws:sharedConfigFiles: more than one file is not yet supported",
    ),
    (
        {"aws:tagPolicyCompliance": "error"},
        "aws:tagPolicyCompliance: 'error' is not yet supported",
    ),
    (
        {"aws:endpoints": '[{"lightsial":"http://127.0.0.1:4566"}]'},
        "aws:endpoints: 'lightsial' is not a service name of pulumi-aws (did you mean "
        "'lightsail'?)",
    ),
    (
        {"aws:secretKey": SECRET_KEY},
        "aws:accessKey: aws:accessKey and aws:secretKey must be set together (set: aws:secretKey)",
    ),
]


@pytest.mark.parametrize(("config", "expected"), MALFORMED, ids=[m[1][:50] for m in MALFORMED])
def test_malformed_values_fail_naming_the_key(config: dict[str, Any], expected: str) -> None:
    assert expected in error_of(config)


def test_every_problem_is_reported_at_once() -> None:
    message = error_of({"aws:region": "nowhere", "aws:retryMode": "fast", "aws:stsRegion": "x"})
    assert "aws:region" in message and "aws:retryMode" in message and "aws:stsRegion" in message


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (
            {"aws:regoin": "us-east-1"},
            "aws:regoin is not a configuration key of pulumi-aws that this provider knows (did "
            "you mean aws:region?); it is ignored",
        ),
        (
            {"aws:s3ForcePathStyle": "true"},
            "aws:s3ForcePathStyle is not a pulumi-aws v7 key (use aws:s3UsePathStyle); it is "
            "ignored",
        ),
        ({"aws:someKeyOfALaterRelease": "1"}, "aws:someKeyOfALaterRelease is not"),
    ],
)
def test_unknown_keys_only_warn(config: dict[str, Any], expected: str) -> None:
    reading = awsconfig.read_config({"aws:region": "eu-west-1", **config}, {})
    assert reading.problems == ()
    assert reading.settings.region == "eu-west-1"
    assert any(expected in w for w in reading.warnings), reading.warnings


@pytest.mark.parametrize(
    ("config", "blocks_reads"),
    [
        ({"aws:tagPolicyCompliance": "warning"}, False),
        ({"aws:defaultTags": '{"team":"data"}'}, False),
        ({"aws:retryMode": "fast"}, False),
        ({"aws:region": "nowhere"}, False),
        ({"aws:endpoints": '[{"cloudfrnt":"http://127.0.0.1:1"}]'}, False),
        ({"aws:endpoints": '[{"lightsial":"http://127.0.0.1:1"}]'}, True),
        ({"aws:endpoints": '[{"neptune":"localhost:4566"}]'}, True),
        ({"aws:assumeRoles": '[{"roleArn":"nope"}]'}, True),
        ({"aws:allowedAccountIds": '["12"]'}, True),
        ({"aws:profile": ""}, True),
    ],
)
def test_only_identity_and_endpoint_problems_stop_reads(
    config: dict[str, Any], blocks_reads: bool
) -> None:
    reading = awsconfig.read_config(config, {})
    assert reading.failure(changing=True) is not None
    assert (reading.failure(changing=False) is not None) is blocks_reads


def test_tag_policy_compliance_is_read_from_the_environment() -> None:
    reading = awsconfig.read_config({}, {awsconfig.TAG_POLICY_ENV: "error"})
    failure = reading.failure(changing=True)
    assert failure is not None and "aws:tagPolicyCompliance: 'error'" in str(failure)
    assert reading.failure(changing=False) is None
    assert awsconfig.read_config({}, {awsconfig.TAG_POLICY_ENV: "disabled"}).problems == ()
    # The key wins over the variable.
    both = {"aws:tagPolicyCompliance": "disabled"}
    assert awsconfig.read_config(both, {awsconfig.TAG_POLICY_ENV: "error"}).problems == ()


def test_web_identity_takes_what_it_leaves_out_from_the_environment(tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("t")
    env = {
        "AWS_ROLE_ARN": ROLE_A,
        "AWS_WEB_IDENTITY_TOKEN_FILE": str(token),
        "AWS_ROLE_SESSION_NAME": "ci-run",
    }
    settings = awsconfig.parse_config({"aws:assumeRoleWithWebIdentity": '{"duration":"1h"}'}, env)
    web = settings.web_identity
    assert web is not None
    assert (web.role_arn, web.token_file, web.session_name) == (ROLE_A, str(token), "ci-run")
    # What the config sets wins; a token in the config keeps the file out.
    own = json.dumps({"roleArn": ROLE_B, "webIdentityToken": WEB_TOKEN})
    web = awsconfig.parse_config({"aws:assumeRoleWithWebIdentity": own}, env).web_identity
    assert web is not None and (web.role_arn, web.token_file) == (ROLE_B, None)


# -- secrets ---------------------------------------------------------------------------------

WITH_SECRETS = {
    "aws:accessKey": ACCESS_KEY,
    "aws:secretKey": SECRET_KEY,
    "aws:token": TOKEN,
    "aws:assumeRoleWithWebIdentity": json.dumps({"roleArn": ROLE_A, "webIdentityToken": WEB_TOKEN}),
    "aws:assumeRoles": json.dumps([{"roleArn": ROLE_B}]),
}


def leaked(text: str) -> list[str]:
    return [s for s in SECRETS if s in text]


def test_secrets_never_show_in_repr_or_str_and_never_pickle() -> None:
    settings = parse(WITH_SECRETS)
    for shown in (
        repr(settings),
        str(settings),
        repr(settings.static_keys),
        str(settings.web_identity),
    ):
        assert leaked(shown) == []
    assert settings.static_keys is not None
    assert repr(settings.static_keys.secret_key) == "Secret('***')"
    with pytest.raises(TypeError, match="never pickled"):
        pickle.dumps(settings)
    assert leaked(settings.handle) == []


@pytest.mark.parametrize(
    "bad",
    [
        {**WITH_SECRETS, "aws:assumeRoles": "[{]"},
        {**WITH_SECRETS, "aws:bogus": SECRET_KEY, "aws:retryMode": "fast"},
        {
            **WITH_SECRETS,
            "aws:assumeRoleWithWebIdentity": json.dumps(
                {"roleArn": "not-an-arn", "webIdentityToken": WEB_TOKEN, "extra": 1}
            ),
        },
        {
            **WITH_SECRETS,
            "aws:assumeRoleWithWebIdentity": '{"roleArn":"'
            + ROLE_A
            + '","webIdentityToken":"'
            + WEB_TOKEN,
        },
        {"aws:accessKey": ACCESS_KEY, "aws:token": TOKEN},
        {"aws:accessKey": ACCESS_KEY, "aws:secretKey": [SECRET_KEY]},
    ],
    ids=["json", "unknown key", "web identity fields", "truncated json", "no secret", "a list"],
)
def test_secrets_never_show_in_errors(bad: dict[str, Any]) -> None:
    assert leaked(error_of(bad)) == []
    assert leaked(" ".join(awsconfig.read_config(bad, {}).warnings)) == []


def test_a_malformed_secret_value_is_named_not_shown() -> None:
    message = error_of({"aws:accessKey": ACCESS_KEY, "aws:secretKey": 12345})
    assert "aws:secretKey: must be a string" in message
    assert ACCESS_KEY not in message


def test_settings_with_other_secrets_have_other_handles() -> None:
    one = parse(WITH_SECRETS)
    other = parse({**WITH_SECRETS, "aws:secretKey": SECRET_KEY + "x"})
    assert one.handle != other.handle
    assert parse(WITH_SECRETS).handle == one.handle


# -- configure -------------------------------------------------------------------------------


def test_config_values_lists_every_key_of_a_configure_request() -> None:
    raw = {"aws:region": "us-east-1", "snapshots:x": "1"}
    assert config_values(Config(raw_config=raw, project_name="snapshots")) == raw
    assert config_values(raw) == raw


def test_settings_are_recalled_by_handle() -> None:
    settings = parse(WITH_SECRETS)
    handle = awsconfig.remember(settings)
    assert awsconfig.recall(handle) is settings
    assert awsconfig.recall(None) == AwsSettings()
    with pytest.raises(ConfigError, match="configure was not called"):
        awsconfig.recall("0000000000000000")


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("1h", 3600),
        ("2h45m", 9900),
        ("30m15s", 1815),
        ("1.5h", 5400),
        ("900s", 900),
        ("15m", 900),
        ("12h", 43200),
        ("719m59.5s", 43199),
    ],
)
def test_durations_in_go_form(text: str, seconds: int) -> None:
    settings = parse({"aws:assumeRoles": json.dumps([{"roleArn": ROLE_A, "duration": text}])})
    assert settings.assume_roles[0].duration_seconds == seconds


@pytest.mark.parametrize("text", ["1 h", "1d", "h", "60", "-1h", "14m59s", "12h1s", "1h-5m"])
def test_durations_out_of_form_or_range(text: str) -> None:
    message = error_of({"aws:assumeRoles": json.dumps([{"roleArn": ROLE_A, "duration": text}])})
    assert f"aws:assumeRoles: item 1: duration {text!r}" in message


def test_the_readme_lists_every_key_with_what_the_provider_does() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    rows = re.findall(r"^\| `(aws:\w+)` \| ([a-z ]+) \| (.+) \|$", readme, re.M)
    assert [key for key, _, _ in rows] == list(KEYS)
    for key, status, note in rows:
        assert (status, note) == (KEYS[key].status, KEYS[key].note), key


def test_the_neptune_endpoint_also_serves_the_reads_of_neptune_snapshots() -> None:
    settings = parse({"aws:endpoints": json.dumps([{"neptune": "http://graph.local:9"}])})
    assert settings.endpoint("neptune") == settings.endpoint("rds") == "http://graph.local:9"
