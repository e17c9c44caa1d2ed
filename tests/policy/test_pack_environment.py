"""The pack's virtualenv is pinned exactly and runs the same Pulumi SDK the program runs."""

from __future__ import annotations

from pathlib import Path

from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parents[2]


def requirements(path: Path) -> dict[str, Requirement]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    parsed = (Requirement(line) for line in lines if line and not line.startswith(("-", "./")))
    return {requirement.name: requirement for requirement in parsed}


def test_the_pack_pins_every_dependency_exactly() -> None:
    pack = requirements(REPO / "policy" / "requirements.txt")

    assert set(pack) == {"pulumi-policy", "pulumi"}
    assert all(str(r.specifier).startswith("==") and len(r.specifier) == 1 for r in pack.values())
    assert str(pack["pulumi-policy"].specifier) == "==1.21.0"


def test_the_pack_runs_a_pulumi_release_the_program_accepts() -> None:
    pack_pulumi = next(iter(requirements(REPO / "policy" / "requirements.txt")["pulumi"].specifier))
    program_pulumi = requirements(REPO / "requirements.txt")["pulumi"].specifier

    assert pack_pulumi.version in program_pulumi
