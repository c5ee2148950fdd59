"""The program-side base of every snapshot resource: typed args in, typed outputs out."""

from __future__ import annotations

import dataclasses
import pickle
from typing import Any, ClassVar, TypeVar

import pulumi
import pulumi.dynamic

from pulumi_snapshots.engine import entry
from pulumi_snapshots.engine.marks import owner_of
from pulumi_snapshots.engine.provider import (
    LOOKUP_KEY,
    NAME_KEY,
    OWNER_KEY,
    SECRET_ECHOES,
    SnapshotProvider,
    resolve_spec,
)

R = TypeVar("R", bound="SnapshotResource")


class SnapshotResource(pulumi.dynamic.Resource):
    """A snapshot resource whose lifecycle runs in `SnapshotProvider`.

    Subclasses are declared with `module="snapshots", name="<ClassName>"`, which names their
    spec (`entry.SPEC_REFS`), and annotate their outputs as `pulumi.Output[...]`.
    """

    _spec_ref: ClassVar[str]
    output_fields: ClassVar[dict[str, Any]] = {}
    """The types of outputs whose annotation cannot say them (the SDK checks outputs against
    their annotations, so a nested output stays `dict` there): for the native plugin's schema."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "name" in kwargs:
            cls._spec_ref = entry.spec_ref(kwargs["name"])

    region: pulumi.Output[str]
    """The region of the snapshot's API calls."""
    tags: pulumi.Output[dict[str, str]]
    """The tags this resource manages."""
    tags_all: pulumi.Output[dict[str, str]]
    """Every tag on the snapshot, including those AWS or a source added."""
    timeout_minutes: pulumi.Output[float | None]
    """How long create waits for the snapshot to be usable."""
    delete_on_timeout: pulumi.Output[bool | None]
    """Whether a wait that times out deletes the snapshot instead of keeping it."""
    adopt_id: pulumi.Output[str | None]
    """The id of the existing snapshot this resource took over, if it adopted one."""
    identity: pulumi.Output[dict[str, Any] | None]
    """The resource's own AWS identity (profile and/or assume-role chain), if it has one."""

    def __init__(
        self,
        resource_name: str,
        args: Any | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        lookup = bool(kwargs.pop(LOOKUP_KEY, False))
        props: dict[str, Any] = {}
        if args is not None and not (dataclasses.is_dataclass(args) and not isinstance(args, type)):
            raise TypeError(
                f"{type(self).__name__}() takes its inputs as {type(self).__name__}Args(...) "
                f"or as keyword arguments, not {type(args).__name__}"
            )
        if args is not None:
            props.update(
                {
                    f.name: getattr(args, f.name)
                    for f in dataclasses.fields(args)
                    if getattr(args, f.name) is not None
                }
            )
        props.update({k: v for k, v in kwargs.items() if v is not None})
        allowed = resolve_spec(self._spec_ref).inputs.model_fields
        unexpected = sorted(set(props) - set(allowed))
        if unexpected:
            raise TypeError(
                f"{type(self).__name__}() got unexpected inputs {unexpected}; "
                f"its inputs are {sorted(allowed)}"
            )
        props[NAME_KEY] = resource_name
        if lookup:
            props[LOOKUP_KEY] = True
        props[OWNER_KEY] = owner_of(
            pulumi.get_project(), pulumi.get_stack(), resource_name, _parent_of(opts)
        )
        for output in self._output_names():
            props.setdefault(output, None)
        if props.get("tags") is not None:
            for echo in SECRET_ECHOES:
                props[echo] = props["tags"]
        # The SDK's provider serialiser wraps the pickler's `_batch_setitems` in a new sorting
        # wrapper on every call and never unwraps it: after about a thousand dynamic resources
        # in one program the nested wrappers exhaust the stack. Putting the method back after
        # each resource keeps a fleet-sized stack working.
        batch_setitems = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]
        try:
            super().__init__(SnapshotProvider(self._spec_ref), resource_name, props, opts)
        finally:
            pickle._Pickler._batch_setitems = batch_setitems  # type: ignore[attr-defined]

    @classmethod
    def _output_names(cls) -> list[str]:
        names: list[str] = []
        for klass in reversed(cls.__mro__):
            if not issubclass(klass, SnapshotResource):
                continue
            for key, annotation in vars(klass).get("__annotations__", {}).items():
                if "Output[" in str(annotation) and key not in names:
                    names.append(key)
        return names

    @classmethod
    def get(
        cls: type[R],
        resource_name: str,
        id: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
        region: str | None = None,
    ) -> R:
        """Look up an existing snapshot by id (a read; nothing is created or adopted). It fails,
        naming the id and the region, when there is none."""
        merged = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id))
        return cls(resource_name, None, merged, **{"region": region, LOOKUP_KEY: True})


def _parent_of(opts: pulumi.ResourceOptions | None) -> str | None:
    """The parent a resource is known by: the engine keeps resource names unique per parent
    type, so a child is known by its parent too. The root stack is no parent of note."""
    parent = opts.parent if opts is not None else None
    kind = getattr(parent, "_type", None)
    if parent is None or kind in (None, "pulumi:pulumi:Stack"):
        return None
    return f"{kind}:{getattr(parent, '_name', '')}"
