"""Credentials, clients and environment variables that point at the fake AWS."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from typing import Any

__all__ = [
    "FAKE_CREDENTIALS",
    "fake_client",
    "fake_environment",
    "role_client",
    "server_environment",
]

#: Credentials the fake accepts; set for clients while a fake is active.
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_SECURITY_TOKEN": "testing",
}


def fake_client(
    service: str, region: str, endpoint_url: str, credentials: Mapping[str, str] | None = None
) -> Any:
    """A boto3 client of `service` in `region` for the fake AWS server at `endpoint_url`, with
    the fake's credentials or `credentials` (the `Credentials` of an STS answer)."""
    import boto3

    creds = credentials or {
        "AccessKeyId": FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        "SecretAccessKey": FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    }
    return boto3.client(
        service,  # type: ignore[call-overload]
        region_name=region,
        endpoint_url=endpoint_url,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds.get("SessionToken"),
    )


def role_client(service: str, region: str, endpoint_url: str, role_arn: str) -> Any:
    """A boto3 client of `service` acting in `role_arn`'s account, assumed through the fake's
    STS (which keeps each account's data apart)."""
    sts = fake_client("sts", region, endpoint_url)
    creds = sts.assume_role(RoleArn=role_arn, RoleSessionName="seed")["Credentials"]
    return fake_client(service, region, endpoint_url, creds)


def server_environment(endpoint_url: str, **extra: str) -> dict[str, str]:
    """Environment for another process, such as the provider host, to use the fake AWS server
    at `endpoint_url` with fake credentials; `extra` adds or overrides variables."""
    return {
        "AWS_ENDPOINT_URL": endpoint_url,
        "AWS_ACCESS_KEY_ID": FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        "AWS_SECRET_ACCESS_KEY": FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        **extra,
    }


@contextlib.contextmanager
def fake_environment(region: str, endpoint_url: str | None = None) -> Iterator[None]:
    """Point the AWS default chain at the fake: fake credentials and `region`, no profile or
    config files, and `endpoint_url` (or no endpoint override at all). Restores every variable
    it touched on exit."""
    changes: dict[str, str | None] = {
        **FAKE_CREDENTIALS,
        "AWS_DEFAULT_REGION": region,
        "AWS_REGION": region,
        "AWS_PROFILE": None,
        "AWS_DEFAULT_PROFILE": None,
        # A developer's own config could name endpoints, profiles or credential processes.
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    for name in os.environ:
        if name.startswith("AWS_ENDPOINT_URL"):
            changes[name] = None
    changes["AWS_ENDPOINT_URL"] = endpoint_url
    saved = {name: os.environ.get(name) for name in changes}
    try:
        for name, value in changes.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
