"""GET requests to the Genesys Cloud Platform API with the deploying client's bearer token.

The exchange itself is ``genesys_credentials.http`` (https or loopback only, redirects never
followed, so the token is never sent elsewhere); waits are ``genesys_credentials.retry``'s:
429 honours ``Retry-After``, 5xx and network errors back off, all within a bounded number of
attempts. Errors are Genesys' ``ErrorBody`` (``status``, ``code``, ``message``), turned into an
:class:`ApiError` whose text is escaped and bounded: it comes from the network.
"""

from __future__ import annotations

import http.client
import json
import urllib.parse
import urllib.request
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from genesys_credentials.http import MAX_BODY, Response, check_url, send
from genesys_credentials.retry import RetryPolicy, parse_retry_after
from genesys_credentials.safe_text import Redactor
from genesys_credentials.secret import Secret
from genesys_oauth_secrets.shared.text import shown

RETRYABLE = frozenset({429, 500, 502, 503, 504})
QUOTED = 1000
"""Characters of an error text redacted and quoted at most (a report line shows fewer)."""


class ApiError(Exception):
    """The API answered with an error status; ``status`` and ``code`` say which."""

    def __init__(self, path: str, status: int, code: str, message: str) -> None:
        self.status = status
        self.code = code
        super().__init__(f"GET {shown(path)} answered {status} {code}: {message}".rstrip(": "))


class UnusableAnswer(Exception):
    """An answer that is not what the Platform API documents (not JSON, wrong shape)."""


class PlatformApi:
    """``PlatformApi(base_url, token).get("/api/v2/tokens/me")``: one JSON object per call."""

    def __init__(
        self, base_url: str, token: Secret, retry: RetryPolicy, *, timeout: float = 10.0
    ) -> None:
        """``base_url`` is ``https://api.<domain>`` or a gateway; ValueError if it is not https
        (or http on loopback)."""
        check_url(base_url, "the Genesys API URL")
        self._base_url = base_url.rstrip("/")
        self._token = token
        self._retry = retry
        self._timeout = timeout

    def get(self, path: str) -> Mapping[str, Any]:
        """The JSON object at ``path`` (built with :func:`api_path`); ApiError, UnusableAnswer or
        OSError otherwise."""
        attempt = 1
        while True:
            try:
                response = self._send(path)
            except (OSError, http.client.HTTPException) as error:
                if not self._wait(attempt, self._retry.backoff(attempt)):
                    raise OSError(f"GET {shown(path)}: the API is unreachable ({error})") from None
                attempt += 1
                continue
            if response.oversized:
                raise UnusableAnswer(f"GET {shown(path)}: an answer over {MAX_BODY} bytes")
            if response.status == HTTPStatus.OK:
                return _object(path, response.body)
            if response.status in RETRYABLE:
                asked = parse_retry_after(response.headers.get("Retry-After"))
                delay = self._retry.backoff(attempt) if asked is None else asked
                if self._wait(attempt, delay):
                    attempt += 1
                    continue
            raise _error(path, response, Redactor("", self._token))

    def _send(self, path: str) -> Response:
        url = f"{self._base_url}{path}"
        request = urllib.request.Request(  # noqa: S310 - scheme checked by check_url
            url,
            method="GET",
            headers={
                "Authorization": f"Bearer {self._token.reveal()}",
                "Accept": "application/json",
            },
        )
        return send(request, self._timeout)

    def _wait(self, attempt: int, delay: float) -> bool:
        if attempt >= self._retry.max_attempts or delay > self._retry.max_delay:
            return False
        self._retry.sleep(delay)
        return True


def api_path(template: str, *ids: str) -> str:
    """``template`` with each ``{}`` replaced by an id, percent-encoded whole: an id from an
    answer or from config can never add a path segment or a query."""
    return template.format(*(urllib.parse.quote(value, safe="") for value in ids))


def _document(path: str, body: bytes) -> object:
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise UnusableAnswer(f"GET {shown(path)}: the answer is not JSON") from None


def _object(path: str, body: bytes) -> Mapping[str, Any]:
    document = _document(path, body)
    if not isinstance(document, dict):
        raise UnusableAnswer(f"GET {shown(path)}: the answer is not a JSON object")
    return document


def _error(path: str, response: Response, redact: Redactor) -> ApiError:
    """The answer's ErrorBody as an error, its text redacted: a gateway or API may echo the
    request's ``Authorization`` header in ``message``."""
    try:
        document = _document(path, response.body)
    except UnusableAnswer:
        document = {}
    body = document if isinstance(document, dict) else {}
    return ApiError(
        path,
        response.status,
        shown(_redacted(body.get("code", ""), redact), 60),
        shown(_redacted(body.get("message", ""), redact)),
    )


def _redacted(value: object, redact: Redactor) -> object:
    return redact(value[:QUOTED]) if isinstance(value, str) else value
