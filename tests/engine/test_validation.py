"""Validation: one failure per property, unknowns pass, tag rules."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pulumi.output import Unknown

from pulumi_snapshots.engine.validation import UNKNOWN, Inputs, TagRules, check_inputs
from pulumi_snapshots.testing.host import as_check_receives, unknown_output


class Sample(Inputs):
    tag_rules = TagRules(max_key=5, max_value=3, extra_characters="_-", max_tags=3)
    name: str
    other: int | None = None

    def cross_checks(self) -> Iterable[tuple[str, str]]:
        if self.other is not None and self.other > len(self.name):
            yield ("other", "must not exceed the length of name")


def failures(raw: dict[str, object]) -> dict[str, str]:
    return dict(check_inputs(Sample, raw)[1])


def test_valid_inputs_are_normalised_and_none_dropped() -> None:
    inputs, problems = check_inputs(Sample, {"name": "n", "other": 1.0, "tags": None})
    assert problems == []
    assert inputs == {"name": "n", "other": 1}


def test_one_failure_per_property_naming_the_rule() -> None:
    got = failures({"other": "x", "tags": {"toolong": "v", "k": "long!"}, "region": "mars"})
    assert set(got) == {"name", "other", "tags", "region"}
    assert got["name"] == "is required"
    assert "tag key 'toolong' must be 1 to 5 characters" in got["tags"]
    assert "tag value of 'k' must be at most 3 characters" in got["tags"]
    assert "characters that are not allowed: '!'" in got["tags"]
    assert "not an AWS region" in got["region"]


def test_unknown_inputs_pass_and_skip_cross_checks() -> None:
    inputs, problems = check_inputs(Sample, {"name": UNKNOWN, "other": 100})
    assert problems == []
    assert inputs["name"] == UNKNOWN
    nested, problems = check_inputs(Sample, {"name": "n", "tags": {"k": UNKNOWN}})
    assert problems == [] and nested["tags"] == {"k": UNKNOWN}


def test_cross_checks_run_when_other_inputs_fail() -> None:
    got = failures({"name": "ab", "other": 5, "tags": {"aws:k": "v"}})
    assert got["other"] == "must not exceed the length of name"
    assert "must not start with 'aws:'" in got["tags"]


def test_unknown_property_is_reported() -> None:
    assert failures({"name": "n", "colour": "red"}) == {
        "colour": "is not an input of this resource"
    }


def test_every_tag_slot_is_the_users() -> None:
    three = {"1": "v", "2": "v", "3": "v"}
    assert (
        "at most 3 tags are allowed, got 4"
        in failures({"name": "n", "tags": {**three, "4": "v"}})["tags"]
    )
    # All of them: the mark takes a slot only when one is free.
    assert "tags" not in failures({"name": "n", "tags": three})
    reserved = failures({"name": "n", "tags": {"pulumi-snapshots:owner": "me"}})["tags"]
    assert "is reserved" in reserved


def test_timeout_must_be_positive() -> None:
    assert "timeout_minutes" in failures({"name": "n", "timeout_minutes": 0})


# Unknowns as the provider host delivers them, and exact scalars -----------------------------


class Flags(Inputs):
    name: str
    enabled: bool | None = None
    mode: Literal["a", "b"] | None = None

    def cross_checks(self) -> Iterable[tuple[str, str]]:
        if self.enabled and self.mode is None:
            yield ("mode", "is required when enabled is true")
        if self.name == "reserved":
            yield ("name", "must not be 'reserved'")


def sent(**values: object) -> dict[str, object]:
    """The inputs as Check receives them from the host, unknowns included."""

    def program_side(value: object) -> object:
        if value is LATER:
            return unknown_output()
        if isinstance(value, dict):
            return {k: program_side(v) for k, v in value.items()}
        return value

    return as_check_receives(lambda: {k: program_side(v) for k, v in values.items()})


LATER = object()
"""Marks an input that the program only knows later (an unknown output)."""


def test_unknown_instances_pass_and_stay_unknown() -> None:
    raw = sent(name=LATER, enabled=True)
    assert isinstance(raw["name"], Unknown)
    inputs, problems = check_inputs(Flags, raw)
    assert isinstance(inputs["name"], Unknown)
    # The rule across inputs that does not need the unknown still runs.
    assert problems == [("mode", "is required when enabled is true")]


def test_rules_across_inputs_that_need_an_unknown_wait() -> None:
    assert check_inputs(Flags, sent(name="n", enabled=LATER))[1] == []
    assert check_inputs(Flags, sent(name="reserved", enabled=LATER, mode=LATER))[1] == [
        ("name", "must not be 'reserved'")
    ]


def test_known_parts_of_a_value_with_unknowns_are_checked() -> None:
    inputs, problems = check_inputs(Sample, sent(name="n", tags={"aws:k": "v", "ok": LATER}))
    assert [p for p, _ in problems] == ["tags"] and "must not start with 'aws:'" in problems[0][1]
    assert isinstance(inputs["tags"]["ok"], Unknown)


def test_booleans_are_booleans() -> None:
    for value in ("yes", 1, "1", "TRUE"):
        problems = dict(check_inputs(Flags, {"name": "n", "enabled": value})[1])
        assert problems == {"enabled": f"must be true or false (a boolean), got {value!r}"}
    # What pulumi.Config.get returns for a boolean config value is taken as that boolean.
    for value, meant in (("true", True), ("False", False), (True, True)):
        inputs, problems = check_inputs(Flags, {"name": "n", "enabled": value, "mode": "a"})
        assert problems == [] and inputs["enabled"] is meant


def test_numbers_are_numbers() -> None:
    for value in ("soon", True, "nan", [5]):
        problems = dict(check_inputs(Flags, {"name": "n", "timeout_minutes": value})[1])
        assert problems == {"timeout_minutes": f"must be a number, got {value!r}"}
    inputs, problems = check_inputs(Flags, {"name": "n", "timeout_minutes": "2.5"})
    assert problems == [] and inputs["timeout_minutes"] == 2.5
