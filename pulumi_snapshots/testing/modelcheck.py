"""Checking parameters against a botocore input shape, as strictly as the service does.

botocore's own ``ParamValidator`` checks required members, types and minimums on the client
side; services also enforce enums, patterns, maximum lengths and ranges. :func:`check` does
all of them and returns every departure as a :class:`Problem`.

Patterns follow the service side: a value must match the whole pattern (Java's
``Pattern.matches``). Some patterns are written for Java's regex engine; :func:`compiled`
translates what Python's ``re`` lacks and leaves unchecked what it cannot make sense of:

* ``\\p{X}`` / ``\\P{X}`` (Unicode general categories, e.g. ``\\p{L}`` in STS tag keys) become
  explicit code point ranges built from :mod:`unicodedata`;
* a pattern that still does not compile, uses Java's class intersection (``&&``, which
  Python would read as literal characters), or places ``^`` after its start (EC2's
  placement group ARN pattern ``...:placement-group/^.{1,255}$`` can match nothing), is not
  applied and is listed in :data:`UNCHECKED_PATTERNS`.

Some rules live only in a member's documentation, not in the model's constraints; the ones
the fake enforces are in :data:`DOCUMENTED_ENUMS`.
"""

from __future__ import annotations

import datetime
import functools
import re
import sys
import unicodedata
import warnings
from dataclasses import dataclass
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape

__all__ = ["DOCUMENTED_ENUMS", "UNCHECKED_PATTERNS", "Problem", "check", "compiled"]

#: Values a member accepts according to its documentation only: (service, input structure
#: shape, member) -> values. ElastiCache DescribeSnapshots' SnapshotSource: "If set to
#: system, the output shows snapshots that were automatically created by ElastiCache. If set
#: to user the output shows snapshots that were manually created."
DOCUMENTED_ENUMS: dict[tuple[str, str, str], tuple[str, ...]] = {
    ("elasticache", "DescribeSnapshotsMessage", "SnapshotSource"): ("system", "user"),
}

#: Patterns the fake does not apply, with the reason (filled as patterns are first used).
UNCHECKED_PATTERNS: dict[str, str] = {}


@dataclass(frozen=True)
class Problem:
    """One way a request departs from its model: where, which rule, and the value."""

    path: str
    rule: str
    value: Any = None
    missing: bool = False

    def describe(self) -> str:
        where = self.path or "the request"
        if self.missing:
            return f"The parameter {where} must be provided."
        return f"Invalid value for {where}: {self.rule}."


# ----------------------------------------------------------------------------- patterns

_CATEGORY = re.compile(r"\\([pP])\{(\w+)\}")


@functools.cache
def _categories() -> dict[str, list[tuple[int, int]]]:
    """Code point ranges of every Unicode general category and category letter (one pass)."""
    ranges: dict[str, list[tuple[int, int]]] = {}
    for code in range(sys.maxunicode + 1):
        category = unicodedata.category(chr(code))
        for key in (category[0], category):
            spans = ranges.setdefault(key, [])
            if spans and spans[-1][1] == code - 1:
                spans[-1] = (spans[-1][0], code)
            else:
                spans.append((code, code))
    return ranges


def _category_ranges(category: str) -> str:
    """Character class content for the code points of a Unicode general category."""
    spans = _categories().get(category)
    if not spans:
        raise ValueError(f"unknown Unicode category {category!r}")
    return "".join(
        f"\\U{low:08x}" if low == high else f"\\U{low:08x}-\\U{high:08x}" for low, high in spans
    )


def _translate(pattern: str) -> str:
    """`pattern` with Java's \\p{X} classes spelt out for Python's ``re``."""
    out: list[str] = []
    position = 0
    in_class = False
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            match = _CATEGORY.match(pattern, index)
            if match:
                negated = match.group(1) == "P"
                body = _category_ranges(match.group(2))
                out.append(pattern[position:index])
                if in_class and not negated:
                    out.append(body)
                elif in_class:
                    raise ValueError("a negated category inside a class")
                else:
                    out.append(f"[{'^' if negated else ''}{body}]")
                index = position = match.end()
                continue
            index += 2
            continue
        if char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        index += 1
    out.append(pattern[position:])
    return "".join(out)


def _anchor_inside(pattern: str) -> bool:
    """Whether `pattern` has a ``^`` that is neither its start nor after ``|`` or ``(``."""
    in_class = False
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if pattern[index + 1 : index + 2] == "^":
                index += 1
        elif char == "^" and index > 0 and pattern[index - 1] not in "|(":
            return True
        index += 1
    return False


