"""Input validation: a pydantic base model for every resource's inputs, reusable rules, and the
translation of validation errors into one failure per property."""

from __future__ import annotations

import itertools
import math
import re
import types
import typing
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from pulumi.output import Unknown
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from pulumi_snapshots.aws.forms import FALSE_WORDS, TRUE_WORDS
from pulumi_snapshots.aws.forms import REGION_PATTERN as REGION_PATTERN
from pulumi_snapshots.aws.identity import IdentityInput
from pulumi_snapshots.engine.marks import RESERVED_PREFIX

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
"""The wire form of a value that is not known yet (preview). The provider host turns it into a
`pulumi.output.Unknown` for Check and Diff; either form may reach the provider."""


MAX_COMBINATIONS = 512
"""Rules across inputs are tried with every combination of stand-ins for the unknown inputs;
beyond this many combinations they wait until the values are known."""


def is_unknown(value: Any) -> bool:
    """Whether a value is an unknown, in either form."""
    return isinstance(value, Unknown) or (isinstance(value, str) and value == UNKNOWN)


def contains_unknown(value: Any) -> bool:
    """Whether a value is, or holds, an unknown."""
    if is_unknown(value):
        return True
    if isinstance(value, Mapping):
        return any(contains_unknown(k) or contains_unknown(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(contains_unknown(v) for v in value)
    return False


def known_part(value: Any) -> Any:
    """A value without its unknown parts: map entries and list elements that are unknown are
    left out, so that the rules of what is known can still run."""
    if isinstance(value, Mapping):
        return {
            k: known_part(v) for k, v in value.items() if not is_unknown(k) and not is_unknown(v)
        }
    if isinstance(value, list | tuple):
        return [known_part(v) for v in value if not is_unknown(v)]
    return value


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
            # Every slot is the user's: the provider's mark takes one only when one is free.
            problems.append(f"at most {self.max_tags} tags are allowed, got {len(tags)}")
        for key, value in tags.items():
            if key.startswith(RESERVED_PREFIX):
                problems.append(
                    f"tag key {key!r} is reserved: keys under {RESERVED_PREFIX!r} are the "
                    "provider's own"
                )
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

    def tag_slots(self) -> int:
        """How many tags AWS lets the snapshot carry (the provider's mark goes only in a free
        one)."""
        return self.tag_rules.max_tags

    region: str | None = None
    tags: dict[str, str] | None = None
    timeout_minutes: float | None = Field(default=None, gt=0, le=7 * 24 * 60)
    delete_on_timeout: bool | None = None
    adopt_id: str | None = Field(default=None, min_length=1)
    identity: IdentityInput | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _exact_scalars(cls, value: Any, info: ValidationInfo) -> Any:
        # pydantic's lax mode would take "yes" or 1 for True; inputs take what their type says,
        # plus the strings that Pulumi's own config getters accept.
        field = cls.model_fields.get(info.field_name or "")
        kind = _scalar_kind(field.annotation) if field is not None else None
        if value is None or kind is None:
            return value
        if kind is bool:
            if isinstance(value, bool):
                return value
            if value in TRUE_WORDS or value in FALSE_WORDS:
                return value in TRUE_WORDS
            raise ValueError(f"must be true or false (a boolean), got {value!r}")
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value
        if isinstance(value, str):
            try:
                number = float(value)
            except ValueError:
                number = math.nan
            if math.isfinite(number):
                return number
        raise ValueError(f"must be a number, got {value!r}")

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


def _scalar_kind(annotation: Any) -> type | None:
    """`bool` or `float` for a (possibly optional) boolean or number field, else None."""
    args = typing.get_args(annotation) if _is_union(annotation) else (annotation,)
    if bool in args:
        return bool
    if float in args or int in args:
        return float
    return None


def _is_union(annotation: Any) -> bool:
    return typing.get_origin(annotation) in (typing.Union, types.UnionType)


def check_inputs(
    model: type[Inputs], raw: Mapping[str, Any]
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Validate `raw` with `model`, returning the normalised inputs and one failure per property.

    Unknown values (preview) keep their place and skip their own rules; the known parts of a
    value that holds an unknown (a tag value, a list element) are still checked. A rule across
    inputs is reported only if it holds whatever the unknown inputs turn out to be, and whether
    or not the inputs that broke their own rules are fixed.
    """
    unknown = {k for k, v in raw.items() if contains_unknown(v)}
    known = {k: v for k, v in raw.items() if k not in unknown and v is not None}
    partial = {k: known_part(raw[k]) for k in unknown if not is_unknown(raw[k])}
    failures: dict[str, list[str]] = {}
    try:
        instance = model.model_validate({**known, **partial})
    except ValidationError as exc:
        for err in exc.errors():
            prop = str(err["loc"][0]) if err["loc"] else "inputs"
            if prop in unknown and prop not in partial:
                continue
            if prop in partial and err["type"] == "missing":
                # What is missing may be the part that is not known yet.
                continue
            reason = _reason(err)
            failures.setdefault(prop, [])
            if reason not in failures[prop]:
                failures[prop].append(reason)
        # Keep the known inputs as given so that the failures can be shown against them.
        normalised = dict(known)
        settled = {k: v for k, v in known.items() if k not in failures}
    else:
        dumped = instance.model_dump(mode="json")
        normalised = {k: v for k, v in dumped.items() if v is not None and k not in unknown}
        settled = {k: getattr(instance, k) for k in known}
    open_values = {k: [known[k], None] for k in known if k in failures}
    for key in unknown:
        open_values[key] = _stand_ins(model, key)
    for prop, reason in _cross_failures(model, settled, open_values):
        failures.setdefault(prop, []).append(reason)
    for key in unknown:
        normalised[key] = raw[key]
    return normalised, [(prop, "; ".join(reasons)) for prop, reasons in failures.items()]


def _stand_ins(model: type[Inputs], key: str) -> list[Any]:
    """Values that stand for an unknown input when rules across inputs are tried: unset, and a
    value of each kind that such rules tell apart (true or false, equal to another input or not).
    A rule that reads the content of an unknown string therefore never holds for all of them."""
    field = model.model_fields.get(key)
    annotation = field.annotation if field is not None else None
    options = typing.get_args(annotation) if _is_union(annotation) else (annotation,)
    values: list[Any] = [None]
    for option in options:
        origin = typing.get_origin(option)
        if origin is typing.Literal:
            values.extend(typing.get_args(option))
        elif option is bool:
            values.extend([True, False])
        elif option is str:
            values.append(f"unknown {key}")
        elif option in (int, float):
            values.append(1)
        elif origin is list:
            values.append([f"unknown {key}"])
        elif origin is dict:
            values.append({f"unknown {key}": f"unknown {key}"})
    return values


def _cross_failures(
    model: type[Inputs], settled: Mapping[str, Any], open_values: Mapping[str, list[Any]]
) -> list[tuple[str, str]]:
    """The failures of the rules across inputs that hold with every choice of the open values."""
    keys = sorted(open_values)
    choices = [open_values[k] for k in keys]
    if math.prod(len(c) for c in choices) > MAX_COMBINATIONS:
        return []
    common: list[tuple[str, str]] | None = None
    for combination in itertools.product(*choices):
        values = dict(zip(keys, combination, strict=True))
        found = _cross_checks(model.model_construct(**settled, **values))
        common = found if common is None else [f for f in common if f in found]
        if not common:
            return []
    return common or []


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
