"""The per-resource identity input (validated with no AWS call) and the identity key that keeps
two accounts apart in every cache."""

from __future__ import annotations

import json
import pickle
from typing import Any

import pytest
from pydantic import ValidationError

from pulumi_snapshots.aws.config import AssumeRole, AwsSettings, parse_config
from pulumi_snapshots.aws.identity import IdentityInput, resolve_identity
from pulumi_snapshots.engine.validation import Inputs, check_inputs

ROLE_A = "arn:aws:iam::111111111111:role/deploy"
DR_ROLE = "arn:aws:iam::222222222222:role/dr-copier"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY"
ACCESS_KEY = "AKIASECRETACCESSKEYID"
ENV: dict[str, str] = {}


def settings(**config: Any) -> AwsSettings:
    return parse_config({f"aws:{k}": v for k, v in config.items()}, {})


STACK = settings(
    accessKey=ACCESS_KEY,
    secretKey=SECRET_KEY,
    assumeRoles=json.dumps([{"roleArn": ROLE_A}]),
    allowedAccountIds='["111111111111"]',
)


class WithIdentity(Inputs):
    """A resource's inputs with the identity input, as the engine validates them in check."""

    identity: IdentityInput | None = None


def check_failures(identity: Any) -> dict[str, str]:
    _, failures = check_inputs(WithIdentity, {"region": "us-east-1", "identity": identity})
    return dict(failures)


# -- the input -------------------------------------------------------------------------------


def test_a_dr_identity_validates_and_keeps_its_snake_case_form() -> None:
    raw = {
        "assume_roles": [
            {
                "role_arn": DR_ROLE,
                "session_name": "neptune-dr",
                "external_id": "dr-2024",
                "duration": "45m",
                "policy": json.dumps({"Version": "2012-10-17", "Statement": []}),
                "policy_arns": ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
                "tags": {"purpose": "dr"},
                "transitive_tag_keys": ["purpose"],
                "source_identity": "pipeline",
            }
        ],
        "allowed_account_ids": ["222222222222"],
    }
    inputs, failures = check_inputs(WithIdentity, {"region": "us-east-1", "identity": raw})
    assert failures == []
    assert inputs["identity"]["assume_roles"][0]["duration"] == "45m"
    model = IdentityInput.model_validate(inputs["identity"])
    (role,) = model.roles()
    assert role.duration_seconds == 2700
    assert role.tags == (("purpose", "dr"),)


@pytest.mark.parametrize(
    ("identity", "expected"),
    [
        ({}, "set profile, assume_roles or both"),
        ({"profile": "  "}, "profile: must not be empty"),
        (
            {"assume_roles": [{"role_arn": DR_ROLE, "duration": "2 days"}]},
            "assume_roles[1].duration: duration '2 days' is not a duration such as \"1h\"",
        ),
        (
            {"assume_roles": [{"role_arn": ROLE_A}, {"role_arn": "arn:aws:iam::2:role/x"}]},
            "assume_roles[2].role_arn: 'arn:aws:iam::2:role/x' is not an IAM role ARN",
        ),
        ({"assume_roles": [{"session_name": "x1"}]}, "assume_roles[1].role_arn: is required"),
        (
            {"assume_roles": [{"role_arn": DR_ROLE, "external_id": "x"}]},
            "assume_roles[1].external_id: external id 'x' must be 2 to 1224 characters",
        ),
        (
            {"assume_roles": [{"role_arn": DR_ROLE, "policy": "{"}]},
            "assume_roles[1].policy: policy is not valid JSON",
        ),
        (
            {"assume_roles": [{"role_arn": DR_ROLE, "tags": {"k": "v!"}}]},
            "assume_roles[1]: session tag value of 'k'",
        ),
        (
            {"assume_roles": [{"role_arn": ROLE_A}, {"role_arn": DR_ROLE, "duration": "90m"}]},
            "assume_roles: item 2: a duration over 1h is refused by AWS",
        ),
        (
            {"profile": "dr", "allowed_account_ids": ["2"]},
            "allowed_account_ids: '2' is not a 12-digit AWS account id",
        ),
        (
            {
                "profile": "dr",
                "allowed_account_ids": ["222222222222"],
                "forbidden_account_ids": ["111111111111"],
            },
            "allowed_account_ids and forbidden_account_ids cannot both be set",
        ),
        (
            {"profile": "dr", "secret_key": SECRET_KEY},
            "secret_key: is not a field of identity",
        ),
        (
            {"assume_roles": [{"role_arn": DR_ROLE, "durationSeconds": 3600}]},
            "assume_roles[1].durationSeconds: is not a field of identity",
        ),
    ],
)
def test_each_problem_names_its_field(identity: dict[str, Any], expected: str) -> None:
    failures = check_failures(identity)
    assert list(failures) == ["identity"]
    assert expected in failures["identity"]


def test_every_problem_is_reported_at_once() -> None:
    failure = check_failures(
        {"assume_roles": [{"role_arn": "x", "duration": "1d"}], "allowed_account_ids": ["1"]}
    )["identity"]
    for path in ("assume_roles[1].role_arn", "assume_roles[1].duration", "allowed_account_ids"):
        assert path in failure


