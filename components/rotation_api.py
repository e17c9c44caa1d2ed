"""Regenerate an OAuth client's secret in place, with the deploying client's credentials.

Genesys' Platform API: ``POST /api/v2/oauth/clients/{clientId}/secret`` (permission
``oauth:client:edit``, no body) answers 200 with the OAuthClient and its new ``secret``; the old
secret stops working at that moment. The Genesys Terraform provider (1.84.1) never calls it,
so the ``regenerate`` rotation strategy does, from a Pulumi dynamic provider
(``components.rotation_provider``).

Credentials are those the Genesys provider itself uses: ``GENESYSCLOUD_ACCESS_TOKEN``, else
``GENESYSCLOUD_OAUTHCLIENT_ID``/``GENESYSCLOUD_OAUTHCLIENT_SECRET`` exchanged for a token at the
login host. They are read from the environment on every call and kept nowhere: not on the
provider object (which Pulumi pickles into the state), not in a module global.

The token comes from ``genesys_credentials.TokenClient`` and the request goes through
``genesys_credentials.http``, so the no-redirect rule, the URL check and the 429/``Retry-After``
handling are the service helper's.

The POST is sent once as soon as it may have reached Genesys: each regeneration kills the
secret before it, so a resend after a network error, a passed deadline or a 5xx (a gateway may
answer 502 while the backend commits) could leave us holding a secret that a late commit already
replaced. Those, and a 2xx other than the documented 200 (processed, but without the secret we
can read), end in an "outcome unknown" error instead. Only a 401 (the token is renewed
once) and a 429 (after ``Retry-After``) are resent: Genesys refused them, nothing was committed.
A 200's secret is then proven live before it is returned: a client-credentials token request
with it for ``CLIENT-CREDENTIALS`` clients, else the client's ``state`` read back as
``active``. Unproven, the resource fails, so Pulumi stores nothing.
"""

from __future__ import annotations

import http.client
import os
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus

from components.identifiers import UUID
from genesys_credentials import RetryPolicy, Secret, TokenClient, TokenRejected
from genesys_credentials.credentials import CLIENT_CREDENTIALS, GenesysCredentials
from genesys_credentials.errors import TokenRequestFailed
from genesys_credentials.http import (
    InvalidHeader,
    check_url,
    error_detail,
    fits_header,
    json_object,
    send,
)
from genesys_credentials.retry import parse_retry_after

ENV_CLIENT_ID = "GENESYSCLOUD_OAUTHCLIENT_ID"
ENV_CLIENT_SECRET = "GENESYSCLOUD_OAUTHCLIENT_SECRET"  # noqa: S105 - a variable's name
ENV_ACCESS_TOKEN = "GENESYSCLOUD_ACCESS_TOKEN"  # noqa: S105 - a variable's name
ACTIVE = "active"
PROPAGATION_WAITS = (0.5, 1.0, 1.5, 2.0)
"""Seconds slept between token requests proving a new secret: a rejection right after the
regeneration may only mean the login host has not seen it yet (about 5 s in all)."""


class RegenerationError(Exception):
    """The secret was not regenerated (or its answer was unusable); the message says why."""


def _unconfirmed(client_id: str, why: str) -> str:
    """The message of a regeneration whose new secret we do not hold as proven live."""
    return (
        f"{why}. The regenerated secret of OAuth client {client_id} could not be confirmed, so "
        "Pulumi stores nothing and the next `pulumi up` regenerates again; until then the "
        "client's previous secret may be dead, and consumers' new token requests are rejected "
        "(401)"
    )


@dataclass(frozen=True)
class GenesysEndpoints:
    """Where the regeneration goes: the API base URL and the login host's token URL."""

    api_base_url: str
    """``https://api.<domain>``; tests and gateways pass another https or loopback URL."""
    token_url: str
    """``https://login.<domain>/oauth/token``."""

    def __post_init__(self) -> None:
        check_url(self.api_base_url, "api_base_url")
        check_url(self.token_url, "token_url")

    def secret_url(self, client_id: str) -> str:
        """The regenerate endpoint of ``client_id`` (a UUID, checked by the caller)."""
        quoted = urllib.parse.quote(client_id, safe="")
        return f"{self.api_base_url.rstrip('/')}/api/v2/oauth/clients/{quoted}/secret"


Getenv = Callable[[str], str | None]
"""How variables are read (``os.getenv``): a function, so no frame or repr shows their values."""


