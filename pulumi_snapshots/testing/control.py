"""Steering the embedded fake AWS from tests: holds, throttles, request counts and seeding.

Everything here acts on one process-wide state, because moto's backends are process-wide too.
:func:`install` wraps ``moto.core.responses.BaseResponse.call_action``, the method every
query/JSON service runs for each request both in-process (``mock_aws``) and in server mode,
so one hook counts requests, answers throttled ones and moves held snapshots along as they
are read. The snapshot mappings of the moto backends are made to report insertions, so a held
snapshot is already pending in the response of the call that creates it.

Service keys and snapshot states (pending -> usable | error):

* ``ec2``: EBS snapshots, pending -> completed | error;
* ``neptune`` (alias ``rds``): DB cluster snapshots, creating -> available | failed;
* ``elasticache``: snapshots, creating -> available | failed; an export holds its source in
  exporting -> available;
* ``lightsail``: instance snapshots pending -> available | error, disk snapshots
  pending -> completed | error, database snapshots creating -> available | failed.
"""

from __future__ import annotations

import contextlib
import fnmatch
import functools
import itertools
import json
import os
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol, cast

__all__ = [
    "CONTROL_PREFIX",
    "HOLD_SERVICES",
    "THROTTLE_SERVICES",
    "Control",
    "LocalControl",
    "RemoteControl",
    "handle_control_request",
    "install",
    "installed",
    "uninstall",
]

Then = Literal["usable", "error"]
Response = tuple[int, dict[str, str], Any]

#: Path prefix of the control endpoints. S3 bucket names cannot start with "_", and every
#: other routed service is chosen by host or signature, so no AWS request lands here.
CONTROL_PREFIX = "/_fake/"

#: Service keys accepted by ``hold``; "rds" is an alias of "neptune" (same moto backend).
HOLD_SERVICES = ("ec2", "neptune", "elasticache", "lightsail")
THROTTLE_SERVICES = (*HOLD_SERVICES, "sts")
_ALIASES = {"rds": "neptune"}
#: moto's BaseResponse.service_name -> the key used in counts, holds and throttles.
_MOTO_SERVICE_KEYS = {"rds": "neptune"}

_READ_PREFIXES = ("Describe", "Get", "List")
_THROTTLE_ERRORS: dict[str, tuple[int, str, str]] = {
    "ec2": (503, "RequestLimitExceeded", "Request limit exceeded."),
    "lightsail": (400, "ThrottlingException", "Rate exceeded"),
}
_DEFAULT_THROTTLE = (400, "Throttling", "Rate exceeded")


class Control(Protocol):
    """What tests use to steer the fake, in-process or over HTTP."""

    def hold(
        self,
        service: str,
        *,
        match: str = "*",
        reads: int | None = None,
        seconds: float | None = None,
        then: Then = "usable",
    ) -> None:
        """Make snapshots of `service` created from now on whose id or name matches the glob
        `match` (case-insensitive) pending, for `reads` status reads or `seconds` wall seconds
        (exactly one), then usable or in the error state (`then`).

        A status read is a response of a Describe*/Get*/List* action about snapshots that
        includes the snapshot; ``reads=0`` ends the hold at the first read. The newest
        matching rule wins. An ElastiCache export (CopySnapshot with TargetBucket) is held by
        its target name: its source reads ``exporting``, then ``available``; the objects are
        written when it ends usable and never when it ends in error.
        """
        ...

    def throttle(self, service: str, action: str, count: int) -> None:
        """Fail the next `count` calls of `action` (e.g. ``DescribeSnapshots``) to `service`
        with its own throttling error: ``RequestLimitExceeded`` (ec2, HTTP 503),
        ``Throttling`` (neptune, elasticache, sts) or ``ThrottlingException`` (lightsail)."""
        ...

    def request_counts(self) -> dict[str, dict[str, int]]:
        """Requests seen so far (throttled ones too), by service key and API action, e.g.
        ``{"ec2": {"DescribeSnapshots": 3}}``. Neptune requests count under ``neptune``;
        S3 requests are not counted."""
        ...

    def reset(self) -> None:
        """Forget hold rules, pending throttles and counts (snapshots are kept)."""
        ...

    def seed_elasticache_snapshot(
        self, name: str, region: str, engine: str = "redis", *, num_node_groups: int = 1
    ) -> dict[str, Any]:
        """Create an ``available`` manual ElastiCache snapshot to copy from."""
        ...


