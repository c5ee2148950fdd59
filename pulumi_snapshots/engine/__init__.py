"""The lifecycle engine shared by every snapshot resource."""

from pulumi_snapshots.engine.naming import NameRule
from pulumi_snapshots.engine.provider import SnapshotProvider
from pulumi_snapshots.engine.resource import SnapshotResource
from pulumi_snapshots.engine.spec import Context, Live, ResourceSpec, TagApi
from pulumi_snapshots.engine.validation import Inputs, TagRules
from pulumi_snapshots.engine.waiter import Observation, WaitPolicy
from pulumi_snapshots.errors import AwsCallError, SnapshotError, SnapshotFailed, WaitTimeout

__all__ = [
    "AwsCallError",
    "Context",
    "Inputs",
    "Live",
    "NameRule",
    "Observation",
    "ResourceSpec",
    "SnapshotError",
    "SnapshotFailed",
    "SnapshotProvider",
    "SnapshotResource",
    "TagApi",
    "TagRules",
    "WaitPolicy",
    "WaitTimeout",
]
