"""Default and ignored tags (`aws:defaultTags`, `aws:ignoreTags`), as pulumi-aws applies them.

* The tags a snapshot should carry are the default tags overlaid by the resource's own `tags`
  (the resource wins), without ignored keys: what create writes and `tags_all` shows.
* Ignored keys (exact keys, or key prefixes) are tags that others manage (AWS Backup, tag
  policies, an operator): never written, never removed, never shown, so never drift. A resource
  that sets an ignored key in its own `tags` contradicts the stack config: `ignored_keys`
  finds them for check to report.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeVar

from pulumi_snapshots.aws.config import AwsSettings

V = TypeVar("V")

SYSTEM_PREFIX = "aws:"
"""Tags that AWS itself writes (`aws:cloudformation:stack-name`, `aws:backup:source-resource`):
no one else may write or remove them, so they are never shown or planned, as terraform-provider-aws
leaves them out."""


def is_ignored(settings: AwsSettings, key: str) -> bool:
    """Whether `aws:ignoreTags` names `key` (a key, or a prefix of it)."""
    return key in settings.ignore_tag_keys or any(
        key.startswith(prefix) for prefix in settings.ignore_tag_key_prefixes
    )


def ignored_keys(settings: AwsSettings, tags: Iterable[str] | None) -> list[str]:
    """The keys of a resource's own tags that `aws:ignoreTags` ignores."""
    return [key for key in tags or () if is_ignored(settings, key)]


def desired_tags(settings: AwsSettings, tags: Mapping[str, V] | None) -> dict[str, str | V]:
    """Default tags overlaid by the resource's `tags`, without ignored keys."""
    merged: dict[str, str | V] = dict(settings.default_tags)
    merged.update(tags or {})
    return {k: v for k, v in merged.items() if not is_ignored(settings, k)}


def visible_tags(settings: AwsSettings, tags: Mapping[str, str] | None) -> dict[str, str]:
    """Tags read from AWS without the ignored ones and AWS's own (for `tags_all` and drift)."""
    return {
        k: v
        for k, v in (tags or {}).items()
        if not is_ignored(settings, k) and not k.startswith(SYSTEM_PREFIX)
    }


def drifted(desired: Mapping[str, V], live: Mapping[str, V]) -> list[str]:
    """The desired tags whose value on the snapshot differs, as a refresh read them back into
    `tags_all`: a default tag removed or changed outside Pulumi plans an update, which writes
    it again."""
    return sorted(k for k, v in desired.items() if live.get(k) != v)


def tag_changes(
    settings: AwsSettings,
    live: Mapping[str, str],
    old_desired: Mapping[str, str],
    new_desired: Mapping[str, str],
) -> tuple[dict[str, str], list[str]]:
    """What an update writes and removes to go from `old_desired` to `new_desired` (both from
    `desired_tags`): tags that differ from the live ones are written; tags desired before and
    no longer are removed if still there. Tags the provider never wrote, and ignored ones, stay.
    """
    add = {k: v for k, v in new_desired.items() if live.get(k) != v and not is_ignored(settings, k)}
    remove = [
        k
        for k in old_desired
        if k not in new_desired
        and k in live
        and not is_ignored(settings, k)
        and not k.startswith(SYSTEM_PREFIX)
    ]
    return add, remove
