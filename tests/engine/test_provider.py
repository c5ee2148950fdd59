"""The engine on its own, with an in-memory resource kind: waiting without a batch read,
and cleanup whatever fails after a snapshot was started."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest

from pulumi_snapshots.engine import Context, Inputs, Live, ResourceSpec, TagApi
from pulumi_snapshots.engine.errors import (
    AwsCallError,
    SnapshotError,
    SnapshotFailed,
    WaitTimeout,
)
from pulumi_snapshots.engine.provider import SnapshotProvider, _report, _specs

store: dict[str, list[str]] = {}
"""id -> the states it will report, one per read (the last one repeats)."""
reads: dict[str, int] = {}
deleted: list[str] = []
lock = threading.Lock()


class ThingInputs(Inputs):
    name: str


def _create(ctx: Context, m: ThingInputs) -> str:
    store.setdefault(m.name, ["usable"])
    return m.name


def _describe(ctx: Context, id_: str) -> Live | None:
    with lock:
        states = store.get(id_)
        if states is None:
            return None
        reads[id_] = reads.get(id_, 0) + 1
        state = states.pop(0) if len(states) > 1 else states[0]
    if state in ("gone", "invisible"):
        return None
    if state == "explode":
        raise KeyError("a field the code expected is missing")
    return Live(id=id_, state=state, tags={}, tag_target=id_, outputs={"state": state})


def _delete(ctx: Context, id_: str) -> None:
    deleted.append(id_)
    with lock:
        # Like Neptune, a deletion goes on for a while after the call returns.
        store[id_] = ["deleting", "deleting", "gone"] if id_.startswith("slow") else ["gone"]


def _gone(id_: str) -> bool:
    return store.get(id_, ["gone"])[0] == "gone"


class DeniedTags(TagApi):
    def apply(
        self,
        ctx: Context,
        target: str | Sequence[str],
        subject: str,
        add: Mapping[str, str],
        remove: Sequence[str],
    ) -> None:
        raise AwsCallError(self.add, subject, "AccessDenied", "not allowed to tag")


SPEC = ResourceSpec(
    type_name="Thing",
    service="things",
    inputs=ThingInputs,
    create=_create,
    describe=_describe,
    delete_member=_delete,
    usable_states=frozenset({"usable"}),
    failed_states=frozenset({"broken"}),
    not_found_codes=frozenset({"NoSuchThing"}),
    tag_api=TagApi(add="tag_things", remove="untag_things", target_param="Thing"),
)

UNTAGGABLE = replace(
    SPEC,
    tags_on_create=False,
    tag_api=DeniedTags(add="tag_things", remove="untag_things", target_param="Thing"),
)


@pytest.fixture(autouse=True)
def _clean() -> Iterator[None]:
    store.clear()
    reads.clear()
    deleted.clear()
    yield
    _specs.pop(f"{__name__}:SPEC", None)
    _specs.pop(f"{__name__}:UNTAGGABLE", None)


def provider(attr: str = "SPEC") -> SnapshotProvider:
    return SnapshotProvider(f"{__name__}:{attr}")


def test_waits_without_a_batch_read_and_shares_the_rounds() -> None:
    names = [f"t{i}" for i in range(6)]
    for name in names:
        store[name] = ["pending"] * 4 + ["usable"]
    p = provider()
    with ThreadPoolExecutor(len(names)) as pool:
        results = list(pool.map(lambda n: p.create({"name": n, "region": "us-east-1"}), names))
    assert [r.id for r in results] == names
    assert all((r.outs or {})["state"] == "usable" for r in results)
    # Each id is read once a round however many waits there are: 5 reads to become usable,
    # plus at most a round or two for waits that joined late.
    assert all(5 <= reads[n] <= 7 for n in names), reads


def test_an_unexpected_error_while_waiting_still_cleans_up() -> None:
    store["x"] = ["pending", "explode"]
    with pytest.raises(SnapshotError, match=r"a field the code expected.*it was deleted"):
        provider().create({"name": "x", "region": "us-east-1"})
    assert deleted == ["x"] and _gone("x")


def test_a_failed_tagging_after_create_cleans_up_and_names_the_cause() -> None:
    with pytest.raises(
        SnapshotError, match=r"tag_things on Thing y .*AccessDenied.*it was deleted"
    ):
        provider("UNTAGGABLE").create({"name": "y", "region": "us-east-1", "tags": {"a": "b"}})
    assert deleted == ["y"]


def test_a_failed_state_is_reported_as_such() -> None:
    store["z"] = ["pending", "broken"]
    with pytest.raises(SnapshotFailed, match=r"Thing z reached the error state 'broken'"):
        provider().create({"name": "z", "region": "us-east-1"})
    assert deleted == ["z"]


def test_delete_returns_once_the_snapshot_is_really_gone(
    capsys: pytest.CaptureFixture[str],
) -> None:
    p = provider()
    created = p.create({"name": "slow-1", "region": "us-east-1"})
    p.delete(created.id, {"region": "us-east-1"})
    assert p.read(created.id, {"region": "us-east-1"}).id is None
    printed = capsys.readouterr().out
    assert "Thing slow-1 (being deleted) is still deleting" in printed
    assert printed.rstrip().endswith("Thing slow-1 deleted")
    # A second delete of what is gone is success, and waits for nothing.
    p.delete(created.id, {"region": "us-east-1"})


def test_a_snapshot_not_visible_at_first_is_waited_for() -> None:
    # Reads may lag behind a create: missing from the first reads is not gone.
    store["lag"] = ["invisible", "invisible", "pending", "usable"]
    assert (provider().create({"name": "lag", "region": "us-east-1"}).outs or {})[
        "state"
    ] == "usable"
    assert deleted == []


def test_a_timeout_before_the_first_read_is_a_timeout() -> None:
    store["quick"] = ["pending"]
    with pytest.raises(WaitTimeout, match=r"Thing quick was not usable .* last state: unknown"):
        provider().create({"name": "quick", "region": "us-east-1", "timeout_minutes": 1e-7})
    assert deleted == ["quick"]


class Writes:
    """A stream that records each write call."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def write(self, text: str) -> int:
        self.calls.append(text)
        return len(text)

    def flush(self) -> None:
        pass


def test_progress_lines_are_written_whole_from_many_threads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stream = Writes()
    monkeypatch.setattr("sys.stdout", stream)
    lines = [f"Thing t{t} is still pending {n}% after {n}s" for t in range(8) for n in range(50)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(_report, lines))
    # One write per line, each a whole line: concurrent waits never run together.
    assert sorted(stream.calls) == sorted(f"{line}\n" for line in lines)
