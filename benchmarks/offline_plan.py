"""How long `make plan` takes for the shipped config: the whole command, as a newcomer runs it.

Target: well under 2 s for ``genesys-oauth-secrets plan --stack prod`` (a fresh interpreter each
time, imports included, since that is what a person and the PR workflow wait for). Also prints
the in-process plan time once the imports are warm. Figures, not assertions: run
``venv/bin/python -m benchmarks.offline_plan``.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

from genesys_oauth_secrets.plan.cli import make_plan

REPEATS = 5
TARGET_SECONDS = 2.0
REPO = Path(__file__).resolve().parents[1]


def command_seconds() -> float:
    """Wall time of one ``genesys-oauth-secrets plan --stack prod`` in a new process."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "genesys_oauth_secrets", "plan", "--stack", "prod"],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def in_process_seconds() -> float:
    started = time.perf_counter()
    make_plan("prod")
    return time.perf_counter() - started


def row(label: str, seconds: list[float]) -> str:
    return f"{label:<34}{statistics.median(seconds):>10.3f}{max(seconds):>10.3f}"


def main() -> None:
    commands = [command_seconds() for _ in range(REPEATS)]
    make_plan("prod")
    warm = [in_process_seconds() for _ in range(REPEATS)]
    print(f"offline plan of the shipped prod config, {REPEATS} runs each")
    print(f"target: the command under {TARGET_SECONDS} s")
    print(f"{'measure':<34}{'median s':>10}{'max s':>10}")
    print(row("genesys-oauth-secrets plan (process)", commands))
    print(row("make_plan, imports warm", warm))


if __name__ == "__main__":
    main()
