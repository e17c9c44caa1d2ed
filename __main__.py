"""genesys-oauth-secrets: a Genesys Cloud OAuth client and its AWS secret per configured client.

Thin on purpose: config is validated in ``components.config``, the resources live in
``components.oauth_client_secret``, every OAuth client goes through the one Genesys provider
of ``components.genesys_provider``. The only stack output is ``clients`` (ids and secret ARNs,
plus replica ARNs by region with ``replicaRegions``).
"""

import pulumi

from components.config import load_stack_config
from components.genesys_provider import create_genesys_provider
from components.oauth_client_secret import OAuthClientSecret, OAuthClientSecretArgs
from components.reader_access import key_policies
from components.replica_keys import replica_keys
from components.secrets_key import create_secrets_key
from components.tagging import stack_tags

config = load_stack_config(pulumi.Config())
tags = stack_tags(config.tags)
stack_key = None if config.secrets_kms_key_id else create_secrets_key(tags)
kms_key_id = stack_key.arn if stack_key is not None else str(config.secrets_kms_key_id)
region_keys = replica_keys(config.replica_regions, tags)
key_policies(stack_key, config.aws_region, region_keys, config.clients)
genesys_provider = create_genesys_provider(config.genesys_region.name, config.genesys_provider)

clients = {
    client.name: OAuthClientSecret(
        client.name,
        OAuthClientSecretArgs(
            client=client,
            genesys_region=config.genesys_region,
            genesys_provider=genesys_provider,
            kms_key_id=kms_key_id,
            tags=tags,
            protect=config.protect_resources,
            replica_keys=region_keys,
        ),
    )
    for client in config.clients
}

pulumi.export(
    "clients",
    {
        name: {
            "client_id": component.client_id,
            "secret_arn": component.secret_arn,
            **({"replica_arns": component.replica_arns} if component.replica_arns else {}),
        }
        for name, component in clients.items()
    },
)
