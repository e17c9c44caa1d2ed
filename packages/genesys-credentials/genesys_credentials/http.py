"""The HTTP exchange every Genesys call of this project makes, on the standard library.

Shared by the token client (login host) and whatever else calls Genesys with credentials, so
all refuse the same URLs, read answers within the same bounds and quote errors the same way:

- redirects are never followed: urllib would resend the ``Authorization`` header (Basic
  credentials or a bearer token) to wherever a redirect points;
- a URL must be https (http only on loopback) to a DNS name or IP address, without user, query
  or fragment: anything else sends credentials in clear or somewhere unexpected;
- at most :data:`MAX_BODY` bytes of an answer are read, and a body that is not a JSON object
  (deep nesting included) reads as an empty one;
- every header value must be printable ASCII: a token or secret with a pasted newline would
  otherwise reach ``http.client``, whose error quotes the whole header, token included;
- every request has one total deadline: urllib's ``timeout`` bounds each socket operation, so a
  server that drips a byte every few seconds would hold a caller forever; a timer shuts the
  connection down when the deadline passes, and the request fails with
  :class:`DeadlineExceeded`;
- error text quoted from an answer is redacted (every encoding of the secret, pieces included),
  escaped and bounded.

:func:`send` raises ``OSError``/``http.client.HTTPException``/``ValueError`` on network
failures: a caller holding credentials in its frame catches them there and does not chain them
(their tracebacks pass through urllib's frames, which hold the ``Authorization`` header).
"""

from __future__ import annotations

import contextlib
import functools
import http.client
import ipaddress
import json
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

from genesys_credentials.credentials import is_hostname
from genesys_credentials.errors import InvalidArgument
from genesys_credentials.safe_text import Redactor, printable
from genesys_credentials.secret import Secret

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
DETAIL_LIMIT = 200
"""Characters of an answer's error text quoted in a message."""
MAX_BODY = 64 * 1024
"""Bytes of an answer read at most: Genesys' token and error answers are a few hundred bytes."""
ERROR_KEYS = ("error", "code", "error_description", "description", "message")
"""Where Genesys puts what went wrong: OAuth errors on the login host, ErrorBody on the API."""


@dataclass(frozen=True)
class Response:
    """Status, headers and (at most ``MAX_BODY`` + 1 bytes of) body of one answer."""

    status: int
    headers: Message
    body: bytes = field(repr=False)

    @property
    def oversized(self) -> bool:
        """The body was longer than :data:`MAX_BODY` and was not read whole."""
        return len(self.body) > MAX_BODY


class DeadlineExceeded(TimeoutError):
    """No complete answer arrived within the request's total deadline.

    A ``TimeoutError`` (so an ``OSError``): callers treat it as the network failure it is.
    """


class InvalidHeader(ValueError):
    """A header value HTTP cannot carry; the message names the header, never its value."""


def fits_header(value: str) -> bool:
    """Whether ``value`` can travel in an HTTP header as sent: printable ASCII, no spaces at
    either end (a copy-pasted token or secret with a newline or a trailing blank fails)."""
    return value.isascii() and value.isprintable() and value == value.strip()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class _Deadline:
    """The sockets of one request, shut down together when its deadline passes.

    A socket opened after that moment is shut down at once, so a slow connect cannot outlive
    the deadline either. Each socket is kept as a duplicate descriptor: TLS detaches the socket
    it wraps (its descriptor becomes -1), and a shutdown through any descriptor of a socket
    reaches the TLS socket's reads too.
    """

    def __init__(self, seconds: float) -> None:
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self.expired = False
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._timer.cancel()
        with self._lock:
            for sock in self._sockets:
                sock.close()
            self._sockets.clear()

    def attach(self, sock: socket.socket) -> None:
        watched = sock.dup()
        with self._lock:
            self._sockets.append(watched)
            if self.expired:
                _shut(watched)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    """Wake every thread blocked on ``sock``: its reads see the end of the stream."""
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _Watched(http.client.HTTPConnection):
    """A connection whose sockets (a proxy tunnel's included) are attached to a deadline as
    soon as they exist, so the deadline also bounds the TLS handshake."""

    def __init__(self, *args: Any, deadline: _Deadline, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # http.client opens every socket through this attribute (socket.create_connection).
        create: Callable[..., socket.socket] = vars(self)["_create_connection"]

        def create_watched(*args: Any, **kwargs: Any) -> socket.socket:
            sock = create(*args, **kwargs)
            deadline.attach(sock)
            return sock

        vars(self)["_create_connection"] = create_watched


class _WatchedHttps(_Watched, http.client.HTTPSConnection):
    pass


class _HttpHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self._deadline = deadline

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_Watched, deadline=self._deadline), req)


