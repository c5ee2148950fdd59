"""The fake's HTTP server (`testing.serving`) and its direct dispatch (`testing.dispatch`): what
a client sends arrives as werkzeug's server would have passed it, and each answer is whole."""

from __future__ import annotations

import http.client
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from pulumi_snapshots.testing.serving import FakeHttpServer

ECHO_HEADERS = ("CONTENT_TYPE", "HTTP_X_AMZ_META_MY_KEY", "HTTP_X_DOUBLE")


def echo(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """An app that answers with what it was given."""
    if environ["PATH_INFO"] == "/fail":
        raise RuntimeError("the app failed")
    body = environ["wsgi.input"].read()
    lines = [
        environ["REQUEST_METHOD"],
        environ["PATH_INFO"],
        environ["QUERY_STRING"],
        environ["RAW_URI"],
        *(f"{key}={environ.get(key)}" for key in ECHO_HEADERS),
        f"preserved={sorted(environ['moto.preserved_header_names'].values())}",
        f"body={body.decode()}",
    ]
    payload = "\n".join(lines).encode()
    start_response("201 Created", [("Content-Type", "text/plain"), ("Connection", "close")])
    return [payload[:10], payload[10:]]


@pytest.fixture
def served() -> Iterator[tuple[str, int]]:
    import threading

    server = FakeHttpServer("127.0.0.1", 0, echo, idle_seconds=5)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "127.0.0.1", server.server_port
    server.shutdown()
    server.server_close()
    thread.join(10)


def _raw(address: tuple[str, int], data: bytes) -> bytes:
    with socket.create_connection(address, timeout=10) as conn:
        conn.sendall(data)
        out = b""
        while chunk := conn.recv(65536):
            out += chunk
        return out


def test_a_request_arrives_as_werkzeug_would_pass_it_and_the_answer_is_one_whole_response(
    served: tuple[str, int],
) -> None:
    conn = http.client.HTTPConnection(*served, timeout=10)
    conn.request(
        "POST",
        "/a%20b/c?x=1&y=%2F",
        body=b"Action=Echo",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "x-amz-meta-my_key": "kept",
            "X-Double": "one",
        },
    )
    response = conn.getresponse()
    text = response.read().decode()
    assert response.status == 201
    assert response.getheader("Content-Length") == str(len(text))
    # The app's `Connection: close` is the server's to decide: the connection stays.
    assert response.getheader("Connection") is None
    assert text.splitlines() == [
        "POST",
        "/a b/c",
        "x=1&y=%2F",
        "/a%20b/c?x=1&y=%2F",
        "CONTENT_TYPE=application/x-www-form-urlencoded",
        "HTTP_X_AMZ_META_MY_KEY=kept",
        "HTTP_X_DOUBLE=one",
        "preserved=['x-amz-meta-my_key']",
        "body=Action=Echo",
    ]
    conn.request("GET", "/again")
    again = conn.getresponse()
    assert again.status == 201 and "/again" in again.read().decode()
    conn.close()


def test_a_chunked_body_and_an_expected_continue_are_read_whole(served: tuple[str, int]) -> None:
    out = _raw(
        served,
        b"PUT /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        b"Expect: 100-continue\r\nConnection: close\r\n\r\n"
        b"5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nTrailer: t\r\n\r\n",
    )
    assert out.startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\n")
    assert b"Connection: close" in out
    assert out.endswith(b"body=hello world")


def test_a_head_answer_has_the_length_of_its_body_but_none_of_it(served: tuple[str, int]) -> None:
    out = _raw(served, b"HEAD /h HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    head, _, body = out.partition(b"\r\n\r\n")
    assert body == b""
    length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
    assert length > 0


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"NONSENSE\r\n\r\n", b"400"),
        (b"GET / SPDY/3\r\n\r\n", b"400"),
        (b"GET / HTTP/1.1\r\nno colon here\r\n\r\n", b"400"),
        (b"GET / HTTP/1.1\r\n" + b"X-A: b\r\n" * 201 + b"\r\n", b"431"),
    ],
)
def test_a_malformed_request_is_refused_and_its_connection_closed(
    served: tuple[str, int], request_bytes: bytes, status: bytes
) -> None:
    out = _raw(served, request_bytes)
    assert out.startswith(b"HTTP/1.1 " + status)
    assert b"Connection: close" in out


def test_an_app_that_fails_answers_500_and_says_why_on_stderr(
    served: tuple[str, int], capfd: pytest.CaptureFixture[str]
) -> None:
    out = _raw(served, b"GET /fail HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert out.startswith(b"HTTP/1.1 500 Internal Server Error")
    assert "RuntimeError: the app failed" in capfd.readouterr().err


def test_services_answering_at_the_root_skip_flask_and_s3_keeps_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import flask

    from pulumi_snapshots.testing import FakeAwsServer

    through_flask: list[str] = []
    original = flask.Flask.wsgi_app

    def counted(self: Any, environ: dict[str, Any], start_response: Any) -> Any:
        through_flask.append(self.service)
        return original(self, environ, start_response)

    monkeypatch.setattr(flask.Flask, "wsgi_app", counted)
    with FakeAwsServer() as server:
        ec2 = server.client("ec2")
        volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)
        assert ec2.describe_volumes(VolumeIds=[volume["VolumeId"]])["Volumes"]
        server.client("sts").get_caller_identity()
        assert through_flask == []
        s3 = server.client("s3")
        s3.create_bucket(Bucket="direct-dispatch-canary")
        s3.put_object(Bucket="direct-dispatch-canary", Key="k/v", Body=b"x")
        assert s3.get_object(Bucket="direct-dispatch-canary", Key="k/v")["Body"].read() == b"x"
    assert set(through_flask) == {"s3"}
