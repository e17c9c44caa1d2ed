"""Flags and stack files from a fork's pull request: a plan or one clear error, never a crash."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from genesys_oauth_secrets.plan.cli import main
from genesys_oauth_secrets.plan.engine import MAIN, PROJECT
from genesys_oauth_secrets.shared.stack_file import MAX_BYTES
from tests.support.hypothesis_profiles import health_checks_off

REPO = MAIN.parent
EXIT_CODES = {0, 1, 2}


@contextmanager
def project_dir(stack_text: str | bytes, stack: str = "test") -> Iterator[Path]:
    """A throw-away project: the real Pulumi.yaml and a stack file with ``stack_text``."""
    with tempfile.TemporaryDirectory(prefix="plan-") as name:
        directory = Path(name)
        shutil.copy(REPO / "Pulumi.yaml", directory / "Pulumi.yaml")
        target = directory / f"Pulumi.{stack}.yaml"
        if isinstance(stack_text, bytes):
            target.write_bytes(stack_text)
        else:
            target.write_text(stack_text)
        yield directory


def plan_outcome(argv: list[str], stack_text: str | None = None) -> int:
    """The exit code; fails the test on a traceback or on the program's own crash."""
    stderr = io.StringIO()
    with contextlib.ExitStack() as stack:
        stack.enter_context(contextlib.redirect_stderr(stderr))
        stack.enter_context(contextlib.redirect_stdout(io.StringIO()))
        directory = REPO if stack_text is None else stack.enter_context(project_dir(stack_text))
        try:
            code = main(argv, project_dir=directory)
        except SystemExit as exited:  # argparse: --help (0) or a usage error (2)
            code = int(exited.code or 0)
    assert "unhandled exception" not in stderr.getvalue(), stderr.getvalue()
    assert code in EXIT_CODES
    return code


ALIAS_BOMB = "\n".join(
    ["config:", "  a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    + [
        f"  a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]"
        for i in range(1, 12)
    ]
)

BAD_STACK_FILES = [
    ("config: [unclosed", "not valid YAML at line 1"),
    ("- just\n- a list\n", "the top level is not a mapping"),
    ("config: 5\n", "config: must be a map"),
    ("config:\n  genesysRegion: us-east-1\n", "config key 'genesysRegion' has no namespace"),
    (
        f"config:\n  {PROJECT}:clients:\n    secure: v1:abc\n",
        f"{PROJECT}:clients is encrypted (secure:)",
    ),
    (
        f"config:\n  {PROJECT}:tags:\n    team:\n      secure: v1:abc\n",
        f"{PROJECT}:tags.team is encrypted (secure:)",
    ),
    (ALIAS_BOMB, "YAML aliases (*name) are not used"),
    ("config:\n  x: " + "[" * 200 + "]" * 200 + "\n", "nested more than 64 levels"),
    (b"config: \xff\xfe\n", "not UTF-8 text"),
    ("config:\n  x:y: !!binary aGVsbG8=\n", "holds a YAML bytes"),
    ("config:\n  x:y: !!set {a, b}\n", "holds a YAML set"),
    ("config:\n  x:y: !!timestamp 2026-01-01\n", "holds a YAML date"),
    # issue 20 finding 9: what the CLI refuses, and what PyYAML raises ValueError on
    ("config:\n  aws:region: a\n  aws:region: b\n", "'aws:region' appears twice in one mapping"),
    ("encryptedkey: a\nencryptedkey: b\n", "'encryptedkey' appears twice in one mapping"),
    ("config:\n  x:y: " + "7" * 4301 + "\n", "a value at line 2 cannot be read"),
    ("config:\n  x:y: !!timestamp 2024-02-30\n", "a value at line 2 cannot be read"),
]


