"""Errors raised by the lifecycle engine."""

from __future__ import annotations


class SnapshotError(Exception):
    """A snapshot operation failed; the message names the resource, the snapshot and the cause."""


class AwsCallError(SnapshotError):
    """An AWS API call failed with an error code."""

    def __init__(self, operation: str, subject: str, code: str, message: str) -> None:
        self.operation = operation
        self.subject = subject
        self.code = code
        self.aws_message = message
        super().__init__(f"{operation} on {subject} failed: {code}: {message}")


class WaitTimeout(SnapshotError):
    """A snapshot did not become usable before its deadline."""


class SnapshotFailed(SnapshotError):
    """A snapshot reached an error state while being created."""
