"""Error responses of the fake's own making, in each service's wire format.

moto serialises the errors its backends raise; the fake answers some requests before moto
sees them (throttled ones), and those answers must look like the service's own: EC2's
``<Response><Errors>`` document, the ``<ErrorResponse>`` of the other query services, or the
JSON body with ``__type`` of Lightsail's JSON 1.1 protocol.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

__all__ = ["JSON_SERVICES", "Response", "error_response", "throttle_response"]

Response = tuple[int, dict[str, str], Any]

#: Services that speak a JSON protocol; every other routed service speaks a query protocol.
JSON_SERVICES = frozenset({"lightsail"})

_THROTTLE_ERRORS: dict[str, tuple[int, str, str]] = {
    "ec2": (503, "RequestLimitExceeded", "Request limit exceeded."),
    "lightsail": (400, "ThrottlingException", "Rate exceeded"),
}
_DEFAULT_THROTTLE = (400, "Throttling", "Rate exceeded")


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
    status, code, message = _THROTTLE_ERRORS.get(service, _DEFAULT_THROTTLE)
    return error_response(service, status, code, message)


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
