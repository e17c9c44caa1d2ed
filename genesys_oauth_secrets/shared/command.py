"""What a subcommand is, and the one parser behaviour every subcommand shares.

Each job subpackage (``plan``, ``check``, ``preflight``, ``bootstrap``, ``audit``, ``locks``,
``age``, ``demo``) exposes one :class:`Command`: its name, when a user runs it, its options and
the function that does the work. The front door (``genesys_oauth_secrets.cli``) lists them; the
job's own ``main`` (kept for tests, with their seams) parses with :func:`parse`, so a job
behaves the same whether it is reached through the front door or directly.

A usage error is one ``error:`` line on stderr and exit 2 in every subcommand (argparse's
default is a usage block and exit 2); the flag's value is quoted escaped and bounded, so a
control character in an argument cannot forge a line of output. Under ``--json`` the same
failure is also one JSON document on stdout (:mod:`genesys_oauth_secrets.shared.output`).
"""

from __future__ import annotations

import argparse
import enum
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NoReturn

from genesys_credentials.safe_text import printable
from genesys_oauth_secrets.shared.output import EXIT_CANNOT, failure_document

MAX_MESSAGE = 400
PROG = "genesys-oauth-secrets"


class Phase(enum.Enum):
    """When a user runs a command; ``--help`` groups the commands by it, in this order."""

    FIRST_LOOK = "first look (no cloud account needed)"
    SET_UP = "set-up (once per account and repository)"
    EVERY_DEPLOY = "every deploy (before and after pulumi preview/up)"
    DAY_2 = "day 2 (on a schedule or when something is stuck)"


@dataclass(frozen=True)
class Command:
    """One subcommand of ``genesys-oauth-secrets``."""

    name: str
    phase: Phase
    summary: str
    """One line for the front door's grouped list."""
    description: str
    """The paragraph ``genesys-oauth-secrets <name> --help`` starts with."""
    configure: Callable[[argparse.ArgumentParser], None]
    """Adds the command's options (the shared ones through ``shared.options``)."""
    run: Callable[[argparse.Namespace], int]
    """Does the work with the parsed options; returns the exit code (``shared.output``)."""


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Adds ``(default: …)`` to an option's help once, and only when it tells the reader
    something: not when the help already says its default (``--dir``, ``--bucket``), and not
    for ``None``, ``False`` or an empty list (an unset flag, a switch that is off)."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        unset = action.default is None or action.default is False or action.default == []
        if "default" in text or unset or action.default == argparse.SUPPRESS:
            return text
        return super()._get_help_string(action)


class UsageExit(SystemExit):
    """A usage error already reported in one line; carries exit code 2."""

    def __init__(self) -> None:
        super().__init__(EXIT_CANNOT)


class Parser(argparse.ArgumentParser):
    """argparse with the shared contract: a usage error is one line, never a usage block."""

    json_requested = False

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        """Remember whether ``--json`` was asked for, so that even a usage error is JSON."""
        listed = sys.argv[1:] if args is None else list(args)
        self.json_requested = "--json" in listed
        return super().parse_known_args(listed, namespace)

    def error(self, message: str) -> NoReturn:
        line = f"{self.prog}: {printable(message, MAX_MESSAGE)} (see --help)"
        if self.json_requested:
            print(failure_document(line, EXIT_CANNOT))
        print(f"error: {line}", file=sys.stderr)
        raise UsageExit


def command_parser(command: Command, *, prog: str | None = None) -> Parser:
    """A standalone parser for ``command`` (what ``genesys-oauth-secrets <name>`` parses)."""
    parser = Parser(
        prog=prog or f"{PROG} {command.name}",
        description=command.description,
        formatter_class=HelpFormatter,
    )
    command.configure(parser)
    return parser


def parse(command: Command, argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse ``argv`` (the arguments after the command's name) as the front door would."""
    return command_parser(command).parse_args(sys.argv[1:] if argv is None else list(argv))


def dispatch(
    command: Command,
    argv: Sequence[str] | None,
    execute: Callable[[argparse.Namespace], int],
) -> int:
    """A job's own ``main``: parse as the front door would, then ``execute``; a usage error
    (already reported in one line) returns 2 instead of leaving the process."""
    try:
        args = parse(command, argv)
    except UsageExit:
        return EXIT_CANNOT
    return execute(args)
