"""Work moto repeats on every request that the fake does once.

A fleet of creates is as fast as the fake answers them: every request runs under one lock
(`server.ControlMiddleware`), so a millisecond spent per request is 64 ms spread over 64
creates. Profiled (`py-spy`), two of moto's costs per request were not the service's work:

- routing lists moto's package directory (`os.listdir` and an `isdir` per entry) to ask whether
  a host names a service;
- finding an action's method lists the response class's members (`inspect.getmembers`);
- serialising an error builds the service's error table anew, because each call makes a new
  `ErrorLookupFactory`, whose cache therefore never holds;
- the tags of one EC2 resource are found by a scan, with a copy, of every tag of the region
  (`TaggedEC2Resource.get_tags`): listing N snapshots cost N scans of N, 0.3 s of each poll
  round of a fleet of 500. A resource's own tags are looked up directly instead, with the
  same answer;
- routing matches the host against every service's URL pattern, twice per request (about 200
  regular expressions), for an answer that depends on the host alone;
- the request id of each response is 52 characters drawn one `choice` call at a time: drawn
  in one `choices` call, it has the same form.

These answers are fixed once the fake's own patches are on, so they are cached here (installed
last, removed first).
"""

from __future__ import annotations

import functools
import string
import threading
from typing import Any

__all__ = ["install", "uninstall"]

_lock = threading.Lock()
_originals: dict[str, Any] = {}
_tables: dict[str, Any] = {}
_methods: dict[object, list[str]] = {}
_hosts: dict[str, Any] = {}


def install() -> None:
    """Cache both answers (the caller counts installs: see `patching`)."""
    from moto import backends
    from moto.core import errors, responses
    from moto.ec2.models.core import TaggedEC2Resource
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    with _lock:
        modules = frozenset(backends.list_of_moto_modules())
        _originals["get_backend_for_host"] = DomainDispatcherApplication.__dict__[
            "get_backend_for_host"
        ]
        DomainDispatcherApplication.get_backend_for_host = _backend_for_host  # type: ignore[method-assign]
        _originals["gen_amzn_requestid_long"] = responses.__dict__["gen_amzn_requestid_long"]
        setattr(responses, "gen_amzn_requestid_long", _request_id)  # noqa: B010
        _originals["get_tags"] = TaggedEC2Resource.__dict__["get_tags"]
        TaggedEC2Resource.get_tags = _own_tags  # type: ignore[method-assign]
        _originals["list_of_moto_modules"] = backends.list_of_moto_modules
        _originals["for_service"] = errors.ErrorLookupFactory.__dict__["for_service"]
        # moto's responses module uses the name it imported, so it is replaced there.
        _originals["method_names_from_class"] = responses.__dict__["method_names_from_class"]
        backends.list_of_moto_modules = functools.partial(_same, modules)
        errors.ErrorLookupFactory.for_service = _for_service  # type: ignore[method-assign]
        setattr(responses, "method_names_from_class", _method_names)  # noqa: B010


def uninstall() -> None:
    """Put moto's own functions back."""
    from moto import backends
    from moto.core import errors, responses
    from moto.ec2.models.core import TaggedEC2Resource
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    with _lock:
        if not _originals:
            return
        DomainDispatcherApplication.get_backend_for_host = _originals.pop(  # type: ignore[method-assign]
            "get_backend_for_host"
        )
        _hosts.clear()
        setattr(responses, "gen_amzn_requestid_long", _originals.pop("gen_amzn_requestid_long"))  # noqa: B010
        TaggedEC2Resource.get_tags = _originals.pop("get_tags")  # type: ignore[method-assign]
        backends.list_of_moto_modules = _originals.pop("list_of_moto_modules")
        setattr(responses, "method_names_from_class", _originals.pop("method_names_from_class"))  # noqa: B010
        _methods.clear()
        errors.ErrorLookupFactory.for_service = _originals.pop(  # type: ignore[method-assign]
            "for_service"
        )
        _tables.clear()


def _same(modules: frozenset[str]) -> frozenset[str]:
    return modules


def _for_service(self: Any, service_model: Any) -> Any:
    service_id = service_model.metadata.get("serviceId")
    if service_id is None:
        return self._create_error_lut(service_model)
    found = _tables.get(service_id)
    if found is None:
        found = _tables.setdefault(service_id, self._create_error_lut(service_model))
    return found


def _method_names(clazz: object) -> list[str]:
    found = _methods.get(clazz)
    if found is None:
        found = _methods.setdefault(clazz, _originals["method_names_from_class"](clazz))
    return found


def _backend_for_host(self: Any, host: str | None) -> Any:
    if host is None:
        return None
    if host not in _hosts:
        _hosts[host] = _originals["get_backend_for_host"](self, host)
    return _hosts[host]


_ID_CHARACTERS = string.ascii_letters + string.digits
"""The characters of moto's request ids (`get_random_string(length=52)`)."""


def _request_id(headers: dict[str, Any] | None = None) -> str:
    from moto.moto_api._internal import mock_random

    # moto's own random source, so that a seeded fake still makes the same ids each run.
    found = "".join(mock_random.choices(_ID_CHARACTERS, k=52))
    if isinstance(headers, dict):
        headers["x-amzn-requestid"] = found
    return found


_WILDCARDS = frozenset("*?[")


def _own_tags(self: Any) -> list[dict[str, str]]:
    """What moto's `get_tags` answers, a `describe_tags` filtered on the resource's id, from
    the resource's own entry: an id with no wildcard matches only itself."""
    from moto.ec2.utils import EC2_PREFIX_TO_RESOURCE, get_prefix

    resource_id = self.id
    if not resource_id:
        return []
    if _WILDCARDS & set(resource_id):
        return _originals["get_tags"](self)  # type: ignore[no-any-return]
    own = self.ec2_backend.tags.get(resource_id) or {}
    kind = EC2_PREFIX_TO_RESOURCE.get(get_prefix(resource_id), "")
    return [
        {"resource_id": resource_id, "key": key, "value": value, "resource_type": kind}
        for key, value in own.items()
    ]
