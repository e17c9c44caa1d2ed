"""A stand-in for Genesys Cloud's login host, so the demo can show a service getting a token.

It answers only what a service's credentials helper asks: the client-credentials grant,
``POST /oauth/token`` with HTTP Basic ``client_id:client_secret`` and the form body
``grant_type=client_credentials``, answered ``200`` with ``{"access_token", "token_type":
"bearer", "expires_in"}``, and ``401`` with ``{"error": "invalid_client"}`` for any other
credentials (the contract in ``reference/genesys.md``, as the real login host documents it).

It knows exactly one client, keeps only a digest of that client's secret, issues random tokens
and never logs a request: the demo prints what happened, never what was sent.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

TOKEN_PATH = "/oauth/token"  # noqa: S105 - a URL path, not a password
TOKEN_LIFETIME_SECONDS = 3600
MAX_BODY_BYTES = 4096


def _digest(client_id: str, client_secret: str) -> bytes:
    return hashlib.sha256(f"{client_id}:{client_secret}".encode()).digest()


class FakeLoginHost:
    """The login host on ``127.0.0.1`` and a free port, for one client, serving from the moment
    it is made until ``close`` (``with contextlib.closing(FakeLoginHost(...))``)."""

    def __init__(self, client_id: str, client_secret: str) -> None:
        self._expected = _digest(client_id, client_secret)
        self.tokens_issued = 0
        self.rejected = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def token_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{TOKEN_PATH}"

    def close(self) -> None:
        """Stop serving and free the port."""
        self._server.shutdown()
        self._server.server_close()

    def _accepts(self, authorization: str, body: bytes) -> bool:
        """Basic credentials of the one client, and the client-credentials grant."""
        scheme, _, encoded = authorization.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            client_id, _, client_secret = (
                base64.b64decode(encoded, validate=True).decode().partition(":")
            )
        except (binascii.Error, UnicodeDecodeError):
            return False
        grant = parse_qs(body.decode("utf-8", "replace")).get("grant_type")
        return grant == ["client_credentials"] and hmac.compare_digest(
            _digest(client_id, client_secret), self._expected
        )

    def _answer(self, authorization: str, body: bytes) -> tuple[HTTPStatus, dict[str, object]]:
        with self._lock:
            if not self._accepts(authorization, body):
                self.rejected += 1
                return HTTPStatus.UNAUTHORIZED, {
                    "error": "invalid_client",
                    "description": "client not found or secret does not match",
                }
            self.tokens_issued += 1
        return HTTPStatus.OK, {
            "access_token": secrets.token_urlsafe(32),
            "token_type": "bearer",
            "expires_in": TOKEN_LIFETIME_SECONDS,
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        host = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if self.path != TOKEN_PATH or not 0 <= length <= MAX_BODY_BYTES:
                    self._send(HTTPStatus.NOT_FOUND, {"error": "not_found"})
                    return
                status, document = host._answer(
                    self.headers.get("Authorization", ""), self.rfile.read(length)
                )
                self._send(status, document)

            def _send(self, status: HTTPStatus, document: dict[str, object]) -> None:
                payload = json.dumps(document).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: object) -> None:
                """Silent: a request line is none of the demo's business to print."""

        return Handler
