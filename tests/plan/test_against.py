"""``plan --against REF`` prints what `pulumi up` would change from REF, as preview marks it.

Each test builds a small git repository holding the program (``__main__.py``, ``components/``,
``packages/genesys-credentials``) and a stack file, commits it, edits the stack file in the
working tree and plans the edit against ``HEAD``: the committed file is the deployed state.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from components.rotation_provider import REGENERATED_SECRET_TYPE
from components.secret_issue_stamp import SECRET_ISSUE_STAMP_TYPE as ISSUE_STAMP
from genesys_oauth_secrets.plan.cli import main
from genesys_oauth_secrets.plan.engine import MAIN, PROJECT

REPO = MAIN.parent
CLIENTS = f"{PROJECT}:clients"
OAUTH_CLIENT = "genesyscloud:index/oauthClient:OauthClient"
VERSION = "aws:secretsmanager/secretVersion:SecretVersion"
SECRET = "aws:secretsmanager/secret:Secret"
HEX_DIGEST = re.compile(r"\b[0-9a-f]{64}\b")


def git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(  # noqa: S603 - git with the test's own arguments
        [  # noqa: S607 - git from PATH, as the command itself uses it
            "git",
            "-C",
            str(repo),
            "-c",
            "user.name=test",
            "-c",
            "user.email=test@example.com",
            *args,
        ],
        check=True,
        capture_output=True,
        env=env,
    )


def stack_file(edit: Callable[[dict[str, Any]], None] | None = None) -> str:
    """The shipped ``Pulumi.prod.yaml``, optionally edited (its ``config`` block)."""
    document = yaml.safe_load((REPO / "Pulumi.prod.yaml").read_text())
    if edit is not None:
        edit(document["config"])
    return yaml.safe_dump(document, sort_keys=False)


def client(config: dict[str, Any], name: str) -> dict[str, Any]:
    return next(item for item in config[CLIENTS] if item["name"] == name)


def rotate(
    name: str, generation: int, strategy: str = "overlap"
) -> Callable[[dict[str, Any]], None]:
    def edit(config: dict[str, Any]) -> None:
        client(config, name)["rotation"] = {"generation": generation, "strategy": strategy}

    return edit


def repository(tmp_path: Path, committed: str, working: str) -> Path:
    """A git repo whose HEAD holds ``committed`` as the stack file, and ``working`` on disk.

    It also commits a link to an absolute path (a virtualenv link committed by mistake), which
    the export must skip rather than fail on.
    """
    repo = tmp_path / "repo"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    repo.mkdir()
    shutil.copy(REPO / "__main__.py", repo / "__main__.py")
    shutil.copy(REPO / "Pulumi.yaml", repo / "Pulumi.yaml")
    shutil.copytree(REPO / "components", repo / "components", ignore=ignore)
    shutil.copytree(
        REPO / "packages" / "genesys-credentials",
        repo / "packages" / "genesys-credentials",
        ignore=ignore,
    )
    (repo / "Pulumi.prod.yaml").write_text(committed)
    (repo / "venv").symlink_to(Path(os.sep) / "nonexistent-venv")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "deployed")
    (repo / "Pulumi.prod.yaml").write_text(working)
    return repo


def rotated(
    tmp_path: Path, name: str, deployed: int, edited: int, strategy: str = "overlap"
) -> Path:
    """A repository whose deployed stack has ``name`` at rotation generation ``deployed`` and
    whose working stack file moves it to ``edited``."""
    return repository(
        tmp_path,
        stack_file(rotate(name, deployed, strategy)),
        stack_file(rotate(name, edited, strategy)),
    )


def plan_against(
    repo: Path, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, str, str]:
    code = main(["--stack", "prod", "--against", "main", *extra], project_dir=repo, guardrails=None)
    out, err = capsys.readouterr()
    return code, out, err


def change_lines(out: str) -> list[str]:
    """The lines between the legend and the ``Resources:`` summary."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("secret inputs are"))
    end = next(i for i, line in enumerate(lines) if line.startswith("Resources:"))
    return lines[start + 1 : end]