# --------------------------------------------------------------------------- snapshot kinds


@dataclass(frozen=True)
class _Kind:
    """How to find snapshots of one kind on moto backends and move their state."""

    service: str
    label: str
    module: str
    backends_attr: str
    dict_attr: str
    state_attr: str
    name_attr: str | None
    pending: str
    usable: str
    error: str
    progress: Callable[[Any, int], None] | None = None

    def backend_dict(self) -> Any | None:
        try:
            module = __import__(self.module, fromlist=[self.backends_attr])
        except ImportError:
            return None
        return getattr(module, self.backends_attr, None)

    def names(self, key: str, obj: Any) -> tuple[str, ...]:
        names = {str(key)}
        if self.name_attr:
            value = getattr(obj, self.name_attr, None)
            if value:
                names.add(str(value))
        return tuple(sorted(names))


def _ec2_progress(obj: Any, percent: int) -> None:
    from pulumi_snapshots.testing.ec2_snapshots import PROGRESS_ATTR

    setattr(obj, PROGRESS_ATTR, f"{percent}%")


def _int_progress(attr: str) -> Callable[[Any, int], None]:
    def setter(obj: Any, percent: int) -> None:
        setattr(obj, attr, percent)

    return setter


def _percent_progress(attr: str) -> Callable[[Any, int], None]:
    def setter(obj: Any, percent: int) -> None:
        setattr(obj, attr, f"{percent}%")

    return setter


_LIGHTSAIL_MODELS = "pulumi_snapshots.testing.lightsail.models"

KINDS: tuple[_Kind, ...] = (
    _Kind(
        "ec2", "ebs-snapshot", "moto.ec2.models", "ec2_backends", "snapshots", "status", "id",
        "pending", "completed", "error", _ec2_progress,
    ),
    _Kind(
        "neptune", "db-cluster-snapshot", "moto.rds.models", "rds_backends", "cluster_snapshots",
        "status", "db_cluster_snapshot_identifier", "creating", "available", "failed",
        _int_progress("percent_progress"),
    ),
    _Kind(
        "elasticache", "cache-snapshot", "moto.elasticache.models", "elasticache_backends",
        "snapshots", "snapshot_status", "snapshot_name", "creating", "available", "failed",
    ),
    _Kind(
        "lightsail", "instance-snapshot", _LIGHTSAIL_MODELS, "lightsail_backends",
        "instance_snapshots", "state", "name", "pending", "available", "error",
        _percent_progress("progress"),
    ),
    _Kind(
        "lightsail", "disk-snapshot", _LIGHTSAIL_MODELS, "lightsail_backends",
        "disk_snapshots", "state", "name", "pending", "completed", "error",
        _percent_progress("progress"),
    ),
    _Kind(
        "lightsail", "relational-database-snapshot", _LIGHTSAIL_MODELS, "lightsail_backends",
        "relational_database_snapshots", "state", "name", "creating", "available", "failed",
    ),
)  # fmt: skip


def _kinds(service: str) -> tuple[_Kind, ...]:
    return tuple(kind for kind in KINDS if kind.service == service)


def _iter_backends(backend_dict: Any) -> Iterator[tuple[str, str, Any]]:
    # dict.items on BackendDict/AccountSpecificBackend lists existing backends only; indexing
    # would create them.
    for account_id, per_account in list(dict.items(backend_dict)):
        for region, backend in list(dict.items(per_account)):
            yield account_id, region, backend


# ------------------------------------------------------------------------- watched dicts


_WATCHED_MARKER = "_pulumi_snapshots_watched"