@pytest.mark.parametrize(("text", "message"), BAD_STACK_FILES)
def test_a_stack_file_the_plan_cannot_read_exits_2_naming_the_problem(
    text: str | bytes, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with project_dir(text) as directory:
        code = main(["--stack", "test"], project_dir=directory)

    printed = capsys.readouterr()
    assert code == 2
    assert printed.err.startswith("error: Pulumi.") or printed.err.startswith(f"error: {PROJECT}")
    assert message in printed.err
    assert printed.err.count("\n") == 1


def test_an_oversized_stack_file_is_refused_unread(capsys: pytest.CaptureFixture[str]) -> None:
    with project_dir("#" * (MAX_BYTES + 1)) as directory:
        code = main(["--stack", "test"], project_dir=directory)

    assert code == 2
    assert "larger than" in capsys.readouterr().err


def test_a_fifo_in_place_of_the_stack_file_is_refused_without_blocking(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(REPO / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    os.mkfifo(tmp_path / "Pulumi.test.yaml")

    code = main(["--stack", "test"], project_dir=tmp_path)

    assert code == 2
    assert "Pulumi.test.yaml: not a regular file" in capsys.readouterr().err


def test_a_bare_date_stays_text_as_in_the_clis_yaml_decoder(
    capsys: pytest.CaptureFixture[str],
) -> None:
    shipped = (REPO / "Pulumi.prod.yaml").read_text()
    text = shipped.replace("    team: ", "    review: 2026-01-01\n    team: ")

    with project_dir(text) as directory:
        assert main(["--stack", "test", "--json"], project_dir=directory) == 0

    assert '"review": "2026-01-01"' in capsys.readouterr().out


def test_project_config_gives_defaults_the_stack_file_overrides(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = yaml.safe_load((REPO / "Pulumi.yaml").read_text())
    project["config"] = {"tags": {"type": "object", "default": {"team": "from-project"}}}
    (tmp_path / "Pulumi.yaml").write_text(yaml.safe_dump(project))
    stack = yaml.safe_load((REPO / "Pulumi.prod.yaml").read_text())
    del stack["config"][f"{PROJECT}:tags"]
    (tmp_path / "Pulumi.test.yaml").write_text(yaml.safe_dump(stack))

    assert main(["--stack", "test", "--json"], project_dir=tmp_path) == 0

    assert '"team": "from-project"' in capsys.readouterr().out


FLAGS = st.lists(
    st.one_of(
        st.sampled_from(["--stack", "--json", "--stack=prod", "-h", "--", "prod", "--stak"]),
        st.text(max_size=12),
    ),
    max_size=4,
)


@settings(max_examples=40, deadline=None, suppress_health_check=health_checks_off())
@given(argv=FLAGS)
def test_any_flags_give_a_plan_or_a_clear_exit(argv: list[str]) -> None:
    plan_outcome(argv)


@settings(max_examples=60, deadline=None, suppress_health_check=health_checks_off())
@given(stack=st.text(min_size=1, max_size=120))
def test_any_stack_name_gives_a_plan_or_a_clear_exit(stack: str) -> None:
    plan_outcome(["--stack", stack])


JSONISH: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner, max_size=3)
    ),
    max_leaves=12,
)
PROJECT_KEYS = st.sampled_from(
    [f"{PROJECT}:{key}" for key in ("genesysRegion", "clients", "tags", "secretsKmsKeyId")]
)


@settings(max_examples=40, deadline=None, suppress_health_check=health_checks_off())
@given(config=st.dictionaries(PROJECT_KEYS | st.text(max_size=20), JSONISH, max_size=4))
def test_any_stack_config_gives_a_plan_or_a_clear_exit(config: dict[str, Any]) -> None:
    plan_outcome(["--stack", "test"], yaml.safe_dump({"config": config}))


@settings(max_examples=40, deadline=None, suppress_health_check=health_checks_off())
@given(text=st.text(max_size=200))
def test_any_stack_file_text_gives_a_plan_or_a_clear_exit(text: str) -> None:
    plan_outcome(["--stack", "test"], text)
