"""genesys-oauth-consumer: give one IAM role read access to one Genesys client's secret.

Reads the secret ARN from the genesys-oauth-secrets stack (it exports ids and ARNs only), finds
the secret's KMS key from the secret itself, and attaches an inline policy to the role.
"""

import pulumi
import pulumi_aws as aws
from consumer_access import access_policy, pick_secret_arn, region_of

config = pulumi.Config()
client_name = config.require("clientName")
role_name = config.require("roleName")
secrets_stack = pulumi.StackReference(
    config.get("secretsStack") or "organization/genesys-oauth-secrets/prod"
)

secret_arn = secrets_stack.require_output("clients").apply(
    lambda clients: pick_secret_arn(clients, client_name)
)
# Ask in the secret's own region: this project's aws:region may differ from the secrets stack's.
secret_region = secret_arn.apply(region_of)
secret = aws.secretsmanager.get_secret_output(arn=secret_arn, region=secret_region)


def key_arn_of(kms_key_id: str | None, region: str) -> pulumi.Input[str]:
    """Secrets Manager returns the key as it was given (id, alias or ARN); IAM needs an ARN."""
    if not kms_key_id:
        raise ValueError(
            "the secret is encrypted with the AWS-managed key; genesys-oauth-secrets always "
            "uses a customer-managed key, so check secretsStack points at its stack"
        )
    if kms_key_id.startswith("arn:") and ":key/" in kms_key_id:
        return kms_key_id
    return aws.kms.get_key_output(key_id=kms_key_id, region=region).arn


key_arn = pulumi.Output.all(secret.kms_key_id, secret_region).apply(lambda k: key_arn_of(*k))

policy = aws.iam.RolePolicy(
    f"read-{client_name}-secret",
    role=role_name,
    name=f"read-genesys-oauth-{client_name}",
    policy=pulumi.Output.json_dumps(
        pulumi.Output.all(secret_arn, key_arn).apply(lambda arns: access_policy(*arns))
    ),
)

pulumi.export("secret_arn", secret_arn)
pulumi.export("policy_name", policy.name)
