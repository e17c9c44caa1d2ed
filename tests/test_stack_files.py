"""Pulumi.yaml and Pulumi.prod.yaml say what the README promises about state and secrets."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import yaml

from genesys_oauth_secrets.check.stack_file import is_ciphertext, stack_file_problems
from genesys_oauth_secrets.shared.backend_url import resolve_backend
from tests.support.stack_files import PROVIDER, kms_ciphertext

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


def test_prod_encrypts_secrets_with_the_key_bootstrap_creates() -> None:
    provider = urlsplit(str(load("Pulumi.prod.yaml")["secretsprovider"]))

    assert provider.scheme == "awskms"
    assert f"{provider.netloc}{provider.path}" == "alias/pulumi-genesys-oauth-secrets"
    assert parse_qs(provider.query)["region"] == ["us-east-1"]


def test_prod_passes_the_stack_file_check_with_or_without_its_encryptedkey() -> None:
    """Shipped without the key; after `pulumi stack init` the committed line must pass too."""
    stack = load("Pulumi.prod.yaml")
    with_key = {**stack, "encryptedkey": stack.get("encryptedkey", kms_ciphertext())}

    for document in (stack, with_key):
        assert (
            stack_file_problems(
                document, "Pulumi.prod.yaml", stack="prod", require_encryptedkey=False
            )
            == []
        )


def test_the_committed_encryptedkey_if_any_is_kms_ciphertext_not_a_placeholder() -> None:
    stack = load("Pulumi.prod.yaml")

    if "encryptedkey" in stack:
        assert (
            stack_file_problems(stack, "Pulumi.prod.yaml", stack="prod", require_encryptedkey=True)
            == []
        )


def test_prod_config_holds_secrets_only_as_pulumi_ciphertext() -> None:
    config = load("Pulumi.prod.yaml")["config"]
    leaked = {**config, "genesyscloud:oauthclientSecret": "plaintext"}  # type: ignore[dict-item]

    assert isinstance(config, dict)
    assert (
        stack_file_problems(
            {"secretsprovider": PROVIDER, "config": leaked},
            "F",
            stack="prod",
            require_encryptedkey=False,
        )
        != []
    ), "the check must be able to fail"
    assert not any(
        isinstance(value, dict) and "secure" in value and not is_ciphertext(value["secure"])
        for value in config.values()
    )


def test_the_bucket_is_named_once_in_pulumi_yaml_for_every_tool() -> None:
    backend = resolve_backend(REPO, {})

    assert backend.source == "Pulumi.yaml backend.url"
    workflows = "".join(p.read_text() for p in (REPO / ".github" / "workflows").glob("*.yml"))
    assert backend.bucket not in workflows, "workflows read the bucket from Pulumi.yaml"