class DeployingCredentials:
    """The deploying OAuth client, read from ``GENESYSCLOUD_*`` on every call, cached nowhere."""

    def __init__(self, getenv: Getenv, endpoints: GenesysEndpoints) -> None:
        self._getenv = getenv
        self._endpoints = endpoints

    @property
    def secret_id(self) -> str:
        return f"the variables {ENV_CLIENT_ID}/{ENV_CLIENT_SECRET}"

    def get(self) -> GenesysCredentials:
        """The credentials; the secret is wrapped as it is read, so a frame of a raised error
        never holds it in clear."""
        client_id = (self._getenv(ENV_CLIENT_ID) or "").strip()
        client_secret = Secret(self._getenv(ENV_CLIENT_SECRET) or "")
        if not client_id or not client_secret.reveal():
            raise RegenerationError(
                f"no Genesys credentials to regenerate the secret with: set {ENV_CLIENT_ID} and "
                f"{ENV_CLIENT_SECRET} (or {ENV_ACCESS_TOKEN}) for `pulumi up`, as for the "
                "Genesys provider"
            )
        _refuse_garbled(ENV_CLIENT_ID, Secret(client_id))
        _refuse_garbled(ENV_CLIENT_SECRET, client_secret)
        api = urllib.parse.urlsplit(self._endpoints.api_base_url).netloc
        login = urllib.parse.urlsplit(self._endpoints.token_url).netloc
        return GenesysCredentials(
            client_id=client_id,
            client_secret=client_secret,
            genesys_region="",
            api_host=api,
            login_host=login,
            grant_type=CLIENT_CREDENTIALS,
        )

    def refresh(self) -> GenesysCredentials:
        return self.get()


def _refuse_garbled(name: str, value: Secret) -> None:
    """Refuse, by the variable's name, a value no HTTP header can carry (a pasted newline):
    sent anyway, ``http.client``'s error would quote the whole header, value included."""
    if not fits_header(value.reveal()):
        raise RegenerationError(
            f"{name} holds control, non-ASCII or surrounding blank characters (a pasted "
            "newline?): export it again, exactly as Genesys Cloud shows it; nothing was sent"
        )


class _Bearer:
    """A bearer token: the one in ``GENESYSCLOUD_ACCESS_TOKEN``, or one fetched and renewable."""

    def __init__(self, getenv: Getenv, endpoints: GenesysEndpoints, retry: RetryPolicy) -> None:
        given = Secret((getenv(ENV_ACCESS_TOKEN) or "").strip())
        _refuse_garbled(ENV_ACCESS_TOKEN, given)
        self._source: Secret | TokenClient = (
            given
            if given.reveal()
            else TokenClient(
                DeployingCredentials(getenv, endpoints), token_url=endpoints.token_url, retry=retry
            )
        )

    @property
    def renewable(self) -> bool:
        return isinstance(self._source, TokenClient)

    def value(self) -> Secret:
        if isinstance(self._source, Secret):
            return self._source
        token = _token_failure(self._source)
        if isinstance(token, Secret):
            return token
        raise RegenerationError(token)

    def renew(self) -> None:
        if isinstance(self._source, TokenClient):
            self._source.invalidate()


def _token_failure(tokens: TokenClient) -> Secret | str:
    """A token, or the sentence saying why there is none (raised by the caller, unchained)."""
    try:
        return Secret(tokens.access_token())
    except TokenRejected:
        return (
            f"the Genesys login host rejected {ENV_CLIENT_ID}/{ENV_CLIENT_SECRET} (401): "
            "check that they belong to an active OAuth client of this org and region"
        )
    except TokenRequestFailed as error:
        return f"no token to regenerate the secret with: {error}"


def regenerate_secret(
    client_id: str,
    endpoints: GenesysEndpoints,
    *,
    getenv: Getenv = os.getenv,
    retry: RetryPolicy | None = None,
    timeout: float = 10.0,
) -> Secret:
    """Ask Genesys for a new secret of ``client_id`` and return it; the old one dies now.

    The variables are read through ``getenv`` (the process environment) during this call.
    """
    if not UUID.fullmatch(client_id):
        raise RegenerationError(
            "the OAuth client id to regenerate is not a UUID; run `pulumi refresh` so the "
            "client's id in state matches Genesys"
        )
    policy = retry or RetryPolicy()
    bearer = _Bearer(getenv, endpoints, policy)
    return _Exchange(client_id, endpoints, bearer, policy, timeout).run()


