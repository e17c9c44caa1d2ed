"""How the tests run a snippet of docs/consumers.md: each language with the tool a reader would
use, installed by ``make install`` at the version the repository pins.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from tests.consumers.snippets import marked_snippets

JS_PROJECT = Path(__file__).resolve().parent / "js"
MANUAL = Path(__file__).resolve().parents[2] / "docs" / "consumers.md"
SNIPPETS = marked_snippets(MANUAL.read_text(encoding="utf-8"))
# `make install` puts the pinned AWS CLI beside the interpreter that runs the tests.
VENV_BIN = Path(sys.executable).parent
TIMEOUT = 120

RunSnippet = Callable[[str, Mapping[str, str]], subprocess.CompletedProcess[str]]
# Stores a document as the program does, then runs one language's snippet on its ARN.
ReadWithSnippet = Callable[[dict[str, Any]], subprocess.CompletedProcess[str]]


def aws_cli() -> Path:
    """The pinned AWS CLI; its absence is a broken install, not a reason to skip."""
    aws = VENV_BIN / "aws"
    if not aws.is_file():
        pytest.fail(f"no AWS CLI in {VENV_BIN}: run make install (requirements-dev.txt pins it)")
    return aws


def run_shell(snippet: str, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    """Run a shell snippet with bash, the AWS CLI of ``make install`` first on the PATH."""
    aws_cli()
    if shutil.which("jq") is None:
        pytest.skip("jq is not installed: the shell snippet needs it (apt-get install jq)")
    return subprocess.run(  # noqa: S603 - bash and a snippet of this repository's manual
        ["bash", "-c", snippet],  # noqa: S607 - bash from the PATH, as a reader runs it
        env={**env, "PATH": f"{VENV_BIN}{os.pathsep}{env['PATH']}"},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def run_javascript(snippet: str, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    """Run an ES-module snippet with node, resolving its imports in tests/consumers/js."""
    node = shutil.which("node")
    if node is None or not (JS_PROJECT / "node_modules").is_dir():
        pytest.fail(f"node or {JS_PROJECT}/node_modules is missing: run make install")
    # Code read from stdin resolves bare imports from the working directory.
    return subprocess.run(  # noqa: S603 - node and a snippet of this repository's manual
        [node, "--input-type=module"],
        input=snippet,
        cwd=JS_PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


RUNNERS: dict[str, RunSnippet] = {"awscli": run_shell, "javascript": run_javascript}
