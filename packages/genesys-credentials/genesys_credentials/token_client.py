"""Access tokens from the Genesys login host, by the client-credentials grant, reused until
shortly before they expire.

The grant, as Genesys documents it and its SDKs send it: ``POST https://<login_host>/oauth/token``
with the form body ``grant_type=client_credentials`` and HTTP Basic auth ``client_id:secret``;
the answer is ``{"access_token", "token_type": "bearer", "expires_in"}``, 429 with
``Retry-After`` when the client is rate-limited. Credentials it rejects get
``{"error": "invalid_client", ...}``; whether with 401 or 400 is not documented, so both count.

Consumers follow rotations: a rejection may only mean the secret was rotated after this process
cached it, so the cached token and secret are dropped, the secret is read once more and, if it
changed, the request is retried once; a second rejection is final (no loop). 429, 5xx and
network errors are retried under a :class:`~genesys_credentials.retry.RetryPolicy`. Redirects
are not followed and answers are read within bounds (``genesys_credentials.http``).

The plaintext secret lives only in :func:`_exchange`, which never raises: everything it learns
comes back as an :class:`_Answer` holding redacted text and the token as a :class:`Secret`, so
no frame of a raised error (nor a chained one: network errors are not chained) holds the
secret, the Basic header or the answer's body.
"""

from __future__ import annotations

import base64
import http.client
import logging
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from genesys_credentials.credentials import CLIENT_CREDENTIALS, GenesysCredentials
from genesys_credentials.errors import (
    InvalidArgument,
    TokenRateLimited,
    TokenRejected,
    TokenRequestFailed,
)
from genesys_credentials.http import (
    DETAIL_LIMIT,
    MAX_BODY,
    Response,
    check_url,
    detail_of,
    json_object,
    send,
)
from genesys_credentials.retry import RetryPolicy, parse_retry_after
from genesys_credentials.safe_text import Redactor, printable
from genesys_credentials.secret import Secret
from genesys_credentials.source import CredentialsSource

LOG = logging.getLogger(__name__)

DEFAULT_SAFETY_MARGIN = 60.0
"""Seconds before expiry at which a cached token is replaced (clock skew, slow requests)."""
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_TOKEN_LENGTH = 16 * 1024
MAX_TOKEN_LIFETIME = 38_880_000
"""The longest access-token validity Genesys allows (SCIM clients): a longer ``expires_in`` is
reused for this long at most."""
MAX_TIMEOUT = 300.0
INVALID_CLIENT = "invalid_client"
_ERROR_CODE = re.compile(r"[A-Za-z0-9._-]{1,64}", re.ASCII)


@dataclass(frozen=True)
class _Token:
    value: Secret
    refresh_at: float


@dataclass(frozen=True)
class _Answer:
    """What one token request came to, holding nothing that could be the secret in clear."""

    status: int
    """The HTTP status, 0 when no answer arrived (the network failed)."""
    detail: str
    """The host's error text or the network failure: redacted, escaped, bounded."""
    error_code: str | None = None
    retry_after: float | None = None
    token: Secret | None = None
    lifetime: int = 0
    unusable: str | None = None
    """Why a 200 carried no usable token."""

    @property
    def rejected(self) -> bool:
        """Genesys refused the client id/secret pair (401, or 400 ``invalid_client``)."""
        return self.status == HTTPStatus.UNAUTHORIZED or (
            self.status == HTTPStatus.BAD_REQUEST and self.error_code == INVALID_CLIENT
        )


