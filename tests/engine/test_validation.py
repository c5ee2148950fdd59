"""Validation: one failure per property, unknowns pass, tag rules."""

from __future__ import annotations

from collections.abc import Iterable

from pulumi_snapshots.engine.validation import UNKNOWN, Inputs, TagRules, check_inputs


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


def test_too_many_tags() -> None:
    assert (
        "at most 3 tags" in failures({"name": "n", "tags": {str(i): "v" for i in range(4)}})["tags"]
    )


def test_timeout_must_be_positive() -> None:
    assert "timeout_minutes" in failures({"name": "n", "timeout_minutes": 0})
