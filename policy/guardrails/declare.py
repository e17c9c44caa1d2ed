"""How a resource guardrail is declared: one type, one check, and whether a stack may bend it.

Every policy of the pack is built here so they all behave alike: a resource check runs only on
its resource type and reports plain messages; the tag ``advisory-safe`` marks the few policies a
stack may downgrade to advisory in its pack config (docs/policy-pack.md says why each is safe).
The level itself is the pack's default, mandatory.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from pulumi_policy import (
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
)

ADVISORY_SAFE: Final = "advisory-safe"
"""Policy tag: a stack may set this policy to ``advisory``; untagged policies guard the secret."""

Report = Callable[[str], None]
"""Reports one violation of the resource being checked."""

ResourceCheck = Callable[[ResourceValidationArgs, Report], None]


def _tags(advisory_safe: bool) -> list[str] | None:
    return [ADVISORY_SAFE] if advisory_safe else None


def resource_policy(
    *,
    name: str,
    description: str,
    resource_type: str,
    check: ResourceCheck,
    severity: Severity,
    advisory_safe: bool = False,
    config_schema: PolicyConfigSchema | None = None,
) -> ResourceValidationPolicy:
    """A policy that runs ``check`` on every resource of ``resource_type`` the engine registers."""

    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if args.resource_type == resource_type:
            check(args, lambda message: report_violation(message, None))

    return ResourceValidationPolicy(
        name=name,
        description=description,
        validate=validate,
        severity=severity,
        tags=_tags(advisory_safe),
        config_schema=config_schema,
    )
