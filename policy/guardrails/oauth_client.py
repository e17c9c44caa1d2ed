"""Guardrails for ``genesyscloud:index/oauthClient:OauthClient`` (the bridged Genesys provider).

The provider hands Pulumi the client secret only with ``exposeClientSecret`` true, keeps it out of
plaintext state only when the resource lists ``clientSecret`` in ``additionalSecretOutputs`` (the
bridge does not mark it secret by itself), and with ``directoryClientSecret`` writes it to a file
on the deploying machine. The last two policies keep the resource converging: the API stores
``SAML2-BEARER`` (``SAML2BEARER`` then diffs on every run), and roles apply only to
CLIENT-CREDENTIALS clients, scopes only to the others.
"""

from __future__ import annotations

from typing import Final

from pulumi_policy import ResourceValidationArgs, Severity

from guardrails.declare import Report, resource_policy
from guardrails.reading import is_set, shown
from guardrails.resource_types import OAUTH_CLIENT

API_GRANT_TYPES: Final = ("CODE", "TOKEN", "SAML2-BEARER", "PASSWORD", "CLIENT-CREDENTIALS")
"""Grant types as the Genesys API stores and returns them."""

CLIENT_CREDENTIALS: Final = "CLIENT-CREDENTIALS"
SPELLING_LENGTH_LIMIT: Final = 64


def _squashed(grant_type: str) -> str:
    return "".join(c for c in grant_type.upper() if c.isalnum())


def api_spelling(grant_type: object) -> str | None:
    """The API's spelling of a grant type written with other case or separators, if any."""
    if not isinstance(grant_type, str) or len(grant_type) > SPELLING_LENGTH_LIMIT:
        return None
    squashed = _squashed(grant_type)
    return next((known for known in API_GRANT_TYPES if _squashed(known) == squashed), None)


def _exposes_secret(args: ResourceValidationArgs, report: Report) -> None:
    if args.props.get("exposeClientSecret") is not True:
        report(
            "exposeClientSecret is not true: build the client with components/genesys_oauth_client"
            ".OauthClient, which always sets it."
        )


def _no_directory_secret(args: ResourceValidationArgs, report: Report) -> None:
    if is_set(args.props.get("directoryClientSecret")):
        report("directoryClientSecret is set: remove it; the secret goes to Secrets Manager only.")


def _grant_type_spelling(args: ResourceValidationArgs, report: Report) -> None:
    grant_type = args.props.get("authorizedGrantType")
    if grant_type in API_GRANT_TYPES:
        return
    spelling = api_spelling(grant_type)
    if spelling is not None:
        report(
            f"authorizedGrantType {shown(grant_type)} is not how the Genesys API stores it: "
            f"write {spelling!r} in the client's grantType."
        )
    else:
        report(
            "authorizedGrantType is missing or not a grant type: set grantType to one of "
            f"{', '.join(API_GRANT_TYPES)}."
        )


def _roles_or_scopes(args: ResourceValidationArgs, report: Report) -> None:
    grant_type = api_spelling(args.props.get("authorizedGrantType"))
    if grant_type is None:
        return
    if grant_type == CLIENT_CREDENTIALS and is_set(args.props.get("scopes")):
        report(
            "scopes are set on a CLIENT-CREDENTIALS client: it acts through its roles; "
            "remove scopes and grant roles."
        )
    if grant_type != CLIENT_CREDENTIALS and is_set(args.props.get("roles")):
        report(
            f"roles are set on a {grant_type} client: it acts as the signed-in user; "
            "remove roles and request scopes."
        )


POLICIES: Final = [
    resource_policy(
        name="oauth-client-exposes-secret",
        description=(
            "An OAuth client must set exposeClientSecret: without it the provider returns no "
            "secret and the component stores an empty one, so every consumer fails later. "
            "Fix: create clients through the OauthClient binding, which always sets it."
        ),
        resource_type=OAUTH_CLIENT,
        check=_exposes_secret,
        severity=Severity.HIGH,
    ),
    resource_policy(
        name="oauth-client-no-directory-secret",
        description=(
            "An OAuth client must not set directoryClientSecret: the provider then writes the "
            "client secret in plaintext to a file on the machine that deploys. "
            "Fix: remove the property."
        ),
        resource_type=OAUTH_CLIENT,
        check=_no_directory_secret,
        severity=Severity.CRITICAL,
    ),
    resource_policy(
        name="oauth-client-grant-type-spelling",
        description=(
            "An OAuth client's grant type must be spelled as the Genesys API stores it "
            f"({', '.join(API_GRANT_TYPES)}): the provider accepts SAML2BEARER but reads back "
            "SAML2-BEARER, so every run shows a diff and rewrites the client. "
            "Fix: use the API's spelling in grantType."
        ),
        resource_type=OAUTH_CLIENT,
        check=_grant_type_spelling,
        severity=Severity.LOW,
        advisory_safe=True,
    ),
    resource_policy(
        name="oauth-client-roles-or-scopes",
        description=(
            "Roles belong to CLIENT-CREDENTIALS clients and scopes to the others (the provider's "
            "schema): the other kind is configuration Genesys does not apply, which reviewers "
            "then read as permissions the client has. Fix: remove roles from clients of the "
            "other grant types and scopes from CLIENT-CREDENTIALS ones."
        ),
        resource_type=OAUTH_CLIENT,
        check=_roles_or_scopes,
        severity=Severity.MEDIUM,
        advisory_safe=True,
    ),
]
