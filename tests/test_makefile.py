"""The Makefile's first-run messages: a plain line instead of an unrelated failure."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
MAKE = shutil.which("make")

pytestmark = pytest.mark.skipif(MAKE is None, reason="make is not installed")


def make(*args: str) -> subprocess.CompletedProcess[str]:
    assert MAKE is not None
    return subprocess.run(  # noqa: S603 - make with the repository's own Makefile
        [MAKE, "--no-print-directory", "-s", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


@pytest.mark.parametrize("target", ["test", "lint", "unit", "plan", "typecheck"])
def test_a_target_before_make_install_says_to_run_make_install(target: str, tmp_path: Path) -> None:
    result = make(target, f"VENV={tmp_path / 'no-venv'}")

    assert result.returncode != 0
    assert "is not set up: run make install first (Python 3.11+)" in result.stdout


def test_changed_requirements_ask_for_make_install_again(tmp_path: Path) -> None:
    (tmp_path / ".installed").write_text("0 0\n")

    result = make("lint", f"VENV={tmp_path}")

    assert result.returncode != 0
    assert "changed since the last make install: run make install again" in result.stdout


def test_an_old_python_is_refused_with_a_plain_message(tmp_path: Path) -> None:
    old_python = tmp_path / "python3.10"
    old_python.write_text('#!/bin/sh\ncase "$2" in *exit*) exit 1 ;; *) echo 3.10.12 ;; esac\n')
    old_python.chmod(0o755)

    result = make("install", f"PYTHON={old_python}", f"VENV={tmp_path / 'venv'}")

    assert result.returncode != 0
    assert "make install needs Python 3.11 or newer;" in result.stdout
    assert "is 3.10.12." in result.stdout
    assert not (tmp_path / "venv").exists()


def makefile_targets() -> set[str]:
    """Every target the Makefile defines (rules at the start of a line, not variables)."""
    text = (REPO / "Makefile").read_text()
    return set(re.findall(r"^([a-z][a-z-]*):(?!=)", text, flags=re.MULTILINE))


def phony_targets() -> set[str]:
    text = (REPO / "Makefile").read_text().replace("\\\n", " ")
    return {
        word for line in re.findall(r"^\.PHONY:(.*)$", text, flags=re.M) for word in line.split()
    }


def test_every_target_is_phony_so_a_directory_of_its_name_cannot_shadow_it() -> None:
    assert {"help", "install", "test", "plan", "preflight", "demo"} <= makefile_targets()
    assert sorted(makefile_targets() - phony_targets()) == []


def test_make_alone_prints_the_help_listing_every_described_target() -> None:
    described = set(
        re.findall(r"^([a-z][a-z-]*):.*## ", (REPO / "Makefile").read_text(), flags=re.M)
    )

    result = make()

    assert result.returncode == 0
    listed = set(re.findall(r"^  ([a-z][a-z-]*) ", result.stdout, flags=re.MULTILINE))
    assert listed == described
    assert {"install", "test", "lint", "plan", "preflight", "demo", "help"} <= listed


@pytest.mark.parametrize(
    ("target", "command"),
    [
        ("plan", "genesys-oauth-secrets plan --stack dev"),
        ("preflight", "genesys-oauth-secrets preflight --stack dev"),
        ("demo", "genesys-oauth-secrets demo"),
    ],
)
def test_the_tool_targets_run_the_one_command_even_beside_a_directory_of_their_name(
    target: str, command: str, tmp_path: Path
) -> None:
    (tmp_path / target).mkdir()
    shutil.copy(REPO / "Makefile", tmp_path / "Makefile")

    assert MAKE is not None
    result = subprocess.run(  # noqa: S603 - make -n prints the recipes, runs none
        [MAKE, "--no-print-directory", "-n", target, "STACK=dev"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Nothing to be done" not in result.stdout
    assert f"venv/bin/{command}" in result.stdout
