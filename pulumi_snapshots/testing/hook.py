"""The fake's hook into moto's request handling.

Every query and JSON request moto serves, in-process (``mock_aws``) and in server mode, runs
``moto.core.responses.BaseResponse.call_action``. :func:`around` wraps it: it counts the
request, answers a throttled one with the service's throttling error, and afterwards notes the
snapshots the request made or read so that holds move along.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pulumi_snapshots.testing.backends import TRACKER
from pulumi_snapshots.testing.errors import Response, throttle_response
from pulumi_snapshots.testing.state import STATE

__all__ = ["around", "service_of"]

#: moto's BaseResponse.service_name -> the key used in counts, holds and throttles.
_MOTO_SERVICE_KEYS = {"rds": "neptune"}

_READ_PREFIXES = ("Describe", "Get", "List")


def service_of(response: Any) -> str:
    """The service key of a moto response object ("" when it names none)."""
    name = str(getattr(response, "service_name", "") or "")
    return _MOTO_SERVICE_KEYS.get(name, name)


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
