"""The stack's `aws:*` config through the real CLI: what it must never block (a refresh or
destroy of what exists), what it must stop (a create with a bad value, a refresh in the wrong
account), and drift of the default tags."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi import automation as auto
from stacks import seeded_stack  # type: ignore[import-not-found]

from pulumi_snapshots import LightsailDatabaseSnapshot
from pulumi_snapshots.testing.cli import CliStack
from pulumi_snapshots.testing.environment import fake_client
from pulumi_snapshots.testing.server import FakeAwsServer

case: dict[str, str] = {"name": ""}


def program() -> None:
    database = pulumi.Config().require("lightsailDatabaseName")
    name = case["name"] or None
    LightsailDatabaseSnapshot(
        "orders",
        relational_database_name=database,
        relational_database_snapshot_name=name,
        tags={"team": "orders"},
    )


@pytest.fixture
def stack(cli: Path, fake: FakeAwsServer) -> Iterator[CliStack]:
    made = seeded_stack(cli, fake, program)
    yield made
    case["name"] = ""
    made.remove()


def lightsail(stack: CliStack, fake: FakeAwsServer) -> Any:
    region = stack.stack.get_config("aws:region").value
    return fake_client("lightsail", region, fake.endpoint)


def fails(step: Any) -> str:
    """What the CLI showed when `step` (a preview, up or refresh) failed."""
    with pytest.raises(auto.CommandError) as raised:
        step()
    return str(raised.value)


def exists(stack: CliStack, fake: FakeAwsServer, name: str) -> bool:
    found = lightsail(stack, fake).get_relational_database_snapshots()
    return name in [s["name"] for s in found["relationalDatabaseSnapshots"]]


def test_unknown_keys_warn_and_create_only_problems_never_block_teardown(
    stack: CliStack, fake: FakeAwsServer
) -> None:
    stack.stack.up()
    (made,) = stack.created()
    # A key of a later pulumi-aws release: a warning, never a failure.
    stack.stack.set_config("aws:someKeyOfALaterRelease", auto.ConfigValue(value="1"))
    up = stack.stack.up()
    assert up.summary.resource_changes == {"same": 2}
    assert "warning: aws:someKeyOfALaterRelease is not a configuration key" in up.stdout
    # A value refused as "not yet": it stops what would change the stack...
    stack.stack.set_config("aws:tagPolicyCompliance", auto.ConfigValue(value="warning"))
    shown = fails(stack.stack.preview)
    assert "aws:tagPolicyCompliance: 'warning' is not yet supported" in shown
    # ...and never a refresh or a destroy of what exists.
    stack.stack.refresh()
    assert [r.id for r in stack.created()] == [made.id]
    stack.stack.destroy()
    assert stack.created() == []
    assert not exists(stack, fake, made.id)


def test_a_refresh_in_an_account_the_stack_does_not_allow_fails_and_drops_nothing(
    stack: CliStack, fake: FakeAwsServer
) -> None:
    stack.stack.set_config("aws:allowedAccountIds", auto.ConfigValue(value='["123456789012"]'))
    stack.stack.up()
    (made,) = stack.created()
    # The pipeline's credentials now reach another account, where the snapshot is not: a
    # refresh there would read it as gone and drop it from the state.
    region = stack.stack.get_config("aws:region").value
    sts = fake_client("sts", region, fake.endpoint)
    role = "arn:aws:iam::222222222222:role/elsewhere"
    other = sts.assume_role(RoleArn=role, RoleSessionName="ci")["Credentials"]
    env = stack.stack.workspace.env_vars
    kept = dict(env)
    env.update(
        AWS_ACCESS_KEY_ID=other["AccessKeyId"],
        AWS_SECRET_ACCESS_KEY=other["SecretAccessKey"],
        AWS_SESSION_TOKEN=other["SessionToken"],
    )
    shown = fails(stack.stack.refresh)
    assert "AWS account 222222222222 is not allowed" in shown
    assert "aws:allowedAccountIds allows only 123456789012" in shown
    assert [r.id for r in stack.created()] == [made.id]
    assert exists(stack, fake, made.id)
    env.clear()
    env.update(kept)
    stack.stack.destroy()
    assert not exists(stack, fake, made.id)


def test_a_misspelled_endpoint_name_is_refused_naming_it(
    stack: CliStack, fake: FakeAwsServer
) -> None:
    endpoints = json.dumps([{"lightsial": fake.endpoint}])
    stack.stack.set_config("aws:endpoints", auto.ConfigValue(value=endpoints))
    shown = fails(stack.stack.preview)
    assert (
        "aws:endpoints: 'lightsial' is not a service name of pulumi-aws (did you mean "
        "'lightsail'?)" in shown
    )


def test_a_database_snapshot_name_with_an_underscore_fails_check(stack: CliStack) -> None:
    case["name"] = "bad_name"
    shown = fails(stack.stack.preview)
    assert "relational_database_snapshot_name" in shown
    assert "not allowed: '_' (only letters, digits and hyphens)" in shown


def test_default_tags_removed_outside_pulumi_are_planned_and_written_again(
    stack: CliStack, fake: FakeAwsServer
) -> None:
    stack.stack.set_config("aws:defaultTags.tags.env", auto.ConfigValue(value="ci"), path=True)
    stack.stack.up()
    (made,) = stack.created()
    assert made.outputs["tags_all"]["env"] == "ci"
    api = lightsail(stack, fake)
    api.untag_resource(resourceName=made.id, tagKeys=["env"])
    # AWS's own tags are never shown.
    api.tag_resource(resourceName=made.id, tags=[{"key": "aws:backup:source", "value": "x"}])
    stack.stack.refresh()
    (read,) = stack.created()
    assert "env" not in read.outputs["tags_all"]
    assert not any(k.startswith("aws:") for k in read.outputs["tags_all"])
    assert stack.stack.preview().change_summary == {"same": 1, "update": 1}
    stack.stack.up()
    live = api.get_relational_database_snapshot(relationalDatabaseSnapshotName=made.id)
    tags = {t["key"]: t.get("value") for t in live["relationalDatabaseSnapshot"]["tags"]}
    assert tags["env"] == "ci" and tags["aws:backup:source"] == "x"
    assert stack.stack.preview(expect_no_changes=True).change_summary == {"same": 2}
