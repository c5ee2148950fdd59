"""The plugin's schema: generated from the resources' declarations, complete, and valid by the
CLI's own schema binder (which checks Pulumi's metaschema first)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pulumi_snapshots.native.schema import package_schema
from pulumi_snapshots.native.shapes import (
    camel,
    from_wire,
    rename_in_text,
    resource_shape,
    resource_shapes,
    to_wire,
)
from pulumi_snapshots.testing.native import run_sdkgen, sdkgen, write_schema


def properties(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for token, resource in schema["resources"].items():
        for group in ("properties", "inputProperties"):
            found += [(f"{token}.{group}.{k}", v) for k, v in resource[group].items()]
    for token, kind in schema["types"].items():
        found += [(f"{token}.{k}", v) for k, v in kind["properties"].items()]
    found += [(f"provider.{k}", v) for k, v in schema["provider"]["inputProperties"].items()]
    return found


def test_every_property_has_a_description() -> None:
    missing = [name for name, prop in properties(package_schema()) if not prop.get("description")]
    assert missing == []


def test_names_are_camel_case_and_never_the_python_ones() -> None:
    for name, _ in properties(package_schema()):
        assert "_" not in name.rsplit(".", 1)[-1], name
    # Descriptions name the inputs as the program does.
    assert "timeout_minutes" not in json.dumps(package_schema()["resources"])


def test_replace_on_changes_is_every_input_that_replaces() -> None:
    schema = package_schema()
    for shape in resource_shapes():
        declared = {
            k
            for k, v in schema["resources"][shape.token]["inputProperties"].items()
            if v.get("replaceOnChanges")
        }
        expected = {f.wire for f in shape.inputs if f.name not in shape.spec.in_place}
        assert declared == expected, shape.type_name
        assert "tags" not in declared and "region" in declared


def test_required_inputs_follow_the_models() -> None:
    schema = package_schema()
    assert schema["resources"]["snapshots:index:Ec2MultiVolumeSnapshot"]["requiredInputs"] == [
        "instanceId"
    ]
    lightsail = schema["resources"]["snapshots:index:LightsailSnapshotCopy"]
    assert lightsail["requiredInputs"] == ["sourceRegion"]
    assert "targetSnapshotName" in lightsail["required"]


def test_secret_config_keys_are_secret() -> None:
    config = package_schema()["config"]["variables"]
    assert {k for k, v in config.items() if v.get("secret")} == {"accessKey", "secretKey", "token"}


def test_wire_names_round_trip_and_tag_keys_stay_the_users() -> None:
    shape = resource_shape("Ec2MultiVolumeSnapshot")
    values = {
        "instance_id": "i-0123456789abcdef0",
        "tags": {"cost_center": "a_b"},
        "identity": {"assume_roles": [{"role_arn": "arn:aws:iam::123456789012:role/r"}]},
        "snapshots": [{"snapshot_id": "snap-1", "volume_id": "vol-1"}],
        "__mark": "m",
    }
    wire = to_wire(shape.outputs, values)
    assert wire["instanceId"] == "i-0123456789abcdef0"
    assert wire["tags"] == {"cost_center": "a_b"}
    assert wire["identity"] == {"assumeRoles": [{"roleArn": "arn:aws:iam::123456789012:role/r"}]}
    assert wire["snapshots"] == [{"snapshotId": "snap-1", "volumeId": "vol-1"}]
    assert wire["__mark"] == "m"
    assert from_wire(shape.outputs, wire) == values


def test_messages_name_the_wire_inputs() -> None:
    text = "set adopt_id='x' or choose another relational_database_snapshot_name"
    renamed = rename_in_text(text, "LightsailDatabaseSnapshot")
    assert renamed == "set adoptId='x' or choose another relationalDatabaseSnapshotName"
    assert camel("db_cluster_snapshot_arn") == "dbClusterSnapshotArn"


@pytest.fixture(scope="module")
def generator() -> Path:
    found = sdkgen()
    if found is None:
        pytest.skip("no snapshots-sdkgen: `python3 tasks.py sdkgen` builds it (needs Go)")
    return found


def test_the_cli_binder_accepts_the_schema(generator: Path, tmp_path: Path) -> None:
    done = run_sdkgen("check", write_schema(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "valid" in done.stdout


def test_the_cli_binder_refuses_a_broken_schema(generator: Path, tmp_path: Path) -> None:
    # The check can fail: a type the metaschema does not know, and a dangling reference.
    broken = package_schema()
    token = "snapshots:index:LightsailDatabaseSnapshot"
    broken["resources"][token]["inputProperties"]["tags"]["type"] = "dictionary"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken))
    done = run_sdkgen("check", path)
    assert done.returncode != 0
    assert f"#/resources/{token}/inputProperties/tags" in done.stderr, done.stderr
    dangling = package_schema()
    dangling["resources"][token]["inputProperties"]["identity"] = {
        "$ref": "#/types/snapshots:index:Nowhere",
        "description": "x",
    }
    path.write_text(json.dumps(dangling))
    done = run_sdkgen("check", path)
    assert done.returncode != 0
    assert "Nowhere" in done.stderr
