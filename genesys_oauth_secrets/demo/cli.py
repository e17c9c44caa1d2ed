"""The ``demo`` subcommand: its options, and the runner the front door hands it."""

from __future__ import annotations

import argparse

from genesys_oauth_secrets.demo import walkthrough
from genesys_oauth_secrets.shared import options
from genesys_oauth_secrets.shared.command import Command, Phase
from genesys_oauth_secrets.shared.output import Report

MAX_PORT = 65535


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--port",
        type=options.number("--port", 0, MAX_PORT),
        default=0,
        help="port of the emulator (0: a free one)",
    )
    parser.add_argument(
        "--keep-running",
        action="store_true",
        help="keep the emulator up afterwards, for trying the commands by hand",
    )


def command(invoke: walkthrough.Invoke) -> Command:
    """The demo, running its steps through ``invoke`` (a front-door command line)."""

    def run(args: argparse.Namespace) -> int:
        report = Report(as_json=False)
        return walkthrough.run(
            port=args.port, keep_running=args.keep_running, emit=report.line, invoke=invoke
        )

    return Command(
        name="demo",
        phase=Phase.FIRST_LOOK,
        summary="the tools and a service's read of its secret on a local AWS emulator (moto)",
        description="Start moto in server mode on 127.0.0.1 with fake credentials, then "
        "bootstrap (twice), write a sample state and two locks, audit, clear the stale lock, "
        "show bootstrap's check and --fix on the existing bucket, write a client's secret as "
        "the program does, read it as a service does, and report its age.",
        configure=configure,
        run=run,
    )
