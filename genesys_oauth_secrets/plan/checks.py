"""Checks over a finished plan: where the guardrails policy pack (``policy/``) plugs in.

A check receives the ``ProgramRun`` (every captured RegisterPackage, RegisterResource and
stack-output request, secrets still in their envelopes, exactly what a CrossGuard analyzer is
sent) and returns findings, one line each. The plan prints the findings and exits 1 when there
are any; a check that cannot run raises ``PlanError`` (exit 2). A finding must name the resource
and the rule, never a value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from genesys_oauth_secrets.plan.engine import ProgramRun
from genesys_oauth_secrets.plan.guardrails import guardrail_violations

PlanCheck = Callable[[ProgramRun], Sequence[str]]

CHECKS: tuple[PlanCheck, ...] = (guardrail_violations,)


def run_checks(run: ProgramRun, checks: Iterable[PlanCheck]) -> tuple[str, ...]:
    """Every finding of every check, in order."""
    return tuple(finding for check in checks for finding in check(run))
