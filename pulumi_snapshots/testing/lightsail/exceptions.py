"""Errors of the fake Lightsail service, serialised as Lightsail's JSON errors."""

from __future__ import annotations

import json

from moto.core.exceptions import JsonRESTError

DOCS_URL = "https://lightsail.aws.amazon.com/ls/docs"


class LightsailError(JsonRESTError):
    """A Lightsail error: ``{"__type", "message", "code", "docs"}`` with an HTTP status."""

    error_type = "ServiceException"
    short_code = "InternalError"
    code = 400

    def __init__(self, message: str) -> None:
        super().__init__(self.error_type, message)
        self.content_type = "application/x-amz-json-1.1"
        self.description = json.dumps(
            {
                "__type": self.error_type,
                "message": message,
                "code": self.short_code,
                "docs": DOCS_URL,
            }
        )


class NotFoundException(LightsailError):
    """A named resource, snapshot or operation does not exist."""

    error_type = "NotFoundException"
    short_code = "DoesNotExist"


class InvalidInputException(LightsailError):
    """The request is malformed or breaks one of the service's rules."""

    error_type = "InvalidInputException"
    short_code = "InvalidInput"


class UnknownOperationException(LightsailError):
    """The ``X-Amz-Target`` names no operation this service handles."""

    error_type = "UnknownOperationException"
    short_code = "UnknownOperation"


class LightsailServiceException(LightsailError):
    """An unexpected failure inside the fake, reported instead of crashing."""

    error_type = "ServiceException"
    short_code = "InternalError"
    code = 500
