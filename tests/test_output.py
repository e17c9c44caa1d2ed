"""The one output layer: every ``--json`` document leads with ``ok`` and ``exitCode``, and an
error message, whatever it quotes, prints as lines that cannot pass for lines of their own."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from genesys_oauth_secrets import cli
from genesys_oauth_secrets.shared.errors import BackendError
from genesys_oauth_secrets.shared.output import (
    EXIT_ATTENTION,
    EXIT_CANNOT,
    EXIT_OK,
    Report,
    error_line,
)
from genesys_oauth_secrets.shared.text import (
    LINE_LIMIT,
    MAX_MESSAGE_LINES,
    shorten,
    shown,
    shown_lines,
)
from tests.support.stack_files import stack_document, write_project

JSON_COMMANDS = ("plan", "check", "preflight", "bootstrap", "audit", "locks", "age")
"""Every command whose result a program reads (``docs/cli.md``)."""


@pytest.mark.parametrize("command", JSON_COMMANDS)
def test_a_failed_run_of_every_command_is_one_document_led_by_ok_and_exit_code(
    command: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PULUMI_BACKEND_URL", raising=False)
    (tmp_path / "Pulumi.yaml").write_text("name: [unclosed\n")

    code = cli.main([command, "--dir", str(tmp_path), "--json"])

    out, err = capsys.readouterr()
    document = json.loads(out)
    assert code == EXIT_CANNOT
    assert list(document)[:2] == ["ok", "exitCode"]
    assert (document["ok"], document["exitCode"]) == (False, code)
    assert "error: " in err


def test_a_clean_check_is_ok_with_exit_code_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PULUMI_BACKEND_URL", raising=False)
    project = write_project(tmp_path, stack_document())

    code = cli.main(["check", "--dir", str(project), "--json"])

    document = json.loads(capsys.readouterr().out)
    assert code == EXIT_OK
    assert list(document)[:3] == ["ok", "exitCode", "stackFile"]
    assert (document["ok"], document["exitCode"]) == (True, EXIT_OK)


@pytest.mark.parametrize("code", [EXIT_OK, EXIT_ATTENTION, EXIT_CANNOT])
def test_the_verdict_prints_the_document_or_the_text_and_returns_its_code(
    code: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert Report(as_json=True).verdict(code, {"clients": 2}, ["not printed"]) == code
    as_json = capsys.readouterr()
    assert Report(as_json=False).verdict(code, {"clients": 2}, ["one", "two"]) == code
    as_text = capsys.readouterr()

    assert json.loads(as_json.out) == {"ok": code == EXIT_OK, "exitCode": code, "clients": 2}
    assert "not printed" not in as_json.out + as_json.err
    assert (as_text.out, as_text.err) == ("one\ntwo\n", "")


def _forged(message: str) -> list[str]:
    """The lines of ``message``'s error line that start flush left, after the first."""
    return [line for line in shown_lines(message).split("\n")[1:] if not line.startswith(" ")]


@given(st.text(max_size=3000))
def test_an_error_message_prints_escaped_bounded_and_indented(message: str) -> None:
    lines = shown_lines(message).split("\n")

    assert _forged(message) == []
    assert len(lines) <= MAX_MESSAGE_LINES + 1
    for line in lines:
        assert len(line) <= LINE_LIMIT + 2
        assert not any(unicodedata.category(char)[0] == "C" for char in line)


def test_a_config_listing_keeps_its_lines_and_their_indentation() -> None:
    message = (
        "Stack config has 2 problem(s); nothing was deployed:\n  - clients[0].name: x\n  - tags: y"
    )

    assert shown_lines(message) == message


@pytest.mark.parametrize("forged", ["\n::error::forged", "\nOK everything", "\r\x1b[2KOK"])
def test_the_front_door_prints_a_quoted_failure_without_forging_a_line(
    forged: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*_: object) -> None:
        raise BackendError(f"s3: AccessDenied{forged}")

    monkeypatch.setattr("genesys_oauth_secrets.locks.cli.state_bucket", refuse)

    code = cli.main(["locks", "--dir", str(tmp_path)])

    err = capsys.readouterr().err
    assert code == EXIT_CANNOT
    assert err.startswith("error: s3: AccessDenied")
    assert not any(line.startswith(("::", "OK")) for line in err.splitlines())
    assert "\x1b" not in err
    assert "\r" not in err


COMMAND_PIECES = st.lists(
    st.sampled_from(["::", "##[", ":", "#", "[", "]", "error", "x", " ", "\u3000", "\t", "\n"]),
    max_size=40,
).map("".join)
"""Text made of the pieces a workflow command is made of, which plain ``st.text()`` seldom hits."""


def _is_workflow_command(line: str) -> bool:
    """How a GitHub runner reads a line of a step's output (actions/runner, ActionCommand.cs):
    ``TryParseV2`` trims leading whitespace and looks for ``::``, the legacy ``TryParse`` looks
    for ``##[`` anywhere in the line."""
    return line.lstrip().startswith("::") or "##[" in line


@given(st.one_of(COMMAND_PIECES, st.text(max_size=300)))
def test_no_line_of_an_error_message_is_a_workflow_command(message: str) -> None:
    assert not any(_is_workflow_command(line) for line in error_line(message).split("\n"))


@given(st.one_of(COMMAND_PIECES, st.text(max_size=300)))
def test_a_shown_value_or_key_cannot_complete_a_workflow_command(value: str) -> None:
    for text in (shown(value), shown(value, LINE_LIMIT), shorten(value)):
        assert not _is_workflow_command(text)


@pytest.mark.parametrize(
    ("message", "printed"),
    [
        ("AccessDenied\n  ::error::forged", "error: AccessDenied\n  \\x3a:error::forged"),
        ("AccessDenied ##[error]forged", "error: AccessDenied ##\\x5berror]forged"),
        ("a::b and c#[d", "error: a::b and c#[d"),
    ],
)
def test_an_error_line_escapes_only_what_would_complete_a_workflow_command(
    message: str, printed: str
) -> None:
    assert error_line(message) == printed
