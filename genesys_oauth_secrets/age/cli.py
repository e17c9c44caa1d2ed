"""The command line of the age report: arguments, one line per client (or ``--json``), exit codes.

Exit codes: 0 every current secret is younger than its ``maxAgeDays``; 1 at least one is
overdue; 2 the check could not be completed (one ``error:`` line on stderr, or a JSON document
with ``"error"`` under ``--json``).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from components.oauth_client_secret import secret_name
from genesys_oauth_secrets.age.ages import SecretAge, secret_age
from genesys_oauth_secrets.age.stack_file import (
    DeclaredClient,
    StackClients,
    StackFileError,
    read_stack,
)
from genesys_oauth_secrets.shared import options
from genesys_oauth_secrets.shared.aws import connect
from genesys_oauth_secrets.shared.command import Command, Phase, dispatch
from genesys_oauth_secrets.shared.errors import BackendError
from genesys_oauth_secrets.shared.output import EXIT_ATTENTION as EXIT_OVERDUE
from genesys_oauth_secrets.shared.output import EXIT_CANNOT as EXIT_CANNOT_CHECK
from genesys_oauth_secrets.shared.output import EXIT_OK, Report

SECONDS_PER_DAY = 86_400


@dataclass(frozen=True)
class ClientAge:
    """One line of the report."""

    declared: DeclaredClient
    secret_name: str
    measured: SecretAge
    age_days: float

    @property
    def overdue(self) -> bool:
        return self.age_days > self.declared.config.rotation.max_age_days


def configure(parser: argparse.ArgumentParser) -> None:
    options.add_stack(parser)
    options.add_dir(parser)
    parser.add_argument(
        "--region", help="AWS region of the secrets (default: the stack's aws:region)"
    )
    options.add_endpoint_url(parser)
    options.add_json(parser)


def main(argv: Sequence[str] | None = None, *, now: Callable[[], datetime] | None = None) -> int:
    """``genesys-oauth-secrets age``; ``now`` is a seam so tests can age secrets at once."""
    return dispatch(COMMAND, argv, lambda args: run(args, now=now))


def run(args: argparse.Namespace, *, now: Callable[[], datetime] | None = None) -> int:
    """Read the stack's clients, ask Secrets Manager for each current version, report."""
    clock = now or (lambda: datetime.now(UTC))
    report = Report(as_json=args.json)
    try:
        stack = read_stack(options.project_dir(args), args.stack)
        ages = _ages(stack, args, clock())
    except (StackFileError, BackendError) as error:
        return report.fail(str(error), EXIT_CANNOT_CHECK)
    return report.verdict(
        EXIT_OVERDUE if any(age.overdue for age in ages) else EXIT_OK,
        _document(stack, args.stack, ages),
        (_line(stack, age) for age in ages),
    )


def _ages(stack: StackClients, args: argparse.Namespace, now: datetime) -> list[ClientAge]:
    client = connect(args.region or stack.aws_region, args.endpoint_url).secretsmanager
    ages = []
    for declared in stack.clients:
        name = secret_name(args.stack, declared.config.name)
        measured = secret_age(client, name)
        # A time a moment ahead (clock skew between here, AWS and the deployer) is 0 days old.
        age = max(0.0, (now - measured.since).total_seconds() / SECONDS_PER_DAY)
        ages.append(ClientAge(declared, name, measured, age))
    return ages


def _where(stack: StackClients, declared: DeclaredClient) -> str:
    line = f" line {declared.line}" if declared.line is not None else ""
    return f"{stack.stack_file.name}{line}"


def _fix(stack: StackClients, age: ClientAge) -> str:
    rotation = age.declared.config.rotation
    return (
        f"set {age.declared.path} to {rotation.generation + 1} ({_where(stack, age.declared)}), "
        "then `pulumi preview` and `pulumi up` (docs/rotation.md)"
    )


def _line(stack: StackClients, age: ClientAge) -> str:
    rotation = age.declared.config.rotation
    note = age.measured.note
    basis = f" by its version date ({note})" if note else ""
    head = (
        f"{age.declared.config.name}: generation {rotation.generation} ({rotation.strategy}), "
        f"current secret {age.age_days:.0f} day(s) old{basis}, max {rotation.max_age_days}"
    )
    if age.overdue:
        return f"{head}: OVERDUE: {_fix(stack, age)}"
    return f"{head}: ok"


def _document(stack: StackClients, stack_name: str, ages: list[ClientAge]) -> dict[str, Any]:
    return {
        "stack": stack_name,
        "stack_file": stack.stack_file.name,
        "overdue": any(age.overdue for age in ages),
        "clients": [
            {
                "name": age.declared.config.name,
                "generation": age.declared.config.rotation.generation,
                "strategy": age.declared.config.rotation.strategy,
                "max_age_days": age.declared.config.rotation.max_age_days,
                "secret_name": age.secret_name,
                "current_version_id": age.measured.version.version_id,
                "current_version_created": age.measured.version.created.isoformat(),
                "issued_at": _iso(age.measured.issued_at),
                "age_from": age.measured.counted_from,
                "age_note": age.measured.note,
                "age_days": round(age.age_days, 2),
                "overdue": age.overdue,
                "bump": {
                    "path": age.declared.path,
                    "line": age.declared.line,
                    "to": age.declared.config.rotation.generation + 1,
                }
                if age.overdue
                else None,
            }
            for age in ages
        ],
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


COMMAND = Command(
    name="age",
    phase=Phase.DAY_2,
    summary="age of each client's current secret against its rotation's maxAgeDays",
    description="Age of each Genesys OAuth client's current secret (since it was issued, by "
    "the secret's issue tag) against the maxAgeDays of its rotation block. Read-only: needs "
    "secretsmanager:ListSecretVersionIds and secretsmanager:DescribeSecret, never a secret "
    "value.",
    configure=configure,
    run=run,
)
