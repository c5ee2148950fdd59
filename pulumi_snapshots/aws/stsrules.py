"""The rules STS sets for assuming a role (botocore's STS model and the STS API reference),
and the duration form pulumi-aws takes; shared by the stack config and the per-resource
identity input. Each `*_problem` function returns why a value breaks a rule, or None."""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

MIN_ROLE_SECONDS = 15 * 60
MAX_ROLE_SECONDS = 12 * 60 * 60
CHAINED_ROLE_MAX_SECONDS = 60 * 60
"""AWS limits a role session assumed with another role's credentials to one hour: AssumeRole
fails when such a call asks for more (STS AssumeRole, DurationSeconds)."""

_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")
_UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0}
_UNIT_SECONDS |= {"m": 60.0, "h": 3600.0}
_ROLE_ARN = re.compile(r"arn:[a-z][a-z0-9-]*:iam::\d{12}:role/\S+")
_SESSION_NAME = re.compile(r"[\w+=,.@-]*", re.ASCII)
_EXTERNAL_ID = re.compile(r"[\w+=,.@:/-]*", re.ASCII)
_TAG_PUNCTUATION = "_.:/=+-@"


def go_duration_seconds(text: str) -> float | None:
    """Seconds in a Go duration string ("1h", "2h45m", "30m15s"), or None if it is not one."""
    body = text[1:] if text[:1] in "+-" else text
    if body == "0":
        return 0.0
    if not body:
        return None
    total = 0.0
    pos = 0
    while pos < len(body):
        match = _DURATION_PART.match(body, pos)
        if match is None:
            return None
        total += float(match[1]) * _UNIT_SECONDS[match[2]]
        pos = match.end()
    return -total if text.startswith("-") else total


def duration_problem(value: str) -> str | None:
    """Why `value` is not a role session duration (15 minutes to 12 hours), if it is not."""
    seconds = go_duration_seconds(value)
    if seconds is None or not math.isfinite(seconds):
        return f'duration {value!r} is not a duration such as "1h" (15m to 12h)'
    if not MIN_ROLE_SECONDS <= seconds <= MAX_ROLE_SECONDS:
        return f"duration {value!r} must be between 15 minutes (15m) and 12 hours (12h)"
    return None


def duration_seconds(value: str) -> int:
    """Whole seconds of a valid duration, as STS takes them."""
    seconds = go_duration_seconds(value)
    assert seconds is not None
    return int(seconds)


def role_arn_problem(value: str) -> str | None:
    """Why `value` is not an IAM role ARN, if it is not."""
    if not 20 <= len(value) <= 2048 or not _ROLE_ARN.fullmatch(value):
        return f"{value!r} is not an IAM role ARN such as 'arn:aws:iam::123456789012:role/name'"
    return None


def session_name_problem(name: str, value: str, *, max_len: int = 64) -> str | None:
    """Why `value` is not a role session name (or source identity), if it is not."""
    if not 2 <= len(value) <= max_len or not _SESSION_NAME.fullmatch(value):
        return f"{name} {value!r} must be 2 to {max_len} characters of letters, digits and _+=,.@-"
    return None


def external_id_problem(value: str) -> str | None:
    """Why `value` is not an external id, if it is not."""
    if not 2 <= len(value) <= 1224 or not _EXTERNAL_ID.fullmatch(value):
        return (
            f"external id {value!r} must be 2 to 1224 characters of letters, digits and _+=,.@:/-"
        )
    return None


def policy_problem(value: str) -> str | None:
    """Why `value` is not a session policy (a JSON document), if it is not."""
    try:
        document = json.loads(value)
    except json.JSONDecodeError as exc:
        return f"policy is not valid JSON ({exc.msg} at character {exc.pos})"
    if not isinstance(document, dict):
        return "policy must be a JSON object (an IAM policy document)"
    return None


def policy_arn_problem(value: str) -> str | None:
    """Why `value` is not a managed policy ARN, if it is not."""
    if not 20 <= len(value) <= 2048 or not re.fullmatch(r"arn:[a-z][a-z0-9-]*:iam::\S+", value):
        return (
            f"{value!r} is not an IAM policy ARN such as 'arn:aws:iam::aws:policy/ReadOnlyAccess'"
        )
    return None


def session_tag_problems(tags: Iterable[tuple[str, str]], transitive: Iterable[str]) -> list[str]:
    """The broken session tag rules of STS (at most 50, key and value characters and lengths)."""
    pairs = list(tags)
    keys = list(transitive)
    problems: list[str] = []
    if len(pairs) > 50:
        problems.append(f"at most 50 session tags are allowed, got {len(pairs)}")
    if len(keys) > 50:
        problems.append(f"at most 50 transitive tag keys are allowed, got {len(keys)}")
    for key, value in pairs:
        if not 1 <= len(key) <= 128 or not _tag_text(key):
            problems.append(
                f"session tag key {key!r} must be 1 to 128 letters, digits, spaces or _.:/=+-@"
            )
        if len(value) > 256 or not _tag_text(value):
            problems.append(
                f"session tag value of {key!r} must be at most 256 letters, digits, spaces "
                "or _.:/=+-@"
            )
    for key in keys:
        if not 1 <= len(key) <= 128 or not _tag_text(key):
            problems.append(
                f"transitive tag key {key!r} must be 1 to 128 letters, digits, spaces or _.:/=+-@"
            )
    return problems


def _tag_text(text: str) -> bool:
    return all(unicodedata.category(c)[0] in "LNZ" or c in _TAG_PUNCTUATION for c in text)


def account_id_problem(value: Any) -> str | None:
    """Why `value` is not an AWS account id, if it is not."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{12}", value):
        return f"{value!r} is not a 12-digit AWS account id"
    return None


def chain_problems(durations: Iterable[int | None], *, chained_from_start: bool) -> list[str]:
    """Durations AWS refuses in a chain: a role assumed with another role's credentials may last
    at most one hour. `chained_from_start` says the first role is already assumed that way."""
    problems = []
    for index, seconds in enumerate(durations, 1):
        chained = index > 1 or chained_from_start
        if chained and seconds is not None and seconds > CHAINED_ROLE_MAX_SECONDS:
            problems.append(
                f"item {index}: a duration over 1h is refused by AWS for a role assumed with "
                "another role's credentials (role chaining)"
            )
    return problems
