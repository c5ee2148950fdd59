"""DB cluster snapshot behaviour moto 5.2.5 lacks, added while a fake runs.

* A copy made by ``CopyDBClusterSnapshot`` reports ``SourceDBClusterSnapshotArn``, the ARN of
  the snapshot it was copied from, as RDS and Neptune do (moto leaves it out).
"""

from __future__ import annotations

import threading
from typing import Any

__all__ = ["install", "uninstall"]

_lock = threading.Lock()
_originals: dict[str, Any] = {}


def _backend() -> Any:
    from moto.rds.models import RDSBackend

    return RDSBackend


def install() -> None:
    """Patch moto's RDS backend (idempotent)."""
    backend_cls = _backend()
    with _lock:
        if _originals:
            return
        _originals["copy"] = backend_cls.__dict__["copy_db_cluster_snapshot"]
        backend_cls.copy_db_cluster_snapshot = _copy


def uninstall() -> None:
    """Restore what :func:`install` replaced."""
    backend_cls = _backend()
    with _lock:
        if not _originals:
            return
        backend_cls.copy_db_cluster_snapshot = _originals.pop("copy")


def _copy(
    self: Any,
    source_db_cluster_snapshot_identifier: str,
    target_db_cluster_snapshot_identifier: str,
    *args: Any,
    **kwargs: Any,
) -> Any:
    made = _originals["copy"](
        self,
        source_db_cluster_snapshot_identifier,
        target_db_cluster_snapshot_identifier,
        *args,
        **kwargs,
    )
    source = self.get_db_cluster_snapshot(source_db_cluster_snapshot_identifier)
    # moto serialises the model's attributes by the response shape's member names.
    made.source_db_cluster_snapshot_arn = source.arn
    return made
