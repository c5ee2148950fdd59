"""The fake AWS as a server: the command line, routing, control endpoints, in-thread server
and the pytest plugin."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import textwrap
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from fakes import REGION, Fake

from pulumi_snapshots.testing import FakeAwsServer, RemoteControl, control
from pulumi_snapshots.testing import server as server_module
from pulumi_snapshots.testing.server import ServerProcess, start_server_process


def test_command_line_server_prints_its_endpoint_and_routes_every_service(
    server_process: ServerProcess,
) -> None:
    fake = Fake("server", server_process.control, server_process.endpoint)
    assert server_process.endpoint.startswith("http://127.0.0.1:")
    name = fake.unique("routing")

    assert fake.client("sts").get_caller_identity()["Account"] == "123456789012"
    fake.client("s3").create_bucket(Bucket=name)
    assert name in {b["Name"] for b in fake.client("s3").list_buckets()["Buckets"]}
    volume = fake.client("ec2").create_volume(Size=1, AvailabilityZone=f"{REGION}a")
    assert volume["VolumeId"].startswith("vol-")
    neptune = fake.client("neptune")
    neptune.create_db_cluster(DBClusterIdentifier=name, Engine="neptune")
    assert neptune.describe_db_clusters(DBClusterIdentifier=name)["DBClusters"][0]["Engine"] == (
        "neptune"
    )
    cache = fake.client("elasticache")
    cache.create_cache_cluster(
        CacheClusterId=name, Engine="redis", CacheNodeType="cache.t3.micro", NumCacheNodes=1
    )
    cache.create_snapshot(CacheClusterId=name, SnapshotName=name)
    cache.copy_snapshot(SourceSnapshotName=name, TargetSnapshotName=name + "-copy")
    lightsail = fake.client("lightsail")
    lightsail.create_disk(diskName=name, availabilityZone=f"{REGION}a", sizeInGb=8)
    assert lightsail.get_disk(diskName=name)["disk"]["name"] == name

    counts = fake.control.request_counts()
    assert counts["sts"] == {"GetCallerIdentity": 1}
    assert counts["elasticache"]["CopySnapshot"] == 1
    assert counts["lightsail"]["GetDisk"] == 1
    assert counts["neptune"]["CreateDBCluster"] == 1
    assert counts["ec2"]["CreateVolume"] == 1


def test_command_line_server_listens_on_a_given_port() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process, endpoint = start_server_process(port)
    try:
        assert endpoint == f"http://127.0.0.1:{port}"
        assert RemoteControl(endpoint).request_counts() == {}
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_server_that_cannot_start_is_reported(server_process: ServerProcess) -> None:
    taken = int(server_process.endpoint.rsplit(":", 1)[1])
    with pytest.raises(RuntimeError, match="exited before serving"):
        start_server_process(taken)


def raw(endpoint: str, method: str, path: str, body: bytes | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(endpoint + path, data=body, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_control_endpoints_answer_json_and_reject_bad_requests(
    server_process: ServerProcess,
) -> None:
    endpoint = server_process.endpoint
    assert raw(endpoint, "GET", "/_fake/health") == (200, {"ok": True})
    assert raw(endpoint, "POST", "/_fake/reset", b"") == (200, {})
    assert raw(endpoint, "GET", "/_fake/counts") == (200, {})
    status, body = raw(endpoint, "POST", "/_fake/nothing-here", b"{}")
    assert status == 404
    assert "no control endpoint" in body["error"]
    status, body = raw(endpoint, "POST", "/_fake/hold", b"[1, 2]")
    assert status == 400
    assert "JSON object" in body["error"]
    status, body = raw(endpoint, "POST", "/_fake/hold", b"not json")
    assert status == 400
    with pytest.raises(ValueError, match="exactly one"):
        server_process.control.hold("ec2")
    with pytest.raises(RuntimeError, match="404"):
        RemoteControl(endpoint)._call("POST", "nothing-here")


def test_in_thread_server_serves_and_controls_then_unpatches_moto() -> None:
    assert not control.installed()
    with FakeAwsServer() as server:
        assert control.installed()
        fake = Fake("server", server.control, server.endpoint)
        fake.control.reset()
        source, target = fake.unique("src"), fake.unique("copy")
        fake.control.seed_elasticache_snapshot(source, REGION)
        fake.control.hold("elasticache", match=target, reads=1)
        ec = fake.client("elasticache")
        copy = ec.copy_snapshot(SourceSnapshotName=source, TargetSnapshotName=target)
        assert copy["Snapshot"]["SnapshotStatus"] == "creating"
        assert server.local_control.request_counts() == {"elasticache": {"CopySnapshot": 1}}
        server.local_control.reset()
        assert server.control.request_counts() == {}
    assert not control.installed()
    with pytest.raises(RuntimeError, match="not running"):
        _ = server.endpoint


def test_pytest_plugin_fixtures(tmp_path: Path) -> None:
    test_file = tmp_path / "test_uses_plugin.py"
    test_file.write_text(
        textwrap.dedent(
            """
            import os

            import boto3

            pytest_plugins = ["pulumi_snapshots.testing.pytest_plugin"]


            def test_in_process(fake_aws):
                fake_aws.seed_elasticache_snapshot("s", "us-east-1")
                ec = boto3.client("elasticache", region_name="us-east-1")
                ec.copy_snapshot(SourceSnapshotName="s", TargetSnapshotName="t")
                assert fake_aws.request_counts() == {"elasticache": {"CopySnapshot": 1}}


            def test_endpoint(fake_aws_endpoint):
                assert os.environ["AWS_ENDPOINT_URL"] == fake_aws_endpoint.endpoint_url
                boto3.client("sts").get_caller_identity()
                assert fake_aws_endpoint.request_counts() == {"sts": {"GetCallerIdentity": 1}}
            """
        )
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test_file)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


_IDENTITY = b"Action=GetCallerIdentity&Version=2011-06-15"


def _ask(
    conn: http.client.HTTPConnection,
    method: str = "POST",
    path: str = "/",
    body: bytes = _IDENTITY,
    kind: str = "application/x-www-form-urlencoded",
) -> Any:
    conn.request(
        method,
        path,
        body=body,
        headers={
            "Content-Type": kind,
            "Authorization": "AWS4-HMAC-SHA256 Credential=AKIAFAKE/20260101/us-east-1/sts/"
            "aws4_request, SignedHeaders=host, Signature=0",
        },
    )
    response = conn.getresponse()
    return response.status, response.getheader("Connection"), response.read()


def test_the_server_keeps_a_connection_for_the_next_request_as_aws_does() -> None:
    # A new connection per request cost the fake a thread and an accept each time.
    with FakeAwsServer() as server:
        conn = http.client.HTTPConnection(server.endpoint.removeprefix("http://"), timeout=30)
        first = _ask(conn)
        sock = conn.sock
        # A body that the app never reads (the action is in the query) must not spill into the
        # next request on the same connection.
        unread = _ask(
            conn, "GET", "/?" + _IDENTITY.decode(), b"x" * 5000, "application/octet-stream"
        )
        second = _ask(conn)
        assert conn.sock is sock
        conn.close()
    assert first[0] == second[0] == 200
    assert first[1] is None and second[1] is None  # no `Connection: close`
    assert b"<Account>123456789012</Account>" in second[2]
    assert unread[0] == 200


def test_a_stopped_server_answers_nothing_more_on_a_kept_connection() -> None:
    server = FakeAwsServer().start()
    conn = http.client.HTTPConnection(server.endpoint.removeprefix("http://"), timeout=30)
    try:
        assert _ask(conn)[0] == 200
        server.stop()
        with pytest.raises((ConnectionError, http.client.HTTPException)):
            _ask(conn)
    finally:
        conn.close()
        server.stop()


def test_a_kept_connection_that_idles_out_is_closed_without_an_error_line(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    # A client's pool keeps connections it no longer uses; their idle close is not an error.
    monkeypatch.setattr(server_module, "IDLE_SECONDS", 0.05)
    with FakeAwsServer() as server:
        host, port = server.endpoint.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=30) as idle:
            assert idle.recv(1) == b""  # the server closed it, having waited for a request
    captured = capfd.readouterr()
    assert "timed out" not in captured.err.lower() and "Traceback" not in captured.err
