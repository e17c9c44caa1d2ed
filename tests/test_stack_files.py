"""Pulumi.yaml and Pulumi.prod.yaml say what the README promises about state and secrets."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import yaml

REPO = Path(__file__).resolve().parents[1]


def load(name: str) -> dict[str, object]:
    document: dict[str, object] = yaml.safe_load((REPO / name).read_text())
    return document


def test_project_is_python_in_the_venv_the_makefile_creates() -> None:
    project = load("Pulumi.yaml")

    assert project["name"] == "genesys-oauth-secrets"
    assert project["runtime"] == {
        "name": "python",
        "options": {"toolchain": "pip", "virtualenv": "venv"},
    }


def test_state_lives_in_an_s3_backend_with_a_region() -> None:
    backend = urlsplit(load("Pulumi.yaml")["backend"]["url"])  # type: ignore[index]

    assert backend.scheme == "s3"
    assert backend.netloc
    assert parse_qs(backend.query)["region"] == ["us-east-1"]


def test_prod_encrypts_secrets_with_aws_kms_and_carries_no_handwritten_data_key() -> None:
    stack = load("Pulumi.prod.yaml")
    provider = urlsplit(str(stack["secretsprovider"]))

    assert provider.scheme == "awskms"
    assert f"{provider.netloc}{provider.path}" == "alias/pulumi-genesys-oauth-secrets"
    assert parse_qs(provider.query)["region"] == ["us-east-1"]
    assert "encryptedkey" not in stack, "pulumi stack init --secrets-provider writes the real one"


def test_prod_config_holds_no_secret_values() -> None:
    config = load("Pulumi.prod.yaml")["config"]

    assert isinstance(config, dict)
    assert not any(isinstance(value, dict) and "secure" in value for value in config.values())
