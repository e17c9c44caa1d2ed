"""``readers``: IAM principals of other accounts allowed to read one client's secret.

A principal is an account root (``arn:aws:iam::123456789012:root``, which delegates to that
account's IAM policies) or a role (``arn:aws:iam::123456789012:role/path/name``). Wildcards are
refused: a resource policy whose principal is ``*`` or a pattern reaches accounts nobody named,
and Secrets Manager's ``BlockPublicPolicy`` would refuse it at deploy time anyway.

The grant itself (secret resource policy and key policy) is written by
``components.reader_access``; this module only validates.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from components.problems import ListRule, Problems, distinct_list

MAX_READERS = 20
"""Our bound per client; a longer list belongs in one account root and that account's IAM."""
_READER_LIST = ListRule(
    most=MAX_READERS,
    not_a_list="must be a list of IAM principal ARNs (account root or role)",
    too_many=f"at most {MAX_READERS} readers; grant an account root instead",
    duplicate=("", "duplicate; list each principal once"),
)

_PRINCIPAL = re.compile(
    r"arn:aws[a-z-]*:iam::[0-9]{12}:(?:root|role/(?:[A-Za-z0-9+=,.@_-]+/)*[A-Za-z0-9+=,.@_-]{1,64})",
    re.ASCII,
)
READ_ACTIONS = ("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret")
"""Exactly what a reader may do with the secret."""
READER_SID = "GenesysSecretReadersDecryptThroughSecretsManager"


def parse_readers(path: str, value: Any, problems: Problems) -> tuple[str, ...]:
    """Validate ``clients[i].readers``: a list of distinct account-root or role ARNs."""
    if value is None or value == []:
        return ()

    def parse(at: str, item: Any) -> str | None:
        if isinstance(item, str) and ("*" in item or "?" in item):
            problems.add(
                at,
                "wildcards are refused: name an account root (arn:aws:iam::<account>:root) "
                "or a role ARN",
            )
        elif not isinstance(item, str) or not _PRINCIPAL.fullmatch(item):
            problems.add(
                at,
                "must be arn:aws:iam::<12-digit account>:root or "
                "arn:aws:iam::<12-digit account>:role/<name>",
            )
        else:
            return item
        return None

    return distinct_list(
        path, value, parse, problems, rule=_READER_LIST, identity=lambda item: item
    )


def decrypt_statement(readers: Sequence[str], region: str) -> dict[str, Any]:
    """The key policy statement that lets ``readers`` decrypt only through Secrets Manager."""
    return {
        "Sid": READER_SID,
        "Effect": "Allow",
        "Principal": {"AWS": sorted(readers)},
        "Action": "kms:Decrypt",
        "Resource": "*",
        "Condition": {"StringEquals": {"kms:ViaService": f"secretsmanager.{region}.amazonaws.com"}},
    }


def statement_to_add(readers: Sequence[str], region: str | None) -> str:
    """``decrypt_statement`` as one line of JSON for an error message (ARNs only, no secret)."""
    return json.dumps(decrypt_statement(readers, region or "<region>"), separators=(",", ":"))
