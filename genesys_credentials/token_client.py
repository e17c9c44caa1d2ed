"""Access tokens from the Genesys login host, by the client-credentials grant, reused until
shortly before they expire.

The grant, as Genesys documents it and its SDKs send it: ``POST https://<login_host>/oauth/token``
with the form body ``grant_type=client_credentials`` and HTTP Basic auth ``client_id:secret``;
the answer is ``{"access_token", "token_type": "bearer", "expires_in"}``, 401 for credentials it
rejects, 429 with ``Retry-After`` when the client is rate-limited.

A 401 may only mean the secret was rotated after this process cached it, so the secret is read
once more, bypassing the cache, and the request retried if it changed. 429, 5xx and network
errors are retried under a :class:`~genesys_credentials.retry.RetryPolicy`. Redirects are not
followed: urllib would resend the Authorization header to wherever the redirect points.
"""

from __future__ import annotations

import base64
import http.client
import json
import logging
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import Message
from http import HTTPStatus
from typing import Any

from genesys_credentials.credentials import CLIENT_CREDENTIALS, GenesysCredentials
from genesys_credentials.errors import (
    TokenRateLimited,
    TokenRejected,
    TokenRequestFailed,
)
from genesys_credentials.reader import CredentialsReader
from genesys_credentials.retry import RetryPolicy, parse_retry_after
from genesys_credentials.secret import MASK, Secret

LOG = logging.getLogger(__name__)

DEFAULT_SAFETY_MARGIN = 60.0
"""Seconds before expiry at which a cached token is replaced (clock skew, slow requests)."""
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
DETAIL_LIMIT = 200


@dataclass(frozen=True)
class _Token:
    value: Secret
    refresh_at: float


