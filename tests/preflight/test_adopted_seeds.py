"""Preflight reads a stack that adopts a client with ``secret: config`` without decrypting the
seed: the encrypted ``adoptedClientSecrets`` neither stops the checks that need the clients nor
is ever opened."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from genesys_oauth_secrets.plan.engine import MAIN, PROJECT
from genesys_oauth_secrets.preflight.context import resolve
from tests.support.stack_files import SEALED_SEED, adopt_first_client_from_config


def adopting_stack(tmp_path: Path, seeds: object) -> Path:
    shipped: dict[str, Any] = yaml.safe_load((MAIN.parent / "Pulumi.prod.yaml").read_text())
    adopt_first_client_from_config(shipped["config"], PROJECT, seeds)
    (tmp_path / "Pulumi.yaml").write_text(f"name: {PROJECT}\nruntime: python\n")
    (tmp_path / "Pulumi.prod.yaml").write_text(yaml.safe_dump(shipped))
    return tmp_path


@pytest.mark.parametrize(
    "seeds",
    [
        pytest.param({"ivr-integration": SEALED_SEED}, id="set with --secret --path"),
        pytest.param(SEALED_SEED, id="the whole map set as one secret"),
    ],
)
def test_an_encrypted_adopted_secret_leaves_the_clients_readable(
    tmp_path: Path, seeds: object
) -> None:
    context = resolve(
        stack="prod",
        bucket="some-state-bucket",
        endpoint_url=None,
        genesys_base_url=None,
        project_dir=adopting_stack(tmp_path, seeds),
        env={},
    )

    assert context.config_problem is None
    assert context.config is not None
    assert context.config.clients[0].adopt is not None


def test_a_plaintext_adopted_secret_is_a_config_problem_as_pulumi_up_says(tmp_path: Path) -> None:
    context = resolve(
        stack="prod",
        bucket="some-state-bucket",
        endpoint_url=None,
        genesys_base_url=None,
        project_dir=adopting_stack(tmp_path, {"ivr-integration": "plain-text-seed"}),
        env={},
    )

    assert context.config is None
    assert "adoptedClientSecrets" in (context.config_problem or "")
    assert "plain-text-seed" not in (context.config_problem or "")
