"""The front door, ``genesys-oauth-secrets``: its help groups the eight commands by when a user
runs them, every command has its own ``--help``, and no option's help says its default twice."""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from genesys_oauth_secrets import cli
from genesys_oauth_secrets.shared.command import Phase

COMMANDS = (
    "plan",
    "check",
    "preflight",
    "bootstrap",
    "describe-client",
    "audit",
    "locks",
    "age",
    "demo",
)
STACKLESS = ("demo", "describe-client")
"""The commands that read no stack: the demo brings its own, describe-client asks Genesys."""
PHASES = {
    Phase.FIRST_LOOK: ["plan", "demo"],
    Phase.SET_UP: ["bootstrap", "describe-client"],
    Phase.EVERY_DEPLOY: ["check", "preflight", "audit"],
    Phase.DAY_2: ["age", "locks"],
}


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def option_helps(help_text: str) -> dict[str, str]:
    """Each option of a ``--help`` page with its help text joined onto one line."""
    body = help_text.split("options:\n", 1)[1]
    entries = re.split(r"\n(?=  -)", body)
    helps = {}
    for entry in entries:
        flag = entry.split()[0].rstrip(",")
        helps[flag] = " ".join(entry.split())
    return helps


def test_the_front_door_lists_every_command_under_its_phase_in_order(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(["--help"], capsys)

    listed: dict[str, list[str]] = {}
    current = ""
    for line in out.split("commands, by when you run them:\n", 1)[1].splitlines():
        if line.startswith("    "):
            listed[current].append(line.split()[0])
        elif line.startswith("  "):
            current = line.strip()
            listed[current] = []
    assert code == 0
    assert listed == {phase.value: names for phase, names in PHASES.items()}
    assert sorted(name for names in listed.values() for name in names) == sorted(COMMANDS)


def test_the_front_door_help_names_the_exit_codes_and_the_manual(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, out, _ = run(["--help"], capsys)

    assert "0 nothing needs you; 1 something needs you" in " ".join(out.split())
    assert "docs/cli.md" in out


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_its_own_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run([command, "--help"], capsys)

    assert code == 0
    assert out.startswith(f"usage: genesys-oauth-secrets {command} ")
    assert err == ""


@pytest.mark.parametrize("command", COMMANDS)
def test_no_option_says_its_default_twice_or_says_none(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run([command, "--help"], capsys)

    helps = option_helps(out)
    assert "--stack" in helps or command in STACKLESS
    assert {flag: text for flag, text in helps.items() if text.count("default") > 1} == {}
    assert [flag for flag, text in helps.items() if "(default: None)" in text] == []
    assert [flag for flag, text in helps.items() if "(default: False)" in text] == []


@pytest.mark.parametrize(
    ("command", "flag", "default"),
    [
        ("plan", "--stack", "(default: prod)"),
        ("audit", "--max-state-mib", "(default: 512)"),
        ("bootstrap", "--noncurrent-days", "(default: 90)"),
        ("demo", "--port", "(default: 0)"),
    ],
)
def test_an_option_with_a_real_default_still_shows_it_once(
    command: str, flag: str, default: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run([command, "--help"], capsys)

    assert option_helps(out)[flag].count(default) == 1


@pytest.mark.parametrize("command", ["preflight", "audit", "locks", "bootstrap"])
def test_the_bucket_comes_from_the_backend_url_unless_given(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run([command, "--help"], capsys)

    assert "$PULUMI_BACKEND_URL, else Pulumi.yaml's backend.url" in option_helps(out)["--bucket"]


@given(word=st.text(min_size=1, max_size=20).filter(lambda w: w not in COMMANDS))
def test_anything_but_a_command_is_one_error_line_and_exit_2(word: str) -> None:
    out, err = io.StringIO(), io.StringIO()
    argv = [word] if not word.startswith("-") else ["--", word]

    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(argv)

    assert code == 2
    assert out.getvalue() == ""
    assert err.getvalue().startswith("error: genesys-oauth-secrets: ")
    assert err.getvalue().count("\n") == 1


COMMAND = Path(sys.executable).with_name("genesys-oauth-secrets")


def completions(line: str, tmp_path: Path) -> list[str]:
    """What the shell code ``register-python-argcomplete`` prints would offer for ``line``
    (the cursor at its end): argcomplete's protocol, answered into a file instead of fd 8."""
    answer = tmp_path / "completions"
    environment = {
        **os.environ,
        "_ARGCOMPLETE": "1",
        "COMP_LINE": line,
        "COMP_POINT": str(len(line)),
        "_ARGCOMPLETE_IFS": "\n",
        "_ARGCOMPLETE_STDOUT_FILENAME": str(answer),
    }
    result = subprocess.run(  # noqa: S603 - the installed command, completion mode
        [str(COMMAND)], env=environment, capture_output=True, check=False, timeout=60
    )
    assert result.returncode == 0
    return answer.read_text().split()


@pytest.mark.parametrize(
    ("line", "offered"),
    [
        ("genesys-oauth-secrets ", set(COMMANDS)),
        ("genesys-oauth-secrets p", {"plan", "preflight"}),
        ("genesys-oauth-secrets audit --end", {"--endpoint-url"}),
        ("genesys-oauth-secrets preflight --genesys", {"--genesys-base-url"}),
    ],
)
def test_tab_completion_offers_the_commands_and_their_options(
    line: str, offered: set[str], tmp_path: Path
) -> None:
    assert set(completions(line, tmp_path)) >= offered


def test_global_completion_finds_the_marker_in_the_first_kilobyte() -> None:
    assert b"PYTHON_ARGCOMPLETE_OK" in Path(cli.__file__).read_bytes()[:1024]
