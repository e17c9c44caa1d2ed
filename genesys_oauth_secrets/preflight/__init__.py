"""Preflight: every known way ``pulumi preview``/``pulumi up`` fails, named with its fix first.

Run ``genesys-oauth-secrets preflight`` before Pulumi, on a laptop and in both workflows. It only
reads: AWS (the caller, the state bucket and its hardening, the secrets-provider key, the
stack's locks, each client's secret, an IAM simulation) and Genesys Cloud (a token for the
deploying client, its roles and their permissions, the roles and divisions the config grants).
It writes nothing and never prints a secret.

It reuses the other tools' code instead of repeating it: ``state_backend`` for AWS clients,
the bucket baseline and locks, ``genesys_oauth_secrets.check`` for the project and stack files,
``components.config`` for the config rules, ``genesys_credentials`` for the token grant.
"""
