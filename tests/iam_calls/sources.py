"""Where each tabled AWS call was read: repository, path, commit and function.

The calls of ``pulumi up``/``preview``/``refresh``/``destroy`` are not recorded by any test (the
Pulumi engine and the AWS provider are Go programs the suite does not run); they were read from
the source of the programs that make them, and every row of ``tests/iam_calls/table.py`` names
the function it was read from, so a reviewer can check it and an upgrade can re-read it.

The terraform-provider-aws commit pulumi-aws 7.51.1 builds from (its ``upstream`` submodule)
could not be resolved here: the pulumi/pulumi-aws and hashicorp/terraform-provider-aws snapshots
are over the size the workplace can fetch, and Pulumi's fork pulumi/terraform-provider-aws
stops at 2023 (v5.x). The provider rows cite the stored hashicorp/terraform-provider-aws
versions read instead, each at its own commit (``PROVIDER_VERSION_NOTE``).
"""

from __future__ import annotations

from dataclasses import dataclass

PROVIDER_REPO = "hashicorp/terraform-provider-aws"
PULUMI_REPO = "pulumi/pulumi"
GOCLOUD_REPO = "google/go-cloud"

PULUMI_COMMIT = "1b5949891b3cefcb9974752b24a5ecef0acc86c8"
"""pulumi/pulumi, 2026-08-21 (sdk/.version 3.260.0): the newest snapshot here; the project pins
the CLI at 3.272.0 (``.pulumi-version``), which the snapshot does not reach."""
GOCLOUD_COMMIT = "b5401c07b5f16ea9b5902e159ecc6e8a7c3dc498"
"""google/go-cloud at the pseudo-version pulumi/pulumi's pkg/go.mod requires
(``gocloud.dev v0.46.1-0.20260810195832-b5401c07b5f1``)."""

PROVIDER_VERSION_NOTE = (
    "read at the stored versions cited, not at the upstream "
    "submodule commit of pulumi-aws v7.51.1, which could not be fetched here"
)


@dataclass(frozen=True)
class Source:
    """One function in one file at one commit."""

    repo: str
    path: str
    commit: str
    function: str

    def cite(self) -> str:
        return f"{self.repo} {self.path}@{self.commit[:12]} {self.function}"


@dataclass(frozen=True)
class File:
    """One file at one commit; ``fn`` names a function in it."""

    repo: str
    path: str
    commit: str

    def fn(self, function: str) -> Source:
        return Source(self.repo, self.path, self.commit, function)


def _provider(path: str, commit: str) -> File:
    return File(PROVIDER_REPO, path, commit)


KMS_KEY = _provider("internal/service/kms/key.go", "00a35305dc1b297a6fcdecdfbba33f1e63c3da39")
KMS_TAGS = _provider("internal/service/kms/tags_gen.go", "01606926a0c0ab9174aec440f976a48b0baee722")
KMS_ALIAS = _provider("internal/service/kms/alias.go", "01c08000ddb14181b5bd19201d8fca311dc570e4")
KMS_FIND = _provider("internal/service/kms/find.go", "3a50f447ebbc57b86a7de946ef44c6131c27b3ed")
SECRET = _provider(
    "internal/service/secretsmanager/secret.go", "00c21cedec069dd27093b175baf15bac6d4b30fe"
)
SECRET_VERSION = _provider(
    "internal/service/secretsmanager/secret_version.go", "0042e8ea0de293c6cd8b003f89f7f4d2fb5fcf31"
)
KMS_KEY_POLICY = _provider(
    "internal/service/kms/key_policy.go", "6fc8692d5a123aac6a07fc0720b0b22fcdc7c64f"
)
SECRET_POLICY = _provider(
    "internal/service/secretsmanager/secret_policy.go", "01c08000ddb14181b5bd19201d8fca311dc570e4"
)

DIY_BACKEND = File(PULUMI_REPO, "pkg/backend/diy/backend.go", PULUMI_COMMIT)
DIY_STATE = File(PULUMI_REPO, "pkg/backend/diy/state.go", PULUMI_COMMIT)
DIY_LOCK = File(PULUMI_REPO, "pkg/backend/diy/lock.go", PULUMI_COMMIT)
DIY_META = File(PULUMI_REPO, "pkg/backend/diy/meta.go", PULUMI_COMMIT)
S3BLOB = File(GOCLOUD_REPO, "blob/s3blob/s3blob.go", GOCLOUD_COMMIT)
AWSKMS = File(GOCLOUD_REPO, "secrets/awskms/kms.go", GOCLOUD_COMMIT)

BOTOCORE_SECRETSMANAGER = File(
    "boto/botocore",
    "botocore/data/secretsmanager/2017-10-17/service-2.json",
    "1.44.18",
)
"""The Secrets Manager API reference's "Required permissions" of an operation, as botocore
ships it; cited where the provider's code shows the call but AWS adds a permission to it."""
