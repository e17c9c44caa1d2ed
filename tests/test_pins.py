"""Every dependency is pinned exactly, and the Pulumi CLI the workflows install fits the SDK.

A deploy must run the code that was reviewed: open ranges let any CI run pick up a new
pulumi-aws. The CLI version lives in one file (``.pulumi-version``) that both workflows hand to
pulumi/actions; the Python SDK must not be newer than the CLI that runs it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

REPO = Path(__file__).resolve().parents[1]
REQUIREMENT_FILES = sorted(
    [
        *REPO.glob("requirements*.txt"),
        *REPO.glob("*/requirements.txt"),
        *REPO.glob("examples/*/requirements.txt"),
    ]
)
SDK_FLOOR = Version("3.247.0")
"""``pulumi.runtime.register_package`` (parameterized packages) arrived in 3.247."""


def requirements(path: Path) -> list[Requirement]:
    """The requirement lines of one file; includes (``-r``), comments and local paths skipped.

    A local path (``./packages/genesys-credentials``) is a distribution of this repository:
    the commit pins it. It must exist, so a moved package cannot leave a dangling line.
    """
    lines = [line.split("#")[0].strip() for line in path.read_text().splitlines()]
    for line in lines:
        if line.startswith(("./", "../")):
            assert (path.parent / line / "pyproject.toml").is_file(), f"{path}: {line} is gone"
    return [
        Requirement(line) for line in lines if line and not line.startswith(("-r ", "./", "../"))
    ]


def exact_version(requirement: Requirement) -> Version:
    """The version of a ``name==x.y.z`` pin; anything else fails the test that calls it."""
    specifiers = list(requirement.specifier)
    assert len(specifiers) == 1, f"{requirement}: pin exactly one version (name==x.y.z)"
    assert specifiers[0].operator == "==", f"{requirement}: pin with ==, not a range"
    assert "*" not in specifiers[0].version, f"{requirement}: no wildcard pins"
    return Version(specifiers[0].version)


def pins(path: Path) -> dict[str, Version]:
    return {req.name.lower(): exact_version(req) for req in requirements(path)}


def parse_cli_version(text: str) -> Version:
    """pulumi/actions trims the file and uses it as a semver range: only x.y.z pins one release."""
    version = text.strip()
    assert re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", version), (
        f".pulumi-version holds {version!r}: write one release as x.y.z (no v, range or tag)"
    )
    return Version(version)


def test_the_pattern_finds_the_requirement_files() -> None:
    names = {str(path.relative_to(REPO)) for path in REQUIREMENT_FILES}

    assert {
        "requirements.txt",
        "requirements-dev.txt",
        "requirements-tools.txt",
        "examples/consumer/requirements.txt",
    } <= names


@pytest.mark.parametrize("path", REQUIREMENT_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_dependency_is_pinned_to_one_exact_version(path: Path) -> None:
    found = pins(path)

    assert found, f"{path.name} pins nothing: the parser is broken or the file is empty"


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("pulumi>=3.247.0,<4.0.0", "one version"),
        ("pulumi~=3.272", "=="),
        ("pulumi==3.*", "wildcard"),
        ("pulumi", "one version"),
    ],
)
def test_a_range_or_a_bare_name_is_refused(line: str, problem: str) -> None:
    with pytest.raises(AssertionError, match=problem):
        exact_version(Requirement(line))


def test_the_cli_version_is_one_release_at_least_the_sdk_pin() -> None:
    cli = parse_cli_version((REPO / ".pulumi-version").read_text())
    sdk = pins(REPO / "requirements.txt")["pulumi"]

    assert sdk >= SDK_FLOOR, "parameterized packages need pulumi>=3.247"
    assert cli >= sdk, f".pulumi-version {cli} is older than the pulumi SDK pin {sdk}: raise it"


def test_the_consumer_example_runs_the_same_pulumi_as_the_program() -> None:
    program = pins(REPO / "requirements.txt")
    consumer = pins(REPO / "examples" / "consumer" / "requirements.txt")

    assert {name: consumer[name] for name in ("pulumi", "pulumi-aws")} == {
        name: program[name] for name in ("pulumi", "pulumi-aws")
    }


@pytest.mark.parametrize(
    "text",
    ["v3.272.0", "^3", "3.272", "latest", "3.272.0-rc.1", "3.272.0\n3.271.0", "", "\uff13.272.0"],
)
def test_a_cli_version_that_is_not_one_exact_release_is_refused(text: str) -> None:
    with pytest.raises(AssertionError, match=r"write one release as x\.y\.z"):
        parse_cli_version(text)
