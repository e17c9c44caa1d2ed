"""``genesys-oauth-secrets age``: how old is each client's current secret; is it due for rotation?

A read-only check for a schedule (``.github/workflows/secret-age.yml``) or a person. It reads the
clients and their ``rotation`` blocks from ``Pulumi.<stack>.yaml`` (no Pulumi state, no CLI) and
asks Secrets Manager when the current client secret of each client's secret
(``genesys/oauth/<stack>/<client>``) was issued: the secret's issue tag, which ``pulumi up``
sets when a secret is issued, or, without one, when its ``AWSCURRENT`` version was created (the
line says so). It never reads a secret value: the AWS permissions it needs are
``secretsmanager:ListSecretVersionIds`` and ``secretsmanager:DescribeSecret`` on those secrets.

Exit 0 when every secret is younger than its ``maxAgeDays``, 1 when one is older (each named
with the config line to bump), 2 when the check could not be made (unreadable stack file,
invalid config, a secret missing or unreadable) — never 0 for a check it could not finish.
See docs/rotation.md.
"""
