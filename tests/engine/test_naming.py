"""Generated target names satisfy the services' naming rules."""

from __future__ import annotations

import re

import pytest

from pulumi_snapshots.engine.naming import NameRule


@pytest.mark.parametrize("name", ["My_Copy", "9lives", "a" * 300, "--x--", "ünïcode name", "_"])
def test_neptune_style_names_follow_the_rules(name: str) -> None:
    rule = NameRule(max_length=63, lowercase=True, starts_with_letter=True)
    generated = rule.generate(name, "seed")
    assert re.fullmatch(r"[a-z][a-z0-9-]{0,62}", generated), generated
    assert "--" not in generated and not generated.endswith("-")


def test_names_follow_their_seed_and_keep_the_resource_name() -> None:
    rule = NameRule(max_length=255)
    first = rule.generate("web-Backup", "dev/shop/web-Backup {'source': 'a'}")
    assert first == rule.generate("web-Backup", "dev/shop/web-Backup {'source': 'a'}")
    assert first != rule.generate("web-Backup", "dev/shop/web-Backup {'source': 'b'}")
    assert first.startswith("web-Backup-") and len(first) == len("web-Backup-") + 7
