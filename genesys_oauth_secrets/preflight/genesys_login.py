"""Check 5: the deploying client's Genesys credentials are set, consistent, and accepted.

The Genesys provider reads ``GENESYSCLOUD_OAUTHCLIENT_ID``/``_SECRET`` (or
``GENESYSCLOUD_ACCESS_TOKEN``) and ``GENESYSCLOUD_REGION`` itself
(terraform-provider-genesyscloud ``genesyscloud/provider/provider_env.go``); the program pins
the provider's region to ``genesysRegion``, so the variable may be unset, but a different value
stops the run. This check reads the same variables, wraps the secret at once, runs the
client-credentials grant through ``genesys_credentials.TokenClient`` against the login host,
and keeps the token (wrapped) for the permission check. Messages name the variables, never
their values. ``GENESYSCLOUD_SDK_DEBUG`` must be unset: with it the provider writes request and
response bodies, a new client's secret included, to ``sdk_debug.log``.
"""

from __future__ import annotations

from dataclasses import dataclass

from genesys_credentials import GenesysCredentials, RetryPolicy, Secret, TokenClient
from genesys_credentials.credentials import CLIENT_CREDENTIALS
from genesys_credentials.errors import TokenRejected, TokenRequestFailed
from genesys_credentials.http import fits_header
from genesys_oauth_secrets.preflight.context import Context
from genesys_oauth_secrets.shared.findings import Finding, Status

CHECK = "genesys-credentials"
ID_ENV = "GENESYSCLOUD_OAUTHCLIENT_ID"
SECRET_ENV = "GENESYSCLOUD_OAUTHCLIENT_SECRET"  # noqa: S105 - a variable's name
REGION_ENV = "GENESYSCLOUD_REGION"
TOKEN_ENV = "GENESYSCLOUD_ACCESS_TOKEN"  # noqa: S105 - a variable's name
DEBUG_ENV = "GENESYSCLOUD_SDK_DEBUG"
SOURCE = f"the {ID_ENV}/{SECRET_ENV} variables"


@dataclass(frozen=True)
class EnvironmentCredentials:
    """The deploying client's credentials as the provider gets them: from the environment.

    A :class:`~genesys_credentials.source.CredentialsSource` that never changes: there is no
    newer version of an environment variable to re-read after a 401.
    """

    credentials: GenesysCredentials

    @property
    def secret_id(self) -> str:
        return SOURCE

    def get(self) -> GenesysCredentials:
        return self.credentials

    def refresh(self) -> GenesysCredentials:
        return self.credentials


def check(context: Context, retry: RetryPolicy) -> tuple[list[Finding], Secret | None]:
    """The findings, and a bearer token for the API when one was obtained."""
    env = context.env
    findings = _settings(context)
    garbled = [
        name for name in (TOKEN_ENV, ID_ENV, SECRET_ENV) if not fits_header(env.get(name) or "")
    ]
    if garbled:
        verb = "holds" if len(garbled) == 1 else "hold"
        findings.append(
            Finding(
                CHECK,
                Status.PROBLEM,
                f"{' and '.join(garbled)} {verb} control, non-ASCII or surrounding blank "
                "characters (a pasted newline?): no request is sent with them",
                fix=f"export {garbled[0]} again, exactly as Genesys Cloud shows it",
            )
        )
        return findings, None
    if env.get(TOKEN_ENV):
        findings.append(
            Finding(
                CHECK,
                Status.OK,
                f"{TOKEN_ENV} is set (the provider uses it instead of a client-credentials "
                "grant); the API calls of genesys-permissions test it",
            )
        )
        return findings, Secret(env[TOKEN_ENV])
    missing = [name for name in (ID_ENV, SECRET_ENV) if not env.get(name)]
    if missing:
        findings.append(
            Finding(
                CHECK,
                Status.PROBLEM,
                f"{' and '.join(missing)} unset: the provider cannot log in to Genesys Cloud",
                fix=f"export {ID_ENV}=… {SECRET_ENV}=… (the deploying OAuth client's), or "
                f"{TOKEN_ENV}=…",
            )
        )
        return findings, None
    if context.login_base_url is None:
        findings.append(
            Finding(
                CHECK,
                Status.ERROR,
                "no login host to try the credentials on: genesysRegion is unreadable "
                "(see config) and --genesys-base-url is not given",
            )
        )
        return findings, None
    finding, token = _grant(context.login_base_url, env[ID_ENV], Secret(env[SECRET_ENV]), retry)
    return [*findings, finding], token


def _settings(context: Context) -> list[Finding]:
    env = context.env
    findings = []
    if env.get(DEBUG_ENV):
        findings.append(
            Finding(
                CHECK,
                Status.PROBLEM,
                f"{DEBUG_ENV} is set: the provider would write request and response bodies, the "
                "new clients' secrets included, to sdk_debug.log",
                fix=f"unset {DEBUG_ENV}",
            )
        )
    if context.config is None:
        return findings
    wanted = context.config.genesys_region.name
    region = env.get(REGION_ENV)
    if region and region.lower() != wanted:
        findings.append(
            Finding(
                CHECK,
                Status.PROBLEM,
                f"{REGION_ENV} differs from genesysRegion ({wanted}): the deploying credentials "
                "were meant for another org region, and the program stops on it",
                fix=f"unset {REGION_ENV}, or export {REGION_ENV}={wanted}",
            )
        )
    return findings


def token_client(
    login_base_url: str, client_id: str, secret: Secret, retry: RetryPolicy
) -> TokenClient:
    """The deploying client's client-credentials grant at ``login_base_url``, as the provider
    makes it. Raises ``ValueError`` (``InvalidArgument``) for an unusable URL."""
    credentials = GenesysCredentials(
        client_id=client_id,
        client_secret=secret,
        genesys_region="",
        api_host="",
        login_host="",
        grant_type=CLIENT_CREDENTIALS,
    )
    return TokenClient(
        EnvironmentCredentials(credentials), token_url=f"{login_base_url}/oauth/token", retry=retry
    )


def _grant(
    login_base_url: str, client_id: str, secret: Secret, retry: RetryPolicy
) -> tuple[Finding, Secret | None]:
    token_url = f"{login_base_url}/oauth/token"
    try:
        token = Secret(token_client(login_base_url, client_id, secret, retry).access_token())
    except TokenRejected:
        return Finding(
            CHECK,
            Status.PROBLEM,
            f"{token_url} rejected {ID_ENV}/{SECRET_ENV} (401)",
            fix=f"set {ID_ENV} and {SECRET_ENV} to the deploying client's id and current secret "
            "(Admin > Integrations > OAuth); check it is active, in the org of genesysRegion",
        ), None
    except (TokenRequestFailed, ValueError) as error:
        return Finding(CHECK, Status.ERROR, f"no token from {token_url}: {error}"), None
    return Finding(CHECK, Status.OK, f"{token_url} issued a token for {SOURCE}"), token