@dataclass(frozen=True)
class _Response:
    status: int
    headers: Message
    body: bytes


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class TokenClient:
    """``TokenClient(reader).access_token()``: a bearer token for the reader's OAuth client.

    Thread-safe: concurrent callers share one token and one request for a new one.
    """

    def __init__(
        self,
        reader: CredentialsReader,
        *,
        token_url: str | None = None,
        safety_margin: float = DEFAULT_SAFETY_MARGIN,
        retry: RetryPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
        timeout: float = 10.0,
    ) -> None:
        """``token_url`` overrides ``https://<login_host>/oauth/token`` (a proxy, a test server).

        It must be https, or http on a loopback address; anything else would send the client
        secret in clear.
        """
        if token_url is not None:
            _check_url(token_url)
        self._reader = reader
        self._token_url = token_url
        self._safety_margin = safety_margin
        self._retry = retry or RetryPolicy()
        self._clock = clock
        self._timeout = timeout
        self._opener = urllib.request.build_opener(_NoRedirects)
        self._lock = threading.Lock()
        self._token: _Token | None = None

    def access_token(self) -> str:
        """A token valid for at least ``safety_margin`` more seconds (half its lifetime if that
        is shorter), fetched only when needed.

        Send it as ``Authorization: Bearer <token>``. If the API still answers 401 with it (the
        client was deactivated or its tokens revoked), call :meth:`invalidate` and ask again.
        """
        token = self._token
        if token is not None and self._clock() < token.refresh_at:
            return token.value.reveal()
        with self._lock:
            token = self._token
            if token is None or self._clock() >= token.refresh_at:
                token = self._fetch()
                self._token = token
            return token.value.reveal()

    def invalidate(self) -> None:
        """Drop the cached token; the next :meth:`access_token` requests a new one."""
        with self._lock:
            self._token = None

    def _fetch(self) -> _Token:
        credentials = self._reader.get()
        reread = False
        attempt = 1
        while True:
            url = self._token_url or credentials.token_url
            _check_grant(credentials, self._reader.secret_id)
            started = self._clock()
            try:
                response = self._post(url, credentials)
            except (OSError, http.client.HTTPException) as error:
                reason = getattr(error, "reason", error)
                self._wait_or_fail(
                    attempt,
                    self._retry.backoff(attempt),
                    f"{url} unreachable ({reason})",
                    TokenRequestFailed(
                        f"cannot reach the Genesys login host at {url} ({reason}) after "
                        f"{attempt} attempt(s): check DNS, egress rules and HTTPS_PROXY/NO_PROXY"
                    ),
                )
                attempt += 1
                continue
            if response.status == HTTPStatus.OK:
                return self._token_from(response, url, credentials, started)
            if response.status == HTTPStatus.UNAUTHORIZED and not reread:
                reread = True
                fresh = self._reader.refresh()
                if fresh != credentials:
                    LOG.info(
                        "%s rejected the cached credentials of %s; the secret %s has changed "
                        "since, retrying with the new version",
                        url,
                        credentials.client_id,
                        self._reader.secret_id,
                    )
                    credentials = fresh
                    continue
            detail = _detail(response.body, credentials.client_secret)
            if response.status == HTTPStatus.UNAUTHORIZED:
                raise TokenRejected(
                    f"Genesys rejected the credentials of OAuth client {credentials.client_id} "
                    f"at {url} (401 {detail}): check in Genesys Cloud that the client still "
                    "exists and its state is active, and that its secret was not regenerated "
                    f"outside Pulumi (re-reading {self._reader.secret_id} gave the same secret; "
                    "`pulumi up` writes the client's current secret into it)"
                )
            if response.status in RETRYABLE_STATUSES:
                self._retry_status(response, attempt, url, detail)
                attempt += 1
                continue
            raise TokenRequestFailed(
                f"{url} answered {response.status} ({detail}) to the client-credentials grant "
                f"of OAuth client {credentials.client_id}"
            )

    def _retry_status(self, response: _Response, attempt: int, url: str, detail: str) -> None:
        if response.status != HTTPStatus.TOO_MANY_REQUESTS:
            self._wait_or_fail(
                attempt,
                self._retry.backoff(attempt),
                f"{url} answered {response.status}",
                TokenRequestFailed(
                    f"{url} kept failing ({response.status} {detail}) through {attempt} "
                    "attempt(s): the login host is failing, retry later"
                ),
            )
            return
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        delay = self._retry.backoff(attempt) if retry_after is None else retry_after
        asked = "" if retry_after is None else f"; last Retry-After {retry_after:g} s"
        self._wait_or_fail(
            attempt,
            delay,
            f"{url} answered 429",
            TokenRateLimited(
                f"the Genesys login host {url} rate-limited the token request (429) through "
                f"{attempt} attempt(s){asked}: tokens are cached, so many requests mean many "
                "processes or TokenClients for one OAuth client; share one per process"
            ),
        )

    def _wait_or_fail(self, attempt: int, delay: float, what: str, error: Exception) -> None:
        if attempt >= self._retry.max_attempts or delay > self._retry.max_delay:
            raise error
        LOG.warning(
            "%s; retrying in %.2f s (attempt %d of %d)",
            what,
            delay,
            attempt + 1,
            self._retry.max_attempts,
        )
        self._retry.sleep(delay)

    def _post(self, url: str, credentials: GenesysCredentials) -> _Response:
        pair = f"{credentials.client_id}:{credentials.client_secret.reveal()}".encode()
        request = urllib.request.Request(  # noqa: S310 - scheme checked by _check_url
            url,
            data=urllib.parse.urlencode({"grant_type": "client_credentials"}).encode(),
            method="POST",
            headers={
                "Authorization": f"Basic {base64.b64encode(pair).decode('ascii')}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
        )
        try:
            with self._opener.open(request, timeout=self._timeout) as response:
                return _Response(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            with error:
                return _Response(error.code, error.headers, error.read())

    def _token_from(
        self, response: _Response, url: str, credentials: GenesysCredentials, started: float
    ) -> _Token:
        document = _json_object(response.body)
        access_token = document.get("access_token")
        if not isinstance(access_token, str) or not access_token:
            raise _unusable(url, "no access_token")
        token_type = document.get("token_type")
        if not isinstance(token_type, str) or token_type.lower() != "bearer":
            raise _unusable(url, "token_type is not bearer")
        expires_in = document.get("expires_in")
        if isinstance(expires_in, bool) or not isinstance(expires_in, int) or expires_in <= 0:
            raise _unusable(url, "expires_in is not a positive integer")
        reuse_for = max(expires_in - self._safety_margin, expires_in / 2)
        LOG.debug(
            "token for OAuth client %s from %s: expires in %d s, reused for %.0f s",
            credentials.client_id,
            url,
            expires_in,
            reuse_for,
        )
        return _Token(Secret(access_token), started + reuse_for)

    def __repr__(self) -> str:
        return f"TokenClient({self._reader!r}, token_url={self._token_url!r})"


def _check_url(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS):
        return
    raise ValueError(
        f"token_url must be https (http only on a loopback address), not {url!r}: the request "
        "carries the client secret"
    )


def _check_grant(credentials: GenesysCredentials, secret_id: str) -> None:
    if credentials.grant_type != CLIENT_CREDENTIALS:
        raise TokenRequestFailed(
            f"secret {secret_id} holds a {credentials.grant_type} OAuth client: only "
            f"{CLIENT_CREDENTIALS} clients get a token without a user; read its credentials "
            "with CredentialsReader and run the grant the client was made for"
        )


def _unusable(url: str, problem: str) -> TokenRequestFailed:
    return TokenRequestFailed(
        f"{url} answered 200 without a usable token ({problem}): is the token URL a Genesys "
        "login host (https://login.<domain>/oauth/token)?"
    )


def _json_object(body: bytes) -> Mapping[str, Any]:
    try:
        document = json.loads(body)
    except ValueError:
        return {}
    return document if isinstance(document, dict) else {}


def _detail(body: bytes, secret: Secret) -> str:
    """Genesys' error code and description, short, never echoing the secret."""
    document = _json_object(body)
    parts = [
        str(document[key])
        for key in ("error", "code", "error_description", "description", "message")
        if document.get(key)
    ]
    text = ": ".join(dict.fromkeys(parts)) or "no error details"
    return text.replace(secret.reveal(), MASK)[:DETAIL_LIMIT]
