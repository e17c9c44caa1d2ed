"""Tags every AWS resource of the stack carries, so an auditor can trace a secret to its stack."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi


def stack_tags(user_tags: Mapping[str, str]) -> dict[str, str]:
    """The user's tags plus ours; config validation keeps users off our reserved keys."""
    return {
        **user_tags,
        "managed-by": "pulumi",
        "pulumi-project": pulumi.get_project(),
        "pulumi-stack": pulumi.get_stack(),
    }
