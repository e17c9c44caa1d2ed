"""Tags every AWS resource of the stack carries, so an auditor can trace a secret to its stack."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi


def stack_tags(user_tags: Mapping[str, str]) -> dict[str, str]:
    """The user's tags plus ours; config validation keeps users off our reserved keys."""
    return tags_of(pulumi.get_project(), pulumi.get_stack(), user_tags)


def tags_of(project: str, stack: str, user_tags: Mapping[str, str]) -> dict[str, str]:
    """The tags of a stack's resources, outside a Pulumi run too: preflight simulates the
    deploy's tag-conditioned permissions with exactly these."""
    return {
        **user_tags,
        "managed-by": "pulumi",
        "pulumi-project": project,
        "pulumi-stack": stack,
    }
