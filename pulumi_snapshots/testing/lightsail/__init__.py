"""A Lightsail service for moto, which has none.

Importing this package changes nothing in moto; :func:`register` makes moto route
Lightsail requests here, both under ``moto.mock_aws`` and in moto's server.
"""

from __future__ import annotations

import re
import sys
import threading

from . import models, responses, urls
from .models import LightsailBackend, lightsail_backends

__all__ = ["LightsailBackend", "lightsail_backends", "register"]

SERVICE = "lightsail"
URL_PATTERN = re.compile(r"https?://lightsail\.(.+)\.amazonaws\.com")

_lock = threading.Lock()


def register() -> None:
    """Make moto serve Lightsail from this package; calling it again does nothing.

    moto finds a service through ``moto.backend_index.backend_url_patterns`` (which URL
    belongs to which service, used by the in-process stubber and by the server's host
    dispatcher) and then imports ``moto.<service>`` to read ``<service>_backends``; the
    backend's ``urls`` come from the module next to its class. So the package is aliased
    as ``moto.lightsail`` and its URL pattern appended in place (the server keeps a
    reference to the same list).
    """
    import moto
    import moto.backend_index as backend_index

    package = sys.modules[__name__]
    with _lock:
        sys.modules.setdefault(f"moto.{SERVICE}", package)
        sys.modules.setdefault(f"moto.{SERVICE}.models", models)
        sys.modules.setdefault(f"moto.{SERVICE}.responses", responses)
        sys.modules.setdefault(f"moto.{SERVICE}.urls", urls)
        if not hasattr(moto, SERVICE):
            setattr(moto, SERVICE, package)
        patterns = backend_index.backend_url_patterns
        if not any(service == SERVICE for service, _ in patterns):
            patterns.append((SERVICE, URL_PATTERN))
