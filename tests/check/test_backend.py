"""The backend is resolved as the Pulumi CLI resolves it: the variable first, then Pulumi.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

from genesys_oauth_secrets.shared.backend_url import BackendProblem, parse_s3_url, resolve_backend
from genesys_oauth_secrets.shared.stack_file import Unreadable
from tests.support.stack_files import BACKEND, stack_document, write_project


def test_pulumi_yaml_names_the_bucket_when_the_variable_is_unset(tmp_path: Path) -> None:
    backend = resolve_backend(write_project(tmp_path, stack_document()), {})

    assert (backend.url, backend.source) == (BACKEND, "Pulumi.yaml backend.url")
    assert (backend.bucket, backend.region) == ("acme-genesys-oauth-secrets-state", "us-east-1")


def test_pulumi_backend_url_overrides_pulumi_yaml(tmp_path: Path) -> None:
    other = "s3://other-state-bucket?region=eu-west-1"

    backend = resolve_backend(
        write_project(tmp_path, stack_document()), {"PULUMI_BACKEND_URL": other}
    )

    assert (backend.url, backend.source, backend.bucket) == (
        other,
        "PULUMI_BACKEND_URL",
        "other-state-bucket",
    )


def test_with_neither_the_fix_is_backend_url_in_pulumi_yaml(tmp_path: Path) -> None:
    with pytest.raises(BackendProblem, match=r"no backend\.url and no PULUMI_BACKEND_URL"):
        resolve_backend(write_project(tmp_path, stack_document(), backend_url=None), {})


def test_an_unreadable_pulumi_yaml_is_not_a_missing_backend(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("backend: [s3://x\n")

    with pytest.raises(Unreadable, match=r"Pulumi\.yaml: not valid YAML at line"):
        resolve_backend(tmp_path, {})


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("file://~/state", "keeps its state in S3"),
        ("https://api.pulumi.com", "keeps its state in S3"),
        ("s3://Acme_State?region=us-east-1", "invalid bucket name"),
        ("s3://acme-state", "add the bucket's region once"),
        ("s3://acme-state?region=us-east-1&region=eu-west-1", "add the bucket's region once"),
        ("s3://acme-state?region=us-east-1%0A", "add the bucket's region once"),
        ("s3://acme-state?region=US-EAST-1", "add the bucket's region once"),
        ("s3://acme-state?region=us-east-\u0661", "non-ASCII"),
        ("s3://acme-state\n?region=us-east-1", "control or non-ASCII"),
        ("s3://acme state?region=us-east-1", "spaces"),
        ("", "empty"),
        ("s3://acme-state/prefix?region=us-east-1", "drop the path"),
    ],
)
def test_a_backend_url_the_workflows_cannot_use_is_refused_with_the_fix(
    url: str, expected: str
) -> None:
    with pytest.raises(BackendProblem, match=expected):
        parse_s3_url(url, "PULUMI_BACKEND_URL")