@functools.cache
def _watched_type(base: type[MutableMapping[Any, Any]]) -> type:
    """A subclass of the mapping type `base` that reports every inserted item."""

    def __setitem__(self: Any, key: Any, value: Any) -> None:
        base.__setitem__(self, key, value)
        callback = self.__dict__.get("on_insert")
        if callback is not None:
            callback(key, value)

    namespace: dict[str, Any] = {"__setitem__": __setitem__, _WATCHED_MARKER: True}
    if issubclass(base, dict):
        # dict's own update/setdefault bypass __setitem__.
        def update(self: Any, *args: Any, **kwargs: Any) -> None:
            for key, value in dict(*args, **kwargs).items():
                self[key] = value

        def setdefault(self: Any, key: Any, default: Any = None) -> Any:
            if key not in self:
                self[key] = default
            return self[key]

        namespace.update(update=update, setdefault=setdefault)
    return type(f"Watched{base.__name__}", (base,), namespace)


def _watched(container: MutableMapping[Any, Any]) -> tuple[MutableMapping[Any, Any], bool]:
    """`container` made to report insertions: (the watching mapping, whether it is a copy).

    Mappings of Python classes change class in place, so every reference to them stays
    valid; a built-in dict cannot, and is replaced by a watching copy.
    """
    watched_type = _watched_type(type(container))
    try:
        container.__class__ = watched_type
    except TypeError:
        return cast(MutableMapping[Any, Any], watched_type(container)), True
    return container, False


# --------------------------------------------------------------------------------- state


@dataclass
class _Rule:
    service: str
    pattern: str
    reads: int | None
    seconds: float | None
    then: Then
    seq: int

    def matches(self, service: str, names: tuple[str, ...]) -> bool:
        return service == self.service and any(
            fnmatch.fnmatchcase(name.lower(), self.pattern) for name in names
        )


@dataclass
class _Held:
    service: str
    account_id: str
    region: str
    names: tuple[str, ...]
    rule: _Rule
    set_progress: Callable[[int], None]
    finish: Callable[[bool], None]
    started: float = field(default_factory=time.monotonic)
    reads_done: int = 0
    done: bool = False

    def due(self) -> bool:
        if self.rule.seconds is not None:
            return time.monotonic() - self.started >= self.rule.seconds
        return self.reads_done >= (self.rule.reads or 0)

    def percent(self) -> int:
        if self.rule.seconds:
            fraction = (time.monotonic() - self.started) / self.rule.seconds
        elif self.rule.reads:
            fraction = self.reads_done / (self.rule.reads + 1)
        else:
            fraction = 0.0
        return max(0, min(99, int(fraction * 100)))


