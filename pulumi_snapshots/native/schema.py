"""The Pulumi package schema of the native plugin, generated from the resources' shapes.

Nothing is written by hand per resource: types, names, descriptions, `replaceOnChanges` and
secrets come from `shapes` (the dynamic resources' own declarations) and from the `aws:*` key
table of `aws.config`, so a new input appears in every SDK the schema generates.
"""

from __future__ import annotations

import json
from importlib import metadata
from typing import Any

from pulumi_snapshots.aws.config import KEYS
from pulumi_snapshots.native.shapes import Field, Shape, rename_in_text, resource_shapes

PACKAGE = "snapshots"
PYTHON_PACKAGE = "pulumi_snapshots_native"
"""The generated Python SDK's import name: `pulumi_snapshots` is the plugin's own package."""
NODE_PACKAGE = "@pulumi-snapshots/snapshots"

SECRET_CONFIG = frozenset({"accessKey", "secretKey", "token"})
"""Provider keys whose values are secret, as in pulumi-aws's schema."""


def version() -> str:
    """The installed release: the plugin's version, which every generated SDK pins."""
    try:
        return metadata.version("pulumi-snapshots")
    except metadata.PackageNotFoundError:
        return "0.0.0"


def _config_role(web_identity: bool = False) -> dict[str, Any]:
    text = {"type": "string"}
    strings = {"type": "array", "items": {"type": "string"}}
    properties: dict[str, Any] = {
        "roleArn": {**text, "description": "The ARN of the role to assume."},
        "sessionName": {**text, "description": "The role session's name."},
        "duration": {**text, "description": 'How long the session lasts, such as "1h".'},
        "policy": {**text, "description": "A session policy (JSON)."},
        "policyArns": {**strings, "description": "Managed policies that narrow the role."},
    }
    if web_identity:
        properties["webIdentityToken"] = {
            **text,
            "secret": True,
            "description": "The OIDC token.",
        }
        properties["webIdentityTokenFile"] = {
            **text,
            "description": "A file that holds the OIDC token, read again at each use.",
        }
    else:
        properties["externalId"] = {**text, "description": "The role's external id."}
        properties["sourceIdentity"] = {**text, "description": "The session's source identity."}
        properties["tags"] = {
            "type": "object",
            "additionalProperties": text,
            "description": "Session tags.",
        }
        properties["transitiveTagKeys"] = {
            **strings,
            "description": "Session tag keys that pass on to the next role of the chain.",
        }
    return {"type": "object", "properties": properties}


CONFIG_TYPES: dict[str, dict[str, Any]] = {
    "snapshots:config:AssumeRole": {
        **_config_role(),
        "description": "A role to assume, with the keys of pulumi-aws's `aws:assumeRoles`.",
    },
    "snapshots:config:AssumeRoleWithWebIdentity": {
        **_config_role(web_identity=True),
        "description": "A role to assume with an OIDC token.",
    },
    "snapshots:config:DefaultTags": {
        "type": "object",
        "description": "Tags of every snapshot under its own.",
        "properties": {
            "tags": {
                "type": "object",
                "additionalProperties": {"type": "string"},
                "description": "The tags.",
            }
        },
    },
    "snapshots:config:IgnoreTags": {
        "type": "object",
        "description": "Tags never written, removed or reported as drift.",
        "properties": {
            "keys": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Tag keys.",
            },
            "keyPrefixes": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Tag key prefixes.",
            },
        },
    },
}

_BOOLEAN = {
    "insecure",
    "skipCredentialsValidation",
    "skipRegionValidation",
    "skipMetadataApiCheck",
    "useFipsEndpoint",
    "useDualstackEndpoint",
    "s3UsePathStyle",
}
_INTEGER = {"maxRetries", "tokenBucketRateLimiterCapacity"}
_STRINGS = {
    "allowedAccountIds",
    "forbiddenAccountIds",
    "sharedConfigFiles",
    "sharedCredentialsFiles",
    "userAgents",
}


def _config_type(key: str) -> dict[str, Any]:
    refs = {
        "assumeRole": "AssumeRole",
        "assumeRoleWithWebIdentity": "AssumeRoleWithWebIdentity",
        "defaultTags": "DefaultTags",
        "ignoreTags": "IgnoreTags",
    }
    if key == "assumeRoles":
        return {"type": "array", "items": {"$ref": "#/types/snapshots:config:AssumeRole"}}
    if key in refs:
        return {"$ref": f"#/types/snapshots:config:{refs[key]}"}
    if key == "endpoints":
        return {
            "type": "array",
            "items": {"type": "object", "additionalProperties": {"type": "string"}},
        }
    if key in _BOOLEAN:
        return {"type": "boolean"}
    if key in _INTEGER:
        return {"type": "integer"}
    if key in _STRINGS:
        return {"type": "array", "items": {"type": "string"}}
    return {"type": "string"}


