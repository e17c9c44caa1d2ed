"""Reading a project or stack file: bounded and strict, one line on anything unexpected."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from genesys_oauth_secrets.check.cli import main as check_main
from genesys_oauth_secrets.shared.stack_file import MAX_BYTES, Unreadable, load_mapping

SECRET = "hunter2-plaintext-secret"

FINDING_9 = [
    (
        f"config:\n  aws:region: us-east-1\n  aws:region: {SECRET}\n",
        "'aws:region' appears twice in one mapping at line 3",
    ),
    ("config:\n  x:y: " + "7" * 4301 + "\n", "a value at line 2 cannot be read"),
    ("config:\n  x:y: !!timestamp 2024-02-30\n", "a value at line 2 cannot be read"),
]
"""Issue 20 finding 9: inputs PyYAML alone accepts (duplicates) or raises ``ValueError`` on."""


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (f"encryptedkey: a\nencryptedkey: {SECRET}\n", "'encryptedkey' appears twice"),
        ("config:\n  a: &x [1]\n  b: *x\n", "aliases"),
        ("a: " + "[" * 100 + "]" * 100 + "\n", "nested more than 64 levels"),
        ("- a\n- b\n", "the top level is not a mapping"),
        ("", "the top level is not a mapping"),
        ("1: a\n", "a mapping key is not a string at line 1; quote it"),
        (f"secretsprovider: '{SECRET}\n", "not valid YAML at line"),
        (f"key: !!python/object:os.system {SECRET}\n", "not valid YAML"),
        *FINDING_9,
    ],
)
def test_a_file_pulumi_would_not_have_written_is_refused_without_echoing_it(
    tmp_path: Path, content: str, expected: str
) -> None:
    path = tmp_path / "Pulumi.prod.yaml"
    path.write_text(content)

    with pytest.raises(Unreadable, match=expected) as raised:
        load_mapping(path)
    assert SECRET not in str(raised.value)
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize(("content", "expected"), FINDING_9)
def test_check_answers_finding_9_inputs_with_one_line_and_exit_2(
    tmp_path: Path, content: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: p\nruntime: python\n")
    (tmp_path / "Pulumi.prod.yaml").write_text(content)

    code = check_main(["--dir", str(tmp_path)], environ={})

    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.startswith("error: Pulumi.prod.yaml: ")
    assert expected in err
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert SECRET not in err


def test_a_file_larger_than_any_stack_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "Pulumi.prod.yaml"
    path.write_bytes(b"a: " + b"x" * MAX_BYTES)

    with pytest.raises(Unreadable, match="larger than 256 KiB"):
        load_mapping(path)


def test_bytes_that_are_not_utf8_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "Pulumi.prod.yaml"
    path.write_bytes(b"a: \xff\xfe\n")

    with pytest.raises(Unreadable, match="not UTF-8"):
        load_mapping(path)


@pytest.mark.parametrize("kind", ["missing", "directory", "fifo"])
def test_only_a_regular_file_is_read_so_nothing_blocks(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "Pulumi.prod.yaml"
    if kind == "directory":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)

    with pytest.raises(Unreadable, match=r"no such regular file in|not a regular file"):
        load_mapping(path)
