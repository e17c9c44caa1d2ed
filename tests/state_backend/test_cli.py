"""AWS settings botocore rejects before any call fail like any other input: one line, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.state_backend.conftest import RunCli

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
    assert '"clean": false' in result.out
    assert "is not an AWS region name" in result.out
