"""Check parsed boto3 responses against botocore's output shapes.

The fake answers through moto's serialisers; these helpers prove that what a client parses
matches the real service model (member names, types, enums, required members).
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Mapping
from typing import Any

import botocore.session
from botocore.model import ListShape, MapShape, Shape, StringShape, StructureShape

__all__ = ["UNMODELED_ENUM_VALUES", "assert_valid_response", "response_problems"]

#: Values that AWS sends although the model's enum lacks them, by shape name. Lightsail's
#: CopySnapshot operation reports operationType "CopySnapshot" (the examples of CopySnapshot
#: in the Lightsail API reference and the AWS CLI's copy-snapshot examples), which the
#: OperationType enum does not list; botocore passes unknown enum values through.
UNMODELED_ENUM_VALUES: dict[str, frozenset[str]] = {"OperationType": frozenset({"CopySnapshot"})}


@functools.cache
def _session() -> Any:
    return botocore.session.get_session()


def response_problems(service: str, operation: str, response: Mapping[str, Any]) -> list[str]:
    """Every way `response` (as returned by a boto3 client) departs from the output shape of
    `service`'s `operation` (e.g. ``("elasticache", "CopySnapshot")``); empty when it fits."""
    model = _session().get_service_model(service)
    shape = model.operation_model(operation).output_shape
    body = {k: v for k, v in response.items() if k != "ResponseMetadata"}
    if shape is None:
        return [f"$: {operation} has no output, got keys {sorted(body)}"] if body else []
    problems: list[str] = []
    _check(shape, body, "$", problems)
    return problems


def assert_valid_response(service: str, operation: str, response: Mapping[str, Any]) -> None:
    """Raise AssertionError listing every mismatch between `response` and the output shape."""
    problems = response_problems(service, operation, response)
    if problems:
        raise AssertionError(
            f"{service}.{operation} response does not match botocore's output shape:\n  "
            + "\n  ".join(problems)
        )


def _check(shape: Shape, value: Any, path: str, problems: list[str]) -> None:
    kind = shape.type_name
    if isinstance(shape, StructureShape):
        if not isinstance(value, Mapping):
            problems.append(f"{path}: expected structure {shape.name}, got {type(value).__name__}")
            return
        for key, item in value.items():
            member = shape.members.get(key)
            if member is None:
                problems.append(f"{path}.{key}: not a member of {shape.name}")
            else:
                _check(member, item, f"{path}.{key}", problems)
        for key in shape.required_members:
            if key not in value:
                problems.append(f"{path}.{key}: required member of {shape.name} is missing")
    elif isinstance(shape, ListShape):
        if not isinstance(value, list):
            problems.append(f"{path}: expected list, got {type(value).__name__}")
            return
        for index, item in enumerate(value):
            _check(shape.member, item, f"{path}[{index}]", problems)
    elif isinstance(shape, MapShape):
        if not isinstance(value, Mapping):
            problems.append(f"{path}: expected map, got {type(value).__name__}")
            return
        for key, item in value.items():
            _check(shape.key, key, f"{path}<key {key!r}>", problems)
            _check(shape.value, item, f"{path}[{key!r}]", problems)
    elif kind == "string":
        enum = shape.enum if isinstance(shape, StringShape) else []
        if not isinstance(value, str):
            problems.append(f"{path}: expected string, got {type(value).__name__}")
        elif enum and value not in enum and value not in UNMODELED_ENUM_VALUES.get(shape.name, ()):
            problems.append(f"{path}: {value!r} is not one of {list(enum)}")
    elif kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"{path}: expected {kind}, got {type(value).__name__}")
    elif kind in ("float", "double"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            problems.append(f"{path}: expected {kind}, got {type(value).__name__}")
    elif kind == "boolean":
        if not isinstance(value, bool):
            problems.append(f"{path}: expected boolean, got {type(value).__name__}")
    elif kind == "timestamp":
        if not isinstance(value, datetime.datetime):
            problems.append(f"{path}: expected timestamp, got {type(value).__name__}")
    elif kind == "blob":
        if not (isinstance(value, bytes | bytearray) or hasattr(value, "read")):
            problems.append(f"{path}: expected blob, got {type(value).__name__}")
    else:
        problems.append(f"{path}: unsupported shape type {kind!r}")
