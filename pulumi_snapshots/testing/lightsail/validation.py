"""Validation of request bodies against botocore's Lightsail input shapes."""

from __future__ import annotations

import functools
import re
from typing import Any

import botocore.session
from botocore.model import (
    ListShape,
    MapShape,
    OperationModel,
    OperationNotFoundError,
    ServiceModel,
    Shape,
    StructureShape,
)

from .exceptions import InvalidInputException

_PATTERN_FLAGS = re.ASCII | re.DOTALL


@functools.cache
def service_model() -> ServiceModel:
    """Botocore's Lightsail model, loaded on first use."""
    return botocore.session.get_session().get_service_model("lightsail")


def operation_model(name: str) -> OperationModel | None:
    """The model of operation ``name``, or None if Lightsail has no such operation."""
    try:
        return service_model().operation_model(name)
    except OperationNotFoundError:
        return None


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, _PATTERN_FLAGS)


def validate_input(shape: Shape | None, value: Any) -> dict[str, Any]:
    """Check ``value`` against an operation's input shape and return it as a dict.

    Members set to JSON ``null`` count as absent and are dropped; unknown members are
    ignored, as AWS JSON services do.
    """
    if shape is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidInputException("The request body must be a JSON object.")
    checked = _check(shape, value, "")
    assert isinstance(checked, dict)
    return checked


def _fail(path: str, rule: str) -> InvalidInputException:
    where = path or "request"
    return InvalidInputException(f"Invalid value for {where}: {rule}.")


def _check(shape: Shape, value: Any, path: str) -> Any:
    kind = shape.type_name
    if isinstance(shape, StructureShape):
        return _check_structure(shape, value, path)
    if isinstance(shape, ListShape):
        return _check_list(shape, value, path)
    if isinstance(shape, MapShape):
        if not isinstance(value, dict):
            raise _fail(path, "must be a map")
        return {
            _check(shape.key, key, f"{path}.<key>"): _check(shape.value, item, f"{path}.{key}")
            for key, item in value.items()
        }
    if kind == "string":
        return _check_string(shape, value, path)
    if kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise _fail(path, "must be an integer")
        _check_range(shape, value, path)
        return value
    if kind in ("float", "double"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _fail(path, "must be a number")
        return value
    if kind == "boolean":
        if not isinstance(value, bool):
            raise _fail(path, "must be a boolean")
        return value
    if kind == "timestamp":
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise _fail(path, "must be a timestamp")
        return value
    if kind == "blob":
        if not isinstance(value, str):
            raise _fail(path, "must be base64 text")
        return value
    raise _fail(path, f"has an unsupported type {kind}")


def _check_structure(shape: StructureShape, value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(path, "must be an object")
    checked: dict[str, Any] = {}
    for name, member in shape.members.items():
        item = value.get(name)
        member_path = f"{path}.{name}" if path else name
        if item is None:
            if name in shape.required_members:
                raise InvalidInputException(f"Missing required parameter: {member_path}.")
            continue
        checked[name] = _check(member, item, member_path)
    return checked


def _check_list(shape: ListShape, value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise _fail(path, "must be a list")
    _check_length(shape, len(value), path)
    return [_check(shape.member, item, f"{path}[{index}]") for index, item in enumerate(value)]


def _check_string(shape: Shape, value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise _fail(path, "must be a string")
    enum = getattr(shape, "enum", None)
    if enum and value not in enum:
        raise _fail(path, f"{value!r} is not one of {', '.join(enum)}")
    _check_length(shape, len(value), path)
    pattern = shape.metadata.get("pattern")
    if pattern and _compiled(pattern).fullmatch(value) is None:
        raise _fail(path, f"{value!r} does not match the pattern {pattern}")
    return value


def _check_length(shape: Shape, length: int, path: str) -> None:
    low = shape.metadata.get("min")
    high = shape.metadata.get("max")
    if low is not None and length < low:
        raise _fail(path, f"length must be at least {low}")
    if high is not None and length > high:
        raise _fail(path, f"length must be at most {high}")


def _check_range(shape: Shape, value: int, path: str) -> None:
    low = shape.metadata.get("min")
    high = shape.metadata.get("max")
    if low is not None and value < low:
        raise _fail(path, f"must be at least {low}")
    if high is not None and value > high:
        raise _fail(path, f"must be at most {high}")