def test_a_first_rotation_creates_the_new_client_keeps_the_old_one_and_replaces_the_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = rotated(tmp_path, "ivr-integration", 1, 2)

    code, out, _ = plan_against(repo, capsys)

    assert code == 0
    assert change_lines(out) == [
        f"  +  {OAUTH_CLIENT}  ivr-integration-oauth-client-gen2",
        f"  +  {ISSUE_STAMP}  ivr-integration-oauth-client-gen2-secret-issued",
        f"  ~  {SECRET}  ivr-integration-secret",
        "       ~ tags",
        f"  +- {VERSION}  ivr-integration-secret-version  [replace: secretString]",
        "       ~ secretString (secret)",
        f"     {OAUTH_CLIENT}  ivr-integration-oauth-client  [kept, protect: true => false]",
    ]
    assert "Resources: 2 to create, 1 to update, 1 to replace, 12 unchanged" in out


def test_the_next_rotation_deletes_the_generation_before_the_previous_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = rotated(tmp_path, "ivr-integration", 2, 3)

    code, out, _ = plan_against(repo, capsys)

    assert code == 0
    assert change_lines(out) == [
        f"  +  {OAUTH_CLIENT}  ivr-integration-oauth-client-gen3",
        f"  +  {ISSUE_STAMP}  ivr-integration-oauth-client-gen3-secret-issued",
        f"  ~  {SECRET}  ivr-integration-secret",
        "       ~ tags",
        f"  +- {VERSION}  ivr-integration-secret-version  [replace: secretString]",
        "       ~ secretString (secret)",
        f"  -  {OAUTH_CLIENT}  ivr-integration-oauth-client",
        f"  -  {ISSUE_STAMP}  ivr-integration-oauth-client-secret-issued",
        f"     {OAUTH_CLIENT}  ivr-integration-oauth-client-gen2  [kept, protect: true => false]",
    ]


def test_a_regenerate_rotation_creates_the_regeneration_and_replaces_the_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = rotated(tmp_path, "ivr-integration", 2, 3, strategy="regenerate")

    code, out, _ = plan_against(repo, capsys)

    assert code == 0
    assert change_lines(out) == [
        f"  ~  {SECRET}  ivr-integration-secret",
        "       ~ tags",
        f"  ~  {REGENERATED_SECRET_TYPE}  ivr-integration-secret-regeneration",
        "       ~ generation",
        f"  +- {VERSION}  ivr-integration-secret-version  [replace: secretString]",
        "       ~ secretString (secret)",
    ]


def test_adopting_an_existing_client_is_an_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def adopt(config: dict[str, Any]) -> None:
        config[CLIENTS].append(
            {
                "name": "legacy-reports",
                "grantType": "CLIENT-CREDENTIALS",
                "roles": [{"roleId": "5f0c2e1a-8d3b-4c7e-9a61-2b4d6f8e0a13"}],
                "adopt": {"clientId": "0b7f6a5e-1c2d-4e3f-8a9b-0c1d2e3f4a5b"},
            }
        )

    repo = repository(tmp_path, stack_file(), stack_file(adopt))

    code, out, _ = plan_against(repo, capsys)

    assert code == 0
    lines = change_lines(out)
    assert f"  =  {OAUTH_CLIENT}  legacy-reports-oauth-client" in lines
    assert f"  +  {VERSION}  legacy-reports-secret-version" in lines


def test_a_description_change_is_an_update_naming_the_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def describe(config: dict[str, Any]) -> None:
        client(config, "agent-desktop")["description"] = "Agent desktop SSO"

    repo = repository(tmp_path, stack_file(), stack_file(describe))

    code, out, _ = plan_against(repo, capsys)

    assert code == 0
    assert change_lines(out) == [
        f"  ~  {OAUTH_CLIENT}  agent-desktop-oauth-client",
        "       ~ description",
    ]


