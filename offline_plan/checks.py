"""Checks over a finished plan: the seam where the policy pack (``policy/``) plugs in.

A check receives the ``ProgramRun`` (every captured RegisterPackage, RegisterResource and
stack-output request, secrets still in their envelopes, exactly what a CrossGuard analyzer is
sent) and returns findings, one line each. The plan prints the findings and exits 1 when there
are any. ``CHECKS`` is empty until the pack is wired: an adapter that sends each registration
to the pack's ``Analyze`` and the whole set to ``AnalyzeStack`` and returns the mandatory
violations goes in this tuple. A finding must name the resource and the rule, never a value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from offline_plan.engine import ProgramRun

PlanCheck = Callable[[ProgramRun], Sequence[str]]

CHECKS: tuple[PlanCheck, ...] = ()


def run_checks(run: ProgramRun, checks: Iterable[PlanCheck]) -> tuple[str, ...]:
    """Every finding of every check, in order."""
    return tuple(finding for check in checks for finding in check(run))
