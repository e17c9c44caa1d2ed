"""Shared fixtures: the capturing Pulumi engine, the loopback moto server, the IAM check."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from offline_plan.engine import PROJECT, ProgramRun, run_program
from tests.support.aws_calls import aws_calls_fit_the_iam_documents
from tests.support.moto_server import aws_endpoint, moto_server

__all__ = [
    "aws_calls_fit_the_iam_documents",
    "aws_endpoint",
    "engine",
    "marker",
    "moto_server",
    "prod_config",
]

REPO = Path(__file__).resolve().parents[1]

RunProgram = Callable[..., ProgramRun]


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
