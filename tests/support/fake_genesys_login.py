"""A Genesys Cloud login host on loopback that follows the documented client-credentials grant.

What it enforces, as Genesys and its SDKs do: ``POST /oauth/token`` only; a form body
(``application/x-www-form-urlencoded``) with ``grant_type=client_credentials``; HTTP Basic auth
with a client id and secret it knows, else 401 with Genesys' own error body
(``{"error": "invalid_client", "description": "authentication failed", ...}``, as the real host
answers). Success is ``{"access_token", "token_type": "bearer", "expires_in"}``. Tests script
answers ahead of the contract (429 with ``Retry-After``, 5xx, a redirect, an answer echoing the
request's headers as a misconfigured proxy would, a connection closed without an answer) and
read what arrived: the fake records each request's outcome and client id, never the secret it
was sent. The body of the 429 is a guess at Genesys' error shape; no client may depend on it.
Whether Genesys rejects bad credentials with 401 or 400 is unverified (the body is
``invalid_client`` either way): ``rejection_status`` picks one, and clients must handle both.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import threading
import urllib.parse
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from email.message import Message
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TypeVar

import pytest

Fake = TypeVar("Fake", bound="FakeGenesysLogin")

TOKEN_PATH = "/oauth/token"
FORM = "application/x-www-form-urlencoded"
INVALID_CLIENT = {
    "error": "invalid_client",
    "description": "authentication failed",
    "error_description": "authentication failed",
}


class _LoginServer(ThreadingHTTPServer):
    """A login host that takes a burst of connections, as the real one does: the standard
    library's listen backlog of 5 makes a loaded machine reset the sixth of sixteen callers that
    connect at once, a failure of the fake, not of the client under test."""

    request_queue_size = 128


@dataclass(frozen=True)
class Scripted:
    """One answer given ahead of the contract, to the next request that arrives."""

    status: int
    body: Mapping[str, object]
    headers: Mapping[str, str] = field(default_factory=dict)
    raw: bytes | None = None
    """Sent instead of ``body`` when set: a hostile answer (not JSON, a list, cut short)."""
    echo_request: bool = False
    """The body also quotes the request's headers and form as received."""


HANG_UP = Scripted(0, {})
"""Close the connection without answering (the client sees the remote end disconnect)."""


@dataclass(frozen=True)
class Received:
    """What the fake saw of one request: enough to assert on, without the secret."""

    status: int
    client_id: str | None
    grant_type: str | None
    content_type: str | None


