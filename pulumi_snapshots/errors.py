"""The errors of every layer: AWS access raises AwsCallError, the lifecycle SnapshotFailed and
WaitTimeout; all are SnapshotErrors."""

from __future__ import annotations


class SnapshotError(Exception):
    """A snapshot operation failed; the message names the resource, the snapshot and the cause."""


THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    }
)
"""The codes that botocore's standard retry mode treats as throttling
(`botocore.retries.standard.ThrottledRetryableChecker`)."""

TRANSIENT_CODES = frozenset(
    {
        "RequestTimeout",
        "RequestTimeoutException",
        "PriorRequestNotComplete",
        "InternalError",
        "InternalFailure",
        "InternalServerError",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "ServiceException",
    }
)
"""Transient error codes: botocore's standard retry mode's own
(`TransientRetryableChecker._TRANSIENT_ERROR_CODES`) and the services' codes for a server-side
failure, which arrive with a 5xx status."""

TRANSIENT_STATUSES = frozenset({429, 500, 502, 503, 504})

CONNECTION_ERROR = "ConnectionError"
"""The code given to a call whose connection failed, timed out or dropped (botocore's
`ConnectionError` and `HTTPClientError` and their subclasses)."""

EXPIRED_CODES = frozenset(
    {"ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"}
)
"""Codes for credentials that expired: ExpiredToken (query services and STS),
ExpiredTokenException (JSON services), RequestExpired (EC2), TokenRefreshRequired (S3)."""


class AwsCallError(SnapshotError):
    """An AWS API call failed with an error code."""

    def __init__(
        self,
        operation: str,
        subject: str,
        code: str,
        message: str,
        status: int | None = None,
    ) -> None:
        self.operation = operation
        self.subject = subject
        self.code = code
        self.aws_message = message
        self.status = status
        super().__init__(f"{operation} on {subject} failed: {code}: {message}")

    @property
    def transient(self) -> bool:
        """Whether trying again later may succeed: throttling, a server-side failure (5xx), a
        connection that failed or timed out, or credentials that expired (they refresh)."""
        return (
            self.code in THROTTLING_CODES
            or self.code in TRANSIENT_CODES
            or self.code == CONNECTION_ERROR
            or self.code in EXPIRED_CODES
            or (self.status is not None and self.status in TRANSIENT_STATUSES)
        )

    @property
    def expired(self) -> bool:
        """Whether the call's credentials had expired."""
        return self.code in EXPIRED_CODES


class WaitTimeout(SnapshotError):
    """A snapshot did not become usable before its deadline."""


class SnapshotFailed(SnapshotError):
    """A snapshot reached an error state while being created."""
