"""The snippets of docs/consumers.md, run exactly as written against a secret in moto.

The document the manual shows must have the program's keys, in its order. Each snippet must
print the client id, the Genesys region and the token URL the document gives, refuse a document
version it does not know, and never print the client secret. Nothing here shows a snippet's
output before the leak check has passed.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from components.credentials_document import DOCUMENT_VERSION
from tests.consumers.runners import JS_PROJECT, RUNNERS, SNIPPETS, ReadWithSnippet, aws_cli
from tests.genesys_credentials.conftest import credentials_document

# The manual's block with the secret's JSON document; the others are programs.
DOCUMENT = "document"

REPO = Path(__file__).resolve().parents[2]


def assert_no_secret_in(result: subprocess.CompletedProcess[str], secret: str) -> None:
    """Compared apart, so that a failure never shows the output that holds the secret."""
    leaked = secret in result.stdout or secret in result.stderr
    assert not leaked, "the snippet printed the client secret"


def test_the_manual_marks_the_document_and_one_snippet_per_language_the_tests_run() -> None:
    assert sorted(SNIPPETS) == sorted([DOCUMENT, *RUNNERS])


def test_the_manual_shows_the_document_the_program_writes() -> None:
    shown = json.loads(SNIPPETS[DOCUMENT])
    written = credentials_document("unused")

    assert list(shown) == list(written)
    assert shown["version"] == DOCUMENT_VERSION


def test_snippet_prints_what_the_document_says(
    read_with_snippet: ReadWithSnippet, document: dict[str, Any], marker: str
) -> None:
    result = read_with_snippet(document)

    assert_no_secret_in(result, marker)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        f"client {document['client_id']} in eu-west-1, "
        "token from https://login.mypurecloud.ie/oauth/token\n"
    )


def test_snippet_refuses_a_document_version_it_does_not_know(
    read_with_snippet: ReadWithSnippet, document: dict[str, Any], marker: str
) -> None:
    result = read_with_snippet({**document, "version": 2})

    assert_no_secret_in(result, marker)
    assert result.returncode != 0
    assert result.stdout == ""
    assert "unknown credentials document version" in result.stderr


def test_the_shell_snippet_runs_the_pinned_aws_cli() -> None:
    pin = re.search(
        r"^awscli==(\S+)$", (REPO / "requirements-dev.txt").read_text(), flags=re.MULTILINE
    )
    assert pin is not None, "requirements-dev.txt pins no awscli"
    version = subprocess.run(  # noqa: S603 - the venv's own aws
        [aws_cli(), "--version"], capture_output=True, text=True, check=True, timeout=60
    )
    assert (version.stdout + version.stderr).startswith(f"aws-cli/{pin.group(1)} ")


def test_the_javascript_snippet_runs_the_pinned_sdk() -> None:
    pinned = json.loads((JS_PROJECT / "package.json").read_text())["dependencies"]
    installed = JS_PROJECT / "node_modules" / "@aws-sdk" / "client-secrets-manager"
    if not installed.is_dir():
        pytest.fail(f"{installed} is missing: run make install")
    version = json.loads((installed / "package.json").read_text())["version"]
    assert pinned == {"@aws-sdk/client-secrets-manager": version}
