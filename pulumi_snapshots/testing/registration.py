"""Registering the fake's Lightsail service with moto, with a clear error when it is missing."""

from __future__ import annotations

import threading

__all__ = ["LightsailFakeMissingError", "register_lightsail"]

_lock = threading.Lock()
_registered = False


class LightsailFakeMissingError(RuntimeError):
    """pulumi_snapshots.testing.lightsail is not available."""


def register_lightsail() -> None:
    """Make moto route Lightsail to :mod:`pulumi_snapshots.testing.lightsail` (once)."""
    global _registered
    with _lock:
        if _registered:
            return
        try:
            from pulumi_snapshots.testing import lightsail
        except ModuleNotFoundError as exc:
            if not (exc.name or "").startswith("pulumi_snapshots.testing.lightsail"):
                raise
            raise LightsailFakeMissingError(
                "pulumi_snapshots.testing.lightsail is missing: the fake AWS needs its Lightsail "
                "service (install pulumi-snapshots with all its files)"
            ) from exc
        register = getattr(lightsail, "register", None)
        if register is None:
            raise LightsailFakeMissingError(
                "pulumi_snapshots.testing.lightsail has no register(): the fake AWS cannot route "
                "Lightsail"
            )
        register()
        _registered = True
