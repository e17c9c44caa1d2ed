"""Keep botocore's DEBUG logging from printing secret values.

At DEBUG, ``botocore.parsers`` logs every raw response body (``Response body:\\n%r``), and a
GetSecretValue response carries the secret in ``SecretString``. Services turn DEBUG on when
something breaks, which is exactly when nobody checks what the log shipper receives. A filter
on that logger rewrites just those records; every other botocore debug line stays as it was.
A filter on the emitting logger runs before any handler, whatever handlers a service installs.
"""

from __future__ import annotations

import logging

PARSER_LOGGER = "botocore.parsers"
SECRET_FIELDS = (b'"SecretString"', b'"SecretBinary"')
REDACTED = "<response body withheld by genesys_credentials: it holds a secret value>"


class SecretResponseFilter(logging.Filter):
    """Replaces the body of a response that carries a secret value with a placeholder."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and any(_holds_secret(arg) for arg in record.args):
            record.args = tuple(REDACTED if _holds_secret(arg) else arg for arg in record.args)
        return True


def _holds_secret(value: object) -> bool:
    if isinstance(value, str):
        value = value.encode()
    return isinstance(value, bytes | bytearray) and any(f in value for f in SECRET_FIELDS)


_FILTER = SecretResponseFilter()


def install() -> None:
    """Attach the filter once per process (idempotent: ``addFilter`` ignores a repeat)."""
    logging.getLogger(PARSER_LOGGER).addFilter(_FILTER)
