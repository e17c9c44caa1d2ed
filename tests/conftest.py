"""Shared fixtures: the capturing Pulumi engine, the loopback moto server, the IAM check."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from genesys_oauth_secrets.plan.engine import PROJECT, ProgramRun, run_program
from tests.support import hypothesis_profiles
from tests.support.aws_calls import aws_calls_fit_the_iam_documents, iam_evaluator
from tests.support.moto_server import aws_endpoint, moto_server

__all__ = [
    "aws_calls_fit_the_iam_documents",
    "aws_endpoint",
    "engine",
    "iam_evaluator",
    "marker",
    "moto_server",
    "prod_config",
]

REPO = Path(__file__).resolve().parents[1]

RunProgram = Callable[..., ProgramRun]

HYPOTHESIS_PROFILE = hypothesis_profiles.register()


def pytest_report_header() -> str:
    return f"hypothesis profile: {HYPOTHESIS_PROFILE} (no deadline, no too_slow check)"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A property test whose settings depend on the machine's speed is an error, not a flake."""
    for item in items:
        test_settings = getattr(
            getattr(item, "obj", None), "_hypothesis_internal_use_settings", None
        )
        if test_settings is not None and not hypothesis_profiles.load_independent(test_settings):
            raise pytest.UsageError(
                f"{item.nodeid}: its hypothesis settings set a deadline or re-enable too_slow; "
                "use tests.support.hypothesis_profiles.health_checks_off(...)"
            )


@pytest.fixture(autouse=True)
def no_genesys_region_from_the_shell(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's exported GENESYSCLOUD_REGION must not change what the program tests see."""
    monkeypatch.delenv("GENESYSCLOUD_REGION", raising=False)


@pytest.fixture
def marker() -> str:
    """A secret no code path may ever print: what the fake Genesys provider hands out."""
    return f"MARKER-{uuid.uuid4().hex}"


@pytest.fixture
def prod_config() -> dict[str, Any]:
    """The committed Pulumi.prod.yaml config, so the shipped example is what gets tested."""
    stack_file = yaml.safe_load((REPO / "Pulumi.prod.yaml").read_text())
    prefix = f"{PROJECT}:"
    return {
        (key[len(prefix) :] if key.startswith(prefix) else key): value
        for key, value in stack_file["config"].items()
    }


@pytest.fixture
def engine(marker: str) -> RunProgram:
    """Evaluate the real program under the capturing engine: ``engine(config)``."""

    def run(config: Mapping[str, Any], *, preview: bool = False) -> ProgramRun:
        return run_program(config, marker, preview=preview)

    return run
