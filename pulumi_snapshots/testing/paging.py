"""Paging of the fake's list calls, so that callers' paging loops run as they would on AWS.

moto 5.2.5 returns every item of ``DescribeSnapshots`` (EC2, ElastiCache) and
``DescribeDBClusterSnapshots`` (RDS, which serves Neptune) in one response, ignores
``MaxResults``/``MaxRecords`` and echoes ``Marker``. :func:`page_result` cuts such a result
into pages; the Lightsail fake pages its own ``Get*`` lists with :func:`page`.

The page sizes are the services' documented ones (botocore's model documentation):

* EC2 ``DescribeSnapshots``: ``MaxResults`` 5 to 1,000, a larger value returns 1,000; without
  it, every snapshot;
* ElastiCache ``DescribeSnapshots``: ``MaxRecords`` 20 to 50, default 50;
* RDS/Neptune ``DescribeDBClusterSnapshots``: ``MaxRecords`` 20 to 100, default 100;
* Lightsail has no page-size parameter. Only ``GetOperations`` documents a figure ("up to a
  maximum of 200"); the fake uses 200 for every Lightsail list.

:data:`PAGE_SIZES` caps pages further (a control call), so that a test can make paging happen
with a handful of items. Tokens name the last item of the page, so an item deleted between
two pages never makes another one skipped.
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

__all__ = [
    "LIGHTSAIL_PAGE_SIZE",
    "PAGED",
    "PAGE_SIZES",
    "PAGE_SIZE_SERVICES",
    "PageSizes",
    "Paged",
    "PagingError",
    "page",
    "page_result",
]

T = TypeVar("T")

LIGHTSAIL_PAGE_SIZE = 200

#: Services whose list calls page (service keys).
PAGE_SIZE_SERVICES = ("ec2", "neptune", "elasticache", "lightsail")


class PagingError(Exception):
    """A request's page size or token is invalid: (code, message) of the service's error."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Paged:
    """How one moto list action pages."""

    list_key: str
    key: Callable[[Any], Any]
    limit_param: str
    token_param: str
    default: int | None
    minimum: int
    maximum: int
    cap_above: bool
    limit_error: str
    token_error: str


PAGED: dict[tuple[str, str], Paged] = {
    ("ec2", "DescribeSnapshots"): Paged(
        "Snapshots", lambda s: str(s.id), "MaxResults", "NextToken", None, 5, 1000, True,
        "InvalidParameterValue", "InvalidPaginationToken",
    ),
    ("elasticache", "DescribeSnapshots"): Paged(
        "Snapshots", lambda s: str(s.snapshot_name), "MaxRecords", "Marker", 50, 20, 50, False,
        "InvalidParameterValue", "InvalidParameterValue",
    ),
    ("neptune", "DescribeDBClusterSnapshots"): Paged(
        "DBClusterSnapshots", lambda s: str(s.db_cluster_snapshot_identifier), "MaxRecords",
        "Marker", 100, 20, 100, False, "InvalidParameterValue", "InvalidParameterValue",
    ),
}  # fmt: skip


class PageSizes:
    """Page-size caps set by tests, per service and optionally per action."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sizes: dict[tuple[str, str], int] = {}

    def set(self, service: str, size: int | None, action: str | None = None) -> None:
        """Cap pages of `service` (or of its `action` only) at `size` items; None removes the
        cap."""
        if service not in PAGE_SIZE_SERVICES:
            raise ValueError(f"service must be one of {list(PAGE_SIZE_SERVICES)}, got {service!r}")
        if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 1):
            raise ValueError("size must be an integer >= 1, or None")
        if action is not None and (not isinstance(action, str) or not action):
            raise ValueError("action must be an API action name such as GetDiskSnapshots")
        key = (service, action or "*")
        with self._lock:
            if size is None:
                self._sizes.pop(key, None)
            else:
                self._sizes[key] = size

    def get(self, service: str, action: str) -> int | None:
        """The cap on pages of `action` of `service`, if any."""
        with self._lock:
            return self._sizes.get((service, action), self._sizes.get((service, "*")))

    def reset(self) -> None:
        with self._lock:
            self._sizes.clear()


PAGE_SIZES = PageSizes()


def _encode(action: str, key: Any) -> str:
    raw = json.dumps({"action": action, "after": key}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _decode(action: str, token: str) -> Any:
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (ValueError, binascii.Error, UnicodeError):
        data = None
    if not isinstance(data, dict) or data.get("action") != action or "after" not in data:
        raise ValueError(f"invalid pagination token {token!r}")
    return data["after"]


def _comparable(key: Any) -> Any:
    # Keys travel as JSON: tuples come back as lists.
    return tuple(key) if isinstance(key, list | tuple) else key


def page(
    items: Sequence[T],
    key: Callable[[T], Any],
    *,
    action: str,
    token: str | None,
    size: int | None,
) -> tuple[list[T], str | None]:
    """One page of `items` in the order of `key`: those after `token`'s item, at most `size`
    (None: all of them), and the token of the next page (None on the last one).

    Raises ValueError for a token that this action did not hand out.
    """
    ordered = sorted(items, key=lambda item: _comparable(key(item)))
    if token:
        after = _comparable(_decode(action, token))
        ordered = [item for item in ordered if _comparable(key(item)) > after]
    if size is None or len(ordered) <= size:
        return ordered, None
    chosen = ordered[:size]
    last = key(chosen[-1])
    return chosen, _encode(action, list(last) if isinstance(last, tuple) else last)


def _limit(paged: Paged, raw: str | None, cap: int | None) -> int | None:
    size = paged.default
    if raw is not None:
        try:
            size = int(raw)
        except ValueError:
            raise PagingError(
                paged.limit_error, f"Invalid value {raw!r} for {paged.limit_param}."
            ) from None
        if size < paged.minimum or (size > paged.maximum and not paged.cap_above):
            raise PagingError(
                paged.limit_error,
                f"Invalid value {size} for {paged.limit_param}: it must be from "
                f"{paged.minimum} to {paged.maximum}.",
            )
        size = min(size, paged.maximum)
    if cap is not None:
        size = cap if size is None else min(size, cap)
    return size


def page_result(
    service: str, action: str, params: dict[str, str], result: dict[str, Any]
) -> dict[str, Any] | None:
    """`result` (a moto action result) cut to the page `params` ask for, with the next token;
    None when `action` of `service` does not page here. Raises PagingError."""
    paged = PAGED.get((service, action))
    if paged is None or not isinstance(result.get(paged.list_key), list | tuple):
        return None
    size = _limit(paged, params.get(paged.limit_param), PAGE_SIZES.get(service, action))
    try:
        items, token = page(
            list(result[paged.list_key]),
            paged.key,
            action=action,
            token=params.get(paged.token_param),
            size=size,
        )
    except ValueError as error:
        raise PagingError(paged.token_error, str(error)) from None
    paged_result = {k: v for k, v in result.items() if k != paged.token_param}
    paged_result[paged.list_key] = items
    if token is not None:
        paged_result[paged.token_param] = token
    return paged_result
