"""The regions of botocore's endpoint data, for `aws:skipRegionValidation=false`."""

from __future__ import annotations

import functools


@functools.cache
def known_regions() -> frozenset[str]:
    """Every region of every partition in botocore's `endpoints.json`."""
    import botocore.loaders

    data = botocore.loaders.create_loader().load_data("endpoints")
    return frozenset(r for p in data.get("partitions", ()) for r in p.get("regions", {}))


def is_known(region: str) -> bool:
    """Whether botocore's endpoint data lists `region`."""
    return region in known_regions()
