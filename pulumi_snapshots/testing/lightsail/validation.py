"""Validation of request bodies against botocore's Lightsail input shapes."""

from __future__ import annotations

import functools
from typing import Any

import botocore.session
from botocore.model import (
    OperationModel,
    OperationNotFoundError,
    ServiceModel,
    Shape,
    StructureShape,
)

from ..modelcheck import check
from .exceptions import InvalidInputException


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


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value


def validate_input(shape: Shape | None, value: Any) -> dict[str, Any]:
    """Check ``value`` against an operation's input shape and return it as a dict.

    Members set to JSON ``null`` count as absent and are dropped; unknown members are
    ignored, as AWS JSON services do. The first problem found is an InvalidInputException.
    """
    if not isinstance(shape, StructureShape):
        return {}
    if not isinstance(value, dict):
        raise InvalidInputException("The request body must be a JSON object.")
    document = _without_nulls(value)
    problems = check(shape, document, service="lightsail")
    if problems:
        raise InvalidInputException(problems[0].describe())
    return {name: document[name] for name in shape.members if name in document}
