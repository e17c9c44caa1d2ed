"""``genesys-oauth-secrets plan``: the real program, a stack's config, no engine, no credentials.

Exit codes: 0 the plan was printed; 1 the program refused the config (the same message
``pulumi up`` prints, which is the ``RunError`` the language host logs as ``error:``) or a plan
check reported findings; 2 the plan could not run (bad flags, unreadable stack file, a value it
cannot read offline, a program bug). Failures print one ``error:`` line block on stderr and,
with ``--json``, a JSON document on stdout, never a stack trace.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from pathlib import Path

import pulumi

from genesys_oauth_secrets.plan.against import plan_against
from genesys_oauth_secrets.plan.engine import MAIN, PROJECT, ProviderMocks, start_engine
from genesys_oauth_secrets.plan.errors import EXIT_REFUSED, PlanError
from genesys_oauth_secrets.plan.guardrails import Guardrails, run_guardrails
from genesys_oauth_secrets.plan.mocks import PlanMocks
from genesys_oauth_secrets.plan.report import Plan, build_plan
from genesys_oauth_secrets.plan.stack_config import load_config
from genesys_oauth_secrets.shared import options
from genesys_oauth_secrets.shared.command import Command, Phase, dispatch
from genesys_oauth_secrets.shared.output import Report

EXIT_PLANNED = 0
FIRST_LINE_CHARS = 200


def configure(parser: argparse.ArgumentParser) -> None:
    options.add_stack(parser, "its config is planned")
    options.add_dir(parser)
    options.add_json(parser)
    parser.add_argument(
        "--against",
        metavar="REF",
        help="also plan the program and stack file of git REF (e.g. main) and print what "
        "changes from it, resource by resource, as `pulumi preview` marks it",
    )


def make_plan(
    stack: str,
    *,
    project_dir: Path = MAIN.parent,
    provider_mocks: ProviderMocks | None = None,
    guardrails: Guardrails | None = run_guardrails,
    against: str | None = None,
) -> Plan:
    """Evaluate the program with the stack's config; RunError when the program refuses it.

    ``project_dir`` holds ``Pulumi.yaml`` and the stack files; the program is always the
    repository's ``__main__.py``. ``against`` names a git ref whose plan is diffed with this one.
    """
    config = load_config(project_dir, PROJECT, stack)
    run = start_engine(
        provider_mocks or PlanMocks(), preview=True, log_level=logging.WARNING, stack=stack
    )
    try:
        run.evaluate(config)
    except pulumi.RunError:
        raise
    except Exception as error:
        first_line = (str(error).splitlines() or [""])[0][:FIRST_LINE_CHARS]
        raise PlanError(
            f"the program failed with an unhandled exception ({type(error).__name__}: "
            f"{first_line}); `make unit` shows where"
        ) from None
    plan = build_plan(run, project=PROJECT)
    report = guardrails(run) if guardrails is not None else None
    changes = plan_against(project_dir, stack, against, run) if against is not None else None
    return Plan(**{**plan.__dict__, "guardrails": report, "diff": changes})


def main(
    argv: Sequence[str] | None = None,
    *,
    project_dir: Path | None = None,
    provider_mocks: ProviderMocks | None = None,
    guardrails: Guardrails | None = run_guardrails,
) -> int:
    """``genesys-oauth-secrets plan`` with the tests' seams (the fake providers, the checks)."""

    def execute(args: argparse.Namespace) -> int:
        if project_dir is not None:
            args.dir = project_dir
        return run(args, provider_mocks=provider_mocks, guardrails=guardrails)

    return dispatch(COMMAND, argv, execute)


def run(
    args: argparse.Namespace,
    *,
    provider_mocks: ProviderMocks | None = None,
    guardrails: Guardrails | None = run_guardrails,
) -> int:
    """Plan, print; expected failures become one message and an exit code."""
    report = Report(as_json=args.json)
    try:
        plan = make_plan(
            args.stack,
            project_dir=options.project_dir(args),
            provider_mocks=provider_mocks,
            guardrails=guardrails,
            against=args.against,
        )
    except PlanError as error:
        return report.fail(str(error), error.exit_code)
    except pulumi.RunError as error:
        return report.fail(str(error), EXIT_REFUSED)
    code = EXIT_REFUSED if plan.findings else EXIT_PLANNED
    return report.verdict(code, plan.to_json(), [plan.to_text()])


COMMAND = Command(
    name="plan",
    phase=Phase.FIRST_LOOK,
    summary="print what `pulumi up` would register, offline (no credentials, no CLI)",
    description="Run the Pulumi program (__main__.py) with Pulumi.STACK.yaml's config on an "
    "embedded engine and print what `pulumi up` would register: the resource tree, the secret "
    "inputs and outputs by name, providers, packages and stack outputs; then run the "
    "guardrails policy pack over it. No Pulumi CLI, no credentials, no network; values only a "
    "provider knows are placeholders.",
    configure=configure,
    run=run,
)
