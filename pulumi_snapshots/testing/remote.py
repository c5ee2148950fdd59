"""The control of a fake server over HTTP: the client (:class:`RemoteControl`) and the
server's side (:func:`handle_control_request`), both stdlib only."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any, cast

from pulumi_snapshots.testing.local import LocalControl
from pulumi_snapshots.testing.state import Then

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
    ) -> None:
        self._call(
            "POST",
            "hold",
            {"service": service, "match": match, "reads": reads, "seconds": seconds, "then": then},
        )

    def throttle(self, service: str, action: str, count: int) -> None:
        self._call("POST", "throttle", {"service": service, "action": action, "count": count})

    def use_manual_clock(self) -> None:
        self._call("POST", "clock/manual")

    def advance_clock(self, seconds: float) -> None:
        self._call("POST", "clock/advance", {"seconds": seconds})

    def page_size(self, service: str, size: int | None, *, action: str | None = None) -> None:
        self._call("POST", "page-size", {"service": service, "size": size, "action": action})

    def request_counts(self) -> dict[str, dict[str, int]]:
        return cast(dict[str, dict[str, int]], self._call("GET", "counts"))

    def reset(self) -> None:
        self._call("POST", "reset")

    def seed_elasticache_snapshot(
        self, name: str, region: str, engine: str = "redis", *, num_node_groups: int = 1
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
                },
            ),
        )


def handle_control_request(method: str, path: str, body: bytes) -> tuple[int, Any]:
    """Serve one control request for the fake server: (HTTP status, JSON-ready body)."""
    control = LocalControl()
    action = path[len(CONTROL_PREFIX) :].strip("/")
    try:
        payload = json.loads(body) if body else {}
        if not isinstance(payload, dict):
            raise ValueError("the request body must be a JSON object")
        if method == "GET" and action == "counts":
            return 200, control.request_counts()
        if method == "GET" and action == "health":
            return 200, {"ok": True}
        if method != "POST":
            return 404, {"error": f"no control endpoint {method} {path}"}
        if action == "hold":
            control.hold(
                str(payload.get("service")),
                match=payload.get("match", "*"),
                reads=payload.get("reads"),
                seconds=payload.get("seconds"),
                then=payload.get("then", "usable"),
            )
            return 200, {}
        if action == "throttle":
            control.throttle(
                str(payload.get("service")), payload.get("action", ""), payload.get("count", -1)
            )
            return 200, {}
        if action == "clock/manual":
            control.use_manual_clock()
            return 200, {}
        if action == "clock/advance":
            control.advance_clock(payload.get("seconds"))  # type: ignore[arg-type]
            return 200, {}
        if action == "page-size":
            control.page_size(
                str(payload.get("service")), payload.get("size"), action=payload.get("action")
            )
            return 200, {}
        if action == "reset":
            control.reset()
            return 200, {}
        if action == "seed/elasticache-snapshot":
            return 200, control.seed_elasticache_snapshot(
                str(payload.get("name") or ""),
                str(payload.get("region") or ""),
                str(payload.get("engine", "redis")),
                num_node_groups=int(payload.get("num_node_groups", 1)),
            )
        return 404, {"error": f"no control endpoint {method} {path}"}
    except (ValueError, TypeError, KeyError) as exc:
        return 400, {"error": str(exc) or type(exc).__name__}
