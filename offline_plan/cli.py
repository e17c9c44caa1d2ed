"""``python -m offline_plan``: the real program, a stack's config, no engine, no credentials.

Exit codes: 0 the plan was printed; 1 the program refused the config (the same message
``pulumi up`` prints, which is the ``RunError`` the language host logs as ``error:``) or a plan
check reported findings; 2 the plan could not run (bad flags, unreadable stack file, a value it
cannot read offline, a program bug). Failures print one ``error:`` line block on stderr and,
with ``--json``, a JSON document on stdout, never a stack trace.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pulumi

from offline_plan.checks import CHECKS, PlanCheck, run_checks
from offline_plan.engine import MAIN, PROJECT, STACK, ProviderMocks, start_engine
from offline_plan.errors import EXIT_REFUSED, PlanError
from offline_plan.plan import Plan, build_plan
from offline_plan.plan_mocks import PlanMocks
from offline_plan.stack_file import load_config

EXIT_PLANNED = 0
FIRST_LINE_CHARS = 200


def build_parser() -> argparse.ArgumentParser:
    """The plan's flags; ``--help`` shows each default."""
    parser = argparse.ArgumentParser(
        prog="python -m offline_plan",
        description="Run the Pulumi program (__main__.py) with Pulumi.STACK.yaml's config on an "
        "embedded engine and print what `pulumi up` would register: the resource tree, the "
        "secret inputs and outputs by name, providers, packages and stack outputs. No Pulumi "
        "CLI, no credentials, no network; values only a provider knows are placeholders.",
    )
    parser.add_argument(
        "--stack",
        default=STACK,
        help="stack whose Pulumi.<stack>.yaml config is planned (default: %(default)s)",
    )
    parser.add_argument(
        "--json", action="store_true", help="print one JSON document instead of text"
    )
    return parser


def make_plan(
    stack: str,
    *,
    project_dir: Path = MAIN.parent,
    provider_mocks: ProviderMocks | None = None,
    checks: Iterable[PlanCheck] = CHECKS,
) -> Plan:
    """Evaluate the program with the stack's config; RunError when the program refuses it.

    ``project_dir`` holds ``Pulumi.yaml`` and the stack files; the program is always the
    repository's ``__main__.py``.
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
    return Plan(**{**plan.__dict__, "findings": run_checks(run, checks)})


def _fail(message: str, code: int, *, as_json: bool) -> int:
    if as_json:
        print(json.dumps({"ok": False, "exitCode": code, "error": message}, indent=2))
    print(f"error: {message}", file=sys.stderr)
    return code


def main(
    argv: Sequence[str] | None = None,
    *,
    project_dir: Path = MAIN.parent,
    provider_mocks: ProviderMocks | None = None,
    checks: Iterable[PlanCheck] = CHECKS,
) -> int:
    """Parse, plan, print; expected failures become one message and an exit code."""
    args = build_parser().parse_args(argv)
    try:
        plan = make_plan(
            args.stack, project_dir=project_dir, provider_mocks=provider_mocks, checks=checks
        )
    except PlanError as error:
        return _fail(str(error), error.exit_code, as_json=args.json)
    except pulumi.RunError as error:
        return _fail(str(error), EXIT_REFUSED, as_json=args.json)
    if args.json:
        document: dict[str, Any] = {"ok": not plan.findings, **plan.to_json()}
        print(json.dumps(document, indent=2, sort_keys=True))
    else:
        print(plan.to_text())
    return EXIT_REFUSED if plan.findings else EXIT_PLANNED
