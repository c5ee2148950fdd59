"""Input validation: a pydantic base model for every resource's inputs, reusable rules, and the
translation of validation errors into one failure per property."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
"""The value Pulumi sends for an input that is not known yet (preview)."""

REGION_PATTERN = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$")


def contains_unknown(value: Any) -> bool:
    """Whether a value is, or holds, an unknown."""
    if isinstance(value, str):
        return value == UNKNOWN
    if isinstance(value, Mapping):
        return any(contains_unknown(k) or contains_unknown(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(contains_unknown(v) for v in value)
    return False


@dataclass(frozen=True)
class TagRules:
    """A service's documented tag rules."""

    max_key: int
    max_value: int
    forbidden_prefixes: tuple[str, ...] = ("aws:",)
    prefixes_apply_to_values: bool = False
    extra_characters: str | None = None
    """Punctuation allowed besides letters, digits and spaces; None allows every character."""
    max_tags: int = 50

    def violations(self, tags: Mapping[str, str]) -> list[str]:
        """Every broken rule, as a sentence naming the tag."""
        problems: list[str] = []
        if len(tags) > self.max_tags:
            problems.append(f"at most {self.max_tags} tags are allowed, got {len(tags)}")
        for key, value in tags.items():
            if not 1 <= len(key) <= self.max_key:
                problems.append(f"tag key {key!r} must be 1 to {self.max_key} characters")
            if len(value) > self.max_value:
                problems.append(f"tag value of {key!r} must be at most {self.max_value} characters")
            for prefix in self.forbidden_prefixes:
                if key.lower().startswith(prefix):
                    problems.append(f"tag key {key!r} must not start with {prefix!r}")
                if self.prefixes_apply_to_values and value.lower().startswith(prefix):
                    problems.append(f"tag value of {key!r} must not start with {prefix!r}")
            for label, text in (("key", key), ("value", value)):
                bad = self._bad_characters(text)
                if bad:
                    problems.append(
                        f"tag {label} {text!r} has characters that are not allowed: "
                        f"{''.join(sorted(set(bad)))!r} (allowed: letters, digits, spaces "
                        f"and {self.extra_characters})"
                    )
        return problems

    def _bad_characters(self, text: str) -> list[str]:
        if self.extra_characters is None:
            return []
        return [
            c
            for c in text
            if unicodedata.category(c)[0] not in "LNZ" and c not in self.extra_characters
        ]


class Inputs(BaseModel):
    """Inputs every resource takes; subclasses add their own and set `tag_rules`."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)

    tag_rules: ClassVar[TagRules] = TagRules(max_key=128, max_value=256)

    region: str | None = None
    tags: dict[str, str] | None = None
    timeout_minutes: float | None = Field(default=None, gt=0, le=7 * 24 * 60)

    @field_validator("region")
    @classmethod
    def _region_form(cls, value: str | None) -> str | None:
        if value is not None and not REGION_PATTERN.match(value):
            raise ValueError(f"{value!r} is not an AWS region name such as 'us-east-1'")
        return value

    @field_validator("tags")
    @classmethod
    def _tag_rules(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        if value is not None:
            problems = cls.tag_rules.violations(value)
            if problems:
                raise ValueError("; ".join(problems))
        return value

    def cross_checks(self) -> Iterable[tuple[str, str]]:
        """Rules across several inputs, as (property, reason) pairs."""
        return ()


def check_inputs(
    model: type[Inputs], raw: Mapping[str, Any]
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Validate `raw` with `model`, returning the normalised inputs and one failure per property.

    Unknown values (preview) pass: they keep their place and their rules are skipped, and rules
    across inputs run only when every input is known.
    """
    unknown = {k for k, v in raw.items() if contains_unknown(v)}
    known = {k: v for k, v in raw.items() if k not in unknown and v is not None}
    failures: dict[str, list[str]] = {}
    normalised: dict[str, Any] = {}
    try:
        instance = model.model_validate(known)
    except ValidationError as exc:
        for err in exc.errors():
            prop = str(err["loc"][0]) if err["loc"] else "inputs"
            if prop in unknown:
                continue
            reason = _reason(err)
            failures.setdefault(prop, [])
            if reason not in failures[prop]:
                failures[prop].append(reason)
        # Keep the known inputs as given so that the failures can be shown against them.
        normalised = dict(known)
        # Rules across inputs still run, unvalidated; a failure counts only if it holds both
        # with and without the inputs that broke their own rules, so that it never merely
        # repeats their problem.
        with_raw = set(_cross_checks(model.model_construct(**known)))
        without = model.model_construct(**{k: v for k, v in known.items() if k not in failures})
        cross = [c for c in _cross_checks(without) if c in with_raw]
    else:
        normalised = {k: v for k, v in instance.model_dump(mode="json").items() if v is not None}
        cross = _cross_checks(instance)
    if not unknown:
        for prop, reason in cross:
            failures.setdefault(prop, []).append(reason)
    for key in unknown:
        normalised[key] = raw[key]
    return normalised, [(prop, "; ".join(reasons)) for prop, reasons in failures.items()]


def _cross_checks(instance: Inputs) -> list[tuple[str, str]]:
    try:
        return list(instance.cross_checks())
    except (AttributeError, TypeError, ValueError):
        # An input is missing or of the wrong type, so the rule across inputs cannot apply yet.
        return []


def _reason(err: Any) -> str:
    kind = err.get("type", "")
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not an input of this resource"
    message = str(err.get("msg", "is invalid"))
    return message.removeprefix("Value error, ")


def name_pattern_check(
    value: str,
    *,
    min_len: int,
    max_len: int,
    allowed: str,
    first_letter: bool = False,
    first_alnum: bool = False,
    last_alnum: bool = False,
    no_trailing_hyphen: bool = False,
    no_double_hyphen: bool = False,
) -> str:
    """Check a name against the rules the services document, raising one readable error."""
    problems: list[str] = []
    if not min_len <= len(value) <= max_len:
        problems.append(f"must be {min_len} to {max_len} characters long (got {len(value)})")
    bad = sorted({c for c in value if not re.match(allowed, c)})
    if bad:
        problems.append(f"has characters that are not allowed: {''.join(bad)!r}")
    if value:
        if first_letter and not (value[0].isascii() and value[0].isalpha()):
            problems.append("must start with a letter")
        if first_alnum and not value[0].isalnum():
            problems.append("must start with a letter or digit")
        if last_alnum and not value[-1].isalnum():
            problems.append("must end with a letter or digit")
        if no_trailing_hyphen and value.endswith("-"):
            problems.append("must not end with a hyphen")
    if no_double_hyphen and "--" in value:
        problems.append("must not contain two consecutive hyphens")
    if problems:
        raise ValueError(f"{value!r} " + ", ".join(problems))
    return value
