"""aws:defaultTags merged under a resource's tags, and aws:ignoreTags: keys others manage are
never written, removed or shown."""

from __future__ import annotations

import json

from pulumi_snapshots.aws.config import AwsSettings, parse_config
from pulumi_snapshots.aws.tags import (
    desired_tags,
    ignored_keys,
    is_ignored,
    tag_changes,
    visible_tags,
)


def settings(default: dict[str, str], keys: list[str], prefixes: list[str]) -> AwsSettings:
    return parse_config(
        {
            "aws:defaultTags": json.dumps({"tags": default}),
            "aws:ignoreTags": json.dumps({"keys": keys, "keyPrefixes": prefixes}),
        },
        {},
    )


STACK = settings({"team": "data", "env": "prod", "owner": "x"}, ["owner"], ["backup:"])


def test_resource_tags_win_over_default_tags_and_ignored_keys_are_dropped() -> None:
    assert desired_tags(STACK, {"env": "dr", "app": "graph"}) == {
        "team": "data",
        "env": "dr",
        "app": "graph",
    }
    assert desired_tags(STACK, None) == {"team": "data", "env": "prod"}
    assert desired_tags(AwsSettings(), {"a": "1"}) == {"a": "1"}


def test_ignored_keys_and_prefixes() -> None:
    assert is_ignored(STACK, "owner") and is_ignored(STACK, "backup:plan")
    assert not is_ignored(STACK, "Owner") and not is_ignored(STACK, "backup")
    assert ignored_keys(STACK, {"owner": "me", "app": "graph", "backup:x": "1"}) == [
        "owner",
        "backup:x",
    ]


def test_visible_tags_hide_what_others_manage() -> None:
    live = {"team": "data", "owner": "ops", "backup:plan": "daily"}
    assert visible_tags(STACK, live) == {"team": "data"}


def test_changing_default_tags_updates_the_snapshot() -> None:
    live = {"team": "data", "env": "prod", "backup:plan": "daily", "aws:copied": "x"}
    old = desired_tags(STACK, {})
    new = desired_tags(settings({"team": "graph"}, ["owner"], ["backup:"]), {})
    add, remove = tag_changes(STACK, live, old, new)
    assert add == {"team": "graph"}
    # env was a default tag and no longer is; tags the provider never wrote stay.
    assert remove == ["env"]


def test_ignored_tags_are_never_written_or_removed() -> None:
    live = {"owner": "ops", "backup:plan": "daily"}
    add, remove = tag_changes(
        STACK, live, {"owner": "me", "backup:plan": "x"}, {"backup:plan": "weekly"}
    )
    assert (add, remove) == ({}, [])
