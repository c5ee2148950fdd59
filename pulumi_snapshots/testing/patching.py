"""Putting the fake's pieces on moto, and taking them off again.

:func:`install` registers the Lightsail service, adds ElastiCache CopySnapshot, the EBS
snapshot additions and the source of DB cluster snapshot copies, caches what moto recomputes
per request (:mod:`.speed`), and wraps
``BaseResponse.call_action``, ``parse_parameters`` and ``serialized`` with :mod:`.hook`.
Installs are counted: every install needs one uninstall, and the last one restores moto's own
classes.
"""

from __future__ import annotations

import threading
from typing import Any

from pulumi_snapshots.testing import ec2_snapshots, elasticache_copy, hook, rds_copies, speed
from pulumi_snapshots.testing.backends import TRACKER
from pulumi_snapshots.testing.errors import Response
from pulumi_snapshots.testing.registration import register_lightsail

__all__ = ["forget_data", "install", "installed", "uninstall"]

_lock = threading.Lock()
_count = 0
_originals: dict[str, Any] = {}


def installed() -> bool:
    """Whether the fake's patches are in place."""
    return _count > 0


def _call_action(self: Any) -> Response:
    return hook.around(self, _originals["call_action"])


def _parse_parameters(self: Any, request: Any) -> None:
    hook.parse_parameters(self, request, _originals["parse_parameters"])


def _serialized(self: Any, action_result: Any) -> Response:
    return hook.serialize(self, action_result, _originals["serialized"])


def install() -> None:
    """Put the fake's patches on moto (counted: every install needs one uninstall)."""
    global _count
    from moto.core.responses import BaseResponse

    with _lock:
        if _count == 0:
            register_lightsail()
            elasticache_copy.install()
            ec2_snapshots.install()
            rds_copies.install()
            speed.install()
            _originals["call_action"] = BaseResponse.__dict__["call_action"]
            _originals["serialized"] = BaseResponse.__dict__["serialized"]
            _originals["parse_parameters"] = BaseResponse.__dict__["parse_parameters"]
            BaseResponse.call_action = _call_action  # type: ignore[method-assign]
            BaseResponse.serialized = _serialized  # type: ignore[method-assign]
            BaseResponse.parse_parameters = _parse_parameters  # type: ignore[method-assign]
            TRACKER.activate(True)
        _count += 1


def uninstall() -> None:
    """Undo one :func:`install`; the last one restores moto's own classes."""
    global _count
    from moto.core.responses import BaseResponse

    with _lock:
        if _count == 0:
            return
        _count -= 1
        if _count == 0:
            TRACKER.activate(False)
            BaseResponse.call_action = _originals.pop("call_action")  # type: ignore[method-assign]
            BaseResponse.serialized = _originals.pop("serialized")  # type: ignore[method-assign]
            BaseResponse.parse_parameters = _originals.pop(  # type: ignore[method-assign]
                "parse_parameters"
            )
            speed.uninstall()
            ec2_snapshots.uninstall()
            rds_copies.uninstall()
            elasticache_copy.uninstall()


def forget_data() -> None:
    """Drop tracking of snapshots (after moto's backends were reset)."""
    TRACKER.forget()
