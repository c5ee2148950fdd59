"""The control of a fake running in this process (``fake_aws`` or an in-thread server)."""

from __future__ import annotations

import os
from typing import Any

from pulumi_snapshots.testing import elasticache_copy
from pulumi_snapshots.testing.backends import TRACKER, kinds
from pulumi_snapshots.testing.paging import PAGE_SIZES
from pulumi_snapshots.testing.ratelimits import RATE_LIMITS
from pulumi_snapshots.testing.state import (
    STATE,
    Counts,
    ErrorCounts,
    Then,
    check_account,
    service_key,
)

__all__ = ["LocalControl", "account_id"]


def account_id() -> str:
    """The account the fake's callers act in unless their credentials name another."""
    from moto.core.models import DEFAULT_ACCOUNT_ID

    return os.environ.get("MOTO_ACCOUNT_ID", DEFAULT_ACCOUNT_ID)


class LocalControl:
    """Control of a fake running in this process (see :class:`~.control.Control`)."""

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
        # Everything that exists now predates the rule and must never be held by it.
        STATE.add_rule(service, match, reads, seconds, then, account=account, before=TRACKER.sweep)

    def throttle(
        self, service: str, action: str, count: int, *, account: str | None = None
    ) -> None:
        STATE.add_throttle(service, action, count, account=account)

    def fail(
        self,
        service: str,
        action: str,
        count: int,
        *,
        status: int = 500,
        account: str | None = None,
    ) -> None:
        STATE.add_failure(service, action, count, status, account=account)

    def expire_credentials(self, access_key_id: str) -> None:
        STATE.expire(access_key_id)

    def rate_limit(
        self,
        service: str,
        action: str | None = None,
        *,
        capacity: float | None = None,
        refill: float | None = None,
    ) -> None:
        RATE_LIMITS.enable(service_key(service), action, capacity=capacity, refill=refill)

    def clear_rate_limits(self) -> None:
        RATE_LIMITS.clear()

    def use_manual_clock(self) -> None:
        STATE.use_manual_clock()

    def advance_clock(self, seconds: float) -> None:
        STATE.advance_clock(seconds)

    def page_size(self, service: str, size: int | None, *, action: str | None = None) -> None:
        PAGE_SIZES.set(service_key(service), size, action)

    def request_counts(self, account: str | None = None) -> Counts:
        return STATE.counts_copy(account)

    def error_counts(self, account: str | None = None) -> ErrorCounts:
        return STATE.errors_copy(account)

    def reset(self) -> None:
        STATE.reset()
        PAGE_SIZES.reset()
        RATE_LIMITS.clear()

    def seed_elasticache_snapshot(
        self,
        name: str,
        region: str,
        engine: str = "redis",
        *,
        num_node_groups: int = 1,
        account: str | None = None,
    ) -> dict[str, Any]:
        owner = check_account(account) or account_id()
        (kind,) = kinds("elasticache")
        with STATE.lock, STATE.exempting():
            snapshot = elasticache_copy.seed_snapshot(
                owner, region, name, engine=engine, num_node_groups=num_node_groups
            )
            # Seen now, as a source that predates every rule, whether or not the mapping is
            # watched yet.
            TRACKER.observe(kind, owner, region, name, snapshot)
        return elasticache_copy.describe(snapshot)
