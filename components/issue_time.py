"""When a client secret was issued: the tag that records it on the secret, and its text form.

The age report must measure the client secret, not the Secrets Manager version that holds it:
a version is rewritten whenever the credentials document changes (a field added, a rollback, a
drift repaired), while the secret inside it stays the same. So the moment a secret is issued is
recorded once, by the resource that receives it (``components.secret_issue_stamp`` for a
client's own secret, ``components.rotation_provider`` for a regenerated one), kept in Pulumi
state, and copied onto the secret's metadata as the tag ``ISSUED_AT_TAG``. The report reads it
with ``DescribeSecret``: no secret value, no ``kms:Decrypt``.

The text form is ISO 8601 in UTC to the second (``2026-12-06T20:02:48Z``): every character is
one AWS allows in a tag value (letters, digits and ``+ - = . _ : / @``). An empty value means
"not known" (a regeneration recorded before the tag existed).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

ISSUED_AT_TAG = "genesys-oauth-secrets:client-secret-issued-at"
"""Tag key on each client's secret; 45 characters, under AWS's 128."""
ISSUED_AT_OUTPUT = "issuedAt"
"""Output name, on the stamp and the regeneration resource, of the issue time."""

_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", re.ASCII)


def issued_now() -> str:
    """The current time in the tag's form; called only when a secret is issued."""
    return datetime.now(UTC).strftime(_FORMAT)


def parse_issued_at(value: object) -> datetime | None:
    """The time a tag value records, or None for anything that is not exactly the tag's form."""
    if not isinstance(value, str) or not _SHAPE.fullmatch(value):
        return None
    try:
        return datetime.strptime(value, _FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None
