"""What can go wrong when a service reads its Genesys credentials, as exceptions it can catch.

Every message names what failed (the secret ARN, the token URL, the document key) and what to
do about it. None of them ever contains the client secret or an access token: messages are
built from names, codes and AWS's own error text, never from the values read, and text a login
host sends back is redacted (``safe_text``) before it is quoted. A service that catches
:class:`CredentialsError` catches every failure: nothing else escapes the helper.
"""

from __future__ import annotations


class CredentialsError(Exception):
    """Base class: catch this to handle every failure of the helper in one place."""


class InvalidArgument(CredentialsError, ValueError):
    """A constructor argument that cannot work (a token URL in clear, a negative TTL).

    Also a ``ValueError``, which is what Python code expects for a bad argument.
    """


class MalformedSecret(CredentialsError):
    """The secret exists but does not hold a version-1 credentials document."""


class SecretUnavailable(CredentialsError):
    """Secrets Manager did not return the secret (missing, deleted, throttled, unreachable)."""


class SecretAccessDenied(SecretUnavailable):
    """The caller lacks ``secretsmanager:GetSecretValue`` on the secret or ``kms:Decrypt``."""


class TokenRequestFailed(CredentialsError):
    """The Genesys login host did not issue an access token."""


class TokenRejected(TokenRequestFailed):
    """Genesys rejected the client id/secret pair (401, or 400 ``invalid_client``), even after
    the secret was read again."""


class TokenRateLimited(TokenRequestFailed):
    """Genesys kept answering 429 after every retry the policy allows."""
