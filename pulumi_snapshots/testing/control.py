"""Steering the embedded fake AWS from tests: what a control offers, and where each part lives.

A :class:`Control` holds snapshots in their pending state, throttles or fails API actions,
rate-limits them with token buckets, expires credentials, pages list calls, counts requests
and errors, moves the fake's clock and seeds sources moto cannot create through its API;
:class:`LocalControl` acts on a fake in this process and :class:`RemoteControl` on a fake
server over HTTP.

The fake is split by job; this module keeps the public names in one place:

* :mod:`.state`: hold rules, held snapshots, throttles, failures, expired credentials, counts;
* :mod:`.clock`: the system clock, and the manual clock tests advance;
* :mod:`.backends`: where snapshots live on moto's backends, and noticing new ones;
* :mod:`.hook`: the wrappers around moto's request handling;
* :mod:`.validation`, :mod:`.wire`, :mod:`.modelcheck`: requests checked against the models;
* :mod:`.paging`: pages and tokens of list calls;
* :mod:`.ratelimits`: token buckets per action, account and region;
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
from pulumi_snapshots.testing.state import (
    FAILURE_STATUSES,
    HOLD_SERVICES,
    THROTTLE_SERVICES,
    Counts,
    ErrorCounts,
    Then,
)

__all__ = [
    "CONTROL_PREFIX",
    "FAILURE_STATUSES",
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
    """What tests use to steer the fake, in-process or over HTTP.

    Where a call takes `account`, it acts only on requests served in that AWS account (the
    account of the caller's credentials, such as a role assumed through the fake's STS);
    without it, on every account.
    """

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
        """Make snapshots of `service` created from now on whose id or name matches the glob
        `match` (case-insensitive) pending, for `reads` status reads or `seconds` seconds of
        the fake's clock (exactly one), then usable or in the error state (`then`).

        A status read is a response of a Describe*/Get*/List* action about snapshots that
        includes the snapshot; ``reads=0`` ends the hold at the first read. The newest
        matching rule wins. An ElastiCache export (CopySnapshot with TargetBucket) is held by
        its target name: its source reads ``exporting``, then ``available``; the objects are
        written when it ends usable and never when it ends in error.
        """
        ...

    def throttle(
        self, service: str, action: str, count: int, *, account: str | None = None
    ) -> None:
        """Fail the next `count` calls of `action` (e.g. ``DescribeSnapshots``) to `service`
        with its own throttling error: ``RequestLimitExceeded`` (ec2, HTTP 503),
        ``Throttling`` (neptune, elasticache, sts) or ``ThrottlingException`` (lightsail)."""
        ...

    def fail(
        self,
        service: str,
        action: str,
        count: int,
        *,
        status: int = 500,
        account: str | None = None,
    ) -> None:
        """Fail the next `count` calls of `action` to `service` with a transient server
        error of HTTP `status` (500 or 503) in the service's own shape: ``InternalError`` /
        ``Unavailable`` (ec2), ``ServiceException`` / ``ServiceUnavailable`` (lightsail),
        ``InternalFailure`` / ``ServiceUnavailable`` (neptune, elasticache, sts). botocore
        retries these, so each retry uses up one of the `count`."""
        ...

    def expire_credentials(self, access_key_id: str) -> None:
        """Reject every request signed with `access_key_id` as signed with expired
        credentials: ``RequestExpired`` (ec2, HTTP 400), ``ExpiredToken`` (neptune,
        elasticache, sts, HTTP 403) or ``ExpiredTokenException`` (lightsail, HTTP 403)."""
        ...

    def rate_limit(
        self,
        service: str,
        action: str | None = None,
        *,
        capacity: float | None = None,
        refill: float | None = None,
    ) -> None:
        """Throttle `service` with token buckets per action, account and region, as AWS does
        (off until called). Without figures the buckets are EC2's documented ones (for
        instance CreateSnapshots 100 tokens refilled at 5 a second, DescribeSnapshots 100 at
        20, or 50 at 10 without a filter or pagination) and, for the services that publish
        none, 100 at 20 for reads and 50 at 5 for the rest (:mod:`.ratelimits`). With
        `capacity` and `refill` (tokens a second), `action`, or every action when None, gets
        those figures instead. Buckets start full and read the fake's clock; a request that
        finds its bucket empty gets the service's throttling error."""
        ...

    def clear_rate_limits(self) -> None:
        """No token buckets (as after :meth:`reset`)."""
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

    def request_counts(self, account: str | None = None) -> Counts:
        """Requests seen so far (those the fake answered itself too), by service key and API
        action, e.g. ``{"ec2": {"DescribeSnapshots": 3}}``. Neptune requests count under
        ``neptune``; S3 requests are not counted."""
        ...

    def error_counts(self, account: str | None = None) -> ErrorCounts:
        """Errors the fake answered itself (throttling, injected failures, expired
        credentials, validation, paging), by service, action and error code, e.g.
        ``{"ec2": {"CreateSnapshots": {"RequestLimitExceeded": 2}}}``."""
        ...

    def reset(self) -> None:
        """Forget hold rules, pending throttles and failures, expired credentials, page sizes,
        rate limits and counts, and go back to the system clock (snapshots are kept)."""
        ...

    def seed_elasticache_snapshot(
        self,
        name: str,
        region: str,
        engine: str = "redis",
        *,
        num_node_groups: int = 1,
        account: str | None = None,
    ) -> dict[str, Any]:
        """Create an ``available`` manual ElastiCache snapshot to copy from (in `account`, or
        in the fake's default account)."""
        ...


if TYPE_CHECKING:
    _local: Control = LocalControl()
    _remote: Control = RemoteControl("http://127.0.0.1")
