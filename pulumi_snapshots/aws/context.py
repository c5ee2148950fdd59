"""One resource's AWS context, resolved once: its settings, identity and region.

The lifecycle asks for it once per operation (`resolve`) and makes every call through it; how
the credentials are chosen, and the account check that comes before every call, stay here.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from pulumi_snapshots.aws import clients, config, regions
from pulumi_snapshots.aws.config import AwsSettings
from pulumi_snapshots.aws.identity import Identity, resolve_identity
from pulumi_snapshots.aws.throttle import Patience
from pulumi_snapshots.errors import SnapshotError


@dataclass(frozen=True)
class AwsContext:
    """Who one resource's calls act as, where, and how patiently."""

    settings: AwsSettings
    identity: Identity
    region: str
    patience: Patience | None = None

    def client(self, service: str, region: str | None = None) -> Any:
        """The shared client of `service` in the resource's region (or another)."""
        return clients.client(service, region or self.region, self.settings, self.identity)

    def call(
        self, service: str, operation: str, subject: str, region: str | None = None, **params: Any
    ) -> Any:
        """Call `operation` after the account check; failures raise AwsCallError."""
        return clients.call_service(
            service,
            region or self.region,
            operation,
            subject,
            self.settings,
            self.identity,
            self.patience,
            **params,
        )

    def patient(self, minutes: float) -> AwsContext:
        """This context, with throttled calls that keep trying for `minutes`."""
        return replace(self, patience=Patience(time.monotonic() + minutes * 60))


def settings_for(handle: str | None, changing: bool) -> AwsSettings:
    """The stack's settings, or the ConfigError of a problem that stops this operation: any
    problem stops a check, create or update; only those of keys that choose the identity or
    the endpoint stop a read or delete."""
    found = config.recall_reading(handle)
    failure = found.failure(changing)
    if failure is not None:
        raise failure
    return found.settings


def resolve(
    handle: str | None,
    recorded: Mapping[str, Any],
    type_name: str,
    *,
    changing: bool,
) -> AwsContext:
    """The AWS context of one resource operation: the stack's settings, the identity its
    `identity` input chooses, and its `region` (else the default region). Makes no AWS call."""
    settings = settings_for(handle, changing)
    override = recorded.get("identity")
    region = recorded.get("region") or clients.default_region(settings, override)
    if not region:
        raise SnapshotError(
            f"{type_name}: no region: set the `region` input, the stack config `aws:region`, "
            "or AWS_REGION"
        )
    return AwsContext(settings, resolve_identity(settings, override), str(region))


def region_problem(settings: AwsSettings, region: str) -> str | None:
    """What is wrong with a resource's region beyond its form: with `aws:skipRegionValidation`
    false, a region that no partition of botocore's endpoint data lists."""
    if settings.skip_region_validation or regions.is_known(region):
        return None
    return (
        f"{region!r} is not a region AWS lists (the stack config aws:skipRegionValidation is "
        "false; set it to true for a region newer than this provider's botocore)"
    )
