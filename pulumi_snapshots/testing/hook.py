"""The fake's hooks into moto's request handling.

Every query and JSON request moto serves, in-process (``mock_aws``) and in server mode, runs
``moto.core.responses.BaseResponse.call_action``. :func:`around` wraps it: it counts the
request, answers a throttled one with the service's throttling error and one that breaks its
model with the service's validation error (:mod:`.validation`), and afterwards notes the
snapshots the request made or read so that holds move along. :func:`serialize` wraps
``BaseResponse.serialized``, where a result becomes the wire response, to page list results.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pulumi_snapshots.testing.backends import TRACKER
from pulumi_snapshots.testing.errors import Response, error_response, throttle_response
from pulumi_snapshots.testing.paging import PagingError, page_result
from pulumi_snapshots.testing.state import STATE, service_key
from pulumi_snapshots.testing.validation import check_request, query_values

__all__ = ["around", "parse_parameters", "serialize", "service_of"]

_READ_PREFIXES = ("Describe", "Get", "List")


def service_of(response: Any) -> str:
    """The service key of a moto response object ("" when it names none)."""
    return service_key(str(getattr(response, "service_name", "") or ""))


def _action_of(response: Any) -> str:
    try:
        return str(response._get_action() or "")
    except Exception:
        return ""


def _is_snapshot_read(action: str) -> bool:
    return action.startswith(_READ_PREFIXES) and "Snapshot" in action


def around(response: Any, original: Callable[[Any], Response]) -> Response:
    """Run one moto request: count it, maybe throttle it, track snapshots it touches."""
    service = service_of(response)
    if not service:
        return original(response)
    action = _action_of(response)
    STATE.count(service, action)
    if STATE.take_throttle(service, action):
        return throttle_response(service)
    rejected = check_request(service, action, query_values(response))
    if rejected is not None:
        return rejected
    with STATE.lock:
        TRACKER.watch_backend(service, response.current_account, response.region)
        STATE.tick()
    result = original(response)
    with STATE.lock:
        TRACKER.sweep(service)
        status, _headers, body = result
        if int(status) == 200 and body and _is_snapshot_read(action):
            text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
            STATE.count_reads(service, response.current_account, response.region, text)
        STATE.tick()
    return result


def serialize(
    response: Any, action_result: Any, original: Callable[[Any, Any], Response]
) -> Response:
    """Serialise one moto result, first cutting a list result to the page asked for."""
    result = getattr(action_result, "result", None)
    if isinstance(result, dict):
        service = service_of(response)
        try:
            paged = page_result(service, _action_of(response), query_values(response), result)
        except PagingError as error:
            return error_response(service, 400, error.code, error.message)
        if paged is not None:
            action_result = type(action_result)(paged)
    return original(response, action_result)


def parse_parameters(response: Any, request: Any, original: Callable[[Any, Any], None]) -> None:
    """Let moto read a request's parameters; one it cannot read (an integer member that is no
    integer) is left to the validation in :func:`around`, which answers it as AWS does."""
    try:
        original(response, request)
    except (ValueError, TypeError, KeyError, AttributeError):
        response.params = {}