@dataclass(frozen=True)
class _Reply:
    """What one request came to, holding nothing in clear: the detail is redacted, the new
    secret wrapped."""

    status: int
    retry_after: float | None
    detail: str
    secret: Secret | None
    grant_type: str | None
    """The answer's ``authorizedGrantType``, when it names one."""
    state: str | None
    """The answer's ``state`` (``active``, ``disabled``, ``inactive``), when it names one."""


@dataclass(frozen=True)
class _NoAnswer:
    """A request that got no answer; ``sent`` says whether it may have reached Genesys."""

    detail: str
    sent: bool


class _FixedCredentials:
    """The regenerated client's id and new secret, as a ``CredentialsSource`` for one proof."""

    def __init__(self, credentials: GenesysCredentials) -> None:
        self._credentials = credentials

    @property
    def secret_id(self) -> str:
        return "the regenerated secret"

    def get(self) -> GenesysCredentials:
        return self._credentials

    def refresh(self) -> GenesysCredentials:
        return self._credentials


class _Exchange:
    """One regeneration: the POST, the refusals it may resend, and the proof of its secret."""

    def __init__(
        self,
        client_id: str,
        endpoints: GenesysEndpoints,
        bearer: _Bearer,
        retry: RetryPolicy,
        timeout: float,
    ) -> None:
        self._client_id = client_id
        self._endpoints = endpoints
        self._url = endpoints.secret_url(client_id)
        self._bearer = bearer
        self._retry = retry
        self._timeout = timeout

    def run(self) -> Secret:
        secret, grant_type = self._regenerate()
        self._confirm(secret, grant_type)
        return secret

    def _regenerate(self) -> tuple[Secret, str | None]:
        renewed = False
        attempt = 1
        while True:
            outcome = self._request("POST", self._url, self._bearer.value())
            if isinstance(outcome, _NoAnswer):
                if outcome.sent:
                    raise RegenerationError(self._unknown(f"no answer ({outcome.detail})"))
                raise RegenerationError(
                    f"the request to {self._url} was not sent ({outcome.detail})"
                )
            if outcome.status == HTTPStatus.OK:
                return self._secret_from(outcome), outcome.grant_type
            if outcome.status == HTTPStatus.UNAUTHORIZED and self._bearer.renewable and not renewed:
                renewed = True
                self._bearer.renew()
                continue
            if outcome.status == HTTPStatus.TOO_MANY_REQUESTS:
                asked = outcome.retry_after
                self._wait_or_fail(
                    attempt,
                    self._retry.backoff(attempt) if asked is None else asked,
                    f"{self._url} answered 429 ({outcome.detail})",
                )
                attempt += 1
                continue
            if (
                outcome.status >= HTTPStatus.INTERNAL_SERVER_ERROR
                or HTTPStatus.OK < outcome.status < HTTPStatus.MULTIPLE_CHOICES
            ):
                # Maybe processed (5xx) or processed without a 200's secret (any other 2xx):
                # either way the secret before it may be dead.
                raise RegenerationError(
                    self._unknown(f"the answer was {outcome.status} ({outcome.detail})")
                )
            raise RegenerationError(self._refusal(outcome.status, outcome.detail))

    def _request(self, method: str, url: str, token: Secret) -> _Reply | _NoAnswer:
        """The answer read into a :class:`_Reply`, or what kept it from arriving: the raw body
        (which may echo the token) stays in this frame, which never raises."""
        request = urllib.request.Request(  # noqa: S310 - scheme checked by GenesysEndpoints
            url,
            data=b"" if method == "POST" else None,
            method=method,
            headers={"Authorization": f"Bearer {token.reveal()}", "Accept": "application/json"},
        )
        try:
            response = send(request, self._timeout)
        except InvalidHeader as error:
            return _NoAnswer(str(error), sent=False)
        except (OSError, http.client.HTTPException, ValueError) as error:
            return _NoAnswer(str(getattr(error, "reason", error)), sent=True)
        document = json_object(response.body)
        secret, grant, state = (
            document.get(key) for key in ("secret", "authorizedGrantType", "state")
        )
        return _Reply(
            response.status,
            parse_retry_after(response.headers.get("Retry-After")),
            error_detail(response.body, token),
            Secret(secret) if isinstance(secret, str) and secret else None,
            grant if isinstance(grant, str) else None,
            state if isinstance(state, str) else None,
        )

    def _unknown(self, what: str) -> str:
        return _unconfirmed(
            self._client_id,
            f"the secret regeneration ({self._url}) may have reached Genesys but {what}; it "
            "was not resent, since every regeneration kills the secret before it: its outcome "
            "is unknown",
        )

    def _wait_or_fail(self, attempt: int, delay: float, what: str) -> None:
        if attempt >= self._retry.max_attempts or delay > self._retry.max_delay:
            raise RegenerationError(
                f"{what}; gave up after {attempt} attempt(s). Genesys refused each one, so the "
                f"secret of OAuth client {self._client_id} was not regenerated: run `pulumi up` "
                "again later"
            )
        self._retry.sleep(delay)

    def _secret_from(self, reply: _Reply) -> Secret:
        if reply.secret is not None:
            return reply.secret
        raise RegenerationError(
            _unconfirmed(self._client_id, f"{self._url} answered 200 without a secret")
        )

    def _confirm(self, secret: Secret, grant_type: str | None) -> None:
        """Raise unless ``secret`` is proven the client's live one."""
        if grant_type is None:
            client = self._client()
            grant_type = client.grant_type if isinstance(client, _Reply) else None
        if grant_type == CLIENT_CREDENTIALS:
            problem = self._token_problem(secret)
        else:
            problem = self._state_problem()
        if problem is not None:
            raise RegenerationError(_unconfirmed(self._client_id, problem))

    def _token_problem(self, secret: Secret) -> str | None:
        """None once the login host issues a token for the new secret, else why it did not."""
        login = urllib.parse.urlsplit(self._endpoints.token_url).netloc
        api = urllib.parse.urlsplit(self._endpoints.api_base_url).netloc
        source = _FixedCredentials(
            GenesysCredentials(
                client_id=self._client_id,
                client_secret=secret,
                genesys_region="",
                api_host=api,
                login_host=login,
                grant_type=CLIENT_CREDENTIALS,
            )
        )
        tokens = TokenClient(
            source, token_url=self._endpoints.token_url, retry=self._retry, timeout=self._timeout
        )
        problem = ""
        for wait in (*PROPAGATION_WAITS, None):
            try:
                tokens.access_token()
            except TokenRejected:
                problem = "the login host rejected the new secret (401)"
            except TokenRequestFailed as error:
                problem = f"the token request with the new secret failed ({error})"
            else:
                return None
            if wait is not None:
                self._retry.sleep(wait)
        return f"{problem}, {len(PROPAGATION_WAITS) + 1} times over {sum(PROPAGATION_WAITS):g} s"

    def _state_problem(self) -> str | None:
        """None when the client reads back as ``active`` (clients without the
        client-credentials grant cannot prove a secret without a user)."""
        client = self._client()
        if isinstance(client, _NoAnswer):
            return f"reading the client back got no answer ({client.detail})"
        if client.status != HTTPStatus.OK:
            return f"reading the client back answered {client.status} ({client.detail})"
        if client.state != ACTIVE:
            return f"the client's state is {client.state!r}, not {ACTIVE!r}"
        return None

    def _client(self) -> _Reply | _NoAnswer:
        """``GET /api/v2/oauth/clients/{id}``: the client, without its secret."""
        try:
            token = self._bearer.value()
        except RegenerationError as error:
            return _NoAnswer(str(error), sent=False)
        return self._request("GET", self._url.removesuffix("/secret"), token)

    def _refusal(self, status: int, detail: str) -> str:
        client = f"OAuth client {self._client_id}"
        if status == HTTPStatus.UNAUTHORIZED:
            return (
                f"the Genesys API rejected the deploying token (401 {detail}): check "
                f"{ENV_ACCESS_TOKEN}, or {ENV_CLIENT_ID}/{ENV_CLIENT_SECRET}"
            )
        if status == HTTPStatus.FORBIDDEN:
            return (
                f"the deploying OAuth client may not regenerate the secret of {client} (403 "
                f"{detail}): give it a role with the permission oauth:client:edit"
            )
        if status == HTTPStatus.NOT_FOUND:
            return (
                f"{client} does not exist in this Genesys org (404 {detail}): it was deleted "
                "outside Pulumi or genesysRegion points at another org; run `pulumi refresh`"
            )
        return f"{self._url} answered {status} ({detail}) to the secret regeneration of {client}"
