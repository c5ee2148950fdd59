"""AWS access: how a resource's configuration, credentials, identity, region and clients are
chosen, and how its calls are made.

* `config`: the stack's `aws:*` keys, read as pulumi-aws reads them, into `AwsSettings`.
* `identity` and `sessions`: who a call acts as (the credential chain, chained roles) and the
  botocore session and client of that identity.
* `accounts`: the allowed and forbidden account lists, checked once per identity.
* `clients`: cached clients, retries and error wrapping; `prepare` loads a service's models
  ahead of its first client.
* `throttle`: throttled calls in line, at the pace AWS admits them.
* `tags`: `aws:defaultTags` and `aws:ignoreTags`.
* `context`: all of the above resolved once for one resource, handed to the lifecycle.

This package knows nothing of the lifecycle (`pulumi_snapshots.engine`), which imports it.
"""

from pulumi_snapshots.aws import config, context
from pulumi_snapshots.aws.clients import (
    call,
    call_service,
    calls_made,
    check_account,
    clear_clients,
    client,
    default_region,
    forget_client,
    identify,
    prepare,
)
from pulumi_snapshots.aws.throttle import Patience

__all__ = [
    "Patience",
    "call",
    "call_service",
    "calls_made",
    "check_account",
    "clear_clients",
    "client",
    "config",
    "context",
    "default_region",
    "forget_client",
    "identify",
    "prepare",
]
