"""Every Genesys call has one total deadline: a server that drips its answer a byte at a time
(each byte well within urllib's per-read timeout) cannot hold the caller past it."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from genesys_credentials import RetryPolicy, Secret, TokenClient, TokenRequestFailed
from genesys_credentials.credentials import CLIENT_CREDENTIALS, GenesysCredentials
from genesys_credentials.http import DeadlineExceeded, send

DEADLINE = 1.0
GRACE = 1.5
"""The deadline's promise: the caller gets its error within ``DEADLINE + GRACE`` seconds."""
DRIP_EVERY = 0.5

STATUS_LINE = b"HTTP/1.1 200 OK\r\n"
HEADERS_WITH_LENGTH = b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n"
HEADERS_UNTIL_CLOSE = b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"


class DrippingServer:
    """A loopback server that answers every request with ``prefix`` at once, then one more byte
    every :data:`DRIP_EVERY` seconds, for as long as the client listens."""

    def __init__(self, prefix: bytes, tls: ssl.SSLContext | None = None) -> None:
        self._prefix = prefix
        self._tls = tls
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        scheme = "http" if self._tls is None else "https"
        return f"{scheme}://127.0.0.1:{self._listener.getsockname()[1]}/oauth/token"

    def _serve(self) -> None:
        self._listener.settimeout(0.1)
        while not self._stopped.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._drip, args=(connection,), daemon=True).start()

    def _drip(self, connection: socket.socket) -> None:
        if self._tls is not None:
            try:
                connection = self._tls.wrap_socket(connection, server_side=True)
            except OSError:
                return
        with connection:
            connection.recv(65536)
            try:
                connection.sendall(self._prefix)
                while not self._stopped.wait(DRIP_EVERY):
                    connection.sendall(b"x")
            except OSError:
                return

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=5)
        self._listener.close()


@dataclass(frozen=True)
class FixedCredentials:
    """A credentials source that always gives the same client."""

    credentials: GenesysCredentials
    secret_id: str = "test credentials"

    def get(self) -> GenesysCredentials:
        return self.credentials

    def refresh(self) -> GenesysCredentials:
        return self.credentials


@pytest.fixture(params=[STATUS_LINE, HEADERS_WITH_LENGTH, HEADERS_UNTIL_CLOSE])
def dripping(request: pytest.FixtureRequest) -> Iterator[DrippingServer]:
    """Dripping in the headers, in a body of announced length, and in a body ended by close
    (which, cut off, would otherwise read as a complete short body)."""
    server = DrippingServer(request.param)
    yield server
    server.stop()


def test_send_fails_with_deadline_exceeded_when_the_answer_drips(
    dripping: DrippingServer,
) -> None:
    request = urllib.request.Request(dripping.url, method="GET")  # noqa: S310 - a loopback test server
    started = time.monotonic()
    with pytest.raises(DeadlineExceeded, match="deadline of 1 s"):
        send(request, DEADLINE)
    assert time.monotonic() - started < DEADLINE + GRACE


@pytest.fixture
def dripping_tls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[DrippingServer]:
    """A dripping server behind TLS, with a self-signed certificate the client is told to trust
    (``SSL_CERT_FILE``): the production case, where the socket the deadline watches is wrapped."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    request = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    subject = ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
    subprocess.run(  # noqa: S603 - fixed arguments
        [openssl, *request, "-keyout", str(key), "-out", str(cert), *subject],
        check=True,
        capture_output=True,
    )
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server = DrippingServer(HEADERS_WITH_LENGTH, context)
    yield server
    server.stop()


def test_the_deadline_holds_over_tls(dripping_tls: DrippingServer) -> None:
    request = urllib.request.Request(dripping_tls.url, method="GET")  # noqa: S310 - loopback
    started = time.monotonic()
    with pytest.raises(DeadlineExceeded, match="deadline of 1 s"):
        send(request, DEADLINE)
    assert time.monotonic() - started < DEADLINE + GRACE


def test_the_token_client_fails_by_name_within_its_timeout(dripping: DrippingServer) -> None:
    credentials = GenesysCredentials(
        client_id="6a1f0c52-8f0e-4d1a-9a39-0d6c1e0f1b2c",
        client_secret=Secret("not-a-real-secret"),
        genesys_region="us-east-1",
        api_host="api.mypurecloud.com",
        login_host="login.mypurecloud.com",
        grant_type=CLIENT_CREDENTIALS,
    )
    tokens = TokenClient(
        FixedCredentials(credentials),
        token_url=dripping.url,
        timeout=DEADLINE,
        retry=RetryPolicy(max_attempts=1),
    )
    started = time.monotonic()
    with pytest.raises(TokenRequestFailed, match="DeadlineExceeded: no complete answer"):
        tokens.access_token()
    assert time.monotonic() - started < DEADLINE + GRACE


def test_an_answer_in_time_is_read_whole() -> None:
    server = DrippingServer(HEADERS_WITH_LENGTH.replace(b"100000", b"0"))
    try:
        response = send(urllib.request.Request(server.url, method="GET"), DEADLINE)  # noqa: S310 - loopback
    finally:
        server.stop()
    assert (response.status, response.body) == (200, b"")
