"""The environment's credentials read as pulumi-aws (the AWS SDK for Go v2) reads them, through
the real provider host against the fake AWS, which keeps the accounts of assumed roles apart:
otherwise the two providers of one stack would act in different accounts."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pulumi_snapshots.engine.provider import NAME_KEY, SnapshotProvider
from pulumi_snapshots.testing import FakeAwsServer
from pulumi_snapshots.testing.control import Control
from pulumi_snapshots.testing.environment import role_client
from pulumi_snapshots.testing.host import ProviderHost, provider_props, urn_for

REGION = "us-east-1"
NEPTUNE = "pulumi_snapshots.neptune:SPEC"
ROLE_A = "arn:aws:iam::222222222222:role/a"
ROLE_B = "arn:aws:iam::333333333333:role/b"
UNSET = {
    name: ""
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_ROLE_ARN",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
    )
}
"""Empty is unset, as in the Go SDK: nothing of the test's own environment reaches the host."""


@pytest.fixture
def fresh(server: FakeAwsServer) -> Iterator[Control]:
    server.control.reset()
    yield server.control
    server.control.reset()


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    """Profiles `a` and `b`, each a role in an account of its own, from base keys."""
    config = tmp_path / "config"
    config.write_text(
        f"[profile a]\nrole_arn = {ROLE_A}\nsource_profile = base\n\n"
        f"[profile b]\nrole_arn = {ROLE_B}\nsource_profile = base\n"
    )
    credentials = tmp_path / "credentials"
    credentials.write_text("[base]\naws_access_key_id = testing\naws_secret_access_key = testing\n")
    return {"AWS_CONFIG_FILE": str(config), "AWS_SHARED_CREDENTIALS_FILE": str(credentials)}


def seeded(server: FakeAwsServer, role: str | None) -> tuple[Any, str]:
    """A Neptune client of the caller's account (or of `role`'s) and a snapshot there."""
    neptune = (
        server.client("neptune", REGION)
        if role is None
        else role_client("neptune", REGION, server.endpoint, role)
    )
    cluster = f"graph-{uuid.uuid4().hex[:6]}"
    neptune.create_db_cluster(DBClusterIdentifier=cluster, Engine="neptune")
    neptune.create_db_cluster_snapshot(
        DBClusterIdentifier=cluster, DBClusterSnapshotIdentifier=f"{cluster}-nightly"
    )
    return neptune, f"{cluster}-nightly"


def copy_with(
    server: FakeAwsServer, env: dict[str, str], source: str, config: dict[str, str] | None = None
) -> str:
    """Create a copy of `source` through a host with `env`; its ARN names the account."""
    host_env = {
        **UNSET,
        "AWS_ENDPOINT_URL": server.endpoint,
        "PULUMI_SNAPSHOTS_POLL_SECONDS": "0.01",
        **env,
    }
    news = {NAME_KEY: "copy", "source_db_cluster_snapshot_identifier": source}
    with ProviderHost(env=host_env, config={"aws:region": REGION, **(config or {})}) as host:
        urn = urn_for("NeptuneClusterSnapshotCopy", "copy")
        inputs, failures = host.check(urn, {}, provider_props(SnapshotProvider(NEPTUNE), news))
        assert failures == []
        _id, outs = host.create(urn, inputs)
    return str(outs["db_cluster_snapshot_arn"])


def account(arn: str) -> str:
    return arn.split(":")[4]


def test_aws_profile_wins_over_aws_default_profile(
    server: FakeAwsServer, fresh: Control, files: dict[str, str]
) -> None:
    _neptune, source = seeded(server, ROLE_A)
    env = {**files, "AWS_PROFILE": "a", "AWS_DEFAULT_PROFILE": "b", "AWS_DEFAULT_REGION": REGION}
    assert account(copy_with(server, env, source)) == "222222222222"


def test_an_assume_role_profile_calls_sts_in_the_providers_region(
    server: FakeAwsServer, fresh: Control, files: dict[str, str]
) -> None:
    # No region in the environment or the profile: only the stack's aws:region names one.
    _neptune, source = seeded(server, ROLE_A)
    env = {**files, "AWS_PROFILE": "a", "AWS_REGION": "", "AWS_DEFAULT_REGION": ""}
    assert account(copy_with(server, env, source)) == "222222222222"


def test_aws_default_profile_counts_when_aws_profile_is_empty(
    server: FakeAwsServer, fresh: Control, files: dict[str, str]
) -> None:
    _neptune, source = seeded(server, ROLE_B)
    env = {**files, "AWS_PROFILE": "", "AWS_DEFAULT_PROFILE": "b", "AWS_DEFAULT_REGION": REGION}
    assert account(copy_with(server, env, source)) == "333333333333"


def test_the_go_sdks_short_key_names_are_credentials(server: FakeAwsServer, fresh: Control) -> None:
    _neptune, source = seeded(server, None)
    env = {"AWS_ACCESS_KEY": "testing", "AWS_SECRET_KEY": "testing", "AWS_CONFIG_FILE": "/dev/null"}
    assert account(copy_with(server, env, source)) == "123456789012"


def test_web_identity_takes_the_role_and_token_file_from_the_environment(
    server: FakeAwsServer, fresh: Control, tmp_path: Path
) -> None:
    _neptune, source = seeded(server, ROLE_A)
    token = tmp_path / "token"
    token.write_text("ci-token\n")
    env = {
        "AWS_ROLE_ARN": ROLE_A,
        "AWS_WEB_IDENTITY_TOKEN_FILE": str(token),
        "AWS_CONFIG_FILE": "/dev/null",
    }
    config = {"aws:assumeRoleWithWebIdentity": json.dumps({"sessionName": "ci-run"})}
    assert account(copy_with(server, env, source, config)) == "222222222222"
