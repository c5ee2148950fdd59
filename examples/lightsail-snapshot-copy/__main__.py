"""Keep a copy of a Lightsail instance's snapshots in a second region."""

import pulumi

from pulumi_snapshots import LightsailSnapshotCopy

config = pulumi.Config()
source_region = config.require("sourceRegion")

manual = LightsailSnapshotCopy(
    "web-manual-dr",
    source_region=source_region,
    source_snapshot_name=config.require("instanceSnapshotName"),
    tags={"purpose": "dr"},
)

latest_automatic = LightsailSnapshotCopy(
    "web-auto-dr",
    source_region=source_region,
    source_resource_name=config.require("instanceName"),
    use_latest_restorable_auto_snapshot=True,
    tags={"purpose": "dr"},
)

pulumi.export("manual_copy", manual.id)
pulumi.export("manual_copy_type", manual.resource_type)
pulumi.export("automatic_copy", latest_automatic.id)
pulumi.export("automatic_copy_state", latest_automatic.state)
