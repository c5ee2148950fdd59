"""README.md against the code: its first commands, and every resource's input and output tables
(names, required/auto, replaces or in place, types) compared with the resource, both ways."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import re
import types
import typing
from pathlib import Path
from typing import Any

import pytest

from pulumi_snapshots.engine.provider import resolve_spec
from pulumi_snapshots.engine.resource import SnapshotResource
from pulumi_snapshots.engine.validation import Inputs

README = Path(__file__).resolve().parent.parent / "README.md"
COMMON = "Inputs and outputs every resource has"
RESOURCES = {
    "LightsailSnapshotCopy": "pulumi_snapshots.lightsail",
    "LightsailDatabaseSnapshot": "pulumi_snapshots.lightsail",
    "ElastiCacheSnapshotCopy": "pulumi_snapshots.elasticache",
    "Ec2MultiVolumeSnapshot": "pulumi_snapshots.ec2",
    "NeptuneClusterSnapshotCopy": "pulumi_snapshots.neptune",
}


def text() -> str:
    return README.read_text()


def sections() -> dict[str, str]:
    """Level-2 sections by heading, outside code blocks."""
    found: dict[str, str] = {}
    heading: str | None = None
    lines: list[str] = []
    fenced = False
    for line in text().splitlines():
        if line.startswith("```"):
            fenced = not fenced
        if not fenced and line.startswith("## "):
            if heading is not None:
                found[heading] = "\n".join(lines)
            heading, lines = line[3:].strip(), []
        elif heading is not None:
            lines.append(line)
    if heading is not None:
        found[heading] = "\n".join(lines)
    return found


def table(section: str, marker: str) -> list[dict[str, str]]:
    """The rows of the table that follows `marker` (such as `**Inputs**`) in a section."""
    lines = section.splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == marker)
    except StopIteration:
        raise AssertionError(f"no {marker} table") from None
    rows = []
    for line in lines[start + 1 :]:
        if not line.strip():
            if rows:
                break
            continue
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    assert len(rows) >= 2 and set(rows[1][0]) <= set("-: "), f"{marker} is not a table"
    header = [h.lower() for h in rows[0]]
    return [dict(zip(header, row, strict=True)) for row in rows[2:]]


def names(rows: list[dict[str, str]], column: str) -> list[str]:
    found = []
    for row in rows:
        match = re.fullmatch(r"`([a-z_0-9]+)`", row[column])
        assert match, f"{row[column]!r} is not a `name`"
        found.append(match[1])
    return found


def type_name(annotation: Any) -> str:
    """`str | None` -> `str`, `Literal['volume']` -> `str`, `dict[str, str]` -> `dict[str, str]`."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        (kept,) = [a for a in args if a is not type(None)]
        return type_name(kept)
    if origin is typing.Literal:
        return type(args[0]).__name__
    if origin in (list, dict):
        return f"{origin.__name__}[{', '.join(type_name(a) for a in args)}]"
    return str(annotation.__name__)


def resource_class(name: str) -> type[SnapshotResource]:
    module_name = RESOURCES[name]
    if importlib.util.find_spec(module_name) is None:
        pytest.skip(f"{module_name} does not exist yet, so {name} cannot be checked")
    cls: type[SnapshotResource] = getattr(importlib.import_module(module_name), name)
    return cls


def test_first_commands_are_quickstart_then_test() -> None:
    lines = text().splitlines()
    assert lines[0] == "# pulumi-snapshots"
    assert lines[2] == "```sh", "the commands come right after the title"
    end = lines.index("```", 3)
    commands = [line.split("#", 1)[0].strip() for line in lines[3:end]]
    assert commands[:2] == ["python3 tasks.py quickstart", "python3 tasks.py test"]


def test_common_tables_name_the_inputs_every_resource_has() -> None:
    common = sections()[COMMON]
    assert names(table(common, "**Inputs**"), "input") == list(Inputs.model_fields)
    assert names(table(common, "**Outputs**"), "output") == ["region", "tags", "tags_all"]


def test_every_resource_has_a_section() -> None:
    found = sections()
    missing = [name for name in RESOURCES if name not in found]
    assert not missing, f"README has no section for {missing}"
    overview = text().split("## ", 1)[0]
    for name in RESOURCES:
        assert f"[`{name}`](#{name.lower()})" in overview, f"{name} is not in the overview table"


@pytest.mark.parametrize("name", list(RESOURCES))
def test_input_table_matches_the_inputs_model(name: str) -> None:
    cls = resource_class(name)
    spec = resolve_spec(cls._spec_ref)
    fields = spec.inputs.model_fields
    common_rows = table(sections()[COMMON], "**Inputs**")
    own_rows = table(sections()[name], "**Inputs**")
    rows = common_rows + own_rows
    documented = names(rows, "input")
    assert len(documented) == len(set(documented)), f"an input is listed twice: {documented}"
    assert set(documented) - set(fields) == set(), "documented but not an input of the code"
    assert set(fields) - set(documented) == set(), "an input of the code is not documented"
    for row, input_name in zip(rows, documented, strict=True):
        field = fields[input_name]
        if field.is_required():
            expected = "yes"
        elif input_name == spec.name_input:
            expected = "auto"
        else:
            expected = "no"
        assert row["required"] == expected, f"{name}.{input_name}: required is {expected}"
        change = "in place" if input_name in spec.in_place else "replaces"
        assert row["on change"] == change, f"{name}.{input_name}: a change {change}"
        assert row["type"] == type_name(field.annotation), f"{name}.{input_name}: type"
        assert row["rule"], f"{name}.{input_name} has no rule"


@pytest.mark.parametrize("name", list(RESOURCES))
def test_output_table_matches_the_resource_outputs(name: str) -> None:
    cls = resource_class(name)
    inputs = set(resolve_spec(cls._spec_ref).inputs.model_fields)
    common = names(table(sections()[COMMON], "**Outputs**"), "output")
    own = names(table(sections()[name], "**Outputs**"), "output")
    assert len(own) == len(set(own)), f"an output is listed twice: {own}"
    assert not set(own) & inputs, "inputs are outputs already; list only computed outputs"
    documented = set(common) | set(own) | inputs
    actual = set(cls._output_names())
    assert documented - actual == set(), "documented but not an output of the resource"
    assert actual - documented == set(), "an output of the resource is not documented"


def test_python_examples_parse_and_their_imports_exist() -> None:
    blocks = re.findall(r"```python\n(.*?)```", text(), re.S)
    assert len(blocks) >= 6
    for block in blocks:
        tree = ast.parse(block)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pulumi_"):
                module = importlib.import_module(str(node.module))
                for alias in node.names:
                    assert hasattr(module, alias.name), f"{node.module} has no {alias.name}"
