"""``genesys-oauth-secrets check``: what a workflow sees before any Pulumi run."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from genesys_oauth_secrets.check.cli import annotation, main
from tests.support.hypothesis_profiles import health_checks_off
from tests.support.stack_files import BACKEND, kms_ciphertext, stack_document, write_project

REPO = Path(__file__).resolve().parents[2]
SECRET = "hunter2-plaintext-secret"


def run(
    project: Path, capsys: pytest.CaptureFixture[str], *args: str, env: dict[str, str] | None = None
) -> tuple[int, str, str]:
    code = main(["--dir", str(project), *args], environ=env or {})
    out, err = capsys.readouterr()
    return code, out, err


def test_a_ready_project_hands_the_backend_to_the_next_steps(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outputs = tmp_path / "github_output"
    project = write_project(tmp_path, stack_document())

    code, out, err = run(project, capsys, "--github-output", str(outputs))

    assert (code, err) == (0, "")
    assert f"ok: state backend {BACKEND} (from Pulumi.yaml backend.url)" in out
    assert outputs.read_text().splitlines() == [
        f"backend-url={BACKEND}",
        "bucket=acme-genesys-oauth-secrets-state",
        "region=us-east-1",
    ]


def test_no_encryptedkey_stops_the_workflow_with_one_error_annotation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outputs = tmp_path / "github_output"
    project = write_project(tmp_path, stack_document(encryptedkey=None))

    code, out, _ = run(project, capsys, "--github-output", str(outputs))

    assert code == 1
    assert out.count("\n") == 1
    assert out.startswith("::error file=Pulumi.prod.yaml::Pulumi.prod.yaml has no encryptedkey")
    assert "pulumi stack init prod --secrets-provider" in out
    assert not outputs.exists(), "a failed check hands no backend to later steps"


def test_on_a_terminal_problems_are_error_lines_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = write_project(tmp_path, stack_document(encryptedkey=None), backend_url=None)

    code, out, err = run(project, capsys)

    assert (code, out) == (1, "")
    assert [line.split(":")[0] for line in err.splitlines()] == ["error", "error"]
    assert "no backend.url and no PULUMI_BACKEND_URL" in err


def test_a_missing_stack_file_cannot_be_judged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(tmp_path, capsys, "--stack", "staging")

    assert (code, out) == (2, "")
    assert err == f"error: Pulumi.staging.yaml: no such regular file in {tmp_path}\n"


@pytest.mark.parametrize("stack", ["../prod", "prod\n", "", "p" * 101, "pröd", "a/b"])
def test_a_stack_name_pulumi_would_refuse_is_refused_before_any_file_is_opened(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], stack: str
) -> None:
    code, _, err = run(tmp_path, capsys, "--stack", stack)

    assert code == 2
    assert err.startswith("error: genesys-oauth-secrets check: argument --stack: ")
    assert "is not a Pulumi name" in err
    assert err.count("\n") == 1


def test_json_hands_the_backend_to_a_script_in_one_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = write_project(tmp_path, stack_document())

    code, out, err = run(project, capsys, "--json")

    assert code == 0
    assert json.loads(out) == {
        "ok": True,
        "exitCode": 0,
        "stackFile": "Pulumi.prod.yaml",
        "backend": {
            "url": BACKEND,
            "source": "Pulumi.yaml backend.url",
            "bucket": "acme-genesys-oauth-secrets-state",
            "region": "us-east-1",
        },
        "problems": [],
    }
    assert "ok: state backend" in err


@pytest.mark.parametrize(
    ("document", "code", "problem"),
    [
        (stack_document(encryptedkey=None), 1, "has no encryptedkey"),
        (None, 2, "no such regular file"),
    ],
)
def test_json_carries_every_problem_or_the_reason_it_could_not_judge(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    document: dict[str, Any] | None,
    code: int,
    problem: str,
) -> None:
    project = tmp_path if document is None else write_project(tmp_path, document)

    exit_code, out, err = run(project, capsys, "--json")

    verdict = json.loads(out)
    assert (exit_code, verdict["ok"], verdict["exitCode"]) == (code, False, code)
    assert problem in " ".join(verdict.get("problems", [])) + verdict.get("error", "")
    assert problem in err


def test_annotation_data_stays_on_one_line() -> None:
    assert annotation("F", "100%\r\nnext") == "::error file=F::100%25%0D%0Anext"


def test_the_committed_files_fail_only_for_the_missing_encryptedkey(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The repository ships a template: until an admin runs stack init, CI stops right here."""
    code, _out, err = run(REPO, capsys)
    stack = yaml.safe_load((REPO / "Pulumi.prod.yaml").read_text())

    if "encryptedkey" in stack:
        assert (code, err) == (0, "")
    else:
        assert code == 1
        assert len(err.splitlines()) == 1
        assert "has no encryptedkey" in err


def test_python_dash_m_runs_the_check(tmp_path: Path) -> None:
    project = write_project(tmp_path, stack_document())

    done = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-m", "genesys_oauth_secrets", "check", "--dir", str(project)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={"PATH": "/usr/bin:/bin"},
        check=False,
    )

    assert (done.returncode, done.stderr) == (0, "")


KEYS = st.sampled_from(
    ["secretsprovider", "encryptedkey", "config", "encryptionsalt", "environment", "x", "secure"]
)
VALUES: st.SearchStrategy[Any] = st.recursive(
    st.sampled_from(
        [
            SECRET,
            None,
            0,
            True,
            "v1:AA==:AA==",
            kms_ciphertext(),
            "awskms://alias/k?region=us-east-1",
            "awskms://x\ny",
        ]
    ),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["secure", "aws:secretKey", "a:b", "k"]), inner, max_size=3
        )
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=health_checks_off())
@given(document=st.dictionaries(KEYS, VALUES, max_size=5), backend=st.text(max_size=80))
def test_any_stack_file_and_backend_get_an_answer_and_never_the_secret(
    document: dict[str, Any], backend: str
) -> None:
    with tempfile.TemporaryDirectory() as directory:
        write_project(Path(directory), document)
        env = {"PULUMI_BACKEND_URL": backend}
        with pytest.MonkeyPatch.context() as patch:
            outputs: list[str] = []
            patch.setattr("builtins.print", lambda *a, **_: outputs.append(" ".join(map(str, a))))
            code = main(["--dir", directory, "--github-output", f"{directory}/out"], environ=env)

    assert code in (0, 1, 2)
    assert all(SECRET not in line and "\n" not in line.rstrip("\n") for line in outputs)


@settings(max_examples=150, deadline=None)
@given(content=st.binary(max_size=300))
def test_any_bytes_as_a_stack_file_get_an_exit_code_not_a_traceback(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as directory:
        write_project(Path(directory), {})
        (Path(directory) / "Pulumi.prod.yaml").write_bytes(content)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("builtins.print", lambda *a, **_: None)
            code = main(["--dir", directory], environ={})

    assert code in (1, 2)


@settings(max_examples=100, deadline=None)
@given(stack=st.text(max_size=120))
def test_any_stack_name_gets_an_exit_code_not_a_traceback(stack: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        write_project(Path(directory), stack_document())
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("builtins.print", lambda *a, **_: None)
            code = main(["--dir", directory, f"--stack={stack}"], environ={})

    assert code in (0, 1, 2)
