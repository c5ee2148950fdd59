"""Error responses of the fake's own making, in each service's wire format.

moto serialises the errors its backends raise; the fake answers some requests before moto
sees them (throttled, failed, expired or invalid ones), and those answers must look like the
service's own: EC2's ``<Response><Errors>`` document, the ``<ErrorResponse>`` of the other
query services, or the JSON body with ``__type`` of Lightsail's JSON 1.1 protocol.

The codes, as the services document them:

* throttling: EC2 ``RequestLimitExceeded`` (HTTP 503), Lightsail ``ThrottlingException``,
  the query services ``Throttling`` (HTTP 400);
* transient server errors (EC2 API reference, "Error codes"; AWS "Common Errors"): EC2
  ``InternalError`` (500) and ``Unavailable`` (503); Lightsail ``ServiceException`` (500, its
  own modelled error) and ``ServiceUnavailable`` (503); RDS, ElastiCache and STS
  ``InternalFailure`` (500) and ``ServiceUnavailable`` (503);
* expired credentials: EC2 ``RequestExpired`` (400; "if you're using temporary security
  credentials, this error can also occur if the credentials have expired"), the JSON services
  ``ExpiredTokenException`` (403, AWS "Common Errors"), the query services ``ExpiredToken``
  (403, "The security token included in the request is expired").
"""

from __future__ import annotations

import json
import uuid
from typing import Any

__all__ = [
    "JSON_SERVICES",
    "Error",
    "Response",
    "error_response",
    "expired_error",
    "throttle_error",
    "throttle_response",
    "transient_error",
]

Response = tuple[int, dict[str, str], Any]
#: An error before it is put on the wire: (HTTP status, code, message).
Error = tuple[int, str, str]

#: Services that speak a JSON protocol; every other routed service speaks a query protocol.
JSON_SERVICES = frozenset({"lightsail"})

_THROTTLE_ERRORS: dict[str, tuple[int, str, str]] = {
    "ec2": (503, "RequestLimitExceeded", "Request limit exceeded."),
    "lightsail": (400, "ThrottlingException", "Rate exceeded"),
}
_DEFAULT_THROTTLE = (400, "Throttling", "Rate exceeded")

_UNAVAILABLE = "The request has failed due to a temporary failure of the server."
_TRANSIENT_ERRORS: dict[tuple[str, int], tuple[str, str]] = {
    ("ec2", 500): ("InternalError", "An internal error has occurred. Retry your request."),
    ("ec2", 503): ("Unavailable", "The server is overloaded and can't handle the request."),
    ("lightsail", 500): ("ServiceException", "A general service exception."),
}
_DEFAULT_TRANSIENT = {
    500: (
        "InternalFailure",
        "The request processing has failed because of an unknown error, exception or failure.",
    ),
    503: ("ServiceUnavailable", _UNAVAILABLE),
}

_EXPIRED_MESSAGE = "The security token included in the request is expired"
_EXPIRED_ERRORS: dict[str, Error] = {
    "ec2": (400, "RequestExpired", "Request has expired."),
    "lightsail": (403, "ExpiredTokenException", _EXPIRED_MESSAGE),
}
_DEFAULT_EXPIRED: Error = (403, "ExpiredToken", _EXPIRED_MESSAGE)


def throttle_error(service: str) -> Error:
    """The throttling error of `service`."""
    return _THROTTLE_ERRORS.get(service, _DEFAULT_THROTTLE)


def transient_error(service: str, status: int) -> Error:
    """The transient server error of `service` with HTTP `status` (500 or 503)."""
    code, message = _TRANSIENT_ERRORS.get((service, status), _DEFAULT_TRANSIENT[status])
    return status, code, message


def expired_error(service: str) -> Error:
    """The error `service` answers a request signed with expired credentials with."""
    return _EXPIRED_ERRORS.get(service, _DEFAULT_EXPIRED)


def error_response(service: str, status: int, code: str, message: str) -> Response:
    """An error of `service` (a service key such as ``ec2`` or ``neptune``), as it sends it."""
    request_id = str(uuid.uuid4())
    headers = {"x-amzn-requestid": request_id, "status": str(status)}
    if service in JSON_SERVICES:
        headers["content-type"] = "application/x-amz-json-1.1"
        headers["x-amzn-errortype"] = code
        return status, headers, json.dumps({"__type": code, "message": message})
    headers["content-type"] = "text/xml"
    message = _xml_text(message)
    if service == "ec2":
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error>'
            f"<Code>{code}</Code><Message>{message}</Message></Error></Errors>"
            f"<RequestID>{request_id}</RequestID></Response>"
        )
    else:
        kind = "Receiver" if status >= 500 else "Sender"
        body = (
            f"<ErrorResponse><Error><Type>{kind}</Type>"
            f"<Code>{code}</Code><Message>{message}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>"
        )
    return status, headers, body


def throttle_response(service: str) -> Response:
    """The throttling error `service` answers with, in its own protocol."""
    return error_response(service, *throttle_error(service))


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