class _State:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.rules: list[_Rule] = []
        self.throttles: dict[tuple[str, str], int] = {}
        self.counts: dict[str, dict[str, int]] = {}
        self.held: list[_Held] = []
        self.seen: dict[tuple[str, str, str, str], Any] = {}
        self.seq = itertools.count(1)
        self.exempt = threading.local()

    # ---------------------------------------------------------------- rules

    def add_rule(
        self,
        service: str,
        match: str,
        reads: int | None,
        seconds: float | None,
        then: str,
    ) -> None:
        service = _hold_service(service)
        if not isinstance(match, str) or not match:
            raise ValueError("match must be a non-empty glob")
        if (reads is None) == (seconds is None):
            raise ValueError("give exactly one of reads and seconds")
        if reads is not None and (isinstance(reads, bool) or not isinstance(reads, int)):
            raise ValueError("reads must be an integer")
        if reads is not None and reads < 0:
            raise ValueError("reads must be >= 0")
        if seconds is not None and (
            isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0
        ):
            raise ValueError("seconds must be a number >= 0")
        if then not in ("usable", "error"):
            raise ValueError('then must be "usable" or "error"')
        with self.lock:
            # Everything that exists now predates the rule and must never be held by it.
            self.sweep(service)
            self.rules.append(
                _Rule(
                    service,
                    match.lower(),
                    reads,
                    float(seconds) if seconds is not None else None,
                    cast(Then, then),
                    next(self.seq),
                )
            )

    def add_throttle(self, service: str, action: str, count: int) -> None:
        service = _ALIASES.get(service, service)
        if service not in THROTTLE_SERVICES:
            raise ValueError(f"service must be one of {list(THROTTLE_SERVICES)}, got {service!r}")
        if not isinstance(action, str) or not action:
            raise ValueError("action must be an API action name such as DescribeSnapshots")
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError("count must be an integer >= 0")
        with self.lock:
            self.throttles[(service, action)] = count

    def counts_copy(self) -> dict[str, dict[str, int]]:
        with self.lock:
            return {service: dict(actions) for service, actions in self.counts.items()}

    def reset(self) -> None:
        with self.lock:
            self.rules.clear()
            self.throttles.clear()
            self.counts.clear()

    def forget_data(self) -> None:
        """Drop what refers to moto data (used when moto's backends are reset)."""
        with self.lock:
            self.held.clear()
            self.seen.clear()

    @contextlib.contextmanager
    def exempting(self) -> Iterator[None]:
        """Snapshots created inside are never held (seeded sources)."""
        self.exempt.active = True
        try:
            yield
        finally:
            self.exempt.active = False

    def _rule_for(self, service: str, names: tuple[str, ...]) -> _Rule | None:
        for rule in reversed(self.rules):
            if rule.matches(service, names):
                return rule
        return None

    # ------------------------------------------------------------- tracking

    def sweep(self, service: str) -> None:
        """Observe every snapshot of `service`, watching each backend's snapshot dicts."""
        for kind in _kinds(service):
            backend_dict = kind.backend_dict()
            if backend_dict is None:
                continue
            for account_id, region, backend in _iter_backends(backend_dict):
                snapshots = self._watch(kind, account_id, region, backend)
                if snapshots is None:
                    continue
                for key, obj in list(snapshots.items()):
                    self.observe(kind, account_id, region, key, obj)

    def watch_backend(self, service: str, account_id: str, region: str) -> None:
        """Watch the backends a request to `service` in `region` will write to."""
        for kind in _kinds(service):
            backend_dict = kind.backend_dict()
            if backend_dict is None:
                continue
            try:
                backend = backend_dict[account_id][region]
            except (KeyError, ValueError):
                continue
            self._watch(kind, account_id, region, backend)

    def _watch(
        self, kind: _Kind, account_id: str, region: str, backend: Any
    ) -> MutableMapping[Any, Any] | None:
        snapshots = getattr(backend, kind.dict_attr, None)
        if not isinstance(snapshots, MutableMapping):
            return None
        if not getattr(type(snapshots), _WATCHED_MARKER, False):
            # What a mapping holds before it is watched was made with the backend (moto's
            # default data) or before any rule could see it: never held.
            for key, obj in list(snapshots.items()):
                self.observe(kind, account_id, region, key, obj, exempt=True)
            snapshots, copied = _watched(snapshots)
            if copied:
                setattr(backend, kind.dict_attr, snapshots)
        snapshots.on_insert = functools.partial(  # type: ignore[attr-defined]
            self._on_insert, kind, account_id, region
        )
        return snapshots

    def _on_insert(self, kind: _Kind, account_id: str, region: str, key: Any, obj: Any) -> None:
        if installed():
            with self.lock:
                self.observe(kind, account_id, region, key, obj)

    def observe(
        self,
        kind: _Kind,
        account_id: str,
        region: str,
        key: Any,
        obj: Any,
        *,
        exempt: bool = False,
    ) -> None:
        """Note `obj` under `key`; the first time, hold it if a rule matches."""
        ident = (kind.label, account_id, region, str(key))
        if self.seen.get(ident) is obj:
            return
        self.seen[ident] = obj
        if exempt or getattr(self.exempt, "active", False):
            return
        names = kind.names(str(key), obj)
        rule = self._rule_for(kind.service, names)
        if rule is None:
            return

        def set_progress(percent: int) -> None:
            if kind.progress is not None:
                kind.progress(obj, percent)

        def finish(succeeded: bool) -> None:
            setattr(obj, kind.state_attr, kind.usable if succeeded else kind.error)
            if succeeded:
                set_progress(100)

        setattr(obj, kind.state_attr, kind.pending)
        set_progress(0)
        self.held.append(_Held(kind.service, account_id, region, names, rule, set_progress, finish))

    def hold_export(
        self,
        account_id: str,
        region: str,
        target_name: str,
        source: Any,
        on_done: Callable[[bool], None],
    ) -> bool:
        """Hold an ElastiCache export named `target_name` if a rule matches it: the source
        reads ``exporting`` until the hold ends, then ``available`` again, and `on_done` is
        told whether the export succeeded. False when no rule matches."""
        with self.lock:
            rule = self._rule_for("elasticache", (target_name,))
            if rule is None or getattr(self.exempt, "active", False):
                return False
            source_name = str(source.snapshot_name)

            def finish(succeeded: bool) -> None:
                source.snapshot_status = "available"
                on_done(succeeded)

            source.snapshot_status = "exporting"
            self.held.append(
                _Held(
                    "elasticache",
                    account_id,
                    region,
                    (source_name,),
                    rule,
                    lambda _percent: None,
                    finish,
                )
            )
            return True

    def tick(self) -> None:
        """Finish holds that are due; move the progress of the others."""
        for held in self.held:
            if held.done:
                continue
            if held.due():
                held.done = True
                held.finish(held.rule.then == "usable")
            else:
                held.set_progress(held.percent())
        self.held = [held for held in self.held if not held.done]

    def count_reads(self, service: str, account_id: str, region: str, body: str) -> None:
        """Count one read of each held snapshot that `body` (a response) includes."""
        for held in self.held:
            if held.done or (held.service, held.account_id, held.region) != (
                service,
                account_id,
                region,
            ):
                continue
            if any(f">{name}<" in body or f'"{name}"' in body for name in held.names):
                held.reads_done += 1

    # ------------------------------------------------------------- requests

    def around(self, response: Any, original: Callable[[Any], Response]) -> Response:
        """Run one moto request: count it, maybe throttle it, track snapshots it touches."""
        service_name = str(getattr(response, "service_name", "") or "")
        if not service_name:
            return original(response)
        service = _MOTO_SERVICE_KEYS.get(service_name, service_name)
        try:
            action = str(response._get_action() or "")
        except Exception:
            action = ""
        with self.lock:
            actions = self.counts.setdefault(service, {})
            actions[action] = actions.get(action, 0) + 1
            remaining = self.throttles.get((service, action), 0)
            if remaining > 0:
                self.throttles[(service, action)] = remaining - 1
                return throttle_response(service)
            self.watch_backend(service, response.current_account, response.region)
            self.tick()
        result = original(response)
        with self.lock:
            self.sweep(service)
            status, _headers, body = result
            if (
                int(status) == 200
                and action.startswith(_READ_PREFIXES)
                and "Snapshot" in action
                and body
            ):
                text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
                self.count_reads(service, response.current_account, response.region, text)
            self.tick()
        return result


