"""Changed copies of an IAM document: the mutations that prove a policy check can fail.

A check that passes on the shipped documents proves something only if it fails on a document
that lacks what a call needs (``without_action``) or grants what a promise forbids
(``widened``).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any


def without_action(policy: Mapping[str, Any], action: str) -> dict[str, Any]:
    """A copy of ``policy`` in which no statement names ``action`` any more."""
    changed = copy.deepcopy(dict(policy))
    kept = []
    for statement in changed["Statement"]:
        actions = statement["Action"]
        actions = [actions] if isinstance(actions, str) else actions
        statement["Action"] = [name for name in actions if name.lower() != action.lower()]
        if statement["Action"]:
            kept.append(statement)
    changed["Statement"] = kept
    return changed


def widened(policy: Mapping[str, Any], action: str, resource: str) -> dict[str, Any]:
    """A copy of ``policy`` with one more statement allowing ``action`` on ``resource``."""
    changed = copy.deepcopy(dict(policy))
    changed["Statement"] = [
        *changed["Statement"],
        {"Sid": "Widened", "Effect": "Allow", "Action": action, "Resource": resource},
    ]
    return changed
