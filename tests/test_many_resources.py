"""A program with more dynamic resources than the SDK's provider serialiser survives alone."""

from __future__ import annotations

import asyncio
import pickle
from typing import Any

import pulumi

from pulumi_snapshots import Ec2MultiVolumeSnapshot

MANY = 1200
"""Past the thousand or so at which the nested pickler wrappers used to exhaust the stack."""


class Declared(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


def test_a_fleet_of_resources_declares_without_exhausting_the_stack() -> None:
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        pulumi.runtime.set_mocks(Declared(), "fleet", "dev", preview=True)
        before = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]
        for i in range(MANY):
            Ec2MultiVolumeSnapshot(f"backup-{i}", instance_id="i-12345678")
        assert pickle._Pickler._batch_setitems is before  # type: ignore[attr-defined]
    finally:
        # The registrations are left unsent: this is only about declaring them.
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.close()
        asyncio.set_event_loop(None)