@functools.cache
def compiled(pattern: str) -> re.Pattern[str] | None:
    """`pattern` compiled for whole-value matching, or None when the fake cannot apply it."""
    if _anchor_inside(pattern):
        UNCHECKED_PATTERNS[pattern] = "a ^ after the start of the pattern can never match"
        return None
    with warnings.catch_warnings():
        # Python warns where Java reads a set operation ("&&", "--" in a class): different
        # meanings, so such a pattern is not applied.
        warnings.simplefilter("error", FutureWarning)
        try:
            return re.compile(pattern, re.DOTALL)
        except (re.error, FutureWarning):
            pass
        try:
            return re.compile(_translate(pattern), re.DOTALL)
        except (re.error, FutureWarning, ValueError) as error:
            UNCHECKED_PATTERNS[pattern] = f"not a pattern Python can apply: {error}"
            return None


# -------------------------------------------------------------------------------- check


def check(shape: StructureShape | None, params: Any, *, service: str = "") -> list[Problem]:
    """Every way `params` departs from the input `shape` of an operation of `service`."""
    if shape is None:
        return []
    problems: list[Problem] = []
    _check(shape, params, "", problems, service)
    return problems


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _check(shape: Shape, value: Any, path: str, problems: list[Problem], service: str) -> None:
    if value is None:
        return
    if isinstance(shape, StructureShape):
        _check_structure(shape, value, path, problems, service)
    elif isinstance(shape, ListShape):
        if not isinstance(value, list):
            problems.append(Problem(path, "must be a list", value))
            return
        _check_size(shape, len(value), path, problems, value)
        for index, item in enumerate(value):
            _check(shape.member, item, f"{path}[{index}]", problems, service)
    elif isinstance(shape, MapShape):
        if not isinstance(value, dict):
            problems.append(Problem(path, "must be a map", value))
            return
        _check_size(shape, len(value), path, problems, value)
        for key, item in value.items():
            _check(shape.key, key, f"{path}<key>", problems, service)
            _check(shape.value, item, f"{path}.{key}", problems, service)
    else:
        _check_scalar(shape, value, path, problems)


def _check_structure(
    shape: StructureShape, value: Any, path: str, problems: list[Problem], service: str
) -> None:
    if not isinstance(value, dict):
        problems.append(Problem(path, "must be a structure", value))
        return
    for name in shape.required_members:
        if value.get(name) is None:
            problems.append(Problem(_join(path, name), "is required", missing=True))
    for name, member in shape.members.items():
        item = value.get(name)
        if item is None:
            continue
        documented = DOCUMENTED_ENUMS.get((service, shape.name, name))
        if documented is not None and item not in documented:
            problems.append(
                Problem(_join(path, name), f"{item!r} is not one of {', '.join(documented)}", item)
            )
            continue
        _check(member, item, _join(path, name), problems, service)


_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "float": (int, float),
    "double": (int, float),
    "boolean": (bool,),
}


def _check_scalar(shape: Shape, value: Any, path: str, problems: list[Problem]) -> None:
    kind = shape.type_name
    expected = _TYPES.get(kind)
    if expected is not None and (
        not isinstance(value, expected) or (kind != "boolean" and isinstance(value, bool))
    ):
        problems.append(Problem(path, f"must be of type {kind}", value))
        return
    if kind == "string":
        enum = getattr(shape, "enum", None) or []
        if enum and value not in enum:
            problems.append(Problem(path, f"{value!r} is not one of {', '.join(enum)}", value))
            return
        if _check_size(shape, len(value), path, problems, value):
            pattern = shape.metadata.get("pattern")
            regex = compiled(pattern) if pattern else None
            if regex is not None and regex.fullmatch(value) is None:
                problems.append(
                    Problem(path, f"{value!r} does not match the pattern {pattern}", value)
                )
    elif kind in ("integer", "long", "float", "double"):
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        if low is not None and value < low:
            problems.append(Problem(path, f"{value} is less than the minimum {low}", value))
        elif high is not None and value > high:
            problems.append(Problem(path, f"{value} is more than the maximum {high}", value))
    elif kind == "timestamp" and (
        isinstance(value, bool) or not isinstance(value, int | float | str | datetime.datetime)
    ):
        problems.append(Problem(path, "must be a timestamp", value))
    elif kind == "blob":
        if not isinstance(value, bytes | bytearray | str):
            problems.append(Problem(path, "must be a blob", value))
        else:
            _check_size(shape, len(value), path, problems, value)


def _check_size(shape: Shape, size: int, path: str, problems: list[Problem], value: Any) -> bool:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if low is not None and size < low:
        problems.append(Problem(path, f"its length {size} is less than the minimum {low}", value))
        return False
    if high is not None and size > high:
        problems.append(Problem(path, f"its length {size} is more than the maximum {high}", value))
        return False
    return True
