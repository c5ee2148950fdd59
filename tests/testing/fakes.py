"""Helpers for the fake AWS tests: a handle on one running fake, and fresh names."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config

from pulumi_snapshots.testing.control import Control

REGION = "us-east-1"


@dataclass
class Fake:
    """One running fake: its mode, control, and clients pointed at it."""

    mode: str
    control: Control
    endpoint: str | None = None

    def unique(self, prefix: str) -> str:
        """A fresh lower-case name (the server keeps its data across tests)."""
        return unique(prefix)

    def client(
        self,
        service: str,
        region: str = REGION,
        *,
        attempts: int | None = None,
        validate: bool = True,
        credentials: dict[str, str] | None = None,
    ) -> Any:
        """A boto3 client; `attempts` caps the total attempts (1 = no retry); without
        `validate`, botocore sends parameters it would reject itself; `credentials` (STS's
        ``Credentials``) sign instead of the fake's own."""
        retries: dict[str, Any] = {"mode": "legacy"}
        if attempts is not None:
            retries["total_max_attempts"] = attempts
        config = Config(
            retries=retries,  # type: ignore[arg-type]
            s3={"addressing_style": "path"},
            parameter_validation=validate,
        )
        kwargs: dict[str, Any] = {}
        if self.endpoint is not None:
            kwargs = {
                "endpoint_url": self.endpoint,
                "aws_access_key_id": "testing",
                "aws_secret_access_key": "testing",
            }
        if credentials is not None:
            kwargs.update(
                aws_access_key_id=credentials["AccessKeyId"],
                aws_secret_access_key=credentials["SecretAccessKey"],
                aws_session_token=credentials.get("SessionToken"),
            )
        return boto3.client(service, region_name=region, config=config, **kwargs)  # type: ignore[call-overload]


def unique(prefix: str) -> str:
    """A fresh lower-case name (the server keeps its data across tests)."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"