def test_no_secret_can_be_given_so_none_is_shown() -> None:
    with pytest.raises(ValidationError) as caught:
        IdentityInput.model_validate({"profile": "dr", "aws_secret_access_key": SECRET_KEY})
    assert "aws_secret_access_key: is not a field of identity" in str(caught.value)
    assert SECRET_KEY not in check_failures({"profile": "dr", "token": SECRET_KEY})["identity"]


# -- the identity key ------------------------------------------------------------------------


def test_the_stack_identity() -> None:
    identity = resolve_identity(STACK, None, ENV)
    assert identity.base == "static keys"
    assert identity.roles == (AssumeRole(ROLE_A),)
    assert identity.allowed_account_ids == ("111111111111",)
    assert identity.account_rules_from == "aws:allowedAccountIds"
    assert identity.describe() == f"role {ROLE_A} (from the keys of aws:accessKey)"


def test_a_resource_chain_starts_from_the_base_credentials_not_the_stack_roles() -> None:
    identity = resolve_identity(STACK, {"assume_roles": [{"role_arn": DR_ROLE}]}, ENV)
    assert identity.base == "static keys"
    assert identity.roles == (AssumeRole(DR_ROLE),)
    # The stack's account list still applies when the resource sets none.
    assert identity.allowed_account_ids == ("111111111111",)


def test_a_resource_profile_replaces_the_stack_keys_and_its_lists_replace_the_stack_lists() -> None:
    identity = resolve_identity(
        STACK, {"profile": "dr", "allowed_account_ids": ["222222222222"]}, ENV
    )
    assert (identity.base, identity.profile, identity.static_keys) == ("profile", "dr", None)
    assert identity.roles == ()
    assert identity.allowed_account_ids == ("222222222222",)
    assert identity.account_rules_from == "identity.allowed_account_ids"


def test_static_keys_win_over_a_web_identity_as_in_pulumi_aws() -> None:
    web = json.dumps({"roleArn": ROLE_A, "webIdentityTokenFile": "/var/run/token"})
    assert resolve_identity(settings(assumeRoleWithWebIdentity=web), None, ENV).base == (
        "web identity"
    )
    both = settings(assumeRoleWithWebIdentity=web, accessKey=ACCESS_KEY, secretKey=SECRET_KEY)
    identity = resolve_identity(both, None, ENV)
    assert (identity.base, identity.web_identity) == ("static keys", None)


def test_equal_inputs_give_equal_keys_and_any_difference_gives_another() -> None:
    base = resolve_identity(STACK, None, ENV)
    assert base == resolve_identity(STACK, None, ENV)
    assert hash(base) == hash(resolve_identity(STACK, None, ENV))
    others = [
        resolve_identity(STACK, {"assume_roles": [{"role_arn": DR_ROLE}]}, ENV),
        resolve_identity(STACK, {"profile": "dr"}, ENV),
        resolve_identity(
            settings(
                accessKey=ACCESS_KEY,
                secretKey=SECRET_KEY + "2",
                assumeRoles=json.dumps([{"roleArn": ROLE_A}]),
            ),
            None,
            ENV,
        ),
        resolve_identity(STACK, None, {"AWS_PROFILE": "other"}),
        resolve_identity(STACK, None, {"AWS_ENDPOINT_URL_STS": "http://127.0.0.1:1"}),
        resolve_identity(
            settings(
                accessKey=ACCESS_KEY,
                secretKey=SECRET_KEY,
                assumeRoles=json.dumps([{"roleArn": ROLE_A}]),
                endpoints='[{"sts":"http://127.0.0.1:9"}]',
            ),
            None,
            ENV,
        ),
    ]
    keys = {base, *others}
    assert len(keys) == len(others) + 1


def test_account_lists_are_not_part_of_the_key() -> None:
    one = resolve_identity(STACK, {"profile": "dr", "allowed_account_ids": ["222222222222"]}, ENV)
    other = resolve_identity(STACK, {"profile": "dr"}, ENV)
    assert one == other
    assert one.allowed_account_ids != other.allowed_account_ids


def test_the_key_holds_no_secret() -> None:
    web = json.dumps({"roleArn": ROLE_A, "webIdentityToken": "WEBTOKENSECRETVALUE"})
    identity = resolve_identity(
        settings(assumeRoleWithWebIdentity=web),
        None,
        {"AWS_SECRET_ACCESS_KEY": "ENVSECRETVALUE", "HTTPS_PROXY": "http://u:PROXYPASS@p:1"},
    )
    text = repr(identity) + str(pickle.dumps(identity))
    for secret in ("WEBTOKENSECRETVALUE", "ENVSECRETVALUE", "PROXYPASS"):
        assert secret not in text
    keyed = resolve_identity(STACK, None, ENV)
    assert SECRET_KEY not in repr(keyed) and ACCESS_KEY not in repr(keyed)
