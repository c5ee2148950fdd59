"""A stack written by an earlier release still refreshes and destroys, through the real CLI.

The engine keeps a resource's old outputs while it is unchanged, so `refresh` and `destroy`
unpickle the `__provider` that the release which last wrote it made. Each fixture holds those
values of one release (`tests/fixtures/provider_state/record.py` records them from its commit).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from stacks import seeded_stack  # type: ignore[import-not-found]

from pulumi_snapshots.testing.quickstart import still_exists
from pulumi_snapshots.testing.server import FakeAwsServer

FIXTURES = sorted((Path(__file__).parents[1] / "fixtures" / "provider_state").glob("*.json"))
NEW_OUTPUTS = ("__autonamed",)
"""Private outputs that releases before the stable entry point never wrote."""


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_an_earlier_releases_state_refreshes_and_destroys(
    fixture: Path, cli: Path, fake: FakeAwsServer
) -> None:
    from test_real_engine import program  # type: ignore[import-not-found]

    recorded = json.loads(fixture.read_text())["providers"]
    stack = seeded_stack(cli, fake, program)
    try:
        stack.stack.up()
        deployment = stack.export()
        swapped = 0
        for resource in deployment["deployment"]["resources"]:
            type_name = str(resource["type"]).rsplit(":", 1)[-1]
            if type_name not in recorded:
                continue
            for part in ("inputs", "outputs"):
                resource[part]["__provider"] = recorded[type_name]
            for key in NEW_OUTPUTS:
                resource["outputs"].pop(key, None)
            swapped += 1
        assert swapped == 6
        stack.import_state(deployment)
        made = stack.created()
        legacy = {r.state["__provider"] for r in made}
        assert legacy <= set(recorded.values())
        refreshed = stack.stack.refresh(expect_no_changes=True)
        assert refreshed.summary.resource_changes == {"same": 7}
        stack.stack.destroy()
        assert stack.created() == []
        assert [r.name for r in made if still_exists(r, fake.endpoint)] == []
    finally:
        stack.remove()
