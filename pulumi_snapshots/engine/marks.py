"""The mark each snapshot carries: a tag naming the stack, the project and the resource that
made it, and which create of that resource holds it now.

A create that finds its own mark on the snapshot it is about to make (a retried create after an
interrupt or a timeout) takes the snapshot over instead of failing or making a second one. Each
create writes a new generation into the mark, so that the delete of a resource that was
replaced by a create of the same snapshot leaves that snapshot to its new holder.

The mark also says how far its create got: `creating` while it waits, `done` once the create
returned (the snapshot is then some resource's current one, and only a new snapshot may replace
it), `unfinished` when the wait timed out and kept it. Marks written up to release 0.1.0 say
nothing (`state` None).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

MARK_KEY = "pulumi-snapshots:owner"
"""The tag key of the mark. Tags under `pulumi-snapshots:` are the provider's own."""
RESERVED_PREFIX = "pulumi-snapshots:"
CREATING, DONE, UNFINISHED = "creating", "done", "unfinished"
STATES = frozenset({CREATING, DONE, UNFINISHED})
MAX_OWNER = 200
"""Characters of the owner kept in the mark: tag values hold 255 or 256 characters."""

_NOT_TAGGABLE = re.compile(r"[^A-Za-z0-9._/:=+\-]+")
"""Characters that some service forbids in a tag value (Lightsail, Neptune and S3 allow
letters, digits, spaces and `+ - = . _ : /` in common); spaces separate the mark's parts."""


def owner_of(project: str, stack: str, name: str, parent: str | None = None) -> str:
    """Who makes a snapshot: `<project>/<stack>/[<parent>/]<resource name>`, in characters that
    every service's tags accept; a long one is shortened with a digest, so it stays unique."""
    parts = [project, stack, *([parent] if parent else []), name]
    owner = "/".join(_NOT_TAGGABLE.sub("-", p).strip("-") or "-" for p in parts)
    if len(owner) > MAX_OWNER:
        digest = hashlib.sha256(owner.encode()).hexdigest()[:12]
        owner = f"{owner[: MAX_OWNER - 13]}-{digest}"
    return owner


@dataclass(frozen=True)
class Mark:
    """The owner of a snapshot, the create that holds it, and how far that create got."""

    owner: str
    generation: str
    state: str | None = None
    written: bool = field(default=True, compare=False)
    """Whether the snapshot carries it. Every tag slot is the user's: when the user's tags
    fill them all, the create writes no mark (`unmarked`)."""

    @classmethod
    def new(cls, owner: str, *, written: bool = True) -> Mark:
        """The mark of a new create by `owner`, while it waits."""
        return cls(owner, secrets.token_hex(4), CREATING, written)

    @property
    def unfinished(self) -> bool:
        """Whether the wait for the snapshot timed out and kept it."""
        return self.state == UNFINISHED

    @property
    def done(self) -> bool:
        """Whether its create returned: the snapshot is a resource's, never to be resumed."""
        return self.state == DONE

    @classmethod
    def parse(cls, value: object) -> Mark | None:
        """The mark in a tag value, or None when it is not one."""
        if not isinstance(value, str):
            return None
        parts = value.split(" ")
        if len(parts) not in (2, 3) or not parts[0] or not parts[1]:
            return None
        if len(parts) == 3 and parts[2] not in STATES:
            return None
        return cls(parts[0], parts[1], parts[2] if len(parts) == 3 else None)

    def value(self) -> str:
        """The tag value."""
        tail = f" {self.state}" if self.state else ""
        return f"{self.owner} {self.generation}{tail}"

    def left_unfinished(self) -> Mark:
        """This mark, saying that the wait for the snapshot ended before it was usable."""
        return replace(self, state=UNFINISHED)

    def finished(self) -> Mark:
        """This mark, saying that its create returned the snapshot."""
        return replace(self, state=DONE)


def without_mark(tags: Mapping[str, str] | None) -> dict[str, str]:
    """`tags` (such as `tags_all`) without the provider's own."""
    return {k: v for k, v in (tags or {}).items() if not k.startswith(RESERVED_PREFIX)}
