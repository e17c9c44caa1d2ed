"""Reading a project or stack file: bounded and strict, one line on anything unexpected."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from genesys_oauth_secrets.shared.stack_file import MAX_BYTES, Unreadable, load_mapping

SECRET = "hunter2-plaintext-secret"


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

    with pytest.raises(Unreadable, match="no such regular file in|not a regular file"):
        load_mapping(path)