def config_properties() -> dict[str, dict[str, Any]]:
    """The provider's keys: pulumi-aws's names, those that this provider reads."""
    properties: dict[str, dict[str, Any]] = {}
    for aws_key, info in KEYS.items():
        if info.status == "not applicable":
            continue
        key = aws_key.removeprefix("aws:")
        prop = {
            **_config_type(key),
            "description": f"As pulumi-aws's `aws:{key}`. {info.note}".replace(
                "`aws:", "`snapshots:"
            ),
        }
        if key in SECRET_CONFIG:
            prop["secret"] = True
        properties[key] = prop
    return properties


def _property(shape: Shape, description: str, type_name: str) -> dict[str, Any]:
    prop = _type(shape)
    prop["description"] = rename_in_text(description, type_name)
    return prop


def _type(shape: Shape) -> dict[str, Any]:
    if shape.kind == "object":
        return {"$ref": f"#/types/{shape.token}"}
    if shape.kind == "map":
        assert shape.item is not None
        return {"type": "object", "additionalProperties": _type(shape.item)}
    if shape.kind == "array":
        assert shape.item is not None
        return {"type": "array", "items": _type(shape.item)}
    return {"type": shape.kind}


def _object_types(fields: tuple[Field, ...], into: dict[str, Any], type_name: str) -> None:
    for field in fields:
        shape = field.shape
        while shape.kind in ("map", "array") and shape.item is not None:
            shape = shape.item
        if shape.kind != "object" or shape.token is None or shape.token in into:
            continue
        required = sorted(f.wire for f in shape.fields if f.required)
        into[shape.token] = {
            "type": "object",
            "description": rename_in_text(shape.description, type_name),
            "properties": {
                f.wire: _property(f.shape, f.description, type_name) for f in shape.fields
            },
            # Only when some are: the CLI drops an empty list, and the schema it serves must be
            # this one.
            **({"required": required} if required else {}),
        }
        _object_types(shape.fields, into, type_name)


def _properties(
    fields: tuple[Field, ...], replaces: set[str], type_name: str
) -> dict[str, dict[str, Any]]:
    found = {}
    for field in fields:
        prop = _property(field.shape, field.description, type_name)
        if field.name in replaces:
            prop["replaceOnChanges"] = True
        found[field.wire] = prop
    return found


def package_schema() -> dict[str, Any]:
    """The whole schema, as `GetSchema` returns it."""
    resources: dict[str, Any] = {}
    types: dict[str, Any] = dict(CONFIG_TYPES)
    for shape in resource_shapes():
        spec = shape.spec
        replaces = {f.name for f in shape.inputs if f.name not in spec.in_place}

        inputs = _properties(shape.inputs, replaces, shape.type_name)
        outputs = _properties(shape.outputs, replaces, shape.type_name)
        resources[shape.token] = {
            "description": rename_in_text(_native_description(shape.description), shape.type_name),
            "properties": outputs,
            "required": sorted(f.wire for f in shape.outputs if f.required),
            "inputProperties": inputs,
            "requiredInputs": sorted(f.wire for f in shape.inputs if f.required),
        }
        _object_types((*shape.inputs, *shape.outputs), types, shape.type_name)
    config = config_properties()
    return {
        "name": PACKAGE,
        "displayName": "AWS snapshots",
        "version": version(),
        "description": (
            "AWS snapshot operations as resources that wait, detect drift and clean up: "
            "Lightsail and ElastiCache snapshot copies, Lightsail database snapshots, "
            "multi-volume EC2 snapshots and Neptune cluster snapshot copies."
        ),
        "keywords": ["pulumi", "aws", "snapshots", "category/cloud", "kind/native"],
        "license": "Apache-2.0",
        "publisher": "pulumi-snapshots",
        "config": {"variables": config},
        "provider": {
            "description": (
                "The provider of the snapshot resources. With no keys set, the AWS environment "
                "chain applies, as for pulumi-aws; an explicit instance gives another account "
                "or region."
            ),
            "inputProperties": config,
        },
        "resources": resources,
        "types": types,
        "language": {
            "python": {
                "packageName": PYTHON_PACKAGE,
                "respectSchemaVersion": True,
                "pyproject": {"enabled": True},
                "requires": {"pulumi": ">=3.142.0,<4.0.0"},
            },
            "nodejs": {
                "packageName": NODE_PACKAGE,
                "respectSchemaVersion": True,
                "dependencies": {"@pulumi/pulumi": "^3.142.0"},
            },
            "go": {
                "importBasePath": "github.com/pulumi-snapshots/sdk/go/snapshots",
                "respectSchemaVersion": True,
            },
        },
    }


def _native_description(docstring: str) -> str:
    """The resource's docstring without its Python example, which the dynamic class shows."""
    head, _, _ = docstring.partition("```")
    return head.strip()


def schema_json() -> str:
    """The schema as GetSchema sends it."""
    return json.dumps(package_schema(), indent=2, sort_keys=True)


def main() -> None:
    """`python -m pulumi_snapshots.native.schema`: print the schema."""
    print(schema_json())


if __name__ == "__main__":
    main()
