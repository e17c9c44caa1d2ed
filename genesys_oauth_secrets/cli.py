# PYTHON_ARGCOMPLETE_OK  (argcomplete global completion looks for this in the first 1 KiB)
"""The front door: ``genesys-oauth-secrets <command> [options]``.

One verb per job, the way the ``pulumi`` and ``terraform`` CLIs are one command. ``--help``
lists the commands grouped by when a user runs them; each command's own ``--help`` gives its
options with their defaults. Exit codes are the same everywhere (``shared.output``): 0 nothing
needs you, 1 something needs you, 2 could not do the job. Shell completion for bash and zsh
comes from argcomplete (``docs/cli.md`` has the one line to add to a shell's rc file).

Expected failures (``BackendError`` and its kin) are one ``error:`` line on stderr and their
exit code; a traceback means a bug.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

import argcomplete

from genesys_oauth_secrets.adopt.cli import COMMAND as DESCRIBE_CLIENT
from genesys_oauth_secrets.age.cli import COMMAND as AGE
from genesys_oauth_secrets.audit.cli import COMMAND as AUDIT
from genesys_oauth_secrets.bootstrap.cli import COMMAND as BOOTSTRAP
from genesys_oauth_secrets.check.cli import COMMAND as CHECK
from genesys_oauth_secrets.demo.cli import command as demo_command
from genesys_oauth_secrets.locks.cli import COMMAND as LOCKS
from genesys_oauth_secrets.plan.cli import COMMAND as PLAN
from genesys_oauth_secrets.preflight.cli import COMMAND as PREFLIGHT
from genesys_oauth_secrets.shared.command import PROG, Command, HelpFormatter, Parser, Phase
from genesys_oauth_secrets.shared.errors import BackendError
from genesys_oauth_secrets.shared.output import EXIT_CANNOT, error_line

EXIT_INTERRUPTED = 130


def invoke_from_demo(argv: list[str]) -> int:
    """A command line run by the demo: as typed, but bootstrap keeps its ``next:`` lines to
    itself (the demo prints its own, only while its emulator runs)."""
    return main(argv, namespace=argparse.Namespace(next_steps=False))


COMMANDS: tuple[Command, ...] = (
    PLAN,
    demo_command(invoke_from_demo),
    BOOTSTRAP,
    CHECK,
    PREFLIGHT,
    DESCRIBE_CLIENT,
    AUDIT,
    AGE,
    LOCKS,
)


def grouped_commands() -> str:
    """The commands by phase, as ``--help`` shows them."""
    width = max(len(command.name) for command in COMMANDS) + 2
    lines = ["commands, by when you run them:"]
    for phase in Phase:
        lines.append(f"  {phase.value}")
        lines += [
            f"    {command.name:<{width}}{command.summary}"
            for command in COMMANDS
            if command.phase is phase
        ]
    lines += [
        "",
        "exit codes, in every command: 0 nothing needs you; 1 something needs you (each line "
        "says the fix); 2 could not do the job (nothing was checked).",
        f"`{PROG} COMMAND --help` gives a command's options; docs/cli.md is the manual.",
    ]
    return "\n".join(lines)


def build_parser() -> Parser:
    parser = Parser(
        prog=PROG,
        description="Tools for the genesys-oauth-secrets Pulumi program: plan it offline, set "
        "up and check its state backend, check before each deploy, audit the state after it, "
        "and watch the secrets' age.",
        epilog=grouped_commands(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    subcommands = parser.add_subparsers(
        dest="command",
        required=True,
        metavar="COMMAND",
        parser_class=Parser,
        help="one of the commands below",
    )
    for command in COMMANDS:
        sub = subcommands.add_parser(
            command.name,
            description=command.description,
            formatter_class=HelpFormatter,
        )
        command.configure(sub)
        sub.set_defaults(run=command.run)
    return parser


def main(argv: Sequence[str] | None = None, *, namespace: argparse.Namespace | None = None) -> int:
    """Parse, dispatch, and turn expected failures into one line on stderr and their exit code."""
    parser = build_parser()
    argcomplete.autocomplete(parser)
    arguments = sys.argv[1:] if argv is None else list(argv)
    try:
        args = parser.parse_args(arguments, namespace=namespace)
        code: int = args.run(args)
    except BackendError as error:
        print(error_line(error), file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except SystemExit as stop:  # argparse's --help (0) or a usage error already printed (2)
        return stop.code if isinstance(stop.code, int) else EXIT_CANNOT
    return code


def entry() -> None:
    """The ``genesys-oauth-secrets`` script: run, flush, and leave quietly.

    Two exits are made quiet on purpose. ``| head`` closing stdout early ends the command
    without a traceback about the pipe (Python docs, "Note on SIGPIPE"). And once the output
    is flushed the process leaves with ``os._exit``: Pulumi's mock monitor (``plan``) creates
    an event loop in each worker thread it answers on and never closes them, and their
    finalizers, run during interpreter teardown, sometimes print a spurious ``Invalid file
    descriptor`` traceback after a good run.
    """
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 1
    sys.stderr.flush()
    os._exit(code)
