"""The engine on its own, with an in-memory resource kind: waiting without a batch read,
and cleanup whatever fails after a snapshot was started."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.output import Unknown

from pulumi_snapshots import aws
from pulumi_snapshots.engine import Context, Inputs, Live, NameRule, ResourceSpec, TagApi
from pulumi_snapshots.engine.marks import MARK_KEY, Mark
from pulumi_snapshots.engine.provider import SnapshotProvider, _report, _specs
from pulumi_snapshots.errors import (
    AwsCallError,
    SnapshotError,
    SnapshotFailed,
    WaitTimeout,
)

planned: dict[str, list[str]] = {}
"""name -> the states a snapshot made by create will report, one per read (the last repeats)."""
store: dict[str, list[str]] = {}
"""id -> the states an existing snapshot reports."""
tags: dict[str, dict[str, str]] = {}
reads: dict[str, int] = {}
deleted: list[str] = []
created: list[str] = []
lock = threading.Lock()


class ThingInputs(Inputs):
    name: str | None = None
    source: str | None = None


def _create(ctx: Context, m: ThingInputs) -> str:
    with lock:
        if m.name in store:
            # As AWS: a name is unique in its region.
            raise AwsCallError("create_thing", f"Thing {m.name}", "AlreadyExists", "name taken")
        created.append(m.name)
        store[m.name] = planned.pop(m.name, ["usable"])
        tags[m.name] = dict(m.tags or {})
    return m.name


def _create_untagged(ctx: Context, m: ThingInputs) -> str:
    """A create whose API takes no tags."""
    return _create(ctx, m.model_copy(update={"tags": None}))


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
    if state in ("throttled", "denied"):
        code = "Throttling" if state == "throttled" else "AccessDenied"
        raise AwsCallError("describe_things", f"Thing {id_}", code, "no")
    return Live(
        id=id_,
        state=state,
        tags=dict(tags.get(id_, {})),
        tag_target=id_,
        outputs={"state": state},
        inputs={"name": id_},
    )


def _delete(ctx: Context, id_: str) -> None:
    deleted.append(id_)
    with lock:
        # Like Neptune, a deletion goes on for a while after the call returns.
        store[id_] = ["deleting", "deleting", "gone"] if id_.startswith("slow") else ["gone"]


def _gone(id_: str) -> bool:
    return store.get(id_, ["gone"])[0] == "gone"


class MemoryTags(TagApi):
    def apply(
        self,
        ctx: Context,
        target: str | Sequence[str],
        subject: str,
        add: Mapping[str, str],
        remove: Sequence[str],
    ) -> None:
        with lock:
            held = tags.setdefault(str(target), {})
            for key in remove:
                held.pop(key, None)
            held.update(add)


class DeniedTags(TagApi):
    def apply(
        self,
        ctx: Context,
        target: str | Sequence[str],
        subject: str,
        add: Mapping[str, str],
        remove: Sequence[str],
    ) -> None:
        if set(add) == {MARK_KEY}:
            MemoryTags.apply(self, ctx, target, subject, add, remove)
            return
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
    tag_api=MemoryTags(add="tag_things", remove="untag_things", target_param="Thing"),
    name_input="name",
    delete_command=lambda ctx, id_: f"things delete {id_} --region {ctx.region}",
)


def _create_taken(ctx: Context, m: ThingInputs) -> str:
    """A create that AWS refuses because the name is taken."""
    raise AwsCallError("create_thing", f"Thing {m.name}", "AlreadyExists", "name taken")


NAMED = replace(SPEC, name_rule=NameRule(max_length=63))
TAKEN = replace(SPEC, create=_create_taken)
PICKY = replace(SPEC, adoption_problems=lambda ctx, m, live: ["source is 'a', not 'b'"])

UNTAGGABLE = replace(
    SPEC,
    create=_create_untagged,
    tags_on_create=False,
    tag_api=DeniedTags(add="tag_things", remove="untag_things", target_param="Thing"),
)


@pytest.fixture(autouse=True)
def _clean() -> Iterator[None]:
    for held in (planned, store, tags, reads):
        held.clear()
    deleted.clear()
    created.clear()
    yield
    for attr in ("SPEC", "NAMED", "PICKY", "TAKEN", "UNTAGGABLE"):
        _specs.pop(f"{__name__}:{attr}", None)


def provider(attr: str = "SPEC") -> SnapshotProvider:
    made = SnapshotProvider(f"{__name__}:{attr}")
    # An in-memory kind: there is no account to check.
    made.configure(ConfigureRequest(Config({"aws:skipCredentialsValidation": "true"}, "test")))
    return made


def test_waits_without_a_batch_read_and_shares_the_rounds() -> None:
    names = [f"t{i}" for i in range(6)]
    for name in names:
        planned[name] = ["pending"] * 4 + ["usable"]
    p = provider()
    with ThreadPoolExecutor(len(names)) as pool:
        results = list(pool.map(lambda n: p.create({"name": n, "region": "us-east-1"}), names))
    assert [r.id for r in results] == names
    assert all((r.outs or {})["state"] == "usable" for r in results)
    # Each id is read once a round however many waits there are: 5 reads to become usable,
    # plus at most a round or two for waits that joined late.
    assert all(5 <= reads[n] <= 7 for n in names), reads


def test_an_unexpected_error_while_waiting_still_cleans_up() -> None:
    planned["x"] = ["pending", "explode"]
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
    planned["z"] = ["pending", "broken"]
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
    planned["lag"] = ["invisible", "invisible", "pending", "usable"]
    assert (provider().create({"name": "lag", "region": "us-east-1"}).outs or {})[
        "state"
    ] == "usable"
    assert deleted == []


def test_a_timeout_before_the_first_read_is_a_timeout_and_keeps_the_snapshot() -> None:
    planned["quick"] = ["pending"]
    with pytest.raises(WaitTimeout) as raised:
        provider().create({"name": "quick", "region": "us-east-1", "timeout_minutes": 1e-7})
    message = str(raised.value)
    assert "Thing quick was not usable" in message and "last state: unknown" in message
    assert "It is kept" in message and "next `pulumi up` resumes waiting for it" in message
    assert "run `things delete quick --region us-east-1`" in message
    assert deleted == []
    mark = Mark.parse(tags["quick"][MARK_KEY])
    assert mark is not None and mark.unfinished


def test_delete_on_timeout_deletes_as_asked() -> None:
    planned["quick"] = ["pending"]
    with pytest.raises(WaitTimeout, match=r"it was deleted"):
        provider().create(
            {
                "name": "quick",
                "region": "us-east-1",
                "timeout_minutes": 1e-7,
                "delete_on_timeout": True,
            }
        )
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


# Transient errors, marks, resuming and adopting --------------------------------------------


def test_a_stretch_of_failed_reads_does_not_end_the_wait(
    capsys: pytest.CaptureFixture[str],
) -> None:
    planned["t"] = ["pending", "throttled", "throttled", "throttled", "pending", "usable"]
    result = provider().create({"name": "t", "region": "us-east-1"})
    assert (result.outs or {})["state"] == "usable" and deleted == []
    printed = capsys.readouterr().out
    assert printed.count("reading its state failed (Throttling); trying again") == 1
    assert "reading its state works again after 3 failures" in printed


def test_a_permanent_error_ends_the_wait() -> None:
    planned["d"] = ["pending", "denied"]
    with pytest.raises(SnapshotError, match=r"AccessDenied.*it was deleted"):
        provider().create({"name": "d", "region": "us-east-1"})
    assert deleted == ["d"]


def own(name: str, owner: str = "shop/dev/web", generation: str = "0ld0ld00") -> None:
    """A snapshot that an earlier create of `owner` started and never finished waiting for."""
    store[name] = ["pending", "usable"]
    tags[name] = {MARK_KEY: Mark(owner, generation).value(), "team": "a"}


def test_a_retried_create_resumes_its_own_snapshot() -> None:
    own("r")
    result = provider().create({"name": "r", "region": "us-east-1", "__owner": "shop/dev/web"})
    assert result.id == "r" and created == [] and deleted == []
    mark = Mark.parse(tags["r"][MARK_KEY])
    assert mark is not None and mark.owner == "shop/dev/web" and mark.generation != "0ld0ld00"
    outs = result.outs or {}
    assert outs["__mark"] == mark.value() and outs["tags_all"][MARK_KEY] == mark.value()
    assert MARK_KEY not in outs["tags"]


def test_a_name_taken_by_anything_else_is_never_taken_over() -> None:
    own("n", owner="shop/prod/web")
    with pytest.raises(SnapshotError) as raised:
        provider("TAKEN").create({"name": "n", "region": "us-east-1", "__owner": "shop/dev/web"})
    assert "Thing n already exists in us-east-1 (made by shop/prod/web)" in str(raised.value)
    assert "set adopt_id='n' to take it over" in str(raised.value)
    assert Mark.parse(tags["n"][MARK_KEY]) == Mark("shop/prod/web", "0ld0ld00")


def test_adopting_on_purpose_manages_the_snapshot() -> None:
    store["a"], tags["a"] = ["usable"], {"made": "by hand"}
    p = provider()
    inputs = p.check({}, {"adopt_id": "a", "region": "us-east-1", "__owner": "shop/dev/a"})
    assert inputs.failures == [] and inputs.inputs["name"] == "a"
    result = p.create(inputs.inputs)
    assert result.id == "a" and created == []
    assert Mark.parse(tags["a"][MARK_KEY]) == Mark.parse((result.outs or {})["__mark"])
    p.delete("a", result.outs or {})
    assert deleted == ["a"]


def test_an_adoption_that_does_not_match_is_refused() -> None:
    store["a"], tags["a"] = ["usable"], {}
    with pytest.raises(SnapshotError, match=r"cannot be adopted: .*source is 'a', not 'b'"):
        provider("PICKY").create({"name": "a", "adopt_id": "a", "region": "us-east-1"})
    assert tags["a"] == {}
    checked = provider().check({}, {"name": "a", "adopt_id": "b", "region": "us-east-1"})
    assert [f.property for f in checked.failures] == ["adopt_id"]


def test_an_adopted_snapshot_that_fails_is_kept() -> None:
    store["a"], tags["a"] = ["broken"], {}
    with pytest.raises(SnapshotFailed, match=r"it was adopted, not made here, so it is kept"):
        provider().create({"name": "a", "adopt_id": "a", "region": "us-east-1"})
    assert deleted == []


def test_delete_leaves_a_snapshot_that_a_newer_create_took_over() -> None:
    p = provider()
    first = p.create({"name": "s", "region": "us-east-1", "__owner": "shop/dev/s"})
    # A replacement took the same snapshot over: its create wrote a new generation.
    second = p.create(
        {"name": "s", "adopt_id": "s", "region": "us-east-1", "__owner": "shop/dev/s"}
    )
    assert created == ["s"]
    p.delete("s", first.outs or {})
    assert deleted == []
    p.delete("s", second.outs or {})
    assert deleted == ["s"]


def test_a_forced_replacement_never_takes_over_a_finished_snapshot() -> None:
    # `up --replace` asks no diff, so nothing asked for delete-before-replace: the old
    # snapshot, whose create returned, is still there under the same fixed name.
    p = provider()
    p.create({"name": "s", "region": "us-east-1", "__owner": "shop/dev/s"})
    with pytest.raises(SnapshotError, match=r"delete_before_replace=True.*Nothing was made"):
        p.create({"name": "s", "region": "us-east-1", "__owner": "shop/dev/s"})
    assert created == ["s"]


def test_generated_names_derive_from_owner_and_replacing_inputs() -> None:
    p = provider("NAMED")

    def name(**news: object) -> object:
        checked = p.check({}, {"__name": "web", "region": "us-east-1", **news})
        return checked.inputs["name"]

    base = name(__owner="shop/dev/web", source="a", tags={"x": "1"}, timeout_minutes=5)
    assert str(base).startswith("web-")
    # Preview and up, or a retried create, get the same name; in-place inputs do not count.
    assert name(__owner="shop/dev/web", source="a") == base
    # A replacement (other replacing inputs) or another resource gets another one.
    assert name(__owner="shop/dev/web", source="b") != base
    assert name(__owner="shop/prod/web", source="a") != base
    assert name(__owner="shop/dev/web", source="a", region="eu-west-1") != base
    # Not known while a replacing input is unknown (preview).
    assert isinstance(name(__owner="shop/dev/web", source=Unknown()), Unknown)


def test_check_starts_loading_the_models_of_its_service(monkeypatch: pytest.MonkeyPatch) -> None:
    # The create that follows, often after its sources were made, then finds them parsed.
    asked: list[tuple[str, bool]] = []
    monkeypatch.setattr(
        aws, "prepare", lambda service, settle=False: asked.append((service, settle))
    )
    assert provider().check({}, {"name": "a", "region": "us-east-1"}).failures == []
    # Outside the provider host, nothing is frozen.
    assert asked == [("things", False)]


def configured(config: dict[str, str]) -> SnapshotProvider:
    made = SnapshotProvider(f"{__name__}:SPEC")
    made.configure(
        ConfigureRequest(Config({"aws:skipCredentialsValidation": "true", **config}, "test"))
    )
    return made


def test_regions_are_checked_against_botocores_list_only_when_asked() -> None:
    news = {"name": "t", "region": "us-nowhere-9"}
    assert provider().check({}, news).failures == []
    failures = configured({"aws:skipRegionValidation": "false"}).check({}, news).failures
    assert [f.property for f in failures] == ["region"]
    assert "'us-nowhere-9' is not a region AWS lists" in failures[0].reason
    listed = {"name": "t", "region": "eu-west-1"}
    assert configured({"aws:skipRegionValidation": "false"}).check({}, listed).failures == []


def test_a_create_only_config_problem_stops_check_and_create_but_not_read_or_delete() -> None:
    planned["kept"] = ["usable"]
    p = provider()
    made = p.create({"name": "kept", "region": "us-east-1"})
    later = configured({"aws:tagPolicyCompliance": "error", "aws:laterKey": "1"})
    with pytest.raises(SnapshotError, match="aws:tagPolicyCompliance: 'error' is not yet"):
        later.check({}, {"name": "other", "region": "us-east-1"})
    with pytest.raises(SnapshotError, match="aws:tagPolicyCompliance"):
        later.create({"name": "other", "region": "us-east-1"})
    assert later.read(made.id, dict(made.outs or {})).id == "kept"
    later.delete(made.id, dict(made.outs or {}))
    assert deleted == ["kept"]


def test_an_identity_problem_stops_reads_too() -> None:
    planned["kept"] = ["usable"]
    made = provider().create({"name": "kept", "region": "us-east-1"})
    broken = configured({"aws:assumeRoles": '[{"roleArn": "not-an-arn"}]'})
    with pytest.raises(SnapshotError, match="aws:assumeRoles"):
        broken.read(made.id, dict(made.outs or {}))
    with pytest.raises(SnapshotError, match="aws:assumeRoles"):
        broken.delete(made.id, dict(made.outs or {}))
    assert deleted == []
