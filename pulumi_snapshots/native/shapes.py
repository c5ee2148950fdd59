"""The shape of each resource's inputs and outputs: types, camelCase names and descriptions.

They come from what the dynamic resources already declare: the input model (`ResourceSpec.inputs`)
for types and rules, the `<Type>Args` dataclass for the descriptions of inputs, and the resource
class's `pulumi.Output[...]` attributes for the outputs. The schema and the renaming of values
on the wire both read this one description, so they cannot disagree.
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import itertools
import re
import textwrap
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from pulumi_snapshots.engine import entry
from pulumi_snapshots.engine.provider import resolve_spec
from pulumi_snapshots.engine.resource import SnapshotResource
from pulumi_snapshots.engine.spec import ResourceSpec

Kind = Literal["string", "number", "integer", "boolean", "map", "array", "object"]


@dataclass(frozen=True)
class Shape:
    """A value's type. `item` is a map's value or an array's element; an object has `fields`
    and a `token` (its name among the schema's types)."""

    kind: Kind
    item: Shape | None = None
    fields: tuple[Field, ...] = ()
    token: str | None = None
    description: str = ""
    choices: tuple[str, ...] = ()
    """The only values a string may take (a `Literal`)."""


@dataclass(frozen=True)
class Field:
    """One property: its Python name, its name on the wire, its shape and what it means."""

    name: str
    wire: str
    shape: Shape
    description: str
    required: bool


@dataclass(frozen=True)
class ResourceShape:
    """Everything the native front end needs to know of one resource type."""

    type_name: str
    spec: ResourceSpec
    description: str
    inputs: tuple[Field, ...]
    outputs: tuple[Field, ...]

    @property
    def token(self) -> str:
        return f"snapshots:index:{self.type_name}"


def camel(name: str) -> str:
    """`relational_database_snapshot_name` -> `relationalDatabaseSnapshotName`."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def attribute_docs(cls: type) -> dict[str, str]:
    """The docstrings written under the annotated attributes of `cls` and its bases (the
    attribute docstrings that the dynamic resources' `Args` and outputs carry)."""
    docs: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if klass in (object, BaseModel, dict) or klass.__module__.startswith(("pulumi.", "typing")):
            continue
        try:
            source = textwrap.dedent(inspect.getsource(klass))
        except (OSError, TypeError):
            continue
        node = ast.parse(source).body[0]
        if not isinstance(node, ast.ClassDef):
            continue
        body = node.body
        for first, second in itertools.pairwise(body):
            if (
                isinstance(first, ast.AnnAssign)
                and isinstance(first.target, ast.Name)
                and isinstance(second, ast.Expr)
                and isinstance(second.value, ast.Constant)
                and isinstance(second.value.value, str)
            ):
                docs[first.target.id] = inspect.cleandoc(second.value.value)
    return docs


def shape_of(annotation: Any) -> tuple[Shape, bool]:
    """The shape of a Python annotation, and whether it may be None."""
    optional = False
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        optional = len(options) < len(typing.get_args(annotation))
        if len(options) != 1:
            raise TypeError(f"no schema type for the union {annotation!r}")
        annotation = options[0]
    origin = typing.get_origin(annotation)
    if annotation is str:
        return Shape("string"), optional
    if annotation is bool:
        return Shape("boolean"), optional
    if annotation is int:
        return Shape("integer"), optional
    if annotation is float:
        return Shape("number"), optional
    if origin is Literal:
        return Shape("string", choices=tuple(str(a) for a in typing.get_args(annotation))), optional
    if origin in (dict, Mapping) or annotation is dict:
        value = typing.get_args(annotation)[1] if typing.get_args(annotation) else str
        return Shape("map", item=shape_of(value)[0]), optional
    if origin in (list, tuple):
        return Shape("array", item=shape_of(typing.get_args(annotation)[0])[0]), optional
    if isinstance(annotation, type) and (
        issubclass(annotation, BaseModel) or typing.is_typeddict(annotation)
    ):
        return _object(annotation), optional
    raise TypeError(f"no schema type for {annotation!r}")


@functools.cache
def _object(cls: type) -> Shape:
    docs = attribute_docs(cls)
    if isinstance(cls, type) and issubclass(cls, BaseModel):
        hints = {k: f.annotation for k, f in cls.model_fields.items()}
        required = {k for k, f in cls.model_fields.items() if f.is_required()}
    else:
        hints = typing.get_type_hints(cls)
        required = {k for k in getattr(cls, "__required_keys__", ()) if not shape_of(hints[k])[1]}
    fields = tuple(
        Field(name, camel(name), shape_of(hint)[0], docs.get(name, ""), name in required)
        for name, hint in hints.items()
    )
    token = re.sub(r"Input$", "", cls.__name__)
    return Shape("object", fields=fields, token=f"snapshots:index:{token}", description=_doc(cls))


def _doc(cls: type) -> str:
    return inspect.cleandoc(cls.__doc__ or "")


def resource_shape(type_name: str) -> ResourceShape:
    """The shape of one resource type, from its spec, its `Args` and its resource class."""
    return _resource_shape(type_name)


@functools.cache
def _resource_shape(type_name: str) -> ResourceShape:
    ref = entry.spec_ref(type_name)
    spec = resolve_spec(ref)
    module = importlib.import_module(ref.partition(":")[0])
    resource: type[SnapshotResource] = getattr(module, type_name)
    args: type = getattr(module, f"{type_name}Args")
    input_docs = attribute_docs(args)
    output_docs = attribute_docs(resource)
    inputs = []
    for name, info in spec.inputs.model_fields.items():
        shape, _ = shape_of(info.annotation)
        inputs.append(Field(name, camel(name), shape, input_docs.get(name, ""), info.is_required()))
    by_name = {f.name: f for f in inputs}
    hints = _output_hints(resource)
    # Every input is an output too (as given, or as AWS recorded it); the region, the tags and
    # the name always are.
    always = {"region", "tags", spec.name_input}
    outputs = [
        Field(f.name, f.wire, f.shape, f.description, f.required or f.name in always)
        for f in inputs
    ]
    for name in resource._output_names():
        if name in by_name:
            continue
        declared = resource.output_fields.get(name, _output_type(hints[name]))
        shape, optional = shape_of(declared)
        required = not optional or name == "tags_all"
        outputs.append(Field(name, camel(name), shape, output_docs.get(name, ""), required))
    return ResourceShape(type_name, spec, _doc(resource), tuple(inputs), tuple(outputs))


def _output_hints(resource: type[SnapshotResource]) -> dict[str, Any]:
    """The resolved annotations of the resource class and its snapshot bases (the SDK's own
    bases have annotations that do not resolve)."""
    hints: dict[str, Any] = {}
    for klass in reversed(resource.__mro__):
        if isinstance(klass, type) and issubclass(klass, SnapshotResource):
            namespace = vars(importlib.import_module(klass.__module__))
            for key, value in vars(klass).get("__annotations__", {}).items():
                hints[key] = eval(value, namespace) if isinstance(value, str) else value
    return hints


def _output_type(hint: Any) -> Any:
    """`X` of `pulumi.Output[X]`."""
    args = typing.get_args(hint)
    return args[0] if args else hint


def resource_shapes() -> list[ResourceShape]:
    """Every resource type's shape, in a stable order."""
    return [resource_shape(name) for name in sorted(entry.SPEC_REFS)]


# -- values on the wire --------------------------------------------------------------------


def to_wire(fields: tuple[Field, ...], values: Mapping[str, Any]) -> dict[str, Any]:
    """Python names to wire names, nested fields too. Keys this shape does not know (the
    engine's private ones, or a misspelt input that check will name) stay as they are; the
    keys of a map (tags) are the user's and never change."""
    known = {f.name: f for f in fields}
    out: dict[str, Any] = {}
    for key, value in values.items():
        field = known.get(key)
        out[field.wire if field else key] = _convert(field.shape, value, True) if field else value
    return out


def from_wire(fields: tuple[Field, ...], values: Mapping[str, Any]) -> dict[str, Any]:
    """Wire names to Python names: the inverse of `to_wire`."""
    known = {f.wire: f for f in fields}
    out: dict[str, Any] = {}
    for key, value in values.items():
        field = known.get(key)
        out[field.name if field else key] = _convert(field.shape, value, False) if field else value
    return out


def _convert(shape: Shape, value: Any, outward: bool) -> Any:
    if shape.kind == "object" and isinstance(value, Mapping):
        return (to_wire if outward else from_wire)(shape.fields, value)
    if shape.kind == "array" and isinstance(value, list) and shape.item is not None:
        return [_convert(shape.item, v, outward) for v in value]
    if shape.kind == "map" and isinstance(value, Mapping) and shape.item is not None:
        return {k: _convert(shape.item, v, outward) for k, v in value.items()}
    return value


def rename_in_text(text: str, type_name: str) -> str:
    """A message of the engine with its Python input names in their wire form, so that a
    TypeScript user reads `adoptId`, not `adopt_id`."""
    names, pattern = _renames(type_name)
    return pattern.sub(lambda m: names[m.group(1)], text) if names else text


@functools.cache
def _renames(type_name: str) -> tuple[dict[str, str], re.Pattern[str]]:
    shape = resource_shape(type_name)
    names = {f.name: f.wire for f in (*shape.inputs, *shape.outputs) if f.name != f.wire}
    longest_first = sorted(map(re.escape, names), key=len, reverse=True)
    return names, re.compile(r"\b(" + "|".join(longest_first) + r")\b")
