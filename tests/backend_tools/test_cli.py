"""Bad arguments, and AWS settings botocore rejects before any call, fail like any other input:
one ``error:`` line naming the flag and the fix, exit 2, never a traceback or usage text.

Names are full matches over ASCII classes (a trailing newline or a Unicode digit is refused):
bucket names by AWS's rules, stack and project names by Pulumi's ``ParseStackName``
(pulumi/pulumi ``sdk/go/common/tokens/stack_name.go``: 1-100 of ``A-Za-z0-9_.-``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genesys_oauth_secrets import cli
from tests.backend_tools.conftest import RunCli
from tests.support.hypothesis_profiles import FIXTURE_OK

BOOTSTRAP = ("bootstrap", "--bucket", "acme-pulumi-state", "--region", "us-east-1")
AUDIT = ("audit", "--bucket", "acme-pulumi-state")
LOCKS = ("locks", "--bucket", "acme-pulumi-state")


@pytest.fixture
def no_aws_config(aws_endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Empty AWS config files, so the developer's own profiles cannot change the outcome."""
    empty = tmp_path / "aws-config"
    empty.write_text("")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(empty))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty))


@pytest.mark.parametrize(
    ("argv", "environment", "expected"),
    [
        pytest.param(
            AUDIT,
            {"AWS_PROFILE": "does-not-exist"},
            "the AWS profile 'does-not-exist' (from AWS_PROFILE) is not in your AWS config",
            id="missing-profile",
        ),
        pytest.param(
            (*LOCKS, "--region", "us east 1"),
            {},
            "'us east 1' is not an AWS region name: pass --region like eu-west-1",
            id="malformed-region-flag",
        ),
        pytest.param(
            (*BOOTSTRAP[:-2], "--region", "eu_west_1"),
            {},
            "'eu_west_1' is not an AWS region name",
            id="malformed-bootstrap-region",
        ),
        pytest.param(
            AUDIT,
            {"AWS_REGION": "eu west 1"},
            "without --region, AWS_REGION or AWS_DEFAULT_REGION is used",
            id="malformed-region-from-the-shell",
        ),
        pytest.param(
            (*BOOTSTRAP, "--endpoint-url", "localhost:4566"),
            {},
            "'localhost:4566' is not an endpoint URL (Invalid endpoint: localhost:4566): give "
            "the whole URL with its scheme",
            id="endpoint-without-scheme",
        ),
        pytest.param(
            LOCKS,
            {"AWS_ENDPOINT_URL": "http://[::1"},
            "'http://[::1' is not an endpoint URL (Invalid IPv6 URL)",
            id="malformed-endpoint-from-the-shell",
        ),
    ],
)
@pytest.mark.usefixtures("no_aws_config")
def test_a_bad_aws_setting_is_one_error_line_naming_the_fix(
    run_cli: RunCli,
    monkeypatch: pytest.MonkeyPatch,
    argv: tuple[str, ...],
    environment: dict[str, str],
    expected: str,
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)

    result = run_cli(*argv)

    assert result.code == 2
    [line] = result.err.splitlines()
    assert line.startswith("error: ")
    assert expected in line


@pytest.mark.usefixtures("no_aws_config")
def test_a_bad_aws_setting_still_gives_json_to_ci(run_cli: RunCli) -> None:
    result = run_cli(*AUDIT, "--json", "--region", "not a region")

    assert result.code == 2
    assert '"ok": false' in result.out
    assert "is not an AWS region name" in result.out


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (("locks", "--bucket", "acme-pulumi-state\n"), "argument --bucket: invalid bucket name"),
        (("locks", "--bucket", "b-b", "--stack", "prod\n"), "--stack 'prod\\n' is not a Pulumi"),
        (("locks", "--bucket", "b-b", "--stack", "o/p/prod"), "the bare name, e.g. prod"),
        (("locks", "--bucket", "b-b", "--stack", "x" * 101), "1-100 characters"),
        (("locks", "--bucket", "b-b", "--project", "a b"), "--project 'a b' is not a Pulumi"),
        (("locks", "--bucket", "b-b", "--region", "us-east-1\n"), "is not an AWS region name"),
        ((*BOOTSTRAP, "--key-alias", "alias/x\n"), "--key-alias 'alias/x\\n' is not a usable"),
        ((*BOOTSTRAP, "--state-key-alias", "alias/aws/s3"), "not under alias/aws/"),
        ((*BOOTSTRAP, "--noncurrent-days", "\u0663"), "whole number from 1 to 36500"),
        ((*BOOTSTRAP, "--noncurrent-days", "1_0"), "whole number from 1 to 36500"),
        ((*BOOTSTRAP, "--noncurrent-days", "9" * 5000), "whole number from 1 to 36500"),
        ((*BOOTSTRAP, "--noncurrent-days", "0"), "whole number from 1 to 36500"),
        ((*BOOTSTRAP, "--stack", "prod'; rm -rf ~ #"), "is not a Pulumi name"),
        (("demo", "--port", "65536"), "argument --port: --port '65536': give a whole number"),
        (("demo", "--port", "-1"), "argument --port"),
        (("locks", "--bucket"), "argument --bucket: expected one argument"),
        (("nonsense",), "invalid choice: 'nonsense'"),
        (("locks", "--bucket", "b-b", "extra\nline"), "unrecognized arguments: extra\\nline"),
        ((), "the following arguments are required: COMMAND"),
    ],
)
def test_a_bad_argument_is_one_error_line_naming_the_flag(
    run_cli: RunCli, argv: tuple[str, ...], expected: str
) -> None:
    result = run_cli(*argv)

    assert result.code == 2
    [line] = result.err.splitlines()
    assert line.startswith("error: genesys-oauth-secrets")
    assert expected in line
    assert result.out == ""


FLAGS = {
    "bootstrap": [
        "--bucket",
        "--region",
        "--key-alias",
        "--state-key-alias",
        "--noncurrent-days",
        "--stack",
        "--github-repo",
        "--endpoint-url",
    ],
    "locks": ["--bucket", "--project", "--stack", "--region", "--older-than", "--endpoint-url"],
    "demo": ["--port"],
}
REQUIRED = {"bootstrap": ["--bucket", "b-b", "--region", "eu-west-1"], "locks": ["--bucket", "b-b"]}


@settings(suppress_health_check=FIXTURE_OK)
@given(
    command=st.sampled_from(sorted(FLAGS)),
    data=st.data(),
    value=st.text(max_size=120) | st.from_regex(r"\A[a-z0-9.-]{1,70}\n?\Z"),
)
def test_any_flag_value_parses_or_is_one_error_line(
    capsys: pytest.CaptureFixture[str], command: str, data: st.DataObject, value: str
) -> None:
    """The parser alone: what a handler does with valid arguments is tested with moto above."""
    flag = data.draw(st.sampled_from(FLAGS[command]))
    argv = [command, *REQUIRED.get(command, []), flag, value]
    capsys.readouterr()
    try:
        cli.build_parser().parse_args(argv)
        code: int | str | None = 0
    except SystemExit as usage:  # a usage error, already reported in one line
        code = usage.code
    message = capsys.readouterr().err.removesuffix("\n")
    assert (code, message) == (0, "") or (code == 2 and message.startswith("error: "))
    assert "\n" not in message
    assert message.isprintable()
    assert capsys.readouterr().err == ""
