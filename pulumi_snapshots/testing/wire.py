"""Reading a request off the wire back into parameters, with the operation's input shape.

The inverse of botocore's serialisers for the query protocol (RDS, ElastiCache, STS: nested
names joined with dots, lists as ``Name.member.N`` or flattened, maps as ``Name.entry.N.key``)
and its EC2 variant (``queryName`` or the capitalised ``locationName``, lists as ``Name.N``).
JSON protocol bodies are already parameters. Values keep their wire form until their shape
says otherwise; a value that is not of its shape's type becomes a problem, not a crash.
Parameters the shape does not know are ignored.
"""

from __future__ import annotations

import base64
import binascii
import datetime
from collections.abc import Mapping
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape

from pulumi_snapshots.testing.modelcheck import Problem

__all__ = ["parse_query"]

_ABSENT = object()


class _Reader:
    def __init__(self, values: Mapping[str, str], ec2: bool) -> None:
        self.values = values
        self.ec2 = ec2
        self.problems: list[Problem] = []

    def name(self, shape: Shape, default: str) -> str:
        serialization = shape.serialization
        if self.ec2:
            if "queryName" in serialization:
                return str(serialization["queryName"])
            if "name" in serialization:
                name = str(serialization["name"])
                return name[0].upper() + name[1:]
            return default
        return str(serialization.get("name", default))

    def present(self, prefix: str) -> bool:
        if prefix in self.values:
            return True
        dotted = prefix + "."
        return any(key.startswith(dotted) for key in self.values)

    def read(self, shape: Shape, prefix: str, path: str) -> Any:
        if isinstance(shape, StructureShape):
            return self.structure(shape, prefix, path)
        if isinstance(shape, ListShape):
            return self.list(shape, prefix, path)
        if isinstance(shape, MapShape):
            return self.map(shape, prefix, path)
        if prefix not in self.values:
            return _ABSENT
        return self.scalar(shape, self.values[prefix], path)

    def structure(self, shape: StructureShape, prefix: str, path: str) -> Any:
        if prefix and not any(key.startswith(prefix + ".") for key in self.values):
            return _ABSENT
        parsed: dict[str, Any] = {}
        for member_name, member in shape.members.items():
            name = self.name(member, member_name)
            value = self.read(
                member, f"{prefix}.{name}" if prefix else name, _join(path, member_name)
            )
            if value is not _ABSENT:
                parsed[member_name] = value
        return parsed

    def list(self, shape: ListShape, prefix: str, path: str) -> Any:
        if self.values.get(prefix) == "":
            return []
        if self.ec2:
            list_prefix = prefix
        elif shape.serialization.get("flattened"):
            list_prefix = prefix
            if shape.member.serialization.get("name"):
                list_prefix = ".".join([*prefix.split(".")[:-1], self.name(shape.member, "")])
        else:
            list_prefix = f"{prefix}.{shape.member.serialization.get('name', 'member')}"
        items = []
        index = 1
        while self.present(f"{list_prefix}.{index}"):
            item = self.read(shape.member, f"{list_prefix}.{index}", f"{path}[{index - 1}]")
            items.append(None if item is _ABSENT else item)
            index += 1
        return items if items else _ABSENT

    def map(self, shape: MapShape, prefix: str, path: str) -> Any:
        full = prefix if shape.serialization.get("flattened") else f"{prefix}.entry"
        key_name = self.name(shape.key, "key")
        value_name = self.name(shape.value, "value")
        parsed: dict[Any, Any] = {}
        index = 1
        while self.present(f"{full}.{index}"):
            key = self.read(shape.key, f"{full}.{index}.{key_name}", f"{path}<key>")
            value = self.read(shape.value, f"{full}.{index}.{value_name}", f"{path}.{key}")
            if key is not _ABSENT:
                parsed[key] = None if value is _ABSENT else value
            index += 1
        return parsed if parsed else _ABSENT

    def scalar(self, shape: Shape, raw: str, path: str) -> Any:
        kind = shape.type_name
        try:
            if kind in ("integer", "long"):
                return int(raw)
            if kind in ("float", "double"):
                return float(raw)
            if kind == "boolean":
                if raw.lower() not in ("true", "false"):
                    raise ValueError(raw)
                return raw.lower() == "true"
            if kind == "timestamp":
                return _timestamp(raw)
            if kind == "blob":
                return base64.b64decode(raw, validate=True)
        except (ValueError, binascii.Error):
            self.problems.append(Problem(path, f"{raw!r} is not a valid {kind}", raw))
            return _ABSENT
        return raw


def _timestamp(raw: str) -> datetime.datetime:
    try:
        return datetime.datetime.fromtimestamp(float(raw), datetime.UTC)
    except ValueError:
        return datetime.datetime.fromisoformat(raw.replace("Z", "+00:00"))


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def parse_query(
    shape: StructureShape | None, values: Mapping[str, str], *, ec2: bool
) -> tuple[dict[str, Any], list[Problem]]:
    """The parameters a query (or, with `ec2`, EC2 query) request carries for `shape`, and
    the values that are not of their shape's type."""
    if shape is None:
        return {}, []
    reader = _Reader(values, ec2)
    parsed = reader.structure(shape, "", "")
    return (parsed if isinstance(parsed, dict) else {}), reader.problems
