"""Token buckets in the fake, as AWS throttles API requests: per action, account and region.

Off by default. A bucket holds up to `capacity` tokens and gains `refill` tokens a second; each
request takes one, and a request that finds the bucket empty gets the service's throttling
error. Buckets read the fake's clock (:mod:`.clock`), so a test with a manual clock decides
exactly when they refill.

EC2's figures are AWS's ("Request throttling for the Amazon EC2 API",
https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html, request token bucket
sizes and refill rates): each API action has its own bucket, sized by its category, and some
actions have their own figures. The category of "unfiltered and unpaginated non-mutating
actions" applies to a request of those actions with neither a filter nor pagination. EC2's
resource rate limits (instances launched or stopped) are not modelled.

AWS publishes no such figures for RDS (Neptune), ElastiCache, Lightsail or STS; the fake gives
their actions conservative buckets of EC2's sizes: reads (Describe*, Get*, List*) 100 tokens
refilled at 20 a second, every other action 50 refilled at 5.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping
from dataclasses import dataclass

from pulumi_snapshots.testing.clock import Clock

__all__ = [
    "EC2_ACTIONS",
    "RATE_LIMITED_SERVICES",
    "RATE_LIMITS",
    "Bucket",
    "Figures",
    "RateLimits",
    "default_figures",
]

Figures = tuple[float, float]
"""(bucket capacity, refill per second)."""

_READ_PREFIXES = ("Describe", "Get", "List", "Search")

# EC2's categories (same source as above).
_EC2_NON_MUTATING: Figures = (100, 20)
_EC2_UNFILTERED: Figures = (50, 10)
_EC2_MUTATING: Figures = (50, 5)
_EC2_RESOURCE_INTENSIVE: Figures = (50, 5)
_EC2_UNFILTERED_ACTIONS = frozenset(
    {
        "DescribeInstances",
        "DescribeInstanceStatus",
        "DescribeNetworkInterfaces",
        "DescribeSecurityGroups",
        "DescribeSnapshots",
        "DescribeSpotInstanceRequests",
        "DescribeVolumes",
    }
)
_EC2_RESOURCE_INTENSIVE_ACTIONS = frozenset(
    {
        "AcceptVpcPeeringConnection",
        "AuthorizeSecurityGroupIngress",
        "CancelSpotInstanceRequests",
        "CreateKeyPair",
        "CreateVpcPeeringConnection",
        "DeleteVpcPeeringConnection",
        "RejectVpcPeeringConnection",
        "RevokeSecurityGroupIngress",
        "RequestSpotInstances",
    }
)
#: EC2's "uncategorized actions" with their own figures, for the actions around snapshots,
#: volumes, images, tags and instances.
EC2_ACTIONS: Mapping[str, Figures] = {
    "CopyImage": (100, 1),
    "CreateSnapshot": (100, 5),
    "CreateSnapshots": (100, 5),
    "CreateTags": (100, 10),
    "CreateVolume": (100, 5),
    "DeleteSnapshot": (100, 5),
    "DeleteTags": (100, 10),
    "DeleteVolume": (100, 5),
    "DeregisterImage": (100, 5),
    "ModifyImageAttribute": (100, 5),
    "ModifySnapshotAttribute": (100, 5),
    "RunInstances": (5, 2),
    "StartInstances": (5, 2),
    "TerminateInstances": (100, 5),
}

_DEFAULT_READ: Figures = (100, 20)
_DEFAULT_OTHER: Figures = (50, 5)

RATE_LIMITED_SERVICES = ("ec2", "neptune", "elasticache", "lightsail", "sts")


def _is_read(action: str) -> bool:
    return action.startswith(_READ_PREFIXES)


def default_figures(service: str, action: str, filtered: bool) -> tuple[str, Figures]:
    """(bucket name, figures) of `action` of `service`; `filtered` says whether the request
    has a filter or pagination (EC2 sizes some reads by it)."""
    if service == "ec2":
        if action in EC2_ACTIONS:
            return action, EC2_ACTIONS[action]
        if action in _EC2_UNFILTERED_ACTIONS and not filtered:
            return f"{action} (unfiltered)", _EC2_UNFILTERED
        if action in _EC2_RESOURCE_INTENSIVE_ACTIONS:
            return action, _EC2_RESOURCE_INTENSIVE
        return action, _EC2_NON_MUTATING if _is_read(action) else _EC2_MUTATING
    return action, _DEFAULT_READ if _is_read(action) else _DEFAULT_OTHER


@dataclass
class Bucket:
    """One token bucket, full when made."""

    capacity: float
    refill: float
    clock: Clock
    tokens: float = 0.0
    updated: float = 0.0

    def __post_init__(self) -> None:
        self.tokens = self.capacity
        self.updated = self.clock.now()

    def take(self) -> bool:
        """Take a token if there is one."""
        now = self.clock.now()
        self.tokens = min(self.capacity, self.tokens + max(0.0, now - self.updated) * self.refill)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


def _figures(capacity: float, refill: float) -> Figures:
    for name, value in (("capacity", capacity), ("refill", refill)):
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise ValueError(f"{name} must be a number")
    if capacity < 1:
        raise ValueError("capacity must be at least 1 token")
    if refill < 0:
        raise ValueError("refill must be >= 0 tokens a second")
    return float(capacity), float(refill)


class RateLimits:
    """Which services are rate limited, with which figures, and their buckets."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._services: dict[str, dict[str, Figures]] = {}
        self._buckets: dict[tuple[str, str, str, str], Bucket] = {}

    def enable(
        self,
        service: str,
        action: str | None = None,
        *,
        capacity: float | None = None,
        refill: float | None = None,
    ) -> None:
        """Rate limit `service`; with `capacity` and `refill`, give `action` (every action
        when None) those figures instead of the service's own. Buckets start full again."""
        if service not in RATE_LIMITED_SERVICES:
            raise ValueError(
                f"service must be one of {list(RATE_LIMITED_SERVICES)}, got {service!r}"
            )
        if (capacity is None) != (refill is None):
            raise ValueError("give both capacity and refill, or neither")
        if action is not None and (not isinstance(action, str) or not action):
            raise ValueError("action must be an API action name such as CreateSnapshots")
        if capacity is None and action is not None:
            raise ValueError("an action needs its own capacity and refill")
        with self._lock:
            overrides = self._services.setdefault(service, {})
            if capacity is not None and refill is not None:
                overrides[action or "*"] = _figures(capacity, refill)
            self._buckets.clear()

    def clear(self) -> None:
        """No rate limits at all."""
        with self._lock:
            self._services.clear()
            self._buckets.clear()

    def admit(
        self,
        service: str,
        action: str,
        account: str,
        region: str,
        *,
        filtered: bool,
        clock: Clock,
    ) -> bool:
        """Whether a request of `action` finds a token (always, when `service` is not rate
        limited)."""
        with self._lock:
            overrides = self._services.get(service)
            if overrides is None:
                return True
            own = overrides.get(action, overrides.get("*"))
            if own is not None:
                name, figures = action, own
            else:
                name, figures = default_figures(service, action, filtered)
            key = (service, account, region, name)
            bucket = self._buckets.get(key)
            if bucket is None or bucket.clock is not clock:
                bucket = Bucket(*figures, clock)
                self._buckets[key] = bucket
            return bucket.take()


RATE_LIMITS = RateLimits()
