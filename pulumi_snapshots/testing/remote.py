"""The control of a fake server over HTTP: the client (:class:`RemoteControl`) and the
server's side (:func:`handle_control_request`), both stdlib only."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any, cast

from pulumi_snapshots.testing.local import LocalControl
from pulumi_snapshots.testing.state import Counts, ErrorCounts, Then

__all__ = ["CONTROL_PREFIX", "RemoteControl", "handle_control_request"]

#: Path prefix of the control endpoints. S3 bucket names cannot start with "_", and every
#: other routed service is chosen by host or signature, so no AWS request lands here.
CONTROL_PREFIX = "/_fake/"


class RemoteControl:
    """Control of a fake server over its HTTP control endpoints (see :class:`~.control.Control`)."""

    def __init__(self, endpoint_url: str, *, timeout: float = 30.0) -> None:
        self.endpoint_url = endpoint_url.rstrip("/")
        self.timeout = timeout

    def _call(self, method: str, action: str, payload: dict[str, Any] | None = None) -> Any:
        data = json.dumps(payload or {}).encode() if method == "POST" else None
        request = urllib.request.Request(
            f"{self.endpoint_url}{CONTROL_PREFIX}{action}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as reply:
                return json.loads(reply.read() or b"null")
        except urllib.error.HTTPError as exc:
            try:
                message = json.loads(exc.read()).get("error", "")
            except ValueError:
                message = ""
            if exc.code == 400:
                raise ValueError(message) from None
            raise RuntimeError(
                f"fake AWS control {method} {action} failed: HTTP {exc.code} {message}"
            ) from None

    def hold(
        self,
        service: str,
        *,
        match: str = "*",
        reads: int | None = None,
        seconds: float | None = None,
        then: Then = "usable",
        account: str | None = None,
    ) -> None:
        self._call(
            "POST",
            "hold",
            {
                "service": service,
                "match": match,
                "reads": reads,
                "seconds": seconds,
                "then": then,
                "account": account,
            },
        )

    def throttle(
        self, service: str, action: str, count: int, *, account: str | None = None
    ) -> None:
        self._call(
            "POST",
            "throttle",
            {"service": service, "action": action, "count": count, "account": account},
        )

    def fail(
        self,
        service: str,
        action: str,
        count: int,
        *,
        status: int = 500,
        account: str | None = None,
    ) -> None:
        self._call(
            "POST",
            "fail",
            {
                "service": service,
                "action": action,
                "count": count,
                "status": status,
                "account": account,
            },
        )

    def expire_credentials(self, access_key_id: str) -> None:
        self._call("POST", "expire-credentials", {"access_key_id": access_key_id})

    def rate_limit(
        self,
        service: str,
        action: str | None = None,
        *,
        capacity: float | None = None,
        refill: float | None = None,
    ) -> None:
        self._call(
            "POST",
            "rate-limits",
            {"service": service, "action": action, "capacity": capacity, "refill": refill},
        )

    def clear_rate_limits(self) -> None:
        self._call("POST", "rate-limits/clear")

    def use_manual_clock(self) -> None:
        self._call("POST", "clock/manual")

    def advance_clock(self, seconds: float) -> None:
        self._call("POST", "clock/advance", {"seconds": seconds})

    def page_size(self, service: str, size: int | None, *, action: str | None = None) -> None:
        self._call("POST", "page-size", {"service": service, "size": size, "action": action})

    def request_counts(self, account: str | None = None) -> Counts:
        return cast(Counts, self._call("GET", _with_account("counts", account)))

    def error_counts(self, account: str | None = None) -> ErrorCounts:
        return cast(ErrorCounts, self._call("GET", _with_account("errors", account)))

    def reset(self) -> None:
        self._call("POST", "reset")

    def seed_elasticache_snapshot(
        self,
        name: str,
        region: str,
        engine: str = "redis",
        *,
        num_node_groups: int = 1,
        account: str | None = None,
    ) -> dict[str, Any]:
        return cast(
            dict[str, Any],
            self._call(
                "POST",
                "seed/elasticache-snapshot",
                {
                    "name": name,
                    "region": region,
                    "engine": engine,
                    "num_node_groups": num_node_groups,
                    "account": account,
                },
            ),
        )


def _with_account(action: str, account: str | None) -> str:
    return action if account is None else f"{action}?{urllib.parse.urlencode({'account': account})}"


def handle_control_request(method: str, path: str, body: bytes) -> tuple[int, Any]:
    """Serve one control request for the fake server: (HTTP status, JSON-ready body)."""
    control = LocalControl()
    url = urllib.parse.urlsplit(path)
    action = url.path[len(CONTROL_PREFIX) :].strip("/")
    query = dict(urllib.parse.parse_qsl(url.query))
    try:
        payload = json.loads(body) if body else {}
        if not isinstance(payload, dict):
            raise ValueError("the request body must be a JSON object")
        if method == "GET":
            if action == "counts":
                return 200, control.request_counts(query.get("account"))
            if action == "errors":
                return 200, control.error_counts(query.get("account"))
            if action == "health":
                return 200, {"ok": True}
            return 404, {"error": f"no control endpoint {method} {path}"}
        if method != "POST":
            return 404, {"error": f"no control endpoint {method} {path}"}
        handler = _POST_HANDLERS.get(action)
        if handler is None:
            return 404, {"error": f"no control endpoint {method} {path}"}
        return 200, handler(control, payload) or {}
    except (ValueError, TypeError, KeyError) as exc:
        return 400, {"error": str(exc) or type(exc).__name__}


def _hold(control: LocalControl, p: dict[str, Any]) -> None:
    control.hold(
        str(p.get("service")),
        match=p.get("match", "*"),
        reads=p.get("reads"),
        seconds=p.get("seconds"),
        then=p.get("then", "usable"),
        account=p.get("account"),
    )


def _throttle(control: LocalControl, p: dict[str, Any]) -> None:
    control.throttle(
        str(p.get("service")), p.get("action", ""), p.get("count", -1), account=p.get("account")
    )


def _fail(control: LocalControl, p: dict[str, Any]) -> None:
    control.fail(
        str(p.get("service")),
        p.get("action", ""),
        p.get("count", -1),
        status=p.get("status", 500),
        account=p.get("account"),
    )


def _expire(control: LocalControl, p: dict[str, Any]) -> None:
    control.expire_credentials(p.get("access_key_id", ""))


def _rate_limit(control: LocalControl, p: dict[str, Any]) -> None:
    control.rate_limit(
        str(p.get("service")),
        p.get("action"),
        capacity=p.get("capacity"),
        refill=p.get("refill"),
    )


def _clear_rate_limits(control: LocalControl, p: dict[str, Any]) -> None:
    control.clear_rate_limits()


def _manual_clock(control: LocalControl, p: dict[str, Any]) -> None:
    control.use_manual_clock()


def _advance_clock(control: LocalControl, p: dict[str, Any]) -> None:
    control.advance_clock(p.get("seconds", -1))


def _page_size(control: LocalControl, p: dict[str, Any]) -> None:
    control.page_size(str(p.get("service")), p.get("size"), action=p.get("action"))


def _reset(control: LocalControl, p: dict[str, Any]) -> None:
    control.reset()


def _seed(control: LocalControl, p: dict[str, Any]) -> dict[str, Any]:
    return control.seed_elasticache_snapshot(
        str(p.get("name") or ""),
        str(p.get("region") or ""),
        str(p.get("engine", "redis")),
        num_node_groups=int(p.get("num_node_groups", 1)),
        account=p.get("account"),
    )


_POST_HANDLERS: dict[str, Callable[[LocalControl, dict[str, Any]], dict[str, Any] | None]] = {
    "hold": _hold,
    "throttle": _throttle,
    "fail": _fail,
    "expire-credentials": _expire,
    "rate-limits": _rate_limit,
    "rate-limits/clear": _clear_rate_limits,
    "clock/manual": _manual_clock,
    "clock/advance": _advance_clock,
    "page-size": _page_size,
    "reset": _reset,
    "seed/elasticache-snapshot": _seed,
}
