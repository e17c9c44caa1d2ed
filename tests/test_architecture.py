"""The doors between the rooms of docs/architecture.md: import-linter's contracts (pyproject.toml)
hold today, and each one breaks when an import it forbids is planted in a copy of the tree.

import-linter graphs packages; the two kinds of code it cannot see are checked here by their
syntax tree: ``__main__.py`` (a script Pulumi runs, not an importable package) and the examples,
which are other projects and may use this repository only through ``genesys_credentials``.
"""

from __future__ import annotations

import ast
import itertools
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
# Where each root package of [tool.importlinter] lives, relative to the repository.
PACKAGES = {
    "components": Path("components"),
    "genesys_oauth_secrets": Path("genesys_oauth_secrets"),
    "genesys_credentials": Path("packages/genesys-credentials/genesys_credentials"),
    "guardrails": Path("policy/guardrails"),
    "benchmarks": Path("benchmarks"),
    "tests": Path("tests"),
}
SEARCH_PATH = (".", "packages/genesys-credentials", "policy")
TOOLS_AND_TESTS = {"genesys_oauth_secrets", "guardrails", "benchmarks", "tests"}


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` on the tree at ``root``, finding its packages there and nowhere else."""
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(str(root / part) for part in SEARCH_PATH),
        "COLUMNS": "200",  # one line per contract name, whatever the terminal
    }
    return subprocess.run(  # noqa: S603 - the venv's own lint-imports on a tree we wrote
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", str(root / "pyproject.toml")],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def broken_contracts(output: str) -> set[str]:
    """The names of the contracts lint-imports details under "Broken contracts": each one is a
    heading underlined with dashes of its own length."""
    lines = output.split("Broken contracts\n----------------\n", 1)[-1].splitlines()
    return {
        line
        for line, underline in itertools.pairwise(lines)
        if line and underline == "-" * len(line)
    }


def contract_names() -> dict[str, str]:
    """Contract id -> name, from pyproject.toml."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return {c["id"]: c["name"] for c in config["tool"]["importlinter"]["contracts"]}


@pytest.fixture(scope="module")
def tree_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Python files of every root package and the pyproject.toml, copied once."""
    copy = tmp_path_factory.mktemp("tree")
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    for location in PACKAGES.values():
        shutil.copytree(
            ROOT / location,
            copy / location,
            ignore=lambda folder, names: [
                n for n in names if not n.endswith(".py") and not (Path(folder) / n).is_dir()
            ],
        )
    return copy


def test_every_import_contract_holds() -> None:
    result = lint_imports(ROOT)

    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(contract_names())} kept, 0 broken." in result.stdout


def test_the_copy_the_planted_imports_go_into_keeps_every_contract(tree_copy: Path) -> None:
    result = lint_imports(tree_copy)

    assert result.returncode == 0, result.stdout + result.stderr


# One row per door: where the forbidden import is planted, what it imports, which contracts
# must then report it.
PLANTED = [
    pytest.param(
        "components/config.py",
        "genesys_oauth_secrets.shared.output",
        {"program-imports-no-tool"},
        id="the-program-imports-a-tool",
    ),
    pytest.param(
        "packages/genesys-credentials/genesys_credentials/secret.py",
        "components.config",
        {"library-stands-alone"},
        id="the-library-imports-the-program",
    ),
    pytest.param(
        "policy/guardrails/secret.py",
        "genesys_credentials",
        {"policy-pack-stands-alone"},
        id="the-policy-pack-imports-the-library",
    ),
    pytest.param(
        "genesys_oauth_secrets/audit/scan.py",
        "tests.support.moto_server",
        {"tools-import-no-benchmark-or-test"},
        id="a-tool-imports-a-test-helper",
    ),
    pytest.param(
        "genesys_oauth_secrets/shared/text.py",
        "genesys_oauth_secrets.audit.scan",
        # audit imports shared, so the circle and every job's indirect path to audit show too
        {"shared-imports-no-job", "jobs-are-independent", "no-import-circles"},
        id="shared-imports-a-job",
    ),
    pytest.param(
        "genesys_oauth_secrets/demo/cli.py",
        "genesys_oauth_secrets.cli",
        {"only-the-front-door-knows-the-jobs", "jobs-are-independent", "no-import-circles"},
        id="a-job-imports-the-front-door",
    ),
    pytest.param(
        "genesys_oauth_secrets/locks/cli.py",
        "genesys_oauth_secrets.age.ages",
        {"jobs-are-independent"},
        id="a-job-imports-another-job",
    ),
    pytest.param(
        "genesys_oauth_secrets/preflight/cli.py",
        "genesys_oauth_secrets.check.cli",
        {"jobs-are-independent"},
        id="an-allowance-covers-one-import-not-its-package",
    ),
    pytest.param(
        "genesys_oauth_secrets/shared/output.py",
        "genesys_oauth_secrets.shared.command",
        {"no-import-circles"},
        id="two-modules-import-each-other",
    ),
]


@pytest.mark.parametrize(("module", "planted", "contracts"), PLANTED)
def test_a_planted_forbidden_import_breaks_its_contract(
    tree_copy: Path, module: str, planted: str, contracts: set[str]
) -> None:
    target = tree_copy / module
    original = target.read_text()
    target.write_text(f"{original}\nimport {planted}  # planted by the test\n")
    try:
        result = lint_imports(tree_copy)
    finally:
        target.write_text(original)

    names = contract_names()
    assert result.returncode == 1, result.stdout + result.stderr
    assert broken_contracts(result.stdout) == {names[c] for c in contracts}


def top_level_imports(source: str) -> set[str]:
    """The first dotted part of every module a Python source imports (relative ones as '.')."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            found.add("." if node.level else (node.module or "").split(".")[0])
    return found


def test_the_program_script_imports_no_tool() -> None:
    imported = top_level_imports((ROOT / "__main__.py").read_text())

    assert "components" in imported
    assert imported & TOOLS_AND_TESTS == set()


def test_the_examples_use_this_repository_only_through_the_library() -> None:
    ours = set(PACKAGES) - {"genesys_credentials"}
    reaching_in = {
        str(path.relative_to(ROOT)): sorted(top_level_imports(path.read_text()) & ours)
        for path in sorted((ROOT / "examples").rglob("*.py"))
    }

    assert reaching_in
    assert {path: names for path, names in reaching_in.items() if names} == {}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import pulumi\nfrom components.config import x\n", {"pulumi", "components"}),
        ("def f():\n    import genesys_oauth_secrets.cli\n", {"genesys_oauth_secrets"}),
        ("from . import sibling\n", {"."}),
    ],
)
def test_the_script_check_sees_every_import_even_inside_a_function(
    source: str, expected: set[str]
) -> None:
    assert top_level_imports(source) == expected