_STATE = _State()


def _hold_service(service: str) -> str:
    service = _ALIASES.get(service, service)
    if service not in HOLD_SERVICES:
        raise ValueError(f"service must be one of {list(HOLD_SERVICES)} or 'rds', got {service!r}")
    return service


def hold_export(
    account_id: str,
    region: str,
    target_name: str,
    source: Any,
    on_done: Callable[[bool], None],
) -> bool:
    """See :meth:`_State.hold_export` (used by the ElastiCache CopySnapshot export)."""
    return _STATE.hold_export(account_id, region, target_name, source, on_done)


def throttle_response(service: str) -> Response:
    """The throttling error `service` answers with, in its own protocol."""
    status, code, message = _THROTTLE_ERRORS.get(service, _DEFAULT_THROTTLE)
    request_id = str(uuid.uuid4())
    headers = {"x-amzn-requestid": request_id, "status": str(status)}
    if service == "lightsail":
        headers["content-type"] = "application/x-amz-json-1.1"
        headers["x-amzn-errortype"] = code
        return status, headers, json.dumps({"__type": code, "message": message})
    headers["content-type"] = "text/xml"
    if service == "ec2":
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error>'
            f"<Code>{code}</Code><Message>{message}</Message></Error></Errors>"
            f"<RequestID>{request_id}</RequestID></Response>"
        )
    else:
        body = (
            "<ErrorResponse><Error><Type>Sender</Type>"
            f"<Code>{code}</Code><Message>{message}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>"
        )
    return status, headers, body