class FakeGenesysLogin:
    """The server's state: known clients, scripted answers, issued tokens, received requests."""

    def __init__(self, *, expires_in: int = 86400, rejection_status: int = 401) -> None:
        self.expires_in = expires_in
        self.rejection_status = rejection_status
        self.received: list[Received] = []
        self.issued: list[str] = []
        self.token_clients: dict[str, str] = {}
        """Which client each issued token belongs to, for an API served next to this host."""
        self._clients: dict[str, str] = {}
        self._script: list[Scripted] = []
        self._lock = threading.Lock()
        self._server = _LoginServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def token_url(self) -> str:
        return f"{self.base_url}{TOKEN_PATH}"

    @property
    def token_requests(self) -> int:
        return len(self.received)

    def accept(self, client_id: str, client_secret: str) -> None:
        """Make this pair valid; a client has one secret at a time, as after a regeneration."""
        with self._lock:
            self._clients[client_id] = client_secret

    def script(self, *answers: Scripted) -> None:
        with self._lock:
            self._script.extend(answers)

    def throttle(self, times: int, retry_after: str | None = "1") -> None:
        """The next ``times`` requests get 429, with ``Retry-After: retry_after`` if given."""
        headers = {} if retry_after is None else {"Retry-After": retry_after}
        body = {"message": "Rate limit exceeded", "code": "too.many.requests", "status": 429}
        self.script(*[Scripted(HTTPStatus.TOO_MANY_REQUESTS, body, headers)] * times)

    def hang_up(self, times: int = 1) -> None:
        """The next ``times`` requests get no answer: the connection is closed on them."""
        self.script(*[HANG_UP] * times)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def route(self, method: str, path: str, headers: Message, body: bytes) -> Scripted:
        """The answer to any request: this host serves only the token endpoint. A fake that
        serves more paths on the same port overrides this and defers here for the rest."""
        if urllib.parse.urlsplit(path).path != TOKEN_PATH:
            return Scripted(HTTPStatus.NOT_FOUND, {"error": "not_found"})
        if method != "POST":
            return Scripted(HTTPStatus.METHOD_NOT_ALLOWED, {"error": "method_not_allowed"})
        reply = self.answer(headers.get("Content-Type"), headers.get("Authorization"), body)
        return echoed(reply, headers, body, "error_description")

    def answer(self, content_type: str | None, authorization: str | None, body: bytes) -> Scripted:
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
        grant_type = form.get("grant_type", [None])[0]
        client_id, client_secret = _basic(authorization)
        with self._lock:
            reply = self._script.pop(0) if self._script else None
            if reply is None:
                reply = self._contract(content_type, grant_type, client_id, client_secret)
            self.received.append(Received(reply.status, client_id, grant_type, content_type))
            return reply

    def _contract(
        self,
        content_type: str | None,
        grant_type: str | None,
        client_id: str | None,
        client_secret: str | None,
    ) -> Scripted:
        if (content_type or "").split(";")[0].strip() != FORM:
            return Scripted(HTTPStatus.BAD_REQUEST, {"error": "invalid_request"})
        if grant_type != "client_credentials":
            return Scripted(HTTPStatus.BAD_REQUEST, {"error": "unsupported_grant_type"})
        known = self._clients.get(client_id or "")
        if (
            known is None
            or client_secret is None
            or not secrets.compare_digest(known, client_secret)
        ):
            return Scripted(self.rejection_status, INVALID_CLIENT)
        token = f"fake-token-{secrets.token_hex(8)}"
        self.issued.append(token)
        self.token_clients[token] = client_id or ""
        return Scripted(
            HTTPStatus.OK,
            {"access_token": token, "token_type": "bearer", "expires_in": self.expires_in},
        )


def echoed(reply: Scripted, headers: Message, body: bytes, key: str) -> Scripted:
    """``reply``, quoting the request's headers under ``key`` (and its body) when it asks to
    echo the request, as a misconfigured proxy or gateway would."""
    if not reply.echo_request:
        return reply
    received = "; ".join(f"{name}: {value}" for name, value in headers.items())
    quoted = {key: received, "request": body.decode("utf-8", "replace")}
    return Scripted(reply.status, {**reply.body, **quoted}, reply.headers)


def _basic(authorization: str | None) -> tuple[str | None, str | None]:
    scheme, _, encoded = (authorization or "").partition(" ")
    if scheme.lower() != "basic":
        return None, None
    try:
        decoded = base64.b64decode(encoded, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    client_id, colon, client_secret = decoded.partition(":")
    return (client_id, client_secret) if colon else (None, None)


def _handler_for(login: FakeGenesysLogin) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self._reply(login.route("POST", self.path, self.headers, self.rfile.read(length)))

        def do_GET(self) -> None:
            self._reply(login.route("GET", self.path, self.headers, b""))

        def _reply(self, reply: Scripted) -> None:
            if reply.status == HANG_UP.status:
                self.close_connection = True
                return
            payload = json.dumps(reply.body).encode() if reply.raw is None else reply.raw
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:
            """Silent: the tests read ``received`` instead of stderr."""

    return Handler


def serving(fake: Fake, monkeypatch: pytest.MonkeyPatch) -> Iterator[Fake]:
    """Start ``fake``, bypass any proxy for loopback, yield it, stop it: a fixture's body."""
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(name, "127.0.0.1,localhost")
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def genesys_login(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGenesysLogin]:
    """A started fake login host on 127.0.0.1 (random port), stopped after the test."""
    yield from serving(FakeGenesysLogin(), monkeypatch)