def test_renaming_a_client_creates_the_new_one_and_deletes_the_old_protected_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The client's name is its component's name: every URN changes, nothing is updated."""

    def rename(config: dict[str, Any]) -> None:
        client(config, "agent-desktop")["name"] = "agent-desktop-v2"

    repo = repository(tmp_path, stack_file(), stack_file(rename))

    code, out, _ = plan_against(repo, capsys)

    assert code == 0
    lines = change_lines(out)
    assert f"  +  {OAUTH_CLIENT}  agent-desktop-v2-oauth-client" in lines
    assert f"  +  {VERSION}  agent-desktop-v2-secret-version" in lines
    assert (
        f"  -  {OAUTH_CLIENT}  agent-desktop-oauth-client  "
        "[protected: pulumi up refuses to delete it until protect is lifted]"
    ) in lines
    assert not [line for line in lines if line.startswith(("  ~ ", "  +- "))]


def test_an_unchanged_stack_says_no_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = repository(tmp_path, stack_file(), stack_file())

    code, out, _ = plan_against(repo, capsys)

    assert code == 0
    assert change_lines(out) == [
        "  no changes: both register the same resources with the same inputs"
    ]


def test_json_carries_the_diff_and_no_secret_nor_digest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = rotated(tmp_path, "ivr-integration", 1, 2)

    code, out, _ = plan_against(repo, capsys, "--json")

    assert code == 0
    document = json.loads(out)
    changes = {(c["op"], c["name"]): c for c in document["diff"]["changes"]}
    assert set(changes) == {
        ("create", "ivr-integration-oauth-client-gen2"),
        ("create", "ivr-integration-oauth-client-gen2-secret-issued"),
        ("update", "ivr-integration-secret"),
        ("replace", "ivr-integration-secret-version"),
        ("same", "ivr-integration-oauth-client"),
    }
    version = changes[("replace", "ivr-integration-secret-version")]
    assert version["secretInputs"] == ["secretString"]
    assert version["replaceBecause"] == ["secretString"]
    assert changes[("same", "ivr-integration-oauth-client")]["protect"] == {
        "before": True,
        "after": False,
    }
    assert not HEX_DIGEST.search(out)
    assert "clientSecret>" not in json.dumps(document["diff"])


def test_the_text_never_shows_a_secret_input_or_its_digest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = rotated(tmp_path, "ivr-integration", 1, 2)

    _, out, err = plan_against(repo, capsys)

    assert "~ secretString (secret)" in out
    assert "clientSecret" not in out + err
    assert not HEX_DIGEST.search(out + err)


@pytest.mark.parametrize("ref", ["no-such-branch", "main~5", "-x"])
def test_a_ref_that_is_not_a_commit_is_one_error_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], ref: str
) -> None:
    repo = repository(tmp_path, stack_file(), stack_file())

    code = main(["--stack", "prod", f"--against={ref}"], project_dir=repo, guardrails=None)

    _, err = capsys.readouterr()
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert err.startswith(f"error: --against {ref}")


@pytest.mark.parametrize(
    ("ref", "code"),
    [
        ("no-such\x1b[31m\nOK: forged", 2),
        # git reads ``@{...}`` as a date and resolves junk to now: a ref that is a commit.
        ("main@{\x1b[31m\nOK: forged}", 0),
    ],
)
def test_a_ref_with_control_characters_is_printed_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], ref: str, code: int
) -> None:
    repo = repository(tmp_path, stack_file(), stack_file())

    assert main(["--stack", "prod", f"--against={ref}"], project_dir=repo, guardrails=None) == code

    out, err = capsys.readouterr()
    assert "\x1b" not in out + err
    assert not any(line.startswith("OK") for line in (out + err).splitlines())


def test_a_project_outside_git_is_one_error_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "Pulumi.yaml").write_text((REPO / "Pulumi.yaml").read_text())
    (tmp_path / "Pulumi.prod.yaml").write_text(stack_file())
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))

    code = main(["--stack", "prod", "--against", "main"], project_dir=tmp_path, guardrails=None)

    _, err = capsys.readouterr()
    assert code == 2
    assert err.strip().splitlines() == [
        f"error: --against main: not a commit of a git repository at {tmp_path} "
        "(try `git branch -a` or `git log --oneline`)"
    ]


def test_a_ref_whose_config_the_program_refuses_names_the_ref(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(config: dict[str, Any]) -> None:
        client(config, "ivr-integration")["grantType"] = "NOT-A-GRANT"

    repo = repository(tmp_path, stack_file(broken), stack_file())

    code, _, err = plan_against(repo, capsys)

    assert code == 2
    assert err.startswith("error: --against main: planning main failed: ")
    assert "grantType" in err


def test_a_ref_whose_program_exits_without_a_plan_is_one_error_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = repository(tmp_path, stack_file(), stack_file())
    working = (repo / "__main__.py").read_text()
    (repo / "__main__.py").write_text("raise SystemExit(0)\n")
    git(repo, "commit", "-q", "-am", "a program that stops before registering anything")
    (repo / "__main__.py").write_text(working)

    code, _, err = plan_against(repo, capsys)

    assert code == 2
    assert err.strip().splitlines() == [
        "error: --against main: planning main failed: it wrote no plan"
    ]
