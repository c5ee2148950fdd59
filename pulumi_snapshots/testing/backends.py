"""Where snapshots live on moto's backends, and how the fake sees new ones.

Each :class:`Kind` says which backend mapping holds one kind of snapshot and how to move its
state. :class:`Tracker` makes those mappings report insertions (so a held snapshot is already
pending in the response of the call that creates it) and hands every new snapshot to
:data:`~pulumi_snapshots.testing.state.STATE`, which decides whether a rule holds it.

Service keys and snapshot states (pending -> usable | error):

* ``ec2``: EBS snapshots, pending -> completed | error;
* ``neptune`` (alias ``rds``): DB cluster snapshots, creating -> available | failed;
* ``elasticache``: snapshots, creating -> available | failed; an export holds its source in
  exporting -> available;
* ``lightsail``: instance snapshots pending -> available | error, disk snapshots
  pending -> completed | error, database snapshots creating -> available | failed.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass
from typing import Any, cast

from pulumi_snapshots.testing.state import STATE

__all__ = ["KINDS", "TRACKER", "Kind", "Tracker", "iter_backends", "kinds"]


@dataclass(frozen=True)
class Kind:
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

KINDS: tuple[Kind, ...] = (
    Kind(
        "ec2", "ebs-snapshot", "moto.ec2.models", "ec2_backends", "snapshots", "status", "id",
        "pending", "completed", "error", _ec2_progress,
    ),
    Kind(
        "neptune", "db-cluster-snapshot", "moto.rds.models", "rds_backends", "cluster_snapshots",
        "status", "db_cluster_snapshot_identifier", "creating", "available", "failed",
        _int_progress("percent_progress"),
    ),
    Kind(
        "elasticache", "cache-snapshot", "moto.elasticache.models", "elasticache_backends",
        "snapshots", "snapshot_status", "snapshot_name", "creating", "available", "failed",
    ),
    Kind(
        "lightsail", "instance-snapshot", _LIGHTSAIL_MODELS, "lightsail_backends",
        "instance_snapshots", "state", "name", "pending", "available", "error",
        _percent_progress("progress"),
    ),
    Kind(
        "lightsail", "disk-snapshot", _LIGHTSAIL_MODELS, "lightsail_backends",
        "disk_snapshots", "state", "name", "pending", "completed", "error",
        _percent_progress("progress"),
    ),
    Kind(
        "lightsail", "relational-database-snapshot", _LIGHTSAIL_MODELS, "lightsail_backends",
        "relational_database_snapshots", "state", "name", "creating", "available", "failed",
    ),
)  # fmt: skip


def kinds(service: str) -> tuple[Kind, ...]:
    """The snapshot kinds of one service key."""
    return tuple(kind for kind in KINDS if kind.service == service)


def iter_backends(backend_dict: Any) -> Iterator[tuple[str, str, Any]]:
    """(account id, region, backend) of every backend that exists in `backend_dict`."""
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


# ------------------------------------------------------------------------------ tracker


class Tracker:
    """Notes every snapshot on moto's backends once, and offers new ones to the hold rules."""

    def __init__(self) -> None:
        self.lock = STATE.lock
        self.seen: dict[tuple[str, str, str, str], Any] = {}
        self._active = threading.Event()

    def activate(self, active: bool) -> None:
        """Start or stop acting on insertions (watched mappings outlive an uninstall)."""
        if active:
            self._active.set()
        else:
            self._active.clear()

    def forget(self) -> None:
        """Drop what refers to moto data (used when moto's backends are reset)."""
        with self.lock:
            self.seen.clear()
            STATE.forget_held()

    def sweep(self, service: str) -> None:
        """Watch the snapshot mappings of every backend of `service`, including those a request
        has just made. A watched mapping reports each insertion itself (`_watched_type`), so
        its snapshots are not looked at again: doing so on every request cost EC2, with moto's
        default AMI snapshots, a millisecond a request."""
        with self.lock:
            for kind in kinds(service):
                backend_dict = kind.backend_dict()
                if backend_dict is None:
                    continue
                for account_id, region, backend in iter_backends(backend_dict):
                    self._watch(kind, account_id, region, backend)

    def watch_backend(self, service: str, account_id: str, region: str) -> None:
        """Watch the backends a request to `service` in `region` will write to."""
        with self.lock:
            for kind in kinds(service):
                backend_dict = kind.backend_dict()
                if backend_dict is None:
                    continue
                try:
                    backend = backend_dict[account_id][region]
                except (KeyError, ValueError):
                    continue
                self._watch(kind, account_id, region, backend)

    def _watch(
        self, kind: Kind, account_id: str, region: str, backend: Any
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

    def _on_insert(self, kind: Kind, account_id: str, region: str, key: Any, obj: Any) -> None:
        if self._active.is_set():
            with self.lock:
                self.observe(kind, account_id, region, key, obj)

    def observe(
        self,
        kind: Kind,
        account_id: str,
        region: str,
        key: Any,
        obj: Any,
        *,
        exempt: bool = False,
    ) -> None:
        """Note `obj` under `key`; the first time, hold it if a rule matches."""
        ident = (kind.label, account_id, region, str(key))
        with self.lock:
            if self.seen.get(ident) is obj:
                return
            self.seen[ident] = obj
            if exempt:
                return

            def set_progress(percent: int) -> None:
                if kind.progress is not None:
                    kind.progress(obj, percent)

            def finish(succeeded: bool) -> None:
                setattr(obj, kind.state_attr, kind.usable if succeeded else kind.error)
                if succeeded:
                    set_progress(100)

            names = kind.names(str(key), obj)
            if STATE.hold(kind.service, account_id, region, names, set_progress, finish):
                setattr(obj, kind.state_attr, kind.pending)
                set_progress(0)


TRACKER = Tracker()