# ------------------------------------------------------------------------- installation

_install_lock = threading.Lock()
_install_count = 0
_originals: dict[str, Any] = {}
_lightsail_registered = False


class LightsailFakeMissingError(RuntimeError):
    """pulumi_snapshots.testing.lightsail is not available."""


def installed() -> bool:
    """Whether the fake's patches are in place."""
    return _install_count > 0


def _call_action(self: Any) -> Response:
    return _STATE.around(self, _originals["call_action"])


def _register_lightsail() -> None:
    global _lightsail_registered
    if _lightsail_registered:
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
    _lightsail_registered = True


def install() -> None:
    """Put the fake's patches on moto (counted: every install needs one uninstall).

    Registers the Lightsail service, adds ElastiCache CopySnapshot and the EBS snapshot
    additions, and hooks ``BaseResponse.call_action``.
    """
    global _install_count
    from moto.core.responses import BaseResponse

    from pulumi_snapshots.testing import ec2_snapshots, elasticache_copy

    with _install_lock:
        if _install_count == 0:
            _register_lightsail()
            elasticache_copy.install()
            ec2_snapshots.install()
            _originals["call_action"] = BaseResponse.__dict__["call_action"]
            BaseResponse.call_action = _call_action  # type: ignore[method-assign]
        _install_count += 1


def uninstall() -> None:
    """Undo one :func:`install`; the last one restores moto's own classes."""
    global _install_count
    from moto.core.responses import BaseResponse

    from pulumi_snapshots.testing import ec2_snapshots, elasticache_copy

    with _install_lock:
        if _install_count == 0:
            return
        _install_count -= 1
        if _install_count == 0:
            BaseResponse.call_action = _originals.pop("call_action")  # type: ignore[method-assign]
            ec2_snapshots.uninstall()
            elasticache_copy.uninstall()


def forget_data() -> None:
    """Drop tracking of snapshots (after moto's backends were reset)."""
    _STATE.forget_data()


def _account_id() -> str:
    from moto.core.models import DEFAULT_ACCOUNT_ID

    return os.environ.get("MOTO_ACCOUNT_ID", DEFAULT_ACCOUNT_ID)


# ----------------------------------------------------------------------------- controls


class LocalControl:
    """Control of a fake running in this process (``fake_aws`` or an in-thread server)."""

    def hold(
        self,
        service: str,
        *,
        match: str = "*",
        reads: int | None = None,
        seconds: float | None = None,
        then: Then = "usable",
    ) -> None:
        _STATE.add_rule(service, match, reads, seconds, then)

    def throttle(self, service: str, action: str, count: int) -> None:
        _STATE.add_throttle(service, action, count)

    def request_counts(self) -> dict[str, dict[str, int]]:
        return _STATE.counts_copy()

    def reset(self) -> None:
        _STATE.reset()

    def seed_elasticache_snapshot(
        self, name: str, region: str, engine: str = "redis", *, num_node_groups: int = 1
    ) -> dict[str, Any]:
        from pulumi_snapshots.testing import elasticache_copy

        account_id = _account_id()
        (kind,) = _kinds("elasticache")
        with _STATE.lock, _STATE.exempting():
            snapshot = elasticache_copy.seed_snapshot(
                account_id, region, name, engine=engine, num_node_groups=num_node_groups
            )
            # Seen now, as a source that predates every rule, whether or not the dict is
            # watched yet.
            _STATE.observe(kind, account_id, region, name, snapshot)
        return elasticache_copy.describe(snapshot)


class RemoteControl:
    """Control of a fake server over its HTTP control endpoints (stdlib only)."""

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


if TYPE_CHECKING:
    _local: Control = LocalControl()
    _remote: Control = RemoteControl("http://127.0.0.1")