class _HttpsHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self._deadline = deadline

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        connection = functools.partial(_WatchedHttps, deadline=self._deadline)
        return self.do_open(connection, req)


def send(request: urllib.request.Request, seconds: float) -> Response:
    """One request, answered in full within ``seconds`` or not at all.

    A header value that fails :func:`fits_header` raises :class:`InvalidHeader` before
    anything is sent. Proxies come from the environment (``HTTPS_PROXY``/``NO_PROXY``), as
    urllib reads them; redirects are handed back, never followed. Network failures raise
    ``OSError``/``HTTPException``/``ValueError``; a passed deadline raises
    :class:`DeadlineExceeded`, even when the server's bytes stopped halfway and the cut-off
    body would otherwise read as complete.
    """
    headers = request.header_items()
    refused = next((name for name, value in headers if not fits_header(value)), None)
    if refused is not None:
        raise InvalidHeader(
            f"the {refused} header holds control, non-ASCII or surrounding blank characters; "
            "the request was not sent"
        )
    with _Deadline(seconds) as deadline:
        director = urllib.request.build_opener(
            _NoRedirects, _HttpHandler(deadline), _HttpsHandler(deadline)
        )
        try:
            response = _exchange(director, request, seconds)
        except (OSError, http.client.HTTPException, ValueError) as error:
            if deadline.expired or _timed_out(error):
                raise DeadlineExceeded(_late(seconds)) from None
            raise
        if deadline.expired:
            raise DeadlineExceeded(_late(seconds))
        return response


def _timed_out(error: BaseException) -> bool:
    """A socket timeout (bare, or wrapped by urllib as a ``URLError`` reason): each socket
    operation may take at most ``seconds``, so one that timed out means the deadline has passed
    too, even if the deadline's own timer thread has not run yet on a busy machine."""
    return isinstance(error, TimeoutError) or isinstance(
        getattr(error, "reason", None), TimeoutError
    )


def _late(seconds: float) -> str:
    return f"no complete answer within the deadline of {seconds:g} s"


def _exchange(
    director: urllib.request.OpenerDirector, request: urllib.request.Request, seconds: float
) -> Response:
    try:
        with director.open(request, timeout=seconds) as response:
            return Response(response.status, response.headers, response.read(MAX_BODY + 1))
    except urllib.error.HTTPError as error:
        with error:
            return Response(error.code, error.headers, error.read(MAX_BODY + 1))


def check_url(url: str, name: str) -> None:
    """Refuse ``url`` unless it is https (http only on loopback) to a DNS name or IP address,
    with at most a port and a path; ``name`` is the setting that gave the URL."""
    problem = _url_problem(url)
    if problem is not None:
        raise InvalidArgument(
            f"{name} must be https (http only on a loopback address) to a host name, with at "
            f"most a port and a path: {problem}; the request carries credentials"
        )


def _url_problem(url: str) -> str | None:
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError:
        return "not a URL (bad brackets or port)"
    host = parts.hostname or ""
    problems = [
        (parts.scheme not in ("https", "http"), "the scheme is not https"),
        (parts.scheme == "http" and host not in LOOPBACK_HOSTS, "http to a non-loopback host"),
        ("@" in parts.netloc, "it names a user"),
        (bool(parts.query or parts.fragment) or "?" in url or "#" in url, "query or fragment"),
        (port == 0, "port 0"),
        (not (is_hostname(host) or _is_ip(host)), "the host is not a DNS name or IP address"),
        (not url.isascii() or not url.isprintable(), "non-ASCII or control characters"),
    ]
    return next((problem for failed, problem in problems if failed), None)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def json_object(body: bytes) -> Mapping[str, Any]:
    """The body as a JSON object, or an empty one when it is not (or is nested too deeply)."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return {}
    return document if isinstance(document, dict) else {}


def detail_of(document: Mapping[str, Any], redact: Callable[[str], str]) -> str:
    """Genesys' error code and description from an answer: redacted, escaped, bounded."""
    texts = [document[key] for key in ERROR_KEYS if isinstance(document.get(key), str)]
    found = ": ".join(dict.fromkeys(text[: MAX_BODY // 8] for text in texts))
    return printable(redact(found), DETAIL_LIMIT) or "no error details"


def error_detail(body: bytes, *secrets: Secret, client_id: str = "") -> str:
    """:func:`detail_of` a raw body, never echoing any of ``secrets`` (with ``client_id``, nor
    the Basic header built from both) in any encoding, nor any Bearer or Basic credentials."""
    return detail_of(json_object(body), Redactor(client_id, *secrets))
