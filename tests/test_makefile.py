"""The Makefile's first-run messages: a plain line instead of an unrelated failure."""

from __future__ import annotations

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
