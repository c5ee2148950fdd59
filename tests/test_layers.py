"""The layers import in one direction: errors, then AWS access, then the lifecycle, then the
services (with the dynamic resources), then the native plugin's front end; the fake and the
harnesses (`testing`) sit on top and nothing below imports them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "pulumi_snapshots"
SERVICES = {"lightsail", "elasticache", "ec2", "neptune"}


def layer(module: str) -> int:
    """0 errors, 1 AWS access, 2 lifecycle, 3 services and the package, 4 the native plugin,
    5 testing."""
    parts = module.split(".")[1:]
    head = parts[0] if parts else ""
    return {"errors": 0, "aws": 1, "engine": 2, "native": 4, "testing": 5}.get(head, 3)


def imports(path: Path) -> set[str]:
    """The project's modules that `path` imports, at any depth of the file."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "pulumi_snapshots":
                found.update(f"pulumi_snapshots.{a.name}" for a in node.names)
            elif node.module.startswith("pulumi_snapshots."):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("pulumi_snapshots."))
    return found


def module_of(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


SOURCES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=[module_of(p) for p in SOURCES])
def test_no_module_imports_a_layer_above_its_own(path: Path) -> None:
    own = layer(module_of(path))
    above = sorted(m for m in imports(path) if layer(m) > own)
    assert above == [], f"{module_of(path)} (layer {own}) imports {above}"


def test_the_layers_are_what_the_readme_says() -> None:
    assert layer("pulumi_snapshots.aws.sessions") == 1
    assert layer("pulumi_snapshots.engine.provider") == 2
    assert {layer(f"pulumi_snapshots.{s}") for s in SERVICES} == {3}
    assert layer("pulumi_snapshots.native.server") == 4
    # A module that imported upward would fail the test above: the check itself can fail.
    assert imports(PACKAGE / "engine" / "provider.py") >= {"pulumi_snapshots.aws"}