class TokenClient:
    """``TokenClient(reader).access_token()``: a bearer token for the reader's OAuth client.

    Thread-safe: concurrent callers share one token and one request for a new one.
    """

    def __init__(
        self,
        reader: CredentialsSource,
        *,
        token_url: str | None = None,
        safety_margin: float = DEFAULT_SAFETY_MARGIN,
        retry: RetryPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
        timeout: float = 10.0,
    ) -> None:
        """``token_url`` overrides ``https://<login_host>/oauth/token`` (a proxy, a test server).

        It must be https, or http on a loopback address (anything else would send the client
        secret in clear), to a DNS name or IP address, without user, query or fragment.
        """
        if token_url is not None:
            check_url(token_url, "token_url")
        if not 0 <= safety_margin <= MAX_TOKEN_LIFETIME:
            raise InvalidArgument(f"safety_margin must be 0 to {MAX_TOKEN_LIFETIME} seconds")
        if not 0 < timeout <= MAX_TIMEOUT:
            raise InvalidArgument(f"timeout must be more than 0 and at most {MAX_TIMEOUT:g} s")
        self._reader = reader
        self._token_url = token_url
        self._safety_margin = safety_margin
        self._retry = retry or RetryPolicy()
        self._clock = clock
        self._timeout = timeout
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
                self._token = None
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
            _check_grant(credentials, self._reader.secret_id)
            url = self._token_url or credentials.token_url
            started = self._clock()
            answer = _exchange(url, credentials, self._timeout)
            if answer.token is not None:
                return self._keep(answer.token, answer.lifetime, url, credentials, started)
            if answer.rejected and not reread:
                reread = True
                fresh = self._reader.refresh()
                if fresh != credentials:
                    LOG.info(
                        "%s rejected the cached credentials of %s; the secret %s has changed "
                        "since, retrying once with the new version",
                        url,
                        credentials.client_id,
                        self._reader.secret_id,
                    )
                    credentials = fresh
                    continue
            self._retry_or_fail(answer, attempt, url, credentials)
            attempt += 1

    def _retry_or_fail(
        self, answer: _Answer, attempt: int, url: str, credentials: GenesysCredentials
    ) -> None:
        """Sleep before the next attempt, or raise the error this answer ends with."""
        if answer.status == 0:
            self._wait_or_fail(
                attempt,
                self._retry.backoff(attempt),
                f"{url} unreachable ({answer.detail})",
                TokenRequestFailed(
                    f"cannot reach the Genesys login host at {url} ({answer.detail}) after "
                    f"{attempt} attempt(s): check DNS, egress rules and HTTPS_PROXY/NO_PROXY"
                ),
            )
        elif answer.status == HTTPStatus.OK:
            raise TokenRequestFailed(
                f"{url} answered 200 without a usable token ({answer.unusable}): is the token "
                "URL a Genesys login host (https://login.<domain>/oauth/token)?"
            )
        elif answer.rejected:
            raise TokenRejected(
                f"Genesys rejected the credentials of OAuth client {credentials.client_id} "
                f"at {url} ({answer.status} {answer.detail}): check in Genesys Cloud that the "
                "client still exists and its state is active, and that its secret was not "
                f"regenerated outside Pulumi (re-reading {self._reader.secret_id} gave the same "
                "secret; `pulumi up` writes the client's current secret into it)"
            )
        elif answer.status == HTTPStatus.TOO_MANY_REQUESTS:
            asked = answer.retry_after
            shown = "" if asked is None else f"; last Retry-After {asked:g} s"
            self._wait_or_fail(
                attempt,
                self._retry.backoff(attempt) if asked is None else asked,
                f"{url} answered 429",
                TokenRateLimited(
                    f"the Genesys login host {url} rate-limited the token request (429) through "
                    f"{attempt} attempt(s){shown}: tokens are cached, so many requests mean many "
                    "processes or TokenClients for one OAuth client; share one per process"
                ),
            )
        elif answer.status in RETRYABLE_STATUSES:
            self._wait_or_fail(
                attempt,
                self._retry.backoff(attempt),
                f"{url} answered {answer.status}",
                TokenRequestFailed(
                    f"{url} kept failing ({answer.status} {answer.detail}) through {attempt} "
                    "attempt(s): the login host is failing, retry later"
                ),
            )
        else:
            raise TokenRequestFailed(
                f"{url} answered {answer.status} ({answer.detail}) to the client-credentials "
                f"grant of OAuth client {credentials.client_id}"
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

    def _keep(
        self,
        token: Secret,
        lifetime: int,
        url: str,
        credentials: GenesysCredentials,
        started: float,
    ) -> _Token:
        reuse_for = max(lifetime - self._safety_margin, lifetime / 2)
        LOG.debug(
            "token for OAuth client %s from %s: expires in %d s, reused for %.0f s",
            credentials.client_id,
            url,
            lifetime,
            reuse_for,
        )
        return _Token(token, started + reuse_for)

    def __repr__(self) -> str:
        return f"TokenClient({self._reader!r}, token_url={self._token_url!r})"


def _exchange(url: str, credentials: GenesysCredentials, timeout: float) -> _Answer:
    """POST the grant and read the answer. Never raises: this frame holds the Basic header."""
    redact = Redactor(credentials.client_id, credentials.client_secret)
    request = urllib.request.Request(  # noqa: S310 - scheme checked by check_url
        url,
        data=urllib.parse.urlencode({"grant_type": "client_credentials"}).encode(),
        method="POST",
        headers={
            "Authorization": _basic_auth(credentials),
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
        },
    )
    try:
        response = send(request, timeout)
    except (OSError, http.client.HTTPException, ValueError) as error:
        reason = getattr(error, "reason", None) or error
        failure = f"{type(reason).__name__}: {reason}"
    else:
        return read_answer(response, redact)
    return _Answer(0, printable(redact(failure), DETAIL_LIMIT))


def _basic_auth(credentials: GenesysCredentials) -> str:
    pair = f"{credentials.client_id}:{credentials.client_secret.reveal()}".encode()
    return f"Basic {base64.b64encode(pair).decode('ascii')}"


def read_answer(response: Response, redact: Callable[[str], str]) -> _Answer:
    """Interpret one answer of the login host, whatever it holds; never raises."""
    status = response.status
    if response.oversized:
        return _Answer(status, f"an answer over {MAX_BODY} bytes, not read")
    document = json_object(response.body)
    detail = detail_of(document, redact)
    code = document.get("error")
    error_code = code if isinstance(code, str) and _ERROR_CODE.fullmatch(code) else None
    if status != HTTPStatus.OK:
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        return _Answer(status, detail, error_code, retry_after)
    problem = _token_problem(document)
    if problem is not None:
        return _Answer(status, detail, unusable=problem)
    lifetime = min(document["expires_in"], MAX_TOKEN_LIFETIME)
    return _Answer(status, detail, token=Secret(document["access_token"]), lifetime=lifetime)


def _token_problem(document: Mapping[str, Any]) -> str | None:
    """Why a 200 answer's document is not a usable bearer token, or None."""
    token = document.get("access_token")
    token_type = document.get("token_type")
    expires_in = document.get("expires_in")
    problems = [
        (not isinstance(token, str) or not token, "no access_token"),
        (
            isinstance(token, str) and (len(token) > MAX_TOKEN_LENGTH or not token.isprintable()),
            "access_token is not a token",
        ),
        (not isinstance(token_type, str) or token_type.lower() != "bearer", "not bearer"),
        (
            isinstance(expires_in, bool) or not isinstance(expires_in, int) or expires_in <= 0,
            "expires_in is not a positive integer",
        ),
    ]
    return next((problem for failed, problem in problems if failed), None)


def _check_grant(credentials: GenesysCredentials, secret_id: str) -> None:
    if credentials.grant_type != CLIENT_CREDENTIALS:
        raise TokenRequestFailed(
            f"secret {secret_id} holds a {printable(credentials.grant_type, 40)} OAuth client: "
            f"only {CLIENT_CREDENTIALS} clients get a token without a user; read its credentials "
            "with CredentialsReader and run the grant the client was made for"
        )
