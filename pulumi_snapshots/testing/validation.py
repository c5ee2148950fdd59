"""Validating the requests the fake serves against botocore's service models.

Before moto sees a request, :func:`check_request` reads its parameters off the wire with the
operation's input shape (:mod:`.wire`) and checks them (:mod:`.modelcheck`): required members,
types, enum values, patterns, lengths and ranges. A request that breaks its model gets the
service's own validation error, so a mistake that AWS would reject fails in tests too:

* EC2: ``MissingParameter`` for a missing member, ``InvalidParameterValue`` otherwise;
* RDS (Neptune) and ElastiCache: ``InvalidParameterValue`` ("The parameter X must be
  provided", as they report a missing member too);
* STS: ``ValidationError``;
* Lightsail validates its own requests with the same checks (``InvalidInputException``).

All with HTTP 400. S3 (rest-xml) requests are not validated: the fake's callers only list
and read exported objects there.
"""

from __future__ import annotations

import functools
from typing import Any

import botocore.session
from botocore.model import OperationModel, OperationNotFoundError, ServiceModel

from pulumi_snapshots.testing.errors import Error
from pulumi_snapshots.testing.modelcheck import Problem, check
from pulumi_snapshots.testing.wire import parse_query

__all__ = ["VALIDATED_SERVICES", "check_request", "query_values", "request_problems"]

#: Service key -> botocore model; Neptune's API is served by the RDS endpoint and model.
_MODELS = {"ec2": "ec2", "neptune": "rds", "elasticache": "elasticache", "sts": "sts"}
VALIDATED_SERVICES = frozenset(_MODELS)

#: Service key -> (error code for a missing member, error code for a bad value).
_CODES = {
    "ec2": ("MissingParameter", "InvalidParameterValue"),
    "neptune": ("InvalidParameterValue", "InvalidParameterValue"),
    "elasticache": ("InvalidParameterValue", "InvalidParameterValue"),
    "sts": ("ValidationError", "ValidationError"),
}


@functools.cache
def _service_model(name: str) -> ServiceModel:
    return botocore.session.get_session().get_service_model(name)


@functools.cache
def _operation(model: str, action: str) -> OperationModel | None:
    try:
        return _service_model(model).operation_model(action)
    except OperationNotFoundError:
        return None


def request_problems(service: str, action: str, values: dict[str, str]) -> list[Problem]:
    """Every way a query request of `action` to `service` with wire `values` breaks the
    model; empty for a valid request, an unknown action or a service not validated here."""
    model = _MODELS.get(service)
    operation = _operation(model, action) if model else None
    if operation is None or operation.input_shape is None:
        return []
    ec2 = operation.service_model.protocol == "ec2"
    params, problems = parse_query(operation.input_shape, values, ec2=ec2)
    return problems + check(operation.input_shape, params, service=service)


def _message(service: str, problems: list[Problem]) -> str:
    first = problems[0]
    if first.missing and service == "ec2":
        text = f"The request must contain the parameter {first.path}."
    elif first.missing:
        text = f"The parameter {first.path} must be provided and must not be blank."
    else:
        text = first.describe()
    if len(problems) > 1:
        text += (
            f" ({len(problems) - 1} more: " + "; ".join(p.describe() for p in problems[1:]) + ")"
        )
    return text


def check_request(service: str, action: str, values: dict[str, str]) -> Error | None:
    """The validation error `service` answers a bad request with; None for a valid one."""
    problems = request_problems(service, action, values)
    if not problems:
        return None
    missing_code, invalid_code = _CODES[service]
    code = missing_code if problems[0].missing else invalid_code
    return 400, code, _message(service, problems)


def query_values(response: Any) -> dict[str, str]:
    """The wire parameters of a moto query request (first value of each)."""
    querystring = getattr(response, "querystring", None) or {}
    return {
        str(name): str(values[0]) if isinstance(values, list) else str(values)
        for name, values in querystring.items()
        if values not in (None, [])
    }
