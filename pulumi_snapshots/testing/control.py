"""Steering the embedded fake AWS from tests: what a control offers, and where each part lives.

A :class:`Control` holds snapshots in their pending state, throttles API actions, counts
requests and seeds sources moto cannot create through its API; :class:`LocalControl` acts on
a fake in this process and :class:`RemoteControl` on a fake server over HTTP.

The fake is split by job; this module keeps the public names in one place:

* :mod:`.state`: hold rules, held snapshots, pending throttles, request counts;
* :mod:`.clock`: the system clock, and the manual clock tests advance;
* :mod:`.backends`: where snapshots live on moto's backends, and noticing new ones;
* :mod:`.hook`: the wrappers around moto's request handling;
* :mod:`.paging`: pages and tokens of list calls;
* :mod:`.errors`: error responses in each service's wire format;
* :mod:`.registration`: registering the Lightsail service with moto;
* :mod:`.patching`: installing and removing all of the above;
* :mod:`.local`, :mod:`.remote`: the in-process and HTTP controls.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from pulumi_snapshots.testing.local import LocalControl
from pulumi_snapshots.testing.patching import forget_data, install, installed, uninstall
from pulumi_snapshots.testing.registration import LightsailFakeMissingError
from pulumi_snapshots.testing.remote import CONTROL_PREFIX, RemoteControl, handle_control_request
from pulumi_snapshots.testing.state import HOLD_SERVICES, THROTTLE_SERVICES, Then

__all__ = [
    "CONTROL_PREFIX",
    "HOLD_SERVICES",
    "THROTTLE_SERVICES",
    "Control",
    "LightsailFakeMissingError",
    "LocalControl",
    "RemoteControl",
    "Then",
    "forget_data",
    "handle_control_request",
    "install",
    "installed",
    "uninstall",
]


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

    def use_manual_clock(self) -> None:
        """Make the fake read a manual clock from now on, starting at 0: holds by `seconds`
        (and rate-limit buckets) move only when :meth:`advance_clock` moves it. Holds made
        before keep the clock they started on; :meth:`reset` goes back to the system clock."""
        ...

    def advance_clock(self, seconds: float) -> None:
        """Move the manual clock forward by `seconds` (ValueError without a manual clock).
        Holds that become due end at the next request."""
        ...

    def page_size(self, service: str, size: int | None, *, action: str | None = None) -> None:
        """Return at most `size` items per page from the list calls of `service` (``ec2``,
        ``neptune``, ``elasticache``, ``lightsail``), or only from `action` (e.g.
        ``GetDiskSnapshots``), whatever page size the request asks for; None restores the
        service's own page sizes. Tokens stay valid across a change of size."""
        ...

    def request_counts(self) -> dict[str, dict[str, int]]:
        """Requests seen so far (throttled ones too), by service key and API action, e.g.
        ``{"ec2": {"DescribeSnapshots": 3}}``. Neptune requests count under ``neptune``;
        S3 requests are not counted."""
        ...

    def reset(self) -> None:
        """Forget hold rules, pending throttles, page sizes and counts, and go back to the
        system clock (snapshots are kept)."""
        ...

    def seed_elasticache_snapshot(
        self, name: str, region: str, engine: str = "redis", *, num_node_groups: int = 1
    ) -> dict[str, Any]:
        """Create an ``available`` manual ElastiCache snapshot to copy from."""
        ...


if TYPE_CHECKING:
    _local: Control = LocalControl()
    _remote: Control = RemoteControl("http://127.0.0.1")
