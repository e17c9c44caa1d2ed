"""``genesys-oauth-secrets bootstrap``: create, or check and repair, the state backend.

Once per AWS account, before the first ``pulumi stack init``: the DIY state bucket with its
hardening and the two KMS keys (the bucket's and the ``awskms://`` secrets provider's). The
baseline itself lives in ``shared.backend_baseline``, because preflight checks the same one.
With ``--github-repo``, also the GitHub side (``identities``): the OIDC provider and the roles
the workflows assume, each holding its ``iam/*.json`` document rendered by ``documents``.
"""
