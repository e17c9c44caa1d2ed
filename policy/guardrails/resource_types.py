"""Type tokens of the resources the policies judge, as the engine sends them."""

from typing import Final

OAUTH_CLIENT: Final = "genesyscloud:index/oauthClient:OauthClient"
SECRET: Final = "aws:secretsmanager/secret:Secret"  # noqa: S105 - a type token
SECRET_VERSION: Final = "aws:secretsmanager/secretVersion:SecretVersion"  # noqa: S105 - likewise
KMS_KEY: Final = "aws:kms/key:Key"
STACK: Final = "pulumi:pulumi:Stack"
REGENERATED_SECRET: Final = "pulumi-python:dynamic/rotation:RegeneratedSecret"  # noqa: S105 - a type
