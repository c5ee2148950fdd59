"""The fake's hooks into moto's request handling.

Every query and JSON request moto serves, in-process (``mock_aws``) and in server mode, runs
``moto.core.responses.BaseResponse.call_action``. :func:`around` wraps it. It counts the
request and, before moto sees it, answers in the service's own words, in this order:

1. a request signed with expired credentials (:meth:`.state.State.expire`);
2. an injected transient server error (:meth:`.state.State.add_failure`);
3. an empty token bucket (:mod:`.ratelimits`) or a pending throttle
   (:meth:`.state.State.add_throttle`), with the service's throttling error;
4. a request that breaks its model (:mod:`.validation`).

Afterwards it notes the snapshots the request made or read, so that holds move along.
:func:`serialize` wraps ``BaseResponse.serialized``, where a result becomes the wire response,
to page list results; :func:`parse_parameters` keeps moto's own parameter parsing from
crashing on a value the validation will answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pulumi_snapshots.testing.backends import TRACKER
from pulumi_snapshots.testing.errors import (
    Error,
    Response,
    error_response,
    expired_error,
    throttle_error,
    transient_error,
)
from pulumi_snapshots.testing.paging import PagingError, page_result
from pulumi_snapshots.testing.ratelimits import RATE_LIMITS
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


def _filtered(values: dict[str, str]) -> bool:
    """Whether a request filters or pages (EC2 sizes some buckets by it)."""
    return any(name.startswith("Filter.") or name in ("MaxResults", "NextToken") for name in values)


def _answer_first(response: Any, service: str, action: str, account: str) -> Error | None:
    """The error the fake answers this request with before moto sees it, if any."""
    if STATE.is_expired(str(getattr(response, "access_key", "") or "")):
        return expired_error(service)
    status = STATE.take_failure(service, action, account)
    if status is not None:
        return transient_error(service, status)
    values = query_values(response)
    admitted = RATE_LIMITS.admit(
        service,
        action,
        account,
        str(response.region),
        filtered=_filtered(values),
        clock=STATE.clock,
    )
    if not admitted or STATE.take_throttle(service, action, account):
        return throttle_error(service)
    return check_request(service, action, values)


def around(response: Any, original: Callable[[Any], Response]) -> Response:
    """Run one moto request: count it, maybe answer it first, track snapshots it touches.

    The whole request runs under the fake's lock: moto's backends are not thread-safe (RDS
    lists its snapshots from an OrderedDict that concurrent copies change under it), and
    serving one request at a time costs little, since Python runs one thread at a time.
    """
    service = service_of(response)
    if not service:
        return original(response)
    with STATE.lock:
        action = _action_of(response)
        account = str(response.current_account)
        STATE.count(account, service, action)
        error = _answer_first(response, service, action, account)
        if error is not None:
            STATE.count_error(account, service, action, error[1])
            return error_response(service, *error)
        TRACKER.watch_backend(service, account, response.region)
        STATE.tick()
        result = original(response)
        TRACKER.sweep(service)
        status, _headers, body = result
        if int(status) == 200 and body and _is_snapshot_read(action):
            text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
            STATE.count_reads(service, account, response.region, text)
        STATE.tick()
        return result


def serialize(
    response: Any, action_result: Any, original: Callable[[Any, Any], Response]
) -> Response:
    """Serialise one moto result, first cutting a list result to the page asked for."""
    result = getattr(action_result, "result", None)
    if isinstance(result, dict):
        service, action = service_of(response), _action_of(response)
        try:
            paged = page_result(service, action, query_values(response), result)
        except PagingError as error:
            STATE.count_error(str(response.current_account), service, action, error.code)
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
